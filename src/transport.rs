//! The HTTP exchange every request takes, API calls and token fetches alike: the connection
//! pool, the one base-URL join, the per-attempt deadline, the capped body read, and reqwest's
//! errors as messages without URLs or secrets.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use reqwest::Url;

use crate::redact::scrub_value;

/// A wait longer than this is this long: far enough to mean "no limit", near enough that no
/// clock arithmetic overflows.
const FAR: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Connections, the base URL and the limits shared by every request of one client.
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: Url,
    max_response_bytes: usize,
    deadlines: Deadlines,
}

/// Why an exchange brought no answer.
#[derive(Debug)]
pub(crate) enum TransportError {
    /// The deadline passed before the whole answer arrived.
    Timeout,
    /// The connection failed; `not_sent` when the request cannot have left this machine.
    Failed {
        /// reqwest's error chain, without the URL or any secret.
        message: String,
        /// The connection was never made: repeating is safe for every endpoint.
        not_sent: bool,
    },
    /// The answer was longer than the cap.
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
}

impl Transport {
    /// Requests through `http` to paths below `base_url`, answers capped at
    /// `max_response_bytes`.
    pub(crate) fn new(http: reqwest::Client, base_url: Url, max_response_bytes: usize) -> Self {
        Self {
            http,
            base_url,
            max_response_bytes,
            deadlines: Deadlines::default(),
        }
    }

    /// The base URL every path is joined to.
    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The cap on an answer's body.
    pub(crate) fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// `path` below the base URL (a base path such as `/wechat` is kept), with `query`.
    pub(crate) fn url<'q>(
        &self,
        path: &str,
        query: impl IntoIterator<Item = (&'q str, &'q str)>,
    ) -> Url {
        let mut url = self.base_url.clone();
        let base_path = url.path().trim_end_matches('/');
        if base_path.is_empty() {
            url.set_path(path);
        } else {
            let joined = format!("{base_path}{path}");
            url.set_path(&joined);
        }
        let mut query = query.into_iter().peekable();
        if query.peek().is_some() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// A GET or POST request to `url`.
    pub(crate) fn request(&self, post: bool, url: Url) -> reqwest::RequestBuilder {
        if post {
            self.http.post(url)
        } else {
            self.http.get(url)
        }
    }

    /// Sends `request` and reads its whole answer within `limit`: the status and the body.
    /// `secret` (the token or app secret the request carries) never appears in an error.
    pub(crate) async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        limit: Duration,
        secret: &str,
    ) -> Result<(u16, Vec<u8>), TransportError> {
        let exchange = async {
            let response = request.send().await.map_err(|err| failure(err, secret))?;
            let status = response.status().as_u16();
            let body = read_body(response, self.max_response_bytes, secret).await?;
            Ok((status, body))
        };
        self.deadlines
            .run(limit, exchange)
            .await
            .unwrap_or(Err(TransportError::Timeout))
    }
}

/// The body, refused as soon as it is known to exceed `limit`.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    secret: &str,
) -> Result<Vec<u8>, TransportError> {
    let too_large = TransportError::TooLarge { limit };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|err| failure(err, secret))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A reqwest error as a message without the URL (it carries the token) or any secret.
fn failure(err: reqwest::Error, secret: &str) -> TransportError {
    if err.is_timeout() {
        return TransportError::Timeout;
    }
    let not_sent = err.is_connect();
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    TransportError::Failed {
        message: scrub_value(&message, secret),
        not_sent,
    }
}

/// Per-attempt deadlines kept by one watchdog task per client instead of a timer per
/// attempt: registering a deadline is a map insert, and the watchdog's timer is re-armed only
/// when the earliest deadline it sleeps for has passed or an earlier one arrives. (A timer per
/// request wakes the runtime's timer driver on every call: about one context switch and two
/// system calls, 10–15 % of a call's CPU on loopback.)
#[derive(Default)]
struct Deadlines {
    shared: Arc<Watch>,
}

#[derive(Default)]
struct Watch {
    state: Mutex<WatchState>,
    rearm: tokio::sync::Notify,
}

#[derive(Default)]
struct WatchState {
    next_id: u64,
    pending: HashMap<u64, Pending>,
    /// Whether a watchdog task is alive.
    running: bool,
    /// The deadline the watchdog sleeps until.
    armed: Option<Instant>,
}

struct Pending {
    at: Instant,
    waker: Option<Waker>,
    expired: bool,
}

impl Watch {
    fn state(&self) -> MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Deadlines {
    /// `future`'s output, or `None` when `limit` passed first.
    async fn run<F: Future>(&self, limit: Duration, future: F) -> Option<F::Output> {
        let at = Instant::now() + limit.min(FAR);
        let id = {
            let mut state = self.shared.state();
            let id = state.next_id;
            state.next_id += 1;
            state.pending.insert(
                id,
                Pending {
                    at,
                    waker: None,
                    expired: false,
                },
            );
            if state.running {
                if state.armed.is_none_or(|armed| at < armed) {
                    state.armed = Some(at);
                    self.shared.rearm.notify_one();
                }
            } else {
                spawn_watchdog(&self.shared, &mut state);
            }
            id
        };
        let ticket = Ticket {
            shared: &self.shared,
            id,
        };
        Expiring {
            future: std::pin::pin!(future),
            ticket,
        }
        .await
    }
}

/// Starts the watchdog on the current runtime (none outside one: then nothing expires, as
/// nothing could be awaited either).
fn spawn_watchdog(shared: &Arc<Watch>, state: &mut WatchState) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        state.running = true;
        state.armed = None;
        runtime.spawn(watchdog(shared.clone()));
    }
}

/// Marks the watchdog dead when its task ends or its runtime shuts down, so the next
/// registration starts another.
struct Alive(Arc<Watch>);

impl Drop for Alive {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.running = false;
        state.armed = None;
    }
}

async fn watchdog(shared: Arc<Watch>) {
    let alive = Alive(shared);
    loop {
        let next = {
            let mut state = alive.0.state();
            let now = Instant::now();
            let mut next: Option<Instant> = None;
            for pending in state.pending.values_mut().filter(|p| !p.expired) {
                if pending.at <= now {
                    pending.expired = true;
                    if let Some(waker) = pending.waker.take() {
                        waker.wake();
                    }
                } else {
                    next = Some(next.map_or(pending.at, |n| n.min(pending.at)));
                }
            }
            state.armed = next;
            match next {
                Some(next) => next,
                // Nothing to watch: end; the next registration starts a new watchdog.
                None => return,
            }
        };
        let sleep = std::pin::pin!(tokio::time::sleep_until(next.into()));
        let rearm = std::pin::pin!(alive.0.rearm.notified());
        let (mut sleep, mut rearm) = (sleep, rearm);
        std::future::poll_fn(|cx| {
            if sleep.as_mut().poll(cx).is_ready() || rearm.as_mut().poll(cx).is_ready() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

/// An attempt's registration; removed when the attempt ends, however it ends.
struct Ticket<'a> {
    shared: &'a Arc<Watch>,
    id: u64,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        self.shared.state().pending.remove(&self.id);
    }
}

/// A future that ends with `None` once its ticket expired.
struct Expiring<'a, F> {
    future: Pin<&'a mut F>,
    ticket: Ticket<'a>,
}

impl<F: Future> Future for Expiring<'_, F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(output) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        let shared = self.ticket.shared;
        let mut state = shared.state();
        if !state.running {
            spawn_watchdog(shared, &mut state);
        }
        let Some(pending) = state.pending.get_mut(&self.ticket.id) else {
            return Poll::Ready(None);
        };
        if pending.expired {
            return Poll::Ready(None);
        }
        if !pending
            .waker
            .as_ref()
            .is_some_and(|waker| waker.will_wake(cx.waker()))
        {
            pending.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_future_past_its_deadline_ends_and_one_within_it_completes() {
        let deadlines = Deadlines::default();
        let late = deadlines
            .run(Duration::from_millis(20), std::future::pending::<()>())
            .await;
        assert_eq!(late, None);
        let quick = deadlines.run(Duration::from_secs(30), async { 7 }).await;
        assert_eq!(quick, Some(7));
        // A shorter deadline registered while the watchdog sleeps for a longer one still ends
        // on time: the watchdog is re-armed.
        let long = deadlines.run(Duration::from_secs(30), std::future::pending::<()>());
        let short = deadlines.run(Duration::from_millis(20), std::future::pending::<()>());
        let mut long = std::pin::pin!(long);
        let short_first = std::future::poll_fn(|cx| {
            let _ = long.as_mut().poll(cx);
            Poll::Ready(())
        });
        short_first.await;
        assert_eq!(short.await, None);
        assert!(deadlines.shared.state().pending.len() <= 1);
    }

    #[test]
    fn a_base_path_is_kept_when_joining() {
        let http = reqwest::Client::new();
        let at = |base: &str| {
            let base = Url::parse(base).expect("a URL");
            Transport::new(http.clone(), base, 1).url("/cgi-bin/token", [("a", "b c")])
        };
        assert_eq!(
            at("https://h.example").as_str(),
            "https://h.example/cgi-bin/token?a=b+c"
        );
        assert_eq!(
            at("https://h.example/wx/").as_str(),
            "https://h.example/wx/cgi-bin/token?a=b+c"
        );
    }
}
