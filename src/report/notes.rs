//! The notes under `report --format table`: withheld batches, revisions, conflicts,
//! data-quality flags, and where the figures' tiers came from.

use std::fmt::Write as _;

use super::Filter;
use crate::analytics::{self, CommodityHistory};
use crate::format::thousands;
use crate::ledger::{Ledger, RunningOutcome, Standing, changes};
use crate::model::batch_label;

/// What the tier column means, shown when a figure is not official.
const TIER_LEGEND: &str = "tier: official = a ministry notice or a feed of official figures; \
     reported = news citing sources or the notice; estimate = an analyst's or the desk's own figure";

/// Notes under the table: unpublished batches, revisions, conflicts, data-quality flags,
/// reported figures confirmed or superseded, and running totals that could not be applied.
pub(super) fn notes(
    ledger: &Ledger,
    histories: &[&CommodityHistory<'_>],
    filter: &Filter,
    weaker_tier_shown: bool,
) -> String {
    let mut notes = Vec::new();
    for h in histories {
        for flag in analytics::quality_flags(h) {
            let stage_matches = flag.stage().zip(filter.stage).is_none_or(|(flag, wanted)| flag == wanted);
            if filter.year.is_none_or(|y| flag.year() == y) && stage_matches {
                notes.push(flag.to_string());
            }
        }
    }
    let selected = |commodity: &crate::model::Commodity, year: u16| {
        histories.iter().any(|h| h.commodity == commodity) && filter.year.is_none_or(|y| y == year)
    };
    for (key, entry) in ledger.entries() {
        if !selected(&key.commodity, key.year) {
            continue;
        }
        let unit = key.commodity.unit();
        if entry.is_revised() {
            notes.push(format!(
                "{key}: revised (now revision {} from {})",
                entry.document_revision(),
                entry.current().origin.source
            ));
        }
        for conflict in entry.conflicts() {
            notes.push(format!("{key}: sources disagree; {} wins over {}", conflict.winner, conflict.loser));
        }
        if let Some(confirmed) = entry.confirmed() {
            notes.push(format!(
                "{key}: first {} by {}, confirmed by an {} figure",
                confirmed.tier,
                confirmed.source,
                entry.tier()
            ));
        }
        let current = &entry.current().announcement;
        for version in entry.versions() {
            let Standing::Superseded { by, .. } = version.standing else { continue };
            let differences: Vec<String> = changes(&version.announcement, current)
                .iter()
                .map(|c| {
                    let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), thousands);
                    format!("{} {}: {} → {} {unit}", c.stage, c.category, show(c.before), show(c.after))
                })
                .collect();
            notes.push(format!(
                "{key}: {} figure from {} superseded by {by} ({})",
                version.announcement.tier,
                version.origin.source,
                differences.join(", ")
            ));
        }
    }
    for total in ledger.running_totals().iter().filter(|t| t.is_flagged()) {
        let key = &total.announcement.key;
        if !selected(&key.commodity, key.year) {
            continue;
        }
        let through = if key.batch == 0 { "so far".to_owned() } else { format!("through {}", batch_label(key.batch)) };
        let why = match &total.outcome {
            RunningOutcome::Conflict { .. } => "differs from the batches held (conflict), not applied".to_owned(),
            RunningOutcome::Unresolved { reason } => format!("not applied: {reason}"),
            _ => continue,
        };
        notes.push(format!(
            "{} {} running total {through} from {}: {why}",
            key.commodity, key.year, total.origin.source
        ));
    }
    if weaker_tier_shown {
        notes.push(TIER_LEGEND.to_owned());
    }
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nNotes:\n");
    for note in notes {
        let _ = writeln!(out, "  - {note}");
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::super::{By, OutputFormat, render};
    use super::*;
    use crate::ledger::Origin;
    use crate::model::{Announcement, Commodity, Tier, sample_mining};

    fn tungsten(batch: u8, tier: Tier, tonnes: f64) -> Announcement {
        let mut a = sample_mining(2024, batch, 0, tonnes);
        a.key.commodity = Commodity::parse("tungsten").expect("slug");
        a.tier = tier;
        a
    }

    fn ledger() -> Ledger {
        let at = |s| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, s).single().expect("valid time");
        let (news, ministry) =
            (Origin { source: "news".into(), rank: 0 }, Origin { source: "ministry".into(), rank: 1 });
        let mut ledger = Ledger::new();
        ledger.merge(&news, tungsten(1, Tier::Reported, 62_000.0), at(0));
        ledger.merge(&ministry, tungsten(1, Tier::Official, 62_000.0), at(1));
        ledger.merge(&news, Announcement { cumulative: true, ..tungsten(0, Tier::Reported, 114_000.0) }, at(2));
        ledger.merge(&news, tungsten(3, Tier::Estimate, 10_000.0), at(3));
        ledger.merge(&ministry, tungsten(3, Tier::Official, 12_000.0), at(4));
        ledger.merge(&news, Announcement { cumulative: true, ..tungsten(0, Tier::Estimate, 100_000.0) }, at(5));
        ledger
    }

    #[test]
    fn the_table_says_each_figures_tier_and_notes_confirmations() {
        let text = render(&ledger(), By::Batch, &Filter::default(), OutputFormat::Table);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0], "commodity  year  batch  stage                     tonnes  yoy_pct  basis  tier",
            "{text}"
        );
        assert_eq!(lines[1], "tungsten   2024      1  mining  62,000 t conc. (65% WO3)        -  -      official");
        assert_eq!(lines[2], "tungsten   2024      2  mining  52,000 t conc. (65% WO3)        -  -      reported");
        assert_eq!(lines[3], "tungsten   2024      3  mining  12,000 t conc. (65% WO3)        -  -      official");
        let notes = text.split_once("\nNotes:\n").expect("notes").1;
        assert_eq!(
            notes.lines().collect::<Vec<_>>(),
            [
                "  - tungsten 2024 batch 1: first reported by news, confirmed by an official figure",
                "  - tungsten 2024 batch 3: revised (now revision 0 from ministry)",
                "  - tungsten 2024 batch 3: estimate figure from news superseded by official (mining total: 10,000 → 12,000 t conc. (65% WO3))",
                "  - tungsten 2024 running total so far from news: differs from the batches held (conflict), not applied",
                &format!("  - {TIER_LEGEND}"),
            ]
        );
        // A year sum is as good as its weakest batch.
        let text = render(&ledger(), By::Year, &Filter::default(), OutputFormat::Table);
        assert!(text.lines().nth(1).expect("row").ends_with("reported"), "{text}");
    }

    #[test]
    fn csv_and_json_keep_their_columns() {
        let csv = render(&ledger(), By::Year, &Filter::default(), OutputFormat::Csv);
        assert_eq!(
            csv.lines().collect::<Vec<_>>(),
            ["commodity,year,stage,tonnes,yoy_pct,basis", "tungsten,2024,mining,126000,,"]
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(&ledger(), By::Batch, &Filter::default(), OutputFormat::Json)).expect("json");
        let keys: Vec<&str> = json[1].as_object().expect("row").keys().map(String::as_str).collect();
        assert_eq!(keys, ["commodity", "year", "batch", "stage", "tonnes", "yoy_pct", "basis"]);
    }
}
