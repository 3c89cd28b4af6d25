//! The real `quotawatch` dashboard in a real pseudo-terminal (120x40): start-up screen,
//! drilling from stages to categories to holders, quitting with `q` and with SIGTERM, and
//! the terminal being handed back (alternate screen left) on both ways out.
//!
//! Each run is sealed off from the user's setup: `--data-dir`, `HOME` and `XDG_*` point
//! into a temp dir, the environment is otherwise cleared (PATH and TERM only), and the
//! temp dir is the cwd. Every wait polls against a deadline; a failure prints the screen
//! as the vt100 parser sees it and the tail of the raw output.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// How long any one expected change may take; generous for a loaded 2-core CI machine.
const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);

const ENTER_ALT_SCREEN: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";

/// What the reader thread has seen so far: every byte, and the screen they draw.
struct Output {
    raw: Vec<u8>,
    parser: vt100::Parser,
    eof: bool,
}

/// The dashboard running in a PTY, with a thread feeding its output to a vt100 parser.
struct Dashboard {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Output>>,
    reader: Option<JoinHandle<()>>,
    /// How many output bytes had arrived when the last awaited screen was seen.
    last_frame_end: usize,
    // Kept open so the PTY lives as long as the test; dropped after the child is gone.
    _master: Box<dyn MasterPty + Send>,
    _sandbox: TempDir,
}

impl Dashboard {
    fn start() -> Self {
        let sandbox = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "xdg-config", "xdg-data", "xdg-state", "xdg-cache", "data", "cwd"] {
            std::fs::create_dir_all(sandbox.path().join(sub)).expect("sandbox folder");
        }
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_quotawatch"));
        cmd.arg("--data-dir");
        cmd.arg(sandbox.path().join("data"));
        sealed_env(&mut cmd, sandbox.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn quotawatch in the pty");
        // Only the child holds the slave side now, so the reader sees EOF once it exits.
        drop(pair.slave);

        let size = |n| NonZeroU16::new(n).expect("non-zero terminal size");
        let parser = vt100::Parser::new(size(ROWS), size(COLS), 0);
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
        Self { child, writer, output, reader: Some(reader), last_frame_end: 0, _master: pair.master, _sandbox: sandbox }
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// The screen as text plus the tail of the raw stream, for failure messages.
    fn dump(&self) -> String {
        let out = self.output();
        let tail_start = out.raw.len().saturating_sub(600);
        format!(
            "--- screen ({}x{}, alternate screen: {}, eof: {}) ---\n{}\n--- last {} raw bytes ---\n{}",
            COLS,
            ROWS,
            out.parser.screen().alternate_screen(),
            out.eof,
            out.parser.screen().contents(),
            out.raw.len() - tail_start,
            String::from_utf8_lossy(&out.raw[tail_start..]).escape_debug(),
        )
    }

    /// Polls until the screen shows every one of `needles`; panics with the screen if not.
    fn wait_for(&mut self, needles: &[&str], what: &str) {
        let start = Instant::now();
        loop {
            let (contents, seen) = {
                let out = self.output();
                (out.parser.screen().contents(), out.raw.len())
            };
            if needles.iter().all(|n| contents.contains(n)) {
                self.last_frame_end = seen;
                return;
            }
            let child_gone = self.output().eof;
            if child_gone || start.elapsed() > DEADLINE {
                let why = if child_gone { "the dashboard exited" } else { "deadline passed" };
                panic!("waiting for {what} ({needles:?}): {why} after {:?}\n{}", start.elapsed(), self.dump());
            }
            std::thread::sleep(POLL);
        }
    }

    fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("write keys to the pty");
        self.writer.flush().expect("flush keys to the pty");
    }

    /// Waits for the child to exit and for the reader to drain the PTY to EOF.
    fn wait_exit(&mut self, what: &str) -> ExitStatus {
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

    /// The terminal was handed back: the stream leaves the alternate screen after it last
    /// entered it and after the bytes of the last awaited frame, and the parser agrees it
    /// is back on the main screen.
    fn assert_terminal_restored(&self, what: &str) {
        let (entered, left) = {
            let out = self.output();
            (rfind(&out.raw, ENTER_ALT_SCREEN), rfind(&out.raw, LEAVE_ALT_SCREEN))
        };
        let frame_end = self.last_frame_end;
        let dump = || self.dump();
        let Some(entered) = entered else {
            panic!("{what}: the dashboard never entered the alternate screen\n{}", dump())
        };
        match left {
            Some(left) if left > entered && left >= frame_end => {}
            Some(left) => panic!(
                "{what}: alternate screen last left at byte {left}, but entered at {entered} and the last frame ends at {frame_end}\n{}",
                dump()
            ),
            None => panic!("{what}: the output never leaves the alternate screen (\\x1b[?1049l)\n{}", dump()),
        }
        assert!(
            !self.output().parser.screen().alternate_screen(),
            "{what}: vt100 still in the alternate screen after exit\n{}",
            dump()
        );
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        // A failed test must not leave a dashboard running.
        if let Ok(None) = self.child.try_wait() {
            if let Some(pid) = self.child.process_id() {
                let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
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

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn drill_down_to_holders_then_quit_restores_terminal() {
    let mut dash = Dashboard::start();
    dash.wait_for(&["270,000 t REO", "+5.9%"], "the overview's 2024 mining quota");

    dash.press(b"2");
    dash.wait_for(&["Smelting & separation", "stages · t REO"], "the Stages view");

    dash.press(b"\r");
    dash.wait_for(&["medium-heavy", "categories · t REO"], "the mining categories");

    // The first row, light, is selected on entry.
    dash.press(b"\r");
    dash.wait_for(&["China Northern Rare Earth Group"], "the light-category holders");

    dash.press(b"q");
    let status = dash.wait_exit("after q");
    assert!(status.success(), "q must exit with status 0, got {status}\n{}", dash.dump());
    dash.assert_terminal_restored("after q");
}

#[test]
fn sigterm_exits_and_restores_terminal() {
    let mut dash = Dashboard::start();
    dash.wait_for(&["270,000 t REO", "+5.9%"], "the overview's 2024 mining quota");

    let pid = dash.pid().to_string();
    let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
    assert!(sent.success(), "kill -TERM {pid} failed: {sent}");

    let status = dash.wait_exit("after SIGTERM");
    // Dying by the signal's default action would skip the terminal restore.
    assert!(status.signal().is_none(), "SIGTERM must be handled, not fatal: {status}\n{}", dash.dump());
    dash.assert_terminal_restored("after SIGTERM");
}
