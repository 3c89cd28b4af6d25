//! The rows of each table view, built from state: what `update` selects and drills into,
//! and what the UI draws, from one definition.

use std::collections::BTreeMap;

use super::cells::{
    age, basis, batch_tier, batch_tier_note, growth, missing, muted, plain, point_basis, revision_note, share,
    short_batch, tier, tonnes, year_tier, year_withheld,
};
use super::table::{Column, RowKey, Span, TableView, Tone};
use crate::analytics::Measure;
use crate::app::derived::stage_index;
use crate::app::log::LogKind;
use crate::app::nav::{Level, View};
use crate::app::source_view::SourceState;
use crate::app::state::State;
use crate::model::{Stage, batch_label};

/// The table of the current view (none for the overview), with the row filter applied.
pub fn table(state: &State) -> Option<TableView> {
    let mut table = match state.view() {
        View::Overview => return None,
        View::Stages => match state.level() {
            Level::Stages { .. } => stages(state),
            Level::Categories { stage, .. } => categories(state, *stage),
            Level::Holders { stage, category, .. } => holders(state, *stage, category.as_deref()),
            Level::History { stage, category, holder, .. } => history(state, *stage, category.as_deref(), holder),
        },
        View::Producers => producers(state),
        View::Sources => sources(state),
        View::Log => log(state),
        View::Timeline => super::timeline::timeline(state),
        View::Headlines => headlines(state),
    };
    table.filter(state.filter());
    if let Some((column, descending)) = state.sort().column() {
        table.sort_by(column, descending);
    }
    Some(table)
}

fn unit(state: &State) -> &'static str {
    state.commodity().map_or("t", |c| c.unit())
}

fn commodity_name(state: &State) -> &str {
    state.commodity().map_or("", |c| c.as_str())
}

fn year_label(state: &State) -> String {
    state.year().map_or_else(|| "-".into(), |y| y.to_string())
}

fn category_label(category: Option<&str>) -> &str {
    category.unwrap_or("all categories")
}

fn stages(state: &State) -> TableView {
    let columns = vec![
        Column::left("Stage"),
        Column::right("Tonnes"),
        Column::right("YoY"),
        Column::left("Tier"),
        Column::left("Basis"),
        Column::flex("Batches"),
    ];
    let title = format!("{} {} · stages · {}", commodity_name(state), year_label(state), unit(state));
    let mut table = TableView::new(title, columns, "No announcements for this year.");
    let (Some(year), Some(commodity)) = (state.year(), state.commodity()) else { return table };
    let derived = state.derived();
    for stage in Stage::ALL {
        let Some(point) = derived.year_point(stage, year) else { continue };
        let used: Vec<_> = derived.batches_used(stage, year).collect();
        let batches = used
            .iter()
            .map(|b| {
                let text = match (b.tonnes, point.tonnes) {
                    (Some(t), Some(total)) if total > 0.0 => {
                        format!("{} {:.0}%", short_batch(b.batch), t / total * 100.0)
                    }
                    (Some(t), _) => format!("{} {}", short_batch(b.batch), crate::format::thousands(t)),
                    (None, _) => {
                        let why = missing(b.status == crate::model::Status::Unpublished).text;
                        format!("{} {why}", short_batch(b.batch))
                    }
                };
                let revision = revision_note(state.ledger(), commodity, year, b.batch, &Measure::Stage(stage));
                let tier = b.tonnes.and_then(|_| batch_tier_note(state.ledger(), commodity, year, b.batch));
                let notes: Vec<String> = revision.into_iter().chain(tier).collect();
                if notes.is_empty() { text } else { format!("{text} ({})", notes.join("; ")) }
            })
            .collect::<Vec<_>>()
            .join(" · ");
        table.push(
            RowKey::Stage(stage),
            vec![
                plain(stage.label()),
                tonnes(point.tonnes, year_withheld(&used)),
                growth(point.growth.as_ref()),
                year_tier(state.ledger(), commodity, year, &used).map_or_else(|| muted("-"), tier),
                point_basis(point),
                muted(batches),
            ],
        );
    }
    table
}

fn categories(state: &State, stage: Stage) -> TableView {
    let columns = vec![
        Column::left("Category"),
        Column::right("Tonnes"),
        Column::right("Share"),
        Column::right("YoY"),
        Column::flex("Basis"),
    ];
    let title =
        format!("{} {} · {} · categories · {}", commodity_name(state), year_label(state), stage.slug(), unit(state));
    let mut table = TableView::new(title, columns, "No figures for this year.");
    let Some(year) = state.year() else { return table };
    let derived = state.derived();
    for series in &derived.categories[stage_index(stage)] {
        let Some(point) = series.points.iter().find(|p| p.year == year && p.tonnes.is_some()) else { continue };
        table.push(
            RowKey::Category(Some(series.name.clone())),
            vec![
                plain(series.name.clone()),
                tonnes(point.tonnes, false),
                share(series.share_pct.get(&year).copied()),
                growth(point.growth.as_ref()),
                point_basis(point),
            ],
        );
    }
    if let Some(point) = derived.year_point(stage, year).filter(|p| p.tonnes.is_some()) {
        table.push(
            RowKey::Category(None),
            vec![
                plain("all categories"),
                tonnes(point.tonnes, false),
                share(Some(100.0)),
                growth(point.growth.as_ref()),
                point_basis(point),
            ],
        );
    }
    table
}

fn holders(state: &State, stage: Stage, category: Option<&str>) -> TableView {
    let columns = vec![
        Column::left(holder_header(state)),
        Column::right("Tonnes"),
        Column::right("Share"),
        Column::right("YoY"),
        Column::flex("Basis"),
    ];
    let title = format!(
        "{} {} · {} · {} · holders · {}",
        commodity_name(state),
        year_label(state),
        stage.slug(),
        category_label(category),
        unit(state)
    );
    let mut table = TableView::new(title, columns, "No holder allocations published for this year.");
    let Some(year) = state.year() else { return table };
    let key = (stage, category.map(str::to_owned));
    for row in state.derived().holders.get(&key).into_iter().flatten().filter(|r| r.year == year) {
        table.push(
            RowKey::Holder(row.holder.clone()),
            vec![
                plain(row.holder.clone()),
                tonnes(Some(row.tonnes), false),
                share(row.share_pct),
                growth(row.growth.as_ref()),
                basis(row.growth.as_ref()),
            ],
        );
    }
    table
}

/// Holders of rare earths are producer groups; of tungsten and antimony, provinces.
fn holder_header(state: &State) -> &'static str {
    match state.commodity().map(|c| c.as_str()) {
        Some("rare-earths") | None => "Holder (group)",
        Some(_) => "Holder (province)",
    }
}

fn history(state: &State, stage: Stage, category: Option<&str>, holder: &str) -> TableView {
    let columns = vec![
        Column::right("Year"),
        Column::left("Batch"),
        Column::right("Tonnes"),
        Column::right("vs same batch"),
        Column::left("Tier"),
        Column::flex("Revised"),
    ];
    let title = format!(
        "{} · {} · {} · {holder} · {}",
        commodity_name(state),
        stage.slug(),
        category_label(category),
        unit(state)
    );
    let mut table = TableView::new(title, columns, "No figures for this holder.");
    let Some(commodity) = state.commodity() else { return table };
    let measure = Measure::Holder { stage, category, holder };
    if let Level::History { points, .. } = state.level() {
        for p in points.iter().rev() {
            let revised = revision_note(state.ledger(), commodity, p.year, p.batch, &measure)
                .map_or_else(|| muted("-"), |note| Span::new(note, Tone::Warning));
            table.push(
                RowKey::Batch { year: p.year, batch: p.batch },
                vec![
                    plain(p.year.to_string()),
                    plain(batch_label(p.batch)),
                    tonnes(p.tonnes, p.status == crate::model::Status::Unpublished),
                    growth(p.growth.as_ref()),
                    batch_tier(state.ledger(), commodity, p.year, p.batch),
                    revised,
                ],
            );
        }
    }
    table
}

/// Years shown as columns in the producers table: as many recent ones as are useful.
const PRODUCER_YEARS: usize = 8;

fn producers(state: &State) -> TableView {
    let derived = state.derived();
    let i = stage_index(state.stage());
    let holder_rows = derived.holders.get(&(state.stage(), None)).map(Vec::as_slice).unwrap_or_default();
    let mut years: Vec<u16> = derived.concentration[i].iter().map(|c| c.year).collect();
    years.drain(..years.len().saturating_sub(PRODUCER_YEARS));
    let mut columns = vec![Column::left(holder_header(state))];
    columns.extend(years.iter().map(|y| Column::right(y.to_string())));
    let title = format!("{} · {} · holder shares by year", commodity_name(state), state.stage().slug());
    let mut table = TableView::new(title, columns, "No holder allocations published for this stage.");
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
        cells.extend(by_year.into_iter().map(|s| s.map_or_else(|| muted("·"), |s| plain(format!("{s:.1}%")))));
        table.push(RowKey::Holder(name.to_owned()), cells);
    }
    if !years.is_empty() {
        let concentration = &derived.concentration[i];
        let summary = |label: &str, value: &dyn Fn(&crate::analytics::Concentration) -> String| {
            let mut cells = vec![Span::new(label, Tone::Warning)];
            for year in &years {
                let c = concentration.iter().find(|c| c.year == *year);
                cells.push(Span::new(c.map_or_else(|| "·".into(), value), Tone::Warning));
            }
            cells
        };
        table.push(RowKey::Summary("holders"), summary("holder count", &|c| c.holders.to_string()));
        table.push(RowKey::Summary("hhi"), summary("HHI (0-10,000)", &|c| format!("{:.0}", c.hhi)));
        table.push(RowKey::Summary("coverage"), summary("share covered", &|c| format!("{:.0}%", c.coverage_pct)));
    }
    table
}

fn sources(state: &State) -> TableView {
    let columns = vec![
        Column::left("Source"),
        Column::left("Kind"),
        Column::left("State"),
        Column::left("Last success"),
        Column::flex("Last error"),
        Column::left("Next poll"),
        Column::left("HTTP"),
        Column::right("Accepted"),
        Column::right("Rejected"),
    ];
    let now = state.now();
    let mut table = TableView::new("sources".into(), columns, "No sources.");
    for s in state.sources() {
        let state_cell = match s.state {
            SourceState::Pending => muted("waiting"),
            SourceState::Ok => Span::new("ok", Tone::Up),
            SourceState::Failing => Span::new("failing", Tone::Down),
            SourceState::Stale => Span::new("stale", Tone::Warning),
            SourceState::Disabled => muted("disabled"),
        };
        let error = s
            .last_error
            .as_ref()
            .map_or_else(|| muted("-"), |(at, text)| Span::new(format!("{} {text}", age(now, *at)), Tone::Down));
        let http = match s.http {
            Some((status, bytes)) => {
                let text = format!("{status} · {} · {}×304", bytesize::ByteSize(bytes), s.not_modified);
                Span::new(text, if status >= 400 { Tone::Down } else { Tone::Normal })
            }
            None => muted("-"),
        };
        table.push(
            RowKey::Source(s.name.clone()),
            vec![
                plain(s.name.clone()),
                plain(s.kind),
                state_cell,
                s.last_success.map_or_else(|| muted("never"), |t| plain(age(now, t))),
                error,
                s.next_poll.map_or_else(|| muted("-"), |t| plain(age(t, now).replace(" ago", ""))),
                http,
                plain(s.accepted.to_string()),
                if s.rejected > 0 { Span::new(s.rejected.to_string(), Tone::Warning) } else { plain("0") },
            ],
        );
    }
    table
}

fn headlines(state: &State) -> TableView {
    use crate::extract::HeadlineKind;
    let columns = vec![
        Column::left("Date").whole(),
        Column::left("Source"),
        Column::left("Tier").whole(),
        Column::left("Kind").whole(),
        Column::left("Figures"),
        Column::flex("Headline"),
    ];
    let mut table = TableView::new(
        "headlines · news and notices about quotas (Enter: text and figures)".into(),
        columns,
        "No headlines yet: configure an rss or page source (see config/examples/news.toml).",
    );
    for (n, h) in state.headlines().iter().enumerate() {
        let date = h.published.map_or_else(|| h.first_seen.format("%Y-%m-%d").to_string(), |d| d.to_string());
        let tone = match h.kind {
            HeadlineKind::Announcement => Tone::Up,
            HeadlineKind::Unpublished => Tone::Warning,
            _ => Tone::Muted,
        };
        let figures = h.figures_column();
        let figures = if h.detail.figures.is_empty() { Span::new(figures, tone) } else { plain(figures) };
        table.push(
            RowKey::Headline(n),
            vec![
                plain(date),
                // The outlet when the feed names one (Enter says which source it came by).
                plain(h.detail.outlet.clone().unwrap_or_else(|| h.source.clone())),
                tier(h.detail.tier),
                Span::new(h.kind.slug(), tone),
                figures,
                plain(h.title.clone()),
            ],
        );
    }
    table
}

/// The tone of a log line's kind, in the Log view and the overview's latest events.
pub fn log_tone(kind: LogKind) -> Tone {
    match kind {
        LogKind::Rejected | LogKind::SourceError => Tone::Down,
        LogKind::Conflict | LogKind::Revision | LogKind::Warning => Tone::Warning,
        LogKind::Loaded | LogKind::New | LogKind::Headline => Tone::Normal,
    }
}

fn log(state: &State) -> TableView {
    let columns = vec![Column::left("Time (UTC)"), Column::left("Event"), Column::flex("Detail")];
    let mut table = TableView::new("event log".into(), columns, "Nothing has happened yet.");
    for (n, entry) in state.log().iter().enumerate().rev() {
        table.push(
            RowKey::Log(n),
            vec![
                plain(entry.at.format("%Y-%m-%d %H:%M:%S").to_string()),
                Span::new(entry.kind.label(), log_tone(entry.kind)),
                plain(entry.text.clone()),
            ],
        );
    }
    table
}
