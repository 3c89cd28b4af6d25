use chrono::NaiveDate;

use super::*;
use crate::analytics::CommodityHistory;
use crate::model::{Announcement, Commodity, Stage, Status, sample_mining};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn expect(year: u16, batch: Option<u8>, range: Range) -> Expectation {
    Expectation {
        commodity: Commodity::parse("rare-earths").expect("slug"),
        year,
        batch,
        stage: Stage::Mining,
        range,
        who: Some("analysts and traders (Reuters)".into()),
        published: Some(day("2025-07-07")),
        url: None,
    }
}

/// The bundled history's announcements (mining figures of 2019-2024, 2025 batch 1 withheld).
fn bundled() -> Vec<Announcement> {
    crate::bundled::load().expect("bundled").announcements
}

fn rare_earths(announcements: &[Announcement]) -> CommodityHistory<'_> {
    let re = Commodity::parse("rare-earths").expect("slug");
    CommodityHistory::of(announcements, &re).expect("rare earths")
}

fn bundled_expectations() -> Vec<Expectation> {
    let parsed = crate::outlook::bundled();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    parsed.outlook.expectations
}

fn find<'e>(all: &'e [Expectation], year: u16, who: &str) -> &'e Expectation {
    all.iter().find(|e| e.year == year && e.who.as_deref().is_some_and(|w| w.contains(who))).expect("expectation")
}

#[test]
fn the_check_figures() {
    let announcements = bundled();
    let h = rare_earths(&announcements);
    let all = bundled_expectations();
    let acrei = assess(find(&all, 2024, "ACREI"), Some(&h));
    assert_eq!((acrei.verdict, acrei.surprise_pct.map(round_pct)), (Verdict::Within, Some(0.0)));
    let smm = assess(find(&all, 2024, "SMM"), Some(&h));
    assert_eq!((smm.verdict, smm.surprise_pct.map(round_pct)), (Verdict::Below, Some(-3.6)));
    let adamas = assess(find(&all, 2023, "Adamas"), Some(&h));
    assert_eq!(adamas.basis, Some(Basis::Batch));
    assert_eq!((adamas.low, adamas.high, adamas.actual), (Some(120_960.0), Some(126_000.0), Some(120_000.0)));
    assert_eq!((adamas.verdict, adamas.surprise_pct.map(round_pct)), (Verdict::Below, Some(-2.8)));
    let reuters = assess(find(&all, 2025, "Reuters"), Some(&h));
    assert_eq!(reuters.basis, Some(Basis::FullYear));
    assert_eq!((reuters.low, reuters.high), (Some(270_000.0), Some(283_500.0)));
    assert_eq!((reuters.actual, reuters.surprise_pct, reuters.verdict), (None, None, Verdict::Pending));
    assert_eq!(consensus_note(&reuters), "consensus 270,000-283,500 (flat to +5%, Reuters 2025-07-07)");
    assert_eq!(consensus_note(&acrei), "consensus 270,000 (ACREI 2024-07-03) · actual 270,000: within, +0.0%");
}

#[test]
fn points_and_ranges_in_tonnes_with_inclusive_ends() {
    let announcements = bundled();
    let h = rare_earths(&announcements);
    let verdict = |low, high| assess(&expect(2024, None, Range::Tonnes { low, high }), Some(&h)).verdict;
    assert_eq!(verdict(270_000.0, 270_000.0), Verdict::Within);
    assert_eq!(verdict(260_000.0, 270_000.0), Verdict::Within, "the high end counts as within");
    assert_eq!(verdict(270_000.0, 280_000.0), Verdict::Within, "the low end counts as within");
    assert_eq!(verdict(270_001.0, 280_000.0), Verdict::Below);
    assert_eq!(verdict(250_000.0, 269_999.0), Verdict::Above);
    let e_a = expect(2024, None, Range::Tonnes { low: 260_000.0, high: 280_000.0 });
    let a = assess(&e_a, Some(&h));
    assert_eq!((a.basis, a.basis_tonnes, a.surprise_pct), (None, None, Some(0.0)));
    // A batch point against the batch itself.
    let e_b = expect(2024, Some(1), Range::Tonnes { low: 140_000.0, high: 140_000.0 });
    let b = assess(&e_b, Some(&h));
    assert_eq!((b.actual, b.verdict), (Some(135_000.0), Verdict::Below));
}

#[test]
fn percent_ranges_against_the_full_year_and_the_same_batch() {
    let announcements = bundled();
    let h = rare_earths(&announcements);
    // 2024 against 2023's 255,000: +5% to +6% is 267,750-270,300, and 270,000 is within.
    let e_full = expect(2024, None, Range::Pct { low: 5.0, high: 6.0 });
    let full = assess(&e_full, Some(&h));
    assert_eq!((full.basis, full.basis_tonnes), (Some(Basis::FullYear), Some(255_000.0)));
    assert_eq!(full.verdict, Verdict::Within);
    // 2024 batch 2 against 2023 batch 2 (120,000): +10% to +15% is 132,000-138,000.
    let e_batch = expect(2024, Some(2), Range::Pct { low: 10.0, high: 15.0 });
    let batch = assess(&e_batch, Some(&h));
    assert_eq!((batch.basis, batch.low, batch.high), (Some(Basis::Batch), Some(132_000.0), Some(138_000.0)));
    assert_eq!((batch.actual, batch.verdict), (Some(135_000.0), Verdict::Within));
    // The withheld 2025 batch 1 leaves 2026 batch 1 with no basis: no tonnes, pending.
    let e_none = expect(2026, Some(1), Range::Pct { low: 0.0, high: 5.0 });
    let none = assess(&e_none, Some(&h));
    assert_eq!((none.low, none.high, none.verdict), (None, None, Verdict::Pending));
    assert_eq!(consensus_note(&none), "consensus flat to +5% (Reuters 2025-07-07)");
    // No history at all.
    assert_eq!(assess(&expect(2024, None, Range::Pct { low: 0.0, high: 5.0 }), None).verdict, Verdict::Pending);
}

/// The bundled history with 2025 batch 1 published at `tonnes` (mining).
fn with_2025_batch_1(tonnes: f64) -> Vec<Announcement> {
    let mut announcements: Vec<_> =
        bundled().into_iter().filter(|a| !(a.key.commodity.as_str() == "rare-earths" && a.key.year == 2025)).collect();
    let mut b1 = sample_mining(2025, 1, 0, tonnes);
    b1.published = Some(day("2025-08-01"));
    announcements.push(b1);
    announcements
}

#[test]
fn a_full_year_percent_range_is_scored_on_the_year_to_date_until_the_year_is_complete() {
    let announcements = with_2025_batch_1(140_000.0);
    let h = rare_earths(&announcements);
    let e = expect(2025, None, Range::Pct { low: 0.0, high: 5.0 });
    assert_eq!(assess(&e, Some(&h)).verdict, Verdict::Pending, "the full year is not out");
    let ytd = assess_year_to_date(&e, &h).expect("year to date");
    assert_eq!(ytd.basis, Some(Basis::YearToDate { through_batch: 1 }));
    assert_eq!((ytd.low, ytd.high, ytd.actual), (Some(135_000.0), Some(141_750.0), Some(140_000.0)));
    assert_eq!(ytd.verdict, Verdict::Within);
    // A range in tonnes says nothing of part of a year.
    assert_eq!(assess_year_to_date(&expect(2025, None, Range::Tonnes { low: 1.0, high: 2.0 }), &h), None);
    // The alert on the release: `… 140,000 t, +3.7% vs batch 1 2024 · within consensus`.
    let check =
        check_release(std::slice::from_ref(&e), &h, 2025, 1, Stage::Mining, Some(day("2025-08-01"))).expect("check");
    assert_eq!(check.alert_text(), "within consensus");
    assert_eq!(check.basis, Some(Basis::YearToDate { through_batch: 1 }));
    let low = with_2025_batch_1(130_000.0);
    let check = check_release(&[e], &rare_earths(&low), 2025, 1, Stage::Mining, None).expect("check");
    assert_eq!(check.alert_text(), "below consensus (-6.1% vs midpoint)");
}

#[test]
fn a_first_batch_is_not_scored_as_the_year_when_a_later_year_makes_it_look_complete() {
    // 2025 batch 1 of 140,000 and a 2026 batch 1: rule 5 calls 2025 complete (a later year
    // is held), but the release is a first batch; scored on the year to date, not as a year
    // of 140,000 against 270,000-283,500.
    let mut announcements = with_2025_batch_1(140_000.0);
    announcements.push(sample_mining(2026, 1, 0, 147_000.0));
    let h = rare_earths(&announcements);
    let e = expect(2025, None, Range::Pct { low: 0.0, high: 5.0 });
    let check = check_release(std::slice::from_ref(&e), &h, 2025, 1, Stage::Mining, None).expect("check");
    assert_eq!(check.basis, Some(Basis::YearToDate { through_batch: 1 }));
    assert_eq!(check.alert_text(), "within consensus");
}

#[test]
fn the_release_check_spans_every_expectation_and_prefers_the_batch_s_own() {
    let announcements = bundled();
    let h = rare_earths(&announcements);
    let all = bundled_expectations();
    // 2024's full year: ACREI 270,000 and SMM 280,000 make a 270,000-280,000 consensus.
    let check = check_release(&all, &h, 2024, 2, Stage::Mining, Some(day("2024-08-20"))).expect("check");
    assert_eq!((check.low, check.high, check.expectations), (270_000.0, 280_000.0, 2));
    assert_eq!(check.alert_text(), "within consensus");
    // 2023 batch 1 has its own (Adamas).
    let check = check_release(&all, &h, 2023, 1, Stage::Mining, Some(day("2023-03-24"))).expect("check");
    assert_eq!((check.basis, check.verdict), (Some(Basis::Batch), Verdict::Below));
    // An expectation published after the release was no forecast.
    assert_eq!(check_release(&all, &h, 2024, 2, Stage::Mining, Some(day("2024-07-01"))), None);
    // Nothing expected for smelting in 2023.
    assert_eq!(check_release(&all, &h, 2023, 1, Stage::SmeltingSeparation, None), None);
}

#[test]
fn words_and_names() {
    assert_eq!(pct_words(0.0, 5.0), "flat to +5%");
    assert_eq!(pct_words(20.0, 25.0), "+20% to +25%");
    assert_eq!(pct_words(-2.5, 0.0), "-2.5% to flat");
    assert_eq!(pct_words(6.0, 6.0), "+6%");
    assert_eq!(short_who("analysts and traders (Reuters)"), "Reuters");
    assert_eq!(short_who("Adamas Intelligence"), "Adamas Intelligence");
    assert_eq!(short_who("odd ()"), "odd ()");
    let mut points = bundled_expectations();
    points.reverse();
    sort(&mut points);
    let order: Vec<_> = points.iter().map(|e| (e.commodity.as_str(), e.year, e.batch)).collect();
    assert_eq!(order.first(), Some(&("rare-earths", 2023, Some(1))));
    assert_eq!(order.last(), Some(&("tungsten", 2018, None)));
    assert_eq!(Status::default(), Status::Published);
}

#[test]
fn the_overview_lines_of_a_year() {
    let announcements = bundled();
    let h = rare_earths(&announcements);
    let all = bundled_expectations();
    assert_eq!(
        notes_for(&all, &h, 2025, Stage::Mining),
        ["consensus 270,000-283,500 (flat to +5%, Reuters 2025-07-07)"]
    );
    assert_eq!(
        notes_for(&all, &h, 2023, Stage::Mining),
        [
            "batch 1: consensus 120,960-126,000 (+20% to +25%, Adamas Intelligence 2023-02-14) · actual 120,000: below, -2.8%"
        ]
    );
    assert_eq!(notes_for(&all, &h, 2024, Stage::SmeltingSeparation).len(), 1);
    assert!(notes_for(&all, &h, 2019, Stage::Mining).is_empty());
}
