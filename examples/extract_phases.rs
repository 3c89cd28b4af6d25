//! Times the phases of `extract` on one document (parse, extract, write): the first (cold)
//! run and the fastest of ten, for finding where the time goes before changing the code
//! (docs/benchmarks.md). `cargo run --release --example extract_phases -- FILE`
use std::time::{Duration, Instant};

/// The value, the first run's time and the fastest run's time.
fn timed<T>(mut run: impl FnMut() -> T) -> (T, Duration, Duration) {
    let (mut first, mut best) = (None, Duration::MAX);
    let mut out = None;
    for _ in 0..10 {
        let t = Instant::now();
        let value = run();
        let took = t.elapsed();
        first.get_or_insert(took);
        best = best.min(took);
        out = Some(value);
    }
    (out.expect("ran"), first.unwrap_or_default(), best)
}

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let bytes = std::fs::read(&path).expect("read");
    let (doc, parse_first, parse) = timed(|| quotawatch::extract::document::parse(&bytes, None).expect("parse"));
    let options = quotawatch::extract::Options::default();
    let (found, extract_first, extract) = timed(|| quotawatch::extract::extract(&doc.items, &options));
    let (json, write_first, write) = timed(|| quotawatch::extract::output::to_json(&found));
    println!(
        "{} items, {} bytes out: parse {parse:?} (first {parse_first:?}), extract {extract:?} (first {extract_first:?}), write {write:?} (first {write_first:?})",
        doc.items.len(),
        json.len()
    );
}
