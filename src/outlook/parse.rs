//! The `expectations` and `events` arrays of a quota-feed/1 JSON document (and the same
//! entries from the configuration, as JSON values), each entry validated on its own so a bad
//! one costs only itself and its error names its path.

use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

use super::{Event, EventDate, EventKind, Expectation, OutlookError, ParsedOutlook, Range};
use crate::feed::clean_text;
use crate::model::{Commodity, MAX_BATCH, Stage, YEAR_RANGE};

/// A problem at a path: (location, message).
pub type Problem = (String, String);

const MAX_WHO_CHARS: usize = 200;
const MAX_TITLE_CHARS: usize = 200;
const MAX_URL_CHARS: usize = 2_000;
/// Larger figures are corrupt data (the same cap as quota rows).
const MAX_TONNES: f64 = 1e12;
/// A growth expectation beyond -100% (less than nothing) or +1000% is a typo.
const PCT_RANGE: std::ops::RangeInclusive<f64> = -100.0..=1000.0;

/// A whole document: `Err` when it is not a quota-feed/1 JSON object at all.
pub fn parse_document(document: &str, text: &str) -> Result<ParsedOutlook, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(top) = value else { return Err("the document is not a JSON object".into()) };
    match top.get("format").and_then(Value::as_str) {
        Some(crate::feed::FORMAT) => Ok(from_document(document, &top)),
        _ => Err(format!("`format` is not \"{}\"", crate::feed::FORMAT)),
    }
}

/// The top-level arrays of a parsed document. A missing array is none; one that is not an
/// array is one error.
pub fn from_document(document: &str, top: &Map<String, Value>) -> ParsedOutlook {
    let mut parsed = ParsedOutlook::default();
    let reject = |(location, message): Problem| OutlookError { document: document.to_owned(), location, message };
    for (name, is_expectation) in [("expectations", true), ("events", false)] {
        match top.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    let path = format!("{name}[{index}]");
                    let outlook = &mut parsed.outlook;
                    let result = if is_expectation {
                        expectation_from_json(item, &path).map(|e| outlook.expectations.push(e))
                    } else {
                        event_from_json(item, &path).map(|e| outlook.events.push(e))
                    };
                    if let Err(problem) = result {
                        parsed.rejected.push(reject(problem));
                    }
                }
            }
            Some(_) => parsed.rejected.push(reject((name.to_owned(), "expected an array".into()))),
        }
    }
    parsed
}

/// Whether a document's bytes may hold expectations or events: a cheap test that lets an
/// unchanged document be skipped only when it holds none.
pub fn may_hold_outlook(bytes: &[u8]) -> bool {
    // SIMD substring search: a few milliseconds for a 256 MiB desk file.
    memchr::memmem::find(bytes, b"\"expectations\"").is_some() || memchr::memmem::find(bytes, b"\"events\"").is_some()
}

fn object<'v>(value: &'v Value, path: &str) -> Result<&'v Map<String, Value>, Problem> {
    value.as_object().ok_or_else(|| (path.to_owned(), format!("expected an object, got {}", short(value))))
}

/// One expectation: `commodity`, `year`, `stage`, and `low`/`high` (tonnes) or
/// `low_pct`/`high_pct`; optional `batch`, `who`, `published`, `url`.
pub fn expectation_from_json(value: &Value, path: &str) -> Result<Expectation, Problem> {
    let obj = object(value, path)?;
    let field = |name: &str| format!("{path}.{name}");
    let commodity = required_str(obj, "commodity", path)?;
    let commodity = Commodity::parse(commodity)
        .ok_or_else(|| (field("commodity"), format!("{} is not a commodity slug", quoted(commodity))))?;
    let year = required_int(obj, "year", path)?;
    let year = u16::try_from(year)
        .ok()
        .filter(|y| YEAR_RANGE.contains(y))
        .ok_or_else(|| (field("year"), format!("{year} is outside {}..={}", YEAR_RANGE.start(), YEAR_RANGE.end())))?;
    let batch = match obj.get("batch").filter(|v| !v.is_null()) {
        None => None,
        Some(v) => {
            let n = integer(v).ok_or_else(|| (field("batch"), format!("expected an integer, got {}", short(v))))?;
            // Batch 0 is the single full-year issue: the same target as no batch.
            let batch = u8::try_from(n)
                .ok()
                .filter(|b| *b <= MAX_BATCH)
                .ok_or_else(|| (field("batch"), format!("{n} is not a batch number (0..={MAX_BATCH})")))?;
            (batch > 0).then_some(batch)
        }
    };
    let stage = required_str(obj, "stage", path)?;
    let stage = Stage::parse(stage)
        .ok_or_else(|| (field("stage"), format!("{} is not a stage (mining or smelting-separation)", quoted(stage))))?;
    let tonnes = pair(obj, path, "low", "high")?;
    let pct = pair(obj, path, "low_pct", "high_pct")?;
    let range = match (tonnes, pct) {
        (Some(_), Some(_)) => {
            return Err((path.to_owned(), "give low/high (tonnes) or low_pct/high_pct (growth), not both".into()));
        }
        (None, None) => return Err((path.to_owned(), "needs low and high (tonnes) or low_pct and high_pct".into())),
        (Some((low, high)), None) => {
            for (name, v) in [("low", low), ("high", high)] {
                if !(0.0..=MAX_TONNES).contains(&v) {
                    return Err((field(name), format!("{v} is not a quantity in tonnes (0 to 1e12)")));
                }
            }
            Range::Tonnes { low, high }
        }
        (None, Some((low, high))) => {
            for (name, v) in [("low_pct", low), ("high_pct", high)] {
                if !PCT_RANGE.contains(&v) {
                    return Err((field(name), format!("{v} is not a growth percentage (-100 to 1000)")));
                }
            }
            Range::Pct { low, high }
        }
    };
    let who = optional_str(obj, "who", path)?.map(|t| clean_text(t, MAX_WHO_CHARS)).filter(|t| !t.is_empty());
    let published =
        match optional_str(obj, "published", path)? {
            None => None,
            Some(text) => Some(date(text).ok_or_else(|| {
                (field("published"), format!("{} is not a date (YYYY-MM-DD or RFC 3339)", quoted(text)))
            })?),
        };
    let url = optional_str(obj, "url", path)?.map(|t| clean_text(t, MAX_URL_CHARS)).filter(|t| !t.is_empty());
    Ok(Expectation { commodity, year, batch, stage, range, who, published, url })
}

/// `low` and `high` together (a point when equal), or neither.
fn pair(obj: &Map<String, Value>, path: &str, low: &str, high: &str) -> Result<Option<(f64, f64)>, Problem> {
    let number = |name: &str| -> Result<Option<f64>, Problem> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.as_f64().unwrap_or(f64::INFINITY))),
            Some(other) => Err((format!("{path}.{name}"), format!("expected a number, got {}", short(other)))),
        }
    };
    match (number(low)?, number(high)?) {
        (None, None) => Ok(None),
        (Some(l), Some(h)) if l <= h => Ok(Some((l, h))),
        (Some(l), Some(h)) => Err((format!("{path}.{low}"), format!("{l} is above {high} ({h})"))),
        (Some(_), None) => Err((format!("{path}.{high}"), format!("required with {low} (equal to it for a point)"))),
        (None, Some(_)) => Err((format!("{path}.{low}"), format!("required with {high} (equal to it for a point)"))),
    }
}

/// One event: `date` and `title`; optional `commodity`, `kind`, `url`.
pub fn event_from_json(value: &Value, path: &str) -> Result<Event, Problem> {
    let obj = object(value, path)?;
    let field = |name: &str| format!("{path}.{name}");
    let text = required_str(obj, "date", path)?;
    let date = EventDate::parse(text)
        .ok_or_else(|| (field("date"), format!("{} is not a date (YYYY-MM-DD or YYYY-MM)", quoted(text))))?;
    let title = clean_text(required_str(obj, "title", path)?, MAX_TITLE_CHARS);
    if title.is_empty() {
        return Err((field("title"), "is empty".into()));
    }
    let commodity = match optional_str(obj, "commodity", path)? {
        None => None,
        Some(text) => Some(
            Commodity::parse(text)
                .ok_or_else(|| (field("commodity"), format!("{} is not a commodity slug", quoted(text))))?,
        ),
    };
    let kind = match optional_str(obj, "kind", path)? {
        None => EventKind::default(),
        Some(text) => EventKind::parse(text).ok_or_else(|| {
            let kinds: Vec<&str> = EventKind::ALL.iter().map(|k| k.slug()).collect();
            (field("kind"), format!("{} is not a kind ({})", quoted(text), kinds.join(", ")))
        })?,
    };
    let url = optional_str(obj, "url", path)?.map(|t| clean_text(t, MAX_URL_CHARS)).filter(|t| !t.is_empty());
    Ok(Event { date, commodity, kind, title, url })
}

/// `YYYY-MM-DD`, or RFC 3339 of which the date in its own offset is kept (as announcements).
fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|t| t.date_naive()))
}

fn required_str<'a>(obj: &'a Map<String, Value>, name: &str, path: &str) -> Result<&'a str, Problem> {
    optional_str(obj, name, path)?.ok_or_else(|| (format!("{path}.{name}"), "required field is missing".into()))
}

fn optional_str<'a>(obj: &'a Map<String, Value>, name: &str, path: &str) -> Result<Option<&'a str>, Problem> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err((format!("{path}.{name}"), format!("expected a string, got {}", short(other)))),
    }
}

fn required_int(obj: &Map<String, Value>, name: &str, path: &str) -> Result<i64, Problem> {
    match obj.get(name) {
        None | Some(Value::Null) => Err((format!("{path}.{name}"), "required field is missing".into())),
        Some(v) => {
            integer(v).ok_or_else(|| (format!("{path}.{name}"), format!("expected an integer, got {}", short(v))))
        }
    }
}

/// An integer, also when written as `2024.0`.
fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64))
}

/// A value for an error message: cleaned and short, since it comes from an untrusted source.
fn short(value: &Value) -> String {
    let text = clean_text(&value.to_string(), 40);
    if text.is_empty() { "an empty value".into() } else { text }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", clean_text(text, 40))
}
