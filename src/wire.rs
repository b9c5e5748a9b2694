//! Turns an HTTP answer into the typed response or a typed error; never panics on any bytes.

use serde::de::{DeserializeOwned, IgnoredAny};

use crate::envelope;
use crate::error::{ApiError, DecodeKind, Error};
use crate::redact::{excerpt, hide};

/// How much of a bad body an error message quotes.
const SNIPPET_BYTES: usize = 200;

/// Decodes a complete body received with HTTP `status`.
pub(crate) fn decode<T: DeserializeOwned, E: ApiError>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error<E>> {
    decode_hiding(endpoint, status, body, "")
}

/// Decodes like [`decode`]; `secret` (the token the call carried) is hidden in every message,
/// in every form, should the server echo it.
pub(crate) fn decode_hiding<T: DeserializeOwned, E: ApiError>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    secret: &str,
) -> Result<T, Error<E>> {
    let success_status = (200..300).contains(&status);
    let api = |errcode: i64, errmsg: &str| -> Error<E> {
        Error::Api(E::from_code(errcode, hide(errmsg, secret).into_owned()))
    };
    // The common case in one pass; anything unusual takes the careful path below.
    if success_status && let Ok(answer) = envelope::read::<T>(body) {
        return if answer.errcode == 0 {
            Ok(answer.body)
        } else {
            Err(api(answer.errcode, &answer.errmsg))
        };
    }
    let answer = match envelope::read::<IgnoredAny>(body) {
        Ok(answer) => answer,
        Err(_) if !success_status => return Err(http_status(endpoint, status, body, secret)),
        Err(err) => return Err(decode_error(endpoint, body, &err, secret)),
    };
    if answer.errcode != 0 {
        return Err(api(answer.errcode, &answer.errmsg));
    }
    if !success_status {
        return Err(http_status(endpoint, status, body, secret));
    }
    match envelope::read::<T>(body) {
        Ok(answer) => Ok(answer.body),
        Err(err) => Err(Error::Decode {
            endpoint,
            kind: DecodeKind::UnexpectedShape,
            detail: hide(&err.to_string(), secret).into_owned(),
            body: excerpt(body, SNIPPET_BYTES, secret),
        }),
    }
}

fn http_status<E>(endpoint: &'static str, status: u16, body: &[u8], secret: &str) -> Error<E> {
    Error::HttpStatus {
        endpoint,
        status,
        body: excerpt(body, SNIPPET_BYTES, secret),
    }
}

fn decode_error<E>(
    endpoint: &'static str,
    body: &[u8],
    err: &serde_json::Error,
    secret: &str,
) -> Error<E> {
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
        detail: hide(&err.to_string(), secret).into_owned(),
        body: excerpt(body, SNIPPET_BYTES, secret),
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
            envelope::read::<GetAuthDataResponse>(body.as_bytes())
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
