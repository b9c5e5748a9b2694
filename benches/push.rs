//! `push::Receiver::receive` in safe mode (signature, msg_signature, AES-256-CBC, appid,
//! XML, typed event): events per CPU second of one thread, i.e. per core. The baseline in the
//! same run is decoding the same event's plain XML with `Event::from_xml` (no security), so
//! the ratio is the cost of WeChat's message security; plain mode (signature + XML) is shown
//! too.
//!
//! Run: `cargo bench --bench push` (about 10 s). Without `--bench` (as `cargo test
//! --all-targets` runs it) it makes one short round and checks the results.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wechat_invoice::push::{PushConfig, Receiver};
use wechat_invoice::{Event, UserAuthorizeInvoiceEvent};

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// Runs `work` for about `window` of wall time; calls per CPU second of this thread.
fn per_cpu_second(window: Duration, mut work: impl FnMut() -> bool) -> f64 {
    let started = Instant::now();
    let cpu_started = thread_cpu_time();
    let mut calls = 0u64;
    while started.elapsed() < window {
        for _ in 0..64 {
            assert!(work());
            calls += 1;
        }
    }
    let cpu = (thread_cpu_time() - cpu_started).as_secs_f64();
    calls as f64 / cpu.max(f64::EPSILON)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (rounds, window) = if full {
        (5, Duration::from_millis(600))
    } else {
        (1, Duration::from_millis(50))
    };
    let event = Event::UserAuthorizeInvoice(
        UserAuthorizeInvoiceEvent::builder()
            .envelope(wechat_invoice::push::Envelope {
                to_user_name: Some("gh_fc0a06a20993".into()),
                from_user_name: Some("oZI8Fj040-be6rlDohc6gkoPOQTQ".into()),
                create_time: Some(1_475_134_700),
                msg_type: Some("event".into()),
                event: Some("user_authorize_invoice".into()),
            })
            .succ_order_id("1202933957956")
            .authorize_app_id("wxf4ea3a4f2c6bc8a8")
            .source("web")
            .build(),
    );
    let xml = event.to_xml();
    let safe = Receiver::new(
        PushConfig::new("benchTOKEN")
            .encoding_aes_key(KEY)
            .appid("wxbench"),
    )
    .expect("settings");
    let plain = Receiver::new(PushConfig::new("benchTOKEN")).expect("settings");
    let sealed_safe = safe.seal(&xml, 1_475_134_700, "1320562132").expect("seal");
    let sealed_plain = plain.seal(&xml, 1_475_134_700, "1320562132").expect("seal");

    let (mut baseline, mut plain_rates, mut safe_rates) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        baseline.push(per_cpu_second(window, || {
            Event::from_xml(black_box(xml.as_bytes())).is_ok_and(|e| e == event)
        }));
        plain_rates.push(per_cpu_second(window, || {
            plain
                .receive(
                    black_box(&sealed_plain.query),
                    black_box(sealed_plain.body.as_bytes()),
                )
                .is_ok_and(|e| e == event)
        }));
        safe_rates.push(per_cpu_second(window, || {
            safe.receive(
                black_box(&sealed_safe.query),
                black_box(sealed_safe.body.as_bytes()),
            )
            .is_ok_and(|e| e == event)
        }));
    }
    let (baseline, plain_rate, safe_rate) =
        (median(baseline), median(plain_rates), median(safe_rates));
    println!("push receive, events per CPU second of one thread (median of {rounds} rounds):");
    println!("  baseline Event::from_xml (no security) {baseline:>10.0}   1.00");
    println!(
        "  receive, plain mode                    {plain_rate:>10.0}   {:.2}",
        plain_rate / baseline
    );
    println!(
        "  receive, safe mode (AES)               {safe_rate:>10.0}   {:.2}",
        safe_rate / baseline
    );
    println!(
        "  safe mode against plain mode: {:.2} (the cost of AES, appid and msg_signature)",
        safe_rate / plain_rate
    );
}
