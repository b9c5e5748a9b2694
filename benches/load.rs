//! Load and faults: many calls at high concurrency against the mock server, reporting errors,
//! latency, throughput against a hand-written call measured in the same run, and memory.
//!
//! The mock runs in this process (a real HTTP/1.1 server on loopback; callers and mock share
//! the runtime's two worker threads), with deliveries not recorded and every API call's token
//! checked against the tokens it issued. In the full run the caches' tokens live 2 s, so each
//! cache refreshes (and the Redis store is used) during its run, and calls in flight when a
//! token expires see 42001 and are retried with a fresh one. Runs, one after another:
//!
//! 1. baseline: a hand-written `reqwest` + `serde` call of `getauthdata` with a token fetched
//!    by hand (measured before and after the client runs, to see drift on a shared machine);
//! 2. the generated `Client` with app credentials: the token cache in front of the mock's
//!    `stable_token`, tokens kept in memory;
//! 3. the same with the Redis store (feature `redis`; a `redis-server` is started here on a
//!    free loopback port);
//! 4. faults: 10% of calls, drawn with a fixed seed, get -1 (system busy), a reset, an answer
//!    cut short, or a delay shorter or longer than the attempt timeout; once with
//!    `getauthdata` (idempotent: retried) and once with `insert_invoice` (not idempotent: never
//!    resent once possibly sent). Every call must succeed or end in a typed error within its
//!    deadline, and the mock's count of deliveries per order id must never exceed one for
//!    `insert_invoice`.
//!
//! Each run reports errors, p50/p99/max latency, calls per second (by wall clock, and per CPU
//! second of this process, steadier on a shared machine) as a ratio to the baseline, and the
//! resident set size at 10%, 50% and 100% of the calls with its growth from 10% and from 50%
//! to 100%, and the process's peak so far (VmHWM).
//!
//! Run: `cargo bench --bench load --features redis` (100,000 calls per run at concurrency
//! 256); without `--features redis` the Redis run is skipped. Without `--bench` (`cargo test`
//! runs it: the target has `test = true`) it makes a short round of 2,000 calls per run at
//! concurrency 32, with tokens that do not expire during the round, and the same checks. `-- --calls N
//! --concurrency C --token-lifetime-s S` (or `WXI_LOAD_CALLS`, `WXI_LOAD_CONCURRENCY`,
//! `WXI_LOAD_TOKEN_LIFETIME_S`) change them; `--no-identity-count`
//! (`WXI_LOAD_NO_IDENTITY_COUNT`) leaves the mock's count per order id, which grows with the
//! calls, out of the fault runs' memory figures, and the "never delivered twice" check with
//! it. The process exits non-zero when a check fails, after printing every figure.

use std::collections::BTreeMap;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;
/// The tests' `redis-server` on a free loopback port, killed on drop.
#[cfg(feature = "redis")]
#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use common::hand_written_call;
use serde::Deserialize;
use wechat_invoice::component::ComponentClient;
use wechat_invoice::{
    ApiError, Client, Error, GetAuthDataRequest, InsertInvoiceRequest, MemoryStore, RetryPolicy,
    TokenStore,
};
use wechat_invoice_mock::{Behavior, FaultCounts, FaultMix, MockServer, Reply};

const APPID: &str = "wx-load";
const SECRET: &str = "LOAD-APP-SECRET";
/// The third-party platform of the platform runs, and how many merchants authorized it.
const COMPONENT_APPID: &str = "wx-load-component";
const COMPONENT_SECRET: &str = "LOAD-COMPONENT-SECRET";
const AUTHORIZERS: usize = 100;
/// How long a platform run may last with a fresh token string on every fetch.
const PLATFORM_ANSWERED_S: u64 = 120;
/// Calls per run and concurrency of `cargo bench`.
const FULL_CALLS: usize = 100_000;
const FULL_CONCURRENCY: usize = 256;
/// The same for the short round. Its concurrency is lower because the test profile is not
/// optimized: at 256 its calls queue for the CPU long enough to miss the fault runs'
/// timeouts.
const SMOKE_CALLS: usize = 2_000;
const SMOKE_CONCURRENCY: usize = 32;
/// Lifetime of the tokens the mock issues to the caches in the full run: they refresh at
/// half of it, so a run sees several tokens. The short round keeps WeChat's 7200 s.
const FULL_TOKEN_LIFETIME_S: u64 = 2;
const SMOKE_TOKEN_LIFETIME_S: u64 = 7200;

/// The fault runs' client: each attempt is cut at `ATTEMPT_TIMEOUT`, a call at `DEADLINE`.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(200);
const DEADLINE: Duration = Duration::from_secs(1);
/// What a call may take beyond its deadline (scheduling on a busy 2-core machine).
const SLACK: Duration = Duration::from_millis(250);
/// A call that has not ended this long after its bound is counted as hung.
const WATCHDOG_AFTER_BOUND: Duration = Duration::from_secs(5);
/// Share of calls that get a fault, and the seed of the draws.
const FAULT_SHARE: f64 = 0.10;
const FAULT_SEED: u64 = 0x5EED_2024;
/// Fault delays: one within the attempt timeout, one beyond it.
const SHORT_DELAY: Duration = Duration::from_millis(20);
const LONG_DELAY: Duration = Duration::from_millis(400);

/// An error that is not one of `wechat_invoice::Error`'s known variants.
const UNCLASSIFIED: &str = "unclassified error";
/// A call that did not end within its bound plus the watchdog's margin.
const HUNG: &str = "no end within the watchdog";

/// The token answer, as a hand-written caller would declare it.
#[derive(Deserialize)]
struct HandToken {
    access_token: String,
}

/// How big the runs are.
#[derive(Debug, Clone, Copy)]
struct Settings {
    calls: usize,
    concurrency: usize,
    /// Lifetime of the tokens the caches get.
    token_lifetime: Duration,
    /// Whether the mock counts deliveries per order id in the fault runs (off: their memory
    /// figures are the client's and the mock's alone, but "never delivered twice" is not
    /// checked).
    count_identities: bool,
}

impl Settings {
    fn from_args() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let full = args.iter().any(|arg| arg == "--bench");
        let value = |flag: &str, variable: &str| {
            args.iter()
                .position(|arg| arg == flag)
                .and_then(|index| args.get(index + 1).cloned())
                .or_else(|| std::env::var(variable).ok())
                .map(|text| {
                    text.replace('_', "")
                        .parse::<u64>()
                        .unwrap_or_else(|_| panic!("{flag} / {variable}: not a number: {text}"))
                })
        };
        let size = |value: Option<u64>, full_value: usize, smoke_value: usize| {
            value
                .and_then(|value| usize::try_from(value).ok())
                .unwrap_or(if full { full_value } else { smoke_value })
                .max(1)
        };
        let lifetime =
            value("--token-lifetime-s", "WXI_LOAD_TOKEN_LIFETIME_S").unwrap_or(if full {
                FULL_TOKEN_LIFETIME_S
            } else {
                SMOKE_TOKEN_LIFETIME_S
            });
        Self {
            calls: size(value("--calls", "WXI_LOAD_CALLS"), FULL_CALLS, SMOKE_CALLS),
            concurrency: size(
                value("--concurrency", "WXI_LOAD_CONCURRENCY"),
                FULL_CONCURRENCY,
                SMOKE_CONCURRENCY,
            ),
            token_lifetime: Duration::from_secs(lifetime.max(1)),
            count_identities: !args.iter().any(|arg| arg == "--no-identity-count")
                && std::env::var_os("WXI_LOAD_NO_IDENTITY_COUNT").is_none(),
        }
    }
}

/// What one call ended with: `Ok`, or the name of its error.
type Outcome = Result<(), String>;

/// The name of a client error, by variant; API errors by their spec name and code.
fn label<E: ApiError>(error: &Error<E>) -> String {
    match error {
        Error::Api(err) => {
            let name = err.info().map_or("undocumented", |info| info.variant);
            format!("Api({name} {})", err.code())
        }
        Error::Timeout { .. } => "Timeout".into(),
        Error::Transport { .. } => "Transport".into(),
        Error::HttpStatus { status, .. } => format!("HttpStatus({status})"),
        Error::Decode { kind, .. } => format!("Decode({kind:?})"),
        Error::BodyTooLarge { .. } => "BodyTooLarge".into(),
        Error::Encode { .. } => "Encode".into(),
        Error::Token { .. } => "Token".into(),
        _ => UNCLASSIFIED.into(),
    }
}

/// The figures of one run.
struct Report {
    name: String,
    calls: usize,
    ok: usize,
    /// Errors by name.
    errors: BTreeMap<String, usize>,
    /// Per-call latency in microseconds, sorted.
    latencies_us: Vec<u32>,
    wall: Duration,
    cpu: Duration,
    /// Resident set size (KiB) after 10%, 50% and 100% of the calls.
    rss_kib: [u64; 3],
    /// The process's peak resident set size (KiB) after the run.
    peak_kib: u64,
    /// Calls that took longer than the bound (when one was given).
    over_bound: usize,
    bound: Option<Duration>,
}

impl Report {
    fn error_count(&self) -> usize {
        self.calls - self.ok
    }

    fn percentile_ms(&self, q: f64) -> f64 {
        let n = self.latencies_us.len();
        if n == 0 {
            return 0.0;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        f64::from(self.latencies_us[rank - 1]) / 1000.0
    }

    fn per_second(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64()
    }

    fn per_cpu_second(&self) -> f64 {
        self.calls as f64 / self.cpu.as_secs_f64().max(1e-9)
    }

    /// Growth of the resident set size from the sample `from` (0: 10%, 1: 50%) to 100%.
    fn rss_growth_mib(&self, from: usize) -> f64 {
        (self.rss_kib[2] as f64 - self.rss_kib[from] as f64) / 1024.0
    }
}

/// Makes `settings.calls` calls, `settings.concurrency` at a time; `call(i)` makes call `i`.
/// Latencies go into an array allocated and written before the first call, so it adds
/// nothing to the memory growth measured during the run.
async fn run<F, Fut>(name: &str, settings: Settings, bound: Option<Duration>, call: F) -> Report
where
    F: Fn(usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send,
{
    let calls = settings.calls;
    let latencies: Arc<[AtomicU32]> = (0..calls).map(|_| AtomicU32::new(u32::MAX)).collect();
    let next = Arc::new(AtomicUsize::new(0));
    let completed = Arc::new(AtomicUsize::new(0));
    let thresholds = [calls.div_ceil(10), calls.div_ceil(2), calls];
    let samples: Arc<[AtomicU64; 3]> = Arc::new(Default::default());
    let watchdog = bound.unwrap_or(Duration::from_secs(60)) + WATCHDOG_AFTER_BOUND;
    let started = Instant::now();
    let cpu_started = process_cpu_time();
    let workers: Vec<_> = (0..settings.concurrency.min(calls))
        .map(|_| {
            let (call, latencies) = (call.clone(), latencies.clone());
            let (next, completed, samples) = (next.clone(), completed.clone(), samples.clone());
            tokio::spawn(async move {
                let mut ok = 0usize;
                let mut errors: BTreeMap<String, usize> = BTreeMap::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= calls {
                        break;
                    }
                    let call_started = Instant::now();
                    let outcome = tokio::time::timeout(watchdog, call(index))
                        .await
                        .unwrap_or_else(|_| Err(HUNG.to_string()));
                    let micros = call_started.elapsed().as_micros();
                    latencies[index].store(
                        u32::try_from(micros).unwrap_or(u32::MAX - 1),
                        Ordering::Relaxed,
                    );
                    match outcome {
                        Ok(()) => ok += 1,
                        Err(name) => *errors.entry(name).or_default() += 1,
                    }
                    let done = completed.fetch_add(1, Ordering::AcqRel) + 1;
                    for (slot, threshold) in thresholds.iter().enumerate() {
                        if done == *threshold {
                            samples[slot].store(memory_kib("VmRSS"), Ordering::Relaxed);
                        }
                    }
                }
                (ok, errors)
            })
        })
        .collect();
    let mut ok = 0;
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for worker in workers {
        let (worker_ok, worker_errors) = worker.await.expect("load worker");
        ok += worker_ok;
        for (name, count) in worker_errors {
            *errors.entry(name).or_default() += count;
        }
    }
    let wall = started.elapsed();
    let cpu = process_cpu_time().saturating_sub(cpu_started);
    let mut latencies_us: Vec<u32> = latencies
        .iter()
        .map(|latency| latency.load(Ordering::Relaxed))
        .collect();
    latencies_us.sort_unstable();
    let over_bound = bound.map_or(0, |bound| {
        let limit = u32::try_from(bound.as_micros()).unwrap_or(u32::MAX);
        latencies_us.iter().filter(|us| **us > limit).count()
    });
    Report {
        name: name.to_string(),
        calls,
        ok,
        errors,
        latencies_us,
        wall,
        cpu,
        rss_kib: [0, 1, 2].map(|slot| samples[slot].load(Ordering::Relaxed)),
        peak_kib: memory_kib("VmHWM"),
        over_bound,
        bound,
    }
}

/// A figure of `/proc/self/status` in KiB (`VmRSS`: resident now, `VmHWM`: peak).
fn memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// CPU time this process has used so far (all threads, the mock's included).
fn process_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn print_header() {
    println!(
        "{:<44} {:>7} {:>6} {:>7} {:>7} {:>8} {:>8} {:>11} {:>10}",
        "run",
        "calls",
        "errors",
        "p50 ms",
        "p99 ms",
        "max ms",
        "calls/s",
        "ratio wall",
        "ratio CPU"
    );
}

fn print_row(report: &Report, baseline: Option<(f64, f64)>) {
    let (wall, cpu) = baseline.map_or((String::from("-"), String::from("-")), |(wall, cpu)| {
        (
            format!("{:.3}", report.per_second() / wall),
            format!("{:.3}", report.per_cpu_second() / cpu),
        )
    });
    println!(
        "{:<44} {:>7} {:>6} {:>7.2} {:>7.2} {:>8.1} {:>8.0} {:>11} {:>10}",
        report.name,
        report.calls,
        report.error_count(),
        report.percentile_ms(0.50),
        report.percentile_ms(0.99),
        report.percentile_ms(1.0),
        report.per_second(),
        wall,
        cpu,
    );
}

fn print_memory(reports: &[&Report]) {
    println!(
        "\nresident memory of this process (callers and mock), MiB:\n{:<44} {:>7} {:>7} {:>7} {:>10} {:>10} {:>8}",
        "run", "at 10%", "at 50%", "at 100%", "10→100%", "50→100%", "peak"
    );
    for report in reports {
        println!(
            "{:<44} {:>7.1} {:>7.1} {:>7.1} {:>+10.2} {:>+10.2} {:>8.1}",
            report.name,
            mib(report.rss_kib[0]),
            mib(report.rss_kib[1]),
            mib(report.rss_kib[2]),
            report.rss_growth_mib(0),
            report.rss_growth_mib(1),
            mib(report.peak_kib),
        );
    }
}

/// An estimate of the memory of the mock's count of `ids` identities like `load-12345`: a
/// `HashMap<String, usize>` (32-byte buckets and a control byte, at most 7/8 full, the bucket
/// count a power of two) and a 32-byte heap block per short string.
fn identity_count_mib(ids: usize) -> f64 {
    let buckets = (ids * 8 / 7 + 1).next_power_of_two();
    (buckets * 33 + ids * 32) as f64 / (1024.0 * 1024.0)
}

fn breakdown(report: &Report) -> String {
    let mut parts = vec![format!("Ok {}", report.ok)];
    parts.extend(
        report
            .errors
            .iter()
            .map(|(name, count)| format!("{name} {count}")),
    );
    parts.join(", ")
}

/// A call of `getauthdata` through the client, as every client run makes it.
async fn get_auth_data(client: &Client, order_id: String) -> Outcome {
    let request = GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id,
    };
    match client.get_auth_data(&request).await {
        Ok(answer) if answer.invoice_status.is_some() => Ok(()),
        Ok(_) => Err("answer without invoice_status".into()),
        Err(err) => Err(label(&err)),
    }
}

/// Runs the generated client with `client`, after a short warm-up; the figures and the
/// number of token fetches and of extra deliveries (retries after a token refresh).
async fn client_run(
    name: &str,
    settings: Settings,
    server: &MockServer,
    client: &Client,
) -> (Report, usize, usize) {
    let warm = Settings {
        calls: settings.concurrency * 2,
        ..settings
    };
    let caller = client.clone();
    let call = move |_| {
        let client = caller.clone();
        async move { get_auth_data(&client, "123456".into()).await }
    };
    run("warm-up", warm, None, call.clone()).await;
    let fetches = server.token_fetches();
    let deliveries = server.delivery_count("get_auth_data");
    let report = run(name, settings, None, call).await;
    let fetched = server.token_fetches() - fetches;
    let extra = (server.delivery_count("get_auth_data") - deliveries).saturating_sub(report.calls);
    (report, fetched, extra)
}

/// What the mock saw of a platform run, and the most "once per expiry" allows.
struct PlatformCounts {
    /// `api_component_token` calls: the platform's token, shared by every merchant.
    component_fetches: usize,
    /// `api_query_auth` calls: one authorization per merchant.
    authorizations: usize,
    /// `api_authorizer_token` calls (refreshes of the merchants' tokens), in all and the most
    /// for one merchant.
    authorizer_refreshes: usize,
    most_refreshes_of_one: usize,
    /// How many times a token could have come due during the run (its lifetime less the
    /// cache's margin, over the time from the ticket to the last call), plus the first fetch.
    periods: usize,
}

impl PlatformCounts {
    /// The checks: one platform token per period whatever the number of merchants, at most
    /// one refresh per merchant per period, one authorization each.
    fn check(&self, name: &str, failures: &mut Vec<String>) {
        if self.component_fetches == 0 || self.component_fetches > self.periods {
            failures.push(format!(
                "{name}: {} component-token fetches, expected 1 to {} (one per expiry)",
                self.component_fetches, self.periods
            ));
        }
        if self.most_refreshes_of_one >= self.periods {
            failures.push(format!(
                "{name}: a merchant's token was refreshed {} times, at most {} expected (one \
                 per expiry after the authorization's)",
                self.most_refreshes_of_one,
                self.periods - 1
            ));
        }
        if self.authorizations != AUTHORIZERS {
            failures.push(format!(
                "{name}: {} authorizations for {AUTHORIZERS} merchants",
                self.authorizations
            ));
        }
    }
}

/// A third-party platform on its own mock in this process, with `store`: the pushed
/// `component_verify_ticket` kept once (as `ComponentClient::handle_push` keeps it), 100
/// merchants authorized (`api_query_auth` answering each with its own appid and a token of
/// `settings.token_lifetime`), then `getauthdata` calls going round the merchants' clients.
/// Its own mock because the merchants' tokens are the mock's set answers, not tokens it issued
/// and checks.
async fn platform_run(
    name: &str,
    settings: Settings,
    store: impl TokenStore,
) -> (Report, PlatformCounts) {
    let server = MockServer::start().await.expect("mock starts");
    server.record_deliveries(false);
    server.count_by_identity("api_authorizer_token", "/authorizer_appid");
    let lifetime = settings.token_lifetime.as_secs().max(1);
    // A new token string on each fetch, as WeChat issues (the cache takes a token handed out
    // again for the old one, with its old expiry): enough answers queued for every expiry of
    // a run of up to `PLATFORM_ANSWERED_S`; past them a fetch gets a token seen before, and
    // the checks fail.
    let token_lifetime = Duration::from_secs(lifetime);
    let due_after = token_lifetime - (token_lifetime / 2).min(Duration::from_secs(300));
    let answers = (PLATFORM_ANSWERED_S / due_after.as_secs().max(1)).max(1) as usize + 2;
    for fetch in 0..answers {
        server.respond_once(
            "api_component_token",
            Reply::Json(serde_json::json!({
                "errcode": 0, "errmsg": "ok",
                "component_access_token": format!("load-component-token-{fetch}"),
                "expires_in": lifetime,
            })),
        );
    }
    for fetch in 0..answers * AUTHORIZERS {
        server.respond_once(
            "api_authorizer_token",
            Reply::Json(serde_json::json!({
                "errcode": 0, "errmsg": "ok",
                "authorizer_access_token": format!("load-authorizer-token-{fetch}"),
                "expires_in": lifetime,
                "authorizer_refresh_token": "load-refresh-token",
            })),
        );
    }
    let started = Instant::now();
    let platform = ComponentClient::builder(COMPONENT_APPID, COMPONENT_SECRET)
        .base_url(server.base_url())
        .token_store(store)
        .build()
        .expect("platform client");
    platform
        .store_verify_ticket("load-ticket@@@pushed-once")
        .await
        .expect("ticket kept");
    let mut merchants = Vec::with_capacity(AUTHORIZERS);
    for n in 0..AUTHORIZERS {
        let appid = format!("wx-load-merchant-{n:03}");
        server.answer_next_authorization(
            &appid,
            &format!("load-merchant-token-{n}"),
            &format!("load-refresh-{n}"),
            lifetime,
        );
        let authorization = platform
            .authorized(&format!("load-code-{n}"))
            .await
            .expect("authorized");
        assert_eq!(
            authorization.authorizer_appid, appid,
            "the merchant authorized"
        );
        merchants.push(platform.authorizer(&appid).expect("merchant client"));
    }
    let merchants: Arc<[Client]> = merchants.into();
    let call = move |index: usize| {
        let client = merchants[index % AUTHORIZERS].clone();
        async move { get_auth_data(&client, "123456".into()).await }
    };
    let warm = Settings {
        calls: settings.concurrency * 2,
        ..settings
    };
    run("warm-up", warm, None, call.clone()).await;
    let report = run(name, settings, None, call).await;
    // The cache refreshes `refresh_before` (5 minutes, at most half the lifetime) early.
    let periods = (started.elapsed().as_secs_f64() / due_after.as_secs_f64()).floor() as usize + 1;
    let refreshes = server.identity_summary("api_authorizer_token");
    let counts = PlatformCounts {
        component_fetches: server.delivery_count("api_component_token"),
        authorizations: server.delivery_count("api_query_auth"),
        authorizer_refreshes: server.delivery_count("api_authorizer_token"),
        most_refreshes_of_one: refreshes.max_per_identity,
        periods,
    };
    (report, counts)
}

/// The hand-written baseline: its own reqwest client, a token fetched by hand, the URL built
/// once.
async fn baseline_run(
    name: &str,
    settings: Settings,
    http: &reqwest::Client,
    url: &Arc<str>,
) -> Report {
    let (http, url) = (http.clone(), url.clone());
    let call = move |_| {
        let (http, url) = (http.clone(), url.clone());
        async move { hand_written_call(&http, &url).await }
    };
    let warm = Settings {
        calls: settings.concurrency * 2,
        ..settings
    };
    run("warm-up", warm, None, call.clone()).await;
    run(name, settings, None, call).await
}

/// The fault runs' mix: 10% of calls, of which 30% get -1, 20% a reset, 10% an answer cut
/// short, 20% a delay within the attempt timeout and 20% one beyond it.
fn fault_mix() -> FaultMix {
    FaultMix::new(FAULT_SHARE, FAULT_SEED)
        .fault(3, Reply::Error(-1))
        .fault(2, Reply::Reset)
        .fault(1, Reply::CutConnection)
        .fault(2, Behavior::reply(Reply::Example).after(SHORT_DELAY))
        .fault(2, Behavior::reply(Reply::Example).after(LONG_DELAY))
}

fn describe(behavior: &Behavior) -> String {
    let reply = match &behavior.reply {
        Reply::Example => "answer".to_string(),
        Reply::Error(code) => format!("errcode {code}"),
        Reply::Reset => "reset".to_string(),
        Reply::CutConnection => "answer cut short".to_string(),
        other => format!("{other:?}"),
    };
    if behavior.delay.is_zero() {
        reply
    } else {
        format!("{reply} after {} ms", behavior.delay.as_millis())
    }
}

fn describe_counts(counts: &FaultCounts) -> String {
    let kinds: Vec<String> = counts
        .injected
        .iter()
        .map(|(behavior, count)| format!("{} {count}", describe(behavior)))
        .collect();
    format!(
        "{} of {} deliveries faulted ({:.2}%): {}",
        counts.total_injected(),
        counts.calls,
        counts.share() * 100.0,
        kinds.join(", ")
    )
}

/// Checks that hold for every run with faults; failures are added to `failures`.
fn check_fault_run(report: &Report, counts: &FaultCounts, failures: &mut Vec<String>) {
    for bad in [UNCLASSIFIED, HUNG] {
        if let Some(count) = report.errors.get(bad) {
            failures.push(format!("{}: {count} calls: {bad}", report.name));
        }
    }
    if report.over_bound > 0 {
        failures.push(format!(
            "{}: {} calls took longer than their deadline plus slack ({} ms)",
            report.name,
            report.over_bound,
            report.bound.unwrap_or_default().as_millis()
        ));
    }
    let share = counts.share();
    if counts.calls >= 1000 && !(0.05..=0.15).contains(&share) {
        failures.push(format!(
            "{}: fault share {share:.3}, asked {FAULT_SHARE}",
            report.name
        ));
    }
}

fn main() -> ExitCode {
    let settings = Settings::from_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let failures = runtime.block_on(bench(settings));
    if failures.is_empty() {
        println!("\nall checks passed");
        ExitCode::SUCCESS
    } else {
        println!("\nFAILED:");
        for failure in &failures {
            println!("  {failure}");
        }
        ExitCode::FAILURE
    }
}

/// Every run; the checks that failed.
async fn bench(settings: Settings) -> Vec<String> {
    let mut failures = Vec::new();
    let server = MockServer::start().await.expect("mock starts");
    server.record_deliveries(false);
    server.app_credentials(APPID, SECRET);
    server.accept_issued_tokens();

    // The baseline's token, fetched by hand from the classic interface (it lives 7200 s);
    // the caches' tokens, from stable_token, live `settings.token_lifetime`.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client");
    let token: HandToken = http
        .get(format!(
            "{}/cgi-bin/token?grant_type=client_credential&appid={APPID}&secret={SECRET}",
            server.base_url()
        ))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("token request")
        .json()
        .await
        .expect("a token");
    let url: Arc<str> = Arc::from(format!(
        "{}/card/invoice/getauthdata?access_token={}",
        server.base_url(),
        token.access_token
    ));
    server.token_lifetime(settings.token_lifetime);

    println!(
        "load: getauthdata, {} calls per run at concurrency {}, against the mock in this \
         process (HTTP/1.1 on loopback; callers and mock share 2 tokio worker threads on a \
         {}-CPU machine); tokens checked by the mock, the caches' tokens live {} s",
        settings.calls,
        settings.concurrency,
        std::thread::available_parallelism().map_or(0, usize::from),
        settings.token_lifetime.as_secs()
    );
    println!();
    print_header();
    let before = baseline_run(
        "baseline: hand-written reqwest+serde",
        settings,
        &http,
        &url,
    )
    .await;
    print_row(&before, None);

    let cached = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .build()
        .expect("client");
    let (memory, memory_fetches, memory_extra) = client_run(
        "wechat-invoice, token cache, memory store",
        settings,
        &server,
        &cached,
    )
    .await;
    drop(cached);

    #[cfg(feature = "redis")]
    let redis_run = {
        let redis = redis_server::RedisServer::start();
        let store = wechat_invoice::RedisStore::open(&redis.url(), Duration::from_secs(2))
            .expect("store opens");
        let client = Client::builder()
            .base_url(server.base_url())
            .app_credentials(APPID, SECRET)
            .token_store(store)
            .build()
            .expect("client");
        let result = client_run(
            "wechat-invoice, token cache, Redis store",
            settings,
            &server,
            &client,
        )
        .await;
        drop(client);
        drop(redis);
        Some(result)
    };
    #[cfg(not(feature = "redis"))]
    let redis_run: Option<(Report, usize, usize)> = None;

    // A third-party platform: 100 merchants' tokens and one platform token.
    let platform_memory = platform_run(
        "platform, 100 authorizers, memory store",
        settings,
        MemoryStore::new(),
    )
    .await;
    #[cfg(feature = "redis")]
    let platform_redis = {
        let redis = redis_server::RedisServer::start();
        let store = wechat_invoice::RedisStore::open(&redis.url(), Duration::from_secs(2))
            .expect("store opens");
        let result = platform_run("platform, 100 authorizers, Redis store", settings, store).await;
        drop(redis);
        Some(result)
    };
    #[cfg(not(feature = "redis"))]
    let platform_redis: Option<(Report, PlatformCounts)> = None;

    let after = baseline_run("baseline again (drift check)", settings, &http, &url).await;
    let baseline = (
        (before.per_second() + after.per_second()) / 2.0,
        (before.per_cpu_second() + after.per_cpu_second()) / 2.0,
    );
    print_row(&memory, Some(baseline));
    if let Some((report, _, _)) = &redis_run {
        print_row(report, Some(baseline));
    }
    print_row(&platform_memory.0, Some(baseline));
    if let Some((report, _)) = &platform_redis {
        print_row(report, Some(baseline));
    }
    print_row(&after, None);
    println!(
        "ratios: calls/s against the mean of the two baseline runs ({:.0} calls/s by wall \
         clock, {:.0} per CPU second)",
        baseline.0, baseline.1
    );
    println!(
        "token cache, memory store: {memory_fetches} token fetches, {memory_extra} calls sent \
         again after a token refresh"
    );
    match &redis_run {
        Some((_, fetches, extra)) => println!(
            "token cache, Redis store: {fetches} token fetches, {extra} calls sent again after \
             a token refresh"
        ),
        None => println!(
            "token cache, Redis store: skipped: built without the `redis` feature (run \
             `cargo bench --bench load --features redis`)"
        ),
    }
    let mut platform_runs = vec![&platform_memory];
    platform_runs.extend(&platform_redis);
    for (report, counts) in &platform_runs {
        println!(
            "{}: {} component-token fetch(es) for {AUTHORIZERS} merchants, {} authorizations, \
             {} merchant-token refreshes (at most {} of one merchant); the run spanned {} \
             token period(s)",
            report.name,
            counts.component_fetches,
            counts.authorizations,
            counts.authorizer_refreshes,
            counts.most_refreshes_of_one,
            counts.periods
        );
        counts.check(&report.name, &mut failures);
    }
    if platform_redis.is_none() {
        println!(
            "platform, Redis store: skipped: built without the `redis` feature (run `cargo \
             bench --bench load --features redis`)"
        );
    }
    let mut load_reports = vec![&before, &memory];
    if let Some((report, _, _)) = &redis_run {
        load_reports.push(report);
    }
    load_reports.extend(platform_runs.iter().map(|(report, _)| report));
    load_reports.push(&after);
    for report in &load_reports {
        if report.error_count() > 0 {
            failures.push(format!(
                "{}: {} errors: {}",
                report.name,
                report.error_count(),
                breakdown(report)
            ));
        }
    }
    print_memory(&load_reports);

    // Faults.
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .timeout(ATTEMPT_TIMEOUT)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(25))
                .max_delay(Duration::from_millis(100))
                .total_deadline(DEADLINE),
        )
        .build()
        .expect("client");
    client.access_token().await.expect("a first token");
    let bound = DEADLINE + SLACK;
    println!(
        "\nfaults: {:.0}% of deliveries (seed {FAULT_SEED:#x}) get errcode -1, a reset, an \
         answer cut short, or a delay of {} ms (within the attempt timeout) or {} ms (beyond \
         it); client: attempt timeout {} ms, 3 attempts, back-off 25 ms doubling, total \
         deadline {} ms; a call must end within {} ms",
        FAULT_SHARE * 100.0,
        SHORT_DELAY.as_millis(),
        LONG_DELAY.as_millis(),
        ATTEMPT_TIMEOUT.as_millis(),
        DEADLINE.as_millis(),
        bound.as_millis(),
    );
    println!();
    print_header();

    // getauthdata: idempotent, so retried after -1, resets, cuts and timeouts.
    if settings.count_identities {
        server.count_by_identity("get_auth_data", "/order_id");
    }
    server.inject_faults("get_auth_data", fault_mix());
    let deliveries = server.delivery_count("get_auth_data");
    let caller = client.clone();
    let idempotent = run(
        "faults: getauthdata (idempotent)",
        settings,
        Some(bound),
        move |index| {
            let client = caller.clone();
            async move { get_auth_data(&client, format!("load-{index}")).await }
        },
    )
    .await;
    let idempotent_counts = server.fault_counts("get_auth_data");
    let idempotent_ids = server.identity_summary("get_auth_data");
    let idempotent_deliveries = server.delivery_count("get_auth_data") - deliveries;
    server.clear_faults("get_auth_data");
    print_row(&idempotent, None);
    check_fault_run(&idempotent, &idempotent_counts, &mut failures);

    // insert_invoice: not idempotent, so never resent once it may have been delivered.
    let template: InsertInvoiceRequest = server
        .api()
        .endpoints
        .iter()
        .find(|endpoint| endpoint.name == "insert_invoice")
        .and_then(|endpoint| endpoint.examples.iter().find_map(|e| e.request.clone()))
        .map(|example| serde_json::from_value(example).expect("the spec's example request"))
        .expect("insert_invoice has an example request");
    let template = Arc::new(template);
    if settings.count_identities {
        server.count_by_identity("insert_invoice", "/order_id");
    }
    server.inject_faults("insert_invoice", fault_mix());
    let deliveries = server.delivery_count("insert_invoice");
    let caller = client.clone();
    let not_idempotent = run(
        "faults: insert_invoice (not idempotent)",
        settings,
        Some(bound),
        move |index| {
            let (client, template) = (caller.clone(), template.clone());
            async move {
                let mut request = (*template).clone();
                request.order_id = format!("load-{index}");
                client
                    .insert_invoice(&request)
                    .await
                    .map(drop)
                    .map_err(|err| label(&err))
            }
        },
    )
    .await;
    let insert_counts = server.fault_counts("insert_invoice");
    let insert_ids = server.identity_summary("insert_invoice");
    let insert_deliveries = server.delivery_count("insert_invoice") - deliveries;
    server.clear_faults("insert_invoice");
    print_row(&not_idempotent, None);
    check_fault_run(&not_idempotent, &insert_counts, &mut failures);

    for (report, counts, ids, delivered) in [
        (
            &idempotent,
            &idempotent_counts,
            &idempotent_ids,
            idempotent_deliveries,
        ),
        (
            &not_idempotent,
            &insert_counts,
            &insert_ids,
            insert_deliveries,
        ),
    ] {
        println!("\n{}", report.name);
        println!("  outcomes: {}", breakdown(report));
        println!("  mock: {}", describe_counts(counts));
        if settings.count_identities {
            println!(
                "  mock: {delivered} requests for {} calls; {} order ids accepted, {} \
                 deliveries of them, at most {} of one order id{}",
                report.calls,
                ids.identities,
                ids.deliveries,
                ids.max_per_identity,
                if ids.repeated.is_empty() {
                    String::new()
                } else {
                    format!(" (e.g. {:?})", &ids.repeated[..ids.repeated.len().min(3)])
                }
            );
        } else {
            println!(
                "  mock: {delivered} requests for {} calls; deliveries per order id not \
                 counted (--no-identity-count)",
                report.calls
            );
        }
        println!(
            "  slowest call {:.1} ms, {} over the {} ms bound",
            report.percentile_ms(1.0),
            report.over_bound,
            bound.as_millis()
        );
    }
    if insert_ids.max_per_identity > 1 {
        failures.push(format!(
            "insert_invoice: an order id was delivered {} times: {:?}",
            insert_ids.max_per_identity, insert_ids.repeated
        ));
    }
    if insert_ids.identities > not_idempotent.calls {
        failures.push("insert_invoice: more order ids than calls".into());
    }
    // Sent once each: what the client saw matches what the mock injected.
    let injected = |kind: usize| insert_counts.injected.get(kind).map_or(0, |(_, n)| *n);
    let busy = not_idempotent
        .errors
        .get("Api(SystemBusy -1)")
        .copied()
        .unwrap_or(0);
    let timeouts = not_idempotent.errors.get("Timeout").copied().unwrap_or(0);
    println!(
        "  client against mock: errcode -1 {busy} / {} injected, timeouts {timeouts} / {} \
         delays beyond the timeout, other errors {} / {} resets and cuts",
        injected(0),
        injected(4),
        not_idempotent.error_count() - busy - timeouts,
        injected(1) + injected(2),
    );
    // Fewer is possible (a -1 that arrives after the attempt timeout is a Timeout); more
    // would mean a call saw -1 on a second delivery.
    if busy > injected(0) {
        failures.push(format!(
            "insert_invoice: {busy} calls ended with -1, the mock answered it {} times",
            injected(0)
        ));
    }
    print_memory(&[&idempotent, &not_idempotent]);
    if settings.count_identities {
        println!(
            "(the fault runs' growth includes the mock's count per order id, one entry per \
             call: about {:.1} MiB per run of {} calls; --no-identity-count leaves it out)",
            identity_count_mib(settings.calls),
            settings.calls
        );
    }
    failures
}
