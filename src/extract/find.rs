//! One sentence at a time: each figure of a sentence with its commodity, year, batch,
//! stage, category and holder, from the keywords around it, or the reason it is not a
//! quota (a comparison, a change, another commodity, another year, a trap sentence).

use std::ops::Range;

use super::bind::{after_chain, comparison_year, is_comparison};
use super::keywords::{CommodityId, Hit, Kw};
use super::numbers::is_list_gap;
use super::numbers::{self, Token, TokenKind};
use super::text::{Text, sentences_with_figures};
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

fn sets_forecast(norm: &str, hit: &Hit) -> bool {
    matches!(hit.kw, Kw::SetTo) && norm[hit.end..].trim_start().starts_with(|c: char| c.is_alphabetic())
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

/// What the sentence before said, for one that goes on from it (`其中…`, `The quota for
/// smelting … stood at 57,500 mt.` after `… for the first half of 2019`).
#[derive(Debug, Clone, Copy, Default)]
struct Carry {
    stage: Option<Stage>,
    year: Option<u16>,
    batch: Option<(u8, bool)>,
}

/// Finds the figures of one field.
pub fn field(field: Field, text: &Text<'_>, hits: &[Hit], ctx: &Context) -> FieldFigures {
    let mut out = FieldFigures::default();
    let mut carry = Carry::default();
    for (sentence, figure) in sentences_with_figures(&text.norm) {
        // No ASCII digit and no 吨: no figure, nothing to read (most sentences of an article).
        if !figure {
            continue;
        }
        // Hits are sorted and never overlap, so their ends are sorted too.
        let lo = hits.partition_point(|h| h.start < sentence.start);
        let hi = hits.partition_point(|h| h.end <= sentence.end).max(lo);
        carry = one_sentence(field, text, &sentence, &hits[lo..hi], ctx, carry, &mut out);
    }
    out
}

/// Figures with a continuing sentence's own words first.
const CONTINUING: &[&str] =
    &["其中", "包括", "of which", "of the total", "including", "this includes", "that includes"];

fn one_sentence(
    field: Field,
    text: &Text<'_>,
    r: &Range<usize>,
    hits: &[Hit],
    ctx: &Context,
    carry: Carry,
    out: &mut FieldFigures,
) -> Carry {
    let norm = text.norm.as_str();
    let has = |f: &dyn Fn(Kw) -> bool| hits.iter().any(|h| f(h.kw));
    let trap = has(&|k| matches!(k, Kw::ExportControl | Kw::Tracking | Kw::Price));
    let quota = has(&|k| matches!(k, Kw::Quota));
    if trap || (has(&|k| matches!(k, Kw::Policy)) && !quota) {
        return Carry::default();
    }
    let staged = has(&|k| matches!(k, Kw::Stage(_)));
    let held = has(&|k| matches!(k, Kw::Holder(..)));
    let continuing = CONTINUING.iter().any(|w| norm[r.clone()].trim_start().starts_with(w));
    let goes_on = continuing && carry.year.is_some();
    if !quota && !(ctx.title_quota && (staged || held)) && !goes_on {
        return carry;
    }
    let tokens = numbers::tokens(norm, r.clone());
    if !tokens.iter().any(|t| matches!(t.kind, TokenKind::Tonnes | TokenKind::Percent)) {
        return carry;
    }
    let forecast = hits.iter().any(|h| matches!(h.kw, Kw::Forecast) || sets_forecast(norm, h));
    let years: Vec<numbers::Year> =
        numbers::years(norm, r.clone(), &tokens).into_iter().filter(|y| !comparison_year(norm, hits, y)).collect();
    // A sentence that names its own year, batch or commodity starts afresh; one that goes
    // on (`其中…`, `The quota for smelting … stood at`) keeps the sentence before's.
    let own_time = !years.is_empty()
        || has(&|k| matches!(k, Kw::Batch(_) | Kw::FirstBatches(_) | Kw::Cumulative | Kw::ThisYear))
        || (!continuing && has(&|k| matches!(k, Kw::Commodity(_))));
    let figures: Vec<&Token> = tokens.iter().filter(|t| t.kind == TokenKind::Tonnes).collect();
    let listed = list_assignments(norm, r, hits, &figures);
    let who = if forecast { who(text, r, hits) } else { None };
    let mut next = Carry { stage: last_stage(hits).or(carry.stage), ..Carry::default() };
    for (i, t) in figures.iter().enumerate() {
        if is_comparison(norm, hits, &tokens, t) {
            continue;
        }
        let mut notes = Vec::new();
        let Some(commodity) = listed[i].0.or_else(|| commodity_for(hits, t, ctx)) else { continue };
        if !(10.0..=commodity.max_plausible_tonnes()).contains(&t.value) {
            continue;
        }
        let after = after_chain(norm, hits, &years, t);
        let carried_stage = if continuing && !staged { carry.stage } else { None };
        let stage = listed[i]
            .1
            .or(after.stage)
            .or_else(|| stage_before(hits, t))
            .or(carried_stage)
            .or(ctx.stage)
            .unwrap_or_else(|| {
                notes.push("no stage named: mining");
                Stage::Mining
            });
        let carried_year = if own_time { None } else { carry.year };
        let Some(year) = after.year.or_else(|| nearest_year(hits, &years, t, ctx, carried_year)) else { continue };
        if ctx.year.is_some_and(|y| y != year) {
            continue;
        }
        let carried_batch = if own_time { None } else { carry.batch };
        let (batch, cumulative) = batch_for(norm, hits, t, ctx, after.batch.map(|b| (b, false)).or(carried_batch));
        let holder = match holder_for(hits, t) {
            HolderFound::Named(name) => Some(name),
            HolderFound::National if ctx.province.is_some() => continue,
            _ => ctx.province,
        };
        let category = after.category.unwrap_or_else(|| {
            hits.iter()
                .filter(|h| h.end <= t.start)
                .filter(|h| !figures.iter().any(|f| f.start > h.end && f.end <= t.start))
                .filter_map(|h| if let Kw::Category(c) = h.kw { Some(c) } else { None })
                .next_back()
                .unwrap_or("total")
        });
        next.year = Some(year);
        next.batch = batch.map(|b| (b, cumulative));
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
        forecast_pcts(field, text, hits, &tokens, &years, ctx, who, out);
    }
    next
}

fn last_stage(hits: &[Hit]) -> Option<Stage> {
    hits.iter().filter_map(|h| if let Kw::Stage(s) = h.kw { Some(s) } else { None }).next_back()
}

#[expect(clippy::too_many_arguments, reason = "one sentence's parts, read once")]
fn forecast_pcts(
    field: Field,
    text: &Text<'_>,
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
    let Some(year) = nearest_year(hits, years, first, ctx, None) else { return };
    let stage = stage_before(hits, first).or(ctx.stage).unwrap_or(Stage::Mining);
    let (batch, _) = batch_for(&text.norm, hits, first, ctx, None);
    let span = Span { field, start: first.start, end: last.end, text: text.original(first.start..last.end).to_owned() };
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

/// The nearest stage named before the figure.
fn stage_before(hits: &[Hit], t: &Token) -> Option<Stage> {
    hits.iter()
        .filter(|h| h.end <= t.start)
        .filter_map(|h| if let Kw::Stage(s) = h.kw { Some(s) } else { None })
        .next_back()
}

fn nearest_year(hits: &[Hit], years: &[numbers::Year], t: &Token, ctx: &Context, carried: Option<u16>) -> Option<u16> {
    let named = years.iter().filter(|y| y.end <= t.start).map(|y| (y.start, Some(y.year)));
    let this_year =
        hits.iter().filter(|h| matches!(h.kw, Kw::ThisYear) && h.end <= t.start).map(|h| (h.start, ctx.date_year));
    match named.chain(this_year).max_by_key(|(start, _)| *start) {
        Some((_, year)) => year,
        None => carried.or(ctx.year).or(ctx.date_year),
    }
}

/// The batch of a figure and whether it is a running total: a running-total word after the
/// last batch word (`second batch …, bringing the total to`, `2023年度…`) makes it one with
/// the batch left out; `前两批` / `first two batches` is one through that batch; no batch
/// word at all is the year's running total.
fn batch_for(norm: &str, hits: &[Hit], t: &Token, ctx: &Context, closer: Option<(u8, bool)>) -> (Option<u8>, bool) {
    if let Some((b, cumulative)) = closer {
        return (Some(b), cumulative || (ctx.includes_earlier && b > 1));
    }
    // Hits are sorted and never overlap: the ones before the figure are a prefix.
    let before = &hits[..hits.partition_point(|h| h.end <= t.start)];
    let cumulative_at = before.iter().rposition(|h| matches!(h.kw, Kw::Cumulative));
    let batch_word = before.iter().enumerate().rev().find_map(|(at, h)| match h.kw {
        Kw::Batch(b) => Some((at, b, false)),
        Kw::FirstBatches(b) => Some((at, b, true)),
        Kw::First if is_first_batch(norm, hits, h) => Some((at, 1, false)),
        _ => None,
    });
    let found = match (batch_word, cumulative_at) {
        (Some((_, b, true)), _) => Some((b, true)),
        (Some((at, _, _)), Some(cum)) if cum > at => return (None, true),
        (None, Some(_)) => return (None, true),
        (Some((_, b, _)), _) => Some((b, false)),
        (None, None) => ctx.batch.map(|b| (b, false)),
    };
    match found {
        Some((b, cumulative)) => (Some(b), cumulative || (ctx.includes_earlier && b > 1)),
        None => (None, true),
    }
}

/// `first` is batch 1 when a quota word follows closely (`first 2024 rare earths mining
/// quota`), not in `the first time`.
pub fn is_first_batch(norm: &str, hits: &[Hit], first: &Hit) -> bool {
    let quota_after = hits.iter().find(|h| h.start > first.end && matches!(h.kw, Kw::Quota));
    quota_after.is_some_and(|q| q.start - first.end <= 60 && !norm[first.end..q.start].contains("time"))
}

/// Who holds a figure, from the words before it.
enum HolderFound {
    Named(&'static str),
    /// `national` or `total` stands between: the figure is everyone's.
    National,
    Unnamed,
}

/// A holder named before the figure, with no `total` or `national` between them.
fn holder_for(hits: &[Hit], t: &Token) -> HolderFound {
    for h in hits.iter().filter(|h| h.end <= t.start).rev() {
        match h.kw {
            Kw::Holder(name, _) => return HolderFound::Named(name),
            Kw::National | Kw::Total => return HolderFound::National,
            _ => {}
        }
    }
    HolderFound::Unnamed
}
