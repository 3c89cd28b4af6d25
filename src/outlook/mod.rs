//! What the market expects and when: named expectations with surprise scores
//! ([`expectations`]), the release calendar with overdue flags ([`calendar`]) and the
//! policy timeline ([`events`]), from the bundled data, quota-feed/1 documents and the
//! configuration.
//!
//! Pure: no I/O, no async, no terminal. The `expectations`, `calendar` and `events`
//! commands print [`output`]; the dashboard takes its strings from the same functions
//! ([`expectations::consensus_note`], [`expectations::check_release`],
//! [`calendar::next_release`]).

pub mod calendar;
pub mod events;
pub mod expectations;
pub mod output;
mod parse;

pub use calendar::{CalendarRow, NextRelease, Release, ReleaseStatus, Window};
pub use events::{Event, EventDate, EventKind};
pub use expectations::{Assessment, ConsensusCheck, Expectation, Range, Verdict};
pub use parse::{event_from_json, expectation_from_json, from_document, may_hold_outlook, parse_document};

/// Expectations and events gathered from one place or many.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outlook {
    pub expectations: Vec<Expectation>,
    pub events: Vec<Event>,
}

impl Outlook {
    /// Adds `other`'s items after this one's, dropping exact repeats (the same expectation or
    /// event from the bundled data and a feed is shown once).
    pub fn extend(&mut self, other: Outlook) {
        for e in other.expectations {
            if !self.expectations.contains(&e) {
                self.expectations.push(e);
            }
        }
        for e in other.events {
            if !self.events.iter().any(|known| known.same_as(&e)) {
                self.events.push(e);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.expectations.is_empty() && self.events.is_empty()
    }
}

/// What the `expectations` and `events` arrays of one document yielded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedOutlook {
    pub outlook: Outlook,
    /// Entries rejected one by one; the others were kept.
    pub rejected: Vec<OutlookError>,
}

/// One expectation or event rejected alone, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{document}: {location}: {message}")]
pub struct OutlookError {
    /// The source (or `bundled`) the document came from.
    pub document: String,
    /// JSON path (`expectations[2].low_pct`).
    pub location: String,
    pub message: String,
}

/// The bundled expectations and events (assets/outlook.json), every entry with its page but one
/// (the Reuters quote of 2025-07-07, whose page was not found: docs/decisions.md).
pub const BUNDLED_JSON: &str = include_str!("../../assets/outlook.json");

/// Parses [`BUNDLED_JSON`]; its tests guarantee nothing in it is rejected.
pub fn bundled() -> ParsedOutlook {
    parse_document(crate::bundled::SOURCE_NAME, BUNDLED_JSON).unwrap_or_else(|message| ParsedOutlook {
        outlook: Outlook::default(),
        rejected: vec![OutlookError {
            document: crate::bundled::SOURCE_NAME.into(),
            location: "assets/outlook.json".into(),
            message,
        }],
    })
}

#[cfg(test)]
mod tests;
