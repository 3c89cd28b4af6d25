//! Expectations and how the figures compare with them: a range in tonnes or in growth
//! percent, turned into tonnes against the like-for-like basis that [`crate::analytics`]
//! computes (the previous full year, the same batch a year earlier, or, before the year is
//! complete, the same batches a year earlier), and the surprise against its midpoint.

use chrono::NaiveDate;
use serde::Serialize;

use crate::analytics::{self, Basis, CommodityHistory, Measure};
use crate::format::{pct_signed, round_pct, thousands};
use crate::model::{Commodity, Stage};

/// A named, dated expectation for (commodity, year, stage), and one batch when `batch` is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub commodity: Commodity,
    pub year: u16,
    /// `None`: the full year.
    pub batch: Option<u8>,
    pub stage: Stage,
    pub range: Range,
    pub who: Option<String>,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
}

/// What was expected: tonnes, or growth in percent against the same basis a year earlier.
/// A point is a range whose ends are equal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    Tonnes { low: f64, high: f64 },
    Pct { low: f64, high: f64 },
}

/// How the actual figure compares with the expected range (ends included in `within`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Below,
    Within,
    Above,
    /// The actual figure is not published yet (or the range cannot be put in tonnes).
    Pending,
}

impl Verdict {
    pub fn slug(self) -> &'static str {
        match self {
            Verdict::Below => "below",
            Verdict::Within => "within",
            Verdict::Above => "above",
            Verdict::Pending => "pending",
        }
    }

    /// `actual` against `[low, high]`; a hair of float rounding (270,000 x 1.05) counts as the end.
    pub fn of(actual: f64, low: f64, high: f64) -> Verdict {
        let slack = 1e-9 * high.abs().max(1.0);
        if actual < low - slack {
            Verdict::Below
        } else if actual > high + slack {
            Verdict::Above
        } else {
            Verdict::Within
        }
    }
}

/// One expectation scored against the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment<'e> {
    pub expectation: &'e Expectation,
    /// What a percent range was applied to (none for a range in tonnes).
    pub basis: Option<Basis>,
    pub basis_tonnes: Option<f64>,
    /// The range in tonnes; none when a percent range has no basis to apply to.
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub actual: Option<f64>,
    /// Actual against the range's midpoint, in percent.
    pub surprise_pct: Option<f64>,
    pub verdict: Verdict,
}

/// A year total that may be compared: the year is complete and no batch of it is withheld.
fn full_year_total(points: &[analytics::YearPoint], year: u16) -> Option<f64> {
    points.iter().find(|p| p.year == year).filter(|p| p.complete && !p.partial).and_then(|p| p.tonnes)
}

fn batch_total(points: &[analytics::BatchPoint], year: u16, batch: u8) -> Option<f64> {
    points.iter().find(|p| p.year == year && p.batch == batch).and_then(|p| p.tonnes)
}

/// Scores `e` against its own target: the full year (against the previous full year) or
/// its batch (against the same batch a year earlier). `history` is the commodity's.
pub fn assess<'e>(e: &'e Expectation, history: Option<&CommodityHistory<'_>>) -> Assessment<'e> {
    let measure = Measure::Stage(e.stage);
    let (actual, basis, basis_tonnes) = match (history, e.batch) {
        (None, _) => (None, None, None),
        (Some(h), None) => {
            let points = analytics::year_series(h, &measure);
            let previous = e.year.checked_sub(1).and_then(|y| full_year_total(&points, y));
            (full_year_total(&points, e.year), Some(Basis::FullYear), previous)
        }
        (Some(h), Some(batch)) => {
            let points = analytics::batch_series(h, &measure);
            let previous = e.year.checked_sub(1).and_then(|y| batch_total(&points, y, batch));
            (batch_total(&points, e.year, batch), Some(Basis::Batch), previous)
        }
    };
    score(e, actual, basis, basis_tonnes)
}

/// A full-year percent expectation scored on the year so far: batches 1..K of the year
/// against batches 1..K a year earlier, as the year-to-date growth is computed. `None` when
/// the year is not in progress, the expectation is in tonnes (a year's tonnes say nothing of
/// a part of it) or there is no like-for-like basis.
pub fn assess_year_to_date<'e>(e: &'e Expectation, h: &CommodityHistory<'_>) -> Option<Assessment<'e>> {
    if e.batch.is_some() || !matches!(e.range, Range::Pct { .. }) {
        return None;
    }
    let points = analytics::year_series(h, &Measure::Stage(e.stage));
    let point = points.iter().find(|p| p.year == e.year)?;
    let growth = point.growth.filter(|g| matches!(g.basis, Basis::YearToDate { .. }))?;
    Some(score(e, point.tonnes, Some(growth.basis), Some(growth.previous_tonnes)))
}

/// A full-year percent expectation scored on batches 1..=`batch` of its year against the
/// same batches a year earlier: what a release of `batch` tells of the year so far, whether
/// or not later years make the year look complete. `None` for tonnes ranges, a full-year
/// issue, or a batch missing from either year.
pub fn assess_through_batch<'e>(e: &'e Expectation, h: &CommodityHistory<'_>, batch: u8) -> Option<Assessment<'e>> {
    if e.batch.is_some() || batch == 0 || !matches!(e.range, Range::Pct { .. }) {
        return None;
    }
    let series = analytics::batch_series(h, &Measure::Stage(e.stage));
    let through = |year: u16| -> Option<f64> {
        (1..=batch).map(|b| series.iter().find(|p| p.year == year && p.batch == b).and_then(|p| p.tonnes)).sum()
    };
    let (actual, previous) = (through(e.year)?, through(e.year.checked_sub(1)?)?);
    Some(score(e, Some(actual), Some(Basis::YearToDate { through_batch: batch }), Some(previous)))
}

fn score<'e>(
    e: &'e Expectation,
    actual: Option<f64>,
    basis: Option<Basis>,
    basis_tonnes: Option<f64>,
) -> Assessment<'e> {
    let (low, high, basis, basis_tonnes) = match e.range {
        Range::Tonnes { low, high } => (Some(low), Some(high), None, None),
        Range::Pct { low, high } => {
            let apply = |pct: f64| basis_tonnes.map(|b| b * (1.0 + pct / 100.0));
            (apply(low), apply(high), basis, basis_tonnes)
        }
    };
    let (surprise_pct, verdict) = match (actual, low, high) {
        (Some(actual), Some(low), Some(high)) => {
            (analytics::growth_pct(actual, (low + high) / 2.0), Verdict::of(actual, low, high))
        }
        _ => (None, Verdict::Pending),
    };
    Assessment {
        expectation: e,
        basis,
        basis_tonnes,
        low,
        high,
        actual: actual.filter(|_| verdict != Verdict::Pending),
        surprise_pct,
        verdict,
    }
}

/// "flat to +5%", "+20% to +25%", "-3%": a percent range in words.
pub fn pct_words(low: f64, high: f64) -> String {
    let one = |pct: f64| {
        if round_pct(pct) == 0.0 {
            "flat".to_owned()
        } else {
            let text = format!("{:+.1}", round_pct(pct));
            format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
        }
    };
    if round_pct(low) == round_pct(high) { one(low) } else { format!("{} to {}", one(low), one(high)) }
}

/// "270,000" or "270,000-283,500".
fn tonnes_range(low: f64, high: f64) -> String {
    if thousands(low) == thousands(high) { thousands(low) } else { format!("{}-{}", thousands(low), thousands(high)) }
}

/// Who, short: what the last parentheses hold ("analysts and traders (Reuters)" → "Reuters"),
/// else the whole name.
pub fn short_who(who: &str) -> &str {
    who.trim_end()
        .strip_suffix(')')
        .and_then(|rest| rest.rfind('(').map(|at| rest[at + 1..].trim()))
        .filter(|inner| !inner.is_empty())
        .unwrap_or(who)
}

/// The overview's line for one expectation:
/// `consensus 270,000-283,500 (flat to +5%, Reuters 2025-07-07)`, and once the actual is
/// published ` · actual 270,000: below, -3.6%`.
pub fn consensus_note(a: &Assessment<'_>) -> String {
    let e = a.expectation;
    let credit = [e.who.as_deref().map(short_who).map(str::to_owned), e.published.map(|d| d.to_string())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let (figure, words) = match (e.range, a.low.zip(a.high)) {
        (Range::Tonnes { low, high }, _) => (tonnes_range(low, high), None),
        (Range::Pct { low, high }, Some((l, h))) => (tonnes_range(l, h), Some(pct_words(low, high))),
        (Range::Pct { low, high }, None) => (pct_words(low, high), None),
    };
    let inside = [words, Some(credit).filter(|c| !c.is_empty())].into_iter().flatten().collect::<Vec<_>>();
    let mut note = format!("consensus {figure}");
    if !inside.is_empty() {
        note.push_str(&format!(" ({})", inside.join(", ")));
    }
    if let (Some(actual), Some(surprise)) = (a.actual, a.surprise_pct) {
        note.push_str(&format!(" · actual {}: {}, {}", thousands(actual), a.verdict.slug(), pct_signed(surprise)));
    }
    note
}

/// [`consensus_note`] for a narrow box: `ACREI: 270,000 · within +0.0%`,
/// `Reuters: 270,000-283,500 (flat to +5%)`.
pub fn consensus_brief(a: &Assessment<'_>) -> String {
    let e = a.expectation;
    let figure = match (e.range, a.low.zip(a.high)) {
        (Range::Tonnes { low, high }, _) => tonnes_range(low, high),
        (Range::Pct { low, high }, Some((l, h))) => format!("{} ({})", tonnes_range(l, h), pct_words(low, high)),
        (Range::Pct { low, high }, None) => pct_words(low, high),
    };
    let mut brief = match e.who.as_deref().map(short_who) {
        Some(who) => format!("{who}: {figure}"),
        None => format!("consensus {figure}"),
    };
    if let Some(surprise) = a.surprise_pct.filter(|_| a.verdict != Verdict::Pending) {
        brief.push_str(&format!(" · {} {}", a.verdict.slug(), pct_signed(surprise)));
    }
    brief
}

/// The overview's consensus lines for one year and stage of `h`'s commodity: each
/// full-year expectation, then each batch one (`batch 1: consensus ...`), in date order.
pub fn notes_for(expectations: &[Expectation], h: &CommodityHistory<'_>, year: u16, stage: Stage) -> Vec<String> {
    scored_notes(expectations, h, year, stage).into_iter().map(|n| n.note).collect()
}

/// One consensus line of the overview, whole and brief, with its verdict (the dashboard
/// colours a surprise by it).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredNote {
    pub note: String,
    pub brief: String,
    pub verdict: Verdict,
}

/// [`notes_for`], each line also brief and with its verdict.
pub fn scored_notes(
    expectations: &[Expectation],
    h: &CommodityHistory<'_>,
    year: u16,
    stage: Stage,
) -> Vec<ScoredNote> {
    let mut own: Vec<Expectation> = expectations
        .iter()
        .filter(|e| e.commodity == *h.commodity && e.year == year && e.stage == stage)
        .cloned()
        .collect();
    sort(&mut own);
    own.iter()
        .map(|e| {
            let assessment = assess(e, Some(h));
            let batch = |text: String| e.batch.map_or_else(|| text.clone(), |b| format!("batch {b}: {text}"));
            ScoredNote {
                note: batch(consensus_note(&assessment)),
                brief: batch(consensus_brief(&assessment)),
                verdict: assessment.verdict,
            }
        })
        .collect()
}

/// A release against the consensus for it: the span from the lowest to the highest of the
/// expectations that apply, and where the released figure falls.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsensusCheck {
    pub low: f64,
    pub high: f64,
    pub actual: f64,
    pub surprise_pct: Option<f64>,
    pub verdict: Verdict,
    /// What the figures were compared on: the full year, the batch, or the year to date.
    pub basis: Option<Basis>,
    /// How many expectations make up the span.
    pub expectations: usize,
}

impl ConsensusCheck {
    /// The alert's ending: `within consensus`, `below consensus (-2.8% vs midpoint)`.
    pub fn alert_text(&self) -> String {
        match (self.verdict, self.surprise_pct) {
            (Verdict::Within, _) | (_, None) => format!("{} consensus", self.verdict.slug()),
            (verdict, Some(pct)) => format!("{} consensus ({} vs midpoint)", verdict.slug(), pct_signed(pct)),
        }
    }
}

/// The consensus check for a release of (`year`, `batch`) of `h`'s commodity, on `stage`:
/// expectations for that batch first; else the full year's, on the whole year once it is
/// complete, else (percent ranges only) on the year to date. Expectations published after
/// `released` (when both dates are known) were not forecasts and are left out.
pub fn check_release(
    expectations: &[Expectation],
    h: &CommodityHistory<'_>,
    year: u16,
    batch: u8,
    stage: Stage,
    released: Option<NaiveDate>,
) -> Option<ConsensusCheck> {
    let applies = |e: &&Expectation| {
        e.commodity == *h.commodity
            && e.year == year
            && e.stage == stage
            && !matches!((e.published, released), (Some(p), Some(r)) if p > r)
    };
    let for_batch: Vec<Assessment<'_>> =
        expectations.iter().filter(applies).filter(|e| e.batch == Some(batch)).map(|e| assess(e, Some(h))).collect();
    let candidates = if for_batch.iter().any(|a| a.verdict != Verdict::Pending) {
        for_batch
    } else {
        let full_year: Vec<&Expectation> = expectations.iter().filter(applies).filter(|e| e.batch.is_none()).collect();
        // The whole year is what this release is scored on only when it completes the year
        // (a full-year issue, or a second or later batch with none after it): a first batch
        // in a year that only looks complete because a later year is held would be scored as
        // if it were the year.
        let last_batch = h.years.get(&year).and_then(|batches| batches.keys().next_back().copied());
        let completes_year = batch == 0 || (batch >= 2 && last_batch == Some(batch));
        let whole: Vec<_> =
            if completes_year { full_year.iter().map(|e| assess(e, Some(h))).collect() } else { Vec::new() };
        if whole.iter().any(|a| a.verdict != Verdict::Pending) {
            whole
        } else {
            full_year.iter().filter_map(|e| assess_through_batch(e, h, batch)).collect()
        }
    };
    let scored: Vec<_> = candidates.into_iter().filter(|a| a.verdict != Verdict::Pending).collect();
    let low = scored.iter().filter_map(|a| a.low).reduce(f64::min)?;
    let high = scored.iter().filter_map(|a| a.high).reduce(f64::max)?;
    let actual = scored.first()?.actual?;
    Some(ConsensusCheck {
        low,
        high,
        actual,
        surprise_pct: analytics::growth_pct(actual, (low + high) / 2.0),
        verdict: Verdict::of(actual, low, high),
        basis: scored.first().and_then(|a| a.basis),
        expectations: scored.len(),
    })
}

/// Expectations in a stable order: commodity, year, full year before batches, stage, date.
pub fn sort(expectations: &mut [Expectation]) {
    expectations.sort_by(|a, b| {
        (&a.commodity, a.year, a.batch, a.stage, a.published).cmp(&(
            &b.commodity,
            b.year,
            b.batch,
            b.stage,
            b.published,
        ))
    });
}

#[cfg(test)]
#[path = "expectations_tests.rs"]
mod tests;
