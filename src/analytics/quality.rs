//! Data-quality flags (rules 3 and 4 of "How figures combine"): published figures that
//! disagree with their parts are kept and flagged, never silently replaced.

use std::fmt;

use serde::Serialize;

use super::{CommodityHistory, categories, category_value};
use crate::model::{ALL_HOLDERS, Announcement, AnnouncementKey, Stage, Status, TOTAL_CATEGORY};

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

fn announcement_flags(a: &Announcement, flags: &mut Vec<QualityFlag>) {
    let mut mismatch = |stage: Stage, what: String, published: f64, parts: f64| {
        if differs(published, parts) {
            flags.push(QualityFlag::TotalMismatch { key: a.key.clone(), stage, what, published, parts });
        }
    };
    for stage in Stage::ALL {
        let rows: Vec<_> = a.quotas.iter().filter(|r| r.stage == stage).collect();
        let category_names = categories(a, stage);
        // `*` rows against the sum of their holders, per category.
        for category in std::iter::once(TOTAL_CATEGORY).chain(category_names.iter().copied()) {
            let in_category = rows.iter().filter(|r| r.category == category);
            let all = in_category.clone().find(|r| r.holder == ALL_HOLDERS);
            let holders = in_category.filter(|r| r.holder != ALL_HOLDERS).map(|r| r.tonnes).reduce(|x, y| x + y);
            if let (Some(all), Some(holders)) = (all, holders) {
                mismatch(stage, format!("holders of {category}"), all.tonnes, holders);
            }
        }
        // The stage's `total` against the sum of its categories.
        let total = rows.iter().find(|r| r.is_total_category() && r.holder == ALL_HOLDERS).map(|r| r.tonnes);
        let parts = category_names.iter().filter_map(|c| category_value(a, stage, c)).reduce(|x, y| x + y);
        if let (Some(total), Some(parts)) = (total, parts) {
            mismatch(stage, "categories".into(), total, parts);
        }
        // Each holder's own `total` against its category rows.
        let holder_totals = rows.iter().filter(|r| r.is_total_category() && r.holder != ALL_HOLDERS);
        for holder_total in holder_totals {
            let parts = rows
                .iter()
                .filter(|r| r.holder == holder_total.holder && !r.is_total_category())
                .map(|r| r.tonnes)
                .reduce(|x, y| x + y);
            if let Some(parts) = parts {
                mismatch(stage, format!("categories of {}", holder_total.holder), holder_total.tonnes, parts);
            }
        }
    }
}
