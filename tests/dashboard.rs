//! Whole-app tests of the dashboard: key presses go through the same `update` the real
//! event loop uses; state is asserted directly, and every view is snapshot at 120x40 and
//! 80x24 through ratatui's TestBackend. The clock is fixed, so no text is volatile.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quotawatch::app::action::{Action, BINDINGS, action_for};
use quotawatch::app::state::{Level, View};
use quotawatch::app::tables::current_table;
use quotawatch::app::{Msg, State, update};
use quotawatch::ledger::Origin;
use quotawatch::model::{Announcement, AnnouncementKey, Commodity, QuotaRow, Stage, Status};
use quotawatch::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 9, 30, 0).single().expect("valid time")
}

fn state() -> State {
    let config = quotawatch::config::load(None).expect("built-in config");
    State::new(quotawatch::sources::load_once(&config, true, fixed_now()), fixed_now())
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(state: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '<' => KeyCode::Left,
            '>' => KeyCode::Right,
            'v' => KeyCode::Down,
            '^' => KeyCode::Up,
            other => KeyCode::Char(other),
        };
        update(state, key(code));
    }
}

fn screen(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| ui::render(frame, state, &Theme::COLOR)).expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot_both(name: &str, keys: &str) {
    let mut state = state();
    press(&mut state, keys);
    insta::assert_snapshot!(format!("{name}_120x40"), screen(&state, 120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), screen(&state, 80, 24));
}

#[test]
fn snapshot_overview() {
    snapshot_both("overview", "");
}

#[test]
fn snapshot_overview_smelting() {
    snapshot_both("overview_smelting", "s");
}

#[test]
fn snapshot_stages() {
    snapshot_both("stages", "2");
}

#[test]
fn snapshot_categories() {
    snapshot_both("categories", "2\n");
}

#[test]
fn snapshot_holders() {
    snapshot_both("holders", "2\n\n");
}

#[test]
fn snapshot_holder_history() {
    snapshot_both("holder_history", "2\n\n\n");
}

#[test]
fn snapshot_producers() {
    snapshot_both("producers", "3");
}

#[test]
fn snapshot_sources() {
    snapshot_both("sources", "4");
}

#[test]
fn snapshot_log() {
    snapshot_both("log", "5");
}

#[test]
fn snapshot_help() {
    snapshot_both("help", "?");
}

#[test]
fn overview_shows_the_check_figures() {
    let text = screen(&state(), 160, 48);
    assert!(text.contains("270,000 t REO  +5.9%"), "{text}");
    assert!(text.contains("254,000 t REO  +4.2%"), "{text}");
    assert!(text.contains("full year vs 2023 (255,000 t REO)"), "{text}");
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let state = state();
    for (w, h) in [(1, 1), (2, 2), (10, 3), (39, 9), (40, 10), (80, 24), (300, 100)] {
        let text = screen(&state, w, h);
        if w < ui::MIN_WIDTH || h < ui::MIN_HEIGHT {
            assert!(
                text.replace('\n', "").starts_with(&"terminal too small"[..usize::from(w.min(8))]),
                "{w}x{h}: {text}"
            );
        }
    }
    let mut state = state;
    for keys in ["2\n\n\n", "3", "4\n", "5", "?"] {
        press(&mut state, keys);
        for (w, h) in [(1, 1), (40, 10), (45, 12)] {
            screen(&state, w, h);
        }
        press(&mut state, "\x1b\x1b\x1b");
    }
}

#[test]
fn drill_down_stack_and_back() {
    let mut s = state();
    press(&mut s, "2");
    assert_eq!(s.view, View::Stages);
    press(&mut s, "\n");
    assert!(matches!(s.level(), Level::Categories { stage: Stage::Mining, .. }));
    press(&mut s, "\n");
    assert!(matches!(s.level(), Level::Holders { category, .. } if category == "light"));
    press(&mut s, "\n");
    match s.level() {
        Level::History { holder, points, .. } => {
            assert_eq!(holder, "China Northern Rare Earth Group");
            assert!(points.iter().any(|p| p.year == 2024 && p.batch == 1 && p.tonnes.is_some()));
        }
        other => panic!("expected the holder history, got {other:?}"),
    }
    assert_eq!(s.drill.len(), 4);
    press(&mut s, "\x1b");
    assert_eq!(s.drill.len(), 3);
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.drill.len(), 2);
    press(&mut s, "\x1b\x1b\x1b");
    assert_eq!(s.drill.len(), 1, "the top level stays");
}

#[test]
fn selection_is_kept_per_level_and_clamped() {
    let mut s = state();
    press(&mut s, "2vvv");
    assert_eq!(s.level().selected(), 1, "two stages: clamped to the last");
    press(&mut s, "\n");
    assert!(matches!(s.level(), Level::Categories { stage: Stage::SmeltingSeparation, .. }));
    press(&mut s, "\x1b");
    assert_eq!(s.level().selected(), 1, "going back restores the selection");
    press(&mut s, "^^");
    assert_eq!(s.level().selected(), 0);
}

#[test]
fn year_moves_within_the_years_present() {
    let mut s = state();
    assert_eq!(s.year, Some(2024), "starts on the latest year with published figures");
    press(&mut s, "<");
    assert_eq!(s.year, Some(2023));
    press(&mut s, ">>>>");
    assert_eq!(s.year, Some(2025));
    press(&mut s, "h");
    assert_eq!(s.year, Some(2024));
    let first = s.derived.years[0];
    press(&mut s, &"<".repeat(40));
    assert_eq!(s.year, Some(first));
}

#[test]
fn commodity_and_stage_switch() {
    let config = quotawatch::config::load(None).expect("built-in config");
    let mut loaded = quotawatch::sources::load_once(&config, true, fixed_now());
    let tungsten = Announcement {
        key: AnnouncementKey { commodity: Commodity::parse("tungsten").expect("slug"), year: 2024, batch: 1 },
        published: None,
        status: Status::Published,
        title: None,
        url: None,
        revision: 0,
        id: None,
        tier: quotawatch::model::Tier::Official,
        cumulative: false,
        citations: Vec::new(),
        quotas: vec![QuotaRow { stage: Stage::Mining, category: "total".into(), holder: "*".into(), tonnes: 62_000.0 }],
    };
    loaded.ledger.merge(&Origin { source: "desk".into(), rank: 0 }, tungsten, fixed_now());
    let mut s = State::new(loaded, fixed_now());
    assert_eq!(s.current_commodity().map(Commodity::as_str), Some("rare-earths"));
    press(&mut s, "2\n]");
    assert_eq!(s.current_commodity().map(Commodity::as_str), Some("tungsten"));
    assert_eq!(s.year, Some(2024));
    assert_eq!(s.drill.len(), 1, "changing commodity resets the drill-down");
    // A commodity that sorts first arrives while tungsten is selected: the view stays on tungsten.
    let antimony = Announcement {
        key: AnnouncementKey { commodity: Commodity::parse("antimony").expect("slug"), year: 2024, batch: 0 },
        ..s.ledger.current().find(|a| a.key.commodity.as_str() == "tungsten").expect("tungsten").clone()
    };
    s.ledger.merge(&Origin { source: "desk".into(), rank: 0 }, antimony, fixed_now());
    s.refresh();
    assert_eq!(s.current_commodity().map(Commodity::as_str), Some("tungsten"));
    press(&mut s, "[");
    assert_eq!(s.current_commodity().map(Commodity::as_str), Some("rare-earths"));
    press(&mut s, "s");
    assert_eq!(s.stage, Stage::SmeltingSeparation);
    press(&mut s, "s");
    assert_eq!(s.stage, Stage::Mining);
}

#[test]
fn filter_narrows_the_current_table() {
    let mut s = state();
    press(&mut s, "3/xia");
    assert!(s.filter_editing);
    let rows = current_table(&s).expect("producers table").rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key, "Xiamen Tungsten");
    press(&mut s, "\n");
    assert!(!s.filter_editing);
    assert_eq!(s.filter, "xia", "Enter keeps the filter");
    press(&mut s, "\x1b");
    assert!(s.filter.is_empty(), "Esc clears it");
    assert!(current_table(&s).expect("table").rows.len() > 3);
}

#[test]
fn sources_enter_shows_details_and_esc_closes() {
    let mut s = state();
    press(&mut s, "4\n");
    assert!(s.popup.as_deref().is_some_and(|p| p.contains("bundled")));
    press(&mut s, "\x1b");
    assert!(s.popup.is_none());
}

#[test]
fn views_cycle_and_quit_keys() {
    let mut s = state();
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.view, View::Stages);
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(s.view, View::Log);
    press(&mut s, "?");
    assert!(s.help);
    press(&mut s, "?");
    assert!(!s.help);
    assert!(!s.quit);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(s.quit);
    let mut s = state();
    press(&mut s, "q");
    assert!(s.quit);
    let mut s = state();
    assert!(update(&mut s, Msg::Signal));
    assert!(s.quit);
}

#[test]
fn redraw_only_when_something_visible_changed() {
    let mut s = state();
    assert!(!update(&mut s, key(KeyCode::Char('z'))), "an unbound key changes nothing");
    assert!(!update(&mut s, Msg::Tick(fixed_now())), "the overview has no clock");
    press(&mut s, "4");
    assert!(update(&mut s, Msg::Tick(fixed_now())), "the Sources view shows ages");
    assert!(update(&mut s, Msg::Resize));
}

#[test]
fn every_binding_dispatches_its_own_action() {
    for binding in BINDINGS {
        for code in binding.keys {
            let got = action_for(&KeyEvent::new(*code, KeyModifiers::NONE));
            assert_eq!(got, Some(binding.action), "{code:?} is listed for {:?}", binding.action);
        }
    }
    assert_eq!(action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
}

/// The bundled history plus one HTTP source (never contacted: the dashboard leaves network
/// sources to its pollers, and these tests start none).
fn live_state() -> State {
    let text =
        "[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/feed.json\"\ninterval = \"1s\"\n";
    let config = quotawatch::config::parse(text, quotawatch::config::ConfigOrigin::BuiltIn, std::path::Path::new("."))
        .expect("valid config");
    State::new(quotawatch::sources::load_local(&config, true, fixed_now()), fixed_now())
}

#[test]
fn refresh_asks_for_every_live_source_or_the_selected_one() {
    use quotawatch::app::state::Effect;
    let mut state = live_state();
    press(&mut state, "r");
    assert_eq!(state.effects, [Effect::Refresh(None)]);
    state.effects.clear();

    press(&mut state, "4");
    let rows = current_table(&state).expect("sources table").rows;
    let desk = rows.iter().position(|r| r.key == "desk").expect("desk row");
    for _ in 0..desk {
        press(&mut state, "v");
    }
    press(&mut state, "r");
    assert_eq!(state.effects, [Effect::Refresh(Some("desk".into()))]);
    assert_eq!(state.sources.iter().find(|s| s.name == "desk").and_then(|s| s.next_poll), Some(fixed_now()));
    state.effects.clear();

    // The bundled history is not polled: say so rather than do nothing.
    let bundled = rows.iter().position(|r| r.key == "bundled").expect("bundled row");
    for _ in 0..rows.len() {
        press(&mut state, "^");
    }
    for _ in 0..bundled {
        press(&mut state, "v");
    }
    press(&mut state, "r");
    assert!(state.effects.is_empty());
    assert!(state.popup.as_deref().is_some_and(|p| p.starts_with("bundled is not polled live")), "{:?}", state.popup);
}

#[test]
fn a_source_without_success_for_three_intervals_goes_stale_once_and_recovers() {
    use quotawatch::app::state::{LogKind, SourceState};
    use quotawatch::sources::SourceEvent;
    let mut state = live_state();
    let desk = |s: &State| s.sources.iter().find(|s| s.name == "desk").map(|s| s.state);
    assert_eq!(desk(&state), Some(SourceState::Pending));

    update(&mut state, Msg::Tick(fixed_now() + chrono::Duration::seconds(3)));
    assert_eq!(desk(&state), Some(SourceState::Pending), "three intervals have not passed yet");
    update(&mut state, Msg::Tick(fixed_now() + chrono::Duration::milliseconds(3_100)));
    assert_eq!(desk(&state), Some(SourceState::Stale));
    update(&mut state, Msg::Tick(fixed_now() + chrono::Duration::seconds(5)));
    let stale: Vec<_> = state.log.iter().filter(|e| e.text.starts_with("desk: stale")).collect();
    assert_eq!(stale.len(), 1, "logged once: {stale:?}");
    assert_eq!(stale[0].kind, LogKind::Warning);
    assert_eq!(stale[0].text, "desk: stale, no success for 3 polls (never succeeded)");
    press(&mut state, "4");
    assert!(screen(&state, 120, 40).contains("stale"));

    let at = fixed_now() + chrono::Duration::seconds(6);
    let event = SourceEvent { source: "desk".into(), at, result: Ok(None), http: Some((304, 0)), next_poll: at };
    update(&mut state, Msg::Source(event));
    assert_eq!(desk(&state), Some(SourceState::Ok));
    update(&mut state, Msg::Tick(at + chrono::Duration::seconds(2)));
    assert_eq!(desk(&state), Some(SourceState::Ok));
}

#[test]
fn a_new_year_is_followed_from_the_latest_year_but_not_from_an_earlier_one() {
    use quotawatch::sources::SourceEvent;
    let arrive = |state: &mut State, year: u16| {
        let text = format!(
            "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"rare-earths\", \"year\": {year}, \
             \"batch\": 1, \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": 150000}}]}}]}}"
        );
        let parsed = quotawatch::feed::parse("desk", quotawatch::feed::Format::Json, text.as_bytes(), 1 << 20)
            .expect("valid feed");
        let at = fixed_now();
        let event = SourceEvent { source: "desk".into(), at, result: Ok(Some(parsed)), http: None, next_poll: at };
        update(state, Msg::Source(event));
    };
    let mut state = live_state();
    assert_eq!(state.year, Some(2024));
    arrive(&mut state, 2026);
    assert_eq!(state.year, Some(2026));

    let mut state = live_state();
    press(&mut state, "<");
    assert_eq!(state.year, Some(2023));
    arrive(&mut state, 2026);
    assert_eq!(state.year, Some(2023), "browsing history is not interrupted");
}

/// The desk's feed with rare earths' 2024 batch 1 at `revision`, China Northern Rare Earth
/// Group's mining (light) figure `northern` (94,580 t as bundled).
fn desk_batch_1(revision: u32, northern: u32) -> Msg {
    use quotawatch::sources::SourceEvent;
    let document = format!(
        "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"rare-earths\", \"year\": 2024, \
         \"batch\": 1, \"revision\": {revision}, \"quotas\": [\
         {{\"stage\": \"mining\", \"tonnes\": {}}},\
         {{\"stage\": \"mining\", \"category\": \"light\", \"holder\": \"China Northern Rare Earth Group\", \"tonnes\": {northern}}},\
         {{\"stage\": \"mining\", \"category\": \"light\", \"holder\": \"China Rare Earth Group\", \"tonnes\": 30280}},\
         {{\"stage\": \"mining\", \"category\": \"medium-heavy\", \"holder\": \"China Rare Earth Group\", \"tonnes\": 10140}}]}}]}}",
        northern + 30_280 + 10_140
    );
    let parsed = quotawatch::feed::parse("desk", quotawatch::feed::Format::Json, document.as_bytes(), 1 << 20)
        .expect("valid feed");
    let at = fixed_now();
    Msg::Source(SourceEvent { source: "desk".into(), at, result: Ok(Some(parsed)), http: None, next_poll: at })
}

#[test]
fn revised_figures_are_marked_with_the_earlier_value() {
    let mut state = live_state();
    // The desk's feed carries 2024 batch 1 once as bundled, then as revision 1 with 2,000 t
    // more for China Northern Rare Earth Group.
    for (revision, northern) in [(0, 94_580), (1, 96_580)] {
        update(&mut state, desk_batch_1(revision, northern));
    }
    let overview = screen(&state, 160, 48);
    assert!(overview.contains("batch 1 137,000 (rev 1, was 135,000)"), "{overview}");

    // Stages → mining → light → China Northern Rare Earth Group → its history.
    press(&mut state, "2\n\n");
    let table = current_table(&state).expect("holders");
    let northern = table.rows.iter().position(|r| r.key == "China Northern Rare Earth Group").expect("row");
    for _ in 0..northern {
        press(&mut state, "v");
    }
    press(&mut state, "\n");
    let history = current_table(&state).expect("history");
    let row = history.rows.iter().find(|r| r.key == "2024-1").expect("2024 batch 1");
    assert_eq!(row.cells[2].0, "96,580");
    assert_eq!(row.cells[4].0, "rev 1, was 94,580");
}

#[test]
fn e_exports_the_current_table_as_csv_and_says_where() {
    use quotawatch::app::effects::{Alerter, Effects};
    use quotawatch::app::state::Effect;
    let mut state = state();
    press(&mut state, "e");
    assert!(state.effects.is_empty(), "the overview has no table");
    assert!(state.popup.take().is_some_and(|p| p.contains("no table to export")));

    press(&mut state, "2\n");
    press(&mut state, "e");
    let exports: [Effect; 1] = state.effects.clone().try_into().expect("one export");
    let [Effect::Export { name, csv, rows }] = exports else { panic!("{:?}", state.effects) };
    assert_eq!(name, "quotawatch-categories-20261129-093000.csv");
    assert_eq!(rows, 3);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Category,Tonnes,Share,YoY,Basis");
    assert!(lines.iter().any(|l| l.starts_with("all categories,270000,100.0%,+5.9%,")), "{csv}");

    let dir = tempfile::tempdir().expect("temp dir");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let alerter = Alerter::start(&quotawatch::config::AlertsConfig::default(), tx);
    let mut effects = Effects::new(Vec::new(), alerter, None, dir.path().join("exports"));
    for note in effects.carry_out(&mut state).notes {
        update(&mut state, note);
    }
    let written = dir.path().join("exports").join("quotawatch-categories-20261129-093000.csv");
    assert_eq!(std::fs::read_to_string(&written).expect("written"), csv);
    assert_eq!(state.popup, Some(format!("Exported 3 rows to {}", written.display())));
}

#[test]
fn a_store_that_cannot_be_read_is_announced_and_the_bundled_data_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(quotawatch::store::FILE_NAME), b"SQLite format 3\0 but not really".repeat(64))
        .expect("write");
    let error = quotawatch::store::Store::open(dir.path()).expect_err("refused");
    let config = quotawatch::config::load(None).expect("built-in config");
    let mut loaded = quotawatch::sources::load_local(&config, true, fixed_now());
    loaded.store_errors.push(error);
    let state = State::new(loaded, fixed_now());
    let banner = state.banner.clone().expect("a banner");
    assert!(banner.contains("left untouched") && banner.ends_with("history is not being saved"), "{banner}");
    assert!(screen(&state, 160, 48).contains("270,000 t REO"));
}

#[test]
fn holder_figures_are_computed_when_a_view_shows_them_and_again_when_the_data_changes() {
    let mut state = live_state();
    assert!(state.derived.holders.is_empty(), "the overview shows no holder figures");
    press(&mut state, "3");
    assert_eq!(state.derived.holders.keys().collect::<Vec<_>>(), [&(Stage::Mining, None)]);
    let before = current_table(&state).expect("producers");
    // A revision lands while the Producers view is on screen: its figures follow.
    for (revision, northern) in [(0, 94_580), (1, 96_580)] {
        update(&mut state, desk_batch_1(revision, northern));
    }
    let after = current_table(&state).expect("producers");
    assert_ne!(before, after, "2024's shares moved");
    // The same as the view computed afresh from the same data.
    let mut fresh = live_state();
    for (revision, northern) in [(0, 94_580), (1, 96_580)] {
        update(&mut fresh, desk_batch_1(revision, northern));
    }
    assert!(fresh.derived.holders.is_empty());
    press(&mut fresh, "3");
    assert_eq!(current_table(&fresh), Some(after));
    // Toggling the stage reaches the other stage's figures; the drill-down's holder level its own.
    press(&mut state, "s2\n\n");
    assert!(state.derived.holders.contains_key(&(Stage::SmeltingSeparation, None)));
    assert!(state.derived.holders.contains_key(&(Stage::Mining, Some("light".into()))));
}
