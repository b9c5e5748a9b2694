//! The mock's HTTP/1.1 server, on hyper: accepts connections within a limit, serves each with
//! hyper's parser under timeouts and a body cap, and hands each request to the routes.
//!
//! Every wait is bounded: a request head (and an idle keep-alive connection) by
//! [`ServerLimits::header_timeout`], a body by [`ServerLimits::body_timeout`], a stalled write
//! by [`ServerLimits::write_timeout`]. Memory is bounded by
//! [`ServerLimits::max_connections`] × ([`ServerLimits::max_head_bytes`] +
//! [`ServerLimits::max_body_bytes`]). When accepting fails (at the open-file limit), the loop
//! backs off instead of retrying at full speed.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::Body as _;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use crate::http::{AnswerBody, CloseWithoutAnswer, Handler, HttpAnswer, HttpRequest};

/// The longest any timeout may be; longer settings are cut to this.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);
/// The shortest any timeout may be; shorter settings (zero) are raised to this.
const SHORTEST_TIMEOUT: Duration = Duration::from_millis(1);
/// hyper's smallest read buffer, which also bounds a request head.
const SMALLEST_HEAD_LIMIT: usize = 8192;
/// First pause after a failed accept; it doubles up to [`LONGEST_ACCEPT_PAUSE`].
const FIRST_ACCEPT_PAUSE: Duration = Duration::from_millis(10);
/// Longest pause between accept attempts while accepting fails.
const LONGEST_ACCEPT_PAUSE: Duration = Duration::from_secs(1);

/// Bounds on what one client can hold: connections, time and bytes.
///
/// ```
/// use std::time::Duration;
/// use wechat_invoice_mock::ServerLimits;
///
/// let limits = ServerLimits {
///     max_connections: 16,
///     header_timeout: Duration::from_secs(2),
///     ..ServerLimits::default()
/// };
/// assert_eq!(limits.max_body_bytes, ServerLimits::default().max_body_bytes);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Connections served at once; one more is closed as soon as it is accepted (default 1024).
    pub max_connections: usize,
    /// Time a client has to send a request's head, counted from when the server starts waiting
    /// for it, so it also closes idle keep-alive connections (default 30 s).
    pub header_timeout: Duration,
    /// Time a client has to send a request's body once its head arrived; later, the answer is
    /// 408 and the connection closes (default 60 s).
    pub body_timeout: Duration,
    /// Time a write may wait for a client that does not read before the connection closes
    /// (default 30 s).
    pub write_timeout: Duration,
    /// Largest request body; a larger one is answered 413 without being read (default 8 MiB).
    pub max_body_bytes: usize,
    /// Largest request head; a larger one is answered 431 (default 64 KiB; at least 8 KiB).
    pub max_head_bytes: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_body_bytes: 8 * 1024 * 1024,
            max_head_bytes: 64 * 1024,
        }
    }
}

impl ServerLimits {
    /// The limits with every timeout within 1 ms–24 h, the head limit at least hyper's
    /// smallest buffer and at least one connection.
    fn bounded(&self) -> Self {
        let timeout = |value: Duration| value.clamp(SHORTEST_TIMEOUT, LONGEST_TIMEOUT);
        Self {
            max_connections: self.max_connections.max(1),
            header_timeout: timeout(self.header_timeout),
            body_timeout: timeout(self.body_timeout),
            write_timeout: timeout(self.write_timeout),
            max_body_bytes: self.max_body_bytes,
            max_head_bytes: self.max_head_bytes.max(SMALLEST_HEAD_LIMIT),
        }
    }
}

/// What the server's accept loop has seen, from
/// [`MockServer::connection_stats`](crate::MockServer::connection_stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectionStats {
    /// Connections accepted and served.
    pub accepted: usize,
    /// Connections closed at once because [`ServerLimits::max_connections`] were open.
    pub refused: usize,
    /// Connections open now.
    pub open: usize,
    /// Accept attempts that failed (the open-file limit, for one); each is followed by a pause.
    pub accept_errors: usize,
}

/// The counters behind [`ConnectionStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    accepted: AtomicUsize,
    refused: AtomicUsize,
    open: AtomicUsize,
    accept_errors: AtomicUsize,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> ConnectionStats {
        ConnectionStats {
            accepted: self.accepted.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            open: self.open.load(Ordering::Relaxed),
            accept_errors: self.accept_errors.load(Ordering::Relaxed),
        }
    }
}

/// The warning to print when the server listens beyond loopback, if it does.
pub(crate) fn exposure_warning(address: SocketAddr) -> Option<String> {
    (!address.ip().is_loopback()).then(|| {
        format!(
            "warning: the WeChat invoice mock listens on {address}, beyond loopback: anyone who \
             can reach this address can call it, and it checks no real credentials; listen on \
             127.0.0.1 unless other machines must reach it"
        )
    })
}

/// Accepts connections until the task is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    handler: Handler,
    limits: ServerLimits,
    counters: Arc<Counters>,
) {
    let limits = Arc::new(limits.bounded());
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut pause = FIRST_ACCEPT_PAUSE;
    let mut warned_full = false;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                pause = FIRST_ACCEPT_PAUSE;
                stream
            }
            Err(error) => {
                counters.accept_errors.fetch_add(1, Ordering::Relaxed);
                if pause == FIRST_ACCEPT_PAUSE {
                    eprintln!(
                        "wechat-invoice-mock: accepting a connection failed ({error}); \
                         retrying with pauses of up to {} s",
                        LONGEST_ACCEPT_PAUSE.as_secs()
                    );
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(LONGEST_ACCEPT_PAUSE);
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            counters.refused.fetch_add(1, Ordering::Relaxed);
            if !warned_full {
                warned_full = true;
                eprintln!(
                    "wechat-invoice-mock: {} connections open, the limit; closing new ones \
                     until some end",
                    limits.max_connections
                );
            }
            drop(stream);
            continue;
        };
        warned_full = false;
        counters.accepted.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(serve_connection(
            stream,
            handler.clone(),
            limits.clone(),
            Open::new(counters.clone(), slot),
        ));
    }
}

/// One open connection: counted while it lives, its slot given back when it ends.
struct Open {
    counters: Arc<Counters>,
    _slot: OwnedSemaphorePermit,
}

impl Open {
    fn new(counters: Arc<Counters>, slot: OwnedSemaphorePermit) -> Self {
        counters.open.fetch_add(1, Ordering::Relaxed);
        Self {
            counters,
            _slot: slot,
        }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.counters.open.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn serve_connection(
    stream: TcpStream,
    handler: Handler,
    limits: Arc<ServerLimits>,
    open: Open,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(WriteDeadline::new(stream, limits.write_timeout));
    let service_limits = limits.clone();
    let service =
        service_fn(move |request| answer(request, handler.clone(), service_limits.clone()));
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_head_bytes)
        .serve_connection(io, service)
        .await;
    drop(open);
}

/// Reads the body within its limits, asks the routes, waits the asked delay, answers.
async fn answer(
    request: Request<Incoming>,
    handler: Handler,
    limits: Arc<ServerLimits>,
) -> Result<Response<AnswerBody>, CloseWithoutAnswer> {
    let (parts, body) = request.into_parts();
    if body.size_hint().lower() > limits.max_body_bytes as u64 {
        return too_large(&limits);
    }
    let collected = tokio::time::timeout(
        limits.body_timeout,
        Limited::new(body, limits.max_body_bytes).collect(),
    )
    .await;
    let body: Bytes = match collected {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.is::<LengthLimitError>() => return too_large(&limits),
        Ok(Err(error)) => {
            let text = format!("unreadable request body: {}", with_causes(&*error));
            return HttpAnswer::plain(400, &text).into_response(true);
        }
        Err(_) => {
            let text = format!(
                "request body not received within {} ms",
                limits.body_timeout.as_millis()
            );
            return HttpAnswer::plain(408, &text).into_response(true);
        }
    };
    let request = HttpRequest::from_parts(&parts, body);
    let (answer, delay) = handler(request);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    answer.into_response(false)
}

/// The 413 for a body over the cap, announced or sent.
fn too_large(limits: &ServerLimits) -> Result<Response<AnswerBody>, CloseWithoutAnswer> {
    let text = format!(
        "request body over the mock's limit of {} bytes",
        limits.max_body_bytes
    );
    HttpAnswer::plain(413, &text).into_response(true)
}

/// An error and its causes, `outer: inner: innermost`.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// A TCP stream whose writes fail once they have waited `limit` for a client that does not
/// read, so a stalled client cannot hold its connection (and its answer) forever.
struct WriteDeadline {
    stream: TcpStream,
    limit: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        Self {
            stream,
            limit,
            stalled: None,
        }
    }

    /// A write's result: a write that went through ends the stall; a pending one fails once
    /// the stall has lasted the limit.
    fn after_write(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if written.is_ready() {
            self.stalled = None;
            return written;
        }
        let limit = self.limit;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not read the answer in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.after_write(cx, written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.after_write(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_beyond_loopback_are_warned_about() {
        for quiet in ["127.0.0.1:80", "[::1]:80", "127.8.9.1:0"] {
            let address: SocketAddr = quiet.parse().expect("an address");
            assert_eq!(exposure_warning(address), None, "{quiet}");
        }
        for loud in ["0.0.0.0:8080", "[::]:8080", "192.168.1.5:80"] {
            let address: SocketAddr = loud.parse().expect("an address");
            let warning = exposure_warning(address).expect("a warning");
            assert!(
                warning.contains(loud) && warning.contains("beyond loopback"),
                "{warning}"
            );
        }
    }

    #[test]
    fn settings_from_outside_are_bounded() {
        let limits = ServerLimits {
            max_connections: 0,
            header_timeout: Duration::MAX,
            body_timeout: Duration::ZERO,
            write_timeout: Duration::MAX,
            max_body_bytes: 0,
            max_head_bytes: 1,
        }
        .bounded();
        assert_eq!(limits.max_connections, 1);
        assert_eq!(limits.header_timeout, LONGEST_TIMEOUT);
        assert_eq!(limits.body_timeout, SHORTEST_TIMEOUT);
        assert_eq!(limits.write_timeout, LONGEST_TIMEOUT);
        assert_eq!(limits.max_head_bytes, SMALLEST_HEAD_LIMIT);
    }
}
