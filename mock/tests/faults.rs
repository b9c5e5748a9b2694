//! The fault mix and the identity counts over real HTTP on loopback: about the asked share of
//! calls gets a fault, each kind as often as the mock says, the same seed gives the same
//! faults, one-shots come first, and deliveries are counted per body field value.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wechat_invoice_mock::{Behavior, FaultMix, IdentitySummary, MockServer, Reply};

const DELAY: Duration = Duration::from_millis(20);

/// What one call got back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// A complete answer with this errcode, and whether it came after the delay.
    Answer { errcode: i64, delayed: bool },
    /// The connection closed without an answer.
    Closed,
}

/// POSTs `body` to `path` on its own connection and reads the whole answer.
async fn post(server: &MockServer, path: &str, body: &Value) -> Seen {
    let body = serde_json::to_vec(body).expect("body");
    let mut stream = TcpStream::connect(server.address()).await.expect("connect");
    let head = format!(
        "POST {path}?access_token=TEST-TOKEN HTTP/1.1\r\nHost: mock\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(&body).await.expect("write");
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let delayed = started.elapsed() >= DELAY;
    let text = String::from_utf8_lossy(&answer);
    let Some((_, json)) = text.split_once("\r\n\r\n") else {
        return Seen::Closed;
    };
    let value: Value = serde_json::from_str(json).expect("a complete JSON answer");
    Seen::Answer {
        errcode: value["errcode"].as_i64().unwrap_or(0),
        delayed,
    }
}

fn example_request(server: &MockServer, endpoint: &str) -> Value {
    server
        .api()
        .endpoints
        .iter()
        .find(|e| e.name == endpoint)
        .and_then(|e| e.examples.iter().find_map(|x| x.request.clone()))
        .expect("the endpoint has an example request")
}

fn mix(seed: u64) -> FaultMix {
    FaultMix::new(0.10, seed)
        .fault(2, Reply::Error(-1))
        .fault(1, Reply::Reset)
        .fault(1, Behavior::reply(Reply::Example).after(DELAY))
}

/// Makes `calls` getauthdata calls one after another; what each got.
async fn call_many(server: &MockServer, calls: usize) -> Vec<Seen> {
    let body = example_request(server, "get_auth_data");
    let mut seen = Vec::with_capacity(calls);
    for _ in 0..calls {
        seen.push(post(server, "/card/invoice/getauthdata", &body).await);
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_the_asked_share_of_calls_gets_a_fault() {
    let server = MockServer::start().await.expect("mock starts");
    server.record_deliveries(false);
    server.inject_faults("get_auth_data", mix(2024));
    let calls = 1000;
    let seen = call_many(&server, calls).await;

    let counts = server.fault_counts("get_auth_data");
    assert_eq!(counts.calls, calls);
    let share = counts.share();
    assert!(
        (0.07..=0.13).contains(&share),
        "fault share {share}, asked 0.10"
    );
    let injected: Vec<usize> = counts.injected.iter().map(|(_, n)| *n).collect();
    assert!(
        injected.iter().all(|n| *n > 0),
        "every kind happens: {injected:?}"
    );
    assert!(
        injected[0] > injected[1] && injected[0] > injected[2],
        "weight 2 against 1 and 1: {injected:?}"
    );

    // What the client saw agrees with what the mock says it injected.
    let busy = seen
        .iter()
        .filter(|s| matches!(s, Seen::Answer { errcode: -1, .. }))
        .count();
    let closed = seen.iter().filter(|s| **s == Seen::Closed).count();
    let delayed = seen
        .iter()
        .filter(|s| {
            matches!(
                s,
                Seen::Answer {
                    errcode: 0,
                    delayed: true
                }
            )
        })
        .count();
    let normal = seen
        .iter()
        .filter(|s| matches!(s, Seen::Answer { errcode: 0, .. }))
        .count();
    assert_eq!(busy, injected[0]);
    assert_eq!(closed, injected[1]);
    assert!(
        delayed >= injected[2],
        "{delayed} delayed answers, {} delays injected",
        injected[2]
    );
    assert_eq!(normal + busy + closed, calls);
    assert_eq!(server.delivery_count("get_auth_data"), calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_faults_and_another_seed_others() {
    let pattern = |seed| async move {
        let server = MockServer::start().await.expect("mock starts");
        server.inject_faults("get_auth_data", mix(seed));
        call_many(&server, 200)
            .await
            .into_iter()
            .map(|seen| match seen {
                Seen::Answer { errcode, .. } => errcode,
                Seen::Closed => 1,
            })
            .collect::<Vec<_>>()
    };
    let first = pattern(7).await;
    assert_eq!(first, pattern(7).await);
    assert_ne!(first, pattern(8).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_shots_come_first_and_a_cleared_mix_stops() {
    let server = MockServer::start().await.expect("mock starts");
    server.inject_faults("*", FaultMix::new(1.0, 1).fault(1, Reply::Error(-1)));
    server.respond_once("get_auth_data", Reply::Error(72038));
    let body = example_request(&server, "get_auth_data");
    let path = "/card/invoice/getauthdata";
    let answer = |errcode| Seen::Answer {
        errcode,
        delayed: false,
    };
    assert_eq!(post(&server, path, &body).await, answer(72038));
    assert_eq!(
        post(&server, path, &body).await,
        answer(-1),
        "`*` covers it"
    );
    server.inject_faults("get_auth_data", FaultMix::new(0.0, 1));
    assert_eq!(
        post(&server, path, &body).await,
        answer(0),
        "its own mix wins"
    );
    assert_eq!(server.fault_counts("*").calls, 1);
    server.clear_faults("get_auth_data");
    assert_eq!(post(&server, path, &body).await, answer(-1));
    server.clear_faults("*");
    assert_eq!(post(&server, path, &body).await, answer(0));
    assert_eq!(server.fault_counts("*").calls, 0, "counts go with the mix");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_counted_per_identity() {
    let server = MockServer::start().await.expect("mock starts");
    server.record_deliveries(false);
    server.count_by_identity("insert_invoice", "/order_id");
    server.count_by_identity("make_out_invoice", "/invoiceinfo/fpqqlsh");
    // A reset still counts: the request was delivered.
    server.respond_once("insert_invoice", Reply::Reset);

    let insert = example_request(&server, "insert_invoice");
    let with_order = |order: &str| {
        let mut body = insert.clone();
        body["order_id"] = json!(order);
        body
    };
    for order in ["a", "b", "a", "c", "a", "b"] {
        post(&server, "/card/invoice/insert", &with_order(order)).await;
    }
    // Refused for its body (no card_id): WeChat acts on nothing, so it does not count.
    let mut no_card = with_order("a");
    no_card.as_object_mut().expect("object").remove("card_id");
    let refused = post(&server, "/card/invoice/insert", &no_card).await;
    assert!(matches!(refused, Seen::Answer { errcode: 72031, .. }));

    let make_out = example_request(&server, "make_out_invoice");
    for serial in ["s1", "s2"] {
        let mut body = make_out.clone();
        body["invoiceinfo"]["fpqqlsh"] = json!(serial);
        post(&server, "/card/invoice/makeoutinvoice", &body).await;
    }

    assert_eq!(server.identity_deliveries("insert_invoice", "a"), 3);
    assert_eq!(server.identity_deliveries("insert_invoice", "c"), 1);
    assert_eq!(server.identity_deliveries("insert_invoice", "zzz"), 0);
    assert_eq!(
        server.identity_summary("insert_invoice"),
        IdentitySummary {
            deliveries: 6,
            identities: 3,
            max_per_identity: 3,
            repeated: vec![("a".to_string(), 3), ("b".to_string(), 2)],
            without_identity: 0,
        }
    );
    let make_out = server.identity_summary("make_out_invoice");
    assert_eq!((make_out.identities, make_out.max_per_identity), (2, 1));
    assert_eq!(server.delivery_count("insert_invoice"), 7);
    assert_eq!(
        server.identity_summary("get_auth_data"),
        IdentitySummary::default(),
        "endpoints not asked for are not counted"
    );
    server.reset();
    assert_eq!(server.identity_deliveries("insert_invoice", "a"), 0);
}
