//! The quota extractor: news items and notices (title, summary, followed text, date) to
//! the announcements a careful reader finds in them, each figure with the text it came
//! from. Pure: no I/O, no async, no terminal.
//!
//! - [`document`] turns an RSS / Atom / HTML document or plain text into [`Item`]s (feeds
//!   through `xmlscan`, a quick reader of common feed XML, or quick-xml in `xmlfeed`; HTML
//!   descriptions through `html_text`);
//! - [`text`], [`numbers`] and [`keywords`] read one field; `find` attributes each figure
//!   of a sentence (commodity, year, batch, stage, holder) and `assemble` turns one item's
//!   figures into announcements, expectations and a headline classification;
//! - [`output`] converts the result to quota-feed/1.
//!
//! The traps of domain.md §2.3 give no figures: forecasts become [`FoundExpectation`]s,
//! policy, export-control, tracking-system and price news give none, a province's own
//! notice gives holder rows only, and a headline contradicted by its body yields the body.

mod assemble;
mod bind;
pub(crate) mod charset;
mod cn_numerals;
pub mod document;
mod find;
mod html_text;
pub mod keywords;
pub mod numbers;
pub mod output;
pub mod text;
mod xmlfeed;
mod xmlscan;

use chrono::NaiveDate;

pub use keywords::CommodityId;

use crate::model::{Stage, Status};

/// One news item or notice, as read from a document (or, later, a live source).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    pub title: String,
    /// The feed's summary or description, as plain text.
    pub summary: String,
    /// The followed article text, as plain text (empty when not followed).
    pub body: String,
    pub link: Option<String>,
    pub published: Option<NaiveDate>,
    /// Who published it (the feed's or site's name), for citations.
    pub source: Option<String>,
}

/// Which field of an item a span is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Title,
    Summary,
    Body,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Summary => "summary",
            Field::Body => "body",
        }
    }
}

/// Where a figure was read: a byte range of one field and the text there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}..{}] {:?}", self.field.name(), self.start, self.end, self.text)
    }
}

/// How far a figure can be trusted (feed-format.md "Provenance").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tier {
    Official,
    #[default]
    Reported,
    Estimate,
}

impl Tier {
    pub fn slug(self) -> &'static str {
        match self {
            Tier::Official => "official",
            Tier::Reported => "reported",
            Tier::Estimate => "estimate",
        }
    }
}

/// What the extractor is told about the items' source.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `official` for a source configured as a ministry's own; news is `reported`.
    pub tier: Tier,
}

/// One quota row found, with the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedRow {
    pub stage: Stage,
    /// `total`, `light` or `medium-heavy`.
    pub category: &'static str,
    /// A producer group or province; `None` for all holders (`*`).
    pub holder: Option<&'static str>,
    pub tonnes: f64,
    pub span: Span,
}

/// Where else the same figures were reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    pub title: String,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub source: Option<String>,
}

/// One announcement the text gives, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedAnnouncement {
    pub commodity: CommodityId,
    pub year: u16,
    /// `None` for a running total without a batch word (`cumulative`), or a release whose
    /// batch the text does not say.
    pub batch: Option<u8>,
    /// The rows are the year's totals so far, not this batch alone.
    pub cumulative: bool,
    pub status: Status,
    pub tier: Tier,
    pub rows: Vec<ExtractedRow>,
    /// Only holder rows (a province's own notice, a group's allocation): never a national total.
    pub holders_only: bool,
    /// How the year, batch and status were decided, in words.
    pub why: Vec<String>,
    pub title: String,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub source: Option<String>,
    pub citations: Vec<Citation>,
}

/// A forecast or expectation: never an announcement, kept to become one of the feed's
/// `expectations`.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundExpectation {
    pub commodity: CommodityId,
    pub year: u16,
    pub batch: Option<u8>,
    pub stage: Stage,
    /// A range in tonnes (a point when equal) …
    pub tonnes: Option<(f64, f64)>,
    /// … or in growth percent.
    pub pct: Option<(f64, f64)>,
    pub who: Option<String>,
    pub span: Span,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
}

/// What kind of headline an item is, for a headline list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadlineKind {
    /// It gives figures of a release.
    Announcement,
    /// It reports a release without figures.
    Unpublished,
    Expectation,
    Policy,
    ExportControl,
    Tracking,
    Price,
    /// A province's allocation: holder rows only.
    Provincial,
    /// About quotas, but nothing to extract.
    Other,
}

impl HeadlineKind {
    pub fn slug(self) -> &'static str {
        match self {
            HeadlineKind::Announcement => "announcement",
            HeadlineKind::Unpublished => "unpublished",
            HeadlineKind::Expectation => "expectation",
            HeadlineKind::Policy => "policy",
            HeadlineKind::ExportControl => "export-control",
            HeadlineKind::Tracking => "tracking",
            HeadlineKind::Price => "price",
            HeadlineKind::Provincial => "provincial",
            HeadlineKind::Other => "other",
        }
    }
}

/// A kept headline: an item that matched the quota keywords.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub title: String,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub kind: HeadlineKind,
}

/// What one item gave.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemExtraction {
    pub headline: Headline,
    pub announcements: Vec<ExtractedAnnouncement>,
    pub expectations: Vec<FoundExpectation>,
}

/// What a set of items gave, the same figures reported by several items merged into one
/// announcement with citations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub headlines: Vec<Headline>,
    pub announcements: Vec<ExtractedAnnouncement>,
    pub expectations: Vec<FoundExpectation>,
}

/// One item: `None` when it matches no quota keywords (ignored silently).
pub fn extract_item(item: &Item, options: &Options) -> Option<ItemExtraction> {
    assemble::item(item, options)
}

/// Every item, in order; figures reported again by a later item become its citation.
pub fn extract(items: &[Item], options: &Options) -> Extraction {
    let mut out = Extraction::default();
    // The release and its figures, to the announcement that first gave them: a feed can
    // repeat one wire story thousands of times.
    let mut seen: foldhash::HashMap<ReleaseKey, usize> = foldhash::HashMap::default();
    for found in items.iter().filter_map(|item| extract_item(item, options)) {
        out.headlines.push(found.headline);
        out.expectations.extend(found.expectations);
        for announcement in found.announcements {
            match seen.entry(release_key(&announcement)) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    let first = &mut out.announcements[*at.get()];
                    let citation = Citation {
                        title: announcement.title,
                        url: announcement.url,
                        published: announcement.published,
                        source: announcement.source,
                    };
                    if first.url != citation.url || first.title != citation.title {
                        first.citations.push(citation);
                    }
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(out.announcements.len());
                    out.announcements.push(announcement);
                }
            }
        }
    }
    out
}

/// The same release with the same figures, whatever the wording that gave them.
type ReleaseKey =
    (CommodityId, u16, Option<u8>, bool, bool, bool, Vec<(Stage, &'static str, Option<&'static str>, u64)>);

fn release_key(a: &ExtractedAnnouncement) -> ReleaseKey {
    let mut rows: Vec<_> = a.rows.iter().map(|r| (r.stage, r.category, r.holder, r.tonnes.to_bits())).collect();
    rows.sort_unstable();
    (a.commodity, a.year, a.batch, a.cumulative, a.status == Status::Unpublished, a.holders_only, rows)
}
