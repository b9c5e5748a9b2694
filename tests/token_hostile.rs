//! Hostile token answers and settings (issue 11, "The client and the token cache", items 1, 4
//! and 7), over real HTTP against the mock on loopback: lifetimes from outside or from
//! settings never panic, a negative, stale or oversized token is refused when fetched, cold
//! callers share one fetch whatever the token's lifetime, and a caller that gives up while
//! refreshing releases the refresh lock.

use std::time::{Duration, SystemTime};

use wechat_invoice::{
    AccessToken, Client, Error, GetAuthDataRequest, IssuedToken, RetryPolicy, TokenCacheConfig,
    TokenError,
};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

const APPID: &str = "wx-hostile-token-appid";
const SECRET: &str = "APP-SECRET-hostile-42f1";

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

async fn mock() -> MockServer {
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    server
}

fn app_client(server: &MockServer, cache: TokenCacheConfig) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_cache(cache)
        .build()
        .expect("client builds")
}

/// The token endpoint answers `{"access_token": token, "expires_in": expires_in}`.
fn token_answer(token: &str, expires_in: serde_json::Value) -> Reply {
    Reply::Json(serde_json::json!({ "access_token": token, "expires_in": expires_in }))
}

/// A call that must end well within this bound, whatever it returns: a hang is a failure.
async fn bounded<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("the call ends within its limits")
}

#[tokio::test]
async fn an_expires_in_of_2_pow_63_or_more_is_saturated_not_a_panic() {
    for expires_in in [
        serde_json::json!(9_223_372_036_854_775_808u64),
        serde_json::json!(u64::MAX),
        serde_json::json!(100_000_000_000_000_000u64),
    ] {
        let server = mock().await;
        server.respond("stable_token", token_answer("HUGE-LIFETIME", expires_in));
        let client = app_client(&server, TokenCacheConfig::default());
        bounded(client.get_auth_data(&request()))
            .await
            .expect("the call succeeds");
        // The token is kept (the lock was released, nothing panicked): no second fetch.
        bounded(client.get_auth_data(&request()))
            .await
            .expect("the second call succeeds");
        assert_eq!(server.token_fetches(), 1);
        let sent = server.deliveries();
        assert_eq!(
            sent.last()
                .and_then(|d| d.request.query_param("access_token")),
            Some("HUGE-LIFETIME")
        );
    }
}

#[tokio::test]
async fn a_negative_or_fractional_expires_in_is_refused() {
    for expires_in in [
        serde_json::json!(-5),
        serde_json::json!(-9_223_372_036_854_775_808i64),
        serde_json::json!(7200.5),
        serde_json::json!("7200"),
    ] {
        let server = mock().await;
        server.respond(
            "stable_token",
            token_answer("NEGATIVE-LIFE", expires_in.clone()),
        );
        let client = app_client(&server, TokenCacheConfig::default());
        let err = bounded(client.get_auth_data(&request()))
            .await
            .expect_err("no usable token");
        match &err {
            Error::Token {
                source: TokenError::Fetch { message, .. },
                ..
            } => assert!(message.contains("expires_in"), "{expires_in}: {message}"),
            other => panic!("{expires_in}: {other:?}"),
        }
        assert!(!format!("{err} {err:?}").contains("NEGATIVE-LIFE"));
        assert_eq!(server.delivery_count("get_auth_data"), 0, "{expires_in}");
    }
}

#[test]
fn issued_token_new_saturates_a_huge_lifetime() {
    let issued = IssuedToken::new(AccessToken::new("t"), Duration::MAX);
    let expires_at = issued.expires_at.expect("an expiry");
    assert!(expires_at > SystemTime::now() + Duration::from_secs(86_400));
    assert!(issued.is_valid_at(SystemTime::now()));
}

#[test]
fn settings_of_duration_max_saturate() {
    let config = TokenCacheConfig::default()
        .fetch_timeout(Duration::MAX)
        .store_timeout(Duration::MAX);
    assert_eq!(config.lock_lease(), Duration::MAX);
    let policy = RetryPolicy::default()
        .base_delay(Duration::MAX)
        .max_delay(Duration::MAX);
    for retry in [1, 2, 40, u32::MAX] {
        for sample in [0.0, 0.5, 0.999] {
            assert!(policy.backoff(retry, sample) > Duration::from_secs(1));
        }
    }
}

#[tokio::test]
async fn a_client_with_every_limit_at_duration_max_still_calls() {
    let server = mock().await;
    server.respond_once("get_auth_data", Reply::Error(-1));
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .token_cache(
            TokenCacheConfig::default()
                .fetch_timeout(Duration::MAX)
                .store_timeout(Duration::MAX)
                .refresh_before(Duration::MAX),
        )
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::MAX)
                .max_delay(Duration::MAX)
                .total_deadline(Duration::from_millis(500)),
        )
        .build()
        .expect("client builds");
    // -1 is retryable, but a delay past the deadline stops the call with WeChat's answer.
    let err = bounded(client.get_auth_data(&request()))
        .await
        .expect_err("-1, not retried");
    assert_eq!(err.code(), Some(-1), "{err:?}");
    bounded(client.get_auth_data(&request()))
        .await
        .expect("the next call succeeds");
}

#[tokio::test]
async fn a_token_stale_on_arrival_is_not_handed_out() {
    let server = mock().await;
    server.respond("stable_token", token_answer("STALE-ON-ARRIVAL", 0.into()));
    let client = app_client(&server, TokenCacheConfig::default());
    let err = bounded(client.get_auth_data(&request()))
        .await
        .expect_err("no usable token");
    assert!(
        matches!(&err, Error::Token { source: TokenError::Fetch { message, .. }, .. } if message.contains("expired")),
        "{err:?}"
    );
    assert_eq!(server.delivery_count("get_auth_data"), 0);
}

/// 10 cold callers against a slow endpoint answering `expires_in: 0` (or a lifetime shorter
/// than the fetch) share one fetch and its answer, instead of fetching one after another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_callers_share_one_fetch_whatever_the_lifetime() {
    for expires_in in [0u64, 1] {
        let server = mock().await;
        server.respond(
            "stable_token",
            Behavior::reply(token_answer("SHORT-LIVED", expires_in.into()))
                .after(Duration::from_millis(1100)),
        );
        let client = app_client(&server, TokenCacheConfig::default());
        let calls: Vec<_> = (0..10)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_auth_data(&request()).await })
            })
            .collect();
        for call in calls {
            let outcome = bounded(call).await.expect("the task ends");
            assert!(
                matches!(outcome, Err(Error::Token { .. })),
                "expires_in {expires_in}: {outcome:?}"
            );
        }
        assert_eq!(server.token_fetches(), 1, "expires_in {expires_in}");
        assert_eq!(server.delivery_count("get_auth_data"), 0);
    }
}

/// A caller that gives up while it holds the refresh lock releases it: the next caller
/// fetches at once instead of waiting for the lock's lease (14 s by default).
#[tokio::test]
async fn a_cancelled_refresh_releases_its_lock() {
    let server = mock().await;
    server.respond(
        "stable_token",
        Behavior::reply(Reply::Example).after(Duration::from_secs(3)),
    );
    let client = app_client(
        &server,
        TokenCacheConfig::default().lock_wait(Duration::from_secs(2)),
    );
    let given_up =
        tokio::time::timeout(Duration::from_millis(300), client.get_auth_data(&request())).await;
    assert!(given_up.is_err(), "the first caller gave up");
    server.respond("stable_token", Reply::Example);
    bounded(client.get_auth_data(&request()))
        .await
        .expect("the next caller gets a token");
}

#[tokio::test]
async fn a_token_over_the_url_limit_is_refused_when_fetched() {
    let server = mock().await;
    let long = "L".repeat(70_000);
    server.respond("stable_token", token_answer(&long, 7200.into()));
    let client = app_client(&server, TokenCacheConfig::default());
    let err = bounded(client.get_auth_data(&request()))
        .await
        .expect_err("refused");
    match &err {
        Error::Token {
            source: TokenError::Fetch { message, .. },
            ..
        } => assert!(message.contains("long"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err:?}").contains("LLLLLLLL"));
    assert_eq!(server.delivery_count("get_auth_data"), 0);
}
