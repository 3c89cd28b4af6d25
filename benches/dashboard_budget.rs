//! The dashboard's budgets, measured on the optimised binary in a real 160x48 PTY:
//! time to first frame, idle CPU and resident memory. Results and the machine they were
//! measured on go in docs/benchmarks.md; this never runs as part of `cargo test`.
//!
//! Run: `cargo bench --bench dashboard_budget` (the `bench` profile inherits `release`, so
//! the binary measured is `target/release/quotawatch`). Knobs, all optional:
//! `QW_BUDGET_RUNS` start-up runs (default 10), `QW_BUDGET_IDLE_SECS` idle window
//! (default 60), `QW_BUDGET_BIN` another binary to measure, `QW_BUDGET_ARGS` arguments
//! put before the others (split at white space; e.g. `--no-bundled --config big.toml` to
//! hold a generated feed of 1,000,000 rows) and `QW_BUDGET_MARKER` the text that shows the
//! first frame has arrived (default `270,000`), `QW_BUDGET_DATA_DIR` a data dir kept between
//! runs (a warm history store; by default each start gets an empty one), `QW_BUDGET_FRAME_MARKER`
//! the text of a first frame drawn before the figures (`loading stored history`: a large
//! store is replayed after the first frame; the first-frame figure is then the time to it,
//! and the time to `QW_BUDGET_MARKER` is printed as "figures on screen"). The memory budget is 30 MB on the bundled
//! data and 120 MiB when `QW_BUDGET_ARGS` is set (a large feed held: issue 16).
//!
//! - First frame: from just before spawn until the bytes containing "270,000" (the 2024
//!   mining quota on the overview) have been read from the PTY master; median of the runs,
//!   after one unmeasured warm-up run. "Frame done" is when the last byte of that first
//!   burst of output arrived (no more output for 300 ms after).
//! - Idle CPU: one dashboard left on the overview, untouched; utime+stime from
//!   /proc/PID/stat before and after the window (and the sum of every thread's
//!   /proc/PID/task/*/schedstat run time, in ns, as a finer cross-check), plus context
//!   switches per second, which count wake-ups.
//! - Memory: VmHWM and VmRSS from /proc/PID/status after the idle window, and VmHWM again
//!   after touring every view.

#[path = "support/pty_dash.rs"]
mod pty_dash;

use std::path::PathBuf;
use std::time::Duration;

use pty_dash::{Dashboard, clock_ticks_per_sec, env_num, machine, median, memory_kib, ms, sample, verdict};

const DEFAULT_MARKER: &str = "270,000";
const BUDGET_FIRST_FRAME_MS: f64 = 50.0;
const BUDGET_IDLE_CPU_PCT: f64 = 0.5;
/// 30 MB, read as decimal megabytes (the stricter reading: 28.6 MiB).
const BUDGET_RSS_BYTES: f64 = 30.0e6;
/// With a large feed held (1,000,000 rows): 120 MiB (issue 16; it was 300 MB).
const BUDGET_RSS_BYTES_LARGE: f64 = 120.0 * 1024.0 * 1024.0;

fn main() {
    let bin = std::env::var_os("QW_BUDGET_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_quotawatch")), PathBuf::from);
    let runs = env_num("QW_BUDGET_RUNS", 10).max(1);
    let idle_secs = env_num("QW_BUDGET_IDLE_SECS", 60).max(1);
    let args: Vec<String> =
        std::env::var("QW_BUDGET_ARGS").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    let marker = std::env::var("QW_BUDGET_MARKER").unwrap_or_else(|_| DEFAULT_MARKER.to_owned());
    let frame_marker = std::env::var("QW_BUDGET_FRAME_MARKER").ok().filter(|m| !m.is_empty());
    let rss_budget = if args.is_empty() { BUDGET_RSS_BYTES } else { BUDGET_RSS_BYTES_LARGE };
    println!("dashboard_budget: {} {}", bin.display(), args.join(" "));
    println!("machine: {}", machine());

    // Start-up: one unmeasured warm-up (page cache), then `runs` measured starts.
    let frame = frame_marker.as_deref();
    let mut warm = Dashboard::start_with(&bin, &args, &marker, frame);
    let _ = warm.first_frame();
    let _ = warm.quit();
    let (mut marker_ms, mut done_ms, mut frame_ms) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        let mut dash = Dashboard::start_with(&bin, &args, &marker, frame);
        let (seen_at, done) = dash.first_frame();
        let status = dash.quit();
        let framed = match (frame, dash.frame_marker()) {
            (Some(text), Some(at)) => {
                frame_ms.push(ms(at));
                format!("{text:?} after {:6.2} ms, ", ms(at))
            }
            (Some(text), None) => format!("{text:?} never drawn, "),
            (None, _) => String::new(),
        };
        println!(
            "  run {run:>2}: {framed}{marker:?} after {:6.2} ms, first frame done {:6.2} ms, exit: {status}",
            ms(seen_at),
            ms(done)
        );
        marker_ms.push(ms(seen_at));
        done_ms.push(ms(done));
    }
    // With a frame marker, the first frame is the one that carries it; the marker's figures follow.
    let figures_ms = frame.map(|_| median(&mut marker_ms.clone()));
    if frame.is_some() {
        if frame_ms.len() < runs as usize {
            println!(
                "  the frame marker was missing from {} runs: the first frame is timed by the figures",
                runs as usize - frame_ms.len()
            );
        } else {
            marker_ms = frame_ms;
        }
    }
    let (min, max) =
        (marker_ms.iter().copied().fold(f64::INFINITY, f64::min), marker_ms.iter().copied().fold(0.0, f64::max));
    let first_frame = median(&mut marker_ms);
    let frame_done = median(&mut done_ms);

    // Idle: one dashboard on the overview, untouched.
    let mut dash = Dashboard::start(&bin, &args, &marker);
    let _ = dash.first_frame();
    let pid = dash.pid();
    std::thread::sleep(Duration::from_secs(2));
    let before = sample(pid);
    let bytes_before = dash.seen().raw.len();
    std::thread::sleep(Duration::from_secs(idle_secs));
    let after = sample(pid);
    let idle_bytes = dash.seen().raw.len() - bytes_before;
    let (hwm_idle, rss_idle) = memory_kib(pid);

    let window = (after.at - before.at).as_secs_f64();
    let hz = clock_ticks_per_sec() as f64;
    let cpu_pct_ticks = (after.ticks - before.ticks) as f64 / hz / window * 100.0;
    let cpu_pct_sched = after.run_ns.saturating_sub(before.run_ns) as f64 / 1e9 / window * 100.0;
    let wakeups = after.switches.saturating_sub(before.switches) as f64 / window;

    // Tour every view, then read the high-water mark again.
    for keys in [&b"2"[..], b"\r", b"\r", b"\r", b"\x1b", b"\x1b", b"\x1b", b"3", b"4", b"5", b"?", b"?", b"1"] {
        dash.press(keys);
        std::thread::sleep(Duration::from_millis(150));
    }
    let (hwm_tour, rss_tour) = memory_kib(pid);
    let status = dash.quit();

    let kib_to_mib = |k: u64| k as f64 / 1024.0;
    let rss_peak = hwm_idle.max(hwm_tour) as f64 * 1024.0;
    println!();
    let first = frame_marker.as_deref().unwrap_or(&marker);
    println!(
        "first frame ({first:?} read from the PTY), median of {runs}: {first_frame:.2} ms (min {min:.2}, max {max:.2}); frame with {marker:?} done: {frame_done:.2} ms"
    );
    if let Some(figures) = figures_ms {
        println!("figures on screen ({marker:?} read from the PTY), median of {runs}: {figures:.2} ms");
    }
    println!("  budget {BUDGET_FIRST_FRAME_MS} ms: {}", verdict(first_frame <= BUDGET_FIRST_FRAME_MS));
    println!(
        "idle CPU over {window:.1} s: {cpu_pct_ticks:.3}% of one core (utime+stime, {} ticks at {hz} Hz); {cpu_pct_sched:.4}% by schedstat; {wakeups:.2} context switches/s over {} threads; {idle_bytes} bytes written to the terminal",
        after.ticks - before.ticks,
        after.threads,
    );
    println!("  budget {BUDGET_IDLE_CPU_PCT}%: {}", verdict(cpu_pct_ticks <= BUDGET_IDLE_CPU_PCT));
    println!(
        "memory after idle: VmHWM {:.1} MiB, VmRSS {:.1} MiB; after touring every view: VmHWM {:.1} MiB, VmRSS {:.1} MiB",
        kib_to_mib(hwm_idle),
        kib_to_mib(rss_idle),
        kib_to_mib(hwm_tour),
        kib_to_mib(rss_tour),
    );
    println!("  budget {:.1} MiB (VmHWM): {}", rss_budget / 1024.0 / 1024.0, verdict(rss_peak <= rss_budget));
    println!("exit on q after the idle run: {status}");
}
