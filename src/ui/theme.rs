//! Colours and styles in one place. Named ANSI colours (not white or black) so the
//! dashboard reads on dark and light terminals; `NO_COLOR` gives a monochrome theme that
//! keeps meaning through bold, dim and reverse only.

use ratatui::style::{Color, Modifier, Style};

use crate::view::Tone;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub title: Style,
    pub tab_active: Style,
    pub tab: Style,
    pub header: Style,
    pub selected: Style,
    pub muted: Style,
    pub up: Style,
    pub down: Style,
    pub warning: Style,
    pub border: Style,
    pub key: Style,
    /// Marked text: the words a headline's figure was read from.
    pub mark: Style,
    /// One style per batch position in stacked charts (cycled).
    pub batches: [Style; 4],
}

impl Theme {
    pub const COLOR: Theme = Theme {
        title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        tab_active: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD.union(Modifier::REVERSED)),
        tab: Style::new(),
        header: Style::new().add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
        selected: Style::new().add_modifier(Modifier::REVERSED),
        muted: Style::new().add_modifier(Modifier::DIM),
        up: Style::new().fg(Color::Green),
        down: Style::new().fg(Color::Red),
        warning: Style::new().fg(Color::Yellow),
        border: Style::new().fg(Color::Blue),
        key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        mark: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
        batches: [
            Style::new().fg(Color::Cyan),
            Style::new().fg(Color::Magenta),
            Style::new().fg(Color::Yellow),
            Style::new().fg(Color::Green),
        ],
    };

    pub const MONO: Theme = Theme {
        title: Style::new().add_modifier(Modifier::BOLD),
        tab_active: Style::new().add_modifier(Modifier::BOLD.union(Modifier::REVERSED)),
        tab: Style::new(),
        header: Style::new().add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
        selected: Style::new().add_modifier(Modifier::REVERSED),
        muted: Style::new().add_modifier(Modifier::DIM),
        up: Style::new(),
        down: Style::new().add_modifier(Modifier::BOLD),
        warning: Style::new().add_modifier(Modifier::BOLD),
        border: Style::new(),
        key: Style::new().add_modifier(Modifier::BOLD),
        mark: Style::new().add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
        batches: [Style::new(), Style::new(), Style::new(), Style::new()],
    };

    /// Monochrome when `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> &'static Theme {
        match std::env::var_os("NO_COLOR") {
            Some(value) if !value.is_empty() => &Theme::MONO,
            _ => &Theme::COLOR,
        }
    }

    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Normal => Style::new(),
            Tone::Muted => self.muted,
            Tone::Up => self.up,
            Tone::Down => self.down,
            Tone::Warning => self.warning,
            Tone::Title => self.title,
            Tone::Key => self.key,
            Tone::Badge => self.tab_active,
            Tone::Mark => self.mark,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn the_no_color_theme_sets_no_colour() {
        let t = Theme::MONO;
        let styles =
            [t.title, t.tab_active, t.tab, t.header, t.selected, t.muted, t.up, t.down, t.warning, t.border, t.key];
        for style in styles.iter().chain(&t.batches) {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
    }
}
