//! Reading the configured sources, and nothing else: a file or an HTTP document read once
//! ([`read_once`], [`read_file`], [`read_bytes`]) or polled live ([`spawn_pollers`]), each
//! parsed into announcements and per-announcement errors. Merging into the ledger and
//! recording in the store are [`crate::ingest`]'s: sources never reach either.

mod file;
mod http;
mod news;
mod watch;

pub use file::{FileRead, fingerprint_file, parse_file, read_bytes, read_file, read_file_against};
pub use http::{Fetched, HttpSource, retry_after};
pub use watch::{
    ParsedDocuments, Poller, SourceEvent, refresh, set_cadence, spawn_pollers, spawn_pollers_following,
    spawn_pollers_known,
};

use crate::config::{SourceConfig, SourceKind};
use crate::feed::{DocumentError, ParsedFeed};

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
    read_once_following(source, std::collections::HashSet::new())
}

/// [`read_once`], with the links whose pages earlier runs read (`follow`): not fetched again.
pub fn read_once_following(
    source: &SourceConfig,
    followed: std::collections::HashSet<String>,
) -> Result<ParsedFeed, SourceError> {
    match &source.kind {
        SourceKind::File { path } => read_file(&source.name, path, source.format, source.max_bytes),
        SourceKind::Http { .. } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| SourceError::Network(format!("cannot start the HTTP runtime: {e}")))?;
            let mut client =
                HttpSource::new(source).ok_or_else(|| SourceError::Network("not an HTTP source".into()))??;
            client.remember_followed(followed);
            let fetched = runtime.block_on(client.fetch())?;
            Ok(fetched.parsed.unwrap_or_default())
        }
    }
}
