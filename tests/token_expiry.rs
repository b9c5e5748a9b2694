//! A token at the end of its life: WeChat's `expires_in` is whole seconds, so an answer that
//! hands out the current token again may say it lives up to a second longer than it does, and a
//! refresh that raced a rejection may write the rejected token back into the store. Neither may
//! make the client send a token WeChat has already dropped, nor retry with it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use wechat_invoice::{
    AccessToken, Client, GetAuthDataRequest, IssuedToken, MemoryStore, StoreFuture, TokenFuture,
    TokenProvider, TokenStore,
};
use wechat_invoice_mock::MockServer;

const APPID: &str = "wx-token-expiry-appid";
const SECRET: &str = "APP-SECRET-expiry-77";

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

/// A memory store where, right after each invalidation, a racing refresh of another instance
/// writes the rejected token back with a minute to live (it fetched the token just before its
/// end, and its `expires_in` rounded up).
#[derive(Debug, Clone, Default)]
struct RacingStore {
    inner: MemoryStore,
    rewrites: Arc<AtomicUsize>,
}

impl TokenStore for RacingStore {
    fn get<'a>(&'a self, account: &'a str) -> StoreFuture<'a, Option<IssuedToken>> {
        self.inner.get(account)
    }

    fn put<'a>(&'a self, account: &'a str, token: &'a IssuedToken) -> StoreFuture<'a, bool> {
        self.inner.put(account, token)
    }

    fn invalidate<'a>(
        &'a self,
        account: &'a str,
        rejected: &'a AccessToken,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let deleted = self.inner.invalidate(account, rejected).await?;
            let late_write = IssuedToken::new(rejected.clone(), Duration::from_secs(60));
            self.inner.put(account, &late_write).await?;
            self.rewrites.fetch_add(1, Ordering::SeqCst);
            Ok(deleted)
        })
    }

    fn try_lock<'a>(
        &'a self,
        account: &'a str,
        owner: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        self.inner.try_lock(account, owner, lease)
    }

    fn unlock<'a>(&'a self, account: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        self.inner.unlock(account, owner)
    }
}

#[tokio::test]
async fn a_token_just_rejected_is_not_taken_back_from_the_store() {
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);
    server.accept_issued_tokens();
    let store = RacingStore::default();
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .token_store(store.clone())
        .build()
        .expect("client builds");
    client.get_auth_data(&request()).await.expect("first call");

    // WeChat drops the token; the next call is rejected with 42001, the client invalidates
    // it, and the racing writer puts it straight back.
    server.expire_issued_tokens();
    client
        .get_auth_data(&request())
        .await
        .expect("retried once with a fresh token, not with the rejected one");

    assert_eq!(
        store.rewrites.load(Ordering::SeqCst),
        1,
        "the race happened"
    );
    assert_eq!(
        server.token_fetches(),
        2,
        "the fresh token came from WeChat"
    );
    let issued = server.issued_tokens();
    assert_eq!(issued.len(), 2);
    let held = store.inner.get(APPID).await.expect("store answers");
    assert_eq!(
        held.map(|t| t.token),
        Some(AccessToken::new(issued[1].clone())),
        "the fresh token replaced the rejected one in the store"
    );
}

/// Hands out one token, first saying it ends in `lifetime`, then (as an answer that rounds
/// `expires_in` up would) a second later than that.
#[derive(Debug)]
struct RoundingUpSource {
    first_end: Mutex<Option<SystemTime>>,
    lifetime: Duration,
    fetches: AtomicUsize,
}

impl TokenProvider for RoundingUpSource {
    fn account(&self) -> &str {
        APPID
    }

    fn fetch(&self) -> TokenFuture<'_> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let now = SystemTime::now();
        let mut first_end = self.first_end.lock().expect("not poisoned");
        let expires_at = match *first_end {
            None => *first_end.insert(now + self.lifetime),
            Some(end) => end + Duration::from_secs(1),
        };
        let token = IssuedToken {
            token: AccessToken::new("THE-ONE-TOKEN"),
            issued_at: now,
            expires_at: Some(expires_at),
        };
        Box::pin(async move { Ok(token) })
    }
}

#[tokio::test]
async fn a_token_handed_out_again_keeps_its_first_end() {
    let server = MockServer::start().await.expect("mock starts");
    server.accept_tokens(["THE-ONE-TOKEN"]);
    let store = MemoryStore::new();
    let source = Arc::new(RoundingUpSource {
        first_end: Mutex::new(None),
        lifetime: Duration::from_secs(2),
        fetches: AtomicUsize::new(0),
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token_provider(SharedSource(source.clone()))
        .token_store(store.clone())
        .build()
        .expect("client builds");
    client.get_auth_data(&request()).await.expect("first call");
    let first_end = source
        .first_end
        .lock()
        .expect("not poisoned")
        .expect("fetched once");

    // Past the refresh point (half of a 2 s life): the next call refreshes ahead of expiry and
    // the source hands out the same token, saying it ends a second later.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get_auth_data(&request()).await.expect("second call");
    assert_eq!(source.fetches.load(Ordering::SeqCst), 2, "refreshed ahead");

    let held = store
        .get(APPID)
        .await
        .expect("store answers")
        .expect("a token");
    assert_eq!(
        held.expires_at,
        Some(first_end),
        "the later, rounded-up end was not believed"
    );
}

/// Shares one source between the test and the client.
#[derive(Debug)]
struct SharedSource(Arc<RoundingUpSource>);

impl TokenProvider for SharedSource {
    fn account(&self) -> &str {
        self.0.account()
    }

    fn fetch(&self) -> TokenFuture<'_> {
        self.0.fetch()
    }
}
