//! A large stored history replayed after the first frame (src/app/replay.rs) gives the
//! dashboard the same ledger, figures, log and screen as a start that replays it before the
//! first frame; a document that arrives while it replays is held and merged after it, as it
//! would have been merged at a normal start. At scale: a generated feed of 60,000 rows
//! (examples/support/feedgen.rs, the benchmarks' generator) written to a real store.

#[path = "../examples/support/feedgen.rs"]
#[allow(dead_code, reason = "the JSON writer is not used here")]
mod feedgen;

#[path = "support/live.rs"]
mod live;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use quotawatch::app::{Dashboard, LOADING_BANNER, Msg, State, update};
use quotawatch::config::{self, Config, ConfigOrigin};
use quotawatch::feed::{self, Format, ParsedFeed};
use quotawatch::ingest;
use quotawatch::model::{AnnouncementKey, Commodity};
use quotawatch::sources::SourceEvent;
use quotawatch::store::Store;
use quotawatch::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use live::{run_until, screen_text};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_000_000, 0).expect("a valid time")
}

/// A data dir whose store holds a generated 60,000-row feed, merged over the bundled history
/// by a headless run (as `report` fills it).
fn filled_store(dir: &Path) -> PathBuf {
    let shape = feedgen::Shape { rows: 60_000, commodities: 3, seed: 11, years: 25 };
    let mut csv = Vec::new();
    feedgen::write_csv(&mut csv, &feedgen::plan(&shape).expect("a valid shape")).expect("written to memory");
    std::fs::write(dir.join("generated.csv"), csv).expect("write the feed");
    let text = "[[sources]]\nname = \"generated\"\nkind = \"file\"\npath = \"generated.csv\"\n";
    let config = config::parse(text, ConfigOrigin::BuiltIn, dir).expect("valid config");
    let data = dir.join("data");
    let mut store = Store::open(&data).expect("open the store");
    let loaded = ingest::for_headless(&config, true, true, Some(&mut store), now());
    assert_eq!(loaded.failures().count(), 0, "{:?}", loaded.failures().collect::<Vec<_>>());
    assert!(loaded.store_errors.is_empty(), "{:?}", loaded.store_errors);
    assert!(store.count().expect("count") > 50, "the feed's versions are stored");
    data
}

/// The dashboard's config: a desk file source, disabled (no poller), whose documents the tests send.
fn desk_config(dir: &Path) -> Config {
    let text = "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"desk.json\"\nenabled = false\n";
    config::parse(text, ConfigOrigin::BuiltIn, dir).expect("valid config")
}

/// The start that replays the store before the first frame.
fn full_start(config: &Config, data: &Path) -> State {
    let mut store = Store::open(data).expect("open the store");
    let loaded = ingest::for_dashboard(config, true, Some(&mut store), now());
    assert!(loaded.from_store > 50);
    State::new(loaded, now())
}

/// The first frame of the start that replays the store after it.
fn first_frame(config: &Config, data: &Path) -> State {
    let store = Store::open(data).expect("open the store");
    assert!(store.packed_bytes().expect("packed bytes") > 100_000, "60,000 rows pack to about 400 kB");
    State::new(ingest::dashboard_first_frame(config, true, Some(&store), now()), now())
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(160, 48)).expect("terminal")
}

/// What must be the same after either start: the ledger's versions, the figures, the
/// selection and the log (as a multiset: the notes of the bundled history come first in one).
fn assert_same(replayed: &State, full: &State) {
    let versions = |s: &State| -> Vec<String> {
        s.ledger()
            .entries()
            .flat_map(|(key, entry)| {
                entry.versions().iter().enumerate().map(move |(i, v)| {
                    format!(
                        "{key} #{i} {} {} {:?} current={} {:?}",
                        v.origin.source,
                        v.first_seen,
                        v.standing,
                        entry.is_current(i),
                        v.announcement
                    )
                })
            })
            .collect()
    };
    assert_eq!(versions(replayed), versions(full));
    assert_eq!(replayed.derived(), full.derived());
    assert_eq!(replayed.commodities(), full.commodities());
    assert_eq!(replayed.commodity(), full.commodity());
    assert_eq!(replayed.year(), full.year());
    let log = |s: &State| {
        let mut texts: Vec<String> = s.log().iter().map(|e| e.text.clone()).collect();
        texts.sort();
        texts
    };
    assert_eq!(log(replayed), log(full));
    assert_eq!(replayed.banner(), full.banner());
}

#[tokio::test]
async fn the_history_replayed_after_the_first_frame_shows_what_a_full_start_shows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = filled_store(dir.path());
    let config = desk_config(dir.path());
    let full = full_start(&config, &data);

    let state = first_frame(&config, &data).replay_in_background(&config, true, data.clone(), now());
    assert!(state.loading_history());
    assert_eq!(state.banner(), Some(LOADING_BANNER));
    let mut dashboard = Dashboard::start(state, &config, None, &Theme::MONO);
    let mut shown = terminal();
    run_until(&mut dashboard, &mut shown, |s| !s.loading_history()).await;
    dashboard.draw(&mut shown).expect("draw");
    assert_same(dashboard.state(), &full);

    let mut expected = terminal();
    let mut reference = Dashboard::start(full, &config, None, &Theme::MONO);
    reference.draw(&mut expected).expect("draw");
    // The same frame but for what follows the clock: the running loop's ticks moved `now` to
    // the wall clock (the next releases, the log's times); the state above was compared whole.
    let figures = |terminal: &Terminal<TestBackend>| -> Vec<String> {
        let text = screen_text(terminal);
        text.lines()
            .filter(|line| !line.starts_with(" next:") && !line.get(4..7).is_some_and(|t| t.ends_with(':')))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(figures(&shown), figures(&expected));
    assert!(figures(&shown).iter().any(|line| line.contains("738,074")), "the stored figures are drawn");
    assert!(!screen_text(&shown).contains("loading stored history"));
}

#[tokio::test]
async fn a_document_arriving_during_the_replay_is_merged_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = filled_store(dir.path());
    let config = desk_config(dir.path());
    let document = br#"{"format": "quota-feed/1", "announcements": [
        {"commodity": "rare-earths", "year": 2031, "batch": 1, "published": "2031-02-01",
         "quotas": [{"stage": "mining", "tonnes": 150000}]}]}"#;
    let event = || {
        let parsed: ParsedFeed = feed::parse("desk", Format::Json, document, usize::MAX).expect("a valid document");
        Msg::Source(SourceEvent {
            source: "desk".into(),
            at: now(),
            result: Ok(Some(parsed)),
            http: None,
            next_poll: now(),
        })
    };
    let key = AnnouncementKey { commodity: Commodity::parse("rare-earths").expect("slug"), year: 2031, batch: 1 };

    let (tx, rx) = tokio::sync::oneshot::channel();
    let state = first_frame(&config, &data).awaiting_history(rx);
    let mut dashboard = Dashboard::start(state, &config, None, &Theme::MONO);
    dashboard.handle(event());
    assert!(dashboard.state().ledger().entry(&key).is_none(), "held until the stored history is in");
    assert!(dashboard.state().loading_history());

    tx.send(ingest::replay_stored(&config, true, &data, now())).expect("the loop waits for it");
    let mut shown = terminal();
    run_until(&mut dashboard, &mut shown, |s| !s.loading_history()).await;
    assert!(dashboard.state().ledger().entry(&key).is_some(), "merged after the stored history");

    let mut full = full_start(&config, &data);
    let _ = update(&mut full, event());
    assert_same(dashboard.state(), &full);
}

/// A dashboard on `data` with the file source of `dir`, run until its first check of the
/// file is merged (or found as stored).
async fn start_on_file(dir: &Path, data: &Path) -> Dashboard {
    let text = "[[sources]]\nname = \"generated\"\nkind = \"file\"\npath = \"generated.csv\"\ninterval = \"1h\"\n";
    let config = config::parse(text, ConfigOrigin::BuiltIn, dir).expect("valid config");
    let mut store = Store::open(data).expect("open the store");
    let state = State::new(ingest::for_dashboard(&config, false, Some(&mut store), now()), now());
    let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
    let mut shown = terminal();
    run_until(&mut dashboard, &mut shown, |s| s.source("generated").is_some_and(|v| v.last_success.is_some())).await;
    dashboard
}

fn write_feed(dir: &Path, rows: u64) -> Vec<u8> {
    let shape = feedgen::Shape { rows, commodities: 2, seed: 5, years: 10 };
    let mut csv = Vec::new();
    feedgen::write_csv(&mut csv, &feedgen::plan(&shape).expect("a valid shape")).expect("written to memory");
    std::fs::write(dir.join("generated.csv"), &csv).expect("write the feed");
    csv
}

#[tokio::test]
async fn a_file_the_dashboard_merged_is_not_parsed_again_at_the_next_start_until_it_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let bytes = write_feed(dir.path(), 3_000);
    let parsed_line = |d: &Dashboard| {
        d.state().log().iter().any(|e| e.text.starts_with("generated: ") && e.text.contains("announcements"))
    };

    let first = start_on_file(dir.path(), &data).await;
    assert!(parsed_line(&first), "the first start parses and merges the file");
    let held = first.state().ledger().entries().count();
    assert!(held > 10);
    drop(first);
    let documents = Store::open(&data).expect("open the store").documents();
    let fingerprint = quotawatch::store::document_fingerprint(Format::Csv, &bytes);
    assert_eq!(documents.get("generated").map(|(f, _)| *f), Some(fingerprint), "the document is on record");

    let second = start_on_file(dir.path(), &data).await;
    assert!(!parsed_line(&second), "the unchanged file was not parsed: {:?}", second.state().log());
    assert_eq!(second.state().ledger().entries().count(), held, "its figures come from the store");
    drop(second);

    write_feed(dir.path(), 3_500);
    let third = start_on_file(dir.path(), &data).await;
    assert!(parsed_line(&third), "a changed file is parsed");
}
