//! Figures derived from the ledger for the selected commodity, recomputed only when the
//! data or the commodity changes (holder figures: when a view first shows them), so drawing
//! a frame never recomputes analytics.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use crate::analytics::{
    self, BatchPoint, CommodityHistory, Concentration, HolderYear, Measure, StageFigures, YearPoint,
};
use crate::ledger::Ledger;
use crate::model::{Announcement, AnnouncementKey, Commodity, Stage, Status};

/// Per-stage figures; index with [`stage_index`].
pub type PerStage<T> = [T; 2];

pub fn stage_index(stage: Stage) -> usize {
    match stage {
        Stage::Mining => 0,
        Stage::SmeltingSeparation => 1,
    }
}

/// The most recent announcement, for the overview header.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub key: AnnouncementKey,
    pub published: Option<String>,
    pub status: Status,
    pub title: Option<String>,
    pub revised: bool,
}

/// One category's years, with its like-for-like share of the stage per year.
#[derive(Debug, Clone, PartialEq)]
pub struct CategorySeries {
    pub name: String,
    pub points: Vec<YearPoint>,
    pub share_pct: BTreeMap<u16, f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// Every year with an announcement, ascending.
    pub years: Vec<u16>,
    pub stage_years: PerStage<Vec<YearPoint>>,
    pub stage_batches: PerStage<Vec<BatchPoint>>,
    /// Each category of a stage with its year series.
    pub categories: PerStage<Vec<CategorySeries>>,
    /// Holder year figures per (stage, category); `None` category means across the stage.
    /// Only the scopes a view has reached: see [`Derived::ensure_holders`].
    pub holders: BTreeMap<(Stage, Option<String>), Vec<HolderYear>>,
    /// Filled with the stage's holder figures (category `None`).
    pub concentration: PerStage<Vec<Concentration>>,
    pub latest: Option<Latest>,
    pub latest_published_year: Option<u16>,
    /// What the market expected, by year and stage, and how the figures compare.
    pub consensus: super::watchlist::Consensus,
}

impl Derived {
    /// Computes the year, batch and category figures of `commodity` from the ledger's
    /// current figures. Holder figures, the dearest and shown by two views only, are left
    /// to [`Derived::ensure_holders`].
    pub fn compute(ledger: &Ledger, commodity: &Commodity) -> Derived {
        let Some(history) = CommodityHistory::of(ledger.current(), commodity) else { return Derived::default() };
        let h = &history;
        let mut derived = Derived {
            years: h.years.keys().copied().collect(),
            latest_published_year: h.latest_published_year(),
            latest: h.latest().map(|a| Latest {
                key: a.key.clone(),
                published: a.published.map(|d| d.to_string()),
                status: a.status,
                title: a.title.clone(),
                revised: ledger.entry(&a.key).is_some_and(|e| e.is_revised()),
            }),
            ..Derived::default()
        };
        for stage in Stage::ALL {
            let i = stage_index(stage);
            // Every announcement's stage and category figures, read from its rows once: the
            // series below look them up instead of reading the rows again per category,
            // year and comparison.
            let figures: HashMap<(u16, u8), StageFigures<'_>> = h
                .years
                .values()
                .flat_map(|batches| batches.values())
                .map(|a| ((a.key.year, a.key.batch), analytics::stage_figures(a, stage)))
                .collect();
            let of = |a: &Announcement| figures.get(&(a.key.year, a.key.batch));
            let stage_total = |a: &Announcement| of(a)?.total;
            derived.stage_years[i] = analytics::year_series_of(h, &stage_total);
            derived.stage_batches[i] = analytics::batch_series_of(h, &stage_total);
            let names: BTreeSet<&str> = figures.values().flat_map(|f| f.categories.keys().copied()).collect();
            for category in names {
                let series = analytics::year_series_of(h, &|a| of(a)?.categories.get(category).copied());
                let share_pct = series
                    .iter()
                    .filter_map(|p| {
                        let share = analytics::share_of_stage_by(h, &stage_total, p.year, &p.batches, p.tonnes?)?;
                        Some((p.year, share))
                    })
                    .collect();
                derived.categories[i].push(CategorySeries { name: category.to_owned(), points: series, share_pct });
            }
        }
        derived
    }

    /// Computes the holder figures of (`stage`, `category`) unless they are there already;
    /// with category `None`, the stage's concentration too. A new `Derived` (after the data
    /// or the commodity changed) starts without any.
    pub fn ensure_holders(&mut self, ledger: &Ledger, commodity: &Commodity, stage: Stage, category: Option<&str>) {
        let key = (stage, category.map(str::to_owned));
        if self.holders.contains_key(&key) {
            return;
        }
        let Some(history) = CommodityHistory::of(ledger.current(), commodity) else { return };
        let rows = analytics::holder_years(&history, stage, category);
        if category.is_none() {
            self.concentration[stage_index(stage)] = analytics::concentration_of(&rows);
        }
        self.holders.insert(key, rows);
    }

    pub fn year_point(&self, stage: Stage, year: u16) -> Option<&YearPoint> {
        self.stage_years[stage_index(stage)].iter().find(|p| p.year == year)
    }

    /// The batches a year's total is made of (batch 0 alone when it stands beside numbered
    /// batches), plus withheld ones, so charts and batch lists add up to the year total.
    pub fn batches_used(&self, stage: Stage, year: u16) -> impl Iterator<Item = &BatchPoint> {
        let point = self.year_point(stage, year);
        self.stage_batches[stage_index(stage)].iter().filter(move |b| {
            b.year == year
                && point
                    .is_none_or(|p| p.batches.contains(&b.batch) || (b.tonnes.is_none() && !p.conflict && b.batch != 0))
        })
    }
}

/// One holder's history, computed when the drill-down reaches it.
pub fn holder_history(
    ledger: &Ledger,
    commodity: &Commodity,
    stage: Stage,
    category: Option<&str>,
    holder: &str,
) -> Vec<BatchPoint> {
    CommodityHistory::of(ledger.current(), commodity)
        .map(|h| {
            analytics::batch_series(&h, &Measure::Holder { stage, category, holder })
                .into_iter()
                .filter(|p| p.tonnes.is_some())
                .collect()
        })
        .unwrap_or_default()
}
