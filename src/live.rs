//! Merging a document a poller found into the ledger, and sorting out what of it is news:
//! the one rule the dashboard (`app::update`) and the headless `watch` share, so both raise
//! the same alerts for the same release. No terminal, no I/O.

use chrono::{DateTime, Utc};

use crate::ledger::{Ledger, MergeOutcome, Origin, RunningOutcome};
use crate::model::{Announcement, AnnouncementKey};

/// Two sources disagreeing on one announcement, as a merge found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub key: AnnouncementKey,
    pub other_source: String,
    /// Whether the merged source's figures are the ones now shown.
    pub won: bool,
}

impl Disagreement {
    /// The log line: "rare-earths 2026 batch 1: desk and wire disagree; desk is shown".
    pub fn text(&self, source: &str) -> String {
        let winner = if self.won { source } else { &self.other_source };
        format!("{}: {source} and {} disagree; {winner} is shown", self.key, self.other_source)
    }
}

/// What merging one document changed.
#[derive(Debug, Default, PartialEq)]
pub struct Merged {
    /// Announcements whose shown figures are news, in document order: the key and whether
    /// it is a revision (anything that replaced figures already shown) rather than new.
    pub news: Vec<(AnnouncementKey, bool)>,
    pub disagreements: Vec<Disagreement>,
    /// Whether any figure the ledger shows changed (figures derived from it need recomputing).
    pub changed: bool,
}

/// Merges `announcements` from `origin`, seen at `at`.
pub fn merge_document(
    ledger: &mut Ledger,
    origin: &Origin,
    announcements: Vec<Announcement>,
    at: DateTime<Utc>,
) -> Merged {
    let mut merged = Merged::default();
    for announcement in announcements {
        let key = announcement.key.clone();
        let outcome = ledger.merge(origin, announcement, at);
        merged.changed |= outcome.changed_figures();
        match outcome {
            MergeOutcome::New => merged.news.push((key, false)),
            MergeOutcome::Revised => merged.news.push((key, true)),
            MergeOutcome::Conflict { won, other_source } => {
                if won {
                    // The figures shown changed: that is news even if disputed.
                    merged.news.push((key.clone(), true));
                }
                merged.disagreements.push(Disagreement { key, other_source, won });
            }
            // A stronger tier replacing other figures changes what is shown, as a revision does.
            MergeOutcome::Superseded { became_current: true, .. } => merged.news.push((key, true)),
            // A running total that became a batch of its own: that batch is the news.
            MergeOutcome::RunningTotal(RunningOutcome::Batch { batch, outcome })
                if matches!(*outcome, MergeOutcome::New | MergeOutcome::Revised) =>
            {
                merged.news.push((AnnouncementKey { batch, ..key }, *outcome == MergeOutcome::Revised));
            }
            MergeOutcome::Unchanged
            | MergeOutcome::Outdated
            | MergeOutcome::Confirmed { .. }
            | MergeOutcome::Superseded { .. }
            | MergeOutcome::RunningTotal(_) => {}
        }
    }
    merged
}
