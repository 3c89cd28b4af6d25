//! The real binary's `expectations`, `calendar` and `events` commands in every format, with
//! the check figures of the bundled data, a file source and the config adding their own,
//! and the consensus notes of `report --format table`. Sealed off as tests/cli.rs is.

#[path = "support/sandbox.rs"]
mod sandbox;

use sandbox::{Sandbox, run, stderr, stdout};
use serde_json::Value;

const EXPECTATIONS_HEADER: &str = "commodity,year,batch,stage,who,published,low,high,actual,surprise_pct,verdict";
const CALENDAR_HEADER: &str = "commodity,year,batch,window_start,window_end,median,status";
const EVENTS_HEADER: &str = "date,commodity,kind,title,url";

/// Runs a command on the bundled data alone; it must succeed with nothing on stderr.
fn bundled(sandbox: &Sandbox, args: &[&str]) -> String {
    let config = sandbox.empty_config();
    let output = run(sandbox.with_config(&config).args(args));
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    assert_eq!(stderr(&output), "", "{args:?}");
    stdout(&output)
}

fn assert_has_line(text: &str, line: &str) {
    assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
}

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text).expect("JSON output").as_array().expect("an array").clone()
}

#[test]
fn expectations_csv_has_the_check_figures() {
    let sandbox = Sandbox::new();
    let out = bundled(&sandbox, &["expectations", "--format", "csv"]);
    assert_eq!(out.lines().next(), Some(EXPECTATIONS_HEADER));
    let acrei = "Chen Zhanheng, Association of China Rare Earth Industry (ACREI)";
    assert_has_line(&out, &format!("rare-earths,2024,,mining,\"{acrei}\",2024-07-03,270000,270000,270000,0.0,within"));
    assert_has_line(
        &out,
        "rare-earths,2024,,mining,\"Yang Jiawen, Shanghai Metals Market (SMM)\",2024-07-03,280000,280000,270000,-3.6,below",
    );
    assert_has_line(&out, "rare-earths,2023,1,mining,Adamas Intelligence,2023-02-14,120960,126000,120000,-2.8,below");
    assert_has_line(&out, "rare-earths,2025,,mining,analysts and traders (Reuters),2025-07-07,270000,283500,,,pending");
}

#[test]
fn expectations_json_and_table_and_the_commodity_filter() {
    let sandbox = Sandbox::new();
    let rows = json(&bundled(&sandbox, &["expectations", "--commodity", "rare-earths", "--format", "json"]));
    assert!(rows.iter().all(|r| r["commodity"] == "rare-earths"));
    let pending = rows.iter().find(|r| r["year"] == 2025).expect("2025");
    assert_eq!((pending["batch"].clone(), pending["low"].clone()), (Value::Null, Value::from(270_000)));
    assert_eq!((pending["actual"].clone(), pending["verdict"].clone()), (Value::Null, Value::from("pending")));
    let adamas = rows.iter().find(|r| r["batch"] == 1).expect("2023 batch 1");
    assert_eq!(adamas["surprise_pct"], -2.8);
    let table = bundled(&sandbox, &["expectations", "--commodity", "rare-earths"]);
    assert!(table.starts_with("commodity    year  batch  stage"), "{table}");
    assert!(table.contains("120,960  126,000  120,000         -2.8%  below"), "{table}");
    let none = bundled(&sandbox, &["expectations", "--commodity", "gold"]);
    assert_eq!(none, "No expectations match.\n");
}

#[test]
fn calendar_statuses_as_of_the_check_days() {
    let sandbox = Sandbox::new();
    let csv = |today: &str| {
        bundled(&sandbox, &["calendar", "--commodity", "rare-earths", "--today", today, "--format", "csv"])
    };
    let out = csv("2025-02-20");
    assert_eq!(out.lines().next(), Some(CALENDAR_HEADER));
    assert_has_line(&out, "rare-earths,2025,1,2025-01-28,2025-03-24,2025-02-19,in-window");
    assert_has_line(&csv("2025-05-01"), "rare-earths,2025,1,2025-01-28,2025-03-24,2025-02-19,overdue");
    let august = csv("2025-08-01");
    assert_has_line(&august, "rare-earths,2025,1,2025-01-28,2025-03-24,2025-02-19,issued-unpublished");
    assert_has_line(&august, "rare-earths,2025,2,2025-07-15,2025-11-08,2025-09-07,in-window");
    assert_eq!(august.lines().count(), 3, "{august}");
    assert_has_line(&csv("2026-12-01"), "rare-earths,2026,1,2026-01-28,2026-03-24,2026-02-19,overdue");
}

#[test]
fn calendar_json_table_and_every_commodity() {
    let sandbox = Sandbox::new();
    let rows = json(&bundled(&sandbox, &["calendar", "--today", "2026-04-05", "--format", "json"]));
    let b1 =
        rows.iter().find(|r| r["commodity"] == "rare-earths" && r["year"] == 2026 && r["batch"] == 1).expect("row");
    assert_eq!((b1["window_end"].clone(), b1["status"].clone()), (Value::from("2026-03-24"), Value::from("overdue")));
    assert!(rows.iter().any(|r| r["commodity"] == "tungsten"), "tungsten has dated batches too");
    assert!(rows.iter().all(|r| r["commodity"] != "antimony"), "antimony's caps were never issued in batches");
    let table = bundled(&sandbox, &["calendar", "--commodity", "rare-earths", "--today", "2026-04-05"]);
    assert!(table.contains("rare-earths  2026      1  2026-01-28    2026-03-24  2026-02-19  overdue"), "{table}");
    assert!(table.contains("next: rare-earths 2026 batch 1 · overdue since 24 Mar"), "{table}");
}

#[test]
fn calendar_rejects_a_bad_day() {
    let sandbox = Sandbox::new();
    let config = sandbox.empty_config();
    let output = run(sandbox.with_config(&config).args(["calendar", "--today", "2025-02-30"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--today"), "{}", stderr(&output));
}

#[test]
fn events_in_every_format() {
    let sandbox = Sandbox::new();
    let out = bundled(&sandbox, &["events", "--format", "csv"]);
    assert_eq!(out.lines().next(), Some(EVENTS_HEADER));
    assert_has_line(
        &out,
        "2025-04-04,rare-earths,export-control,\"Export licensing for Sm, Gd, Tb, Dy, Lu, Sc and Y (MOFCOM/GAC Announcement No. 18)\",\
         https://hklaw.com/en/insights/publications/2025/04/china-imposes-export-controls-on-medium-and-heavy-rare-earth-materials",
    );
    let dates: Vec<&str> = out.lines().skip(1).map(|l| &l[..l.find(',').expect("a comma")]).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "in date order, a month before the days of that month");
    let rows = json(&bundled(&sandbox, &["events", "--commodity", "tungsten", "--format", "json"]));
    assert!(rows.iter().all(|r| r["commodity"] == "tungsten" || r["commodity"].is_null()));
    assert!(rows.iter().any(|r| r["title"].as_str().is_some_and(|t| t.contains("58,000"))));
    let table = bundled(&sandbox, &["events", "--commodity", "rare-earths"]);
    assert!(table.starts_with("date        commodity    kind"), "{table}");
    assert!(table.contains("2025-05     rare-earths  policy"), "{table}");
}

#[test]
fn a_file_source_and_the_config_add_their_own_and_bad_entries_are_named_alone() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "config/desk.json",
        r#"{"format": "quota-feed/1",
            "announcements": [{"commodity": "rare-earths", "year": 2025, "batch": 1, "published": "2025-08-01",
                               "quotas": [{"stage": "mining", "tonnes": 140000}]}],
            "expectations": [
              {"commodity": "rare-earths", "year": 2025, "batch": 1, "stage": "mining", "low": 135000, "high": 138000,
               "who": "Desk", "published": "2025-07-01"},
              {"commodity": "rare-earths", "year": 2025, "stage": "mining", "low_pct": 9, "high_pct": 1}
            ],
            "events": [{"date": "2025-08-01", "title": "Desk: first batch figures out", "kind": "quota"}]}"#,
    );
    let config = sandbox.write(
        "config/config.toml",
        "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"desk.json\"\n\n\
         [[expectations]]\ncommodity = \"rare-earths\"\nyear = 2026\nstage = \"mining\"\nlow_pct = 0\nhigh_pct = 3\n\
         who = \"Config desk\"\npublished = 2026-01-05\n\n\
         [[events]]\ndate = \"2026-01\"\ntitle = \"Config event\"\n",
    );
    let output = run(sandbox.with_config(&config).args(["expectations", "--format", "csv"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("rejected entry: desk: expectations[1].low_pct: 9 is above high_pct (1)"), "{err}");
    let out = stdout(&output);
    assert_has_line(&out, "rare-earths,2025,1,mining,Desk,2025-07-01,135000,138000,140000,2.6,above");
    assert_has_line(&out, "rare-earths,2026,,mining,Config desk,2026-01-05,,,,,pending");
    let events = stdout(&run(sandbox.with_config(&config).args(["events", "--format", "csv"])));
    assert_has_line(&events, "2026-01,,other,Config event,");
    assert_has_line(&events, "2025-08-01,,quota,Desk: first batch figures out,");
    // The desk's published first batch moves the calendar on, as of the day it came.
    let calendar = stdout(&run(sandbox.with_config(&config).args([
        "calendar",
        "--commodity",
        "rare-earths",
        "--today",
        "2025-08-01",
        "--format",
        "csv",
    ])));
    assert_has_line(&calendar, "rare-earths,2025,1,2025-01-28,2025-03-24,2025-02-19,published");
    // Read again with the stored history (an unchanged document), the expectations stay.
    let again = stdout(&run(sandbox.with_config(&config).args(["expectations", "--format", "csv"])));
    assert_has_line(&again, "rare-earths,2025,1,mining,Desk,2025-07-01,135000,138000,140000,2.6,above");
}

#[test]
fn no_bundled_leaves_the_bundled_expectations_and_events_out() {
    let sandbox = Sandbox::new();
    let config = sandbox.empty_config();
    let output = run(sandbox.with_config(&config).args(["--no-bundled", "events", "--format", "csv"]));
    assert_eq!(stdout(&output), format!("{EVENTS_HEADER}\n"));
}

#[test]
fn report_table_notes_carry_the_consensus() {
    let sandbox = Sandbox::new();
    let out = bundled(&sandbox, &["report", "--stage", "mining", "--year", "2024"]);
    assert!(
        out.contains(
            "  - rare-earths 2024 mining: consensus 270,000 (ACREI 2024-07-03) · actual 270,000: within, +0.0%"
        ),
        "{out}"
    );
    assert!(
        out.contains("  - rare-earths 2024 mining: consensus 280,000 (SMM 2024-07-03) · actual 270,000: below, -3.6%"),
        "{out}"
    );
    let pending = bundled(&sandbox, &["report", "--stage", "mining", "--year", "2025"]);
    assert!(pending.contains("consensus 270,000-283,500 (flat to +5%, Reuters 2025-07-07)"), "{pending}");
    let csv = bundled(&sandbox, &["report", "--stage", "mining", "--year", "2024", "--format", "csv"]);
    assert!(!csv.contains("consensus"), "only the table has notes");
}
