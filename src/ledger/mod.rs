//! The merged history: every version of every announcement from every source, and which
//! version is current. Applies the update, revision, conflict and provenance rules of
//! quota-feed/1.
//!
//! Rules, in order, for an announcement arriving with the same key as the current one:
//! 1. Another tier: `official` beats `reported` beats `estimate`, whatever the order they
//!    arrive in. The same figures confirm the weaker tier; other figures supersede it, and
//!    the difference is returned to the caller. Withheld figures are no figures: published
//!    ones of any tier fill in a withheld batch, and a notice withholding them takes none away.
//! 2. The same figures (rows in any order, same status) change nothing; a version a
//!    source delivered before is reused rather than stored again. Citations are merged.
//! 3. A higher `revision` supersedes; a lower one is kept in history as outdated.
//! 4. The same `revision` from the same source: the later arrival supersedes (a revision),
//!    also when it goes back to an earlier document. Published figures for a batch held
//!    as unpublished fill it in (a revision too, from any source).
//! 5. The same `revision` from another source: a conflict; the source with the better
//!    rank (listed first in the configuration) is current, and the conflict is recorded.
//!
//! A running total (`cumulative`) is first turned into a batch's own figures
//! (`running.rs`), which then merge by these rules.

mod diff;
mod entry;
mod running;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use diff::{Change, changes};
pub use entry::{Confirmation, Entry, Standing};
pub use running::{RunningOutcome, RunningTotal};

use crate::model::{Announcement, AnnouncementKey, Tier};

/// Who delivered an announcement. `rank` is the position in the configuration: lower wins a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub source: String,
    pub rank: usize,
}

/// One accepted version of an announcement.
#[derive(Debug, Clone)]
pub struct Version {
    pub announcement: Announcement,
    pub origin: Origin,
    pub first_seen: DateTime<Utc>,
    /// Whether it was ever current, and if not, why not.
    pub standing: Standing,
    /// The running total these figures were worked out from (the batch's own figures are
    /// the running total less the earlier batches held), if they were.
    pub derived_from: Option<Box<Announcement>>,
}

/// Two sources gave different figures for the same announcement at the same revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub winner: String,
    pub loser: String,
}

/// What merging one announcement did.
#[derive(Debug, Clone, PartialEq)]
pub enum MergeOutcome {
    /// A key not seen before.
    New,
    /// Same figures as the current version: nothing changed (citations may have been added).
    Unchanged,
    /// Replaced the current figures (higher revision, or a re-issue by the same source).
    Revised,
    /// Kept in history only: its revision is lower than the current one (or it withholds
    /// figures a weaker tier gave).
    Outdated,
    /// Disagrees with another source at the same revision; `won` says whether it is now current.
    Conflict { won: bool, other_source: String },
    /// The same figures at another tier: the `weaker` one is confirmed by the `stronger`.
    /// `became_current` when the arriving one was the stronger (the tier shown changed).
    Confirmed { weaker: Tier, stronger: Tier, became_current: bool },
    /// Other figures at another tier: the `stronger` is current and the `weaker` superseded;
    /// `differences` go from the weaker figures to the stronger, for the caller to log.
    Superseded { weaker: Tier, stronger: Tier, became_current: bool, differences: Vec<Change> },
    /// A running total: what resolving it did.
    RunningTotal(RunningOutcome),
}

impl MergeOutcome {
    /// True when the current figures (or the tier they are shown with) changed, so derived
    /// figures must be recomputed.
    pub fn changed_figures(&self) -> bool {
        match self {
            MergeOutcome::New | MergeOutcome::Revised | MergeOutcome::Conflict { won: true, .. } => true,
            MergeOutcome::Confirmed { became_current, .. } | MergeOutcome::Superseded { became_current, .. } => {
                *became_current
            }
            MergeOutcome::RunningTotal(RunningOutcome::Batch { outcome, .. }) => outcome.changed_figures(),
            _ => false,
        }
    }
}

/// The merged history of all sources.
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    entries: BTreeMap<AnnouncementKey, Entry>,
    /// Every running total merged, with what it resolved to.
    running: Vec<RunningTotal>,
    /// When journaling, the version each merge that changed anything applied, in order:
    /// what the history store must write so that replaying it rebuilds this ledger.
    journal: Option<Vec<(AnnouncementKey, usize)>>,
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts recording applied versions for [`Ledger::take_journal`] (off by default, so a
    /// ledger without a store does not grow a journal).
    pub fn start_journal(&mut self) {
        self.journal.get_or_insert_with(Vec::new);
    }

    /// The versions applied since the last call, in order, oldest first. Each is
    /// `(key, version)`, `version` indexing [`Entry::versions`].
    pub fn take_journal(&mut self) -> Vec<(AnnouncementKey, usize)> {
        self.journal.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Merges one validated announcement from `origin`, seen at `seen`.
    pub fn merge(&mut self, origin: &Origin, announcement: Announcement, seen: DateTime<Utc>) -> MergeOutcome {
        let (outcome, applied) = if announcement.cumulative {
            self.merge_running(origin, announcement, seen)
        } else {
            let version = Version {
                announcement,
                origin: origin.clone(),
                first_seen: seen,
                standing: Standing::Applied,
                derived_from: None,
            };
            self.merge_version(version)
        };
        if let (Some(journal), Some(applied)) = (self.journal.as_mut(), applied) {
            journal.push(applied);
        }
        outcome
    }

    /// Merges one version of a batch's own figures; also says which version it applied
    /// (stored or made current), if any.
    fn merge_version(&mut self, version: Version) -> (MergeOutcome, Option<(AnnouncementKey, usize)>) {
        let key = version.announcement.key.clone();
        let Some(entry) = self.entries.get_mut(&key) else {
            self.entries.insert(key.clone(), Entry::new(version));
            return (MergeOutcome::New, Some((key, 0)));
        };
        let (outcome, index) = entry.merge(version);
        (outcome, index.map(|index| (key, index)))
    }

    /// The current version of every announcement, ordered by commodity, year and batch.
    pub fn current(&self) -> impl Iterator<Item = &Announcement> {
        self.entries.values().map(|e| &e.current().announcement)
    }

    pub fn entries(&self) -> impl Iterator<Item = (&AnnouncementKey, &Entry)> {
        self.entries.iter()
    }

    pub fn entry(&self, key: &AnnouncementKey) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Every running total merged, in arrival order, with what each resolved to.
    pub fn running_totals(&self) -> &[RunningTotal] {
        &self.running
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_running;
#[cfg(test)]
mod tests_tier;
