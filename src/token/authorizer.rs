//! A third-party platform's `authorizer_access_token`, fetched by the caller's own refresher.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::{IssuedToken, TokenError, TokenFuture, TokenProvider};

type Refresher = dyn Fn() -> TokenFuture<'static> + Send + Sync;

/// A third-party platform calling on behalf of an authorizer (a merchant's official account):
/// the token is the `authorizer_access_token` that the platform's own refresher gets from
/// `/cgi-bin/component/api_authorizer_token` with its `component_access_token` and the
/// authorizer's `authorizer_refresh_token`. The platform keeps the refresh token durably; the
/// client caches the access token, refreshes it ahead of expiry and after a rejection.
///
/// ```
/// use std::time::Duration;
/// use wechat_invoice::{AccessToken, AuthorizerToken, IssuedToken, TokenError};
///
/// async fn refresh_from_platform(appid: &str) -> Result<(String, u64), TokenError> {
///     // call api_authorizer_token, persist the authorizer_refresh_token it returns…
///     # let _ = appid;
///     Ok(("AUTHORIZER_ACCESS_TOKEN".into(), 7200))
/// }
///
/// let provider = AuthorizerToken::new("wx-authorizer-appid", || async {
///     let (token, expires_in) = refresh_from_platform("wx-authorizer-appid").await?;
///     Ok(IssuedToken::new(AccessToken::new(token), Duration::from_secs(expires_in)))
/// });
/// let client = wechat_invoice::Client::builder().token_provider(provider).build()?;
/// # Ok::<(), wechat_invoice::BuildError>(())
/// ```
#[derive(Clone)]
pub struct AuthorizerToken {
    account: String,
    refresher: Arc<Refresher>,
}

impl AuthorizerToken {
    /// Tokens of `authorizer_appid`, from `refresher`. They are cached and shared under
    /// `authorizer:{authorizer_appid}`.
    pub fn new<F, Fut>(authorizer_appid: impl Into<String>, refresher: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<IssuedToken, TokenError>> + Send + 'static,
    {
        Self {
            account: format!("authorizer:{}", authorizer_appid.into()),
            refresher: Arc::new(move || Box::pin(refresher())),
        }
    }
}

impl fmt::Debug for AuthorizerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizerToken")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl TokenProvider for AuthorizerToken {
    fn account(&self) -> &str {
        &self.account
    }

    fn fetch(&self) -> TokenFuture<'_> {
        (self.refresher)()
    }
}
