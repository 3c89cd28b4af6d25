//! Everything the dashboard shows, as plain data. The UI draws it; only
//! [`super::update`] changes it.

use chrono::{DateTime, Utc};

use super::derived::{Derived, holder_history};
use crate::analytics::BatchPoint;
use crate::feed::AnnouncementError;
use crate::ledger::{Ledger, MergeOutcome};
use crate::model::{Commodity, Stage};
use crate::sources::{Loaded, SourceReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Overview,
    Stages,
    Producers,
    Sources,
    Log,
}

impl View {
    pub const ALL: [View; 5] = [View::Overview, View::Stages, View::Producers, View::Sources, View::Log];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Stages => "Stages",
            View::Producers => "Producers",
            View::Sources => "Sources",
            View::Log => "Log",
        }
    }

    pub fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
}

/// One level of the Stages drill-down; each keeps its own selection so going back restores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Level {
    Stages { selected: usize },
    Categories { stage: Stage, selected: usize },
    Holders { stage: Stage, category: String, selected: usize },
    History { stage: Stage, category: String, holder: String, points: Vec<BatchPoint>, selected: usize },
}

impl Level {
    pub fn selected(&self) -> usize {
        match self {
            Level::Stages { selected }
            | Level::Categories { selected, .. }
            | Level::Holders { selected, .. }
            | Level::History { selected, .. } => *selected,
        }
    }

    pub fn selected_mut(&mut self) -> &mut usize {
        match self {
            Level::Stages { selected }
            | Level::Categories { selected, .. }
            | Level::Holders { selected, .. }
            | Level::History { selected, .. } => selected,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Loaded,
    New,
    Revision,
    Conflict,
    Rejected,
    SourceError,
    /// A data-quality flag: totals that disagree with their parts, withheld batches.
    Warning,
}

impl LogKind {
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Loaded => "loaded",
            LogKind::New => "new",
            LogKind::Revision => "revision",
            LogKind::Conflict => "conflict",
            LogKind::Rejected => "rejected",
            LogKind::SourceError => "error",
            LogKind::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub kind: LogKind,
    pub text: String,
}

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

/// The whole dashboard state.
#[derive(Debug)]
pub struct State {
    pub ledger: Ledger,
    pub commodities: Vec<Commodity>,
    pub commodity: usize,
    /// Kept up to date by `update`: holder figures are computed when a view reaches them
    /// ([`State::prepare_view`]), so views change through `update` or `apply`.
    pub derived: Derived,
    pub sources: Vec<SourceView>,
    pub log: Vec<LogEntry>,
    pub view: View,
    pub stage: Stage,
    pub year: Option<u16>,
    pub drill: Vec<Level>,
    /// Selection of the table views other than Stages (which keeps its own per level).
    pub selected: [usize; 5],
    pub filter: String,
    pub filter_editing: bool,
    pub help: bool,
    /// Full text shown over the view (a source's last error), closed by Esc or Enter.
    pub popup: Option<String>,
    /// The latest alert (a new or revised announcement since start-up), until Esc dismisses it.
    pub banner: Option<String>,
    pub now: DateTime<Utc>,
    pub quit: bool,
    /// Work with side effects that `update` asks for and the event loop carries out
    /// (alert commands, refreshes): `update` itself stays pure.
    pub effects: Vec<Effect>,
}

/// A side effect requested by `update`, drained by the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Ring the bell, run the command, call the webhook, as the config says.
    Alert(super::alerts::Alert),
    /// Poll these sources now (every source when `None`).
    Refresh(Option<String>),
    /// Write a table as CSV to the export folder as `name`.
    Export { name: String, csv: String, rows: usize },
}

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
}

/// A source with no success for this many intervals is stale.
pub const STALE_INTERVALS: u32 = 3;

/// Keeps the log from growing without bound in a long-running session.
pub const LOG_LIMIT: usize = 1_000;

impl State {
    /// The initial state from one load of the bundled history and the sources.
    pub fn new(loaded: Loaded, now: DateTime<Utc>) -> State {
        let mut log = Vec::new();
        if loaded.from_store > 0 {
            let text = format!("history store: {} stored versions", loaded.from_store);
            log.push(LogEntry { at: now, kind: LogKind::Loaded, text });
        }
        for problem in &loaded.unreadable {
            log.push(LogEntry { at: now, kind: LogKind::Warning, text: format!("{problem} (left in the store)") });
        }
        let store_failed: Vec<String> =
            loaded.store_errors.iter().map(|e| format!("{e}; history is not being saved")).collect();
        log.extend(store_failed.iter().map(|text| LogEntry {
            at: now,
            kind: LogKind::SourceError,
            text: text.clone(),
        }));
        let sources = loaded.sources.iter().map(|report| source_view(report, now, &mut log)).collect();
        let mut state = State {
            ledger: loaded.ledger,
            commodities: Vec::new(),
            commodity: 0,
            derived: Derived::default(),
            sources,
            log,
            view: View::Overview,
            stage: Stage::Mining,
            year: None,
            drill: vec![Level::Stages { selected: 0 }],
            selected: [0; 5],
            filter: String::new(),
            filter_editing: false,
            help: false,
            popup: None,
            // A store that cannot be used is news the trader must see at once.
            banner: store_failed.into_iter().next(),
            now,
            quit: false,
            effects: Vec::new(),
        };
        // Rare earths first, when there are any: chosen before the one computation of the
        // figures, so they are computed once, for it.
        state.commodities = commodities_of(&state.ledger);
        state.commodity = default_commodity(&state.commodities);
        state.refresh();
        state.log_start_up_notes();
        state
    }

    pub fn current_commodity(&self) -> Option<&Commodity> {
        self.commodities.get(self.commodity)
    }

    /// Recomputes derived figures after the data or the commodity changed, keeping the
    /// selected year when it still exists.
    pub fn refresh(&mut self) {
        let commodities = commodities_of(&self.ledger);
        // Keep the selected commodity itself, not its position: a new commodity arriving
        // must not switch what the trader is looking at.
        let selected = self.commodities.get(self.commodity).cloned();
        // A trader on the latest year follows a newer one when it lands; one browsing an
        // earlier year stays there. (`derived` is still that of `selected` here.)
        let on_latest = self.year.is_some() && self.year == self.derived.latest_published_year;
        self.commodity = match selected {
            Some(c) => commodities.iter().position(|x| *x == c).unwrap_or(self.commodity),
            // Nothing was on screen yet (the data arrives from the sources after start-up):
            // the same choice as at start.
            None => default_commodity(&commodities),
        }
        .min(commodities.len().saturating_sub(1));
        self.commodities = commodities;
        self.derived = match self.commodities.get(self.commodity) {
            Some(commodity) => Derived::compute(&self.ledger, commodity),
            None => Derived::default(),
        };
        if on_latest && self.derived.latest_published_year.is_some() {
            self.year = self.derived.latest_published_year;
        }
        if self.year.is_none_or(|y| !self.derived.years.contains(&y)) {
            self.year = self.derived.latest_published_year.or_else(|| self.derived.years.last().copied());
        }
        let Some(commodity) = self.commodities.get(self.commodity).cloned() else { return };
        for level in &mut self.drill {
            if let Level::History { stage, category, holder, points, .. } = level {
                *points = holder_history(&self.ledger, &commodity, *stage, category_filter(category), holder);
            }
        }
        self.prepare_view();
    }

    /// Computes the holder figures the current view shows, unless they are there already:
    /// only the Producers view and the Holders level of the Stages drill-down show them, so
    /// they are computed when one of those is reached (or refreshed while on screen), not
    /// for every scope on every data change.
    pub fn prepare_view(&mut self) {
        let scope = match (self.view, self.level()) {
            (View::Producers, _) => (self.stage, None),
            (View::Stages, Level::Holders { stage, category, .. }) => {
                (*stage, category_filter(category).map(str::to_owned))
            }
            _ => return,
        };
        let Some(commodity) = self.commodities.get(self.commodity) else { return };
        self.derived.ensure_holders(&self.ledger, commodity, scope.0, scope.1.as_deref());
    }

    /// Data-quality flags, revisions and source conflicts of the loaded history go into the
    /// log, so what the contract says must be shown is on screen from the start.
    fn log_start_up_notes(&mut self) {
        let mut notes = Vec::new();
        for history in crate::analytics::CommodityHistory::build_all(self.ledger.current()) {
            notes.extend(crate::analytics::quality_flags(&history).iter().map(|f| (LogKind::Warning, f.to_string())));
        }
        for (key, entry) in self.ledger.entries() {
            if entry.is_revised() {
                let current = entry.current();
                let text = format!(
                    "{key}: revised (revision {} from {})",
                    current.announcement.revision, current.origin.source
                );
                notes.push((LogKind::Revision, text));
            }
            for conflict in entry.conflicts() {
                notes.push((
                    LogKind::Conflict,
                    format!("{key}: {} and {} disagree; {} is shown", conflict.winner, conflict.loser, conflict.winner),
                ));
            }
        }
        for (kind, text) in notes {
            self.push_log(kind, text);
        }
    }

    /// Adds a line to the Log view, and to the log file (text from sources is already cleaned).
    pub fn push_log(&mut self, kind: LogKind, text: String) {
        tracing::info!("{} {text}", kind.label());
        self.log.push(LogEntry { at: self.now, kind, text });
        if self.log.len() > LOG_LIMIT {
            self.log.drain(..self.log.len() - LOG_LIMIT);
        }
    }

    pub fn level(&self) -> &Level {
        self.drill.last().unwrap_or(&Level::Stages { selected: 0 })
    }
}

/// The commodities in the ledger, in its order (by slug), each once.
fn commodities_of(ledger: &Ledger) -> Vec<Commodity> {
    let mut commodities: Vec<Commodity> = ledger.current().map(|a| a.key.commodity.clone()).collect();
    commodities.dedup();
    commodities
}

/// Rare earths when there are any (what quotawatch is for), else the first commodity.
fn default_commodity(commodities: &[Commodity]) -> usize {
    commodities.iter().position(|c| c.as_str() == "rare-earths").unwrap_or(0)
}

/// The drill-down's category "all" stands for the whole stage.
pub fn category_filter(category: &str) -> Option<&str> {
    (category != crate::model::TOTAL_CATEGORY).then_some(category)
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

/// A fingerprint of a document's rejections, to tell the same ones polled again.
pub fn rejections_fingerprint(rejected: &[AnnouncementError]) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    rejected.hash(&mut hasher);
    hasher.finish()
}

fn source_view(report: &SourceReport, now: DateTime<Utc>, log: &mut Vec<LogEntry>) -> SourceView {
    let mut entry = |kind, text| log.push(LogEntry { at: now, kind, text });
    for line in rejection_lines(&report.name, &report.rejected) {
        entry(LogKind::Rejected, line);
    }
    let new = report.outcomes.iter().filter(|o| **o == MergeOutcome::New).count();
    let revised = report.outcomes.iter().filter(|o| **o == MergeOutcome::Revised).count();
    let conflicts = report.outcomes.iter().filter(|o| matches!(o, MergeOutcome::Conflict { .. })).count();
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
        since: now,
        accepted: report.accepted,
        rejected: report.rejected.len(),
        http: None,
        not_modified: 0,
        rejections_seen: Some(rejections_fingerprint(&report.rejected)),
        loaded: report.enabled && !report.pending && report.failure.is_none(),
    }
}
