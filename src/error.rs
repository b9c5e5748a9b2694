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
pub trait ApiError: std::error::Error + Send + Sync + Sized + 'static {
    /// The variant for an `errcode`/`errmsg` pair.
    fn from_code(code: i64, errmsg: String) -> Self;
    /// WeChat's `errcode`.
    fn code(&self) -> i64;
    /// WeChat's `errmsg`, as sent.
    fn message(&self) -> &str;
    /// The spec's documentation of the code, `None` for undocumented codes.
    fn info(&self) -> Option<&'static ErrorInfo>;

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
pub(crate) fn fmt_api_error(
    f: &mut fmt::Formatter<'_>,
    endpoint: &str,
    code: i64,
    message: &str,
    info: Option<&ErrorInfo>,
) -> fmt::Result {
    write!(f, "{endpoint}: WeChat answered errcode {code}")?;
    if !message.is_empty() {
        write!(f, " ({})", crate::redact::scrub(message))?;
    }
    match info {
        Some(info) => write!(f, ": {} Solution: {}", info.description, info.solution),
        None => write!(f, ": this code is not documented for {endpoint}"),
    }
}

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

impl<E: ApiError> Error<E> {
    /// WeChat's `errcode`, when it answered with one.
    pub fn code(&self) -> Option<i64> {
        self.api().map(ApiError::code)
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
}
