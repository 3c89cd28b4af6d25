//! What `watch` prints: one [`WatchEvent`] per thing that happened, as a line of NDJSON
//! (for programs) or as the alert line (for people). Fields that do not apply are left out.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::app::alerts::Alert;
use crate::ledger::Ledger;
use crate::model::AnnouncementKey;

/// How `watch` writes its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WatchFormat {
    /// One JSON object a line (the default when stdout is not a terminal).
    Ndjson,
    /// The alert lines, as the dashboard's banner and log show them.
    Text,
}

/// One stage's figure in a `new` or `revised` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageOut {
    pub stage: &'static str,
    pub tonnes: f64,
    /// Against the same batch a year earlier, rounded to one decimal as shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yoy_pct: Option<f64>,
    /// What the growth compares (`batch`: the same batch a year earlier); only with `yoy_pct`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

/// One event. `kind` is one of new, revised, conflict, rejected, source-error, source-ok, stale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchEvent {
    /// RFC 3339, UTC, to the second.
    pub time: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commodity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<StageOut>,
    pub text: String,
}

impl WatchEvent {
    /// An event about a source (errors, recoveries, staleness, rejections).
    pub fn about_source(at: DateTime<Utc>, kind: &'static str, source: &str, text: String) -> WatchEvent {
        WatchEvent {
            time: time(at),
            kind,
            source: Some(source.to_owned()),
            commodity: None,
            year: None,
            batch: None,
            tier: None,
            stages: Vec::new(),
            text,
        }
    }

    /// An event about one announcement from `source`.
    pub fn about(
        at: DateTime<Utc>,
        kind: &'static str,
        source: &str,
        key: &AnnouncementKey,
        text: String,
    ) -> WatchEvent {
        WatchEvent {
            commodity: Some(key.commodity.as_str().to_owned()),
            year: Some(key.year),
            batch: Some(key.batch),
            ..WatchEvent::about_source(at, kind, source, text)
        }
    }

    /// A `new` or `revised` event: the alert's figures, and the tier now shown.
    pub fn of_alert(
        at: DateTime<Utc>,
        source: &str,
        key: &AnnouncementKey,
        alert: &Alert,
        ledger: &Ledger,
    ) -> WatchEvent {
        let stages = alert
            .stages
            .iter()
            .map(|figure| StageOut {
                stage: figure.stage.slug(),
                tonnes: figure.tonnes,
                yoy_pct: figure.yoy_pct,
                basis: figure.yoy_pct.map(|_| crate::analytics::Basis::Batch.slug()),
            })
            .collect();
        WatchEvent {
            tier: ledger.entry(key).map(|entry| entry.tier().slug()),
            stages,
            ..WatchEvent::about(at, alert.kind, source, key, alert.text.clone())
        }
    }

    /// The event as it is printed, with its newline.
    pub fn line(&self, format: WatchFormat) -> String {
        match format {
            WatchFormat::Ndjson => {
                let mut line = serde_json::to_string(self).unwrap_or_default();
                line.push('\n');
                line
            }
            WatchFormat::Text => match self.kind {
                "new" | "revised" => format!("{}  {}\n", self.time, self.text),
                kind => format!("{}  {kind}: {}\n", self.time, self.text),
            },
        }
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Writes events to stdout, one line each, flushed at once (a pipe reader sees each event
/// as it happens). A closed stdout is an error: nobody reads any more.
#[derive(Debug)]
pub struct Printer {
    pub format: WatchFormat,
}

impl Printer {
    pub fn print(&self, events: &[WatchEvent]) -> std::io::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        for event in events {
            tracing::info!("{} {}", event.kind, event.text);
            out.write_all(event.line(self.format).as_bytes())?;
        }
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::alerts::StageFigure;
    use crate::model::Stage;

    #[test]
    fn fields_that_do_not_apply_are_left_out() {
        let at = DateTime::parse_from_rfc3339("2026-04-01T08:00:00Z").expect("time").with_timezone(&Utc);
        let event = WatchEvent::about_source(at, "source-error", "wire", "wire: HTTP 503".into());
        assert_eq!(
            event.line(WatchFormat::Ndjson),
            "{\"time\":\"2026-04-01T08:00:00Z\",\"kind\":\"source-error\",\"source\":\"wire\",\"text\":\"wire: HTTP 503\"}\n"
        );
        assert_eq!(event.line(WatchFormat::Text), "2026-04-01T08:00:00Z  source-error: wire: HTTP 503\n");
    }

    #[test]
    fn a_new_event_carries_the_alert_figures_with_their_basis() {
        let at = DateTime::parse_from_rfc3339("2026-04-01T08:00:00Z").expect("time").with_timezone(&Utc);
        let key = AnnouncementKey {
            commodity: crate::model::Commodity::parse("rare-earths").expect("slug"),
            year: 2026,
            batch: 1,
        };
        let mut alert = crate::app::alerts::sample_alert();
        alert.stages.push(StageFigure {
            stage: Stage::SmeltingSeparation,
            tonnes: 130_000.0,
            yoy_pct: None,
            compared_year: None,
        });
        let event = WatchEvent::of_alert(at, "wire", &key, &alert, &Ledger::new());
        let json: serde_json::Value = serde_json::from_str(&event.line(WatchFormat::Ndjson)).expect("json");
        assert_eq!(json["kind"], "new");
        assert_eq!(
            (json["commodity"].as_str(), json["year"].as_u64(), json["batch"].as_u64()),
            (Some("rare-earths"), Some(2026), Some(1))
        );
        assert_eq!(
            json["stages"][0],
            serde_json::json!({"stage": "mining", "tonnes": 140000.0, "yoy_pct": 3.7, "basis": "batch"})
        );
        assert_eq!(json["stages"][1], serde_json::json!({"stage": "smelting-separation", "tonnes": 130000.0}));
        assert!(json.get("tier").is_none(), "not in the ledger: no tier");
        assert_eq!(event.line(WatchFormat::Text), format!("2026-04-01T08:00:00Z  {}\n", alert.text));
    }
}
