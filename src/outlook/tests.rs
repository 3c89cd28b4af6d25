//! The bundled outlook data: parses whole, and every entry names whose it is.

use super::*;

#[test]
fn bundled_outlook_parses_with_nothing_rejected_and_every_entry_sourced() {
    let parsed = bundled();
    assert!(parsed.rejected.is_empty(), "{:#?}", parsed.rejected);
    assert!(parsed.outlook.expectations.len() >= 6);
    assert!(parsed.outlook.events.len() >= 15);
    for e in &parsed.outlook.expectations {
        assert!(e.who.is_some() && e.published.is_some(), "{e:?}");
    }
    // The one expectation without a page: the Reuters article of 2025-07-07 is known only
    // from its quote in research/data-audit.md §5 (docs/decisions.md).
    let without_url: Vec<_> = parsed.outlook.expectations.iter().filter(|e| e.url.is_none()).collect();
    assert_eq!(without_url.len(), 1);
    assert_eq!(without_url[0].year, 2025);
    for e in &parsed.outlook.events {
        assert!(e.url.as_deref().is_some_and(|u| u.starts_with("https://")), "{e:?}");
    }
}

fn feed(text: &str) -> crate::feed::ParsedFeed {
    crate::feed::parse("desk", crate::feed::Format::Json, text.as_bytes(), usize::MAX).expect("document parses")
}

#[test]
fn a_feed_document_carries_expectations_and_events_and_a_bad_entry_costs_only_itself() {
    let parsed = feed(
        r#"{"format": "quota-feed/1",
            "announcements": [{"commodity": "rare-earths", "year": 2026, "batch": 1, "published": "2026-02-10",
                               "quotas": [{"stage": "mining", "tonnes": 140000}]}],
            "expectations": [
              {"commodity": "rare-earths", "year": 2026, "stage": "mining", "low_pct": 0, "high_pct": 5, "who": "desk"},
              {"commodity": "rare-earths", "year": 2026, "stage": "milling", "low": 1, "high": 2},
              {"commodity": "rare-earths", "year": 2026, "batch": 0, "stage": "mining", "low": 270000, "high": 270000}
            ],
            "events": [
              {"date": "2026-03", "title": "Desk note", "kind": "policy"},
              {"date": "2026-03-01", "title": "Bad kind", "kind": "rumour"}
            ]}"#,
    );
    assert_eq!(parsed.announcements.len(), 1, "announcements are untouched");
    let outlook = &parsed.outlook.outlook;
    assert_eq!(outlook.expectations.len(), 2);
    assert_eq!(outlook.expectations[1].batch, None, "batch 0 is the full year");
    assert_eq!(outlook.events.len(), 1);
    let errors: Vec<String> = parsed.outlook.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "desk: expectations[1].stage: \"milling\" is not a stage (mining or smelting-separation)",
            "desk: events[1].kind: \"rumour\" is not a kind (quota, policy, export-control, consolidation, other)",
        ]
    );
}

#[test]
fn a_document_of_only_expectations_or_events_is_valid() {
    let parsed = feed(r#"{"format": "quota-feed/1", "events": [{"date": "2026-01-05", "title": "x"}]}"#);
    assert!(parsed.announcements.is_empty());
    assert_eq!(parsed.outlook.outlook.events.len(), 1);
    // Without any of the three arrays it is still not a feed.
    let bare = crate::feed::parse("desk", crate::feed::Format::Json, br#"{"format": "quota-feed/1"}"#, usize::MAX);
    assert!(bare.is_err());
}

#[test]
fn every_rule_of_an_entry_names_its_path() {
    let cases = [
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low": 1, "high": 2, "low_pct": 0, "high_pct": 1}"#,
            "expectations[0]: give low/high",
        ),
        (r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining"}"#, "expectations[0]: needs low and high"),
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low": 3, "high": 2}"#,
            "expectations[0].low: 3 is above high (2)",
        ),
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low": 3}"#,
            "expectations[0].high: required with low",
        ),
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low": -1, "high": 2}"#,
            "expectations[0].low: -1 is not a quantity",
        ),
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low_pct": -150, "high_pct": 2}"#,
            "expectations[0].low_pct: -150 is not a growth percentage",
        ),
        (
            r#"{"commodity": "rare-earths", "year": 1800, "stage": "mining", "low": 1, "high": 2}"#,
            "expectations[0].year: 1800 is outside",
        ),
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low": 1, "high": 2, "published": "soon"}"#,
            "expectations[0].published: \"soon\" is not a date",
        ),
        (
            r#"{"commodity": "rare-earths", "year": 2026, "stage": "mining", "low": "1", "high": 2}"#,
            "expectations[0].low: expected a number",
        ),
        (
            r#"{"year": 2026, "stage": "mining", "low": 1, "high": 2}"#,
            "expectations[0].commodity: required field is missing",
        ),
        (r#"7"#, "expectations[0]: expected an object"),
    ];
    for (entry, expected) in cases {
        let parsed = feed(&format!(r#"{{"format": "quota-feed/1", "announcements": [], "expectations": [{entry}]}}"#));
        let errors: Vec<String> =
            parsed.outlook.rejected.iter().map(|e| format!("{}: {}", e.location, e.message)).collect();
        assert!(errors.len() == 1 && errors[0].starts_with(expected), "{entry}: {errors:?}");
    }
    let parsed =
        feed(r#"{"format": "quota-feed/1", "announcements": [], "expectations": 5, "events": [{"title": "x"}]}"#);
    let errors: Vec<String> =
        parsed.outlook.rejected.iter().map(|e| format!("{}: {}", e.location, e.message)).collect();
    assert_eq!(errors, ["expectations: expected an array", "events[0].date: required field is missing"]);
}

#[test]
fn repeats_are_kept_once_and_the_cheap_test_finds_the_arrays() {
    let mut outlook = bundled().outlook;
    let count = (outlook.expectations.len(), outlook.events.len());
    outlook.extend(bundled().outlook);
    assert_eq!((outlook.expectations.len(), outlook.events.len()), count);
    assert!(may_hold_outlook(br#"{"events": []}"#));
    assert!(may_hold_outlook(br#"{"expectations": []}"#));
    assert!(!may_hold_outlook(br#"{"announcements": [{"title": "First batch"}]}"#));
    // A title of "events" is a false alarm: it costs a parse of an unchanged document, nothing more.
    assert!(may_hold_outlook(br#"{"announcements": [{"title": "events"}]}"#));
}
