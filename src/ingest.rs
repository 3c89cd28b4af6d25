//! The one use case behind every start: read the bundled history, the stored history and
//! every configured source, merge them in configuration order, and record each accepted
//! version in the store. The dashboard's start-up and the headless commands (`report`,
//! `history`, `export`) share it, so they agree on what the history is.
//!
//! Sources only read ([`crate::sources`]); the ledger only merges; the store only keeps.
//! This module is where the three meet.

use chrono::{DateTime, Utc};

use crate::bundled;
use crate::config::{Config, SourceConfig, SourceKind};
use crate::feed::{AnnouncementError, ParsedFeed};
use crate::ledger::{Ledger, MergeOutcome, Origin};
use crate::sources::SourceError;
use crate::store::{DocumentSeen, Store, StoreError};

mod deferred;
mod fetch;

pub use deferred::{REPLAY_IN_BACKGROUND_BYTES, StoredHistory, dashboard_first_frame, replay_stored};
use fetch::{SourceRead, fetch};

/// What one source contributed to a load.
#[derive(Debug)]
pub struct SourceReport {
    pub name: String,
    /// Conflict priority: the position in the configuration (the bundled history comes last).
    pub rank: usize,
    pub kind: &'static str,
    pub location: String,
    pub enabled: bool,
    pub accepted: usize,
    pub rejected: Vec<AnnouncementError>,
    /// Set when the source could not be read or its document was rejected whole.
    pub failure: Option<SourceError>,
    /// How many merges changed, revised, outdated or conflicted (per [`MergeOutcome`]).
    pub outcomes: Vec<MergeOutcome>,
    /// A source left for the pollers (network, or a file the dashboard reads in the
    /// background): not read yet.
    pub pending: bool,
    /// How often the dashboard polls it; `None` for the bundled history.
    pub interval: Option<std::time::Duration>,
    /// How often instead while a release it covers is due.
    pub interval_in_window: Option<std::time::Duration>,
    /// The expectations and events its document carried (and those rejected).
    pub outlook: crate::outlook::ParsedOutlook,
}

/// The ledger after one pass over the bundled history and every enabled source.
#[derive(Debug, Default)]
pub struct Loaded {
    pub ledger: Ledger,
    /// The bundled history first (when included), then the sources in configuration order.
    pub sources: Vec<SourceReport>,
    /// How many versions came from the history store.
    pub from_store: usize,
    /// Stored rows that could not be read (left in the store), named by row.
    pub unreadable: Vec<String>,
    /// What went wrong with the store (reading it, or saving to it).
    pub store_errors: Vec<StoreError>,
    /// The configuration's own `[[expectations]]` and `[[events]]`.
    pub config_outlook: crate::outlook::Outlook,
    /// The headlines of `rss` and `page` sources: the stored ones and this pass's, newest
    /// first (without a store, this pass's alone).
    pub headlines: Vec<crate::news::Headline>,
    /// What [`for_headless_deferred`] left for [`record_pending`] to write, one entry per
    /// source document in configuration order (empty otherwise: the load wrote it).
    pub pending: Vec<PendingWrite>,
    /// Set by [`dashboard_first_frame`]: the stored history follows ([`replay_stored`]), so
    /// the notes of the whole history (quality flags, revisions, conflicts) wait for it.
    pub history_pending: bool,
}

/// The versions one source document added to the ledger, not yet written to the store.
#[derive(Debug)]
pub struct PendingWrite {
    pub applied: Vec<(crate::model::AnnouncementKey, usize)>,
    pub document: Option<DocumentSeen>,
}

/// Writes what [`for_headless_deferred`] left, one transaction per source document, in
/// order (a crash leaves whole documents or nothing, as when the load writes them); each
/// failure named, the rest still written.
pub fn record_pending(store: &mut Store, ledger: &Ledger, pending: &[PendingWrite]) -> Vec<StoreError> {
    pending.iter().filter_map(|write| store.record(ledger, &write.applied, write.document.as_ref()).err()).collect()
}

impl SourceReport {
    /// A source's report before anything was read from it.
    pub fn new(origin: &Origin, kind: &'static str, location: String, enabled: bool) -> SourceReport {
        SourceReport {
            name: origin.source.clone(),
            rank: origin.rank,
            kind,
            location,
            enabled,
            accepted: 0,
            rejected: Vec::new(),
            failure: None,
            outcomes: Vec::new(),
            pending: false,
            interval: None,
            interval_in_window: None,
            outlook: Default::default(),
        }
    }
}

impl Loaded {
    pub fn failures(&self) -> impl Iterator<Item = (&str, &SourceError)> {
        self.sources.iter().filter_map(|s| s.failure.as_ref().map(|f| (s.name.as_str(), f)))
    }

    pub fn rejected(&self) -> impl Iterator<Item = &AnnouncementError> {
        self.sources.iter().flat_map(|s| &s.rejected)
    }

    /// Expectations and events: the bundled ones, each source's in configuration order,
    /// then the configuration's; with the entries rejected on the way, named.
    pub fn outlook(&self) -> (crate::outlook::Outlook, Vec<&crate::outlook::OutlookError>) {
        let mut gathered = crate::outlook::Outlook::default();
        let mut rejected = Vec::new();
        for report in &self.sources {
            rejected.extend(&report.outlook.rejected);
            gathered.extend(report.outlook.outlook.clone());
        }
        gathered.extend(self.config_outlook.clone());
        (gathered, rejected)
    }
}

/// What the dashboard starts from: the bundled history (unless `bundled` is false) and the
/// stored one, at once; every source is left to its poller, so nothing on screen waits on
/// a network or a large file.
///
/// The bundled history ranks after every configured source, so a desk's own feed wins a conflict.
pub fn for_dashboard(config: &Config, bundled: bool, store: Option<&mut Store>, now: DateTime<Utc>) -> Loaded {
    load(config, &LoadOptions { bundled, network: false, files: false, sources: true, defer: false }, store, now)
}

/// What `report`, `export` and `history` read: the bundled and stored history, then (with
/// `read_sources`) one pass over every enabled source, each saved to the store.
pub fn for_headless(
    config: &Config,
    bundled: bool,
    read_sources: bool,
    store: Option<&mut Store>,
    now: DateTime<Utc>,
) -> Loaded {
    load(config, &LoadOptions { bundled, network: true, files: true, sources: read_sources, defer: false }, store, now)
}

/// [`for_headless`], leaving the new versions in [`Loaded::pending`] for the caller to write
/// with [`record_pending`] (while it computes and prints the report, on another core). The
/// store is still read here, and headlines are still written here.
pub fn for_headless_deferred(
    config: &Config,
    bundled: bool,
    read_sources: bool,
    store: Option<&mut Store>,
    now: DateTime<Utc>,
) -> Loaded {
    load(config, &LoadOptions { bundled, network: true, files: true, sources: read_sources, defer: true }, store, now)
}

/// What a load reads besides the stored history.
#[derive(Debug, Clone, Copy)]
struct LoadOptions {
    /// The bundled history (`--no-bundled` leaves it out).
    bundled: bool,
    /// HTTP sources too (`report`), or only local ones (the dashboard's start).
    network: bool,
    /// File sources too, or left to the pollers (the dashboard: a desk's file can hold a
    /// million rows, and the first frame should not wait for them).
    files: bool,
    /// Whether to read the sources at all (`history` shows the record without them).
    sources: bool,
    /// Leave the new versions to the caller ([`Loaded::pending`]) rather than write them.
    defer: bool,
}

/// The conflict rank of a source by name: its position in the configuration; sources
/// known only from the stored history come after every configured one, and the bundled
/// history after those.
pub fn rank_of(config: &Config, source: &str) -> usize {
    if source == bundled::SOURCE_NAME {
        return config.sources.len() + 1;
    }
    config.sources.iter().position(|s| s.name == source).unwrap_or(config.sources.len())
}

/// One pass: the bundled history, then the stored history (when there is a store), then
/// each enabled source, each source's new versions written to the store in one transaction
/// as soon as it is merged (from the store on, the ledger journals what changes).
///
/// The bundled history comes first as it did when the stored versions were first merged,
/// so replaying them gives the same outcomes. A store that fails is named in
/// [`Loaded::store_errors`]; the load goes on without it.
fn load(config: &Config, options: &LoadOptions, mut store: Option<&mut Store>, now: DateTime<Utc>) -> Loaded {
    let mut ledger = Ledger::new();
    let mut reports = Vec::new();
    if options.bundled {
        let origin = Origin { source: bundled::SOURCE_NAME.into(), rank: rank_of(config, bundled::SOURCE_NAME) };
        let result = bundled::load().map_err(SourceError::from);
        reports.push(merge(&mut ledger, &origin, "bundled", "assets/ (compiled in)".into(), true, result, now));
    }
    let mut from_store = 0;
    let mut unreadable = Vec::new();
    let mut store_errors = Vec::new();
    let read = if options.sources { config.sources.as_slice() } else { &[] };
    let known = store.as_deref().map(Store::documents).unwrap_or_default();
    // The pages `follow` read in earlier runs: not fetched again.
    let followed = store.as_deref().and_then(|s| s.followed().ok()).unwrap_or_default();
    let mut headlines = Vec::new();
    let mut pending = Vec::new();
    let with_store = store.is_some();
    // Every source is read at once, each on its own thread (a slow or silent server costs
    // its own timeout, not everyone's), then merged in configuration order. Meanwhile this
    // thread replays the stored history: on two cores a warm `report` hashes its file and
    // rebuilds its ledger side by side.
    let (fetched, stored): (Vec<SourceRead>, _) = std::thread::scope(|scope| {
        let handles: Vec<_> = read
            .iter()
            .map(|source| {
                let wanted = source.enabled && !deferred(source, options);
                let known = known.get(&source.name).copied();
                let followed = followed.get(&source.name).cloned().unwrap_or_default();
                scope.spawn(move || fetch(source, wanted, with_store, known, followed))
            })
            .collect();
        let stored = store.as_deref().map(|opened| {
            opened.load().map(|stored| {
                from_store = stored.versions.len();
                unreadable = stored.unreadable;
                crate::store::replay(&mut ledger, stored.versions, |name| rank_of(config, name));
                ledger.start_journal();
            })
        });
        let fetched = handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    SourceRead::Read(Err(SourceError::Network("reading the source failed unexpectedly".into())), None)
                })
            })
            .collect();
        (fetched, stored)
    });
    let mut fetched = fetched;
    if let Some(Err(error)) = stored {
        // Unreadable: left alone, and nothing written to it this time either. A document
        // skipped as unchanged relied on the stored history: it is read after all.
        store_errors.push(error);
        store = None;
        for (source, fetched) in read.iter().zip(fetched.iter_mut()) {
            if matches!(fetched, SourceRead::Unchanged(_)) {
                let followed = Default::default();
                *fetched = fetch(source, source.enabled && !deferred(source, options), false, None, followed);
            }
        }
    }
    for ((rank, source), fetched) in read.iter().enumerate().zip(fetched) {
        let origin = Origin { source: source.name.clone(), rank };
        let (mut result, document, unchanged) = match fetched {
            SourceRead::Unchanged(accepted) => (Ok(ParsedFeed::default()), None, Some(accepted)),
            SourceRead::Read(result, document) => (result, document, None),
        };
        let found = result.as_mut().map(|parsed| std::mem::take(&mut parsed.headlines)).unwrap_or_default();
        let mut report =
            merge(&mut ledger, &origin, source.kind_name(), source.location(), source.enabled, result, now);
        report.pending = source.enabled && deferred(source, options);
        report.interval = Some(source.interval);
        report.interval_in_window = source.interval_in_window;
        if let Some(accepted) = unchanged {
            report.accepted = accepted;
        }
        reports.push(report);
        if let Some(store) = store.as_deref_mut() {
            let applied = ledger.take_journal();
            match unchanged {
                Some(_) => {}
                None if options.defer => pending.push(PendingWrite { applied, document }),
                None => store_errors.extend(store.record(&ledger, &applied, document.as_ref()).err()),
            }
            if let Err(error) = store.record_headlines(&found) {
                store_errors.push(error);
            }
        }
        headlines.extend(found);
    }
    if let Some(store) = store.as_deref() {
        match store.headlines() {
            Ok(stored) => headlines = stored,
            Err(error) => store_errors.push(error),
        }
    } else {
        headlines.sort_by_key(|h| std::cmp::Reverse(h.first_seen));
    }
    let config_outlook = config.outlook.clone();
    Loaded {
        ledger,
        sources: reports,
        from_store,
        unreadable,
        store_errors,
        config_outlook,
        headlines,
        pending,
        history_pending: false,
    }
}

/// Whether a source is left to the pollers in this load.
fn deferred(source: &SourceConfig, options: &LoadOptions) -> bool {
    match source.kind {
        SourceKind::Http { .. } => !options.network,
        SourceKind::File { .. } => !options.files,
    }
}

fn merge(
    ledger: &mut Ledger,
    origin: &Origin,
    kind: &'static str,
    location: String,
    enabled: bool,
    result: Result<ParsedFeed, SourceError>,
    now: DateTime<Utc>,
) -> SourceReport {
    let mut report = SourceReport::new(origin, kind, location, enabled);
    match result {
        Ok(parsed) => {
            report.accepted = parsed.announcements.len();
            report.outlook = parsed.outlook;
            report.rejected = parsed.rejected;
            report.outcomes = parsed.announcements.into_iter().map(|a| ledger.merge(origin, a, now)).collect();
        }
        Err(error) => report.failure = Some(error),
    }
    report
}
