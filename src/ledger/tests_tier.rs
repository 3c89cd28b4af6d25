//! Tier precedence: official beats reported beats estimate whatever the arrival order.

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Citation, Commodity, Stage, Tier, sample_mining};

fn tungsten(batch: u8, tier: Tier, tonnes: f64) -> Announcement {
    let mut a = sample_mining(2024, batch, 0, tonnes);
    a.key.commodity = Commodity::parse("tungsten").expect("slug");
    a.tier = tier;
    a
}

fn origin(source: &str, rank: usize) -> Origin {
    Origin { source: source.into(), rank }
}

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).single().expect("valid time")
}

fn only(ledger: &Ledger) -> &Entry {
    ledger.entries().next().expect("one entry").1
}

#[test]
fn official_supersedes_reported_whatever_the_order() {
    for official_first in [false, true] {
        let mut ledger = Ledger::new();
        // The news source is listed first: rank never outweighs tier.
        let (news, ministry) = (origin("news", 0), origin("ministry", 1));
        let reported = tungsten(1, Tier::Reported, 60_000.0);
        let official = tungsten(1, Tier::Official, 62_000.0);
        let outcome = if official_first {
            ledger.merge(&ministry, official, at(0));
            ledger.merge(&news, reported, at(1))
        } else {
            ledger.merge(&news, reported, at(0));
            ledger.merge(&ministry, official, at(1))
        };
        let entry = only(&ledger);
        assert_eq!(entry.current().announcement.quotas[0].tonnes, 62_000.0, "official first: {official_first}");
        assert_eq!(entry.tier(), Tier::Official);
        let MergeOutcome::Superseded { weaker, stronger, became_current, differences } = outcome else {
            panic!("expected the reported figure superseded, got {outcome:?}")
        };
        assert_eq!((weaker, stronger, became_current), (Tier::Reported, Tier::Official, !official_first));
        assert_eq!(differences.len(), 1);
        assert_eq!(
            (differences[0].stage, differences[0].before, differences[0].after),
            (Stage::Mining, Some(60_000.0), Some(62_000.0))
        );
        let reported_version = entry.versions().iter().find(|v| v.announcement.tier == Tier::Reported).expect("kept");
        assert_eq!(reported_version.standing, Standing::Superseded { by: Tier::Official, applied: !official_first });
        assert!(entry.conflicts().is_empty(), "another tier is not a conflict");
        assert!(entry.confirmed().is_none());
    }
}

#[test]
fn reported_supersedes_estimate_and_an_estimate_after_official_changes_nothing_shown() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("desk", 0), tungsten(1, Tier::Estimate, 58_000.0), at(0));
    let outcome = ledger.merge(&origin("news", 1), tungsten(1, Tier::Reported, 60_000.0), at(1));
    assert!(matches!(
        outcome,
        MergeOutcome::Superseded { weaker: Tier::Estimate, stronger: Tier::Reported, became_current: true, .. }
    ));
    assert!(outcome.changed_figures());
    ledger.merge(&origin("ministry", 2), tungsten(1, Tier::Official, 62_000.0), at(2));
    let outcome = ledger.merge(&origin("desk", 0), tungsten(1, Tier::Estimate, 63_000.0), at(3));
    assert!(matches!(
        outcome,
        MergeOutcome::Superseded { weaker: Tier::Estimate, stronger: Tier::Official, became_current: false, .. }
    ));
    assert!(!outcome.changed_figures());
    let entry = only(&ledger);
    assert_eq!(entry.current().announcement.quotas[0].tonnes, 62_000.0);
    assert_eq!(entry.replaced().expect("replaced").announcement.quotas[0].tonnes, 60_000.0);
    // Polled again, the outranked estimate adds nothing.
    assert_eq!(ledger.merge(&origin("desk", 0), tungsten(1, Tier::Estimate, 63_000.0), at(4)), MergeOutcome::Unchanged);
    assert_eq!(only(&ledger).versions().len(), 4);
}

#[test]
fn a_reported_figure_an_official_one_matches_is_confirmed() {
    let mut ledger = Ledger::new();
    let mut reported = tungsten(1, Tier::Reported, 62_000.0);
    reported.url = Some("https://projectblue.com/blue/news-analysis/815".into());
    ledger.merge(&origin("news", 0), reported, at(0));
    let mut official = tungsten(1, Tier::Official, 62_000.0);
    official.url = Some("https://www.mnr.gov.cn/notice".into());
    let outcome = ledger.merge(&origin("ministry", 1), official, at(1));
    assert_eq!(
        outcome,
        MergeOutcome::Confirmed { weaker: Tier::Reported, stronger: Tier::Official, became_current: true }
    );
    let entry = only(&ledger);
    assert_eq!(entry.tier(), Tier::Official);
    assert_eq!(entry.confirmed(), Some(&Confirmation { tier: Tier::Reported, source: "news".into() }));
    assert_eq!(entry.versions()[0].standing, Standing::Confirmed { by: Tier::Official });
    assert!(!entry.is_revised(), "a confirmation is not a revision");
    let cited: Vec<_> = entry.current().announcement.citations.iter().filter_map(|c| c.url.as_deref()).collect();
    assert_eq!(
        cited,
        ["https://projectblue.com/blue/news-analysis/815"],
        "the news item is cited on the official figure"
    );

    // An official revision afterwards is about other figures: no longer "confirmed".
    let revised = Announcement { revision: 1, ..tungsten(1, Tier::Official, 63_000.0) };
    assert_eq!(ledger.merge(&origin("ministry", 1), revised, at(2)), MergeOutcome::Revised);
    assert!(only(&ledger).confirmed().is_none());
}

#[test]
fn a_reported_figure_matching_an_official_one_held_is_confirmed_and_cited() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("ministry", 1), tungsten(1, Tier::Official, 62_000.0), at(0));
    let mut reported = tungsten(1, Tier::Reported, 62_000.0);
    reported.citations = vec![Citation { title: Some("Reuters".into()), ..Citation::default() }];
    let outcome = ledger.merge(&origin("news", 0), reported.clone(), at(1));
    assert_eq!(
        outcome,
        MergeOutcome::Confirmed { weaker: Tier::Reported, stronger: Tier::Official, became_current: false }
    );
    assert!(!outcome.changed_figures());
    let entry = only(&ledger);
    assert_eq!(entry.versions()[1].standing, Standing::Confirmed { by: Tier::Official });
    assert_eq!(entry.current().announcement.citations.len(), 1);
    assert_eq!(ledger.merge(&origin("news", 0), reported, at(2)), MergeOutcome::Unchanged);
}

#[test]
fn within_a_tier_the_revision_and_conflict_rules_apply() {
    let mut ledger = Ledger::new();
    ledger.merge(&origin("news-b", 1), tungsten(1, Tier::Reported, 60_000.0), at(0));
    let outcome = ledger.merge(&origin("news-a", 0), tungsten(1, Tier::Reported, 61_000.0), at(1));
    assert_eq!(outcome, MergeOutcome::Conflict { won: true, other_source: "news-b".into() });
    let outcome = ledger.merge(
        &origin("news-b", 1),
        Announcement { revision: 1, ..tungsten(1, Tier::Reported, 62_000.0) },
        at(2),
    );
    assert_eq!(outcome, MergeOutcome::Revised);
    assert_eq!(only(&ledger).current().announcement.quotas[0].tonnes, 62_000.0);
}

#[test]
fn reported_figures_fill_in_an_official_batch_withheld_and_stay_when_withheld_later() {
    let withheld = || Announcement {
        status: crate::model::Status::Unpublished,
        quotas: Vec::new(),
        ..tungsten(1, Tier::Official, 0.0)
    };
    for withheld_first in [true, false] {
        let mut ledger = Ledger::new();
        let (ministry, news) = (origin("ministry", 0), origin("news", 1));
        let outcome = if withheld_first {
            ledger.merge(&ministry, withheld(), at(0));
            ledger.merge(&news, tungsten(1, Tier::Reported, 62_000.0), at(1))
        } else {
            ledger.merge(&news, tungsten(1, Tier::Reported, 62_000.0), at(0));
            ledger.merge(&ministry, withheld(), at(1))
        };
        assert_eq!(outcome, if withheld_first { MergeOutcome::Revised } else { MergeOutcome::Outdated });
        let entry = only(&ledger);
        assert_eq!((entry.tier(), entry.current().announcement.quotas[0].tonnes), (Tier::Reported, 62_000.0));
        if !withheld_first {
            assert_eq!(entry.versions()[1].standing, Standing::Withheld);
        }
        // The official figures, when they come, supersede the reported ones.
        let outcome = ledger.merge(&ministry, tungsten(1, Tier::Official, 62_000.0), at(2));
        assert!(matches!(outcome, MergeOutcome::Confirmed { became_current: true, .. }), "{outcome:?}");
    }
}
