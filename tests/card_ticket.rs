//! The `wx_card` api_ticket behind the token cache, over real HTTP against the spec-driven
//! mock: one `get_ticket` for many concurrent callers (and, with Redis, for several
//! processes), the request's `ticket` filled for the caller, a rejected ticket fetched again
//! once, and a failure that names the credential.

use std::time::Duration;

use serde_json::{Value, json};
use wechat_invoice::{
    Client, Error, GetAuthUrlRequest, InvoiceAuthSource, NontaxGetBillAuthUrlRequest, TokenError,
};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

#[cfg(feature = "redis")]
mod support;

const APPID: &str = "wx-card-ticket-appid";
const SECRET: &str = "APP-SECRET-ticket-77aa";

async fn mock() -> MockServer {
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    server.accept_issued_tokens();
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .build()
        .expect("client builds")
}

/// The ticket of the spec's `get_ticket` example.
fn example_ticket(server: &MockServer) -> String {
    let endpoint = server
        .api()
        .endpoints
        .iter()
        .find(|e| e.name == "get_ticket")
        .expect("get_ticket in the spec");
    wechat_invoice_mock::success_example(endpoint)["ticket"]
        .as_str()
        .expect("a ticket")
        .to_string()
}

fn auth_url_request() -> GetAuthUrlRequest {
    GetAuthUrlRequest {
        s_pappid: "wxabcd".into(),
        order_id: "1234".into(),
        money: 11,
        timestamp: 1_474_875_876,
        source: InvoiceAuthSource::Web,
        redirect_url: Some("https://mp.weixin.qq.com".into()),
        ticket: String::new(),
        auth_type: wechat_invoice::InvoiceAuthType::FillInTitle,
    }
}

/// The `ticket` field of every `endpoint` request the mock received.
fn sent_tickets(server: &MockServer, endpoint: &str) -> Vec<String> {
    server
        .deliveries()
        .iter()
        .filter(|d| d.endpoint == endpoint)
        .map(|d| {
            let body: Value = serde_json::from_slice(&d.request.body).expect("JSON body");
            body["ticket"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_get_ticket() {
    let server = mock().await;
    // A slow answer: without single flight every caller would fetch meanwhile.
    server.respond(
        "get_ticket",
        Behavior::reply(Reply::Example).after(Duration::from_millis(200)),
    );
    let client = client(&server);
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.card_ticket().await })
        })
        .collect();
    for call in calls {
        let ticket = call.await.expect("task").expect("a ticket");
        assert_eq!(ticket.secret(), example_ticket(&server));
        assert_eq!(format!("{ticket:?}"), "CardTicket(***)");
    }
    assert_eq!(server.delivery_count("get_ticket"), 1);
    assert_eq!(server.token_fetches(), 1);
    // Cached: later calls fetch nothing.
    client.card_ticket().await.expect("cached");
    assert_eq!(server.delivery_count("get_ticket"), 1);
}

#[tokio::test]
async fn authorization_links_get_the_ticket_from_the_client() {
    let server = mock().await;
    let client = client(&server);
    let answer = client
        .send_with_card_ticket(auth_url_request())
        .await
        .expect("link");
    assert!(!answer.auth_url.is_empty());
    let bill = NontaxGetBillAuthUrlRequest {
        s_pappid: "wxabcd".into(),
        order_id: "1234".into(),
        money: 11,
        timestamp: 1_474_875_876,
        source: wechat_invoice::BillAuthSource::Web,
        redirect_url: None,
        ticket: String::new(),
    };
    client
        .send_with_card_ticket(bill)
        .await
        .expect("fiscal link");
    let ticket = example_ticket(&server);
    assert_eq!(sent_tickets(&server, "get_auth_url"), [ticket.as_str()]);
    assert_eq!(
        sent_tickets(&server, "nontax_get_bill_auth_url"),
        [ticket.as_str()]
    );
    assert_eq!(
        server.delivery_count("get_ticket"),
        1,
        "one ticket for both"
    );
}

#[tokio::test]
async fn a_rejected_ticket_is_forgotten_and_fetched_once_more() {
    let server = mock().await;
    let client = client(&server);
    let first = client.card_ticket().await.expect("first ticket");
    server.respond_once(
        "get_ticket",
        Reply::Json(
            json!({"errcode": 0, "errmsg": "ok", "ticket": "FRESH-TICKET", "expires_in": 7200}),
        ),
    );
    server.respond_once("get_auth_url", Reply::Error(9001003));
    client
        .send_with_card_ticket(auth_url_request())
        .await
        .expect("the second attempt, with a fresh ticket, succeeds");
    assert_eq!(
        sent_tickets(&server, "get_auth_url"),
        [first.secret().to_string(), "FRESH-TICKET".to_string()]
    );
    assert_eq!(server.delivery_count("get_ticket"), 2);

    // WeChat rejects the fresh one too, and get_ticket hands out the same again: no loop.
    server.respond_once("get_auth_url", Reply::Error(9001003));
    server.respond_once(
        "get_ticket",
        Reply::Json(
            json!({"errcode": 0, "errmsg": "ok", "ticket": "FRESH-TICKET", "expires_in": 7200}),
        ),
    );
    let err = client
        .send_with_card_ticket(auth_url_request())
        .await
        .expect_err("rejected");
    assert!(
        matches!(&err, Error::Api(api) if wechat_invoice::ApiError::code(api) == 9001003),
        "{err:?}"
    );
    assert_eq!(server.delivery_count("get_auth_url"), 3);
}

#[tokio::test]
async fn a_ticket_failure_names_the_credential_and_its_account() {
    let server = mock().await;
    server.respond("get_ticket", Reply::Error(45009));
    let client = client(&server);
    let err = client.card_ticket().await.expect_err("refused");
    match &err {
        TokenError::Credential {
            credential,
            account,
            code,
            ..
        } => {
            assert_eq!(*credential, "wx_card api_ticket");
            assert_eq!(account, APPID);
            assert_eq!(*code, Some(45009));
        }
        other => panic!("expected a credential error, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.contains("wx_card api_ticket") && shown.contains("45009"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET), "{shown}");

    // An authorization link without a ticket is a token error of that endpoint; nothing sent.
    let err = client
        .send_with_card_ticket(auth_url_request())
        .await
        .expect_err("no ticket");
    assert!(
        matches!(
            &err,
            Error::Token {
                endpoint: "get_auth_url",
                source: TokenError::Credential { .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.delivery_count("get_auth_url"), 0);
}

#[tokio::test]
async fn a_lifetime_that_is_not_positive_is_refused() {
    let server = mock().await;
    server.respond(
        "get_ticket",
        Reply::Json(json!({"errcode": 0, "errmsg": "ok", "ticket": "T", "expires_in": -5})),
    );
    let err = client(&server).card_ticket().await.expect_err("refused");
    assert!(
        matches!(&err, TokenError::Credential { code: None, message, .. } if message.contains("-5")),
        "{err:?}"
    );
}

#[cfg(feature = "redis")]
mod across_processes {
    use super::support::{self, RedisServer};
    use super::*;
    use wechat_invoice::{RedisStore, TokenCacheConfig};

    /// The child side: many concurrent `card_ticket` calls through a Redis-backed client.
    #[test]
    #[ignore = "the worker role of the multi-process test, run by re-executing this binary"]
    fn card_ticket_worker() {
        support::runtime().block_on(async {
            let store = RedisStore::open(&support::var("WXI_REDIS"), Duration::from_millis(500))
                .expect("store");
            let client = Client::builder()
                .base_url(support::var("WXI_MOCK"))
                .app_credentials(APPID, SECRET)
                .token_store(store)
                .token_cache(TokenCacheConfig::default())
                .build()
                .expect("client");
            support::wait_until("WXI_START_AT").await;
            let calls: Vec<_> = (0..20)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { client.card_ticket().await })
                })
                .collect();
            let mut ok = 0;
            for call in calls {
                match call.await.expect("task") {
                    Ok(ticket) => {
                        println!("WORKER-TICKET {}", ticket.secret());
                        ok += 1;
                    }
                    Err(err) => println!("WORKER-ERROR {err}"),
                }
            }
            println!("WORKER-OK {ok}");
        });
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn processes_sharing_an_appid_make_one_ticket_request() {
        let redis = RedisServer::start();
        let server = mock().await;
        server.respond(
            "get_ticket",
            Behavior::reply(Reply::Example).after(Duration::from_millis(300)),
        );
        let start_at = (support::unix_ms() + 1500).to_string();
        let workers: Vec<_> = (0..3)
            .map(|_| {
                support::spawn_worker(
                    "across_processes::card_ticket_worker",
                    &[
                        ("WXI_MOCK", server.base_url()),
                        ("WXI_REDIS", redis.url()),
                        ("WXI_START_AT", start_at.clone()),
                    ],
                )
            })
            .collect();
        let ticket = example_ticket(&server);
        for worker in workers {
            let stdout = support::finish(worker).await;
            assert!(stdout.contains("WORKER-OK 20"), "{stdout}");
            assert_eq!(
                stdout.matches(&format!("WORKER-TICKET {ticket}")).count(),
                20
            );
        }
        assert_eq!(
            server.delivery_count("get_ticket"),
            1,
            "one ticket for 3 processes"
        );
        assert_eq!(
            server.token_fetches(),
            1,
            "one access token for 3 processes"
        );
        let keys = redis.keys().await;
        let ticket_key = format!("wechat_invoice:access_token:wx_card_ticket:{APPID}");
        assert_eq!(
            keys,
            [
                format!("wechat_invoice:access_token:{APPID}"),
                ticket_key.clone()
            ],
            "the ticket is kept under the appid, beside the token"
        );
        let values = redis.hash_values(&ticket_key).await;
        assert!(values.contains(&ticket), "{values:?}");
        assert!(!keys.iter().chain(&values).any(|v| v.contains(SECRET)));
    }
}
