use chrono::NaiveDate;

use super::*;
use crate::model::{Commodity, Status};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn re() -> Commodity {
    Commodity::parse("rare-earths").expect("slug")
}

/// A published release of `batch` of the year of `date`, dated `date`.
fn published(batch: u8, date: &str) -> Release {
    let published = day(date);
    let year = u16::try_from(chrono::Datelike::year(&published)).expect("year");
    Release { commodity: re(), year, batch, status: Status::Published, published: Some(published), first_seen: None }
}

fn text_of(w: &Window, year: u16) -> (String, String, String) {
    let (s, e, m) = w.dates(year).expect("dates");
    (s.to_string(), e.to_string(), m.to_string())
}

/// The rare-earth batch 1 dates of 2019-2024 (research/domain.md §4.1).
fn first_batches() -> Vec<Release> {
    ["2019-03-15", "2020-02-19", "2021-02-19", "2022-01-28", "2023-03-24", "2024-02-06"]
        .into_iter()
        .map(|d| published(1, d))
        .collect()
}

#[test]
fn the_window_spans_the_six_most_recent_dated_years_and_its_median_day() {
    let mut releases = first_batches();
    // A seventh, older year far outside the pattern is not among the six most recent.
    releases.push(published(1, "2018-06-30"));
    let w = window(&releases, &re(), 1, 2025, day("2025-01-01")).expect("window");
    assert_eq!(w.years, [2019, 2020, 2021, 2022, 2023, 2024]);
    assert_eq!(text_of(&w, 2025), ("2025-01-28".into(), "2025-03-24".into(), "2025-02-19".into()));
}

#[test]
fn an_even_count_takes_the_mean_of_the_two_middle_days_rounded_down() {
    // Positions 197 (15 Jul), 230, 233, 269, 274, 313: (233 + 269) / 2 = 251 = 7 Sep.
    let releases: Vec<_> = ["2019-11-08", "2020-07-15", "2021-09-30", "2022-08-17", "2023-09-25", "2024-08-20"]
        .into_iter()
        .map(|d| published(2, d))
        .collect();
    let w = window(&releases, &re(), 2, 2025, day("2025-01-01")).expect("window");
    assert_eq!(text_of(&w, 2025), ("2025-07-15".into(), "2025-11-08".into(), "2025-09-07".into()));
    // Two days a day apart: the earlier one.
    let two = [published(1, "2023-02-10"), published(1, "2024-02-11")];
    assert_eq!(window(&two, &re(), 1, 2025, day("2025-01-01")).map(|w| w.median), Some(position(day("2025-02-10"))));
}

#[test]
fn a_third_batch_does_not_move_the_windows_and_shows_as_history() {
    let mut releases = first_batches();
    releases.push(published(2, "2023-09-25"));
    releases.push(published(3, "2023-12-15"));
    let before = window(&first_batches(), &re(), 1, 2025, day("2025-01-01"));
    assert_eq!(window(&releases, &re(), 1, 2025, day("2025-01-01")), before);
    let w2 = window(&releases, &re(), 2, 2025, day("2025-01-01")).expect("window");
    assert_eq!(w2.years, [2023], "the third batch is not a second batch");
    let rows = calendar(&releases, &re(), day("2023-12-20"));
    let keys: Vec<_> = rows.iter().map(|r| (r.year, r.batch, r.status.slug(), r.window.is_some())).collect();
    // 2019-2022 have no batch 2 here, so the calendar starts at 2019; 2023 lists its batch 3.
    assert_eq!(keys.first(), Some(&(2019, 1, "published", false)));
    assert!(keys.contains(&(2023, 3, "published", false)), "{keys:?}");
    assert!(keys.contains(&(2023, 2, "published", false)), "no earlier second batch to time it by: {keys:?}");
}

#[test]
fn a_batch_missing_its_date_is_skipped_and_the_window_reaches_further_back() {
    let mut releases = first_batches();
    releases.push(published(1, "2018-03-30"));
    // 2023 batch 1 was published, but its date is not known.
    releases.retain(|r| r.year != 2023);
    releases.push(Release { published: None, ..published(1, "2023-03-24") });
    let w = window(&releases, &re(), 1, 2025, day("2025-01-01")).expect("window");
    assert_eq!(w.years, [2018, 2019, 2020, 2021, 2022, 2024]);
    assert_eq!(w.dates(2025).map(|d| d.1), Some(day("2025-03-30")));
}

#[test]
fn fewer_than_six_years_use_what_there_is_and_none_gives_no_window() {
    let one = [published(1, "2024-02-06")];
    let w = window(&one, &re(), 1, 2025, day("2025-01-01")).expect("window");
    assert_eq!((w.start, w.end, w.median), (w.start, w.start, w.start));
    assert_eq!(w.years, [2024]);
    assert_eq!(window(&one, &re(), 2, 2025, day("2025-01-01")), None);
    let r = row(&one, &re(), 2025, 2, day("2025-12-31"));
    assert_eq!((r.status, r.window), (ReleaseStatus::Expected, None), "nothing to be late against");
    // A release dated outside its quota year (2013's first batch came on 2012-12-31) fits no window.
    let early = [Release { year: 2013, ..published(1, "2012-12-31") }];
    assert_eq!(window(&early, &re(), 1, 2014, day("2014-01-01")), None);
    assert!(!is_timed(&early, &re(), day("2014-01-01")));
    assert!(calendar(&early, &re(), day("2014-01-01")).is_empty());
}

#[test]
fn leap_years_do_not_shift_days_and_29_february_falls_on_28_february_in_a_common_year() {
    assert_eq!(position(day("2020-07-15")), position(day("2021-07-15")));
    assert_eq!(position(day("2024-03-01")), 61);
    assert_eq!(position(day("2023-03-01")), 61);
    assert_eq!(in_year(60, 2024), Some(day("2024-02-29")));
    assert_eq!(in_year(60, 2025), Some(day("2025-02-28")));
    assert_eq!(in_year(61, 2025), Some(day("2025-03-01")));
    let releases = [published(1, "2024-02-29"), published(1, "2023-03-01")];
    let w = window(&releases, &re(), 1, 2025, day("2025-01-01")).expect("window");
    assert_eq!(w.dates(2025).map(|d| (d.0, d.1)), Some((day("2025-02-28"), day("2025-03-01"))));
    assert_eq!(w.dates(2028).map(|d| (d.0, d.1)), Some((day("2028-02-29"), day("2028-03-01"))));
}

#[test]
fn statuses_on_the_boundary_days() {
    let releases = first_batches();
    let status = |as_of: &str| row(&releases, &re(), 2025, 1, day(as_of)).status;
    assert_eq!(status("2025-01-27"), ReleaseStatus::Expected);
    assert_eq!(status("2025-01-28"), ReleaseStatus::InWindow);
    assert_eq!(status("2025-03-24"), ReleaseStatus::InWindow);
    assert_eq!(status("2025-03-25"), ReleaseStatus::Overdue);
    // Published on the day: published that day, not the day before.
    let mut with = releases.clone();
    with.push(published(1, "2025-03-10"));
    assert_eq!(row(&with, &re(), 2025, 1, day("2025-03-09")).status, ReleaseStatus::InWindow);
    assert_eq!(row(&with, &re(), 2025, 1, day("2025-03-10")).status, ReleaseStatus::Published);
}

#[test]
fn only_what_was_public_by_the_day_counts() {
    let mut releases = first_batches();
    // Issued in June, known from a report of 18 July, figures later.
    releases.push(Release { status: Status::Unpublished, ..published(1, "2025-07-18") });
    releases.push(published(1, "2025-12-01"));
    let status = |as_of: &str| row(&releases, &re(), 2025, 1, day(as_of)).status;
    assert_eq!(status("2025-05-01"), ReleaseStatus::Overdue);
    assert_eq!(status("2025-07-18"), ReleaseStatus::IssuedUnpublished);
    assert_eq!(status("2025-12-01"), ReleaseStatus::Published);
    // A window as of a day uses only the dates public by then.
    let w = window(&releases, &re(), 1, 2025, day("2023-12-31")).expect("window");
    assert_eq!(w.years, [2019, 2020, 2021, 2022, 2023]);
    // An undated version from a live source counts from when it was first seen.
    let seen = Release { published: None, first_seen: Some(day("2025-02-01")), ..published(1, "2025-02-01") };
    let live = [first_batches(), vec![seen]].concat();
    assert_eq!(row(&live, &re(), 2025, 1, day("2025-01-31")).status, ReleaseStatus::InWindow);
    assert_eq!(row(&live, &re(), 2025, 1, day("2025-02-01")).status, ReleaseStatus::Published);
}

#[test]
fn rows_run_from_the_earliest_year_not_fully_published_to_the_year_of_the_day() {
    let mut releases = first_batches();
    for d in ["2019-11-08", "2020-07-15", "2021-09-30", "2022-08-17", "2023-09-25", "2024-08-20"] {
        releases.push(published(2, d));
    }
    let rows = calendar(&releases, &re(), day("2026-04-05"));
    let keys: Vec<_> = rows.iter().map(|r| (r.year, r.batch, r.status.slug())).collect();
    assert_eq!(
        keys,
        [(2025, 1, "overdue"), (2025, 2, "overdue"), (2026, 1, "overdue"), (2026, 2, "expected")],
        "a year missing from the record before the last one held is not outstanding"
    );
    assert!(calendar(&releases, &re(), day("2024-12-31")).is_empty(), "everything of 2024 is out");
}

#[test]
fn the_next_release_and_its_countdown() {
    let mut releases = first_batches();
    for d in ["2019-11-08", "2020-07-15", "2021-09-30", "2022-08-17", "2023-09-25", "2024-08-20"] {
        releases.push(published(2, d));
    }
    let next_of = |releases: &[Release], as_of: &str| {
        next_release(releases, &re(), day(as_of)).expect("next").header_text(day(as_of))
    };
    let next = |as_of: &str| next_of(&releases, as_of);
    assert_eq!(next("2026-04-05"), "next: rare-earths 2026 batch 1 · overdue since 24 Mar");
    assert_eq!(next("2025-02-07"), "next: rare-earths 2025 batch 1 · in window, median in 12 days");
    assert_eq!(next("2025-02-19"), "next: rare-earths 2025 batch 1 · in window, median today");
    assert_eq!(next("2025-03-21"), "next: rare-earths 2025 batch 1 · in window, closes in 3 days");
    assert_eq!(next("2025-01-27"), "next: rare-earths 2025 batch 1 · window opens tomorrow (28 Jan)");
    releases.push(published(1, "2025-02-20"));
    assert_eq!(next_of(&releases, "2025-03-01"), "next: rare-earths 2025 batch 2 · window opens in 136 days (15 Jul)");
    releases.push(published(2, "2025-08-01"));
    assert_eq!(
        next_of(&releases, "2025-12-01"),
        "next: rare-earths 2026 batch 1 · window opens in 58 days (28 Jan 2026)"
    );
}

#[test]
fn releases_from_the_ledger_leave_out_estimates_and_date_live_versions_by_first_seen() {
    use crate::ledger::{Ledger, Origin};
    use crate::model::{Tier, sample_mining};
    let now = chrono::DateTime::parse_from_rfc3339("2025-03-02T10:00:00Z").expect("time").to_utc();
    let mut ledger = Ledger::new();
    let bundled = Origin { source: crate::bundled::SOURCE_NAME.into(), rank: 9 };
    let desk = Origin { source: "desk".into(), rank: 0 };
    ledger.merge(&bundled, sample_mining(2024, 1, 0, 135_000.0), now);
    ledger.merge(&desk, sample_mining(2025, 1, 0, 140_000.0), now);
    let mut estimate = sample_mining(2025, 2, 0, 140_000.0);
    estimate.tier = Tier::Estimate;
    ledger.merge(&desk, estimate, now);
    let releases = Release::from_ledger(&ledger);
    let keys: Vec<_> = releases.iter().map(|r| (r.year, r.batch, r.first_seen)).collect();
    assert_eq!(keys, [(2024, 1, None), (2025, 1, Some(day("2025-03-02")))]);
}

#[test]
fn the_bundled_history_gives_the_check_figures() {
    let mut ledger = crate::ledger::Ledger::new();
    let origin = crate::ledger::Origin { source: crate::bundled::SOURCE_NAME.into(), rank: 1 };
    let now = chrono::Utc::now();
    for a in crate::bundled::load().expect("bundled").announcements {
        ledger.merge(&origin, a, now);
    }
    let releases = Release::from_ledger(&ledger);
    let status = |as_of: &str, year, batch| row(&releases, &re(), year, batch, day(as_of)).status.slug();
    assert_eq!(status("2025-02-20", 2025, 1), "in-window");
    assert_eq!(status("2025-05-01", 2025, 1), "overdue");
    assert_eq!(status("2025-08-01", 2025, 1), "issued-unpublished");
    assert_eq!(status("2025-08-01", 2025, 2), "in-window");
    assert_eq!(status("2026-12-01", 2026, 1), "overdue");
    let rows = calendar(&releases, &re(), day("2025-08-01"));
    let keys: Vec<_> = rows.iter().map(|r| (r.year, r.batch, r.status.slug())).collect();
    assert_eq!(keys, [(2025, 1, "issued-unpublished"), (2025, 2, "in-window")]);
    let next = next_release(&releases, &re(), day("2026-04-05")).expect("next");
    assert_eq!(next.header_text(day("2026-04-05")), "next: rare-earths 2026 batch 1 · overdue since 24 Mar");
}
