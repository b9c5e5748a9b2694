//! The whole merchant flow on loopback: the mock WeChat server sends a user through
//! `get_auth_url`, pushes the encrypted `user_authorize_invoice` to the merchant's own HTTP
//! handler (axum, calling `Receiver` itself: any framework works the same), resends it when
//! the first answer comes too late, the handler handles it once, and the merchant then calls
//! `get_auth_data`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use wechat_invoice::push::{Deduplicator, MemoryDedupStore, PushConfig, Receiver, SUCCESS};
use wechat_invoice::{Event, GetAuthDataRequest, GetAuthUrlRequest, InvoiceAuthSource};
use wechat_invoice_mock::{MockServer, PushOutcome, PushTarget};

const TOKEN: &str = "merchantTOKEN";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx_merchant_appid";

fn settings() -> PushConfig {
    PushConfig::new(TOKEN).encoding_aes_key(KEY).appid(APPID)
}

/// What the merchant's handler saw.
#[derive(Default)]
struct Seen {
    handled: Vec<String>,
    duplicates: usize,
}

#[derive(Clone)]
struct Merchant {
    receiver: Arc<Receiver>,
    dedup: Deduplicator,
    seen: Arc<Mutex<Seen>>,
    /// How long the first handling takes (longer than the mock's wait forces a resend).
    first_handling: Duration,
}

/// The merchant's endpoint, written against `Receiver` directly.
async fn wechat_push(
    State(merchant): State<Merchant>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> (StatusCode, String) {
    let event = match merchant
        .receiver
        .receive(query.as_deref().unwrap_or_default(), &body)
    {
        Ok(event) => event,
        Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()),
    };
    match merchant.dedup.first_delivery(&event).await {
        Ok(true) => {}
        Ok(false) => {
            merchant.seen.lock().unwrap().duplicates += 1;
            return (StatusCode::OK, SUCCESS.to_string());
        }
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
    }
    if let Event::UserAuthorizeInvoice(e) = &event
        && let Some(order) = e.succ_order_id.as_deref()
    {
        merchant
            .seen
            .lock()
            .unwrap()
            .handled
            .push(order.to_string());
    }
    tokio::time::sleep(merchant.first_handling).await;
    (StatusCode::OK, SUCCESS.to_string())
}

async fn start_merchant(merchant: Merchant) -> String {
    let app = axum::Router::new()
        .route("/wechat", axum::routing::post(wechat_push))
        .with_state(merchant);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/wechat")
}

fn auth_url_request(order_id: &str) -> GetAuthUrlRequest {
    GetAuthUrlRequest {
        s_pappid: "wxabcd".into(),
        order_id: order_id.into(),
        money: 11,
        timestamp: 1_474_875_876,
        source: InvoiceAuthSource::Web,
        redirect_url: None,
        ticket: "tttt".into(),
        auth_type: wechat_invoice::InvoiceAuthType::FillInTitle,
    }
}

#[tokio::test]
async fn a_retried_authorization_is_handled_once_then_get_auth_data_is_called() {
    let mock = MockServer::start().await.unwrap();
    let client = wechat_invoice::Client::builder()
        .base_url(mock.base_url())
        .access_token("ACCESS_TOKEN")
        .build()
        .unwrap();
    client
        .get_auth_url(&auth_url_request("order-42"))
        .await
        .unwrap();

    let seen = Arc::new(Mutex::new(Seen::default()));
    let url = start_merchant(Merchant {
        receiver: Arc::new(Receiver::new(settings()).unwrap()),
        dedup: Deduplicator::new(MemoryDedupStore::new()),
        seen: seen.clone(),
        first_handling: Duration::from_secs(2),
    })
    .await;

    let target = PushTarget::new(url, settings()).retry_wait(Duration::from_millis(500));
    let report = mock.authorize_order(&target, "order-42").await.unwrap();

    assert_eq!(
        report.attempts.first(),
        Some(&PushOutcome::TimedOut),
        "{report:?}"
    );
    assert_eq!(
        report.attempts.last(),
        Some(&PushOutcome::Acknowledged),
        "{report:?}"
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.handled, ["order-42"], "handled exactly once");
        assert_eq!(seen.duplicates, report.attempts.len() - 1);
    }

    let data = client
        .get_auth_data(&GetAuthDataRequest {
            s_pappid: "wxabcd".into(),
            order_id: "order-42".into(),
        })
        .await;
    assert!(data.is_ok(), "{data:?}");
}

#[tokio::test]
async fn an_order_that_never_went_through_get_auth_url_is_not_pushed() {
    let mock = MockServer::start().await.unwrap();
    let target = PushTarget::new("http://127.0.0.1:9/wechat", settings());
    let err = mock
        .authorize_order(&target, "never-seen")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("never-seen"), "{err}");
}

#[tokio::test]
async fn wechat_sends_three_times_when_never_acknowledged_and_a_wrong_token_is_refused() {
    let mock = MockServer::start().await.unwrap();
    let client = wechat_invoice::Client::builder()
        .base_url(mock.base_url())
        .access_token("ACCESS_TOKEN")
        .build()
        .unwrap();
    client
        .get_auth_url(&auth_url_request("order-7"))
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let url = start_merchant(Merchant {
        receiver: Arc::new(Receiver::new(settings()).unwrap()),
        dedup: Deduplicator::new(MemoryDedupStore::new()),
        seen: seen.clone(),
        first_handling: Duration::ZERO,
    })
    .await;
    // WeChat configured with another token: every attempt is refused by the merchant.
    let wrong = PushConfig::new("anotherTOKEN")
        .encoding_aes_key(KEY)
        .appid(APPID);
    let target = PushTarget::new(url, wrong).retry_wait(Duration::from_secs(2));
    let report = mock.authorize_order(&target, "order-7").await.unwrap();
    assert_eq!(report.attempts.len(), 3, "{report:?}");
    for attempt in &report.attempts {
        let PushOutcome::Refused { status, body } = attempt else {
            panic!("{attempt:?}")
        };
        assert_eq!(*status, 400);
        assert!(
            body.contains("signature") && !body.contains(TOKEN),
            "{body}"
        );
    }
    assert!(seen.lock().unwrap().handled.is_empty());
}

/// The same push through the ready route of the `axum` feature: the URL check, then the
/// event, answered `success`.
#[cfg(feature = "axum")]
#[tokio::test]
async fn the_axum_route_answers_the_url_check_and_acknowledges_the_event() {
    let mock = MockServer::start().await.unwrap();
    let client = wechat_invoice::Client::builder()
        .base_url(mock.base_url())
        .access_token("ACCESS_TOKEN")
        .build()
        .unwrap();
    client
        .get_auth_url(&auth_url_request("order-9"))
        .await
        .unwrap();

    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    let route = wechat_invoice::push::axum::route(
        Receiver::new(settings()).unwrap(),
        move |event: Event| {
            let sender = sender.clone();
            async move { sender.send(event).map_err(|_| "the test stopped listening") }
        },
    );
    let app: axum::Router = axum::Router::new().route("/wechat", route);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{address}/wechat");

    // The URL check WeChat sends when the URL is saved.
    let signature = wechat_invoice::push::sign(&[TOKEN, "1714036504", "1514711492"]);
    let check = format!(
        "{url}?signature={signature}&timestamp=1714036504&nonce=1514711492&echostr=4375120948345356249"
    );
    let answer = reqwest_get(&check).await;
    assert_eq!(answer, (200, "4375120948345356249".to_string()));
    let forged = check.replace(&signature[..4], "zzzz");
    assert_eq!(reqwest_get(&forged).await.0, 401);

    let target = PushTarget::new(url, settings());
    let report = mock.authorize_order(&target, "order-9").await.unwrap();
    assert_eq!(report.attempts, [PushOutcome::Acknowledged]);
    let Some(Event::UserAuthorizeInvoice(e)) = received.recv().await else {
        panic!("no user_authorize_invoice")
    };
    assert_eq!(e.succ_order_id.as_deref(), Some("order-9"));
}

#[cfg(feature = "axum")]
async fn reqwest_get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}
