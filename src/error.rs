//! Errors: WeChat's answer (`Error::Api`) kept apart from transport, timeout and decode failures.

use std::fmt;

use crate::token::TokenError;

/// What the spec documents about one error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorInfo {
    /// WeChat's `errcode`.
    pub code: i64,
    /// The Rust variant name used in every error enum that includes the code.
    pub variant: &'static str,
    /// The `errmsg` WeChat documents for it.
    pub errmsg: &'static str,
    /// What the code means.
    pub description: &'static str,
    /// What the docs say to do.
    pub solution: &'static str,
    /// Whether the same request may simply be sent again later.
    pub retryable: bool,
    /// Whether the operation may have succeeded anyway: query before retrying.
    pub may_have_succeeded: bool,
    /// Whether the access token was rejected and must be refreshed.
    pub invalidates_token: bool,
    /// The spec table that defines it (`general`, `invoice`).
    pub table: &'static str,
}

/// Implemented by every generated `…Error` enum, so the runtime can build and classify them.
///
/// Only the code, the message and the spec's documentation of the code are per type; the
/// classification and the `Display` text come from [`ErrorInfo`], the one table in
/// `error_codes`.
pub trait ApiError: std::error::Error + Send + Sync + Sized + 'static {
    /// The variant for an `errcode`/`errmsg` pair.
    fn from_code(code: i64, errmsg: String) -> Self;
    /// WeChat's `errcode`.
    fn code(&self) -> i64;
    /// WeChat's `errmsg`, as sent.
    fn message(&self) -> &str;
    /// The spec's documentation of the code, `None` for undocumented codes.
    fn info(&self) -> Option<&'static ErrorInfo>;

    /// The spec name of the endpoint that answered (the type's name for hand-written errors).
    fn endpoint(&self) -> &'static str {
        std::any::type_name::<Self>()
    }

    /// What the docs say to do about it, when the code is documented.
    fn solution(&self) -> Option<&'static str> {
        self.info().map(|info| info.solution)
    }

    /// Whether a plain retry later may succeed.
    fn is_retryable(&self) -> bool {
        self.info().is_some_and(|info| info.retryable)
    }

    /// Whether the access token must be refreshed.
    fn is_token_invalid(&self) -> bool {
        self.info().is_some_and(|info| info.invalidates_token)
    }

    /// Whether the operation may have succeeded anyway: query before sending it again.
    fn may_have_succeeded(&self) -> bool {
        self.info().is_some_and(|info| info.may_have_succeeded)
    }
}

/// Formats an API error: the endpoint, the code, WeChat's message and the documented solution.
pub(crate) fn fmt_api_error<E: ApiError>(error: &E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let endpoint = error.endpoint();
    write!(f, "{endpoint}: WeChat answered errcode {}", error.code())?;
    let message = error.message();
    if !message.is_empty() {
        write!(f, " ({})", crate::redact::scrub(message))?;
    }
    match error.info() {
        Some(info) => write!(f, ": {} Solution: {}", info.description, info.solution),
        None => write!(f, ": this code is not documented for {endpoint}"),
    }
}

/// Formats an API error for `Debug`: its variant, the endpoint, the code and WeChat's message
/// (with secrets scrubbed, as in `Display`).
pub(crate) fn debug_api_error<E: ApiError>(error: &E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct(error.info().map_or("Unknown", |info| info.variant))
        .field("endpoint", &error.endpoint())
        .field("code", &error.code())
        .field("errmsg", &crate::redact::scrub(error.message()))
        .finish()
}

/// Declares WeChat's documented error codes (the generated `error_codes` module): one
/// `pub static` [`ErrorInfo`] per row, documented from its own text, and `ALL`, sorted by code.
///
/// A row is `NAME = code, Variant, "errmsg", table, [flags], "description", "solution";` where
/// the flags are any of `retryable`, `may_have_succeeded` and `invalidates_token`. A row may
/// end in `doc "…"` to give its documentation when the plain text would not render (a bare
/// link, brackets).
macro_rules! error_codes {
    ($(
        $name:ident = $code:literal, $variant:ident, $errmsg:literal, $table:ident,
        [$($flag:ident),*], $description:literal, $solution:literal $(, doc $doc:literal)?;
    )*) => {
        $(
            #[doc = $crate::error::error_codes!(@doc [$($doc)?] $code $errmsg $description $solution)]
            pub static $name: crate::ErrorInfo = crate::ErrorInfo {
                code: $code,
                variant: stringify!($variant),
                errmsg: $errmsg,
                description: $description,
                solution: $solution,
                retryable: false $(|| $crate::error::error_codes!(@is retryable $flag))*,
                may_have_succeeded: false
                    $(|| $crate::error::error_codes!(@is may_have_succeeded $flag))*,
                invalidates_token: false
                    $(|| $crate::error::error_codes!(@is invalidates_token $flag))*,
                table: stringify!($table),
            };
        )*

        /// Every documented code, sorted by code.
        pub static ALL: &[&crate::ErrorInfo] = &[$(&$name),*];
    };
    (@doc [$doc:literal] $code:literal $errmsg:literal $description:literal $solution:literal) => {
        $doc
    };
    (@doc [] $code:literal $errmsg:literal $description:literal $solution:literal) => {
        concat!("`", stringify!($code), "` ", $errmsg, ": ", $description, "\n\nSolution: ", $solution)
    };
    (@is retryable retryable) => { true };
    (@is may_have_succeeded may_have_succeeded) => { true };
    (@is invalidates_token invalidates_token) => { true };
    (@is $wanted:ident $flag:ident) => { false };
}

pub(crate) use error_codes;

/// Declares an endpoint's error enum from its list of `Variant = ERROR_CODES_ITEM` pairs: a
/// struct variant `{ errmsg }` per code, `Unknown { code, errmsg }`, and the [`ApiError`]
/// methods, all read from the `error_codes` table (one item per code, shared by every enum).
///
/// The generated `error_enum!` (in `errors.rs`) adds WeChat's general codes and calls this.
macro_rules! api_error_enum {
    (
        $(#[doc = $doc:literal])*
        $name:ident for $endpoint:literal {
            $( $(#[doc = $variant_doc:literal])* $variant:ident = $item:ident, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[non_exhaustive]
        // `Clone`, `PartialEq`, `Serialize`, `Deserialize` and `JsonSchema` are written below
        // from `from_code`, `info` and `message` (and `error_serde`): derived, each would be a
        // match over every variant of every enum, most of the crate's code.
        pub enum $name {
            $(
                $(#[doc = $variant_doc])*
                $variant {
                    /// The `errmsg` WeChat sent (it often ends with a `rid` for WeChat support).
                    errmsg: String,
                },
            )*
            /// A code this endpoint's spec does not document; kept with WeChat's message.
            Unknown {
                /// The `errcode` WeChat sent.
                code: i64,
                /// The `errmsg` WeChat sent.
                errmsg: String,
            },
        }

        impl $name {
            /// The spec name of the endpoint these errors belong to.
            pub const ENDPOINT: &'static str = $endpoint;

            /// The variant for an `errcode` and `errmsg` from WeChat.
            #[inline]
            pub fn from_code(code: i64, errmsg: String) -> Self {
                $(
                    if code == crate::error_codes::$item.code {
                        return Self::$variant { errmsg };
                    }
                )*
                Self::Unknown { code, errmsg }
            }

            /// The documentation of this code, `None` for `Unknown`.
            #[inline]
            pub fn info(&self) -> Option<&'static crate::ErrorInfo> {
                match self {
                    $( Self::$variant { .. } => Some(&crate::error_codes::$item), )*
                    Self::Unknown { .. } => None,
                }
            }

            /// WeChat's `errcode`.
            #[inline]
            pub fn code(&self) -> i64 {
                match self {
                    Self::Unknown { code, .. } => *code,
                    known => known.info().map_or(0, |info| info.code),
                }
            }

            /// WeChat's `errmsg`, as sent.
            #[inline]
            pub fn message(&self) -> &str {
                match self {
                    $( Self::$variant { errmsg } )|* | Self::Unknown { errmsg, .. } => errmsg,
                }
            }

            /// What the docs say to do about it, when the code is documented.
            #[inline]
            pub fn solution(&self) -> Option<&'static str> {
                crate::ApiError::solution(self)
            }

            /// Whether sending the same request again later may succeed.
            #[inline]
            pub fn is_retryable(&self) -> bool {
                crate::ApiError::is_retryable(self)
            }

            /// Whether the operation may have succeeded anyway: query its state before retrying.
            #[inline]
            pub fn may_have_succeeded(&self) -> bool {
                crate::ApiError::may_have_succeeded(self)
            }

            /// Whether the access token was rejected (40001, 40014, 42001).
            #[inline]
            pub fn is_token_invalid(&self) -> bool {
                crate::ApiError::is_token_invalid(self)
            }
        }

        impl $name {
            /// The variants' names, in order, `Unknown` last (serde's `VARIANTS`).
            const VARIANTS: &'static [&'static str] =
                &[$(stringify!($variant),)* crate::error_serde::UNKNOWN];

            /// This value's variant name.
            #[inline]
            fn variant_name(&self) -> &'static str {
                self.info().map_or(crate::error_serde::UNKNOWN, |info| info.variant)
            }
        }

        impl Clone for $name {
            #[inline]
            fn clone(&self) -> Self {
                match self {
                    Self::Unknown { code, errmsg } => Self::Unknown { code: *code, errmsg: errmsg.clone() },
                    // Each documented code has one variant: `from_code` gives this one back.
                    known => Self::from_code(known.code(), known.message().to_owned()),
                }
            }
        }

        impl PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                // The same variant (`info` is `None` only for `Unknown`), code and message.
                self.info().map(|info| info.variant) == other.info().map(|info| info.variant)
                    && self.code() == other.code()
                    && self.message() == other.message()
            }
        }

        impl serde::Serialize for $name {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let code = match self {
                    Self::Unknown { code, .. } => Some(*code),
                    _ => None,
                };
                crate::error_serde::serialize(
                    serializer,
                    stringify!($name),
                    Self::VARIANTS,
                    self.variant_name(),
                    code,
                    self.message(),
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let decoded =
                    crate::error_serde::deserialize(deserializer, stringify!($name), Self::VARIANTS)?;
                let errmsg = decoded.errmsg;
                let documented = [$(&crate::error_codes::$item),*];
                Ok(match documented.iter().find(|info| info.variant == decoded.variant) {
                    Some(info) => Self::from_code(info.code, errmsg),
                    None => Self::Unknown { code: decoded.code, errmsg },
                })
            }
        }

        crate::schema::json_schema_impl!($name, |generator| {
            crate::error_serde::json_schema(
                generator,
                &[$($doc),*],
                &[$( (stringify!($variant), &[$($variant_doc),*]), )*],
            )
        });

        impl crate::ApiError for $name {
            #[inline]
            fn from_code(code: i64, errmsg: String) -> Self {
                Self::from_code(code, errmsg)
            }

            #[inline]
            fn code(&self) -> i64 {
                self.code()
            }

            #[inline]
            fn message(&self) -> &str {
                self.message()
            }

            #[inline]
            fn info(&self) -> Option<&'static crate::ErrorInfo> {
                self.info()
            }

            #[inline]
            fn endpoint(&self) -> &'static str {
                Self::ENDPOINT
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::error::fmt_api_error(self, f)
            }
        }

        impl std::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::error::debug_api_error(self, f)
            }
        }

        impl std::error::Error for $name {}

        impl From<$name> for crate::AnyApiError {
            #[inline]
            fn from(error: $name) -> Self {
                crate::AnyApiError::from_api(error)
            }
        }

        impl From<crate::Error<$name>> for crate::Error<crate::AnyApiError> {
            #[inline]
            fn from(error: crate::Error<$name>) -> Self {
                error.erase()
            }
        }
    };
}

pub(crate) use api_error_enum;

/// Any endpoint's API error, for a flow that spans endpoints: `?` turns each endpoint's
/// `Error<…Error>` into one `Error<AnyApiError>` that keeps the endpoint, the code, WeChat's
/// message and the spec's documentation (solution and flags).
///
/// ```
/// use wechat_invoice::{AnyApiError, Error, GetAuthDataError};
///
/// let specific = Error::Api(GetAuthDataError::from_code(72038, "never auth".into()));
/// let any: Error<AnyApiError> = specific.into();
/// let api = any.api().expect("an API error");
/// assert_eq!((api.endpoint(), api.code()), ("get_auth_data", 72038));
/// assert_eq!(api.variant(), "InvoiceOrderNeverAuth");
/// assert!(api.solution().is_some());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AnyApiError {
    endpoint: &'static str,
    code: i64,
    errmsg: String,
    info: Option<&'static ErrorInfo>,
}

impl AnyApiError {
    /// Erases an endpoint's error, keeping everything it knew.
    pub fn from_api<E: ApiError>(error: E) -> Self {
        Self {
            endpoint: error.endpoint(),
            code: error.code(),
            info: error.info(),
            errmsg: error.message().to_string(),
        }
    }

    /// The spec name of the endpoint that answered.
    pub fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// WeChat's `errcode`.
    pub fn code(&self) -> i64 {
        self.code
    }

    /// WeChat's `errmsg`, as sent.
    pub fn message(&self) -> &str {
        &self.errmsg
    }

    /// The spec's documentation of the code, `None` for a code the endpoint does not document.
    pub fn info(&self) -> Option<&'static ErrorInfo> {
        self.info
    }

    /// The name of the variant the endpoint's own enum uses (`InvoiceOrderNeverAuth`), or
    /// `Unknown`.
    pub fn variant(&self) -> &'static str {
        self.info.map_or("Unknown", |info| info.variant)
    }

    /// What the docs say to do about it, when the code is documented.
    pub fn solution(&self) -> Option<&'static str> {
        ApiError::solution(self)
    }

    /// Whether sending the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        ApiError::is_retryable(self)
    }

    /// Whether the operation may have succeeded anyway: query its state before retrying.
    pub fn may_have_succeeded(&self) -> bool {
        ApiError::may_have_succeeded(self)
    }

    /// Whether the access token was rejected (40001, 40014, 42001).
    pub fn is_token_invalid(&self) -> bool {
        ApiError::is_token_invalid(self)
    }
}

impl ApiError for AnyApiError {
    /// An error of no known endpoint: the code is looked up in the whole table.
    fn from_code(code: i64, errmsg: String) -> Self {
        let info = crate::error_codes::ALL
            .binary_search_by_key(&code, |info| info.code)
            .ok()
            .and_then(|index| crate::error_codes::ALL.get(index).copied());
        Self {
            endpoint: "unknown endpoint",
            code,
            errmsg,
            info,
        }
    }

    fn code(&self) -> i64 {
        self.code
    }

    fn message(&self) -> &str {
        &self.errmsg
    }

    fn info(&self) -> Option<&'static ErrorInfo> {
        self.info
    }

    fn endpoint(&self) -> &'static str {
        self.endpoint
    }
}

impl fmt::Display for AnyApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_api_error(self, f)
    }
}

impl fmt::Debug for AnyApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_api_error(self, f)
    }
}

impl std::error::Error for AnyApiError {}

/// Why a response could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeKind {
    /// The body was empty.
    Empty,
    /// The body is an HTML page (a proxy or gateway answered instead of WeChat).
    Html,
    /// The body is not JSON.
    NotJson,
    /// The JSON ends early: the connection was cut or the body truncated.
    Truncated,
    /// Valid JSON, but not of the documented shape.
    UnexpectedShape,
}

impl fmt::Display for DecodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeKind::Empty => "empty body",
            DecodeKind::Html => "HTML instead of JSON",
            DecodeKind::NotJson => "not JSON",
            DecodeKind::Truncated => "truncated JSON",
            DecodeKind::UnexpectedShape => "JSON of an unexpected shape",
        })
    }
}

/// The error of every client call; `E` is the endpoint's generated error enum.
///
/// `Api` is WeChat's own answer (a non-zero `errcode`); every other variant means no usable
/// answer arrived. None of them contains the access token or the app secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// WeChat answered with a non-zero `errcode`.
    Api(E),
    /// No complete answer within the configured timeout.
    Timeout {
        /// Spec name of the endpoint.
        endpoint: &'static str,
    },
    /// The connection failed or was reset.
    Transport {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// What failed, with URLs and secrets removed.
        message: String,
    },
    /// A non-success HTTP status without a WeChat JSON answer (an HTML 502 from a gateway…).
    HttpStatus {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The start of the body, for diagnosis.
        body: String,
    },
    /// A success status, but a body that is not the documented JSON.
    Decode {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// What kind of problem.
        kind: DecodeKind,
        /// The decoder's message.
        detail: String,
        /// The start of the body, for diagnosis.
        body: String,
    },
    /// The body was longer than the configured limit; reading stopped there.
    BodyTooLarge {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The request could not be encoded.
    Encode {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// What failed.
        detail: String,
    },
    /// No access token could be obtained.
    Token {
        /// Spec name of the endpoint.
        endpoint: &'static str,
        /// Why.
        source: TokenError,
    },
}

impl<E> Error<E> {
    /// The endpoint's error, when WeChat answered with one.
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(err) => Some(err),
            _ => None,
        }
    }

    /// The endpoint's error, or this error back when it is another kind.
    pub fn into_api(self) -> Result<E, Self> {
        match self {
            Error::Api(err) => Ok(err),
            other => Err(other),
        }
    }

    /// Whether the failure happened before or outside WeChat's answer (no `errcode` arrived).
    pub fn is_transport(&self) -> bool {
        !matches!(self, Error::Api(_))
    }
}

impl<E> Error<E> {
    /// The same error with the API error mapped by `map` (the other variants are kept).
    pub fn map_api<F>(self, map: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(err) => Error::Api(map(err)),
            Error::Timeout { endpoint } => Error::Timeout { endpoint },
            Error::Transport { endpoint, message } => Error::Transport { endpoint, message },
            Error::HttpStatus {
                endpoint,
                status,
                body,
            } => Error::HttpStatus {
                endpoint,
                status,
                body,
            },
            Error::Decode {
                endpoint,
                kind,
                detail,
                body,
            } => Error::Decode {
                endpoint,
                kind,
                detail,
                body,
            },
            Error::BodyTooLarge { endpoint, limit } => Error::BodyTooLarge { endpoint, limit },
            Error::Encode { endpoint, detail } => Error::Encode { endpoint, detail },
            Error::Token { endpoint, source } => Error::Token { endpoint, source },
        }
    }
}

impl<E: ApiError> Error<E> {
    /// WeChat's `errcode`, when it answered with one.
    pub fn code(&self) -> Option<i64> {
        self.api().map(ApiError::code)
    }

    /// WeChat's `errcode`, when it answered with one (the same as [`Error::code`]).
    pub fn api_code(&self) -> Option<i64> {
        self.code()
    }

    /// Whether sending the same request again later may succeed: a retryable code (-1 system
    /// busy…), no answer in time, a failed or cut connection, a 5xx or 429, a gateway's page.
    ///
    /// The client has already retried what its [`crate::RetryPolicy`] allows; for a call that
    /// is not idempotent, check [`Error::may_have_succeeded`] before sending it again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(err) => err.is_retryable(),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::HttpStatus { status, .. } => *status >= 500 || *status == 429,
            Error::Decode { kind, .. } => *kind != DecodeKind::UnexpectedShape,
            Error::BodyTooLarge { .. } | Error::Encode { .. } | Error::Token { .. } => false,
        }
    }

    /// Whether the operation may have taken effect although the call failed: a code the spec
    /// marks so, or any failure after the request may have reached WeChat (no answer in time,
    /// a failed connection, a gateway's answer, a body that could not be read). Query the
    /// outcome before sending a non-idempotent call again.
    pub fn may_have_succeeded(&self) -> bool {
        match self {
            Error::Api(err) => err.may_have_succeeded(),
            Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::HttpStatus { .. }
            | Error::Decode { .. }
            | Error::BodyTooLarge { .. } => true,
            Error::Encode { .. } | Error::Token { .. } => false,
        }
    }

    /// The same error with the endpoint's enum erased into [`AnyApiError`], so calls to
    /// different endpoints can share one error type (`?` does this through `From`).
    pub fn erase(self) -> Error<AnyApiError> {
        self.map_api(AnyApiError::from_api)
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(err) => write!(f, "{err}"),
            Error::Timeout { endpoint } => write!(f, "{endpoint}: no answer within the timeout"),
            Error::Transport { endpoint, message } => {
                write!(f, "{endpoint}: connection failed: {message}")
            }
            Error::HttpStatus {
                endpoint,
                status,
                body,
            } => write!(
                f,
                "{endpoint}: HTTP status {status} without a WeChat answer; body starts: {body}"
            ),
            Error::Decode {
                endpoint,
                kind,
                detail,
                body,
            } => write!(
                f,
                "{endpoint}: cannot decode the response ({kind}): {detail}; body starts: {body}"
            ),
            Error::BodyTooLarge { endpoint, limit } => {
                write!(
                    f,
                    "{endpoint}: response body exceeds the limit of {limit} bytes"
                )
            }
            Error::Encode { endpoint, detail } => {
                write!(f, "{endpoint}: cannot encode the request: {detail}")
            }
            Error::Token { endpoint, source } => {
                write!(f, "{endpoint}: no access token: {source}")
            }
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(err) => Some(err),
            Error::Token { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why [`crate::ClientBuilder::build`] refused its settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse, or is not http/https.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain http to a host that is not loopback.
    #[error(
        "base URL `{url}` uses http to a non-loopback host; use https, or call `allow_insecure_http(true)` for a trusted network"
    )]
    InsecureBaseUrl {
        /// The URL given.
        url: String,
    },
    /// No credentials were configured.
    #[error("no credentials: call `access_token(…)` or `token_provider(…)` on the builder")]
    MissingCredentials,
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::GetAuthDataError;

    fn answered(code: i64, errmsg: &str) -> Error<GetAuthDataError> {
        Error::Api(GetAuthDataError::from_code(code, errmsg.to_string()))
    }

    fn decode_error(kind: DecodeKind) -> Error<GetAuthDataError> {
        Error::Decode {
            endpoint: "get_auth_data",
            kind,
            detail: "expected value at line 1 column 1".into(),
            body: "<html>".into(),
        }
    }

    /// `Unknown` built by hand with a documented code stays `Unknown` when cloned, and is not
    /// the documented variant (the hand-written `Clone` and `PartialEq` go by variant).
    #[test]
    fn unknown_with_a_documented_code_keeps_its_variant() {
        let odd = GetAuthDataError::Unknown {
            code: 72038,
            errmsg: "never auth".into(),
        };
        let copy = odd.clone();
        assert!(
            matches!(&copy, GetAuthDataError::Unknown { code: 72038, errmsg } if errmsg == "never auth"),
            "{copy:?}"
        );
        assert!(copy == odd);
        assert!(odd != GetAuthDataError::from_code(72038, "never auth".into()));
    }

    #[test]
    fn only_wechats_answer_has_a_code_and_is_not_a_transport_failure() {
        let api = answered(72038, "invoice order never auth");
        assert_eq!(api.code(), Some(72038));
        assert!(!api.is_transport());
        assert_eq!(api.api().map(GetAuthDataError::code), Some(72038));
        assert!(matches!(
            api.into_api(),
            Ok(GetAuthDataError::InvoiceOrderNeverAuth { .. })
        ));

        let no_answer = [
            Error::Timeout {
                endpoint: "get_auth_data",
            },
            decode_error(DecodeKind::Html),
            Error::Token {
                endpoint: "get_auth_data",
                source: TokenError::new("refresher failed"),
            },
        ];
        for err in no_answer {
            assert_eq!(err.code(), None, "{err:?}");
            assert!(err.is_transport(), "{err:?}");
            assert!(err.api().is_none(), "{err:?}");
            assert!(err.into_api().is_err());
        }
    }

    #[test]
    fn the_source_is_wechats_error_or_the_token_error() {
        let api = answered(72038, "never auth");
        let source = api.source().expect("the API error");
        assert_eq!(source.to_string(), api.to_string());

        let token = Error::<GetAuthDataError>::Token {
            endpoint: "get_auth_data",
            source: TokenError::new("refresher failed"),
        };
        let source = token.source().expect("the token error");
        assert_eq!(source.to_string(), "token provider: refresher failed");

        assert!(decode_error(DecodeKind::Empty).source().is_none());
    }

    #[test]
    fn a_decode_error_says_what_kind_of_body_arrived() {
        for (kind, shown) in [
            (DecodeKind::Empty, "empty body"),
            (DecodeKind::Html, "HTML instead of JSON"),
            (DecodeKind::NotJson, "not JSON"),
            (DecodeKind::Truncated, "truncated JSON"),
            (DecodeKind::UnexpectedShape, "JSON of an unexpected shape"),
        ] {
            let message = decode_error(kind).to_string();
            assert!(
                message.starts_with(&format!(
                    "get_auth_data: cannot decode the response ({shown}): "
                )),
                "{message}"
            );
        }
    }

    #[test]
    fn an_api_error_quotes_wechats_message_only_when_there_is_one() {
        let with_message = answered(72038, "invoice order never auth").to_string();
        assert!(
            with_message.starts_with(
                "get_auth_data: WeChat answered errcode 72038 (invoice order never auth): "
            ),
            "{with_message}"
        );
        assert!(with_message.contains("Solution: "), "{with_message}");
        let without = answered(72038, "").to_string();
        assert!(
            without.starts_with("get_auth_data: WeChat answered errcode 72038: "),
            "{without}"
        );
        let undocumented = answered(40150, "invalid card parameters").to_string();
        assert_eq!(
            undocumented,
            "get_auth_data: WeChat answered errcode 40150 (invalid card parameters): \
             this code is not documented for get_auth_data"
        );
    }

    #[test]
    fn debug_of_an_api_error_names_its_variant_endpoint_and_code() {
        let shown = format!("{:?}", answered(72038, "never auth"));
        assert_eq!(
            shown,
            "Api(InvoiceOrderNeverAuth { endpoint: \"get_auth_data\", code: 72038, errmsg: \"never auth\" })"
        );
        let unknown = format!("{:?}", GetAuthDataError::from_code(40150, "odd".into()));
        assert_eq!(
            unknown,
            "Unknown { endpoint: \"get_auth_data\", code: 40150, errmsg: \"odd\" }"
        );
    }

    #[test]
    fn the_top_level_error_classifies_every_failure() {
        let busy = answered(-1, "system error");
        assert_eq!(busy.api_code(), Some(-1));
        assert!(busy.is_retryable() && !busy.may_have_succeeded());
        let never_auth = answered(72038, "never auth");
        assert!(!never_auth.is_retryable() && !never_auth.may_have_succeeded());
        let timeout = Error::<GetAuthDataError>::Timeout {
            endpoint: "get_auth_data",
        };
        assert_eq!(timeout.api_code(), None);
        assert!(timeout.is_retryable() && timeout.may_have_succeeded());
        let shape = decode_error(DecodeKind::UnexpectedShape);
        assert!(!shape.is_retryable() && shape.may_have_succeeded());
        assert!(decode_error(DecodeKind::Truncated).is_retryable());
        let gateway = Error::<GetAuthDataError>::HttpStatus {
            endpoint: "get_auth_data",
            status: 502,
            body: String::new(),
        };
        assert!(gateway.is_retryable());
        let token = Error::<GetAuthDataError>::Token {
            endpoint: "get_auth_data",
            source: TokenError::new("refresher failed"),
        };
        assert!(!token.is_retryable() && !token.may_have_succeeded());
    }

    #[test]
    fn an_erased_error_keeps_the_endpoint_code_message_and_solution() {
        let flow = || -> Result<(), Error<AnyApiError>> {
            Err(answered(72038, "invoice order never auth"))?;
            Ok(())
        };
        let err = flow().expect_err("the API error");
        assert_eq!(err.api_code(), Some(72038));
        let api = err.api().expect("an API error");
        assert_eq!(api.endpoint(), "get_auth_data");
        assert_eq!(api.variant(), "InvoiceOrderNeverAuth");
        assert_eq!(api.message(), "invoice order never auth");
        assert!(api.solution().is_some_and(|s| s.contains("not authorized")));
        assert_eq!(
            err.to_string(),
            answered(72038, "invoice order never auth").to_string()
        );
        assert!(format!("{err:?}").contains("endpoint: \"get_auth_data\""));

        let timeout = Error::<GetAuthDataError>::Timeout {
            endpoint: "get_auth_data",
        }
        .erase();
        assert!(matches!(
            timeout,
            Error::Timeout {
                endpoint: "get_auth_data"
            }
        ));
    }

    #[test]
    fn an_error_built_without_an_endpoint_still_finds_its_documentation() {
        let any = AnyApiError::from_code(72038, "never auth".into());
        assert_eq!(any.variant(), "InvoiceOrderNeverAuth");
        assert_eq!(AnyApiError::from_code(40150, String::new()).info(), None);
    }
}
