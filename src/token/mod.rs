//! Access tokens: a redacting newtype and the provider trait the client asks for one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TokenError {
    /// What went wrong, without secrets.
    pub message: String,
}

impl TokenError {
    /// A token error with a message; secrets in it are scrubbed.
    pub fn new(message: impl AsRef<str>) -> Self {
        Self {
            message: crate::redact::scrub(message.as_ref()),
        }
    }
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Where the client gets its access token from.
pub trait TokenProvider: fmt::Debug + Send + Sync + 'static {
    /// A token to call WeChat with.
    fn token(&self) -> TokenFuture<'_>;

    /// WeChat rejected `rejected` (40001/40014/42001): forget it if it is still the current one.
    fn invalidate(&self, rejected: &AccessToken) {
        let _ = rejected;
    }
}

/// A token fixed for the client's life: the caller refreshes it elsewhere.
#[derive(Debug, Clone)]
pub struct FixedToken(AccessToken);

impl FixedToken {
    /// A provider that always answers `token`.
    pub fn new(token: AccessToken) -> Self {
        Self(token)
    }
}

impl TokenProvider for FixedToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_token() {
        let token = AccessToken::new("SECRET-TOKEN");
        assert_eq!(format!("{token:?}"), "AccessToken(***)");
        assert_eq!(format!("{token}"), "***");
        assert!(!format!("{:?}", FixedToken::new(token)).contains("SECRET"));
    }
}
