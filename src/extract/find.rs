//! One sentence at a time: each figure of a sentence with its commodity, year, batch,
//! stage, category and holder, from the keywords around it, or the reason it is not a
//! quota (a comparison, a change, another commodity, another year, a trap sentence).

use std::ops::Range;

use super::keywords::{CommodityId, Hit, Kw};
use super::numbers::is_list_gap;
use super::numbers::{self, Token, TokenKind};
use super::text::{Text, sentences};
use super::{Field, Span};
use crate::model::Stage;

/// What the item's title (and date) say, which its sentences inherit.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub commodities: Vec<CommodityId>,
    pub year: Option<u16>,
    pub date_year: Option<u16>,
    pub batch: Option<u8>,
    pub stage: Option<Stage>,
    pub title_quota: bool,
    pub includes_earlier: bool,
    /// The province whose own notice this is: every figure is its holder row.
    pub province: Option<&'static str>,
}

/// One figure and what it is a figure of.
#[derive(Debug, Clone)]
pub struct Found {
    pub commodity: CommodityId,
    pub year: u16,
    pub batch: Option<u8>,
    pub cumulative: bool,
    pub stage: Stage,
    pub category: &'static str,
    pub holder: Option<&'static str>,
    pub tonnes: f64,
    pub span: Span,
    /// In a forecast sentence: an expectation, never an announcement.
    pub forecast: bool,
    /// The sentence's attribution words (`who`) for a forecast.
    pub who: Option<String>,
    pub notes: Vec<&'static str>,
}

/// A percentage in a forecast sentence.
#[derive(Debug, Clone)]
pub struct FoundPct {
    pub commodity: CommodityId,
    pub year: u16,
    pub batch: Option<u8>,
    pub stage: Stage,
    pub low: f64,
    pub high: f64,
    pub span: Span,
    pub who: Option<String>,
}

/// The figures of one field.
#[derive(Debug, Default)]
pub struct FieldFigures {
    pub found: Vec<Found>,
    pub pcts: Vec<FoundPct>,
}

/// Words that may stand between a comparison word and its figure (`from 2023's`, `比2007年的`).
fn near_gap(gap: &str) -> bool {
    let gap = gap.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_digit() || matches!(c, '年' | '的' | '\''));
    matches!(gap, "" | "of" | "about" | "around" | "some" | "nearly" | "the" | "an" | "a" | "s" | "roughly")
}

fn after_gap(gap: &str) -> bool {
    let gap = gap.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '的'));
    matches!(gap, "" | "in" | "for" | "in the same period" | "the same period" | "同期")
}

fn sets_forecast(norm: &str, hit: &Hit) -> bool {
    hit.kw == Kw::SetTo && norm[hit.end..].trim_start().starts_with(|c: char| c.is_alphabetic())
}

/// The attribution of a forecast sentence: `according to X`, else the words before the
/// forecast verb (`Chen Zhanheng, … of ACREI, estimated`).
fn who(text: &Text<'_>, sentence: &Range<usize>, hits: &[Hit]) -> Option<String> {
    let norm = &text.norm[sentence.clone()];
    if let Some(at) = norm.find("according to ") {
        let from = sentence.start + at + "according to ".len();
        let rest = &text.norm[from..sentence.end];
        let end = rest.find([',', '，']).unwrap_or(rest.len());
        return Some(text.original(from..from + end).trim().to_owned()).filter(|s| !s.is_empty());
    }
    let verb = hits.iter().find(|h| matches!(h.kw, Kw::Forecast) || sets_forecast(&text.norm, h))?;
    let before = text.original(sentence.start..verb.start).trim();
    let before = before.trim_end_matches(|c: char| c == ',' || c.is_whitespace());
    let plausible = !before.is_empty() && before.len() <= 160 && !before.chars().any(|c| c.is_ascii_digit());
    plausible.then(|| before.trim_start_matches(['"', '“', '\'']).to_owned())
}

/// Finds the figures of one field.
pub fn field(field: Field, text: &Text<'_>, hits: &[Hit], ctx: &Context) -> FieldFigures {
    let mut out = FieldFigures::default();
    for sentence in sentences(&text.norm) {
        let lo = hits.partition_point(|h| h.start < sentence.start);
        let hi = hits.partition_point(|h| h.start < sentence.end);
        let sentence_hits: Vec<Hit> = hits[lo..hi].iter().copied().filter(|h| h.end <= sentence.end).collect();
        one_sentence(field, text, &sentence, &sentence_hits, ctx, &mut out);
    }
    out
}

fn one_sentence(field: Field, text: &Text<'_>, r: &Range<usize>, hits: &[Hit], ctx: &Context, out: &mut FieldFigures) {
    let norm = text.norm.as_str();
    let tokens = numbers::tokens(norm, r.clone());
    if !tokens.iter().any(|t| matches!(t.kind, TokenKind::Tonnes | TokenKind::Percent)) {
        return;
    }
    let has = |f: &dyn Fn(Kw) -> bool| hits.iter().any(|h| f(h.kw));
    let trap = has(&|k| matches!(k, Kw::ExportControl | Kw::Tracking | Kw::Price));
    let quota = has(&|k| k == Kw::Quota);
    if trap || (has(&|k| k == Kw::Policy) && !quota) {
        return;
    }
    let staged = has(&|k| matches!(k, Kw::Stage(_)));
    if !quota && !(ctx.title_quota && staged) {
        return;
    }
    let forecast = hits.iter().any(|h| h.kw == Kw::Forecast || sets_forecast(norm, h));
    let years = numbers::years(norm, r.clone(), &tokens);
    let figures: Vec<&Token> = tokens.iter().filter(|t| t.kind == TokenKind::Tonnes).collect();
    let listed = list_assignments(norm, r, hits, &figures);
    let who = if forecast { who(text, r, hits) } else { None };
    for (i, t) in figures.iter().enumerate() {
        let before = |h: &&Hit| h.end <= t.start;
        if hits.iter().filter(before).any(|h| matches!(h.kw, Kw::Comparison | Kw::Delta) && near_gap(&norm[h.end..t.start]))
            || hits.iter().any(|h| h.kw == Kw::PastRef && h.start >= t.end && after_gap(&norm[t.end..h.start]))
        {
            continue;
        }
        let mut notes = Vec::new();
        let Some(commodity) = listed[i].0.or_else(|| commodity_for(hits, t, ctx)) else { continue };
        if !(10.0..=commodity.max_plausible_tonnes()).contains(&t.value) {
            continue;
        }
        let stage = listed[i].1.or_else(|| stage_for(norm, hits, t)).or(ctx.stage).unwrap_or_else(|| {
            notes.push("no stage named: mining");
            Stage::Mining
        });
        let year = match nearest_year(hits, &years, t, ctx) {
            Some(year) => year,
            None => continue,
        };
        if ctx.year.is_some_and(|y| y != year) {
            continue;
        }
        let (batch, cumulative) = batch_for(norm, hits, t, ctx);
        let holder = holder_for(hits, &figures, i, t).or(ctx.province);
        let category = hits
            .iter()
            .filter(before)
            .filter(|h| !figures.iter().any(|f| f.start > h.end && f.end <= t.start))
            .filter_map(|h| if let Kw::Category(c) = h.kw { Some(c) } else { None })
            .next_back()
            .unwrap_or("total");
        let span = Span { field, start: t.start, end: t.end, text: text.original(t.start..t.end).to_owned() };
        out.found.push(Found {
            commodity,
            year,
            batch,
            cumulative,
            stage,
            category,
            holder,
            tonnes: t.value,
            span,
            forecast,
            who: who.clone(),
            notes,
        });
    }
    if forecast {
        forecast_pcts(field, text, r, hits, &tokens, &years, ctx, who, out);
    }
}

#[expect(clippy::too_many_arguments, reason = "one sentence's parts, read once")]
fn forecast_pcts(
    field: Field,
    text: &Text<'_>,
    r: &Range<usize>,
    hits: &[Hit],
    tokens: &[Token],
    years: &[numbers::Year],
    ctx: &Context,
    who: Option<String>,
    out: &mut FieldFigures,
) {
    let pcts: Vec<&Token> = tokens.iter().filter(|t| t.kind == TokenKind::Percent).collect();
    let Some(first) = pcts.first() else { return };
    let last = pcts.get(1).filter(|p| is_list_gap(&text.norm[first.end..p.start])).unwrap_or(first);
    let Some(commodity) = commodity_for(hits, first, ctx) else { return };
    let Some(year) = nearest_year(hits, years, first, ctx) else { return };
    let stage = stage_for(&text.norm, hits, first).or(ctx.stage).unwrap_or(Stage::Mining);
    let (batch, _) = batch_for(&text.norm, hits, first, ctx);
    let span = Span { field, start: first.start, end: last.end, text: text.original(first.start..last.end).to_owned() };
    let _ = r;
    out.pcts.push(FoundPct { commodity, year, batch, stage, low: first.value, high: last.value, span, who });
}

/// Figures listed together (`分别为135000吨、127000吨`, `135,000 and 127,000 tons`) take the
/// stages, or the commodities, named before the list, in the order named.
fn list_assignments(
    norm: &str,
    r: &Range<usize>,
    hits: &[Hit],
    figures: &[&Token],
) -> Vec<(Option<CommodityId>, Option<Stage>)> {
    let mut out = vec![(None, None); figures.len()];
    let mut i = 0;
    let mut region_start = r.start;
    while i < figures.len() {
        let mut j = i;
        while j + 1 < figures.len() && is_list_gap(&norm[figures[j].end..figures[j + 1].start]) {
            j += 1;
        }
        let n = j - i + 1;
        if n >= 2 {
            let region = |h: &&Hit| h.start >= region_start && h.end <= figures[i].start;
            let mut stages: Vec<Stage> = Vec::new();
            let mut commodities: Vec<CommodityId> = Vec::new();
            for h in hits.iter().filter(region) {
                match h.kw {
                    Kw::Stage(s) if !stages.contains(&s) => stages.push(s),
                    Kw::Commodity(c) if !commodities.contains(&c) => commodities.push(c),
                    _ => {}
                }
            }
            for k in 0..n {
                if stages.len() == n {
                    out[i + k].1 = Some(stages[k]);
                }
                if commodities.len() == n {
                    out[i + k].0 = Some(commodities[k]);
                }
            }
        }
        region_start = figures[j].end;
        i = j + 1;
    }
    out
}

fn commodity_for(hits: &[Hit], t: &Token, ctx: &Context) -> Option<CommodityId> {
    let named = |h: &Hit| match h.kw {
        Kw::Commodity(c) => Some(Some(c)),
        Kw::Holder(_, false) => Some(Some(CommodityId::RareEarths)),
        Kw::Other => Some(None),
        _ => None,
    };
    if let Some(found) = hits.iter().filter(|h| h.end <= t.start).filter_map(named).next_back() {
        return found;
    }
    if let Some(found) = hits.iter().filter(|h| h.start >= t.end).find_map(named) {
        return found;
    }
    match ctx.commodities.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// `15,000 tonnes for mining` names its stage after the figure; else the nearest before.
fn stage_for(norm: &str, hits: &[Hit], t: &Token) -> Option<Stage> {
    let after = hits.iter().find(|h| h.start >= t.end).filter(|h| {
        let gap = norm[t.end..h.start].trim();
        matches!(gap, "for" | "of" | "in" | "for the" | "of the" | "的")
    });
    if let Some(Hit { kw: Kw::Stage(stage), .. }) = after {
        return Some(*stage);
    }
    hits.iter().filter(|h| h.end <= t.start).filter_map(|h| if let Kw::Stage(s) = h.kw { Some(s) } else { None }).next_back()
}

fn nearest_year(hits: &[Hit], years: &[numbers::Year], t: &Token, ctx: &Context) -> Option<u16> {
    let named = years.iter().filter(|y| y.end <= t.start).map(|y| (y.start, Some(y.year)));
    let this_year = hits.iter().filter(|h| h.kw == Kw::ThisYear && h.end <= t.start).map(|h| (h.start, ctx.date_year));
    match named.chain(this_year).max_by_key(|(start, _)| *start) {
        Some((_, year)) => year,
        None => ctx.year.or(ctx.date_year),
    }
}

/// The batch of a figure and whether it is a running total.
fn batch_for(norm: &str, hits: &[Hit], t: &Token, ctx: &Context) -> (Option<u8>, bool) {
    let before: Vec<&Hit> = hits.iter().filter(|h| h.end <= t.start).collect();
    if before.iter().any(|h| h.kw == Kw::Cumulative) {
        return (None, true);
    }
    let batch_word = before.iter().rev().find_map(|h| match h.kw {
        Kw::Batch(b) => Some((b, false)),
        Kw::FirstBatches(b) => Some((b, true)),
        Kw::First if is_first_batch(norm, hits, h) => Some((1, false)),
        _ => None,
    });
    match batch_word.or(ctx.batch.map(|b| (b, false))) {
        Some((b, cumulative)) => (Some(b), cumulative || (ctx.includes_earlier && b > 1)),
        None => (None, true),
    }
}

/// `first` is batch 1 when a quota word follows closely (`first 2024 rare earths mining
/// quota`), not in `the first time`.
pub fn is_first_batch(norm: &str, hits: &[Hit], first: &Hit) -> bool {
    let quota_after = hits.iter().find(|h| h.start > first.end && h.kw == Kw::Quota);
    quota_after.is_some_and(|q| q.start - first.end <= 60 && !norm[first.end..q.start].contains("time"))
}

/// A holder named before the figure, with no `total` or `national` between them.
fn holder_for(hits: &[Hit], figures: &[&Token], i: usize, t: &Token) -> Option<&'static str> {
    let _ = (figures, i);
    for h in hits.iter().filter(|h| h.end <= t.start).rev() {
        match h.kw {
            Kw::Holder(name, _) => return Some(name),
            Kw::National | Kw::Total => return None,
            _ => {}
        }
    }
    None
}
