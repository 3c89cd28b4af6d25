//! The Timeline view: the commodity's releases and the policy events that frame them,
//! interleaved by date, newest first, with the silences between releases shown as rows of
//! their own (2025's months without a published figure are the news).

use chrono::NaiveDate;

use super::cells::{muted, plain};
use super::table::{Column, RowKey, Span, TableView, Tone};
use crate::analytics;
use crate::app::state::State;
use crate::format::thousands;
use crate::model::{Announcement, Stage, Status, Tier, batch_label};

/// A stretch longer than this between published releases is shown as a gap.
const GAP_DAYS: i64 = 270;

/// One dated item before it becomes a row.
struct Item {
    date: NaiveDate,
    date_text: String,
    key: RowKey,
    kind: Span,
    what: String,
    /// A release with its figures public: gaps are measured between these.
    published_release: bool,
    /// A release with its figures public but no date: no gap can be measured across it.
    undated_release: bool,
}

pub fn timeline(state: &State) -> TableView {
    let columns = vec![Column::left("Date"), Column::left("Kind"), Column::flex("What")];
    let name = state.commodity().map_or("", |c| c.as_str());
    let mut table =
        TableView::new(format!("{name} · releases and policy events"), columns, "No dated releases or events.");
    let Some(commodity) = state.commodity() else { return table };
    let mut items: Vec<Item> = Vec::new();
    for a in state.ledger().current().filter(|a| a.key.commodity == *commodity) {
        // An undated release is placed at the start of its year, and says so.
        let (date, date_text) = match a.published {
            Some(d) => (d, d.to_string()),
            None => (
                NaiveDate::from_ymd_opt(i32::from(a.key.year), 1, 1).unwrap_or_default(),
                format!("{} (undated)", a.key.year),
            ),
        };
        items.push(Item {
            date,
            date_text,
            key: RowKey::Batch { year: a.key.year, batch: a.key.batch },
            kind: release_kind(a),
            what: release_text(a),
            published_release: a.status == Status::Published && a.published.is_some(),
            undated_release: a.status == Status::Published && a.published.is_none(),
        });
    }
    for (index, event) in state.watch().outlook().events.iter().enumerate() {
        if !event.concerns(Some(commodity)) {
            continue;
        }
        items.push(Item {
            date: event.date.first_day(),
            date_text: event.date.to_string(),
            key: RowKey::Event(index),
            kind: Span::new(event.kind.slug(), Tone::Key),
            what: event.title.clone(),
            published_release: false,
            undated_release: false,
        });
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.date));
    let today = state.now().date_naive();
    let mut later: Option<NaiveDate> = Some(today);
    for item in items {
        if item.undated_release {
            later = None;
        }
        if item.published_release {
            if let Some(after) = later {
                let days = (after - item.date).num_days();
                if days > GAP_DAYS {
                    let until = if after == today { "to today".to_owned() } else { format!("until {after}") };
                    table.push(
                        RowKey::Summary("gap"),
                        vec![muted(""), Span::new("gap", Tone::Warning), gap_text(days, &until)],
                    );
                }
            }
            later = Some(item.date);
        }
        table.push(item.key, vec![plain(item.date_text), item.kind, plain(item.what)]);
    }
    table
}

fn gap_text(days: i64, until: &str) -> Span {
    let months = days / 30;
    Span::new(format!("{months} months with no published figures after this release, {until}"), Tone::Warning)
}

fn release_kind(a: &Announcement) -> Span {
    match (a.status, a.tier) {
        (Status::Unpublished, _) => Span::new("withheld", Tone::Warning),
        (Status::Published, Tier::Official) => Span::new("release", Tone::Up),
        (Status::Published, tier) => Span::new(format!("release ({})", tier.slug()), Tone::Up),
    }
}

/// "2024 batch 1: mining 135,000 · smelting-separation 127,000 t REO".
fn release_text(a: &Announcement) -> String {
    let head = format!("{} {}", a.key.year, batch_label(a.key.batch));
    if a.status == Status::Unpublished {
        return format!("{head}: issued, figures withheld");
    }
    let figures: Vec<String> = Stage::ALL
        .iter()
        .filter_map(|s| analytics::stage_total(a, *s).map(|t| format!("{} {}", s.slug(), thousands(t))))
        .collect();
    if figures.is_empty() {
        return head;
    }
    format!("{head}: {} {}", figures.join(" · "), a.key.commodity.unit())
}
