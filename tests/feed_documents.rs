//! quota-feed/1 as a whole: documents rejected whole (not JSON, wrong format, truncated,
//! over the limit, not UTF-8), the defaults, and the optional fields, in both encodings.

use quotawatch::feed::{DocumentError, Format, parse};
use quotawatch::model::{Announcement, Stage, Status};
use serde_json::{Value, json};

#[path = "support/feed_docs.rs"]
mod feed_docs;

use feed_docs::*;

// ---------------------------------------------------------------- whole-document rejection

#[test]
fn not_json_rejects_the_document() {
    let error = document_error(Format::Json, b"commodity,year\nrare-earths,2024\n", LIMIT);
    assert!(
        matches!(&error, DocumentError::Json(m) if m.starts_with("expected value at line 1")),
        "not JSON: {error:?}"
    );
    assert!(error.to_string().starts_with("not valid JSON: "), "{error}");
    let error = document_error(Format::Json, b"[1, 2]", LIMIT);
    assert_eq!(error, DocumentError::Shape("the document is not a JSON object".into()));
    let error = document_error(Format::Json, br#"{"format": "quota-feed/1"}"#, LIMIT);
    assert_eq!(error, DocumentError::Shape("`announcements` is missing or not an array".into()));
}

#[test]
fn wrong_or_missing_format_rejects_the_document() {
    let text = json_doc(&[base_announcement()]).replace("quota-feed/1", "quota-feed/2");
    let error = document_error(Format::Json, text.as_bytes(), LIMIT);
    assert_eq!(error, DocumentError::WrongFormat { found: "\"quota-feed/2\"".into() });
    assert_eq!(error.to_string(), "`format` is \"quota-feed/2\", expected \"quota-feed/1\"");

    let text = json!({"announcements": [base_announcement()]}).to_string();
    let error = document_error(Format::Json, text.as_bytes(), LIMIT);
    assert_eq!(error, DocumentError::WrongFormat { found: "missing".into() });
    assert_eq!(error.to_string(), "`format` is missing, expected \"quota-feed/1\"");

    let text = json!({"format": 1, "announcements": []}).to_string();
    assert_eq!(document_error(Format::Json, text.as_bytes(), LIMIT), DocumentError::WrongFormat { found: "1".into() });
}

#[test]
fn truncated_json_rejects_the_document() {
    let text = include_str!("fixtures/feeds/mixed.json");
    // Cut inside the third announcement: the two complete ones before it must not be applied.
    let cut = text.find("\"year\": 2023").expect("fixture has 2023");
    let error = document_error(Format::Json, &text.as_bytes()[..cut], LIMIT);
    assert!(matches!(&error, DocumentError::Json(m) if m.starts_with("EOF while parsing")), "{error:?}");
}

#[test]
fn over_the_size_limit_rejects_the_document() {
    let text = json_doc(&[base_announcement()]);
    let size = text.len();
    assert_eq!(
        document_error(Format::Json, text.as_bytes(), size - 1),
        DocumentError::TooLarge { size, limit: size - 1 }
    );
    assert_eq!(
        document_error(Format::Json, text.as_bytes(), 10).to_string(),
        format!("document is {size} bytes, over the limit of 10 bytes")
    );
    // Exactly at the limit is fine.
    assert!(parse(SOURCE, Format::Json, text.as_bytes(), size).is_ok());

    let csv = csv_doc(&["rare-earths,2024,1,2024-02-06,mining,total,*,135000,"]);
    assert_eq!(document_error(Format::Csv, csv.as_bytes(), 20), DocumentError::TooLarge { size: csv.len(), limit: 20 });
}

#[test]
fn invalid_utf8_rejects_the_document_in_both_encodings() {
    let mut json = br#"{"format": "quota-feed/1", "announcements": [], "x": ""#.to_vec();
    let offset = json.len();
    json.extend_from_slice(b"\xff\xfe\"}");
    assert_eq!(document_error(Format::Json, &json, LIMIT), DocumentError::NotUtf8 { offset });

    let mut csv = csv_doc(&["rare-earths,2024,1,2024-02-06,mining,total,*,135000,"]).into_bytes();
    let offset = csv.len();
    csv.extend_from_slice(b"rare-earths,2024,2,,mining,total,*,1,Latin-1 \xe9\n");
    let offset = offset + "rare-earths,2024,2,,mining,total,*,1,Latin-1 ".len();
    assert_eq!(document_error(Format::Csv, &csv, LIMIT), DocumentError::NotUtf8 { offset });
    assert_eq!(
        DocumentError::NotUtf8 { offset }.to_string(),
        format!("document is not UTF-8 (invalid byte at offset {offset})")
    );
}

// ---------------------------------------------------------------- defaults

#[test]
fn json_defaults_slugs_and_unknown_fields() {
    let parsed = json_feed(include_str!("fixtures/feeds/defaults.json"));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let [a] = parsed.announcements.as_slice() else { panic!("one announcement: {:?}", parsed.announcements) };
    assert_eq!(key_of(a), ("rare-earths".into(), 2024, 1));
    assert_eq!(a.status, Status::Published);
    assert_eq!(a.revision, 0);
    assert_eq!(a.title, None);
    assert_eq!(a.url, None);
    assert_eq!(a.id, None);
    // RFC 3339: the date in its own offset, not converted to UTC (which would be the 7th).
    assert_eq!(a.published, date(2024, 2, 6));
    assert_eq!(
        a.quotas,
        [
            row(Stage::Mining, "total", "*", 135_000.0),
            row(Stage::SmeltingSeparation, "light", "China Northern Rare Earth Group", 88_010.0),
        ]
    );
}

#[test]
fn csv_defaults_column_order_extra_columns_and_quoted_commas() {
    let parsed = csv_feed(include_str!("fixtures/feeds/defaults.csv"));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let [a] = parsed.announcements.as_slice() else { panic!("one announcement: {:?}", parsed.announcements) };
    assert_eq!(key_of(a), ("rare-earths".into(), 2024, 1));
    assert_eq!(a.status, Status::Published);
    assert_eq!(a.revision, 0);
    // The RFC 3339 time and the plain date on the other row are the same date: no clash.
    assert_eq!(a.published, date(2024, 2, 6));
    assert_eq!(a.title.as_deref(), Some("First batch, 2024: mining, smelting and separation"));
    assert_eq!(
        a.quotas,
        [
            row(Stage::Mining, "total", "*", 135_000.0),
            row(Stage::SmeltingSeparation, "light", "China Northern Rare Earth Group", 88_010.0),
        ]
    );
}

#[test]
fn json_explicit_values_are_kept() {
    let mut announcement = base_announcement();
    announcement["revision"] = json!(3);
    announcement["status"] = json!("Published");
    announcement["id"] = json!("miit-2024-1");
    announcement["url"] = json!("https://example.org/notice");
    announcement["year"] = json!(2024.0);
    let parsed = json_feed(&json_doc(&[announcement]));
    let a = &parsed.announcements[0];
    assert_eq!((a.revision, a.status, a.key.year), (3, Status::Published, 2024));
    assert_eq!(a.id.as_deref(), Some("miit-2024-1"));
    assert_eq!(a.url.as_deref(), Some("https://example.org/notice"));

    let parsed = json_feed(&json_doc(&[with("/revision", Some(json!(-1)))]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(JSON_LABEL, "announcements[0].revision", "-1 is not a revision number (an integer >= 0)")
    );
}

#[test]
fn csv_revision_and_status_columns() {
    let text = "commodity,year,batch,stage,tonnes,revision,status\n\
                rare-earths,2024,1,mining,135000,2,PUBLISHED\n\
                rare-earths,2024,1,smelting-separation,127000,,\n";
    let parsed = csv_feed(text);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!((parsed.announcements[0].revision, parsed.announcements[0].status), (2, Status::Published));
}

#[test]
fn utf8_bom_is_accepted_in_both_encodings() {
    let mut json = b"\xEF\xBB\xBF".to_vec();
    json.extend_from_slice(json_doc(&[base_announcement()]).as_bytes());
    let parsed = parse(SOURCE, Format::Json, &json, LIMIT).expect("JSON with a BOM parses");
    assert_eq!(parsed.announcements.len(), 1);

    let mut csv = b"\xEF\xBB\xBF".to_vec();
    csv.extend_from_slice(csv_doc(&["rare-earths,2024,1,2024-02-06,mining,total,*,135000,"]).as_bytes());
    let parsed = parse(SOURCE, Format::Csv, &csv, LIMIT).expect("CSV with a BOM parses");
    // The BOM must not become part of the first column's name (or `commodity` would be missing).
    assert_eq!(parsed.announcements.len(), 1, "{:?}", parsed.rejected);
    assert_eq!(parsed.announcements[0].quotas, [row(Stage::Mining, "total", "*", 135_000.0)]);
}

// ---------------------------------------------------------------- CSV grouping

#[test]
fn csv_rows_sharing_a_key_form_one_announcement() {
    let parsed = csv_feed(&csv_doc(&[
        "rare-earths,2024,1,2024-02-06,mining,total,*,135000,First",
        "rare-earths,2024,2,2024-08-20,mining,total,*,135000,Second",
        "Rare-Earths,2024,1,,smelting-separation,total,*,127000,",
        "tungsten,2024,1,,mining,total,*,62000,",
    ]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let keys: Vec<_> = parsed.announcements.iter().map(key_of).collect();
    assert_eq!(keys, [("rare-earths".into(), 2024, 1), ("rare-earths".into(), 2024, 2), ("tungsten".into(), 2024, 1)]);
    let first = &parsed.announcements[0];
    assert_eq!(
        first.quotas,
        [row(Stage::Mining, "total", "*", 135_000.0), row(Stage::SmeltingSeparation, "total", "*", 127_000.0)]
    );
    // Announcement-level values given on one row only apply to the whole announcement.
    assert_eq!((first.published, first.title.as_deref()), (date(2024, 2, 6), Some("First")));
}

#[test]
fn csv_bad_row_rejects_its_whole_announcement_only() {
    let parsed = csv_feed(&csv_doc(&[
        "rare-earths,2024,1,2024-02-06,mining,total,*,135000,",
        "rare-earths,2024,2,2024-08-20,mining,total,*,135000,",
        "rare-earths,2024,1,2024-02-06,smelting-separation,total,*,-1,",
        "rare-earths,2024,1,2024-02-06,mining,light,*,124860,",
    ]));
    let keys: Vec<_> = parsed.announcements.iter().map(key_of).collect();
    assert_eq!(keys, [("rare-earths".into(), 2024, 2)]);
    assert_eq!(parsed.rejected, [rejection(CSV_LABEL, "row 4, column tonnes", "tonnes -1 is negative")]);
}

#[test]
fn csv_conflicting_announcement_values_reject_naming_both_rows() {
    let parsed = csv_feed(&csv_doc(&[
        "rare-earths,2024,1,2024-02-06,mining,total,*,135000,",
        "rare-earths,2024,1,2024-02-07,smelting-separation,total,*,127000,",
    ]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(
            CSV_LABEL,
            "row 3, column published",
            "\"2024-02-07\" differs from \"2024-02-06\" given on row 2 for the same announcement"
        )
    );
    let text = "commodity,year,batch,stage,tonnes,title\n\
                rare-earths,2024,1,mining,135000,First batch\n\
                rare-earths,2024,1,smelting-separation,127000,Second batch\n";
    assert_eq!(
        *sole_rejection(&csv_feed(text)),
        rejection(
            CSV_LABEL,
            "row 3, column title",
            "\"Second batch\" differs from \"First batch\" given on row 2 for the same announcement"
        )
    );
}

#[test]
fn csv_row_with_empty_stage_and_tonnes_is_announcement_only() {
    let text = "commodity,year,batch,published,stage,category,holder,tonnes,status,title\n\
                rare-earths,2024,2,2024-08-20,mining,total,*,135000,,\n\
                rare-earths,2025,1,,,,,,unpublished,Issued; figures withheld\n";
    let parsed = csv_feed(text);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let unpublished = &parsed.announcements[1];
    assert_eq!(key_of(unpublished), ("rare-earths".into(), 2025, 1));
    assert_eq!(unpublished.status, Status::Unpublished);
    assert!(unpublished.quotas.is_empty());
    assert_eq!(unpublished.title.as_deref(), Some("Issued; figures withheld"));

    // Without `unpublished` an announcement-only row leaves a published batch with no rows.
    let parsed = csv_feed(&csv_doc(&["rare-earths,2025,1,2025-04-01,,,,,"]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(
            "rare-earths 2025 batch 1 (first at row 2)",
            "row 2",
            "no quota rows (allowed only when status is unpublished)"
        )
    );
}

// ---------------------------------------------------------------- duplicates

#[test]
fn identical_duplicate_rows_collapse_in_both_encodings() {
    let mut announcement = base_announcement();
    let first = announcement["quotas"][0].clone();
    announcement["quotas"].as_array_mut().expect("array").push(first);
    let parsed = json_feed(&json_doc(&[announcement]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(
        parsed.announcements[0].quotas,
        [row(Stage::Mining, "total", "*", 135_000.0), row(Stage::SmeltingSeparation, "total", "*", 127_000.0)]
    );

    // Written differently (defaults, case) but the same row.
    let parsed = csv_feed(&csv_doc(&[
        "rare-earths,2024,1,2024-02-06,mining,total,*,135000,",
        "rare-earths,2024,1,2024-02-06,MINING,,,135000.0,",
    ]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.announcements[0].quotas, [row(Stage::Mining, "total", "*", 135_000.0)]);
}

#[test]
fn duplicate_rows_with_different_tonnes_reject_naming_both_places() {
    let mut announcement = base_announcement();
    announcement["quotas"].as_array_mut().expect("array").push(json!({"stage": "mining", "tonnes": 136000}));
    let parsed = json_feed(&json_doc(&[announcement]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(
            JSON_LABEL,
            "announcements[0].quotas[2]",
            "mining / total / * is given twice with different tonnes (also at announcements[0].quotas[0])"
        )
    );

    let parsed = csv_feed(&csv_doc(&[
        "rare-earths,2024,1,2024-02-06,mining,light,China Northern Rare Earth Group,94580,",
        "rare-earths,2024,1,2024-02-06,smelting-separation,total,*,127000,",
        "rare-earths,2024,1,2024-02-06,mining,light,China Northern Rare Earth Group,95000,",
    ]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(
            CSV_LABEL,
            "row 4",
            "mining / light / China Northern Rare Earth Group is given twice with different tonnes (also at row 2)"
        )
    );
}

// ---------------------------------------------------------------- sanitising

/// Hostile text: an OSC title change, CSI colours and clear screen, a bidi override, C0 controls.
const HOSTILE: &str = "Quota\x1b]0;pwned\x07 notice\x1b[2J\x1b[31m red\x1b[0m \u{202E}gpj.exe\u{202C}\r\n\x08end";
const CLEANED: &str = "Quota notice red gpj.exe end";

fn assert_clean(a: &Announcement) {
    assert_eq!(a.title.as_deref(), Some(CLEANED), "title");
    assert_eq!(a.url.as_deref(), Some("https://example.org/a"), "url");
    assert_eq!(a.quotas[0].holder, "China Northern Rare Earth Group", "holder");
}

#[test]
fn json_text_fields_are_sanitised() {
    let mut announcement = base_announcement();
    announcement["title"] = json!(HOSTILE);
    announcement["url"] = json!("https://example.org/\x1b]8;;https://evil.example\x07a\u{202E}");
    announcement["quotas"][0]["holder"] = json!("\x1b[1mChina Northern\x1b[0m Rare Earth\u{202E} Group\x07");
    let parsed = json_feed(&json_doc(&[announcement]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_clean(&parsed.announcements[0]);
}

#[test]
fn csv_text_fields_are_sanitised() {
    let text = format!(
        "commodity,year,batch,stage,holder,tonnes,title,url\n\
         rare-earths,2024,1,mining,\"\x1b[1mChina Northern\x1b[0m Rare Earth\u{202E} Group\x07\",94580,\"{HOSTILE}\",\
         https://example.org/\x1b]8;;https://evil.example\x07a\u{202E}\n"
    );
    let parsed = csv_feed(&text);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_clean(&parsed.announcements[0]);
}

#[test]
fn long_titles_are_cut() {
    let long = "Rare earth quota notice ".repeat(40);
    let mut announcement = base_announcement();
    announcement["title"] = json!(long);
    let parsed = json_feed(&json_doc(&[announcement]));
    let title = parsed.announcements[0].title.clone().expect("title kept");
    assert_eq!(title.chars().count(), 200, "{title}");
    assert!(title.ends_with('…'), "{title}");
    assert!(long.starts_with(title.trim_end_matches('…')), "a prefix of the original");

    let parsed = csv_feed(&format!("commodity,year,batch,stage,tonnes,title\nrare-earths,2024,1,mining,1,{long}\n"));
    let csv_title = parsed.announcements[0].title.clone().expect("title kept");
    // CSV cells are trimmed, so the source text differs only in trailing space: the cut is the same.
    assert_eq!(csv_title, title);
}

#[test]
fn rejection_messages_do_not_carry_escape_sequences() {
    let parsed = json_feed(&json_doc(&[with("/quotas/0/stage", Some(json!("\x1b]0;pwned\x07mining\u{202E}")))]));
    let error = sole_rejection(&parsed);
    assert_eq!(error.location, "announcements[0].quotas[0].stage");
    let shown = error.to_string();
    assert!(!shown.chars().any(|c| c.is_control() || c == '\u{202E}'), "{shown:?}");
    assert_eq!(error.message, r#""\u{1b}]0;pwned\u{7}mining\u{202e}" is not a stage (mining or smelting-separation)"#);
}

#[test]
fn rejection_messages_quote_untrusted_values_briefly() {
    let huge = "x".repeat(100_000);
    let cases = [
        ("/commodity", "announcements[0].commodity"),
        ("/published", "announcements[0].published"),
        ("/status", "announcements[0].status"),
        ("/quotas/0/stage", "announcements[0].quotas[0].stage"),
        ("/quotas/0/category", "announcements[0].quotas[0].category"),
    ];
    for (pointer, location) in cases {
        let parsed = json_feed(&json_doc(&[with(pointer, Some(json!(huge)))]));
        let error = sole_rejection(&parsed);
        assert_eq!(error.location, location);
        assert!(error.message.starts_with(r#""xxxxxxxxxx"#), "{pointer}: {}", &error.message[..60]);
        assert!(error.to_string().chars().count() < 300, "{pointer}: {} chars", error.to_string().len());
    }
    let parsed = csv_feed(&csv_doc(&[&format!("rare-earths,2024,1,2024-02-06,{huge},total,*,135000,")]));
    assert!(sole_rejection(&parsed).to_string().chars().count() < 300);
}

// ---------------------------------------------------------------- the bundled history

#[test]
fn bundled_history_parses_with_nothing_rejected() {
    let parsed = quotawatch::bundled::load().expect("the bundled history is a quota-feed/1 document");
    assert_eq!(parsed.rejected, []);
    let keys: Vec<_> = parsed.announcements.iter().map(key_of).collect();
    assert_eq!(keys.first(), Some(&("rare-earths".into(), 2008, 0)));
    let rare_earths: Vec<_> =
        parsed.announcements.iter().filter(|a| a.key.commodity.as_str() == "rare-earths").collect();
    assert_eq!(rare_earths.last().map(|a| key_of(a)), Some(("rare-earths".into(), 2025, 1)));
    assert_eq!(rare_earths.last().map(|a| a.status), Some(Status::Unpublished));
    // Each announcement once per tier: tungsten 2021 and 2022 batch 2 also carry a
    // consultancy's differing figure as an estimate (docs/data.md, conflicts).
    let mut unique: Vec<_> = parsed.announcements.iter().map(|a| (key_of(a), format!("{:?}", a.tier))).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "each announcement once per tier");
}

// ---------------------------------------------------------------- scale

#[test]
fn ten_thousand_announcements_parse() {
    let announcements: Vec<Value> = (0..10_000u32)
        .map(|i| {
            json!({
                "commodity": "rare-earths",
                "year": 1990 + i / 100,
                "batch": i % 100,
                "title": format!("announcement {i}"),
                "quotas": [
                    {"stage": "mining", "tonnes": i},
                    {"stage": "smelting-separation", "category": "light", "holder": "A", "tonnes": i * 2}
                ]
            })
        })
        .collect();
    let text = json_doc(&announcements);
    assert!(text.len() > 1_000_000, "a sizeable document: {} bytes", text.len());
    let parsed = parse(SOURCE, Format::Json, text.as_bytes(), 64 << 20).expect("10,000 announcements parse");
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected.first());
    assert_eq!(parsed.announcements.len(), 10_000);
    let last = &parsed.announcements[9_999];
    assert_eq!(key_of(last), ("rare-earths".into(), 2089, 99));
    assert_eq!(last.title.as_deref(), Some("announcement 9999"));
    assert_eq!(
        last.quotas,
        [row(Stage::Mining, "total", "*", 9_999.0), row(Stage::SmeltingSeparation, "light", "A", 19_998.0)]
    );
}

#[test]
fn a_csv_cut_off_mid_row_rejects_that_announcement() {
    let text = "commodity,year,batch,stage,category,holder,tonnes\n\
                rare-earths,2023,1,mining,total,*,120000\n\
                rare-earths,2024,1,mining,total,*,135000\n\
                rare-earths,2024,1,smelting-separation,to";
    let parsed = parse("cut", Format::Csv, text.as_bytes(), 1 << 20).expect("document parses");
    assert_eq!(parsed.announcements.len(), 1, "2023 batch 1 stands");
    assert_eq!(parsed.rejected.len(), 1);
    assert_eq!(parsed.rejected[0].location, "row 4");
    assert_eq!(parsed.rejected[0].message, "row 4 has 5 fields, the header has 7");
}
