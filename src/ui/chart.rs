//! A stacked bar chart: one column per year, one segment per batch. ratatui's BarChart
//! groups bars side by side; stacking shows both the year total and its batch split.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::view::ChartColumn as Column;

/// Glyphs per batch position, so segments stay distinguishable without colour.
const GLYPHS: [&str; 4] = ["█", "▓", "▒", "░"];

#[derive(Debug)]
pub struct StackedBars<'a> {
    pub columns: &'a [Column],
    pub theme: &'a Theme,
}

fn compact(tonnes: f64) -> String {
    if tonnes >= 1_000_000.0 {
        format!("{:.1}M", tonnes / 1_000_000.0)
    } else if tonnes >= 1_000.0 {
        format!("{:.0}k", tonnes / 1_000.0)
    } else {
        format!("{tonnes:.0}")
    }
}

/// The distinct segment labels in order of first appearance, for the legend.
fn legend(columns: &[Column]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for (label, _) in columns.iter().flat_map(|c| &c.segments) {
        if !labels.contains(label) {
            labels.push(label.clone());
        }
    }
    labels
}

impl Widget for StackedBars<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < 4 || area.width < 6 || self.columns.is_empty() {
            return;
        }
        let labels = legend(self.columns);
        let style_of = |label: &str| {
            let i = labels.iter().position(|l| l == label).unwrap_or(0) % GLYPHS.len();
            (GLYPHS[i], self.theme.batches[i])
        };
        // Whole legend entries only, as many as fit.
        let mut room = usize::from(area.width);
        let mut legend_spans: Vec<Span> = Vec::new();
        for l in &labels {
            let (glyph, style) = style_of(l);
            let text = format!(" {l}  ");
            let needed = 1 + text.trim_end().chars().count();
            if needed > room {
                break;
            }
            room = room.saturating_sub(needed + 2);
            legend_spans.extend([Span::styled(glyph, style), Span::raw(text)]);
        }
        Line::from(legend_spans).render(Rect { height: 1, ..area }, buf);

        // Each column needs at least 3 cells and a gap; show the most recent that fit.
        let slot = (area.width / self.columns.len().max(1) as u16).clamp(4, 8);
        let fit = (area.width / slot) as usize;
        let shown = &self.columns[self.columns.len().saturating_sub(fit)..];
        let bar_width = slot - 1;
        let plot_height = area.height.saturating_sub(3); // legend, value, label rows
        let max = shown.iter().map(|c| c.segments.iter().map(|s| s.1).sum::<f64>()).fold(0.0, f64::max);
        let bottom = area.y + area.height - 2; // last plot row
        for (i, column) in shown.iter().enumerate() {
            let x = area.x + i as u16 * slot;
            let total: f64 = column.segments.iter().map(|s| s.1).sum();
            let mut filled = 0u16;
            let mut cumulative = 0.0;
            for (label, tonnes) in &column.segments {
                cumulative += tonnes;
                let top = if max > 0.0 { (cumulative / max * f64::from(plot_height)).round() as u16 } else { 0 };
                let (glyph, style) = style_of(label);
                for row in filled..top.min(plot_height) {
                    for dx in 0..bar_width {
                        buf[(x + dx, bottom - row)].set_symbol(glyph).set_style(style);
                    }
                }
                filled = filled.max(top.min(plot_height));
            }
            let mut value = match column.note {
                Some(note) if column.segments.is_empty() => note.to_owned(),
                _ if column.segments.is_empty() => String::new(),
                _ => compact(total),
            };
            // Keep a gap between neighbouring labels: "255k" becomes "255" in narrow slots.
            if value.chars().count() > usize::from(bar_width) {
                value = value.trim_end_matches(['k', 'M']).chars().take(usize::from(bar_width)).collect();
            }
            let value_row = bottom.saturating_sub(filled);
            buf.set_stringn(x, value_row.max(area.y + 1), &value, slot as usize, Style::new());
            let label = if bar_width >= 4 { column.label.clone() } else { column.label.chars().skip(2).collect() };
            buf.set_stringn(x, bottom + 1, &label, slot as usize, self.theme.muted);
        }
    }
}
