//! Retries against a loopback mock that misbehaves on purpose: retryable codes back off and
//! succeed, attempts and the deadline bound every call, a call that is not idempotent is never
//! sent twice once it may have reached WeChat, and `may_have_succeeded` codes are never retried.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Serialize;
use wechat_invoice::{
    ApiError, Client, Endpoint, Error, ErrorInfo, GetAuthDataError, GetAuthDataRequest,
    GetAuthDataResponse, Operation, RetryPolicy, error_codes,
};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

const TOKEN: &str = "TOKEN-RETRY-4b2e";

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

/// `getauthdata` on the wire, declared not idempotent: stands for insert, create, upload.
#[derive(Serialize)]
#[serde(transparent)]
struct NotIdempotent(GetAuthDataRequest);

impl Operation for NotIdempotent {
    type Response = GetAuthDataResponse;
    type Error = GetAuthDataError;
    const ENDPOINT: Endpoint = Endpoint {
        idempotent: false,
        ..GetAuthDataRequest::ENDPOINT
    };
}

/// `getauthdata` on the wire with an error type that documents 73100 (may have succeeded),
/// as an invoicing endpoint's would.
#[derive(Serialize)]
#[serde(transparent)]
struct Invoicing(GetAuthDataRequest);

#[derive(Debug)]
struct InvoicingError {
    code: i64,
    errmsg: String,
}

impl fmt::Display for InvoicingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "errcode {}: {}", self.code, self.errmsg)
    }
}

impl std::error::Error for InvoicingError {}

impl ApiError for InvoicingError {
    fn from_code(code: i64, errmsg: String) -> Self {
        Self { code, errmsg }
    }
    fn code(&self) -> i64 {
        self.code
    }
    fn message(&self) -> &str {
        &self.errmsg
    }
    fn info(&self) -> Option<&'static ErrorInfo> {
        match self.code {
            73100 => Some(&error_codes::KA_PLAT_ERROR),
            -1 => Some(&error_codes::SYSTEM_BUSY),
            _ => None,
        }
    }
}

impl Operation for Invoicing {
    type Response = GetAuthDataResponse;
    type Error = InvoicingError;
    const ENDPOINT: Endpoint = GetAuthDataRequest::ENDPOINT;
}

fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(20))
        .jitter(0.0)
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .timeout(Duration::from_millis(300))
        .retry_policy(policy)
        .build()
        .expect("client builds")
}

/// Every way an answer can fail after the request may have reached WeChat.
fn faults_after_sending() -> Vec<(&'static str, Behavior)> {
    let html = Reply::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: b"<html>502 Bad Gateway</html>".to_vec(),
    };
    vec![
        ("-1 system busy", Reply::Error(-1).into()),
        ("72036 invoice is busy", Reply::Error(72036).into()),
        ("connection reset", Reply::Reset.into()),
        ("connection cut mid-body", Reply::CutConnection.into()),
        ("HTML 502", html.into()),
        ("truncated JSON", Reply::TruncatedJson.into()),
        (
            "timeout",
            Behavior::reply(Reply::Example).after(Duration::from_secs(2)),
        ),
    ]
}

#[tokio::test]
async fn system_busy_is_retried_with_backoff_until_it_succeeds() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond_once("get_auth_data", Reply::Error(-1));
    server.respond_once("get_auth_data", Reply::Error(-1));
    let policy = fast_policy().base_delay(Duration::from_millis(100));
    let started = Instant::now();
    let response = client(&server, policy)
        .get_auth_data(&request())
        .await
        .expect("third attempt succeeds");
    assert_eq!(response.invoice_status.as_deref(), Some("auth success"));
    assert_eq!(server.delivery_count("get_auth_data"), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "backed off 100 + 200 ms, took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn invoice_busy_is_retried() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond_once("get_auth_data", Reply::Error(72036));
    client(&server, fast_policy())
        .get_auth_data(&request())
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.delivery_count("get_auth_data"), 2);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond("get_auth_data", Reply::Error(-1));
    let err = client(&server, fast_policy().max_attempts(4))
        .get_auth_data(&request())
        .await
        .expect_err("always busy");
    assert!(
        matches!(err, Error::Api(GetAuthDataError::SystemBusy { .. })),
        "{err:?}"
    );
    assert_eq!(server.delivery_count("get_auth_data"), 4);
}

#[tokio::test]
async fn no_retry_policy_sends_once() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond_once("get_auth_data", Reply::Error(-1));
    client(&server, RetryPolicy::none())
        .get_auth_data(&request())
        .await
        .expect_err("busy, not retried");
    assert_eq!(server.delivery_count("get_auth_data"), 1);
}

#[tokio::test]
async fn the_total_deadline_bounds_retries_and_a_slow_attempt() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond("get_auth_data", Reply::Error(-1));
    let policy = fast_policy()
        .max_attempts(10)
        .base_delay(Duration::from_millis(200))
        .total_deadline(Duration::from_millis(500));
    let started = Instant::now();
    client(&server, policy)
        .get_auth_data(&request())
        .await
        .expect_err("busy");
    // Without the deadline: 200 + 400 + 800 + 1600 + … ms of back-off.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(server.delivery_count("get_auth_data") <= 3);

    server.respond(
        "get_auth_data",
        Behavior::reply(Reply::Example).after(Duration::from_secs(3)),
    );
    let patient = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::default().total_deadline(Duration::from_millis(400)))
        .build()
        .expect("client builds");
    let started = Instant::now();
    let err = patient.get_auth_data(&request()).await.expect_err("slow");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // Without the deadline cutting the attempt: the server's 3 s.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn idempotent_calls_are_retried_after_every_transient_fault() {
    for (fault, behavior) in faults_after_sending() {
        let server = MockServer::start().await.expect("mock starts");
        server.respond("get_auth_data", behavior);
        let err = client(&server, fast_policy().max_attempts(3))
            .get_auth_data(&request())
            .await
            .expect_err(fault);
        assert_eq!(
            server.delivery_count("get_auth_data"),
            3,
            "{fault}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_call_that_is_not_idempotent_is_never_repeated_once_it_may_have_been_sent() {
    for (fault, behavior) in faults_after_sending() {
        let server = MockServer::start().await.expect("mock starts");
        server.respond("get_auth_data", behavior);
        let err = client(&server, fast_policy().max_attempts(5))
            .send(&NotIdempotent(request()))
            .await
            .expect_err(fault);
        assert_eq!(
            server.delivery_count("get_auth_data"),
            1,
            "{fault}: {err:?}"
        );
        assert_eq!(
            format!("{err}").split(':').next(),
            Some("get_auth_data"),
            "{fault}: the error names the endpoint: {err}"
        );
    }
}

#[tokio::test]
async fn a_call_that_is_not_idempotent_is_retried_when_the_connection_was_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .access_token(TOKEN)
        .retry_policy(fast_policy().base_delay(Duration::from_millis(400)))
        .build()
        .expect("client builds");
    // Nothing listens for the first attempt; the mock is up for the second.
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let api = wechat_invoice_mock::embedded_api().expect("spec");
        MockServer::start_with(api, &address.to_string())
            .await
            .expect("mock starts late")
    });
    let response = client.send(&NotIdempotent(request())).await;
    let server = late.await.expect("task");
    response.expect("second attempt reaches the mock");
    assert_eq!(server.delivery_count("get_auth_data"), 1);
}

#[tokio::test]
async fn a_code_that_may_have_succeeded_is_never_retried() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond("get_auth_data", Reply::Error(73100));
    let err = client(&server, fast_policy())
        .send(&Invoicing(request()))
        .await
        .expect_err("73100");
    let api = err.api().expect("an API error");
    assert_eq!(api.code(), 73100);
    assert!(api.may_have_succeeded());
    assert_eq!(server.delivery_count("get_auth_data"), 1);

    server.reset();
    server.respond_once("get_auth_data", Reply::Error(-1));
    client(&server, fast_policy())
        .send(&Invoicing(request()))
        .await
        .expect("-1 of the same endpoint is retried");
    assert_eq!(server.delivery_count("get_auth_data"), 2);
}

#[tokio::test]
async fn codes_and_answers_that_cannot_change_are_not_retried() {
    let wrong_shape =
        Reply::Json(serde_json::json!({"errcode": 0, "errmsg": "ok", "auth_time": "yesterday"}));
    let not_found = Reply::Raw {
        status: 404,
        content_type: "text/html".into(),
        body: b"<html>not found</html>".to_vec(),
    };
    for (what, reply) in [
        ("72038 never authorized", Reply::Error(72038)),
        (
            "undocumented 40150",
            Reply::Json(serde_json::json!({"errcode": 40150, "errmsg": "x"})),
        ),
        ("JSON of the wrong shape", wrong_shape),
        ("HTTP 404", not_found),
    ] {
        let server = MockServer::start().await.expect("mock starts");
        server.respond("get_auth_data", reply);
        client(&server, fast_policy())
            .get_auth_data(&request())
            .await
            .expect_err(what);
        assert_eq!(server.delivery_count("get_auth_data"), 1, "{what}");
    }
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_for_a_call_that_is_not_idempotent() {
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials("wx-retry", "SECRET-retry");
    server.accept_issued_tokens();
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials("wx-retry", "SECRET-retry")
        .token_endpoint(wechat_invoice::TokenEndpoint::Classic)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    client.access_token().await.expect("warm");
    server.expire_issued_tokens();
    client
        .send(&NotIdempotent(request()))
        .await
        .expect("42001 means nothing happened: sent again with a fresh token");
    assert_eq!(server.delivery_count("get_auth_data"), 2);
    assert_eq!(server.token_fetches(), 2);
}
