//! A token store in Redis (cargo feature `redis`): processes that share one appid share one
//! token and one refresh.
//!
//! Keys hold the appid only: `{prefix}:access_token:{appid}` is a hash (`token`, `issued_at`,
//! `expires_at` in Unix milliseconds, `expires_at` empty for a token without expiry) that
//! expires with the token; `{prefix}:refresh_lock:{appid}` is the refresh lock, `SET NX PX`
//! with a random owner. Writes, invalidation and unlocking are Lua scripts, so each compare and
//! its write are one atomic step.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{AccessToken, IssuedToken, StoreFuture, TokenError, TokenStore};

/// The start of both storing scripts: checks every argument before any write (so a script
/// applies whole or not at all), then defines `put()`, which stores the token (`KEYS[1]`;
/// `ARGV[1..3]`: token, issued_at and expires_at in Unix ms, expires_at empty for none)
/// unless the stored one expires at the same time or later, and answers 1 when it stored.
macro_rules! checked_put {
    () => {
        r"
local expires = tonumber(ARGV[3])
if ARGV[1] == '' or tonumber(ARGV[2]) == nil or (ARGV[3] ~= '' and (expires == nil or expires < 0 or expires > 9007199254740991)) then
  return redis.error_reply('malformed token entry')
end
local function put()
  local stored = redis.call('HGET', KEYS[1], 'expires_at')
  if stored and (stored == '' or (ARGV[3] ~= '' and tonumber(stored) >= expires)) then
    return 0
  end
  redis.call('HSET', KEYS[1], 'token', ARGV[1], 'issued_at', ARGV[2], 'expires_at', ARGV[3])
  if ARGV[3] ~= '' then
    redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  else
    redis.call('PERSIST', KEYS[1])
  end
  return 1
end
"
    };
}

/// Stores the token unless the stored one expires at the same time or later.
const PUT: &str = concat!(checked_put!(), "return put()\n");

/// Stores like [`PUT`], then releases the lock (`KEYS[2]`) if `ARGV[4]` still owns it: one
/// atomic step.
const PUT_AND_UNLOCK: &str = concat!(
    checked_put!(),
    r"
local result = put()
if redis.call('GET', KEYS[2]) == ARGV[4] then
  redis.call('DEL', KEYS[2])
end
return result
"
);

/// Deletes the token only if it is still the rejected one.
const INVALIDATE: &str = r"
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Releases the lock only if the caller still owns it.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Default prefix of every key.
pub const DEFAULT_KEY_PREFIX: &str = "wechat_invoice";

/// A [`TokenStore`] in Redis, over the `redis` crate's auto-reconnecting connection manager.
///
/// When Redis is down or slow, operations fail with [`TokenError::Store`] or
/// [`TokenError::StoreTimeout`] (bounded by the client's
/// [`TokenCacheConfig::store_timeout`](crate::TokenCacheConfig::store_timeout)); a client that
/// still holds a valid token keeps using it, one that holds none fails the call with that
/// error. It never falls back to fetching without the lock.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    put: redis::Script,
    put_and_unlock: redis::Script,
    invalidate: redis::Script,
    unlock: redis::Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store at `url` (`redis://127.0.0.1:6379`). Connects lazily, on first use, so it
    /// succeeds while Redis is down; each connection attempt and each command is limited to
    /// `timeout`. Call it inside a Tokio runtime.
    pub fn open(url: &str, timeout: Duration) -> Result<Self, TokenError> {
        let client = redis::Client::open(url)
            .map_err(|err| TokenError::store(format!("invalid Redis URL: {err}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(timeout);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|err| TokenError::store(format!("cannot set up Redis: {err}")))?;
        Ok(Self::from_connection(connection))
    }

    /// A store over a connection manager you configured yourself.
    pub fn from_connection(connection: ConnectionManager) -> Self {
        Self {
            connection,
            prefix: DEFAULT_KEY_PREFIX.to_string(),
            put: redis::Script::new(PUT),
            put_and_unlock: redis::Script::new(PUT_AND_UNLOCK),
            invalidate: redis::Script::new(INVALIDATE),
            unlock: redis::Script::new(UNLOCK),
        }
    }

    /// Prefix of every key (default `wechat_invoice`).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The key holding `account`'s token.
    pub fn token_key(&self, account: &str) -> String {
        format!("{}:access_token:{account}", self.prefix)
    }

    /// The key of `account`'s refresh lock.
    pub fn lock_key(&self, account: &str) -> String {
        format!("{}:refresh_lock:{account}", self.prefix)
    }

    /// Checks that Redis answers.
    pub async fn ping(&self) -> Result<(), TokenError> {
        let mut connection = self.connection.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
            .map_err(redis_error)
    }

    async fn get_token(&self, account: &str) -> Result<Option<IssuedToken>, TokenError> {
        let mut connection = self.connection.clone();
        let fields: HashMap<String, String> = redis::cmd("HGETALL")
            .arg(self.token_key(account))
            .query_async(&mut connection)
            .await
            .map_err(redis_error)?;
        if fields.is_empty() {
            return Ok(None);
        }
        decode(&fields)
            .map(Some)
            .ok_or_else(|| TokenError::store(format!("malformed token entry for `{account}`")))
    }

    async fn put_token(
        &self,
        account: &str,
        token: &IssuedToken,
        owner: Option<&str>,
    ) -> Result<bool, TokenError> {
        let mut connection = self.connection.clone();
        // Lifetimes are cut to the maximum, so the times fit Redis and Lua's numbers.
        let token = token.clone().bounded();
        let expires_at = token.expires_at.map(millis).map(|ms| ms.to_string());
        let mut invocation = match owner {
            Some(_) => self.put_and_unlock.key(self.token_key(account)),
            None => self.put.key(self.token_key(account)),
        };
        invocation
            .arg(token.token.secret())
            .arg(millis(token.issued_at))
            .arg(expires_at.unwrap_or_default());
        if let Some(owner) = owner {
            invocation.key(self.lock_key(account)).arg(owner);
        }
        let stored: i64 = invocation
            .invoke_async(&mut connection)
            .await
            .map_err(redis_error)?;
        Ok(stored == 1)
    }

    async fn invalidate_token(
        &self,
        account: &str,
        rejected: &AccessToken,
    ) -> Result<bool, TokenError> {
        let mut connection = self.connection.clone();
        let deleted: i64 = self
            .invalidate
            .key(self.token_key(account))
            .arg(rejected.secret())
            .invoke_async(&mut connection)
            .await
            .map_err(redis_error)?;
        Ok(deleted == 1)
    }

    async fn lock(&self, account: &str, owner: &str, lease: Duration) -> Result<bool, TokenError> {
        let mut connection = self.connection.clone();
        let lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1);
        let answer: Option<String> = redis::cmd("SET")
            .arg(self.lock_key(account))
            .arg(owner)
            .arg("NX")
            .arg("PX")
            .arg(lease_ms)
            .query_async(&mut connection)
            .await
            .map_err(redis_error)?;
        Ok(answer.is_some())
    }

    async fn release(&self, account: &str, owner: &str) -> Result<(), TokenError> {
        let mut connection = self.connection.clone();
        let _: i64 = self
            .unlock
            .key(self.lock_key(account))
            .arg(owner)
            .invoke_async(&mut connection)
            .await
            .map_err(redis_error)?;
        Ok(())
    }
}

impl TokenStore for RedisStore {
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>> {
        Box::pin(self.get_token(account))
    }

    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool> {
        Box::pin(self.put_token(account, token, None))
    }

    fn put_and_unlock<'a>(
        &'a self,
        account: &'a str,
        token: &'a IssuedToken,
        owner: &'a str,
    ) -> StoreFuture<'a, bool> {
        Box::pin(self.put_token(account, token, Some(owner)))
    }

    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool> {
        Box::pin(self.invalidate_token(account, rejected))
    }

    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(self.lock(account, owner, lease))
    }

    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.release(account, owner))
    }
}

fn redis_error(err: redis::RedisError) -> TokenError {
    TokenError::store(format!("Redis: {err}"))
}

fn millis(time: SystemTime) -> u64 {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX)
}

fn decode(fields: &HashMap<String, String>) -> Option<IssuedToken> {
    let at = |ms: u64| UNIX_EPOCH + Duration::from_millis(ms);
    let token = fields.get("token").filter(|t| !t.is_empty())?;
    let issued_at = at(fields.get("issued_at")?.parse().ok()?);
    let expires_at = match fields.get("expires_at")?.as_str() {
        "" => None,
        ms => Some(at(ms.parse().ok()?)),
    };
    Some(IssuedToken {
        token: AccessToken::new(token.as_str()),
        issued_at,
        expires_at,
    })
}
