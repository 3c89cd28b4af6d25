//! What Enter shows of a headline: where it came from and how far to trust it, the
//! figures read in it, and its text with the words each figure was read from marked, so a
//! trader sees at a glance why quotawatch read what it read (and can tell a misreading).

use std::ops::Range;

use super::nav::Popup;
use crate::news::{Figure, Headline};

/// A text longer than this is shown as the passages around its figures.
const WHOLE_CHARS: usize = 1_200;
/// Characters kept either side of a figure in a passage.
const CONTEXT_CHARS: usize = 160;
/// Lines are wrapped here, inside the popup of an 80-column terminal (70 cells), so the
/// popup's lines are the rows it scrolls by.
pub const WRAP_CELLS: usize = 68;

/// The popup of one headline.
pub fn popup(h: &Headline) -> Popup {
    let mut out = Builder::default();
    let date = h.published.map_or_else(|| "no date".to_owned(), |d| d.to_string());
    out.push(&format!(
        "{} · {} · {} · {date} · first seen {}{}\n\n",
        h.attribution(),
        h.detail.tier.slug(),
        h.kind.slug(),
        h.first_seen.format("%Y-%m-%d %H:%M UTC"),
        if h.followed { " · page read" } else { "" },
    ));
    let figures = &h.detail.figures;
    out.marked(&h.title, figures_in(figures, "title"));
    out.push("\n\n");
    if figures.is_empty() {
        out.push(match h.kind {
            crate::news::HeadlineKind::Unpublished => "Issued without figures: the text gives none.\n",
            _ => "No figures read.\n",
        });
    } else {
        out.push("Figures read (the words they came from are marked):\n");
        for f in figures {
            let label = f.label().replacen(" batch ", " b", 1);
            out.push(&format!("  {label} ← \"{}\" ({})\n", f.text, f.field));
        }
    }
    for (field, heading, text) in [("summary", "Summary", &h.detail.summary), ("body", "Page text", &h.detail.body)] {
        if text.is_empty() {
            continue;
        }
        out.push(&format!("\n{heading}:\n"));
        passages(&mut out, text, &figures_in(figures, field));
        out.push("\n");
    }
    // The link whole on its own line, never broken by the wrapping: it is copied from here.
    out.push("\n");
    out.text.push_str(h.url.as_deref().unwrap_or("no link"));
    Popup { text: out.text, marks: out.marks, scroll: 0 }
}

fn figures_in<'f>(figures: &'f [Figure], field: &str) -> Vec<&'f str> {
    figures.iter().filter(|f| f.field == field && !f.text.is_empty()).map(|f| f.text.as_str()).collect()
}

/// Where each of `needles` is in `text`, in order, not overlapping: the same words read
/// twice (two stages from one `分别为` list) are marked once.
fn find_all(text: &str, needles: &[&str]) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    for needle in needles {
        let mut from = 0;
        while let Some(at) = text[from..].find(needle) {
            let range = from + at..from + at + needle.len();
            if !found.iter().any(|r| r.start < range.end && range.start < r.end) {
                found.push(range);
                break;
            }
            from = range.end;
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// `text` whole when short, else the passages around its figures (or its opening, with
/// none), marked.
fn passages(out: &mut Builder, text: &str, needles: &[&str]) {
    if text.chars().count() <= WHOLE_CHARS {
        out.marked(text, needles.to_vec());
        return;
    }
    let found = find_all(text, needles);
    if found.is_empty() {
        let end = text.char_indices().nth(WHOLE_CHARS / 2).map_or(text.len(), |(i, _)| i);
        out.push(&text[..end]);
        out.push(" …");
        return;
    }
    // Windows around each figure, merged where they touch.
    let mut windows: Vec<Range<usize>> = Vec::new();
    for r in &found {
        let start = back(text, r.start, CONTEXT_CHARS);
        let end = forward(text, r.end, CONTEXT_CHARS);
        match windows.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => windows.push(start..end),
        }
    }
    for (n, w) in windows.iter().enumerate() {
        if n > 0 || w.start > 0 {
            out.push(if n > 0 { "\n… " } else { "… " });
        }
        let inside: Vec<Range<usize>> = found
            .iter()
            .filter(|r| r.start >= w.start && r.end <= w.end)
            .map(|r| r.start - w.start..r.end - w.start)
            .collect();
        out.with_ranges(&text[w.clone()], &inside);
    }
    if windows.last().is_some_and(|w| w.end < text.len()) {
        out.push(" …");
    }
}

/// The byte index `chars` characters before `at`.
fn back(text: &str, at: usize, chars: usize) -> usize {
    text[..at].char_indices().rev().nth(chars.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// The byte index `chars` characters after `at`.
fn forward(text: &str, at: usize, chars: usize) -> usize {
    text[at..].char_indices().nth(chars).map_or(text.len(), |(i, _)| at + i)
}

/// The popup's text and marks, built together so the ranges stay right.
#[derive(Default)]
struct Builder {
    text: String,
    marks: Vec<Range<usize>>,
}

impl Builder {
    fn push(&mut self, text: &str) {
        self.with_ranges(text, &[]);
    }

    fn marked(&mut self, text: &str, needles: Vec<&str>) {
        let found = find_all(text, &needles);
        self.with_ranges(text, &found);
    }

    /// Appends `text` wrapped at [`WRAP_CELLS`]: at the last space of the line, else beside
    /// a wide (Chinese) character, as such text wraps, else (a long link) where it overflows;
    /// never inside a marked range. Marks move with the breaks inserted.
    fn with_ranges(&mut self, text: &str, ranges: &[Range<usize>]) {
        use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
        let line_start = self.text.rfind('\n').map_or(0, |i| i + 1);
        let mut column = self.text[line_start..].width();
        let mut pending = ranges.iter().peekable();
        let mut open: Option<usize> = None;
        // Where the line may break: a space (replaced by the break) or a place between two
        // characters (a break inserted); the latest wins.
        let mut candidate: Option<(usize, bool)> = None;
        let mut previous_wide = false;
        for (i, c) in text.char_indices() {
            if pending.peek().is_some_and(|r| r.start == i) {
                open = Some(self.text.len());
            }
            let w = c.width().unwrap_or(0);
            if c == '\n' {
                column = 0;
                candidate = None;
            } else {
                if open.is_none() && (w > 1 || previous_wide) && column > 0 {
                    candidate = Some((self.text.len(), false));
                }
                if column + w > WRAP_CELLS && c != ' ' {
                    let at = match candidate.take() {
                        Some((at, true)) => {
                            self.text.replace_range(at..at + 1, "\n");
                            at
                        }
                        Some((at, false)) => {
                            self.text.insert(at, '\n');
                            shift(&mut self.marks, &mut open, at);
                            at
                        }
                        None => {
                            let at = self.text.len();
                            self.text.push('\n');
                            shift(&mut self.marks, &mut open, at);
                            at
                        }
                    };
                    column = self.text[at + 1..].width();
                }
                if c == ' ' && open.is_none() {
                    candidate = Some((self.text.len(), true));
                }
            }
            self.text.push(c);
            column += w;
            previous_wide = w > 1;
            if let Some(r) = pending.peek()
                && r.end == i + c.len_utf8()
            {
                let start = open.take().unwrap_or(self.text.len());
                self.marks.push(start..self.text.len());
                pending.next();
            }
        }
    }
}

/// Marks at or after `at` move one byte on (a line break inserted there).
fn shift(marks: &mut [Range<usize>], open: &mut Option<usize>, at: usize) {
    for m in marks.iter_mut().filter(|m| m.start >= at) {
        *m = m.start + 1..m.end + 1;
    }
    if let Some(start) = open.as_mut().filter(|s| **s >= at) {
        *start += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::news::{Detail, HeadlineKind};

    fn notice(body: String, figures: Vec<(&str, &str)>) -> Headline {
        Headline {
            source: "mnr-notices".into(),
            title: "关于下达2024年第一批稀土开采、冶炼分离总量控制指标的通知".into(),
            url: Some("https://www.mnr.gov.cn/gk/tzgg/202402/t20240207.html".into()),
            published: chrono::NaiveDate::from_ymd_opt(2024, 2, 7),
            kind: HeadlineKind::Announcement,
            first_seen: chrono::DateTime::from_timestamp(1_707_300_000, 0).expect("time"),
            followed: true,
            detail: Detail {
                tier: crate::model::Tier::Official,
                body,
                figures: figures
                    .into_iter()
                    .map(|(figure, text)| Figure {
                        release: "rare-earths 2024 batch 1".into(),
                        figure: figure.into(),
                        field: "body".into(),
                        text: text.into(),
                        total: true,
                    })
                    .collect(),
                ..Detail::default()
            },
        }
    }

    fn marked(p: &Popup) -> Vec<&str> {
        p.marks.iter().map(|r| &p.text[r.clone()]).collect()
    }

    #[test]
    fn each_figures_words_are_marked_in_the_text() {
        let body = "2024年第一批稀土开采、冶炼分离总量控制指标分别为135000吨、127000吨。".to_owned();
        let p =
            popup(&notice(body, vec![("mining 135,000 t", "135000吨"), ("smelting-separation 127,000 t", "127000吨")]));
        assert_eq!(marked(&p), ["135000吨", "127000吨"]);
        assert!(p.text.starts_with("mnr-notices · official · announcement · 2024-02-07"), "{}", p.text);
        assert!(p.text.contains("rare-earths 2024 b1 mining 135,000 t ← \"135000吨\" (body)"), "{}", p.text);
        assert!(p.text.ends_with("https://www.mnr.gov.cn/gk/tzgg/202402/t20240207.html"));
    }

    #[test]
    fn a_long_page_shows_the_passages_around_its_figures() {
        let filler = "各省区要严格执行指标管理。".repeat(200);
        let body = format!("{filler}开采总量控制指标为135000吨。{filler}");
        let p = popup(&notice(body, vec![("mining 135,000 t", "135000吨")]));
        assert_eq!(marked(&p), ["135000吨"]);
        let shown = p.text.split("Page text:\n").nth(1).expect("page text");
        assert!(shown.starts_with("… ") && shown.contains(" …"), "{shown}");
        assert!(shown.chars().count() < 2 * CONTEXT_CHARS + 120, "{} chars", shown.chars().count());
        for line in p.text.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(line) <= WRAP_CELLS + 2, "{line}");
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_between_chinese_characters_never_inside_a_mark() {
        let english = "China's rare earth mining quota for the first batch of 2024 was set at 135,000 metric tons, \
                       up 12.5% from a year earlier, according to a notice seen by the press on Wednesday."
            .to_owned();
        let mut h = notice(String::new(), vec![("mining 135,000 t", "135,000 metric tons")]);
        h.detail.summary = english;
        h.detail.figures[0].field = "summary".into();
        let p = popup(&h);
        assert_eq!(marked(&p), ["135,000 metric tons"]);
        let summary = p.text.split("Summary:\n").nth(1).expect("summary");
        let lines: Vec<&str> = summary.lines().take_while(|l| !l.is_empty()).collect();
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| !l.starts_with(' ') && l.len() <= WRAP_CELLS), "{lines:?}");
        let chinese = format!("{}分别为135000吨", "稀土开采总量控制指标".repeat(5));
        let p = popup(&notice(chinese, vec![("mining 135,000 t", "135000吨")]));
        assert_eq!(marked(&p), ["135000吨"]);
        let page = p.text.split("Page text:\n").nth(1).expect("page");
        assert!(page.lines().next().is_some_and(|l| unicode_width::UnicodeWidthStr::width(l) <= WRAP_CELLS));
    }

    #[test]
    fn the_same_words_read_twice_are_marked_once_and_missing_words_not_at_all() {
        let body = "指标为135000吨".to_owned();
        let p = popup(&notice(body, vec![("a", "135000吨"), ("b", "135000吨"), ("c", "99吨")]));
        assert_eq!(marked(&p), ["135000吨"]);
        for r in &p.marks {
            assert!(p.text.is_char_boundary(r.start) && p.text.is_char_boundary(r.end));
        }
    }
}
