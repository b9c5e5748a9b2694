//! Handling each event once: WeChat retries a push up to three times (and, behind a load
//! balancer, to different instances), so a handler asks a [`Deduplicator`] first.
//!
//! The key follows WeChat's guidance, `FromUserName` + `CreateTime`, plus the event's name
//! and its own ids (`SuccOrderId`/`FailOrderId`; `CardId` + `Code` + `Status`; `fpqqlsh`…,
//! marked `identity` in `spec/events/`), so two distinct events in the same second from the
//! same sender are never merged. An event the spec does not describe is keyed by all its
//! elements.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};

use super::error::PushError;
use crate::{ComponentEvent, Event};

/// What a [`DedupStore`] returns: whether the key was new.
pub type DedupFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, PushError>> + Send + 'a>>;

/// Where seen keys are kept: [`MemoryDedupStore`] for one process, `RedisDedupStore`
/// (feature `redis`) for several.
pub trait DedupStore: Send + Sync {
    /// Records `key` for `ttl` if it is not recorded yet; `true` if it was new. Atomic:
    /// of several callers racing with one key, exactly one gets `true`.
    fn insert_new<'a>(&'a self, key: &'a str, ttl: Duration) -> DedupFuture<'a>;
}

/// The dedup key of an event: a fixed-length hex digest of the envelope's sender and time,
/// the event name and the event's own ids (see the module documentation).
pub fn dedup_key(event: &Event) -> String {
    digest(event.identity())
}

/// The dedup key of a third-party platform's authorization push: a digest of `AppId`,
/// `CreateTime`, `InfoType` and the push's own ids (the authorizer's appid, the
/// authorization code, the ticket).
pub fn component_dedup_key(event: &ComponentEvent) -> String {
    digest(event.identity())
}

fn digest(parts: Vec<String>) -> String {
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.len().to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut key = String::with_capacity(40);
    for byte in digest.iter() {
        key.push_str(&format!("{byte:02x}"));
    }
    key
}

/// Decides whether an event is seen for the first time, over a shared [`DedupStore`].
#[derive(Clone)]
pub struct Deduplicator {
    store: Arc<dyn DedupStore>,
    ttl: Duration,
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplicator")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// How long a key is kept by default: WeChat's three attempts span about 15 seconds; five
/// minutes leaves room for slow handlers and clock drift.
pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(300);

impl Deduplicator {
    /// A deduplicator over `store`, keeping keys for five minutes ([`Deduplicator::ttl`] changes it).
    pub fn new(store: impl DedupStore + 'static) -> Self {
        Self {
            store: Arc::new(store),
            ttl: DEFAULT_DEDUP_TTL,
        }
    }

    /// Keeps keys for `ttl` instead (at least one second, as Redis's `EX` counts seconds).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_secs(1));
        self
    }

    /// `true` the first time `event` (or an equal retry of it) is seen, `false` after.
    pub async fn first_delivery(&self, event: &Event) -> Result<bool, PushError> {
        self.store.insert_new(&dedup_key(event), self.ttl).await
    }

    /// Like [`Deduplicator::first_delivery`], for a third-party platform's authorization
    /// push (an `authorized` push handled twice would exchange its code twice, which WeChat
    /// refuses).
    pub async fn first_component_delivery(
        &self,
        event: &ComponentEvent,
    ) -> Result<bool, PushError> {
        self.store
            .insert_new(&component_dedup_key(event), self.ttl)
            .await
    }
}

/// Keys in this process's memory; expired keys are dropped as new ones arrive.
#[derive(Debug, Default)]
pub struct MemoryDedupStore {
    seen: Mutex<HashMap<String, Instant>>,
}

impl MemoryDedupStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl DedupStore for MemoryDedupStore {
    fn insert_new<'a>(&'a self, key: &'a str, ttl: Duration) -> DedupFuture<'a> {
        let now = Instant::now();
        let outcome = match self.seen.lock() {
            Ok(mut seen) => {
                if seen.len() >= 1024 {
                    seen.retain(|_, expires| *expires > now);
                }
                match seen.get(key) {
                    Some(expires) if *expires > now => false,
                    _ => {
                        let expires = now.checked_add(ttl).unwrap_or(now);
                        seen.insert(key.to_string(), expires);
                        true
                    }
                }
            }
            Err(_) => {
                return Box::pin(async {
                    Err(PushError::DedupStore("memory store poisoned".into()))
                });
            }
        };
        Box::pin(async move { Ok(outcome) })
    }
}

#[cfg(feature = "redis")]
pub use redis_store::RedisDedupStore;

#[cfg(feature = "redis")]
mod redis_store {
    use std::fmt;
    use std::time::Duration;

    use redis::aio::{ConnectionManager, ConnectionManagerConfig};

    use super::{DedupFuture, DedupStore};
    use crate::push::error::PushError;

    /// Keys in Redis (`SET key 1 NX EX ttl`), shared by every instance behind a load
    /// balancer. Key: `{prefix}:push_seen:{digest}` (prefix `wechat_invoice` by default).
    #[derive(Clone)]
    pub struct RedisDedupStore {
        connection: ConnectionManager,
        prefix: String,
    }

    impl fmt::Debug for RedisDedupStore {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("RedisDedupStore")
                .field("prefix", &self.prefix)
                .finish_non_exhaustive()
        }
    }

    impl RedisDedupStore {
        /// A store at `url` (`redis://127.0.0.1:6379`), connecting lazily; each connection
        /// attempt and command is limited to `timeout`. Call it inside a Tokio runtime.
        pub fn open(url: &str, timeout: Duration) -> Result<Self, PushError> {
            let client = redis::Client::open(url)
                .map_err(|err| PushError::DedupStore(format!("invalid Redis URL: {err}")))?;
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout))
                .set_number_of_retries(1)
                .set_max_delay(timeout);
            let connection = ConnectionManager::new_lazy_with_config(client, config)
                .map_err(|err| PushError::DedupStore(format!("cannot set up Redis: {err}")))?;
            Ok(Self::from_connection(connection))
        }

        /// A store over a connection manager you configured yourself.
        pub fn from_connection(connection: ConnectionManager) -> Self {
            Self {
                connection,
                prefix: "wechat_invoice".to_string(),
            }
        }

        /// Prefix of every key (default `wechat_invoice`).
        #[must_use]
        pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
            self.prefix = prefix.into();
            self
        }
    }

    impl DedupStore for RedisDedupStore {
        fn insert_new<'a>(&'a self, key: &'a str, ttl: Duration) -> DedupFuture<'a> {
            Box::pin(async move {
                let mut connection = self.connection.clone();
                let answer: Option<String> = redis::cmd("SET")
                    .arg(format!("{}:push_seen:{key}", self.prefix))
                    .arg(1)
                    .arg("NX")
                    .arg("EX")
                    .arg(ttl.as_secs().max(1))
                    .query_async(&mut connection)
                    .await
                    .map_err(|err| PushError::DedupStore(format!("Redis: {err}")))?;
                Ok(answer.is_some())
            })
        }
    }
}
