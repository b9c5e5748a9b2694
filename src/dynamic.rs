//! Calls by endpoint name with JSON in and out, for debugging tools (`wxinvoice call`) and
//! dynamic callers. The typed path is still taken: the JSON is decoded into the endpoint's
//! request type, and the typed response or error is encoded back.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::client::Client;
use crate::endpoint::Operation;
use crate::error::{ApiError, Error};
use crate::raw::{RawBody, UnknownField};

/// Why a call by name did not produce a response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// No endpoint has this name.
    #[error("no endpoint named `{0}`; see `registry::ENDPOINTS` for the names")]
    UnknownEndpoint(String),
    /// The JSON does not fit the endpoint's request type.
    #[error("the request does not fit `{endpoint}`: {detail}")]
    InvalidRequest {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// What serde said.
        detail: String,
    },
    /// The call failed; `error` is the typed error as JSON, `message` its `Display`.
    #[error("{message}")]
    Failed {
        /// The typed error as JSON: `kind`, and for WeChat's answers `errcode`, `errmsg`,
        /// `variant`, `solution`, `retryable`.
        error: Value,
        /// The error's message.
        message: String,
    },
}

/// Work on an operation chosen by endpoint name at run time:
/// [`registry::visit_operation`](crate::registry::visit_operation) calls
/// [`visit`](OperationVisitor::visit) with that endpoint's request type.
pub trait OperationVisitor {
    /// What the work gives back.
    type Output;
    /// Does the work for the request type `O`.
    fn visit<O>(self) -> Self::Output
    where
        O: Operation + DeserializeOwned + Send + Sync + 'static;
}

/// A call by name in flight.
type CallFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CallError>> + Send + 'a>>;

/// A call by name: the client and the JSON request, waiting for the endpoint's type.
struct CallByName<'a> {
    client: &'a Client,
    request: Value,
}

impl<'a> OperationVisitor for CallByName<'a> {
    type Output = CallFuture<'a, Value>;

    fn visit<O>(self) -> Self::Output
    where
        O: Operation + DeserializeOwned + Send + Sync + 'static,
    {
        Box::pin(call_typed::<O>(self.client, self.request))
    }
}

/// [`CallByName`] through [`Client::send_raw`].
struct RawCallByName<'a> {
    client: &'a Client,
    request: Value,
}

impl<'a> OperationVisitor for RawCallByName<'a> {
    type Output = CallFuture<'a, RawCall>;

    fn visit<O>(self) -> Self::Output
    where
        O: Operation + DeserializeOwned + Send + Sync + 'static,
    {
        Box::pin(call_typed_raw::<O>(self.client, self.request))
    }
}

/// Calls an endpoint by its spec name with a JSON request; the typed response or the typed
/// error comes back as JSON.
///
/// `#[inline]` and not `async`: the per-endpoint code behind it is compiled in the crates that
/// call it, not in every crate that depends on this one.
#[inline]
pub fn call_json(
    client: &Client,
    endpoint: &str,
    request: Value,
) -> impl Future<Output = Result<Value, CallError>> {
    call_by_name(endpoint, CallByName { client, request })
}

/// Like [`call_json`], keeping the body of WeChat's answer beside the typed outcome (through
/// [`Client::send_raw`]); an `Err` is a call that was never sent.
///
/// `#[inline]` and not `async`, as [`call_json`].
#[inline]
pub fn call_json_raw(
    client: &Client,
    endpoint: &str,
    request: Value,
) -> impl Future<Output = Result<RawCall, CallError>> {
    call_by_name(endpoint, RawCallByName { client, request })
}

/// Runs the call `visitor` makes for the endpoint named `endpoint`.
async fn call_by_name<'a, T, V>(endpoint: &str, visitor: V) -> Result<T, CallError>
where
    V: OperationVisitor<Output = CallFuture<'a, T>>,
{
    match crate::registry::visit_operation(endpoint, visitor) {
        Some(call) => call.await,
        None => Err(CallError::UnknownEndpoint(endpoint.to_string())),
    }
}

/// Decodes `request` into `O`, sends it, and encodes the outcome as JSON.
pub async fn call_typed<O>(client: &Client, request: Value) -> Result<Value, CallError>
where
    O: Operation + DeserializeOwned,
{
    let endpoint = O::ENDPOINT.name;
    let typed: O = serde_json::from_value(request).map_err(|err| CallError::InvalidRequest {
        endpoint,
        detail: err.to_string(),
    })?;
    match client.send(&typed).await {
        Ok(response) => serde_json::to_value(&response).map_err(|err| CallError::Failed {
            error: json!({ "kind": "encode", "endpoint": endpoint }),
            message: err.to_string(),
        }),
        Err(err) => Err(CallError::Failed {
            error: error_json(endpoint, &err),
            message: err.to_string(),
        }),
    }
}

/// A call by name with the body of WeChat's answer kept (`registry::call_json_raw`): the
/// outcome as [`call_typed`] gives it, beside the body exactly as it arrived.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RawCall {
    /// The typed response as JSON, or [`CallError::Failed`] with the typed error.
    pub outcome: Result<Value, CallError>,
    /// The body of the answer: as WeChat sent it on success; on failure with the call's
    /// access token and secret-named values hidden. `None` when no answer arrived (timeout,
    /// connection failure, body too large).
    pub raw: Option<RawBody>,
    /// The fields of a success body that the typed response has no place for
    /// ([`WithRaw::unknown_fields`](crate::WithRaw::unknown_fields)); empty on failure.
    pub unknown_fields: Vec<UnknownField>,
}

/// Like [`call_typed`], through [`Client::send_raw`]: the body of the answer comes back too.
/// An `Err` is a request that was never sent ([`CallError::InvalidRequest`]).
pub async fn call_typed_raw<O>(client: &Client, request: Value) -> Result<RawCall, CallError>
where
    O: Operation + DeserializeOwned,
{
    let endpoint = O::ENDPOINT.name;
    let typed: O = serde_json::from_value(request).map_err(|err| CallError::InvalidRequest {
        endpoint,
        detail: err.to_string(),
    })?;
    match client.send_raw(&typed).await {
        Ok(answer) => {
            let unknown_fields = answer.unknown_fields();
            let (response, raw) = answer.into_parts();
            let outcome = serde_json::to_value(&response).map_err(|err| CallError::Failed {
                error: json!({ "kind": "encode", "endpoint": endpoint }),
                message: err.to_string(),
            });
            Ok(RawCall {
                outcome,
                raw: Some(raw),
                unknown_fields,
            })
        }
        Err(failed) => {
            let raw = failed.raw().cloned();
            let err = failed.into_error();
            Ok(RawCall {
                outcome: Err(CallError::Failed {
                    error: error_json(endpoint, &err),
                    message: err.to_string(),
                }),
                raw,
                unknown_fields: Vec::new(),
            })
        }
    }
}

/// A client error as JSON, without secrets (every field comes from token-free messages).
pub fn error_json<E: ApiError>(endpoint: &str, err: &Error<E>) -> Value {
    match err {
        Error::Api(api) => {
            let info = api.info();
            json!({
                "kind": "api",
                "endpoint": endpoint,
                "errcode": api.code(),
                "errmsg": api.message(),
                "variant": info.map_or("Unknown", |i| i.variant),
                "solution": info.map(|i| i.solution),
                "retryable": api.is_retryable(),
            })
        }
        other => json!({
            "kind": error_kind(other),
            "endpoint": endpoint,
            "message": other.to_string(),
        }),
    }
}

fn error_kind<E>(err: &Error<E>) -> &'static str {
    match err {
        Error::Api(_) => "api",
        Error::Timeout { .. } => "timeout",
        Error::Transport { .. } => "transport",
        Error::HttpStatus { .. } => "http_status",
        Error::Decode { .. } => "decode",
        Error::BodyTooLarge { .. } => "body_too_large",
        Error::Encode { .. } => "encode",
        Error::Token { .. } => "token",
    }
}
