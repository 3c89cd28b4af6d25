//! Reading the configured sources and merging them, with the bundled history, into a
//! [`Ledger`]: one pass ([`load_once`], used at start-up and by `report`), then live
//! polling ([`spawn_pollers`]) for the dashboard. Each source's outcome is kept per
//! source, so a failing one is named and never hides the others.

mod file;
mod http;
mod watch;

use chrono::{DateTime, Utc};

pub use file::read_file;
pub use http::{Fetched, HttpSource, retry_after};
pub use watch::{Poller, SourceEvent, refresh, spawn_pollers};

use crate::bundled;
use crate::config::{Config, SourceConfig, SourceKind};
use crate::feed::{AnnouncementError, DocumentError, ParsedFeed};
use crate::ledger::{Ledger, MergeOutcome, Origin};

/// Why a source yielded nothing this time.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path} is over the limit of {limit} bytes")]
    TooLarge { path: String, limit: u64 },
    #[error("document rejected: {0}")]
    Document(#[from] DocumentError),
    #[error("{0}")]
    Network(String),
    #[error("HTTP {status}{}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    Http { status: u16, retry_after: Option<std::time::Duration> },
}

/// Reads one source once and parses what it holds (blocking: `report` and start-up use it).
pub fn read_once(source: &SourceConfig) -> Result<ParsedFeed, SourceError> {
    match &source.kind {
        SourceKind::File { path } => read_file(&source.name, path, source.format, source.max_bytes),
        SourceKind::Http { .. } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| SourceError::Network(format!("cannot start the HTTP runtime: {e}")))?;
            let mut client =
                HttpSource::new(source).ok_or_else(|| SourceError::Network("not an HTTP source".into()))??;
            let fetched = runtime.block_on(client.fetch())?;
            Ok(fetched.parsed.unwrap_or_default())
        }
    }
}

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
    /// A network source left for the pollers: not read yet.
    pub pending: bool,
    /// How often the dashboard polls it; `None` for the bundled history.
    pub interval: Option<std::time::Duration>,
}

/// The ledger after one pass over the bundled history and every enabled source.
#[derive(Debug)]
pub struct Loaded {
    pub ledger: Ledger,
    /// The bundled history first (when included), then the sources in configuration order.
    pub sources: Vec<SourceReport>,
}

impl Loaded {
    pub fn failures(&self) -> impl Iterator<Item = (&str, &SourceError)> {
        self.sources.iter().filter_map(|s| s.failure.as_ref().map(|f| (s.name.as_str(), f)))
    }

    pub fn rejected(&self) -> impl Iterator<Item = &AnnouncementError> {
        self.sources.iter().flat_map(|s| &s.rejected)
    }
}

/// One pass: the bundled history (unless `include_bundled` is false), then each enabled source.
///
/// The bundled history ranks after every configured source, so a desk's own feed wins a conflict.
pub fn load_once(config: &Config, include_bundled: bool, now: DateTime<Utc>) -> Loaded {
    load(config, include_bundled, true, now)
}

/// The same pass without network sources: the dashboard starts from this at once and lets
/// its pollers fetch the network sources, so nothing on screen waits on the network.
pub fn load_local(config: &Config, include_bundled: bool, now: DateTime<Utc>) -> Loaded {
    load(config, include_bundled, false, now)
}

fn load(config: &Config, include_bundled: bool, network: bool, now: DateTime<Utc>) -> Loaded {
    let mut ledger = Ledger::new();
    let mut reports = Vec::new();
    if include_bundled {
        let origin = Origin { source: bundled::SOURCE_NAME.into(), rank: config.sources.len() };
        let result = bundled::load().map_err(SourceError::from);
        reports.push(merge(&mut ledger, &origin, "bundled", "assets/rare-earths.json".into(), true, result, now));
    }
    for (rank, source) in config.sources.iter().enumerate() {
        let origin = Origin { source: source.name.clone(), rank };
        let is_network = matches!(source.kind, SourceKind::Http { .. });
        let result =
            if source.enabled && (network || !is_network) { read_once(source) } else { Ok(ParsedFeed::default()) };
        let mut report =
            merge(&mut ledger, &origin, source.kind_name(), source.location(), source.enabled, result, now);
        report.pending = source.enabled && is_network && !network;
        report.interval = Some(source.interval);
        reports.push(report);
    }
    Loaded { ledger, sources: reports }
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
    let mut report = SourceReport {
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
    };
    match result {
        Ok(parsed) => {
            report.accepted = parsed.announcements.len();
            report.rejected = parsed.rejected;
            report.outcomes = parsed.announcements.into_iter().map(|a| ledger.merge(origin, a, now)).collect();
        }
        Err(error) => report.failure = Some(error),
    }
    report
}
