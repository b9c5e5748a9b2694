//! The cache in front of a [`TokenProvider`]: a local copy for the fast path, refresh ahead of
//! expiry, one fetch for many concurrent callers (in this process through a mutex, across
//! processes through the store's lock), and compare-then-invalidate.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use super::{
    AccessToken, IssuedToken, StoreFuture, TokenError, TokenProvider, TokenStore, unusable,
};

/// Timing of the token cache. Every wait has a bound: a call never waits for a token longer
/// than `lock_wait` plus `fetch_timeout` plus a few `store_timeout`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenCacheConfig {
    refresh_before: Duration,
    fetch_timeout: Duration,
    store_timeout: Duration,
    lock_wait: Duration,
    poll_interval: Duration,
}

impl Default for TokenCacheConfig {
    fn default() -> Self {
        Self {
            refresh_before: Duration::from_secs(300),
            fetch_timeout: Duration::from_secs(10),
            store_timeout: Duration::from_secs(2),
            lock_wait: Duration::from_secs(15),
            poll_interval: Duration::from_millis(50),
        }
    }
}

impl TokenCacheConfig {
    /// Refresh this long before the token expires (default 5 minutes; at most half of the
    /// token's lifetime). Calls keep using the old token while one of them refreshes.
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// Limit of one fetch from the provider (default 10 s).
    #[must_use]
    pub fn fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout;
        self
    }

    /// Limit of one store operation (default 2 s): a Redis that is down or slow becomes
    /// [`TokenError::StoreTimeout`] after this long.
    #[must_use]
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.store_timeout = timeout;
        self
    }

    /// How long a call waits for another instance's refresh before giving up with
    /// [`TokenError::LockTimeout`] (default 15 s).
    #[must_use]
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// How often a waiting call reads the store for the other instance's token (default 50 ms).
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// The fetch timeout.
    pub fn get_fetch_timeout(&self) -> Duration {
        self.fetch_timeout
    }

    /// How long a refresh lock is held at most: a crashed holder blocks others this long.
    /// Saturates: limits of `Duration::MAX` give a lease of `Duration::MAX`.
    pub fn lock_lease(&self) -> Duration {
        self.fetch_timeout
            .saturating_add(self.store_timeout.saturating_mul(2))
    }

    /// When a token should be refreshed: `refresh_before` ahead of its expiry, but no earlier
    /// than half its lifetime; `None` for a token without expiry.
    fn refresh_at(&self, token: &IssuedToken) -> Option<SystemTime> {
        let expires_at = token.expires_at?;
        let lifetime = expires_at
            .duration_since(token.issued_at)
            .unwrap_or_default();
        let margin = self.refresh_before.min(lifetime / 2);
        Some(expires_at.checked_sub(margin).unwrap_or(expires_at))
    }

    /// Whether `token` is valid and not yet due for refresh at `now`.
    fn is_fresh(&self, token: &IssuedToken, now: SystemTime) -> bool {
        self.refresh_at(token).is_none_or(|due| now < due)
    }
}

/// A token held locally, with the time it is due for refresh.
#[derive(Clone)]
struct Cached {
    token: IssuedToken,
    refresh_at: Option<SystemTime>,
}

/// The cache itself; one per client (clones of a client share it).
pub(crate) struct TokenCache {
    provider: Arc<dyn TokenProvider>,
    store: Arc<dyn TokenStore>,
    config: TokenCacheConfig,
    local: RwLock<Option<Cached>>,
    /// Held while refreshing; holds the error of the last refresh, shared with its waiters.
    flight: tokio::sync::Mutex<Option<TokenError>>,
    /// How many refreshes have finished: a waiter that saw one finish takes its result.
    flights: AtomicU64,
    /// The token WeChat last rejected: never taken back from the store, where a refresh that
    /// raced the rejection (fetched just before the token's end) may have written it again.
    rejected: RwLock<Option<AccessToken>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("provider", &self.provider)
            .field("store", &self.store)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cold cache of `provider`'s tokens, shared through `store`.
    pub(crate) fn new(
        provider: Arc<dyn TokenProvider>,
        store: Arc<dyn TokenStore>,
        config: TokenCacheConfig,
    ) -> Self {
        Self {
            provider,
            store,
            config,
            local: RwLock::new(None),
            flight: tokio::sync::Mutex::new(None),
            flights: AtomicU64::new(0),
            rejected: RwLock::new(None),
        }
    }

    /// A usable token: the cached one, or a fresh one when none is cached or it expired.
    pub(crate) async fn token(&self) -> Result<AccessToken, TokenError> {
        let now = SystemTime::now();
        let current = {
            let local = self.local.read().unwrap_or_else(PoisonError::into_inner);
            match local.as_ref() {
                Some(cached) if cached.refresh_at.is_none_or(|due| now < due) => {
                    return Ok(cached.token.token.clone());
                }
                Some(cached) if cached.token.is_valid_at(now) => Some(cached.token.token.clone()),
                _ => None,
            }
        };
        match current {
            Some(still_valid) => Ok(self.refresh_ahead(still_valid).await),
            None => self.refresh_now().await,
        }
    }

    /// WeChat rejected `rejected`: forget it, here and in the store, if it is still the
    /// current token; a token another call already refreshed stays.
    pub(crate) async fn invalidate(&self, rejected: &AccessToken) {
        *self
            .rejected
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(rejected.clone());
        {
            let mut local = self.local.write().unwrap_or_else(PoisonError::into_inner);
            if local.as_ref().is_some_and(|c| &c.token.token == rejected) {
                *local = None;
            }
        }
        let account = self.provider.account();
        let deleted = self
            .store_op("invalidate", self.store.invalidate(account, rejected))
            .await;
        match deleted {
            Ok(deleted) => tracing::debug!(account, deleted, "rejected access token invalidated"),
            Err(err) => {
                tracing::warn!(account, error = %err, "cannot invalidate the rejected token in the store")
            }
        }
    }

    /// The token is due but valid: one caller refreshes, the others keep using it meanwhile;
    /// a failed refresh keeps the valid token too.
    async fn refresh_ahead(&self, still_valid: AccessToken) -> AccessToken {
        let Ok(mut flight) = self.flight.try_lock() else {
            return still_valid;
        };
        if let Some(fresh) = self.local_token(true) {
            return fresh;
        }
        match self.refresh(&mut flight).await {
            Ok(token) => token,
            Err(err) => {
                tracing::warn!(
                    account = self.provider.account(),
                    error = %err,
                    "refresh ahead of expiry failed; the current token is still valid"
                );
                still_valid
            }
        }
    }

    /// No valid token: refresh, or wait for the refresh in flight and take its result.
    async fn refresh_now(&self) -> Result<AccessToken, TokenError> {
        let seen = self.flights.load(Ordering::Acquire);
        let mut flight = self.flight.lock().await;
        if let Some(token) = self.local_token(false) {
            return Ok(token);
        }
        if self.flights.load(Ordering::Acquire) != seen
            && let Some(err) = flight.as_ref()
        {
            return Err(err.clone());
        }
        self.refresh(&mut flight).await
    }

    /// The local token if it is fresh (`fresh_only`) or at least valid.
    fn local_token(&self, fresh_only: bool) -> Option<AccessToken> {
        let now = SystemTime::now();
        let local = self.local.read().unwrap_or_else(PoisonError::into_inner);
        let cached = local.as_ref()?;
        let usable = if fresh_only {
            cached.refresh_at.is_none_or(|due| now < due)
        } else {
            cached.token.is_valid_at(now)
        };
        usable.then(|| cached.token.token.clone())
    }

    async fn refresh(&self, flight: &mut Option<TokenError>) -> Result<AccessToken, TokenError> {
        let result = self.refresh_from_store().await;
        *flight = result.as_ref().err().cloned();
        self.flights.fetch_add(1, Ordering::Release);
        result
    }

    /// Takes a fresh token from the store, or takes the store's lock and fetches one, or waits
    /// for the instance that holds the lock.
    async fn refresh_from_store(&self) -> Result<AccessToken, TokenError> {
        let account = self.provider.account();
        if let Some(stored) = self.store_get().await?
            && self.config.is_fresh(&stored, SystemTime::now())
        {
            return Ok(self.adopt(stored));
        }
        let owner = format!("{}-{:016x}", std::process::id(), fastrand::u64(..));
        let lease = self.config.lock_lease();
        let started = Instant::now();
        loop {
            let locked = self
                .store_op("lock", self.store.try_lock(account, &owner, lease))
                .await?;
            if locked {
                // Released when this refresh ends, however it ends: a caller that gives up
                // (its future dropped) releases it too.
                let mut lock = HeldLock {
                    store: self.store.clone(),
                    account: account.to_string(),
                    owner,
                    until: Instant::now() + lease.min(FAR),
                    store_timeout: self.config.store_timeout,
                    held: true,
                };
                let result = self.fetch_holding_lock(&mut lock).await;
                if lock.held {
                    lock.held = false;
                    if let Err(err) = self
                        .store_op("unlock", self.store.unlock(account, &lock.owner))
                        .await
                    {
                        tracing::warn!(account, error = %err, "cannot release the refresh lock; it expires by itself");
                    }
                }
                return result;
            }
            if let Some(stored) = self.store_get().await?
                && stored.is_valid_at(SystemTime::now())
            {
                return Ok(self.adopt(stored));
            }
            if started.elapsed() >= self.config.lock_wait {
                return Err(TokenError::LockTimeout {
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(self.config.poll_interval).await;
        }
    }

    /// Holding the lock: re-reads the store (another instance may have just refreshed), else
    /// fetches from the provider and stores the token unless a later one is stored already,
    /// releasing the lock in the same step.
    async fn fetch_holding_lock(&self, lock: &mut HeldLock) -> Result<AccessToken, TokenError> {
        let account = self.provider.account();
        let stored = self.store_get().await?;
        if let Some(stored) = &stored
            && self.config.is_fresh(stored, SystemTime::now())
        {
            return Ok(self.adopt(stored.clone()));
        }
        tracing::debug!(account, "fetching a fresh access token");
        let timeout = self.config.fetch_timeout;
        let issued = tokio::time::timeout(timeout, self.provider.fetch())
            .await
            .map_err(|_| TokenError::FetchTimeout { timeout })??;
        let mut issued = checked(issued)?;
        self.keep_first_expiry(&mut issued, stored.as_ref());
        let stored = self
            .store_op(
                "put",
                self.store.put_and_unlock(account, &issued, &lock.owner),
            )
            .await;
        lock.held = false;
        match stored {
            Ok(true) => Ok(self.adopt(issued)),
            Ok(false) => match self.store_get().await {
                // The source handed out the stored token again (stable_token does until the
                // token nears its end): keep it, and refresh next by what this fetch said is
                // left of its life, so the due window is not one fetch per call.
                Ok(Some(stored)) if stored.token == issued.token => {
                    let refresh_at = self.config.refresh_at(&issued);
                    Ok(self.adopt_scheduled(stored, refresh_at))
                }
                Ok(Some(newer)) if newer.is_valid_at(SystemTime::now()) => Ok(self.adopt(newer)),
                _ => Ok(self.adopt(issued)),
            },
            Err(err) => {
                tracing::warn!(account, error = %err, "fetched token not stored yet; storing it and releasing the lock once the store answers");
                lock.store_later(issued.clone(), self.config.poll_interval);
                Ok(self.adopt(issued))
            }
        }
    }

    /// A token handed out again ends when it was first said to end: WeChat reports whole
    /// seconds, so a later answer's `expires_in` may round past the real end, never before it.
    /// A first end already past means the source renewed the string: its new lifetime holds
    /// (keeping the past end would make every call fetch again).
    fn keep_first_expiry(&self, issued: &mut IssuedToken, stored: Option<&IssuedToken>) {
        let now = SystemTime::now();
        let local = self
            .local
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|cached| cached.token.clone());
        for known in stored.into_iter().chain(local.as_ref()) {
            if known.token == issued.token
                && let (Some(first), Some(now_said)) = (known.expires_at, issued.expires_at)
                && first < now_said
                && first > now
            {
                issued.expires_at = Some(first);
            }
        }
    }

    fn adopt(&self, token: IssuedToken) -> AccessToken {
        let refresh_at = self.config.refresh_at(&token);
        self.adopt_scheduled(token, refresh_at)
    }

    fn adopt_scheduled(&self, token: IssuedToken, refresh_at: Option<SystemTime>) -> AccessToken {
        let access = token.token.clone();
        *self.local.write().unwrap_or_else(PoisonError::into_inner) =
            Some(Cached { token, refresh_at });
        access
    }

    /// The store's token, unless it is the one WeChat last rejected.
    async fn store_get(&self) -> Result<Option<IssuedToken>, TokenError> {
        let stored = self
            .store_op("get", self.store.get(self.provider.account()))
            .await?;
        let rejected = self.rejected.read().unwrap_or_else(PoisonError::into_inner);
        Ok(stored.filter(|token| rejected.as_ref() != Some(&token.token)))
    }

    async fn store_op<T>(
        &self,
        operation: &'static str,
        future: StoreFuture<'_, T>,
    ) -> Result<T, TokenError> {
        let timeout = self.config.store_timeout;
        tokio::time::timeout(timeout, future)
            .await
            .unwrap_or(Err(TokenError::StoreTimeout { operation, timeout }))
    }
}

/// What other credentials of the same account share (the card ticket rides on the app's cache).
impl TokenCache {
    /// The account, store and timing of this cache: other credentials of the same account
    /// (the card ticket) are cached in the same store, beside its token.
    pub(crate) fn sharing(&self) -> (&str, Arc<dyn TokenStore>, TokenCacheConfig) {
        (self.provider.account(), self.store.clone(), self.config)
    }
}

/// A wait longer than this is this long (no clock arithmetic overflows).
const FAR: Duration = Duration::from_secs(100 * 365 * 86_400);

/// A provider's token as the cache keeps it: its lifetime cut to the maximum, and refused
/// when it cannot be used (empty, too long for a URL, stale on arrival).
fn checked(issued: IssuedToken) -> Result<IssuedToken, TokenError> {
    let issued = issued.bounded();
    if let Some(reason) = unusable(issued.token.secret()) {
        return Err(TokenError::new(reason));
    }
    if !issued.is_valid_at(SystemTime::now()) {
        return Err(TokenError::new(
            "the provider's token had expired when it arrived",
        ));
    }
    Ok(issued)
}

/// The store's refresh lock while this instance holds it. Dropped while still held (the
/// refreshing caller gave up), it is released in the background, bounded by the store timeout.
struct HeldLock {
    store: Arc<dyn TokenStore>,
    account: String,
    owner: String,
    /// When the lease ends: nothing is written for this lock after it.
    until: Instant,
    store_timeout: Duration,
    held: bool,
}

impl HeldLock {
    /// The store did not take the token (stalled, down): stores it and releases the lock in
    /// the background once the store answers again, retrying every `interval` until the
    /// lease ends, so the other instances find this token instead of fetching a second one.
    fn store_later(&self, token: IssuedToken, interval: Duration) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (store, account, owner) =
            (self.store.clone(), self.account.clone(), self.owner.clone());
        let (until, timeout) = (self.until, self.store_timeout);
        runtime.spawn(async move {
            while Instant::now() < until {
                tokio::time::sleep(interval).await;
                let attempt = store.put_and_unlock(&account, &token, &owner);
                if let Ok(Ok(_)) = tokio::time::timeout(timeout, attempt).await {
                    tracing::debug!(account, "fetched token stored after the store recovered");
                    return;
                }
            }
        });
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (store, account, owner) =
            (self.store.clone(), self.account.clone(), self.owner.clone());
        let timeout = self.store_timeout;
        runtime.spawn(async move {
            let _ = tokio::time::timeout(timeout, store.unlock(&account, &owner)).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::token::{MemoryStore, TokenFuture};

    /// Issues `token-1`, `token-2`, … living `lifetime`, counting fetches.
    #[derive(Debug)]
    struct Counting {
        fetches: AtomicUsize,
        lifetime: Duration,
    }

    impl TokenProvider for Counting {
        fn account(&self) -> &str {
            "wx-test"
        }
        fn fetch(&self) -> TokenFuture<'_> {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            let lifetime = self.lifetime;
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok(IssuedToken::new(
                    AccessToken::new(format!("token-{n}")),
                    lifetime,
                ))
            })
        }
    }

    fn cache(lifetime: Duration) -> (Arc<Counting>, TokenCache) {
        let provider = Arc::new(Counting {
            fetches: AtomicUsize::new(0),
            lifetime,
        });
        let cache = TokenCache::new(
            provider.clone(),
            Arc::new(MemoryStore::new()),
            TokenCacheConfig::default(),
        );
        (provider, cache)
    }

    #[test]
    fn refresh_is_due_before_expiry_and_never_before_half_the_lifetime() {
        let config = TokenCacheConfig::default().refresh_before(Duration::from_secs(300));
        let long = IssuedToken::new(AccessToken::new("a"), Duration::from_secs(7200));
        assert_eq!(
            config.refresh_at(&long),
            Some(long.issued_at + Duration::from_secs(6900))
        );
        let short = IssuedToken::new(AccessToken::new("b"), Duration::from_secs(100));
        assert_eq!(
            config.refresh_at(&short),
            Some(short.issued_at + Duration::from_secs(50))
        );
        let forever = IssuedToken::without_expiry(AccessToken::new("c"));
        assert_eq!(config.refresh_at(&forever), None);
        assert!(config.is_fresh(&forever, SystemTime::now()));

        let early = TokenCacheConfig::default().refresh_before(Duration::from_secs(60));
        assert_eq!(
            early.refresh_at(&long),
            Some(long.issued_at + Duration::from_secs(7140))
        );
    }

    #[test]
    fn a_token_is_due_from_its_refresh_time_on() {
        let config = TokenCacheConfig::default();
        let token = IssuedToken::new(AccessToken::new("a"), Duration::from_secs(7200));
        let due = config.refresh_at(&token).expect("expires");
        assert!(config.is_fresh(&token, due - Duration::from_millis(1)));
        assert!(!config.is_fresh(&token, due));
        assert!(!config.is_fresh(&token, due + Duration::from_secs(1)));
    }

    #[test]
    fn a_crashed_refresher_blocks_the_lock_for_one_fetch_and_two_store_operations() {
        assert_eq!(
            TokenCacheConfig::default().lock_lease(),
            Duration::from_secs(14)
        );
        let config = TokenCacheConfig::default()
            .fetch_timeout(Duration::from_secs(3))
            .store_timeout(Duration::from_millis(500));
        assert_eq!(config.lock_lease(), Duration::from_secs(4));
    }

    /// Issues one short-lived token, then fails every fetch.
    #[derive(Debug)]
    struct OnceThenFailing {
        fetches: AtomicUsize,
        lifetime: Duration,
    }

    impl TokenProvider for OnceThenFailing {
        fn account(&self) -> &str {
            "wx-once"
        }
        fn fetch(&self) -> TokenFuture<'_> {
            let first = self.fetches.fetch_add(1, Ordering::SeqCst) == 0;
            let lifetime = self.lifetime;
            Box::pin(async move {
                if first {
                    Ok(IssuedToken::new(AccessToken::new("short"), lifetime))
                } else {
                    Err(TokenError::new("the source is down"))
                }
            })
        }
    }

    #[tokio::test]
    async fn an_expired_token_is_never_handed_out_when_the_refresh_fails() {
        let provider = Arc::new(OnceThenFailing {
            fetches: AtomicUsize::new(0),
            lifetime: Duration::from_millis(50),
        });
        let cache = TokenCache::new(
            provider.clone(),
            Arc::new(MemoryStore::new()),
            TokenCacheConfig::default(),
        );
        assert_eq!(cache.token().await.unwrap().secret(), "short");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            cache.token().await,
            Err(TokenError::new("the source is down"))
        );
        assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_stale_rejection_does_not_evict_the_refreshed_token() {
        let (provider, cache) = cache(Duration::from_secs(7200));
        let first = cache.token().await.unwrap();
        cache.invalidate(&first).await;
        let second = cache.token().await.unwrap();
        assert_ne!(first, second);
        // A call that was still using `first` reports it rejected: `second` must stay.
        cache.invalidate(&first).await;
        assert_eq!(cache.token().await.unwrap(), second);
        assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    }

    /// Hands out one token until a fixed end, like stable_token without `force_refresh`.
    #[derive(Debug)]
    struct SameUntil {
        fetches: AtomicUsize,
        end: SystemTime,
    }

    impl TokenProvider for SameUntil {
        fn account(&self) -> &str {
            "wx-same"
        }
        fn fetch(&self) -> TokenFuture<'_> {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            let end = self.end;
            Box::pin(async move {
                Ok(IssuedToken {
                    token: AccessToken::new("same"),
                    issued_at: SystemTime::now(),
                    expires_at: Some(end),
                })
            })
        }
    }

    #[tokio::test]
    async fn the_same_token_again_does_not_make_every_call_refresh() {
        let provider = Arc::new(SameUntil {
            fetches: AtomicUsize::new(0),
            end: SystemTime::now() + Duration::from_secs(2),
        });
        let config = TokenCacheConfig::default().refresh_before(Duration::from_secs(1));
        let cache = TokenCache::new(provider.clone(), Arc::new(MemoryStore::new()), config);
        cache.token().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        for _ in 0..20 {
            assert_eq!(cache.token().await.unwrap().secret(), "same");
        }
        assert_eq!(
            provider.fetches.load(Ordering::SeqCst),
            2,
            "one refresh in the due window, not one per call"
        );
    }

    #[tokio::test]
    async fn concurrent_cold_callers_share_one_fetch() {
        let (provider, cache) = cache(Duration::from_secs(7200));
        let cache = Arc::new(cache);
        let calls: Vec<_> = (0..200)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.token().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().secret(), "token-1");
        }
        assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);
    }
}
