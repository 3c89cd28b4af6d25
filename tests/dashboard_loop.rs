//! The dashboard's real event loop ([`Dashboard`]) on a TestBackend, with a history store:
//! messages are scripted into the loop's own channel (keys, source events, signals), and
//! the store is reopened afterwards to see what outlived the run.

#[path = "support/live.rs"]
mod live;

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quotawatch::app::{Dashboard, Msg, State};
use quotawatch::config::{self, Config, ConfigOrigin};
use quotawatch::ingest;
use quotawatch::sources::SourceEvent;
use quotawatch::store::Store;
use quotawatch::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// One HTTP source the tests speak for (polled hourly at a closed port: its pollers' first
/// attempt fails, which the loop logs and goes on).
fn config() -> Config {
    let text =
        "[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/feed.json\"\ninterval = \"1h\"\n";
    config::parse(text, ConfigOrigin::BuiltIn, Path::new(".")).expect("valid config")
}

/// The state and store as the binary starts them: bundled history, stored history, journal on.
fn start(data_dir: &Path, config: &Config) -> (State, Store) {
    let mut store = Store::open(data_dir).expect("store");
    let loaded = ingest::for_dashboard(config, true, Some(&mut store), Utc::now());
    (State::new(loaded, Utc::now()), store)
}

fn release(year: u16, batch: u8, tonnes: u32) -> Msg {
    let text = format!(
        "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"rare-earths\", \"year\": {year}, \
         \"batch\": {batch}, \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}]}}]}}"
    );
    let parsed =
        quotawatch::feed::parse("desk", quotawatch::feed::Format::Json, text.as_bytes(), 1 << 20).expect("valid");
    let at = Utc::now();
    Msg::Source(SourceEvent { source: "desk".into(), at, result: Ok(Some(parsed)), http: None, next_poll: at })
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The desk's stored figures for rare earths `year` batch `batch`, mining.
fn stored_mining(data_dir: &Path, year: u16, batch: u8) -> Vec<f64> {
    let store = Store::open(data_dir).expect("reopen");
    store
        .load()
        .expect("load")
        .versions
        .into_iter()
        .filter(|v| v.source == "desk" && v.announcement.key.year == year && v.announcement.key.batch == batch)
        .flat_map(|v| v.announcement.quotas.into_iter().map(|q| q.tonnes))
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).expect("terminal")
}

#[test]
fn a_release_arriving_with_the_quit_key_is_in_the_store_after_exit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config();
    let (state, store) = start(dir.path(), &config);
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        let tx = dashboard.sender();
        // Both wait in the channel: the loop takes them in one drain.
        tx.send(release(2026, 1, 140_000)).expect("send");
        tx.send(key('q')).expect("send");
        dashboard.run(&mut terminal(), |_| {}).await.expect("clean exit");
    });
    assert_eq!(stored_mining(dir.path(), 2026, 1), [140_000.0]);
}

#[test]
fn sigterm_in_the_middle_of_a_burst_loses_nothing_merged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config();
    let (state, store) = start(dir.path(), &config);
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        let tx = dashboard.sender();
        for batch in 1..=20 {
            tx.send(release(2030, batch, 1_000 * u32::from(batch))).expect("send");
        }
        tx.send(Msg::Signal).expect("send");
        for batch in 21..=30 {
            tx.send(release(2030, batch, 1_000 * u32::from(batch))).expect("send");
        }
        dashboard.run(&mut terminal(), |_| {}).await.expect("clean exit");
        assert_eq!(dashboard.unsaved(), 0);
    });
    for batch in 1..=30 {
        assert_eq!(stored_mining(dir.path(), 2030, batch), [1_000.0 * f64::from(batch)], "batch {batch}");
    }
}

#[test]
fn versions_a_busy_store_held_back_are_written_on_quit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config();
    let (state, store) = start(dir.path(), &config);
    // The dashboard's store waits a fifth of a second for a lock, not the default 5 s.
    drop(store);
    let store = Store::open_waiting(dir.path(), Duration::from_millis(200)).expect("store");
    let db = dir.path().join(quotawatch::store::FILE_NAME);
    // Another process holds the write lock while the release arrives.
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(db).expect("open");
        conn.execute_batch("BEGIN EXCLUSIVE").expect("lock");
        locked_tx.send(()).expect("signal");
        let _ = release_rx.recv_timeout(Duration::from_secs(60));
        conn.execute_batch("COMMIT").expect("unlock");
    });
    locked_rx.recv().expect("locked");
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        dashboard.handle(release(2026, 1, 140_000));
        assert_eq!(dashboard.unsaved(), 1, "the busy store kept it back");
        assert!(
            dashboard.state().log().iter().any(|e| e.text.contains("will retry with the next change")),
            "the failure is logged"
        );
        release_tx.send(()).expect("release");
        dashboard.sender().send(key('q')).expect("send");
        dashboard.run(&mut terminal(), |_| {}).await.expect("flushed on the way out");
        assert_eq!(dashboard.unsaved(), 0);
    });
    holder.join().expect("lock holder");
    assert_eq!(stored_mining(dir.path(), 2026, 1), [140_000.0]);
}

#[test]
fn the_loop_draws_what_the_view_layer_built_and_redraws_on_news() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config();
    let (state, store) = start(dir.path(), &config);
    let mut terminal = terminal();
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        dashboard.draw(&mut terminal).expect("draw");
        let text = live::screen_text;
        assert!(text(&terminal).contains("270,000 t REO"), "{}", text(&terminal));
        // The source's first document is its history; the next one's release is news.
        dashboard.handle(release(2024, 1, 135_000));
        assert!(!text(&terminal).contains("ALERT"));
        dashboard.handle(release(2026, 1, 140_000));
        dashboard.draw(&mut terminal).expect("draw");
        let screen = text(&terminal);
        assert!(screen.contains("ALERT"), "{screen}");
        assert!(screen.contains("140,000 t REO"), "{screen}");
    });
}

#[test]
fn a_release_mid_run_raises_an_alert_that_carries_the_surprise_against_a_configured_expectation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/feed.json\"\ninterval = \"1h\"\n\
                [[expectations]]\ncommodity = \"rare-earths\"\nyear = 2026\nbatch = 1\nstage = \"mining\"\n\
                low = 130000\nhigh = 138000\nwho = \"our desk\"\npublished = 2026-01-10\n";
    let config = config::parse(text, ConfigOrigin::BuiltIn, Path::new(".")).expect("valid config");
    let (state, store) = start(dir.path(), &config);
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        // The source's first document is its history; the release after it is news.
        dashboard.handle(release(2024, 1, 135_000));
        // 2025's batch 1 was withheld, so there is no growth; the desk expected 130,000 to
        // 138,000 (midpoint 134,000): 140,000 is above, +4.5% vs the midpoint.
        dashboard.handle(release(2026, 1, 140_000));
        let banner = dashboard.state().banner().expect("an alert").to_owned();
        assert_eq!(banner, "rare-earths 2026 batch 1: mining 140,000 t REO · above consensus (+4.5% vs midpoint)");
    });
}

#[test]
fn a_2025_first_batch_is_scored_against_the_bundled_flat_to_five_percent_on_the_year_to_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config();
    let (state, store) = start(dir.path(), &config);
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        dashboard.handle(release(2024, 1, 135_000));
        dashboard.handle(release(2025, 1, 140_000));
        let banner = dashboard.state().banner().expect("an alert").to_owned();
        assert!(banner.ends_with("140,000 t REO, +3.7% vs batch 1 2024 · within consensus"), "{banner}");
    });
}

fn click(column: u16, row: u16) -> Msg {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    Msg::Mouse(MouseEvent { kind: MouseEventKind::Down(MouseButton::Left), column, row, modifiers: KeyModifiers::NONE })
}

fn wheel_down(column: u16, row: u16) -> Msg {
    use crossterm::event::{MouseEvent, MouseEventKind};
    Msg::Mouse(MouseEvent { kind: MouseEventKind::ScrollDown, column, row, modifiers: KeyModifiers::NONE })
}

/// Where `needle` is drawn on the test terminal: (column, line).
fn find(terminal: &Terminal<TestBackend>, needle: &str) -> (u16, u16) {
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(at) = line.find(needle) {
            let column = line[..at].chars().count();
            return (u16::try_from(column).expect("column"), y);
        }
    }
    panic!("{needle:?} is not on screen");
}

#[test]
fn clicks_switch_tabs_select_rows_and_a_double_click_drills_in() {
    use quotawatch::app::nav::{Level, View};
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config();
    let (state, store) = start(dir.path(), &config);
    let mut terminal = terminal();
    runtime().block_on(async {
        let mut dashboard = Dashboard::start(state, &config, Some(store), &Theme::MONO);
        dashboard.draw(&mut terminal).expect("draw");
        // The Stages tab.
        let (x, y) = find(&terminal, "2 Stages");
        dashboard.handle(click(x + 1, y));
        assert_eq!(dashboard.state().view(), View::Stages);
        // The wheel moves the selection down and back.
        dashboard.handle(wheel_down(10, 10));
        assert_eq!(dashboard.state().level().selected(), 1);
        dashboard.handle(Msg::Mouse(crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::ScrollUp,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        }));
        assert_eq!(dashboard.state().level().selected(), 0);
        dashboard.draw(&mut terminal).expect("draw");
        // A click on the smelting row selects it; a second click on it drills in.
        let (x, y) = find(&terminal, "Smelting & separation");
        dashboard.handle(click(x, y));
        assert_eq!(dashboard.state().level().selected(), 1);
        dashboard.draw(&mut terminal).expect("draw");
        dashboard.handle(click(x, y));
        assert!(
            matches!(
                dashboard.state().level(),
                Level::Categories { stage: quotawatch::model::Stage::SmeltingSeparation, .. }
            ),
            "{:?}",
            dashboard.state().level()
        );
        // The Log tab; then a click on nothing changes nothing.
        dashboard.draw(&mut terminal).expect("draw");
        let (x, y) = find(&terminal, "5 Log");
        dashboard.handle(click(x, y));
        assert_eq!(dashboard.state().view(), View::Log);
        dashboard.handle(click(0, 39));
        assert_eq!(dashboard.state().view(), View::Log);
    });
}
