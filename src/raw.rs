//! The raw view of an answer: the body exactly as WeChat sent it, beside the typed value, so a
//! field the spec does not know is never lost ([`Client::send_raw`](crate::Client::send_raw)).

use std::fmt;
use std::ops::Deref;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

/// The body of an answer exactly as it arrived.
///
/// Its `Debug` prints the length only: a success body can hold credentials (the token
/// endpoints answer with tokens), so it never reaches a log line by accident. The body of an
/// error ([`RawError::raw`]) has the call's access token and any secret-named value hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct RawBody(Vec<u8>);

impl RawBody {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as text; `None` when it is not UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The whole body as JSON; an error when it is not JSON (an HTML error page, say).
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.0)
    }

    /// The top-level field `name` of a JSON object body, known to the spec or not; `None` when
    /// the field is absent or the body is not a JSON object.
    pub fn field(&self, name: &str) -> Option<Value> {
        match self.to_value() {
            Ok(Value::Object(mut fields)) => fields.remove(name),
            _ => None,
        }
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawBody")
            .field("bytes", &self.0.len())
            .finish_non_exhaustive()
    }
}

/// A field WeChat sent that the typed value has no place for.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownField {
    /// Where it is in the body, as a JSON Pointer (RFC 6901): `/new_field` at the top,
    /// `/user_auth_info/user_field/new_field` inside objects, `/list/0/new_field` in arrays.
    /// [`serde_json::Value::pointer`] takes it as it is.
    pub pointer: String,
    /// Its value as sent.
    pub value: Value,
}

/// A typed answer with its raw body: what [`Client::send_raw`](crate::Client::send_raw)
/// returns. Dereferences to the typed value, so `answer.auth_time` reads the typed field;
/// [`Self::raw`] and [`Self::unknown_fields`] reach everything else WeChat sent.
#[derive(Debug, Clone, PartialEq)]
pub struct WithRaw<T> {
    value: T,
    raw: RawBody,
}

impl<T> WithRaw<T> {
    pub(crate) fn new(value: T, raw: RawBody) -> Self {
        Self { value, raw }
    }

    /// The typed value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The typed value, dropping the raw body.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The body as WeChat sent it, `errcode` and `errmsg` included.
    pub fn raw(&self) -> &RawBody {
        &self.raw
    }

    /// The typed value and the raw body.
    pub fn into_parts(self) -> (T, RawBody) {
        (self.value, self.raw)
    }
}

impl<T: DeserializeOwned> WithRaw<T> {
    /// Every field of the body that the typed value has no place for, at any depth
    /// (`errcode` and `errmsg`, which every answer has, are left out). Empty when the
    /// spec knows everything WeChat sent. Reads the body again: call it when you need it.
    pub fn unknown_fields(&self) -> Vec<UnknownField> {
        unknown_fields::<T>(self.raw.as_bytes())
    }
}

impl<T> Deref for WithRaw<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A failed call with the body of WeChat's answer, when there was one: what
/// [`Client::send_raw`](crate::Client::send_raw) returns on failure. `?` turns it into the
/// plain [`Error`].
pub struct RawError<E> {
    error: Error<E>,
    raw: Option<RawBody>,
}

impl<E> RawError<E> {
    pub(crate) fn new(error: Error<E>, raw: Option<RawBody>) -> Self {
        Self { error, raw }
    }

    /// The typed error.
    pub fn error(&self) -> &Error<E> {
        &self.error
    }

    /// The typed error, dropping the body.
    pub fn into_error(self) -> Error<E> {
        self.error
    }

    /// The body of the answer that failed (an error answer, an HTTP error page, a body that
    /// did not decode), with the call's access token and any secret-named value hidden;
    /// `None` when no answer arrived (timeout, connection failure, body too large).
    pub fn raw(&self) -> Option<&RawBody> {
        self.raw.as_ref()
    }
}

impl<E: fmt::Debug> fmt::Debug for RawError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawError")
            .field("error", &self.error)
            .field("raw", &self.raw)
            .finish()
    }
}

impl<E> fmt::Display for RawError<E>
where
    Error<E>: fmt::Display,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl<E> std::error::Error for RawError<E>
where
    Error<E>: std::error::Error,
    E: fmt::Debug,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl<E> From<RawError<E>> for Error<E> {
    fn from(error: RawError<E>) -> Self {
        error.error
    }
}

/// The fields of `body` that decoding it as `T` skips, envelope fields left out.
fn unknown_fields<T: DeserializeOwned>(body: &[u8]) -> Vec<UnknownField> {
    let Ok(tree) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut pointers = Vec::new();
    let _: Result<T, _> = serde_ignored::deserialize(&tree, |path| {
        pointers.push(pointer_of(&path));
    });
    pointers
        .into_iter()
        .filter(|pointer| pointer != "/errcode" && pointer != "/errmsg")
        .filter_map(|pointer| {
            let value = tree.pointer(&pointer)?.clone();
            Some(UnknownField { pointer, value })
        })
        .collect()
}

/// A serde_ignored path as a JSON Pointer.
fn pointer_of(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}/{index}", pointer_of(parent)),
        Path::Map { parent, key } => {
            let key = key.replace('~', "~0").replace('/', "~1");
            format!("{}/{key}", pointer_of(parent))
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => pointer_of(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GetAuthDataResponse;

    #[test]
    fn unknown_fields_are_found_at_every_depth_and_pointed_at() {
        let body = br#"{"errcode":0,"errmsg":"ok","auth_time":1,"new/top":{"a":1},
            "user_auth_info":{"user_field":{"title":"t","tilde~key":"x"},"extra":[1,2]}}"#;
        let answer = WithRaw::new(
            serde_json::from_slice::<GetAuthDataResponse>(body).expect("typed"),
            RawBody::new(body.to_vec()),
        );
        let mut found: Vec<(String, Value)> = answer
            .unknown_fields()
            .into_iter()
            .map(|field| (field.pointer, field.value))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            found,
            vec![
                ("/new~1top".to_string(), serde_json::json!({"a": 1})),
                (
                    "/user_auth_info/extra".to_string(),
                    serde_json::json!([1, 2])
                ),
                (
                    "/user_auth_info/user_field/tilde~0key".to_string(),
                    serde_json::json!("x")
                ),
            ]
        );
        assert_eq!(answer.auth_time, Some(1));
        assert_eq!(answer.raw().field("errmsg"), Some(serde_json::json!("ok")));
    }

    #[test]
    fn a_raw_body_debug_shows_no_content() {
        let raw = RawBody::new(br#"{"access_token":"SECRET-VALUE-123"}"#.to_vec());
        let debug = format!("{:?}", WithRaw::new((), raw));
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("bytes"), "{debug}");
    }
}
