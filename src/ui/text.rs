//! Text that fits: cut to a width with an ellipsis, never silently mid-word, and view-model
//! lines turned into ratatui lines in the theme's styles.

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme::Theme;
use crate::view;

pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to `max` display cells, ending in "…" when anything was cut.
pub fn fit(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A view-model line in the theme's styles, cut to `max` cells with an ellipsis.
pub fn line(spans: &[view::Span], theme: &Theme, max: usize) -> Line<'static> {
    let mut room = max;
    let mut out = Vec::new();
    for span in spans {
        if room == 0 {
            break;
        }
        let text = fit(&span.text, room);
        let fitted = text.width();
        let cut = fitted < span.text.width();
        room -= fitted;
        out.push(Span::styled(text, theme.tone(span.tone)));
        if cut {
            // Whatever follows a cut span would read as part of it.
            break;
        }
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis_only_when_needed() {
        assert_eq!(fit("China Northern Rare Earth Group", 40), "China Northern Rare Earth Group");
        assert_eq!(fit("China Northern Rare Earth Group", 18), "China Northern Ra…");
        assert_eq!(fit("稀土开采", 5), "稀土…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("abc", 1), "…");
    }

    #[test]
    fn a_line_stops_after_its_first_cut_span() {
        let spans =
            [view::Span::new("rare-earths ", view::Tone::Title), view::Span::new("2025 batch 1", view::Tone::Muted)];
        let line = line(&spans, &Theme::MONO, 16);
        assert_eq!(line.to_string(), "rare-earths 202…");
    }
}
