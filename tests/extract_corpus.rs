//! The extractor against a corpus of real headlines and notice titles (with bodies in the
//! style of their outlets), English and Chinese, each with what a careful reader extracts:
//! tests/fixtures/extract/corpus.toml. Every case must match exactly; on the traps of the
//! issue, precision must be 100% (no announcement that should not be there, no wrong figure).

use chrono::NaiveDate;
use quotawatch::extract::{self, ExtractedAnnouncement, FoundExpectation, Item, Options};
use quotawatch::model::Status;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    source: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    published: Option<String>,
    expect: Vec<String>,
    #[serde(default)]
    expectations: Vec<String>,
    #[serde(default)]
    who: Vec<String>,
    kind: Option<String>,
    #[serde(default)]
    trap: bool,
}

fn corpus() -> Vec<Case> {
    let text = std::fs::read_to_string("tests/fixtures/extract/corpus.toml").expect("corpus file");
    toml::from_str::<Corpus>(&text).expect("corpus parses").case
}

fn item(case: &Case) -> Item {
    Item {
        title: case.title.clone(),
        summary: case.summary.clone(),
        body: case.body.clone(),
        link: Some(case.source.split_whitespace().find(|w| w.starts_with("http")).unwrap_or("").to_owned()),
        published: case.published.as_deref().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date")),
        source: None,
    }
}

/// `rare-earths 2024 b1 mining=135000 ...`, rows sorted (the corpus's notation).
fn render(a: &ExtractedAnnouncement) -> String {
    let batch = match (a.batch, a.cumulative) {
        (Some(b), false) => format!("b{b}"),
        (Some(b), true) => format!("cum-b{b}"),
        (None, _) => "cum".to_owned(),
    };
    let mut head = vec![a.commodity.slug().to_owned(), a.year.to_string(), batch];
    if a.status == Status::Unpublished {
        head.push("unpublished".into());
    }
    if a.holders_only && !a.rows.is_empty() {
        head.push("holders-only".into());
    }
    let mut rows: Vec<String> = a
        .rows
        .iter()
        .map(|r| {
            let category = if r.category == "total" { String::new() } else { format!("[{}]", r.category) };
            let holder = r.holder.map(|h| format!("/{h}")).unwrap_or_default();
            format!("{}{category}{holder}={}", r.stage, r.tonnes)
        })
        .collect();
    rows.sort();
    head.extend(rows);
    head.join(" ")
}

/// The corpus notation with its rows sorted, so either order reads the same.
fn normalise(expected: &str) -> String {
    let mut head = Vec::new();
    let mut rows = Vec::new();
    // Holders contain spaces: a row runs from a token with a stage to its `=`.
    let mut current = String::new();
    for token in expected.split(' ') {
        if !current.is_empty() {
            current.push(' ');
            current.push_str(token);
        } else if token.starts_with("mining") || token.starts_with("smelting-separation") {
            current.push_str(token);
        } else {
            head.push(token.to_owned());
            continue;
        }
        if current.contains('=') {
            rows.push(std::mem::take(&mut current));
        }
    }
    rows.sort();
    head.extend(rows);
    head.join(" ")
}

fn render_expectation(e: &FoundExpectation) -> String {
    match (e.tonnes, e.pct) {
        (Some((low, high)), _) => format!("{} {} {} {low}..{high}", e.commodity.slug(), e.year, e.stage),
        (None, Some((low, high))) => format!("{} {} {} {low}%..{high}%", e.commodity.slug(), e.year, e.stage),
        (None, None) => format!("{} {} {} ?", e.commodity.slug(), e.year, e.stage),
    }
}

#[test]
fn the_corpus_is_extracted_as_a_careful_reader_would() {
    let cases = corpus();
    assert!(cases.len() >= 40, "at least 40 cases, got {}", cases.len());
    let chinese = cases.iter().filter(|c| c.title.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))).count();
    assert!(chinese >= 15 && cases.len() - chinese >= 15, "English and Chinese: {chinese} Chinese");
    let mut failures = Vec::new();
    let (mut trap_cases, mut trap_exact, mut trap_wrong_announcements) = (0, 0, 0);
    for case in &cases {
        let found = extract::extract_item(&item(case), &Options::default());
        let (got, expectations, kind) = match &found {
            Some(f) => (
                f.announcements.iter().map(render).collect::<Vec<_>>(),
                f.expectations.iter().map(render_expectation).collect::<Vec<_>>(),
                f.headline.kind.slug(),
            ),
            None => (Vec::new(), Vec::new(), "ignored"),
        };
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let mut want: Vec<String> = case.expect.iter().map(|e| normalise(e)).collect();
        want.sort();
        let whos: Vec<String> =
            found.iter().flat_map(|f| &f.expectations).map(|e| e.who.clone().unwrap_or_default()).collect();
        let mut ok = got_sorted == want && expectations == case.expectations;
        if !case.who.is_empty() {
            ok &= whos == case.who;
        }
        if let Some(kind_wanted) = &case.kind {
            ok &= kind == kind_wanted;
        }
        if case.trap {
            trap_cases += 1;
            trap_exact += usize::from(ok);
            trap_wrong_announcements += got_sorted.iter().filter(|g| !want.contains(g)).count();
        }
        if !ok {
            failures.push(format!(
                "{}\n    want {want:?} {:?} kind {:?}\n    got  {got_sorted:?} {expectations:?} kind {kind:?} who {whos:?}",
                case.title, case.expectations, case.kind
            ));
        }
    }
    assert!(trap_cases >= 30, "the traps of the issue are in the corpus ({trap_cases})");
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // Precision on traps: every announcement extracted from a trap case is one the reader expects.
    assert_eq!(trap_wrong_announcements, 0);
    assert_eq!(trap_exact, trap_cases);
}

#[test]
fn every_figure_says_where_it_was_read() {
    for case in corpus() {
        let Some(found) = extract::extract_item(&item(&case), &Options::default()) else { continue };
        for a in &found.announcements {
            for row in &a.rows {
                let field = match row.span.field {
                    extract::Field::Title => &case.title,
                    extract::Field::Summary => &case.summary,
                    extract::Field::Body => &case.body,
                };
                assert_eq!(field.get(row.span.start..row.span.end), Some(row.span.text.as_str()), "{}", case.title);
                assert!(row.span.text.chars().any(|c| c.is_ascii_digit() || "一二三四五六七八九十万".contains(c)));
            }
        }
    }
}

#[test]
fn the_same_wire_story_on_several_sites_is_one_announcement_with_citations() {
    let cases = corpus();
    let third_batch: Vec<Item> =
        cases.iter().filter(|c| c.title.contains("third batch of rare earth")).map(item).collect();
    assert_eq!(third_batch.len(), 2);
    let found = extract::extract(&third_batch, &Options::default());
    assert_eq!(found.announcements.len(), 1, "{:?}", found.announcements);
    let a = &found.announcements[0];
    assert_eq!(a.citations.len(), 1);
    assert_eq!(a.citations[0].url.as_deref(), Some("https://squidbusiness.fr/2023/12/15/china-issues-third-batch"));
    assert_eq!(found.headlines.len(), 2);
    // Simplified and traditional copies of the 2016 figure are one too.
    let copies: Vec<Item> = cases.iter().filter(|c| c.title.starts_with("2016年全")).map(item).collect();
    let found = extract::extract(&copies, &Options::default());
    let rare_earths: Vec<_> = found.announcements.iter().filter(|a| a.commodity.slug() == "rare-earths").collect();
    assert_eq!(rare_earths.len(), 1);
    assert_eq!(rare_earths[0].citations.len(), 1);
}

#[test]
fn tier_is_an_input() {
    let case = &corpus()[0];
    let official = extract::extract_item(&item(case), &Options { tier: extract::Tier::Official }).expect("found");
    assert!(official.announcements.iter().all(|a| a.tier == extract::Tier::Official));
    let reported = extract::extract_item(&item(case), &Options::default()).expect("found");
    assert!(reported.announcements.iter().all(|a| a.tier == extract::Tier::Reported));
}
