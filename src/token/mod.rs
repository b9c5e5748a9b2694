//! Access tokens: where they come from (providers), where they are kept (stores) and the cache
//! that puts both together.
//!
//! - [`TokenProvider`] is the one trait every source implements: a fixed token
//!   ([`FixedToken`]), app credentials (built by
//!   [`ClientBuilder::app_credentials`](crate::ClientBuilder::app_credentials)), a third-party
//!   platform's authorizer token from the caller's refresher ([`AuthorizerToken`]), or any
//!   provider you write.
//! - [`TokenStore`] keeps tokens between refreshes: [`MemoryStore`] by default, `RedisStore`
//!   (cargo feature `redis`) when several processes share one appid.
//! - The cache in front of them refreshes ahead of expiry, makes one fetch for many concurrent
//!   callers, and forgets a token WeChat rejected only if it is still the current one.

mod app;
mod authorizer;
mod cache;
mod fixed;
#[cfg(feature = "redis")]
mod redis;
mod store;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub(crate) use app::AppCredentials;
pub use app::{AppSecret, TokenEndpoint};
pub use authorizer::AuthorizerToken;
pub(crate) use cache::TokenCache;
pub use cache::TokenCacheConfig;
pub use fixed::FixedToken;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub use store::{MemoryStore, StoreFuture, TokenStore};

use crate::redact;

/// The longest lifetime a token is believed to have; a longer one (WeChat's `expires_in` of
/// 2^63, a provider's `Duration::MAX`) is cut to this. WeChat's tokens live 7200 s.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(366 * 86_400);

/// The longest token accepted, in bytes. WeChat documents at least 512 characters of room for
/// a token; a much longer one would make every call's URL too long for HTTP.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Why `token` cannot be used on the wire, if it cannot: empty, too long, or not made of
/// visible ASCII characters. The reason never quotes the token.
pub(crate) fn unusable(token: &str) -> Option<String> {
    if token.is_empty() {
        Some("the access token is empty".to_string())
    } else if token.len() > MAX_TOKEN_BYTES {
        Some(format!(
            "the access token is {} bytes long, longer than the {MAX_TOKEN_BYTES} accepted",
            token.len()
        ))
    } else if !token.bytes().all(|byte| byte.is_ascii_graphic()) {
        Some("the access token has characters other than visible ASCII".to_string())
    } else {
        None
    }
}

/// An access token. `Debug` and `Display` print `***`; only [`AccessToken::secret`] reveals it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccessToken(Arc<str>);

impl AccessToken {
    /// Wraps a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Arc::from(token.into()))
    }

    /// The token itself, to put on the wire. Never log it.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A token as a provider hands it out: the token, when it was issued and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The token.
    pub token: AccessToken,
    /// When it was issued (for a fetched token: just before the request was sent).
    pub issued_at: SystemTime,
    /// When WeChat stops accepting it; `None` when it has no known end (a fixed token).
    pub expires_at: Option<SystemTime>,
}

impl IssuedToken {
    /// A token issued now that lives `expires_in` (WeChat's `expires_in`, 7200 s usually); a
    /// lifetime over [`MAX_TOKEN_LIFETIME`] is cut to it.
    pub fn new(token: AccessToken, expires_in: Duration) -> Self {
        Self::issued_at(token, SystemTime::now(), expires_in)
    }

    /// A token issued at `issued_at` that lives `expires_in`, cut to [`MAX_TOKEN_LIFETIME`].
    pub fn issued_at(token: AccessToken, issued_at: SystemTime, expires_in: Duration) -> Self {
        Self {
            token,
            issued_at,
            expires_at: Some(
                issued_at
                    .checked_add(expires_in.min(MAX_TOKEN_LIFETIME))
                    .unwrap_or(issued_at),
            ),
        }
    }

    /// The same token with its expiry no later than [`MAX_TOKEN_LIFETIME`] after it was issued
    /// (after now, for a token issued in the future): what the cache and the stores keep.
    pub(crate) fn bounded(mut self) -> Self {
        let start = self.issued_at.min(SystemTime::now());
        if let Some(latest) = start.checked_add(MAX_TOKEN_LIFETIME) {
            self.expires_at = self.expires_at.map(|at| at.min(latest));
        }
        self
    }

    /// A token without a known expiry: it is used until WeChat rejects it.
    pub fn without_expiry(token: AccessToken) -> Self {
        Self {
            token,
            issued_at: SystemTime::now(),
            expires_at: None,
        }
    }

    /// Whether WeChat still accepts it at `now`, as far as its expiry says.
    pub fn is_valid_at(&self, now: SystemTime) -> bool {
        self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
}

/// Why no token could be had. No variant contains a token or an app secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// WeChat refused to issue a token: wrong appid (40013), wrong secret (40125), an IP
    /// address not on the allow-list (40164), a frozen secret (40243)…
    #[error("{endpoint}: WeChat refused to issue an access token: errcode {code} ({errmsg})")]
    Refused {
        /// The token endpoint (`stable_token`, `token`).
        endpoint: &'static str,
        /// WeChat's `errcode`.
        code: i64,
        /// WeChat's `errmsg`, secrets scrubbed.
        errmsg: String,
    },
    /// The token endpoint could not be reached, or did not answer with a token.
    #[error("{endpoint}: no access token: {message}")]
    Fetch {
        /// The token endpoint (`stable_token`, `token`).
        endpoint: &'static str,
        /// What failed, without URLs or secrets.
        message: String,
    },
    /// The provider (token endpoint or refresher) gave no token within the fetch timeout.
    #[error("no access token from the provider within {timeout:?}")]
    FetchTimeout {
        /// The limit that ran out.
        timeout: Duration,
    },
    /// The shared token store failed (Redis refused the connection, answered an error…).
    #[error("token store: {message}")]
    Store {
        /// What failed, without secrets.
        message: String,
    },
    /// The shared token store did not answer within its timeout (Redis down or slow).
    #[error("token store: `{operation}` got no answer within {timeout:?}")]
    StoreTimeout {
        /// The store operation (`get`, `put`, `lock`…).
        operation: &'static str,
        /// The limit that ran out.
        timeout: Duration,
    },
    /// Another instance held the refresh lock, and no fresh token appeared within the wait.
    #[error("another instance is refreshing the token; none appeared within {waited:?}")]
    LockTimeout {
        /// How long this call waited.
        waited: Duration,
    },
    /// A caller-supplied provider or refresher failed.
    #[error("token provider: {message}")]
    Provider {
        /// Its message, secrets scrubbed.
        message: String,
    },
    /// A credential other than the app's own access token could not be had: the `wx_card`
    /// api_ticket, a third-party platform's `component_access_token` or
    /// `component_verify_ticket`, an authorizer's `authorizer_access_token` or
    /// `authorizer_refresh_token`. Says which one, of which account, and why.
    #[error("{credential} of `{account}`: {message}")]
    Credential {
        /// Which credential failed (`wx_card api_ticket`, `component_access_token`…).
        credential: &'static str,
        /// The appid it belongs to (never a secret).
        account: String,
        /// WeChat's `errcode` when WeChat refused it (61023: the refresh token is invalid).
        code: Option<i64>,
        /// What failed, secrets scrubbed.
        message: String,
    },
}

impl TokenError {
    /// A provider's failure with a message; secrets in it are scrubbed.
    pub fn new(message: impl AsRef<str>) -> Self {
        Self::Provider {
            message: redact::scrub(message.as_ref()),
        }
    }

    /// A store failure with a message; secrets in it are scrubbed.
    pub fn store(message: impl AsRef<str>) -> Self {
        Self::Store {
            message: redact::scrub(message.as_ref()),
        }
    }
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<IssuedToken, TokenError>> + Send + 'a>>;

/// A source of access tokens. The client puts a cache in front of it, so `fetch` runs only
/// when no usable token is cached: once for many concurrent calls, ahead of expiry, and after
/// WeChat rejected the cached token.
///
/// ```
/// use std::time::Duration;
/// use wechat_invoice::{AccessToken, IssuedToken, TokenFuture, TokenProvider};
///
/// /// Reads the token a central service publishes.
/// #[derive(Debug)]
/// struct CentralService;
///
/// impl TokenProvider for CentralService {
///     fn account(&self) -> &str {
///         "wx1234567890"
///     }
///     fn fetch(&self) -> TokenFuture<'_> {
///         Box::pin(async {
///             let token = AccessToken::new("…from the central service…");
///             Ok(IssuedToken::new(token, Duration::from_secs(7200)))
///         })
///     }
/// }
///
/// let client = wechat_invoice::Client::builder()
///     .token_provider(CentralService)
///     .build()?;
/// # Ok::<(), wechat_invoice::BuildError>(())
/// ```
pub trait TokenProvider: fmt::Debug + Send + Sync + 'static {
    /// The name tokens are cached and shared under: the appid (never a secret). Providers of
    /// the same account share one token through a shared [`TokenStore`].
    fn account(&self) -> &str;

    /// Fetches a fresh token from the source.
    fn fetch(&self) -> TokenFuture<'_>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_token() {
        let token = AccessToken::new("SECRET-TOKEN");
        assert_eq!(format!("{token:?}"), "AccessToken(***)");
        assert_eq!(format!("{token}"), "***");
        assert!(!format!("{:?}", FixedToken::new(token.clone())).contains("SECRET"));
        let issued = IssuedToken::new(token, Duration::from_secs(60));
        assert!(!format!("{issued:?}").contains("SECRET"));
    }

    #[test]
    fn validity_follows_the_expiry() {
        let issued = IssuedToken::new(AccessToken::new("t"), Duration::from_secs(60));
        assert!(issued.is_valid_at(issued.issued_at));
        assert!(!issued.is_valid_at(issued.issued_at + Duration::from_secs(60)));
        let forever = IssuedToken::without_expiry(AccessToken::new("t"));
        assert!(forever.is_valid_at(SystemTime::now() + Duration::from_secs(1 << 30)));
    }

    #[test]
    fn lifetimes_are_cut_to_the_maximum() {
        let huge = IssuedToken::new(AccessToken::new("t"), Duration::MAX);
        assert_eq!(huge.expires_at, Some(huge.issued_at + MAX_TOKEN_LIFETIME));
        let far = IssuedToken {
            token: AccessToken::new("t"),
            issued_at: SystemTime::UNIX_EPOCH,
            expires_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1 << 40)),
        }
        .bounded();
        assert_eq!(
            far.expires_at,
            Some(SystemTime::UNIX_EPOCH + MAX_TOKEN_LIFETIME)
        );
    }

    #[test]
    fn only_visible_ascii_tokens_of_sane_length_are_usable() {
        assert_eq!(unusable("ACCESS_token-1.2~/+="), None);
        for bad in [
            String::new(),
            "a b".into(),
            "令牌".into(),
            "x".repeat(MAX_TOKEN_BYTES + 1),
        ] {
            let reason = unusable(&bad).expect("unusable");
            assert!(!reason.contains(&bad) || bad.is_empty(), "{reason}");
        }
    }

    #[test]
    fn token_errors_scrub_secrets() {
        let err = TokenError::new("GET /x?access_token=LEAK&secret=SEC failed");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("LEAK") && !shown.contains("SEC "),
            "{shown}"
        );
    }
}
