//! Reading the configured sources and merging them, with the bundled history, into a
//! [`Ledger`]: one pass ([`load_once`], used at start-up and by `report`), then live
//! polling ([`spawn_pollers`]) for the dashboard. Each source's outcome is kept per
//! source, so a failing one is named and never hides the others.

mod file;
mod watch;

use chrono::{DateTime, Utc};

pub use file::read_file;
pub use watch::{Poller, SourceEvent, spawn_pollers};

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
}

/// Reads one source once and parses what it holds.
pub fn read_once(source: &SourceConfig) -> Result<ParsedFeed, SourceError> {
    match &source.kind {
        SourceKind::File { path } => read_file(&source.name, path, source.format, source.max_bytes),
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
    let mut ledger = Ledger::new();
    let mut reports = Vec::new();
    if include_bundled {
        let origin = Origin { source: bundled::SOURCE_NAME.into(), rank: config.sources.len() };
        let result = bundled::load().map_err(SourceError::from);
        reports.push(merge(&mut ledger, &origin, "bundled", "assets/rare-earths.json".into(), true, result, now));
    }
    for (rank, source) in config.sources.iter().enumerate() {
        let origin = Origin { source: source.name.clone(), rank };
        let result = if source.enabled { read_once(source) } else { Ok(ParsedFeed::default()) };
        reports.push(merge(&mut ledger, &origin, source.kind_name(), source.location(), source.enabled, result, now));
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
