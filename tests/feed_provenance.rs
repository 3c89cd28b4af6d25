//! The provenance fields of quota-feed/1 (`tier`, `cumulative`, `citations`): defaults,
//! what each accepts, and that a bad value rejects only its announcement with an error
//! naming the announcement and the JSON path or CSV row. Also: the top-level
//! `expectations` and `events` never disturb the announcements.

use quotawatch::feed::{AnnouncementError, Format, ParsedFeed, parse, write};
use quotawatch::model::{Citation, Tier};
use serde_json::{Value, json};

const SOURCE: &str = "desk";
const LIMIT: usize = 1 << 20;
const LABEL: &str = "tungsten 2024 batch 1 (announcements[0])";

fn feed(format: Format, text: &str) -> ParsedFeed {
    parse(SOURCE, format, text.as_bytes(), LIMIT).unwrap_or_else(|e| panic!("{format} document rejected: {e:?}"))
}

fn json_doc(announcements: &[Value]) -> String {
    json!({"format": "quota-feed/1", "announcements": announcements}).to_string()
}

fn base() -> Value {
    json!({
        "commodity": "tungsten", "year": 2024, "batch": 1, "published": "2024-03-20",
        "quotas": [{"stage": "mining", "tonnes": 62000}]
    })
}

fn with(field: &str, value: Value) -> Value {
    let mut a = base();
    a.as_object_mut().expect("object").insert(field.into(), value);
    a
}

/// The document's one rejection, the other (valid) announcement accepted beside it.
fn rejected_beside_a_valid_one(bad: Value) -> AnnouncementError {
    let parsed = feed(
        Format::Json,
        &json_doc(&[
            bad,
            json!({"commodity": "tungsten", "year": 2023, "batch": 0,
        "quotas": [{"stage": "mining", "tonnes": 111000}]}),
        ]),
    );
    assert_eq!(parsed.announcements.len(), 1, "the valid announcement is kept: {parsed:?}");
    assert_eq!(parsed.rejected.len(), 1, "{:?}", parsed.rejected);
    parsed.rejected[0].clone()
}

#[test]
fn without_the_fields_an_announcement_is_official_its_own_batch_and_uncited() {
    let parsed = feed(Format::Json, &json_doc(&[base()]));
    let a = &parsed.announcements[0];
    assert_eq!((a.tier, a.cumulative, a.citations.len()), (Tier::Official, false, 0));
    let csv = feed(Format::Csv, "commodity,year,batch,stage,tonnes\ntungsten,2024,1,mining,62000\n");
    let a = &csv.announcements[0];
    assert_eq!((a.tier, a.cumulative), (Tier::Official, false));
}

#[test]
fn tiers_cumulative_and_citations_are_read() {
    let mut a = with("tier", json!("Reported"));
    a["cumulative"] = json!(true);
    a["citations"] = json!([
        {"title": "China announces first batch tungsten quota for 2024", "source": "Project Blue",
         "url": "https://projectblue.com/blue/news-analysis/815/china-announces-first-batch-tungsten-quota-for-2024",
         "published": "2024-03-21"},
        {"title": "Desk call", "source": null},
        {"title": "China announces first batch tungsten quota for 2024 (again)",
         "url": "https://projectblue.com/blue/news-analysis/815/china-announces-first-batch-tungsten-quota-for-2024"}
    ]);
    let parsed = feed(Format::Json, &json_doc(&[a]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let a = &parsed.announcements[0];
    assert_eq!(a.tier, Tier::Reported);
    assert!(a.cumulative);
    assert_eq!(a.citations.len(), 2, "the same URL twice is one citation: {:?}", a.citations);
    assert_eq!(a.citations[0].source.as_deref(), Some("Project Blue"));
    assert_eq!(a.citations[0].published, chrono::NaiveDate::from_ymd_opt(2024, 3, 21));
    assert_eq!(a.citations[1], Citation { title: Some("Desk call".into()), ..Citation::default() });
}

#[test]
fn a_running_total_may_leave_its_batch_out_and_only_a_running_total() {
    let mut running = base();
    running.as_object_mut().expect("object").remove("batch");
    running["cumulative"] = json!(true);
    let mut null_batch = running.clone();
    null_batch["batch"] = Value::Null;
    let parsed = feed(Format::Json, &json_doc(&[running, null_batch]));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert!(parsed.announcements.iter().all(|a| a.key.batch == 0 && a.cumulative));

    let mut plain = base();
    plain.as_object_mut().expect("object").remove("batch");
    let parsed = feed(Format::Json, &json_doc(&[plain]));
    assert_eq!(parsed.rejected[0].location, "announcements[0].batch");
    assert_eq!(parsed.rejected[0].message, "required field is missing");

    let csv = "commodity,year,batch,stage,tonnes,cumulative\ntungsten,2024,,mining,114000,true\n\
               tungsten,2023,,mining,111000,false\n";
    let parsed = feed(Format::Csv, csv);
    assert_eq!(parsed.announcements.len(), 1);
    assert!(parsed.announcements[0].cumulative && parsed.announcements[0].key.batch == 0);
    assert_eq!(parsed.rejected[0].location, "row 3, column batch");
}

#[test]
fn bad_provenance_values_reject_their_announcement_alone_naming_the_path() {
    let cases = [
        (
            with("tier", json!("rumour")),
            "announcements[0].tier",
            "\"rumour\" is not a tier (official, reported or estimate)",
        ),
        (with("tier", json!(1)), "announcements[0].tier", "expected a string, got 1"),
        (with("cumulative", json!("yes")), "announcements[0].cumulative", "expected true or false, got \"yes\""),
        (
            with("citations", json!({"url": "https://x"})),
            "announcements[0].citations",
            "expected an array, got {\"url\":\"https://x\"}",
        ),
        (
            with("citations", json!(["https://x"])),
            "announcements[0].citations[0]",
            "expected an object, got \"https://x\"",
        ),
        (
            with("citations", json!([{"source": "Reuters"}])),
            "announcements[0].citations[0]",
            "a citation needs a url or a title",
        ),
        (
            with("citations", json!([{"title": "t", "url": 5}])),
            "announcements[0].citations[0].url",
            "expected a string, got 5",
        ),
        (
            with("citations", json!([{"title": "t"}, {"title": "u", "published": "last week"}])),
            "announcements[0].citations[1].published",
            "\"last week\" is not a date (YYYY-MM-DD or RFC 3339)",
        ),
    ];
    for (bad, location, message) in cases {
        let error = rejected_beside_a_valid_one(bad);
        assert_eq!(
            error,
            AnnouncementError {
                source_name: SOURCE.into(),
                announcement: LABEL.into(),
                location: location.into(),
                message: message.into()
            }
        );
    }
    let too_many: Vec<Value> = (0..51).map(|i| json!({"url": format!("https://x/{i}")})).collect();
    let error = rejected_beside_a_valid_one(with("citations", Value::Array(too_many)));
    assert_eq!(error.message, "51 citations, more than the limit of 50");

    // A batch-less running total is named as such.
    let mut running = with("cumulative", json!(true));
    running.as_object_mut().expect("object").remove("batch");
    running["tier"] = json!("gossip");
    let error = rejected_beside_a_valid_one(running);
    assert_eq!(error.announcement, "tungsten 2024 year so far (announcements[0])");
}

#[test]
fn a_running_total_without_figures_rejects() {
    let mut withheld = with("cumulative", json!(true));
    withheld["status"] = json!("unpublished");
    withheld["quotas"] = json!([]);
    let error = rejected_beside_a_valid_one(withheld);
    assert_eq!(
        (error.location.as_str(), error.message.as_str()),
        ("announcements[0].quotas", "a running total (cumulative) must carry figures")
    );
}

#[test]
fn csv_tier_and_cumulative_are_optional_columns_validated_per_row() {
    let csv = "commodity,year,batch,stage,tonnes,tier,cumulative\n\
               tungsten,2024,1,mining,62000,reported,\n\
               tungsten,2024,2,mining,114000,Official,TRUE\n\
               tungsten,2023,1,mining,63000,rumour,\n\
               tungsten,2022,1,mining,63000,,maybe\n\
               tungsten,2021,1,mining,63000,estimate,\n\
               tungsten,2021,1,smelting-separation,1,reported,\n";
    let parsed = feed(Format::Csv, csv);
    let got: Vec<_> = parsed.announcements.iter().map(|a| (a.key.batch, a.tier, a.cumulative)).collect();
    assert_eq!(got, [(1, Tier::Reported, false), (2, Tier::Official, true)]);
    let errors: Vec<_> = parsed.rejected.iter().map(|r| (r.location.as_str(), r.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            ("row 4, column tier", "\"rumour\" is not a tier (official, reported or estimate)"),
            ("row 5, column cumulative", "\"maybe\" is not true or false"),
            ("row 7, column tier", "\"reported\" differs from \"estimate\" given on row 6 for the same announcement"),
        ]
    );
}

#[test]
fn expectations_and_events_beside_announcements_are_left_alone() {
    let text = json!({
        "format": "quota-feed/1",
        "announcements": [base()],
        "expectations": [{"commodity": "rare-earths", "year": 2025, "stage": "mining", "low_pct": 0, "high_pct": 5}],
        "events": [{"date": "2025-04", "title": "Export licensing", "kind": "export-control"}, "not even an object"]
    })
    .to_string();
    let parsed = feed(Format::Json, &text);
    assert_eq!((parsed.announcements.len(), parsed.rejected.len()), (1, 0));
}

#[test]
fn export_then_import_keeps_provenance() {
    let mut a = with("tier", json!("estimate"));
    a["cumulative"] = json!(true);
    a["citations"] = json!([{"title": "Desk model", "published": "2024-01-05T09:00:00+08:00"}]);
    let mut other = base();
    other["year"] = json!(2023);
    let first = feed(Format::Json, &json_doc(&[a, other]));
    let exported = write::to_json(&first.announcements);
    let again = feed(Format::Json, &exported);
    assert_eq!(again.announcements, first.announcements, "{exported}");
    // CSV keeps tier and running totals; citations need JSON.
    let again = feed(Format::Csv, &write::to_csv(&first.announcements));
    assert!(again.rejected.is_empty(), "{:?}", again.rejected);
    let (csv, json) = (&again.announcements[0], &first.announcements[0]);
    assert_eq!((csv.tier, csv.cumulative, csv.citations.len()), (json.tier, json.cumulative, 0));
}
