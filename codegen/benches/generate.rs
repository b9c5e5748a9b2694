//! How long the generator takes for the whole `spec/`, against parsing the same YAML alone
//! (the baseline, measured in the same run).
//!
//! Run: `cargo bench -p wechat-invoice-codegen --bench generate`

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use wechat_invoice_codegen::{generate, load};

/// Median wall time of `runs` calls of `work`, after a warm-up.
fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    for _ in 0..3 {
        work();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let sources = match load::read_dir(&spec_dir) {
        Ok(sources) => sources,
        Err(problems) => {
            eprintln!("cannot read {}: {problems:?}", spec_dir.display());
            std::process::exit(1);
        }
    };
    let endpoints = sources
        .iter()
        .filter(|s| s.path.parent().is_some_and(|p| p.ends_with("endpoints")))
        .count();
    let runs = 51;
    let parse = median(runs, || {
        black_box(load::parse(black_box(&sources)).1.is_empty());
    });
    let whole = median(runs, || {
        black_box(generate(black_box(&sources)).is_ok());
    });
    let lines: usize = generate(&sources)
        .map(|(_, files)| files.iter().map(|f| f.contents.lines().count()).sum())
        .unwrap_or_default();
    println!(
        "spec/: {} files, {endpoints} endpoints, {lines} generated lines",
        sources.len()
    );
    println!(
        "baseline  YAML parse only          {:>9.2} ms",
        parse.as_secs_f64() * 1e3
    );
    println!(
        "generate  load+validate+model+emit {:>9.2} ms",
        whole.as_secs_f64() * 1e3
    );
    println!(
        "ratio     generate / parse         {:>9.2}",
        whole.as_secs_f64() / parse.as_secs_f64()
    );
}
