//! Which words a figure belongs to beyond the nearest ones before it: the comparison and
//! change words that make it no quota (`up from`, `比…的`, `增加`, `last year's total of`),
//! and the stage, batch, year and category named right after it (`15,000 tonnes for
//! mining`, `60,000 mt for the first half of 2019`).

use super::keywords::{Hit, Kw};
use super::numbers::{self, Token, TokenKind};
use crate::model::Stage;

/// Words that may stand between a comparison word and its figure (`from 2023's`, `比2007年的`).
pub fn near_gap(gap: &str) -> bool {
    let gap = gap.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_digit() || matches!(c, '年' | '的' | '\''));
    // Chinese: `比上年同期的`, a few characters and no clause break.
    let chinese = gap.chars().count() <= 5 && gap.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    chinese || matches!(gap, "of" | "about" | "around" | "some" | "nearly" | "the" | "an" | "a" | "s" | "roughly")
}

pub fn after_gap(gap: &str) -> bool {
    let gap = gap.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '的'));
    matches!(gap, "" | "in" | "for" | "in the same period" | "the same period" | "同期")
}

/// `from 2023`, `比2021年的`: a year named only to compare with.
pub fn comparison_year(norm: &str, hits: &[Hit], year: &numbers::Year) -> bool {
    hits.iter()
        .any(|h| matches!(h.kw, Kw::Comparison) && h.end <= year.start && norm[h.end..year.start].trim().is_empty())
}

/// A figure given to compare with or as a change, not as a quota: `up from 100,800 tonnes`,
/// `比2007年的59270吨`, `增加7580吨`, `by 15,000 tonnes`, `120,000 tonnes a year earlier`,
/// `last year's total of 132,000 mt`, `up 20% (or 7,815 mt)`.
pub fn is_comparison(norm: &str, hits: &[Hit], tokens: &[Token], t: &Token) -> bool {
    let before = |h: &&Hit| h.end <= t.start;
    let compared = hits
        .iter()
        .filter(before)
        .any(|h| matches!(h.kw, Kw::Comparison | Kw::Delta) && near_gap(&norm[h.end..t.start]));
    let past_before = hits.iter().filter(before).any(|h| {
        matches!(h.kw, Kw::PastRef) && {
            let gap = norm[h.end..t.start].replace("'s", " ").replace("’s", " ").replace(['的', '总', '量'], " ");
            gap.split_whitespace().all(|w| matches!(w, "total" | "of" | "the" | "quota" | "quotas"))
        }
    });
    let past_after =
        hits.iter().any(|h| matches!(h.kw, Kw::PastRef) && h.start >= t.end && after_gap(&norm[t.end..h.start]));
    let after_pct = tokens.iter().rfind(|p| p.end <= t.start).is_some_and(|p| {
        p.kind == TokenKind::Percent && matches!(norm[p.end..t.start].trim(), "(or" | "（or" | "or" | "(" | "（")
    });
    compared || past_before || past_after || after_pct
}

/// Words that sit between a figure and the words after it that it belongs to.
fn filler(gap: &str) -> bool {
    gap.split_whitespace().all(|w| {
        matches!(
            w,
            "for" | "the" | "of" | "in" | "was" | "were" | "is" | "are" | "allocated" | "set" | "at" | "的" | "用于"
        )
    })
}

/// Stage, batch, year and category named right after a figure.
#[derive(Debug, Default)]
pub struct After {
    pub stage: Option<Stage>,
    pub batch: Option<u8>,
    pub year: Option<u16>,
    pub category: Option<&'static str>,
}

pub fn after_chain(norm: &str, hits: &[Hit], years: &[numbers::Year], t: &Token) -> After {
    let mut after = After::default();
    // Both lists are sorted: walk them together from the figure's end, no list built.
    let mut hits = hits[hits.partition_point(|h| h.start < t.end)..].iter().peekable();
    let mut years = years.iter().filter(|y| y.start >= t.end).peekable();
    let mut pos = t.end;
    loop {
        let (start, end, kw, year) = match (hits.peek(), years.peek()) {
            (Some(h), Some(y)) if y.start < h.start => (y.start, y.end, None, years.next().map(|y| y.year)),
            (Some(h), _) => (h.start, h.end, hits.next().map(|h| h.kw), None),
            (None, Some(y)) => (y.start, y.end, None, years.next().map(|y| y.year)),
            (None, None) => break,
        };
        if start < pos || !filler(&norm[pos..start]) {
            break;
        }
        match (kw, year) {
            (_, Some(y)) => after.year = after.year.or(Some(y)),
            (Some(Kw::Stage(s)), _) => after.stage = after.stage.or(Some(s)),
            (Some(Kw::Batch(b)), _) => after.batch = after.batch.or(Some(b)),
            (Some(Kw::Category(c)), _) => after.category = after.category.or(Some(c)),
            (Some(Kw::Commodity(_) | Kw::Quota | Kw::Release), _) => {}
            _ => break,
        }
        pos = end;
    }
    after
}
