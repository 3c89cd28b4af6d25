//! `quotawatch watch`: the dashboard's pollers, ledger, store and alerts without a terminal.
//! Every event is printed (NDJSON or the alert lines), alerts run as in the dashboard (the
//! bell aside), and with `--publish` the whole merged history is kept in one quota-feed/1
//! file that a static web server can hand to every terminal on a desk.
//!
//! It reuses what the dashboard uses: [`crate::ingest::for_headless`] for the start (bundled
//! and stored history), [`crate::sources::spawn_pollers`] for the sources,
//! [`crate::live::merge_document`] for what is news, [`crate::app::alerts::alert`] for the
//! figures, and [`crate::app::effects::Executor`] for store writes and alert commands.

mod event;
mod lock;
mod publish;
mod tracker;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

pub use event::{Printer, StageOut, WatchEvent, WatchFormat};
pub use lock::{DirLock, LOCK_FILE};
pub use publish::Publisher;
pub use tracker::Tracker;

use crate::app::Msg;
use crate::app::effects::{Alerter, Effect, Executor, FLUSH_PATIENCE};
use crate::config::Config;
use crate::store::Store;

/// What `watch` was asked to do.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub data_dir: PathBuf,
    pub bundled: bool,
    /// `None`: NDJSON when stdout is not a terminal, else text.
    pub format: Option<WatchFormat>,
    pub publish: Option<PathBuf>,
}

/// Runs until SIGTERM, SIGINT or SIGHUP, then flushes the store and the published file.
/// An error is fatal at start (the data directory taken, the runtime), or a store that
/// could not be flushed, or stdout closed.
pub fn run(config: &Config, options: &WatchOptions) -> Result<(), String> {
    let _lock = DirLock::take(&options.data_dir)?;
    let format =
        options.format.unwrap_or(if std::io::stdout().is_terminal() { WatchFormat::Text } else { WatchFormat::Ndjson });
    let printer = Printer { format };
    let mut store = match Store::open(&options.data_dir) {
        Ok(store) => Some(store),
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("quotawatch: {error}; watching without saving history");
            None
        }
    };
    let now = chrono::Utc::now();
    let loaded = crate::ingest::for_headless(config, options.bundled, false, store.as_mut(), now);
    for problem in &loaded.unreadable {
        tracing::warn!("{problem} (left in the store)");
    }
    for error in &loaded.store_errors {
        tracing::error!("{error}");
        eprintln!("quotawatch: {error}");
    }
    if loaded.store_errors.iter().any(|e| !matches!(e, crate::store::StoreError::Locked { .. })) {
        store = None;
    }
    tracing::info!("watch starting: {} stored versions, {} sources", loaded.from_store, config.sources.len());
    let watch = crate::app::watchlist::Watchlist::new(&loaded);
    let headlines = loaded.headlines.clone();
    let mut tracker = Tracker::new(config, loaded.ledger, watch, now);
    tracker.remember_headlines(&headlines);
    let mut publisher = options.publish.clone().map(Publisher::new);
    if let Some(publisher) = publisher.as_mut() {
        publish(publisher, &tracker);
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(2)
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        let source_tx = tx.clone();
        let followed = store.as_ref().and_then(|s| s.followed().ok()).unwrap_or_default();
        let pollers = crate::sources::spawn_pollers_following(&config.sources, &followed, move |event| {
            source_tx.send(Msg::Source(event)).is_ok()
        });
        let alerter = Alerter::start(&config.alerts, tx.clone());
        let mut executor = Executor::new(pollers, alerter, store, config.export_dir.clone());
        spawn_signals(tx.clone()).map_err(|e| format!("cannot watch for signals: {e}"))?;
        let mut clock = tokio::time::interval(Duration::from_secs(1));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let outcome = loop {
            let msg = tokio::select! {
                msg = rx.recv() => msg.unwrap_or(Msg::Signal),
                _ = clock.tick() => Msg::Tick(chrono::Utc::now()),
            };
            let step = match msg {
                Msg::Signal => break Ok(()),
                Msg::Source(event) => tracker.on_source(event),
                Msg::Tick(now) => tracker.on_tick(now),
                Msg::Note(kind, text) => {
                    tracing::warn!("{} {text}", kind.label());
                    continue;
                }
                Msg::Key(_) | Msg::Resize | Msg::Notice(_) | Msg::Mouse(_) | Msg::Pointer(_) | Msg::PopupFits(_) => {
                    continue;
                }
            };
            let changed = step.changed;
            let done = executor.carry_out(step.effects, tracker.ledger());
            for note in done.notes {
                if let Msg::Note(kind, text) = note {
                    tracing::warn!("{} {text}", kind.label());
                }
            }
            // Published before the events are printed: a reader told of a release finds it there.
            if changed && let Some(publisher) = publisher.as_mut() {
                publish(publisher, &tracker);
            }
            if let Err(error) = printer.print(&step.events) {
                break Err(format!("cannot write to stdout: {error}"));
            }
        };
        // Stop polling, then save what is pending and publish the last state.
        drop(rx);
        let flushed = executor.flush(tracker.ledger(), FLUSH_PATIENCE);
        drop(executor);
        if let Some(publisher) = publisher.as_mut() {
            publish(publisher, &tracker);
        }
        tracing::info!("watch stopped");
        outcome.and(flushed)
    })
}

/// What one message did: events to print and effects to carry out.
#[derive(Debug, Default)]
pub struct WatchStep {
    pub events: Vec<WatchEvent>,
    pub effects: Vec<Effect>,
    /// The merged history changed: publish it again.
    pub changed: bool,
}

fn publish(publisher: &mut Publisher, tracker: &Tracker) {
    match publisher.publish(tracker.ledger()) {
        Ok(true) => tracing::info!("published {}", publisher.path().display()),
        Ok(false) => {}
        Err(problem) => {
            tracing::error!("{problem}");
            eprintln!("quotawatch: {problem}");
        }
    }
}

/// SIGTERM, SIGINT and SIGHUP end the watch cleanly.
fn spawn_signals(tx: mpsc::UnboundedSender<Msg>) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut streams =
        [signal(SignalKind::terminate())?, signal(SignalKind::interrupt())?, signal(SignalKind::hangup())?];
    tokio::spawn(async move {
        let [term, int, hup] = &mut streams;
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM"),
            _ = int.recv() => tracing::info!("SIGINT"),
            _ = hup.recv() => tracing::info!("SIGHUP"),
        }
        let _ = tx.send(Msg::Signal);
    });
    Ok(())
}
