//! Drawing a state the way the dashboard's loop does (view layer, then ui) onto a
//! TestBackend, as plain text or with its styles spelled out.

use quotawatch::app::State;
use quotawatch::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

pub fn buffer(state: &State, width: u16, height: u16) -> Buffer {
    let screen = quotawatch::view::build(state);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| ui::render(frame, &screen, &Theme::COLOR)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen's text, trailing spaces trimmed.
pub fn screen(state: &State, width: u16, height: u16) -> String {
    text_of(&buffer(state, width, height))
}

pub fn text_of(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen with every change of style marked, `{fg:Cyan bold}text`, so colour and
/// weight are part of the snapshot (a trader reads red and green before the digits).
pub fn screen_styled(state: &State, width: u16, height: u16) -> String {
    let buffer = buffer(state, width, height);
    let mut out = String::new();
    for y in 0..height {
        let mut current = Style::new();
        let mut line = String::new();
        for x in 0..width {
            let cell = &buffer[(x, y)];
            let style = cell.style();
            if style != current {
                line.push_str(&describe(style));
                current = style;
            }
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn describe(style: Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = style.fg {
        parts.push(format!("fg:{fg:?}"));
    }
    if let Some(bg) = style.bg {
        parts.push(format!("bg:{bg:?}"));
    }
    for (flag, name) in
        [(Modifier::BOLD, "bold"), (Modifier::DIM, "dim"), (Modifier::REVERSED, "rev"), (Modifier::UNDERLINED, "ul")]
    {
        if style.add_modifier.contains(flag) {
            parts.push(name.to_owned());
        }
    }
    format!("{{{}}}", parts.join(" "))
}
