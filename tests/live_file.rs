//! Live file sources: the poller reports a changed file, a half-written file is retried
//! without losing earlier data, and the dashboard state merges what arrives and raises an
//! alert with the growth already computed. Waits are on events with deadlines, never sleeps
//! that hope for the best.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use quotawatch::app::state::{LogKind, SourceState};
use quotawatch::app::{Msg, State, update};
use quotawatch::config::{self, ConfigOrigin};
use quotawatch::sources::{SourceEvent, load_once, spawn_pollers};
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(10);

fn feed(announcements: &str) -> String {
    format!("{{\"format\": \"quota-feed/1\", \"announcements\": [{announcements}]}}")
}

fn mining(year: u16, batch: u8, revision: u32, tonnes: u32) -> String {
    format!(
        "{{\"commodity\": \"rare-earths\", \"year\": {year}, \"batch\": {batch}, \"revision\": {revision}, \
         \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}]}}"
    )
}

fn desk_config(dir: &Path) -> config::Config {
    let text = "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"desk.json\"\ninterval = \"1s\"\n";
    config::parse(text, ConfigOrigin::BuiltIn, dir).expect("valid config")
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<SourceEvent>) -> SourceEvent {
    tokio::time::timeout(DEADLINE, rx.recv()).await.expect("an event before the deadline").expect("poller alive")
}

/// Rewrites the file so its stamp (length or mtime) surely changes.
fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write feed");
}

#[tokio::test]
async fn the_poller_reports_changes_and_retries_a_broken_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("desk.json");
    write(&path, &feed(&mining(2024, 1, 0, 135_000)));
    let config = desk_config(dir.path());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());

    let first = next_event(&mut rx).await;
    assert_eq!(first.source, "desk");
    assert_eq!(first.result.expect("read").expect("parsed").announcements.len(), 1);

    // Half-written: the failure is reported once, then the complete file is picked up.
    write(&path, "{\"format\": \"quota-feed/1\", \"announcem");
    let broken = next_event(&mut rx).await;
    let error = broken.result.expect_err("truncated JSON is rejected").to_string();
    assert!(error.contains("not valid JSON"), "{error}");

    write(&path, &feed(&format!("{},{}", mining(2024, 1, 0, 135_000), mining(2024, 2, 0, 135_000))));
    let fixed = next_event(&mut rx).await;
    assert_eq!(fixed.result.expect("read").expect("parsed").announcements.len(), 2);

    // Nothing changes: no news within two intervals.
    assert!(tokio::time::timeout(Duration::from_millis(2_500), rx.recv()).await.is_err(), "an unchanged file is quiet");
    drop(pollers);
}

#[test]
fn arriving_figures_update_the_state_and_raise_an_alert() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("desk.json"), &feed(""));
    let config = desk_config(dir.path());
    let mut state = State::new(load_once(&config, true, Utc::now()), Utc::now());
    assert!(state.banner.is_none(), "history loaded at start-up raises no alert");

    // MIIT's withheld 2025 batch 1 becomes public as a revision of the bundled entry.
    let parsed = quotawatch::feed::parse(
        "desk",
        quotawatch::feed::Format::Json,
        feed(&format!("{},{}", mining(2025, 1, 1, 140_000), mining(2026, 1, 0, 147_000))).as_bytes(),
        1 << 20,
    )
    .expect("valid feed");
    let at = Utc::now();
    let event = SourceEvent { source: "desk".into(), at, result: Ok(Some(parsed)), http: None, next_poll: at };
    update(&mut state, Msg::Source(event));

    let banner = state.banner.clone().expect("an alert");
    assert_eq!(banner, "rare-earths 2026 batch 1: mining 147,000 t REO, +5.0% vs batch 1 2025");
    let logged: Vec<_> = state.log.iter().filter(|e| matches!(e.kind, LogKind::New | LogKind::Revision)).collect();
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].text, "revised: rare-earths 2025 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2024");
    assert_eq!(state.year, Some(2024), "the selected year is kept");
    assert!(state.derived.years.contains(&2026));
    let desk = state.sources.iter().find(|s| s.name == "desk").expect("desk source");
    assert_eq!((desk.state, desk.accepted), (SourceState::Ok, 2));

    // A failure afterwards is shown and counted, and keeps everything accepted.
    let failure = quotawatch::sources::read_file("desk", &dir.path().join("missing.json"), None, 1 << 20)
        .expect_err("missing file");
    let event = SourceEvent { source: "desk".into(), at, result: Err(failure), http: None, next_poll: at };
    update(&mut state, Msg::Source(event));
    let desk = state.sources.iter().find(|s| s.name == "desk").expect("desk source");
    assert_eq!(desk.state, SourceState::Failing);
    assert!(desk.last_error.as_ref().is_some_and(|(_, text)| text.contains("missing.json")));
    assert!(state.derived.years.contains(&2026), "nothing accepted earlier is lost");

    // Esc dismisses the alert.
    update(&mut state, Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Esc)));
    assert!(state.banner.is_none());
}
