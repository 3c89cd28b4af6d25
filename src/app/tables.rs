//! The rows of each table view, built from state: what `update` selects and drills into,
//! and what the UI draws, from one definition.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::derived::stage_index;
use super::state::{Level, SourceState, State, View, category_filter};
use crate::analytics::{Growth, Measure, YearPoint};
use crate::format::{pct_signed, thousands};
use crate::model::{AnnouncementKey, Stage, Status, TOTAL_CATEGORY, batch_label};

/// How a cell should look; the theme decides the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Muted,
    Up,
    Down,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// What Enter acts on (a stage slug, a category, a holder, a source name).
    pub key: String,
    pub cells: Vec<(String, Tone)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableModel {
    pub title: String,
    pub header: Vec<String>,
    /// Column widths in cells; 0 marks a column that takes what is left.
    pub widths: Vec<u16>,
    pub right_aligned: Vec<bool>,
    pub rows: Vec<TableRow>,
    /// Shown instead of rows when there are none.
    pub empty: String,
}

impl TableModel {
    fn new(title: String, columns: &[(&'static str, u16, bool)], empty: &str) -> TableModel {
        TableModel {
            title,
            header: columns.iter().map(|c| c.0.to_owned()).collect(),
            widths: columns.iter().map(|c| c.1).collect(),
            right_aligned: columns.iter().map(|c| c.2).collect(),
            rows: Vec::new(),
            empty: empty.to_owned(),
        }
    }

    fn push(&mut self, key: impl Into<String>, cells: Vec<(String, Tone)>) {
        self.rows.push(TableRow { key: key.into(), cells });
    }

    /// The table as CSV, as a spreadsheet wants it: the header, then the rows as shown,
    /// numbers without thousands separators ("135000", "+5.9%") so they stay numbers.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(&self.header);
        for row in &self.rows {
            let _ = writer.write_record(row.cells.iter().map(|(text, _)| spreadsheet_cell(text)));
        }
        writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
    }
}

/// "135,000" → "135000" and "-1,200.5%" → "-1200.5%"; any other text is kept as it is.
fn spreadsheet_cell(text: &str) -> String {
    let digits = text.trim_start_matches(['+', '-']).trim_end_matches('%');
    let numeric = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    if numeric { text.replace(',', "") } else { text.to_owned() }
}

fn plain(text: impl Into<String>) -> (String, Tone) {
    (text.into(), Tone::Normal)
}

/// Tonnes without the unit: tables name the unit once, in their title.
fn tonnes(value: Option<f64>) -> (String, Tone) {
    match value {
        Some(t) => plain(thousands(t)),
        None => ("unpublished".into(), Tone::Muted),
    }
}

/// Growth with its sign, coloured by direction.
pub fn growth_cell(growth: Option<&Growth>) -> (String, Tone) {
    match growth {
        Some(g) if g.pct > 0.05 => (pct_signed(g.pct), Tone::Up),
        Some(g) if g.pct < -0.05 => (pct_signed(g.pct), Tone::Down),
        Some(g) => (pct_signed(g.pct), Tone::Normal),
        None => ("-".into(), Tone::Muted),
    }
}

fn basis_cell(growth: Option<&Growth>) -> (String, Tone) {
    growth.map_or_else(|| ("-".into(), Tone::Muted), |g| (g.basis.slug(), Tone::Muted))
}

/// The basis, or why there is none: a partial year (a batch withheld or without this split).
fn point_basis_cell(point: &YearPoint) -> (String, Tone) {
    match &point.growth {
        None if point.partial => ("partial year".into(), Tone::Warning),
        growth => basis_cell(growth.as_ref()),
    }
}

fn share_cell(share: Option<f64>) -> (String, Tone) {
    share.map_or_else(|| ("-".into(), Tone::Muted), |s| plain(format!("{s:.1}%")))
}

/// Relative age for people: "12s ago", "5m ago", "3h ago", "2d ago".
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds().max(0);
    match seconds {
        0..60 => format!("{seconds}s ago"),
        60..3_600 => format!("{}m ago", seconds / 60),
        3_600..86_400 => format!("{}h ago", seconds / 3_600),
        _ => format!("{}d ago", seconds / 86_400),
    }
}

/// "rev 1, was 135,000" for a batch whose figures a revision replaced: how many times, and
/// the value of `measure` in the version it replaced (when that differs). `None` for a
/// batch never revised.
pub fn revision_note(state: &State, year: u16, batch: u8, measure: &Measure) -> Option<String> {
    let commodity = state.current_commodity()?.clone();
    let entry = state.ledger.entry(&AnnouncementKey { commodity, year, batch })?;
    if !entry.is_revised() {
        return None;
    }
    let mut note = format!("rev {}", entry.revisions());
    let now = measure.value(&entry.current().announcement);
    if let Some(previous) = entry.replaced() {
        let was = measure.value(&previous.announcement);
        if was != now {
            let was = match (was, previous.announcement.status) {
                (Some(t), _) => thousands(t),
                (None, Status::Unpublished) => "unpublished".into(),
                (None, Status::Published) => "-".into(),
            };
            note.push_str(&format!(", was {was}"));
        }
    }
    Some(note)
}

/// The table of the current view (none for the overview), with the row filter applied.
pub fn current_table(state: &State) -> Option<TableModel> {
    let mut table = match state.view {
        View::Overview => return None,
        View::Stages => match state.level() {
            Level::Stages { .. } => stages(state),
            Level::Categories { stage, .. } => categories(state, *stage),
            Level::Holders { stage, category, .. } => holders(state, *stage, category),
            Level::History { stage, category, holder, .. } => history(state, *stage, category, holder),
        },
        View::Producers => producers(state),
        View::Sources => sources(state),
        View::Log => log(state),
    };
    if !state.filter.is_empty() {
        let needle = state.filter.to_lowercase();
        table.rows.retain(|row| row.cells.iter().any(|(text, _)| text.to_lowercase().contains(&needle)));
        table.title.push_str(&format!(" (filter: {})", state.filter));
    }
    Some(table)
}

fn unit(state: &State) -> &'static str {
    state.current_commodity().map_or("t", |c| c.unit())
}

fn year_label(state: &State) -> String {
    state.year.map_or_else(|| "-".into(), |y| y.to_string())
}

fn stages(state: &State) -> TableModel {
    let columns =
        [("Stage", 21, false), ("Tonnes", 10, true), ("YoY", 7, true), ("Basis", 11, false), ("Batches", 0, false)];
    let title = format!("{} {} · stages · {}", commodity_name(state), year_label(state), unit(state));
    let mut table = TableModel::new(title, &columns, "No announcements for this year.");
    let Some(year) = state.year else { return table };
    for stage in Stage::ALL {
        let Some(point) = state.derived.year_point(stage, year) else { continue };
        let batches = state
            .derived
            .batches_used(stage, year)
            .map(|b| {
                let text = match (b.tonnes, point.tonnes) {
                    (Some(t), Some(total)) if total > 0.0 => {
                        format!("{} {:.0}%", short_batch(b.batch), t / total * 100.0)
                    }
                    _ => format!("{} unpublished", short_batch(b.batch)),
                };
                match revision_note(state, year, b.batch, &Measure::Stage(stage)) {
                    Some(note) => format!("{text} ({note})"),
                    None => text,
                }
            })
            .collect::<Vec<_>>()
            .join(" · ");
        table.push(
            stage.slug(),
            vec![
                plain(stage.label()),
                tonnes(point.tonnes),
                growth_cell(point.growth.as_ref()),
                point_basis_cell(point),
                (batches, Tone::Muted),
            ],
        );
    }
    table
}

fn short_batch(batch: u8) -> String {
    if batch == 0 { "full year".into() } else { format!("b{batch}") }
}

fn categories(state: &State, stage: Stage) -> TableModel {
    let columns =
        [("Category", 16, false), ("Tonnes", 10, true), ("Share", 7, true), ("YoY", 7, true), ("Basis", 0, false)];
    let title =
        format!("{} {} · {} · categories · {}", commodity_name(state), year_label(state), stage.slug(), unit(state));
    let mut table = TableModel::new(title, &columns, "No figures for this year.");
    let Some(year) = state.year else { return table };
    for series in &state.derived.categories[stage_index(stage)] {
        let Some(point) = series.points.iter().find(|p| p.year == year && p.tonnes.is_some()) else { continue };
        let share = series.share_pct.get(&year).copied();
        table.push(
            series.name.clone(),
            vec![
                plain(series.name.clone()),
                tonnes(point.tonnes),
                share_cell(share),
                growth_cell(point.growth.as_ref()),
                point_basis_cell(point),
            ],
        );
    }
    if let Some(point) = state.derived.year_point(stage, year).filter(|p| p.tonnes.is_some()) {
        table.push(
            TOTAL_CATEGORY,
            vec![
                plain("all categories"),
                tonnes(point.tonnes),
                share_cell(Some(100.0)),
                growth_cell(point.growth.as_ref()),
                point_basis_cell(point),
            ],
        );
    }
    table
}

fn holders(state: &State, stage: Stage, category: &str) -> TableModel {
    let columns =
        [("Holder", 36, false), ("Tonnes", 10, true), ("Share", 7, true), ("YoY", 7, true), ("Basis", 0, false)];
    let shown = if category == TOTAL_CATEGORY { "all categories" } else { category };
    let title = format!(
        "{} {} · {} · {shown} · holders · {}",
        commodity_name(state),
        year_label(state),
        stage.slug(),
        unit(state)
    );
    let mut table = TableModel::new(title, &columns, "No holder allocations published for this year.");
    let Some(year) = state.year else { return table };
    let key = (stage, category_filter(category).map(str::to_owned));
    for row in state.derived.holders.get(&key).into_iter().flatten().filter(|r| r.year == year) {
        table.push(
            row.holder.clone(),
            vec![
                plain(row.holder.clone()),
                tonnes(Some(row.tonnes)),
                share_cell(row.share_pct),
                growth_cell(row.growth.as_ref()),
                basis_cell(row.growth.as_ref()),
            ],
        );
    }
    table
}

fn history(state: &State, stage: Stage, category: &str, holder: &str) -> TableModel {
    let columns = [
        ("Year", 6, true),
        ("Batch", 10, false),
        ("Tonnes", 10, true),
        ("vs same batch", 14, true),
        ("Revised", 0, false),
    ];
    let shown = if category == TOTAL_CATEGORY { "all categories" } else { category };
    let title = format!("{} · {} · {shown} · {holder} · {}", commodity_name(state), stage.slug(), unit(state));
    let mut table = TableModel::new(title, &columns, "No figures for this holder.");
    let measure = Measure::Holder { stage, category: category_filter(category), holder };
    if let Level::History { points, .. } = state.level() {
        for p in points.iter().rev() {
            table.push(
                format!("{}-{}", p.year, p.batch),
                vec![
                    plain(p.year.to_string()),
                    plain(batch_label(p.batch)),
                    tonnes(p.tonnes),
                    growth_cell(p.growth.as_ref()),
                    revision_note(state, p.year, p.batch, &measure)
                        .map_or_else(|| ("-".into(), Tone::Muted), |note| (note, Tone::Warning)),
                ],
            );
        }
    }
    table
}

/// Years shown as columns in the producers table: as many recent ones as are useful.
const PRODUCER_YEARS: usize = 8;

fn producers(state: &State) -> TableModel {
    let i = stage_index(state.stage);
    let holder_rows = state.derived.holders.get(&(state.stage, None)).map(Vec::as_slice).unwrap_or_default();
    let mut years: Vec<u16> = state.derived.concentration[i].iter().map(|c| c.year).collect();
    years.drain(..years.len().saturating_sub(PRODUCER_YEARS));
    let mut columns = vec![("Holder", 38, false)];
    columns.extend(years.iter().map(|_| ("", 9, true)));
    let title = format!("{} · {} · holder shares by year", commodity_name(state), state.stage.slug());
    let mut table = TableModel::new(title, &columns, "No holder allocations published for this stage.");
    // Each holder's share per shown year, gathered in one pass over the rows (a lookup per
    // holder and year was quadratic in holders).
    let mut shares: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
    for r in holder_rows {
        if let Some(column) = years.iter().position(|y| *y == r.year) {
            // One row per holder and year: holder_years makes them so.
            shares.entry(r.holder.as_str()).or_insert_with(|| vec![None; years.len()])[column] = r.share_pct;
        }
    }
    for (name, by_year) in shares {
        let mut cells = vec![plain(name)];
        for share in by_year {
            cells.push(share.map_or_else(|| ("·".into(), Tone::Muted), |s| plain(format!("{s:.1}%"))));
        }
        table.push(name, cells);
    }
    if !years.is_empty() {
        let concentration = &state.derived.concentration[i];
        let summary = |label: &str, value: &dyn Fn(&crate::analytics::Concentration) -> String| {
            let mut cells = vec![(label.to_owned(), Tone::Warning)];
            for year in &years {
                let c = concentration.iter().find(|c| c.year == *year);
                cells.push((c.map_or_else(|| "·".into(), value), Tone::Warning));
            }
            cells
        };
        table.push("holders", summary("holder count", &|c| c.holders.to_string()));
        table.push("hhi", summary("HHI (0-10,000)", &|c| format!("{:.0}", c.hhi)));
        table.push("coverage", summary("share covered", &|c| format!("{:.0}%", c.coverage_pct)));
    }
    table.header = std::iter::once("Holder".to_owned()).chain(years.iter().map(u16::to_string)).collect();
    table
}

fn sources(state: &State) -> TableModel {
    let columns = [
        ("Source", 14, false),
        ("Kind", 7, false),
        ("State", 8, false),
        ("Last success", 12, false),
        ("Last error", 0, false),
        ("Next poll", 9, false),
        ("HTTP", 18, false),
        ("Accepted", 8, true),
        ("Rejected", 8, true),
    ];
    let mut table = TableModel::new("sources".into(), &columns, "No sources.");
    for s in &state.sources {
        let state_cell = match s.state {
            SourceState::Pending => ("waiting".into(), Tone::Muted),
            SourceState::Ok => ("ok".into(), Tone::Up),
            SourceState::Failing => ("failing".into(), Tone::Down),
            SourceState::Stale => ("stale".into(), Tone::Warning),
            SourceState::Disabled => ("disabled".into(), Tone::Muted),
        };
        let error = s.last_error.as_ref().map_or_else(
            || ("-".into(), Tone::Muted),
            |(at, text)| (format!("{} {text}", age(state.now, *at)), Tone::Down),
        );
        table.push(
            s.name.clone(),
            vec![
                plain(s.name.clone()),
                plain(s.kind),
                state_cell,
                s.last_success.map_or_else(|| ("never".into(), Tone::Muted), |t| plain(age(state.now, t))),
                error,
                s.next_poll.map_or_else(|| ("-".into(), Tone::Muted), |t| plain(age(t, state.now).replace(" ago", ""))),
                match s.http {
                    Some((status, bytes)) => {
                        let text = format!("{status} · {} · {}×304", bytesize::ByteSize(bytes), s.not_modified);
                        (text, if status >= 400 { Tone::Down } else { Tone::Normal })
                    }
                    None => ("-".into(), Tone::Muted),
                },
                plain(s.accepted.to_string()),
                if s.rejected > 0 { (s.rejected.to_string(), Tone::Warning) } else { plain("0") },
            ],
        );
    }
    table
}

fn log(state: &State) -> TableModel {
    let columns = [("Time (UTC)", 20, false), ("Event", 9, false), ("Detail", 0, false)];
    let mut table = TableModel::new("event log".into(), &columns, "Nothing has happened yet.");
    for (n, entry) in state.log.iter().enumerate().rev() {
        let tone = match entry.kind {
            super::state::LogKind::Rejected | super::state::LogKind::SourceError => Tone::Down,
            super::state::LogKind::Conflict | super::state::LogKind::Revision | super::state::LogKind::Warning => {
                Tone::Warning
            }
            _ => Tone::Normal,
        };
        table.push(
            n.to_string(),
            vec![
                plain(entry.at.format("%Y-%m-%d %H:%M:%S").to_string()),
                (entry.kind.label().into(), tone),
                plain(entry.text.clone()),
            ],
        );
    }
    table
}

fn commodity_name(state: &State) -> &str {
    state.current_commodity().map_or("", |c| c.as_str())
}
