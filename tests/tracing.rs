//! Everything the client traces, captured at TRACE level from failing runs: spans name the
//! endpoint, the attempt, the errcode and the latency, and no line holds a token or a secret.
//!
//! reqwest logs through the `log` crate, so a `log` logger writes its records (every level)
//! into the same capture, and the test checks that they arrived. hyper is built without its
//! `tracing` feature: it emits nothing to capture.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wechat_invoice::{Client, GetAuthDataRequest, RetryPolicy, TokenEndpoint};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

const TOKEN: &str = "FIXED-TOKEN-a81c55e0";
const APPID: &str = "wx-tracing-appid";
const SECRET: &str = "APP-SECRET-d94f17b2";

/// A writer that appends to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// reqwest's `log` records, written into the capture beside the tracing output.
struct LogCapture(Captured);

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!(
            "log {} {}: {}\n",
            record.level(),
            record.target(),
            record.args()
        );
        let mut writer = self.0.clone();
        let _ = writer.write_all(line.as_bytes());
    }

    fn flush(&self) {}
}

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(5))
}

fn fixed_client(base_url: String) -> Client {
    Client::builder()
        .base_url(base_url)
        .access_token(TOKEN)
        .timeout(Duration::from_millis(300))
        .retry_policy(policy())
        .build()
        .expect("client builds")
}

fn app_client(base_url: String, secret: &str, endpoint: TokenEndpoint) -> Client {
    Client::builder()
        .base_url(base_url)
        .app_credentials(APPID, secret)
        .token_endpoint(endpoint)
        .timeout(Duration::from_millis(300))
        .retry_policy(policy())
        .build()
        .expect("client builds")
}

/// Failing calls of every kind, with a fixed token and with app credentials; returns every
/// secret that was in play.
async fn failing_runs(server: &MockServer) -> Vec<String> {
    let client = fixed_client(server.base_url());
    let html = Reply::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: b"<html>502</html>".to_vec(),
    };
    let echo = Reply::Json(serde_json::json!({
        "errcode": 40001,
        "errmsg": format!("invalid credential {TOKEN} access_token={TOKEN}"),
    }));
    for reply in [
        Behavior::from(Reply::Error(-1)),
        Reply::Error(40001).into(),
        Reply::Reset.into(),
        Reply::CutConnection.into(),
        Reply::TruncatedJson.into(),
        html.into(),
        echo.into(),
        Behavior::reply(Reply::Example).after(Duration::from_secs(1)),
    ] {
        server.respond("get_auth_data", reply);
        let err = client.get_auth_data(&request()).await.expect_err("fails");
        tracing::info!(error = %err, debug = ?err, "the application logs the error");
    }
    server.reset();

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let nowhere = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    for client in [
        fixed_client(nowhere.clone()),
        app_client(nowhere, SECRET, TokenEndpoint::Classic),
        app_client(
            server.base_url(),
            "WRONG-SECRET-7730",
            TokenEndpoint::Stable,
        ),
    ] {
        let err = client.get_auth_data(&request()).await.expect_err("fails");
        tracing::info!(error = %err, debug = ?err, client = ?client, "logged");
    }

    // A token that expires, is refreshed, then is rejected for good.
    server.accept_issued_tokens();
    let client = app_client(server.base_url(), SECRET, TokenEndpoint::Classic);
    client.get_auth_data(&request()).await.expect("fresh token");
    server.expire_issued_tokens();
    client.get_auth_data(&request()).await.expect("refreshed");
    server.respond("get_auth_data", Reply::Error(40001));
    let err = client
        .get_auth_data(&request())
        .await
        .expect_err("rejected");
    tracing::info!(error = %err, debug = ?err, "logged");

    let mut secrets = vec![
        TOKEN.to_string(),
        SECRET.to_string(),
        "WRONG-SECRET-7730".to_string(),
    ];
    secrets.extend(server.issued_tokens());
    secrets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_runs_trace_spans_without_any_token_or_secret() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    log::set_logger(Box::leak(Box::new(LogCapture(captured.clone())))).expect("the only logger");
    log::set_max_level(log::LevelFilter::Trace);

    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    let secrets = failing_runs(&server).await;
    assert!(secrets.len() >= 5, "tokens were issued: {secrets:?}");

    let output = captured.text();
    for secret in &secrets {
        assert!(
            !output.contains(secret.as_str()),
            "`{secret}` is in the tracing output:\n{output}"
        );
    }
    // The capture saw the calls: spans per call and per attempt with their fields.
    let call = output
        .lines()
        .find(|line| {
            line.contains("wechat_invoice.call{")
                && !line.contains("wechat_invoice.attempt{")
                && line.contains(": close")
                && line.contains("errcode=-1")
        })
        .unwrap_or_else(|| panic!("no closed call span with errcode -1:\n{output}"));
    assert!(
        call.contains("get_auth_data")
            && call.contains("attempts=3")
            && call.contains("latency_ms="),
        "{call}"
    );
    assert!(
        output
            .lines()
            .any(|line| line.contains("wechat_invoice.attempt{")
                && line.contains("attempt=2")
                && line.contains("errcode=")),
        "no span of a second attempt:\n{output}"
    );
    assert!(output.contains("retrying"), "retries are traced:\n{output}");
    assert!(output.contains("fetching a fresh access token"), "{output}");
    // reqwest's own records were captured too.
    assert!(
        output
            .lines()
            .any(|line| line.starts_with("log DEBUG reqwest::")
                && line.contains("starting new connection")),
        "no record of reqwest's:\n{output}"
    );
}
