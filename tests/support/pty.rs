//! The real `quotawatch` dashboard in a pseudo-terminal, sealed off from the user's setup
//! (`HOME`, `XDG_*` and `--data-dir` in a temp dir, the environment otherwise cleared), with
//! a thread feeding its output to a vt100 parser. Waits poll against deadlines; a failure
//! prints the screen and the tail of the raw output. (tests/e2e_pty.rs has the first version
//! of this harness; this one adds a config, extra environment, resizing, timing a key press,
//! the log file, and checks of the cursor and of raw mode on exit.)

#![allow(dead_code, reason = "shared by several test targets, each using a part")]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

/// How long any one expected change may take; generous for a loaded 2-core CI machine.
pub const DEADLINE: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(1);

const ENTER_ALT_SCREEN: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";
const HIDE_CURSOR: &[u8] = b"\x1b[?25l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

struct Output {
    raw: Vec<u8>,
    parser: vt100::Parser,
    eof: bool,
}

/// What to start the dashboard with.
#[derive(Debug, Default)]
pub struct Options {
    /// Written to `config.toml` in the sandbox and passed with `--config`.
    pub config: Option<String>,
    pub env: Vec<(String, String)>,
    pub args: Vec<String>,
}

pub struct Dashboard {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Output>>,
    reader: Option<JoinHandle<()>>,
    last_frame_end: usize,
    master: Box<dyn MasterPty + Send>,
    sandbox: TempDir,
    pub rows: u16,
    pub cols: u16,
}

impl Dashboard {
    pub fn start(options: Options) -> Self {
        let (rows, cols) = (40, 120);
        let sandbox = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "xdg-config", "xdg-data", "xdg-state", "xdg-cache", "data", "cwd"] {
            std::fs::create_dir_all(sandbox.path().join(sub)).expect("sandbox folder");
        }
        let pair =
            native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_quotawatch"));
        cmd.arg("--data-dir");
        cmd.arg(sandbox.path().join("data"));
        if let Some(config) = &options.config {
            let path = sandbox.path().join("config.toml");
            std::fs::write(&path, config).expect("write config");
            cmd.arg("--config");
            cmd.arg(path);
        }
        for arg in &options.args {
            cmd.arg(arg);
        }
        sealed_env(&mut cmd, sandbox.path());
        for (name, value) in &options.env {
            cmd.env(name, value);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn quotawatch in the pty");
        drop(pair.slave);

        let size = |n| NonZeroU16::new(n).expect("non-zero terminal size");
        let parser = vt100::Parser::new(size(rows), size(cols), 0);
        let output = Arc::new(Mutex::new(Output { raw: Vec::new(), parser, eof: false }));
        let mut source = pair.master.try_clone_reader().expect("pty reader");
        let sink = Arc::clone(&output);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                // EIO from the master once the child side is closed is the Linux EOF.
                let n = source.read(&mut buf).unwrap_or(0);
                let mut out = sink.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    out.eof = true;
                    break;
                }
                out.raw.extend_from_slice(&buf[..n]);
                out.parser.process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Self {
            child,
            writer,
            output,
            reader: Some(reader),
            last_frame_end: 0,
            master: pair.master,
            sandbox,
            rows,
            cols,
        }
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    pub fn contents(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// The screen as text plus the tail of the raw stream, for failure messages.
    pub fn dump(&self) -> String {
        let out = self.output();
        let tail_start = out.raw.len().saturating_sub(800);
        format!(
            "--- screen (alternate screen: {}, eof: {}) ---\n{}\n--- last {} raw bytes ---\n{}",
            out.parser.screen().alternate_screen(),
            out.eof,
            out.parser.screen().contents(),
            out.raw.len() - tail_start,
            String::from_utf8_lossy(&out.raw[tail_start..]).escape_debug(),
        )
    }

    /// Polls until the screen shows every one of `needles`; panics with the screen if not.
    pub fn wait_for(&mut self, needles: &[&str], what: &str) -> Duration {
        let start = Instant::now();
        loop {
            let (contents, seen) = {
                let out = self.output();
                (out.parser.screen().contents(), out.raw.len())
            };
            if needles.iter().all(|n| contents.contains(n)) {
                self.last_frame_end = seen;
                return start.elapsed();
            }
            let child_gone = self.output().eof;
            if child_gone || start.elapsed() > DEADLINE {
                let why = if child_gone { "the dashboard exited" } else { "deadline passed" };
                panic!("waiting for {what} ({needles:?}): {why} after {:?}\n{}", start.elapsed(), self.dump());
            }
            std::thread::sleep(POLL);
        }
    }

    /// Polls until the screen no longer shows `needle`.
    pub fn wait_gone(&mut self, needle: &str, what: &str) {
        let start = Instant::now();
        while self.contents().contains(needle) {
            if start.elapsed() > DEADLINE {
                panic!("waiting for {what} ({needle:?} gone): deadline passed\n{}", self.dump());
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("write keys to the pty");
        self.writer.flush().expect("flush keys to the pty");
    }

    /// Presses `keys` and returns how long until the screen shows `needle`.
    pub fn time_key(&mut self, keys: &[u8], needle: &str) -> Duration {
        let start = Instant::now();
        self.press(keys);
        self.wait_for(&[needle], &format!("the answer to {:?}", String::from_utf8_lossy(keys)));
        start.elapsed()
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        let size = |n| NonZeroU16::new(n).expect("non-zero terminal size");
        // The parser takes the new size before the dashboard can draw for it: holding the
        // output lock across the resize keeps the reader from parsing a frame drawn for the
        // new size at the old one (clipped), which a real terminal never does.
        let mut output = self.output.lock().unwrap_or_else(|e| e.into_inner());
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
        output.parser.set_size(size(rows), size(cols));
        drop(output);
        self.rows = rows;
        self.cols = cols;
    }

    pub fn signal(&self, name: &str) {
        let pid = self.pid().to_string();
        let sent = std::process::Command::new("kill").args([&format!("-{name}"), &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -{name} {pid} failed: {sent}");
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the child to exit and for the reader to drain the PTY to EOF.
    pub fn wait_exit(&mut self, what: &str) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            match self.child.try_wait().expect("poll the child") {
                Some(status) => break status,
                None if start.elapsed() > DEADLINE => {
                    panic!("{what}: the dashboard did not exit within {DEADLINE:?}\n{}", self.dump())
                }
                None => std::thread::sleep(POLL),
            }
        };
        while !self.output().eof {
            if start.elapsed() > DEADLINE {
                panic!("{what}: the dashboard exited ({status}) but its output never reached EOF\n{}", self.dump());
            }
            std::thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader thread");
        }
        status
    }

    /// Everything the dashboard wrote, as bytes.
    pub fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// The terminal was handed back: the alternate screen left (after it was last entered and
    /// after the last awaited frame), the cursor shown again, and raw mode off (the pty's
    /// line discipline is canonical with echo again).
    pub fn assert_terminal_restored(&self, what: &str) {
        let raw = self.raw();
        let dump = || self.dump();
        let entered = rfind(&raw, ENTER_ALT_SCREEN)
            .unwrap_or_else(|| panic!("{what}: never entered the alternate screen\n{}", dump()));
        match rfind(&raw, LEAVE_ALT_SCREEN) {
            Some(left) if left > entered && left >= self.last_frame_end => {}
            other => panic!("{what}: the alternate screen was not left at the end ({other:?})\n{}", dump()),
        }
        assert!(!self.output().parser.screen().alternate_screen(), "{what}: vt100 still in the alternate screen");
        if let Some(hidden) = rfind(&raw, HIDE_CURSOR) {
            let shown = rfind(&raw, SHOW_CURSOR);
            assert!(shown.is_some_and(|s| s > hidden), "{what}: the cursor is left hidden\n{}", dump());
        }
        assert!(!self.output().parser.screen().hide_cursor(), "{what}: vt100 sees a hidden cursor");
        let termios = self.master.get_termios().expect("the pty's termios");
        let flags = format!("{:?}", termios.local_flags);
        assert!(flags.contains("ICANON") && flags.contains("ECHO"), "{what}: raw mode left on: {flags}");
    }

    pub fn data_dir(&self) -> PathBuf {
        self.sandbox.path().join("data")
    }

    /// Every daily log file (`quotawatch.YYYY-MM-DD.log`) in the data dir, oldest first.
    pub fn log_file(&self) -> String {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(self.data_dir()).map(|dir| dir.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.retain(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("quotawatch.") && n.ends_with(".log"))
        });
        files.sort();
        files.iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect()
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        // A failed test must not leave a dashboard running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Only PATH and TERM from outside; HOME and every XDG dir inside the sandbox.
fn sealed_env(cmd: &mut CommandBuilder, sandbox: &Path) {
    cmd.env_clear();
    cmd.env("PATH", std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()));
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", sandbox.join("home"));
    cmd.env("XDG_CONFIG_HOME", sandbox.join("xdg-config"));
    cmd.env("XDG_DATA_HOME", sandbox.join("xdg-data"));
    cmd.env("XDG_STATE_HOME", sandbox.join("xdg-state"));
    cmd.env("XDG_CACHE_HOME", sandbox.join("xdg-cache"));
    cmd.cwd(sandbox.join("cwd"));
}

pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
