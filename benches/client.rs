//! Throughput of the generated client against a hand-written reqwest + serde call of
//! `getauthdata`, both against the mock on loopback in the same run, at concurrency 1 and 64;
//! the token cache's cost per call (a warm cache hit against a fixed token); and the raw view
//! (`Client::send_raw`), unused and used, against the typed call.
//!
//! Throughput is reported per wall-clock second and per CPU second of the process: on a shared
//! machine the second is the steadier figure.
//!
//! Run: `cargo bench --bench client` (about 30 s). Without `--bench` (as `cargo test
//! --all-targets` runs it) it makes one short round only.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::hand_written_call;
use wechat_invoice::{Client, GetAuthDataRequest};
use wechat_invoice_mock::MockServer;

const TOKEN: &str = "BENCH-ACCESS-TOKEN";
const APPID: &str = "wx-bench";
const SECRET: &str = "BENCH-SECRET";

/// One way to call `getauthdata`.
#[derive(Clone)]
enum Caller {
    Hand {
        http: reqwest::Client,
        url: Arc<str>,
    },
    Client(Client),
    /// `send_raw`; with `read`, the raw view is used too: every unknown field looked for
    /// (`unknown_fields()`, which reads the body again) and one field read off the raw body.
    Raw {
        client: Client,
        read: bool,
    },
}

impl Caller {
    async fn call(&self) -> bool {
        match self {
            Caller::Hand { http, url } => hand_written_call(http, url).await.is_ok(),
            Caller::Client(client) => {
                let request = GetAuthDataRequest {
                    s_pappid: "wx123456".into(),
                    order_id: "123456".into(),
                };
                client.get_auth_data(&request).await.is_ok()
            }
            Caller::Raw { client, read } => {
                let request = GetAuthDataRequest {
                    s_pappid: "wx123456".into(),
                    order_id: "123456".into(),
                };
                match client.send_raw(&request).await {
                    Ok(answer) if *read => {
                        black_box(answer.unknown_fields());
                        answer.raw().field("invoice_status").is_some()
                    }
                    Ok(answer) => black_box(answer).auth_time.is_some(),
                    Err(_) => false,
                }
            }
        }
    }
}

/// Medians over `rounds` of each caller's throughput as a ratio to `baseline`'s in the same
/// round, by wall clock and per CPU second; the order of the callers turns every round.
async fn ratios_against(
    baseline: &Caller,
    others: &[&Caller],
    concurrency: usize,
    rounds: usize,
    window: Duration,
) -> Vec<(f64, f64)> {
    let callers: Vec<&Caller> = std::iter::once(baseline)
        .chain(others.iter().copied())
        .collect();
    for caller in &callers {
        throughput(caller, concurrency, window / 2).await;
    }
    let mut wall = vec![Vec::new(); others.len()];
    let mut cpu = vec![Vec::new(); others.len()];
    for round in 0..rounds {
        let mut rates = vec![None; callers.len()];
        for step in 0..callers.len() {
            let index = (round + step) % callers.len();
            rates[index] = Some(throughput(callers[index], concurrency, window).await);
        }
        let rates: Vec<Rate> = rates.into_iter().map(|r| r.expect("measured")).collect();
        for (other, rate) in rates[1..].iter().enumerate() {
            wall[other].push(rate.per_second / rates[0].per_second);
            cpu[other].push(rate.per_cpu_second / rates[0].per_cpu_second);
        }
    }
    wall.into_iter()
        .zip(cpu)
        .map(|(wall, cpu)| (median(wall), median(cpu)))
        .collect()
}

/// Calls per wall-clock second and per CPU second (of this whole process: both the caller
/// and the mock server) of `concurrency` tasks calling for `window`.
async fn throughput(caller: &Caller, concurrency: usize, window: Duration) -> Rate {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let cpu_started = process_cpu_time();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (caller, stop, done) = (caller.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    assert!(caller.call().await, "a benchmark call failed");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(window).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("bench task");
    }
    let calls = done.load(Ordering::Relaxed) as f64;
    Rate {
        per_second: calls / started.elapsed().as_secs_f64(),
        per_cpu_second: calls / (process_cpu_time() - cpu_started).as_secs_f64(),
    }
}

/// Calls per second, of wall-clock time and of this process's CPU time.
#[derive(Clone, Copy)]
struct Rate {
    per_second: f64,
    per_cpu_second: f64,
}

/// CPU time this process has used so far (all threads): unlike wall-clock throughput, it is
/// not skewed by other processes competing for the machine's cores.
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

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Nanoseconds per `client.access_token()`, best of a few runs.
async fn token_cost(client: &Client, iterations: u32) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        for _ in 0..iterations {
            black_box(client.access_token().await.expect("token"));
        }
        best = best.min(started.elapsed().as_nanos() as f64 / f64::from(iterations));
    }
    best
}

/// `WXI_BENCH_CALLER=hand|client WXI_BENCH_CALLS=N`: only N calls of one caller at
/// concurrency 1 after a warm-up, nothing else, for `perf stat` (instructions and context
/// switches of two runs with different N, subtracted, give the cost of one call, whatever
/// else runs on the machine).
fn one_caller(caller: &str, calls: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = MockServer::start().await.expect("mock starts");
        server.record_deliveries(false);
        let caller = if caller == "hand" {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("reqwest client");
            let url = format!(
                "{}/card/invoice/getauthdata?access_token={TOKEN}",
                server.base_url()
            );
            Caller::Hand {
                http,
                url: Arc::from(url),
            }
        } else {
            let client = Client::builder()
                .base_url(server.base_url())
                .access_token(TOKEN)
                .build()
                .expect("client");
            Caller::Client(client)
        };
        for _ in 0..200 {
            assert!(caller.call().await, "warm-up call failed");
        }
        let cpu_started = process_cpu_time();
        for _ in 0..calls {
            assert!(caller.call().await, "a benchmark call failed");
        }
        let cpu = process_cpu_time() - cpu_started;
        println!(
            "{calls} calls, {:.1} µs CPU per call",
            cpu.as_secs_f64() * 1e6 / f64::from(calls)
        );
    });
}

fn main() {
    if let (Ok(caller), Ok(calls)) = (
        std::env::var("WXI_BENCH_CALLER"),
        std::env::var("WXI_BENCH_CALLS"),
    ) {
        one_caller(&caller, calls.parse().expect("WXI_BENCH_CALLS is a number"));
        return;
    }
    let full = std::env::args().any(|arg| arg == "--bench");
    let (rounds, window, iterations) = if full {
        (15, Duration::from_millis(150), 1_000_000)
    } else {
        (1, Duration::from_millis(50), 10_000)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = MockServer::start().await.expect("mock starts");
        server.record_deliveries(false);
        server.app_credentials(APPID, SECRET);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("reqwest client");
        let url = format!(
            "{}/card/invoice/getauthdata?access_token={TOKEN}",
            server.base_url()
        );
        let hand = Caller::Hand {
            http,
            url: Arc::from(url),
        };
        let fixed = Client::builder()
            .base_url(server.base_url())
            .access_token(TOKEN)
            .build()
            .expect("client");
        let cached = Client::builder()
            .base_url(server.base_url())
            .app_credentials(APPID, SECRET)
            .build()
            .expect("client");
        let client = Caller::Client(fixed.clone());

        println!(
            "getauthdata on loopback against the mock; {rounds} rounds of {} ms per caller, \
             the two callers alternating",
            window.as_millis()
        );
        for concurrency in [1, 64] {
            // Warm up connections and allocators.
            throughput(&hand, concurrency, window / 2).await;
            throughput(&client, concurrency, window / 2).await;
            let (mut by_hand, mut generated) = (Vec::new(), Vec::new());
            let (mut wall_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
            for round in 0..rounds {
                let (hand_rate, client_rate) = if round % 2 == 0 {
                    let hand_rate = throughput(&hand, concurrency, window).await;
                    (hand_rate, throughput(&client, concurrency, window).await)
                } else {
                    let client_rate = throughput(&client, concurrency, window).await;
                    (throughput(&hand, concurrency, window).await, client_rate)
                };
                by_hand.push(hand_rate.per_second);
                generated.push(client_rate.per_second);
                wall_ratios.push(client_rate.per_second / hand_rate.per_second);
                cpu_ratios.push(client_rate.per_cpu_second / hand_rate.per_cpu_second);
            }
            println!(
                "concurrency {concurrency:>2}: hand-written reqwest+serde {:>7.0} calls/s, \
                 wechat-invoice {:>7.0} calls/s; ratio {:.3} by wall clock, {:.3} per CPU second",
                median(by_hand),
                median(generated),
                median(wall_ratios),
                median(cpu_ratios),
            );
        }

        let issued = cached.access_token().await.expect("warm the cache");
        // The same token, fixed: both clients then send identical requests.
        let same_fixed = Client::builder()
            .base_url(server.base_url())
            .access_token(issued.secret())
            .build()
            .expect("client");
        let fixed_ns = token_cost(&same_fixed, iterations).await;
        let cached_ns = token_cost(&cached, iterations).await;
        println!(
            "token per call: fixed token {fixed_ns:.0} ns, token cache hit {cached_ns:.0} ns; \
             the cache costs {:.0} ns per call",
            cached_ns - fixed_ns
        );
        let hit = Caller::Client(cached.clone());
        let client = Caller::Client(same_fixed);
        throughput(&client, 1, window / 2).await;
        throughput(&hit, 1, window / 2).await;
        let (mut wall_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let (with_fixed, with_cache) = if round % 2 == 0 {
                let with_fixed = throughput(&client, 1, window).await;
                (with_fixed, throughput(&hit, 1, window).await)
            } else {
                let with_cache = throughput(&hit, 1, window).await;
                (throughput(&client, 1, window).await, with_cache)
            };
            wall_ratios.push(with_cache.per_second / with_fixed.per_second);
            cpu_ratios.push(with_cache.per_cpu_second / with_fixed.per_cpu_second);
        }
        println!(
            "concurrency  1: app credentials (cache hit) / fixed token: ratio {:.3} by wall \
             clock, {:.3} per CPU second",
            median(wall_ratios),
            median(cpu_ratios)
        );
        assert_eq!(server.token_fetches(), 1, "one token for the whole run");

        let typed = Caller::Client(fixed.clone());
        let unused = Caller::Raw {
            client: fixed.clone(),
            read: false,
        };
        let used = Caller::Raw {
            client: fixed.clone(),
            read: true,
        };
        for concurrency in [1, 64] {
            let ratios =
                ratios_against(&typed, &[&unused, &used], concurrency, rounds, window).await;
            println!(
                "concurrency {concurrency:>2}: send_raw / typed call: raw view unused ratio {:.3} \
                 by wall clock, {:.3} per CPU second; raw view used (unknown_fields and a raw \
                 field read) {:.3}, {:.3}",
                ratios[0].0, ratios[0].1, ratios[1].0, ratios[1].1,
            );
        }
    });
}
