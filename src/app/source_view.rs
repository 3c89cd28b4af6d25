//! What the dashboard knows of each source: its state, last success and error, counts.

use chrono::{DateTime, Utc};

use super::log::{LogEntry, LogKind};
use crate::feed::AnnouncementError;
use crate::ingest::SourceReport;
use crate::ledger::MergeOutcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceState {
    /// Not checked yet (network sources are fetched after start-up).
    Pending,
    Ok,
    Failing,
    /// No success for three poll intervals (a hung request, a long Retry-After, a stuck poller).
    Stale,
    Disabled,
}

/// What the Sources view shows of one source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    pub name: String,
    /// Conflict priority, as in [`crate::ledger::Origin`].
    pub rank: usize,
    pub kind: &'static str,
    pub location: String,
    pub state: SourceState,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// The next poll, once sources are polled live.
    pub next_poll: Option<DateTime<Utc>>,
    /// How often the source is polled; `None` for the bundled history.
    pub interval: Option<std::time::Duration>,
    /// How often instead while a release it covers is due (`fast`).
    pub interval_in_window: Option<std::time::Duration>,
    /// Polled at `interval_in_window` now.
    pub fast: bool,
    /// When the dashboard started watching it: a source that never succeeds goes stale
    /// counting from here.
    pub since: DateTime<Utc>,
    pub accepted: usize,
    pub rejected: usize,
    /// HTTP sources: the last status and body size, and how many polls were answered 304.
    pub http: Option<(u16, u64)>,
    pub not_modified: u32,
    /// Fingerprint of the last document's rejections: the same ones polled again are not
    /// logged again.
    pub rejections_seen: Option<u64>,
    /// Whether a document from this source has been merged yet; its first one is history,
    /// not news, so it raises no alert.
    pub loaded: bool,
}

/// A source with no success for this many intervals is stale.
pub const STALE_INTERVALS: u32 = 3;

impl SourceView {
    /// Whether the source has gone without a success for three poll intervals by `now`.
    /// Only live sources that are neither failing (the error says more) nor disabled can be stale.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        let Some(interval) = self.interval else { return false };
        if !matches!(self.state, SourceState::Ok | SourceState::Pending | SourceState::Stale) {
            return false;
        }
        let reference = self.last_success.unwrap_or(self.since);
        let limit =
            chrono::Duration::from_std(interval.saturating_mul(STALE_INTERVALS)).unwrap_or(chrono::Duration::MAX);
        now.signed_duration_since(reference) > limit
    }

    /// The view of a source as the start-up load left it, with the log lines that load
    /// deserves (loaded, failed, rejected).
    pub fn from_report(report: &SourceReport, now: DateTime<Utc>, log: &mut Vec<LogEntry>) -> SourceView {
        let mut entry = |kind, text| log.push(LogEntry { at: now, kind, text });
        for line in rejection_lines(&report.name, &report.rejected) {
            entry(LogKind::Rejected, line);
        }
        let count = |f: fn(&MergeOutcome) -> bool| report.outcomes.iter().filter(|o| f(o)).count();
        let new = count(|o| *o == MergeOutcome::New);
        let revised = count(|o| *o == MergeOutcome::Revised);
        let conflicts = count(|o| matches!(o, MergeOutcome::Conflict { .. }));
        let state = match (&report.failure, report.enabled) {
            (_, false) => SourceState::Disabled,
            (None, true) if report.pending => SourceState::Pending,
            (Some(error), true) => {
                entry(LogKind::SourceError, format!("{}: {error}", report.name));
                SourceState::Failing
            }
            (None, true) => {
                let mut text = format!("{}: {} announcements ({new} new", report.name, report.accepted);
                if revised > 0 {
                    text.push_str(&format!(", {revised} revised"));
                }
                if conflicts > 0 {
                    text.push_str(&format!(", {conflicts} in conflict"));
                }
                text.push(')');
                entry(LogKind::Loaded, text);
                SourceState::Ok
            }
        };
        SourceView {
            name: report.name.clone(),
            rank: report.rank,
            kind: report.kind,
            location: report.location.clone(),
            state,
            last_success: (state == SourceState::Ok).then_some(now),
            last_error: report.failure.as_ref().map(|e| (now, e.to_string())),
            next_poll: None,
            interval: report.interval,
            interval_in_window: report.interval_in_window,
            fast: false,
            since: now,
            accepted: report.accepted,
            rejected: report.rejected.len(),
            http: None,
            not_modified: 0,
            rejections_seen: Some(rejections_fingerprint(&report.rejected)),
            loaded: report.enabled && !report.pending && report.failure.is_none(),
        }
    }
}

/// Rejections listed one by one per document; the rest are counted in one line, so a
/// document of 10,000 bad announcements cannot flush the log (or fill the log file).
pub const REJECTIONS_LISTED: usize = 20;

/// The log lines for one document's rejections: the first [`REJECTIONS_LISTED`], then a count.
pub fn rejection_lines(source: &str, rejected: &[AnnouncementError]) -> Vec<String> {
    let mut lines: Vec<String> = rejected.iter().take(REJECTIONS_LISTED).map(ToString::to_string).collect();
    if rejected.len() > REJECTIONS_LISTED {
        lines.push(format!("{source}: {} more announcements rejected", rejected.len() - REJECTIONS_LISTED));
    }
    lines
}

/// A fingerprint of a document's rejections, to tell the same ones polled again. Held in
/// memory only, so the std hasher is fine here.
pub fn rejections_fingerprint(rejected: &[AnnouncementError]) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    rejected.hash(&mut hasher);
    hasher.finish()
}
