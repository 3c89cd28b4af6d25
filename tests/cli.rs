//! The real `quotawatch` binary: `report`'s output formats, figures and filters (file
//! sources, conflicts, fatal errors and `check-config` are in cli_sources.rs).
//!
//! Every run is sealed off from the user's own setup: an explicit `--config` in a temp
//! dir (or none, with `XDG_CONFIG_HOME` pointing into the temp dir), `--data-dir` in the
//! temp dir, `HOME`/`XDG_*` redirected, `QUOTAWATCH_*` removed and the temp dir as cwd.
//! The dashboard (no command) is never started here.

#[path = "support/sandbox.rs"]
mod sandbox;

use sandbox::Sandbox;
use serde_json::Value;

const YEAR_HEADER: &str = "commodity,year,stage,tonnes,yoy_pct,basis";
const BATCH_HEADER: &str = "commodity,year,batch,stage,tonnes,yoy_pct,basis";
const HOLDER_HEADER: &str = "commodity,year,stage,holder,tonnes,share_pct,yoy_pct";

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

fn assert_has_line(text: &str, line: &str) {
    assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
}

// ---------------------------------------------------------------- report: figures and formats

#[test]
fn report_by_year_csv_has_the_check_figures() {
    let sandbox = Sandbox::new();
    let out =
        sandbox.bundled_report(&["--commodity", "rare-earths", "--stage", "mining", "--by", "year", "--format", "csv"]);
    assert_eq!(lines(&out)[0], YEAR_HEADER);
    assert_has_line(&out, "rare-earths,2022,mining,210000,25.0,full-year");
    assert_has_line(&out, "rare-earths,2023,mining,255000,21.4,full-year");
    assert_has_line(&out, "rare-earths,2024,mining,270000,5.9,full-year");
    // The first year has nothing to compare with; 2013 follows a gap (no national cap in 2012).
    assert_has_line(&out, "rare-earths,2008,mining,87620,,");
    assert_has_line(&out, "rare-earths,2009,mining,82320,-6.0,full-year");
    assert_has_line(&out, "rare-earths,2013,mining,93800,,");
    assert!(out.lines().skip(1).all(|l| l.split(',').nth(2) == Some("mining")), "only mining:\n{out}");
    // 2025 was issued with its figures withheld: no row rather than a zero.
    assert!(!out.contains(",2025,"), "{out}");

    let out = sandbox.bundled_report(&["--stage", "smelting-separation", "--year", "2024", "--format", "csv"]);
    assert_eq!(lines(&out), [YEAR_HEADER, "rare-earths,2024,smelting-separation,254000,4.2,full-year"]);
}

#[test]
fn report_by_batch_csv() {
    let sandbox = Sandbox::new();
    let out =
        sandbox.bundled_report(&["--commodity", "rare-earths", "--by", "batch", "--format", "csv", "--year", "2023"]);
    assert_eq!(
        lines(&out),
        [
            BATCH_HEADER,
            "rare-earths,2023,1,mining,120000,19.0,batch",
            "rare-earths,2023,1,smelting-separation,115000,18.3,batch",
            "rare-earths,2023,2,mining,120000,9.9,batch",
            "rare-earths,2023,2,smelting-separation,115000,9.7,batch",
            // No batch 3 in 2022: no growth, and no basis either.
            "rare-earths,2023,3,mining,15000,,",
            "rare-earths,2023,3,smelting-separation,13850,,",
        ]
    );
    let out = sandbox.bundled_report(&[
        "--commodity",
        "rare-earths",
        "--by",
        "batch",
        "--format",
        "csv",
        "--stage",
        "mining",
    ]);
    assert_has_line(&out, "rare-earths,2024,2,mining,135000,12.5,batch");
    assert_has_line(&out, "rare-earths,2008,0,mining,87620,,");
    assert_has_line(&out, "rare-earths,2009,0,mining,82320,-6.0,batch");
    assert!(!out.contains(",2025,"), "the unpublished batch has no figure:\n{out}");
}

#[test]
fn report_by_holder_csv() {
    let sandbox = Sandbox::new();
    let out = sandbox.bundled_report(&["--by", "holder", "--format", "csv"]);
    assert_eq!(lines(&out)[0], HOLDER_HEADER);
    let northern: Vec<_> = out.lines().filter(|l| l.contains(",China Northern Rare Earth Group,")).collect();
    // Shares are of the batches that list holders (2023 smelting batch 2 and 2024 batch 2
    // do not), and no full-year growth is claimed across such partial breakdowns. Before
    // 2023 the pages give rock-type (light) allocations, complete for 2019, 2020 and 2022.
    assert_eq!(
        northern,
        [
            "rare-earths,2019,mining,China Northern Rare Earth Group,70750,53.6,",
            "rare-earths,2020,mining,China Northern Rare Earth Group,35375,53.6,",
            "rare-earths,2022,mining,China Northern Rare Earth Group,141600,67.4,",
            "rare-earths,2022,smelting-separation,China Northern Rare Earth Group,75200,71.8,",
            "rare-earths,2023,mining,China Northern Rare Earth Group,178650,70.1,26.2",
            "rare-earths,2023,smelting-separation,China Northern Rare Earth Group,84403,65.5,",
            "rare-earths,2024,mining,China Northern Rare Earth Group,94580,70.1,",
            "rare-earths,2024,smelting-separation,China Northern Rare Earth Group,88010,69.3,",
        ]
    );
    assert_has_line(&out, "rare-earths,2023,mining,Xiamen Tungsten,1966,0.8,");
    let out = sandbox.bundled_report(&["--by", "holder", "--format", "csv", "--stage", "mining", "--year", "2024"]);
    assert_eq!(
        lines(&out),
        [
            HOLDER_HEADER,
            "rare-earths,2024,mining,China Northern Rare Earth Group,94580,70.1,",
            "rare-earths,2024,mining,China Rare Earth Group,40420,29.9,",
        ]
    );
}

fn json_rows(text: &str) -> Vec<serde_json::Map<String, Value>> {
    let value: Value = serde_json::from_str(text).expect("report --format json prints JSON");
    let Value::Array(rows) = value else { panic!("expected an array, got {value}") };
    rows.into_iter()
        .map(|row| match row {
            Value::Object(object) => object,
            other => panic!("expected objects, got {other}"),
        })
        .collect()
}

fn keys(row: &serde_json::Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<_> = row.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn sorted(columns: &str) -> Vec<&str> {
    let mut columns: Vec<_> = columns.split(',').collect();
    columns.sort_unstable();
    columns
}

#[test]
fn report_json_has_the_csv_rows_with_typed_values() {
    let sandbox = Sandbox::new();
    let args = ["--commodity", "rare-earths", "--stage", "mining", "--by", "year"];
    let csv = sandbox.bundled_report(&[&args[..], &["--format", "csv"]].concat());
    let rows = json_rows(&sandbox.bundled_report(&[&args[..], &["--format", "json"]].concat()));
    assert_eq!(rows.len(), csv.lines().count() - 1, "one object per CSV row");
    assert!(rows.iter().all(|r| keys(r) == sorted(YEAR_HEADER)), "{rows:?}");

    let row_2023 = rows.iter().find(|r| r["year"] == 2023).expect("a 2023 row");
    assert_eq!(row_2023["commodity"], Value::from("rare-earths"));
    assert_eq!(row_2023["stage"], Value::from("mining"));
    assert!(row_2023["year"].is_u64());
    assert_eq!(row_2023["tonnes"].as_u64(), Some(255_000), "tonnes is a number");
    assert_eq!(row_2023["yoy_pct"].as_f64(), Some(21.4), "growth is a number");
    assert_eq!(row_2023["basis"], Value::from("full-year"));

    let first = &rows[0];
    assert_eq!(first["year"], 2008);
    assert_eq!((&first["yoy_pct"], &first["basis"]), (&Value::Null, &Value::Null), "none is null");

    let rows = json_rows(&sandbox.bundled_report(&[
        "--commodity",
        "rare-earths",
        "--by",
        "batch",
        "--format",
        "json",
        "--year",
        "2023",
    ]));
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| keys(r) == sorted(BATCH_HEADER)), "{rows:?}");
    let third = rows.iter().find(|r| r["batch"] == 3 && r["stage"] == "mining").expect("2023 batch 3");
    assert_eq!(
        (third["tonnes"].as_u64(), &third["yoy_pct"], &third["basis"]),
        (Some(15_000), &Value::Null, &Value::Null)
    );

    let rows = json_rows(&sandbox.bundled_report(&["--by", "holder", "--format", "json", "--year", "2023"]));
    assert!(rows.iter().all(|r| keys(r) == sorted(HOLDER_HEADER)), "{rows:?}");
    let northern = rows
        .iter()
        .find(|r| r["holder"] == "China Northern Rare Earth Group" && r["stage"] == "mining")
        .expect("China Northern mining 2023");
    assert_eq!(northern["tonnes"].as_u64(), Some(178_650));
    assert_eq!(northern["share_pct"].as_f64(), Some(70.1));
    // 2022 has China Northern's whole year (rock-type batches 1 and 2): growth is like for like.
    assert_eq!(northern["yoy_pct"].as_f64(), Some(26.2));
}

#[test]
fn report_table_is_aligned_with_separators_and_units() {
    let sandbox = Sandbox::new();
    let out = sandbox.bundled_report(&[
        "--commodity",
        "rare-earths",
        "--stage",
        "mining",
        "--year",
        "2024",
        "--format",
        "table",
    ]);
    assert_eq!(
        out,
        "commodity    year  stage          tonnes  yoy_pct  basis      tier\n\
         rare-earths  2024  mining  270,000 t REO    +5.9%  full-year  official\n\
         \n\
         Notes:\n  \
         - rare-earths 2024 mining: consensus 270,000 (ACREI 2024-07-03) · actual 270,000: within, +0.0%\n  \
         - rare-earths 2024 mining: consensus 280,000 (SMM 2024-07-03) · actual 270,000: below, -3.6%\n"
    );

    // Table is the default format; the whole history lines up column by column.
    let out = sandbox.bundled_report(&["--commodity", "rare-earths", "--stage", "mining"]);
    let (table, notes) = out.split_once("\n\nNotes:\n").expect("the table has notes");
    let rows = lines(table);
    assert_eq!(rows[0], "commodity    year  stage          tonnes  yoy_pct  basis      tier");
    assert!(rows.contains(&"rare-earths  2023  mining  255,000 t REO   +21.4%  full-year  official"), "{table}");
    assert!(rows.contains(&"rare-earths  2008  mining   87,620 t REO        -  -          official"), "{table}");
    assert!(rows.contains(&"rare-earths  2009  mining   82,320 t REO    -6.0%  full-year  official"), "{table}");
    let unit_end = rows[1].find(" t REO").expect("unit");
    assert!(rows[1..].iter().all(|r| r.find(" t REO") == Some(unit_end)), "tonnes right-aligned:\n{table}");
    let notes = lines(notes);
    assert_eq!(notes[0], "  - rare-earths 2025 batch 1: issued, figures not published");
    assert!(notes[1..].iter().all(|n| n.contains(": consensus ")), "then the consensus lines: {notes:#?}");
}

#[test]
fn report_filters() {
    let sandbox = Sandbox::new();
    let out = sandbox.bundled_report(&["--commodity", "rare-earths", "--year", "2023", "--format", "csv"]);
    assert_eq!(
        lines(&out),
        [
            YEAR_HEADER,
            "rare-earths,2023,mining,255000,21.4,full-year",
            "rare-earths,2023,smelting-separation,243850,20.7,full-year",
        ]
    );
    // Slugs on the command line are case-insensitive too.
    let out = sandbox.bundled_report(&[
        "--commodity",
        "Rare-Earths",
        "--stage",
        "MINING",
        "--year",
        "2022",
        "--format",
        "csv",
    ]);
    assert_eq!(lines(&out), [YEAR_HEADER, "rare-earths,2022,mining,210000,25.0,full-year"]);

    let out = sandbox.bundled_report(&["--commodity", "testium", "--format", "csv"]);
    assert_eq!(out, format!("{YEAR_HEADER}\n"));
    assert_eq!(sandbox.bundled_report(&["--commodity", "testium"]), "No figures match.\n");
    assert_eq!(sandbox.bundled_report(&["--year", "1999", "--format", "json"]), "[]\n");
}
