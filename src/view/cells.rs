//! Cell texts shared by the views: tonnes, growth, basis, shares, ages, revision notes.
//! One definition each, so a figure reads the same in every view.

use chrono::{DateTime, Utc};

use super::table::{Span, Tone};
use crate::analytics::{BatchPoint, Growth, Measure, YearPoint};
use crate::format::{pct_signed, thousands};
use crate::ledger::Ledger;
use crate::model::{AnnouncementKey, Commodity, Status, Tier};

pub fn plain(text: impl Into<String>) -> Span {
    Span::new(text, Tone::Normal)
}

pub fn muted(text: impl Into<String>) -> Span {
    Span::new(text, Tone::Muted)
}

/// What a missing figure means: the ministry withheld it (a batch issued without figures),
/// or the data simply has none for it (a stage or split the source never gave).
pub fn missing(withheld: bool) -> Span {
    if withheld { Span::new("withheld", Tone::Warning) } else { muted("not in data") }
}

/// Tonnes without the unit: tables name the unit once, in their title.
pub fn tonnes(value: Option<f64>, withheld: bool) -> Span {
    value.map_or_else(|| missing(withheld), |t| plain(thousands(t)))
}

/// Whether a year's figure is missing because a batch of it was withheld.
pub fn year_withheld(batches: &[&BatchPoint]) -> bool {
    batches.iter().any(|b| b.tonnes.is_none() && b.status == Status::Unpublished)
}

/// Growth with its sign, coloured by direction.
pub fn growth(growth: Option<&Growth>) -> Span {
    match growth {
        Some(g) if g.pct > 0.05 => Span::new(pct_signed(g.pct), Tone::Up),
        Some(g) if g.pct < -0.05 => Span::new(pct_signed(g.pct), Tone::Down),
        Some(g) => plain(pct_signed(g.pct)),
        None => muted("-"),
    }
}

pub fn basis(growth: Option<&Growth>) -> Span {
    growth.map_or_else(|| muted("-"), |g| muted(g.basis.slug()))
}

/// The basis, or why there is none: a partial year (a batch withheld or without this split).
pub fn point_basis(point: &YearPoint) -> Span {
    match &point.growth {
        None if point.partial => Span::new("partial year", Tone::Warning),
        growth => basis(growth.as_ref()),
    }
}

pub fn share(share: Option<f64>) -> Span {
    share.map_or_else(|| muted("-"), |s| plain(format!("{s:.1}%")))
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

/// "b1", "b2", or "full year" for batch 0: the short form for lists.
pub fn short_batch(batch: u8) -> String {
    if batch == 0 { "full year".into() } else { format!("b{batch}") }
}

/// "revised, rev 1, was 135,000" for a batch whose figures a revision replaced: the
/// document's own revision number (when it has one), and the value of `measure` in the
/// version the current one replaced (when that differs). `None` for a batch never revised.
pub fn revision_note(
    ledger: &Ledger,
    commodity: &Commodity,
    year: u16,
    batch: u8,
    measure: &Measure,
) -> Option<String> {
    let key = AnnouncementKey { commodity: commodity.clone(), year, batch };
    let entry = ledger.entry(&key)?;
    if !entry.is_revised() {
        return None;
    }
    let current = &entry.current().announcement;
    let mut note = match current.revision {
        0 => "revised".to_owned(),
        n => format!("rev {n}"),
    };
    let now = measure.value(current);
    if let Some(replaced) = entry.replaced() {
        let was = measure.value(&replaced.announcement);
        if was != now {
            let was = match (was, replaced.announcement.status) {
                (Some(t), _) => thousands(t),
                (None, Status::Unpublished) => "withheld".into(),
                (None, Status::Published) => "not in data".into(),
            };
            note.push_str(&format!(", was {was}"));
        }
    }
    Some(note)
}

/// A tier badge: `official` plain, `reported` to be read with care, `estimate` muted.
pub fn tier(tier: Tier) -> Span {
    match tier {
        Tier::Official => plain(tier.slug()),
        Tier::Reported => Span::new(tier.slug(), Tone::Warning),
        Tier::Estimate => muted(tier.slug()),
    }
}

/// The ledger's entry of one batch.
fn entry<'l>(ledger: &'l Ledger, commodity: &Commodity, year: u16, batch: u8) -> Option<&'l crate::ledger::Entry> {
    ledger.entry(&AnnouncementKey { commodity: commodity.clone(), year, batch })
}

/// The tier of a year's figure: the weakest of the batches in it that have figures (a sum
/// is only as good as its weakest part, as `report` says it).
pub fn year_tier(ledger: &Ledger, commodity: &Commodity, year: u16, batches: &[&BatchPoint]) -> Option<Tier> {
    batches
        .iter()
        .filter(|b| b.tonnes.is_some())
        .filter_map(|b| entry(ledger, commodity, year, b.batch))
        .map(|e| e.tier())
        .min()
}

/// `first reported, confirmed official`: a figure first seen at a weaker tier that a
/// stronger one then matched.
fn confirmation(entry: &crate::ledger::Entry) -> Option<String> {
    entry.confirmed().map(|c| format!("first {}, confirmed {}", c.tier, entry.tier()))
}

/// What a batch's figures' tier adds to its cell: `reported` or `estimate` when not
/// official, its confirmation when it has one; nothing for a plain official figure (the
/// year's badge says it).
pub fn batch_tier_note(ledger: &Ledger, commodity: &Commodity, year: u16, batch: u8) -> Option<String> {
    let entry = entry(ledger, commodity, year, batch)?;
    confirmation(entry).or_else(|| (entry.tier() != Tier::Official).then(|| entry.tier().slug().to_owned()))
}

/// A batch's tier cell (the holder history): its badge, or its confirmation in full.
pub fn batch_tier(ledger: &Ledger, commodity: &Commodity, year: u16, batch: u8) -> Span {
    let Some(entry) = entry(ledger, commodity, year, batch) else { return muted("-") };
    confirmation(entry).map_or_else(|| tier(entry.tier()), |text| Span::new(text, Tone::Up))
}
