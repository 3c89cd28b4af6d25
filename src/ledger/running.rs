//! Running totals ("the year's quota so far"): turned into a batch's own figures by
//! subtracting the earlier batches the ledger holds.
//!
//! - equal to what is held: it confirms those batches, and nothing new is stored;
//! - larger: it is a new batch after the last one held (or batch `batch` when the running
//!   total names it), whose own figures are the difference;
//! - smaller: a conflict, flagged, nothing applied.
//!
//! Each figure (stage, category, holder) of the running total is matched on its own, so
//! a stage the running total leaves out is left out of the batch too (never taken as
//! zero), and a figure the held batches do not all carry cannot be resolved and is left
//! out. A running total is resolved against what is held when it arrives.

use chrono::{DateTime, Utc};

use super::{Change, Ledger, MergeOutcome, Origin, Standing, Version};
use crate::analytics::Measure;
use crate::model::{ALL_HOLDERS, Announcement, AnnouncementKey, MAX_BATCH, QuotaRow, Status, TOTAL_CATEGORY};

/// What a running total resolved to.
#[derive(Debug, Clone, PartialEq)]
pub enum RunningOutcome {
    /// Equal to batches 1 to `through` held (0: the full-year issue): confirms them.
    Matches { through: u8 },
    /// Larger than what is held: batch `batch`'s own figures are the difference, merged
    /// (by the usual rules) with `outcome`.
    Batch { batch: u8, outcome: Box<MergeOutcome> },
    /// Smaller than what is held (or different from a full-year issue): a conflict, flagged
    /// and not applied. Each change goes from the sum held to the running total.
    Conflict { differences: Vec<Change> },
    /// Cannot be turned into a batch's own figures; `reason` says why.
    Unresolved { reason: String },
}

/// One running total as given, where from, and what it resolved to.
#[derive(Debug, Clone)]
pub struct RunningTotal {
    pub announcement: Announcement,
    pub origin: Origin,
    pub first_seen: DateTime<Utc>,
    pub outcome: RunningOutcome,
}

impl RunningTotal {
    /// True for the outcomes a reader must be told about: a conflict or an unresolved total.
    pub fn is_flagged(&self) -> bool {
        matches!(self.outcome, RunningOutcome::Conflict { .. } | RunningOutcome::Unresolved { .. })
    }
}

/// What subtracting the held batches gave, before anything is merged.
enum Resolution {
    Matches { through: u8 },
    Batch(Announcement),
    Conflict(Vec<Change>),
    Unresolved(String),
}

/// Figures equal within this share of the running total are equal (sums of decimals).
const TOLERANCE: f64 = 1e-9;

impl Ledger {
    /// Resolves the running total `running` and merges what it resolves to.
    pub(super) fn merge_running(
        &mut self,
        origin: &Origin,
        running: Announcement,
        seen: DateTime<Utc>,
    ) -> (MergeOutcome, Option<(AnnouncementKey, usize)>) {
        let same_again = |t: &RunningTotal| {
            t.origin.source == origin.source
                && t.announcement.key == running.key
                && t.announcement.revision == running.revision
                && t.announcement.same_figures(&running)
        };
        let seen_before = self.running.iter().any(same_again);
        let (outcome, applied) = match self.resolve(&running) {
            Resolution::Matches { through } => (RunningOutcome::Matches { through }, None),
            Resolution::Conflict(differences) => (RunningOutcome::Conflict { differences }, None),
            Resolution::Unresolved(reason) => (RunningOutcome::Unresolved { reason }, None),
            Resolution::Batch(own) => {
                let batch = own.key.batch;
                let version = Version {
                    announcement: own,
                    origin: origin.clone(),
                    first_seen: seen,
                    standing: Standing::Applied,
                    derived_from: Some(Box::new(running.clone())),
                };
                let (outcome, applied) = self.merge_version(version);
                (RunningOutcome::Batch { batch, outcome: Box::new(outcome) }, applied)
            }
        };
        if seen_before && applied.is_none() {
            // The same running total polled again: what it resolved to is recorded already.
            return (MergeOutcome::Unchanged, None);
        }
        if !seen_before {
            self.running.push(RunningTotal {
                announcement: running,
                origin: origin.clone(),
                first_seen: seen,
                outcome: outcome.clone(),
            });
        }
        (MergeOutcome::RunningTotal(outcome), applied)
    }

    fn resolve(&self, running: &Announcement) -> Resolution {
        let AnnouncementKey { commodity, year, batch: through } = &running.key;
        let key = |batch| AnnouncementKey { commodity: commodity.clone(), year: *year, batch };
        let held: Vec<(u8, &Announcement)> =
            self.entries.range(key(0)..=key(MAX_BATCH)).map(|(k, e)| (k.batch, &e.current().announcement)).collect();
        let full_year = held.iter().find(|(batch, _)| *batch == 0).map(|(_, a)| *a);
        let numbered: Vec<(u8, &Announcement)> = held.iter().copied().filter(|(batch, _)| *batch > 0).collect();
        // The batches to subtract, and the batch the difference belongs to (none for a
        // year held as a single full-year issue: nothing comes after it).
        let (base, target): (Vec<(u8, &Announcement)>, Option<u8>) = match (full_year, *through) {
            (Some(issue), 0) => (vec![(0, issue)], None),
            (Some(_), _) => return Resolution::Unresolved(format!("{year} is held as a single full-year issue")),
            (None, 0) => {
                let last = numbered.last().map_or(0, |(batch, _)| *batch);
                if last >= MAX_BATCH {
                    return Resolution::Unresolved(format!("no batch can follow batch {last}"));
                }
                (numbered, Some(last + 1))
            }
            (None, through) => (numbered.into_iter().filter(|(batch, _)| *batch < through).collect(), Some(through)),
        };
        let wanted = target.map_or(0, |t| t - 1);
        if let Some(missing) = (1..=wanted).find(|b| !base.iter().any(|(held, _)| held == b)) {
            return Resolution::Unresolved(format!(
                "batch {missing} is not held, so the running total cannot be split"
            ));
        }
        if let Some((batch, _)) = base.iter().find(|(_, a)| a.status == Status::Unpublished) {
            return Resolution::Unresolved(format!(
                "the figures of {} are withheld",
                crate::model::batch_label(*batch)
            ));
        }

        let mut own = Vec::new();
        let mut smaller = Vec::new();
        let mut larger = false;
        for row in &running.quotas {
            let measure = measure_of(row);
            // A figure some held batch does not carry cannot be split: left out, never zero.
            let Some(held) = base.iter().map(|(_, a)| measure.value(a)).sum::<Option<f64>>() else { continue };
            let difference = row.tonnes - held;
            let tolerance = TOLERANCE * row.tonnes.max(1.0);
            let change = || Change {
                stage: row.stage,
                category: row.category.clone(),
                holder: row.holder.clone(),
                before: Some(held),
                after: Some(row.tonnes),
            };
            if difference < -tolerance {
                smaller.push(change());
            } else if difference > tolerance {
                larger = true;
                own.push(QuotaRow { tonnes: difference, ..row.clone() });
            } else {
                own.push(QuotaRow { tonnes: 0.0, ..row.clone() });
            }
        }
        if !smaller.is_empty() {
            return Resolution::Conflict(smaller);
        }
        if own.is_empty() {
            return Resolution::Unresolved("none of its figures is carried by every batch held".into());
        }
        let Some(target) = target.filter(|_| larger) else {
            if larger {
                // Larger than a full-year issue: the year cannot have more.
                let differences = running
                    .quotas
                    .iter()
                    .filter_map(|row| {
                        let held = base.iter().map(|(_, a)| measure_of(row).value(a)).sum::<Option<f64>>()?;
                        (held != row.tonnes).then(|| Change {
                            stage: row.stage,
                            category: row.category.clone(),
                            holder: row.holder.clone(),
                            before: Some(held),
                            after: Some(row.tonnes),
                        })
                    })
                    .collect();
                return Resolution::Conflict(differences);
            }
            return Resolution::Matches { through: base.last().map_or(0, |(batch, _)| *batch) };
        };
        // The difference is only as good as the weakest figure it is made of.
        let tier = base.iter().map(|(_, a)| a.tier).chain([running.tier]).min().unwrap_or(running.tier);
        Resolution::Batch(Announcement {
            key: key(target),
            tier,
            cumulative: false,
            status: Status::Published,
            quotas: own,
            ..running.clone()
        })
    }
}

/// The figure a running-total row stands for, read from a held batch by the rules of
/// "How figures combine": `*` is the category (or stage) value, a holder its own.
fn measure_of(row: &QuotaRow) -> Measure<'_> {
    let category = (row.category != TOTAL_CATEGORY).then_some(row.category.as_str());
    if row.holder == ALL_HOLDERS {
        match category {
            Some(category) => Measure::Category(row.stage, category),
            None => Measure::Stage(row.stage),
        }
    } else {
        Measure::Holder { stage: row.stage, category, holder: row.holder.as_str() }
    }
}
