//! The "Bad input" and default rules of quota-feed/1 (`/work/shared/feed-format.md`), one
//! test per rule, in both encodings where the rule applies.
//!
//! Every rejection is checked field by field (source, announcement label, location,
//! message), so a change to what an error names is a visible, deliberate change.

use quotawatch::feed::{DocumentError, Format};
use quotawatch::model::{Stage, Status};
use serde_json::{Value, json};

#[path = "support/feed_docs.rs"]
mod feed_docs;

use feed_docs::*;

// ---------------------------------------------------------------- each announcement on its own

#[test]
fn json_mixed_document_accepts_the_valid_and_names_each_invalid() {
    let parsed = json_feed(include_str!("fixtures/feeds/mixed.json"));
    let accepted: Vec<_> = parsed.announcements.iter().map(key_of).collect();
    assert_eq!(
        accepted,
        [("rare-earths".into(), 2024, 1), ("rare-earths".into(), 2023, 1), ("rare-earths".into(), 2025, 1)]
    );
    assert_eq!(
        parsed.rejected,
        [
            rejection(
                "rare-earths 2024 batch 2 (announcements[1])",
                "announcements[1].quotas[0].tonnes",
                "tonnes -5 is negative"
            ),
            rejection("announcements[3]", "announcements[3].commodity", "required field is missing"),
            rejection(
                "rare-earths 2023 batch 3 (announcements[4])",
                "announcements[4].quotas[1].stage",
                "\"refining\" is not a stage (mining or smelting-separation)"
            ),
            rejection("announcements[5]", "announcements[5]", "expected an object, got 42"),
        ]
    );
    // The error's text is what the user sees on stderr.
    assert_eq!(
        parsed.rejected[0].to_string(),
        "desk: rare-earths 2024 batch 2 (announcements[1]): announcements[1].quotas[0].tonnes: tonnes -5 is negative"
    );
    let first = &parsed.announcements[0];
    assert_eq!(
        first.quotas,
        [row(Stage::Mining, "total", "*", 135_000.0), row(Stage::SmeltingSeparation, "total", "*", 127_000.0)]
    );
    assert_eq!(first.title.as_deref(), Some("First batch of 2024 rare earth quotas"));
}

#[test]
fn csv_mixed_document_accepts_the_valid_and_names_each_invalid() {
    let parsed = csv_feed(include_str!("fixtures/feeds/mixed.csv"));
    let accepted: Vec<_> = parsed.announcements.iter().map(key_of).collect();
    assert_eq!(accepted, [("rare-earths".into(), 2024, 1), ("rare-earths".into(), 2023, 1)]);
    assert_eq!(
        parsed.announcements[0].quotas,
        [row(Stage::Mining, "total", "*", 135_000.0), row(Stage::SmeltingSeparation, "total", "*", 127_000.0)]
    );
    assert_eq!(
        parsed.rejected,
        [
            rejection("row 6", "row 6, column year", "1700 is outside 1990..=2100"),
            rejection(
                "rare-earths 2024 batch 2 (first at row 3)",
                "row 5, column stage",
                "\"smelting\" is not a stage (mining or smelting-separation)"
            ),
        ]
    );
}

// ---------------------------------------------------------------- missing required fields

#[test]
fn json_missing_required_announcement_fields() {
    for (field, label) in [
        ("commodity", "announcements[0]"),
        ("year", "announcements[0]"),
        ("batch", "announcements[0]"),
        ("quotas", JSON_LABEL),
    ] {
        let parsed = json_feed(&json_doc(&[with(&format!("/{field}"), None)]));
        assert_eq!(
            *sole_rejection(&parsed),
            rejection(label, &format!("announcements[0].{field}"), "required field is missing"),
            "without {field}"
        );
        // `null` is the same as absent.
        let parsed = json_feed(&json_doc(&[with(&format!("/{field}"), Some(Value::Null))]));
        assert_eq!(sole_rejection(&parsed).message, "required field is missing", "{field}: null");
    }
}

#[test]
fn json_missing_required_quota_row_fields() {
    for field in ["stage", "tonnes"] {
        let parsed = json_feed(&json_doc(&[with(&format!("/quotas/1/{field}"), None)]));
        assert_eq!(
            *sole_rejection(&parsed),
            rejection(JSON_LABEL, &format!("announcements[0].quotas[1].{field}"), "required field is missing"),
        );
        let parsed = json_feed(&json_doc(&[with(&format!("/quotas/1/{field}"), Some(Value::Null))]));
        assert_eq!(sole_rejection(&parsed).message, "required field is missing", "{field}: null");
    }
}

#[test]
fn csv_empty_required_cells_reject() {
    let cases = [
        // (the data line, announcement label, location, message)
        (
            ",2024,1,2024-02-06,mining,total,*,135000,",
            "row 2",
            "row 2, column commodity",
            "\"\" is not a commodity slug (like \"rare-earths\")",
        ),
        ("rare-earths,,1,2024-02-06,mining,total,*,135000,", "row 2", "row 2, column year", "\"\" is not an integer"),
        (
            "rare-earths,2024,,2024-02-06,mining,total,*,135000,",
            "row 2",
            "row 2, column batch",
            "\"\" is not an integer",
        ),
        (
            "rare-earths,2024,1,2024-02-06,,total,*,135000,",
            CSV_LABEL,
            "row 2, column stage",
            "\"\" is not a stage (mining or smelting-separation)",
        ),
        (
            "rare-earths,2024,1,2024-02-06,mining,total,*,,",
            CSV_LABEL,
            "row 2, column tonnes",
            "required value is missing",
        ),
    ];
    for (line, label, location, message) in cases {
        let parsed = csv_feed(&csv_doc(&[line]));
        assert_eq!(*sole_rejection(&parsed), rejection(label, location, message), "{line}");
    }
}

#[test]
fn csv_header_lacking_a_required_column_rejects_the_document() {
    let full = ["commodity", "year", "batch", "published", "stage", "category", "holder", "tonnes"];
    for missing in ["commodity", "year", "batch", "stage", "tonnes"] {
        let header: Vec<_> = full.iter().copied().filter(|c| *c != missing).collect();
        let text = format!("{}\nrare-earths,2024,1,2024-02-06,mining,total,*\n", header.join(","));
        let error = document_error(Format::Csv, text.as_bytes(), LIMIT);
        assert_eq!(error, DocumentError::MissingColumn(missing));
        assert_eq!(error.to_string(), format!("CSV header lacks the required column `{missing}`"));
    }
    // published, category and holder are optional columns.
    let parsed = csv_feed("commodity,year,batch,stage,tonnes\nrare-earths,2024,1,mining,135000\n");
    assert_eq!(parsed.announcements.len(), 1);
    assert!(parsed.rejected.is_empty());
    assert_eq!(parsed.announcements[0].quotas, [row(Stage::Mining, "total", "*", 135_000.0)]);
    assert_eq!(parsed.announcements[0].published, None);
}

// ---------------------------------------------------------------- field values

#[test]
fn unknown_stage_rejects_in_both_encodings() {
    let message = "\"refining\" is not a stage (mining or smelting-separation)";
    let parsed = json_feed(&json_doc(&[with("/quotas/0/stage", Some(json!("refining")))]));
    assert_eq!(*sole_rejection(&parsed), rejection(JSON_LABEL, "announcements[0].quotas[0].stage", message));

    let parsed = csv_feed(&csv_doc(&[
        "rare-earths,2024,1,2024-02-06,mining,total,*,135000,",
        "rare-earths,2024,1,2024-02-06,refining,total,*,127000,",
    ]));
    assert_eq!(*sole_rejection(&parsed), rejection(CSV_LABEL, "row 3, column stage", message));
}

#[test]
fn negative_tonnes_reject_in_both_encodings() {
    let parsed = json_feed(&json_doc(&[with("/quotas/1/tonnes", Some(json!(-0.5)))]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(JSON_LABEL, "announcements[0].quotas[1].tonnes", "tonnes -0.5 is negative")
    );

    let parsed = csv_feed(&csv_doc(&["rare-earths,2024,1,2024-02-06,mining,total,*,-135000,"]));
    assert_eq!(*sole_rejection(&parsed), rejection(CSV_LABEL, "row 2, column tonnes", "tonnes -135000 is negative"));
    // Zero is a valid quota.
    let parsed = csv_feed(&csv_doc(&["rare-earths,2024,1,2024-02-06,mining,medium-heavy,*,0,"]));
    assert_eq!(parsed.announcements[0].quotas, [row(Stage::Mining, "medium-heavy", "*", 0.0)]);
}

#[test]
fn non_finite_tonnes_reject_in_both_encodings() {
    for (cell, shown) in [("NaN", "NaN"), ("inf", "inf"), ("-inf", "-inf"), ("Infinity", "Infinity")] {
        let parsed = csv_feed(&csv_doc(&[&format!("rare-earths,2024,1,2024-02-06,mining,total,*,{cell},")]));
        assert_eq!(
            *sole_rejection(&parsed),
            rejection(CSV_LABEL, "row 2, column tonnes", &format!("\"{shown}\" is not a finite number")),
            "{cell}"
        );
    }
    // JSON has no NaN literal: a string is not a number.
    for value in ["NaN", "Infinity", "135000"] {
        let parsed = json_feed(&json_doc(&[with("/quotas/0/tonnes", Some(json!(value)))]));
        assert_eq!(
            *sole_rejection(&parsed),
            rejection(JSON_LABEL, "announcements[0].quotas[0].tonnes", &format!("expected a number, got \"{value}\"")),
        );
    }
    // A literal NaN is not JSON at all: the document goes.
    let text = json_doc(&[base_announcement()]).replace("135000", "NaN");
    assert!(matches!(document_error(Format::Json, text.as_bytes(), LIMIT), DocumentError::Json(_)));
}

#[test]
fn years_out_of_range_reject_in_both_encodings() {
    for year in [1700, 1989, 2101] {
        let message = format!("{year} is outside 1990..=2100");
        let parsed = json_feed(&json_doc(&[with("/year", Some(json!(year)))]));
        assert_eq!(
            *sole_rejection(&parsed),
            rejection(&format!("rare-earths {year} batch 1 (announcements[0])"), "announcements[0].year", &message)
        );

        let parsed = csv_feed(&csv_doc(&[&format!("rare-earths,{year},1,,mining,total,*,135000,")]));
        assert_eq!(*sole_rejection(&parsed), rejection("row 2", "row 2, column year", &message));
    }
    // The bounds themselves are in range.
    let parsed = json_feed(&json_doc(&[with("/year", Some(json!(1990))), with("/year", Some(json!(2100)))]));
    assert_eq!(parsed.announcements.len(), 2, "{:?}", parsed.rejected);
}

#[test]
fn bad_dates_reject_in_both_encodings() {
    for text in ["2024-02-30", "06/02/2024", "2024-2-6x", "yesterday"] {
        let message = format!("\"{text}\" is not a date (YYYY-MM-DD or RFC 3339)");
        let parsed = json_feed(&json_doc(&[with("/published", Some(json!(text)))]));
        assert_eq!(*sole_rejection(&parsed), rejection(JSON_LABEL, "announcements[0].published", &message));

        let parsed = csv_feed(&csv_doc(&[&format!("rare-earths,2024,1,{text},mining,total,*,135000,")]));
        assert_eq!(*sole_rejection(&parsed), rejection(CSV_LABEL, "row 2, column published", &message));
    }
}

#[test]
fn empty_quotas_are_allowed_only_when_unpublished() {
    let empty = || with("/quotas", Some(json!([])));
    let parsed = json_feed(&json_doc(&[empty()]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(JSON_LABEL, "announcements[0].quotas", "no quota rows (allowed only when status is unpublished)")
    );

    let mut unpublished = empty();
    unpublished["status"] = json!("unpublished");
    let parsed = json_feed(&json_doc(&[unpublished]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.announcements[0].status, Status::Unpublished);
    assert!(parsed.announcements[0].quotas.is_empty());
}

#[test]
fn unpublished_with_rows_rejects_in_both_encodings() {
    let message = "status is unpublished but quota rows are given";
    let parsed = json_feed(&json_doc(&[with("/status", Some(json!("unpublished")))]));
    assert_eq!(*sole_rejection(&parsed), rejection(JSON_LABEL, "announcements[0].quotas[0]", message));

    let text = "commodity,year,batch,stage,tonnes,status\n\
                rare-earths,2025,1,,,unpublished\n\
                rare-earths,2025,1,mining,140000,\n";
    let parsed = csv_feed(text);
    assert_eq!(*sole_rejection(&parsed), rejection("rare-earths 2025 batch 1 (first at row 2)", "row 3", message));
}

#[test]
fn an_announcement_has_the_same_name_in_both_encodings() {
    let mut announcement = with("/quotas/0/tonnes", Some(json!(-1)));
    announcement["commodity"] = json!("Rare-Earths");
    announcement["batch"] = json!(0);
    let parsed = json_feed(&json_doc(&[announcement]));
    assert_eq!(sole_rejection(&parsed).announcement, "rare-earths 2024 full year (announcements[0])");

    let parsed = csv_feed(&csv_doc(&["Rare-Earths,2024,0,,mining,total,*,-1,"]));
    assert_eq!(sole_rejection(&parsed).announcement, "rare-earths 2024 full year (first at row 2)");
}

#[test]
fn unknown_status_rejects() {
    let parsed = json_feed(&json_doc(&[with("/status", Some(json!("draft")))]));
    assert_eq!(
        *sole_rejection(&parsed),
        rejection(JSON_LABEL, "announcements[0].status", "\"draft\" is not a status (published or unpublished)")
    );
}
