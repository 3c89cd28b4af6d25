//! The next release of a commodity and its countdown, for the dashboard's header:
//! `next: rare-earths 2026 batch 1 · overdue since 24 Mar`.

use chrono::{Datelike, NaiveDate};

use super::{Release, ReleaseStatus, TIMED_BATCHES, row};
use crate::model::Commodity;

/// The batch a commodity's watchers wait for, as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRelease {
    pub commodity: Commodity,
    pub year: u16,
    pub batch: u8,
    pub status: ReleaseStatus,
    /// (start, end, median) of its window in its year; none without dated history.
    pub window: Option<(NaiveDate, NaiveDate, NaiveDate)>,
}

/// The first of batches 1 and 2 of `as_of`'s year that is still outstanding, else batch 1 of
/// the next year. A batch of an earlier year that never came is the calendar's to show
/// (overdue), not the header's: by then the watch is on the current year.
pub fn next_release(releases: &[Release], commodity: &Commodity, as_of: NaiveDate) -> Option<NextRelease> {
    if !super::is_timed(releases, commodity, as_of) {
        return None;
    }
    let year = u16::try_from(as_of.year()).ok()?;
    let candidates = TIMED_BATCHES.iter().map(|&b| (year, b)).chain([(year.checked_add(1)?, 1)]);
    candidates.map(|(y, b)| row(releases, commodity, y, b, as_of)).find(|r| r.status.is_outstanding()).map(|r| {
        NextRelease { window: r.dates(), commodity: r.commodity, year: r.year, batch: r.batch, status: r.status }
    })
}

/// "24 Mar", with the year when it is not `today`'s.
fn day_text(day: NaiveDate, today: NaiveDate) -> String {
    if day.year() == today.year() { day.format("%-d %b").to_string() } else { day.format("%-d %b %Y").to_string() }
}

/// "in 12 days", "tomorrow", "today".
fn days_text(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        n => format!("in {n} days"),
    }
}

impl NextRelease {
    /// Where it stands and how long to wait: `overdue since 24 Mar`, `in window, median in
    /// 12 days`, `in window, closes in 3 days`, `window opens in 40 days (28 Jan)`.
    pub fn countdown(&self, today: NaiveDate) -> String {
        let Some((start, end, median)) = self.window else {
            return "expected; no dated release history to time it".into();
        };
        match self.status {
            ReleaseStatus::Overdue => format!("overdue since {}", day_text(end, today)),
            ReleaseStatus::InWindow if today <= median => {
                format!("in window, median {}", days_text((median - today).num_days()))
            }
            ReleaseStatus::InWindow => format!("in window, closes {}", days_text((end - today).num_days())),
            ReleaseStatus::Expected => {
                format!("window opens {} ({})", days_text((start - today).num_days()), day_text(start, today))
            }
            ReleaseStatus::Published => "published".into(),
            ReleaseStatus::IssuedUnpublished => "issued, figures withheld".into(),
        }
    }

    /// The header's text: `next: rare-earths 2026 batch 1 · overdue since 24 Mar`.
    pub fn header_text(&self, today: NaiveDate) -> String {
        format!("next: {} {} batch {} · {}", self.commodity, self.year, self.batch, self.countdown(today))
    }
}
