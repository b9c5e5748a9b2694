//! What the credential tests share: a real `redis-server` on a free loopback port, and
//! re-executing the test binary as a worker process.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub mod redis_server;
pub use redis_server::RedisServer;

impl RedisServer {
    /// Every key, sorted.
    pub async fn keys(&self) -> Vec<String> {
        let mut connection = redis::Client::open(self.url())
            .expect("url")
            .get_multiplexed_async_connection()
            .await
            .expect("connects");
        let mut keys: Vec<String> = redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut connection)
            .await
            .expect("KEYS");
        keys.sort();
        keys
    }

    /// Deletes `keys` (as a token's expiry in Redis would).
    pub async fn delete(&self, keys: &[String]) {
        let mut connection = redis::Client::open(self.url())
            .expect("url")
            .get_multiplexed_async_connection()
            .await
            .expect("connects");
        let _: usize = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut connection)
            .await
            .expect("DEL");
    }

    /// Every value of the hash at `key`.
    pub async fn hash_values(&self, key: &str) -> Vec<String> {
        let mut connection = redis::Client::open(self.url())
            .expect("url")
            .get_multiplexed_async_connection()
            .await
            .expect("connects");
        redis::cmd("HVALS")
            .arg(key)
            .query_async(&mut connection)
            .await
            .expect("HVALS")
    }
}

pub fn unix_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// Runs this binary's ignored test `worker` in a child process with `env`.
pub fn spawn_worker(worker: &str, env: &[(&str, String)]) -> Child {
    let exe = std::env::current_exe().expect("test binary");
    let mut command = Command::new(exe);
    command
        .args([worker, "--exact", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("worker starts")
}

/// Waits for a worker and checks it succeeded; its stdout.
pub async fn finish(child: Child) -> String {
    let output: Output =
        tokio::task::spawn_blocking(move || child.wait_with_output().expect("worker ends"))
            .await
            .expect("join");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "worker failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Sleeps until the Unix time in ms in `var` (workers start their calls together).
pub async fn wait_until(var: &str) {
    let start_at: u64 = std::env::var(var)
        .expect("start time set")
        .parse()
        .expect("a time");
    tokio::time::sleep(Duration::from_millis(start_at.saturating_sub(unix_ms()))).await;
}

/// A worker's environment variable.
pub fn var(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set"))
}

/// A multi-thread runtime for a worker.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}
