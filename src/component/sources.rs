//! Where a third-party platform's tokens come from: its `component_access_token` (from the
//! pushed verify ticket kept in the store) and each authorizer's `authorizer_access_token`
//! (from the refresh token kept in the store, written back before the token is used).

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use super::durable;
use super::keys::Keys;
use super::secret::ComponentSecret;
use crate::credential::{credential_error, credential_missing, lifetime};
use crate::error::Error;
use crate::token::{AccessToken, IssuedToken, TokenError, TokenFuture, TokenProvider, TokenStore};
use crate::{ApiAuthorizerTokenRequest, ApiComponentTokenRequest, Client};

/// Names of the credentials in errors.
pub(crate) const COMPONENT_TOKEN: &str = "component_access_token";
pub(crate) const VERIFY_TICKET: &str = "component_verify_ticket";
pub(crate) const AUTHORIZER_TOKEN: &str = "authorizer_access_token";
pub(crate) const REFRESH_TOKEN: &str = "authorizer_refresh_token";

/// WeChat's code for a refresh token it no longer accepts.
const REFRESH_TOKEN_INVALID: i64 = 61023;

/// A store failure while handling `credential` of `account`, named as such.
pub(crate) fn store_failure(
    credential: &'static str,
    account: &str,
    err: TokenError,
) -> TokenError {
    credential_missing(credential, account, &format!("token store: {err}"))
}

/// The platform's token, from `api_component_token` with the latest stored verify ticket.
pub(crate) struct ComponentTokenSource {
    pub(crate) keys: Keys,
    pub(crate) secret: ComponentSecret,
    /// Calls `api_component_token`, which takes no token.
    pub(crate) tokenless: Client,
    pub(crate) store: Arc<dyn TokenStore>,
}

impl fmt::Debug for ComponentTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentTokenSource")
            .field("component_appid", &self.keys.component_appid)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

impl ComponentTokenSource {
    async fn fetch_token(&self) -> Result<IssuedToken, TokenError> {
        let appid = &self.keys.component_appid;
        let ticket = durable::load(self.store.as_ref(), &self.keys.verify_ticket())
            .await
            .map_err(|err| store_failure(VERIFY_TICKET, appid, err))?
            .ok_or_else(|| {
                credential_missing(
                    VERIFY_TICKET,
                    appid,
                    "none stored (or older than 12 hours): WeChat pushes one every 10 minutes to \
                     the authorization-event URL; hand it to ComponentClient::store_verify_ticket",
                )
            })?;
        let request = ApiComponentTokenRequest {
            component_appid: appid.clone(),
            component_appsecret: self.secret.expose().to_string(),
            component_verify_ticket: ticket.secret().to_string(),
        };
        let issued_at = SystemTime::now();
        let answer = self
            .tokenless
            .api_component_token(&request)
            .await
            .map_err(|err| credential_error(COMPONENT_TOKEN, appid, err))?;
        if answer.component_access_token.is_empty() {
            return Err(credential_missing(
                COMPONENT_TOKEN,
                appid,
                "WeChat answered an empty token",
            ));
        }
        let lifetime = lifetime(COMPONENT_TOKEN, appid, answer.expires_in)?;
        Ok(IssuedToken {
            token: AccessToken::new(answer.component_access_token),
            issued_at,
            expires_at: Some(issued_at + lifetime),
        })
    }
}

impl TokenProvider for ComponentTokenSource {
    fn account(&self) -> &str {
        &self.keys.component_token
    }

    fn fetch(&self) -> TokenFuture<'_> {
        Box::pin(self.fetch_token())
    }
}

/// An authorizer's token, from `api_authorizer_token` with its stored refresh token.
pub(crate) struct AuthorizerSource {
    pub(crate) keys: Keys,
    pub(crate) authorizer_appid: String,
    /// What the token is cached under.
    pub(crate) account: String,
    /// Calls with the platform's token.
    pub(crate) platform: Client,
    pub(crate) store: Arc<dyn TokenStore>,
}

impl fmt::Debug for AuthorizerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizerSource")
            .field("component_appid", &self.keys.component_appid)
            .field("authorizer_appid", &self.authorizer_appid)
            .finish_non_exhaustive()
    }
}

impl AuthorizerSource {
    async fn fetch_token(&self) -> Result<IssuedToken, TokenError> {
        let appid = &self.authorizer_appid;
        let key = self.keys.refresh_token(appid);
        let store = self.store.as_ref();
        let refresh = durable::load(store, &key)
            .await
            .map_err(|err| store_failure(REFRESH_TOKEN, appid, err))?
            .ok_or_else(|| {
                credential_missing(
                    REFRESH_TOKEN,
                    appid,
                    "none stored: the merchant has not authorized the platform, or revoked it; \
                     send its administrator the authorization link",
                )
            })?;
        let request = ApiAuthorizerTokenRequest {
            component_appid: self.keys.component_appid.clone(),
            authorizer_appid: appid.clone(),
            authorizer_refresh_token: refresh.secret().to_string(),
        };
        let issued_at = SystemTime::now();
        let answer = self
            .platform
            .api_authorizer_token(&request)
            .await
            .map_err(|err| {
                let refused_refresh =
                    matches!(&err, Error::Api(api) if api.code() == REFRESH_TOKEN_INVALID);
                let credential = if refused_refresh {
                    REFRESH_TOKEN
                } else {
                    AUTHORIZER_TOKEN
                };
                credential_error(credential, appid, err)
            })?;
        // The new refresh token is stored before the access token is used: once WeChat
        // rotated it, the old one may be dead, and losing the new one loses the merchant.
        if let Some(rotated) = answer
            .authorizer_refresh_token
            .as_deref()
            .filter(|rotated| !rotated.is_empty() && *rotated != refresh.secret())
        {
            durable::save(store, &key, rotated).await.map_err(|err| {
                credential_missing(
                    REFRESH_TOKEN,
                    appid,
                    &format!(
                        "WeChat issued a new refresh token that could not be stored ({err}); \
                         the access token is not used"
                    ),
                )
            })?;
        }
        if answer.authorizer_access_token.is_empty() {
            return Err(credential_missing(
                AUTHORIZER_TOKEN,
                appid,
                "WeChat answered an empty token",
            ));
        }
        let lifetime = lifetime(AUTHORIZER_TOKEN, appid, answer.expires_in)?;
        Ok(IssuedToken {
            token: AccessToken::new(answer.authorizer_access_token),
            issued_at,
            expires_at: Some(issued_at + lifetime),
        })
    }
}

impl TokenProvider for AuthorizerSource {
    fn account(&self) -> &str {
        &self.account
    }

    fn fetch(&self) -> TokenFuture<'_> {
        Box::pin(self.fetch_token())
    }
}
