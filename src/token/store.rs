//! Where tokens are kept between refreshes, and the refresh lock: the [`TokenStore`] trait and
//! the in-memory store, the default.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{AccessToken, IssuedToken, TokenError};

/// The future a [`TokenStore`] operation returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TokenError>> + Send + 'a>>;

/// Keeps one token per account (appid) and a refresh lock per account, so that every client
/// sharing the store shares one token and one refresh.
///
/// Every write is a compare-and-set, atomic in the store: a token never replaces one that
/// expires later, and an invalidation deletes the token only if it is still the rejected one.
/// Keys are derived from the account alone: a store never sees an app secret.
pub trait TokenStore: fmt::Debug + Send + Sync + 'static {
    /// The token stored for `account`, expired or not.
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>>;

    /// Stores `token` unless the stored one expires at the same time or later; `true` when
    /// stored.
    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool>;

    /// Deletes the token of `account` if it is still `rejected`; `true` when deleted.
    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool>;

    /// Takes the refresh lock of `account` for `owner` for at most `lease`; `false` while
    /// another owner holds it.
    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Releases the refresh lock of `account` if `owner` still holds it.
    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()>;

    /// Stores `token` as [`Self::put`] does and releases `owner`'s lock, as one step where the
    /// store allows it (Redis: one script), so that a stall cannot leave one done without the
    /// other; `true` when stored. The default calls `put`, then `unlock`.
    fn put_and_unlock<'a>(
        &'a self,
        account: &'a str,
        token: &'a IssuedToken,
        owner: &'a str,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let stored = self.put(account, token).await?;
            self.unlock(account, owner).await?;
            Ok(stored)
        })
    }
}

/// Whether `stored` expires at the same time as `candidate` or later (`None` is never).
pub(crate) fn outlives(stored: &IssuedToken, candidate: &IssuedToken) -> bool {
    match (stored.expires_at, candidate.expires_at) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(stored), Some(candidate)) => stored >= candidate,
    }
}

/// Tokens in this process's memory, the default store. Clones share their contents, so one
/// `MemoryStore` given to several clients of one appid makes them share one token.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Memory>>,
}

#[derive(Default)]
struct Memory {
    tokens: HashMap<String, IssuedToken>,
    locks: HashMap<String, (String, Instant)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn memory(&self) -> MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("accounts", &self.memory().tokens.len())
            .finish()
    }
}

impl TokenStore for MemoryStore {
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>> {
        let token = self.memory().tokens.get(account).cloned();
        Box::pin(async move { Ok(token) })
    }

    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool> {
        let mut memory = self.memory();
        let stored = match memory.tokens.get(account) {
            Some(existing) if outlives(existing, token) => false,
            _ => {
                memory.tokens.insert(account.to_string(), token.clone());
                true
            }
        };
        Box::pin(async move { Ok(stored) })
    }

    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool> {
        let mut memory = self.memory();
        let current = memory
            .tokens
            .get(account)
            .is_some_and(|t| &t.token == rejected);
        if current {
            memory.tokens.remove(account);
        }
        Box::pin(async move { Ok(current) })
    }

    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let mut memory = self.memory();
        let taken = match memory.locks.get(account) {
            Some((holder, until)) if holder != owner && *until > now => false,
            _ => {
                // A lease too long for the clock is as long as the clock allows.
                let until = now
                    .checked_add(lease)
                    .unwrap_or(now + Duration::from_secs(100 * 365 * 86_400));
                memory
                    .locks
                    .insert(account.to_string(), (owner.to_string(), until));
                true
            }
        };
        Box::pin(async move { Ok(taken) })
    }

    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        let mut memory = self.memory();
        if memory
            .locks
            .get(account)
            .is_some_and(|(holder, _)| holder == owner)
        {
            memory.locks.remove(account);
        }
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    fn token(name: &str, expires_in_secs: u64) -> IssuedToken {
        let issued_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        IssuedToken {
            token: AccessToken::new(name),
            issued_at,
            expires_at: Some(issued_at + Duration::from_secs(expires_in_secs)),
        }
    }

    #[tokio::test]
    async fn an_older_token_never_replaces_a_newer_one() {
        let store = MemoryStore::new();
        assert!(store.put("wx1", &token("new", 7200)).await.unwrap());
        assert!(!store.put("wx1", &token("old", 7000)).await.unwrap());
        assert!(!store.put("wx1", &token("same", 7200)).await.unwrap());
        let kept = store.get("wx1").await.unwrap().expect("stored");
        assert_eq!(kept.token.secret(), "new");
        assert!(store.put("wx1", &token("newer", 7300)).await.unwrap());
        assert_eq!(
            store.get("wx1").await.unwrap().unwrap().token.secret(),
            "newer"
        );
    }

    #[tokio::test]
    async fn invalidation_deletes_only_the_rejected_token() {
        let store = MemoryStore::new();
        store.put("wx1", &token("current", 7200)).await.unwrap();
        let stale = AccessToken::new("stale");
        assert!(!store.invalidate("wx1", &stale).await.unwrap());
        assert!(store.get("wx1").await.unwrap().is_some());
        let current = AccessToken::new("current");
        assert!(store.invalidate("wx1", &current).await.unwrap());
        assert!(store.get("wx1").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_lock_has_one_owner_until_released_or_expired() {
        let store = MemoryStore::new();
        let lease = Duration::from_millis(50);
        assert!(store.try_lock("wx1", "a", lease).await.unwrap());
        assert!(!store.try_lock("wx1", "b", lease).await.unwrap());
        store.unlock("wx1", "b").await.unwrap();
        assert!(!store.try_lock("wx1", "b", lease).await.unwrap(), "not b's");
        store.unlock("wx1", "a").await.unwrap();
        assert!(store.try_lock("wx1", "b", lease).await.unwrap());
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(store.try_lock("wx1", "c", lease).await.unwrap(), "expired");
    }

    #[test]
    fn a_token_without_expiry_outlives_every_other() {
        let forever = IssuedToken::without_expiry(AccessToken::new("f"));
        assert!(outlives(&forever, &token("t", 7200)));
        assert!(!outlives(&token("t", 7200), &forever));
    }
}
