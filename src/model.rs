//! The quota domain of quota-feed/1: commodities, announcements and their quota rows.
//!
//! Everything here is plain validated data; parsing lives in [`crate::feed`] and the
//! arithmetic in [`crate::analytics`].

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

mod name;
mod provenance;

pub use name::Name;
pub use provenance::{Citation, Tier, merge_citations};

/// The highest batch number accepted; supplementary batches beyond this are implausible.
pub const MAX_BATCH: u8 = 99;
/// The quota years quota-feed/1 allows.
pub const YEAR_RANGE: std::ops::RangeInclusive<u16> = 1990..=2100;
/// Category slug meaning "the whole stage".
pub const TOTAL_CATEGORY: &str = "total";
/// Holder meaning "all holders together".
pub const ALL_HOLDERS: &str = "*";

/// A commodity slug such as `rare-earths` (stored lowercase).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Commodity(String);

impl Commodity {
    /// Parses a slug, matching case-insensitively as the feed format requires.
    pub fn parse(text: &str) -> Option<Self> {
        parse_slug(text).map(Commodity)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unit figures of this commodity are given in, for display.
    pub fn unit(&self) -> &'static str {
        match self.0.as_str() {
            "rare-earths" => "t REO",
            // Quotas are set in tonnes of concentrate at 65% WO3, not of WO3 itself
            // (research/domain.md: the English press often gets this wrong by about 35%).
            "tungsten" => "t conc. (65% WO3)",
            "antimony" => "t Sb",
            _ => "t",
        }
    }
}

impl fmt::Display for Commodity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowercases `text` and checks it is a slug: `a-z`, `0-9`, single `-` between words.
pub fn parse_slug(text: &str) -> Option<String> {
    let slug = text.trim().to_ascii_lowercase();
    let valid = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    valid.then_some(slug)
}

/// A production stage a quota is issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Stage {
    #[serde(rename = "mining")]
    Mining,
    #[serde(rename = "smelting-separation")]
    SmeltingSeparation,
}

impl Stage {
    pub const ALL: [Stage; 2] = [Stage::Mining, Stage::SmeltingSeparation];

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Stage::ALL.into_iter().find(|stage| stage.slug().eq_ignore_ascii_case(text))
    }

    pub fn slug(self) -> &'static str {
        match self {
            Stage::Mining => "mining",
            Stage::SmeltingSeparation => "smelting-separation",
        }
    }

    /// A human label for tables and charts.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Mining => "Mining",
            Stage::SmeltingSeparation => "Smelting & separation",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Whether an announcement's figures were made public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Published,
    /// Known to have been issued, figures withheld (as MIIT did from 2025).
    Unpublished,
}

impl Status {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        [Status::Published, Status::Unpublished].into_iter().find(|status| status.slug().eq_ignore_ascii_case(text))
    }

    pub fn slug(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Unpublished => "unpublished",
        }
    }
}

/// What identifies one release: revisions and conflicts are versions of the same key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnnouncementKey {
    pub commodity: Commodity,
    pub year: u16,
    pub batch: u8,
}

impl fmt::Display for AnnouncementKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.commodity, self.year, batch_label(self.batch))
    }
}

/// "batch 2", or "full year" for batch 0.
pub fn batch_label(batch: u8) -> String {
    if batch == 0 { "full year".to_owned() } else { format!("batch {batch}") }
}

/// One quota allocation: `tonnes` for a holder in a category of a stage. 24 bytes (the
/// names are interned ids): a dashboard holds millions of these.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaRow {
    pub stage: Stage,
    /// Category slug; [`TOTAL_CATEGORY`] for the whole stage.
    pub category: Name,
    /// Holder name; [`ALL_HOLDERS`] for all holders together.
    pub holder: Name,
    pub tonnes: f64,
}

impl QuotaRow {
    pub fn is_all_holders(&self) -> bool {
        self.holder == *all_holders()
    }

    pub fn is_total_category(&self) -> bool {
        self.category == *total_category()
    }
}

/// [`ALL_HOLDERS`] as a [`Name`], interned once: comparing ids is what makes a pass over a
/// million rows cheap.
pub fn all_holders() -> &'static Name {
    static NAME: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
    NAME.get_or_init(|| Name::from(ALL_HOLDERS))
}

/// [`TOTAL_CATEGORY`] as a [`Name`], interned once.
pub fn total_category() -> &'static Name {
    static NAME: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
    NAME.get_or_init(|| Name::from(TOTAL_CATEGORY))
}

/// One release of quotas, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub key: AnnouncementKey,
    pub published: Option<NaiveDate>,
    pub status: Status,
    pub title: Option<String>,
    pub url: Option<String>,
    pub revision: u32,
    pub id: Option<String>,
    pub tier: Tier,
    /// The rows are the year's running total through `key.batch` (batch 0: through whatever
    /// batch is the latest, as of `published`), not this batch's own figures. The ledger
    /// turns a running total into a batch's own figures; what it holds is never cumulative.
    pub cumulative: bool,
    pub citations: Vec<Citation>,
    pub quotas: Vec<QuotaRow>,
}

impl Announcement {
    /// True when both carry the same quota rows in any order: the test for "nothing changed".
    pub fn same_figures(&self, other: &Announcement) -> bool {
        self.status == other.status && sorted_rows(&self.quotas) == sorted_rows(&other.quotas)
    }
}

fn sorted_rows(rows: &[QuotaRow]) -> Vec<(Stage, &str, &str, u64)> {
    let mut keyed: Vec<_> =
        rows.iter().map(|r| (r.stage, r.category.as_str(), r.holder.as_str(), r.tonnes.to_bits())).collect();
    keyed.sort_unstable();
    keyed
}

/// A published one-row mining announcement for rare earths, for unit tests elsewhere.
#[cfg(test)]
pub(crate) fn sample_mining(year: u16, batch: u8, revision: u32, tonnes: f64) -> Announcement {
    Announcement {
        key: AnnouncementKey { commodity: Commodity(String::from("rare-earths")), year, batch },
        published: None,
        status: Status::Published,
        title: None,
        url: None,
        revision,
        id: None,
        tier: Tier::Official,
        cumulative: false,
        citations: Vec::new(),
        quotas: vec![QuotaRow {
            stage: Stage::Mining,
            category: TOTAL_CATEGORY.into(),
            holder: ALL_HOLDERS.into(),
            tonnes,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_case_insensitive_and_strict() {
        assert_eq!(parse_slug(" Rare-Earths "), Some("rare-earths".into()));
        assert_eq!(parse_slug("rare earths"), None);
        assert_eq!(parse_slug("rare--earths"), None);
        assert_eq!(parse_slug("-x"), None);
        assert_eq!(parse_slug(""), None);
    }

    #[test]
    fn stages_parse_case_insensitively() {
        assert_eq!(Stage::parse("MINING"), Some(Stage::Mining));
        assert_eq!(Stage::parse("smelting-separation"), Some(Stage::SmeltingSeparation));
        assert_eq!(Stage::parse("smelting"), None);
    }

    #[test]
    fn a_quota_row_takes_24_bytes() {
        assert_eq!(std::mem::size_of::<QuotaRow>(), 24);
        assert_eq!(std::mem::size_of::<Name>(), 4);
    }

    #[test]
    fn units_follow_the_commodity() {
        let unit = |slug: &str| Commodity::parse(slug).expect("slug").unit();
        assert_eq!(unit("rare-earths"), "t REO");
        assert_eq!(unit("tungsten"), "t conc. (65% WO3)");
        assert_eq!(unit("antimony"), "t Sb");
        assert_eq!(unit("molybdenum"), "t");
    }
}
