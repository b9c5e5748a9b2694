//! The `wx_card` api_ticket that every authorization link needs (`get_auth_url`,
//! `nontax_get_bill_auth_url`), cached like the access token: in the client's token store
//! under `wx_card_ticket:{appid}` (never under a secret), refreshed ahead of expiry, fetched
//! once for many concurrent callers and, with a shared store, once across processes; forgotten
//! when WeChat rejects it.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use crate::credential::{credential_error, credential_missing, lifetime};
use crate::endpoint::Operation;
use crate::error::{ApiError, Error};
use crate::token::{
    AccessToken, IssuedToken, MemoryStore, TokenCache, TokenCacheConfig, TokenError, TokenFuture,
    TokenProvider,
};
use crate::{Client, GetAuthUrlRequest, GetTicketRequest, NontaxGetBillAuthUrlRequest};

/// The credential's name in errors.
const CARD_TICKET: &str = "wx_card api_ticket";

/// `errcode`s with which WeChat rejects the ticket of an authorization-link request: the
/// global table's 9001003 (Ticket 不合法). The invoice pages document no code of their own.
pub const CARD_TICKET_REJECTED: &[i64] = &[9001003];

tokio::task_local! {
    /// The client whose ticket is being fetched: the cache's fetch runs inside
    /// [`Client::card_ticket`], which sets it, so the cache holds no client (no cycle).
    static FETCHING_FOR: Client;
}

/// A `wx_card` api_ticket. `Debug` prints `***`; only [`CardTicket::secret`] reveals it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardTicket(AccessToken);

impl CardTicket {
    /// The ticket itself, to put into a request. Never log it.
    pub fn secret(&self) -> &str {
        self.0.secret()
    }
}

impl fmt::Debug for CardTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardTicket(***)")
    }
}

/// A request whose body carries the card ticket: [`Client::send_with_card_ticket`] fills it.
pub trait UsesCardTicket: Operation {
    /// Puts `ticket` into the request's `ticket` field.
    fn set_card_ticket(&mut self, ticket: &CardTicket);
}

impl UsesCardTicket for GetAuthUrlRequest {
    fn set_card_ticket(&mut self, ticket: &CardTicket) {
        self.ticket = ticket.secret().to_string();
    }
}

impl UsesCardTicket for NontaxGetBillAuthUrlRequest {
    fn set_card_ticket(&mut self, ticket: &CardTicket) {
        self.ticket = ticket.secret().to_string();
    }
}

/// The ticket cache of one client, made on first use with the store and timing of the
/// client's token cache (a fresh memory store for a fixed token).
#[derive(Default)]
pub(crate) struct CardTicketCache {
    cache: OnceLock<TokenCache>,
}

impl fmt::Debug for CardTicketCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardTicketCache")
            .field("cache", &self.cache.get())
            .finish()
    }
}

impl CardTicketCache {
    fn cache(&self, tokens: Option<&TokenCache>) -> &TokenCache {
        self.cache.get_or_init(|| {
            let (appid, store, config) = match tokens {
                Some(tokens) => {
                    let (account, store, config) = tokens.sharing();
                    (account.to_string(), store, config)
                }
                None => (
                    "fixed".to_string(),
                    Arc::new(MemoryStore::new()) as _,
                    TokenCacheConfig::default(),
                ),
            };
            let source = CardTicketSource {
                account: format!("wx_card_ticket:{appid}"),
                appid,
            };
            TokenCache::new(Arc::new(source), store, config)
        })
    }
}

/// Fetches the ticket with `get_ticket`, on the client that asked for it.
#[derive(Debug)]
struct CardTicketSource {
    /// What the ticket is cached under: `wx_card_ticket:{appid}`.
    account: String,
    appid: String,
}

impl TokenProvider for CardTicketSource {
    fn account(&self) -> &str {
        &self.account
    }

    fn fetch(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let client = FETCHING_FOR.try_with(Client::clone).map_err(|_| {
                credential_missing(CARD_TICKET, &self.appid, "fetched outside its client")
            })?;
            let issued_at = SystemTime::now();
            let answer = client
                .get_ticket(&GetTicketRequest {})
                .await
                .map_err(|err| credential_error(CARD_TICKET, &self.appid, err))?;
            if answer.ticket.is_empty() {
                return Err(credential_missing(
                    CARD_TICKET,
                    &self.appid,
                    "WeChat answered an empty ticket",
                ));
            }
            let lifetime = lifetime(CARD_TICKET, &self.appid, answer.expires_in)?;
            Ok(IssuedToken {
                token: AccessToken::new(answer.ticket),
                issued_at,
                expires_at: Some(issued_at + lifetime),
            })
        })
    }
}

impl Client {
    /// The `wx_card` api_ticket of this client's account, for the `ticket` field of
    /// `get_auth_url` and `nontax_get_bill_auth_url`: cached in the client's token store beside
    /// the access token, fetched with `get_ticket` once for many concurrent callers (and, with
    /// a shared store such as `RedisStore`, once across processes), refreshed ahead of expiry.
    /// [`Client::send_with_card_ticket`] fills a request with it for you. Never log it.
    pub async fn card_ticket(&self) -> Result<CardTicket, TokenError> {
        let (tickets, tokens) = self.card_ticket_cache();
        let cache = tickets.cache(tokens);
        FETCHING_FOR
            .scope(self.clone(), cache.token())
            .await
            .map(CardTicket)
    }

    /// Tells the client that WeChat rejected `ticket`: the cache (and the shared store) forget
    /// it if it is still the current one, so the next [`Client::card_ticket`] fetches anew.
    pub async fn invalidate_card_ticket(&self, ticket: &CardTicket) {
        let (tickets, tokens) = self.card_ticket_cache();
        tickets.cache(tokens).invalidate(&ticket.0).await;
    }

    /// Sends `request` with its `ticket` filled from [`Client::card_ticket`]; when WeChat
    /// rejects the ticket ([`CARD_TICKET_REJECTED`]), forgets it and sends once more with a
    /// fresher one, if there is one.
    pub async fn send_with_card_ticket<O: UsesCardTicket>(
        &self,
        mut request: O,
    ) -> Result<O::Response, Error<O::Error>> {
        let token_error = |source| Error::Token {
            endpoint: O::ENDPOINT.name,
            source,
        };
        let ticket = self.card_ticket().await.map_err(token_error)?;
        request.set_card_ticket(&ticket);
        match self.send(&request).await {
            Err(Error::Api(err)) if CARD_TICKET_REJECTED.contains(&err.code()) => {
                tracing::debug!(
                    endpoint = O::ENDPOINT.name,
                    errcode = err.code(),
                    "card ticket rejected; retrying once with a fresh one"
                );
                self.invalidate_card_ticket(&ticket).await;
                let fresh = self.card_ticket().await.map_err(token_error)?;
                if fresh == ticket {
                    return Err(Error::Api(err));
                }
                request.set_card_ticket(&fresh);
                self.send(&request).await
            }
            outcome => outcome,
        }
    }
}
