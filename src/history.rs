//! `quotawatch history`: every version of every announcement, with its source, first-seen
//! time and revision, and the figures that changed from one version to the next.

use std::fmt::Write as _;

use crate::format::thousands;
pub use crate::ledger::{Change, changes};
use crate::ledger::{Entry, Ledger};
use crate::model::{Announcement, Commodity, Status};

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
    if listed == 0 {
        out.push_str("No announcements match.\n");
    }
    out
}

fn write_versions(out: &mut String, entry: &Entry) {
    let unit = entry.current().announcement.key.commodity.unit();
    let mut previous: Option<&Announcement> = None;
    for (i, version) in entry.versions().iter().enumerate() {
        let a = &version.announcement;
        let mut marks = Vec::new();
        if std::ptr::eq(version, entry.current()) {
            marks.push("current".to_owned());
        }
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
        if let Some(before) = previous {
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
        previous = Some(a);
    }
}
