//! Third-party platforms over real HTTP against the spec-driven mock: the platform's token from
//! the pushed verify ticket, a merchant's authorization, invoice calls with the merchant's
//! token, the refresh token written back before the new token is used, and the faults (no
//! ticket, a rejected refresh token, a revoked authorization, a store that refuses the write).
//! The mock pushes the encrypted `component_verify_ticket`, `authorized` and `unauthorized` to
//! the platform's own loopback endpoint (`Receiver::receive_component`, then
//! `ComponentClient::handle_push`).
//! With Redis: several processes make one component-token fetch (with the one pushed ticket)
//! and one refresh per merchant, refresh tokens survive a restart of the processes and of
//! Redis, a platform rebuilt on the same Redis after its tokens expired needs neither a new
//! ticket push nor a new authorization, and Redis down during a refresh is a typed error
//! without a fetch.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde_json::Value;
use wechat_invoice::component::{ComponentClient, PushHandled};
use wechat_invoice::push::{Deduplicator, MemoryDedupStore, PushConfig, Receiver, SUCCESS};
use wechat_invoice::{
    AccessToken, Client, Error, GetAuthDataRequest, IssuedToken, MemoryStore, StoreFuture,
    TokenError, TokenStore,
};
use wechat_invoice_mock::{MockServer, PushTarget, Reply};

#[cfg(feature = "redis")]
mod support;

const COMPONENT_APPID: &str = "wx-component-appid";
const COMPONENT_SECRET: &str = "COMPONENT-SECRET-5e1f";
/// The merchant of the spec's `api_query_auth` example.
const MERCHANT: &str = "wxf8b4f85f3a794e77";
/// Its refresh token in that example.
const EXAMPLE_REFRESH: &str = "dTo-YCXPL4llX-u1W1pPpnp8Hgm4wpJtlR6iV0doKdY";

/// The platform's push settings (token, EncodingAESKey) on WeChat's side and its own.
const PUSH_TOKEN: &str = "platformPUSHtoken";
const PUSH_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fn push_settings() -> PushConfig {
    PushConfig::new(PUSH_TOKEN)
        .encoding_aes_key(PUSH_KEY)
        .appid(COMPONENT_APPID)
}

/// The platform's authorization-event endpoint: what it did with each push, in order.
#[derive(Clone)]
struct PlatformEndpoint {
    platform: ComponentClient,
    receiver: Arc<Receiver>,
    dedup: Deduplicator,
    handled: Arc<Mutex<Vec<Result<PushHandled, String>>>>,
}

/// Verifies, decrypts and decodes the push, handles it once, answers `success` (or an error,
/// so that WeChat sends it again).
async fn authorization_events(
    State(endpoint): State<PlatformEndpoint>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> (StatusCode, String) {
    let push = match endpoint
        .receiver
        .receive_component(query.as_deref().unwrap_or_default(), &body)
    {
        Ok(push) => push,
        Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()),
    };
    match endpoint.dedup.first_component_delivery(&push).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::OK, SUCCESS.to_string()),
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
    }
    let outcome = endpoint
        .platform
        .handle_push(&push)
        .await
        .map_err(|err| err.to_string());
    let answer = match &outcome {
        Ok(_) => (StatusCode::OK, SUCCESS.to_string()),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.clone()),
    };
    endpoint.handled.lock().unwrap().push(outcome);
    answer
}

/// Starts the platform's endpoint on loopback; its URL and what it handled.
async fn start_endpoint(
    platform: &ComponentClient,
) -> (String, Arc<Mutex<Vec<Result<PushHandled, String>>>>) {
    let handled = Arc::new(Mutex::new(Vec::new()));
    let endpoint = PlatformEndpoint {
        platform: platform.clone(),
        receiver: Arc::new(Receiver::new(push_settings()).expect("settings")),
        dedup: Deduplicator::new(MemoryDedupStore::new()),
        handled: handled.clone(),
    };
    let app = axum::Router::new()
        .route(
            "/wechat/authorization",
            axum::routing::post(authorization_events),
        )
        .with_state(endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{address}/wechat/authorization");
    (url, handled)
}

/// Where the mock pushes the platform's events: encrypted, with the platform's appid.
fn push_target(url: &str) -> PushTarget {
    PushTarget::new(url, push_settings())
        .component_appid(COMPONENT_APPID)
        .retry_wait(Duration::from_secs(2))
}

fn platform(server: &MockServer, store: impl TokenStore) -> ComponentClient {
    ComponentClient::builder(COMPONENT_APPID, COMPONENT_SECRET)
        .base_url(server.base_url())
        .token_store(store)
        .build()
        .expect("builds")
}

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

/// A field of the spec example's success answer of `endpoint`.
fn example(server: &MockServer, endpoint: &str, pointer: &str) -> String {
    let spec = server
        .api()
        .endpoints
        .iter()
        .find(|e| e.name == endpoint)
        .expect("in spec");
    wechat_invoice_mock::success_example(spec)
        .pointer(pointer)
        .and_then(Value::as_str)
        .expect("a string")
        .to_string()
}

/// The JSON body field `field` of every `endpoint` request.
fn sent(server: &MockServer, endpoint: &str, field: &str) -> Vec<String> {
    server
        .deliveries()
        .iter()
        .filter(|d| d.endpoint == endpoint)
        .map(|d| {
            let body: Value = serde_json::from_slice(&d.request.body).unwrap_or(Value::Null);
            body[field].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

/// The query parameter `name` of every `endpoint` request.
fn sent_query(server: &MockServer, endpoint: &str, name: &str) -> Vec<String> {
    server
        .deliveries()
        .iter()
        .filter(|d| d.endpoint == endpoint)
        .map(|d| d.request.query_param(name).unwrap_or_default().to_string())
        .collect()
}

fn credential_of(err: &Error<impl std::fmt::Debug>) -> (&'static str, String, Option<i64>) {
    match err {
        Error::Token {
            source:
                TokenError::Credential {
                    credential,
                    account,
                    code,
                    ..
                },
            ..
        } => (credential, account.clone(), *code),
        other => panic!("expected a credential error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_merchant_authorizes_and_the_platform_issues_its_invoices() {
    let server = MockServer::start().await.expect("mock");
    let platform = platform(&server, MemoryStore::new());
    platform
        .store_verify_ticket("ticket@@@pushed")
        .await
        .expect("kept");

    let link = platform
        .authorization_link("https://platform.example/authorized?merchant=7")
        .await
        .expect("link");
    let code = example(&server, "api_create_preauthcode", "/pre_auth_code");
    assert_eq!(
        link,
        wechat_invoice::component::authorization_url(
            COMPONENT_APPID,
            &code,
            "https://platform.example/authorized?merchant=7",
            Some(wechat_invoice::component::AuthorizableAccounts::OfficialAccounts),
        )
    );
    assert!(
        link.contains("redirect_uri=https%3A%2F%2Fplatform.example%2Fauthorized%3Fmerchant%3D7"),
        "{link}"
    );

    let authorization = platform
        .authorized("auth_code_value")
        .await
        .expect("exchanged");
    assert_eq!(authorization.authorizer_appid, MERCHANT);
    assert!(authorization.grants_invoices(), "{authorization:?}");

    let merchant = platform.authorizer(MERCHANT).expect("client");
    merchant
        .get_auth_data(&request())
        .await
        .expect("invoice call");
    merchant
        .get_auth_data(&request())
        .await
        .expect("invoice call");

    // The platform's token: fetched once, with the pushed ticket and the secret in the body,
    // sent as ?component_access_token= on its own interfaces.
    assert_eq!(server.delivery_count("api_component_token"), 1);
    assert_eq!(
        sent(&server, "api_component_token", "component_verify_ticket"),
        ["ticket@@@pushed"]
    );
    let component_token = example(&server, "api_component_token", "/component_access_token");
    assert_eq!(
        sent_query(&server, "api_query_auth", "component_access_token"),
        [component_token.as_str()]
    );
    assert_eq!(sent_query(&server, "api_query_auth", "access_token"), [""]);
    // The merchant's calls carry the token api_query_auth gave: no refresh needed.
    let merchant_token = example(
        &server,
        "api_query_auth",
        "/authorization_info/authorizer_access_token",
    );
    assert_eq!(
        sent_query(&server, "get_auth_data", "access_token"),
        [merchant_token.clone(), merchant_token]
    );
    assert_eq!(server.delivery_count("api_authorizer_token"), 0);
    // No secret in any Debug.
    let shown = format!("{platform:?} {merchant:?}");
    assert!(!shown.contains(COMPONENT_SECRET), "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_bring_the_ticket_an_authorization_and_its_revocation() {
    let server = MockServer::start().await.expect("mock");
    let platform = platform(&server, MemoryStore::new());
    let (url, handled) = start_endpoint(&platform).await;
    let target = push_target(&url);

    let report = server
        .push_verify_ticket(&target, "ticket@@@pushed-by-wechat")
        .await
        .expect("pushed");
    assert!(report.acknowledged(), "{report:?}");
    let report = server
        .push_authorized(&target, MERCHANT, "auth_code_value")
        .await
        .expect("pushed");
    assert!(report.acknowledged(), "{report:?}");
    {
        let handled = handled.lock().unwrap();
        assert_eq!(handled.len(), 2, "{handled:?}");
        assert_eq!(handled[0], Ok(PushHandled::VerifyTicketStored));
        let Ok(PushHandled::Authorized(authorization)) = &handled[1] else {
            panic!("{handled:?}")
        };
        assert_eq!(authorization.authorizer_appid, MERCHANT);
        assert!(authorization.grants_invoices());
    }
    // The pushed ticket bought the platform's token; the pushed code was exchanged.
    assert_eq!(
        sent(&server, "api_component_token", "component_verify_ticket"),
        ["ticket@@@pushed-by-wechat"]
    );
    assert_eq!(
        sent(&server, "api_query_auth", "authorization_code"),
        ["auth_code_value"]
    );
    platform
        .authorizer(MERCHANT)
        .expect("client")
        .get_auth_data(&request())
        .await
        .expect("an invoice call for the merchant");

    // The merchant revokes: the next call fails naming the merchant's refresh token, unsent.
    let report = server
        .push_unauthorized(&target, MERCHANT)
        .await
        .expect("pushed");
    assert!(report.acknowledged(), "{report:?}");
    assert_eq!(
        handled.lock().unwrap().last(),
        Some(&Ok(PushHandled::Unauthorized {
            authorizer_appid: MERCHANT.to_string()
        }))
    );
    let err = platform
        .authorizer(MERCHANT)
        .expect("client")
        .get_auth_data(&request())
        .await
        .expect_err("revoked");
    assert_eq!(
        credential_of(&err),
        ("authorizer_refresh_token", MERCHANT.to_string(), None)
    );
    assert!(err.to_string().contains("authorize"), "{err}");
    assert_eq!(server.delivery_count("get_auth_data"), 1, "nothing sent");
}

#[tokio::test]
async fn a_push_for_another_platform_is_refused_and_stores_nothing() {
    let server = MockServer::start().await.expect("mock");
    let platform = platform(&server, MemoryStore::new());
    let (url, handled) = start_endpoint(&platform).await;
    // Same keys, but the push names another platform in AppId.
    let target = push_target(&url)
        .component_appid("wx-someone-else")
        .attempts(1);
    let report = server
        .push_verify_ticket(&target, "ticket@@@not-ours")
        .await
        .expect("pushed");
    assert!(!report.acknowledged(), "{report:?}");
    let handled = handled.lock().unwrap().clone();
    assert_eq!(handled.len(), 1);
    let refusal = handled[0].as_ref().expect_err("refused");
    assert!(refusal.contains("wx-someone-else"), "{refusal}");
    let err = platform
        .authorization_link("https://platform.example/")
        .await
        .expect_err("no ticket stored");
    assert_eq!(credential_of(&err).0, "component_verify_ticket");
}

#[tokio::test]
async fn without_a_pushed_ticket_the_error_names_the_ticket() {
    let server = MockServer::start().await.expect("mock");
    let platform = platform(&server, MemoryStore::new());
    let err = platform
        .authorization_link("https://platform.example/")
        .await
        .expect_err("no ticket");
    let (credential, account, code) = credential_of(&err);
    assert_eq!(
        (credential, account.as_str(), code),
        ("component_verify_ticket", COMPONENT_APPID, None)
    );
    assert_eq!(server.delivery_count("api_component_token"), 0);

    // An expired ticket WeChat refuses: the error says so, with WeChat's code.
    platform
        .store_verify_ticket("ticket@@@old")
        .await
        .expect("kept");
    server.respond_once("api_component_token", Reply::Error(61005));
    let err = platform
        .authorization_link("https://platform.example/")
        .await
        .expect_err("refused");
    assert_eq!(
        credential_of(&err),
        (
            "component_access_token",
            COMPONENT_APPID.to_string(),
            Some(61005)
        )
    );
    assert!(!format!("{err} {err:?}").contains(COMPONENT_SECRET));
}

/// A platform with a merchant authorized and its token rejected once: the next call refreshes.
async fn authorized_platform(
    server: &MockServer,
    store: impl TokenStore,
) -> (ComponentClient, Client) {
    let platform = platform(server, store);
    platform
        .store_verify_ticket("ticket@@@pushed")
        .await
        .expect("kept");
    platform
        .authorized("auth_code_value")
        .await
        .expect("exchanged");
    let merchant = platform.authorizer(MERCHANT).expect("client");
    server.respond_once("get_auth_data", Reply::Error(40001));
    (platform, merchant)
}

#[tokio::test]
async fn a_refresh_writes_the_new_refresh_token_back_before_the_token_is_used() {
    let server = MockServer::start().await.expect("mock");
    let store = MemoryStore::new();
    let (platform, merchant) = authorized_platform(&server, store.clone()).await;
    merchant
        .get_auth_data(&request())
        .await
        .expect("refreshed, retried");
    assert_eq!(
        sent(&server, "api_authorizer_token", "authorizer_refresh_token"),
        [EXAMPLE_REFRESH]
    );
    let rotated = example(&server, "api_authorizer_token", "/authorizer_refresh_token");
    let key = format!("component:{COMPONENT_APPID}:refresh_token:{MERCHANT}");
    let stored = store.get(&key).await.expect("get").expect("kept");
    assert_eq!(
        stored.token.secret(),
        rotated,
        "the rotated refresh token is stored"
    );
    let fresh = example(&server, "api_authorizer_token", "/authorizer_access_token");
    assert_eq!(
        sent_query(&server, "get_auth_data", "access_token").last(),
        Some(&fresh)
    );

    // A later refresh sends the rotated one.
    server.respond_once("get_auth_data", Reply::Error(42001));
    server.respond_once(
        "api_authorizer_token",
        Reply::Json(serde_json::json!({
            "errcode": 0, "errmsg": "ok", "authorizer_access_token": "THIRD-TOKEN", "expires_in": 7200
        })),
    );
    merchant
        .get_auth_data(&request())
        .await
        .expect("refreshed again");
    assert_eq!(
        sent(&server, "api_authorizer_token", "authorizer_refresh_token"),
        [EXAMPLE_REFRESH.to_string(), rotated.clone()]
    );
    // An answer without a refresh token keeps the stored one.
    let stored = store.get(&key).await.expect("get").expect("kept");
    assert_eq!(stored.token.secret(), rotated);
    drop(platform);
}

/// A store that refuses to write refresh tokens (a full or read-only Redis).
#[derive(Debug, Clone)]
struct RefusesRefreshTokens(MemoryStore);

impl TokenStore for RefusesRefreshTokens {
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>> {
        self.0.get(account)
    }
    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool> {
        if account.contains(":refresh_token:") && token.token.secret() != EXAMPLE_REFRESH {
            return Box::pin(async { Err(TokenError::store("OOM command not allowed")) });
        }
        self.0.put(account, token)
    }
    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool> {
        self.0.invalidate(account, rejected)
    }
    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        self.0.try_lock(account, owner, lease)
    }
    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        self.0.unlock(account, owner)
    }
}

#[tokio::test]
async fn a_refresh_token_that_cannot_be_stored_stops_the_call() {
    let server = MockServer::start().await.expect("mock");
    let (_platform, merchant) =
        authorized_platform(&server, RefusesRefreshTokens(MemoryStore::new())).await;
    let err = merchant
        .get_auth_data(&request())
        .await
        .expect_err("not stored");
    assert_eq!(
        credential_of(&err),
        ("authorizer_refresh_token", MERCHANT.to_string(), None)
    );
    assert!(err.to_string().contains("OOM"), "{err}");
    assert_eq!(server.delivery_count("api_authorizer_token"), 1);
    assert_eq!(
        server.delivery_count("get_auth_data"),
        1,
        "the new access token was never used"
    );
}

#[tokio::test]
async fn a_rejected_refresh_token_names_the_merchant() {
    let server = MockServer::start().await.expect("mock");
    let (_platform, merchant) = authorized_platform(&server, MemoryStore::new()).await;
    server.respond_once("api_authorizer_token", Reply::Error(61023));
    let err = merchant
        .get_auth_data(&request())
        .await
        .expect_err("refused");
    assert_eq!(
        credential_of(&err),
        (
            "authorizer_refresh_token",
            MERCHANT.to_string(),
            Some(61023)
        )
    );
    assert!(
        !format!("{err} {err:?}").contains(EXAMPLE_REFRESH),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_revoked_authorization_fails_the_next_call_without_sending_it() {
    let server = MockServer::start().await.expect("mock");
    let store = MemoryStore::new();
    let platform = platform(&server, store.clone());
    platform
        .store_verify_ticket("ticket@@@pushed")
        .await
        .expect("kept");
    platform
        .authorized("auth_code_value")
        .await
        .expect("exchanged");
    let held = platform.authorizer(MERCHANT).expect("client");
    held.get_auth_data(&request()).await.expect("authorized");

    platform.unauthorized(MERCHANT).await.expect("forgotten");
    let err = platform
        .authorizer(MERCHANT)
        .expect("client")
        .get_auth_data(&request())
        .await
        .expect_err("revoked");
    assert_eq!(
        credential_of(&err),
        ("authorizer_refresh_token", MERCHANT.to_string(), None)
    );
    assert_eq!(server.delivery_count("get_auth_data"), 1, "nothing sent");

    // A client still holding the token learns it when WeChat rejects it.
    server.respond_once("get_auth_data", Reply::Error(40001));
    let err = held.get_auth_data(&request()).await.expect_err("revoked");
    assert_eq!(
        credential_of(&err),
        ("authorizer_refresh_token", MERCHANT.to_string(), None)
    );
    assert_eq!(server.delivery_count("api_authorizer_token"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_merchants_share_one_component_token() {
    let server = MockServer::start().await.expect("mock");
    server.respond(
        "api_component_token",
        wechat_invoice_mock::Behavior::reply(Reply::Example).after(Duration::from_millis(200)),
    );
    let platform = platform(&server, MemoryStore::new());
    let merchants = ticket_and_merchants(&platform, 100).await;
    let calls: Vec<_> = merchants
        .iter()
        .flat_map(|merchant| {
            let client = platform.authorizer(merchant).expect("client");
            (0..3).map(move |_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_auth_data(&request()).await })
            })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("invoice call");
    }
    assert_eq!(server.delivery_count("api_component_token"), 1);
    assert_eq!(
        server.delivery_count("api_authorizer_token"),
        100,
        "one per merchant"
    );
    assert_eq!(server.delivery_count("get_auth_data"), 300);
    let mut refreshed = sent(&server, "api_authorizer_token", "authorizer_appid");
    refreshed.sort();
    assert_eq!(refreshed, merchants);
}

/// Stores a pushed ticket and the refresh tokens of `count` merchants (`wx-merchant-000`, …);
/// their appids.
async fn ticket_and_merchants(platform: &ComponentClient, count: usize) -> Vec<String> {
    platform
        .store_verify_ticket("ticket@@@pushed")
        .await
        .expect("kept");
    let merchants: Vec<String> = (0..count).map(|n| format!("wx-merchant-{n:03}")).collect();
    for merchant in &merchants {
        platform
            .import_refresh_token(merchant, &format!("refresh-{merchant}"))
            .await
            .expect("kept");
    }
    merchants
}

/// Every merchant's client, the platform's and the token fetches go through one connection
/// pool: calls made one after another for many merchants reuse a kept-alive connection
/// instead of opening one per merchant (a pool per merchant opened 22 here).
#[tokio::test]
async fn merchants_share_one_connection_pool() {
    let server = MockServer::start().await.expect("mock");
    let platform = platform(&server, MemoryStore::new());
    let merchants = ticket_and_merchants(&platform, 20).await;
    for merchant in &merchants {
        let client = platform.authorizer(merchant).expect("client");
        for _ in 0..2 {
            client
                .get_auth_data(&request())
                .await
                .expect("invoice call");
        }
    }
    // One component token, one refresh per merchant, two calls per merchant: 61 requests.
    assert_eq!(server.delivery_count("api_component_token"), 1);
    assert_eq!(server.delivery_count("api_authorizer_token"), 20);
    assert_eq!(server.delivery_count("get_auth_data"), 40);
    let stats = server.connection_stats();
    assert!(
        stats.accepted <= 2,
        "61 sequential requests for 20 merchants opened {} connections: {stats:?}",
        stats.accepted
    );
}

/// The transport settings given on the platform's builder reach the wire on every request:
/// the component-token fetch, the merchant's token refresh and the merchant's invoice call.
#[tokio::test]
async fn the_platforms_transport_settings_reach_every_request() {
    let server = MockServer::start().await.expect("mock");
    let platform = ComponentClient::builder(COMPONENT_APPID, COMPONENT_SECRET)
        .base_url(server.base_url())
        .transport(|http| {
            http.user_agent("platform/1.0")
                .header("x-team", "invoicing")
        })
        .build()
        .expect("builds");
    let merchants = ticket_and_merchants(&platform, 1).await;
    let merchant = platform.authorizer(&merchants[0]).expect("client");
    merchant
        .get_auth_data(&request())
        .await
        .expect("invoice call");
    let sent = server.deliveries();
    let endpoints: Vec<&str> = sent
        .iter()
        .map(|delivery| delivery.endpoint.as_str())
        .collect();
    assert_eq!(
        endpoints,
        [
            "api_component_token",
            "api_authorizer_token",
            "get_auth_data"
        ]
    );
    for delivery in &sent {
        assert_eq!(
            delivery.request.header("user-agent"),
            Some("platform/1.0"),
            "{}",
            delivery.endpoint
        );
        assert_eq!(
            delivery.request.header("x-team"),
            Some("invoicing"),
            "{}",
            delivery.endpoint
        );
    }

    let refused = ComponentClient::builder(COMPONENT_APPID, COMPONENT_SECRET)
        .transport(|http| http.header("bad header", "v"))
        .build();
    assert!(
        matches!(refused, Err(wechat_invoice::BuildError::Http(_))),
        "{refused:?}"
    );
}

#[cfg(feature = "redis")]
mod across_processes {
    use super::support::{self, RedisServer};
    use super::*;
    use wechat_invoice::{RedisStore, TokenCacheConfig};

    const MERCHANTS: usize = 5;
    const CALLS_PER_MERCHANT: usize = 4;
    const TIMEOUT: Duration = Duration::from_millis(500);

    fn redis_platform(mock: &str, redis: &str) -> ComponentClient {
        let store = RedisStore::open(redis, TIMEOUT).expect("store");
        ComponentClient::builder(COMPONENT_APPID, COMPONENT_SECRET)
            .base_url(mock)
            .token_store(store)
            .token_cache(TokenCacheConfig::default().store_timeout(TIMEOUT))
            .build()
            .expect("builds")
    }

    fn merchant(n: usize) -> String {
        format!("wx-merchant-{n}")
    }

    /// The child side: invoice calls for several merchants through a Redis-backed platform.
    #[test]
    #[ignore = "the worker role of the multi-process tests, run by re-executing this binary"]
    fn component_worker() {
        support::runtime().block_on(async {
            let platform = redis_platform(&support::var("WXI_MOCK"), &support::var("WXI_REDIS"));
            let merchants: Vec<String> = match support::var("WXI_WORKER").as_str() {
                "calls" => (0..MERCHANTS).map(merchant).collect(),
                "restart" => vec![MERCHANT.to_string()],
                other => panic!("unknown worker role {other}"),
            };
            support::wait_until("WXI_START_AT").await;
            let calls: Vec<_> = merchants
                .iter()
                .flat_map(|appid| {
                    let client = platform.authorizer(appid).expect("client");
                    (0..CALLS_PER_MERCHANT).map(move |_| {
                        let client = client.clone();
                        tokio::spawn(async move { client.get_auth_data(&request()).await })
                    })
                })
                .collect();
            let mut ok = 0;
            for call in calls {
                match call.await.expect("task") {
                    Ok(_) => ok += 1,
                    Err(err) => println!("WORKER-ERROR {err}"),
                }
            }
            println!("WORKER-OK {ok}");
        });
    }

    fn worker_env(
        role: &str,
        server: &MockServer,
        redis: &RedisServer,
    ) -> Vec<(&'static str, String)> {
        vec![
            ("WXI_WORKER", role.to_string()),
            ("WXI_MOCK", server.base_url()),
            ("WXI_REDIS", redis.url()),
            ("WXI_START_AT", (support::unix_ms() + 1500).to_string()),
        ]
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn processes_make_one_component_token_fetch_and_one_refresh_per_merchant() {
        let redis = RedisServer::start();
        let server = MockServer::start().await.expect("mock");
        // Slow answers: without the shared locks every process would fetch meanwhile.
        for endpoint in ["api_component_token", "api_authorizer_token"] {
            server.respond(
                endpoint,
                wechat_invoice_mock::Behavior::reply(Reply::Example)
                    .after(Duration::from_millis(300)),
            );
        }
        let setup = redis_platform(&server.base_url(), &redis.url());
        // WeChat pushes the ticket to one instance's endpoint; every process uses it.
        let (url, _) = start_endpoint(&setup).await;
        let report = server
            .push_verify_ticket(&push_target(&url), "ticket@@@pushed-once")
            .await
            .expect("pushed");
        assert!(report.acknowledged(), "{report:?}");
        for n in 0..MERCHANTS {
            setup
                .import_refresh_token(&merchant(n), &format!("refresh-{n}"))
                .await
                .expect("kept");
        }
        let env = worker_env("calls", &server, &redis);
        let workers: Vec<_> = (0..3)
            .map(|_| support::spawn_worker("across_processes::component_worker", &env))
            .collect();
        for worker in workers {
            let stdout = support::finish(worker).await;
            assert!(
                stdout.contains(&format!("WORKER-OK {}", MERCHANTS * CALLS_PER_MERCHANT)),
                "{stdout}"
            );
        }
        assert_eq!(
            sent(&server, "api_component_token", "component_verify_ticket"),
            ["ticket@@@pushed-once"],
            "one fetch for 3 processes, with the pushed ticket"
        );
        assert_eq!(
            server.delivery_count("api_authorizer_token"),
            MERCHANTS,
            "one refresh per merchant for 3 processes"
        );
        assert_eq!(
            server.delivery_count("get_auth_data"),
            3 * MERCHANTS * CALLS_PER_MERCHANT
        );
        let keys = redis.keys().await;
        assert!(
            keys.contains(&format!(
                "wechat_invoice:access_token:component:{COMPONENT_APPID}"
            )),
            "{keys:?}"
        );
        assert!(
            !keys
                .iter()
                .any(|k| k.contains(COMPONENT_SECRET) || k.contains("refresh-"))
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refresh_tokens_survive_a_restart_of_the_processes_and_of_redis() {
        let dir = std::env::temp_dir().join(format!(
            "wxi-redis-{}-{}",
            std::process::id(),
            support::unix_ms()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let dir_arg = dir.to_string_lossy().into_owned();
        let durable = [
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            &dir_arg,
        ];
        let port = support::redis_server::free_port();
        let mut redis = RedisServer::start_on(port, &durable);
        let server = MockServer::start().await.expect("mock");
        {
            let first = redis_platform(&server.base_url(), &redis.url());
            first
                .store_verify_ticket("ticket@@@pushed")
                .await
                .expect("kept");
            first
                .authorized("auth_code_value")
                .await
                .expect("exchanged");
        }
        redis.stop();
        let redis = RedisServer::start_on(port, &durable);
        // WeChat rejects the merchant's token once: the new process must refresh it with the
        // refresh token that survived.
        server.respond_once("get_auth_data", Reply::Error(40001));
        let stdout = support::finish(support::spawn_worker(
            "across_processes::component_worker",
            &worker_env("restart", &server, &redis),
        ))
        .await;
        assert!(
            stdout.contains(&format!("WORKER-OK {CALLS_PER_MERCHANT}")),
            "{stdout}"
        );
        assert_eq!(
            sent(&server, "api_authorizer_token", "authorizer_refresh_token"),
            [EXAMPLE_REFRESH]
        );
        assert_eq!(
            server.delivery_count("api_component_token"),
            1,
            "the platform's token survived too"
        );
        drop(redis);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_platform_on_the_same_redis_keeps_the_ticket_and_every_refresh_token() {
        let redis = RedisServer::start();
        let server = MockServer::start().await.expect("mock");
        let merchants: Vec<String> = (0..3).map(merchant).collect();
        {
            let first = redis_platform(&server.base_url(), &redis.url());
            let (url, handled) = start_endpoint(&first).await;
            let target = push_target(&url);
            let report = server
                .push_verify_ticket(&target, "ticket@@@pushed-before-restart")
                .await
                .expect("pushed");
            assert!(report.acknowledged(), "{report:?}");
            for (n, appid) in merchants.iter().enumerate() {
                // WeChat answers the exchange of this merchant's code with its own appid.
                server.answer_next_authorization(
                    appid,
                    &format!("token-{n}"),
                    &format!("refresh-{n}"),
                    7200,
                );
                let report = server
                    .push_authorized(&target, appid, &format!("code-{n}"))
                    .await
                    .expect("pushed");
                assert!(report.acknowledged(), "{report:?}");
            }
            assert_eq!(handled.lock().unwrap().len(), 1 + merchants.len());
        }
        // Both tokens expire while no instance runs: only the ticket and the refresh tokens
        // are left in Redis.
        let keys = redis.keys().await;
        let tokens: Vec<String> = keys
            .iter()
            .filter(|key| {
                key.starts_with("wechat_invoice:access_token:")
                    && (key.ends_with(&format!("component:{COMPONENT_APPID}"))
                        || key.contains(":authorizer:"))
            })
            .cloned()
            .collect();
        assert_eq!(tokens.len(), 1 + merchants.len(), "{keys:?}");
        redis.delete(&tokens).await;

        let restarted = redis_platform(&server.base_url(), &redis.url());
        for appid in &merchants {
            restarted
                .authorizer(appid)
                .expect("client")
                .get_auth_data(&request())
                .await
                .expect("an invoice call without a new authorization");
        }
        assert_eq!(server.delivery_count("api_query_auth"), merchants.len());
        assert_eq!(
            sent(&server, "api_component_token", "component_verify_ticket"),
            [
                "ticket@@@pushed-before-restart",
                "ticket@@@pushed-before-restart"
            ],
            "the restarted platform fetched its token with the ticket pushed before"
        );
        let mut refreshed = sent(&server, "api_authorizer_token", "authorizer_refresh_token");
        refreshed.sort();
        assert_eq!(refreshed, ["refresh-0", "refresh-1", "refresh-2"]);
        let mut refreshed_for = sent(&server, "api_authorizer_token", "authorizer_appid");
        refreshed_for.sort();
        assert_eq!(refreshed_for, merchants);
        assert_eq!(server.delivery_count("get_auth_data"), merchants.len());
    }

    #[tokio::test]
    async fn redis_down_during_a_refresh_is_a_store_error_without_a_fetch() {
        let mut redis = RedisServer::start();
        let server = MockServer::start().await.expect("mock");
        let platform = redis_platform(&server.base_url(), &redis.url());
        platform
            .store_verify_ticket("ticket@@@pushed")
            .await
            .expect("kept");
        platform
            .import_refresh_token(MERCHANT, EXAMPLE_REFRESH)
            .await
            .expect("kept");
        let merchant = platform.authorizer(MERCHANT).expect("client");
        redis.stop();
        let started = std::time::Instant::now();
        let err = merchant
            .get_auth_data(&request())
            .await
            .expect_err("no store");
        assert!(started.elapsed() < 8 * TIMEOUT, "{:?}", started.elapsed());
        assert!(
            matches!(
                &err,
                Error::Token {
                    source: TokenError::Store { .. } | TokenError::StoreTimeout { .. },
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(server.delivery_count("api_component_token"), 0);
        assert_eq!(server.delivery_count("api_authorizer_token"), 0);
        assert_eq!(server.delivery_count("get_auth_data"), 0);
        // A ticket pushed while Redis is down is not acknowledged, so WeChat sends it again.
        let (url, handled) = start_endpoint(&platform).await;
        let report = server
            .push_verify_ticket(&push_target(&url).attempts(1), "ticket@@@while-down")
            .await
            .expect("pushed");
        assert!(!report.acknowledged(), "{report:?}");
        let refusal = handled.lock().unwrap()[0].clone().expect_err("refused");
        assert!(refusal.contains("component_verify_ticket"), "{refusal}");
        // Storing a pushed ticket while Redis is down says which credential was lost.
        let err = platform
            .store_verify_ticket("ticket@@@next")
            .await
            .expect_err("down");
        assert!(
            matches!(
                &err,
                TokenError::Credential {
                    credential: "component_verify_ticket",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
