use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Status, sample_mining};

fn announcement(revision: u32, tonnes: f64) -> Announcement {
    sample_mining(2024, 1, revision, tonnes)
}

fn origin(source: &str, rank: usize) -> Origin {
    Origin { source: source.into(), rank }
}

fn tonnes(ledger: &Ledger) -> f64 {
    ledger.current().next().expect("one announcement").quotas[0].tonnes
}

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).single().expect("valid time")
}

#[test]
fn same_rows_again_change_nothing() {
    let mut ledger = Ledger::new();
    assert_eq!(ledger.merge(&origin("a", 0), announcement(0, 135_000.0), at(0)), MergeOutcome::New);
    assert_eq!(ledger.merge(&origin("b", 1), announcement(0, 135_000.0), at(1)), MergeOutcome::Unchanged);
    let entry = ledger.entries().next().expect("entry").1;
    assert_eq!(entry.versions().len(), 1);
    assert!(!entry.is_revised());
}

#[test]
fn higher_revision_supersedes_and_keeps_history() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("a", 0), announcement(0, 135_000.0), at(0));
    assert_eq!(ledger.merge(&origin("b", 1), announcement(1, 140_000.0), at(1)), MergeOutcome::Revised);
    assert_eq!(tonnes(&ledger), 140_000.0);
    let entry = ledger.entries().next().expect("entry").1;
    assert!(entry.is_revised());
    assert_eq!(entry.previous().expect("earlier version").announcement.quotas[0].tonnes, 135_000.0);
}

#[test]
fn lower_revision_is_kept_but_not_current() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("a", 0), announcement(2, 140_000.0), at(0));
    assert_eq!(ledger.merge(&origin("a", 0), announcement(1, 135_000.0), at(1)), MergeOutcome::Outdated);
    assert_eq!(tonnes(&ledger), 140_000.0);
    assert_eq!(ledger.merge(&origin("a", 0), announcement(1, 135_000.0), at(2)), MergeOutcome::Unchanged);
    assert_eq!(ledger.entries().next().expect("entry").1.versions().len(), 2);
}

#[test]
fn same_source_same_revision_later_arrival_wins() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("a", 0), announcement(0, 135_000.0), at(0));
    assert_eq!(ledger.merge(&origin("a", 0), announcement(0, 136_000.0), at(1)), MergeOutcome::Revised);
    assert_eq!(tonnes(&ledger), 136_000.0);
}

#[test]
fn conflicting_sources_resolve_by_configuration_order() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("second", 1), announcement(0, 135_000.0), at(0));
    let outcome = ledger.merge(&origin("first", 0), announcement(0, 999.0), at(1));
    assert_eq!(outcome, MergeOutcome::Conflict { won: true, other_source: "second".into() });
    assert_eq!(tonnes(&ledger), 999.0);

    let outcome = ledger.merge(&origin("third", 2), announcement(0, 1.0), at(2));
    assert_eq!(outcome, MergeOutcome::Conflict { won: false, other_source: "first".into() });
    assert_eq!(tonnes(&ledger), 999.0);
    let entry = ledger.entries().next().expect("entry").1;
    assert_eq!(entry.conflicts().len(), 2);
    assert!(!outcome.changed_figures());

    // The losing source polled again adds nothing.
    assert_eq!(ledger.merge(&origin("third", 2), announcement(0, 1.0), at(3)), MergeOutcome::Unchanged);
    assert_eq!(ledger.entries().next().expect("entry").1.versions().len(), 3);
}

#[test]
fn going_back_to_an_earlier_document_is_the_later_arrival() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("desk", 0), announcement(0, 135_000.0), at(0));
    assert_eq!(ledger.merge(&origin("desk", 0), announcement(0, 13.0), at(1)), MergeOutcome::Revised);
    assert_eq!(ledger.merge(&origin("desk", 0), announcement(0, 135_000.0), at(2)), MergeOutcome::Revised);
    assert_eq!(tonnes(&ledger), 135_000.0);
    assert_eq!(ledger.entries().next().expect("entry").1.versions().len(), 2, "the earlier version is reused");
}

#[test]
fn published_figures_fill_in_a_withheld_batch_from_any_source() {
    let mut ledger = Ledger::new();
    let withheld = Announcement { status: Status::Unpublished, quotas: Vec::new(), ..announcement(0, 0.0) };
    ledger.merge(&origin("bundled", 5), withheld, at(0));
    assert_eq!(ledger.merge(&origin("desk", 0), announcement(0, 140_000.0), at(1)), MergeOutcome::Revised);
    assert_eq!(tonnes(&ledger), 140_000.0);
    assert!(ledger.entries().next().expect("entry").1.conflicts().is_empty());
}
