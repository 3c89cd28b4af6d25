//! The harness the dashboard benches share: the optimised binary started in a real 160x48
//! PTY in a sandbox of its own (HOME, XDG folders, data dir), its output watched for a
//! marker, and its CPU, wake-ups and memory read from /proc.
#![allow(dead_code)] // Each bench uses part of it.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 48;
pub const COLS: u16 = 160;
pub const DEADLINE: Duration = Duration::from_secs(10);
pub const QUIET: Duration = Duration::from_millis(300);

#[derive(Default)]
pub struct Seen {
    pub raw: Vec<u8>,
    pub marker_at: Option<Instant>,
    /// When the frame marker was read (see [`Dashboard::start_with`]).
    pub frame_marker_at: Option<Instant>,
    pub last_byte_at: Option<Instant>,
    pub eof: bool,
}

pub struct Dashboard {
    marker: Vec<u8>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    seen: Arc<Mutex<Seen>>,
    spawned_at: Instant,
    _master: Box<dyn MasterPty + Send>,
    _sandbox: tempfile::TempDir,
}

impl Dashboard {
    pub fn start(bin: &Path, args: &[String], marker: &str) -> Self {
        Self::start_with(bin, args, marker, None)
    }

    /// [`Dashboard::start`], also noting when `frame_marker` is read: the text of a first
    /// frame drawn before the figures `marker` stands for (such as "loading stored history").
    pub fn start_with(bin: &Path, args: &[String], marker: &str, frame_marker: Option<&str>) -> Self {
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
        let frame_wanted = frame_marker.map(|m| m.as_bytes().to_vec());
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
                let frame_from = s.raw.len().saturating_sub(frame_wanted.as_ref().map_or(0, Vec::len));
                s.raw.extend_from_slice(&buf[..n]);
                if s.marker_at.is_none() && s.raw[from..].windows(wanted.len()).any(|w| w == wanted) {
                    s.marker_at = Some(now);
                }
                if let Some(frame) = &frame_wanted
                    && s.frame_marker_at.is_none()
                    && s.raw[frame_from..].windows(frame.len()).any(|w| w == frame.as_slice())
                {
                    s.frame_marker_at = Some(now);
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

    /// Spawn → the frame marker, once read.
    pub fn frame_marker(&self) -> Option<Duration> {
        self.seen().frame_marker_at.map(|at| at - self.spawned_at)
    }

    pub fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// (spawn → marker, spawn → last byte of the first burst), once output has been quiet.
    pub fn first_frame(&self) -> (Duration, Duration) {
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

    pub fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    pub fn quit(&mut self) -> String {
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
pub struct Sample {
    pub at: Instant,
    /// utime + stime, clock ticks, from /proc/PID/stat (covers exited threads too).
    pub ticks: u64,
    /// Sum of the live threads' run time from /proc/PID/task/*/schedstat.
    pub run_ns: u64,
    /// Sum of voluntary + involuntary context switches of the live threads.
    pub switches: u64,
    pub threads: usize,
}

pub fn sample(pid: u32) -> Sample {
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
pub fn status_value(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

pub fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    let hwm = status_value(&status, "VmHWM:").expect("VmHWM");
    let rss = status_value(&status, "VmRSS:").expect("VmRSS");
    (hwm, rss)
}

pub fn clock_ticks_per_sec() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

pub fn env_num(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] }
}

pub fn verdict(pass: bool) -> &'static str {
    if pass { "pass" } else { "MISS" }
}

pub fn machine() -> String {
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
