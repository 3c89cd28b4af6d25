//! The overview: the latest announcement, both stages' totals with growth for the selected
//! year, annual totals split by batch for the selected stage, growth by year, and the
//! latest events.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::chart::{Column, StackedBars};
use super::table::render_table;
use super::theme::Theme;
use crate::analytics::Measure;
use crate::app::derived::stage_index;
use crate::app::state::State;
use crate::app::tables::{TableModel, TableRow, Tone, growth_cell, revision_note};
use crate::format::thousands;
use crate::model::{Stage, Status, batch_label};

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let events_height = if area.height >= 30 { 7 } else { 4 };
    let [latest, stats, middle, events] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(5),
        Constraint::Fill(1),
        Constraint::Length(events_height),
    ])
    .areas(area);
    frame.render_widget(latest_line(state, theme), latest);
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(stats);
    render_stage_box(frame, left, state, Stage::Mining, theme);
    render_stage_box(frame, right, state, Stage::SmeltingSeparation, theme);
    let [chart, growth] = Layout::horizontal([Constraint::Fill(3), Constraint::Length(42)]).areas(middle);
    render_chart(frame, chart, state, theme);
    render_table(frame, growth, &growth_table(state), None, theme);
    render_events(frame, events, state, theme);
}

fn latest_line<'a>(state: &State, theme: &Theme) -> Paragraph<'a> {
    let Some(latest) = &state.derived.latest else {
        return Paragraph::new(Line::styled(" No announcements loaded. Configure a source (see --help).", theme.muted));
    };
    let status = match latest.status {
        Status::Published => Span::styled("published", theme.up),
        Status::Unpublished => Span::styled("figures not published", theme.warning),
    };
    let mut first = vec![
        Span::styled(" Latest: ", theme.muted),
        Span::styled(latest.key.to_string(), theme.title),
        Span::raw(format!(" · {} · ", latest.published.clone().unwrap_or_else(|| "date unknown".into()))),
        status,
    ];
    if latest.revised {
        first.push(Span::styled(" · revised", theme.warning));
    }
    let title = latest.title.clone().unwrap_or_default();
    Paragraph::new(vec![Line::from(first), Line::styled(format!(" {title}"), theme.muted)])
}

fn render_stage_box(frame: &mut Frame<'_>, area: Rect, state: &State, stage: Stage, theme: &Theme) {
    let unit = state.current_commodity().map_or("t", |c| c.unit());
    let year = state.year.unwrap_or_default();
    let selected = if state.stage == stage { theme.title } else { theme.muted };
    let block = Block::bordered()
        .title(Span::styled(format!(" {} {year} ", stage.label()), selected))
        .border_style(theme.border);
    let point = state.derived.year_point(stage, year);
    let lines = match point.and_then(|p| p.tonnes.map(|t| (p, t))) {
        None => vec![Line::styled("no published figure", theme.muted)],
        Some((point, tonnes)) => {
            let (growth, tone) = growth_cell(point.growth.as_ref());
            let basis = point.growth.as_ref().map_or_else(
                || "no like-for-like comparison".to_owned(),
                |g| format!("{} vs {} ({} {unit})", g.basis.label(), g.compared_year, thousands(g.previous_tonnes)),
            );
            let batches = state
                .derived
                .batches_used(stage, year)
                .map(|b| {
                    let text = match b.tonnes {
                        Some(t) => format!("{} {}", batch_label(b.batch), thousands(t)),
                        None => format!("{} unpublished", batch_label(b.batch)),
                    };
                    match revision_note(state, year, b.batch, &Measure::Stage(stage)) {
                        Some(note) => format!("{text} ({note})"),
                        None => text,
                    }
                })
                .collect::<Vec<_>>()
                .join(" · ");
            let mut headline =
                vec![Span::styled(format!("{} {unit}", thousands(tonnes)), theme.title), Span::raw("  ")];
            headline.push(Span::styled(growth, theme.tone(tone)));
            if point.partial {
                headline.push(Span::styled("  partial", theme.warning));
            }
            if point.conflict {
                headline.push(Span::styled("  full-year issue beside batches: full year used", theme.warning));
            }
            vec![Line::from(headline), Line::styled(basis, theme.muted), Line::styled(batches, theme.muted)]
        }
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_chart(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let mut columns: Vec<Column> = Vec::new();
    for year in &state.derived.years {
        let mut column = Column { label: year.to_string(), segments: Vec::new(), note: None };
        for point in state.derived.batches_used(state.stage, *year) {
            match point.tonnes {
                Some(t) => column.segments.push((batch_label(point.batch), t)),
                None if point.status == Status::Unpublished => column.note = Some("n/p"),
                None => {}
            }
        }
        columns.push(column);
    }
    let block = Block::bordered()
        .title(format!(" {} quota by year, split by batch (s: switch stage) ", state.stage.label()))
        .border_style(theme.border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(StackedBars { columns: &columns, theme }, inner);
}

fn growth_table(state: &State) -> TableModel {
    let unit = state.current_commodity().map_or("t", |c| c.unit());
    let rows = state.derived.stage_years[stage_index(state.stage)]
        .iter()
        .rev()
        .map(|p| {
            let tonnes = match p.tonnes {
                Some(t) => (thousands(t), Tone::Normal),
                None if p.partial => ("withheld".into(), Tone::Warning),
                None => ("-".into(), Tone::Muted),
            };
            let basis = p.growth.map_or_else(|| "-".into(), |g| g.basis.slug());
            TableRow {
                key: p.year.to_string(),
                cells: vec![
                    (p.year.to_string(), Tone::Normal),
                    tonnes,
                    growth_cell(p.growth.as_ref()),
                    (basis, Tone::Muted),
                ],
            }
        })
        .collect();
    TableModel {
        title: format!("growth · {unit}"),
        header: ["Year", "Tonnes", "YoY", "Basis"].map(String::from).to_vec(),
        widths: vec![4, 9, 7, 10],
        right_aligned: vec![false, true, true, false],
        rows,
        empty: "No figures.".into(),
    }
}

fn render_events(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let visible = area.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = state
        .log
        .iter()
        .rev()
        .take(visible)
        .map(|e| {
            Line::from(vec![
                Span::styled(format!(" {} ", e.at.format("%H:%M:%S")), theme.muted),
                Span::styled(format!("{:<9}", e.kind.label()), theme.key),
                Span::raw(e.text.clone()),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" latest events ").border_style(theme.border)),
        area,
    );
}
