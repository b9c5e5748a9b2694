//! A token fixed for the client's life: the caller refreshes it elsewhere.

use super::{AccessToken, IssuedToken, TokenFuture, TokenProvider};

/// A provider that always answers the same token, without expiry. A client built with
/// [`ClientBuilder::access_token`](crate::ClientBuilder::access_token) uses it without a cache;
/// when WeChat rejects it, the call fails with the rejection (there is nothing to refresh).
#[derive(Debug, Clone)]
pub struct FixedToken(AccessToken);

impl FixedToken {
    /// A provider that always answers `token`.
    pub fn new(token: AccessToken) -> Self {
        Self(token)
    }

    /// The token.
    pub fn token(&self) -> &AccessToken {
        &self.0
    }
}

impl TokenProvider for FixedToken {
    fn account(&self) -> &str {
        "fixed"
    }

    fn fetch(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(IssuedToken::without_expiry(token)) })
    }
}
