//! Derived figures, as "How figures combine" in quota-feed/1 defines them: values per
//! announcement, stage, category and holder; year totals; growth on a like-for-like
//! basis; holder shares and concentration; data-quality flags.
//!
//! Pure functions over current announcements: what the report, the dashboard, the
//! unit tests and the benchmarks all call.

mod holders;
mod quality;
mod series;
mod values;

use std::collections::BTreeMap;

pub use holders::{
    Concentration, HolderYear, concentration, concentration_of, holder_years, holders_of, share_of_stage,
    share_of_stage_by,
};
pub use quality::{QualityFlag, quality_flags};
pub use series::{
    Basis, BatchPoint, Growth, ValueOf, YearPoint, batch_series, batch_series_of, growth_pct, year_series,
    year_series_of,
};
pub use values::{Measure, StageFigures, categories, category_value, holder_value, stage_figures, stage_total};

use crate::model::{Announcement, Commodity, Status};

/// One commodity's announcements indexed by year and batch: the shape every figure is computed on.
#[derive(Debug, Clone)]
pub struct CommodityHistory<'a> {
    pub commodity: &'a Commodity,
    pub years: BTreeMap<u16, BTreeMap<u8, &'a Announcement>>,
}

impl<'a> CommodityHistory<'a> {
    /// Indexes announcements per commodity, ordered by commodity slug: every figure is
    /// computed within one commodity, so units never mix. A running total (`cumulative`)
    /// is not a batch's own figures and is skipped: the ledger turns running totals into
    /// batches before anything reaches here.
    pub fn build_all(announcements: impl IntoIterator<Item = &'a Announcement>) -> Vec<CommodityHistory<'a>> {
        let mut by_commodity: BTreeMap<&'a Commodity, BTreeMap<u16, BTreeMap<u8, &'a Announcement>>> = BTreeMap::new();
        for a in announcements.into_iter().filter(|a| !a.cumulative) {
            by_commodity.entry(&a.key.commodity).or_default().entry(a.key.year).or_default().insert(a.key.batch, a);
        }
        by_commodity.into_iter().map(|(commodity, years)| CommodityHistory { commodity, years }).collect()
    }

    /// The history of one commodity, if it has any announcement.
    pub fn of(announcements: impl IntoIterator<Item = &'a Announcement>, commodity: &Commodity) -> Option<Self> {
        Self::build_all(announcements.into_iter().filter(|a| a.key.commodity == *commodity)).pop()
    }

    /// The announcements a year's total is made of (rule 3): its batch 0 alone when it has
    /// one, else every batch, in batch order.
    pub fn batches_in_total(&self, year: u16) -> Vec<(u8, &'a Announcement)> {
        let Some(batches) = self.years.get(&year) else { return Vec::new() };
        match batches.get(&0) {
            Some(full_year) => vec![(0, *full_year)],
            None => batches.iter().map(|(n, a)| (*n, *a)).collect(),
        }
    }

    /// The most recent announcement: highest year, then highest batch.
    pub fn latest(&self) -> Option<&'a Announcement> {
        self.years.values().next_back().and_then(|batches| batches.values().next_back().copied())
    }

    /// The latest year that has published figures.
    pub fn latest_published_year(&self) -> Option<u16> {
        self.years
            .iter()
            .rev()
            .find(|(_, batches)| batches.values().any(|a| a.status == Status::Published))
            .map(|(year, _)| *year)
    }

    /// A year is complete with a batch 0 or a batch >= 2, or when a later year is present.
    pub fn is_complete(&self, year: u16) -> bool {
        let later_year = self.years.range(year + 1..).next().is_some();
        later_year || self.years.get(&year).is_some_and(|b| b.contains_key(&0) || b.keys().any(|&n| n >= 2))
    }
}

#[cfg(test)]
mod tests;
