//! The extractor's result as a quota-feed/1 document: announcements with `tier`,
//! `cumulative` and `citations`, and `expectations` (feed-format.md "Provenance"). One
//! function per encoding; holder-only announcements (a province's own notice) are left
//! out, since a feed reader would take their holder rows for the national total.
//!
//! Written from the extractor's own types until `model::Announcement` carries `tier`,
//! `cumulative` and `citations`; then [`to_json`] becomes a conversion plus the shared writer.

use serde::Serialize;

use super::{ExtractedAnnouncement, Extraction, FoundExpectation};
use crate::feed::FORMAT as FORMAT_ID;

/// The limits quota-feed/1 readers cut titles and links to.
const MAX_TITLE_CHARS: usize = 200;
const MAX_URL_CHARS: usize = 2_000;

/// Text from a document is untrusted: no control characters or escapes go out.
fn clean(text: &str, max_chars: usize) -> String {
    crate::feed::clean_text(text, max_chars)
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The announcements a feed can carry: every one with a national figure or none at all.
pub fn feed_announcements(extraction: &Extraction) -> impl Iterator<Item = &ExtractedAnnouncement> {
    extraction.announcements.iter().filter(|a| !a.holders_only || a.rows.is_empty())
}

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    announcements: Vec<Out<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    expectations: Vec<OutExpectation<'a>>,
}

#[derive(Serialize)]
struct Out<'a> {
    commodity: &'static str,
    year: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    status: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    tier: &'static str,
    cumulative: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citations: Vec<OutCitation<'a>>,
    quotas: Vec<OutRow>,
}

#[derive(Serialize)]
struct OutCitation<'a> {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct OutRow {
    stage: &'static str,
    category: &'static str,
    holder: &'static str,
    tonnes: Num,
}

#[derive(Serialize)]
struct OutExpectation<'a> {
    commodity: &'static str,
    year: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<u8>,
    stage: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    low: Option<Num>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high: Option<Num>,
    #[serde(skip_serializing_if = "Option::is_none")]
    low_pct: Option<Num>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high_pct: Option<Num>,
    #[serde(skip_serializing_if = "Option::is_none")]
    who: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

fn out(a: &ExtractedAnnouncement) -> Out<'_> {
    Out {
        commodity: a.commodity.slug(),
        year: a.year,
        batch: a.batch,
        published: date(a.published),
        status: a.status.slug(),
        title: clean(&a.title, MAX_TITLE_CHARS),
        url: a.url.as_deref().map(|u| clean(u, MAX_URL_CHARS)),
        tier: a.tier.slug(),
        cumulative: a.cumulative,
        citations: a
            .citations
            .iter()
            .map(|c| OutCitation {
                title: clean(&c.title, MAX_TITLE_CHARS),
                url: c.url.as_deref().map(|u| clean(u, MAX_URL_CHARS)),
                published: date(c.published),
                source: c.source.as_deref(),
            })
            .collect(),
        quotas: a
            .rows
            .iter()
            .map(|r| OutRow {
                stage: r.stage.slug(),
                category: r.category,
                holder: r.holder.unwrap_or(crate::model::ALL_HOLDERS),
                tonnes: Num(r.tonnes),
            })
            .collect(),
    }
}

fn out_expectation(e: &FoundExpectation) -> OutExpectation<'_> {
    OutExpectation {
        commodity: e.commodity.slug(),
        year: e.year,
        batch: e.batch,
        stage: e.stage.slug(),
        low: e.tonnes.map(|t| Num(t.0)),
        high: e.tonnes.map(|t| Num(t.1)),
        low_pct: e.pct.map(|p| Num(p.0)),
        high_pct: e.pct.map(|p| Num(p.1)),
        who: e.who.as_deref(),
        published: date(e.published),
        url: e.url.as_deref(),
    }
}

/// A figure: whole numbers as integers (`135000`, not `135000.0`), as `export` writes them.
struct Num(f64);

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9e15 {
            serializer.serialize_i64(self.0 as i64)
        } else {
            serializer.serialize_f64(self.0)
        }
    }
}

/// A quota-feed/1 JSON document, pretty-printed.
pub fn to_json(extraction: &Extraction) -> String {
    let document = Document {
        format: FORMAT_ID,
        announcements: feed_announcements(extraction).map(out).collect(),
        expectations: extraction.expectations.iter().map(out_expectation).collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The same announcements as [`to_json`] in quota-feed/1 CSV: the JSON read back by the
/// feed's own parser and written by its own writer, so `extract --format csv` and `export
/// --format csv` have one layout (expectations have no place in CSV).
pub fn to_csv(extraction: &Extraction) -> String {
    let json = to_json(extraction);
    match crate::feed::parse("extract", crate::feed::Format::Json, json.as_bytes(), usize::MAX) {
        Ok(parsed) => crate::feed::write::to_csv(&parsed.announcements),
        // What to_json writes always parses; if it did not, the JSON says more than nothing.
        Err(_) => crate::feed::write::to_csv(&[]),
    }
}

/// Why each announcement was read as it was, for `extract --explain`: one line per figure
/// with the text it came from, one per note.
pub fn explain(extraction: &Extraction) -> String {
    let mut text = String::new();
    for a in &extraction.announcements {
        let batch = a.batch.map_or("no batch".to_owned(), |b| format!("batch {b}"));
        let left_out =
            if a.holders_only && !a.rows.is_empty() { " (holder rows only: left out of the feed)" } else { "" };
        text.push_str(&format!(
            "{} {} {batch}{}{} [{}]{left_out}: {}\n",
            a.commodity.slug(),
            a.year,
            if a.cumulative { " cumulative" } else { "" },
            if a.status == crate::model::Status::Unpublished { " unpublished" } else { "" },
            a.tier.slug(),
            a.title
        ));
        for r in &a.rows {
            let holder = r.holder.unwrap_or("*");
            text.push_str(&format!("  {} {} {holder} {} t ← {}\n", r.stage, r.category, r.tonnes, r.span));
        }
        for why in &a.why {
            text.push_str(&format!("  why: {why}\n"));
        }
        for c in &a.citations {
            text.push_str(&format!(
                "  also: {}{}\n",
                c.title,
                c.url.as_deref().map(|u| format!(" <{u}>")).unwrap_or_default()
            ));
        }
    }
    for e in &extraction.expectations {
        text.push_str(&format!(
            "expectation {} {} {} ({}) ← {}\n",
            e.commodity.slug(),
            e.year,
            e.stage,
            e.who.as_deref().unwrap_or("unnamed"),
            e.span
        ));
    }
    text
}
