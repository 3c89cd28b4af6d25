//! The dashboard's start with a large stored history: the first frame without it, and the
//! replay on another thread that follows (see `src/app/replay.rs` and docs/decisions.md,
//! "Dashboard at 1,000,000 rows").

use chrono::{DateTime, Utc};

use super::{LoadOptions, Loaded, load, merge, rank_of};
use crate::bundled;
use crate::config::Config;
use crate::ledger::{Ledger, Origin};
use crate::sources::SourceError;
use crate::store::{Store, StoreError};

/// The stored history, replayed off the dashboard's thread: the bundled history (when
/// included) and every stored version merged in journal order into a ledger of its own, as
/// [`for_dashboard`](super::for_dashboard) merges them, with journaling started for what is merged after it.
#[derive(Debug, Default)]
pub struct StoredHistory {
    pub ledger: Ledger,
    /// How many versions came from the store.
    pub from_store: usize,
    /// Stored rows that could not be read (left in the store), named by row.
    pub unreadable: Vec<String>,
    /// What went wrong reading the store (the ledger then holds the bundled history alone).
    pub store_errors: Vec<StoreError>,
}

/// Stored histories with more packed rows than this (see [`Store::packed_bytes`]) are replayed after the first frame
/// ([`dashboard_first_frame`] and [`replay_stored`]); smaller ones at once, as before. 1 MiB
/// is about 150,000 quota rows, some 15 ms of replay on the team's machine.
pub const REPLAY_IN_BACKGROUND_BYTES: u64 = 1 << 20;

/// What the dashboard draws first when the store holds a large history: the bundled
/// history (unless `bundled` is false) and the stored headlines, every source left to its
/// poller, and the stored versions left to [`replay_stored`] on another thread. A million
/// stored rows take about 0.1 s to replay; the first frame should not wait for them.
pub fn dashboard_first_frame(config: &Config, bundled: bool, store: Option<&Store>, now: DateTime<Utc>) -> Loaded {
    let mut loaded =
        load(config, &LoadOptions { bundled, network: false, files: false, sources: true, defer: false }, None, now);
    loaded.history_pending = store.is_some();
    if let Some(store) = store {
        match store.headlines() {
            Ok(stored) => loaded.headlines = stored,
            Err(error) => loaded.store_errors.push(error),
        }
    }
    loaded
}

/// Replays the store in `data_dir` over the bundled history, on its own connection: what
/// [`for_dashboard`](super::for_dashboard) puts in its ledger, for a dashboard that drew [`dashboard_first_frame`].
pub fn replay_stored(config: &Config, bundled: bool, data_dir: &std::path::Path, now: DateTime<Utc>) -> StoredHistory {
    let mut history = StoredHistory::default();
    if bundled {
        let origin = Origin { source: bundled::SOURCE_NAME.into(), rank: rank_of(config, bundled::SOURCE_NAME) };
        let result = bundled::load().map_err(SourceError::from);
        merge(&mut history.ledger, &origin, "bundled", String::new(), true, result, now);
    }
    let stored = Store::open(data_dir).and_then(|store| store.load());
    match stored {
        Ok(stored) => {
            history.from_store = stored.versions.len();
            history.unreadable = stored.unreadable;
            crate::store::replay(&mut history.ledger, stored.versions, |name| rank_of(config, name));
            history.ledger.start_journal();
        }
        // Not journaled, so nothing merged later is written to a store that cannot be read.
        Err(error) => history.store_errors.push(error),
    }
    history
}
