//! Tokens from app credentials, an authorizer's refresher and a custom provider, through the
//! cache: where they are fetched from, one fetch for many calls, refresh ahead of expiry, one
//! retry after a rejection, compare-then-invalidate, and errors without secrets.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use wechat_invoice::{
    AccessToken, AuthorizerToken, Client, Error, GetAuthDataError, GetAuthDataRequest, IssuedToken,
    MemoryStore, RetryPolicy, StoreFuture, TokenCacheConfig, TokenEndpoint, TokenError,
    TokenFuture, TokenProvider, TokenStore,
};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

const APPID: &str = "wx-token-test-appid";
const SECRET: &str = "APP-SECRET-5e1f0c9d";

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

async fn mock() -> MockServer {
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    server.accept_issued_tokens();
    server
}

fn app_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .build()
        .expect("client builds")
}

/// Neither `Display` nor `Debug` shows the secret or any issued token.
fn assert_no_secrets(server: &MockServer, shown: &str) {
    assert!(!shown.contains(SECRET), "secret leaked: {shown}");
    for token in server.issued_tokens() {
        assert!(!shown.contains(&token), "token leaked: {shown}");
    }
}

#[tokio::test]
async fn app_credentials_fetch_from_stable_token_on_the_base_url() {
    let server = mock().await;
    let client = app_client(&server);
    client.get_auth_data(&request()).await.expect("success");

    assert_eq!(server.delivery_count("stable_token"), 1);
    assert_eq!(server.delivery_count("token"), 0);
    let deliveries = server.deliveries();
    let fetch = &deliveries[0].request;
    assert_eq!(
        (fetch.method.as_str(), fetch.path.as_str()),
        ("POST", "/cgi-bin/stable_token")
    );
    let body: serde_json::Value = serde_json::from_slice(&fetch.body).expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"grant_type": "client_credential", "appid": APPID,
                           "secret": SECRET, "force_refresh": false})
    );
    let call = &deliveries[1].request;
    assert_eq!(
        call.query_param("access_token"),
        Some(server.issued_tokens()[0].as_str())
    );
}

#[tokio::test]
async fn the_classic_token_endpoint_is_used_when_configured() {
    let server = mock().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_endpoint(TokenEndpoint::Classic)
        .build()
        .expect("client builds");
    client.get_auth_data(&request()).await.expect("success");

    assert_eq!(server.delivery_count("token"), 1);
    assert_eq!(server.delivery_count("stable_token"), 0);
    let fetch = &server.deliveries()[0].request;
    assert_eq!(fetch.method, "GET");
    assert_eq!(fetch.query_param("grant_type"), Some("client_credential"));
    assert_eq!(fetch.query_param("appid"), Some(APPID));
    assert_eq!(fetch.query_param("secret"), Some(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_a_cold_cache_make_one_token_request() {
    let server = mock().await;
    server.record_deliveries(false);
    // Slow the token answer so that every call arrives while the fetch is in flight.
    server.respond_once(
        "stable_token",
        Behavior::reply(Reply::Example).after(Duration::from_millis(200)),
    );
    let client = app_client(&server);
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_auth_data(&request()).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("call succeeds");
    }
    assert_eq!(server.token_fetches(), 1);
    assert_eq!(server.delivery_count("get_auth_data"), 1000);
}

#[tokio::test]
async fn one_failed_fetch_answers_every_waiting_call() {
    let server = mock().await;
    server.respond(
        "stable_token",
        Behavior::reply(Reply::Error(40125)).after(Duration::from_millis(100)),
    );
    let client = app_client(&server);
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_auth_data(&request()).await })
        })
        .collect();
    for call in calls {
        let err = call.await.expect("task").expect_err("no token");
        assert!(matches!(err, Error::Token { .. }), "{err:?}");
    }
    assert_eq!(server.token_fetches(), 1, "waiters share the failure");
}

#[tokio::test]
async fn a_wrong_secret_is_a_typed_error_without_the_secret() {
    let server = mock().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, "WRONG-SECRET-value")
        .build()
        .expect("client builds");
    let err = client.get_auth_data(&request()).await.expect_err("refused");
    let shown = format!("{err} {err:?} {client:?}");
    assert!(!shown.contains("WRONG-SECRET-value"), "{shown}");
    match err {
        Error::Token {
            endpoint: "get_auth_data",
            source: TokenError::Refused { code: 40125, .. },
        } => {}
        other => panic!("expected a refused token, got {other:?}"),
    }
    assert_eq!(server.delivery_count("get_auth_data"), 0);
}

#[tokio::test]
async fn an_unreachable_classic_endpoint_keeps_the_secret_out_of_the_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .app_credentials(APPID, SECRET)
        .token_endpoint(TokenEndpoint::Classic)
        .build()
        .expect("client builds");
    let err = client.get_auth_data(&request()).await.expect_err("refused");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        matches!(
            &err,
            Error::Token {
                source: TokenError::Fetch {
                    endpoint: "token",
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_token_endpoint_is_a_timeout_within_the_fetch_limit() {
    let server = mock().await;
    server.respond(
        "stable_token",
        Behavior::reply(Reply::Example).after(Duration::from_secs(5)),
    );
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_cache(TokenCacheConfig::default().fetch_timeout(Duration::from_millis(300)))
        .build()
        .expect("client builds");
    let started = Instant::now();
    let err = client
        .get_auth_data(&request())
        .await
        .expect_err("no token");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, Error::Token { .. }), "{err:?}");
}

#[tokio::test]
async fn an_expired_token_is_replaced_and_the_call_retried_once() {
    let server = mock().await;
    let client = app_client(&server);
    client.get_auth_data(&request()).await.expect("first call");
    server.expire_issued_tokens();
    client
        .get_auth_data(&request())
        .await
        .expect("42001, then a fresh token");
    assert_eq!(server.token_fetches(), 2);
    assert_eq!(server.delivery_count("get_auth_data"), 3);
    let tokens = server.issued_tokens();
    assert_eq!(tokens.len(), 2);
    let last = server.deliveries().pop().expect("a call");
    assert_eq!(
        last.request.query_param("access_token"),
        Some(tokens[1].as_str())
    );
}

#[tokio::test]
async fn every_token_rejection_code_refreshes_once() {
    for code in [40001, 40014, 42001] {
        let server = mock().await;
        let client = Client::builder()
            .base_url(server.base_url())
            .app_credentials(APPID, SECRET)
            .token_endpoint(TokenEndpoint::Classic)
            .build()
            .expect("client builds");
        server.respond_once("get_auth_data", Reply::Error(code));
        client
            .get_auth_data(&request())
            .await
            .unwrap_or_else(|err| {
                panic!("{code}: expected a retried success, got {err:?}");
            });
        assert_eq!(server.token_fetches(), 2, "{code}");
        assert_eq!(server.delivery_count("get_auth_data"), 2, "{code}");
    }
}

#[tokio::test]
async fn a_token_rejected_twice_fails_without_a_loop() {
    let server = mock().await;
    server.respond("get_auth_data", Reply::Error(40001));
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_endpoint(TokenEndpoint::Classic)
        .retry_policy(RetryPolicy::default().max_attempts(5))
        .build()
        .expect("client builds");
    let err = client
        .get_auth_data(&request())
        .await
        .expect_err("rejected");
    assert!(
        matches!(err, Error::Api(GetAuthDataError::InvalidCredential { .. })),
        "{err:?}"
    );
    assert_eq!(server.delivery_count("get_auth_data"), 2, "one retry");
    assert_eq!(server.token_fetches(), 2, "one refresh");
    assert_no_secrets(&server, &format!("{err} {err:?}"));
}

#[tokio::test]
async fn the_same_token_again_is_not_retried() {
    // stable_token without force_refresh hands out the same token while it lives: when WeChat
    // rejects it anyway, sending the call again with it cannot help.
    let server = mock().await;
    server.respond("get_auth_data", Reply::Error(40001));
    let client = app_client(&server);
    client
        .get_auth_data(&request())
        .await
        .expect_err("rejected");
    assert_eq!(server.delivery_count("get_auth_data"), 1);
    assert_eq!(server.delivery_count("stable_token"), 2);
}

#[tokio::test]
async fn a_stale_rejection_leaves_the_refreshed_token_alone() {
    let server = mock().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_endpoint(TokenEndpoint::Classic)
        .build()
        .expect("client builds");
    let first = client.access_token().await.expect("token");
    client.invalidate_access_token(&first).await;
    let second = client.access_token().await.expect("fresh token");
    assert_ne!(first, second);
    // A slower call that used `first` reports it rejected only now.
    client.invalidate_access_token(&first).await;
    assert_eq!(client.access_token().await.expect("token"), second);
    assert_eq!(server.token_fetches(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rejections_of_one_token_make_one_refresh() {
    let server = mock().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_endpoint(TokenEndpoint::Classic)
        .build()
        .expect("client builds");
    client.get_auth_data(&request()).await.expect("warm");
    server.revoke_issued_tokens();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_auth_data(&request()).await })
        })
        .collect();
    for call in calls {
        call.await
            .expect("task")
            .expect("retried with the fresh token");
    }
    assert_eq!(server.token_fetches(), 2);
}

/// Issues `custom-1`, `custom-2`, … with a short lifetime; the second fetch can be slowed.
#[derive(Debug)]
struct CountingProvider {
    fetches: Arc<AtomicUsize>,
    lifetime: Duration,
    slow_after_first: Duration,
}

impl TokenProvider for CountingProvider {
    fn account(&self) -> &str {
        "wx-custom"
    }

    fn fetch(&self) -> TokenFuture<'_> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let delay = if n > 1 {
            self.slow_after_first
        } else {
            Duration::ZERO
        };
        let lifetime = self.lifetime;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            Ok(IssuedToken::new(
                AccessToken::new(format!("custom-{n}")),
                lifetime,
            ))
        })
    }
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry_while_calls_go_on() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_provider(CountingProvider {
            fetches: fetches.clone(),
            lifetime: Duration::from_secs(4),
            slow_after_first: Duration::from_millis(500),
        })
        .token_cache(TokenCacheConfig::default().refresh_before(Duration::from_secs(2)))
        .build()
        .expect("client builds");
    let first = client.access_token().await.expect("token");
    assert_eq!(first.secret(), "custom-1");
    assert_eq!(client.access_token().await.expect("cached"), first);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);

    tokio::time::sleep(Duration::from_millis(2200)).await;
    // Due, not expired: one call refreshes (slowly), the others keep the valid token at once.
    let refresher = tokio::spawn({
        let client = client.clone();
        async move { client.access_token().await }
    });
    while fetches.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    let meanwhile = client.access_token().await.expect("token");
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "did not wait for the refresh"
    );
    assert_eq!(meanwhile, first);
    let refreshed = refresher.await.expect("task").expect("token");
    assert_eq!(refreshed.secret(), "custom-2");
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "refreshed before expiry");
    assert_eq!(client.access_token().await.expect("cached"), refreshed);
}

/// Hands out the same token string every time, each with a fresh lifetime.
#[derive(Debug)]
struct SameTokenProvider {
    fetches: Arc<AtomicUsize>,
    lifetime: Duration,
}

impl TokenProvider for SameTokenProvider {
    fn account(&self) -> &str {
        "wx-same"
    }

    fn fetch(&self) -> TokenFuture<'_> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let lifetime = self.lifetime;
        Box::pin(async move { Ok(IssuedToken::new(AccessToken::new("same-token"), lifetime)) })
    }
}

/// A source that renews a token under its old string after it expired (found by the load
/// bench's platform run: one fetch per call once the first expiry had passed).
#[tokio::test]
async fn the_same_string_renewed_after_expiry_takes_its_new_lifetime() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_provider(SameTokenProvider {
            fetches: fetches.clone(),
            lifetime: Duration::from_secs(2),
        })
        .token_cache(TokenCacheConfig::default().refresh_before(Duration::from_millis(500)))
        .build()
        .expect("client builds");
    client.access_token().await.expect("token");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    for _ in 0..20 {
        let token = client.access_token().await.expect("token");
        assert_eq!(token.secret(), "same-token");
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "one fetch at the start and one after the expiry, not one per call"
    );
}

#[tokio::test]
async fn an_authorizer_token_comes_from_the_callers_refresher() {
    let server = MockServer::start().await.expect("mock starts");
    server.accept_tokens(["AUTHORIZER-TOKEN-2"]);
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counter = refreshes.clone();
    let provider = AuthorizerToken::new("wx-authorizer", move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            Ok(IssuedToken::new(
                AccessToken::new(format!("AUTHORIZER-TOKEN-{n}")),
                Duration::from_secs(7200),
            ))
        }
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .authorizer_token(provider)
        .build()
        .expect("client builds");
    // The mock refuses AUTHORIZER-TOKEN-1 with 40001: the refresher is asked once more.
    client.get_auth_data(&request()).await.expect("success");
    client.get_auth_data(&request()).await.expect("cached");
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    assert_eq!(server.delivery_count("get_auth_data"), 3);
    let shown = format!("{client:?}");
    assert!(shown.contains("authorizer:wx-authorizer"), "{shown}");
    assert!(!shown.contains("AUTHORIZER-TOKEN"), "{shown}");
}

#[tokio::test]
async fn a_refresher_failure_is_a_typed_provider_error() {
    let provider = AuthorizerToken::new("wx-authorizer", || async {
        Err(TokenError::new(
            "authorizer_refresh_token=REFRESH-SECRET is invalid (61023)",
        ))
    });
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .authorizer_token(provider)
        .build()
        .expect("client builds");
    let err = client
        .get_auth_data(&request())
        .await
        .expect_err("no token");
    assert!(
        !format!("{err} {err:?}").contains("REFRESH-SECRET"),
        "{err}"
    );
    assert!(
        matches!(
            err,
            Error::Token {
                source: TokenError::Provider { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn clients_sharing_a_memory_store_share_one_token() {
    let server = mock().await;
    let store = MemoryStore::new();
    let clients: Vec<Client> = (0..3)
        .map(|_| {
            Client::builder()
                .base_url(server.base_url())
                .app_credentials(APPID, SECRET)
                .token_endpoint(TokenEndpoint::Classic)
                .token_store(store.clone())
                .build()
                .expect("client builds")
        })
        .collect();
    for client in &clients {
        client.get_auth_data(&request()).await.expect("success");
    }
    assert_eq!(server.token_fetches(), 1);
}

#[test]
fn debug_of_an_app_credentials_client_hides_the_secret() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .app_credentials(APPID, SECRET);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(SECRET) && shown.contains(APPID), "{shown}");
    let client = builder.build().expect("client builds");
    let shown = format!("{client:?}");
    assert!(!shown.contains(SECRET) && shown.contains(APPID), "{shown}");
}

/// A shared store as the cache sees it: a [`MemoryStore`] whose reads are counted and whose
/// lock leases are recorded; a silent one never answers, like a Redis that accepts the
/// connection and then says nothing; one that refuses puts breaks the store's contract.
#[derive(Debug, Clone, Default)]
struct ObservedStore {
    inner: MemoryStore,
    gets: Arc<AtomicUsize>,
    leases: Arc<Mutex<Vec<Duration>>>,
    silent: bool,
    refuse_puts: bool,
}

impl ObservedStore {
    fn gets(&self) -> usize {
        self.gets.load(Ordering::SeqCst)
    }

    fn answer<'a, T: Send + 'a>(&self, answer: StoreFuture<'a, T>) -> StoreFuture<'a, T> {
        if self.silent {
            Box::pin(std::future::pending())
        } else {
            answer
        }
    }
}

impl TokenStore for ObservedStore {
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        self.answer(self.inner.get(account))
    }

    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool> {
        if self.refuse_puts {
            return self.answer(Box::pin(async { Ok(false) }));
        }
        self.answer(self.inner.put(account, token))
    }

    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool> {
        self.answer(self.inner.invalidate(account, rejected))
    }

    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        self.leases.lock().unwrap().push(lease);
        self.answer(self.inner.try_lock(account, owner, lease))
    }

    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        self.answer(self.inner.unlock(account, owner))
    }
}

fn counting_provider(fetches: &Arc<AtomicUsize>, slow: Duration) -> CountingProvider {
    CountingProvider {
        fetches: fetches.clone(),
        lifetime: Duration::from_secs(7200),
        slow_after_first: slow,
    }
}

fn client_with_store(
    provider: impl TokenProvider,
    store: &ObservedStore,
    config: TokenCacheConfig,
) -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_provider(provider)
        .token_store(store.clone())
        .token_cache(config)
        .build()
        .expect("client builds")
}

/// Takes the refresh lock of `wx-custom` as another process would.
async fn lock_as_another_instance(store: &ObservedStore) {
    let locked = store
        .inner
        .try_lock("wx-custom", "another-instance", Duration::from_secs(60))
        .await
        .expect("memory store");
    assert!(locked);
}

#[tokio::test]
async fn a_call_waits_for_another_instances_refresh_and_takes_its_token() {
    let store = ObservedStore::default();
    lock_as_another_instance(&store).await;
    let fetches = Arc::new(AtomicUsize::new(0));
    let config = TokenCacheConfig::default()
        .lock_wait(Duration::from_secs(10))
        .poll_interval(Duration::from_millis(20));
    let client = client_with_store(counting_provider(&fetches, Duration::ZERO), &store, config);
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.access_token().await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let theirs = IssuedToken::new(
        AccessToken::new("from-another-instance"),
        Duration::from_secs(7200),
    );
    assert!(store.inner.put("wx-custom", &theirs).await.expect("put"));
    let token = waiting
        .await
        .expect("task")
        .expect("the other instance's token");
    assert_eq!(token.secret(), "from-another-instance");
    assert_eq!(fetches.load(Ordering::SeqCst), 0, "no fetch of its own");
}

#[tokio::test]
async fn waiting_for_another_instance_is_bounded_and_polls_at_the_interval() {
    let store = ObservedStore::default();
    lock_as_another_instance(&store).await;
    let fetches = Arc::new(AtomicUsize::new(0));
    let config = TokenCacheConfig::default()
        .lock_wait(Duration::from_millis(1200))
        .poll_interval(Duration::from_millis(400));
    let client = client_with_store(counting_provider(&fetches, Duration::ZERO), &store, config);
    let started = Instant::now();
    let err = client
        .access_token()
        .await
        .expect_err("the lock stays taken");
    match err {
        TokenError::LockTimeout { waited } => {
            assert!(waited >= Duration::from_millis(1200), "{waited:?}");
        }
        other => panic!("expected LockTimeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // One read before the loop, then one per poll: 1200 / 400 = 3 sleeps, at most 4 polls.
    assert!(store.gets() <= 5, "{} store reads", store.gets());
    assert_eq!(fetches.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_store_that_does_not_answer_fails_within_the_store_timeout() {
    let store = ObservedStore {
        silent: true,
        ..ObservedStore::default()
    };
    let fetches = Arc::new(AtomicUsize::new(0));
    let config = TokenCacheConfig::default().store_timeout(Duration::from_millis(200));
    let client = client_with_store(counting_provider(&fetches, Duration::ZERO), &store, config);
    let started = Instant::now();
    let err = client.access_token().await.expect_err("no answer");
    assert_eq!(
        err,
        TokenError::StoreTimeout {
            operation: "get",
            timeout: Duration::from_millis(200)
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_refresh_lock_is_leased_for_one_fetch_and_two_store_operations() {
    let store = ObservedStore::default();
    let fetches = Arc::new(AtomicUsize::new(0));
    let config = TokenCacheConfig::default()
        .fetch_timeout(Duration::from_secs(3))
        .store_timeout(Duration::from_millis(500));
    let client = client_with_store(counting_provider(&fetches, Duration::ZERO), &store, config);
    client.access_token().await.expect("token");
    assert_eq!(*store.leases.lock().unwrap(), [Duration::from_secs(4)]);
    assert_eq!(config.lock_lease(), Duration::from_secs(4));
}

#[tokio::test]
async fn callers_waiting_for_a_refresh_take_its_token_without_reading_the_store() {
    let store = ObservedStore::default();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    // A slow source, so that every call arrives while the one fetch is in flight.
    let provider = AuthorizerToken::new("wx-slow", move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok(IssuedToken::new(
                AccessToken::new(format!("slow-{n}")),
                Duration::from_secs(7200),
            ))
        }
    });
    let client = client_with_store(provider, &store, TokenCacheConfig::default());
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.access_token().await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.expect("task").expect("token").secret(), "slow-1");
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let reads = store.gets();
    assert!(reads <= 3, "{reads} store reads for one refresh");
    for _ in 0..100 {
        client.access_token().await.expect("cached");
    }
    assert_eq!(
        store.gets(),
        reads,
        "a cached token is used without the store"
    );
}

/// Fetches `mine`; meanwhile another instance stores a token that lives longer.
#[derive(Debug)]
struct RacedByAnotherInstance {
    shared: MemoryStore,
}

impl TokenProvider for RacedByAnotherInstance {
    fn account(&self) -> &str {
        "wx-raced"
    }

    fn fetch(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let theirs = IssuedToken::new(AccessToken::new("theirs"), Duration::from_secs(7200));
            assert!(self.shared.put("wx-raced", &theirs).await?);
            Ok(IssuedToken::new(
                AccessToken::new("mine"),
                Duration::from_secs(1),
            ))
        })
    }
}

#[tokio::test]
async fn a_longer_lived_token_another_instance_stored_meanwhile_wins() {
    let store = ObservedStore::default();
    let provider = RacedByAnotherInstance {
        shared: store.inner.clone(),
    };
    let client = client_with_store(provider, &store, TokenCacheConfig::default());
    let token = client.access_token().await.expect("token");
    assert_eq!(
        token.secret(),
        "theirs",
        "every instance uses the stored token"
    );
    let stored = store.inner.get("wx-raced").await.expect("get");
    assert_eq!(stored.map(|t| t.token.clone()), Some(token.clone()));
    // It is kept by its own lifetime, not by the second the fetched token had.
    let reads = store.gets();
    tokio::time::sleep(Duration::from_millis(600)).await;
    for _ in 0..10 {
        assert_eq!(client.access_token().await.expect("cached"), token);
    }
    assert_eq!(store.gets(), reads, "no refresh of the long-lived token");
}

#[tokio::test]
async fn a_store_that_refuses_the_fetched_token_and_holds_an_expired_one_is_not_believed() {
    let store = ObservedStore {
        refuse_puts: true,
        ..ObservedStore::default()
    };
    let now = SystemTime::now();
    let expired = IssuedToken {
        token: AccessToken::new("expired"),
        issued_at: now - Duration::from_secs(7200),
        expires_at: Some(now - Duration::from_secs(1)),
    };
    store.inner.put("wx-custom", &expired).await.expect("put");
    let fetches = Arc::new(AtomicUsize::new(0));
    let client = client_with_store(
        counting_provider(&fetches, Duration::ZERO),
        &store,
        TokenCacheConfig::default(),
    );
    let token = client.access_token().await.expect("token");
    assert_eq!(token.secret(), "custom-1");
}
