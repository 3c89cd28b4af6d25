//! Drawing: a pure function of [`State`]. No I/O, no analytics, no mutation; one module
//! per view plus shared pieces (theme, stacked chart, table).

mod chart;
mod overview;
mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::action::{Action, BINDINGS, Binding, hints};
use crate::app::state::{State, View};
use theme::Theme;

/// Below this the layout cannot show a table; a notice is drawn instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

pub fn render(frame: &mut Frame<'_>, state: &State, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!("terminal too small ({}x{}); need {MIN_WIDTH}x{MIN_HEIGHT}", area.width, area.height);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let banner_height = u16::from(state.banner.is_some());
    let [top, banner, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_height),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(frame, top, state, theme);
    if let Some(text) = &state.banner {
        let line = Line::from(vec![
            Span::styled(" ALERT ", theme.tab_active),
            Span::styled(format!(" {text}"), theme.warning),
            Span::styled("  (Esc dismisses)", theme.muted),
        ]);
        frame.render_widget(line, banner);
    }
    match state.view {
        View::Overview => overview::render(frame, body, state, theme),
        _ => table::render_view(frame, body, state, theme),
    }
    render_hints(frame, bottom, state, theme);
    if state.help {
        render_help(frame, area, theme);
    }
    if let Some(text) = &state.popup {
        render_popup(frame, area, "details (Esc to close)", text, theme);
    }
}

fn render_tabs(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let mut spans = vec![Span::styled(" quotawatch ", theme.title)];
    for (n, view) in View::ALL.iter().enumerate() {
        let style = if *view == state.view { theme.tab_active } else { theme.tab };
        spans.push(Span::styled(format!(" {} {} ", n + 1, view.title()), style));
    }
    let context = format!(
        "  {} · {} · {}",
        state.current_commodity().map_or("no data", |c| c.as_str()),
        state.stage.slug(),
        state.year.map_or_else(|| "-".into(), |y| y.to_string())
    );
    spans.push(Span::styled(context, theme.muted));
    frame.render_widget(Line::from(spans), area);
}

fn render_hints(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let line = if state.filter_editing {
        Line::from(vec![
            Span::styled(" filter: ", theme.key),
            Span::raw(format!("{}▏", state.filter)),
            Span::styled("  Enter keep · Esc clear", theme.muted),
        ])
    } else {
        // Whole hints only, as many as fit; "? help" always, since it leads to the rest.
        let hint = |binding: &Binding| {
            [
                Span::styled(format!(" {}", binding.label), theme.key),
                Span::styled(format!(" {} ", binding.help), theme.muted),
            ]
        };
        let is_help = |b: &Binding| b.action == Action::ToggleHelp;
        let reserved: usize = hints(state.view).filter(|b| is_help(b)).flat_map(hint).map(|s| s.width()).sum();
        let mut room = usize::from(area.width).saturating_sub(reserved);
        let mut spans = Vec::new();
        for binding in hints(state.view) {
            let pair = hint(binding);
            let width: usize = pair.iter().map(Span::width).sum();
            if is_help(binding) {
                spans.extend(pair);
            } else if width <= room {
                room -= width;
                spans.extend(pair);
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

fn render_help(frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| Line::from(vec![Span::styled(format!(" {:<7}", b.label), theme.key), Span::raw(b.help)]))
        .collect();
    let popup = centered(area, 46, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" keys ")
                .title_bottom(Line::styled(" ? or Esc closes · Ctrl-C quits ", theme.muted))
                .border_style(theme.border),
        ),
        popup,
    );
}

fn render_popup(frame: &mut Frame<'_>, area: Rect, title: &str, text: &str, theme: &Theme) {
    let popup = centered(area, area.width.saturating_sub(8).min(100), area.height.saturating_sub(4).min(16));
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" {title} ")).border_style(theme.border);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), popup);
}
