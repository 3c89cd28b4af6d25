//! Alerts for announcements that arrive while the dashboard runs: the figures and their
//! growth already computed, so a trader reads the news, not the raw rows. One [`Alert`]
//! feeds the banner, the log, the alert command's arguments and environment, and the
//! webhook's JSON, so they always say the same thing.

use serde::Serialize;

use crate::analytics::{self, CommodityHistory, Measure};
use crate::format::{pct_plain, pct_signed, plain_number, thousands};
use crate::ledger::Ledger;
use crate::model::{AnnouncementKey, Stage, Status, batch_label};

/// One stage's figure in an alert, with its growth against the same batch a year earlier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageFigure {
    /// Serialised as its slug (`mining`).
    pub stage: Stage,
    pub tonnes: f64,
    /// Rounded to one decimal, as shown.
    pub yoy_pct: Option<f64>,
    /// The year compared against.
    pub compared_year: Option<u16>,
}

/// A new or revised announcement, or a new headline, as alerts report it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// E.g. "rare-earths 2026 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2025".
    pub text: String,
    /// Empty for a headline about no release in particular.
    pub commodity: String,
    /// `None` only for a headline that names no year (or no batch).
    pub year: Option<u16>,
    pub batch: Option<u8>,
    /// "new", "revised" or "headline".
    pub kind: &'static str,
    pub unit: &'static str,
    /// Every stage the announcement has figures for, mining first.
    pub stages: Vec<StageFigure>,
    /// How the headline stage compares with what the market expected (`within consensus`),
    /// when there was an expectation for it.
    pub consensus: Option<String>,
    /// A headline's link.
    pub url: Option<String>,
}

impl Alert {
    /// The headline stage: the first one with figures (mining when there is one). The
    /// single-valued `QUOTAWATCH_STAGE`/`TONNES`/`YOY_PCT` describe it; the text and the
    /// webhook's `stages` carry every stage.
    pub fn headline(&self) -> Option<&StageFigure> {
        self.stages.first()
    }

    /// Adds the surprise against the consensus to the text and the fields.
    pub fn with_consensus(mut self, note: Option<String>) -> Alert {
        if let Some(note) = &note {
            self.text = format!("{} · {note}", self.text);
        }
        self.consensus = note;
        self
    }

    /// The alert command's environment.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let headline = self.headline();
        vec![
            ("QUOTAWATCH_COMMODITY", self.commodity.clone()),
            ("QUOTAWATCH_YEAR", self.year.map(|y| y.to_string()).unwrap_or_default()),
            ("QUOTAWATCH_BATCH", self.batch.map(|b| b.to_string()).unwrap_or_default()),
            ("QUOTAWATCH_STAGE", headline.map(|f| f.stage.slug().to_owned()).unwrap_or_default()),
            ("QUOTAWATCH_TONNES", headline.map(|f| plain_number(f.tonnes)).unwrap_or_default()),
            ("QUOTAWATCH_YOY_PCT", headline.and_then(|f| f.yoy_pct).map(pct_plain).unwrap_or_default()),
            ("QUOTAWATCH_KIND", self.kind.to_owned()),
            ("QUOTAWATCH_CONSENSUS", self.consensus.clone().unwrap_or_default()),
            ("QUOTAWATCH_URL", self.url.clone().unwrap_or_default()),
        ]
    }

    /// The webhook body: `text` (what chat tools display) plus the same fields as the
    /// command's environment, and every stage.
    pub fn webhook_body(&self) -> serde_json::Value {
        let headline = self.headline();
        serde_json::json!({
            "text": self.text,
            "commodity": self.commodity,
            "year": self.year,
            "batch": self.batch,
            "stage": headline.map(|f| f.stage),
            "tonnes": headline.map(|f| f.tonnes),
            "yoy_pct": headline.and_then(|f| f.yoy_pct),
            "kind": self.kind,
            "unit": self.unit,
            "stages": self.stages,
            "consensus": self.consensus,
            "url": self.url,
        })
    }
}

/// An alert as tests of its consumers (the command, the webhook, `watch`) need one: rare
/// earths 2026 batch 1, mining 140,000 t, +3.7% against 2025.
#[cfg(test)]
pub(crate) fn sample_alert() -> Alert {
    Alert {
        text: "rare-earths 2026 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2025".into(),
        commodity: "rare-earths".into(),
        year: Some(2026),
        batch: Some(1),
        kind: "new",
        unit: "t REO",
        stages: vec![StageFigure {
            stage: Stage::Mining,
            tonnes: 140_000.0,
            yoy_pct: Some(3.7),
            compared_year: Some(2025),
        }],
        consensus: None,
        url: None,
    }
}

/// [`alert`], with the surprise of its headline stage against the consensus `watch` holds:
/// what the dashboard and `watch` raise for a release.
pub fn alert_with_consensus(
    ledger: &Ledger,
    watch: &super::watchlist::Watchlist,
    key: &AnnouncementKey,
    revised: bool,
) -> Alert {
    let alert = alert(ledger, key, revised);
    let released = ledger.entry(key).and_then(|e| e.current().announcement.published);
    let note =
        alert.headline().and_then(|f| watch.alert_note(ledger, &key.commodity, key.year, key.batch, f.stage, released));
    alert.with_consensus(note)
}

/// The alert for the announcement now current under `key`.
pub fn alert(ledger: &Ledger, key: &AnnouncementKey, revised: bool) -> Alert {
    let prefix = if revised { "revised: " } else { "" };
    let unit = key.commodity.unit();
    let mut alert = Alert {
        text: format!("{prefix}{key}"),
        commodity: key.commodity.as_str().to_owned(),
        year: Some(key.year),
        batch: Some(key.batch),
        kind: if revised { "revised" } else { "new" },
        unit,
        stages: Vec::new(),
        consensus: None,
        url: None,
    };
    let Some(announcement) = ledger.entry(key).map(|e| &e.current().announcement) else { return alert };
    if announcement.status == Status::Unpublished {
        alert.text = format!("{prefix}{key}: issued, figures not published");
        return alert;
    }
    let history = CommodityHistory::of(ledger.current(), &key.commodity);
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
        if let Some(g) = &growth {
            part.push_str(&format!(", {} vs {} {}", pct_signed(g.pct), batch_label(key.batch), g.compared_year));
        }
        parts.push(part);
        alert.stages.push(StageFigure {
            stage,
            tonnes,
            yoy_pct: growth.as_ref().map(|g| crate::format::round_pct(g.pct)),
            compared_year: growth.map(|g| g.compared_year),
        });
    }
    alert.text = format!("{prefix}{key}: {}", parts.join("; "));
    alert
}

/// The alerts of new headlines, which ring even without figures. Not every new headline
/// rings: one with figures rings through its announcement when they are news (a wire story
/// repeated on another site is not); a release reported without figures rings once, so not
/// when the ledger just announced it (`alerts`, this document's) or an earlier headline
/// (`rung`, updated here) reported it already.
pub fn headline_alerts(
    fresh: &[crate::news::Headline],
    alerts: &[(AnnouncementKey, bool)],
    rung: &mut std::collections::HashSet<crate::news::About>,
) -> Vec<Alert> {
    use crate::news::HeadlineKind;
    let mut out = Vec::new();
    for h in fresh {
        let about = h.detail.about.as_ref();
        let announced = about.is_some_and(|a| {
            alerts.iter().any(|(k, _)| {
                k.commodity.as_str() == a.commodity && k.year == a.year && a.batch.is_none_or(|b| b == k.batch)
            })
        });
        let by = h.attribution();
        let text = match (h.kind, about) {
            (HeadlineKind::Announcement, _) => continue,
            (HeadlineKind::Unpublished, Some(a)) => {
                if !rung.insert(a.clone()) || announced {
                    continue;
                }
                format!("{a}: issued without figures, {by}")
            }
            (HeadlineKind::Unpublished, None) => format!("issued without figures: {}, {by}", h.title),
            (HeadlineKind::Expectation, _) if !h.detail.figures.is_empty() => format!("{}, {by}", h.figures_brief()),
            (kind, _) => format!("{} news: {}, {by}", kind.slug(), h.title),
        };
        let unit = about.and_then(|a| crate::model::Commodity::parse(&a.commodity)).map_or("t", |c| c.unit());
        out.push(Alert {
            text: crate::feed::clean_text(&text, 400),
            commodity: about.map(|a| a.commodity.clone()).unwrap_or_default(),
            year: about.map(|a| a.year),
            batch: about.and_then(|a| a.batch),
            kind: "headline",
            unit,
            stages: Vec::new(),
            consensus: None,
            url: h.url.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Origin;

    #[test]
    fn nothing_a_source_wrote_reaches_the_alert_text_or_environment() {
        // Through the feed parser, as a hostile source would send it.
        let hostile = "\\u001b]0;pwned\\u0007Quota\\u001b[2J\\u202egpj.exe";
        let text = format!(
            "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"Rare-Earths\", \"year\": 2026, \
             \"batch\": 1, \"title\": \"{hostile}\", \"id\": \"{hostile}\", \"url\": \"https://x/{hostile}\", \
             \"quotas\": [{{\"stage\": \"mining\", \"holder\": \"{hostile}\", \"tonnes\": 1}}]}}]}}"
        );
        let parsed = crate::feed::parse("desk", crate::feed::Format::Json, text.as_bytes(), 1 << 20).expect("parses");
        let mut ledger = Ledger::new();
        for a in parsed.announcements {
            ledger.merge(&Origin { source: "desk".into(), rank: 0 }, a, chrono::Utc::now());
        }
        let key = ledger.entries().next().map(|(k, _)| k.clone()).expect("merged");
        let alert = alert(&ledger, &key, false);
        assert_eq!(alert.text, "rare-earths 2026 batch 1: mining 1 t REO");
        let dangerous = |s: &str| s.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c));
        assert!(!dangerous(&alert.text));
        assert!(alert.env().iter().all(|(_, value)| !dangerous(value)), "{:?}", alert.env());
        assert!(!dangerous(&alert.webhook_body().to_string()));
    }
}
