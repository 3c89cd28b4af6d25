//! Year totals and growth (rules 3 and 5 of "How figures combine"): a complete year is
//! compared with the whole previous year, an incomplete one batch for batch with the
//! same batches a year earlier, and where no like-for-like comparison exists there is none.

use std::fmt;

use serde::Serialize;

use super::{CommodityHistory, Measure};
use crate::model::{Announcement, Status};

/// What a growth figure compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Basis {
    /// Year total against the previous year's total.
    FullYear,
    /// Batches `1..=through_batch` against the same batches a year earlier.
    YearToDate { through_batch: u8 },
    /// One batch against the same batch a year earlier.
    Batch,
}

impl Basis {
    /// The machine-readable form used by `report`: `full-year`, `ytd-batch-K`, `batch`.
    pub fn slug(&self) -> String {
        match self {
            Basis::FullYear => "full-year".into(),
            Basis::YearToDate { through_batch } => format!("ytd-batch-{through_batch}"),
            Basis::Batch => "batch".into(),
        }
    }

    /// A label for people.
    pub fn label(&self) -> String {
        match self {
            Basis::FullYear => "full year".into(),
            Basis::YearToDate { through_batch: 1 } => "year to date, batch 1".into(),
            Basis::YearToDate { through_batch } => format!("year to date, batches 1-{through_batch}"),
            Basis::Batch => "vs same batch".into(),
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A growth figure and what it was computed against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Growth {
    pub pct: f64,
    pub basis: Basis,
    /// The figure compared against (the same basis, a year earlier).
    pub previous_tonnes: f64,
    pub compared_year: u16,
}

/// Percentage change from `previous` to `current`; none from a zero base.
pub fn growth_pct(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0).then(|| (current - previous) / previous * 100.0)
}

/// One year of a measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearPoint {
    pub year: u16,
    /// The year total; none when no published batch carries the measure.
    pub tonnes: Option<f64>,
    /// The published batches that contributed to `tonnes`.
    pub batches: Vec<u8>,
    pub complete: bool,
    /// The total covers part of the year: a batch was issued with its figures withheld,
    /// or a published batch does not carry this measure (e.g. no category split). Partial
    /// years get no full-year growth, since it would not compare like with like.
    pub partial: bool,
    /// The year has a batch 0 and numbered batches; batch 0 is used.
    pub conflict: bool,
    pub growth: Option<Growth>,
}

/// One batch of a measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchPoint {
    pub year: u16,
    pub batch: u8,
    pub status: Status,
    pub tonnes: Option<f64>,
    pub growth: Option<Growth>,
}

struct YearTotal {
    tonnes: Option<f64>,
    batches: Vec<u8>,
    partial: bool,
    conflict: bool,
}

/// The value of a measure in one announcement: [`Measure::value`], or a lookup in figures computed ahead.
pub type ValueOf<'f> = dyn Fn(&Announcement) -> Option<f64> + 'f;

fn year_total(h: &CommodityHistory<'_>, year: u16, value_of: &ValueOf<'_>) -> Option<YearTotal> {
    let batches = h.years.get(&year)?;
    let used = h.batches_in_total(year);
    let mut total = YearTotal {
        tonnes: None,
        batches: Vec::new(),
        partial: false,
        conflict: batches.contains_key(&0) && batches.len() > 1,
    };
    let mut published_batches = 0;
    for (batch, a) in used {
        if a.status == Status::Unpublished {
            total.partial = true;
            continue;
        }
        published_batches += 1;
        if let Some(value) = value_of(a) {
            *total.tonnes.get_or_insert(0.0) += value;
            total.batches.push(batch);
        }
    }
    // A batch that carries figures but not this measure (a split or holder list published
    // for one batch only) makes the year total cover part of the year.
    if total.tonnes.is_some() && total.batches.len() < published_batches {
        total.partial = true;
    }
    // Numbered batches 1..=max with one missing (not received, or rejected) cover part of the year.
    if !batches.contains_key(&0) && batches.keys().copied().max().is_some_and(|max| usize::from(max) > batches.len()) {
        total.partial = true;
    }
    Some(total)
}

/// Sum of batches `1..=through` of `year`, only when every one of them is there and published.
fn year_to_date(h: &CommodityHistory<'_>, year: u16, through: u8, value_of: &ValueOf<'_>) -> Option<f64> {
    let batches = h.years.get(&year)?;
    if batches.contains_key(&0) {
        return None;
    }
    let mut sum = None;
    for batch in 1..=through {
        let a = batches.get(&batch).filter(|a| a.status == Status::Published)?;
        if let Some(value) = value_of(a) {
            *sum.get_or_insert(0.0) += value;
        }
    }
    sum
}

/// Every year of the commodity with its total of `measure` and its growth.
pub fn year_series(h: &CommodityHistory<'_>, measure: &Measure<'_>) -> Vec<YearPoint> {
    year_series_of(h, &|a| measure.value(a))
}

/// [`year_series`] of a measure whose value in each announcement `value_of` gives (a lookup
/// in figures computed ahead, say, instead of reading the rows again).
pub fn year_series_of(h: &CommodityHistory<'_>, value_of: &ValueOf<'_>) -> Vec<YearPoint> {
    h.years
        .keys()
        .filter_map(|&year| {
            let total = year_total(h, year, value_of)?;
            let complete = h.is_complete(year);
            let growth = total.tonnes.and_then(|tonnes| {
                let previous_year = year.checked_sub(1)?;
                let (basis, current, previous) = if complete {
                    let previous = year_total(h, previous_year, value_of)?;
                    if total.partial || previous.partial {
                        return None;
                    }
                    (Basis::FullYear, tonnes, previous.tonnes?)
                } else {
                    let through = *total.batches.iter().max()?;
                    let current = year_to_date(h, year, through, value_of)?;
                    (
                        Basis::YearToDate { through_batch: through },
                        current,
                        year_to_date(h, previous_year, through, value_of)?,
                    )
                };
                Some(Growth {
                    pct: growth_pct(current, previous)?,
                    basis,
                    previous_tonnes: previous,
                    compared_year: previous_year,
                })
            });
            Some(YearPoint {
                year,
                tonnes: total.tonnes,
                batches: total.batches,
                complete,
                partial: total.partial,
                conflict: total.conflict,
                growth,
            })
        })
        .collect()
}

/// Every batch of the commodity with `measure`, each compared with the same batch a year earlier.
pub fn batch_series(h: &CommodityHistory<'_>, measure: &Measure<'_>) -> Vec<BatchPoint> {
    batch_series_of(h, &|a| measure.value(a))
}

/// [`batch_series`] of a measure whose value in each announcement `value_of` gives.
pub fn batch_series_of(h: &CommodityHistory<'_>, value_of: &ValueOf<'_>) -> Vec<BatchPoint> {
    let value = |year: u16, batch: u8| {
        h.years.get(&year)?.get(&batch).filter(|a| a.status == Status::Published).and_then(|a| value_of(a))
    };
    h.years
        .iter()
        .flat_map(|(&year, batches)| batches.iter().map(move |(&batch, a)| (year, batch, a.status)))
        .map(|(year, batch, status)| {
            let tonnes = value(year, batch);
            let growth = tonnes.and_then(|current| {
                let compared_year = year.checked_sub(1)?;
                let previous = value(compared_year, batch)?;
                Some(Growth {
                    pct: growth_pct(current, previous)?,
                    basis: Basis::Batch,
                    previous_tonnes: previous,
                    compared_year,
                })
            });
            BatchPoint { year, batch, status, tonnes, growth }
        })
        .collect()
}
