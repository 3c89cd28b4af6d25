//! The stored history arriving after the first frame. A store holding a million rows takes
//! about 0.1 s to replay; the dashboard draws the bundled history first with "loading
//! stored history…" in the banner, replays the store on another thread into a ledger of
//! its own (the bundled history, then every stored version, as a start-up load merges
//! them), and swaps that ledger in when it is done. Sources' documents that arrive before
//! are held by the loop and merged after the swap, in order, so they merge into the same
//! history as they would have at a normal start. See docs/decisions.md.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use super::log::LogKind;
use super::state::State;
use crate::config::Config;
use crate::ingest::StoredHistory;

/// What the banner says until the stored history is in.
pub const LOADING_BANNER: &str = "loading stored history…";

/// Where the replayed history arrives.
pub type HistoryReceiver = oneshot::Receiver<StoredHistory>;

impl State {
    /// Replays the store in `data_dir` on a thread of its own (see the module documentation);
    /// the dashboard merges it when it arrives. `bundled` and `now` must be what the first
    /// load used, so the bundled history merges the same way in both ledgers.
    pub fn replay_in_background(
        mut self,
        config: &Config,
        bundled: bool,
        data_dir: PathBuf,
        now: DateTime<Utc>,
    ) -> State {
        let (tx, rx) = oneshot::channel();
        let config = config.clone();
        let spawned = std::thread::Builder::new().name("replay".into()).spawn(move || {
            let _ = tx.send(crate::ingest::replay_stored(&config, bundled, &data_dir, now));
        });
        match spawned {
            Ok(_) => self.awaiting_history(rx),
            Err(error) => {
                self.report_problem(format!("cannot replay the stored history: {error}"), true);
                self
            }
        }
    }

    /// Waits for the stored history on `rx` (what [`State::replay_in_background`] replays; a
    /// test sends its own), saying so in the banner until it is merged.
    pub fn awaiting_history(mut self, rx: HistoryReceiver) -> State {
        self.history = Some(rx);
        self.loading_history = true;
        if self.banner.is_none() {
            self.banner = Some(LOADING_BANNER.to_owned());
        }
        self
    }

    /// True until the stored history replayed in the background is merged.
    pub fn loading_history(&self) -> bool {
        self.loading_history
    }

    /// The receiver the loop waits on, handed over once.
    pub(super) fn take_history_receiver(&mut self) -> Option<HistoryReceiver> {
        self.history.take()
    }

    /// Swaps in the replayed ledger (which holds everything the first one did: the bundled
    /// history), logs what a start-up load logs, and recomputes the figures. `None`: the
    /// replay thread died; the dashboard goes on with what it has. False when the history
    /// could not be swapped in (nothing merged from then on is saved).
    pub(super) fn history_arrived(&mut self, history: Option<StoredHistory>) -> bool {
        self.loading_history = false;
        if self.banner.as_deref() == Some(LOADING_BANNER) {
            self.banner = None;
        }
        let Some(history) = history else {
            self.report_problem("the stored history could not be replayed; it is not shown".into(), true);
            self.log_start_up_notes();
            return false;
        };
        if history.from_store > 0 {
            self.push_log(LogKind::Loaded, format!("history store: {} stored versions", history.from_store));
        }
        for problem in &history.unreadable {
            self.push_log(LogKind::Warning, format!("{problem} (left in the store)"));
        }
        for error in &history.store_errors {
            self.report_problem(format!("{error}; the stored history is not shown"), true);
        }
        if !history.store_errors.is_empty() {
            self.log_start_up_notes();
            return false;
        }
        self.ledger = history.ledger;
        self.refresh();
        // Held back by `State::new` for the whole history (see `Loaded::history_pending`).
        self.log_start_up_notes();
        true
    }
}
