//! Values that must outlive every cache, kept in the token store: a third-party platform's
//! latest `component_verify_ticket` and each authorizer's `authorizer_refresh_token`.
//!
//! The store keeps one value per key and replaces it only with one that "expires" later, so a
//! write is versioned by its expiry: a refresh token is written with an expiry a century ahead,
//! never earlier than the stored one's, so the last write wins and nothing expires it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::token::{AccessToken, IssuedToken, StoreFuture, TokenError, TokenStore};

/// How far ahead a durable value's expiry (its version) is set.
const DURABLE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// One store shared by several caches (the platform's token, each authorizer's), handed to the
/// client builder as a [`TokenStore`].
#[derive(Debug, Clone)]
pub(crate) struct SharedStore(pub(crate) Arc<dyn TokenStore>);

impl TokenStore for SharedStore {
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>> {
        self.0.get(account)
    }

    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool> {
        self.0.put(account, token)
    }

    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool> {
        self.0.invalidate(account, rejected)
    }

    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        self.0.try_lock(account, owner, lease)
    }

    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        self.0.unlock(account, owner)
    }
}

/// Writes `value` under `key` for good, replacing what is stored; `Ok` once the store holds
/// it (or a value written after it).
pub(crate) async fn save(store: &dyn TokenStore, key: &str, value: &str) -> Result<(), TokenError> {
    let now = SystemTime::now();
    let stored = store.get(key).await?;
    if stored.as_ref().is_some_and(|s| s.token.secret() == value) {
        return Ok(());
    }
    let mut version = now + DURABLE;
    if let Some(previous) = stored.as_ref().and_then(|s| s.expires_at)
        && previous >= version
    {
        version = previous + Duration::from_millis(1);
    }
    let entry = IssuedToken {
        token: AccessToken::new(value),
        issued_at: now,
        expires_at: Some(version),
    };
    if store.put(key, &entry).await? {
        return Ok(());
    }
    // Another writer got in between with a later version: it is the current value now.
    match store.get(key).await? {
        Some(_) => Ok(()),
        None => Err(TokenError::store(format!(
            "`{key}` was neither stored nor replaced"
        ))),
    }
}

/// The value under `key`, if any.
pub(crate) async fn load(
    store: &dyn TokenStore,
    key: &str,
) -> Result<Option<AccessToken>, TokenError> {
    let now = SystemTime::now();
    Ok(store
        .get(key)
        .await?
        .filter(|entry| entry.is_valid_at(now))
        .map(|entry| entry.token))
}

/// Deletes the value under `key`; `true` when there was one.
pub(crate) async fn remove(store: &dyn TokenStore, key: &str) -> Result<bool, TokenError> {
    match store.get(key).await? {
        Some(entry) => store.invalidate(key, &entry.token).await,
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::MemoryStore;

    #[tokio::test]
    async fn the_last_write_wins_and_removal_deletes() {
        let store = MemoryStore::new();
        assert_eq!(load(&store, "k").await.unwrap(), None);
        save(&store, "k", "first").await.unwrap();
        save(&store, "k", "second").await.unwrap();
        save(&store, "k", "second").await.unwrap();
        save(&store, "k", "third").await.unwrap();
        assert_eq!(
            load(&store, "k")
                .await
                .unwrap()
                .map(|t| t.secret().to_string()),
            Some("third".to_string())
        );
        assert!(remove(&store, "k").await.unwrap());
        assert!(!remove(&store, "k").await.unwrap());
        assert_eq!(load(&store, "k").await.unwrap(), None);
    }
}
