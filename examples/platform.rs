//! An invoicing platform serving merchants as a WeChat third-party platform, run as two
//! instances sharing one Redis, end to end against the built-in mock and a `redis-server`
//! this example starts:
//!
//! 1. WeChat (the mock) pushes the encrypted `component_verify_ticket` to instance A's
//!    authorization-event URL: `Receiver::receive_component` checks and decrypts it,
//!    `ComponentClient::handle_push` keeps the ticket in Redis;
//! 2. a merchant's administrator opens A's authorization link and authorizes; WeChat pushes
//!    `authorized` to A, which exchanges the code (`api_query_auth`) and keeps the merchant's
//!    refresh token in Redis before acknowledging;
//! 3. instance B, which received no push, calls `insert_invoice` for that merchant with the
//!    tokens A left in Redis: no second platform-token fetch, no refresh.
//!
//! Then a merchant on its own: its authorization link, with the card ticket filled by the
//! client.
//!
//! Needs `redis-server` on PATH (Debian: `apt-get install redis-server`; `scripts/test.sh`
//! installs it): without it the example says so and exits non-zero, never skipping silently.
//!
//! Run: `cargo run --example platform --features redis` (`cargo test --features redis
//! --example platform` runs it as a test).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use support::{Failure, RedisServer};
use wechat_invoice::component::{ComponentClient, PushHandled};
use wechat_invoice::push::{Deduplicator, PushConfig, Receiver, RedisDedupStore, SUCCESS};
use wechat_invoice::{
    Client, GetAuthUrlRequest, InsertInvoiceRequest, InvoiceAuthSource, InvoiceAuthType, RedisStore,
};
use wechat_invoice_mock::{MockServer, PushTarget};

mod support;

/// The platform's appid and AppSecret (test values the mock accepts, never real ones).
const COMPONENT_APPID: &str = "wxCOMPONENT_APPID";
const COMPONENT_SECRET: &str = "COMPONENT_APPSECRET";

/// The platform's message settings on WeChat's side (token, EncodingAESKey): pushes to its
/// authorization-event URL are encrypted with them and the platform's appid.
fn push_settings() -> PushConfig {
    PushConfig::new("PLATFORM_PUSH_TOKEN")
        .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
        .appid(COMPONENT_APPID)
}

/// One instance of the platform: its own client, the shared Redis.
fn instance(server: &MockServer, redis_url: &str) -> Result<ComponentClient, Failure> {
    Ok(ComponentClient::builder(COMPONENT_APPID, COMPONENT_SECRET)
        .base_url(server.base_url())
        .token_store(RedisStore::open(redis_url, Duration::from_secs(1))?)
        .build()?)
}

/// What the authorization-event endpoint needs.
#[derive(Clone)]
struct Endpoint {
    platform: ComponentClient,
    receiver: Arc<Receiver>,
    dedup: Deduplicator,
    handled: tokio::sync::mpsc::UnboundedSender<PushHandled>,
}

/// The authorization-event URL: verify and decrypt, skip a push already handled (by any
/// instance: the deduplicator is in Redis too), act on it, answer `success`. An error answer
/// makes WeChat send the push again.
async fn authorization_events(
    State(endpoint): State<Endpoint>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let Ok(push) = endpoint
        .receiver
        .receive_component(query.as_deref().unwrap_or_default(), &body)
    else {
        return (StatusCode::BAD_REQUEST, "refused");
    };
    match endpoint.dedup.first_component_delivery(&push).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::OK, SUCCESS),
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "dedup store down"),
    }
    match endpoint.platform.handle_push(&push).await {
        Ok(handled) => {
            let _ = endpoint.handled.send(handled);
            (StatusCode::OK, SUCCESS)
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "not handled"),
    }
}

/// Serves `platform`'s authorization-event URL on loopback; the URL, and what it handled.
async fn serve_endpoint(
    platform: &ComponentClient,
    redis_url: &str,
) -> Result<(String, tokio::sync::mpsc::UnboundedReceiver<PushHandled>), Failure> {
    let (handled, outcomes) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route(
            "/wechat/authorization",
            axum::routing::post(authorization_events),
        )
        .with_state(Endpoint {
            platform: platform.clone(),
            receiver: Arc::new(Receiver::new(push_settings())?),
            dedup: Deduplicator::new(RedisDedupStore::open(redis_url, Duration::from_secs(1))?),
            handled,
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/wechat/authorization", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, outcomes))
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let redis = RedisServer::start()?;
    let server = MockServer::start().await?;
    println!(
        "mock WeChat on {}, redis-server on {}",
        server.base_url(),
        redis.url()
    );
    run(&server, &redis.url()).await
}

/// The whole flow; `Err` when anything differs from what the example teaches.
async fn run(server: &MockServer, redis_url: &str) -> Result<(), Failure> {
    let a = instance(server, redis_url)?;
    let b = instance(server, redis_url)?;
    let (url, mut handled) = serve_endpoint(&a, redis_url).await?;
    let wechat = PushTarget::new(url, push_settings()).component_appid(COMPONENT_APPID);

    // 1. WeChat pushes the verify ticket (every 10 minutes) to instance A.
    server
        .push_verify_ticket(&wechat, "ticket@@@from-the-push")
        .await?;
    println!("instance A: {:?}", handled.recv().await.ok_or("no push")?);

    // 2. A merchant's administrator opens this link and authorizes the platform; WeChat
    //    pushes `authorized` with the code (the redirect to the link's URL brings it too).
    let link = a
        .authorization_link("https://platform.example/wechat/authorized")
        .await?;
    println!("authorization link: {link}");
    let merchant_appid = "wxf8b4f85f3a794e77"; // the merchant of the mock's example answer
    server
        .push_authorized(&wechat, merchant_appid, "auth_code_value")
        .await?;
    let PushHandled::Authorized(authorization) = handled.recv().await.ok_or("no push")? else {
        return Err("the authorized push was not handled as an authorization".into());
    };
    println!(
        "instance A: merchant {} authorized; invoices allowed: {}",
        authorization.authorizer_appid,
        authorization.grants_invoices()
    );

    // 3. Instance B, which saw no push: invoice calls for the merchant are the usual ones, on
    //    its client, with the tokens kept in Redis.
    let merchant = b.authorizer(&authorization.authorizer_appid)?;
    let insert = server
        .api()
        .endpoints
        .iter()
        .find(|endpoint| endpoint.name == "insert_invoice")
        .and_then(|endpoint| endpoint.examples.first())
        .and_then(|example| example.request.clone())
        .ok_or("the spec has an insert_invoice example")?;
    let request: InsertInvoiceRequest = serde_json::from_value(insert)?;
    let inserted = merchant.insert_invoice(&request).await?;
    println!("instance B: insert_invoice for the merchant -> {inserted:?}");
    let counts = [
        ("api_component_token", 1),
        ("api_query_auth", 1),
        ("api_authorizer_token", 0),
        ("insert_invoice", 1),
    ];
    for (endpoint, expected) in counts {
        let seen = server.delivery_count(endpoint);
        println!("{endpoint}: {seen} call(s)");
        if seen != expected {
            return Err(format!("{endpoint}: expected {expected} call(s), saw {seen}").into());
        }
    }

    // 4. A merchant on its own: the authorization link's ticket comes from the client.
    server.app_credentials("wxMERCHANT_APPID", "MERCHANT_SECRET");
    let own = Client::builder()
        .base_url(server.base_url())
        .app_credentials("wxMERCHANT_APPID", "MERCHANT_SECRET")
        .build()?;
    let link = own
        .send_with_card_ticket(GetAuthUrlRequest {
            s_pappid: "wxPLATFORM_S_PAPPID".into(),
            order_id: "order-1".into(),
            money: 1000,
            timestamp: 1_700_000_000,
            source: InvoiceAuthSource::Web,
            redirect_url: None,
            ticket: String::new(), // filled from client.card_ticket()
            auth_type: InvoiceAuthType::FillInTitle,
        })
        .await?;
    println!("the merchant's own authorization link: {}", link.auth_url);
    println!("get_ticket calls: {}", server.delivery_count("get_ticket"));
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_instances_share_the_pushed_ticket_and_the_merchant_through_redis() {
        // The whole program; fails (never skips) when redis-server is missing, saying so.
        super::main().expect("the flow completes");
    }
}
