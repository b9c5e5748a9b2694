//! WeChat's token interfaces, outside the spec: `POST /cgi-bin/stable_token` and
//! `GET /cgi-bin/token`. They issue distinct tokens for one configured appid and secret, and
//! can make issued tokens expire or be revoked, so API calls see 42001 or 40001.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::HttpRequest;

/// Pseudo-endpoint name of `POST /cgi-bin/stable_token` (for `respond`, `delivery_count`).
pub const STABLE_TOKEN: &str = "stable_token";
/// Pseudo-endpoint name of `GET /cgi-bin/token`.
pub const CLASSIC_TOKEN: &str = "token";

/// The pseudo-endpoint a request is for, if it is a token request.
pub(crate) fn route(request: &HttpRequest) -> Option<&'static str> {
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/cgi-bin/stable_token") => Some(STABLE_TOKEN),
        ("GET", "/cgi-bin/token") => Some(CLASSIC_TOKEN),
        _ => None,
    }
}

struct Issued {
    token: String,
    expires: Instant,
    revoked: bool,
}

#[derive(Default)]
struct Tokens {
    credentials: Option<(String, String)>,
    lifetime: Option<Duration>,
    issued: Vec<Issued>,
    /// Index of the stable token that `force_refresh: false` hands out again.
    stable: Option<usize>,
}

/// Why an API call's token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Unknown or revoked: 40001.
    Invalid,
    /// Expired: 42001.
    Expired,
}

/// Issued tokens and the credentials that get them.
#[derive(Default)]
pub(crate) struct TokenIssuer {
    tokens: Mutex<Tokens>,
}

impl TokenIssuer {
    fn tokens(&self) -> std::sync::MutexGuard<'_, Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn configure(&self, appid: &str, secret: &str) {
        self.tokens().credentials = Some((appid.to_string(), secret.to_string()));
    }

    pub(crate) fn set_lifetime(&self, lifetime: Duration) {
        self.tokens().lifetime = Some(lifetime);
    }

    pub(crate) fn expire_all(&self) {
        let now = Instant::now();
        for issued in &mut self.tokens().issued {
            issued.expires = issued.expires.min(now);
        }
    }

    pub(crate) fn revoke_all(&self) {
        for issued in &mut self.tokens().issued {
            issued.revoked = true;
        }
    }

    pub(crate) fn issued(&self) -> Vec<String> {
        self.tokens()
            .issued
            .iter()
            .map(|i| i.token.clone())
            .collect()
    }

    /// `Ok` when `token` was issued and is still valid.
    pub(crate) fn check(&self, token: &str) -> Result<(), Refusal> {
        let tokens = self.tokens();
        let issued = tokens
            .issued
            .iter()
            .find(|i| i.token == token)
            .ok_or(Refusal::Invalid)?;
        if issued.revoked {
            Err(Refusal::Invalid)
        } else if issued.expires <= Instant::now() {
            Err(Refusal::Expired)
        } else {
            Ok(())
        }
    }

    /// Answers a token request as WeChat would.
    pub(crate) fn answer(&self, endpoint: &str, request: &HttpRequest) -> Value {
        let (grant_type, appid, secret, force) = if endpoint == STABLE_TOKEN {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
            let force = body
                .get("force_refresh")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            (text("grant_type"), text("appid"), text("secret"), force)
        } else {
            let text = |key: &str| request.query_param(key).map(str::to_string);
            (text("grant_type"), text("appid"), text("secret"), true)
        };
        let mut tokens = self.tokens();
        let refusal = match &tokens.credentials {
            _ if grant_type.as_deref() != Some("client_credential") => Some(40002),
            Some((id, _)) if appid.as_deref() != Some(id.as_str()) => Some(40013),
            Some((_, key)) if secret.as_deref() != Some(key.as_str()) => Some(40125),
            Some(_) => None,
            None => Some(40013),
        };
        if let Some(code) = refusal {
            let errmsg = match code {
                40002 => "invalid grant_type",
                40013 => "invalid appid",
                _ => "invalid appsecret",
            };
            return json!({ "errcode": code, "errmsg": format!("{errmsg} rid: mock-token") });
        }
        let now = Instant::now();
        if endpoint == STABLE_TOKEN
            && !force
            && let Some(current) = tokens.stable.and_then(|i| tokens.issued.get(i))
            && !current.revoked
            && current.expires > now
        {
            let remaining = current.expires - now;
            return json!({
                "access_token": current.token,
                "expires_in": remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0),
            });
        }
        if endpoint == STABLE_TOKEN
            && force
            && let Some(previous) = tokens.stable.and_then(|i| tokens.issued.get_mut(i))
        {
            previous.revoked = true;
        }
        let lifetime = tokens.lifetime.unwrap_or(Duration::from_secs(7200));
        let token = format!(
            "MOCK-{}-TOKEN-{:04}",
            endpoint.to_ascii_uppercase(),
            tokens.issued.len() + 1
        );
        tokens.issued.push(Issued {
            token: token.clone(),
            expires: now + lifetime,
            revoked: false,
        });
        if endpoint == STABLE_TOKEN {
            tokens.stable = Some(tokens.issued.len() - 1);
        }
        json!({ "access_token": token, "expires_in": lifetime.as_secs().max(1) })
    }
}
