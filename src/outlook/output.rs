//! Headless output of the `expectations`, `calendar` and `events` commands as an aligned
//! table, CSV or JSON, and the consensus notes `report --format table` adds. The CSV
//! headers are a contract for scripts (README.md).

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::calendar::{self, Release};
use super::expectations::{self, Range, Verdict};
use super::{Outlook, events};
use crate::analytics::CommodityHistory;
use crate::format::{pct_plain, pct_signed, plain_number, round_pct, thousands};
use crate::ledger::Ledger;
use crate::model::{Commodity, Stage};
use crate::report::OutputFormat;

pub const EXPECTATIONS_HEADER: [&str; 11] =
    ["commodity", "year", "batch", "stage", "who", "published", "low", "high", "actual", "surprise_pct", "verdict"];
pub const CALENDAR_HEADER: [&str; 7] = ["commodity", "year", "batch", "window_start", "window_end", "median", "status"];
pub const EVENTS_HEADER: [&str; 5] = ["date", "commodity", "kind", "title", "url"];

/// One value, in the three forms the formats need.
#[derive(Debug, Clone)]
enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
    Tonnes(Option<f64>),
    Pct(Option<f64>),
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell::Text(Some(text.into()))
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone().unwrap_or_default(),
            Cell::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Tonnes(t) => t.map(plain_number).unwrap_or_default(),
            Cell::Pct(p) => p.map(pct_plain).unwrap_or_default(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Cell::Text(t) => t.as_ref().map_or(Value::Null, |t| json!(t)),
            Cell::Int(n) => n.map_or(Value::Null, |n| json!(n)),
            Cell::Tonnes(Some(t)) if t.fract() == 0.0 && t.abs() < 9e15 => json!(*t as i64),
            Cell::Tonnes(t) => t.map_or(Value::Null, |t| json!(t)),
            Cell::Pct(p) => p.map_or(Value::Null, |p| json!(round_pct(p))),
        }
    }

    fn table(&self) -> String {
        match self {
            Cell::Text(t) => t.clone().unwrap_or_else(|| "-".into()),
            Cell::Int(n) => n.map_or_else(|| "-".into(), |n| n.to_string()),
            Cell::Tonnes(t) => t.map_or_else(|| "-".into(), thousands),
            Cell::Pct(p) => p.map_or_else(|| "-".into(), pct_signed),
        }
    }

    fn right_aligned(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

fn render(columns: &[&str], rows: &[Vec<Cell>], format: OutputFormat, empty: &str) -> String {
    match format {
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let written = writer
                .write_record(columns)
                .and_then(|()| rows.iter().try_for_each(|row| writer.write_record(row.iter().map(Cell::csv))));
            debug_assert!(written.is_ok(), "writing CSV to memory cannot fail");
            String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        OutputFormat::Json => {
            let rows: Vec<Value> = rows
                .iter()
                .map(|row| {
                    let object: Map<String, Value> =
                        columns.iter().zip(row).map(|(name, cell)| ((*name).to_owned(), cell.json())).collect();
                    Value::Object(object)
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
            text.push('\n');
            text
        }
        OutputFormat::Table if rows.is_empty() => format!("{empty}\n"),
        OutputFormat::Table => {
            let cells: Vec<Vec<String>> = rows.iter().map(|row| row.iter().map(Cell::table).collect()).collect();
            let widths: Vec<usize> = (0..columns.len())
                .map(|i| cells.iter().map(|r| r[i].chars().count()).chain([columns[i].len()]).max().unwrap_or(0))
                .collect();
            let right: Vec<bool> = rows[0].iter().map(Cell::right_aligned).collect();
            let mut out = String::new();
            let mut line = |values: Vec<&str>| {
                let padded: Vec<String> = values
                    .iter()
                    .zip(&widths)
                    .zip(&right)
                    .map(|((v, w), r)| if *r { format!("{v:>w$}") } else { format!("{v:<w$}") })
                    .collect();
                let _ = writeln!(out, "{}", padded.join("  ").trim_end());
            };
            line(columns.to_vec());
            for row in &cells {
                line(row.iter().map(String::as_str).collect());
            }
            out
        }
    }
}

/// `quotawatch expectations`: every expectation with its range in tonnes, the actual and
/// the surprise. The table adds, under it, how full-year percent expectations stand on the
/// year so far.
pub fn render_expectations(
    outlook: &Outlook,
    ledger: &Ledger,
    commodity: Option<&Commodity>,
    format: OutputFormat,
) -> String {
    let histories = CommodityHistory::build_all(ledger.current());
    let mut list: Vec<_> =
        outlook.expectations.iter().filter(|e| commodity.is_none_or(|c| *c == e.commodity)).cloned().collect();
    expectations::sort(&mut list);
    let history_of = |c: &Commodity| histories.iter().find(|h| h.commodity == c);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for e in &list {
        let a = expectations::assess(e, history_of(&e.commodity));
        rows.push(vec![
            Cell::text(e.commodity.to_string()),
            Cell::Int(Some(e.year.into())),
            Cell::Int(e.batch.map(i64::from)),
            Cell::text(e.stage.slug()),
            Cell::Text(e.who.clone()),
            Cell::Text(e.published.map(|d| d.to_string())),
            Cell::Tonnes(a.low),
            Cell::Tonnes(a.high),
            Cell::Tonnes(a.actual),
            Cell::Pct(a.surprise_pct),
            Cell::text(a.verdict.slug()),
        ]);
        if let Range::Pct { low, high } = e.range {
            let words = expectations::pct_words(low, high);
            match (a.low, history_of(&e.commodity).and_then(|h| expectations::assess_year_to_date(e, h))) {
                (_, Some(ytd)) if a.verdict == Verdict::Pending && ytd.verdict != Verdict::Pending => {
                    notes.push(format!(
                        "{} {} {}: {words}; so far ({}) {} against {}-{}: {}",
                        e.commodity,
                        e.year,
                        e.stage,
                        ytd.basis.map(|b| b.label()).unwrap_or_default(),
                        ytd.actual.map(thousands).unwrap_or_default(),
                        ytd.low.map(thousands).unwrap_or_default(),
                        ytd.high.map(thousands).unwrap_or_default(),
                        ytd.verdict.slug()
                    ));
                }
                (None, _) => notes.push(format!(
                    "{} {} {}: {words}, but there is no like-for-like figure a year earlier to put it in tonnes",
                    e.commodity, e.year, e.stage
                )),
                _ => {}
            }
        }
    }
    let mut out = render(&EXPECTATIONS_HEADER, &rows, format, "No expectations match.");
    if format == OutputFormat::Table && !notes.is_empty() {
        out.push_str("\nNotes:\n");
        for note in notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out
}

/// `quotawatch calendar`: the calendar of each commodity (or one) as of `today`.
pub fn render_calendar(
    ledger: &Ledger,
    commodity: Option<&Commodity>,
    today: NaiveDate,
    format: OutputFormat,
) -> String {
    let releases = Release::from_ledger(ledger);
    let commodities: Vec<Commodity> = match commodity {
        Some(c) => vec![c.clone()],
        None => calendar::commodities(&releases),
    };
    let mut rows = Vec::new();
    let mut next = Vec::new();
    for c in &commodities {
        for r in calendar::calendar(&releases, c, today) {
            let dates = r.dates();
            let day = |pick: fn(&(NaiveDate, NaiveDate, NaiveDate)) -> NaiveDate| {
                Cell::Text(dates.as_ref().map(|d| pick(d).to_string()))
            };
            rows.push(vec![
                Cell::text(r.commodity.to_string()),
                Cell::Int(Some(r.year.into())),
                Cell::Int(Some(r.batch.into())),
                day(|d| d.0),
                day(|d| d.1),
                day(|d| d.2),
                Cell::text(r.status.slug()),
            ]);
        }
        if let Some(n) = calendar::next_release(&releases, c, today) {
            next.push(n.header_text(today));
        }
    }
    let mut out = render(&CALENDAR_HEADER, &rows, format, &format!("Nothing outstanding as of {today}."));
    if format == OutputFormat::Table && !next.is_empty() {
        let _ = writeln!(out, "\nAs of {today}:");
        for line in next {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// `quotawatch events`: the timeline, in date order.
pub fn render_events(outlook: &Outlook, commodity: Option<&Commodity>, format: OutputFormat) -> String {
    let rows: Vec<Vec<Cell>> = events::timeline(&outlook.events, commodity)
        .into_iter()
        .map(|e| {
            vec![
                Cell::text(e.date.to_string()),
                Cell::Text(e.commodity.as_ref().map(ToString::to_string)),
                Cell::text(e.kind.slug()),
                Cell::text(e.title.clone()),
                Cell::Text(e.url.clone()),
            ]
        })
        .collect();
    render(&EVENTS_HEADER, &rows, format, "No events match.")
}

/// The notes `report --format table` adds: each expectation of the selected figures with
/// its consensus line (`rare-earths 2024 mining: consensus 270,000 (ACREI 2024-07-03) · …`).
pub fn report_notes(
    outlook: &Outlook,
    ledger: &Ledger,
    commodity: Option<&Commodity>,
    stage: Option<Stage>,
    year: Option<u16>,
) -> Vec<String> {
    let histories = CommodityHistory::build_all(ledger.current());
    let mut list: Vec<_> = outlook
        .expectations
        .iter()
        .filter(|e| commodity.is_none_or(|c| *c == e.commodity))
        .filter(|e| stage.is_none_or(|s| s == e.stage) && year.is_none_or(|y| y == e.year))
        .cloned()
        .collect();
    expectations::sort(&mut list);
    list.iter()
        .map(|e| {
            let a = expectations::assess(e, histories.iter().find(|h| *h.commodity == e.commodity));
            let target = e.batch.map_or_else(|| e.year.to_string(), |b| format!("{} batch {b}", e.year));
            format!("{} {target} {}: {}", e.commodity, e.stage, expectations::consensus_note(&a))
        })
        .collect()
}
