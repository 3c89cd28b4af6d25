//! The merged history: every version of every announcement from every source, and which
//! version is current. Applies the update, revision and conflict rules of quota-feed/1.
//!
//! Rules, in order, for an announcement arriving with the same key as the current one:
//! 1. The same figures (rows in any order, same status) change nothing; a version a
//!    source delivered before is reused rather than stored again.
//! 2. A higher `revision` supersedes; a lower one is kept in history as outdated.
//! 3. The same `revision` from the same source: the later arrival supersedes (a revision),
//!    also when it goes back to an earlier document. Published figures for a batch held
//!    as unpublished fill it in (a revision too, from any source).
//! 4. The same `revision` from another source: a conflict; the source with the better
//!    rank (listed first in the configuration) is current, and the conflict is recorded.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::{Announcement, AnnouncementKey, Status};

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
}

/// Two sources gave different figures for the same announcement at the same revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub winner: String,
    pub loser: String,
}

/// All versions of one announcement.
#[derive(Debug, Clone)]
pub struct Entry {
    versions: Vec<Version>,
    current: usize,
    /// How many times a revision replaced the current figures.
    revisions: u32,
    conflicts: Vec<Conflict>,
}

impl Entry {
    pub fn current(&self) -> &Version {
        &self.versions[self.current]
    }

    /// Every version in arrival order.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// True when a revision replaced earlier figures: the dashboard marks these.
    pub fn is_revised(&self) -> bool {
        self.revisions > 0
    }

    /// How many times a revision replaced the current figures ("rev 2").
    pub fn revisions(&self) -> u32 {
        self.revisions
    }

    /// The version the current one replaced, for showing the earlier value.
    pub fn previous(&self) -> Option<&Version> {
        self.versions.iter().enumerate().rev().find(|(i, _)| *i != self.current).map(|(_, v)| v)
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }
}

/// What merging one announcement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    /// A key not seen before.
    New,
    /// Same figures as the current version: nothing changed.
    Unchanged,
    /// Replaced the current figures (higher revision, or a re-issue by the same source).
    Revised,
    /// Kept in history only: its revision is lower than the current one.
    Outdated,
    /// Disagrees with another source at the same revision; `won` says whether it is now current.
    Conflict { won: bool, other_source: String },
}

impl MergeOutcome {
    /// True when the current figures changed, so derived figures must be recomputed.
    pub fn changed_figures(&self) -> bool {
        matches!(self, MergeOutcome::New | MergeOutcome::Revised | MergeOutcome::Conflict { won: true, .. })
    }
}

/// The merged history of all sources.
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    entries: BTreeMap<AnnouncementKey, Entry>,
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
        let key = announcement.key.clone();
        let (outcome, applied) = self.merge_inner(origin, announcement, seen);
        if let (Some(journal), Some(index)) = (self.journal.as_mut(), applied) {
            journal.push((key, index));
        }
        outcome
    }

    /// The merge itself; also says which version it applied (stored or made current), if any.
    fn merge_inner(
        &mut self,
        origin: &Origin,
        announcement: Announcement,
        seen: DateTime<Utc>,
    ) -> (MergeOutcome, Option<usize>) {
        let version = Version { announcement, origin: origin.clone(), first_seen: seen };
        let Some(entry) = self.entries.get_mut(&version.announcement.key) else {
            let key = version.announcement.key.clone();
            self.entries
                .insert(key, Entry { versions: vec![version], current: 0, revisions: 0, conflicts: Vec::new() });
            return (MergeOutcome::New, Some(0));
        };
        let current = entry.current();
        if current.announcement.same_figures(&version.announcement) {
            return (MergeOutcome::Unchanged, None);
        }
        // A version this source delivered before is reused, not stored again, so polling
        // a source that flaps between two documents does not grow the history.
        let known = entry.versions.iter().position(|v| {
            v.origin.source == origin.source
                && v.announcement.revision == version.announcement.revision
                && v.announcement.same_figures(&version.announcement)
        });
        let incoming = version.announcement.revision;
        let held = current.announcement.revision;
        // Figures published for a batch known only as issued-but-withheld fill it in: news, not a dispute.
        let fills_in =
            current.announcement.status == Status::Unpublished && version.announcement.status == Status::Published;
        let same_source = current.origin.source == origin.source;
        let current_source = current.origin.source.clone();
        let current_rank = current.origin.rank;
        let store = |entry: &mut Entry, version: Version| match known {
            Some(index) => index,
            None => {
                entry.versions.push(version);
                entry.versions.len() - 1
            }
        };

        if incoming < held {
            if known.is_some() {
                return (MergeOutcome::Unchanged, None);
            }
            let index = store(entry, version);
            return (MergeOutcome::Outdated, Some(index));
        }
        if incoming > held || same_source || fills_in {
            entry.current = store(entry, version);
            entry.revisions += 1;
            return (MergeOutcome::Revised, Some(entry.current));
        }
        let won = origin.rank < current_rank;
        if known.is_some() && !won {
            // The losing source polled again: the conflict is already recorded.
            return (MergeOutcome::Unchanged, None);
        }
        let (winner, loser) = if won {
            (origin.source.clone(), current_source.clone())
        } else {
            (current_source.clone(), origin.source.clone())
        };
        let conflict = Conflict { winner, loser };
        if !entry.conflicts.contains(&conflict) {
            entry.conflicts.push(conflict);
        }
        let index = store(entry, version);
        if won {
            entry.current = index;
        }
        (MergeOutcome::Conflict { won, other_source: current_source }, Some(index))
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
}

#[cfg(test)]
mod tests;
