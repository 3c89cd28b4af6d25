//! Building quota-feed/1 documents for the feed-rule tests, and reading what they give.
#![allow(dead_code, reason = "each feed-rule test file uses its own part of the support")]

use chrono::NaiveDate;
use quotawatch::feed::{AnnouncementError, DocumentError, Format, ParsedFeed, parse};
use quotawatch::model::{Announcement, QuotaRow, Stage};
use serde_json::{Value, json};

pub const SOURCE: &str = "desk";
pub const LIMIT: usize = 1 << 20;

// ---------------------------------------------------------------- helpers

pub fn parse_ok(format: Format, text: &str) -> ParsedFeed {
    match parse(SOURCE, format, text.as_bytes(), LIMIT) {
        Ok(parsed) => parsed,
        Err(e) => panic!("expected the {format} document to parse, got {e:?}"),
    }
}

pub fn json_feed(text: &str) -> ParsedFeed {
    parse_ok(Format::Json, text)
}

pub fn csv_feed(text: &str) -> ParsedFeed {
    parse_ok(Format::Csv, text)
}

pub fn document_error(format: Format, bytes: &[u8], max_bytes: usize) -> DocumentError {
    match parse(SOURCE, format, bytes, max_bytes) {
        Err(e) => e,
        Ok(parsed) => panic!("expected the whole {format} document to be rejected, got {parsed:?}"),
    }
}

/// A quota-feed/1 JSON document holding `announcements`.
pub fn json_doc(announcements: &[Value]) -> String {
    json!({"format": "quota-feed/1", "announcements": announcements}).to_string()
}

/// A valid published announcement to break one field of.
pub fn base_announcement() -> Value {
    json!({
        "commodity": "rare-earths",
        "year": 2024,
        "batch": 1,
        "published": "2024-02-06",
        "quotas": [
            {"stage": "mining", "category": "total", "holder": "*", "tonnes": 135000},
            {"stage": "smelting-separation", "category": "total", "holder": "*", "tonnes": 127000}
        ]
    })
}

/// `base_announcement` with the value at the JSON pointer `pointer` set (or removed with `None`).
pub fn with(pointer: &str, value: Option<Value>) -> Value {
    let mut announcement = base_announcement();
    let (parent, field) = pointer.rsplit_once('/').expect("pointer has a parent");
    let object = announcement.pointer_mut(parent).and_then(Value::as_object_mut).expect("parent is an object");
    match value {
        Some(value) => object.insert(field.to_owned(), value),
        None => object.remove(field),
    };
    announcement
}

/// The one rejection of a document that was meant to have exactly one, and no accepted announcement.
pub fn sole_rejection(parsed: &ParsedFeed) -> &AnnouncementError {
    assert!(parsed.announcements.is_empty(), "nothing should be accepted: {:#?}", parsed.announcements);
    assert_eq!(parsed.rejected.len(), 1, "exactly one rejection: {:#?}", parsed.rejected);
    &parsed.rejected[0]
}

pub fn rejection(announcement: &str, location: &str, message: &str) -> AnnouncementError {
    AnnouncementError {
        source_name: SOURCE.into(),
        announcement: announcement.into(),
        location: location.into(),
        message: message.into(),
    }
}

/// A CSV document with the usual header and the given data lines.
pub fn csv_doc(lines: &[&str]) -> String {
    let mut text = String::from("commodity,year,batch,published,stage,category,holder,tonnes,title\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

pub fn row(stage: Stage, category: &str, holder: &str, tonnes: f64) -> QuotaRow {
    QuotaRow { stage, category: category.into(), holder: holder.into(), tonnes }
}

pub fn key_of(a: &Announcement) -> (String, u16, u8) {
    (a.key.commodity.to_string(), a.key.year, a.key.batch)
}

pub fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub const JSON_LABEL: &str = "rare-earths 2024 batch 1 (announcements[0])";
pub const CSV_LABEL: &str = "rare-earths 2024 batch 1 (first at row 2)";
