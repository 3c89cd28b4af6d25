//! Live polling: one tokio task per enabled source, which re-reads the source when it
//! changed and reports what it found as a [`SourceEvent`]. Dropping the [`Poller`] stops it;
//! [`Poller::refresh`] makes it poll now.
//!
//! File sources are watched (inotify and the like, through `notify`) so a change is read
//! within milliseconds; the interval's modification-time check stays as the fallback for
//! file systems that do not report changes (network mounts, some containers).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::{FileRead, HttpSource, SourceError, read_file_against};
use crate::config::{SourceConfig, SourceKind};
use crate::feed::ParsedFeed;

/// What one check of a source found. Every successful check is reported (an unchanged
/// source as `Ok(None)`), so the Sources view can tell a live source from a stale one; a
/// failure is reported when it is new, and an HTTP source reports every failed poll.
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

/// A running poll task; dropping it cancels the task (and the file watch, if any).
#[derive(Debug)]
pub struct Poller {
    name: String,
    task: tokio::task::JoinHandle<()>,
    /// Wakes the task for a poll now.
    wake: Arc<Notify>,
    /// Poll at the source's `interval_in_window` instead of its `interval` (a release it
    /// covers is due).
    fast: Arc<AtomicBool>,
    _watch: Option<notify::RecommendedWatcher>,
}

impl Poller {
    /// Polls now instead of at the next interval. A `Retry-After` the server asked for is
    /// still honoured; a backoff after failures is not (someone asked).
    pub fn refresh(&self) {
        self.wake.notify_one();
    }

    /// Switches to the faster cadence (or back). Switching on polls at once: the window
    /// has just opened, or a release just became overdue.
    pub fn set_fast(&self, fast: bool) {
        if !self.fast.swap(fast, Ordering::Relaxed) && fast {
            self.wake.notify_one();
        }
    }
}

/// Switches the pollers named in `cadence` to the faster cadence or back.
pub fn set_cadence(pollers: &[Poller], name: &str, fast: bool) {
    for poller in pollers.iter().filter(|p| p.name == name) {
        poller.set_fast(fast);
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Asks the pollers of `only` (every poller when `None`) to poll now.
pub fn refresh(pollers: &[Poller], only: Option<&str>) {
    for poller in pollers.iter().filter(|p| only.is_none_or(|name| name == p.name)) {
        poller.refresh();
    }
}

/// How long a file must be quiet after a change event before it is read: writers often
/// write in several pieces, and reading after the first would only report a broken file.
pub const SETTLE: Duration = Duration::from_millis(40);

/// Starts a poller for every enabled source. Must be called inside a tokio runtime.
///
/// `send` returns false once nobody listens any more, which ends the task.
pub fn spawn_pollers(
    sources: &[SourceConfig],
    send: impl Fn(SourceEvent) -> bool + Clone + Send + 'static,
) -> Vec<Poller> {
    spawn_pollers_following(sources, &HashMap::new(), send)
}

/// [`spawn_pollers`], with the pages each `rss` or `page` source read in earlier runs
/// (from [`crate::store::Store::followed`]), which are not fetched again.
pub fn spawn_pollers_following(
    sources: &[SourceConfig],
    followed: &HashMap<String, HashSet<String>>,
    send: impl Fn(SourceEvent) -> bool + Clone + Send + 'static,
) -> Vec<Poller> {
    spawn_pollers_known(sources, followed, &HashMap::new(), &ParsedDocuments::default(), send)
}

/// The fingerprint of each file document a poller parsed, by source, with the `at` of the
/// event that carried it: what the dashboard records in the store once the document's
/// versions are saved, so the next start need not parse an unchanged file again.
pub type ParsedDocuments = Arc<std::sync::Mutex<HashMap<String, (DateTime<Utc>, u64)>>>;

/// [`spawn_pollers_following`], with the fingerprint of each source's last document the
/// store holds (from [`crate::store::Store::documents`]): a file source whose file still
/// holds it is not parsed at its first check (a million rows need not be held twice), and
/// the fingerprints of the file documents parsed go to `parsed`.
pub fn spawn_pollers_known(
    sources: &[SourceConfig],
    followed: &HashMap<String, HashSet<String>>,
    stored: &HashMap<String, (u64, usize)>,
    parsed: &ParsedDocuments,
    send: impl Fn(SourceEvent) -> bool + Clone + Send + 'static,
) -> Vec<Poller> {
    sources
        .iter()
        .filter(|s| s.enabled)
        .map(|source| {
            let wake = Arc::new(Notify::new());
            let fast = Arc::new(AtomicBool::new(false));
            let (task, watch) = match &source.kind {
                SourceKind::File { path } => {
                    let changed = Arc::new(Notify::new());
                    let watch = watch_file(path, changed.clone());
                    let known = (stored.get(&source.name).map(|(fingerprint, _)| *fingerprint), parsed.clone());
                    let task = poll_file(source.clone(), path.clone(), send.clone(), wake.clone(), changed, known);
                    (tokio::spawn(task), watch)
                }
                SourceKind::Http { .. } => {
                    let read = followed.get(&source.name).cloned().unwrap_or_default();
                    let task = poll_http(source.clone(), read, send.clone(), wake.clone(), fast.clone());
                    (tokio::spawn(task), None)
                }
            };
            Poller { name: source.name.clone(), task, wake, fast, _watch: watch }
        })
        .collect()
}

/// Watches the file's folder (not the file: editors and atomic writers replace it by a
/// rename, which a watch on the old file would miss) and signals `changed` for events on
/// the file. `None` when the platform cannot watch it; the interval check still runs.
fn watch_file(path: &Path, changed: Arc<Notify>) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher, event::AccessKind, event::AccessMode};
    let name = path.file_name()?.to_owned();
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        // Reads (our own among them) are not changes; a writer closing the file is.
        let relevant = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        };
        if relevant && event.paths.iter().any(|p| p.file_name() == Some(name.as_os_str())) {
            changed.notify_one();
        }
    })
    .map_err(|error| tracing::warn!("no file watch for {}: {error}", path.display()))
    .ok()?;
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|error| tracing::warn!("no file watch for {}: {error}", path.display()))
        .ok()?;
    Some(watcher)
}

/// A file's identity for change detection: modification time and length.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Checks the file when the watch reports a change, on `r`, and every `interval` (the
/// fallback); reads it when its stamp changed (or on `r`). A read or parse failure (a
/// half-written file, say) leaves the stamp unrecorded, so the next change is read, and the
/// data accepted earlier stays in the ledger.
async fn poll_file(
    source: SourceConfig,
    path: PathBuf,
    send: impl Fn(SourceEvent) -> bool,
    wake: Arc<Notify>,
    changed: Arc<Notify>,
    (mut stored, parsed): (Option<u64>, ParsedDocuments),
) {
    let mut ticker = tokio::time::interval(source.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = None;
    // The stamp of a file that failed to read: not read again until it changes.
    let mut failed = None;
    let mut last_error: Option<String> = None;
    loop {
        let forced = tokio::select! {
            _ = ticker.tick() => false,
            () = wake.notified() => true,
            () = changed.notified() => {
                tokio::time::sleep(SETTLE).await;
                false
            }
        };
        let current = stamp(&path);
        let unchanged = current.is_some() && (current == seen || current == failed);
        if unchanged && !forced {
            if current == seen && !report(&source, &send, Ok(None)) {
                return;
            }
            continue;
        }
        let (name, format, max_bytes) = (source.name.clone(), source.format, source.max_bytes);
        let file = path.clone();
        // Only the first check compares with the store: later ones follow the file's stamp.
        let against = stored.take();
        let read = move || read_file_against(&name, &file, format, max_bytes, against);
        let result = tokio::task::spawn_blocking(read).await.unwrap_or_else(|join| {
            Err(SourceError::Io { path: path.display().to_string(), error: std::io::Error::other(join) })
        });
        // Written to while we read it: what we read may be a mix; read again next time.
        if stamp(&path) != current {
            continue;
        }
        let at = Utc::now();
        let result = match result {
            Ok(FileRead::AsStored) => Ok(None),
            Ok(FileRead::Parsed(feed, fingerprint)) => {
                parsed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(source.name.clone(), (at, fingerprint));
                Ok(Some(feed))
            }
            Err(error) => Err(error),
        };
        match &result {
            Ok(_) => {
                seen = current;
                failed = None;
                last_error = None;
            }
            Err(error) => {
                failed = current;
                // The same failure again is not news (unless someone asked).
                let text = error.to_string();
                if last_error.as_ref() == Some(&text) && !forced {
                    continue;
                }
                last_error = Some(text);
            }
        }
        if !report_at(&source, &send, at, result) {
            return;
        }
    }
}

/// Sends a file check's result; false when nobody listens any more.
fn report(
    source: &SourceConfig,
    send: &impl Fn(SourceEvent) -> bool,
    result: Result<Option<ParsedFeed>, SourceError>,
) -> bool {
    report_at(source, send, Utc::now(), result)
}

/// [`report`], checked at `at`.
fn report_at(
    source: &SourceConfig,
    send: &impl Fn(SourceEvent) -> bool,
    at: DateTime<Utc>,
    result: Result<Option<ParsedFeed>, SourceError>,
) -> bool {
    send(SourceEvent { source: source.name.clone(), at, result, http: None, next_poll: later(at, source.interval) })
}

/// The longest wait between attempts after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Polls an HTTP source at start, then every `interval` (with jitter so many clients do not
/// hit a publisher in lockstep); after failures it backs off exponentially (capped, reset
/// on success) and waits at least what a `Retry-After` asks.
async fn poll_http(
    source: SourceConfig,
    followed: HashSet<String>,
    send: impl Fn(SourceEvent) -> bool,
    wake: Arc<Notify>,
    fast: Arc<AtomicBool>,
) {
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
    client.remember_followed(followed);
    let mut failures = 0u32;
    loop {
        let at = Utc::now();
        let result = client.fetch().await;
        let mut retry_after = None;
        let interval = match source.interval_in_window {
            Some(faster) if fast.load(Ordering::Relaxed) => faster,
            _ => source.interval,
        };
        let delay = match &result {
            Ok(_) => {
                failures = 0;
                jitter(interval)
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                let backoff = backoff(interval, failures);
                // A short Retry-After on every answer must not undo the backoff.
                match error {
                    SourceError::Http { retry_after: Some(wait), .. } => {
                        retry_after = Some(*wait);
                        (*wait).max(backoff)
                    }
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
        let asked_until = retry_after.map(|wait| tokio::time::Instant::now() + wait);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = wake.notified() => {
                // A refresh cuts a backoff short, but not a wait the server asked for.
                if let Some(until) = asked_until {
                    tokio::time::sleep_until(until).await;
                }
            }
        }
    }
}

/// `interval` doubled per consecutive failure, capped at [`MAX_BACKOFF`], with jitter.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let doubled = interval.saturating_mul(1u32 << failures.min(16));
    jitter(doubled.min(MAX_BACKOFF))
}

/// 90% to 100% of `base`, from the clock's nanoseconds: enough to spread clients, no RNG
/// needed. Never longer than `base`, so the configured interval is the longest a release
/// waits to be seen.
fn jitter(base: Duration) -> Duration {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let factor = 0.9 + f64::from(nanos % 1_000) / 1_000.0 * 0.1;
    base.mul_f64(factor)
}

/// `at + wait`, saturating instead of overflowing.
fn later(at: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(wait).ok().and_then(|d| at.checked_add_signed(d)).unwrap_or(at)
}
