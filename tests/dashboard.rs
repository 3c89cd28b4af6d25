//! State tests of the dashboard: key presses and source documents go through the same
//! `update` the real event loop uses, and state is asserted through its accessors and the
//! view layer's tables. Screens are in `tests/dashboard_views.rs`; the loop itself (quit,
//! signals, the store) in `tests/dashboard_loop.rs`.

#[path = "support/screen.rs"]
mod screen;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quotawatch::app::action::{Action, BINDINGS};
use quotawatch::app::nav::{Level, Mode, View};
use quotawatch::app::{Effect, Msg, State, update};
use quotawatch::keys::KeyMap;
use quotawatch::model::{Commodity, Stage};
use quotawatch::view::{RowKey, table};

use screen::{desk_batch_1, desk_document, fixed_now, key, live_state, press, screen, source_event, state};

#[test]
fn drill_down_stack_and_back() {
    let mut s = state();
    press(&mut s, "2");
    assert_eq!(s.view(), View::Stages);
    press(&mut s, "\n");
    assert!(matches!(s.level(), Level::Categories { stage: Stage::Mining, .. }));
    press(&mut s, "\n");
    assert!(matches!(s.level(), Level::Holders { category: Some(c), .. } if c == "light"));
    press(&mut s, "\n");
    match s.level() {
        Level::History { holder, points, .. } => {
            assert_eq!(holder, "China Northern Rare Earth Group");
            assert!(points.iter().any(|p| p.year == 2024 && p.batch == 1 && p.tonnes.is_some()));
        }
        other => panic!("expected the holder history, got {other:?}"),
    }
    assert_eq!(s.nav().levels().len(), 4);
    press(&mut s, "\x1b");
    assert_eq!(s.nav().levels().len(), 3);
    let _ = update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.nav().levels().len(), 2);
    press(&mut s, "\x1b\x1b\x1b");
    assert_eq!(s.nav().levels().len(), 1, "the top level stays");
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
    assert_eq!(s.year(), Some(2024), "starts on the latest year with published figures");
    press(&mut s, "<");
    assert_eq!(s.year(), Some(2023));
    press(&mut s, ">>>>");
    assert_eq!(s.year(), Some(2025));
    press(&mut s, "h");
    assert_eq!(s.year(), Some(2024));
    let first = s.derived().years[0];
    press(&mut s, &"<".repeat(40));
    assert_eq!(s.year(), Some(first));
}

#[test]
fn commodity_and_stage_switch() {
    let mut s = live_state();
    assert_eq!(s.commodity().map(Commodity::as_str), Some("rare-earths"), "rare earths open the dashboard");
    let slugs: Vec<&str> = s.commodities().iter().map(Commodity::as_str).collect();
    assert_eq!(slugs, ["antimony", "rare-earths", "tungsten"]);
    press(&mut s, "2\n]");
    assert_eq!(s.commodity().map(Commodity::as_str), Some("tungsten"));
    assert_eq!(s.year(), Some(2025), "tungsten's latest published year");
    assert_eq!(s.nav().levels().len(), 1, "changing commodity resets the drill-down");
    assert!(screen(&s, 120, 40).contains("t conc. (65% WO3)"), "tungsten's unit on screen");
    // A commodity that sorts first arrives while tungsten is selected: the view stays on tungsten.
    let _ = update(&mut s, desk_document("aluminium", 2024, 0, 0, 100_000));
    assert_eq!(s.commodity().map(Commodity::as_str), Some("tungsten"));
    press(&mut s, "[");
    assert_eq!(s.commodity().map(Commodity::as_str), Some("rare-earths"));
    press(&mut s, "s");
    assert_eq!(s.stage(), Stage::SmeltingSeparation);
    press(&mut s, "s");
    assert_eq!(s.stage(), Stage::Mining);
}

#[test]
fn filter_narrows_the_current_table() {
    let mut s = state();
    press(&mut s, "3/xia");
    assert_eq!(*s.mode(), Mode::Filter);
    let rows = table(&s).expect("producers table").rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key, RowKey::Holder("Xiamen Tungsten".into()));
    press(&mut s, "\n");
    assert_eq!(*s.mode(), Mode::Normal);
    assert_eq!(s.filter(), "xia", "Enter keeps the filter");
    press(&mut s, "\x1b");
    assert!(s.filter().is_empty(), "Esc clears it");
    assert!(table(&s).expect("table").rows.len() > 3);
}

#[test]
fn sources_enter_shows_details_and_esc_closes() {
    let mut s = state();
    press(&mut s, "4\n");
    assert!(s.popup().is_some_and(|p| p.contains("bundled")));
    press(&mut s, "\x1b");
    assert!(s.popup().is_none());
}

#[test]
fn views_cycle_and_quit_keys() {
    let mut s = state();
    let _ = update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.view(), View::Stages);
    let _ = update(&mut s, key(KeyCode::BackTab));
    let _ = update(&mut s, key(KeyCode::BackTab));
    assert_eq!(s.view(), View::Headlines);
    press(&mut s, "?");
    assert_eq!(*s.mode(), Mode::Help);
    press(&mut s, "?");
    assert_eq!(*s.mode(), Mode::Normal);
    assert!(!s.quitting());
    let _ = update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(s.quitting());
    let mut s = state();
    press(&mut s, "q");
    assert!(s.quitting());
    let mut s = state();
    assert!(update(&mut s, Msg::Signal).redraw);
    assert!(s.quitting());
}

#[test]
fn redraw_only_when_something_visible_changed() {
    let mut s = state();
    assert!(!update(&mut s, key(KeyCode::Char('z'))).redraw, "an unbound key changes nothing");
    assert!(!update(&mut s, Msg::Tick(fixed_now())).redraw, "the overview has no clock");
    press(&mut s, "4");
    assert!(update(&mut s, Msg::Tick(fixed_now())).redraw, "the Sources view shows ages");
    assert!(update(&mut s, Msg::Resize).redraw);
}

#[test]
fn every_binding_dispatches_its_own_action() {
    for binding in BINDINGS {
        for code in binding.keys {
            let got = KeyMap::default().action_for(&KeyEvent::new(*code, KeyModifiers::NONE));
            assert_eq!(got, Some(binding.action), "{code:?} is listed for {:?}", binding.action);
        }
    }
    assert_eq!(
        KeyMap::default().action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
}

#[test]
fn refresh_asks_for_every_live_source_or_the_selected_one() {
    let mut state = live_state();
    assert_eq!(press(&mut state, "r"), [Effect::Refresh(None)]);

    press(&mut state, "4");
    let rows = table(&state).expect("sources table").rows;
    let desk = rows.iter().position(|r| r.key == RowKey::Source("desk".into())).expect("desk row");
    press(&mut state, &"v".repeat(desk));
    assert_eq!(press(&mut state, "r"), [Effect::Refresh(Some("desk".into()))]);
    assert_eq!(state.source("desk").and_then(|s| s.next_poll), Some(fixed_now()));

    // The bundled history is not polled: say so rather than do nothing.
    let bundled = rows.iter().position(|r| r.key == RowKey::Source("bundled".into())).expect("bundled row");
    press(&mut state, &"^".repeat(rows.len()));
    press(&mut state, &"v".repeat(bundled));
    assert_eq!(press(&mut state, "r"), []);
    assert!(state.popup().is_some_and(|p| p.starts_with("bundled is not polled live")), "{:?}", state.popup());
}

#[test]
fn a_source_without_success_for_three_intervals_goes_stale_once_and_recovers() {
    use quotawatch::app::log::LogKind;
    use quotawatch::app::source_view::SourceState;
    use quotawatch::sources::SourceEvent;
    let mut state = live_state();
    let desk = |s: &State| s.source("desk").map(|s| s.state);
    assert_eq!(desk(&state), Some(SourceState::Pending));

    let _ = update(&mut state, Msg::Tick(fixed_now() + chrono::Duration::seconds(3)));
    assert_eq!(desk(&state), Some(SourceState::Pending), "three intervals have not passed yet");
    let _ = update(&mut state, Msg::Tick(fixed_now() + chrono::Duration::milliseconds(3_100)));
    assert_eq!(desk(&state), Some(SourceState::Stale));
    let _ = update(&mut state, Msg::Tick(fixed_now() + chrono::Duration::seconds(5)));
    let stale: Vec<_> = state.log().iter().filter(|e| e.text.starts_with("desk: stale")).collect();
    assert_eq!(stale.len(), 1, "logged once: {stale:?}");
    assert_eq!(stale[0].kind, LogKind::Warning);
    assert_eq!(stale[0].text, "desk: stale, no success for 3 polls (never succeeded)");
    press(&mut state, "4");
    assert!(screen(&state, 120, 40).contains("stale"));

    let at = fixed_now() + chrono::Duration::seconds(6);
    let event = SourceEvent { source: "desk".into(), at, result: Ok(None), http: Some((304, 0)), next_poll: at };
    let _ = update(&mut state, Msg::Source(event));
    assert_eq!(desk(&state), Some(SourceState::Ok));
    let _ = update(&mut state, Msg::Tick(at + chrono::Duration::seconds(2)));
    assert_eq!(desk(&state), Some(SourceState::Ok));
}

#[test]
fn a_new_year_is_followed_from_the_latest_year_but_not_from_an_earlier_one() {
    let mut state = live_state();
    assert_eq!(state.year(), Some(2024));
    let _ = update(&mut state, desk_document("rare-earths", 2026, 1, 0, 150_000));
    assert_eq!(state.year(), Some(2026));

    let mut state = live_state();
    press(&mut state, "<");
    assert_eq!(state.year(), Some(2023));
    let _ = update(&mut state, desk_document("rare-earths", 2026, 1, 0, 150_000));
    assert_eq!(state.year(), Some(2023), "browsing history is not interrupted");
}

#[test]
fn revised_figures_are_marked_with_the_earlier_value() {
    let mut state = live_state();
    // The desk's feed carries 2024 batch 1 once as bundled, then as revision 1 with 2,000 t
    // more for China Northern Rare Earth Group.
    for (revision, northern) in [(0, 94_580), (1, 96_580)] {
        let _ = update(&mut state, desk_batch_1(revision, northern));
    }
    let overview = screen(&state, 160, 48);
    assert!(overview.contains("batch 1 137,000 (rev 1, was 135,000)"), "{overview}");

    // Stages → mining → light → China Northern Rare Earth Group → its history.
    press(&mut state, "2\n\n");
    let holders = table(&state).expect("holders");
    let northern = holders
        .rows
        .iter()
        .position(|r| r.key == RowKey::Holder("China Northern Rare Earth Group".into()))
        .expect("row");
    press(&mut state, &"v".repeat(northern));
    press(&mut state, "\n");
    let history = table(&state).expect("history");
    let row = history.rows.iter().find(|r| r.key == RowKey::Batch { year: 2024, batch: 1 }).expect("2024 batch 1");
    assert_eq!(row.cells[2].text, "96,580");
    assert_eq!(row.cells[4].text, "official");
    assert_eq!(row.cells[5].text, "rev 1, was 94,580");
}

#[test]
fn was_names_the_value_the_current_version_replaced_not_a_losing_conflict() {
    // Sources a (first in the config) and b: a gives 135,000, b 999 (a conflict a wins),
    // then a's revision 1 gives 140,000. It replaced 135,000, not b's 999.
    let text = "[[sources]]\nname = \"a\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/a.json\"\n\
                [[sources]]\nname = \"b\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/b.json\"\n";
    let config = quotawatch::config::parse(text, quotawatch::config::ConfigOrigin::BuiltIn, std::path::Path::new("."))
        .expect("valid config");
    let mut state = State::new(quotawatch::ingest::for_dashboard(&config, false, None, fixed_now()), fixed_now());
    let doc = |revision: u32, tonnes: u32| {
        format!(
            "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"rare-earths\", \
             \"year\": 2025, \"batch\": 1, \"revision\": {revision}, \
             \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}]}}]}}"
        )
    };
    let _ = update(&mut state, source_event("a", &doc(0, 135_000)));
    let _ = update(&mut state, source_event("b", &doc(0, 999)));
    let _ = update(&mut state, source_event("a", &doc(1, 140_000)));
    let overview = screen(&state, 160, 48);
    assert!(overview.contains("batch 1 140,000 (rev 1, was 135,000)"), "{overview}");
}

#[test]
fn e_exports_the_current_table_as_csv() {
    let mut state = state();
    assert_eq!(press(&mut state, "e"), [], "the overview has no table");
    assert!(state.popup().is_some_and(|p| p.contains("no table to export")));
    press(&mut state, "\x1b");

    press(&mut state, "2\n");
    let exports: [Effect; 1] = press(&mut state, "e").try_into().expect("one export");
    let [Effect::Export { name, csv, rows }] = exports else { panic!("{exports:?}") };
    assert_eq!(name, "quotawatch-categories-20261129-093000.csv");
    assert_eq!(rows, 3);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Category,Tonnes,Share,YoY,Basis");
    assert!(lines.iter().any(|l| l.starts_with("all categories,270000,100.0%,+5.9%,")), "{csv}");
}

#[test]
fn a_store_that_cannot_be_read_is_announced_and_the_bundled_data_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(quotawatch::store::FILE_NAME), b"SQLite format 3\0 but not really".repeat(64))
        .expect("write");
    let error = quotawatch::store::Store::open(dir.path()).expect_err("refused");
    let config = quotawatch::config::load(None).expect("built-in config");
    let mut loaded = quotawatch::ingest::for_dashboard(&config, true, None, fixed_now());
    loaded.store_errors.push(error);
    let state = State::new(loaded, fixed_now());
    let banner = state.banner().expect("a banner");
    assert!(banner.contains("left untouched") && banner.ends_with("history is not being saved"), "{banner}");
    assert!(screen(&state, 160, 48).contains("270,000 t REO"));
}

#[test]
fn holder_figures_are_computed_when_a_view_shows_them_and_again_when_the_data_changes() {
    let mut state = live_state();
    assert!(state.derived().holders.is_empty(), "the overview shows no holder figures");
    press(&mut state, "3");
    assert_eq!(state.derived().holders.keys().collect::<Vec<_>>(), [&(Stage::Mining, None)]);
    let before = table(&state).expect("producers");
    // A revision lands while the Producers view is on screen: its figures follow.
    for (revision, northern) in [(0, 94_580), (1, 96_580)] {
        let _ = update(&mut state, desk_batch_1(revision, northern));
    }
    let after = table(&state).expect("producers");
    assert_ne!(before, after, "2024's shares moved");
    // The same as the view computed afresh from the same data.
    let mut fresh = live_state();
    for (revision, northern) in [(0, 94_580), (1, 96_580)] {
        let _ = update(&mut fresh, desk_batch_1(revision, northern));
    }
    assert!(fresh.derived().holders.is_empty());
    press(&mut fresh, "3");
    assert_eq!(table(&fresh), Some(after));
    // Toggling the stage reaches the other stage's figures; the drill-down's holder level its own.
    press(&mut state, "s2\n\n");
    assert!(state.derived().holders.contains_key(&(Stage::SmeltingSeparation, None)));
    assert!(state.derived().holders.contains_key(&(Stage::Mining, Some("light".into()))));
}

#[test]
fn remapped_keys_dispatch_and_show_in_the_help_and_the_hint_bar() {
    let text = "[keys]\nquit = [\"x\"]\nnext_view = [\"Tab\", \"n\"]\n";
    let config = quotawatch::config::parse(text, quotawatch::config::ConfigOrigin::BuiltIn, std::path::Path::new("."))
        .expect("valid config");
    let keys = KeyMap::from_config(&config).expect("valid keys");
    let fresh = || State::new(quotawatch::ingest::for_dashboard(&config, true, None, fixed_now()), fixed_now());
    let mut s = fresh().with_keys(keys.clone());
    press(&mut s, "q");
    assert!(!s.quitting(), "q is no longer quit");
    let bar = screen(&s, 160, 48);
    assert!(bar.lines().last().is_some_and(|l| l.contains("Tab/n next view") && l.contains("x quit")), "{bar}");
    press(&mut s, "n");
    assert_eq!(s.view(), View::Stages, "n is next view too");
    press(&mut s, "?");
    let help = screen(&s, 160, 48);
    assert!(help.contains(" x      quit"), "{help}");
    assert!(help.contains(" Tab/n  next view"), "{help}");
    press(&mut s, "?x");
    assert!(s.quitting(), "x quits");
}

#[test]
fn sort_cycles_through_the_columns_and_survives_drill_down_and_back() {
    let mut s = state();
    // Producers: `>` sorts by the first column ascending, again descending, then the next.
    press(&mut s, "3");
    let names = |s: &State| -> Vec<String> {
        table(s)
            .expect("table")
            .rows
            .iter()
            .filter(|r| matches!(r.key, RowKey::Holder(_)))
            .map(|r| r.cells[0].text.clone())
            .collect()
    };
    let unsorted = names(&s);
    press(&mut s, "»");
    let mut ascending = unsorted.clone();
    ascending.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names(&s), ascending);
    assert!(table(&s).expect("table").columns[0].header.ends_with('▲'));
    press(&mut s, "»");
    let descending: Vec<String> = ascending.iter().rev().cloned().collect();
    assert_eq!(names(&s), descending, "the same key again reverses");
    press(&mut s, "««");
    assert_eq!(names(&s), unsorted, "back to unsorted");
    // The summary rows stay under the holders.
    press(&mut s, "»»»");
    let rows = table(&s).expect("table").rows;
    assert!(matches!(rows.last().map(|r| &r.key), Some(RowKey::Summary(_))));

    // Stages → mining → categories sorted by tonnes, descending; into holders and back.
    press(&mut s, "2\n»»»»");
    let tonnes =
        |s: &State| -> Vec<String> { table(s).expect("table").rows.iter().map(|r| r.cells[1].text.clone()).collect() };
    let sorted = tonnes(&s);
    assert_eq!(sorted.first().map(String::as_str), Some("270,000"), "{sorted:?}");
    press(&mut s, "/light\n");
    assert_eq!(table(&s).expect("table").rows.len(), 1);
    press(&mut s, "\n");
    assert!(matches!(s.level(), Level::Holders { .. }));
    assert!(s.filter().is_empty(), "the holders level has its own filter");
    press(&mut s, "\x1b");
    assert!(matches!(s.level(), Level::Categories { .. }));
    assert_eq!(s.filter(), "light", "the filter survives the way down and back");
    press(&mut s, "\x1b");
    assert_eq!(tonnes(&s), sorted, "so does the sort");
}

#[test]
fn headlines_arrive_with_their_source_show_newest_first_and_open_on_enter() {
    use quotawatch::extract::HeadlineKind;
    use quotawatch::news::Headline;
    let mut s = live_state();
    let headline = |title: &str, minutes: i64, kind| Headline {
        source: "desk".into(),
        title: title.into(),
        url: Some(format!("https://example.org/{minutes}")),
        published: None,
        kind,
        first_seen: fixed_now() + chrono::Duration::minutes(minutes),
        followed: false,
        detail: Default::default(),
    };
    let event = |headlines: Vec<Headline>| {
        let parsed = quotawatch::feed::ParsedFeed { headlines, ..Default::default() };
        let at = fixed_now();
        Msg::Source(quotawatch::sources::SourceEvent {
            source: "desk".into(),
            at,
            result: Ok(Some(parsed)),
            http: None,
            next_poll: at,
        })
    };
    let first = headline("China quietly issues 2025 rare earth quotas, sources say", 0, HeadlineKind::Unpublished);
    let effects = update(&mut s, event(vec![first.clone()])).effects;
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveHeadlines(h) if h.len() == 1)), "saved for the next run");
    // The same item polled again is not new; a second one is, and is logged.
    let second =
        headline("China sets first batch of 2024 rare earth quotas at 135,000 tonnes", 5, HeadlineKind::Announcement);
    let effects = update(&mut s, event(vec![first, second])).effects;
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveHeadlines(h) if h.len() == 1)));
    assert!(s.log().iter().any(|e| e.text.starts_with("desk: China sets first batch of 2024")));
    press(&mut s, "7");
    let rows = table(&s).expect("headlines").rows;
    assert_eq!(rows.len(), 2);
    assert!(rows[0].cells[5].text.starts_with("China sets first batch"), "newest first");
    assert_eq!(rows[1].cells[3].text, "unpublished");
    assert_eq!(
        (rows[1].cells[2].text.as_str(), rows[1].cells[4].text.as_str()),
        ("reported", "issued without figures")
    );
    press(&mut s, "v\n");
    let popup = s.popup().expect("details").to_owned();
    assert!(
        popup.contains("China quietly issues 2025 rare earth quotas") && popup.contains("https://example.org/0"),
        "{popup}"
    );
}
