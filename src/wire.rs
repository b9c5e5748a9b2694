//! Turns an HTTP answer into the typed response or a typed error; never panics on any bytes.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};

use crate::error::{ApiError, DecodeKind, Error};
use crate::redact::snippet;

/// How much of a bad body an error message quotes.
const SNIPPET_BYTES: usize = 200;

/// The part of every WeChat answer that says whether it succeeded.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "lenient_code")]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// `errcode` as a number, or a numeric string as some doc tables type it; absent means 0.
fn lenient_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Number(i64),
        Text(String),
        Null(()),
    }
    match Code::deserialize(deserializer)? {
        Code::Number(code) => Ok(code),
        Code::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("errcode `{text}` is not a number"))),
        Code::Null(()) => Ok(0),
    }
}

/// Decodes a complete body received with HTTP `status`.
pub(crate) fn decode<T: DeserializeOwned, E: ApiError>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error<E>> {
    decode_hiding(endpoint, status, body, "")
}

/// Decodes like [`decode`]; `secret` (the token the call carried) is replaced by `***` in
/// every message, should the server echo it.
pub(crate) fn decode_hiding<T: DeserializeOwned, E: ApiError>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    secret: &str,
) -> Result<T, Error<E>> {
    decode_inner(endpoint, status, body).map_err(|err| hide(err, secret))
}

/// `err` without any occurrence of `secret`.
fn hide<E: ApiError>(err: Error<E>, secret: &str) -> Error<E> {
    let clean = |text: String| {
        if secret.len() >= 4 && text.contains(secret) {
            text.replace(secret, "***")
        } else {
            text
        }
    };
    match err {
        Error::Api(api) if secret.len() >= 4 && api.message().contains(secret) => {
            let code = api.code();
            Error::Api(E::from_code(code, clean(api.message().to_string())))
        }
        Error::HttpStatus {
            endpoint,
            status,
            body,
        } => Error::HttpStatus {
            endpoint,
            status,
            body: clean(body),
        },
        Error::Decode {
            endpoint,
            kind,
            detail,
            body,
        } => Error::Decode {
            endpoint,
            kind,
            detail: clean(detail),
            body: clean(body),
        },
        other => other,
    }
}

fn decode_inner<T: DeserializeOwned, E: ApiError>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error<E>> {
    let success_status = (200..300).contains(&status);
    let envelope = match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => envelope,
        Err(_) if !success_status => return Err(http_status(endpoint, status, body)),
        Err(err) => return Err(decode_error(endpoint, body, &err)),
    };
    if envelope.errcode != 0 {
        return Err(Error::Api(E::from_code(envelope.errcode, envelope.errmsg)));
    }
    if !success_status {
        return Err(http_status(endpoint, status, body));
    }
    serde_json::from_slice::<T>(body).map_err(|err| Error::Decode {
        endpoint,
        kind: DecodeKind::UnexpectedShape,
        detail: err.to_string(),
        body: snippet(body, SNIPPET_BYTES),
    })
}

fn http_status<E>(endpoint: &'static str, status: u16, body: &[u8]) -> Error<E> {
    Error::HttpStatus {
        endpoint,
        status,
        body: snippet(body, SNIPPET_BYTES),
    }
}

fn decode_error<E>(endpoint: &'static str, body: &[u8], err: &serde_json::Error) -> Error<E> {
    let trimmed = body.trim_ascii_start();
    let kind = if trimmed.is_empty() {
        DecodeKind::Empty
    } else if trimmed.starts_with(b"<") {
        DecodeKind::Html
    } else if err.is_eof() {
        DecodeKind::Truncated
    } else if err.is_data() {
        DecodeKind::UnexpectedShape
    } else {
        DecodeKind::NotJson
    };
    Error::Decode {
        endpoint,
        kind,
        detail: err.to_string(),
        body: snippet(body, SNIPPET_BYTES),
    }
}
