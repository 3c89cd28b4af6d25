//! Data-quality flags (rules 3 and 4 of "How figures combine"): published figures that
//! disagree with their parts are kept and flagged, never silently replaced.

use std::fmt;

use serde::Serialize;

use super::CommodityHistory;
#[cfg(doc)]
use super::category_value;
use crate::model::{Announcement, AnnouncementKey, Name, QuotaRow, Stage, Status, TOTAL_CATEGORY};

/// A published total may differ from the sum of its parts by this fraction before it is flagged.
pub const MISMATCH_TOLERANCE: f64 = 0.005;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum QualityFlag {
    /// A year has a batch 0 and numbered batches; batch 0 is used.
    BatchConflict { commodity: String, year: u16 },
    /// A published total differs from the sum of its parts by more than 0.5%.
    TotalMismatch {
        #[serde(skip)]
        key: AnnouncementKey,
        stage: Stage,
        /// What was summed: "holders of light", "categories", or "categories of <holder>".
        what: String,
        published: f64,
        parts: f64,
    },
    /// An announcement known to be issued without its figures.
    Unpublished {
        #[serde(skip)]
        key: AnnouncementKey,
    },
}

impl QualityFlag {
    /// The stage the flag is about, when it is about one.
    pub fn stage(&self) -> Option<Stage> {
        match self {
            QualityFlag::TotalMismatch { stage, .. } => Some(*stage),
            _ => None,
        }
    }

    /// The quota year the flag is about.
    pub fn year(&self) -> u16 {
        match self {
            QualityFlag::BatchConflict { year, .. } => *year,
            QualityFlag::TotalMismatch { key, .. } | QualityFlag::Unpublished { key } => key.year,
        }
    }
}

impl fmt::Display for QualityFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QualityFlag::BatchConflict { commodity, year } => {
                write!(
                    f,
                    "{commodity} {year}: a full-year issue (batch 0) and numbered batches; the full-year issue is used"
                )
            }
            QualityFlag::TotalMismatch { key, stage, what, published, parts } => write!(
                f,
                "{key} {stage}: published {published} differs from the sum of {what} {parts} ({:+.1}%)",
                (parts - published) / published.max(f64::MIN_POSITIVE) * 100.0
            ),
            QualityFlag::Unpublished { key } => write!(f, "{key}: issued, figures not published"),
        }
    }
}

fn differs(published: f64, parts: f64) -> bool {
    (published - parts).abs() > published.abs() * MISMATCH_TOLERANCE
}

/// Every flag of one commodity's history, in year and batch order.
pub fn quality_flags(h: &CommodityHistory<'_>) -> Vec<QualityFlag> {
    let mut flags = Vec::new();
    for (&year, batches) in &h.years {
        if batches.contains_key(&0) && batches.len() > 1 {
            flags.push(QualityFlag::BatchConflict { commodity: h.commodity.to_string(), year });
        }
        for a in batches.values() {
            if a.status == Status::Unpublished {
                flags.push(QualityFlag::Unpublished { key: a.key.clone() });
            } else {
                announcement_flags(a, &mut flags);
            }
        }
    }
    flags
}

/// The published totals of one announcement against their parts, in one pass over its rows
/// per stage (a stage of the 1M-row feed has 2,500 rows and three categories; scanning the
/// rows again per category and per holder total took 30 ms of every start). The flags, their
/// order and every sum (added in row order) are those of the rules below, read one by one:
/// per stage, the `*` row of each category (`total` first, then the others by name) against
/// the sum of its holders; the stage's `total` against the sum of its categories; each
/// holder's `total` row, in row order, against the sum of its category rows.
fn announcement_flags(a: &Announcement, flags: &mut Vec<QualityFlag>) {
    let mut mismatch = |stage: Stage, what: String, published: f64, parts: f64| {
        if differs(published, parts) {
            flags.push(QualityFlag::TotalMismatch { key: a.key.clone(), stage, what, published, parts });
        }
    };
    // Per stage: each category in order of appearance (`total` is looked up by name), and
    // the holders' `total` rows, in one pass over the rows.
    let mut stages: [(Vec<CategorySums<'_>>, Vec<&QuotaRow>); 2] = Default::default();
    for row in &a.quotas {
        let (seen, holder_totals) = &mut stages[usize::from(row.stage == Stage::SmeltingSeparation)];
        let index = match seen.iter().position(|c| *c.name == row.category) {
            Some(index) => index,
            None => {
                seen.push(CategorySums::new(&row.category));
                seen.len() - 1
            }
        };
        seen[index].add(row);
        if row.is_total_category() && !row.is_all_holders() {
            holder_totals.push(row);
        }
    }
    for (stage, (mut seen, holder_totals)) in Stage::ALL.into_iter().zip(stages) {
        let total = seen.iter().position(|c| c.name == TOTAL_CATEGORY).map(|i| seen.swap_remove(i));
        seen.sort_by(|x, y| x.name.cmp(y.name));
        // `*` rows against the sum of their holders, per category.
        for category in total.iter().chain(&seen) {
            if let (Some(all), Some(holders)) = (category.first_all, category.holders) {
                mismatch(stage, format!("holders of {}", category.name), all, holders);
            }
        }
        // The stage's `total` against the sum of its categories.
        let parts = seen.iter().filter_map(CategorySums::value).reduce(|x, y| x + y);
        if let (Some(total), Some(parts)) = (total.as_ref().and_then(|t| t.first_all), parts) {
            mismatch(stage, "categories".into(), total, parts);
        }
        // Each holder's own `total` against its category rows.
        if holder_totals.is_empty() {
            continue;
        }
        let mut parts: foldhash::HashMap<&Name, Option<f64>> =
            holder_totals.iter().map(|r| (&r.holder, None)).collect();
        for row in a.quotas.iter().filter(|r| r.stage == stage && !r.is_total_category()) {
            if let Some(sum) = parts.get_mut(&row.holder) {
                *sum = Some(sum.map_or(row.tonnes, |s| s + row.tonnes));
            }
        }
        for holder_total in holder_totals {
            if let Some(&Some(sum)) = parts.get(&holder_total.holder) {
                mismatch(stage, format!("categories of {}", holder_total.holder), holder_total.tonnes, sum);
            }
        }
    }
}

/// One category's rows of a stage, summed as the rules read them.
struct CategorySums<'a> {
    name: &'a Name,
    /// The first `*` row (what the holders are checked against).
    first_all: Option<f64>,
    /// The last `*` row (what [`category_value`] takes).
    last_all: Option<f64>,
    /// The holder rows summed from the first ([`Iterator::reduce`]).
    holders: Option<f64>,
    /// The holder rows summed from 0.0, as [`category_value`] sums them.
    from_zero: Option<f64>,
}

impl<'a> CategorySums<'a> {
    fn new(name: &'a Name) -> Self {
        CategorySums { name, first_all: None, last_all: None, holders: None, from_zero: None }
    }

    fn add(&mut self, row: &QuotaRow) {
        if row.is_all_holders() {
            self.first_all = self.first_all.or(Some(row.tonnes));
            self.last_all = Some(row.tonnes);
        } else {
            self.holders = Some(self.holders.map_or(row.tonnes, |sum| sum + row.tonnes));
            *self.from_zero.get_or_insert(0.0) += row.tonnes;
        }
    }

    /// [`category_value`]: the `*` row, else the sum of the holders.
    fn value(&self) -> Option<f64> {
        self.last_all.or(self.from_zero)
    }
}

#[cfg(test)]
mod tests;
