//! Headless output of the figures: `quotawatch report` as an aligned table, CSV or JSON.
//!
//! The CSV headers and JSON keys are a contract that scripts rely on; see README.md.
//! The table format adds each figure's tier (how authoritative it is); CSV and JSON keep
//! their documented columns, in which tonnes are in the commodity's unit (README.md).

mod notes;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::analytics::{self, CommodityHistory, Growth, Measure};
use crate::format::{pct_plain, pct_signed, plain_number, round_pct, thousands};
use crate::ledger::Ledger;
use crate::model::{Announcement, Commodity, Stage, Tier};

/// What one row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// One row per commodity, year and stage total.
    Year,
    /// One row per commodity, year, batch and stage.
    Batch,
    /// One row per commodity, year, stage and holder.
    Holder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
}

/// Which figures to report; `None` means all.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub commodity: Option<Commodity>,
    pub stage: Option<Stage>,
    pub year: Option<u16>,
}

/// One value of a report row.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Int(i64),
    Tonnes(f64, &'static str),
    Pct(Option<f64>),
    /// Growth as a percentage, shown signed in tables.
    Growth(Option<f64>),
    Optional(Option<String>),
}

/// Rows with named columns, independent of the output format.
#[derive(Debug, Clone, PartialEq)]
struct Table {
    columns: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
}

/// Builds the report's rows and notes from the ledger's current figures.
pub fn render(ledger: &Ledger, by: By, filter: &Filter, format: OutputFormat) -> String {
    let histories = CommodityHistory::build_all(ledger.current());
    let selected: Vec<_> =
        histories.iter().filter(|h| filter.commodity.as_ref().is_none_or(|c| c == h.commodity)).collect();
    let tiers = Tiers::new(ledger);
    let table = match by {
        By::Year => by_year(&selected, filter, &tiers),
        By::Batch => by_batch(&selected, filter, &tiers),
        By::Holder => by_holder(&selected, filter, &tiers),
    };
    match format {
        OutputFormat::Csv => to_csv(&table),
        OutputFormat::Json => to_json(&table),
        OutputFormat::Table => {
            let mut out = to_text(&table);
            let weaker_tier_shown =
                table.rows.iter().any(|row| matches!(row.last(), Some(Cell::Text(t)) if t != Tier::Official.slug()));
            out.push_str(&notes::notes(ledger, &selected, filter, weaker_tier_shown));
            out
        }
    }
}

/// The current announcements by commodity and year, to say which tier a figure is.
struct Tiers<'l> {
    by_year: BTreeMap<(&'l Commodity, u16), Vec<&'l Announcement>>,
}

impl<'l> Tiers<'l> {
    fn new(ledger: &'l Ledger) -> Self {
        let mut by_year: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for a in ledger.current() {
            by_year.entry((&a.key.commodity, a.key.year)).or_default().push(a);
        }
        Tiers { by_year }
    }

    /// The tier of a figure of `year` (of one `batch`, or summed over the year): a sum is
    /// only as good as the weakest figure in it.
    fn of(&self, commodity: &Commodity, year: u16, batch: Option<u8>, measure: &Measure<'_>) -> Tier {
        self.by_year
            .get(&(commodity, year))
            .into_iter()
            .flatten()
            .filter(|a| batch.is_none_or(|b| a.key.batch == b) && measure.value(a).is_some())
            .map(|a| a.tier)
            .min()
            .unwrap_or_default()
    }
}

/// The tier cell that ends every row.
fn tier_cell(tier: Tier) -> Cell {
    Cell::Text(tier.slug().to_owned())
}

/// The column only the table format shows: CSV and JSON columns are a contract for scripts.
const TIER_COLUMN: &str = "tier";

fn stages(filter: &Filter) -> Vec<Stage> {
    Stage::ALL.into_iter().filter(|s| filter.stage.is_none_or(|f| f == *s)).collect()
}

fn growth_cells(growth: Option<Growth>) -> [Cell; 2] {
    [Cell::Growth(growth.map(|g| g.pct)), Cell::Optional(growth.map(|g| g.basis.slug()))]
}

fn by_year(histories: &[&CommodityHistory<'_>], filter: &Filter, tiers: &Tiers<'_>) -> Table {
    let mut rows = Vec::new();
    for h in histories {
        for point in stages(filter)
            .into_iter()
            .flat_map(|stage| analytics::year_series(h, &Measure::Stage(stage)).into_iter().map(move |p| (stage, p)))
        {
            let (stage, p) = point;
            let Some(tonnes) = p.tonnes.filter(|_| filter.year.is_none_or(|y| y == p.year)) else { continue };
            let mut row = vec![
                Cell::Text(h.commodity.to_string()),
                Cell::Int(p.year.into()),
                Cell::Text(stage.slug().into()),
                Cell::Tonnes(tonnes, h.commodity.unit()),
            ];
            row.extend(growth_cells(p.growth));
            row.push(tier_cell(tiers.of(h.commodity, p.year, None, &Measure::Stage(stage))));
            rows.push(row);
        }
    }
    sort_rows(&mut rows, &[0, 1, 2]);
    Table { columns: &["commodity", "year", "stage", "tonnes", "yoy_pct", "basis", "tier"], rows }
}

fn by_batch(histories: &[&CommodityHistory<'_>], filter: &Filter, tiers: &Tiers<'_>) -> Table {
    let mut rows = Vec::new();
    for h in histories {
        for stage in stages(filter) {
            for p in analytics::batch_series(h, &Measure::Stage(stage)) {
                let Some(tonnes) = p.tonnes.filter(|_| filter.year.is_none_or(|y| y == p.year)) else { continue };
                let mut row = vec![
                    Cell::Text(h.commodity.to_string()),
                    Cell::Int(p.year.into()),
                    Cell::Int(p.batch.into()),
                    Cell::Text(stage.slug().into()),
                    Cell::Tonnes(tonnes, h.commodity.unit()),
                ];
                row.extend(growth_cells(p.growth));
                let tier = tiers.of(h.commodity, p.year, Some(p.batch), &Measure::Stage(stage));
                row.push(tier_cell(tier));
                rows.push(row);
            }
        }
    }
    sort_rows(&mut rows, &[0, 1, 2, 3]);
    Table { columns: &["commodity", "year", "batch", "stage", "tonnes", "yoy_pct", "basis", "tier"], rows }
}

fn by_holder(histories: &[&CommodityHistory<'_>], filter: &Filter, tiers: &Tiers<'_>) -> Table {
    let mut rows = Vec::new();
    for h in histories {
        for stage in stages(filter) {
            for r in analytics::holder_years(h, stage, None) {
                if filter.year.is_some_and(|y| y != r.year) {
                    continue;
                }
                let measure = Measure::Holder { stage, category: None, holder: &r.holder };
                let tier = tiers.of(h.commodity, r.year, None, &measure);
                let mut row = vec![
                    Cell::Text(h.commodity.to_string()),
                    Cell::Int(r.year.into()),
                    Cell::Text(stage.slug().into()),
                    Cell::Text(r.holder),
                    Cell::Tonnes(r.tonnes, h.commodity.unit()),
                    Cell::Pct(r.share_pct),
                    Cell::Growth(r.growth.map(|g| g.pct)),
                ];
                row.push(tier_cell(tier));
                rows.push(row);
            }
        }
    }
    sort_rows(&mut rows, &[0, 1, 2, 3]);
    Table { columns: &["commodity", "year", "stage", "holder", "tonnes", "share_pct", "yoy_pct", "tier"], rows }
}

/// Orders rows by the given key columns (commodity, year, ... ) so output is stable.
fn sort_rows(rows: &mut [Vec<Cell>], keys: &[usize]) {
    let key = |row: &Vec<Cell>| -> Vec<String> {
        keys.iter()
            .map(|&i| match &row[i] {
                Cell::Int(n) => format!("{n:020}"),
                other => csv_value(other),
            })
            .collect()
    };
    rows.sort_by_cached_key(key);
}

fn csv_value(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Tonnes(t, _) => plain_number(*t),
        Cell::Pct(p) | Cell::Growth(p) => p.map(pct_plain).unwrap_or_default(),
        Cell::Optional(text) => text.clone().unwrap_or_default(),
    }
}

/// How many leading columns CSV and JSON carry: all but the table's tier column (the last).
fn script_columns(table: &Table) -> usize {
    table.columns.iter().position(|c| *c == TIER_COLUMN).unwrap_or(table.columns.len())
}

fn to_csv(table: &Table) -> String {
    let n = script_columns(table);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = writer
        .write_record(&table.columns[..n])
        .and_then(|()| table.rows.iter().try_for_each(|row| writer.write_record(row[..n].iter().map(csv_value))));
    debug_assert!(written.is_ok(), "writing CSV to memory cannot fail");
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn json_value(cell: &Cell) -> Value {
    match cell {
        Cell::Text(text) => json!(text),
        Cell::Int(n) => json!(n),
        Cell::Tonnes(t, _) if t.fract() == 0.0 && t.abs() < 9e15 => json!(*t as i64),
        Cell::Tonnes(t, _) => json!(t),
        Cell::Pct(p) | Cell::Growth(p) => p.map_or(Value::Null, |p| json!(round_pct(p))),
        Cell::Optional(text) => text.as_ref().map_or(Value::Null, |t| json!(t)),
    }
}

fn to_json(table: &Table) -> String {
    let n = script_columns(table);
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|row| {
            let object: Map<String, Value> =
                table.columns[..n].iter().zip(row).map(|(name, cell)| ((*name).to_owned(), json_value(cell))).collect();
            Value::Object(object)
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

fn text_value(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Tonnes(t, unit) => format!("{} {unit}", thousands(*t)),
        Cell::Pct(p) => p.map_or_else(|| "-".into(), |p| format!("{}%", pct_plain(p))),
        Cell::Growth(p) => p.map_or_else(|| "-".into(), pct_signed),
        Cell::Optional(text) => text.clone().unwrap_or_else(|| "-".into()),
    }
}

fn to_text(table: &Table) -> String {
    if table.rows.is_empty() {
        return "No figures match.\n".into();
    }
    let columns = table.columns;
    let cells: Vec<Vec<String>> = table.rows.iter().map(|row| row.iter().map(text_value).collect()).collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| cells.iter().map(|r| r[i].chars().count()).chain([columns[i].len()]).max().unwrap_or(0))
        .collect();
    let numeric: Vec<bool> = table.rows[0]
        .iter()
        .map(|c| matches!(c, Cell::Int(_) | Cell::Tonnes(..) | Cell::Pct(_) | Cell::Growth(_)))
        .collect();
    let mut out = String::new();
    let mut line = |values: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = values
            .zip(&widths)
            .zip(&numeric)
            .map(|((v, w), right)| if *right { format!("{v:>w$}") } else { format!("{v:<w$}") })
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&mut columns.iter().copied());
    for row in &cells {
        line(&mut row.iter().map(String::as_str));
    }
    out
}
