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

use super::{About, BODY_CHARS, Detail, Figure, Headline, SUMMARY_CHARS};
use crate::extract::{self, ExtractedAnnouncement, FoundExpectation, Item, ItemExtraction, Options};
use crate::feed::{self, AnnouncementError, DocumentError, Format, MAX_CITATIONS, ParsedFeed};
use crate::format::thousands;

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
            detail: detail(&read.item, &found, options),
        };
        headline.first_seen = *first_seen.entry(headline.key().to_owned()).or_insert(now);
        headlines.push(headline);
        if matches!(read.reading, Reading::Plain | Reading::Followed) {
            readable.push(read.item);
        }
    }
    let mut extraction = extract::extract(&readable, options);
    // A release reported without figures and without a batch ("quietly issues 2025 rare
    // earth quotas") is a running total with no figures, which the feed rejects (decisions.md):
    // nothing for the ledger to merge, so it is not offered, and not logged as a rejection on
    // every poll. Its headline says it, and rings the alerts.
    extraction.announcements.retain(|a| !(a.cumulative && a.batch.is_none() && a.rows.is_empty()));
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

/// What Enter shows of an item and what its alert names: its text (cleaned, capped), each
/// figure with the text it was read from, and the release it is about.
fn detail(item: &Item, found: &ItemExtraction, options: &Options) -> Detail {
    let mut figures = Vec::new();
    for a in &found.announcements {
        let release = release_label(a);
        for row in &a.rows {
            let mut figure = row.stage.slug().to_owned();
            if row.category != "total" {
                figure.push_str(&format!(" [{}]", row.category));
            }
            if let Some(holder) = row.holder {
                figure.push_str(&format!(" / {holder}"));
            }
            figure.push_str(&format!(" {} t", thousands(row.tonnes)));
            figures.push(Figure {
                release: release.clone(),
                figure,
                field: row.span.field.name().to_owned(),
                text: feed::clean_text(&row.span.text, 200),
                total: row.holder.is_none() && row.category == "total" && !a.holders_only,
            });
        }
    }
    for e in &found.expectations {
        figures.push(expected(e));
    }
    let about = found
        .announcements
        .first()
        .map(|a| About { commodity: a.commodity.slug().to_owned(), year: a.year, batch: a.batch })
        .or_else(|| {
            found.expectations.first().map(|e| About {
                commodity: e.commodity.slug().to_owned(),
                year: e.year,
                batch: e.batch,
            })
        });
    Detail {
        tier: model_tier(options.tier),
        outlet: item.source.as_deref().map(|s| feed::clean_text(s, 80)).filter(|s| !s.is_empty()),
        summary: feed::clean_text(&item.summary, SUMMARY_CHARS),
        body: feed::clean_text(&item.body, BODY_CHARS),
        figures,
        about,
    }
}

/// `rare-earths 2024 batch 1`, `rare-earths 2024 so far` (a running total), `rare-earths 2024`.
fn release_label(a: &ExtractedAnnouncement) -> String {
    let mut label = format!("{} {}", a.commodity.slug(), a.year);
    match a.batch {
        Some(batch) => label.push_str(&format!(" {}", crate::model::batch_label(batch))),
        None if a.cumulative => label.push_str(" so far"),
        None => {}
    }
    label
}

fn expected(e: &FoundExpectation) -> Figure {
    let mut release = format!("{} {}", e.commodity.slug(), e.year);
    if let Some(batch) = e.batch {
        release.push_str(&format!(" {}", crate::model::batch_label(batch)));
    }
    let range = |(low, high): (f64, f64), show: fn(f64) -> String| {
        if low == high { show(low) } else { format!("{} to {}", show(low), show(high)) }
    };
    let what = match (e.tonnes, e.pct) {
        (Some(t), _) => format!("{} t", range(t, thousands)),
        (None, Some(p)) => format!("growth {}", range(p, crate::format::pct_signed)),
        (None, None) => "expected".into(),
    };
    let who = e.who.as_deref().map(|w| format!(" ({})", feed::clean_text(w, 60))).unwrap_or_default();
    Figure {
        release,
        figure: if what == "expected" {
            format!("{} expected{who}", e.stage.slug())
        } else {
            format!("{} expected {what}{who}", e.stage.slug())
        },
        field: e.span.field.name().to_owned(),
        text: feed::clean_text(&e.span.text, 200),
        total: false,
    }
}

fn model_tier(tier: extract::Tier) -> crate::model::Tier {
    match tier {
        extract::Tier::Official => crate::model::Tier::Official,
        extract::Tier::Reported => crate::model::Tier::Reported,
        extract::Tier::Estimate => crate::model::Tier::Estimate,
    }
}
