//! News and notice sources (`rss` and `page`), the pure half: a fetched document to its
//! items ([`list`]), and items (some with their followed page's text) to a
//! [`ParsedFeed`] of extracted announcements, expectations and kept [`Headline`]s
//! ([`assemble`]). No I/O, no async: fetching and following are [`crate::sources`]'s.

pub mod assemble;
pub mod list;

use chrono::{DateTime, NaiveDate, Utc};

pub use crate::extract::HeadlineKind;

/// An item that matched the quota keywords, as the dashboard lists it and the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// The configured source name.
    pub source: String,
    pub title: String,
    /// The item's link, absolute.
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub kind: HeadlineKind,
    /// When this source first showed it (kept across polls and, in the store, restarts).
    pub first_seen: DateTime<Utc>,
    /// Its page was read (`follow`): it is not fetched again.
    pub followed: bool,
}

impl Headline {
    /// What tells one headline of a source from another: its link, or its title without one.
    pub fn key(&self) -> &str {
        self.url.as_deref().unwrap_or(&self.title)
    }
}

/// Every kind, for reading a stored slug back.
pub const KINDS: [HeadlineKind; 9] = [
    HeadlineKind::Announcement,
    HeadlineKind::Unpublished,
    HeadlineKind::Expectation,
    HeadlineKind::Policy,
    HeadlineKind::ExportControl,
    HeadlineKind::Tracking,
    HeadlineKind::Price,
    HeadlineKind::Provincial,
    HeadlineKind::Other,
];

/// A kind from its slug (`HeadlineKind::slug`).
pub fn kind_from_slug(slug: &str) -> Option<HeadlineKind> {
    KINDS.into_iter().find(|kind| kind.slug() == slug)
}

/// The extractor's tier for a configured one.
pub fn extract_tier(tier: crate::model::Tier) -> crate::extract::Tier {
    match tier {
        crate::model::Tier::Official => crate::extract::Tier::Official,
        crate::model::Tier::Reported => crate::extract::Tier::Reported,
        crate::model::Tier::Estimate => crate::extract::Tier::Estimate,
    }
}

/// Whether a link may be followed: http and https only (no `javascript:`, `file:`,
/// `mailto:`, `ftp:`).
pub fn followable(link: &str) -> Option<reqwest::Url> {
    reqwest::Url::parse(link).ok().filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
}

#[cfg(test)]
mod tests;
