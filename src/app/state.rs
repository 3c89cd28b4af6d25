//! Everything the dashboard shows, as plain data. Only [`super::update`] changes it (its
//! fields are the `app` module's alone); the view layer and tests read it through the
//! methods here. The invariants live in the verbs: the log is bounded and every line of it
//! goes to the log file, the selected commodity and year always exist, holder figures are
//! computed when a view shows them.

use chrono::{DateTime, Utc};

use super::derived::{Derived, holder_history};
use super::effects::Effect;
use super::log::{LOG_LIMIT, LogEntry, LogKind};
use super::nav::{Level, Mode, Nav, View};
use super::source_view::SourceView;
use super::watchlist::Watchlist;
use crate::ingest::Loaded;
use crate::ledger::Ledger;
use crate::model::{Commodity, Stage};

/// The whole dashboard state.
#[derive(Debug)]
pub struct State {
    pub(super) ledger: Ledger,
    pub(super) commodities: Vec<Commodity>,
    pub(super) commodity: usize,
    /// Recomputed by [`State::refresh`] when the data or the commodity changes; holder
    /// figures by [`State::prepare_view`] when a view reaches them.
    pub(super) derived: Derived,
    pub(super) sources: Vec<SourceView>,
    pub(super) log: Vec<LogEntry>,
    pub(super) view: View,
    pub(super) stage: Stage,
    pub(super) year: Option<u16>,
    pub(super) nav: Nav,
    pub(super) mode: Mode,
    /// The latest alert (a new or revised announcement since start-up), until Esc dismisses it.
    pub(super) banner: Option<String>,
    pub(super) now: DateTime<Utc>,
    pub(super) quit: bool,
    /// Side effects asked for and not yet handed out: `update` returns them.
    pub(super) outbox: Vec<Effect>,
    /// Expectations, events and the next releases.
    pub(super) watch: Watchlist,
    /// Whether the overview's chart marks the years with policy events (`m` toggles).
    pub(super) markers: bool,
    /// What each key asks for: the defaults, or the config's `[keys]`.
    pub(super) keys: crate::keys::KeyMap,
    /// News and notice items that matched the quota keywords, newest first.
    pub(super) headlines: Vec<crate::news::Headline>,
    /// Where the stored history replayed after the first frame arrives (see `replay.rs`),
    /// until the loop takes it; `loading_history` until it is merged.
    pub(super) history: Option<super::replay::HistoryReceiver>,
    pub(super) loading_history: bool,
}

impl State {
    /// The initial state from one load of the bundled history, the store and the sources.
    /// Its log lines are queued for the log file like any other.
    pub fn new(loaded: Loaded, now: DateTime<Utc>) -> State {
        let loaded_history_pending = loaded.history_pending;
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
        let sources = loaded.sources.iter().map(|report| SourceView::from_report(report, now, &mut log)).collect();
        let mut watch = Watchlist::new(&loaded);
        for (kind, text) in outlook_rejections(&loaded) {
            log.push(LogEntry { at: now, kind, text });
        }
        watch.refresh_calendar(&loaded.ledger, now.date_naive());
        let mut headlines = loaded.headlines.clone();
        sort_headlines(&mut headlines);
        let outbox = log.iter().map(|e| Effect::LogLine { kind: e.kind, text: e.text.clone() }).collect();
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
            nav: Nav::default(),
            mode: Mode::Normal,
            // A store that cannot be used is news the trader must see at once.
            banner: store_failed.into_iter().next(),
            now,
            quit: false,
            outbox,
            watch,
            markers: true,
            keys: crate::keys::KeyMap::default(),
            headlines,
            history: None,
            loading_history: false,
        };
        // Rare earths first, when there are any: chosen before the one computation of the
        // figures, so they are computed once, for it.
        state.commodities = commodities_of(&state.ledger);
        state.commodity = default_commodity(&state.commodities);
        state.refresh();
        // With the stored history still to come, its notes come with it (`replay.rs`).
        if !loaded_history_pending {
            state.log_start_up_notes();
        }
        state
    }

    /// A problem found while starting (no log file, a store that cannot be opened): in the
    /// log, and in the banner when the trader must see it at once.
    pub fn report_problem(&mut self, text: String, banner: bool) {
        self.push_log(LogKind::SourceError, text.clone());
        if banner {
            self.banner = Some(text);
        }
    }

    // Reading. ------------------------------------------------------------------------

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn commodity(&self) -> Option<&Commodity> {
        self.commodities.get(self.commodity)
    }

    pub fn commodities(&self) -> &[Commodity] {
        &self.commodities
    }

    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    pub fn sources(&self) -> &[SourceView] {
        &self.sources
    }

    pub fn source(&self, name: &str) -> Option<&SourceView> {
        self.sources.iter().find(|s| s.name == name)
    }

    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    pub fn view(&self) -> View {
        self.view
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn year(&self) -> Option<u16> {
        self.year
    }

    pub fn nav(&self) -> &Nav {
        &self.nav
    }

    /// The current level of the Stages drill-down.
    pub fn level(&self) -> &Level {
        self.nav.level()
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The popup's text, when one is open.
    pub fn popup(&self) -> Option<&str> {
        self.popup_detail().map(|p| p.text.as_str())
    }

    /// The open popup with its marks and scroll.
    pub fn popup_detail(&self) -> Option<&super::nav::Popup> {
        match &self.mode {
            Mode::Popup(popup) => Some(popup),
            _ => None,
        }
    }

    /// The row filter of the current table (kept after Enter ends the typing).
    pub fn filter(&self) -> &str {
        &self.nav.opts(self.view).filter
    }

    /// The sort of the current table.
    pub fn sort(&self) -> super::nav::Sort {
        self.nav.opts(self.view).sort
    }

    pub fn banner(&self) -> Option<&str> {
        self.banner.as_deref()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Whether the dashboard is on its way out (the executor flushes, then the loop ends).
    pub fn quitting(&self) -> bool {
        self.quit
    }

    pub fn watch(&self) -> &Watchlist {
        &self.watch
    }

    /// Whether the overview's chart marks the years with policy events.
    pub fn markers(&self) -> bool {
        self.markers
    }

    pub fn keys(&self) -> &crate::keys::KeyMap {
        &self.keys
    }

    /// The headlines seen, newest first.
    pub fn headlines(&self) -> &[crate::news::Headline] {
        &self.headlines
    }

    /// Adds a source's headlines not seen before (by source and link); returns those. One
    /// seen before whose page has now been read (it was left for a later poll) takes the
    /// page's kind and detail: its figures and text, for Enter.
    pub(super) fn add_headlines(&mut self, found: Vec<crate::news::Headline>) -> Vec<crate::news::Headline> {
        let mut fresh = Vec::new();
        let mut read_now = Vec::new();
        for h in found {
            let known = self.headlines.iter_mut().find(|known| known.source == h.source && known.key() == h.key());
            match known {
                None => fresh.push(h),
                Some(known) if !h.detail.body.is_empty() && known.detail.body != h.detail.body => {
                    known.kind = h.kind;
                    known.detail = h.detail.clone();
                    known.followed |= h.followed;
                    read_now.push(h);
                }
                Some(_) => {}
            }
        }
        if fresh.is_empty() && read_now.is_empty() {
            return fresh;
        }
        self.outbox.push(Effect::SaveHeadlines(fresh.iter().cloned().chain(read_now).collect()));
        self.headlines.extend(fresh.iter().cloned());
        sort_headlines(&mut self.headlines);
        fresh
    }

    /// The key map the config's `[keys]` gave (validated by [`crate::keys::KeyMap::from_config`]).
    pub fn with_keys(mut self, keys: crate::keys::KeyMap) -> State {
        self.keys = keys;
        self
    }

    // Verbs with invariants. ---------------------------------------------------------------

    /// Adds a line to the Log view, bounded, and queues it for the log file (text from
    /// sources is already cleaned): one path, so nothing is logged twice.
    pub(super) fn push_log(&mut self, kind: LogKind, text: String) {
        self.outbox.push(Effect::LogLine { kind, text: text.clone() });
        self.log.push(LogEntry { at: self.now, kind, text });
        if self.log.len() > LOG_LIMIT {
            self.log.drain(..self.log.len() - LOG_LIMIT);
        }
    }

    pub(super) fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outbox)
    }

    /// Recomputes derived figures after the data or the commodity changed, keeping the
    /// selected commodity and year when they still exist.
    pub(super) fn refresh(&mut self) {
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
            Some(commodity) => {
                let mut derived = Derived::compute(&self.ledger, commodity);
                derived.consensus = self.watch.consensus(&self.ledger, commodity);
                derived
            }
            None => Derived::default(),
        };
        // New data can publish or issue a batch the calendar was waiting for.
        self.watch.refresh_calendar(&self.ledger, self.now.date_naive());
        self.set_cadences();
        if on_latest && self.derived.latest_published_year.is_some() {
            self.year = self.derived.latest_published_year;
        }
        if self.year.is_none_or(|y| !self.derived.years.contains(&y)) {
            self.year = self.derived.latest_published_year.or_else(|| self.derived.years.last().copied());
        }
        let Some(commodity) = self.commodities.get(self.commodity).cloned() else { return };
        for level in self.nav.levels_mut() {
            if let Level::History { stage, category, holder, points, .. } = level {
                *points = holder_history(&self.ledger, &commodity, *stage, category.as_deref(), holder);
            }
        }
        self.prepare_view();
    }

    /// Sources with an `interval_in_window` are polled at it while the next release of a
    /// commodity they cover is in its window or overdue (a source that has delivered nothing
    /// yet may cover any), and at their interval otherwise; each change is an effect.
    pub(super) fn set_cadences(&mut self) {
        let urgent = self.watch.urgent();
        let mut changes = Vec::new();
        for source in self.sources.iter_mut().filter(|s| s.interval_in_window.is_some()) {
            let covered: std::collections::BTreeSet<&crate::model::Commodity> = self
                .ledger
                .entries()
                .filter(|(_, entry)| entry.versions().iter().any(|v| v.origin.source == source.name))
                .map(|(key, _)| &key.commodity)
                .collect();
            let fast =
                if covered.is_empty() { !urgent.is_empty() } else { covered.iter().any(|c| urgent.contains(*c)) };
            if source.fast != fast {
                source.fast = fast;
                changes.push(Effect::Cadence { source: source.name.clone(), fast });
            }
        }
        self.outbox.extend(changes);
    }

    /// Computes the holder figures the current view shows, unless they are there already:
    /// only the Producers view and the Holders level of the Stages drill-down show them, so
    /// they are computed when one of those is reached (or refreshed while on screen), not
    /// for every scope on every data change.
    pub(super) fn prepare_view(&mut self) {
        let (stage, category) = match (self.view, self.nav.level()) {
            (View::Producers, _) => (self.stage, None),
            (View::Stages, Level::Holders { stage, category, .. }) => (*stage, category.clone()),
            _ => return,
        };
        let Some(commodity) = self.commodities.get(self.commodity) else { return };
        self.derived.ensure_holders(&self.ledger, commodity, stage, category.as_deref());
    }

    /// Data-quality flags, revisions and source conflicts of the loaded history go into the
    /// log, so what the contract says must be shown is on screen from the start.
    pub(super) fn log_start_up_notes(&mut self) {
        for (kind, text) in self.start_up_notes() {
            self.push_log(kind, text);
        }
    }

    /// What [`State::log_start_up_notes`] logs, for the ledger held now.
    fn start_up_notes(&self) -> Vec<(LogKind, String)> {
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
        notes
    }
}

/// Newest first: by the item's own date where it has one, else by when it was first seen.
fn sort_headlines(headlines: &mut [crate::news::Headline]) {
    headlines.sort_by_key(|h| std::cmp::Reverse((h.published.unwrap_or(h.first_seen.date_naive()), h.first_seen)));
}

/// Expectation and event entries the load rejected, as log lines.
fn outlook_rejections(loaded: &Loaded) -> Vec<(LogKind, String)> {
    loaded.outlook().1.into_iter().map(|e| (LogKind::Rejected, e.to_string())).collect()
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
