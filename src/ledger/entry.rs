//! All versions of one announcement and the rules that pick the current one.

use super::{Change, Conflict, MergeOutcome, Version, changes};
use crate::model::{Citation, Status, Tier, merge_citations};

/// Whether a version was ever current, and if not, why not: what `history` marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Current now, or current once and replaced by a revision.
    Applied,
    /// In a conflict with `winner` (listed first in the configuration). `applied` when it
    /// was current before the winner arrived; otherwise it never was.
    ConflictLost { winner: String, applied: bool },
    /// A lower revision than the one held when it arrived: never current.
    Outdated,
    /// Figures of a weaker tier that a `by` tier matched.
    Confirmed { by: Tier },
    /// Figures of a weaker tier that a `by` tier contradicted. `applied` when it was
    /// current until the stronger tier arrived.
    Superseded { by: Tier, applied: bool },
    /// A stronger tier's notice that the batch was issued with its figures withheld,
    /// arriving while a weaker tier's figures are held: those figures stay shown.
    Withheld,
}

/// The current figures were first seen at a weaker tier, from `source`, and a stronger
/// tier matched them: "reported, confirmed".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub tier: Tier,
    pub source: String,
}

/// All versions of one announcement.
#[derive(Debug, Clone)]
pub struct Entry {
    versions: Vec<Version>,
    current: usize,
    /// The version that was current before the current one.
    replaced: Option<usize>,
    /// How many times a revision replaced the current figures.
    revisions: u32,
    conflicts: Vec<Conflict>,
    confirmed: Option<Confirmation>,
}

impl Entry {
    pub(super) fn new(version: Version) -> Self {
        Entry {
            versions: vec![version],
            current: 0,
            replaced: None,
            revisions: 0,
            conflicts: Vec::new(),
            confirmed: None,
        }
    }

    pub fn current(&self) -> &Version {
        &self.versions[self.current]
    }

    /// Every version in arrival order.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// Whether `versions()[index]` is the current version.
    pub fn is_current(&self, index: usize) -> bool {
        index == self.current
    }

    /// True when a revision replaced earlier figures: the dashboard marks these.
    pub fn is_revised(&self) -> bool {
        self.revisions > 0
    }

    /// How many times a revision replaced the current figures ("rev 2"). Not the
    /// document's own number: that is [`Entry::document_revision`].
    pub fn revisions(&self) -> u32 {
        self.revisions
    }

    /// The `revision` the current document carries.
    pub fn document_revision(&self) -> u32 {
        self.current().announcement.revision
    }

    /// The version the current one replaced (what "was" shows): never a version that lost
    /// a conflict or arrived outdated, since those were not current.
    pub fn replaced(&self) -> Option<&Version> {
        self.replaced.map(|index| &self.versions[index])
    }

    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The tier the current figures are shown with.
    pub fn tier(&self) -> Tier {
        self.current().announcement.tier
    }

    /// Set when the current figures were first seen at a weaker tier and a stronger tier
    /// then matched them.
    pub fn confirmed(&self) -> Option<&Confirmation> {
        self.confirmed.as_ref()
    }

    /// Makes `index` current, remembering which version it replaced.
    fn make_current(&mut self, index: usize) {
        if index != self.current {
            self.replaced = Some(self.current);
            self.current = index;
        }
        self.versions[index].standing = Standing::Applied;
    }

    /// Stores `version` unless `known` is the same version already held; returns its index.
    fn store(&mut self, version: Version, known: Option<usize>) -> usize {
        known.unwrap_or_else(|| {
            self.versions.push(version);
            self.versions.len() - 1
        })
    }

    /// Adds where `version` was seen to the current version's citations: the same figures
    /// from several sources or items are one announcement, cited several times.
    fn cite(&mut self, version: &Version) {
        let current = self.current;
        let own = own_citation(&self.versions[current]);
        let more = own_citation(version).into_iter().chain(version.announcement.citations.iter().cloned());
        let more: Vec<Citation> = more.filter(|c| own.as_ref().is_none_or(|own| !own.same_as(c))).collect();
        merge_citations(&mut self.versions[current].announcement.citations, more);
    }

    /// Applies the rules of the module documentation to a version arriving for this key.
    pub(super) fn merge(&mut self, version: Version) -> (MergeOutcome, Option<usize>) {
        let current = self.current();
        let same = current.announcement.same_figures(&version.announcement);
        // A version this source delivered before is reused, not stored again, so polling
        // a source that flaps between two documents does not grow the history.
        let known = self.versions.iter().position(|v| {
            v.origin.source == version.origin.source
                && v.announcement.revision == version.announcement.revision
                && v.announcement.tier == version.announcement.tier
                && v.announcement.same_figures(&version.announcement)
        });
        if version.announcement.tier != current.announcement.tier {
            return self.merge_other_tier(version, same, known);
        }
        if same {
            self.cite(&version);
            return (MergeOutcome::Unchanged, None);
        }
        let incoming = version.announcement.revision;
        let held = current.announcement.revision;
        // Figures published for a batch known only as issued-but-withheld fill it in: news, not a dispute.
        let fills_in =
            current.announcement.status == Status::Unpublished && version.announcement.status == Status::Published;
        let same_source = current.origin.source == version.origin.source;
        let current_source = current.origin.source.clone();
        let current_rank = current.origin.rank;

        if incoming < held {
            if known.is_some() {
                return (MergeOutcome::Unchanged, None);
            }
            let index = self.store(Version { standing: Standing::Outdated, ..version }, None);
            return (MergeOutcome::Outdated, Some(index));
        }
        if incoming > held || same_source || fills_in {
            let index = self.store(version, known);
            self.make_current(index);
            self.revisions += 1;
            self.confirmed = None;
            return (MergeOutcome::Revised, Some(index));
        }
        let won = version.origin.rank < current_rank;
        if known.is_some() && !won {
            // The losing source polled again: the conflict is already recorded.
            return (MergeOutcome::Unchanged, None);
        }
        let source = version.origin.source.clone();
        let (winner, loser) = if won { (source, current_source.clone()) } else { (current_source.clone(), source) };
        let conflict = Conflict { winner: winner.clone(), loser };
        if !self.conflicts.contains(&conflict) {
            self.conflicts.push(conflict);
        }
        let index = self.store(version, known);
        if won {
            let before = self.current;
            self.make_current(index);
            self.versions[before].standing = Standing::ConflictLost { winner, applied: true };
            self.confirmed = None;
        } else {
            self.versions[index].standing = Standing::ConflictLost { winner, applied: false };
        }
        (MergeOutcome::Conflict { won, other_source: current_source }, Some(index))
    }

    /// Rule 1: the stronger tier is current whichever arrives first. Figures withheld are
    /// not figures: published figures of any tier fill in a batch held as withheld, and a
    /// notice withholding them does not take figures away.
    fn merge_other_tier(
        &mut self,
        version: Version,
        same: bool,
        known: Option<usize>,
    ) -> (MergeOutcome, Option<usize>) {
        let held = self.current().announcement.tier;
        let incoming = version.announcement.tier;
        match (self.current().announcement.status, version.announcement.status) {
            (Status::Unpublished, Status::Published) => {
                let index = self.store(version, known);
                self.make_current(index);
                self.revisions += 1;
                self.confirmed = None;
                return (MergeOutcome::Revised, Some(index));
            }
            (Status::Published, Status::Unpublished) => {
                if known.is_some() {
                    return (MergeOutcome::Unchanged, None);
                }
                let index = self.store(Version { standing: Standing::Withheld, ..version }, None);
                return (MergeOutcome::Outdated, Some(index));
            }
            _ => {}
        }
        if incoming > held {
            let before = self.current;
            let differences = changes(&self.versions[before].announcement, &version.announcement);
            let index = self.store(version, known);
            if same {
                // The figures stay; they now carry the stronger tier and every citation.
                let weaker = self.versions[before].clone();
                self.make_current(index);
                self.cite(&weaker);
                self.versions[before].standing = Standing::Confirmed { by: incoming };
                self.confirmed = Some(Confirmation { tier: held, source: weaker.origin.source });
                return (
                    MergeOutcome::Confirmed { weaker: held, stronger: incoming, became_current: true },
                    Some(index),
                );
            }
            self.make_current(index);
            self.versions[before].standing = Standing::Superseded { by: incoming, applied: true };
            self.revisions += 1;
            self.confirmed = None;
            let outcome =
                MergeOutcome::Superseded { weaker: held, stronger: incoming, became_current: true, differences };
            return (outcome, Some(index));
        }
        if known.is_some() {
            return (MergeOutcome::Unchanged, None);
        }
        if same {
            self.cite(&version);
            let index = self.store(Version { standing: Standing::Confirmed { by: held }, ..version }, None);
            return (MergeOutcome::Confirmed { weaker: incoming, stronger: held, became_current: false }, Some(index));
        }
        let differences: Vec<Change> = changes(&version.announcement, &self.current().announcement);
        let index =
            self.store(Version { standing: Standing::Superseded { by: held, applied: false }, ..version }, None);
        (MergeOutcome::Superseded { weaker: incoming, stronger: held, became_current: false, differences }, Some(index))
    }
}

/// Where a version itself was seen, as a citation: its title, link and date, and the
/// configured source that delivered it.
fn own_citation(version: &Version) -> Option<Citation> {
    let a = &version.announcement;
    (a.url.is_some() || a.title.is_some()).then(|| Citation {
        title: a.title.clone(),
        url: a.url.clone(),
        published: a.published,
        source: Some(version.origin.source.clone()),
    })
}
