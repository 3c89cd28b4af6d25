//! The release calendar: when batches 1 and 2 usually come (the window of the six most
//! recent years with a dated release, and its median day), and where each batch stands as
//! of a day: published, issued with figures withheld, expected, in its window, or overdue.
//!
//! As of a day, only what was public by that day counts: a version's `published` date, or
//! when quotawatch first saw it for live data without one.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::ledger::Ledger;
use crate::model::{Commodity, Status, Tier};

/// How many recent dated years make a window.
pub const WINDOW_YEARS: usize = 6;
/// The batches the calendar times; later (supplementary) batches appear only as history.
pub const TIMED_BATCHES: [u8; 2] = [1, 2];

/// One version of one announcement, reduced to what the calendar needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub commodity: Commodity,
    pub year: u16,
    pub batch: u8,
    pub status: Status,
    /// The announcement's `published` date.
    pub published: Option<NaiveDate>,
    /// When quotawatch first saw it, for versions from a source (`None` for the bundled history).
    pub first_seen: Option<NaiveDate>,
}

impl Release {
    /// Every version the ledger holds (not only the current ones: as of an earlier day, an
    /// earlier version may be what was public), except estimates: an analyst's or the desk's
    /// own figure is not a release.
    pub fn from_ledger(ledger: &Ledger) -> Vec<Release> {
        ledger
            .entries()
            .flat_map(|(_, entry)| entry.versions())
            .filter(|v| v.announcement.tier != Tier::Estimate)
            .map(|v| Release {
                commodity: v.announcement.key.commodity.clone(),
                year: v.announcement.key.year,
                batch: v.announcement.key.batch,
                status: v.announcement.status,
                published: v.announcement.published,
                first_seen: (v.origin.source != crate::bundled::SOURCE_NAME).then(|| v.first_seen.date_naive()),
            })
            .collect()
    }

    /// Public by the end of `day`: by its `published` date, else by when it was first seen;
    /// an undated bundled version is history, public on any day.
    pub fn public_by(&self, day: NaiveDate) -> bool {
        self.published.or(self.first_seen).is_none_or(|d| d <= day)
    }
}

/// A day of the year as a position that is the same in every year: the day's number in a
/// leap year (1 Mar is 61 in 2023 as in 2024), so leap years do not shift windows.
pub fn position(day: NaiveDate) -> u16 {
    NaiveDate::from_ymd_opt(2000, day.month(), day.day()).map_or(0, |d| d.ordinal() as u16)
}

/// The date of `position` in `year`; 29 Feb becomes 28 Feb in a common year.
pub fn in_year(position: u16, year: u16) -> Option<NaiveDate> {
    let template = NaiveDate::from_yo_opt(2000, u32::from(position))?;
    let year = i32::from(year);
    NaiveDate::from_ymd_opt(year, template.month(), template.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, template.month(), template.day() - 1))
}

/// When a batch usually comes, as positions ([`position`]) and the years it is drawn from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: u16,
    pub end: u16,
    /// The median day; for an even count, the mean of the two middle days rounded down.
    pub median: u16,
    pub years: Vec<u16>,
}

impl Window {
    /// The window's dates in `year`: (start, end, median).
    pub fn dates(&self, year: u16) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
        Some((in_year(self.start, year)?, in_year(self.end, year)?, in_year(self.median, year)?))
    }
}

/// The window of `batch` for a year after `before_year - 1`: the six most recent earlier
/// years with a dated, published release of it public by `as_of` (fewer if there are fewer;
/// none without any). A release dated outside its own quota year does not fit a pattern of
/// days of the year and is left out.
pub fn window(
    releases: &[Release],
    commodity: &Commodity,
    batch: u8,
    before_year: u16,
    as_of: NaiveDate,
) -> Option<Window> {
    let mut first_dates: std::collections::BTreeMap<u16, NaiveDate> = std::collections::BTreeMap::new();
    for r in releases.iter().filter(|r| {
        r.commodity == *commodity
            && r.batch == batch
            && r.year < before_year
            && r.status == Status::Published
            && r.public_by(as_of)
    }) {
        let Some(day) = r.published.filter(|d| d.year() == i32::from(r.year)) else { continue };
        let slot = first_dates.entry(r.year).or_insert(day);
        *slot = (*slot).min(day);
    }
    let recent: Vec<(u16, NaiveDate)> = first_dates.into_iter().rev().take(WINDOW_YEARS).collect();
    let mut days: Vec<u16> = recent.iter().map(|(_, d)| position(*d)).collect();
    days.sort_unstable();
    let (start, end) = (*days.first()?, *days.last()?);
    let middle = days.len() / 2;
    let median = if days.len() % 2 == 1 { days[middle] } else { (days[middle - 1] + days[middle]) / 2 };
    let mut years: Vec<u16> = recent.iter().map(|(y, _)| *y).collect();
    years.sort_unstable();
    Some(Window { start, end, median, years })
}

/// Where a batch stands as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReleaseStatus {
    /// Its figures are public.
    Published,
    /// Known to be issued, figures withheld.
    IssuedUnpublished,
    /// Before its window (or no window to be late against).
    Expected,
    InWindow,
    /// After its window, and not known to be issued.
    Overdue,
}

impl ReleaseStatus {
    pub fn slug(self) -> &'static str {
        match self {
            ReleaseStatus::Published => "published",
            ReleaseStatus::IssuedUnpublished => "issued-unpublished",
            ReleaseStatus::Expected => "expected",
            ReleaseStatus::InWindow => "in-window",
            ReleaseStatus::Overdue => "overdue",
        }
    }

    /// Still to come: what a "next release" can be.
    pub fn is_outstanding(self) -> bool {
        matches!(self, ReleaseStatus::Expected | ReleaseStatus::InWindow | ReleaseStatus::Overdue)
    }
}

/// One row of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRow {
    pub commodity: Commodity,
    pub year: u16,
    pub batch: u8,
    pub window: Option<Window>,
    pub status: ReleaseStatus,
}

impl CalendarRow {
    /// (start, end, median) in the row's year.
    pub fn dates(&self) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
        self.window.as_ref().and_then(|w| w.dates(self.year))
    }
}

/// Whether a version of (year, batch) public by `as_of` is published, or only issued.
fn issued(
    releases: &[Release],
    commodity: &Commodity,
    year: u16,
    batch: u8,
    as_of: NaiveDate,
) -> Option<ReleaseStatus> {
    let public = releases
        .iter()
        .filter(|r| r.commodity == *commodity && r.year == year && r.batch == batch && r.public_by(as_of));
    public.fold(None, |best, r| match (best, r.status) {
        (_, Status::Published) | (Some(ReleaseStatus::Published), _) => Some(ReleaseStatus::Published),
        (_, Status::Unpublished) => Some(ReleaseStatus::IssuedUnpublished),
    })
}

/// The row of (year, batch) as of `as_of`.
pub fn row(releases: &[Release], commodity: &Commodity, year: u16, batch: u8, as_of: NaiveDate) -> CalendarRow {
    let window = TIMED_BATCHES.contains(&batch).then(|| window(releases, commodity, batch, year, as_of)).flatten();
    let status = issued(releases, commodity, year, batch, as_of).unwrap_or_else(|| {
        match window.as_ref().and_then(|w| w.dates(year)) {
            Some((start, _, _)) if as_of < start => ReleaseStatus::Expected,
            Some((_, end, _)) if as_of <= end => ReleaseStatus::InWindow,
            Some(_) => ReleaseStatus::Overdue,
            None => ReleaseStatus::Expected,
        }
    });
    CalendarRow { commodity: commodity.clone(), year, batch, window, status }
}

/// A year's figures are all out by `as_of`: a published batch 0, or published batches 1 and 2.
fn fully_published(releases: &[Release], commodity: &Commodity, year: u16, as_of: NaiveDate) -> bool {
    let published = |batch| issued(releases, commodity, year, batch, as_of) == Some(ReleaseStatus::Published);
    published(0) || TIMED_BATCHES.iter().all(|&b| published(b))
}

/// The calendar of `commodity` as of `as_of`: batches 1 and 2 of every year from the earliest
/// one not fully published up to `as_of`'s year, and any later batch of those years that is
/// known, as history. A year with a public batch 0 shows that instead of batches 1 and 2.
/// The earliest year is looked for among the years the history holds and the years after
/// the last of them, so a year missing from the record is not "outstanding".
pub fn calendar(releases: &[Release], commodity: &Commodity, as_of: NaiveDate) -> Vec<CalendarRow> {
    let Ok(today_year) = u16::try_from(as_of.year()) else { return Vec::new() };
    if !is_timed(releases, commodity, as_of) {
        return Vec::new();
    }
    let known: std::collections::BTreeSet<u16> =
        releases.iter().filter(|r| r.commodity == *commodity && r.public_by(as_of)).map(|r| r.year).collect();
    let after_known = known.last().map_or(today_year, |last| last + 1);
    let candidates = known.iter().copied().chain(after_known..=today_year);
    let Some(first) =
        candidates.filter(|&y| y <= today_year).find(|&y| !fully_published(releases, commodity, y, as_of))
    else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for year in first..=today_year {
        if issued(releases, commodity, year, 0, as_of).is_some() {
            rows.push(row(releases, commodity, year, 0, as_of));
            continue;
        }
        let mut later: Vec<u8> = releases
            .iter()
            .filter(|r| r.commodity == *commodity && r.year == year && r.batch > 2 && r.public_by(as_of))
            .map(|r| r.batch)
            .collect();
        later.sort_unstable();
        later.dedup();
        for batch in TIMED_BATCHES.into_iter().chain(later) {
            rows.push(row(releases, commodity, year, batch, as_of));
        }
    }
    rows
}

/// Whether the commodity has any dated batch 1 or 2 to time the next by. One without (a
/// series issued only as full years, or one that ended, like antimony's caps in 2014) has
/// no calendar: every year would be "expected" forever.
pub fn is_timed(releases: &[Release], commodity: &Commodity, as_of: NaiveDate) -> bool {
    let after = u16::try_from(as_of.year()).map_or(u16::MAX, |y| y.saturating_add(1));
    TIMED_BATCHES.iter().any(|&b| window(releases, commodity, b, after, as_of).is_some())
}

/// The commodities the releases hold, sorted.
pub fn commodities(releases: &[Release]) -> Vec<Commodity> {
    let set: std::collections::BTreeSet<&Commodity> = releases.iter().map(|r| &r.commodity).collect();
    set.into_iter().cloned().collect()
}

#[path = "countdown.rs"]
mod countdown;
pub use countdown::{NextRelease, next_release};

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
