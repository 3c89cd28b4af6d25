//! The policy timeline: dated events (quota releases, regulations, export controls,
//! consolidation), each with its public source, in date order.

use std::cmp::Ordering;
use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::model::Commodity;

/// A day, or only a month when that is all the source gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventDate {
    Day(NaiveDate),
    Month { year: i32, month: u32 },
}

impl EventDate {
    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<EventDate> {
        let text = text.trim();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(EventDate::Day(day));
        }
        let (year, month) = text.split_once('-')?;
        let (year, month): (i32, u32) = (year.parse().ok()?, month.parse().ok()?);
        (year.to_string().len() == 4 && text.len() == 7 && (1..=12).contains(&month))
            .then_some(EventDate::Month { year, month })
    }

    /// The first day the date covers: a month-only date sorts as its first day.
    pub fn first_day(self) -> NaiveDate {
        match self {
            EventDate::Day(day) => day,
            EventDate::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    pub fn year(self) -> i32 {
        self.first_day().year()
    }
}

impl Ord for EventDate {
    /// By first day; on the same first day a month-only date comes before the day, as the
    /// text `2025-05` sorts before `2025-05-01`.
    fn cmp(&self, other: &Self) -> Ordering {
        let rank = |d: &EventDate| matches!(d, EventDate::Day(_));
        (self.first_day(), rank(self)).cmp(&(other.first_day(), rank(other)))
    }
}

impl PartialOrd for EventDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for EventDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventDate::Day(day) => write!(f, "{}", day.format("%Y-%m-%d")),
            EventDate::Month { year, month } => write!(f, "{year:04}-{month:02}"),
        }
    }
}

/// What kind of event; `other` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EventKind {
    Quota,
    Policy,
    ExportControl,
    Consolidation,
    #[default]
    Other,
}

impl EventKind {
    pub const ALL: [EventKind; 5] =
        [EventKind::Quota, EventKind::Policy, EventKind::ExportControl, EventKind::Consolidation, EventKind::Other];

    pub fn parse(text: &str) -> Option<EventKind> {
        let text = text.trim();
        EventKind::ALL.into_iter().find(|k| k.slug().eq_ignore_ascii_case(text))
    }

    pub fn slug(self) -> &'static str {
        match self {
            EventKind::Quota => "quota",
            EventKind::Policy => "policy",
            EventKind::ExportControl => "export-control",
            EventKind::Consolidation => "consolidation",
            EventKind::Other => "other",
        }
    }
}

/// One dated event of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: EventDate,
    /// `None`: it concerns every commodity (or none in particular).
    pub commodity: Option<Commodity>,
    pub kind: EventKind,
    pub title: String,
    pub url: Option<String>,
}

impl Event {
    /// The same date, commodity and title (case aside): one event told twice.
    pub fn same_as(&self, other: &Event) -> bool {
        self.date == other.date && self.commodity == other.commodity && self.title.eq_ignore_ascii_case(&other.title)
    }

    /// Whether `--commodity` keeps it: its commodity, or no commodity at all.
    pub fn concerns(&self, commodity: Option<&Commodity>) -> bool {
        match (commodity, &self.commodity) {
            (None, _) | (Some(_), None) => true,
            (Some(wanted), Some(own)) => wanted == own,
        }
    }
}

/// Events in date order (stable: events of the same date keep the order they came in).
pub fn sort(events: &mut [Event]) {
    events.sort_by_key(|e| e.date);
}

/// The events of `commodity` (and those of no commodity), in date order.
pub fn timeline<'e>(events: &'e [Event], commodity: Option<&Commodity>) -> Vec<&'e Event> {
    let mut kept: Vec<&Event> = events.iter().filter(|e| e.concerns(commodity)).collect();
    kept.sort_by_key(|e| e.date);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_days_and_months_only() {
        assert_eq!(EventDate::parse("2025-04-04").map(|d| d.to_string()), Some("2025-04-04".into()));
        assert_eq!(EventDate::parse("2025-05"), Some(EventDate::Month { year: 2025, month: 5 }));
        for bad in ["2025", "2025-13", "2025-5", "25-05", "2025-02-30", "May 2025", ""] {
            assert_eq!(EventDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_month_sorts_before_the_days_of_that_month_and_after_the_month_before() {
        let day = |t| EventDate::parse(t).expect("date");
        let mut dates = [day("2025-05-01"), day("2025-05"), day("2025-04-30"), day("2025-06")];
        dates.sort();
        let text: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["2025-04-30", "2025-05", "2025-05-01", "2025-06"]);
    }

    #[test]
    fn kinds_parse_case_insensitively() {
        assert_eq!(EventKind::parse("Export-Control"), Some(EventKind::ExportControl));
        assert_eq!(EventKind::parse("ban"), None);
        assert_eq!(EventKind::default().slug(), "other");
    }
}
