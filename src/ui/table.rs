//! Table views (Stages at every drill level, Producers, Sources, Log) drawn from the
//! [`TableModel`] that `app::tables` builds, so what is drawn is what keys act on.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::chart::{Column, StackedBars};
use super::theme::Theme;
use crate::app::state::{Level, State, View};
use crate::app::tables::{TableModel, current_table};
use crate::app::update::selected_row;
use crate::model::batch_label;

pub fn render_view(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let Some(model) = current_table(state) else { return };
    let (table_area, side) = match state.level() {
        Level::History { points, .. } if state.view == View::Stages && area.width >= 100 => {
            let [left, right] = Layout::horizontal([Constraint::Length(52), Constraint::Fill(1)]).areas(area);
            (left, Some((right, points)))
        }
        _ => (area, None),
    };
    let area = if state.view == View::Stages {
        let [crumb, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(table_area);
        frame.render_widget(breadcrumb(state, theme), crumb);
        rest
    } else {
        table_area
    };
    render_table(frame, area, &model, Some(selected_row(state, model.rows.len())), theme);
    if let Some((chart_area, points)) = side {
        let columns: Vec<Column> = points.iter().fold(Vec::<Column>::new(), |mut columns, p| {
            let label = p.year.to_string();
            let segment = (batch_label(p.batch), p.tonnes.unwrap_or(0.0));
            match columns.last_mut() {
                Some(last) if last.label == label => last.segments.push(segment),
                _ => columns.push(Column { label, segments: vec![segment], note: None }),
            }
            columns
        });
        let block = Block::bordered().title(" by year and batch ").border_style(theme.border);
        let inner = block.inner(chart_area);
        frame.render_widget(block, chart_area);
        frame.render_widget(StackedBars { columns: &columns, theme }, inner);
    }
}

fn breadcrumb<'a>(state: &State, theme: &Theme) -> Line<'a> {
    let mut parts = vec![format!(
        "{} {}",
        state.current_commodity().map_or("", |c| c.as_str()),
        state.year.map_or_else(|| "-".into(), |y| y.to_string())
    )];
    for level in state.drill.iter().skip(1) {
        match level {
            Level::Categories { stage, .. } => parts.push(stage.slug().into()),
            Level::Holders { category, .. } => parts.push(category.clone()),
            Level::History { holder, .. } => parts.push(holder.clone()),
            Level::Stages { .. } => {}
        }
    }
    let mut spans = vec![Span::styled(" ", theme.muted)];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.muted));
        }
        let style = if i + 1 == parts.len() { theme.title } else { theme.muted };
        spans.push(Span::styled(part.clone(), style));
    }
    Line::from(spans)
}

/// Draws `model`; `selected` highlights a row (and scrolls to it), `None` shows the top.
pub fn render_table(frame: &mut Frame<'_>, area: Rect, model: &TableModel, selected: Option<usize>, theme: &Theme) {
    let block = Block::bordered().title(format!(" {} ", model.title)).border_style(theme.border);
    if model.rows.is_empty() {
        frame.render_widget(Paragraph::new(Text::styled(model.empty.clone(), theme.muted)).block(block), area);
        return;
    }
    let align = |text: String, right: bool| {
        if right { Line::from(text).right_aligned() } else { Line::from(text) }
    };
    let header =
        Row::new(model.header.iter().zip(&model.right_aligned).map(|(h, right)| Cell::from(align(h.clone(), *right))))
            .style(theme.header);
    let rows = model.rows.iter().map(|row| {
        Row::new(
            row.cells
                .iter()
                .zip(&model.right_aligned)
                .map(|((text, tone), right)| Cell::from(align(text.clone(), *right)).style(theme.tone(*tone))),
        )
    });
    // A width of 0 marks the column that takes the remaining space.
    let widths = model.widths.iter().map(|w| if *w == 0 { Constraint::Fill(1) } else { Constraint::Length(*w) });
    let table =
        Table::new(rows, widths).header(header).block(block).row_highlight_style(theme.selected).column_spacing(2);
    let mut table_state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
}
