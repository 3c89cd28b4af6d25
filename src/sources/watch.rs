//! Live polling: one tokio task per enabled source, which re-reads the source when it
//! changed and reports what it found as a [`SourceEvent`]. Dropping the [`Poller`] stops it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use super::{SourceError, read_file};
use crate::config::{SourceConfig, SourceKind};
use crate::feed::ParsedFeed;

/// What one check of a source found. Sent only when there is news: the source changed, or
/// reading it failed.
#[derive(Debug)]
pub struct SourceEvent {
    pub source: String,
    pub at: DateTime<Utc>,
    pub result: Result<ParsedFeed, SourceError>,
    /// When the source will be checked again.
    pub next_poll: DateTime<Utc>,
}

/// A running poll task; dropping it cancels the task.
#[derive(Debug)]
pub struct Poller(tokio::task::JoinHandle<()>);

impl Drop for Poller {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts a poller for every enabled source. Must be called inside a tokio runtime.
///
/// `send` returns false once nobody listens any more, which ends the task.
pub fn spawn_pollers(
    sources: &[SourceConfig],
    send: impl Fn(SourceEvent) -> bool + Clone + Send + 'static,
) -> Vec<Poller> {
    sources
        .iter()
        .filter(|s| s.enabled)
        .map(|source| match &source.kind {
            SourceKind::File { path } => Poller(tokio::spawn(poll_file(source.clone(), path.clone(), send.clone()))),
        })
        .collect()
}

/// A file's identity for change detection: modification time and length.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Checks the file every `interval`; reads it when its stamp changed. A read or parse
/// failure (a half-written file, say) leaves the stamp unrecorded, so the next check
/// tries again, and the data accepted earlier stays in the ledger.
async fn poll_file(source: SourceConfig, path: PathBuf, send: impl Fn(SourceEvent) -> bool) {
    let mut ticker = tokio::time::interval(source.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = None;
    let mut last_error: Option<String> = None;
    loop {
        ticker.tick().await;
        let current = stamp(&path);
        if current.is_some() && current == seen {
            continue;
        }
        let (name, format, max_bytes) = (source.name.clone(), source.format, source.max_bytes);
        let file = path.clone();
        let result =
            tokio::task::spawn_blocking(move || read_file(&name, &file, format, max_bytes)).await.unwrap_or_else(
                |join| Err(SourceError::Io { path: path.display().to_string(), error: std::io::Error::other(join) }),
            );
        match &result {
            Ok(_) => {
                seen = current;
                last_error = None;
            }
            Err(error) => {
                // The same failure again is not news.
                let text = error.to_string();
                if last_error.as_ref() == Some(&text) {
                    continue;
                }
                last_error = Some(text);
            }
        }
        let at = Utc::now();
        let next_poll = at + chrono::Duration::from_std(source.interval).unwrap_or(chrono::Duration::MAX);
        if !send(SourceEvent { source: source.name.clone(), at, result, next_poll }) {
            return;
        }
    }
}
