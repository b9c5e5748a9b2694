//! A mock of WeChat's invoice API driven by the spec: every endpoint answers its documented
//! example, checks the request as WeChat would (a missing required field gets `72031 invalid
//! params`, an unreadable body `47001`, a missing token `41001`), and can be told to answer
//! an error code, to wait, or to fail in the ways real networks fail.
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

mod http;
mod multipart;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wechat_invoice_codegen::{Api, SourceFile};

pub use http::HttpRequest;
pub use multipart::FormPart;
pub use routes::{Behavior, Delivery, Reply, check_object, success_example};

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

    /// Starts a mock of `api` on `address` (`127.0.0.1:0` picks a free port).
    pub async fn start_with(api: Api, address: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(routes::State::new(api));
        let handler_state = state.clone();
        let handler: http::Handler = Arc::new(move |request| handler_state.handle(request));
        let task = tokio::spawn(http::serve(listener, handler));
        Ok(Self {
            address,
            state,
            task,
        })
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

    /// Forgets every behaviour and delivery.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Every request routed to an endpoint so far, in arrival order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries()
    }

    /// How many requests reached `endpoint`.
    pub fn delivery_count(&self, endpoint: &str) -> usize {
        self.state
            .deliveries()
            .iter()
            .filter(|d| d.endpoint == endpoint)
            .count()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
