use super::*;
use crate::model::{AnnouncementKey, QuotaRow, Stage, Status};

fn ann(year: u16, batch: u8, rows: &[(Stage, &str, &str, f64)]) -> Announcement {
    Announcement {
        key: AnnouncementKey { commodity: Commodity::parse("rare-earths").expect("slug"), year, batch },
        published: None,
        status: Status::Published,
        title: None,
        url: None,
        revision: 0,
        id: None,
        tier: crate::model::Tier::Official,
        cumulative: false,
        citations: Vec::new(),
        quotas: rows
            .iter()
            .map(|&(stage, category, holder, tonnes)| QuotaRow {
                stage,
                category: category.into(),
                holder: holder.into(),
                tonnes,
            })
            .collect(),
    }
}

fn mining(year: u16, batch: u8, tonnes: f64) -> Announcement {
    ann(year, batch, &[(Stage::Mining, "total", "*", tonnes)])
}

fn unpublished(year: u16, batch: u8) -> Announcement {
    Announcement { status: Status::Unpublished, quotas: Vec::new(), ..mining(year, batch, 0.0) }
}

fn series(anns: &[Announcement]) -> Vec<YearPoint> {
    let histories = CommodityHistory::build_all(anns);
    year_series(&histories[0], &Measure::Stage(Stage::Mining))
}

fn point(points: &[YearPoint], year: u16) -> &YearPoint {
    points.iter().find(|p| p.year == year).expect("year present")
}

fn rounded(growth: Option<Growth>) -> Option<(f64, Basis)> {
    growth.map(|g| ((g.pct * 10.0).round() / 10.0, g.basis))
}

#[test]
fn category_value_prefers_the_all_holders_row() {
    let a = ann(
        2024,
        1,
        &[
            (Stage::Mining, "light", "*", 124_900.0),
            (Stage::Mining, "light", "A", 100_000.0),
            (Stage::Mining, "medium-heavy", "A", 4_000.0),
            (Stage::Mining, "medium-heavy", "B", 6_100.0),
        ],
    );
    assert_eq!(category_value(&a, Stage::Mining, "light"), Some(124_900.0));
    assert_eq!(category_value(&a, Stage::Mining, "medium-heavy"), Some(10_100.0));
    assert_eq!(category_value(&a, Stage::SmeltingSeparation, "light"), None);
    // No `total` category: the stage total is the sum of the categories.
    assert_eq!(stage_total(&a, Stage::Mining), Some(135_000.0));
    assert_eq!(holder_value(&a, Stage::Mining, None, "A"), Some(104_000.0));
    assert_eq!(holder_value(&a, Stage::Mining, Some("light"), "B"), None);
}

#[test]
fn stage_figures_read_once_equal_the_figures_read_per_category() {
    let split = ann(
        2024,
        1,
        &[
            (Stage::Mining, "light", "A", 0.1),
            (Stage::Mining, "medium-heavy", "A", 4_000.3),
            (Stage::Mining, "light", "*", 124_900.7),
            (Stage::Mining, "light", "B", 0.2),
            (Stage::Mining, "medium-heavy", "B", 6_100.1),
            (Stage::SmeltingSeparation, "total", "A", 0.7),
            (Stage::SmeltingSeparation, "total", "B", 0.1),
            (Stage::SmeltingSeparation, "light", "A", 9.0),
        ],
    );
    for a in [split, mining(2023, 2, 135_000.0), unpublished(2022, 1)] {
        for stage in Stage::ALL {
            let figures = stage_figures(&a, stage);
            // Exactly equal, to the bit: summed in the same order.
            assert_eq!(figures.total.map(f64::to_bits), stage_total(&a, stage).map(f64::to_bits), "{stage:?}");
            let names: Vec<&str> = figures.categories.keys().copied().collect();
            assert_eq!(names, categories(&a, stage).into_iter().collect::<Vec<_>>());
            for (name, value) in &figures.categories {
                assert_eq!(Some(value.to_bits()), category_value(&a, stage, name).map(f64::to_bits), "{name}");
            }
        }
    }
}

#[test]
fn stage_total_prefers_the_published_total() {
    let a = ann(2024, 1, &[(Stage::Mining, "total", "*", 135_000.0), (Stage::Mining, "light", "*", 100.0)]);
    assert_eq!(stage_total(&a, Stage::Mining), Some(135_000.0));
}

#[test]
fn check_figures_full_year_growth() {
    let anns = [
        mining(2022, 1, 100_800.0),
        mining(2022, 2, 109_200.0),
        mining(2023, 1, 120_000.0),
        mining(2023, 2, 120_000.0),
        mining(2023, 3, 15_000.0),
        mining(2024, 1, 135_000.0),
        mining(2024, 2, 135_000.0),
    ];
    let points = series(&anns);
    assert_eq!(point(&points, 2022).growth, None, "no previous year");
    assert_eq!(point(&points, 2023).tonnes, Some(255_000.0), "three batches sum");
    assert_eq!(rounded(point(&points, 2023).growth), Some((21.4, Basis::FullYear)));
    assert_eq!(rounded(point(&points, 2024).growth), Some((5.9, Basis::FullYear)));
}

#[test]
fn incomplete_year_compares_year_to_date() {
    let anns = [mining(2024, 1, 135_000.0), mining(2024, 2, 135_000.0), mining(2025, 1, 140_000.0)];
    let points = series(&anns);
    let p = point(&points, 2025);
    assert!(!p.complete);
    assert_eq!(rounded(p.growth), Some((3.7, Basis::YearToDate { through_batch: 1 })));
    assert_eq!(p.growth.map(|g| g.previous_tonnes), Some(135_000.0));
    assert_eq!(Basis::YearToDate { through_batch: 1 }.slug(), "ytd-batch-1");
}

#[test]
fn no_like_for_like_means_no_growth() {
    // The previous year was a single full-year issue: batch 1 cannot be compared with it.
    let anns = [mining(2023, 0, 255_000.0), mining(2024, 1, 135_000.0)];
    assert_eq!(series(&anns)[1].growth, None);
    // A previous year whose figures were withheld gives nothing to compare with.
    let anns = [unpublished(2025, 1), mining(2026, 1, 140_000.0), mining(2026, 2, 1.0)];
    let points = series(&anns);
    assert_eq!(point(&points, 2025).tonnes, None);
    assert!(point(&points, 2025).partial);
    assert_eq!(point(&points, 2026).growth, None);
}

#[test]
fn a_later_year_completes_an_earlier_one() {
    let anns = [mining(2023, 1, 100.0), mining(2024, 1, 110.0), mining(2025, 1, 121.0)];
    let points = series(&anns);
    assert!(point(&points, 2024).complete);
    assert_eq!(rounded(point(&points, 2024).growth), Some((10.0, Basis::FullYear)));
    assert_eq!(point(&points, 2025).growth.map(|g| g.basis), Some(Basis::YearToDate { through_batch: 1 }));
}

#[test]
fn batch_zero_beside_numbered_batches_is_a_conflict_and_wins() {
    let anns = [mining(2023, 0, 200.0), mining(2023, 1, 120.0), mining(2023, 2, 130.0)];
    let points = series(&anns);
    assert_eq!(points[0].tonnes, Some(200.0));
    assert!(points[0].conflict);
    let histories = CommodityHistory::build_all(&anns);
    let flags = quality_flags(&histories[0]);
    assert!(flags.contains(&QualityFlag::BatchConflict { commodity: "rare-earths".into(), year: 2023 }));
}

#[test]
fn batch_against_the_same_batch_a_year_earlier() {
    let anns = [
        mining(2023, 1, 120_000.0),
        mining(2023, 2, 120_000.0),
        mining(2023, 3, 15_000.0),
        mining(2024, 1, 135_000.0),
        mining(2024, 2, 135_000.0),
    ];
    let histories = CommodityHistory::build_all(&anns);
    let batches = batch_series(&histories[0], &Measure::Stage(Stage::Mining));
    assert_eq!(batches.len(), 5);
    let b = batches.iter().find(|b| b.year == 2024 && b.batch == 2).expect("2024 batch 2");
    assert_eq!(rounded(b.growth), Some((12.5, Basis::Batch)));
    let third = batches.iter().find(|b| b.batch == 3).expect("2023 batch 3");
    assert_eq!(third.growth, None);
}

#[test]
fn a_revision_changes_the_figures_computed() {
    let mut ledger = crate::ledger::Ledger::new();
    let origin = crate::ledger::Origin { source: "desk".into(), rank: 0 };
    let now = chrono::Utc::now();
    ledger.merge(&origin, mining(2023, 0, 100.0), now);
    ledger.merge(&origin, mining(2024, 0, 110.0), now);
    let before = series(&ledger.current().cloned().collect::<Vec<_>>());
    assert_eq!(rounded(before[1].growth), Some((10.0, Basis::FullYear)));
    ledger.merge(&origin, Announcement { revision: 1, ..mining(2024, 0, 120.0) }, now);
    let after = series(&ledger.current().cloned().collect::<Vec<_>>());
    assert_eq!(rounded(after[1].growth), Some((20.0, Basis::FullYear)));
}

#[test]
fn holder_shares_and_concentration() {
    let anns = [
        ann(
            2021,
            0,
            &[
                (Stage::Mining, "total", "*", 100.0),
                (Stage::Mining, "light", "A", 40.0),
                (Stage::Mining, "light", "B", 30.0),
                (Stage::Mining, "medium-heavy", "C", 30.0),
            ],
        ),
        ann(
            2022,
            0,
            &[
                (Stage::Mining, "total", "*", 200.0),
                (Stage::Mining, "light", "A", 150.0),
                (Stage::Mining, "medium-heavy", "D", 50.0),
            ],
        ),
    ];
    let histories = CommodityHistory::build_all(&anns);
    let rows = holder_years(&histories[0], Stage::Mining, None);
    let a_2022 = rows.iter().find(|r| r.year == 2022 && r.holder == "A").expect("A in 2022");
    assert_eq!(a_2022.share_pct, Some(75.0));
    assert_eq!(rounded(a_2022.growth), Some((275.0, Basis::FullYear)));
    assert!(rows.iter().find(|r| r.year == 2022 && r.holder == "D").expect("D").growth.is_none());

    let c = concentration(&histories[0], Stage::Mining);
    assert_eq!(c[0].holders, 3);
    assert!((c[0].hhi - (1600.0 + 900.0 + 900.0)).abs() < 1e-9);
    assert_eq!(c[1].holders, 2);
    assert!((c[1].hhi - (5625.0 + 625.0)).abs() < 1e-9);
    assert!((c[1].coverage_pct - 100.0).abs() < 1e-9);
}

#[test]
fn totals_that_disagree_with_their_parts_are_flagged_not_replaced() {
    let a = ann(
        2024,
        1,
        &[
            (Stage::Mining, "total", "*", 135_000.0),
            (Stage::Mining, "light", "*", 100_000.0),
            (Stage::Mining, "medium-heavy", "*", 10_000.0),
            (Stage::SmeltingSeparation, "light", "*", 1_000.0),
            (Stage::SmeltingSeparation, "light", "A", 1_004.0),
        ],
    );
    let histories = CommodityHistory::build_all([&a]);
    let flags = quality_flags(&histories[0]);
    assert_eq!(flags.len(), 1, "0.4% is within tolerance: {flags:?}");
    assert!(matches!(&flags[0], QualityFlag::TotalMismatch { what, published, parts, .. }
        if what == "categories" && *published == 135_000.0 && *parts == 110_000.0));
    assert_eq!(stage_total(&a, Stage::Mining), Some(135_000.0));
}

#[test]
fn a_missing_batch_makes_the_year_partial() {
    // 2024 batch 1 never arrived (or was rejected): batch 2 alone is not the year.
    let anns = [mining(2023, 1, 100.0), mining(2023, 2, 100.0), mining(2024, 2, 120.0)];
    let points = series(&anns);
    assert!(point(&points, 2024).partial);
    assert_eq!(point(&points, 2024).growth, None);
}

#[test]
fn growth_never_mixes_commodities_and_skips_running_totals() {
    let tungsten = |year: u16, batch: u8, tonnes: f64| {
        let mut a = mining(year, batch, tonnes);
        a.key.commodity = Commodity::parse("tungsten").expect("slug");
        a
    };
    let running = Announcement { cumulative: true, ..tungsten(2024, 0, 500_000.0) };
    let anns = [
        mining(2023, 0, 255_000.0),
        mining(2024, 0, 270_000.0),
        tungsten(2023, 0, 111_000.0),
        tungsten(2024, 0, 114_000.0),
        running,
    ];
    let histories = CommodityHistory::build_all(&anns);
    assert_eq!(histories.iter().map(|h| h.commodity.as_str()).collect::<Vec<_>>(), ["rare-earths", "tungsten"]);
    let points = year_series(&histories[1], &Measure::Stage(Stage::Mining));
    let growth = point(&points, 2024).growth.expect("growth");
    assert_eq!((point(&points, 2024).tonnes, growth.previous_tonnes), (Some(114_000.0), 111_000.0));
    assert_eq!(histories[1].commodity.unit(), "t conc. (65% WO3)");
}
