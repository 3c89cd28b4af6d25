//! `quotawatch extract` on fixture documents (tests/fixtures/extract/): RSS 2.0, RSS 1.0,
//! Atom, a GBK-encoded HTML list page, plain text; malformed XML and an entity bomb. The
//! command reads no config and no store; each run still gets a temp HOME and data dir.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/extract";

fn extract(args: &[&str]) -> assert_cmd::assert::Assert {
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("quotawatch").expect("binary");
    for (key, _) in std::env::vars() {
        if key.starts_with("QUOTAWATCH_") || key.starts_with("XDG_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home.path()).env("QUOTAWATCH_DATA_DIR", home.path().join("data"));
    let assert = cmd.arg("extract").args(args).assert();
    assert!(!home.path().join("data").exists(), "extract touched the data dir");
    assert
}

fn json(args: &[&str]) -> Value {
    let out = extract(args).success().get_output().stdout.clone();
    let doc: Value = serde_json::from_slice(&out).expect("JSON out");
    assert_eq!(doc["format"], "quota-feed/1");
    doc
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// `commodity year batch|cum status stage=tonnes ...` of each announcement.
fn summary(doc: &Value) -> Vec<String> {
    doc["announcements"]
        .as_array()
        .expect("announcements")
        .iter()
        .map(|a| {
            let batch = a["batch"].as_u64().map_or("cum".to_owned(), |b| format!("b{b}"));
            let mut parts = vec![
                a["commodity"].as_str().unwrap_or("?").to_owned(),
                a["year"].to_string(),
                batch,
                a["status"].as_str().unwrap_or("?").to_owned(),
            ];
            for q in a["quotas"].as_array().into_iter().flatten() {
                let holder = q["holder"].as_str().unwrap_or("?");
                let holder = if holder == "*" { String::new() } else { format!("/{holder}") };
                parts.push(format!("{}{holder}={}", q["stage"].as_str().unwrap_or("?"), q["tonnes"]));
            }
            parts.join(" ")
        })
        .collect()
}

#[test]
fn rss_2_items_become_announcements_with_tier_cumulative_and_citations() {
    let doc = json(&[&fixture("rss2.xml")]);
    assert_eq!(
        summary(&doc),
        [
            "tungsten 2023 cum published mining=111000",
            "rare-earths 2023 b3 published mining=15000 smelting-separation=13850",
            "rare-earths 2025 cum unpublished",
        ]
    );
    let first = &doc["announcements"][0];
    assert_eq!(first["tier"], "reported");
    assert_eq!(first["cumulative"], true);
    assert_eq!(first["published"], "2023-09-28");
    assert_eq!(
        first["url"],
        "https://www.nasdaq.com/articles/china-sets-2023-mining-quota-for-tungsten-concentrate-at-111000-metric-tons"
    );
    assert_eq!(first["title"], "China sets 2023 mining quota for tungsten concentrate at 111,000 metric tons");
    // The same wire story on a second site is a citation, not a second announcement.
    let citations = doc["announcements"][1]["citations"].as_array().expect("citations");
    assert_eq!(citations.len(), 1);
    assert_eq!(citations[0]["url"], "https://squidbusiness.fr/2023/12/15/china-issues-third-batch");
    assert_eq!(citations[0]["source"], "Desk wire");
}

#[test]
fn rss_1_0_items_are_read() {
    let doc = json(&[&fixture("rss1.rdf")]);
    assert_eq!(
        summary(&doc),
        [
            "rare-earths 2024 b1 published mining=135000 smelting-separation=127000",
            "tungsten 2024 b1 published mining=62000"
        ]
    );
    assert_eq!(doc["announcements"][1]["published"], "2024-03-21");
}

#[test]
fn atom_entries_forecasts_become_expectations_and_export_controls_give_nothing() {
    let doc = json(&[&fixture("atom.xml")]);
    assert_eq!(summary(&doc), ["rare-earths 2022 b1 published mining=100800"]);
    let expectations = doc["expectations"].as_array().expect("expectations");
    assert_eq!(expectations.len(), 1);
    assert_eq!(expectations[0]["low"], 270000);
    assert_eq!(expectations[0]["high"], 270000);
    assert_eq!(expectations[0]["stage"], "mining");
    assert_eq!(expectations[0]["year"], 2024);
    assert_eq!(
        expectations[0]["who"],
        "Chen Zhanheng, vice secretary-general of the Association of China Rare Earth Industry"
    );
}

#[test]
fn a_gbk_html_list_page_is_decoded_from_its_meta_charset() {
    let doc = json(&[&fixture("list-gbk.html")]);
    // The tungsten notice's own title has no figure (the notice has it): a release without
    // figures; Jiangxi's is a province's and the policy notice none; the 2016 one has its date.
    assert_eq!(summary(&doc), ["tungsten 2025 b1 unpublished", "rare-earths 2016 cum published mining=105000"]);
    assert_eq!(doc["announcements"][0]["title"], "自然资源部关于下达2025年度钨矿开采总量控制指标(第一批)的通知");
    assert_eq!(doc["announcements"][1]["published"], "2016-07-06");
    assert_eq!(doc["announcements"][1]["url"], "http://www.ferro-alloys.cn/News/Details/223717");
    // Read as UTF-8 it would be mojibake: the charset flag overrides the page, as an HTTP
    // header would, and then nothing is found.
    let wrong = json(&["--charset", "utf-8", &fixture("list-gbk.html")]);
    assert_eq!(summary(&wrong), Vec::<String>::new());
}

#[test]
fn plain_text_lines_with_dates_and_a_default_date() {
    let doc = json(&[&fixture("headlines.txt"), "--published", "2018-08-01"]);
    assert_eq!(
        summary(&doc),
        [
            "rare-earths 2024 b1 unpublished",
            "rare-earths 2021 cum published mining=168000",
            "rare-earths 2018 cum published mining=120000",
            "rare-earths 2011 cum published mining=93800",
        ]
    );
    // 今年 is the year of the default date.
    assert_eq!(doc["announcements"][2]["published"], "2018-08-01");
}

#[test]
fn standard_input_csv_and_the_official_tier() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = Command::cargo_bin("quotawatch")
        .expect("binary")
        .env("HOME", home.path())
        .args(["extract", "-", "--format", "csv", "--tier", "official"])
        .write_stdin("2024-02-07\t关于下达2024年第一批稀土开采、冶炼分离总量控制指标的通知 分别为135000吨、127000吨\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "commodity,year,batch,published,stage,category,holder,tonnes,status,title,url,revision,id,tier,cumulative",
        "the same layout as export --format csv"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("rare-earths,2024,1,2024-02-07,mining,total,*,135000,published,"), "{text}");
    assert!(lines[1].ends_with(",official,false"), "{text}");
    assert!(lines[2].starts_with("rare-earths,2024,1,2024-02-07,smelting-separation,total,*,127000,"), "{text}");
}

#[test]
fn nothing_found_is_still_success() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = Command::cargo_bin("quotawatch")
        .expect("binary")
        .env("HOME", home.path())
        .args(["extract"])
        .write_stdin(
            "Benchmark begins public consultation on increasing frequency for rare earth prices to every two weeks\n",
        )
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(doc["announcements"], Value::Array(Vec::new()));
}

#[test]
fn malformed_xml_is_exit_1_with_a_message_naming_the_input() {
    let path = fixture("malformed.xml");
    extract(&[&path]).code(1).stdout(predicate::str::is_empty()).stderr(
        predicate::str::contains(path.as_str()).and(predicate::str::contains("not a readable RSS or Atom feed")),
    );
    extract(&["tests/fixtures/extract/no-such-file.xml"])
        .code(1)
        .stderr(predicate::str::contains("no-such-file.xml: cannot read"));
    extract(&["--published", "yesterday", &fixture("headlines.txt")])
        .code(1)
        .stderr(predicate::str::contains("--published \"yesterday\""));
}

#[test]
fn an_entity_bomb_is_not_expanded() {
    let out = extract(&[&fixture("bomb.xml")]).success().get_output().stdout.clone();
    // A billion laughs would be gigabytes; the entities stay as written.
    assert!(out.len() < 10_000, "{} bytes", out.len());
    let doc: Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(summary(&doc), ["rare-earths 2022 b1 published mining=100800"]);
}

#[test]
fn explain_names_the_text_of_every_figure() {
    extract(&[&fixture("rss1.rdf"), "--explain"])
        .success()
        .stderr(
            predicate::str::contains("mining total * 135000 t ← summary[")
                .and(predicate::str::contains("\"135000吨\"")),
        )
        .stderr(predicate::str::contains("title[12..27] \"六万二千吨\""));
}
