//! Running totals turned into batches' own figures.

use chrono::{TimeZone, Utc};

use super::*;
use crate::analytics::{CommodityHistory, Measure, year_series};
use crate::model::{Commodity, QuotaRow, Stage, Status, Tier, sample_mining};

fn tungsten(batch: u8, rows: &[(Stage, f64)]) -> Announcement {
    let mut a = sample_mining(2024, batch, 0, 0.0);
    a.key.commodity = Commodity::parse("tungsten").expect("slug");
    a.quotas = rows
        .iter()
        .map(|(stage, tonnes)| QuotaRow {
            stage: *stage,
            category: "total".into(),
            holder: "*".into(),
            tonnes: *tonnes,
        })
        .collect();
    a
}

/// A running total of mining: through `batch`, or (0) the year so far.
fn running(batch: u8, mining: f64) -> Announcement {
    Announcement { cumulative: true, ..tungsten(batch, &[(Stage::Mining, mining)]) }
}

fn desk() -> Origin {
    Origin { source: "desk".into(), rank: 0 }
}

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).single().expect("valid time")
}

fn mining(ledger: &Ledger, batch: u8) -> Option<f64> {
    ledger.current().find(|a| a.key.batch == batch).and_then(|a| Measure::Stage(Stage::Mining).value(a))
}

fn year_total(ledger: &Ledger) -> Option<f64> {
    let histories = CommodityHistory::build_all(ledger.current());
    year_series(&histories[0], &Measure::Stage(Stage::Mining)).into_iter().find(|p| p.year == 2024)?.tonnes
}

#[test]
fn a_larger_year_so_far_is_the_next_batch_tungsten_2024() {
    let mut ledger = Ledger::new();
    ledger.start_journal();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0)]), at(0));
    let mut full_year = running(0, 114_000.0);
    full_year.tier = Tier::Reported;
    full_year.url = Some("https://metalnomist.com/2024/09/china-increases-tungsten-mining-quotas_1.html".into());
    let outcome = ledger.merge(&desk(), full_year.clone(), at(1));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Batch { batch: 2, outcome: Box::new(MergeOutcome::New) })
    );
    assert!(outcome.changed_figures());
    assert_eq!(mining(&ledger, 2), Some(52_000.0));
    assert_eq!(year_total(&ledger), Some(114_000.0));
    let batch2 = ledger.current().find(|a| a.key.batch == 2).expect("batch 2");
    assert!(!batch2.cumulative);
    assert_eq!(batch2.tier, Tier::Reported, "as weak as the weakest figure it is made of");
    assert_eq!(batch2.url, full_year.url);
    let key = batch2.key.clone();
    let version = &ledger.entry(&key).expect("entry").versions()[0];
    assert_eq!(version.derived_from.as_deref(), Some(&full_year));
    assert_eq!(ledger.take_journal().last().map(|(k, i)| (k.batch, *i)), Some((2, 0)), "the derived batch is stored");
    assert_eq!(ledger.running_totals().len(), 1);

    // The same running total again: it now equals what is held and changes nothing.
    assert_eq!(ledger.merge(&desk(), full_year, at(2)), MergeOutcome::Unchanged);
    assert_eq!((ledger.current().count(), ledger.running_totals().len()), (2, 1));
}

#[test]
fn an_equal_running_total_confirms_without_a_new_batch() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0)]), at(0));
    ledger.merge(&desk(), tungsten(2, &[(Stage::Mining, 52_000.0)]), at(1));
    let outcome = ledger.merge(&desk(), running(0, 114_000.0), at(2));
    assert_eq!(outcome, MergeOutcome::RunningTotal(RunningOutcome::Matches { through: 2 }));
    assert!(!outcome.changed_figures());
    assert_eq!(ledger.current().count(), 2);
    // Named through batch 2, the running total is batch 2's own figures: the same again.
    let outcome = ledger.merge(&desk(), running(2, 114_000.0), at(3));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Batch { batch: 2, outcome: Box::new(MergeOutcome::Unchanged) })
    );
}

#[test]
fn a_smaller_running_total_is_a_flagged_conflict_and_applies_nothing() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0)]), at(0));
    ledger.merge(&desk(), tungsten(2, &[(Stage::Mining, 52_000.0)]), at(1));
    let outcome = ledger.merge(&desk(), running(0, 111_000.0), at(2));
    let MergeOutcome::RunningTotal(RunningOutcome::Conflict { differences }) = outcome else {
        panic!("expected a conflict, got {outcome:?}")
    };
    assert_eq!((differences[0].before, differences[0].after), (Some(114_000.0), Some(111_000.0)));
    assert_eq!((mining(&ledger, 1), mining(&ledger, 2), ledger.current().count()), (Some(62_000.0), Some(52_000.0), 2));
    assert!(ledger.running_totals()[0].is_flagged());
    // Polled again it is not news again.
    assert_eq!(ledger.merge(&desk(), running(0, 111_000.0), at(3)), MergeOutcome::Unchanged);
    assert_eq!(ledger.running_totals().len(), 1);
}

#[test]
fn a_stage_the_running_total_leaves_out_is_not_taken_as_zero() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0), (Stage::SmeltingSeparation, 50_000.0)]), at(0));
    ledger.merge(&desk(), running(0, 114_000.0), at(1));
    let batch2 = ledger.current().find(|a| a.key.batch == 2).expect("batch 2");
    assert_eq!(batch2.quotas.len(), 1, "{:?}", batch2.quotas);
    assert_eq!(Measure::Stage(Stage::SmeltingSeparation).value(batch2), None);
    // So the smelting year is partial, not 50,000 + 0.
    let histories = CommodityHistory::build_all(ledger.current());
    let smelting = year_series(&histories[0], &Measure::Stage(Stage::SmeltingSeparation));
    assert!(smelting.iter().all(|p| p.year != 2024 || p.partial), "{smelting:?}");
}

#[test]
fn a_figure_the_held_batches_do_not_all_carry_is_left_out() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0)]), at(0));
    // Smelting is in the running total but not in batch 1: its own share cannot be told.
    let both = Announcement {
        cumulative: true,
        ..tungsten(0, &[(Stage::Mining, 114_000.0), (Stage::SmeltingSeparation, 90_000.0)])
    };
    ledger.merge(&desk(), both, at(1));
    let batch2 = ledger.current().find(|a| a.key.batch == 2).expect("batch 2");
    assert_eq!(batch2.quotas.iter().map(|r| (r.stage, r.tonnes)).collect::<Vec<_>>(), [(Stage::Mining, 52_000.0)]);
}

#[test]
fn a_running_total_naming_its_batch_subtracts_the_batches_before_it() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0)]), at(0));
    let outcome = ledger.merge(&desk(), running(2, 114_000.0), at(1));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Batch { batch: 2, outcome: Box::new(MergeOutcome::New) })
    );
    assert_eq!(mining(&ledger, 2), Some(52_000.0));
    // Through batch 1 it is batch 1 itself; through batch 4 with batch 3 missing it cannot be split.
    assert_eq!(
        ledger.merge(&desk(), running(1, 62_000.0), at(2)),
        MergeOutcome::RunningTotal(RunningOutcome::Batch { batch: 1, outcome: Box::new(MergeOutcome::Unchanged) })
    );
    let outcome = ledger.merge(&desk(), running(4, 200_000.0), at(3));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Unresolved {
            reason: "batch 3 is not held, so the running total cannot be split".into()
        })
    );
    assert_eq!(ledger.current().count(), 2);
}

#[test]
fn a_batchless_running_total_with_nothing_held_is_the_first_batch() {
    let mut ledger = Ledger::new();
    let outcome = ledger.merge(&desk(), running(0, 62_000.0), at(0));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Batch { batch: 1, outcome: Box::new(MergeOutcome::New) })
    );
    assert_eq!(mining(&ledger, 1), Some(62_000.0));
}

#[test]
fn against_a_full_year_issue_a_running_total_confirms_or_conflicts() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(0, &[(Stage::Mining, 114_000.0)]), at(0));
    assert_eq!(
        ledger.merge(&desk(), running(0, 114_000.0), at(1)),
        MergeOutcome::RunningTotal(RunningOutcome::Matches { through: 0 })
    );
    assert!(matches!(
        ledger.merge(&desk(), running(0, 120_000.0), at(2)),
        MergeOutcome::RunningTotal(RunningOutcome::Conflict { .. })
    ));
    assert!(matches!(
        ledger.merge(&desk(), running(2, 120_000.0), at(3)),
        MergeOutcome::RunningTotal(RunningOutcome::Unresolved { .. })
    ));
    assert_eq!(ledger.current().count(), 1);
}

#[test]
fn a_withheld_batch_cannot_be_subtracted() {
    let mut ledger = Ledger::new();
    let withheld = Announcement { status: Status::Unpublished, quotas: Vec::new(), ..tungsten(1, &[]) };
    ledger.merge(&desk(), withheld, at(0));
    let outcome = ledger.merge(&desk(), running(0, 114_000.0), at(1));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Unresolved { reason: "the figures of batch 1 are withheld".into() })
    );
}

#[test]
fn a_derived_batch_is_confirmed_by_the_official_notice_later() {
    let mut ledger = Ledger::new();
    ledger.merge(&desk(), tungsten(1, &[(Stage::Mining, 62_000.0)]), at(0));
    ledger.merge(&desk(), Announcement { tier: Tier::Reported, ..running(0, 114_000.0) }, at(1));
    let official = tungsten(2, &[(Stage::Mining, 52_000.0)]);
    let outcome = ledger.merge(&Origin { source: "ministry".into(), rank: 1 }, official, at(2));
    assert_eq!(
        outcome,
        MergeOutcome::Confirmed { weaker: Tier::Reported, stronger: Tier::Official, became_current: true }
    );
}
