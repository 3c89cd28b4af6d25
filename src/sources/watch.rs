//! Live polling: one tokio task per enabled source, which re-reads the source when it
//! changed and reports what it found as a [`SourceEvent`]. Dropping the [`Poller`] stops it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

use super::{HttpSource, SourceError, read_file};
use crate::config::{SourceConfig, SourceKind};
use crate::feed::ParsedFeed;

/// What one check of a source found. File sources report only news (the file changed, or
/// reading it failed); HTTP sources report every poll, since the Sources view counts 304s.
#[derive(Debug)]
pub struct SourceEvent {
    pub source: String,
    pub at: DateTime<Utc>,
    /// `Ok(None)`: checked, nothing new (HTTP 304).
    pub result: Result<Option<ParsedFeed>, SourceError>,
    /// The HTTP status and body size, for HTTP sources.
    pub http: Option<(u16, u64)>,
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
            SourceKind::Http { .. } => Poller(tokio::spawn(poll_http(source.clone(), send.clone()))),
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
    // The stamp of a file that failed to read: not read again until it changes.
    let mut failed = None;
    let mut last_error: Option<String> = None;
    loop {
        ticker.tick().await;
        let current = stamp(&path);
        if current.is_some() && (current == seen || current == failed) {
            continue;
        }
        let (name, format, max_bytes) = (source.name.clone(), source.format, source.max_bytes);
        let file = path.clone();
        let result =
            tokio::task::spawn_blocking(move || read_file(&name, &file, format, max_bytes)).await.unwrap_or_else(
                |join| Err(SourceError::Io { path: path.display().to_string(), error: std::io::Error::other(join) }),
            );
        // Written to while we read it: what we read may be a mix; read again next time.
        if stamp(&path) != current {
            continue;
        }
        match &result {
            Ok(_) => {
                seen = current;
                failed = None;
                last_error = None;
            }
            Err(error) => {
                failed = current;
                // The same failure again is not news.
                let text = error.to_string();
                if last_error.as_ref() == Some(&text) {
                    continue;
                }
                last_error = Some(text);
            }
        }
        let at = Utc::now();
        let next_poll = later(at, source.interval);
        let event = SourceEvent { source: source.name.clone(), at, result: result.map(Some), http: None, next_poll };
        if !send(event) {
            return;
        }
    }
}

/// The longest wait between attempts after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Polls an HTTP source at start, then every `interval` (with jitter so many clients do not
/// hit a publisher in lockstep); after failures it backs off exponentially (capped, reset
/// on success) and waits at least what a `Retry-After` asks.
async fn poll_http(source: SourceConfig, send: impl Fn(SourceEvent) -> bool) {
    // Building a client loads the TLS root store: off the thread that answers keys.
    let config = source.clone();
    let built = tokio::task::spawn_blocking(move || HttpSource::new(&config)).await;
    let built = built.unwrap_or_else(|e| Some(Err(SourceError::Network(format!("cannot build an HTTP client: {e}")))));
    let mut client = match built {
        Some(Ok(client)) => client,
        Some(Err(error)) => {
            let at = Utc::now();
            send(SourceEvent { source: source.name.clone(), at, result: Err(error), http: None, next_poll: at });
            return;
        }
        None => return,
    };
    let mut failures = 0u32;
    loop {
        let at = Utc::now();
        let result = client.fetch().await;
        let delay = match &result {
            Ok(_) => {
                failures = 0;
                jitter(source.interval)
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                let backoff = backoff(source.interval, failures);
                // A short Retry-After on every answer must not undo the backoff.
                match error {
                    SourceError::Http { retry_after: Some(wait), .. } => (*wait).max(backoff),
                    _ => backoff,
                }
            }
        };
        let http = match &result {
            Ok(fetched) => Some((fetched.status, fetched.bytes)),
            Err(SourceError::Http { status, .. }) => Some((*status, 0)),
            Err(_) => None,
        };
        let next_poll = later(Utc::now(), delay);
        let event = SourceEvent { source: source.name.clone(), at, result: result.map(|f| f.parsed), http, next_poll };
        if !send(event) {
            return;
        }
        tokio::time::sleep(delay).await;
    }
}

/// `interval` doubled per consecutive failure, capped at [`MAX_BACKOFF`], with jitter.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let doubled = interval.saturating_mul(1u32 << failures.min(16));
    jitter(doubled.min(MAX_BACKOFF))
}

/// Up to ±10% of `base`, from the clock's nanoseconds: enough to spread clients, no RNG needed.
fn jitter(base: Duration) -> Duration {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let factor = 0.9 + f64::from(nanos % 1_000) / 1_000.0 * 0.2;
    base.mul_f64(factor)
}

/// `at + wait`, saturating instead of overflowing.
fn later(at: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(wait).ok().and_then(|d| at.checked_add_signed(d)).unwrap_or(at)
}
