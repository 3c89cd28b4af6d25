//! Drawing: a pure function of the view layer's [`Screen`]. No I/O, no analytics, no
//! mutation, and no knowledge of the state, the ledger or the store; one module per view
//! plus shared pieces (theme, text fitting, stacked chart, table).

mod chart;
mod overview;
mod table;
mod text;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::view::{Body, Hint, Screen, Tone};
use text::{fit, width};
use theme::Theme;

/// Below this the layout cannot show a table; a notice is drawn instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Where the mouse can act on the last frame: the tabs (by position in the screen's tab
/// list) and the current table's rows. Empty under an overlay, which takes no clicks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitMap {
    /// (first column, last column + 1, tab index) on the top line.
    pub tabs: Vec<(u16, u16, usize)>,
    pub rows: Option<table::RowsHit>,
    /// How far the open popup can scroll as drawn (its wrapped rows less those shown).
    pub popup_scroll_max: Option<u16>,
}

impl HitMap {
    /// The tab drawn at (`column`, `line`), if any.
    pub fn tab_at(&self, column: u16, line: u16) -> Option<usize> {
        if line != 0 {
            return None;
        }
        self.tabs.iter().find(|(start, end, _)| (*start..*end).contains(&column)).map(|(_, _, i)| *i)
    }

    /// The table row drawn at (`column`, `line`), if any.
    pub fn row_at(&self, column: u16, line: u16) -> Option<usize> {
        self.rows.and_then(|rows| rows.row_at(column, line))
    }
}

/// Draws `screen`; returns where the tabs and rows ended up, for the mouse.
pub fn render(frame: &mut Frame<'_>, screen: &Screen, theme: &Theme) -> HitMap {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!("terminal too small ({}x{}); need {MIN_WIDTH}x{MIN_HEIGHT}", area.width, area.height);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return HitMap::default();
    }
    let banner_height = u16::from(screen.banner.is_some());
    let [top, banner, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_height),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut hits = HitMap { tabs: render_tabs(frame, top, screen, theme), ..HitMap::default() };
    if let Some(text) = &screen.banner {
        let spans = [
            crate::view::Span::new(" ALERT ", Tone::Badge),
            crate::view::Span::new(format!(" {text}"), Tone::Warning),
            crate::view::Span::new("  (Esc dismisses)", Tone::Muted),
        ];
        frame.render_widget(text::line(&spans, theme, usize::from(banner.width)), banner);
    }
    match &screen.body {
        Body::Overview(overview) => overview::render(frame, body, overview, theme),
        Body::Table(pane) => hits.rows = table::render_pane(frame, body, pane, theme),
    }
    render_hints(frame, bottom, screen, theme);
    if let Some(help) = &screen.help {
        render_help(frame, area, help, theme);
        hits = HitMap::default();
    }
    if let Some(popup) = &screen.popup {
        hits = HitMap { popup_scroll_max: Some(render_popup(frame, area, popup, theme)), ..HitMap::default() };
    }
    hits
}

/// The tabs, then the context (commodity, unit, stage, year) if it fits whole.
/// On a narrow terminal the product's name gives way first, then the context shortens to
/// commodity and year, then the tabs other than the current one show their numbers only:
/// what the figures are of matters more than whose tool it is.
fn render_tabs(frame: &mut Frame<'_>, area: Rect, screen: &Screen, theme: &Theme) -> Vec<(u16, u16, usize)> {
    let tabs = |compact: bool| -> Vec<Span<'static>> {
        screen
            .tabs
            .iter()
            .map(|tab| {
                let label = if compact && !tab.active { tab.number.clone() } else { tab.label.clone() };
                Span::styled(format!(" {label} "), if tab.active { theme.tab_active } else { theme.tab })
            })
            .collect()
    };
    let name = Span::styled(" quotawatch ", theme.title);
    let room = usize::from(area.width);
    let layouts = [
        (true, false, Some(&screen.context)),
        (false, false, Some(&screen.context)),
        (false, false, Some(&screen.short_context)),
        (false, true, Some(&screen.short_context)),
        (false, false, None),
    ];
    let fits = |(named, compact, context): &(bool, bool, Option<&String>)| {
        let named = if *named { name.width() } else { 0 };
        let context = context.map_or(0, |c| 2 + width(c));
        named + tabs(*compact).iter().map(Span::width).sum::<usize>() + context <= room
    };
    let (named, compact, context) = layouts.iter().find(|l| fits(l)).copied().unwrap_or((false, false, None));
    let mut spans = Vec::new();
    if named {
        spans.push(name);
    }
    let mut column = area.x + spans.iter().map(|s| u16::try_from(s.width()).unwrap_or(0)).sum::<u16>();
    let mut regions = Vec::new();
    for (index, tab) in tabs(compact).into_iter().enumerate() {
        let width = u16::try_from(tab.width()).unwrap_or(0);
        regions.push((column, column + width, index));
        column += width;
        spans.push(tab);
    }
    if let Some(context) = context {
        spans.push(Span::styled(format!("  {context}"), theme.muted));
    }
    frame.render_widget(Line::from(spans), area);
    regions
}

fn render_hints(frame: &mut Frame<'_>, area: Rect, screen: &Screen, theme: &Theme) {
    let line = if let Some(filter) = &screen.filter_prompt {
        Line::from(vec![
            Span::styled(" filter: ", theme.key),
            Span::raw(format!("{filter}▏")),
            Span::styled("  Enter keep · Esc clear", theme.muted),
        ])
    } else {
        // Whole hints only, as many as fit; the essential ones always.
        let pair = |hint: &Hint| {
            [Span::styled(format!(" {}", hint.keys), theme.key), Span::styled(format!(" {} ", hint.help), theme.muted)]
        };
        let pair_width = |hint: &Hint| pair(hint).iter().map(Span::width).sum::<usize>();
        let reserved: usize = screen.hints.iter().filter(|h| h.essential).map(pair_width).sum();
        let mut room = usize::from(area.width).saturating_sub(reserved);
        let mut spans = Vec::new();
        for hint in &screen.hints {
            let w = pair_width(hint);
            if hint.essential {
                spans.extend(pair(hint));
            } else if w <= room {
                room -= w;
                spans.extend(pair(hint));
            }
        }
        Line::from(spans)
    };
    frame.render_widget(line, area);
}

/// A centred rectangle of at most `width` x `height` inside `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

/// The key overlay: one column when it fits the height, else as many as it needs side by
/// side (80x24 has room for 21 lines), each entry whole or cut with an ellipsis.
fn render_help(frame: &mut Frame<'_>, area: Rect, help: &[Hint], theme: &Theme) {
    let key_width = help.iter().map(|h| width(&h.keys)).max().unwrap_or(0) + 2;
    let entry_width = help.iter().map(|h| key_width + 1 + width(h.help)).max().unwrap_or(0) + 1;
    let footer = " ? or Esc closes · Ctrl-C quits ";
    let rows_room = usize::from(area.height.saturating_sub(2)).max(1);
    let columns = help.len().div_ceil(rows_room).max(1);
    let rows = help.len().div_ceil(columns);
    let column_width = entry_width.min(usize::from(area.width.saturating_sub(2)) / columns);
    let entry = |h: &Hint| {
        let keys = format!(" {:<key_width$}", h.keys);
        let help = fit(h.help, column_width.saturating_sub(width(&keys) + 1));
        let pad = column_width.saturating_sub(width(&keys) + width(&help));
        vec![Span::styled(keys, theme.key), Span::raw(help), Span::raw(" ".repeat(pad))]
    };
    let lines: Vec<Line> = (0..rows)
        .map(|row| {
            let spans: Vec<Span> = (0..columns).filter_map(|c| help.get(c * rows + row)).flat_map(entry).collect();
            Line::from(spans)
        })
        .collect();
    let popup_width = u16::try_from((column_width * columns).max(width(footer)) + 2).unwrap_or(u16::MAX);
    let popup = centered(area, popup_width, u16::try_from(rows + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" keys ")
                .title_bottom(Line::styled(fit(footer, usize::from(popup.width.saturating_sub(2))), theme.muted))
                .border_style(theme.border),
        ),
        popup,
    );
}

/// A popup sized to its text (at most the screen less a margin), its lines wrapped and
/// marked words styled, scrolled as the state says (never past its last page); the bottom
/// border says when there is more. Returns how far it can scroll.
fn render_popup(frame: &mut Frame<'_>, area: Rect, popup: &crate::view::PopupView, theme: &Theme) -> u16 {
    let outer_width = area.width.saturating_sub(8).min(100);
    let inner = usize::from(outer_width.saturating_sub(2)).max(1);
    let rows: usize =
        popup.lines.iter().map(|line| line.iter().map(|s| width(&s.text)).sum::<usize>().div_ceil(inner).max(1)).sum();
    let room = usize::from(area.height.saturating_sub(4)).clamp(1, 32);
    let height = rows.min(room.max(14)).min(usize::from(area.height.saturating_sub(2)));
    let rect = centered(area, outer_width, u16::try_from(height + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, rect);
    let shown = usize::from(rect.height.saturating_sub(2));
    let max = u16::try_from(rows.saturating_sub(shown)).unwrap_or(u16::MAX);
    let scroll = popup.scroll.min(max);
    let mut block = Block::bordered().title(" details (Esc to close) ").border_style(theme.border);
    if rows > shown {
        let more = format!(" ↑↓ PgUp PgDn: line {} of {rows} ", scroll + 1);
        block = block.title_bottom(Line::styled(fit(&more, inner), theme.muted));
    }
    let text: Vec<Line<'static>> = popup
        .lines
        .iter()
        .map(|line| {
            Line::from(line.iter().map(|s| Span::styled(s.text.clone(), theme.tone(s.tone))).collect::<Vec<_>>())
        })
        .collect();
    let paragraph = Paragraph::new(text).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(block);
    frame.render_widget(paragraph, rect);
    max
}
