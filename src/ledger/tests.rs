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
    assert_eq!(entry.replaced().expect("earlier version").announcement.quotas[0].tonnes, 135_000.0);
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

/// "was" must name the version the current one replaced, not the newest other version:
/// here the conflict `b` lost is newer than the figure `a` revised.
#[test]
fn the_replaced_version_is_the_one_current_before_not_a_losing_conflict() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("a", 0), sample_mining(2025, 1, 0, 135_000.0), at(0));
    let outcome = ledger.merge(&origin("b", 1), sample_mining(2025, 1, 0, 999.0), at(1));
    assert_eq!(outcome, MergeOutcome::Conflict { won: false, other_source: "a".into() });
    assert_eq!(ledger.merge(&origin("a", 0), sample_mining(2025, 1, 1, 140_000.0), at(2)), MergeOutcome::Revised);
    let entry = ledger.entries().next().expect("entry").1;
    assert_eq!(entry.current().announcement.quotas[0].tonnes, 140_000.0);
    assert_eq!(entry.replaced().expect("a replaced version").announcement.quotas[0].tonnes, 135_000.0);
    assert_eq!((entry.revisions(), entry.document_revision()), (1, 1));
    let standings: Vec<_> = entry.versions().iter().map(|v| v.standing.clone()).collect();
    assert_eq!(
        standings,
        [Standing::Applied, Standing::ConflictLost { winner: "a".into(), applied: false }, Standing::Applied]
    );
}

#[test]
fn a_conflict_winner_replaces_the_version_it_beat() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("second", 1), announcement(0, 135_000.0), at(0));
    ledger.merge(&origin("first", 0), announcement(0, 999.0), at(1));
    let entry = ledger.entries().next().expect("entry").1;
    assert_eq!(entry.replaced().expect("replaced").origin.source, "second");
    assert_eq!(entry.versions()[0].standing, Standing::ConflictLost { winner: "first".into(), applied: true });
    assert!(entry.is_current(1));
}

#[test]
fn the_same_figures_from_another_source_are_one_announcement_with_citations_merged() {
    let mut ledger = Ledger::new();
    let notice = Announcement {
        title: Some("Notice".into()),
        url: Some("https://gov/notice".into()),
        ..announcement(0, 135_000.0)
    };
    let mut news =
        Announcement { title: Some("News".into()), url: Some("https://news/1".into()), ..announcement(0, 135_000.0) };
    news.citations = vec![
        crate::model::Citation { url: Some("https://gov/notice".into()), ..Default::default() },
        crate::model::Citation { url: Some("https://wire/2".into()), ..Default::default() },
    ];
    ledger.merge(&origin("ministry", 0), notice, at(0));
    assert_eq!(ledger.merge(&origin("news", 1), news.clone(), at(1)), MergeOutcome::Unchanged);
    assert_eq!(ledger.merge(&origin("news", 1), news, at(2)), MergeOutcome::Unchanged);
    let entry = ledger.entries().next().expect("entry").1;
    assert_eq!(entry.versions().len(), 1);
    assert!(entry.conflicts().is_empty());
    let urls: Vec<_> = entry.current().announcement.citations.iter().filter_map(|c| c.url.as_deref()).collect();
    assert_eq!(urls, ["https://news/1", "https://wire/2"], "the notice's own link is not cited to itself");
    assert_eq!(entry.current().announcement.citations[0].source.as_deref(), Some("news"));
}
