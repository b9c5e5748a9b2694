//! Turns an HTTP answer into the typed response or a typed error; never panics on any bytes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{CowStrDeserializer, MapAccessDeserializer};
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};

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

/// `errcode` as a number, or a numeric string as some doc tables type it; absent or null
/// means 0. A visitor rather than an untagged enum: this runs on every answer.
fn lenient_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Code;

    impl serde::de::Visitor<'_> for Code {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an errcode, as a number or a numeric string")
        }

        fn visit_i64<E: serde::de::Error>(self, code: i64) -> Result<i64, E> {
            Ok(code)
        }

        fn visit_u64<E: serde::de::Error>(self, code: u64) -> Result<i64, E> {
            i64::try_from(code).map_err(|_| E::custom(format!("errcode {code} is out of range")))
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<i64, E> {
            text.trim()
                .parse()
                .map_err(|_| E::custom(format!("errcode `{text}` is not a number")))
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<i64, E> {
            Ok(0)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<i64, E> {
            Ok(0)
        }
    }

    deserializer.deserialize_any(Code)
}

/// An answer read in one pass: `errcode` and `errmsg` taken out, every other field given to
/// the response type (which never has those two: the spec keeps them out of `response`).
struct Answer<T> {
    errcode: i64,
    errmsg: String,
    body: T,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Answer<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AnswerVisitor(PhantomData))
    }
}

struct AnswerVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AnswerVisitor<T> {
    type Value = Answer<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a WeChat answer object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut envelope = EnvelopeFields {
            map,
            errcode: 0,
            errmsg: String::new(),
        };
        let body = T::deserialize(MapAccessDeserializer::new(&mut envelope))?;
        while envelope.next_key::<serde::de::IgnoredAny>()?.is_some() {
            envelope.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(Answer {
            errcode: envelope.errcode,
            errmsg: envelope.errmsg,
            body,
        })
    }
}

/// The answer's map with `errcode` and `errmsg` read aside.
struct EnvelopeFields<A> {
    map: A,
    errcode: i64,
    errmsg: String,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for EnvelopeFields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "errcode" => self.errcode = self.map.next_value_seed(CodeSeed)?,
                "errmsg" => self.errmsg = self.map.next_value()?,
                _ => return seed.deserialize(CowStrDeserializer::new(key)).map(Some),
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// A key, borrowed from the body when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_string())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `errcode` through [`lenient_code`].
struct CodeSeed;

impl<'de> DeserializeSeed<'de> for CodeSeed {
    type Value = i64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<i64, D::Error> {
        lenient_code(deserializer)
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
    // The common case in one pass; anything unusual takes the careful path below.
    if success_status && let Ok(answer) = serde_json::from_slice::<Answer<T>>(body) {
        return if answer.errcode == 0 {
            Ok(answer.body)
        } else {
            Err(Error::Api(E::from_code(answer.errcode, answer.errmsg)))
        };
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GetAuthDataError, GetAuthDataResponse};

    fn decode_auth(body: &str) -> Result<GetAuthDataResponse, Error<GetAuthDataError>> {
        decode("get_auth_data", 200, body.as_bytes())
    }

    #[test]
    fn one_pass_reads_the_envelope_and_the_fields_in_any_order() {
        let ok = decode_auth(r#"{"auth_time":1,"errcode":0,"errmsg":"ok","invoice_status":"s"}"#)
            .expect("success");
        assert_eq!(
            (ok.auth_time, ok.invoice_status.as_deref()),
            (Some(1), Some("s"))
        );
        let escaped = decode_auth(r#"{"err\u0063ode":72038,"errmsg":"never auth"}"#);
        assert!(
            matches!(
                escaped,
                Err(Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { .. }))
            ),
            "{escaped:?}"
        );
    }

    /// The one-pass reader alone, without the careful path that would hide its failures behind
    /// a second parse: every well-formed answer must take the fast path.
    #[test]
    fn a_well_formed_answer_is_read_in_one_pass() {
        let one_pass = |body: &str| {
            serde_json::from_slice::<Answer<GetAuthDataResponse>>(body.as_bytes())
                .unwrap_or_else(|err| panic!("{body}: {err}"))
        };
        let ok = one_pass(r#"{"errcode":0,"errmsg":"ok","auth_time":1,"invoice_status":"s"}"#);
        assert_eq!((ok.errcode, ok.errmsg.as_str()), (0, "ok"));
        assert_eq!(
            ok.body,
            GetAuthDataResponse {
                invoice_status: Some("s".into()),
                auth_time: Some(1),
                ..Default::default()
            }
        );
        for (body, code) in [
            (r#"{"errcode":72038,"errmsg":"never auth"}"#, 72038),
            (r#"{"errmsg":"never auth","errcode":"72038"}"#, 72038),
            (r#"{"errcode":-1,"errmsg":"never auth","extra":[1]}"#, -1),
        ] {
            let answer = one_pass(body);
            assert_eq!(
                (answer.errcode, answer.errmsg.as_str()),
                (code, "never auth"),
                "{body}"
            );
        }
    }

    #[test]
    fn any_negative_errcode_is_kept() {
        let err = decode_auth(r#"{"errcode":-1000,"errmsg":"odd"}"#).expect_err("an error");
        assert_eq!(err.code(), Some(-1000));
    }

    #[test]
    fn an_error_code_wins_over_fields_of_the_wrong_shape() {
        let err = decode_auth(r#"{"errcode":"72038","errmsg":"x","auth_time":"never"}"#);
        assert!(
            matches!(
                err,
                Err(Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { .. }))
            ),
            "{err:?}"
        );
        let shape = decode_auth(r#"{"errcode":0,"auth_time":"never"}"#);
        assert!(
            matches!(
                shape,
                Err(Error::Decode {
                    kind: DecodeKind::UnexpectedShape,
                    ..
                })
            ),
            "{shape:?}"
        );
    }

    #[test]
    fn a_null_errcode_is_success() {
        let ok = decode_auth(r#"{"errcode":null,"errmsg":"ok","auth_time":7}"#).expect("success");
        assert_eq!(ok.auth_time, Some(7));
        let absent = decode_auth(r#"{"auth_time":8}"#).expect("success");
        assert_eq!(absent.auth_time, Some(8));
    }

    #[test]
    fn an_errcode_of_the_wrong_type_says_what_was_expected() {
        for body in [r#"{"errcode":true}"#, r#"{"errcode":"busy"}"#] {
            match decode_auth(body) {
                Err(Error::Decode { kind, detail, .. }) => {
                    assert_eq!(kind, DecodeKind::UnexpectedShape, "{body}");
                    assert!(
                        detail.contains("errcode") && detail.contains("number"),
                        "{body}: {detail}"
                    );
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn without_a_secret_the_body_is_quoted_as_received() {
        let err = decode::<GetAuthDataResponse, GetAuthDataError>(
            "get_auth_data",
            502,
            b"<html>502 Bad Gateway</html>",
        )
        .expect_err("502");
        match err {
            Error::HttpStatus { status, body, .. } => {
                assert_eq!(
                    (status, body.as_str()),
                    (502, "<html>502 Bad Gateway</html>")
                );
            }
            other => panic!("{other:?}"),
        }
        let err = decode_auth("system maintenance").expect_err("not JSON");
        match err {
            Error::Decode { kind, body, .. } => {
                assert_eq!(
                    (kind, body.as_str()),
                    (DecodeKind::NotJson, "system maintenance")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_echoed_secret_is_hidden() {
        let body = br#"{"errcode":40001,"errmsg":"bad token SECRET-TOKEN-1"}"#;
        let err = decode_hiding::<GetAuthDataResponse, GetAuthDataError>(
            "get_auth_data",
            200,
            body,
            "SECRET-TOKEN-1",
        )
        .expect_err("40001");
        assert!(!format!("{err:?}").contains("SECRET-TOKEN-1"), "{err:?}");
    }
}
