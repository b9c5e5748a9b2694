//! App credentials with the token cache in Redis, as several instances of one service run it,
//! against the built-in mock of WeChat and a `redis-server` this example starts:
//!
//! - each instance builds its client with `.app_credentials(appid, secret)` and
//!   `.token_store(RedisStore::open(url, timeout)?)`;
//! - all instances of the appid share one token: concurrent cold calls on both make **one**
//!   token request between them (a lock in Redis; the others wait for the stored token);
//! - when WeChat rejects the token (here the mock expires it: 42001), the call that saw it
//!   refreshes once for everyone and is sent once more.
//!
//! Needs `redis-server` on PATH (Debian: `apt-get install redis-server`; `scripts/test.sh`
//! installs it): without it the example says so and exits non-zero, never skipping silently.
//!
//! Run: `cargo run --example redis_tokens --features redis` (`cargo test --features redis
//! --example redis_tokens` runs it as a test).

use std::time::Duration;

use support::{Failure, RedisServer};
use wechat_invoice::{Client, GetAuthDataRequest, RedisStore};
use wechat_invoice_mock::MockServer;

mod support;

/// A test appid and secret the mock accepts (never real credentials in an example).
const APPID: &str = "wx-example-appid";
const SECRET: &str = "example-app-secret";

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

/// One instance of the service: its own client, the shared store.
fn instance(server: &MockServer, redis_url: &str) -> Result<Client, Failure> {
    let store = RedisStore::open(redis_url, Duration::from_secs(1))?;
    Ok(Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_store(store)
        .build()?)
}

/// Two instances making concurrent calls; `Err` when anything differs from what the Redis
/// store promises.
async fn run(server: &MockServer, redis_url: &str) -> Result<(), Failure> {
    server.app_credentials(APPID, SECRET);
    server.accept_issued_tokens();
    let first = instance(server, redis_url)?;
    let second = instance(server, redis_url)?;
    let request = GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    };

    let calls = |client: &Client| {
        let client = client.clone();
        let request = request.clone();
        tokio::spawn(async move { client.get_auth_data(&request).await })
    };
    let round: Vec<_> = (0..10)
        .flat_map(|_| [calls(&first), calls(&second)])
        .collect();
    for call in round {
        call.await??;
    }
    println!(
        "20 cold calls on two instances: {} token request(s)",
        server.token_fetches()
    );
    if server.token_fetches() != 1 {
        return Err(format!("expected one token request, saw {}", server.token_fetches()).into());
    }

    // WeChat ends the token early (the mock answers 42001 to it from now on).
    server.expire_issued_tokens();
    first.get_auth_data(&request).await?;
    second.get_auth_data(&request).await?;
    println!(
        "after the token expired: {} token requests in all",
        server.token_fetches()
    );
    if server.token_fetches() != 2 {
        return Err(format!(
            "expected one refresh for both instances, saw {} token requests",
            server.token_fetches()
        )
        .into());
    }
    println!("app credentials with Redis against the mock: ok");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_instances_share_one_token_through_redis() {
        // Fails (never skips) when redis-server is missing, with the message saying so.
        let redis = super::RedisServer::start().expect("redis-server starts");
        let server = wechat_invoice_mock::MockServer::start()
            .await
            .expect("mock starts");
        super::run(&server, &redis.url())
            .await
            .expect("the flow completes");
    }
}
