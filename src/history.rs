//! `quotawatch history`: every version of every announcement, with its source, first-seen
//! time and revision, and the figures that changed from one version to the next.

use std::fmt::Write as _;

use crate::format::thousands;
pub use crate::ledger::{Change, changes};
use crate::ledger::{Entry, Ledger, RunningOutcome, RunningTotal, Standing, Version};
use crate::model::{Announcement, Citation, Commodity, Status, Tier};

/// Which announcements to list; `None` means all.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    pub commodity: Option<Commodity>,
    pub year: Option<u16>,
    pub batch: Option<u8>,
}

/// The history as text: one block per announcement, its versions in arrival order.
pub fn render(ledger: &Ledger, filter: &HistoryFilter) -> String {
    let mut out = String::new();
    let mut listed = 0;
    for (key, entry) in ledger.entries() {
        let wanted = filter.commodity.as_ref().is_none_or(|c| *c == key.commodity)
            && filter.year.is_none_or(|y| y == key.year)
            && filter.batch.is_none_or(|b| b == key.batch);
        if !wanted {
            continue;
        }
        listed += 1;
        let _ = writeln!(out, "{key}");
        write_versions(&mut out, entry);
        out.push('\n');
    }
    write_running_totals(&mut out, ledger, filter);
    if listed == 0 && out.is_empty() {
        out.push_str("No announcements match.\n");
    }
    out
}

/// What `history` says about a version beside "current": its tier when not official, and
/// why it is not (or no longer) shown.
fn standing_marks(version: &Version) -> Vec<String> {
    let mut marks = Vec::new();
    let tier = version.announcement.tier;
    if tier != Tier::Official {
        marks.push(tier.slug().to_owned());
    }
    match &version.standing {
        Standing::Applied => {}
        Standing::ConflictLost { winner, applied: false } => {
            marks.push(format!("conflict, not applied: {winner} is listed first"));
        }
        Standing::ConflictLost { winner, applied: true } => marks.push(format!("replaced in a conflict by {winner}")),
        Standing::Outdated => marks.push("outdated, not applied: a higher revision was held".to_owned()),
        Standing::Confirmed { by } => marks.push(format!("confirmed by {by}")),
        Standing::Superseded { by, applied: false } => marks.push(format!("superseded by {by}, not applied")),
        Standing::Superseded { by, applied: true } => marks.push(format!("superseded by {by}")),
        Standing::Withheld => marks.push("figures withheld; the weaker figures held stay shown".to_owned()),
    }
    if version.derived_from.is_some() {
        marks.push("worked out from a running total".to_owned());
    }
    marks
}

/// True for a version whose figures were shown at some time: the base later versions'
/// changes are measured from.
fn was_shown(version: &Version) -> bool {
    matches!(
        version.standing,
        Standing::Applied | Standing::ConflictLost { applied: true, .. } | Standing::Superseded { applied: true, .. }
    )
}

fn write_versions(out: &mut String, entry: &Entry) {
    let unit = entry.current().announcement.key.commodity.unit();
    // Changes are shown against the figures shown before, not against a version that was
    // never applied (a losing conflict would make every later change look wrong).
    let mut shown: Option<&Announcement> = None;
    for (i, version) in entry.versions().iter().enumerate() {
        let a = &version.announcement;
        let mut marks = Vec::new();
        if entry.is_current(i) {
            marks.push("current".to_owned());
        }
        marks.extend(standing_marks(version));
        if a.status == Status::Unpublished {
            marks.push("figures not published".to_owned());
        }
        if let Some(date) = a.published {
            marks.push(format!("published {date}"));
        }
        let marks = if marks.is_empty() { String::new() } else { format!("  ({})", marks.join(", ")) };
        // The bundled history is read afresh each run: its "first seen" would only say when
        // this command started.
        let seen = if version.origin.source == crate::bundled::SOURCE_NAME {
            "shipped with quotawatch".to_owned()
        } else {
            format!("first seen {}", version.first_seen.format("%Y-%m-%d %H:%M:%S UTC"))
        };
        let _ = writeln!(out, "  v{}  {}  {seen}  revision {}{marks}", i + 1, version.origin.source, a.revision);
        if let Some(before) = shown {
            for change in changes(before, a) {
                let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), thousands);
                let _ = writeln!(
                    out,
                    "        {} {} {}: {} → {} {unit}",
                    change.stage,
                    change.category,
                    change.holder,
                    show(change.before),
                    show(change.after)
                );
            }
        } else {
            for row in &a.quotas {
                let _ = writeln!(
                    out,
                    "        {} {} {}: {} {unit}",
                    row.stage,
                    row.category,
                    row.holder,
                    thousands(row.tonnes)
                );
            }
        }
        if entry.is_current(i) {
            for citation in &a.citations {
                let _ = writeln!(out, "        also seen: {}", citation_text(citation));
            }
        }
        if was_shown(version) {
            shown = Some(a);
        }
    }
}

/// "Project Blue, 2024-03-21: China announces … <https://…>", from what the citation gives.
fn citation_text(citation: &Citation) -> String {
    let mut text = String::new();
    let head: Vec<String> =
        [citation.source.clone(), citation.published.map(|d| d.to_string())].into_iter().flatten().collect();
    if !head.is_empty() {
        let _ = write!(text, "{}: ", head.join(", "));
    }
    if let Some(title) = &citation.title {
        text.push_str(title);
    }
    if let Some(url) = &citation.url {
        if citation.title.is_some() {
            text.push(' ');
        }
        let _ = write!(text, "<{url}>");
    }
    text
}

/// Running totals of the selected years, each with what it resolved to.
fn write_running_totals(out: &mut String, ledger: &Ledger, filter: &HistoryFilter) {
    let wanted: Vec<&RunningTotal> = ledger
        .running_totals()
        .iter()
        .filter(|t| {
            let key = &t.announcement.key;
            let batch = match &t.outcome {
                RunningOutcome::Batch { batch, .. } => *batch,
                _ => key.batch,
            };
            filter.commodity.as_ref().is_none_or(|c| *c == key.commodity)
                && filter.year.is_none_or(|y| y == key.year)
                && filter.batch.is_none_or(|b| b == batch || b == key.batch)
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    out.push_str("Running totals (the year so far)\n");
    for total in wanted {
        let a = &total.announcement;
        let unit = a.key.commodity.unit();
        let through = if a.key.batch == 0 { "so far".to_owned() } else { format!("through batch {}", a.key.batch) };
        let figures: Vec<String> = a
            .quotas
            .iter()
            .map(|r| format!("{} {} {} {} {unit}", r.stage, r.category, r.holder, thousands(r.tonnes)))
            .collect();
        let outcome = match &total.outcome {
            RunningOutcome::Matches { through: 0 } => "equals the full-year issue held".to_owned(),
            RunningOutcome::Matches { through } => format!("equals batches 1 to {through} held: confirms them"),
            RunningOutcome::Batch { batch, .. } => format!("batch {batch}'s own figures are the difference"),
            RunningOutcome::Conflict { differences } => {
                let held: Vec<String> = differences
                    .iter()
                    .map(|c| format!("{} {}: {}", c.stage, c.category, c.before.map_or_else(|| "-".into(), thousands)))
                    .collect();
                format!("conflict, not applied: less than the batches held ({})", held.join(", "))
            }
            RunningOutcome::Unresolved { reason } => format!("not applied: {reason}"),
        };
        let _ = writeln!(
            out,
            "  {} {} {through}  {}  {}: {}; {outcome}",
            a.key.commodity,
            a.key.year,
            total.origin.source,
            a.tier,
            figures.join(", ")
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::ledger::Origin;
    use crate::model::{Tier, sample_mining};

    fn origin(source: &str, rank: usize) -> Origin {
        Origin { source: source.into(), rank }
    }

    fn at(second: u32) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).single().expect("valid time")
    }

    #[test]
    fn a_losing_conflict_is_listed_as_not_applied_and_changes_count_from_what_was_shown() {
        let mut ledger = Ledger::new();
        ledger.merge(&origin("a", 0), sample_mining(2025, 1, 0, 135_000.0), at(0));
        ledger.merge(&origin("b", 1), sample_mining(2025, 1, 0, 999.0), at(1));
        ledger.merge(&origin("a", 0), sample_mining(2025, 1, 1, 140_000.0), at(2));
        let text = render(&ledger, &HistoryFilter::default());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "rare-earths 2025 batch 1");
        assert!(lines[1].ends_with("  revision 0"), "{text}");
        assert!(lines[3].ends_with("revision 0  (conflict, not applied: a is listed first)"), "{text}");
        assert_eq!(lines[4], "        mining total *: 135,000 → 999 t REO", "{text}");
        assert!(lines[5].ends_with("revision 1  (current)"), "{text}");
        assert_eq!(lines[6], "        mining total *: 135,000 → 140,000 t REO", "{text}");
    }

    #[test]
    fn tiers_confirmations_citations_and_running_totals_are_listed() {
        let mut ledger = Ledger::new();
        let tungsten = |batch: u8, tier: Tier, tonnes: f64| {
            let mut a = sample_mining(2024, batch, 0, tonnes);
            a.key.commodity = Commodity::parse("tungsten").expect("slug");
            a.tier = tier;
            a
        };
        let mut reported = tungsten(1, Tier::Reported, 62_000.0);
        reported.title = Some("China announces first batch tungsten quota for 2024".into());
        reported.url = Some("https://projectblue.com/blue/news-analysis/815".into());
        ledger.merge(&origin("news", 0), reported, at(0));
        ledger.merge(&origin("ministry", 1), tungsten(1, Tier::Official, 62_000.0), at(1));
        let running = crate::model::Announcement { cumulative: true, ..tungsten(0, Tier::Reported, 114_000.0) };
        ledger.merge(&origin("news", 0), running, at(2));
        let text = render(&ledger, &HistoryFilter::default());
        assert!(text.contains("revision 0  (reported, confirmed by official)"), "{text}");
        assert!(
            text.contains(
                "        also seen: news: China announces first batch tungsten quota for 2024 <https://projectblue.com/blue/news-analysis/815>"
            ),
            "{text}"
        );
        assert!(text.contains("tungsten 2024 batch 2\n  v1  news  first seen 2026-01-01 00:00:02 UTC  revision 0  (current, reported, worked out from a running total)\n        mining total *: 52,000 t conc. (65% WO3)"), "{text}");
        assert!(
            text.contains(
                "Running totals (the year so far)\n  tungsten 2024 so far  news  reported: mining total * 114,000 t conc. (65% WO3); batch 2's own figures are the difference"
            ),
            "{text}"
        );
    }
}
