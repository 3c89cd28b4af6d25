//! Holder shares and concentration (rule 6 of "How figures combine"): who holds how much
//! of a stage, and how concentrated the allocation is, year by year.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{CommodityHistory, Growth, Measure, YearPoint, year_series};
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

/// Named holders (not `*`) of a stage, optionally within one category, across all years.
pub fn holders_of<'a>(h: &CommodityHistory<'a>, stage: Stage, category: Option<&str>) -> BTreeSet<&'a str> {
    h.years
        .values()
        .flat_map(|batches| batches.values())
        .flat_map(|a| a.quotas.iter())
        .filter(|r| r.stage == stage && category.is_none_or(|c| r.category == c) && r.holder != ALL_HOLDERS)
        .map(|r| r.holder.as_str())
        .collect()
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
    let names = holders_of(h, stage, category);
    let growth: BTreeMap<&str, Vec<YearPoint>> =
        names.iter().map(|holder| (*holder, year_series(h, &Measure::Holder { stage, category, holder }))).collect();
    let mut rows = Vec::new();
    for &year in h.years.keys() {
        let used = h.batches_in_total(year).into_iter().map(|(_, a)| a);
        let listed = |a: &&Announcement| {
            a.status == Status::Published
                && a.quotas
                    .iter()
                    .any(|r| r.stage == stage && r.holder != ALL_HOLDERS && category.is_none_or(|c| r.category == c))
        };
        let covered: Vec<&Announcement> = used.filter(listed).collect();
        if covered.is_empty() {
            continue;
        }
        let scope_total: f64 = covered.iter().filter_map(|a| scope.value(a)).sum();
        for holder in &names {
            let measure = Measure::Holder { stage, category, holder };
            let Some(tonnes) = covered.iter().filter_map(|a| measure.value(a)).reduce(|x, y| x + y) else { continue };
            let point = growth.get(holder).and_then(|points| points.iter().find(|p| p.year == year));
            rows.push(HolderYear {
                year,
                holder: (*holder).to_owned(),
                tonnes,
                share_pct: (scope_total > 0.0).then(|| tonnes / scope_total * 100.0),
                growth: point.and_then(|p| p.growth),
                batches: covered.iter().map(|a| a.key.batch).collect(),
            });
        }
    }
    rows.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.holder.cmp(&b.holder)));
    rows
}

/// `tonnes` as a percentage of the stage total over the same `batches` of `year`, so a
/// figure published for some batches is compared with those batches only.
pub fn share_of_stage(h: &CommodityHistory<'_>, stage: Stage, year: u16, batches: &[u8], tonnes: f64) -> Option<f64> {
    let year_batches = h.years.get(&year)?;
    let total: f64 =
        batches.iter().filter_map(|b| year_batches.get(b)).filter_map(|a| super::stage_total(a, stage)).sum();
    (total > 0.0).then(|| tonnes / total * 100.0)
}

/// Holder count and HHI per year of a stage, for the years with holder allocations.
pub fn concentration(h: &CommodityHistory<'_>, stage: Stage) -> Vec<Concentration> {
    let rows = holder_years(h, stage, None);
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
