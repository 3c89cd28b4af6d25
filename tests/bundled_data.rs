//! The bundled history (assets/*.json) against the figures its pages print: the check
//! figures through the real `report` and `export` commands and through the library, every
//! announcement titled and linked, and no link to a spam mirror.

#[path = "support/sandbox.rs"]
mod sandbox;

use chrono::{TimeZone, Utc};
use quotawatch::analytics::{self, Basis, CommodityHistory, Measure, QualityFlag};
use quotawatch::bundled;
use quotawatch::ledger::{Ledger, Origin};
use quotawatch::model::{Commodity, Stage, Status};
use sandbox::{Sandbox, run, stderr, stdout};
use serde_json::Value;

/// Hosts that clone other sites' text under hijacked or spam domains (docs/data.md, "Sources
/// not used"). Their copies may be faithful, but a desk cannot cite them.
const BANNED_HOSTS: &[&str] = &[
    "wearcomp974.com",
    "casaroura.com",
    "ifuun.com",
    "globalreesventure.com",
    "oedigital.com",
    "jxjad.com",
    "3452165.cn",
    "dongshibiao.com",
    "qihaozhan.com",
    "alvesdebarros.com",
    "elfenixgames.com",
    "yujingqiu.com",
    "shirtknitteding.com",
    "elbaloto.com",
];

fn assert_has_line(text: &str, line: &str) {
    assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn is_banned(url: &str) -> bool {
    let host = host(url).to_ascii_lowercase();
    BANNED_HOSTS.iter().any(|banned| host == *banned || host.ends_with(&format!(".{banned}")))
}

#[test]
fn the_banned_host_check_catches_subdomains_and_only_them() {
    assert!(is_banned("https://m.casaroura.com/news/detail-00-45265.html"));
    assert!(is_banned("https://energynews.oedigital.com/mining/2024/08/20/x"));
    assert!(is_banned("http://WEARCOMP974.com/a"));
    assert!(!is_banned("https://www.nasdaq.com/articles/x?u=ifuun.com"));
    assert!(!is_banned("https://notcasaroura.com/"));
}

// ---------------------------------------------------------------- the documents themselves

#[test]
fn every_bundled_document_parses_with_nothing_rejected() {
    for (name, text) in bundled::DOCUMENTS {
        let parsed = quotawatch::feed::parse("bundled", quotawatch::feed::Format::Json, text.as_bytes(), usize::MAX)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.rejected, [], "{name}");
        assert!(!parsed.announcements.is_empty(), "{name}");
    }
}

#[test]
fn every_announcement_has_a_title_and_a_url_and_no_url_is_a_spam_mirror() {
    let parsed = bundled::load().expect("the bundled history parses");
    for a in &parsed.announcements {
        let key = &a.key;
        assert!(a.title.as_deref().is_some_and(|t| !t.trim().is_empty()), "{key}: no title");
        let url = a.url.as_deref().unwrap_or_else(|| panic!("{key}: no url"));
        assert!(url.starts_with("http://") || url.starts_with("https://"), "{key}: {url}");
        assert!(!is_banned(url), "{key}: spam mirror {url}");
        for citation in &a.citations {
            if let Some(url) = citation.url.as_deref() {
                assert!(!is_banned(url), "{key}: citation on a spam mirror {url}");
            }
        }
    }
    // Events and expectations live beside the announcements; their links obey the same rule.
    let outlook = ("assets/outlook.json", quotawatch::outlook::BUNDLED_JSON);
    for (name, text) in bundled::DOCUMENTS.into_iter().chain([outlook]) {
        let doc: Value = serde_json::from_str(text).expect(name);
        for expectation in doc["expectations"].as_array().into_iter().flatten() {
            if let Some(url) = expectation["url"].as_str() {
                assert!(!is_banned(url), "{name}: expectation on a spam mirror {url}");
            }
        }
    }
    for (name, text) in bundled::DOCUMENTS.into_iter().chain([outlook]) {
        let doc: Value = serde_json::from_str(text).expect(name);
        for event in doc["events"].as_array().into_iter().flatten() {
            let url = event["url"].as_str().unwrap_or_else(|| panic!("{name}: event without url: {event}"));
            assert!(!is_banned(url), "{name}: {url}");
        }
    }
}

#[test]
fn each_announcement_once_per_source_tier() {
    let parsed = bundled::load().expect("parses");
    let mut keys: Vec<_> = parsed.announcements.iter().map(|a| (a.key.to_string(), format!("{:?}", a.tier))).collect();
    let before = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), before, "the same announcement twice in one tier");
}

#[test]
fn antimony_records_the_2014_abolition_as_an_event() {
    let doc: Value = serde_json::from_str(bundled::ANTIMONY_JSON).expect("antimony.json");
    let events = doc["events"].as_array().expect("an events array");
    let abolition = events.iter().find(|e| e["commodity"] == "antimony").expect("an antimony event");
    assert_eq!(abolition["date"], "2014-06-08");
    assert_eq!(abolition["kind"], "policy");
    assert!(abolition["title"].as_str().is_some_and(|t| t.contains("2014")), "{abolition}");
}

// ---------------------------------------------------------------- check figures, library

fn bundled_ledger() -> Ledger {
    let mut ledger = Ledger::new();
    let origin = Origin { source: bundled::SOURCE_NAME.into(), rank: 0 };
    let seen = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("a date");
    for a in bundled::load().expect("parses").announcements {
        ledger.merge(&origin, a, seen);
    }
    ledger
}

/// (tonnes, growth %) of a year's mining total, growth rounded to one decimal.
fn mining_year(ledger: &Ledger, commodity: &str, year: u16) -> (Option<f64>, Option<f64>, Option<Basis>) {
    let commodity = Commodity::parse(commodity).expect("slug");
    let h = CommodityHistory::of(ledger.current(), &commodity).expect("history");
    let p = analytics::year_series(&h, &Measure::Stage(Stage::Mining))
        .into_iter()
        .find(|p| p.year == year)
        .unwrap_or_else(|| panic!("{commodity} {year}"));
    let growth = p.growth.as_ref().map(|g| (g.pct * 10.0).round() / 10.0);
    (p.tonnes, growth, p.growth.map(|g| g.basis))
}

fn mining_batch(ledger: &Ledger, commodity: &str, year: u16, batch: u8) -> (Option<f64>, Option<f64>) {
    let commodity = Commodity::parse(commodity).expect("slug");
    let h = CommodityHistory::of(ledger.current(), &commodity).expect("history");
    let p = analytics::batch_series(&h, &Measure::Stage(Stage::Mining))
        .into_iter()
        .find(|p| p.year == year && p.batch == batch)
        .unwrap_or_else(|| panic!("{commodity} {year} batch {batch}"));
    (p.tonnes, p.growth.map(|g| (g.pct * 10.0).round() / 10.0))
}

#[test]
fn tungsten_check_figures_hold_in_the_library() {
    let ledger = bundled_ledger();
    assert_eq!(mining_year(&ledger, "tungsten", 2006), (Some(59_060.0), None, None));
    assert_eq!(mining_year(&ledger, "tungsten", 2010), (Some(80_000.0), Some(16.7), Some(Basis::FullYear)));
    // The ministry's 109,000 for 2022, not the consultancy's 111,000: +1.8%, not +0.0%.
    assert_eq!(mining_year(&ledger, "tungsten", 2021).0, Some(108_000.0));
    assert_eq!(mining_year(&ledger, "tungsten", 2022).0, Some(109_000.0));
    assert_eq!(mining_year(&ledger, "tungsten", 2023), (Some(111_000.0), Some(1.8), Some(Basis::FullYear)));
    assert_eq!(mining_year(&ledger, "tungsten", 2024), (Some(114_000.0), Some(2.7), Some(Basis::FullYear)));
    assert_eq!(mining_batch(&ledger, "tungsten", 2023, 1), (Some(63_000.0), Some(0.0)));
    // Batch 2 is the full-year running total less batch 1: 111,000 - 63,000 against 109,000 - 63,000.
    assert_eq!(mining_batch(&ledger, "tungsten", 2023, 2), (Some(48_000.0), Some(4.3)));
    assert_eq!(mining_batch(&ledger, "tungsten", 2024, 1), (Some(62_000.0), Some(-1.6)));
    assert_eq!(mining_batch(&ledger, "tungsten", 2025, 1), (Some(58_000.0), Some(-6.5)));
    // A year whose full-year figure was issued but not found shows no total growth either side.
    assert_eq!(mining_year(&ledger, "tungsten", 2017).1, None);
    assert_eq!(mining_year(&ledger, "tungsten", 2018).1, None);
}

#[test]
fn antimony_and_rare_earth_check_figures_hold_in_the_library() {
    let ledger = bundled_ledger();
    assert_eq!(mining_year(&ledger, "antimony", 2009), (Some(90_180.0), None, None));
    assert_eq!(mining_year(&ledger, "antimony", 2011), (Some(105_000.0), Some(5.0), Some(Basis::FullYear)));
    // No 2012 cap was found: 2013 has nothing to compare with.
    assert_eq!(mining_year(&ledger, "antimony", 2013), (Some(98_000.0), None, None));
    assert_eq!(mining_year(&ledger, "rare-earths", 2008), (Some(87_620.0), None, None));
    assert_eq!(mining_year(&ledger, "rare-earths", 2009), (Some(82_320.0), Some(-6.0), Some(Basis::FullYear)));
    assert_eq!(mining_year(&ledger, "rare-earths", 2022).0, Some(210_000.0));
    assert_eq!(mining_year(&ledger, "rare-earths", 2023), (Some(255_000.0), Some(21.4), Some(Basis::FullYear)));
    assert_eq!(mining_year(&ledger, "rare-earths", 2024), (Some(270_000.0), Some(5.9), Some(Basis::FullYear)));
    // The running totals of 2017 and 2018 resolve to the full years the ministries printed.
    assert_eq!(mining_year(&ledger, "rare-earths", 2017).0, Some(105_000.0));
    assert_eq!(mining_year(&ledger, "rare-earths", 2018), (Some(120_000.0), Some(14.3), Some(Basis::FullYear)));
}

#[test]
fn the_bundled_history_raises_no_data_quality_warning() {
    let ledger = bundled_ledger();
    for h in CommodityHistory::build_all(ledger.current()) {
        let flags: Vec<_> = analytics::quality_flags(&h)
            .into_iter()
            .filter(|f| !matches!(f, QualityFlag::Unpublished { .. }))
            .map(|f| f.to_string())
            .collect();
        assert_eq!(flags, Vec::<String>::new(), "{}", h.commodity);
    }
}

#[test]
fn dates_the_audit_corrected() {
    let parsed = bundled::load().expect("parses");
    let published = |commodity: &str, year: u16, batch: u8| {
        parsed
            .announcements
            .iter()
            .find(|a| a.key.commodity.as_str() == commodity && a.key.year == year && a.key.batch == batch)
            .unwrap_or_else(|| panic!("{commodity} {year} {batch}"))
            .published
            .map(|p| p.to_string())
    };
    assert_eq!(published("rare-earths", 2023, 2).as_deref(), Some("2023-09-25"));
    assert_eq!(published("rare-earths", 2023, 3).as_deref(), Some("2023-12-15"));
    assert_eq!(published("rare-earths", 2013, 0).as_deref(), Some("2013-09-06"));
    assert_eq!(published("rare-earths", 2014, 0).as_deref(), Some("2014-06-08"));
    assert_eq!(published("rare-earths", 2016, 0).as_deref(), Some("2016-07-01"));
    assert_eq!(published("rare-earths", 2011, 0).as_deref(), Some("2011-03-31"));
    assert_eq!(published("rare-earths", 2025, 1).as_deref(), Some("2025-07-18"));
    assert_eq!(published("tungsten", 2025, 1).as_deref(), Some("2025-04-21"));
    let re_2025 = parsed.announcements.iter().find(|a| a.key.to_string() == "rare-earths 2025 batch 1").expect("2025");
    assert_eq!((re_2025.status, format!("{:?}", re_2025.tier)), (Status::Unpublished, "Reported".to_string()));
}

// ---------------------------------------------------------------- check figures, CLI

#[test]
fn report_prints_the_tungsten_check_figures() {
    let sandbox = Sandbox::new();
    let out =
        sandbox.bundled_report(&["--commodity", "tungsten", "--stage", "mining", "--by", "year", "--format", "csv"]);
    assert_has_line(&out, "tungsten,2006,mining,59060,,");
    assert_has_line(&out, "tungsten,2010,mining,80000,16.7,full-year");
    assert_has_line(&out, "tungsten,2023,mining,111000,1.8,full-year");
    assert_has_line(&out, "tungsten,2024,mining,114000,2.7,full-year");
    let out =
        sandbox.bundled_report(&["--commodity", "tungsten", "--stage", "mining", "--by", "batch", "--format", "csv"]);
    assert_has_line(&out, "tungsten,2024,1,mining,62000,-1.6,batch");
    assert_has_line(&out, "tungsten,2025,1,mining,58000,-6.5,batch");
    // The unit is concentrate at 65% WO3, never tonnes of WO3.
    let table = sandbox.bundled_report(&["--commodity", "tungsten", "--year", "2024"]);
    assert!(table.contains("114,000 t conc. (65% WO3)"), "{table}");
}

#[test]
fn report_prints_the_antimony_and_rare_earth_check_figures() {
    let sandbox = Sandbox::new();
    let out = sandbox.bundled_report(&["--commodity", "antimony", "--format", "csv"]);
    assert_has_line(&out, "antimony,2011,mining,105000,5.0,full-year");
    let out = sandbox.bundled_report(&["--commodity", "rare-earths", "--stage", "mining", "--format", "csv"]);
    assert_has_line(&out, "rare-earths,2008,mining,87620,,");
    assert_has_line(&out, "rare-earths,2009,mining,82320,-6.0,full-year");
}

#[test]
fn export_carries_the_corrected_dates_and_no_spam_mirror() {
    let sandbox = Sandbox::new();
    let config = sandbox.empty_config();
    let output = run(sandbox.with_config(&config).arg("export"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let doc: Value = serde_json::from_str(&text).expect("export prints quota-feed/1 JSON");
    let announcements = doc["announcements"].as_array().expect("announcements");
    let b2 = announcements
        .iter()
        .find(|a| a["commodity"] == "rare-earths" && a["year"] == 2023 && a["batch"] == 2)
        .expect("2023 batch 2");
    assert_eq!(b2["published"].as_str().map(|p| &p[..10]), Some("2023-09-25"));
    for banned in BANNED_HOSTS {
        assert!(!text.contains(banned), "export links {banned}");
    }
    assert!(announcements.iter().any(|a| a["commodity"] == "tungsten"));
    assert!(announcements.iter().any(|a| a["commodity"] == "antimony"));
}
