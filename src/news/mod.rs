//! News and notice sources (`rss` and `page`), the pure half: a fetched document to its
//! items ([`list`]), and items (some with their followed page's text) to a
//! [`ParsedFeed`] of extracted announcements, expectations and kept [`Headline`]s
//! ([`assemble`]). No I/O, no async: fetching and following are [`crate::sources`]'s.

pub mod assemble;
pub mod list;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::extract::HeadlineKind;
use crate::model::Tier;

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
    /// What it said and what was read in it.
    pub detail: Detail,
}

/// An item's text and the figures read in it: what Enter shows, the matched text marked,
/// and what a headline's alert names. Kept in the store as JSON (one column, so a later
/// field needs no migration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    /// The configured source's tier: news is `reported` unless the source is a ministry's.
    #[serde(default = "reported")]
    pub tier: Tier,
    /// The outlet the item names (Google News' `<source>`: "Reuters"), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// The feed's summary, cleaned and capped at [`SUMMARY_CHARS`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// The followed page's text, cleaned and capped at [`BODY_CHARS`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// Every figure read, with the text it was read from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    /// The release it is about (its first announcement's, else its first expectation's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<About>,
}

/// What a headline stored before its tier was kept says: rss and page sources default to
/// `reported`.
fn reported() -> Tier {
    Tier::Reported
}

impl Default for Detail {
    fn default() -> Self {
        Detail {
            tier: reported(),
            outlet: None,
            summary: String::new(),
            body: String::new(),
            figures: Vec::new(),
            about: None,
        }
    }
}

/// How much of an item's text is kept: enough for every figure of a ministry notice (their
/// figures come in the first paragraphs), not a whole site's page per headline.
pub const SUMMARY_CHARS: usize = 2_000;
pub const BODY_CHARS: usize = 8_000;

/// One figure read in an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The release it belongs to: `rare-earths 2024 batch 1`, `tungsten 2025 so far`.
    pub release: String,
    /// What it is: `mining 135,000 t`, `smelting-separation / Jiangxi 21,300 t`,
    /// `mining expected 270,000-283,500 t`.
    pub figure: String,
    /// The field it was read in: `title`, `summary` or `body`.
    pub field: String,
    /// The text it was read from, as the item has it (`13.5万吨`).
    pub text: String,
    /// A national total (no holder, all categories): what the Figures column lists.
    #[serde(default)]
    pub total: bool,
}

impl Figure {
    pub fn label(&self) -> String {
        format!("{} {}", self.release, self.figure)
    }
}

/// The release a headline is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct About {
    pub commodity: String,
    pub year: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u8>,
}

impl std::fmt::Display for About {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.commodity, self.year)?;
        match self.batch {
            Some(batch) => write!(f, " {}", crate::model::batch_label(batch)),
            None => Ok(()),
        }
    }
}

impl Headline {
    /// What tells one headline of a source from another: its link, or its title without one.
    pub fn key(&self) -> &str {
        self.url.as_deref().unwrap_or(&self.title)
    }

    /// The national figures in brief, for alerts and the popup: `rare-earths 2024 batch 1:
    /// mining 135,000 t · smelting-separation 127,000 t`; `issued without figures`; `no figures`.
    pub fn figures_brief(&self) -> String {
        self.brief_with(|release| release.to_owned(), |figure| figure.to_owned())
    }

    /// The same, short enough for a table column beside the title: `rare-earths 2024 b1:
    /// mining 135,000 · smelting 127,000` (tonnes; the unit is the commodity's).
    pub fn figures_column(&self) -> String {
        self.brief_with(
            |release| release.replace(" batch ", " b"),
            |figure| figure.strip_suffix(" t").unwrap_or(figure).replacen("smelting-separation", "smelting", 1),
        )
    }

    fn brief_with(&self, release_text: impl Fn(&str) -> String, figure_text: impl Fn(&str) -> String) -> String {
        let figures = &self.detail.figures;
        let totals: Vec<&Figure> = figures.iter().filter(|f| f.total).collect();
        let shown: Vec<&Figure> = if totals.is_empty() { figures.iter().take(1).collect() } else { totals };
        let mut out = String::new();
        let mut release = None;
        for f in &shown {
            if release == Some(&f.release) {
                out.push_str(" · ");
            } else {
                if release.is_some() {
                    out.push_str("; ");
                }
                out.push_str(&release_text(&f.release));
                out.push_str(": ");
                release = Some(&f.release);
            }
            out.push_str(&figure_text(&f.figure));
        }
        let more = figures.len() - shown.len();
        match (out.is_empty(), self.kind) {
            (false, _) if more > 0 && shown.len() == 1 && !shown[0].total => format!("{out} (+{more} more)"),
            (false, _) => out,
            (true, HeadlineKind::Unpublished) => "issued without figures".into(),
            (true, _) => "no figures".into(),
        }
    }

    /// The release it reports issued without figures, if that is what it is.
    pub fn withheld_release(&self) -> Option<&About> {
        (self.kind == HeadlineKind::Unpublished).then_some(self.detail.about.as_ref()).flatten()
    }

    /// Who said it: `Reuters via google-news`, or the source alone.
    pub fn attribution(&self) -> String {
        match &self.detail.outlet {
            Some(outlet) if !outlet.eq_ignore_ascii_case(&self.source) => format!("{outlet} via {}", self.source),
            _ => self.source.clone(),
        }
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
