//! Table views (Stages at every drill level, Producers, Sources, Log, the overview's growth
//! table) drawn from the view layer's [`TableView`]. Column widths come from the cells and
//! the space there is, as bottom does: every column gets its widest cell when it fits; when
//! it does not, the free-text columns give up room first, then the others in proportion,
//! and any cut text ends in "…".

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::chart::StackedBars;
use super::text::{self, fit, width};
use super::theme::Theme;
use crate::view::{Align, Column, TablePane, TableView};

/// Cells between columns.
const SPACING: u16 = 2;
/// A free-text column is not squeezed below this (or its header, if narrower).
const FLEX_MIN: usize = 12;
/// Below this, a holder's history chart is not worth drawing beside the table.
const CHART_MIN_WIDTH: u16 = 30;

pub fn render_pane(frame: &mut Frame<'_>, area: Rect, pane: &TablePane, theme: &Theme) -> Option<RowsHit> {
    let area = if pane.breadcrumb.is_empty() {
        area
    } else {
        // The breadcrumb spans the whole width, above the table and the chart.
        let [crumb, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        frame.render_widget(breadcrumb(&pane.breadcrumb, theme, usize::from(crumb.width)), crumb);
        rest
    };
    let Some(chart) = &pane.chart else {
        return render_table(frame, area, &pane.table, Some(pane.selected), theme);
    };
    // The table takes what its columns need; the chart, what is left, if that is enough.
    let wanted = table_width(&pane.table);
    let (table_area, chart_area) = if area.width.saturating_sub(wanted) >= CHART_MIN_WIDTH {
        let [left, right] = Layout::horizontal([Constraint::Length(wanted), Constraint::Fill(1)]).areas(area);
        (left, Some(right))
    } else {
        (area, None)
    };
    let hit = render_table(frame, table_area, &pane.table, Some(pane.selected), theme);
    if let Some(chart_area) = chart_area {
        let room = usize::from(chart_area.width.saturating_sub(4));
        let title = if width(&chart.title) <= room { &chart.title } else { &chart.short_title };
        let block = Block::bordered().title(format!(" {} ", fit(title, room))).border_style(theme.border);
        let inner = block.inner(chart_area);
        frame.render_widget(block, chart_area);
        frame.render_widget(StackedBars { columns: &chart.columns, theme }, inner);
    }
    hit
}

/// Where a table's rows were drawn, for the mouse: the cells of its row lines, and the
/// index of the row on the first line (the table scrolls to keep the selection in view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsHit {
    pub area: Rect,
    pub first_row: usize,
    pub rows: usize,
}

impl RowsHit {
    /// The row drawn at (`column`, `line`), if any.
    pub fn row_at(&self, column: u16, line: u16) -> Option<usize> {
        let inside = column >= self.area.x
            && column < self.area.x + self.area.width
            && line >= self.area.y
            && line < self.area.y + self.area.height;
        let row = self.first_row + usize::from(line.checked_sub(self.area.y)?);
        (inside && row < self.rows).then_some(row)
    }
}

fn breadcrumb(parts: &[String], theme: &Theme, max: usize) -> Line<'static> {
    let mut spans = vec![crate::view::Span::new(" ", crate::view::Tone::Muted)];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            spans.push(crate::view::Span::new(" › ", crate::view::Tone::Muted));
        }
        let tone = if i + 1 == parts.len() { crate::view::Tone::Title } else { crate::view::Tone::Muted };
        spans.push(crate::view::Span::new(part.clone(), tone));
    }
    text::line(&spans, theme, max)
}

/// The width the table wants: its widest cells, spacing, borders and padding (or its title, if wider).
fn table_width(table: &TableView) -> u16 {
    let natural = natural_widths(table);
    let columns: usize = natural.iter().sum::<usize>() + usize::from(SPACING) * natural.len().saturating_sub(1);
    let title = width(&table.title) + 2;
    u16::try_from(columns.max(title) + 4).unwrap_or(u16::MAX)
}

/// Each column's widest cell or header.
fn natural_widths(table: &TableView) -> Vec<usize> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let cells = table.rows.iter().filter_map(|r| r.cells.get(i)).map(|c| width(&c.text));
            cells.chain([width(&column.header)]).max().unwrap_or(0)
        })
        .collect()
}

/// The spacing between columns for `available` cells: two, or one when the headers would
/// not fit whole with two (the Sources view at 80 columns) or when one lets every cell fit
/// whole (tungsten's Stages at 80 columns).
fn spacing_for(columns: &[Column], natural: &[usize], available: usize) -> u16 {
    let floors: usize = columns
        .iter()
        .zip(natural)
        .map(|(c, n)| match (c.flex, c.whole) {
            (_, true) => *n,
            (true, false) => FLEX_MIN.max(width(&c.header)).min(*n),
            (false, false) => width(&c.header).max(3).min(*n),
        })
        .sum();
    let gaps = columns.len().saturating_sub(1);
    let whole: usize = natural.iter().sum();
    // One cell between columns when the headers would not fit with two, or when one cell
    // is what lets every cell show whole.
    let wide = usize::from(SPACING) * gaps;
    if floors + wide > available || (whole + wide > available && whole + gaps <= available) { 1 } else { SPACING }
}

/// Column widths for `available` cells, `spacing` between columns: see the module comment.
fn fit_widths(columns: &[Column], natural: &[usize], available: usize, spacing: u16) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let spacing = usize::from(spacing) * columns.len().saturating_sub(1);
    let total = |w: &[usize]| w.iter().sum::<usize>() + spacing;
    if total(&widths) <= available {
        // Room to spare goes to the free-text column, so it reads whole.
        if let Some(flex) = columns.iter().position(|c| c.flex) {
            widths[flex] += available - total(&widths);
        }
        return widths;
    }
    let header = |i: usize| width(&columns[i].header);
    // Free text first, down to a readable minimum.
    for (i, column) in columns.iter().enumerate() {
        let over = total(&widths).saturating_sub(available);
        if column.flex && over > 0 {
            let floor = FLEX_MIN.max(header(i)).min(natural[i]);
            widths[i] -= over.min(widths[i] - floor);
        }
    }
    // Then the other columns in proportion to what they have above their header's width,
    // and last, if still short, the free text too.
    for include_flex in [false, true] {
        let over = total(&widths).saturating_sub(available);
        if over == 0 {
            break;
        }
        let spare: Vec<usize> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if columns[i].whole || (columns[i].flex && !include_flex) {
                    0
                } else {
                    w.saturating_sub(header(i).max(3))
                }
            })
            .collect();
        let all: usize = spare.iter().sum();
        let mut left = over.min(all);
        for (i, s) in spare.iter().enumerate() {
            let cut = (over * s).div_ceil(all.max(1)).min(*s).min(left);
            widths[i] -= cut;
            left -= cut;
        }
    }
    widths
}

/// Draws `model`; `selected` highlights a row (and scrolls to it), `None` shows the top.
pub fn render_table(
    frame: &mut Frame<'_>,
    area: Rect,
    model: &TableView,
    selected: Option<usize>,
    theme: &Theme,
) -> Option<RowsHit> {
    let title = fit(&model.title, usize::from(area.width.saturating_sub(4)));
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(theme.border)
        .padding(ratatui::widgets::Padding::horizontal(1));
    if model.rows.is_empty() {
        // The whole sentence, wrapped at words inside the border and padding.
        let empty = Paragraph::new(Text::styled(model.empty.clone(), theme.muted))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block);
        frame.render_widget(empty, area);
        return None;
    }
    let inner = usize::from(area.width.saturating_sub(4));
    let natural = natural_widths(model);
    let spacing = spacing_for(&model.columns, &natural, inner);
    let widths = fit_widths(&model.columns, &natural, inner, spacing);
    let cell = |text: &str, column: &Column, w: usize| {
        let line = Line::from(fit(text, w));
        if column.align == Align::Right { line.right_aligned() } else { line }
    };
    let header = Row::new(model.columns.iter().zip(&widths).map(|(c, w)| Cell::from(cell(&c.header, c, *w))))
        .style(theme.header);
    let rows = model.rows.iter().map(|row| {
        Row::new(
            row.cells
                .iter()
                .zip(model.columns.iter().zip(&widths))
                .map(|(span, (column, w))| Cell::from(cell(&span.text, column, *w)).style(theme.tone(span.tone))),
        )
    });
    let constraints = widths.iter().map(|w| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX)));
    let table = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .column_spacing(spacing);
    let mut table_state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
    // Inside the border, below the header line.
    let rows_area = Rect {
        x: area.x + 1,
        y: area.y + 2,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(3),
    };
    Some(RowsHit { area: rows_area, first_row: table_state.offset(), rows: model.rows.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_get_their_widest_cell_and_the_free_text_column_the_rest() {
        let columns = [Column::left("Stage"), Column::right("Tonnes"), Column::flex("Batches")];
        assert_eq!(fit_widths(&columns, &[19, 7, 30], 100, SPACING), [19, 7, 70]);
    }

    #[test]
    fn short_of_room_the_free_text_column_gives_way_first_then_the_others() {
        let columns = [Column::left("Stage"), Column::right("Tonnes"), Column::flex("Batches")];
        assert_eq!(fit_widths(&columns, &[19, 7, 30], 50, SPACING), [19, 7, 20]);
        let squeezed = fit_widths(&columns, &[19, 7, 30], 30, SPACING);
        assert_eq!(squeezed[2], 12, "the free text keeps a readable minimum");
        assert!(squeezed.iter().sum::<usize>() + 4 <= 30, "{squeezed:?}");
    }

    #[test]
    fn one_cell_between_columns_when_that_keeps_every_cell_whole() {
        let columns = [Column::left("Stage"), Column::right("Tonnes"), Column::flex("Batches")];
        assert_eq!(spacing_for(&columns, &[21, 11, 14], 48), 1, "46 cells with one, 50 with two");
        assert_eq!(spacing_for(&columns, &[21, 11, 14], 50), SPACING);
        assert_eq!(spacing_for(&columns, &[21, 11, 14], 40), SPACING, "cut either way: two, as before");
    }

    #[test]
    fn a_whole_column_is_never_narrowed_the_others_give_way() {
        let columns = [Column::left("Date").whole(), Column::left("Source"), Column::flex("Headline")];
        let widths = fit_widths(&columns, &[10, 30, 60], 50, SPACING);
        assert_eq!(widths[0], 10, "{widths:?}");
        assert_eq!(widths[2], 12, "{widths:?}");
        assert_eq!(widths.iter().sum::<usize>() + 4, 50, "{widths:?}");
    }
}
