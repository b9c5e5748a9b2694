//! Third-party platforms (第三方平台, 服务商): the way most invoicing platforms serve merchants.
//!
//! A [`ComponentClient`] holds the platform's credentials and hands out a [`Client`] per
//! merchant (authorizer) on which the invoice calls are unchanged. Every credential is cached
//! in one token store (a `RedisStore` shares them between processes):
//!
//! - the latest `component_verify_ticket` WeChat pushes every 10 minutes
//!   ([`ComponentClient::store_verify_ticket`]), under `component:{component_appid}:verify_ticket`;
//! - the platform's `component_access_token`, fetched with it once per expiry across every
//!   instance, under `component:{component_appid}`;
//! - each merchant's `authorizer_refresh_token`, kept for good under
//!   `component:{component_appid}:refresh_token:{authorizer_appid}` and rewritten before a new
//!   access token is used;
//! - each merchant's `authorizer_access_token`, under
//!   `component:{component_appid}:authorizer:{authorizer_appid}`.
//!
//! The platform's authorization-event URL receives pushes named by `InfoType`:
//! [`crate::push::Receiver::receive_component`] checks and decodes them into a
//! [`crate::ComponentEvent`] (generated from `spec/events/`), and
//! [`ComponentClient::handle_push`] acts on it: [`ComponentClient::store_verify_ticket`]
//! (`component_verify_ticket`), [`ComponentClient::authorized`] (`authorized`,
//! `updateauthorized`) or [`ComponentClient::unauthorized`] (`unauthorized`).

mod durable;
mod keys;
mod link;
mod push;
mod secret;
mod sources;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

pub use link::{AUTHORIZATION_PAGE, AuthorizableAccounts, authorization_url};
pub use push::{PushHandled, PushHandlingError};

use self::durable::SharedStore;
use self::keys::Keys;
use self::secret::ComponentSecret;
use self::sources::{
    AuthorizerSource, ComponentTokenSource, REFRESH_TOKEN, VERIFY_TICKET, store_failure,
};
use crate::client::DEFAULT_TIMEOUT;
use crate::error::{BuildError, Error};
use crate::token::{
    AccessToken, IssuedToken, MemoryStore, TokenCacheConfig, TokenError, TokenStore,
};
use crate::transport::Transport;
use crate::{
    ApiCreatePreauthcodeError, ApiCreatePreauthcodeRequest, ApiQueryAuthError, ApiQueryAuthRequest,
    Client, ClientBuilder, DEFAULT_BASE_URL,
};

/// How long WeChat accepts a `component_verify_ticket` after pushing it.
const VERIFY_TICKET_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// A merchant's authorization, as `api_query_auth` confirmed it (no token in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The merchant's (authorizer's) appid: pass it to [`ComponentClient::authorizer`].
    pub authorizer_appid: String,
    /// The permission sets granted (invoices need 26).
    pub permission_sets: Vec<i32>,
}

impl Authorization {
    /// Whether the invoice permission set (26) was granted.
    pub fn grants_invoices(&self) -> bool {
        self.permission_sets.contains(&26)
    }
}

/// Settings for a [`ComponentClient`].
#[must_use]
#[derive(Debug)]
pub struct ComponentClientBuilder {
    component_appid: String,
    secret: ComponentSecret,
    base_url: String,
    store: Option<Arc<dyn TokenStore>>,
    cache: TokenCacheConfig,
    timeout: Duration,
    transport: ClientBuilder,
}

impl ComponentClientBuilder {
    /// Where to send calls; default `https://api.weixin.qq.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Where every credential is kept: [`MemoryStore`] by default; a `RedisStore` (feature
    /// `redis`) shares them between processes and keeps refresh tokens across restarts (as
    /// durably as the Redis server is configured to).
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Timing of every token cache (platform and authorizers).
    pub fn token_cache(mut self, config: TokenCacheConfig) -> Self {
        self.cache = config;
        self
    }

    /// Limit of one attempt of any call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The HTTP transport of the platform, its token fetches and every merchant's client
    /// (one connection pool): `configure` gets a [`Client::builder`] and sets what a service
    /// needs on it, the same way as for a [`Client`]: [`ClientBuilder::proxy`],
    /// [`ClientBuilder::user_agent`], [`ClientBuilder::header`],
    /// [`ClientBuilder::add_root_certificate`], [`ClientBuilder::connect_timeout`],
    /// [`ClientBuilder::max_response_bytes`], or your own [`ClientBuilder::http_client`]. Its
    /// base URL, token and timeout are this builder's ([`Self::base_url`], [`Self::timeout`]).
    ///
    /// ```
    /// use wechat_invoice::component::ComponentClient;
    ///
    /// let platform = ComponentClient::builder("wxCOMPONENT_APPID", "COMPONENT_APPSECRET")
    ///     .transport(|http| http.user_agent("platform/1.0").header("x-team", "invoicing"))
    ///     .build()?;
    /// # Ok::<(), wechat_invoice::BuildError>(())
    /// ```
    pub fn transport(mut self, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        self.transport = configure(self.transport);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<ComponentClient, BuildError> {
        let store = self.store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
        let keys = Keys::new(&self.component_appid);
        // `api_component_token` takes no token: this client never sends its placeholder. It
        // is built like any `Client` (no redirects, no environment proxy, the connect timeout,
        // the body cap, the transport settings given), and its transport, the one connection
        // pool, is every other client's.
        let tokenless = self
            .transport
            .base_url(&self.base_url)
            .access_token("")
            .timeout(self.timeout)
            .build()?;
        let transport = tokenless.transport();
        let source = ComponentTokenSource {
            keys: keys.clone(),
            secret: self.secret,
            tokenless,
            store: store.clone(),
        };
        let platform = Client::builder()
            .shared_transport(transport.clone())
            .token_provider(source)
            .token_store(SharedStore(store.clone()))
            .token_cache(self.cache)
            .timeout(self.timeout)
            .build()?;
        Ok(ComponentClient {
            inner: Arc::new(Inner {
                keys,
                transport,
                store,
                cache: self.cache,
                timeout: self.timeout,
                platform,
                authorizers: Mutex::new(HashMap::new()),
            }),
        })
    }
}

/// A third-party platform: its own token, and a [`Client`] per merchant that authorized it.
/// Cheap to clone; clones share every cache. The platform, its token fetches and every
/// merchant's client send through one HTTP connection pool; each merchant keeps its own token
/// cache.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use wechat_invoice::component::ComponentClient;
///
/// let platform = ComponentClient::builder("wxCOMPONENT_APPID", "COMPONENT_APPSECRET").build()?;
/// // The push handler, on each `component_verify_ticket` push:
/// platform.store_verify_ticket("ticket@@@…").await?;
/// // A merchant's administrator opens this link and authorizes the platform:
/// let link = platform.authorization_link("https://platform.example/authorized").await?;
/// // The redirect (or the `authorized` push) brings the authorization code:
/// let authorization = platform.authorized("AUTH_CODE").await?;
/// // Invoice calls for that merchant, with its authorizer_access_token:
/// let merchant = platform.authorizer(&authorization.authorizer_appid)?;
/// # let _ = (link, merchant);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ComponentClient {
    inner: Arc<Inner>,
}

struct Inner {
    keys: Keys,
    /// The connection pool, base URL and body cap of every client below: one pool for the
    /// platform, its token fetches and every merchant.
    transport: Arc<Transport>,
    store: Arc<dyn TokenStore>,
    cache: TokenCacheConfig,
    timeout: Duration,
    /// Calls the platform's own interfaces with the `component_access_token`.
    platform: Client,
    /// One client per authorizer appid, so that its token is cached once in this process.
    authorizers: Mutex<HashMap<String, Client>>,
}

impl fmt::Debug for ComponentClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentClient")
            .field("component_appid", &self.inner.keys.component_appid)
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

impl ComponentClient {
    /// Starts a builder for the platform `component_appid` with its AppSecret (kept out of
    /// every `Debug`, log and store key).
    pub fn builder(
        component_appid: impl Into<String>,
        component_appsecret: impl Into<String>,
    ) -> ComponentClientBuilder {
        ComponentClientBuilder {
            component_appid: component_appid.into(),
            secret: ComponentSecret::new(component_appsecret),
            base_url: DEFAULT_BASE_URL.to_string(),
            store: None,
            cache: TokenCacheConfig::default(),
            timeout: DEFAULT_TIMEOUT,
            transport: Client::builder(),
        }
    }

    /// The platform's appid.
    pub fn component_appid(&self) -> &str {
        &self.inner.keys.component_appid
    }

    /// The client of the platform's own interfaces (`api_create_preauthcode`,
    /// `api_query_auth`, `api_get_authorizer_info`…): it sends the cached
    /// `component_access_token`.
    pub fn platform(&self) -> &Client {
        &self.inner.platform
    }

    /// Keeps the `component_verify_ticket` WeChat just pushed, in the store, so that any
    /// instance can fetch the platform's token with it. The push handler calls this for
    /// every `component_verify_ticket` event; an older ticket never replaces a newer one.
    pub async fn store_verify_ticket(&self, ticket: &str) -> Result<(), TokenError> {
        let appid = self.component_appid();
        if ticket.is_empty() {
            return Err(crate::credential::credential_missing(
                VERIFY_TICKET,
                appid,
                "the pushed ticket is empty",
            ));
        }
        let entry = IssuedToken::new(AccessToken::new(ticket), VERIFY_TICKET_LIFETIME);
        self.inner
            .store
            .put(&self.inner.keys.verify_ticket(), &entry)
            .await
            .map(|_| ())
            .map_err(|err| store_failure(VERIFY_TICKET, appid, err))
    }

    /// The link a merchant's administrator opens to authorize the platform (Official
    /// Accounts only), with a fresh pre-authorization code; see [`authorization_url`].
    pub async fn authorization_link(
        &self,
        redirect_uri: &str,
    ) -> Result<String, Error<ApiCreatePreauthcodeError>> {
        let request = ApiCreatePreauthcodeRequest {
            component_appid: self.component_appid().to_string(),
        };
        let answer = self.inner.platform.api_create_preauthcode(&request).await?;
        Ok(authorization_url(
            self.component_appid(),
            &answer.pre_auth_code,
            redirect_uri,
            Some(AuthorizableAccounts::OfficialAccounts),
        ))
    }

    /// A merchant authorized the platform (the redirect's `auth_code`, or the
    /// `AuthorizationCode` of an `authorized` / `updateauthorized` push): exchanges the code
    /// with `api_query_auth`, keeps the merchant's refresh token for good and its access token
    /// in the cache. Before this returns `Ok`, the refresh token is in the store.
    pub async fn authorized(
        &self,
        authorization_code: &str,
    ) -> Result<Authorization, Error<ApiQueryAuthError>> {
        let request = ApiQueryAuthRequest {
            component_appid: self.component_appid().to_string(),
            authorization_code: authorization_code.to_string(),
        };
        let info = self
            .inner
            .platform
            .api_query_auth(&request)
            .await?
            .authorization_info;
        let appid = info.authorizer_appid;
        let token_error = |source| Error::Token {
            endpoint: "api_query_auth",
            source,
        };
        let store = self.inner.store.as_ref();
        if let Some(refresh) = info
            .authorizer_refresh_token
            .filter(|refresh| !refresh.is_empty())
        {
            durable::save(store, &self.inner.keys.refresh_token(&appid), &refresh)
                .await
                .map_err(|err| token_error(store_failure(REFRESH_TOKEN, &appid, err)))?;
        }
        // A re-authorization replaces what this process cached for the merchant.
        self.forget_authorizer(&appid);
        if let Some(token) = info.authorizer_access_token.filter(|t| !t.is_empty())
            && let Some(seconds) = info.expires_in.and_then(|s| u64::try_from(s).ok())
        {
            let issued_at = SystemTime::now();
            let entry = IssuedToken {
                token: AccessToken::new(token),
                issued_at,
                expires_at: Some(issued_at + Duration::from_secs(seconds.min(24 * 3600))),
            };
            let key = self.inner.keys.authorizer_token(&appid);
            if let Err(err) = store.put(&key, &entry).await {
                // Not fatal: the refresh token is stored, the first call refreshes.
                tracing::warn!(authorizer = %appid, error = %err, "authorizer token not cached");
            }
        }
        let permission_sets = info
            .func_info
            .unwrap_or_default()
            .iter()
            .map(|set| set.funcscope_category.id)
            .collect();
        Ok(Authorization {
            authorizer_appid: appid,
            permission_sets,
        })
    }

    /// A merchant revoked the authorization (the `unauthorized` push): forgets its refresh
    /// token and access token in the store and in this process. Its later calls fail with a
    /// [`TokenError::Credential`] naming the missing refresh token; other instances find out
    /// when WeChat rejects the token they still hold.
    pub async fn unauthorized(&self, authorizer_appid: &str) -> Result<(), TokenError> {
        self.forget_authorizer(authorizer_appid);
        let store = self.inner.store.as_ref();
        let keys = &self.inner.keys;
        durable::remove(store, &keys.refresh_token(authorizer_appid))
            .await
            .map_err(|err| store_failure(REFRESH_TOKEN, authorizer_appid, err))?;
        durable::remove(store, &keys.authorizer_token(authorizer_appid))
            .await
            .map_err(|err| store_failure(sources::AUTHORIZER_TOKEN, authorizer_appid, err))?;
        Ok(())
    }

    /// Keeps a merchant's refresh token obtained elsewhere (a platform moving to this crate
    /// brings the refresh tokens it kept), for good, like [`Self::authorized`] does.
    pub async fn import_refresh_token(
        &self,
        authorizer_appid: &str,
        refresh_token: &str,
    ) -> Result<(), TokenError> {
        if refresh_token.is_empty() {
            return Err(crate::credential::credential_missing(
                REFRESH_TOKEN,
                authorizer_appid,
                "the refresh token is empty",
            ));
        }
        let key = self.inner.keys.refresh_token(authorizer_appid);
        durable::save(self.inner.store.as_ref(), &key, refresh_token)
            .await
            .map_err(|err| store_failure(REFRESH_TOKEN, authorizer_appid, err))
    }

    /// The client of a merchant that authorized the platform: every invoice call, unchanged,
    /// with the merchant's `authorizer_access_token`, cached in the shared store and refreshed
    /// with its stored refresh token. The same client (and cache) for the same appid.
    pub fn authorizer(&self, authorizer_appid: &str) -> Result<Client, BuildError> {
        let mut authorizers = self.authorizers();
        if let Some(client) = authorizers.get(authorizer_appid) {
            return Ok(client.clone());
        }
        let source = AuthorizerSource {
            keys: self.inner.keys.clone(),
            authorizer_appid: authorizer_appid.to_string(),
            account: self.inner.keys.authorizer_token(authorizer_appid),
            platform: self.inner.platform.clone(),
            store: self.inner.store.clone(),
        };
        let client = Client::builder()
            .shared_transport(self.inner.transport.clone())
            .token_provider(source)
            .token_store(SharedStore(self.inner.store.clone()))
            .token_cache(self.inner.cache)
            .timeout(self.inner.timeout)
            .build()?;
        authorizers.insert(authorizer_appid.to_string(), client.clone());
        Ok(client)
    }

    fn authorizers(&self) -> std::sync::MutexGuard<'_, HashMap<String, Client>> {
        self.inner
            .authorizers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn forget_authorizer(&self, authorizer_appid: &str) {
        self.authorizers().remove(authorizer_appid);
    }
}
