//! The overview's view model: the latest announcement, both stages' totals with growth for
//! the selected year, annual totals split by batch for the selected stage, growth by year,
//! and the latest events.

use super::cells::{batch_tier_note, growth, missing, muted, plain, revision_note, year_tier, year_withheld};
use super::table::{Column, Line, RowKey, Span, TableView, Tone};
use super::tables::log_tone;
use super::{Chart, ChartColumn};
use crate::analytics::Measure;
use crate::app::derived::stage_index;
use crate::app::state::State;
use crate::format::thousands;
use crate::model::{Stage, Status, batch_label};
use crate::outlook::{ReleaseStatus, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Two lines: what the latest announcement is, and its title.
    pub latest: Vec<Line>,
    /// The next release of each commodity with its status and countdown, this one first;
    /// the UI shows as many whole as fit.
    pub next: Vec<Line>,
    /// Mining, then smelting-separation.
    pub stages: [StageBox; 2],
    pub chart: Chart,
    pub growth: TableView,
    /// Newest first; the UI shows as many as fit.
    pub events: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageBox {
    pub title: String,
    /// The title for a narrow box (`Smelting 2024 · official`).
    pub short_title: String,
    /// The stage the chart and `s` follow.
    pub selected: bool,
    pub lines: Vec<Line>,
    /// What the market expected: each line whole, and brief.
    pub consensus: Vec<(Line, Line)>,
}

/// How many of the latest events the overview keeps (more than any screen shows).
const EVENTS: usize = 40;

pub fn overview(state: &State) -> Overview {
    Overview {
        latest: latest(state),
        next: next_line(state),
        stages: [stage_box(state, Stage::Mining), stage_box(state, Stage::SmeltingSeparation)],
        chart: chart(state),
        growth: growth_table(state),
        events: state
            .log()
            .iter()
            .rev()
            .take(EVENTS)
            .map(|e| {
                vec![
                    muted(format!(" {} ", e.at.format("%H:%M:%S"))),
                    Span::new(format!("{:<9}", e.kind.label()), log_tone(e.kind)),
                    plain(e.text.clone()),
                ]
            })
            .collect(),
    }
}

fn latest(state: &State) -> Vec<Line> {
    let Some(latest) = &state.derived().latest else {
        return vec![vec![muted(" No announcements loaded. Configure a source (see --help).")]];
    };
    let status = match latest.status {
        Status::Published => Span::new("published", Tone::Up),
        Status::Unpublished => Span::new("figures withheld", Tone::Warning),
    };
    let mut first = vec![
        muted(" Latest: "),
        Span::new(latest.key.to_string(), Tone::Title),
        plain(format!(" · {} · ", latest.published.clone().unwrap_or_else(|| "date unknown".into()))),
        status,
    ];
    if latest.revised {
        first.push(Span::new(" · revised", Tone::Warning));
    }
    vec![first, vec![muted(format!(" {}", latest.title.clone().unwrap_or_default()))]]
}

/// `next: rare-earths 2026 batch 1 · overdue since 24 Mar  ·  tungsten 2026 batch 1 · in
/// window, median in 12 days`, coloured by status.
fn next_line(state: &State) -> Vec<Line> {
    let today = state.now().date_naive();
    let mut next: Vec<_> = state.watch().next().iter().collect();
    // The commodity on screen first, then the others by slug.
    next.sort_by_key(|n| (Some(&n.commodity) != state.commodity(), n.commodity.clone()));
    next.iter()
        .map(|n| {
            let tone = match n.status {
                ReleaseStatus::Overdue => Tone::Down,
                ReleaseStatus::InWindow => Tone::Warning,
                _ => Tone::Muted,
            };
            vec![
                Span::new(format!("{} {} batch {}", n.commodity, n.year, n.batch), Tone::Title),
                Span::new(format!(" · {}", n.countdown(today)), tone),
            ]
        })
        .collect()
}

/// The tone of a consensus line: a surprise reads in the direction it went.
fn verdict_tone(verdict: Verdict) -> Tone {
    match verdict {
        Verdict::Below => Tone::Down,
        Verdict::Above => Tone::Up,
        Verdict::Within => Tone::Normal,
        Verdict::Pending => Tone::Muted,
    }
}

fn stage_box(state: &State, stage: Stage) -> StageBox {
    let unit = state.commodity().map_or("t", |c| c.unit());
    let year = state.year().unwrap_or_default();
    let derived = state.derived();
    let title = format!("{} {year}", stage.label());
    let selected = state.stage() == stage;
    let point = derived.year_point(stage, year);
    let used: Vec<_> = derived.batches_used(stage, year).collect();
    let Some((point, total)) = point.and_then(|p| p.tonnes.map(|t| (p, t))) else {
        let why = if year_withheld(&used) { "figures withheld by the ministry" } else { "no figure in the data" };
        let consensus = consensus_lines(state, year, stage);
        let short_title = format!("{} {year}", short_label(stage));
        return StageBox { title, short_title, selected, lines: vec![vec![muted(why)]], consensus };
    };
    let basis = point.growth.as_ref().map_or_else(
        || "no like-for-like comparison".to_owned(),
        // The unit is in the headline above: left out here, the line fits a narrow box whole.
        |g| format!("{} vs {}: {}", g.basis.label(), g.compared_year, thousands(g.previous_tonnes)),
    );
    let batches = used
        .iter()
        .map(|b| {
            let text = match b.tonnes {
                Some(t) => format!("{} {}", batch_label(b.batch), thousands(t)),
                None => format!("{} {}", batch_label(b.batch), missing(b.status == Status::Unpublished).text),
            };
            let notes: Vec<String> = state
                .commodity()
                .map(|c| {
                    let revision = revision_note(state.ledger(), c, year, b.batch, &Measure::Stage(stage));
                    let tier = b.tonnes.and_then(|_| batch_tier_note(state.ledger(), c, year, b.batch));
                    revision.into_iter().chain(tier).collect()
                })
                .unwrap_or_default();
            if notes.is_empty() { text } else { format!("{text} ({})", notes.join("; ")) }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let mut headline = vec![Span::new(format!("{} {unit}", thousands(total)), Tone::Title), plain("  ")];
    headline.push(growth(point.growth.as_ref()));

    if point.partial {
        headline.push(Span::new("  partial", Tone::Warning));
    }
    if point.conflict {
        headline.push(Span::new("  full-year issue beside batches: full year used", Tone::Warning));
    }
    // The year's tier in the box's title: whole at 80 columns, where the headline line
    // of a long unit (tungsten's `t conc. (65% WO3)`) has no room left.
    let badge = state.commodity().and_then(|c| year_tier(state.ledger(), c, year, &used));
    let badge = badge.map(|t| format!(" · {}", t.slug())).unwrap_or_default();
    let short_title = format!("{} {year}{badge}", short_label(stage));
    let title = format!("{title}{badge}");
    let lines = vec![headline, vec![muted(basis)], vec![muted(batches)]];
    StageBox { title, short_title, selected, lines, consensus: consensus_lines(state, year, stage) }
}

fn short_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Mining => "Mining",
        Stage::SmeltingSeparation => "Smelting",
    }
}

/// Each consensus line whole, and in brief for a narrow box (the UI picks what fits).
fn consensus_lines(state: &State, year: u16, stage: Stage) -> Vec<(Line, Line)> {
    let notes = state.derived().consensus.get(&(year, stage));
    notes
        .into_iter()
        .flatten()
        .map(|n| {
            let tone = verdict_tone(n.verdict);
            (vec![Span::new(n.note.clone(), tone)], vec![Span::new(n.brief.clone(), tone)])
        })
        .collect()
}

fn chart(state: &State) -> Chart {
    let derived = state.derived();
    let event_years: std::collections::BTreeSet<i32> = if state.markers() {
        let events = &state.watch().outlook().events;
        events.iter().filter(|e| e.concerns(state.commodity())).map(|e| e.date.year()).collect()
    } else {
        Default::default()
    };
    let mut columns = Vec::new();
    for year in &derived.years {
        let marked = event_years.contains(&i32::from(*year));
        let mut column = ChartColumn { label: year.to_string(), segments: Vec::new(), note: None, marked };
        for point in derived.batches_used(state.stage(), *year) {
            match point.tonnes {
                Some(t) => column.segments.push((batch_label(point.batch), t)),
                None if point.status == Status::Unpublished => column.note = Some("n/p"),
                None => {}
            }
        }
        columns.push(column);
    }
    Chart {
        title: format!("{} quota by year, split by batch (s: switch stage)", state.stage().label()),
        short_title: format!("{} by year and batch", state.stage().label()),
        columns,
    }
}

fn growth_table(state: &State) -> TableView {
    let unit = state.commodity().map_or("t", |c| c.unit());
    let columns = vec![Column::left("Year"), Column::right("Tonnes"), Column::right("YoY"), Column::flex("Basis")];
    let mut table = TableView::new(format!("growth · {unit}"), columns, "No figures.");
    for p in state.derived().stage_years[stage_index(state.stage())].iter().rev() {
        let tonnes = match p.tonnes {
            Some(t) => plain(thousands(t)),
            None => missing(p.partial),
        };
        table.push(
            RowKey::Year(p.year),
            vec![plain(p.year.to_string()), tonnes, growth(p.growth.as_ref()), super::cells::basis(p.growth.as_ref())],
        );
    }
    table
}
