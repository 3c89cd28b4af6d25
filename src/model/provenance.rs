//! Where a figure comes from: its tier (how authoritative) and where else it was seen.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How authoritative a figure is. Ordered weakest first, so `max` is the one that wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// An analyst's or the desk's own figure.
    Estimate,
    /// News citing sources or the notice.
    Reported,
    /// A ministry notice or a feed of official figures: what a feed means when it says nothing.
    #[default]
    Official,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Official, Tier::Reported, Tier::Estimate];

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Tier::ALL.into_iter().find(|tier| tier.slug().eq_ignore_ascii_case(text))
    }

    pub fn slug(self) -> &'static str {
        match self {
            Tier::Official => "official",
            Tier::Reported => "reported",
            Tier::Estimate => "estimate",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Somewhere else the same figures were seen (a news item, a second notice page).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Citation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ymd")]
    pub published: Option<NaiveDate>,
    /// Who published it ("Reuters"); for a citation the ledger adds, the configured source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Citation {
    /// Two citations are the same when their URLs are, or (without URLs) their title and source.
    pub fn same_as(&self, other: &Citation) -> bool {
        match (&self.url, &other.url) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.title == other.title && self.source == other.source,
            _ => false,
        }
    }
}

fn ymd<S: serde::Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(&date.format("%Y-%m-%d")),
        None => serializer.serialize_none(),
    }
}

/// Adds each of `more` to `into` unless one the same is there already; the order of first
/// appearance is kept.
pub fn merge_citations(into: &mut Vec<Citation>, more: impl IntoIterator<Item = Citation>) -> bool {
    let mut added = false;
    for citation in more {
        if !into.iter().any(|held| held.same_as(&citation)) {
            into.push(citation);
            added = true;
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_order_weakest_first_and_default_to_official() {
        assert!(Tier::Official > Tier::Reported && Tier::Reported > Tier::Estimate);
        assert_eq!(Tier::default(), Tier::Official);
        assert_eq!(Tier::parse(" Reported "), Some(Tier::Reported));
        assert_eq!(Tier::parse("rumour"), None);
    }

    #[test]
    fn citations_merge_by_url_else_by_title_and_source() {
        let cite = |title: &str, url: Option<&str>| Citation {
            title: Some(title.into()),
            url: url.map(Into::into),
            source: Some("Reuters".into()),
            ..Citation::default()
        };
        let mut held = vec![cite("A", Some("https://x/1"))];
        let added = merge_citations(
            &mut held,
            [cite("A again", Some("https://x/1")), cite("B", None), cite("B", None), cite("C", Some("https://x/2"))],
        );
        assert!(added);
        let titles: Vec<_> = held.iter().filter_map(|c| c.title.as_deref()).collect();
        assert_eq!(titles, ["A", "B", "C"]);
        assert!(!merge_citations(&mut held, [cite("B", None)]));
    }
}
