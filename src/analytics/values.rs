//! Figures of one announcement: rules 1 and 2 of "How figures combine".

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ALL_HOLDERS, Announcement, Stage, TOTAL_CATEGORY};

/// Value of (announcement, stage, category): the `*` row if present, else the sum over holders.
pub fn category_value(a: &Announcement, stage: Stage, category: &str) -> Option<f64> {
    let mut all = None;
    let mut holders = None;
    for row in a.quotas.iter().filter(|r| r.stage == stage && r.category == category) {
        if row.is_all_holders() {
            all = Some(row.tonnes);
        } else {
            *holders.get_or_insert(0.0) += row.tonnes;
        }
    }
    all.or(holders)
}

/// Stage total: the `total` category if present, else the sum of the other categories.
pub fn stage_total(a: &Announcement, stage: Stage) -> Option<f64> {
    category_value(a, stage, TOTAL_CATEGORY)
        .or_else(|| categories(a, stage).into_iter().filter_map(|c| category_value(a, stage, c)).reduce(|x, y| x + y))
}

/// A holder's figure: in `category` when given, else its stage total (its `total` row,
/// else the sum of its category rows).
pub fn holder_value(a: &Announcement, stage: Stage, category: Option<&str>, holder: &str) -> Option<f64> {
    let rows = a.quotas.iter().filter(|r| r.stage == stage && r.holder == holder);
    match category {
        Some(category) => rows.filter(|r| r.category == category).map(|r| r.tonnes).reduce(|x, y| x + y),
        None => {
            let (totals, parts): (Vec<_>, Vec<_>) = rows.partition(|r| r.is_total_category());
            totals.first().map(|r| r.tonnes).or_else(|| parts.iter().map(|r| r.tonnes).reduce(|x, y| x + y))
        }
    }
}

/// The categories of a stage other than `total`, sorted.
pub fn categories(a: &Announcement, stage: Stage) -> BTreeSet<&str> {
    a.quotas.iter().filter(|r| r.stage == stage && !r.is_total_category()).map(|r| r.category.as_str()).collect()
}

/// One stage of one announcement, read in one pass over its rows: the stage total and each
/// category's value, equal to [`stage_total`] and [`category_value`] (which read the rows
/// again per category), summed in the same order so the figures are the same to the bit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageFigures<'a> {
    pub total: Option<f64>,
    /// Every category of the stage other than `total`, sorted.
    pub categories: BTreeMap<&'a str, f64>,
}

/// A category's `*` row and the sum of its holder rows.
type AllAndHolders = (Option<f64>, Option<f64>);

/// [`StageFigures`] of `stage` in `a`.
pub fn stage_figures(a: &Announcement, stage: Stage) -> StageFigures<'_> {
    // Per category: (the `*` row, the sum of the holder rows), as `category_value` keeps them.
    // Looked up by name id in a short list (a stage has a few categories), sorted by name
    // once at the end: a map keyed by text compared strings on every row.
    let mut seen: Vec<(&crate::model::Name, AllAndHolders)> = Vec::new();
    for row in a.quotas.iter().filter(|r| r.stage == stage) {
        let index = match seen.iter().position(|(name, _)| **name == row.category) {
            Some(index) => index,
            None => {
                seen.push((&row.category, (None, None)));
                seen.len() - 1
            }
        };
        let slot = &mut seen[index].1;
        if row.is_all_holders() {
            slot.0 = Some(row.tonnes);
        } else {
            *slot.1.get_or_insert(0.0) += row.tonnes;
        }
    }
    let mut found: BTreeMap<&str, (Option<f64>, Option<f64>)> =
        seen.into_iter().map(|(name, sums)| (name.as_str(), sums)).collect();
    let published_total = found.remove(TOTAL_CATEGORY).and_then(|(all, holders)| all.or(holders));
    let categories: BTreeMap<&str, f64> =
        found.into_iter().filter_map(|(name, (all, holders))| Some((name, all.or(holders)?))).collect();
    let total = published_total.or_else(|| categories.values().copied().reduce(|x, y| x + y));
    StageFigures { total, categories }
}

/// What a series is computed of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure<'m> {
    /// A stage total.
    Stage(Stage),
    /// One category of a stage (`total` is the stage's published total).
    Category(Stage, &'m str),
    /// One holder, in one category or (None) across the stage.
    Holder { stage: Stage, category: Option<&'m str>, holder: &'m str },
}

impl Measure<'_> {
    pub fn value(&self, a: &Announcement) -> Option<f64> {
        match *self {
            Measure::Stage(stage) => stage_total(a, stage),
            Measure::Category(stage, category) => category_value(a, stage, category),
            Measure::Holder { stage, category, holder } if holder == ALL_HOLDERS => match category {
                Some(category) => category_value(a, stage, category),
                None => stage_total(a, stage),
            },
            Measure::Holder { stage, category, holder } => holder_value(a, stage, category, holder),
        }
    }

    pub fn stage(&self) -> Stage {
        match *self {
            Measure::Stage(stage) | Measure::Category(stage, _) | Measure::Holder { stage, .. } => stage,
        }
    }
}
