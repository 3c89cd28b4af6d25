//! How a stored version is laid out in its row: the announcement without its rows as a
//! one-announcement quota-feed/1 JSON document, and the rows packed against the store's
//! name table (see [`encode_rows`]).
//! Reading is the hot path of every start-up, so it checks only what a damaged row could break.

use chrono::{DateTime, NaiveDate, Utc};

use super::StoredVersion;
use crate::feed;
use crate::model::{Announcement, AnnouncementKey, Commodity, Name, QuotaRow, Stage, Status};

pub(super) fn read_version(
    source: &str,
    first_seen: &str,
    document: &str,
    rows: &[u8],
    names: &[Option<Name>],
) -> Result<StoredVersion, String> {
    let first_seen = DateTime::parse_from_rfc3339(first_seen)
        .map_err(|e| format!("first_seen {first_seen:?}: {e}"))?
        .with_timezone(&Utc);
    let mut announcement = decode(document)?;
    announcement.quotas = decode_rows(rows, names)?;
    Ok(StoredVersion { source: source.to_owned(), first_seen, announcement })
}

/// A stored document as written by [`feed::write::to_compact_json_without_rows`], read straight into the
/// model. It was validated and sanitised when its source delivered it, so only what a
/// damaged row could break is checked here: this is the hot path of every start-up.
#[derive(serde::Deserialize)]
struct Document {
    format: String,
    announcements: [Stored1; 1],
}

#[derive(serde::Deserialize)]
struct Stored1 {
    commodity: String,
    year: u16,
    batch: u8,
    published: Option<String>,
    status: String,
    title: Option<String>,
    url: Option<String>,
    revision: u32,
    id: Option<String>,
    /// Provenance (quota-feed/1's optional fields); absent in versions stored before it existed.
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    citations: Vec<StoredCitation>,
}

#[derive(serde::Deserialize)]
struct StoredCitation {
    title: Option<String>,
    url: Option<String>,
    published: Option<String>,
    source: Option<String>,
}

/// Quota rows packed against the store's name table (`names`, ids from 1): the row count,
/// then per row a tag byte (bit 0: the stage, 0 mining, 1 smelting-separation; bit 1: the
/// tonnes are a whole number), the category's and the holder's name id, and the tonnes: a
/// whole number as an unsigned integer, any other as the binary64 bits little-endian.
/// Counts, ids and whole tonnes are LEB128 varints. A row of the 1M-row feed takes 6 or 7
/// bytes (schema 1 took 17 plus a copy of every name in every version).
pub fn encode_rows(rows: &[QuotaRow], mut id_of: impl FnMut(&Name) -> u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 8 + 4);
    varint(&mut out, rows.len() as u64);
    for row in rows {
        let whole = whole_tonnes(row.tonnes);
        out.push(u8::from(row.stage == Stage::SmeltingSeparation) | (u8::from(whole.is_some()) << 1));
        varint(&mut out, id_of(&row.category));
        varint(&mut out, id_of(&row.holder));
        match whole {
            Some(tonnes) => varint(&mut out, tonnes),
            None => out.extend(row.tonnes.to_bits().to_le_bytes()),
        }
    }
    out
}

/// `tonnes` as an integer when that is exactly the same value (not -0.0, not past 2^53).
fn whole_tonnes(tonnes: f64) -> Option<u64> {
    let whole = tonnes as u64;
    (whole < (1 << 53) && (whole as f64).to_bits() == tonnes.to_bits()).then_some(whole)
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A cursor over a packed rows blob.
struct Cursor<'b>(&'b [u8]);

impl Cursor<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let (&first, rest) = self.0.split_first().ok_or("rows cut short")?;
        self.0 = rest;
        Ok(first)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number runs past 64 bits".into())
    }

    fn f64(&mut self) -> Result<f64, String> {
        if self.0.len() < 8 {
            return Err("rows cut short".into());
        }
        let (head, tail) = self.0.split_at(8);
        self.0 = tail;
        let mut raw = [0u8; 8];
        raw.copy_from_slice(head);
        Ok(f64::from_le_bytes(raw))
    }
}

/// Reads what [`encode_rows`] wrote, `names[id]` being the name with that id; a damaged
/// blob is an error, never a panic.
pub(super) fn decode_rows(bytes: &[u8], names: &[Option<Name>]) -> Result<Vec<QuotaRow>, String> {
    let mut cursor = Cursor(bytes);
    let rows = cursor.varint()?;
    // Each row takes at least 4 bytes: a damaged count cannot reserve much.
    let mut out = Vec::with_capacity(usize::try_from(rows).unwrap_or(0).min(bytes.len() / 4));
    let name = |cursor: &mut Cursor<'_>| -> Result<Name, String> {
        let id = cursor.varint()?;
        usize::try_from(id)
            .ok()
            .and_then(|id| names.get(id))
            .and_then(Option::clone)
            .ok_or_else(|| format!("name id {id} is not in the name table"))
    };
    for _ in 0..rows {
        let tag = cursor.byte()?;
        if tag > 3 {
            return Err(format!("row tag {tag}"));
        }
        let stage = if tag & 1 == 0 { Stage::Mining } else { Stage::SmeltingSeparation };
        let (category, holder) = (name(&mut cursor)?, name(&mut cursor)?);
        let tonnes = if tag & 2 == 0 { cursor.f64()? } else { cursor.varint()? as f64 };
        if !tonnes.is_finite() || tonnes < 0.0 {
            return Err(format!("tonnes {tonnes}"));
        }
        out.push(QuotaRow { stage, category, holder, tonnes });
    }
    if !cursor.0.is_empty() {
        return Err("bytes after the last row".into());
    }
    Ok(out)
}
pub(super) fn decode(document: &str) -> Result<Announcement, String> {
    let Document { format, announcements: [a] } =
        serde_json::from_str(document).map_err(|e| format!("not a stored announcement: {e}"))?;
    if format != feed::FORMAT {
        return Err(format!("format {format:?}"));
    }
    let commodity = Commodity::parse(&a.commodity).ok_or_else(|| format!("commodity {:?}", a.commodity))?;
    let status = Status::parse(&a.status).ok_or_else(|| format!("status {:?}", a.status))?;
    Ok(Announcement {
        key: AnnouncementKey { commodity, year: a.year, batch: a.batch },
        published: a
            .published
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| format!("published {d:?}")))
            .transpose()?,
        status,
        title: a.title,
        url: a.url,
        revision: a.revision,
        id: a.id,
        tier: match a.tier {
            None => crate::model::Tier::Official,
            Some(tier) => crate::model::Tier::parse(&tier).ok_or_else(|| format!("tier {tier:?}"))?,
        },
        // What the ledger holds is never a running total (it resolves them into batches).
        cumulative: false,
        citations: a
            .citations
            .into_iter()
            .map(|c| crate::model::Citation {
                published: c.published.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                title: c.title,
                url: c.url,
                source: c.source,
            })
            .collect(),
        quotas: Vec::new(),
    })
}
