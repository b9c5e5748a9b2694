//! App credentials (appid + app secret): tokens from `POST /cgi-bin/stable_token` (default) or
//! the classic `GET /cgi-bin/token`, on the client's base URL.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use serde_json::json;

use super::{AccessToken, IssuedToken, TokenError, TokenFuture, TokenProvider, unusable};
use crate::envelope;
use crate::redact::scrub_value;
use crate::transport::{Transport, TransportError};

/// What WeChat documents as a token's lifetime, used when an answer omits `expires_in`.
const DEFAULT_EXPIRES_IN: u64 = 7200;

/// An app secret (AppSecret). `Debug` prints `***`; it is sent only in the token request's
/// body (stable token) or query (classic), never logged, never part of a store key.
#[derive(Clone)]
pub struct AppSecret(Arc<str>);

impl AppSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Arc::from(secret.into()))
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret(***)")
    }
}

/// Which WeChat interface app credentials fetch tokens from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TokenEndpoint {
    /// `POST /cgi-bin/stable_token` with `force_refresh: false` (the default): every caller
    /// gets the same token until it expires, so several instances do not invalidate each
    /// other's tokens.
    #[default]
    Stable,
    /// The classic `GET /cgi-bin/token`: each fetch issues a new token (the previous one stays
    /// valid a few minutes). Use it only with one refresher per appid (a shared store).
    Classic,
}

impl TokenEndpoint {
    fn name(self) -> &'static str {
        match self {
            TokenEndpoint::Stable => "stable_token",
            TokenEndpoint::Classic => "token",
        }
    }
}

/// Fetches tokens with an appid and app secret; built by
/// [`ClientBuilder::app_credentials`](crate::ClientBuilder::app_credentials).
pub(crate) struct AppCredentials {
    appid: String,
    secret: AppSecret,
    endpoint: TokenEndpoint,
    transport: Arc<Transport>,
    timeout: Duration,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("appid", &self.appid)
            .field("secret", &self.secret)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl AppCredentials {
    /// Credentials that fetch from `endpoint` through the client's `transport`, each fetch
    /// limited to `timeout`.
    pub(crate) fn new(
        appid: String,
        secret: AppSecret,
        endpoint: TokenEndpoint,
        transport: Arc<Transport>,
        timeout: Duration,
    ) -> Self {
        Self {
            appid,
            secret,
            endpoint,
            transport,
            timeout,
        }
    }

    async fn fetch_token(&self) -> Result<IssuedToken, TokenError> {
        let name = self.endpoint.name();
        let secret = self.secret.expose();
        let transport = &self.transport;
        let request = match self.endpoint {
            TokenEndpoint::Stable => {
                let body = json!({
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": secret,
                    "force_refresh": false,
                });
                transport
                    .request(true, transport.url("/cgi-bin/stable_token", []))
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/json; charset=utf-8",
                    )
                    .body(body.to_string())
            }
            TokenEndpoint::Classic => {
                let query = [
                    ("grant_type", "client_credential"),
                    ("appid", self.appid.as_str()),
                    ("secret", secret),
                ];
                transport.request(false, transport.url("/cgi-bin/token", query))
            }
        };
        let issued_at = SystemTime::now();
        let (status, body) = transport
            .exchange(request, self.timeout, secret)
            .await
            .map_err(|err| fetch_error(name, err))?;
        let (token, lifetime) = parse_answer(name, status, &body, secret)?;
        let issued = IssuedToken::issued_at(token, issued_at, lifetime);
        if !issued.is_valid_at(SystemTime::now()) {
            return Err(TokenError::Fetch {
                endpoint: name,
                message: format!(
                    "the token had expired when it arrived (expires_in {} s, shorter than \
                     the fetch)",
                    lifetime.as_secs()
                ),
            });
        }
        Ok(issued)
    }
}

impl TokenProvider for AppCredentials {
    fn account(&self) -> &str {
        &self.appid
    }

    fn fetch(&self) -> TokenFuture<'_> {
        Box::pin(self.fetch_token())
    }
}

/// A failed HTTP exchange with a token endpoint as a token error (messages are already free
/// of URLs and secrets).
fn fetch_error(endpoint: &'static str, err: TransportError) -> TokenError {
    let message = match err {
        TransportError::Timeout => "no answer within the timeout".to_string(),
        TransportError::Failed { message, .. } => format!("connection failed: {message}"),
        TransportError::TooLarge { limit } => format!("answer larger than {limit} bytes"),
    };
    TokenError::Fetch { endpoint, message }
}

/// The fields of a token answer besides the envelope.
#[derive(Deserialize)]
struct TokenFields {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<Lifetime>,
}

/// `expires_in`: whole seconds, at least 0; anything else is refused without quoting it.
struct Lifetime(u64);

impl<'de> Deserialize<'de> for Lifetime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Seconds;

        impl serde::de::Visitor<'_> for Seconds {
            type Value = Lifetime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("expires_in as a whole number of seconds")
            }

            fn visit_u64<E: serde::de::Error>(self, seconds: u64) -> Result<Lifetime, E> {
                Ok(Lifetime(seconds))
            }

            fn visit_i64<E: serde::de::Error>(self, seconds: i64) -> Result<Lifetime, E> {
                u64::try_from(seconds)
                    .map(Lifetime)
                    .map_err(|_| E::custom(format!("expires_in {seconds} is negative")))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Lifetime, E> {
                Err(E::custom("expires_in is not a whole number of seconds"))
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Lifetime, E> {
                Err(E::custom("expires_in is a string, not a number of seconds"))
            }
        }

        deserializer.deserialize_any(Seconds)
    }
}

/// `{"access_token": …, "expires_in": …}`, or WeChat's `{"errcode": …, "errmsg": …}`, read by
/// the same envelope reader as every API answer. The body is never quoted in an error: it
/// may hold a token.
fn parse_answer(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    secret: &str,
) -> Result<(AccessToken, Duration), TokenError> {
    let failed = |message: String| TokenError::Fetch { endpoint, message };
    let answer = match envelope::read::<TokenFields>(body) {
        Ok(answer) => answer,
        Err(err) => {
            let kind = if body.trim_ascii_start().starts_with(b"<") {
                "HTML".to_string()
            } else if err.is_data() {
                format!(
                    "not a token answer: {}",
                    scrub_value(&err.to_string(), secret)
                )
            } else {
                "not a JSON object".to_string()
            };
            return Err(failed(format!(
                "HTTP status {status}, answer is {kind} ({} bytes)",
                body.len()
            )));
        }
    };
    if answer.errcode != 0 {
        return Err(TokenError::Refused {
            endpoint,
            code: answer.errcode,
            errmsg: scrub_value(&answer.errmsg, secret),
        });
    }
    let Some(token) = answer.body.access_token.filter(|t| !t.is_empty()) else {
        return Err(failed(format!(
            "HTTP status {status}, answer without access_token"
        )));
    };
    if let Some(reason) = unusable(&token) {
        return Err(failed(reason));
    }
    let expires_in = answer
        .body
        .expires_in
        .map_or(DEFAULT_EXPIRES_IN, |lifetime| lifetime.0);
    Ok((AccessToken::new(token), Duration::from_secs(expires_in)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_answer_parses() {
        let (token, lifetime) = parse_answer(
            "stable_token",
            200,
            br#"{"access_token":"ACCESS","expires_in":7000}"#,
            "APP-SECRET",
        )
        .unwrap();
        assert_eq!(token.secret(), "ACCESS");
        assert_eq!(lifetime, Duration::from_secs(7000));
    }

    #[test]
    fn an_error_answer_is_refused_with_its_code() {
        let err = parse_answer(
            "token",
            200,
            br#"{"errcode":40125,"errmsg":"invalid appsecret APP-SECRET rid: x"}"#,
            "APP-SECRET",
        )
        .unwrap_err();
        assert!(
            matches!(err, TokenError::Refused { code: 40125, .. }),
            "{err:?}"
        );
        assert!(!err.to_string().contains("APP-SECRET"), "{err}");
    }

    #[test]
    fn garbage_never_quotes_the_body() {
        let body = br#"{"access_token":"SECRET-ACCESS","expires_in":"#;
        let err = parse_answer("stable_token", 200, body, "S").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SECRET-ACCESS"), "{shown}");
        let html = parse_answer("stable_token", 502, b"<html>bad gateway</html>", "S").unwrap_err();
        assert!(html.to_string().contains("HTML"), "{html}");
    }

    #[test]
    fn debug_hides_the_secret() {
        let secret = AppSecret::new("APP-SECRET-VALUE");
        assert_eq!(format!("{secret:?}"), "AppSecret(***)");
    }
}
