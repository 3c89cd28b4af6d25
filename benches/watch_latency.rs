//! Release-to-line latency of `quotawatch watch`, the binary: from the moment a loopback
//! server starts serving a document with a new batch (polled every second) to the moment
//! the `new` NDJSON line is read from the watcher's stdout, the published file (with the
//! bundled history) already rewritten. Budget: the poll interval plus 100 ms.
//!
//! Run with `cargo bench --bench watch_latency`; figures go in docs/benchmarks.md.

#[path = "../tests/support/server.rs"]
mod server;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RELEASES: u16 = 10;
const INTERVAL: Duration = Duration::from_secs(1);

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = server::Server::start(server::conditional(server::releases(1), "\"v1\""));
    let config = dir.path().join("config.toml");
    let text =
        format!("[[sources]]\nname = \"wire\"\nkind = \"http\"\nurl = \"{}\"\ninterval = \"1s\"\n", server.url());
    std::fs::write(&config, text).expect("config");
    let published = dir.path().join("feed.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_quotawatch"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["watch", "--format", "ndjson", "--publish"])
        .arg(&published)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start watch");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    // The first document is the source's history: wait for it in the published file.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&published).is_ok_and(|t| t.contains("\"year\": 2030")) {
        assert!(Instant::now() < deadline, "the history was not published");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut samples = Vec::new();
    for batches in 2..=RELEASES + 1 {
        // Publish at a different point of the poll cycle each time.
        std::thread::sleep(Duration::from_millis(137 * u64::from(batches) % 1_000));
        let etag: &'static str = Box::leak(format!("\"v{batches}\"").into_boxed_str());
        let released = Instant::now();
        server.set(server::conditional(server::releases(batches), etag));
        let line = lines.next().expect("a line").expect("read");
        samples.push(released.elapsed());
        assert!(line.contains("\"kind\":\"new\""), "{line}");
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}");
    samples.sort();
    let budget = INTERVAL + Duration::from_millis(100);
    let max = samples[samples.len() - 1];
    println!(
        "watch, http 1 s interval, release to `new` line: n={} min {:.1} ms, median {:.1} ms, max {:.1} ms; \
         budget {} ms: {}",
        samples.len(),
        samples[0].as_secs_f64() * 1e3,
        samples[samples.len() / 2].as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        budget.as_millis(),
        if max <= budget { "within" } else { "OVER" }
    );
}
