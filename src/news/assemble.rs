//! Items to what a news source yields: headlines for every item that matches the quota
//! keywords, and announcements and expectations from the items whose text is read this
//! time, validated as quota-feed/1 like any feed's (the extractor's own output, so one
//! set of rules decides what is a valid announcement).
//!
//! An item whose page was followed in an earlier poll (or run) gives its headline only:
//! its figures were merged then, and its title alone could read as a release without
//! figures, which would look like a revision. So does an item left for a later poll
//! (over `follow_max`, or its page failed): its figures come when its page is read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Headline;
use crate::extract::{self, Item, Options};
use crate::feed::{self, AnnouncementError, DocumentError, Format, MAX_CITATIONS, ParsedFeed};

/// How an item's text was read this poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Title and summary only: the source does not follow, or the link cannot be followed.
    Plain,
    /// Its page was read just now: `body` holds its text.
    Followed,
    /// Its page was read before: headline only.
    Known,
    /// Its page is to be read later: headline only.
    Deferred,
}

/// One item and how it was read.
#[derive(Debug, Clone)]
pub struct Read {
    pub item: Item,
    pub reading: Reading,
}

/// Whether an item is about quotas at all (items that are not are ignored silently).
pub fn matches(item: &Item, options: &Options) -> bool {
    extract::extract_item(item, options).is_some()
}

/// The feed of one poll. `first_seen` maps a headline's key to when it was first shown,
/// kept by the caller across polls; `problems` (pages that could not be followed) are
/// reported with the document's rejected announcements.
pub fn feed(
    source: &str,
    options: &Options,
    reads: Vec<Read>,
    now: DateTime<Utc>,
    first_seen: &mut HashMap<String, DateTime<Utc>>,
    problems: Vec<AnnouncementError>,
) -> Result<ParsedFeed, DocumentError> {
    let mut headlines = Vec::new();
    let mut readable = Vec::new();
    for read in reads {
        let Some(found) = extract::extract_item(&read.item, options) else { continue };
        let mut headline = Headline {
            source: source.to_owned(),
            title: feed::clean_text(&found.headline.title, 300),
            url: read.item.link.clone(),
            published: read.item.published,
            kind: found.headline.kind,
            first_seen: now,
            followed: matches!(read.reading, Reading::Followed | Reading::Known),
        };
        headline.first_seen = *first_seen.entry(headline.key().to_owned()).or_insert(now);
        headlines.push(headline);
        if matches!(read.reading, Reading::Plain | Reading::Followed) {
            readable.push(read.item);
        }
    }
    let mut extraction = extract::extract(&readable, options);
    // A wire story a search feed repeats hundreds of times: the first citations are kept,
    // as many as a feed may carry, rather than the announcement rejected for too many.
    for announcement in &mut extraction.announcements {
        announcement.citations.truncate(MAX_CITATIONS);
    }
    let json = extract::output::to_json(&extraction);
    let mut parsed = feed::parse(source, Format::Json, json.as_bytes(), usize::MAX)?;
    parsed.headlines = headlines;
    parsed.rejected.extend(problems);
    Ok(parsed)
}
