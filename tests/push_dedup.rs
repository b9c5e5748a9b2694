//! Each event handled once: the dedup key (sender, time, event and the event's own ids) and
//! both stores, the Redis one against a real `redis-server` with several receivers racing.

use std::sync::Arc;

use wechat_invoice::Event;
use wechat_invoice::push::{Deduplicator, MemoryDedupStore, dedup_key};

fn authorization(order: &str, time: u64) -> Event {
    Event::from_xml(
        format!(
            "<xml><FromUserName>o1</FromUserName><CreateTime>{time}</CreateTime><MsgType>event</MsgType>\
             <Event>user_authorize_invoice</Event><SuccOrderId>{order}</SuccOrderId></xml>"
        )
        .as_bytes(),
    )
    .unwrap()
}

#[test]
fn the_key_tells_distinct_events_of_one_second_apart() {
    // WxJava #2705: FromUserName + CreateTime alone merged these two.
    assert_ne!(
        dedup_key(&authorization("a", 1)),
        dedup_key(&authorization("b", 1))
    );
    assert_ne!(
        dedup_key(&authorization("a", 1)),
        dedup_key(&authorization("a", 2))
    );
    assert_eq!(
        dedup_key(&authorization("a", 1)),
        dedup_key(&authorization("a", 1))
    );
    let status = |status: &str| {
        Event::from_xml(format!("<xml><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><Event>update_invoice_status</Event><CardId>c</CardId><Code>k</Code><Status>{status}</Status></xml>").as_bytes()).unwrap()
    };
    assert_ne!(
        dedup_key(&status("INVOICE_REIMBURSE_LOCK")),
        dedup_key(&status("INVOICE_REIMBURSE_CLOSURE"))
    );
    let other = |key: &str| {
        Event::from_xml(format!("<xml><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><Event>scan</Event><EventKey>{key}</EventKey></xml>").as_bytes()).unwrap()
    };
    assert_ne!(
        dedup_key(&other("x")),
        dedup_key(&other("y")),
        "undescribed events are keyed by every element"
    );
}

#[tokio::test]
async fn memory_store_lets_one_of_many_racing_deliveries_through() {
    let dedup = Deduplicator::new(MemoryDedupStore::new());
    let event = Arc::new(authorization("race", 1));
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let (dedup, event) = (dedup.clone(), event.clone());
            tokio::spawn(async move { dedup.first_delivery(&event).await.unwrap() })
        })
        .collect();
    let mut firsts = 0;
    for task in tasks {
        firsts += usize::from(task.await.unwrap());
    }
    assert_eq!(firsts, 1);
    assert!(
        dedup
            .first_delivery(&authorization("race-2", 1))
            .await
            .unwrap()
    );
}

#[cfg(feature = "redis")]
mod support;

#[cfg(feature = "redis")]
mod redis_store {
    use std::sync::Arc;
    use std::time::Duration;

    use wechat_invoice::push::{Deduplicator, PushError, RedisDedupStore};

    use super::authorization;
    use super::support::RedisServer;
    use super::support::redis_server::free_port;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn receivers_racing_on_one_redis_handle_each_event_once() {
        let redis = RedisServer::start();
        // Eight receivers (each its own connection), each given the same three deliveries of
        // two distinct events, all at once.
        let receivers: Vec<Deduplicator> = (0..8)
            .map(|_| {
                Deduplicator::new(
                    RedisDedupStore::open(&redis.url(), Duration::from_secs(2)).unwrap(),
                )
            })
            .collect();
        let events = [
            Arc::new(authorization("o-1", 7)),
            Arc::new(authorization("o-2", 7)),
        ];
        let mut tasks = Vec::new();
        for receiver in &receivers {
            for event in &events {
                for _ in 0..3 {
                    let (receiver, event) = (receiver.clone(), event.clone());
                    tasks.push(tokio::spawn(async move {
                        (
                            event.clone(),
                            receiver.first_delivery(&event).await.unwrap(),
                        )
                    }));
                }
            }
        }
        let mut handled = Vec::new();
        for task in tasks {
            let (event, first) = task.await.unwrap();
            if first {
                handled.push(event);
            }
        }
        assert_eq!(
            handled.len(),
            2,
            "each of the two events handled exactly once"
        );
        assert_ne!(handled[0], handled[1]);
    }

    #[tokio::test]
    async fn a_redis_that_is_down_is_a_typed_error() {
        let port = free_port();
        let store = RedisDedupStore::open(
            &format!("redis://127.0.0.1:{port}/"),
            Duration::from_millis(300),
        )
        .unwrap();
        let err = Deduplicator::new(store)
            .first_delivery(&authorization("x", 1))
            .await
            .unwrap_err();
        assert!(matches!(err, PushError::DedupStore(_)), "{err:?}");
    }
}
