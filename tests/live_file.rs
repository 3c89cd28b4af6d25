//! Live file sources: the poller reports a changed file, a half-written file is retried
//! without losing earlier data, and the dashboard state merges what arrives and raises an
//! alert with the growth already computed. Waits are on events with deadlines, never sleeps
//! that hope for the best.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use quotawatch::app::log::LogKind;
use quotawatch::app::source_view::SourceState;
use quotawatch::app::{Msg, State, update};
use quotawatch::config::{self, ConfigOrigin};
use quotawatch::ingest::load_once;
use quotawatch::sources::{Poller, SourceEvent, spawn_pollers};
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

/// The next event that is news (a document or a failure), skipping "checked, unchanged".
async fn next_news(rx: &mut mpsc::UnboundedReceiver<SourceEvent>) -> SourceEvent {
    loop {
        let event = next_event(rx).await;
        if !matches!(event.result, Ok(None)) {
            return event;
        }
    }
}

fn config_with_interval(dir: &Path, interval: &str) -> config::Config {
    let text =
        format!("[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"desk.json\"\ninterval = \"{interval}\"\n");
    config::parse(&text, ConfigOrigin::BuiltIn, dir).expect("valid config")
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

    let first = next_news(&mut rx).await;
    assert_eq!(first.source, "desk");
    assert_eq!(first.result.expect("read").expect("parsed").announcements.len(), 1);

    // Half-written: the failure is reported once, then the complete file is picked up.
    write(&path, "{\"format\": \"quota-feed/1\", \"announcem");
    let broken = next_news(&mut rx).await;
    let error = broken.result.expect_err("truncated JSON is rejected").to_string();
    assert!(error.contains("not valid JSON"), "{error}");

    write(&path, &feed(&format!("{},{}", mining(2024, 1, 0, 135_000), mining(2024, 2, 0, 135_000))));
    let fixed = next_news(&mut rx).await;
    assert_eq!(fixed.result.expect("read").expect("parsed").announcements.len(), 2);

    // Nothing changes: each check says so (the source is alive), and nothing is read again.
    for _ in 0..2 {
        let checked = next_event(&mut rx).await;
        assert!(matches!(checked.result, Ok(None)), "an unchanged file is checked, not re-read: {checked:?}");
    }
    drop(pollers);
}

/// A file source with one announcement, checked only hourly by the interval (so only the
/// watch or a refresh reads it sooner), its poller started and its first read done.
async fn watched(dir: &Path) -> (std::path::PathBuf, Vec<Poller>, mpsc::UnboundedReceiver<SourceEvent>) {
    let path = dir.join("desk.json");
    write(&path, &feed(&mining(2024, 1, 0, 135_000)));
    let config = config_with_interval(dir, "1h");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let first = next_news(&mut rx).await;
    assert_eq!(first.result.expect("read").expect("parsed").announcements.len(), 1);
    (path, pollers, rx)
}

#[tokio::test]
async fn the_file_watch_reads_a_replaced_file_long_before_the_interval() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, pollers, mut rx) = watched(dir.path()).await;

    // Replaced atomically, as careful writers do: written aside, then renamed over it.
    let aside = dir.path().join(".desk.json.tmp");
    write(&aside, &feed(&format!("{},{}", mining(2024, 1, 0, 135_000), mining(2024, 2, 0, 135_000))));
    std::fs::rename(&aside, &path).expect("rename into place");
    let replaced = next_news(&mut rx).await;
    assert_eq!(replaced.result.expect("read").expect("parsed").announcements.len(), 2);

    // Written in place, in two pieces: the poller waits for the writer to settle.
    let text =
        feed(&format!("{},{},{}", mining(2024, 1, 0, 135_000), mining(2024, 2, 0, 135_000), mining(2025, 1, 0, 1)));
    let (head, tail) = text.split_at(text.len() / 2);
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&path).expect("open for writing");
        file.write_all(head.as_bytes()).expect("first half");
        file.flush().expect("flush");
        file.write_all(tail.as_bytes()).expect("second half");
    }
    let rewritten = next_news(&mut rx).await;
    assert_eq!(rewritten.result.expect("read").expect("parsed").announcements.len(), 3);
    drop(pollers);
}

#[tokio::test]
async fn refresh_rereads_a_file_now() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, pollers, mut rx) = watched(dir.path()).await;

    quotawatch::sources::refresh(&pollers, Some("desk"));
    let again = next_event(&mut rx).await;
    assert_eq!(again.result.expect("read").expect("re-read on refresh").announcements.len(), 1);
    quotawatch::sources::refresh(&pollers, Some("another source"));
    assert!(tokio::time::timeout(Duration::from_millis(300), rx.recv()).await.is_err(), "only the named source polls");
    drop(pollers);
}

#[test]
fn arriving_figures_update_the_state_and_raise_an_alert() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(&dir.path().join("desk.json"), &feed(""));
    let config = desk_config(dir.path());
    let mut state = State::new(load_once(&config, true, Utc::now()), Utc::now());
    assert!(state.banner().is_none(), "history loaded at start-up raises no alert");

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
    let _ = update(&mut state, Msg::Source(event));

    let banner = state.banner().map(str::to_owned).expect("an alert");
    assert_eq!(banner, "rare-earths 2026 batch 1: mining 147,000 t REO, +5.0% vs batch 1 2025");
    let logged: Vec<_> = state.log().iter().filter(|e| matches!(e.kind, LogKind::New | LogKind::Revision)).collect();
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].text, "revised: rare-earths 2025 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2024");
    assert_eq!(state.year(), Some(2026), "a trader on the latest year follows the new one");
    assert!(state.derived().years.contains(&2026));
    let desk = state.sources().iter().find(|s| s.name == "desk").expect("desk source");
    assert_eq!((desk.state, desk.accepted), (SourceState::Ok, 2));

    // A failure afterwards is shown and counted, and keeps everything accepted.
    let failure = quotawatch::sources::read_file("desk", &dir.path().join("missing.json"), None, 1 << 20)
        .expect_err("missing file");
    let event = SourceEvent { source: "desk".into(), at, result: Err(failure), http: None, next_poll: at };
    let _ = update(&mut state, Msg::Source(event));
    let desk = state.sources().iter().find(|s| s.name == "desk").expect("desk source");
    assert_eq!(desk.state, SourceState::Failing);
    assert!(desk.last_error.as_ref().is_some_and(|(_, text)| text.contains("missing.json")));
    assert!(state.derived().years.contains(&2026), "nothing accepted earlier is lost");

    // Esc dismisses the alert.
    let _ = update(&mut state, Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Esc)));
    assert!(state.banner().is_none());
}
