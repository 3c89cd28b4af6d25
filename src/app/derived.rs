//! Figures derived from the ledger for the selected commodity, recomputed only when the
//! data or the commodity changes, so drawing a frame never recomputes analytics.

use std::collections::BTreeMap;

use crate::analytics::{
    self, BatchPoint, CommodityHistory, Concentration, HolderYear, Measure, QualityFlag, YearPoint,
};
use crate::ledger::Ledger;
use crate::model::{AnnouncementKey, Commodity, Stage, Status};

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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// Every year with an announcement, ascending.
    pub years: Vec<u16>,
    pub stage_years: PerStage<Vec<YearPoint>>,
    pub stage_batches: PerStage<Vec<BatchPoint>>,
    /// Each category of a stage with its year series.
    pub categories: PerStage<Vec<(String, Vec<YearPoint>)>>,
    /// Holder year figures per (stage, category); `None` category means across the stage.
    pub holders: BTreeMap<(Stage, Option<String>), Vec<HolderYear>>,
    pub concentration: PerStage<Vec<Concentration>>,
    pub flags: Vec<QualityFlag>,
    pub latest: Option<Latest>,
    pub latest_published_year: Option<u16>,
}

impl Derived {
    /// Computes everything shown for `commodity` from the ledger's current figures.
    pub fn compute(ledger: &Ledger, commodity: &Commodity) -> Derived {
        let histories = CommodityHistory::build_all(ledger.current().filter(|a| a.key.commodity == *commodity));
        let Some(h) = histories.first() else { return Derived::default() };
        let mut derived = Derived {
            years: h.years.keys().copied().collect(),
            flags: analytics::quality_flags(h),
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
            derived.stage_years[i] = analytics::year_series(h, &Measure::Stage(stage));
            derived.stage_batches[i] = analytics::batch_series(h, &Measure::Stage(stage));
            derived.concentration[i] = analytics::concentration(h, stage);
            derived.holders.insert((stage, None), analytics::holder_years(h, stage, None));
            let names: std::collections::BTreeSet<String> = h
                .years
                .values()
                .flat_map(|b| b.values())
                .flat_map(|a| analytics::categories(a, stage))
                .map(str::to_owned)
                .collect();
            for category in names {
                let series = analytics::year_series(h, &Measure::Category(stage, &category));
                derived
                    .holders
                    .insert((stage, Some(category.clone())), analytics::holder_years(h, stage, Some(&category)));
                derived.categories[i].push((category, series));
            }
        }
        derived
    }

    pub fn year_point(&self, stage: Stage, year: u16) -> Option<&YearPoint> {
        self.stage_years[stage_index(stage)].iter().find(|p| p.year == year)
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
    let histories = CommodityHistory::build_all(ledger.current().filter(|a| a.key.commodity == *commodity));
    histories
        .first()
        .map(|h| {
            analytics::batch_series(h, &Measure::Holder { stage, category, holder })
                .into_iter()
                .filter(|p| p.tonnes.is_some())
                .collect()
        })
        .unwrap_or_default()
}
