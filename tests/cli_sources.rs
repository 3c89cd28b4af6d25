//! The command line beyond `report`'s figures: file sources merged with the bundled
//! history and their failures, conflicts between sources, fatal errors, `check-config`, and
//! help and usage. Each run is sealed off in a sandbox (support/sandbox.rs).

#[path = "support/sandbox.rs"]
mod sandbox;

use predicates::prelude::*;
use sandbox::{Sandbox, run, stderr, stdout};

const YEAR_HEADER: &str = "commodity,year,stage,tonnes,yoy_pct,basis";
const BATCH_HEADER: &str = "commodity,year,batch,stage,tonnes,yoy_pct,basis";

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

fn assert_has_line(text: &str, line: &str) {
    assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
}

fn file_source(name: &str, path: &str) -> String {
    format!("[[sources]]\nname = \"{name}\"\nkind = \"file\"\npath = \"{path}\"\n\n")
}

// ---------------------------------------------------------------- file sources

#[test]
fn file_sources_merge_with_the_bundled_history() {
    let sandbox = Sandbox::new();
    sandbox.fixture("new-year-2026.json", "config/feeds/new-year.json");
    sandbox.fixture("testium.csv", "config/feeds/testium.csv");
    let config = sandbox.write(
        "config/quotawatch.toml",
        &(file_source("desk-json", "feeds/new-year.json") + &file_source("desk-csv", "feeds/testium.csv")),
    );
    // Run from another folder: relative paths are resolved against the config's folder.
    let output = run(sandbox.with_config(&config).args(["report", "--by", "batch", "--format", "csv"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let out = stdout(&output);
    assert_has_line(&out, "rare-earths,2024,2,mining,135000,12.5,batch"); // bundled
    // 2025 batch 1 was issued unpublished: the new year has nothing like-for-like.
    assert_has_line(&out, "rare-earths,2026,1,mining,140000,,");
    assert_has_line(&out, "rare-earths,2026,1,smelting-separation,132000,,");
    assert_has_line(&out, "testium,2023,2,mining,49000,,");
    assert_has_line(&out, "testium,2024,1,mining,62000,0.0,batch");

    let output = run(sandbox.with_config(&config).args(["report", "--format", "csv", "--stage", "mining"]));
    let out = stdout(&output);
    assert_has_line(&out, "rare-earths,2026,mining,140000,,");
    assert_has_line(&out, "testium,2023,mining,111000,,");
    // Testium 2024 has batch 1 only and no later year: year to date against 2023 batch 1.
    assert_has_line(&out, "testium,2024,mining,62000,0.0,ytd-batch-1");
    // A later year (2026) completes 2025, whose only batch is unpublished: no figure at all.
    assert!(!out.contains("rare-earths,2025,"), "{out}");

    let output = run(sandbox.with_config(&config).args(["report", "--commodity", "testium", "--year", "2024"]));
    assert_eq!(
        stdout(&output),
        "commodity  year  stage     tonnes  yoy_pct  basis        tier\n\
         testium    2024  mining  62,000 t    +0.0%  ytd-batch-1  official\n"
    );
}

#[test]
fn year_to_date_and_full_year_growth_from_own_sources() {
    let sandbox = Sandbox::new();
    sandbox.fixture("ytd-2023-2024.csv", "config/a.csv");
    sandbox.fixture("ytd-2024-2025.json", "config/b.json");
    let config = sandbox.write("config/quotawatch.toml", &(file_source("a", "a.csv") + &file_source("b", "b.json")));
    let output = run(sandbox.with_config(&config).args(["--no-bundled", "report", "--format", "csv"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        lines(&stdout(&output)),
        [
            YEAR_HEADER,
            "rare-earths,2023,mining,200000,,",
            "rare-earths,2024,mining,230000,15.0,full-year",
            "rare-earths,2025,mining,121000,10.0,ytd-batch-1",
        ]
    );
    let output = run(sandbox.with_config(&config).args(["report", "--no-bundled", "--by", "batch", "--format", "csv"]));
    assert_has_line(&stdout(&output), "rare-earths,2025,1,mining,121000,10.0,batch");
}

#[test]
fn a_missing_file_source_is_named_and_the_rest_still_reported() {
    let sandbox = Sandbox::new();
    sandbox.fixture("new-year-2026.json", "config/new-year.json");
    let config = sandbox.write(
        "config/quotawatch.toml",
        &(file_source("gone", "nowhere/quotas.csv") + &file_source("desk", "new-year.json")),
    );
    let output = run(sandbox.with_config(&config).args(["report", "--stage", "mining", "--format", "csv"]));
    assert_eq!(output.status.code(), Some(2));
    let missing = sandbox.path("config").join("nowhere/quotas.csv");
    assert_eq!(
        stderr(&output),
        format!(
            "quotawatch: source gone failed: cannot read {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    let out = stdout(&output);
    assert_has_line(&out, "rare-earths,2024,mining,270000,5.9,full-year");
    assert_has_line(&out, "rare-earths,2026,mining,140000,,");
}

#[test]
fn an_unparseable_source_is_named_and_the_rest_still_reported() {
    let sandbox = Sandbox::new();
    sandbox.fixture("truncated.json", "config/truncated.json");
    sandbox.write("config/not.json", "commodity,year\nrare-earths,2024\n");
    sandbox.fixture("testium.csv", "config/testium.csv");
    let config = sandbox.write(
        "config/quotawatch.toml",
        &(file_source("cut", "truncated.json")
            + &file_source("csv-as-json", "not.json")
            + &file_source("testium", "testium.csv")),
    );
    let output = run(sandbox.with_config(&config).args(["report", "--format", "csv", "--stage", "mining"]));
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    let err_lines = lines(&err);
    assert_eq!(err_lines.len(), 2, "{err}");
    assert!(
        err_lines[0].starts_with("quotawatch: source cut failed: document rejected: not valid JSON: EOF while parsing"),
        "{err}"
    );
    assert!(
        err_lines[1]
            .starts_with("quotawatch: source csv-as-json failed: document rejected: not valid JSON: expected value"),
        "{err}"
    );
    let out = stdout(&output);
    assert_has_line(&out, "rare-earths,2023,mining,255000,21.4,full-year");
    assert_has_line(&out, "testium,2023,mining,111000,,");
    assert!(!out.contains("2026"), "nothing from the truncated document:\n{out}");
}

#[test]
fn a_rejected_announcement_is_named_and_the_others_reported() {
    let sandbox = Sandbox::new();
    sandbox.fixture("one-rejected.json", "config/desk.json");
    let config = sandbox.write("config/quotawatch.toml", &file_source("desk", "desk.json"));
    let output =
        run(sandbox.with_config(&config).args(["report", "--by", "batch", "--format", "csv", "--year", "2026"]));
    // Only an announcement was rejected, not the source: the project's choice is success.
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "quotawatch: rejected announcement: desk: rare-earths 2026 batch 2 (announcements[1]): \
         announcements[1].quotas[0].tonnes: tonnes -1 is negative\n"
    );
    assert_eq!(lines(&stdout(&output)), [BATCH_HEADER, "rare-earths,2026,1,mining,140000,,"]);
}

#[test]
fn a_source_over_its_size_limit_is_refused() {
    let sandbox = Sandbox::new();
    let feed = sandbox.fixture("new-year-2026.json", "config/big.json");
    let config = sandbox.write(
        "config/quotawatch.toml",
        "[[sources]]\nname = \"big\"\nkind = \"file\"\npath = \"big.json\"\nmax_bytes = \"100B\"\n",
    );
    let output = run(sandbox.with_config(&config).args(["report", "--format", "csv", "--stage", "mining"]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!("quotawatch: source big failed: {} is over the limit of 100 bytes\n", feed.display())
    );
    let out = stdout(&output);
    assert_has_line(&out, "rare-earths,2024,mining,270000,5.9,full-year");
    assert!(!out.contains("2026"), "{out}");
}

#[test]
fn a_source_may_name_its_format() {
    let sandbox = Sandbox::new();
    sandbox.fixture("testium.csv", "config/testium.txt");
    let config = sandbox.write(
        "config/quotawatch.toml",
        "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"testium.txt\"\nformat = \"CSV\"\n",
    );
    let output = run(sandbox.with_config(&config).args(["report", "--format", "csv", "--commodity", "testium"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        lines(&stdout(&output)),
        [YEAR_HEADER, "testium,2023,mining,111000,,", "testium,2024,mining,62000,0.0,ytd-batch-1"]
    );
}

#[test]
fn a_disabled_source_is_not_read() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "config/quotawatch.toml",
        "[[sources]]\nname = \"off\"\nkind = \"file\"\npath = \"missing.json\"\nenabled = false\n",
    );
    let output = run(sandbox.with_config(&config).args(["report", "--format", "csv", "--year", "2024"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    // Rare-earth mining and smelting, tungsten mining.
    assert_eq!(lines(&stdout(&output)).len(), 4);
}

// ---------------------------------------------------------------- conflicts

fn disagreeing_feed(tonnes: u32) -> String {
    format!(
        r#"{{"format": "quota-feed/1", "announcements": [{{"commodity": "rare-earths", "year": 2024, "batch": 2,
            "quotas": [{{"stage": "mining", "tonnes": {tonnes}}}]}}]}}"#
    )
}

#[test]
fn the_source_listed_first_wins_a_conflict_and_the_table_says_so() {
    let sandbox = Sandbox::new();
    sandbox.write("config/first.json", &disagreeing_feed(140_000));
    sandbox.write("config/second.json", &disagreeing_feed(150_000));
    let first_then_second =
        sandbox.write("config/a.toml", &(file_source("first", "first.json") + &file_source("second", "second.json")));
    let second_then_first =
        sandbox.write("config/b.toml", &(file_source("second", "second.json") + &file_source("first", "first.json")));

    let args = [
        "report",
        "--commodity",
        "rare-earths",
        "--by",
        "batch",
        "--stage",
        "mining",
        "--year",
        "2024",
        "--format",
        "csv",
    ];
    let output = run(sandbox.with_config(&first_then_second).args(args));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        lines(&stdout(&output)),
        [BATCH_HEADER, "rare-earths,2024,1,mining,135000,12.5,batch", "rare-earths,2024,2,mining,140000,16.7,batch"]
    );
    let output = run(sandbox.with_config(&second_then_first).args(args));
    assert_has_line(&stdout(&output), "rare-earths,2024,2,mining,150000,25.0,batch");

    // The table's notes name the conflicts (the bundled history ranks last).
    let output = run(sandbox.with_config(&first_then_second).args([
        "report",
        "--commodity",
        "rare-earths",
        "--stage",
        "mining",
        "--year",
        "2024",
    ]));
    assert_eq!(
        stdout(&output),
        "commodity    year  stage          tonnes  yoy_pct  basis      tier\n\
         rare-earths  2024  mining  275,000 t REO    +7.8%  full-year  official\n\
         \n\
         Notes:\n  \
         - rare-earths 2024 batch 2: sources disagree; first wins over bundled\n  \
         - rare-earths 2024 batch 2: sources disagree; first wins over second\n  \
         - rare-earths 2024 mining: consensus 270,000 (ACREI 2024-07-03) · actual 275,000: above, +1.9%\n  \
         - rare-earths 2024 mining: consensus 280,000 (SMM 2024-07-03) · actual 275,000: below, -1.8%\n"
    );
    // Machine formats carry figures only.
    let output = run(sandbox.with_config(&first_then_second).args(["report", "--format", "csv"]));
    assert!(!stdout(&output).contains("disagree"));
}

// ---------------------------------------------------------------- fatal errors

#[test]
fn a_bad_stage_is_fatal() {
    let sandbox = Sandbox::new();
    let config = sandbox.empty_config();
    sandbox
        .with_config(&config)
        .args(["report", "--stage", "smelting"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("quotawatch: --stage \"smelting\": expected mining or smelting-separation\n");
    sandbox
        .with_config(&config)
        .args(["report", "--commodity", "rare earths"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("quotawatch: --commodity \"rare earths\" is not a commodity slug\n");
}

#[test]
fn an_unreadable_config_is_fatal() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path("config/missing.toml");
    sandbox.with_config(&missing).args(["report"]).assert().code(1).stdout("").stderr(format!(
        "quotawatch: cannot read config {}: No such file or directory (os error 2)\n",
        missing.display()
    ));
    // QUOTAWATCH_CONFIG names the file when --config is not given.
    sandbox
        .bare()
        .env("QUOTAWATCH_CONFIG", &missing)
        .args(["report"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(format!("quotawatch: cannot read config {}:", missing.display())));
}

#[test]
fn an_invalid_config_is_fatal_and_names_the_key_and_value() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "config/bad.toml",
        "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"quotas.xml\"\nformat = \"xml\"\n",
    );
    sandbox.with_config(&config).args(["report"]).assert().code(1).stdout("").stderr(format!(
        "quotawatch: config {}:\n  sources[0].format = \"xml\": expected \"json\" or \"csv\"\n  \
         sources[0].path = \"{}\": cannot tell json or csv from the extension; set sources[0].format\n",
        config.display(),
        sandbox.path("config/quotas.xml").display()
    ));

    let config = sandbox.write("config/typo.toml", "[[source]]\nname = \"desk\"\n");
    sandbox
        .with_config(&config)
        .args(["report"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(format!("quotawatch: config {}: ", config.display())))
        .stderr(predicate::str::contains("unknown field `source`"));
}

// ---------------------------------------------------------------- check-config

#[test]
fn check_config_accepts_a_valid_file() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "config/quotawatch.toml",
        &(file_source("desk-json", "desk.json")
            + "[[sources]]\nname = \"desk-csv\"\nkind = \"file\"\npath = \"q.txt\"\nformat = \"csv\"\nenabled = false\n"),
    );
    let expected = format!(
        "{}: ok, 2 source(s)\n  desk-json (file): {}\n  desk-csv (file): {} (disabled)\n",
        config.display(),
        sandbox.path("config/desk.json").display(),
        sandbox.path("config/q.txt").display()
    );
    // The file as an argument, or the global --config.
    sandbox.bare().arg("check-config").arg(&config).assert().success().stdout(expected.clone()).stderr("");
    sandbox.with_config(&config).arg("check-config").assert().success().stdout(expected);
}

#[test]
fn check_config_rejects_an_invalid_file() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "config/quotawatch.toml",
        "[[sources]]\nname = \"desk\"\nkind = \"http\"\n\n\
         [[sources]]\nname = \"Desk\"\nkind = \"file\"\npath = \"a.json\"\nmax_bytes = \"lots\"\n\n\
         [[sources]]\nname = \"Bundled\"\nkind = \"file\"\npath = \"b.json\"\n",
    );
    sandbox.bare().arg("check-config").arg(&config).assert().code(1).stdout("").stderr(format!(
        "quotawatch: config {}:\n  \
         sources[0].url: required for kind \"http\"\n  \
         sources[1].name = \"Desk\": this name is used by an earlier source\n  \
         sources[1].max_bytes = \"lots\": expected a size such as \"8MiB\"\n  \
         sources[2].name = \"Bundled\": reserved for the bundled history\n",
        config.display()
    ));
}

#[test]
fn check_config_without_a_path_uses_xdg_config_home_else_the_built_in_default() {
    let sandbox = Sandbox::new();
    sandbox
        .bare()
        .arg("check-config")
        .assert()
        .success()
        .stdout("the built-in default configuration: ok, 0 source(s)\n");
    let user_config = sandbox.write("xdg-config/quotawatch/config.toml", &file_source("mine", "mine.json"));
    sandbox.bare().arg("check-config").assert().success().stdout(format!(
        "{}: ok, 1 source(s)\n  mine (file): {}\n",
        user_config.display(),
        sandbox.path("xdg-config/quotawatch/mine.json").display()
    ));
}

// ---------------------------------------------------------------- help and usage

#[test]
fn help_works_for_every_command() {
    let sandbox = Sandbox::new();
    let top = run(sandbox.bare().arg("--help"));
    assert_eq!(top.status.code(), Some(0));
    let top = stdout(&top);
    assert!(top.starts_with("Watch China's rare-earth production quotas"), "{top}");
    assert!(top.contains("With no command, opens the dashboard"), "{top}");
    for expected in
        ["Usage: quotawatch [OPTIONS] [COMMAND]", "report", "check-config", "--config <PATH>", "--no-bundled"]
    {
        assert!(top.contains(expected), "--help lacks {expected:?}:\n{top}");
    }

    let report = run(sandbox.bare().args(["report", "--help"]));
    assert_eq!(report.status.code(), Some(0));
    let report = stdout(&report);
    for expected in [
        "Usage: quotawatch report [OPTIONS]",
        "--stage <S>",
        "--commodity <C>",
        "--year <Y>",
        "--by <BY>",
        "--format <FORMAT>",
        "[default: year]",
        "[default: table]",
    ] {
        assert!(report.contains(expected), "report --help lacks {expected:?}:\n{report}");
    }

    let check = run(sandbox.bare().args(["check-config", "--help"]));
    assert_eq!(check.status.code(), Some(0));
    let check = stdout(&check);
    assert!(check.contains("Usage: quotawatch check-config [OPTIONS] [PATH]"), "{check}");
    assert!(check.contains("Validate a config file"), "{check}");

    sandbox.bare().args(["help", "report"]).assert().success().stdout(predicate::str::contains("--by <BY>"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let sandbox = Sandbox::new();
    let config = sandbox.empty_config();
    sandbox
        .with_config(&config)
        .args(["report", "--by", "month"])
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains("invalid value 'month' for '--by <BY>'"));
    sandbox
        .with_config(&config)
        .args(["report", "--year", "twenty"])
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains("invalid value 'twenty' for '--year <Y>'"));
}
