//! The dashboard with 20 `rss` sources on loopback servers whose feeds never change (issue
//! 16): idle CPU between polls, and resident memory over a long run of polls. Measured on
//! the optimised binary in a real 160x48 PTY (the harness of `dashboard_budget`), with the
//! bundled data, each source's own server, the feed of tests/fixtures/extract/rss2.xml
//! (real headlines). Half the servers answer a conditional request with 304 (ETag), half
//! send the same body every time without validators, so both paths of an unchanged feed run.
//! This never runs as part of `cargo test`; results go in docs/benchmarks.md.
//!
//! Two phases, each a dashboard of its own:
//!
//! - `idle`: the 20 sources at `interval = "5m"` (a realistic news poll). After the first
//!   poll of every source has been answered and merged and `QW_BUDGET_SOAK_SETTLE_SECS`
//!   (default 65) have passed, CPU over a window with no poll due (`QW_BUDGET_IDLE_SECS`,
//!   default 60, ending by 260 s: the jittered interval is at least 270 s). Budget: 0.05% of
//!   one core, by utime+stime and by schedstat. The servers' request counts prove no poll
//!   fell inside the window.
//! - `soak`: the 20 sources at `QW_BUDGET_SOAK_INTERVAL` (default `1s`, so an hour is 72,000
//!   polls) for `QW_BUDGET_SOAK_SECS` (default 120; 3600 for the hour). VmRSS and
//!   VmHWM are sampled every `QW_BUDGET_SOAK_SAMPLE_SECS` (default 10) and printed at the
//!   start, every `QW_BUDGET_SOAK_REPORT_SECS` (default 600) and at the end, with the CPU
//!   per poll. "Not growing": the RSS at the end is within 1 MiB of the largest RSS seen in
//!   the first tenth of the run (the allocator's working set settles after the first polls).
//!
//! Run: `cargo bench --bench rss_soak`; one phase: `QW_BUDGET_SOAK_PHASES=soak`; another
//! binary: `QW_BUDGET_BIN`.

#[path = "support/pty_dash.rs"]
mod pty_dash;

#[path = "../tests/support/server.rs"]
mod server;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pty_dash::{Dashboard, Sample, clock_ticks_per_sec, env_num, machine, memory_kib, sample, verdict};
use server::{Reply, Request, Server, status};

const SOURCES: usize = 20;
const MARKER: &str = "270,000";
const FEED: &str = include_str!("../tests/fixtures/extract/rss2.xml");
const BUDGET_IDLE_CPU_PCT: f64 = 0.05;
/// RSS at the end no more than this above the settled RSS (the first tenth's largest).
const GROWTH_SLACK_KIB: u64 = 1024;

/// Answers 304 to a matching If-None-Match when `etag` is set; otherwise the same body.
fn feed_server(etag: Option<&'static str>) -> Server {
    Server::start(move |request: &Request| {
        if let Some(tag) = etag
            && request.header("If-None-Match") == Some(tag)
        {
            return status(304, Vec::new());
        }
        let mut headers = vec![("Content-Type", "application/rss+xml".to_owned())];
        if let Some(tag) = etag {
            headers.push(("ETag", tag.to_owned()));
        }
        Reply { status: 200, headers, body: FEED.as_bytes().to_vec(), content_length: true }
    })
}

/// 20 servers and a config naming one `rss` source on each, polled every `interval`.
struct Desk {
    servers: Vec<Server>,
    _dir: tempfile::TempDir,
    config: PathBuf,
}

impl Desk {
    fn new(interval: &str) -> Desk {
        let servers: Vec<Server> =
            (0..SOURCES).map(|i| feed_server(if i % 2 == 0 { Some("\"unchanged\"") } else { None })).collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut text = String::new();
        for (i, server) in servers.iter().enumerate() {
            text.push_str(&format!(
                "[[sources]]\nname = \"wire-{i:02}\"\nkind = \"rss\"\nurl = \"http://127.0.0.1:{}/rss.xml\"\ninterval = \"{interval}\"\n\n",
                server.port
            ));
        }
        let config = dir.path().join("quotawatch.toml");
        std::fs::write(&config, text).expect("write the config");
        Desk { servers, _dir: dir, config }
    }

    fn args(&self) -> Vec<String> {
        vec!["--config".into(), self.config.display().to_string()]
    }

    /// Requests answered, per server.
    fn counts(&self) -> Vec<usize> {
        self.servers.iter().map(Server::count).collect()
    }

    /// Waits until every server has answered at least `n` requests.
    fn wait_for_round(&self, n: usize, deadline: Duration) {
        let start = Instant::now();
        while self.counts().iter().any(|&c| c < n) {
            assert!(
                start.elapsed() < deadline,
                "not every source polled {n} times within {deadline:?}: {:?}",
                self.counts()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn cpu_pct(before: &Sample, after: &Sample, hz: f64) -> (f64, f64, f64) {
    let window = (after.at - before.at).as_secs_f64();
    let ticks = (after.ticks - before.ticks) as f64 / hz / window * 100.0;
    let sched = after.run_ns.saturating_sub(before.run_ns) as f64 / 1e9 / window * 100.0;
    let wakeups = after.switches.saturating_sub(before.switches) as f64 / window;
    (ticks, sched, wakeups)
}

fn idle_phase(bin: &std::path::Path, hz: f64) {
    let settle = env_num("QW_BUDGET_SOAK_SETTLE_SECS", 65);
    let idle_secs = env_num("QW_BUDGET_IDLE_SECS", 60).clamp(1, 260u64.saturating_sub(settle).max(1));
    let desk = Desk::new("5m");
    let mut dash = Dashboard::start(bin, &desk.args(), MARKER);
    let _ = dash.first_frame();
    desk.wait_for_round(1, Duration::from_secs(30));
    // The answers parsed and merged, the headlines saved, the output quiet; and the runtime's
    // idle blocking threads gone (they exit after 60 s: one exiting inside the window would
    // take its run time out of the schedstat sum, which counts live threads only).
    std::thread::sleep(Duration::from_secs(settle));
    let pid = dash.pid();
    let (counts_before, before, bytes_before) = (desk.counts(), sample(pid), dash.seen().raw.len());
    std::thread::sleep(Duration::from_secs(idle_secs));
    let (after, counts_after, bytes_after) = (sample(pid), desk.counts(), dash.seen().raw.len());
    let (hwm, rss) = memory_kib(pid);
    let status = dash.quit();
    let (ticks, sched, wakeups) = cpu_pct(&before, &after, hz);
    let polls: usize = counts_after.iter().zip(&counts_before).map(|(a, b)| a - b).sum();
    println!("idle: 20 rss sources at interval 5m, from {settle} s after every source's first poll");
    println!(
        "  CPU over {:.1} s with no poll due ({polls} polls in the window): {ticks:.3}% of one core (utime+stime, {} ticks at {hz} Hz); {sched:.4}% by schedstat; {wakeups:.2} context switches/s over {} threads; {} bytes written to the terminal",
        (after.at - before.at).as_secs_f64(),
        after.ticks - before.ticks,
        after.threads,
        bytes_after - bytes_before,
    );
    println!(
        "  memory: VmHWM {:.1} MiB, VmRSS {:.1} MiB; exit on q: {status}",
        hwm as f64 / 1024.0,
        rss as f64 / 1024.0
    );
    let pass = polls == 0 && ticks <= BUDGET_IDLE_CPU_PCT && sched <= BUDGET_IDLE_CPU_PCT;
    println!("  budget {BUDGET_IDLE_CPU_PCT}% of a core between polls: {}", verdict(pass));
}

fn soak_phase(bin: &std::path::Path, hz: f64) {
    let secs = env_num("QW_BUDGET_SOAK_SECS", 120).max(10);
    let every = env_num("QW_BUDGET_SOAK_SAMPLE_SECS", 10).max(1);
    let report = env_num("QW_BUDGET_SOAK_REPORT_SECS", 600).max(every);
    let interval = std::env::var("QW_BUDGET_SOAK_INTERVAL").unwrap_or_else(|_| "1s".into());
    let desk = Desk::new(&interval);
    let mut dash = Dashboard::start(bin, &desk.args(), MARKER);
    let _ = dash.first_frame();
    desk.wait_for_round(1, Duration::from_secs(30));
    let pid = dash.pid();
    let kib = |k: u64| k as f64 / 1024.0;
    println!("soak: 20 rss sources at interval {interval} for {secs} s, VmRSS sampled every {every} s");
    let start = Instant::now();
    let first = sample(pid);
    let first_polls: usize = desk.counts().iter().sum();
    let (hwm0, rss0) = memory_kib(pid);
    println!("  t =      0 s: VmRSS {:7.1} MiB, VmHWM {:7.1} MiB, {first_polls} polls so far", kib(rss0), kib(hwm0));
    let (mut settled, mut largest, mut smallest, mut last_report) = (rss0, rss0, rss0, 0);
    let mut last = (first, rss0, hwm0, first_polls);
    while start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(every).min(Duration::from_secs(secs).saturating_sub(start.elapsed())));
        let now = sample(pid);
        let (hwm, rss) = memory_kib(pid);
        let polls: usize = desk.counts().iter().sum();
        let t = start.elapsed().as_secs();
        if t * 10 <= secs {
            settled = settled.max(rss);
        }
        largest = largest.max(rss);
        smallest = smallest.min(rss);
        if t / report != last_report / report || start.elapsed() >= Duration::from_secs(secs) {
            let (ticks, sched, _) = cpu_pct(&last.0, &now, hz);
            let window_polls = polls - last.3;
            println!(
                "  t = {t:6} s: VmRSS {:7.1} MiB, VmHWM {:7.1} MiB, {polls} polls so far; since the last line {window_polls} polls, CPU {ticks:.3}% (schedstat {sched:.3}%), {:.1} ms of CPU per poll",
                kib(rss),
                kib(hwm),
                (now.run_ns - last.0.run_ns) as f64 / 1e6 / window_polls.max(1) as f64,
            );
            last = (now, rss, hwm, polls);
            last_report = t;
        }
    }
    let end = sample(pid);
    let (hwm_end, rss_end) = memory_kib(pid);
    let polls: usize = desk.counts().iter().sum::<usize>() - first_polls;
    let status = dash.quit();
    let (ticks, sched, wakeups) = cpu_pct(&first, &end, hz);
    println!(
        "  over the run: {polls} polls ({:.2}/s), CPU {ticks:.3}% of one core by utime+stime, {sched:.3}% by schedstat, {:.2} ms per poll, {wakeups:.1} context switches/s, {} threads at the end",
        polls as f64 / (end.at - first.at).as_secs_f64(),
        (end.run_ns - first.run_ns) as f64 / 1e6 / polls.max(1) as f64,
        end.threads,
    );
    println!(
        "  VmRSS start {:.1} MiB, settled (largest in the first tenth) {:.1} MiB, smallest {:.1}, largest {:.1}, end {:.1} MiB; VmHWM end {:.1} MiB; exit on q: {status}",
        kib(rss0),
        kib(settled),
        kib(smallest),
        kib(largest),
        kib(rss_end),
        kib(hwm_end),
    );
    println!(
        "  budget: resident memory not growing (end within {} MiB of settled): {}",
        GROWTH_SLACK_KIB / 1024,
        verdict(rss_end <= settled + GROWTH_SLACK_KIB)
    );
}

fn main() {
    let bin = std::env::var_os("QW_BUDGET_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_quotawatch")), PathBuf::from);
    let phases = std::env::var("QW_BUDGET_SOAK_PHASES").unwrap_or_else(|_| "idle,soak".into());
    println!("rss_soak: {}", bin.display());
    println!("machine: {}", machine());
    let hz = clock_ticks_per_sec() as f64;
    for phase in phases.split(',').map(str::trim) {
        match phase {
            "idle" => idle_phase(&bin, hz),
            "soak" => soak_phase(&bin, hz),
            other => panic!("QW_BUDGET_SOAK_PHASES: unknown phase {other:?} (idle, soak)"),
        }
    }
}
