//! Times the phases of `extract` on one document (parse, extract, write), the fastest of
//! ten runs each: for finding where the time goes before changing the code.
//! `cargo run --release --example extract_phases -- FILE`
use std::time::{Duration, Instant};

fn fastest<T>(mut run: impl FnMut() -> T) -> (T, Duration) {
    let mut best = Duration::MAX;
    let mut out = None;
    for attempt in 0..10 {
        let t = Instant::now();
        let value = run();
        if attempt == 0 {
            eprint!("first {:?}; ", t.elapsed());
        }
        best = best.min(t.elapsed());
        out = Some(value);
    }
    (out.expect("ran"), best)
}

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let bytes = std::fs::read(&path).expect("read");
    let (doc, parsed) = fastest(|| quotawatch::extract::document::parse(&bytes, None).expect("parse"));
    let options = quotawatch::extract::Options::default();
    let (found, extracted) = fastest(|| quotawatch::extract::extract(&doc.items, &options));
    let (json, written) = fastest(|| quotawatch::extract::output::to_json(&found));
    println!(
        "{} items: parse {parsed:?}, extract {extracted:?}, write {written:?} ({} bytes)",
        doc.items.len(),
        json.len()
    );
}
