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
//! runs (a warm history store; by default each start gets an empty one). The memory budget is 30 MB on the bundled
//! data and 300 MB when `QW_BUDGET_ARGS` is set (a large feed held).
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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 48;
const COLS: u16 = 160;
const DEFAULT_MARKER: &str = "270,000";
const DEADLINE: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(300);

const BUDGET_FIRST_FRAME_MS: f64 = 50.0;
const BUDGET_IDLE_CPU_PCT: f64 = 0.5;
/// 30 MB, read as decimal megabytes (the stricter reading: 28.6 MiB).
const BUDGET_RSS_BYTES: f64 = 30.0e6;
/// With a large feed held (1,000,000 rows): 300 MB, read the same way.
const BUDGET_RSS_BYTES_LARGE: f64 = 300.0e6;

#[derive(Default)]
struct Seen {
    raw: Vec<u8>,
    marker_at: Option<Instant>,
    last_byte_at: Option<Instant>,
    eof: bool,
}

struct Dashboard {
    marker: Vec<u8>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    seen: Arc<Mutex<Seen>>,
    spawned_at: Instant,
    _master: Box<dyn MasterPty + Send>,
    _sandbox: tempfile::TempDir,
}

impl Dashboard {
    fn start(bin: &Path, args: &[String], marker: &str) -> Self {
        let sandbox = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "xdg-config", "xdg-data", "xdg-state", "xdg-cache", "data"] {
            std::fs::create_dir_all(sandbox.path().join(sub)).expect("sandbox folder");
        }
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        // QW_BUDGET_DATA_DIR: a data dir kept between runs (a warm history store, as a desk's
        // is); by default each start gets an empty one.
        cmd.arg("--data-dir");
        match std::env::var_os("QW_BUDGET_DATA_DIR") {
            Some(dir) => cmd.arg(dir),
            None => cmd.arg(sandbox.path().join("data")),
        }
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()));
        cmd.env("TERM", "xterm-256color");
        for (var, sub) in [
            ("HOME", "home"),
            ("XDG_CONFIG_HOME", "xdg-config"),
            ("XDG_DATA_HOME", "xdg-data"),
            ("XDG_STATE_HOME", "xdg-state"),
            ("XDG_CACHE_HOME", "xdg-cache"),
        ] {
            cmd.env(var, sandbox.path().join(sub));
        }
        cmd.cwd(sandbox.path());

        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut source = pair.master.try_clone_reader().expect("pty reader");
        let sink = Arc::clone(&seen);
        let wanted = marker.as_bytes().to_vec();
        let spawned_at = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawn quotawatch in the pty");
        drop(pair.slave);
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                let n = source.read(&mut buf).unwrap_or(0);
                let now = Instant::now();
                let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    s.eof = true;
                    break;
                }
                let from = s.raw.len().saturating_sub(wanted.len());
                s.raw.extend_from_slice(&buf[..n]);
                if s.marker_at.is_none() && s.raw[from..].windows(wanted.len()).any(|w| w == wanted) {
                    s.marker_at = Some(now);
                }
                s.last_byte_at = Some(now);
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Self {
            marker: marker.as_bytes().to_vec(),
            child,
            writer,
            seen,
            spawned_at,
            _master: pair.master,
            _sandbox: sandbox,
        }
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// (spawn → marker, spawn → last byte of the first burst), once output has been quiet.
    fn first_frame(&self) -> (Duration, Duration) {
        let start = Instant::now();
        loop {
            {
                let s = self.seen();
                if let (Some(marker), Some(last)) = (s.marker_at, s.last_byte_at)
                    && last.elapsed() >= QUIET
                {
                    return (marker - self.spawned_at, last - self.spawned_at);
                }
                if s.eof || start.elapsed() > DEADLINE {
                    let tail = s.raw.len().saturating_sub(400);
                    panic!(
                        "no first frame containing {:?} (eof: {}); last output: {}",
                        String::from_utf8_lossy(&self.marker),
                        s.eof,
                        String::from_utf8_lossy(&s.raw[tail..]).escape_debug()
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    fn quit(&mut self) -> String {
        self.press(b"q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                return status.to_string();
            }
            if start.elapsed() > DEADLINE {
                let _ = std::process::Command::new("kill").args(["-KILL", &self.pid().to_string()]).status();
                let _ = self.child.wait();
                return "did not exit on q (killed)".into();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = std::process::Command::new("kill").args(["-KILL", &self.pid().to_string()]).status();
            let _ = self.child.wait();
        }
    }
}

/// CPU and wake-up counters of one process, all threads.
#[derive(Clone, Copy)]
struct Sample {
    at: Instant,
    /// utime + stime, clock ticks, from /proc/PID/stat (covers exited threads too).
    ticks: u64,
    /// Sum of the live threads' run time from /proc/PID/task/*/schedstat.
    run_ns: u64,
    /// Sum of voluntary + involuntary context switches of the live threads.
    switches: u64,
    threads: usize,
}

fn sample(pid: u32) -> Sample {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read stat");
    // Fields after the parenthesised comm: state is field 3, utime 14, stime 15.
    let after = &stat[stat.rfind(')').expect("stat comm") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let num = |i: usize| fields[i].parse::<u64>().expect("stat field");
    let ticks = num(11) + num(12);
    let (mut run_ns, mut switches, mut threads) = (0, 0, 0);
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).expect("task dir").flatten() {
        let path = task.path();
        let Ok(schedstat) = std::fs::read_to_string(path.join("schedstat")) else { continue };
        run_ns += schedstat.split_whitespace().next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let status = std::fs::read_to_string(path.join("status")).unwrap_or_default();
        switches += ["voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"]
            .iter()
            .filter_map(|key| status_value(&status, key))
            .sum::<u64>();
        threads += 1;
    }
    Sample { at: Instant::now(), ticks, run_ns, switches, threads }
}

/// A numeric `/proc/*/status` value (the first number after `key`).
fn status_value(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    let hwm = status_value(&status, "VmHWM:").expect("VmHWM");
    let rss = status_value(&status, "VmRSS:").expect("VmRSS");
    (hwm, rss)
}

fn clock_ticks_per_sec() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

fn env_num(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] }
}

fn verdict(pass: bool) -> &'static str {
    if pass { "pass" } else { "MISS" }
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned()))
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = status_value(&meminfo, "MemTotal:").map_or(0.0, |kib| kib as f64 / 1024.0 / 1024.0);
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpus} CPUs (available_parallelism), {model}, {mem_gib:.1} GiB RAM; loadavg at start: {}",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    )
}

fn main() {
    let bin = std::env::var_os("QW_BUDGET_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_quotawatch")), PathBuf::from);
    let runs = env_num("QW_BUDGET_RUNS", 10).max(1);
    let idle_secs = env_num("QW_BUDGET_IDLE_SECS", 60).max(1);
    let args: Vec<String> =
        std::env::var("QW_BUDGET_ARGS").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    let marker = std::env::var("QW_BUDGET_MARKER").unwrap_or_else(|_| DEFAULT_MARKER.to_owned());
    let rss_budget = if args.is_empty() { BUDGET_RSS_BYTES } else { BUDGET_RSS_BYTES_LARGE };
    println!("dashboard_budget: {} {}", bin.display(), args.join(" "));
    println!("machine: {}", machine());

    // Start-up: one unmeasured warm-up (page cache), then `runs` measured starts.
    let mut warm = Dashboard::start(&bin, &args, &marker);
    let _ = warm.first_frame();
    let _ = warm.quit();
    let (mut marker_ms, mut done_ms) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let mut dash = Dashboard::start(&bin, &args, &marker);
        let (seen_at, done) = dash.first_frame();
        let status = dash.quit();
        println!(
            "  run {run:>2}: {marker:?} after {:6.2} ms, first frame done {:6.2} ms, exit: {status}",
            ms(seen_at),
            ms(done)
        );
        marker_ms.push(ms(seen_at));
        done_ms.push(ms(done));
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
    println!(
        "first frame ({marker:?} read from the PTY), median of {runs}: {first_frame:.2} ms (min {min:.2}, max {max:.2}); first frame done: {frame_done:.2} ms"
    );
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
    println!("  budget {:.0} MB (VmHWM): {}", rss_budget / 1e6, verdict(rss_peak <= rss_budget));
    println!("exit on q after the idle run: {status}");
}
