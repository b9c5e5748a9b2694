//! The Redis token store against a real `redis-server` that each test starts on a free
//! loopback port: processes sharing an appid make one token request between them, an older
//! token never replaces a newer one, a stopped or silent Redis is a typed error within the
//! timeout, and a crashed lock holder delays the others only until its lease ends.
//!
//! The multi-process tests re-execute this test binary with `WXI_WORKER` set: the ignored test
//! `redis_worker` is the child's role.
#![cfg(feature = "redis")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wechat_invoice::{
    AccessToken, Client, Error, GetAuthDataRequest, IssuedToken, RedisStore, TokenCacheConfig,
    TokenError, TokenStore,
};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

/// The tests' `redis-server` on a free loopback port, killed on drop.
#[path = "support/redis_server.rs"]
mod redis_server;
use redis_server::RedisServer;

const APPID: &str = "wx-redis-shared-appid";
const SECRET: &str = "APP-SECRET-redis-61c0";
const TIMEOUT: Duration = Duration::from_millis(500);

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

fn unix_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

fn redis_client(base_url: &str, redis_url: &str, cache: TokenCacheConfig) -> Client {
    let store = RedisStore::open(redis_url, TIMEOUT).expect("store opens");
    Client::builder()
        .base_url(base_url)
        .app_credentials(APPID, SECRET)
        .token_store(store)
        .token_cache(cache)
        .build()
        .expect("client builds")
}

/// Runs this binary's `redis_worker` in a child process with `env`.
fn spawn_worker(env: &[(&str, String)]) -> Child {
    let exe = std::env::current_exe().expect("test binary");
    let mut command = Command::new(exe);
    command
        .args(["redis_worker", "--exact", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("worker starts")
}

async fn wait_for(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().expect("worker ends"))
        .await
        .expect("join")
}

/// The child side of the multi-process tests.
#[test]
#[ignore = "the worker role of the multi-process tests, run by re-executing this binary"]
fn redis_worker() {
    let var = |key: &str| std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        match var("WXI_WORKER").as_str() {
            "calls" => {
                let client = redis_client(
                    &var("WXI_MOCK"),
                    &var("WXI_REDIS"),
                    TokenCacheConfig::default(),
                );
                let start_at: u64 = var("WXI_START_AT").parse().expect("a time");
                let calls: usize = var("WXI_CALLS").parse().expect("a count");
                tokio::time::sleep(Duration::from_millis(start_at.saturating_sub(unix_ms()))).await;
                let tasks: Vec<_> = (0..calls)
                    .map(|_| {
                        let client = client.clone();
                        tokio::spawn(async move { client.get_auth_data(&request()).await })
                    })
                    .collect();
                let mut ok = 0;
                for task in tasks {
                    match task.await.expect("task") {
                        Ok(_) => ok += 1,
                        Err(err) => println!("WORKER-ERROR {err}"),
                    }
                }
                println!("WORKER-OK {ok}");
            }
            "lock-and-crash" => {
                let store = RedisStore::open(&var("WXI_REDIS"), TIMEOUT).expect("store");
                let lease = Duration::from_millis(var("WXI_LEASE_MS").parse().expect("ms"));
                let locked = store
                    .try_lock(APPID, "crashed-holder", lease)
                    .await
                    .expect("Redis answers");
                println!("WORKER-LOCKED {locked}");
                // Dies holding the lock: no unlock, no cleanup.
                std::process::exit(0);
            }
            other => panic!("unknown worker role {other}"),
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_an_appid_make_one_token_request() {
    let redis = RedisServer::start();
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    server.accept_issued_tokens();
    // A slow token answer: without the shared lock every process would fetch meanwhile.
    server.respond(
        "stable_token",
        Behavior::reply(Reply::Example).after(Duration::from_millis(300)),
    );
    let start_at = (unix_ms() + 1500).to_string();
    let calls_per_worker = 40;
    let workers: Vec<Child> = (0..3)
        .map(|_| {
            spawn_worker(&[
                ("WXI_WORKER", "calls".to_string()),
                ("WXI_MOCK", server.base_url()),
                ("WXI_REDIS", redis.url()),
                ("WXI_START_AT", start_at.clone()),
                ("WXI_CALLS", calls_per_worker.to_string()),
            ])
        })
        .collect();
    for worker in workers {
        let output = wait_for(worker).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "worker failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains(&format!("WORKER-OK {calls_per_worker}")),
            "every call of the worker succeeds: {stdout}"
        );
    }
    assert_eq!(
        server.token_fetches(),
        1,
        "one token request for 3 processes"
    );
    assert_eq!(server.delivery_count("get_auth_data"), 3 * calls_per_worker);

    // Redis holds the token under the appid alone, the lock is released, no secret anywhere.
    let mut connection = redis::Client::open(redis.url())
        .expect("url")
        .get_multiplexed_async_connection()
        .await
        .expect("connects");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut connection)
        .await
        .expect("KEYS");
    assert_eq!(keys, [format!("wechat_invoice:access_token:{APPID}")]);
    let values: Vec<String> = redis::cmd("HVALS")
        .arg(&keys[0])
        .query_async(&mut connection)
        .await
        .expect("HVALS");
    assert!(values.contains(&server.issued_tokens()[0]), "{values:?}");
    assert!(!values.iter().any(|v| v.contains(SECRET)), "{values:?}");
}

fn issued(token: &str, expires_in: Duration) -> IssuedToken {
    IssuedToken::new(AccessToken::new(token), expires_in)
}

#[tokio::test]
async fn an_older_token_never_overwrites_a_newer_one() {
    let redis = RedisServer::start();
    let store = RedisStore::open(&redis.url(), TIMEOUT).expect("store opens");
    let newer = issued("NEWER", Duration::from_secs(7200));
    let older = IssuedToken {
        issued_at: newer.issued_at - Duration::from_secs(60),
        expires_at: newer.expires_at.map(|at| at - Duration::from_secs(60)),
        token: AccessToken::new("OLDER"),
    };
    assert!(store.put(APPID, &newer).await.expect("put"));
    assert!(!store.put(APPID, &older).await.expect("put"), "refused");
    let stored = store.get(APPID).await.expect("get").expect("a token");
    assert_eq!(stored.token.secret(), "NEWER");
    assert_eq!(stored.expires_at, newer.expires_at.map(truncate_to_ms));

    // Many writers at once, in any order: the one that expires last stays.
    let writers: Vec<_> = (0..40u64)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let lifetime = Duration::from_secs(7200 + (n * 37) % 40);
                let token = issued(&format!("T{}", (n * 37) % 40), lifetime);
                store.put(APPID, &token).await.expect("put");
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("task");
    }
    let stored = store.get(APPID).await.expect("get").expect("a token");
    assert_eq!(stored.token.secret(), "T39");
}

fn truncate_to_ms(time: SystemTime) -> SystemTime {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    UNIX_EPOCH + Duration::from_millis(u64::try_from(since.as_millis()).unwrap_or(0))
}

#[tokio::test]
async fn invalidation_and_unlocking_compare_before_they_delete() {
    let redis = RedisServer::start();
    let store = RedisStore::open(&redis.url(), TIMEOUT).expect("store opens");
    store
        .put(APPID, &issued("CURRENT", Duration::from_secs(7200)))
        .await
        .expect("put");
    let stale = AccessToken::new("STALE");
    assert!(!store.invalidate(APPID, &stale).await.expect("invalidate"));
    assert!(store.get(APPID).await.expect("get").is_some());
    let current = AccessToken::new("CURRENT");
    assert!(store.invalidate(APPID, &current).await.expect("invalidate"));
    assert!(store.get(APPID).await.expect("get").is_none());

    let lease = Duration::from_secs(30);
    assert!(store.try_lock(APPID, "a", lease).await.expect("lock"));
    assert!(!store.try_lock(APPID, "b", lease).await.expect("lock"));
    store.unlock(APPID, "b").await.expect("unlock");
    assert!(
        !store.try_lock(APPID, "b", lease).await.expect("lock"),
        "still a's"
    );
    store.unlock(APPID, "a").await.expect("unlock");
    assert!(store.try_lock(APPID, "b", lease).await.expect("lock"));
}

#[tokio::test]
async fn a_stopped_redis_is_a_typed_error_within_the_timeout() {
    let mut redis = RedisServer::start();
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    let cache = TokenCacheConfig::default().store_timeout(TIMEOUT);
    let warm = redis_client(&server.base_url(), &redis.url(), cache);
    warm.get_auth_data(&request()).await.expect("Redis is up");
    let cold = redis_client(&server.base_url(), &redis.url(), cache);
    redis.stop();

    let started = Instant::now();
    let err = cold.get_auth_data(&request()).await.expect_err("no store");
    assert!(started.elapsed() < 4 * TIMEOUT, "{:?}", started.elapsed());
    match &err {
        Error::Token {
            source: TokenError::Store { .. } | TokenError::StoreTimeout { .. },
            ..
        } => {}
        other => panic!("expected a store error, got {other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(SECRET));
    assert_eq!(
        server.token_fetches(),
        1,
        "no fetch without the shared lock"
    );

    // The documented fallback: a client that holds a valid token keeps calling.
    warm.get_auth_data(&request())
        .await
        .expect("the cached token is still valid");
}

#[tokio::test]
async fn a_silent_redis_is_a_store_timeout() {
    // Accepts connections and never answers: a Redis that hangs.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("redis://{}/", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().flatten() {
            open.push(stream);
        }
    });
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    let client = redis_client(
        &server.base_url(),
        &url,
        TokenCacheConfig::default().store_timeout(TIMEOUT),
    );
    let started = Instant::now();
    let err = client
        .get_auth_data(&request())
        .await
        .expect_err("no store");
    assert!(started.elapsed() < 4 * TIMEOUT, "{:?}", started.elapsed());
    assert!(
        matches!(
            err,
            Error::Token {
                source: TokenError::StoreTimeout { .. } | TokenError::Store { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.token_fetches(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_lock_holder_delays_the_refresh_only_until_its_lease_ends() {
    let redis = RedisServer::start();
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    let lease_ms = 2000;
    let output = wait_for(spawn_worker(&[
        ("WXI_WORKER", "lock-and-crash".to_string()),
        ("WXI_REDIS", redis.url()),
        ("WXI_LEASE_MS", lease_ms.to_string()),
    ]))
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("WORKER-LOCKED true"), "{stdout}");

    let client = redis_client(
        &server.base_url(),
        &redis.url(),
        TokenCacheConfig::default().lock_wait(Duration::from_secs(5)),
    );
    // The dead process still holds the lock for this long.
    let mut connection = redis::Client::open(redis.url())
        .expect("url")
        .get_multiplexed_async_connection()
        .await
        .expect("connects");
    let held_ms: i64 = redis::cmd("PTTL")
        .arg(format!("wechat_invoice:refresh_lock:{APPID}"))
        .query_async(&mut connection)
        .await
        .expect("PTTL");
    assert!(
        held_ms > 0,
        "the crashed holder's lock is still there: {held_ms}"
    );
    let started = Instant::now();
    client
        .get_auth_data(&request())
        .await
        .expect("refreshed after the lease");
    let waited = started.elapsed();
    let held = Duration::from_millis(u64::try_from(held_ms).unwrap_or(0));
    assert!(
        waited + Duration::from_millis(100) >= held && waited < held + Duration::from_secs(2),
        "waited {waited:?} for a lease with {held:?} left"
    );
    assert_eq!(server.token_fetches(), 1);
}

#[tokio::test]
async fn a_lock_held_too_long_is_a_lock_timeout() {
    let redis = RedisServer::start();
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    let store = RedisStore::open(&redis.url(), TIMEOUT).expect("store opens");
    assert!(
        store
            .try_lock(APPID, "slow-holder", Duration::from_secs(30))
            .await
            .expect("lock")
    );
    let client = redis_client(
        &server.base_url(),
        &redis.url(),
        TokenCacheConfig::default().lock_wait(Duration::from_millis(400)),
    );
    let started = Instant::now();
    let err = client.get_auth_data(&request()).await.expect_err("waits");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            err,
            Error::Token {
                source: TokenError::LockTimeout { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.token_fetches(), 0, "waiters never call WeChat");
}

impl RedisServer {
    /// One inline command, its one-line answer (`:-1`, `+OK`, `$5`…).
    fn command(&self, line: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        stream
            .write_all(format!("{line}\r\n").as_bytes())
            .expect("write");
        let mut answer = Vec::new();
        let mut byte = [0u8; 1];
        while !answer.ends_with(b"\r\n") && stream.read_exact(&mut byte).is_ok() {
            answer.push(byte[0]);
        }
        String::from_utf8_lossy(&answer).trim_end().to_string()
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.pid()).expect("a pid");
        // SAFETY: sends a signal to the child this test started and still owns.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }
}

/// A lifetime of 1e17 s (or `Duration::MAX`) never half-applies the store's write: the token is
/// stored with an expiry, or not at all, and a later put still compares against it.
#[tokio::test]
async fn a_huge_lifetime_is_stored_whole_or_not_at_all() {
    let redis = RedisServer::start();
    let store = RedisStore::open(&redis.url(), TIMEOUT).expect("store opens");
    for (account, lifetime) in [
        ("wx-huge-1e17", Duration::from_secs(100_000_000_000_000_000)),
        ("wx-huge-max", Duration::MAX),
    ] {
        let token = IssuedToken::new(AccessToken::new("HUGE"), lifetime);
        let stored = store.put(account, &token).await;
        let ttl = redis.command(&format!("PTTL {}", store.token_key(account)));
        match stored {
            Ok(true) => {
                let ms: i64 = ttl.trim_start_matches(':').parse().expect("a TTL");
                assert!(ms > 0, "{account}: stored without expiry ({ttl})");
                let back = store.get(account).await.expect("get").expect("stored");
                assert_eq!(back.token, token.token);
            }
            other => assert_eq!(ttl, ":-2", "{account}: {other:?} left a key behind"),
        }
        let later = IssuedToken::new(AccessToken::new("LATER"), Duration::from_secs(7200));
        store
            .put(account, &later)
            .await
            .expect("a later put answers");
    }
}

/// `SIGSTOP` of redis-server while one client refreshes: after `SIGCONT`, the token that
/// client fetched is stored and its lock released, so a tokenless client takes that token
/// instead of waiting out the lease and fetching a second one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_stalled_during_a_refresh_gets_the_token_and_the_unlock_after_it_resumes() {
    let redis = RedisServer::start();
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    server.respond(
        "token",
        Behavior::reply(Reply::Example).after(Duration::from_millis(600)),
    );
    let cache = TokenCacheConfig::default()
        .store_timeout(TIMEOUT)
        .lock_wait(Duration::from_secs(3));
    let classic = |cache| {
        let store = RedisStore::open(&redis.url(), TIMEOUT).expect("store opens");
        Client::builder()
            .base_url(server.base_url())
            .app_credentials(APPID, SECRET)
            .token_endpoint(wechat_invoice::TokenEndpoint::Classic)
            .token_store(store)
            .token_cache(cache)
            .build()
            .expect("client builds")
    };
    let holder = classic(cache);
    let refreshing = tokio::spawn({
        let holder = holder.clone();
        async move { holder.access_token().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    redis.signal(libc::SIGSTOP);
    let first = tokio::time::timeout(Duration::from_secs(10), refreshing)
        .await
        .expect("the refresh ends")
        .expect("task")
        .expect("the fetched token is used");
    redis.signal(libc::SIGCONT);

    let other = classic(cache);
    let second = tokio::time::timeout(Duration::from_secs(10), other.access_token())
        .await
        .expect("bounded")
        .expect("a token");
    assert_eq!(
        second.secret(),
        first.secret(),
        "one token in use after the stall"
    );
    assert_eq!(server.token_fetches(), 1);
}
