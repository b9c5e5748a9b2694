//! The client: one HTTP connection pool, one token source, one `send` for every endpoint, with
//! retries as the spec's error flags and the endpoint's idempotency allow.

use std::convert::Infallible;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use tracing::Instrument;

use crate::endpoint::{BodyKind, Endpoint, HttpMethod, Operation};
use crate::error::{ApiError, BuildError, DecodeKind, Error};
use crate::retry::{CallState, Decision, Fault, RetryPolicy};
use crate::token::{
    AccessToken, AppCredentials, AppSecret, AuthorizerToken, MemoryStore, TokenCache,
    TokenCacheConfig, TokenEndpoint, TokenError, TokenProvider, TokenStore,
};
use crate::transport::{Transport, TransportError};
use crate::types::FormValue;

/// WeChat's API host.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";
/// Default limit of a whole request, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit of connection set-up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// `Content-Type` of JSON requests.
const JSON_CONTENT_TYPE: reqwest::header::HeaderValue =
    reqwest::header::HeaderValue::from_static("application/json; charset=utf-8");
/// Default cap on a response body; invoice answers are a few kilobytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A client of WeChat's invoice API. Cheap to clone; clones share connections and tokens.
///
/// Every endpoint of `spec/` is a method (`client.get_auth_data(&request)`); all of them go
/// through [`Client::send`]. [`Client::with_timeout`] and [`Client::with_retry_policy`] give a
/// view of the same client with other limits for some calls.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    timeout: Duration,
    retry: RetryPolicy,
}

struct Inner {
    transport: Arc<Transport>,
    tokens: Tokens,
    /// The `wx_card` api_ticket, cached beside the token (see [`Client::card_ticket`]).
    card_ticket: crate::ticket::CardTicketCache,
}

/// Where calls get their token: a fixed one, or the cache in front of a provider.
enum Tokens {
    Fixed(AccessToken),
    Cached(Box<TokenCache>),
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tokens::Fixed(token) => f.debug_tuple("Fixed").field(token).finish(),
            Tokens::Cached(cache) => cache.fmt(f),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "base_url",
                &crate::redact::url(self.inner.transport.base_url().as_str()),
            )
            .field("tokens", &self.inner.tokens)
            .field(
                "max_response_bytes",
                &self.inner.transport.max_response_bytes(),
            )
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The credentials a builder was given.
#[derive(Debug)]
enum Credentials {
    Fixed(AccessToken),
    App { appid: String, secret: AppSecret },
    Provider(Arc<dyn TokenProvider>),
}

/// Settings for a [`Client`].
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    token_endpoint: TokenEndpoint,
    token_store: Option<Arc<dyn TokenStore>>,
    token_cache: TokenCacheConfig,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    proxies: Vec<reqwest::Proxy>,
    system_proxy: bool,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    root_certificates: Vec<reqwest::Certificate>,
    http_client: Option<reqwest::Client>,
    /// Another client's transport (connections, base URL, body cap), used as it is.
    transport: Option<Arc<Transport>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            credentials: None,
            token_endpoint: TokenEndpoint::default(),
            token_store: None,
            token_cache: TokenCacheConfig::default(),
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            proxies: Vec::new(),
            system_proxy: false,
            user_agent: None,
            headers: Vec::new(),
            root_certificates: Vec::new(),
            http_client: None,
            transport: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &crate::redact::url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("token_endpoint", &self.token_endpoint)
            .field("token_store", &self.token_store)
            .field("token_cache", &self.token_cache)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("proxies", &self.proxies.len())
            .field("system_proxy", &self.system_proxy)
            .field("own_http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Where to send calls, token requests included; default `https://api.weixin.qq.com`.
    /// Plain `http` is accepted for loopback addresses (tests, the mock server) or with
    /// [`Self::allow_insecure_http`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A fixed access token; the caller refreshes it elsewhere. No cache, no refresh: a
    /// rejected token fails the call.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Fixed(AccessToken::new(token)));
        self
    }

    /// The official account's appid and app secret: the client fetches tokens itself, from
    /// `POST /cgi-bin/stable_token` unless [`Self::token_endpoint`] says otherwise, caches
    /// them in the [`Self::token_store`] (in memory by default) and refreshes them ahead of
    /// expiry. The secret is kept in an [`AppSecret`] and never logged.
    pub fn app_credentials(mut self, appid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::App {
            appid: appid.into(),
            secret: AppSecret::new(secret),
        });
        self
    }

    /// Which interface app credentials fetch tokens from (default [`TokenEndpoint::Stable`]).
    pub fn token_endpoint(mut self, endpoint: TokenEndpoint) -> Self {
        self.token_endpoint = endpoint;
        self
    }

    /// A third-party platform's authorizer token, from the platform's own refresher (see
    /// [`AuthorizerToken`]); cached like app credentials.
    pub fn authorizer_token(mut self, provider: AuthorizerToken) -> Self {
        self.credentials = Some(Credentials::Provider(Arc::new(provider)));
        self
    }

    /// Any token provider, behind the token cache.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.credentials = Some(Credentials::Provider(Arc::new(provider)));
        self
    }

    /// Where cached tokens are kept and shared: [`MemoryStore`] by default; a `RedisStore`
    /// (feature `redis`) makes processes that share an appid share one token and one refresh.
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.token_store = Some(Arc::new(store));
        self
    }

    /// Timing of the token cache: refresh margin, fetch, store and lock limits.
    pub fn token_cache(mut self, config: TokenCacheConfig) -> Self {
        self.token_cache = config;
        self
    }

    /// How failed calls are retried (see [`RetryPolicy`]); [`RetryPolicy::none`] turns it off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limit of one attempt, from connecting to the last byte of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit of connection set-up.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted; a longer one is [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows plain `http` to non-loopback hosts (a trusted internal proxy, say).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends calls and token requests through `proxy` (several: the first that matches). A
    /// proxy sees every request, `?access_token=…` and the classic token request's `secret=…`
    /// included, and its answers are believed: use only one you trust, over `https` where you
    /// can. Loopback base URLs never go through a proxy. Without this or
    /// [`Self::system_proxy`], no proxy is used, whatever the environment says.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxies.push(proxy);
        self
    }

    /// Whether to use the environment's proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    /// `NO_PROXY`, lower case too); default `false`, because such a proxy would see the access
    /// token and the app secret (see [`Self::proxy`]). Loopback base URLs never go through a
    /// proxy; proxies given with [`Self::proxy`] replace the environment's.
    pub fn system_proxy(mut self, use_environment: bool) -> Self {
        self.system_proxy = use_environment;
        self
    }

    /// The `User-Agent` header of every request (default: reqwest's, none).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request (a gateway's routing or tracing header, say). A name
    /// or value that is not valid in HTTP fails [`Self::build`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Trusts `certificate` as a TLS root besides the built-in ones (a TLS-inspecting gateway
    /// of your own, say).
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Sends every request through your own `reqwest::Client`, configured as you like
    /// (middleware-like connectors, TLS, pools). Its settings then rule: give it
    /// `redirect(Policy::none())` (a redirect would carry the token to another host) and no
    /// proxy you do not trust; [`Self::proxy`], [`Self::system_proxy`], [`Self::user_agent`],
    /// [`Self::header`], [`Self::add_root_certificate`] and [`Self::connect_timeout`] are not
    /// applied to it. The per-attempt [`Self::timeout`] and the body cap still are.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Sends every request through `transport`, another client's (see
    /// [`Client::transport`]): its connections, base URL and body cap; the settings that
    /// build a transport (base URL, HTTP client, proxies, headers, body cap…) are then unused.
    pub(crate) fn shared_transport(mut self, transport: Arc<Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The HTTP client from the settings: no redirects, a proxy only when asked for and never
    /// for loopback.
    fn http(&mut self, base_url: &Url) -> Result<reqwest::Client, BuildError> {
        if let Some(client) = self.http_client.take() {
            return Ok(client);
        }
        let failed = |what: String| BuildError::Http(crate::redact::scrub(&what));
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(base_url) || (self.proxies.is_empty() && !self.system_proxy) {
            builder = builder.no_proxy();
        } else {
            for proxy in self.proxies.drain(..) {
                builder = builder.proxy(proxy);
            }
        }
        if let Some(agent) = &self.user_agent {
            builder = builder.user_agent(agent.as_str());
        }
        if !self.headers.is_empty() {
            let mut headers = reqwest::header::HeaderMap::new();
            for (name, value) in &self.headers {
                let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| failed(format!("`{name}` is not a valid header name")))?;
                let value = reqwest::header::HeaderValue::from_str(value)
                    .map_err(|_| failed(format!("the value of header `{name}` is not valid")))?;
                headers.append(name, value);
            }
            builder = builder.default_headers(headers);
        }
        for certificate in self.root_certificates.drain(..) {
            builder = builder.add_root_certificate(certificate);
        }
        builder.build().map_err(|err| failed(err.to_string()))
    }

    /// Checks the settings and builds the client.
    pub fn build(mut self) -> Result<Client, BuildError> {
        let credentials = self
            .credentials
            .take()
            .ok_or(BuildError::MissingCredentials)?;
        let transport = match self.transport.take() {
            Some(transport) => transport,
            None => {
                let base_url = parse_base_url(&self.base_url, self.allow_insecure_http)?;
                let http = self.http(&base_url)?;
                Arc::new(Transport::new(http, base_url, self.max_response_bytes))
            }
        };
        let store = self.token_store.take();
        let config = self.token_cache;
        let cached = |provider: Arc<dyn TokenProvider>| {
            let store = store.unwrap_or_else(|| Arc::new(MemoryStore::new()));
            Tokens::Cached(Box::new(TokenCache::new(provider, store, config)))
        };
        let tokens = match credentials {
            Credentials::Fixed(token) => Tokens::Fixed(token),
            Credentials::App { appid, secret } => cached(Arc::new(AppCredentials::new(
                appid,
                secret,
                self.token_endpoint,
                transport.clone(),
                config.get_fetch_timeout(),
            ))),
            Credentials::Provider(provider) => cached(provider),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                tokens,
                card_ticket: crate::ticket::CardTicketCache::default(),
            }),
            timeout: self.timeout,
            retry: self.retry,
        })
    }
}

fn parse_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, BuildError> {
    // Errors print the URL without user name, password, query or fragment.
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: crate::redact::url(text),
        reason: reason.to_string(),
    };
    let url = Url::parse(text).map_err(|err| invalid(&err.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(BuildError::InsecureBaseUrl {
            url: crate::redact::url(text),
        }),
        _ => Err(invalid("the scheme must be http or https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// What an attempt's error is: the typed error the endpoint's half of the call keeps (an
/// answer it decoded), or an error that does not depend on the endpoint.
enum Failed {
    /// The error is kept by the [`Typed`] half of the call.
    Kept,
    /// An error no answer gave (timeout, transport, token, encoding).
    Other(Error<Infallible>),
}

/// A failed attempt: the error for the caller, what it means for retrying, and the answer's
/// body (secrets hidden) when one arrived.
struct Failure {
    error: Failed,
    fault: Fault,
    body: Option<Vec<u8>>,
}

impl Failure {
    fn new(error: Error<Infallible>, fault: Fault) -> Self {
        Self {
            error: Failed::Other(error),
            fault,
            body: None,
        }
    }
}

/// A call's answer body when it decoded, or its error with the body of the answer that failed;
/// the typed value is kept by the call's [`Typed`] half.
type Untyped = Result<Vec<u8>, (Failed, Option<Vec<u8>>)>;

/// A call's typed answer with its body, or its error with the body of the answer that failed.
type Outcome<O> = Result<
    (<O as Operation>::Response, Vec<u8>),
    (Error<<O as Operation>::Error>, Option<Vec<u8>>),
>;

/// The endpoint-specific half of a call: encoding the request and decoding the answer. It is
/// used through `dyn`, so that the retry loop, the attempt and the exchange (async state
/// machines, the largest code of the crate) are compiled once instead of once per endpoint.
trait Typed: Send {
    /// The JSON body of a JSON endpoint (encoded anew for each retry); `None` for the others.
    fn json(&self) -> Result<Option<Vec<u8>>, Error<Infallible>>;
    /// The parts of a multipart endpoint.
    fn form(&self) -> Result<reqwest::multipart::Form, String>;
    /// Decodes an answer and keeps the typed response or error; on an error, what it means
    /// for retrying.
    fn decode(&mut self, status: u16, body: &[u8], secret: &str) -> Result<(), Fault>;
    /// The kept error's `errcode`, when it is WeChat's.
    fn errcode(&self) -> Option<i64>;
    /// The kept error, for the logs.
    fn kept_error(&self) -> Option<&dyn fmt::Display>;
}

/// [`Typed`] for operation `O`: the request, and the last decoded answer.
struct TypedCall<'a, O: Operation> {
    request: &'a O,
    kept: Option<Result<O::Response, Error<O::Error>>>,
}

impl<O: Operation> Typed for TypedCall<'_, O> {
    fn json(&self) -> Result<Option<Vec<u8>>, Error<Infallible>> {
        encode_json(self.request)
    }

    fn form(&self) -> Result<reqwest::multipart::Form, String> {
        multipart_body(self.request.form())
    }

    fn decode(&mut self, status: u16, body: &[u8], secret: &str) -> Result<(), Fault> {
        let decoded = crate::wire::decode_hiding(O::ENDPOINT.name, status, body, secret);
        let fault = decoded.as_ref().err().map(fault_of);
        self.kept = Some(decoded);
        fault.map_or(Ok(()), Err)
    }

    fn errcode(&self) -> Option<i64> {
        match &self.kept {
            Some(Err(Error::Api(err))) => Some(err.code()),
            _ => None,
        }
    }

    fn kept_error(&self) -> Option<&dyn fmt::Display> {
        match &self.kept {
            Some(Err(err)) => Some(err),
            _ => None,
        }
    }
}

impl<O: Operation> TypedCall<'_, O> {
    /// The typed outcome of the call the untyped core made.
    fn finish(self, untyped: Untyped) -> Outcome<O> {
        match (untyped, self.kept) {
            (Ok(body), Some(Ok(response))) => Ok((response, body)),
            (Err((Failed::Kept, body)), Some(Err(error))) => Err((error, body)),
            (Err((Failed::Other(error), body)), _) => Err((widen(error), body)),
            // The core reports a decoded answer only right after `decode` kept it, so this arm
            // is never taken; it is answered with an error rather than a panic.
            (Ok(_) | Err((Failed::Kept, _)), _) => Err((
                Error::Decode {
                    endpoint: O::ENDPOINT.name,
                    kind: DecodeKind::UnexpectedShape,
                    detail: "no decoded answer was kept".to_string(),
                    body: String::new(),
                },
                None,
            )),
        }
    }
}

/// An error that no endpoint's error type appears in, as any endpoint's error.
fn widen<E>(error: Error<Infallible>) -> Error<E> {
    error.map_api(|never| match never {})
}

/// The kept error or the other one, for the logs.
fn shown<'a>(failure: &'a Failure, typed: &'a dyn Typed) -> &'a dyn fmt::Display {
    match &failure.error {
        Failed::Other(error) => error,
        Failed::Kept => typed
            .kept_error()
            .unwrap_or(&"an answer that failed to decode"),
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url().as_str()
    }

    /// This client's transport (its connection pool), for other clients to share through
    /// [`ClientBuilder::shared_transport`].
    pub(crate) fn transport(&self) -> Arc<Transport> {
        self.inner.transport.clone()
    }

    /// This client with another limit per attempt, for the calls made through the returned
    /// value (connections and tokens are shared). The retry policy's total deadline still
    /// bounds the call.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client {
            timeout,
            ..self.clone()
        }
    }

    /// This client with another retry policy, for the calls made through the returned value.
    /// The endpoint's idempotency rules stay: a call that is not idempotent is still never
    /// repeated after it may have reached WeChat, whatever the policy.
    #[must_use]
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        Client {
            retry: policy,
            ..self.clone()
        }
    }

    /// The access token calls use now, fetched if none is cached: for WeChat interfaces this
    /// crate does not cover yet. Never log it.
    pub async fn access_token(&self) -> Result<AccessToken, TokenError> {
        match &self.inner.tokens {
            Tokens::Fixed(token) => Ok(token.clone()),
            Tokens::Cached(cache) => cache.token().await,
        }
    }

    /// The card-ticket cache, and the token cache whose account and store it shares (`None`
    /// for a fixed token).
    pub(crate) fn card_ticket_cache(
        &self,
    ) -> (&crate::ticket::CardTicketCache, Option<&TokenCache>) {
        let tokens = match &self.inner.tokens {
            Tokens::Fixed(_) => None,
            Tokens::Cached(cache) => Some(cache.as_ref()),
        };
        (&self.inner.card_ticket, tokens)
    }

    /// Tells the client that WeChat rejected `token` (40001, 40014, 42001) in a call made
    /// outside this crate: the cache forgets it if it is still the current token.
    pub async fn invalidate_access_token(&self, token: &AccessToken) {
        if let Tokens::Cached(cache) = &self.inner.tokens {
            cache.invalidate(token).await;
        }
    }

    /// Sends any endpoint's request; the generated methods call this.
    ///
    /// A call is one `wechat_invoice.call` tracing span (`endpoint`, `attempts`, `errcode`,
    /// `latency_ms`) with a `wechat_invoice.attempt` span per attempt (`attempt`, `errcode`,
    /// `latency_ms`); no field holds a token or secret.
    pub async fn send<O: Operation>(&self, request: &O) -> Result<O::Response, Error<O::Error>> {
        match self.send_keeping_body(request).await {
            Ok((response, _)) => Ok(response),
            Err((error, _)) => Err(error),
        }
    }

    /// Sends like [`Client::send`] and keeps the answer's body beside the typed value, so
    /// every field WeChat sent is reachable, those the spec does not know included
    /// ([`WithRaw::unknown_fields`](crate::WithRaw::unknown_fields)). On failure the
    /// [`RawError`](crate::RawError) holds the body of the answer that failed, secrets hidden;
    /// `?` turns it into the plain [`Error`]. Same request, same retries, no second call;
    /// [`Client::send`] pays nothing for this.
    ///
    /// ```no_run
    /// # async fn run(client: wechat_invoice::Client) -> Result<(), wechat_invoice::Error<wechat_invoice::GetAuthDataError>> {
    /// use wechat_invoice::GetAuthDataRequest;
    ///
    /// let request = GetAuthDataRequest { s_pappid: "wx123".into(), order_id: "42".into() };
    /// let answer = client.send_raw(&request).await?;
    /// println!("status {:?}", answer.invoice_status); // the typed field
    /// for field in answer.unknown_fields() {
    ///     println!("not in the spec: {} = {}", field.pointer, field.value);
    /// }
    /// let raw_json = answer.raw().to_value();
    /// # let _ = raw_json;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_raw<O: Operation>(
        &self,
        request: &O,
    ) -> Result<crate::WithRaw<O::Response>, crate::RawError<O::Error>> {
        use crate::raw::{RawBody, RawError, WithRaw};
        match self.send_keeping_body(request).await {
            Ok((response, body)) => Ok(WithRaw::new(response, RawBody::new(body))),
            Err((error, body)) => Err(RawError::new(error, body.map(RawBody::new))),
        }
    }

    /// The call behind [`Client::send`] and [`Client::send_raw`]: the body comes back with the
    /// outcome, moved, never copied. Only encoding and decoding are compiled per endpoint; the
    /// rest is [`Client::call_untyped`].
    async fn send_keeping_body<O: Operation>(&self, request: &O) -> Outcome<O> {
        let endpoint = O::ENDPOINT;
        let mut typed = TypedCall {
            request,
            kept: None,
        };
        let untyped = self.call_untyped(&endpoint, &mut typed).await;
        typed.finish(untyped)
    }

    /// One call of any endpoint, in its `wechat_invoice.call` span.
    async fn call_untyped(&self, endpoint: &Endpoint, typed: &mut dyn Typed) -> Untyped {
        let span = tracing::debug_span!(
            "wechat_invoice.call",
            endpoint = endpoint.name,
            path = endpoint.path,
            idempotent = endpoint.idempotent,
            attempts = tracing::field::Empty,
            errcode = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async move {
            let started = Instant::now();
            let (outcome, attempts) = self.call(endpoint, &mut *typed, started).await;
            let span = tracing::Span::current();
            if span.is_disabled() {
                return outcome;
            }
            span.record("attempts", attempts);
            span.record("latency_ms", elapsed_ms(started));
            match &outcome {
                Ok(_) => {
                    span.record("errcode", 0);
                    tracing::debug!("call succeeded");
                }
                Err((Failed::Kept, _)) if typed.errcode().is_some() => {
                    let errcode = typed.errcode().unwrap_or_default();
                    span.record("errcode", errcode);
                    tracing::debug!(errcode, "WeChat answered with an error");
                }
                Err((Failed::Kept, _)) => match typed.kept_error() {
                    Some(error) => tracing::debug!(error = %error, "call failed"),
                    None => tracing::debug!("call failed"),
                },
                Err((Failed::Other(error), _)) => tracing::debug!(error = %error, "call failed"),
            }
            outcome
        }
        .instrument(span)
        .await
    }

    /// The attempts of one call, as the retry policy decides; the result and how many
    /// attempts were sent.
    async fn call(
        &self,
        endpoint: &Endpoint,
        typed: &mut dyn Typed,
        started: Instant,
    ) -> (Untyped, u32) {
        let policy = self.retry;
        // Encoded once up front (so a request that cannot be encoded is never sent); the
        // first attempt takes the bytes, a retry encodes them again.
        let mut body = match typed.json() {
            Ok(body) => body,
            Err(err) => return (Err((Failed::Other(err), None)), 0),
        };
        let mut attempts = 0u32;
        let mut rejected: Option<(AccessToken, Failure)> = None;
        let mut token_refreshed = false;
        loop {
            let token = match self.token_for(endpoint).await {
                Ok(token) => token,
                Err(err) => return (Err((Failed::Other(err), None)), attempts),
            };
            if let Some((stale, failure)) = rejected.take()
                && token.as_ref() == Some(&stale)
            {
                tracing::debug!("no fresher token to retry with");
                return (Err((failure.error, failure.body)), attempts);
            }
            attempts += 1;
            let deadline = policy.get_total_deadline();
            let remaining = deadline.saturating_sub(started.elapsed());
            let span = tracing::debug_span!(
                "wechat_invoice.attempt",
                endpoint = endpoint.name,
                attempt = attempts,
                errcode = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let failure = match self
                .attempt(
                    endpoint,
                    &mut *typed,
                    body.take(),
                    token.as_ref(),
                    remaining,
                )
                .instrument(span)
                .await
            {
                Ok(response) => return (Ok(response), attempts),
                Err(failure) => failure,
            };
            let state = CallState {
                attempts,
                elapsed: started.elapsed(),
                idempotent: endpoint.idempotent,
                token_refreshed,
            };
            match policy.decide(failure.fault, &state, fastrand::f64()) {
                Decision::Stop => return (Err((failure.error, failure.body)), attempts),
                Decision::Retry { after } => {
                    tracing::debug!(
                        attempt = attempts,
                        delay_ms = u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
                        error = %shown(&failure, &*typed),
                        "retrying"
                    );
                    tokio::time::sleep(after).await;
                }
                Decision::RefreshToken => {
                    let Some(stale) = token else {
                        return (Err((failure.error, failure.body)), attempts);
                    };
                    tracing::debug!(
                        attempt = attempts,
                        "token rejected; retrying once with a fresh one"
                    );
                    self.invalidate_access_token(&stale).await;
                    token_refreshed = true;
                    rejected = Some((stale, failure));
                }
            }
        }
    }

    async fn token_for(
        &self,
        endpoint: &Endpoint,
    ) -> Result<Option<AccessToken>, Error<Infallible>> {
        if !endpoint.needs_token {
            return Ok(None);
        }
        self.access_token()
            .await
            .map(Some)
            .map_err(|source| Error::Token {
                endpoint: endpoint.name,
                source,
            })
    }

    /// One HTTP exchange, limited to `remaining` of the call's deadline.
    async fn attempt(
        &self,
        endpoint: &Endpoint,
        typed: &mut dyn Typed,
        json: Option<Vec<u8>>,
        token: Option<&AccessToken>,
        remaining: Duration,
    ) -> Result<Vec<u8>, Failure> {
        let span = tracing::Span::current();
        if span.is_disabled() {
            return self
                .exchange(endpoint, &mut *typed, json, token, remaining)
                .await;
        }
        let started = Instant::now();
        let outcome = self
            .exchange(endpoint, &mut *typed, json, token, remaining)
            .await;
        span.record("latency_ms", elapsed_ms(started));
        match &outcome {
            Ok(_) => {
                span.record("errcode", 0);
            }
            Err(failure) => match (&failure.error, typed.errcode()) {
                (Failed::Kept, Some(errcode)) => {
                    span.record("errcode", errcode);
                }
                _ => tracing::debug!(error = %shown(failure, &*typed), "attempt failed"),
            },
        }
        outcome
    }

    async fn exchange(
        &self,
        endpoint: &Endpoint,
        typed: &mut dyn Typed,
        json: Option<Vec<u8>>,
        token: Option<&AccessToken>,
        remaining: Duration,
    ) -> Result<Vec<u8>, Failure> {
        let secret = token.map_or("", AccessToken::secret);
        let transport = &self.inner.transport;
        let token_pair = token.map(|token| (endpoint.token_query, token.secret()));
        let url = transport.url(
            endpoint.path,
            token_pair.into_iter().chain(endpoint.query.iter().copied()),
        );
        let builder = transport.request(endpoint.method == HttpMethod::Post, url);
        let builder = match endpoint.body {
            BodyKind::Json => {
                let json = match json {
                    Some(json) => json,
                    None => typed
                        .json()
                        .map_err(|error| Failure::new(error, Fault::Permanent))?
                        .unwrap_or_default(),
                };
                builder
                    .header(reqwest::header::CONTENT_TYPE, JSON_CONTENT_TYPE)
                    .body(json)
            }
            BodyKind::Multipart => {
                let form = typed.form().map_err(|detail| {
                    let error = Error::Encode {
                        endpoint: endpoint.name,
                        detail,
                    };
                    Failure::new(error, Fault::Permanent)
                })?;
                builder.multipart(form)
            }
            BodyKind::None => builder,
        };
        let (status, body) = transport
            .exchange(builder, self.timeout.min(remaining), secret)
            .await
            .map_err(|err| transport_failure(endpoint.name, err))?;
        match typed.decode(status, &body, secret) {
            Ok(()) => Ok(body),
            Err(fault) => {
                let body = crate::redact::scrub_value(&String::from_utf8_lossy(&body), secret);
                Err(Failure {
                    error: Failed::Kept,
                    fault,
                    body: Some(body.into_bytes()),
                })
            }
        }
    }
}

/// A transport failure as the caller's error and what it means for retrying.
fn transport_failure(endpoint: &'static str, err: TransportError) -> Failure {
    match err {
        TransportError::Timeout => Failure::new(Error::Timeout { endpoint }, Fault::Transient),
        TransportError::Failed { message, not_sent } => {
            let fault = if not_sent {
                Fault::NotSent
            } else {
                Fault::Transient
            };
            Failure::new(Error::Transport { endpoint, message }, fault)
        }
        TransportError::TooLarge { limit } => {
            Failure::new(Error::BodyTooLarge { endpoint, limit }, Fault::Permanent)
        }
    }
}

/// The JSON body of a JSON endpoint; `None` for other endpoints.
fn encode_json<O: Operation>(request: &O) -> Result<Option<Vec<u8>>, Error<Infallible>> {
    if O::ENDPOINT.body != BodyKind::Json {
        return Ok(None);
    }
    request
        .to_json_body()
        .map(Some)
        .map_err(|err| Error::Encode {
            endpoint: O::ENDPOINT.name,
            detail: err.to_string(),
        })
}

/// What a decoded answer's error means for retrying.
fn fault_of<E: ApiError>(error: &Error<E>) -> Fault {
    match error {
        Error::Api(err) => Fault::Api {
            retryable: err.is_retryable(),
            may_have_succeeded: err.may_have_succeeded(),
            token_invalid: err.is_token_invalid(),
        },
        Error::HttpStatus { status, .. } if *status >= 500 || *status == 429 => Fault::Transient,
        Error::Decode { kind, .. } if *kind != DecodeKind::UnexpectedShape => Fault::Transient,
        _ => Fault::Permanent,
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn multipart_body(
    parts: Vec<(&'static str, FormValue<'_>)>,
) -> Result<reqwest::multipart::Form, String> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in parts {
        let part = match value {
            FormValue::Text(text) => reqwest::multipart::Part::text(text),
            FormValue::File(file) => reqwest::multipart::Part::bytes(file.bytes.clone())
                .file_name(file.file_name.clone())
                .mime_str(&file.content_type)
                .map_err(|_| {
                    format!("part `{name}`: `{}` is not a media type", file.content_type)
                })?,
        };
        form = form.part(name, part);
    }
    Ok(form)
}
