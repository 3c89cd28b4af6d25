//! The view layer, between state and drawing: plain structs of rows, labels, tones and
//! column specs ([`Screen`]), built from [`State`] when it changes, not every frame. The UI
//! draws a `Screen` and nothing else, so it needs neither the ledger nor the analytics, and
//! `update` reads the same tables ([`table`]) to know what a key acts on.

mod cells;
mod overview;
mod table;
mod tables;
mod timeline;

pub use cells::age;
pub use overview::{Overview, StageBox};
pub use table::{Align, Column, Line, Row, RowKey, Span, TableView, Tone};
pub use tables::table;

use crate::app::action::Action;
use crate::app::nav::{Level, Mode, View};
use crate::app::state::State;
use crate::keys::KeyBinding;
use crate::model::batch_label;

/// Everything one frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub tabs: Vec<Tab>,
    /// Commodity, unit, stage and year, after the tabs.
    pub context: String,
    /// Commodity and year, for a narrow terminal.
    pub short_context: String,
    pub banner: Option<String>,
    pub body: Body,
    /// The hint bar, in key-map order.
    pub hints: Vec<Hint>,
    /// The filter being typed, shown in place of the hints.
    pub filter_prompt: Option<String>,
    /// The key overlay, when open.
    pub help: Option<Vec<Hint>>,
    pub popup: Option<PopupView>,
}

/// A popup's lines, marked words in [`Tone::Mark`], and how far it is scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct PopupView {
    pub lines: Vec<Line>,
    pub scroll: u16,
}

impl PopupView {
    /// The popup's text split into lines, each mark its own span.
    pub fn of(popup: &crate::app::nav::Popup) -> PopupView {
        let mut lines = Vec::new();
        let mut start = 0;
        for text in popup.text.split('\n') {
            let end = start + text.len();
            let mut line = Vec::new();
            let mut at = start;
            for mark in popup.marks.iter().filter(|m| m.start < end && m.end > start) {
                let (from, to) = (mark.start.max(at), mark.end.min(end));
                if from > at {
                    line.push(Span::new(&popup.text[at..from], Tone::Normal));
                }
                if to > from {
                    line.push(Span::new(&popup.text[from..to], Tone::Mark));
                }
                at = to.max(at);
            }
            if at < end || line.is_empty() {
                line.push(Span::new(&popup.text[at..end], Tone::Normal));
            }
            lines.push(line);
            start = end + 1;
        }
        PopupView { lines, scroll: popup.scroll }
    }

    /// The text as shown, marks and all, for tests and plain output.
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| l.iter().map(|s| s.text.as_str()).collect::<String>()).collect::<Vec<_>>().join("\n")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tab {
    /// "1 Overview".
    pub label: String,
    /// "1": the key, all a narrow tab bar shows of the tabs not on screen.
    pub number: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    /// The keys as the key map writes them (`←/h`, or what `[keys]` gave).
    pub keys: String,
    pub help: &'static str,
    /// Kept when the bar is short of room ("? help" leads to the rest).
    pub essential: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Overview(Box<Overview>),
    Table(TablePane),
}

/// A table view: its breadcrumb (Stages), the table, the selected row, and a chart beside
/// it when the level has one (a holder's history).
#[derive(Debug, Clone, PartialEq)]
pub struct TablePane {
    pub breadcrumb: Vec<String>,
    pub table: TableView,
    pub selected: usize,
    pub chart: Option<Chart>,
}

/// A stacked bar chart: one column per year, one segment per batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// The title for a narrow chart.
    pub short_title: String,
    pub columns: Vec<ChartColumn>,
}

/// One column: a label under it and its stacked segments (batch label, tonnes) bottom up.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartColumn {
    pub label: String,
    pub segments: Vec<(String, f64)>,
    /// Marks a column whose figures are incomplete (withheld batches).
    pub note: Option<&'static str>,
    /// The year had policy events (shown while the marks are on).
    pub marked: bool,
}

/// The screen for `state`.
pub fn build(state: &State) -> Screen {
    let view = state.view();
    let body = match table(state) {
        None => Body::Overview(Box::new(overview::overview(state))),
        Some(table) => {
            let selected = state.nav().selected(view, table.rows.len());
            let stages = view == View::Stages;
            Body::Table(TablePane {
                breadcrumb: if stages { breadcrumb(state) } else { Vec::new() },
                chart: if stages { history_chart(state.level()) } else { None },
                table,
                selected,
            })
        }
    };
    let hint = |b: &KeyBinding| Hint { keys: b.label.clone(), help: b.help, essential: b.action == Action::ToggleHelp };
    Screen {
        tabs: View::ALL
            .iter()
            .enumerate()
            .map(|(n, v)| Tab {
                label: format!("{} {}", n + 1, v.title()),
                number: (n + 1).to_string(),
                active: *v == view,
            })
            .collect(),
        context: format!(
            "{} · {} · {} · {}",
            state.commodity().map_or("no data", |c| c.as_str()),
            state.commodity().map_or("t", |c| c.unit()),
            state.stage().slug(),
            state.year().map_or_else(|| "-".into(), |y| y.to_string())
        ),
        short_context: format!(
            "{} {}",
            state.commodity().map_or("no data", |c| c.as_str()),
            state.year().map_or_else(|| "-".into(), |y| y.to_string())
        ),
        banner: state.banner().map(str::to_owned),
        body,
        hints: state.keys().hints(view).map(hint).collect(),
        filter_prompt: (*state.mode() == Mode::Filter).then(|| state.filter().to_owned()),
        help: (*state.mode() == Mode::Help).then(|| state.keys().bindings().iter().map(hint).collect()),
        popup: state.popup_detail().map(PopupView::of),
    }
}

/// Where the drill-down is: commodity and year, then each level's choice.
fn breadcrumb(state: &State) -> Vec<String> {
    let mut parts = vec![format!(
        "{} {}",
        state.commodity().map_or("", |c| c.as_str()),
        state.year().map_or_else(|| "-".into(), |y| y.to_string())
    )];
    for level in state.nav().levels().iter().skip(1) {
        match level {
            Level::Categories { stage, .. } => parts.push(stage.slug().into()),
            Level::Holders { category, .. } => parts.push(category.clone().unwrap_or_else(|| "all categories".into())),
            Level::History { holder, .. } => parts.push(holder.clone()),
            Level::Stages { .. } => {}
        }
    }
    parts
}

/// A holder's history as a chart of years split by batch.
fn history_chart(level: &Level) -> Option<Chart> {
    let Level::History { points, .. } = level else { return None };
    let columns = points.iter().fold(Vec::<ChartColumn>::new(), |mut columns, p| {
        let label = p.year.to_string();
        let segment = (batch_label(p.batch), p.tonnes.unwrap_or(0.0));
        match columns.last_mut() {
            Some(last) if last.label == label => last.segments.push(segment),
            _ => columns.push(ChartColumn { label, segments: vec![segment], note: None, marked: false }),
        }
        columns
    });
    Some(Chart { title: "by year and batch".into(), short_title: "by year".into(), columns })
}
