//! Alert texts for announcements that arrive while the dashboard runs: the figures and
//! their growth already computed, so a trader reads the news, not the raw rows.

use crate::analytics::{self, CommodityHistory, Measure};
use crate::format::{pct_signed, thousands};
use crate::ledger::Ledger;
use crate::model::{AnnouncementKey, Stage, Status, batch_label};

/// E.g. "rare-earths 2026 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2025".
pub fn alert_text(ledger: &Ledger, key: &AnnouncementKey, revised: bool) -> String {
    let prefix = if revised { "revised: " } else { "" };
    let history = CommodityHistory::of(ledger.current(), &key.commodity);
    let Some(announcement) = ledger.entry(key).map(|e| &e.current().announcement) else {
        return format!("{prefix}{key}");
    };
    if announcement.status == Status::Unpublished {
        return format!("{prefix}{key}: issued, figures not published");
    }
    let unit = key.commodity.unit();
    let mut parts = Vec::new();
    for stage in Stage::ALL {
        let Some(tonnes) = analytics::stage_total(announcement, stage) else { continue };
        let growth = history.as_ref().and_then(|h| {
            analytics::batch_series(h, &Measure::Stage(stage))
                .into_iter()
                .find(|p| p.year == key.year && p.batch == key.batch)
                .and_then(|p| p.growth)
        });
        let mut part = format!("{} {} {unit}", stage.slug(), thousands(tonnes));
        if let Some(g) = growth {
            part.push_str(&format!(", {} vs {} {}", pct_signed(g.pct), batch_label(key.batch), g.compared_year));
        }
        parts.push(part);
    }
    format!("{prefix}{key}: {}", parts.join("; "))
}
