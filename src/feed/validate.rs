//! Field rules shared by the JSON and CSV readers, so both encodings accept exactly the same data.

use std::collections::hash_map::Entry;
use std::fmt;

use foldhash::{HashMap, HashMapExt as _};

use chrono::{DateTime, NaiveDate};

use crate::model::{
    ALL_HOLDERS, Announcement, AnnouncementKey, Citation, Commodity, MAX_BATCH, Name, QuotaRow, Stage, Status,
    TOTAL_CATEGORY, Tier, YEAR_RANGE, parse_slug,
};

use super::clean_text;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_URL_CHARS: usize = 2_000;
pub const MAX_HOLDER_CHARS: usize = 100;
pub const MAX_ID_CHARS: usize = 100;
/// A citation's `source` ("Reuters", "Project Blue").
pub const MAX_SOURCE_CHARS: usize = 100;
/// More citations than this for one batch is not provenance but noise (or an attack on memory).
pub const MAX_CITATIONS: usize = 50;
/// Larger figures are not quotas but corrupt data, and would overflow sums to infinity.
pub const MAX_TONNES: f64 = 1e12;

pub fn commodity(text: &str) -> Result<Commodity, String> {
    Commodity::parse(text).ok_or_else(|| format!("{} is not a commodity slug (like \"rare-earths\")", quoted(text)))
}

pub fn year(value: i64) -> Result<u16, String> {
    u16::try_from(value)
        .ok()
        .filter(|y| YEAR_RANGE.contains(y))
        .ok_or_else(|| format!("{value} is outside {}..={}", YEAR_RANGE.start(), YEAR_RANGE.end()))
}

pub fn batch(value: i64) -> Result<u8, String> {
    u8::try_from(value)
        .ok()
        .filter(|b| *b <= MAX_BATCH)
        .ok_or_else(|| format!("{value} is not a batch number (0..={MAX_BATCH})"))
}

pub fn revision(value: i64) -> Result<u32, String> {
    u32::try_from(value).map_err(|_| format!("{value} is not a revision number (an integer >= 0)"))
}

/// `YYYY-MM-DD`, or RFC 3339 of which the date in its own offset is kept.
pub fn published(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| DateTime::parse_from_rfc3339(text).map(|t| t.date_naive()))
        .map_err(|_| format!("{} is not a date (YYYY-MM-DD or RFC 3339)", quoted(text)))
}

pub fn status(text: &str) -> Result<Status, String> {
    Status::parse(text).ok_or_else(|| format!("{} is not a status (published or unpublished)", quoted(text)))
}

pub fn tier(text: &str) -> Result<Tier, String> {
    Tier::parse(text).ok_or_else(|| format!("{} is not a tier (official, reported or estimate)", quoted(text)))
}

/// `true`/`false` as CSV writes them (also `1`/`0`, `yes`/`no`, any case); empty is `false`.
pub fn flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" => Ok(true),
        _ => Err(format!("{} is not true or false", quoted(text))),
    }
}

/// A citation is worth keeping only if it says where: a URL or at least a title.
pub fn citation(citation: Citation) -> Result<Citation, String> {
    if citation.url.is_none() && citation.title.is_none() {
        return Err("a citation needs a url or a title".into());
    }
    Ok(citation)
}

pub fn stage(text: &str) -> Result<Stage, String> {
    Stage::parse(text).ok_or_else(|| format!("{} is not a stage (mining or smelting-separation)", quoted(text)))
}

/// An empty category means the whole stage.
pub fn category(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Ok(TOTAL_CATEGORY.to_owned());
    }
    parse_slug(text).ok_or_else(|| format!("{} is not a category slug (like \"light\")", quoted(text)))
}

/// An empty holder means all holders.
pub fn holder(text: &str) -> String {
    let cleaned = clean_text(text, MAX_HOLDER_CHARS);
    if cleaned.is_empty() { ALL_HOLDERS.to_owned() } else { cleaned }
}

/// String equality for the short cells of a feed, without a call to `memcmp`: for a few
/// bytes the call costs more than the comparison, and glibc's vector `memcmp` handed an
/// empty `String` (which points at no memory) takes a masked-load fault path measured at
/// about 40 ns a call on this project's machine.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |w: &[u8]| u64::from_ne_bytes(w.try_into().unwrap_or_default());
    a_words.by_ref().zip(b_words.by_ref()).all(|(x, y)| word(x) == word(y))
        && a_words.remainder().iter().zip(b_words.remainder()).all(|(x, y)| x == y)
}

/// Validated categories and holders of one document, each distinct text checked and
/// stored once: rows share one [`Name`] per distinct text.
#[derive(Debug, Default)]
pub struct Names {
    categories: HashMap<Box<str>, Name>,
    holders: HashMap<Box<str>, Name>,
    /// The last category looked up: rows of one category usually come together.
    last_category: Option<(String, Name)>,
}

impl Names {
    /// [`category`], shared.
    pub fn category(&mut self, text: &str) -> Result<Name, String> {
        if let Some((raw, name)) = &self.last_category
            && same(raw, text)
        {
            return Ok(name.clone());
        }
        let name = match self.categories.get(text) {
            Some(name) => name.clone(),
            None => {
                let name = Name::from(category(text)?);
                self.categories.insert(text.into(), name.clone());
                name
            }
        };
        match &mut self.last_category {
            Some((raw, last)) => {
                raw.clear();
                raw.push_str(text);
                *last = name.clone();
            }
            None => self.last_category = Some((text.to_owned(), name.clone())),
        }
        Ok(name)
    }

    /// [`holder`], shared.
    pub fn holder(&mut self, text: &str) -> Name {
        if let Some(name) = self.holders.get(text) {
            return name.clone();
        }
        let name = Name::from(holder(text));
        self.holders.insert(text.into(), name.clone());
        name
    }
}

pub fn tonnes(value: f64) -> Result<f64, String> {
    if !value.is_finite() {
        Err("tonnes must be a finite number".to_owned())
    } else if value < 0.0 {
        Err(format!("tonnes {} is negative", brief(value)))
    } else if value > MAX_TONNES {
        Err(format!("tonnes {} is implausibly large (limit {MAX_TONNES:e})", brief(value)))
    } else {
        Ok(value)
    }
}

/// A number for an error message: plain when short, else in scientific notation, so 1e308
/// does not become a 309-digit message.
fn brief(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() <= 16 { plain } else { format!("{value:e}") }
}

/// An untrusted value for an error message: `{:?}`-escaped, so no control or bidi
/// character reaches a terminal, and cut to a few dozen characters.
pub fn quoted(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    let head: String = text.chars().take(MAX_CHARS).collect();
    let cut = if text.chars().nth(MAX_CHARS).is_some() { "…" } else { "" };
    format!("{head:?}{cut}")
}

/// Optional text fields, cleaned; empty after cleaning counts as absent.
pub fn text(value: &str, max_chars: usize) -> Option<String> {
    Some(clean_text(value, max_chars)).filter(|t| !t.is_empty())
}

/// The announcement-level fields other than the key.
#[derive(Debug, Default)]
pub struct Meta {
    pub published: Option<NaiveDate>,
    pub status: Status,
    pub title: Option<String>,
    pub url: Option<String>,
    pub revision: u32,
    pub id: Option<String>,
    pub tier: Tier,
    pub cumulative: bool,
    pub citations: Vec<Citation>,
}

/// Checks the rules that span rows and builds the announcement.
///
/// `locations[i]` is where `rows[i]` came from (shown only in an error, so it is formatted
/// only then), so a duplicate names both places. `quotas_location` names where the rows
/// are, for an announcement that has none.
pub fn finish<L: fmt::Display>(
    key: AnnouncementKey,
    meta: Meta,
    rows: Vec<QuotaRow>,
    locations: &[L],
    quotas_location: &str,
) -> Result<Announcement, (String, String)> {
    debug_assert_eq!(rows.len(), locations.len(), "one location per row");
    match meta.status {
        Status::Published if rows.is_empty() => {
            return Err((quotas_location.to_owned(), "no quota rows (allowed only when status is unpublished)".into()));
        }
        Status::Unpublished if !rows.is_empty() => {
            return Err((locations[0].to_string(), "status is unpublished but quota rows are given".into()));
        }
        _ => {}
    }
    if meta.cumulative && meta.status == Status::Unpublished {
        return Err((quotas_location.to_owned(), "a running total (cumulative) must carry figures".into()));
    }
    // Indices of exact repeats, which are dropped; a repeat with other tonnes is an error.
    let mut repeats = Vec::new();
    {
        let mut seen: HashMap<(Stage, &str, &str), usize> = HashMap::with_capacity(rows.len());
        for (index, row) in rows.iter().enumerate() {
            match seen.entry((row.stage, row.category.as_str(), row.holder.as_str())) {
                Entry::Vacant(slot) => {
                    slot.insert(index);
                }
                Entry::Occupied(first) if rows[*first.get()].tonnes == row.tonnes => repeats.push(index),
                Entry::Occupied(first) => {
                    return Err((
                        locations[index].to_string(),
                        format!(
                            "{} / {} / {} is given twice with different tonnes (also at {})",
                            row.stage,
                            row.category,
                            row.holder,
                            locations[*first.get()]
                        ),
                    ));
                }
            }
        }
    }
    let quotas: Vec<QuotaRow> = if repeats.is_empty() {
        rows
    } else {
        let mut repeats = repeats.into_iter().peekable();
        rows.into_iter()
            .enumerate()
            .filter(|(index, _)| repeats.next_if_eq(index).is_none())
            .map(|(_, row)| row)
            .collect()
    };
    Ok(Announcement {
        key,
        published: meta.published,
        status: meta.status,
        title: meta.title,
        url: meta.url,
        revision: meta.revision,
        id: meta.id,
        tier: meta.tier,
        cumulative: meta.cumulative,
        citations: meta.citations,
        quotas,
    })
}
