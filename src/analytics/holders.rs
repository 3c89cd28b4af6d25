//! Holder shares and concentration (rule 6 of "How figures combine"): who holds how much
//! of a stage, and how concentrated the allocation is, year by year.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use serde::Serialize;

use super::series::{ValueOf, year_series_of};
use super::{CommodityHistory, Growth, Measure, YearPoint};
use crate::model::{ALL_HOLDERS, Announcement, Stage, Status};

/// A holder's figure for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HolderYear {
    pub year: u16,
    pub holder: String,
    pub tonnes: f64,
    /// Share of the same year's stage (or category) total, in percent.
    pub share_pct: Option<f64>,
    pub growth: Option<Growth>,
    /// The batches the figure and its share cover (those that list holders).
    pub batches: Vec<u8>,
}

/// Concentration of one year's allocation of a stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    pub year: u16,
    pub holders: usize,
    /// Herfindahl-Hirschman index on shares in percent (0 to 10,000).
    pub hhi: f64,
    /// How much of the stage total the named holders account for, in percent.
    pub coverage_pct: f64,
}

/// Every holder's figure in one announcement, as [`Measure::Holder`] values it (in
/// `category`, else the holder's `total` row, else the sum of its category rows), in one
/// pass over the rows instead of one pass per holder.
fn holder_values<'a>(a: &'a Announcement, stage: Stage, category: Option<&str>) -> HashMap<&'a str, f64> {
    // (first `total` row, sum of the other rows in scope)
    let mut found: HashMap<&str, (Option<f64>, Option<f64>)> = HashMap::default();
    for r in a.quotas.iter().filter(|r| r.stage == stage && r.holder != ALL_HOLDERS) {
        let (total, parts) = match category {
            Some(c) if r.category != c => continue,
            Some(_) => (None, Some(r.tonnes)),
            None if r.is_total_category() => (Some(r.tonnes), None),
            None => (None, Some(r.tonnes)),
        };
        let slot = found.entry(r.holder.as_str()).or_default();
        slot.0 = slot.0.or(total);
        if let Some(t) = parts {
            *slot.1.get_or_insert(0.0) += t;
        }
    }
    found.into_iter().filter_map(|(holder, (total, parts))| Some((holder, total.or(parts)?))).collect()
}

/// Each holder's year totals with share and growth, ordered by year then holder.
///
/// Shares compare like with like: a holder's figure and the stage (or category) total
/// are both summed over the batches of the year that list holders, so a year whose
/// allocation was published for batch 1 only still gets true shares of batch 1.
pub fn holder_years(h: &CommodityHistory<'_>, stage: Stage, category: Option<&str>) -> Vec<HolderYear> {
    let scope = match category {
        Some(category) => Measure::Category(stage, category),
        None => Measure::Stage(stage),
    };
    // Every announcement's holder figures, computed once: each holder's series below then
    // looks its figures up instead of scanning every row again.
    let values: HashMap<(u16, u8), HashMap<&str, f64>> = h
        .years
        .values()
        .flat_map(|batches| batches.values())
        .map(|a| ((a.key.year, a.key.batch), holder_values(a, stage, category)))
        .collect();
    let value = |a: &Announcement, holder: &str| values.get(&(a.key.year, a.key.batch))?.get(holder).copied();
    let names: BTreeSet<&str> = values.values().flat_map(|v| v.keys().copied()).collect();
    let growth: BTreeMap<&str, Vec<YearPoint>> =
        names.iter().map(|holder| (*holder, year_series_of(h, &|a| value(a, holder)))).collect();
    let mut rows = Vec::new();
    for &year in h.years.keys() {
        // The batches of the year's total that list holders of this scope.
        let covered: Vec<&Announcement> = h
            .batches_in_total(year)
            .into_iter()
            .map(|(_, a)| a)
            .filter(|a| {
                a.status == Status::Published && values.get(&(a.key.year, a.key.batch)).is_some_and(|v| !v.is_empty())
            })
            .collect();
        if covered.is_empty() {
            continue;
        }
        let scope_total: f64 = covered.iter().filter_map(|a| scope.value(a)).sum();
        let batches: Vec<u8> = covered.iter().map(|a| a.key.batch).collect();
        for holder in &names {
            let Some(tonnes) = covered.iter().filter_map(|a| value(a, holder)).reduce(|x, y| x + y) else { continue };
            let point = growth.get(holder).and_then(|points| points.iter().find(|p| p.year == year));
            rows.push(HolderYear {
                year,
                holder: (*holder).to_owned(),
                tonnes,
                share_pct: (scope_total > 0.0).then(|| tonnes / scope_total * 100.0),
                growth: point.and_then(|p| p.growth),
                batches: batches.clone(),
            });
        }
    }
    rows.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.holder.cmp(&b.holder)));
    rows
}

/// `tonnes` as a percentage of the stage total over the same `batches` of `year`, so a
/// figure published for some batches is compared with those batches only; each
/// announcement's stage total given by `stage_total_of` (figures computed ahead, say).
pub fn share_of_stage_by(
    h: &CommodityHistory<'_>,
    stage_total_of: &ValueOf<'_>,
    year: u16,
    batches: &[u8],
    tonnes: f64,
) -> Option<f64> {
    let year_batches = h.years.get(&year)?;
    let total: f64 = batches.iter().filter_map(|b| year_batches.get(b)).filter_map(|a| stage_total_of(a)).sum();
    (total > 0.0).then(|| tonnes / total * 100.0)
}

/// Holder count and HHI per year of a stage, for the years with holder allocations.
pub fn concentration(h: &CommodityHistory<'_>, stage: Stage) -> Vec<Concentration> {
    concentration_of(&holder_years(h, stage, None))
}

/// [`concentration`] from a stage's [`holder_years`] (category `None`) already computed.
pub fn concentration_of(rows: &[HolderYear]) -> Vec<Concentration> {
    let years: BTreeSet<u16> = rows.iter().map(|r| r.year).collect();
    years
        .into_iter()
        .filter_map(|year| {
            let shares: Vec<f64> =
                rows.iter().filter(|r| r.year == year && r.tonnes > 0.0).filter_map(|r| r.share_pct).collect();
            (!shares.is_empty()).then(|| Concentration {
                year,
                holders: shares.len(),
                hhi: shares.iter().map(|s| s * s).sum(),
                coverage_pct: shares.iter().sum(),
            })
        })
        .collect()
}
