//! App credentials (appid + app secret): tokens from `POST /cgi-bin/stable_token` (default) or
//! the classic `GET /cgi-bin/token`, on the client's base URL.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::Url;
use serde_json::{Value, json};

use super::{AccessToken, IssuedToken, TokenError, TokenFuture, TokenProvider};
use crate::error::Error;

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
    http: reqwest::Client,
    base_url: Url,
    max_response_bytes: usize,
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
    /// Credentials that fetch from `endpoint` below `base_url` with the client's connections.
    pub(crate) fn new(
        appid: String,
        secret: AppSecret,
        endpoint: TokenEndpoint,
        http: reqwest::Client,
        base_url: Url,
        max_response_bytes: usize,
        timeout: Duration,
    ) -> Self {
        Self {
            appid,
            secret,
            endpoint,
            http,
            base_url,
            max_response_bytes,
            timeout,
        }
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let base_path = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base_path}{path}"));
        url
    }

    async fn fetch_token(&self) -> Result<IssuedToken, TokenError> {
        let name = self.endpoint.name();
        let secret = self.secret.expose();
        let request = match self.endpoint {
            TokenEndpoint::Stable => {
                let body = json!({
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": secret,
                    "force_refresh": false,
                });
                self.http
                    .post(self.url("/cgi-bin/stable_token"))
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/json; charset=utf-8",
                    )
                    .body(body.to_string())
            }
            TokenEndpoint::Classic => {
                let mut url = self.url("/cgi-bin/token");
                url.query_pairs_mut()
                    .append_pair("grant_type", "client_credential")
                    .append_pair("appid", &self.appid)
                    .append_pair("secret", secret);
                self.http.get(url)
            }
        };
        let issued_at = SystemTime::now();
        let response =
            request.timeout(self.timeout).send().await.map_err(|err| {
                fetch_error(name, crate::client::transport_error(name, err, secret))
            })?;
        let status = response.status().as_u16();
        let body =
            crate::client::read_body::<Infallible>(name, response, self.max_response_bytes, secret)
                .await
                .map_err(|err| fetch_error(name, err))?;
        let issued = parse_answer(name, status, &body, secret)?;
        Ok(IssuedToken {
            issued_at,
            expires_at: Some(issued_at + issued.1),
            token: issued.0,
        })
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
fn fetch_error(endpoint: &'static str, err: Error<Infallible>) -> TokenError {
    let message = match err {
        Error::Timeout { .. } => "no answer within the timeout".to_string(),
        Error::Transport { message, .. } => format!("connection failed: {message}"),
        Error::BodyTooLarge { limit, .. } => format!("answer larger than {limit} bytes"),
        other => other.to_string(),
    };
    TokenError::Fetch { endpoint, message }
}

/// `{"access_token": …, "expires_in": …}`, or WeChat's `{"errcode": …, "errmsg": …}`. The
/// body is never quoted in an error: it may hold a token.
fn parse_answer(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
    secret: &str,
) -> Result<(AccessToken, Duration), TokenError> {
    let failed = |message: String| TokenError::Fetch { endpoint, message };
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(body) else {
        let kind = if body.trim_ascii_start().starts_with(b"<") {
            "HTML"
        } else {
            "not a JSON object"
        };
        return Err(failed(format!(
            "HTTP status {status}, answer is {kind} ({} bytes)",
            body.len()
        )));
    };
    let code = match answer.get("errcode") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(-1),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(-1),
        _ => 0,
    };
    if code != 0 {
        let errmsg = answer.get("errmsg").and_then(Value::as_str).unwrap_or("");
        return Err(TokenError::Refused {
            endpoint,
            code,
            errmsg: crate::redact::scrub_value(errmsg, secret),
        });
    }
    let Some(token) = answer
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    else {
        return Err(failed(format!(
            "HTTP status {status}, answer without access_token"
        )));
    };
    let expires_in = answer
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_EXPIRES_IN);
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
