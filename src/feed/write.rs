//! Announcements back to quota-feed/1 documents: what `export` prints and what the history
//! store keeps. Reading a written document gives back the same announcements (figures,
//! dates, text, revision), so an export re-imported as a file source reports the same.

use serde_json::{Map, Value, json};

use crate::model::{ALL_HOLDERS, Announcement, QuotaRow, Status, TOTAL_CATEGORY};

/// The format identifier every document carries.
pub const FORMAT_ID: &str = "quota-feed/1";

/// A JSON document holding `announcements`, pretty-printed, fields in the order of the spec.
pub fn to_json<'a>(announcements: impl IntoIterator<Item = &'a Announcement>) -> String {
    let list: Vec<Value> = announcements.into_iter().map(announcement_json).collect();
    let mut text = serde_json::to_string_pretty(&json!({"format": FORMAT_ID, "announcements": list}))
        .unwrap_or_else(|_| String::new());
    text.push('\n');
    text
}

/// One announcement as a compact single-announcement JSON document (the store's form).
pub fn to_compact_json(announcement: &Announcement) -> String {
    json!({"format": FORMAT_ID, "announcements": [announcement_json(announcement)]}).to_string()
}

fn announcement_json(a: &Announcement) -> Value {
    let mut object = Map::new();
    object.insert("commodity".into(), a.key.commodity.as_str().into());
    object.insert("year".into(), a.key.year.into());
    object.insert("batch".into(), a.key.batch.into());
    if let Some(date) = a.published {
        object.insert("published".into(), date.format("%Y-%m-%d").to_string().into());
    }
    object.insert("status".into(), a.status.slug().into());
    for (field, value) in [("title", &a.title), ("url", &a.url)] {
        if let Some(text) = value {
            object.insert(field.into(), text.as_str().into());
        }
    }
    object.insert("revision".into(), a.revision.into());
    if let Some(id) = &a.id {
        object.insert("id".into(), id.as_str().into());
    }
    let rows: Vec<Value> = a
        .quotas
        .iter()
        .map(|row| {
            json!({"stage": row.stage.slug(), "category": row.category, "holder": row.holder, "tonnes": number(row.tonnes)})
        })
        .collect();
    object.insert("quotas".into(), rows.into());
    Value::Object(object)
}

/// Whole tonnes as integers (`135000`, not `135000.0`); others as the shortest exact decimal.
fn number(tonnes: f64) -> Value {
    if tonnes.fract() == 0.0 && tonnes.abs() < 9e15 {
        Value::from(tonnes as i64)
    } else {
        serde_json::Number::from_f64(tonnes).map_or(Value::Null, Value::Number)
    }
}

/// The CSV columns `to_csv` writes, the required ones first.
pub const CSV_COLUMNS: [&str; 13] = [
    "commodity",
    "year",
    "batch",
    "published",
    "stage",
    "category",
    "holder",
    "tonnes",
    "status",
    "title",
    "url",
    "revision",
    "id",
];

/// A CSV document: one line per quota row. An unpublished announcement without rows gets one
/// line with empty stage and tonnes, which is how the format carries "issued, withheld".
pub fn to_csv<'a>(announcements: impl IntoIterator<Item = &'a Announcement>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(CSV_COLUMNS);
    for a in announcements {
        let published = a.published.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let shared = |row: Option<&QuotaRow>| -> Vec<String> {
            vec![
                a.key.commodity.as_str().to_owned(),
                a.key.year.to_string(),
                a.key.batch.to_string(),
                published.clone(),
                row.map(|r| r.stage.slug().to_owned()).unwrap_or_default(),
                row.map_or(TOTAL_CATEGORY, |r| r.category.as_str()).to_owned(),
                row.map_or(ALL_HOLDERS, |r| r.holder.as_str()).to_owned(),
                row.map(|r| r.tonnes.to_string()).unwrap_or_default(),
                a.status.slug().to_owned(),
                a.title.clone().unwrap_or_default(),
                a.url.clone().unwrap_or_default(),
                a.revision.to_string(),
                a.id.clone().unwrap_or_default(),
            ]
        };
        if a.quotas.is_empty() && a.status == Status::Unpublished {
            let _ = writer.write_record(shared(None));
        }
        for row in &a.quotas {
            let _ = writer.write_record(shared(Some(row)));
        }
    }
    writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
}
