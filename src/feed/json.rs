//! The JSON encoding of quota-feed/1. Announcements are validated one by one from a
//! `serde_json::Value`, so one bad announcement costs only itself and its error can
//! name the exact JSON path.

use std::fmt;

use serde_json::{Map, Value};

use super::validate::{
    self, MAX_CITATIONS, MAX_ID_CHARS, MAX_SOURCE_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, Meta, Names,
};
use super::{AnnouncementError, DocumentError, ParsedFeed};
use crate::model::{Announcement, AnnouncementKey, Citation, Commodity, QuotaRow, batch_label};

pub const FORMAT_TAG: &str = "quota-feed/1";

/// A problem at a JSON path inside one announcement.
type Problem = (String, String);

pub fn parse(source_name: &str, text: &str) -> Result<ParsedFeed, DocumentError> {
    let document: Value = serde_json::from_str(text).map_err(|e| DocumentError::Json(e.to_string()))?;
    let Value::Object(top) = document else {
        return Err(DocumentError::Shape("the document is not a JSON object".into()));
    };
    match top.get("format") {
        Some(Value::String(tag)) if tag == FORMAT_TAG => {}
        Some(other) => return Err(DocumentError::WrongFormat { found: short(other) }),
        None => return Err(DocumentError::WrongFormat { found: "missing".into() }),
    }
    let Some(Value::Array(items)) = top.get("announcements") else {
        return Err(DocumentError::Shape("`announcements` is missing or not an array".into()));
    };
    let mut parsed = ParsedFeed::default();
    let mut names = Names::default();
    for (index, item) in items.iter().enumerate() {
        let path = format!("announcements[{index}]");
        match announcement(item, &path, &mut names) {
            Ok(a) => parsed.announcements.push(a),
            Err((location, message)) => parsed.rejected.push(AnnouncementError {
                source_name: source_name.to_owned(),
                announcement: label(item, &path),
                location,
                message,
            }),
        }
    }
    Ok(parsed)
}

/// "rare-earths 2024 batch 1 (announcements[3])" when the key reads, else just the path.
/// The key is written as the CSV reader writes it (slug lowercased, batch 0 "full year"),
/// so an announcement has the same name in both encodings.
fn label(item: &Value, path: &str) -> String {
    let key = item.as_object().and_then(|obj| {
        let commodity = obj.get("commodity")?.as_str()?;
        let commodity = Commodity::parse(commodity).map(|c| c.to_string()).or_else(|| validate::text(commodity, 40))?;
        let year = integer(obj.get("year")?)?;
        let batch = match obj.get("batch") {
            None | Some(Value::Null) if obj.get("cumulative") == Some(&Value::Bool(true)) => "year so far".to_owned(),
            batch => {
                let batch = integer(batch?)?;
                u8::try_from(batch).map_or_else(|_| format!("batch {batch}"), batch_label)
            }
        };
        Some(format!("{commodity} {year} {batch}"))
    });
    match key {
        Some(key) => format!("{key} ({path})"),
        None => path.to_owned(),
    }
}

fn announcement(item: &Value, path: &str, names: &mut Names) -> Result<Announcement, Problem> {
    let obj = item.as_object().ok_or_else(|| (path.to_owned(), format!("expected an object, got {}", short(item))))?;
    let field = |name: &str| format!("{path}.{name}");
    let mut meta = Meta::default();
    match obj.get("cumulative") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(flag)) => meta.cumulative = *flag,
        Some(other) => return Err((field("cumulative"), format!("expected true or false, got {}", short(other)))),
    }
    // A running total may leave its batch out: "the year so far, as of `published`",
    // held as batch 0 (the whole year) with `cumulative` set.
    let batch = match obj.get("batch") {
        None | Some(Value::Null) if meta.cumulative => 0,
        _ => validate::batch(required_int(obj, "batch", path)?).map_err(|m| (field("batch"), m))?,
    };
    let key = AnnouncementKey {
        commodity: validate::commodity(required_str(obj, "commodity", path)?).map_err(|m| (field("commodity"), m))?,
        year: validate::year(required_int(obj, "year", path)?).map_err(|m| (field("year"), m))?,
        batch,
    };
    if let Some(text) = optional_str(obj, "tier", path)? {
        meta.tier = validate::tier(text).map_err(|m| (field("tier"), m))?;
    }
    meta.citations = citations(obj, &field("citations"))?;
    if let Some(text) = optional_str(obj, "published", path)? {
        meta.published = Some(validate::published(text).map_err(|m| (field("published"), m))?);
    }
    if let Some(text) = optional_str(obj, "status", path)? {
        meta.status = validate::status(text).map_err(|m| (field("status"), m))?;
    }
    meta.title = optional_str(obj, "title", path)?.and_then(|t| validate::text(t, MAX_TITLE_CHARS));
    meta.url = optional_str(obj, "url", path)?.and_then(|t| validate::text(t, MAX_URL_CHARS));
    meta.id = optional_str(obj, "id", path)?.and_then(|t| validate::text(t, MAX_ID_CHARS));
    if let Some(value) = obj.get("revision").filter(|v| !v.is_null()) {
        let number =
            integer(value).ok_or_else(|| (field("revision"), format!("expected an integer, got {}", short(value))))?;
        meta.revision = validate::revision(number).map_err(|m| (field("revision"), m))?;
    }
    let rows = match obj.get("quotas") {
        Some(Value::Array(rows)) => rows,
        None | Some(Value::Null) => return Err((field("quotas"), "required field is missing".into())),
        Some(other) => return Err((field("quotas"), format!("expected an array, got {}", short(other)))),
    };
    let locations: Vec<RowPath<'_>> = (0..rows.len()).map(|index| RowPath { announcement: path, index }).collect();
    let rows = rows.iter().zip(&locations).map(|(row, at)| quota_row(row, at, names)).collect::<Result<Vec<_>, _>>()?;
    validate::finish(key, meta, rows, &locations, &field("quotas"))
}

/// `citations`: absent or `null` is none; each must be an object saying where (a url or a title).
fn citations(obj: &Map<String, Value>, path: &str) -> Result<Vec<Citation>, Problem> {
    let items = match obj.get("citations") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err((path.to_owned(), format!("expected an array, got {}", short(other)))),
    };
    if items.len() > MAX_CITATIONS {
        return Err((path.to_owned(), format!("{} citations, more than the limit of {MAX_CITATIONS}", items.len())));
    }
    let mut out: Vec<Citation> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = format!("{path}[{index}]");
        let obj = item.as_object().ok_or_else(|| (at.clone(), format!("expected an object, got {}", short(item))))?;
        let mut citation = Citation {
            title: optional_str(obj, "title", &at)?.and_then(|t| validate::text(t, MAX_TITLE_CHARS)),
            url: optional_str(obj, "url", &at)?.and_then(|t| validate::text(t, MAX_URL_CHARS)),
            source: optional_str(obj, "source", &at)?.and_then(|t| validate::text(t, MAX_SOURCE_CHARS)),
            published: None,
        };
        if let Some(text) = optional_str(obj, "published", &at)? {
            citation.published = Some(validate::published(text).map_err(|m| (format!("{at}.published"), m))?);
        }
        let citation = validate::citation(citation).map_err(|m| (at, m))?;
        // The same citation twice is kept once, as the ledger merges them.
        crate::model::merge_citations(&mut out, [citation]);
    }
    Ok(out)
}

/// Where a quota row is (`announcements[3].quotas[17]`), written out only for an error.
#[derive(Debug, Clone, Copy)]
struct RowPath<'p> {
    announcement: &'p str,
    index: usize,
}

impl fmt::Display for RowPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.quotas[{}]", self.announcement, self.index)
    }
}

fn quota_row(row: &Value, at: &RowPath<'_>, names: &mut Names) -> Result<QuotaRow, Problem> {
    let obj = row.as_object().ok_or_else(|| (at.to_string(), format!("expected an object, got {}", short(row))))?;
    let field = |name: &str| format!("{at}.{name}");
    let path = at;
    let stage = validate::stage(required_str(obj, "stage", path)?).map_err(|m| (field("stage"), m))?;
    // An absent category is the whole stage, as an empty one is.
    let category =
        names.category(optional_str(obj, "category", path)?.unwrap_or("")).map_err(|m| (field("category"), m))?;
    let holder = names.holder(optional_str(obj, "holder", path)?.unwrap_or(""));
    let tonnes = match obj.get("tonnes") {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::INFINITY),
        None | Some(Value::Null) => return Err((field("tonnes"), "required field is missing".into())),
        Some(other) => return Err((field("tonnes"), format!("expected a number, got {}", short(other)))),
    };
    let tonnes = validate::tonnes(tonnes).map_err(|m| (field("tonnes"), m))?;
    Ok(QuotaRow { stage, category, holder, tonnes })
}

fn required_str<'a, P: fmt::Display + ?Sized>(
    obj: &'a Map<String, Value>,
    name: &str,
    path: &P,
) -> Result<&'a str, Problem> {
    optional_str(obj, name, path)?.ok_or_else(|| (format!("{path}.{name}"), "required field is missing".into()))
}

/// A string field; `null` counts as absent.
fn optional_str<'a, P: fmt::Display + ?Sized>(
    obj: &'a Map<String, Value>,
    name: &str,
    path: &P,
) -> Result<Option<&'a str>, Problem> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err((format!("{path}.{name}"), format!("expected a string, got {}", short(other)))),
    }
}

fn required_int(obj: &Map<String, Value>, name: &str, path: &str) -> Result<i64, Problem> {
    let location = format!("{path}.{name}");
    match obj.get(name) {
        None | Some(Value::Null) => Err((location, "required field is missing".into())),
        Some(value) => integer(value).ok_or_else(|| (location, format!("expected an integer, got {}", short(value)))),
    }
}

/// An integer, also when written as `2024.0`.
fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64))
}

/// A value for an error message: cleaned and short, since it comes from an untrusted source.
fn short(value: &Value) -> String {
    validate::text(&value.to_string(), 40).unwrap_or_else(|| "an empty value".into())
}
