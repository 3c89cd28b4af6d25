//! Holder shares and concentration (rule 6 of "How figures combine"): who holds how much
//! of a stage, and how concentrated the allocation is, year by year.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{CommodityHistory, Growth, Measure, year_series};
use crate::model::{ALL_HOLDERS, Stage};

/// A holder's figure for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HolderYear {
    pub year: u16,
    pub holder: String,
    pub tonnes: f64,
    /// Share of the same year's stage (or category) total, in percent.
    pub share_pct: Option<f64>,
    pub growth: Option<Growth>,
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
pub fn holder_years(h: &CommodityHistory<'_>, stage: Stage, category: Option<&str>) -> Vec<HolderYear> {
    let scope = match category {
        Some(category) => Measure::Category(stage, category),
        None => Measure::Stage(stage),
    };
    let scope_totals = year_series(h, &scope);
    let mut rows = Vec::new();
    for holder in holders_of(h, stage, category) {
        for point in year_series(h, &Measure::Holder { stage, category, holder }) {
            let Some(tonnes) = point.tonnes else { continue };
            let scope_total = scope_totals.iter().find(|p| p.year == point.year).and_then(|p| p.tonnes);
            rows.push(HolderYear {
                year: point.year,
                holder: holder.to_owned(),
                tonnes,
                share_pct: scope_total.filter(|t| *t > 0.0).map(|t| tonnes / t * 100.0),
                growth: point.growth,
            });
        }
    }
    rows.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.holder.cmp(&b.holder)));
    rows
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
