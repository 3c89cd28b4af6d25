//! criterion benchmarks at scale, on feeds from the deterministic generator
//! (`examples/support/feedgen.rs`, the same as `cargo run --example gen_feed`):
//!
//! - `pipeline_1m`: parse + merge + the `report --by year` figures of 1,000,000 quota rows,
//!   CSV and JSON; and the dashboard's figures (`Derived::compute`) with 1,000,000 rows held.
//! - `recompute_100k`: with 100,000 rows held, one new announcement of the selected
//!   commodity arrives: `app::update` merges it, recomputes the figures and writes the alert
//!   (budget 5 ms), on the overview and with the Producers view (a holder table) on screen;
//!   also `Derived::compute` alone, and a file source delivering its whole document again
//!   with the one new announcement in it.
//! - `frame_100k`: each view drawn into a 200x60 `TestBackend` with 100,000 rows held
//!   (budget 2 ms a frame); the terminal is cleared first, so every cell is written.
//!
//! Run: `cargo bench --bench scale` (a group: `cargo bench --bench scale -- frame_100k`).
//! Results and the machine go in docs/benchmarks.md.

#[path = "../examples/support/feedgen.rs"]
mod feedgen;

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quotawatch::app::derived::Derived;
use quotawatch::app::{Msg, State, update};
use quotawatch::feed::{self, Format, ParsedFeed};
use quotawatch::ingest::{Loaded, SourceReport};
use quotawatch::ledger::{Ledger, Origin};
use quotawatch::model::{Announcement, Commodity};
use quotawatch::report::{self, By, Filter, OutputFormat};
use quotawatch::sources::SourceEvent;
use quotawatch::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SOURCE: &str = "generated";

fn document(rows: u64, format: Format) -> String {
    let shape = feedgen::Shape { rows, commodities: 4, seed: 7, years: 25 };
    let announcements = feedgen::plan(&shape).expect("a valid shape");
    let mut out = Vec::new();
    match format {
        Format::Csv => feedgen::write_csv(&mut out, &announcements),
        Format::Json => feedgen::write_json(&mut out, &announcements),
    }
    .expect("writing to memory");
    String::from_utf8(out).expect("the generator writes UTF-8")
}

fn parse(text: &str, format: Format) -> ParsedFeed {
    let parsed = feed::parse(SOURCE, format, text.as_bytes(), usize::MAX).expect("a valid document");
    assert!(parsed.rejected.is_empty(), "generated feeds are valid: {:?}", parsed.rejected.first());
    parsed
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_750_000_000, 0).expect("a valid time")
}

fn ledger_of(announcements: impl IntoIterator<Item = Announcement>) -> Ledger {
    let origin = Origin { source: SOURCE.into(), rank: 0 };
    let mut ledger = Ledger::new();
    for a in announcements {
        ledger.merge(&origin, a, now());
    }
    ledger
}

/// Parse, merge and the year figures `report --by year` prints.
fn pipeline(text: &str, format: Format) -> (Ledger, String) {
    let ledger = ledger_of(parse(text, format).announcements);
    let report = report::render(&ledger, By::Year, &Filter::default(), OutputFormat::Csv);
    (ledger, report)
}

fn pipeline_1m(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline_1m");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(15));
    for format in [Format::Csv, Format::Json] {
        let text = document(1_000_000, format);
        group.bench_function(format!("parse_merge_report_by_year/{format}"), |b| {
            // Freeing the rows is left out of the time, as the `report` command leaves it out.
            b.iter_with_large_drop(|| pipeline(black_box(&text), format));
        });
    }
    let ledger = ledger_of(parse(&document(1_000_000, Format::Csv), Format::Csv).announcements);
    let rare_earths = Commodity::parse("rare-earths").expect("slug");
    group.bench_function("dashboard_figures/rare-earths_of_1m", |b| {
        b.iter_with_large_drop(|| Derived::compute(black_box(&ledger), &rare_earths));
    });
    group.finish();
}

fn loaded(ledger: Ledger, announcements: usize) -> Loaded {
    let origin = Origin { source: SOURCE.into(), rank: 0 };
    let report =
        SourceReport { accepted: announcements, ..SourceReport::new(&origin, "file", "generated.csv".into(), true) };
    Loaded { ledger, sources: vec![report], ..Loaded::default() }
}

/// 100,000 rows held, without rare-earths' latest announcement (2024 batch 1), which arrives.
fn held_100k() -> (Ledger, Announcement, Vec<Announcement>) {
    let mut announcements = parse(&document(100_000, Format::Csv), Format::Csv).announcements;
    let all = announcements.clone();
    let latest =
        announcements.iter().rposition(|a| a.key.commodity.as_str() == "rare-earths").expect("rare-earths in the feed");
    let new = announcements.remove(latest);
    (ledger_of(announcements), new, all)
}

fn event(announcements: Vec<Announcement>) -> Msg {
    Msg::Source(SourceEvent {
        source: SOURCE.into(),
        at: now(),
        result: Ok(Some(ParsedFeed { announcements, ..ParsedFeed::default() })),
        http: None,
        next_poll: now(),
    })
}

fn recompute_100k(c: &mut Criterion) {
    let (ledger, new, all) = held_100k();
    let count = all.len();
    let mut group = c.benchmark_group("recompute_100k");
    group.bench_function("new_announcement_update", |b| {
        b.iter_batched(
            || (State::new(loaded(ledger.clone(), count - 1), now()), event(vec![new.clone()])),
            |(mut state, msg)| {
                assert!(update(&mut state, msg).redraw);
                state
            },
            BatchSize::LargeInput,
        );
    });
    // The same with the Producers view on screen: its holder table (one scope) is recomputed too.
    group.bench_function("new_announcement_update_producers", |b| {
        b.iter_batched(
            || {
                let mut state = State::new(loaded(ledger.clone(), count - 1), now());
                press(&mut state, "3");
                (state, event(vec![new.clone()]))
            },
            |(mut state, msg)| {
                assert!(update(&mut state, msg).redraw);
                state
            },
            BatchSize::LargeInput,
        );
    });
    let mut with_new = ledger.clone();
    with_new.merge(&Origin { source: SOURCE.into(), rank: 0 }, new.clone(), now());
    let rare_earths = Commodity::parse("rare-earths").expect("slug");
    group.bench_function("derived_compute", |b| {
        b.iter_with_large_drop(|| Derived::compute(black_box(&with_new), &rare_earths));
    });
    group.sample_size(20);
    group.bench_function("whole_document_again_update", |b| {
        b.iter_batched(
            || (State::new(loaded(ledger.clone(), count - 1), now()), event(all.clone())),
            |(mut state, msg)| {
                assert!(update(&mut state, msg).redraw);
                state
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// Each view (and each drill-down level), reached by its keys ('\n' is Enter).
fn views() -> Vec<(&'static str, &'static str)> {
    vec![
        ("overview", ""),
        ("stages", "2"),
        ("stages_categories", "2\n"),
        ("stages_holders", "2\n\n"),
        ("stages_history", "2\n\n\n"),
        ("producers", "3"),
        ("sources", "4"),
        ("log", "5"),
    ]
}

/// Presses `keys` through `update`, as the loop does.
fn press(state: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) };
        let _ = update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

fn frame_100k(c: &mut Criterion) {
    let (mut ledger, new, all) = held_100k();
    ledger.merge(&Origin { source: SOURCE.into(), rank: 0 }, new, now());
    let mut group = c.benchmark_group("frame_100k");
    for (name, keys) in views() {
        let mut state = State::new(loaded(ledger.clone(), all.len()), now());
        press(&mut state, keys);
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test terminal");
        // A frame after a change: the view layer builds the screen, the UI draws it.
        group.bench_function(name, |b| {
            b.iter(|| {
                let screen = quotawatch::view::build(&state);
                terminal.clear().expect("clear");
                terminal
                    .draw(|frame| {
                        quotawatch::ui::render(frame, &screen, &Theme::COLOR);
                    })
                    .expect("draw");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline_1m, recompute_100k, frame_100k);
criterion_main!(benches);
