//! What the generated code tells the runtime about each endpoint.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::types::FormValue;

/// HTTP methods the invoice API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// HTTP GET.
    Get,
    /// HTTP POST.
    Post,
}

/// How an endpoint's request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// A JSON object, UTF-8, Chinese as raw characters.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// No body.
    None,
}

/// One endpoint as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Spec name, also the client method name (`get_auth_data`).
    pub name: &'static str,
    /// WeChat's interface name (`invoiceBizGetAuthData`).
    pub wechat_name: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the base URL.
    pub path: &'static str,
    /// Fixed query parameters sent besides the access token.
    pub query: &'static [(&'static str, &'static str)],
    /// How the request travels.
    pub body: BodyKind,
    /// Fields always added to the JSON body (`"action": "get_url"`).
    pub body_constants: &'static [(&'static str, &'static str)],
    /// Whether repeating the call is harmless.
    pub idempotent: bool,
    /// Whether the call carries `access_token`.
    pub needs_token: bool,
    /// The query parameter the token travels in: `access_token`, or `component_access_token`
    /// for a third-party platform's own interfaces; empty when the call carries none.
    pub token_query: &'static str,
}

/// A request type and everything the client needs to send it: implemented by the generated
/// `…Request` structs, so `client.send(&request)` works for every endpoint.
pub trait Operation: Serialize + Send + Sync {
    /// The typed success response.
    type Response: DeserializeOwned + Serialize + std::fmt::Debug + Send;
    /// The endpoint's error enum.
    type Error: ApiError + std::fmt::Debug;
    /// The endpoint description from the spec.
    const ENDPOINT: Endpoint;

    /// The multipart parts of a `multipart` endpoint, in spec order; empty otherwise.
    fn form(&self) -> Vec<(&'static str, FormValue<'_>)> {
        Vec::new()
    }

    /// The JSON body exactly as the client sends it: the fields, plus the endpoint's constant
    /// fields, Chinese text as raw UTF-8.
    fn to_json_body(&self) -> Result<Vec<u8>, serde_json::Error> {
        let constants = Self::ENDPOINT.body_constants;
        if constants.is_empty() {
            return serde_json::to_vec(self);
        }
        let mut value = serde_json::to_value(self)?;
        if let serde_json::Value::Object(map) = &mut value {
            for (key, constant) in constants {
                let constant = serde_json::Value::String((*constant).to_string());
                map.insert((*key).to_string(), constant);
            }
        }
        serde_json::to_vec(&value)
    }
}

/// Decodes an HTTP answer of operation `O`: the typed response, `Error::Api` for a non-zero
/// `errcode`, or a typed decode error. Never panics, whatever the bytes.
pub fn decode_response<O: Operation>(
    status: u16,
    body: &[u8],
) -> Result<O::Response, crate::Error<O::Error>> {
    crate::wire::decode(O::ENDPOINT.name, status, body)
}
