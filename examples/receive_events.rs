//! Receiving WeChat's pushes end to end on loopback: the mock WeChat server sends a user
//! through `get_auth_url`, pushes the encrypted `user_authorize_invoice` to this merchant's
//! handler (resending it once because the first answer is slow), the handler handles it once
//! and the merchant calls `get_auth_data`.
//!
//! Run: `cargo run --example receive_events`

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use wechat_invoice::push::{Deduplicator, MemoryDedupStore, PushConfig, Receiver, SUCCESS};
use wechat_invoice::{
    Event, GetAuthDataRequest, GetAuthUrlRequest, InvoiceAuthSource, InvoiceAuthType,
};
use wechat_invoice_mock::{MockServer, PushTarget};

/// The settings of WeChat's server page (开发 → 基本配置 → 服务器配置).
fn settings() -> PushConfig {
    PushConfig::new("TOKEN")
        .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
        .appid("wx_merchant_appid")
}

#[derive(Clone)]
struct App {
    receiver: Arc<Receiver>,
    dedup: Deduplicator,
    orders: tokio::sync::mpsc::UnboundedSender<String>,
}

/// The merchant's endpoint: verify and decode, skip retries, handle, answer `success`.
async fn wechat(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let Ok(event) = app
        .receiver
        .receive(query.as_deref().unwrap_or_default(), &body)
    else {
        return (StatusCode::BAD_REQUEST, "refused");
    };
    match app.dedup.first_delivery(&event).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::OK, SUCCESS), // a retry of an event already handled
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "dedup store down"),
    }
    if let Event::UserAuthorizeInvoice(e) = &event
        && let Some(order) = &e.succ_order_id
    {
        let _ = app.orders.send(order.clone());
        tokio::time::sleep(Duration::from_secs(1)).await; // slow work: WeChat resends meanwhile
    }
    (StatusCode::OK, SUCCESS)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start().await?;
    let client = wechat_invoice::Client::builder()
        .base_url(mock.base_url())
        .access_token("ACCESS_TOKEN")
        .build()?;
    let link = client
        .get_auth_url(&GetAuthUrlRequest {
            s_pappid: "wxabcd".into(),
            order_id: "order-1".into(),
            money: 11,
            timestamp: 1_474_875_876,
            source: InvoiceAuthSource::Web,
            redirect_url: None,
            ticket: "tttt".into(),
            auth_type: InvoiceAuthType::FillInTitle,
        })
        .await?;
    println!("authorization page: {}", link.auth_url);

    let (orders, mut authorized) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/wechat", axum::routing::post(wechat))
        .with_state(App {
            receiver: Arc::new(Receiver::new(settings())?),
            dedup: Deduplicator::new(MemoryDedupStore::new()),
            orders,
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/wechat", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The user taps "领取发票": WeChat (the mock) pushes; it waits 300 ms, not 5 s, here.
    let target = PushTarget::new(url, settings()).retry_wait(Duration::from_millis(300));
    let report = mock.authorize_order(&target, "order-1").await?;
    println!("WeChat's attempts: {:?}", report.attempts);

    let order = authorized.recv().await.ok_or("no authorization")?;
    let data = client
        .get_auth_data(&GetAuthDataRequest {
            s_pappid: "wxabcd".into(),
            order_id: order.clone(),
        })
        .await?;
    println!(
        "order {order} authorized, handled once; invoice status {:?}",
        data.invoice_status
    );
    Ok(())
}
