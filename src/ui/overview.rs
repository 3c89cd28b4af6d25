//! The overview, drawn from [`Overview`]:
//!
//! ```text
//! ┌ Latest: rare-earths 2025 batch 1 · 2025-07-18 · figures withheld ─────────────────┐
//! │ title of the latest announcement                                                  │
//! ├ Mining 2024 ─────────────────────────┐┌ Smelting-separation 2024 ────────────────┤
//! │ 270,000 t REO  +5.9%                 ││ 254,000 t REO  +4.2%                      │
//! │ full year vs 2023: 255,000            ││ ...                                       │
//! │ batch 1 135,000 · batch 2 135,000    ││                                           │
//! ├ Mining quota by year, split by batch ──────────────────┐┌ growth · t REO ─────────┤
//! │ stacked bars, the most recent years that fit           ││ Year Tonnes YoY Basis   │
//! ├ latest events ─────────────────────────────────────────┘└─────────────────────────┤
//! │ 09:30:00 loaded   bundled: 42 announcements                                       │
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::chart::StackedBars;
use super::table::render_table;
use super::text::{self, fit, line};
use super::theme::Theme;
use crate::view::{Overview, StageBox};

/// The growth table's width: year, tonnes, growth and basis read whole at this width.
const GROWTH_WIDTH: u16 = 46;

pub fn render(frame: &mut Frame<'_>, area: Rect, overview: &Overview, theme: &Theme) {
    let events_height = if area.height >= 30 { 7 } else { 4 };
    // The stage boxes grow with their consensus lines, a few at most.
    let box_lines = overview.stages.iter().map(|s| s.lines.len() + s.consensus.len()).max().unwrap_or(1).clamp(3, 6);
    let box_height = u16::try_from(box_lines + 2).unwrap_or(5);
    let [latest, stats, middle, events] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(box_height),
        Constraint::Fill(1),
        Constraint::Length(events_height),
    ])
    .areas(area);
    let width = usize::from(area.width);
    let mut lines: Vec<Line> = overview.latest.iter().map(|l| line(l, theme, width)).collect();
    lines.push(next_line(&overview.next, theme, width));
    frame.render_widget(Paragraph::new(lines), latest);
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(stats);
    render_stage_box(frame, left, &overview.stages[0], theme);
    render_stage_box(frame, right, &overview.stages[1], theme);
    let [chart, growth] = Layout::horizontal([Constraint::Fill(3), Constraint::Length(GROWTH_WIDTH)]).areas(middle);
    let room = usize::from(chart.width.saturating_sub(4));
    let title =
        if text::width(&overview.chart.title) <= room { &overview.chart.title } else { &overview.chart.short_title };
    let title = fit(title, room);
    let block = Block::bordered().title(format!(" {title} ")).border_style(theme.border);
    let inner = block.inner(chart);
    frame.render_widget(block, chart);
    frame.render_widget(StackedBars { columns: &overview.chart.columns, theme }, inner);
    let _ = render_table(frame, growth, &overview.growth, None, theme);
    let inner_width = usize::from(events.width.saturating_sub(2));
    let visible = usize::from(events.height.saturating_sub(2));
    let lines: Vec<Line> = overview.events.iter().take(visible).map(|l| line(l, theme, inner_width)).collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" latest events ").border_style(theme.border)),
        events,
    );
}

fn render_stage_box(frame: &mut Frame<'_>, area: Rect, stage: &StageBox, theme: &Theme) {
    let style = if stage.selected { theme.title } else { theme.muted };
    let inner = usize::from(area.width.saturating_sub(2));
    let title = if text::width(&stage.title) + 2 <= inner { &stage.title } else { &stage.short_title };
    let block = Block::bordered()
        .title(ratatui::text::Span::styled(format!(" {} ", fit(title, inner.saturating_sub(2))), style))
        .border_style(theme.border);
    let mut lines: Vec<Line> = stage.lines.iter().map(|l| line(l, theme, inner)).collect();
    for (whole, brief) in &stage.consensus {
        let fits = whole.iter().map(|s| text::width(&s.text)).sum::<usize>() <= inner;
        lines.push(line(if fits { whole } else { brief }, theme, inner));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// ` next: ` and as many commodities' next releases as fit whole.
fn next_line(entries: &[crate::view::Line], theme: &Theme, width: usize) -> Line<'static> {
    let mut spans = vec![crate::view::Span::new(" next: ", crate::view::Tone::Muted)];
    if entries.is_empty() {
        spans.push(crate::view::Span::new("no dated release history to time one", crate::view::Tone::Muted));
    }
    let mut used = text::width(" next: ");
    for (i, entry) in entries.iter().enumerate() {
        let separator = if i == 0 { "" } else { "  ·  " };
        let needed = text::width(separator) + entry.iter().map(|s| text::width(&s.text)).sum::<usize>();
        if i > 0 && used + needed > width {
            break;
        }
        spans.push(crate::view::Span::new(separator, crate::view::Tone::Muted));
        spans.extend(entry.iter().cloned());
        used += needed;
    }
    line(&spans, theme, width)
}
