//! A mock of WeChat's invoice API driven by the spec: every endpoint answers its documented
//! example, checks the request as WeChat would (a missing required field gets `72031 invalid
//! params`, an unreadable body `47001`, a missing token `41001`), and can be told to answer
//! an error code, to wait, or to fail in the ways real networks fail.
//!
//! Besides the spec's endpoints it serves WeChat's token interfaces, `POST
//! /cgi-bin/stable_token` and `GET /cgi-bin/token` (pseudo-endpoints `stable_token` and
//! `token`), for the appid and secret given to [`MockServer::app_credentials`].
//!
//! The server is hyper's HTTP/1.1 server with bounds on what a client can hold (connections,
//! head and body sizes, and a timeout on every wait; see [`ServerLimits`]), and it warns on
//! standard error when it listens beyond loopback.
//!
//! For load and fault runs, [`MockServer::inject_faults`] answers a random share of calls with
//! faults (seeded, so a run can be repeated), and [`MockServer::count_by_identity`] counts
//! deliveries per value of a body field, so a test can check that a call that is not
//! idempotent reached the server at most once.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use wechat_invoice_mock::{MockServer, Reply};
//! let server = MockServer::start().await?;
//! server.respond_once("get_auth_data", Reply::Error(72038));
//! println!("point the client at {}", server.base_url());
//! # Ok(())
//! # }
//! ```

mod faults;
mod http;
mod multipart;
mod push;
mod routes;
mod server;
mod tokens;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wechat_invoice_codegen::{Api, SourceFile};

pub use faults::{FaultCounts, FaultMix, IdentitySummary};
pub use http::HttpRequest;
pub use multipart::FormPart;
pub use push::{
    ComponentPushReport, MAX_ANSWER_CHARS, PushAnswer, PushFailure, PushOutcome, PushReport,
    PushTarget, WECHAT_ATTEMPTS, WECHAT_RETRY_WAIT, push_component_event, push_event,
};
pub use routes::{Behavior, Delivery, Reply, check_object, example_for, success_example};
pub use server::{ConnectionStats, ServerLimits};
pub use tokens::{CLASSIC_TOKEN, STABLE_TOKEN};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/spec_files.rs"));
}

/// The repository's spec, embedded at build time and resolved.
pub fn embedded_api() -> Result<Api, wechat_invoice_codegen::Failure> {
    let sources: Vec<SourceFile> = embedded::SPEC_FILES
        .iter()
        .map(|(path, text)| SourceFile {
            path: PathBuf::from(path),
            text: (*text).to_string(),
        })
        .collect();
    wechat_invoice_codegen::resolve(&sources)
}

/// A running mock server on loopback; stops when dropped.
pub struct MockServer {
    address: SocketAddr,
    state: Arc<routes::State>,
    connections: Arc<server::Counters>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts the mock of the embedded spec on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let api = embedded_api().map_err(|failure| std::io::Error::other(failure.to_string()))?;
        Self::start_with(api, "127.0.0.1:0").await
    }

    /// Starts a mock of `api` on `address` (`127.0.0.1:0` picks a free port), with the default
    /// [`ServerLimits`]. Warns on standard error when `address` is beyond loopback.
    pub async fn start_with(api: Api, address: &str) -> std::io::Result<Self> {
        Self::start_with_limits(api, address, ServerLimits::default()).await
    }

    /// Starts a mock of `api` on `address` within these limits on connections, sizes and
    /// waits. Warns on standard error when `address` is beyond loopback.
    pub async fn start_with_limits(
        api: Api,
        address: &str,
        limits: ServerLimits,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        if let Some(warning) = server::exposure_warning(address) {
            eprintln!("{warning}");
        }
        let state = Arc::new(routes::State::new(api));
        let handler_state = state.clone();
        let handler: http::Handler = Arc::new(move |request| handler_state.handle(request));
        let connections = Arc::new(server::Counters::default());
        let task = tokio::spawn(server::serve(
            listener,
            handler,
            limits,
            connections.clone(),
        ));
        Ok(Self {
            address,
            state,
            connections,
            task,
        })
    }

    /// Connections accepted, refused at the limit and open now, and failed accepts.
    pub fn connection_stats(&self) -> ConnectionStats {
        self.connections.snapshot()
    }

    /// `http://127.0.0.1:PORT`, the base URL to give the client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The socket address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The resolved spec the server answers from.
    pub fn api(&self) -> &Api {
        &self.state.api
    }

    /// Answers every later call of `endpoint` (spec name, or `*` for all) this way.
    pub fn respond(&self, endpoint: &str, behavior: impl Into<Behavior>) {
        self.state.set(endpoint, behavior.into());
    }

    /// Answers the next call of `endpoint` (or `*`) this way, then goes back to what it did.
    /// Several calls queue up in order.
    pub fn respond_once(&self, endpoint: &str, behavior: impl Into<Behavior>) {
        self.state.push(endpoint, behavior.into());
    }

    /// Accepts only these access tokens (others get 40001); by default any non-empty token.
    pub fn accept_tokens<I, S>(&self, tokens: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.state
            .set_valid_tokens(Some(tokens.into_iter().map(Into::into).collect()));
    }

    /// Answers a random share of the later calls of `endpoint` (spec name, `stable_token`,
    /// `token`, or `*` for every endpoint the mix of a named one does not cover) with the
    /// mix's faults, replacing any mix it had; see [`FaultMix`]. Queued one-shots
    /// ([`Self::respond_once`]) still come first; calls that draw no fault get what
    /// [`Self::respond`] set, or the example. Requests the mock refuses before answering
    /// (a missing token, an invalid body) draw nothing.
    pub fn inject_faults(&self, endpoint: &str, mix: FaultMix) {
        self.state.set_faults(endpoint, Some(mix));
    }

    /// Stops the fault mix of `endpoint` (or `*`); its counts are forgotten.
    pub fn clear_faults(&self, endpoint: &str) {
        self.state.set_faults(endpoint, None);
    }

    /// How many calls the fault mix of `endpoint` (or `*`) saw, and which faults it answered;
    /// empty counts when it has none.
    pub fn fault_counts(&self, endpoint: &str) -> FaultCounts {
        self.state.fault_counts(endpoint)
    }

    /// From now on, counts the deliveries of `endpoint` per value of its JSON body field at
    /// `pointer` (a JSON pointer: `/order_id`, `/invoiceinfo/fpqqlsh`), counted even while
    /// recording is off: only the values and their counts are kept, never bodies. Every
    /// request that passes the checks counts, including those then answered with a fault
    /// (an error code, a reset, a delay); one refused for its token or body (40001, 42001,
    /// 72031…) does not, since WeChat acts on neither. Replaces earlier counts of the
    /// endpoint.
    pub fn count_by_identity(&self, endpoint: &str, pointer: &str) {
        self.state.count_identities(endpoint, pointer);
    }

    /// How many requests of `endpoint` carried `identity` since [`Self::count_by_identity`].
    pub fn identity_deliveries(&self, endpoint: &str, identity: &str) -> usize {
        self.state.identity_deliveries(endpoint, identity)
    }

    /// Deliveries of `endpoint` per identity: how many identities, the most deliveries of
    /// one, and those delivered more than once.
    pub fn identity_summary(&self, endpoint: &str) -> IdentitySummary {
        self.state.identity_summary(endpoint)
    }

    /// Forgets every behaviour, fault mix, delivery and identity count.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Every request routed to an endpoint so far, in arrival order (empty while recording is
    /// off).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries()
    }

    /// How many requests reached `endpoint` (a spec name, `stable_token` or `token`); cheap,
    /// and counted even while recording is off.
    pub fn delivery_count(&self, endpoint: &str) -> usize {
        self.state.count(endpoint)
    }

    /// Whether requests are kept for [`Self::deliveries`] (default on); turn it off for load.
    pub fn record_deliveries(&self, on: bool) {
        self.state.recording.store(on, Ordering::Relaxed);
    }

    /// Serves the token interfaces for this appid and secret: `stable_token` and `token`
    /// answer `{access_token, expires_in}` with a new token (`stable_token` without
    /// `force_refresh` answers the current one while it lives), 40013 for another appid and
    /// 40125 for another secret. Without it, every token request gets 40013.
    pub fn app_credentials(&self, appid: &str, secret: &str) {
        self.state.issuer.configure(appid, secret);
    }

    /// Lifetime of tokens issued from now on (default 7200 s; `expires_in` is rounded up to
    /// whole seconds).
    pub fn token_lifetime(&self, lifetime: Duration) {
        self.state.issuer.set_lifetime(lifetime);
    }

    /// API calls accept exactly the issued tokens that are still valid: an expired one gets
    /// 42001, a revoked or unknown one 40001.
    pub fn accept_issued_tokens(&self) {
        self.state.require_issued.store(true, Ordering::Relaxed);
    }

    /// Every token issued so far expires now (API calls with them get 42001 when
    /// [`Self::accept_issued_tokens`] is on).
    pub fn expire_issued_tokens(&self) {
        self.state.issuer.expire_all();
    }

    /// Every token issued so far is revoked (API calls with them get 40001 when
    /// [`Self::accept_issued_tokens`] is on).
    pub fn revoke_issued_tokens(&self) {
        self.state.issuer.revoke_all();
    }

    /// The tokens issued so far, oldest first.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.issuer.issued()
    }

    /// Token requests so far, `stable_token` and `token` together.
    pub fn token_fetches(&self) -> usize {
        self.delivery_count(STABLE_TOKEN) + self.delivery_count(CLASSIC_TOKEN)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
