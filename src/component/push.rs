//! Acting on a third-party platform's authorization pushes ([`ComponentEvent`], decoded by
//! [`crate::push::Receiver::receive_component`]): the verify ticket into the token store, an
//! authorization exchanged with `api_query_auth`, a revocation forgotten.

use super::{Authorization, ComponentClient};
use crate::error::Error;
use crate::token::TokenError;
use crate::{ApiQueryAuthError, ComponentEvent};

/// What [`ComponentClient::handle_push`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushHandled {
    /// `component_verify_ticket`: the ticket is in the token store, for every instance.
    VerifyTicketStored,
    /// `authorized` or `updateauthorized`: the code was exchanged; the merchant's refresh
    /// token is stored and its client ([`ComponentClient::authorizer`]) ready.
    Authorized(Authorization),
    /// `unauthorized`: the merchant's refresh token and access token are forgotten.
    Unauthorized {
        /// The merchant that revoked the authorization.
        authorizer_appid: String,
    },
    /// Another `InfoType` (kept whole in the event): nothing for the token store to do.
    Ignored,
}

/// Why [`ComponentClient::handle_push`] failed; the push should not be acknowledged, so
/// that WeChat sends it again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PushHandlingError {
    /// The push names another platform in `AppId`.
    #[error("the push is for the platform `{app_id}`, not `{expected}`")]
    OtherPlatform {
        /// The `AppId` the push carries.
        app_id: String,
        /// This client's `component_appid`.
        expected: String,
    },
    /// An element the action needs is absent or empty.
    #[error("the `{info_type}` push has no `{element}`")]
    MissingElement {
        /// The push's `InfoType`.
        info_type: &'static str,
        /// The element's name.
        element: &'static str,
    },
    /// Storing the ticket or forgetting the authorizer failed (the error names the credential).
    #[error(transparent)]
    Token(#[from] TokenError),
    /// `api_query_auth` refused the code or failed, or the refresh token could not be stored.
    #[error(transparent)]
    QueryAuth(#[from] Error<ApiQueryAuthError>),
}

impl ComponentClient {
    /// Acts on a push to the platform's authorization-event URL:
    ///
    /// - `component_verify_ticket`: [`ComponentClient::store_verify_ticket`];
    /// - `authorized`, `updateauthorized`: [`ComponentClient::authorized`] with its
    ///   `AuthorizationCode` (`api_query_auth`; the refresh token is stored before `Ok`);
    /// - `unauthorized`: [`ComponentClient::unauthorized`] (later calls for the merchant fail
    ///   with a [`TokenError::Credential`] naming `authorizer_refresh_token`);
    /// - anything else: [`PushHandled::Ignored`].
    ///
    /// A push whose `AppId` names another platform is refused. WeChat sends a push again
    /// when it is not acknowledged within 5 seconds: run pushes through a
    /// [`crate::push::Deduplicator`] first, since `api_query_auth` refuses a code exchanged
    /// twice.
    ///
    /// ```no_run
    /// # async fn demo(
    /// #     platform: wechat_invoice::component::ComponentClient,
    /// #     receiver: wechat_invoice::push::Receiver,
    /// #     query: &str,
    /// #     body: &[u8],
    /// # ) -> Result<(), Box<dyn std::error::Error>> {
    /// let push = receiver.receive_component(query, body)?;
    /// platform.handle_push(&push).await?;
    /// // answer "success"
    /// # Ok(())
    /// # }
    /// ```
    pub async fn handle_push(
        &self,
        push: &ComponentEvent,
    ) -> Result<PushHandled, PushHandlingError> {
        if let Some(app_id) = push.envelope().app_id.as_deref()
            && app_id != self.component_appid()
        {
            return Err(PushHandlingError::OtherPlatform {
                app_id: app_id.to_string(),
                expected: self.component_appid().to_string(),
            });
        }
        match push {
            ComponentEvent::ComponentVerifyTicket(event) => {
                let ticket = required(
                    event.component_verify_ticket.as_deref(),
                    "component_verify_ticket",
                    "ComponentVerifyTicket",
                )?;
                self.store_verify_ticket(ticket).await?;
                Ok(PushHandled::VerifyTicketStored)
            }
            ComponentEvent::Authorized(event) => {
                let code = required(
                    event.authorization_code.as_deref(),
                    "authorized",
                    "AuthorizationCode",
                )?;
                Ok(PushHandled::Authorized(self.authorized(code).await?))
            }
            ComponentEvent::Updateauthorized(event) => {
                let code = required(
                    event.authorization_code.as_deref(),
                    "updateauthorized",
                    "AuthorizationCode",
                )?;
                Ok(PushHandled::Authorized(self.authorized(code).await?))
            }
            ComponentEvent::Unauthorized(event) => {
                let appid = required(
                    event.authorizer_appid.as_deref(),
                    "unauthorized",
                    "AuthorizerAppid",
                )?;
                self.unauthorized(appid).await?;
                Ok(PushHandled::Unauthorized {
                    authorizer_appid: appid.to_string(),
                })
            }
            ComponentEvent::Other(_) => Ok(PushHandled::Ignored),
        }
    }
}

fn required<'a>(
    value: Option<&'a str>,
    info_type: &'static str,
    element: &'static str,
) -> Result<&'a str, PushHandlingError> {
    value
        .filter(|value| !value.is_empty())
        .ok_or(PushHandlingError::MissingElement { info_type, element })
}
