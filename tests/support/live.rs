//! The dashboard's real loop on a test terminal, for tests against live sources: start it
//! as the binary does, run it until a condition holds (with a deadline), and wait for an
//! alert command's output file.
#![allow(dead_code, reason = "each test file uses its own part of the support")]

use std::time::Duration;

use chrono::Utc;
use quotawatch::app::{Dashboard, State};
use quotawatch::config::Config;
use quotawatch::ingest::for_dashboard;
use quotawatch::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub const DEADLINE: Duration = Duration::from_secs(10);

/// The dashboard as the binary starts it (no bundled history, no store), on a 120x40 terminal.
pub fn dashboard(config: &Config) -> (Dashboard, Terminal<TestBackend>) {
    let state = State::new(for_dashboard(config, false, None, Utc::now()), Utc::now());
    let terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    (Dashboard::start(state, config, None, &Theme::MONO), terminal)
}

/// Runs the loop until `done` holds (or panics at the deadline).
pub async fn run_until(dashboard: &mut Dashboard, terminal: &mut Terminal<TestBackend>, done: impl Fn(&State) -> bool) {
    tokio::time::timeout(DEADLINE, dashboard.run_until(terminal, done, |_| {}))
        .await
        .expect("condition met before the deadline")
        .expect("the loop ran");
}

/// What the terminal shows.
pub fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Waits (with a deadline) until `path` holds `lines` lines, and returns them.
pub async fn lines_of(path: &std::path::Path, lines: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let found: Vec<String> = text.lines().map(str::to_owned).collect();
        if found.len() >= lines || std::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
