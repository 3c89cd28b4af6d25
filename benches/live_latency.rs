//! Publish-to-screen latency of live sources, through the dashboard's own loop
//! ([`Dashboard`]) on a test terminal:
//!
//! - HTTP on loopback, polled every second: from the moment the server starts serving a
//!   document with a new batch to the moment the merged figures are drawn. Budget:
//!   the poll interval plus 100 ms.
//! - A file source (interval 1 h, so only the file watch can be quick): from the rename
//!   that puts a new document in place to the merged figures. Budget: 200 ms.
//! - An `rss` source on loopback, polled every second: from the moment the server starts
//!   serving the feed with a new release headline (figures in its title and description)
//!   to the moment the extracted announcement is merged and drawn. Budget: the poll
//!   interval plus 100 ms, as for HTTP.
//!
//! Run with `cargo bench --bench live_latency`; figures go in docs/benchmarks.md.

#[path = "../tests/support/server.rs"]
mod server;

#[path = "../tests/support/live.rs"]
mod live;

use std::path::Path;
use std::time::{Duration, Instant};

use live::dashboard;
use quotawatch::app::Dashboard;
use quotawatch::config::{self, ConfigOrigin};
use quotawatch::model::{AnnouncementKey, Commodity};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RELEASES: u16 = 12;
const HTTP_INTERVAL: Duration = Duration::from_secs(1);

/// The release a document of `batches` releases adds last: quota-feed/1 documents
/// ([`server::releases`]) count from 2030, news feeds ([`server::rss_releases`]) from 2027.
fn release_key(first_year: u16, batches: u16) -> AnnouncementKey {
    let i = batches - 1;
    AnnouncementKey {
        commodity: Commodity::parse("rare-earths").expect("slug"),
        year: first_year + i / 2,
        batch: u8::try_from(1 + i % 2).expect("batch"),
    }
}

fn key_of(batches: u16) -> AnnouncementKey {
    release_key(2030, batches)
}

/// Runs the loop until the ledger holds `key` and the frame showing it is drawn; returns when.
async fn until_merged(
    dashboard: &mut Dashboard,
    terminal: &mut Terminal<TestBackend>,
    key: &AnnouncementKey,
) -> Instant {
    tokio::time::timeout(
        Duration::from_secs(30),
        dashboard.run_until(terminal, |s| s.ledger().entry(key).is_some(), |_| {}),
    )
    .await
    .expect("merged within 30 s")
    .expect("the loop ran");
    Instant::now()
}

fn summary(name: &str, mut samples: Vec<Duration>, budget: Duration) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let max = samples[samples.len() - 1];
    let verdict = if max <= budget { "within" } else { "OVER" };
    println!(
        "{name}: n={} min {:.1} ms, median {:.1} ms, max {:.1} ms; budget {} ms: {verdict}",
        samples.len(),
        samples[0].as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        budget.as_millis()
    );
}

async fn http() {
    let server = server::Server::start(server::conditional(server::releases(1), "\"v1\""));
    let text =
        format!("[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"{}\"\ninterval = \"1s\"\n", server.url());
    let config = config::parse(&text, ConfigOrigin::BuiltIn, Path::new(".")).expect("config");
    let (mut dashboard, mut terminal) = dashboard(&config);
    until_merged(&mut dashboard, &mut terminal, &key_of(1)).await;
    let mut samples = Vec::new();
    for batches in 2..=RELEASES + 1 {
        // Publish at a different point of the poll cycle each time.
        tokio::time::sleep(Duration::from_millis(137 * u64::from(batches) % 1_000)).await;
        let etag: &'static str = Box::leak(format!("\"v{batches}\"").into_boxed_str());
        let published = Instant::now();
        server.set(server::conditional(server::releases(batches), etag));
        let merged = until_merged(&mut dashboard, &mut terminal, &key_of(batches)).await;
        samples.push(merged - published);
    }
    summary("http, 1 s interval", samples, HTTP_INTERVAL + Duration::from_millis(100));
}

async fn file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("desk.json");
    std::fs::write(&path, server::releases(1)).expect("write");
    let text = "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"desk.json\"\ninterval = \"1h\"\n";
    let config = config::parse(text, ConfigOrigin::BuiltIn, dir.path()).expect("config");
    let (mut dashboard, mut terminal) = dashboard(&config);
    until_merged(&mut dashboard, &mut terminal, &key_of(1)).await;
    let mut samples = Vec::new();
    for batches in 2..=RELEASES + 1 {
        let aside = dir.path().join(".desk.json.tmp");
        std::fs::write(&aside, server::releases(batches)).expect("write aside");
        let published = Instant::now();
        std::fs::rename(&aside, &path).expect("rename into place");
        let merged = until_merged(&mut dashboard, &mut terminal, &key_of(batches)).await;
        samples.push(merged - published);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    summary("file, watched (interval 1 h)", samples, Duration::from_millis(200));
}

async fn rss() {
    let server = server::Server::start(server::conditional_rss(server::rss_releases(1), "\"r1\""));
    let text = format!(
        "[[sources]]\nname = \"wire\"\nkind = \"rss\"\nurl = \"http://127.0.0.1:{}/rss\"\ninterval = \"1s\"\n",
        server.port
    );
    let config = config::parse(&text, ConfigOrigin::BuiltIn, Path::new(".")).expect("config");
    let (mut dashboard, mut terminal) = dashboard(&config);
    until_merged(&mut dashboard, &mut terminal, &release_key(2027, 1)).await;
    let mut samples = Vec::new();
    for batches in 2..=RELEASES + 1 {
        // Publish at a different point of the poll cycle each time.
        tokio::time::sleep(Duration::from_millis(137 * u64::from(batches) % 1_000)).await;
        let etag: &'static str = Box::leak(format!("\"r{batches}\"").into_boxed_str());
        let published = Instant::now();
        server.set(server::conditional_rss(server::rss_releases(batches), etag));
        let merged = until_merged(&mut dashboard, &mut terminal, &release_key(2027, batches)).await;
        samples.push(merged - published);
    }
    summary("rss, 1 s interval", samples, HTTP_INTERVAL + Duration::from_millis(100));
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported here.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        file().await;
        http().await;
        rss().await;
    });
}
