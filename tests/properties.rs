//! Property tests (proptest) of the feed parsers and of config parsing, sized to run in a few
//! seconds in CI: no input panics; generated valid documents come back with their values in
//! both encodings; no accepted text and no error carries a control, escape or bidi character;
//! config errors name a key and never show a secret. cargo-fuzz targets in fuzz/ run the same
//! entry points for longer (docs/reliability.md).

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use quotawatch::config::{self, ConfigOrigin};
use quotawatch::feed::{self, Format, ParsedFeed};
use quotawatch::model::Stage;
use serde_json::{Value, json};

const LIMIT: usize = 1 << 20;

fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text that mixes printable words with escape sequences, controls and bidi characters.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 ,.]{0,8}",
        Just("\x1b]0;pwned\x07".to_owned()),
        Just("\x1b[2J\x1b[31m".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\u{9b}31m".to_owned()),
        Just("\r\n\t\x08\x7f\x00".to_owned()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

// ---------------------------------------------------------------- generated valid documents

#[derive(Debug, Clone)]
struct Row {
    stage: Stage,
    category: &'static str,
    holder: String,
    tonnes: f64,
}

#[derive(Debug, Clone)]
struct Ann {
    commodity: &'static str,
    year: u16,
    batch: u8,
    title: Option<String>,
    revision: u32,
    rows: Vec<Row>,
}

/// Words joined by single spaces: text that cleaning leaves as it is.
fn plain_text() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9][A-Za-z0-9.,&()-]{0,10}", 1..5).prop_map(|words| words.join(" "))
}

fn tonnes() -> impl Strategy<Value = f64> {
    prop_oneof![(0u64..2_000_000).prop_map(|t| t as f64), 0.0..1e12f64]
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    let stage = prop_oneof![Just(Stage::Mining), Just(Stage::SmeltingSeparation)];
    let category = prop::sample::select(vec!["total", "light", "medium-heavy"]);
    let holder = prop_oneof![Just("*".to_owned()), plain_text()];
    // One row per (stage, category, holder): a second with other tonnes would reject the announcement.
    prop::collection::btree_map((stage, category, holder), tonnes(), 1..6).prop_map(|rows| {
        rows.into_iter().map(|((stage, category, holder), tonnes)| Row { stage, category, holder, tonnes }).collect()
    })
}

fn announcements() -> impl Strategy<Value = Vec<Ann>> {
    let key = (prop::sample::select(vec!["rare-earths", "tungsten", "antimony"]), 1990u16..=2100, 0u8..=99);
    let body = (prop::option::of(plain_text()), 0u32..5, rows());
    // Distinct keys: in CSV, rows sharing a key are one announcement.
    prop::collection::btree_map(key, body, 1..12).prop_map(|all| {
        all.into_iter()
            .map(|((commodity, year, batch), (title, revision, rows))| Ann {
                commodity,
                year,
                batch,
                title,
                revision,
                rows,
            })
            .collect()
    })
}

fn to_json(all: &[Ann]) -> String {
    let announcements: Vec<Value> = all
        .iter()
        .map(|a| {
            let quotas: Vec<Value> = a
                .rows
                .iter()
                .map(|r| json!({"stage": r.stage.slug(), "category": r.category, "holder": r.holder, "tonnes": r.tonnes}))
                .collect();
            json!({"commodity": a.commodity, "year": a.year, "batch": a.batch, "title": a.title,
                   "revision": a.revision, "quotas": quotas})
        })
        .collect();
    json!({"format": "quota-feed/1", "announcements": announcements}).to_string()
}

fn to_csv(all: &[Ann]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = ["commodity", "year", "batch", "stage", "category", "holder", "tonnes", "title", "revision"];
    writer.write_record(header).expect("header");
    for a in all {
        for r in &a.rows {
            let (year, batch, tonnes) = (a.year.to_string(), a.batch.to_string(), r.tonnes.to_string());
            let title = a.title.clone().unwrap_or_default();
            let revision = a.revision.to_string();
            let record =
                [a.commodity, &year, &batch, r.stage.slug(), r.category, &r.holder, &tonnes, &title, &revision];
            writer.write_record(record).expect("record");
        }
    }
    String::from_utf8(writer.into_inner().expect("flush")).expect("utf-8")
}

fn assert_round_trip(expected: &[Ann], parsed: &ParsedFeed) -> Result<(), TestCaseError> {
    prop_assert!(parsed.rejected.is_empty(), "rejected: {:?}", parsed.rejected);
    prop_assert_eq!(parsed.announcements.len(), expected.len());
    for (a, e) in parsed.announcements.iter().zip(expected) {
        prop_assert_eq!(
            (a.key.commodity.as_str(), a.key.year, a.key.batch, a.revision),
            (e.commodity, e.year, e.batch, e.revision)
        );
        prop_assert_eq!(&a.title, &e.title);
        let got: BTreeMap<_, _> =
            a.quotas.iter().map(|q| ((q.stage, q.category.as_str(), q.holder.as_str()), q.tonnes)).collect();
        let want: BTreeMap<_, _> =
            e.rows.iter().map(|r| ((r.stage, r.category, r.holder.as_str()), r.tonnes)).collect();
        prop_assert_eq!(got, want);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn json_documents_round_trip(all in announcements()) {
        let parsed = feed::parse("prop", Format::Json, to_json(&all).as_bytes(), LIMIT).expect("a valid document");
        assert_round_trip(&all, &parsed)?;
    }

    #[test]
    fn csv_documents_round_trip(all in announcements()) {
        let parsed = feed::parse("prop", Format::Csv, to_csv(&all).as_bytes(), LIMIT).expect("a valid document");
        // The CSV reader yields announcements in order of their first row, as written.
        assert_round_trip(&all, &parsed)?;
    }
}

// ---------------------------------------------------------------- hostile input

/// Any JSON value, with hostile strings and numbers at every level.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        hostile_text().prop_map(Value::from),
        prop::sample::select(vec!["mining", "rare-earths", "total", "unpublished", "2024-02-06", "*", "1e308"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop::sample::select(vec![
            "commodity",
            "year",
            "batch",
            "quotas",
            "stage",
            "category",
            "holder",
            "tonnes",
            "title",
            "url",
            "id",
            "status",
            "published",
            "revision",
            "other",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(keys, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

fn assert_clean_result(parsed: &Result<ParsedFeed, feed::DocumentError>) -> Result<(), TestCaseError> {
    match parsed {
        Ok(parsed) => {
            for a in &parsed.announcements {
                for text in [&a.title, &a.url, &a.id].into_iter().flatten() {
                    prop_assert!(!text.chars().any(dangerous), "{:?}", text);
                }
                for q in &a.quotas {
                    prop_assert!(!q.holder.chars().any(dangerous), "{:?}", q.holder);
                    prop_assert!(q.tonnes.is_finite() && q.tonnes >= 0.0);
                }
            }
            for r in &parsed.rejected {
                let shown = r.to_string();
                prop_assert!(!shown.chars().any(dangerous), "{:?}", shown);
                prop_assert!(shown.chars().count() < 1_000, "a rejection is brief: {} chars", shown.chars().count());
            }
        }
        Err(error) => {
            let shown = error.to_string();
            prop_assert!(!shown.chars().any(dangerous), "{:?}", shown);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_bytes_panic_either_parser(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for format in [Format::Json, Format::Csv] {
            assert_clean_result(&feed::parse("prop", format, &bytes, LIMIT))?;
        }
    }

    #[test]
    fn hostile_json_structures_never_panic_or_leak_controls(announcements in prop::collection::vec(json_value(), 0..6)) {
        let text = json!({"format": "quota-feed/1", "announcements": announcements}).to_string();
        assert_clean_result(&feed::parse("prop", Format::Json, text.as_bytes(), LIMIT))?;
    }

    #[test]
    fn hostile_csv_cells_never_panic_or_leak_controls(
        rows in prop::collection::vec(prop::collection::vec(prop_oneof![
            hostile_text(),
            prop::sample::select(vec!["rare-earths", "2024", "1", "mining", "total", "135000", "-1", "NaN", "1e308", ""])
                .prop_map(str::to_owned),
        ], 0..12), 0..8),
    ) {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        writer.write_record(["commodity", "year", "batch", "stage", "category", "holder", "tonnes", "title", "url", "id",
            "status", "published"]).expect("header");
        for row in &rows {
            writer.write_record(row).expect("row");
        }
        let bytes = writer.into_inner().expect("flush");
        assert_clean_result(&feed::parse("prop", Format::Csv, &bytes, LIMIT))?;
    }
}

// ---------------------------------------------------------------- config

/// A config source table with keys and values drawn from the valid, the wrong and the hostile.
fn source_table() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"desk\"".to_owned()),
        Just("\"file\"".to_owned()),
        Just("\"http\"".to_owned()),
        Just("\"q.csv\"".to_owned()),
        Just("\"http://127.0.0.1:1/q.json\"".to_owned()),
        Just("\"30s\"".to_owned()),
        Just("\"8MiB\"".to_owned()),
        Just("\"${QUOTAWATCH_PROP_UNSET}\"".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        hostile_text().prop_map(|t| toml_string(&t)),
    ];
    let headers = prop::option::of(prop::sample::select(vec![
        "[sources.headers]\nX-Key = \"${CARGO_PKG_DESCRIPTION}\"\n",
        "[sources.headers]\nAuthorization = \"Bearer ${CARGO_PKG_DESCRIPTION}\"\n",
        "[sources.headers]\n\"Bad Name\" = \"${CARGO_PKG_DESCRIPTION}\"\n",
    ]));
    let key = prop::sample::select(vec![
        "name",
        "kind",
        "path",
        "url",
        "format",
        "enabled",
        "max_bytes",
        "interval",
        "timeout",
        "colour",
    ]);
    (prop::collection::btree_map(key, value, 0..9), headers).prop_map(|(fields, headers)| {
        let mut table = String::from("[[sources]]\n");
        for (key, value) in fields {
            table.push_str(&format!("{key} = {value}\n"));
        }
        table.push_str(headers.unwrap_or_default());
        table
    })
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn config_parsing_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = config::parse(&text, ConfigOrigin::BuiltIn, Path::new("."));
    }

    #[test]
    fn config_errors_name_a_key_and_never_a_secret(tables in prop::collection::vec(source_table(), 1..4)) {
        // Cargo sets CARGO_PKG_DESCRIPTION for the test process: a stand-in secret.
        let secret = env!("CARGO_PKG_DESCRIPTION");
        let text = tables.concat();
        let result = config::parse(&text, ConfigOrigin::BuiltIn, Path::new("."));
        let shown = match &result {
            Ok(config) => format!("{config:?}"),
            Err(error) => format!("{error} {error:?}"),
        };
        prop_assert!(!shown.contains(secret), "{}", shown);
        match result {
            Ok(config) => {
                for source in &config.sources {
                    prop_assert!(config::MIN_INTERVAL <= source.interval && source.interval <= config::MAX_INTERVAL);
                    prop_assert!(source.max_bytes > 0 && source.max_bytes <= 1 << 30);
                }
            }
            Err(config::ConfigError::Invalid { problems, .. }) => {
                for problem in problems {
                    prop_assert!(problem.starts_with("sources["), "names the key: {}", problem);
                }
            }
            Err(error) => {
                let shown = error.to_string();
                prop_assert!(shown.contains("sources") || shown.contains("TOML parse error"), "{}", shown);
            }
        }
    }
}
