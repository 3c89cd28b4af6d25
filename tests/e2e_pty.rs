//! The real `quotawatch` dashboard in a real pseudo-terminal (120x40): start-up screen,
//! drilling from stages to categories to holders, quitting with `q` and with SIGTERM, and
//! the terminal being handed back (alternate screen left) on both ways out.
//!
//! Each run is sealed off from the user's setup: `--data-dir`, `HOME` and `XDG_*` point
//! into a temp dir, the environment is otherwise cleared (PATH and TERM only), and the
//! temp dir is the cwd. Every wait polls against a deadline; a failure prints the screen
//! as the vt100 parser sees it and the tail of the raw output. The harness
//! (`tests/support/pty.rs`) is shared with the hostile-source PTY tests.

#[path = "support/pty.rs"]
mod pty;

use pty::{Dashboard, Options};

#[test]
fn drill_down_to_holders_then_quit_restores_terminal() {
    let mut dash = Dashboard::start(Options::default());
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

    // Every line of the log view reaches the log file once (the timestamps aside).
    let log = dash.log_file();
    let messages: Vec<&str> = log.lines().filter_map(|l| l.split_once(" INFO ").map(|(_, m)| m)).collect();
    assert!(messages.iter().any(|m| m.starts_with("loaded bundled: ")), "{log}");
    let mut seen = std::collections::HashSet::new();
    let twice: Vec<&&str> = messages.iter().filter(|m| !seen.insert(**m)).collect();
    assert!(twice.is_empty(), "logged twice: {twice:?}\n{log}");
}

#[test]
fn sigterm_exits_and_restores_terminal() {
    let mut dash = Dashboard::start(Options::default());
    dash.wait_for(&["270,000 t REO", "+5.9%"], "the overview's 2024 mining quota");

    let pid = dash.pid().to_string();
    let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
    assert!(sent.success(), "kill -TERM {pid} failed: {sent}");

    let status = dash.wait_exit("after SIGTERM");
    // Dying by the signal's default action would skip the terminal restore.
    assert!(status.signal().is_none(), "SIGTERM must be handled, not fatal: {status}\n{}", dash.dump());
    dash.assert_terminal_restored("after SIGTERM");
}
