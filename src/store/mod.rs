//! The durable history: every accepted version of every announcement, with its source,
//! first-seen time and revision, in SQLite (`quotawatch.db` in the data dir).
//!
//! Sources drop items, go offline, or stop publishing (as MIIT did in 2025); what was
//! announced, and when it was first seen, outlives them here. The store is a journal of the
//! versions the ledger applied: replaying it in order through [`Ledger::merge`] rebuilds the
//! ledger, so the merge rules live in one place. WAL mode lets a dashboard and a `report`
//! share it; each batch of merges (one source document) is one transaction, so a crash
//! leaves whole documents or nothing. A store that cannot be read is never deleted or
//! overwritten: the caller runs without it and says so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::feed;
use crate::ledger::{Ledger, Origin};
use crate::model::{Announcement, AnnouncementKey};

mod codec;
mod fingerprint;
mod headlines;
mod legacy;
mod names;
mod schema;

use codec::{encode_rows, read_version};
pub use fingerprint::{DocumentHasher, document_fingerprint, figures_fingerprint};
use names::NameTable;

/// The store's file name inside the data dir.
pub const FILE_NAME: &str = "quotawatch.db";
/// The schema this build writes; older stores are migrated, newer ones refused.
pub const SCHEMA_VERSION: i32 = schema::VERSION;
/// How long to wait for another process (a dashboard, a `report`) holding the write lock.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A source document whose announcements were all merged: when the source later holds the
/// same bytes, they need not be parsed again (merging them would change nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSeen {
    pub source: String,
    /// [`document_fingerprint`] of its bytes.
    pub fingerprint: u64,
    pub accepted: usize,
    /// False when some announcements were rejected: those must be reported again, so the
    /// document is parsed again next time.
    pub reusable: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("history store {path} is locked by another process (waited {})", humantime::format_duration(*waited))]
    Locked { path: PathBuf, waited: Duration },
    #[error("history store {path} is damaged or not a quotawatch store ({detail}); it was left untouched")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "history store {path} has schema {found}, newer than this quotawatch knows ({SCHEMA_VERSION}); \
         it was left untouched"
    )]
    TooNew { path: PathBuf, found: i32 },
    #[error("history store {path}: {detail}")]
    Other { path: PathBuf, detail: String },
}

/// One stored version, as read back.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub source: String,
    pub first_seen: DateTime<Utc>,
    pub announcement: Announcement,
}

/// What reading the store found: the versions in journal order, and rows it could not use
/// (named by id; they stay in the file).
#[derive(Debug, Default)]
pub struct Stored {
    pub versions: Vec<StoredVersion>,
    pub unreadable: Vec<String>,
}

/// An open history store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// How long a write waits for another process holding the lock.
    busy: Duration,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`, migrating an older schema; a
    /// write waits up to [`busy_timeout`] for another process holding the lock.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_waiting(data_dir, busy_timeout())
    }
}

/// How long this process waits for another's write lock: `$QUOTAWATCH_BUSY_TIMEOUT` (a
/// duration such as "10s", for a store on a slow shared disk), else [`BUSY_TIMEOUT`]. A value
/// that does not parse is ignored with a warning in the log.
pub fn busy_timeout() -> Duration {
    match std::env::var("QUOTAWATCH_BUSY_TIMEOUT") {
        Ok(text) => humantime::parse_duration(&text).unwrap_or_else(|error| {
            tracing::warn!("QUOTAWATCH_BUSY_TIMEOUT = {text:?}: {error}; waiting {}s", BUSY_TIMEOUT.as_secs());
            BUSY_TIMEOUT
        }),
        Err(_) => BUSY_TIMEOUT,
    }
}

impl Store {
    /// [`Store::open`], waiting up to `busy` for another process's write lock.
    pub fn open_waiting(data_dir: &Path, busy: Duration) -> Result<Store, StoreError> {
        let path = data_dir.join(FILE_NAME);
        let fail = |error: rusqlite::Error| classify(&path, busy, error);
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError::Other { path: path.clone(), detail: format!("cannot create its folder: {e}") })?;
        let conn = Connection::open(&path).map_err(fail)?;
        conn.busy_timeout(busy).map_err(fail)?;
        // Reading the schema version is the first touch of the file: a file that is not a
        // database fails here, before anything could be written to it.
        let found: i32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(fail)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { path, found });
        }
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("history store {}: journal mode {mode}, not WAL", path.display());
        }
        // WAL with NORMAL: a crash of the process loses nothing committed; a power cut may
        // lose the last transactions but never corrupts.
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;").map_err(fail)?;
        let mut store = Store { conn, path, busy };
        store.migrate(found)?;
        Ok(store)
    }

    fn migrate(&mut self, from: i32) -> Result<(), StoreError> {
        for (index, step) in schema::MIGRATIONS.iter().enumerate() {
            let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
            if version <= from {
                continue;
            }
            let (path, busy) = (self.path.clone(), self.busy);
            let fail = |error: rusqlite::Error| classify(&path, busy, error);
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(fail)?;
            // Another process may have migrated while we waited for the lock.
            let now: i32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(fail)?;
            if now < version {
                step.apply(&tx).map_err(fail)?;
                tx.execute_batch(&format!("PRAGMA user_version = {version}")).map_err(fail)?;
            }
            tx.commit().map_err(fail)?;
        }
        Ok(())
    }

    /// Every stored version, in the order the ledger applied them. Each row is decoded
    /// straight from SQLite's buffers (a million stored rows are 25 MB of packed blobs; copying
    /// them out first cost a tenth of the replay).
    pub fn load(&self) -> Result<Stored, StoreError> {
        let fail = |error: rusqlite::Error| classify(&self.path, self.busy, error);
        let mut statement = self
            .conn
            .prepare("SELECT id, source, first_seen, document, rows FROM versions ORDER BY applied, id")
            .map_err(fail)?;
        let mut stored = Stored::default();
        let names = NameTable::read(&self.conn).map_err(fail)?;
        let mut rows = statement.query([]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let id: i64 = row.get(0).map_err(fail)?;
            let text = |index: usize| -> Result<&str, String> {
                let value = row.get_ref(index).map_err(|e| e.to_string())?;
                value.as_str().map_err(|e| e.to_string())
            };
            let read = (|| {
                let rows = row.get_ref(4).map_err(|e| e.to_string())?.as_blob().map_err(|e| e.to_string())?;
                read_version(text(1)?, text(2)?, text(3)?, rows, names.by_id())
            })();
            match read {
                Ok(version) => stored.versions.push(version),
                Err(problem) => stored.unreadable.push(format!("history store row {id}: {problem}")),
            }
        }
        Ok(stored)
    }

    /// Every source's last reusable document: fingerprint and number of announcements
    /// (empty when the table cannot be read: every document is then parsed, as without a store).
    pub fn documents(&self) -> std::collections::HashMap<String, (u64, usize)> {
        let read = || -> rusqlite::Result<std::collections::HashMap<String, (u64, usize)>> {
            let mut statement = self.conn.prepare("SELECT source, fingerprint, accepted FROM documents")?;
            let rows = statement.query_map([], |row| {
                let (fingerprint, accepted): (i64, i64) = (row.get(1)?, row.get(2)?);
                Ok((row.get::<_, String>(0)?, (fingerprint.cast_unsigned(), usize::try_from(accepted).unwrap_or(0))))
            })?;
            rows.collect()
        };
        read().unwrap_or_default()
    }

    /// Writes the versions the ledger applied (from [`Ledger::take_journal`]) in one
    /// transaction, with the document they came from when there is one. Any other source
    /// with versions here forgets its last document (its figures moved on from it). The
    /// bundled history is not stored: it ships with every build.
    pub fn record(
        &mut self,
        ledger: &Ledger,
        applied: &[(AnnouncementKey, usize)],
        document: Option<&DocumentSeen>,
    ) -> Result<usize, StoreError> {
        let (path, busy) = (self.path.clone(), self.busy);
        let fail = |error: rusqlite::Error| classify(&path, busy, error);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(fail)?;
        let mut next: i64 =
            tx.query_row("SELECT COALESCE(MAX(applied), 0) + 1 FROM versions", [], |r| r.get(0)).map_err(fail)?;
        let mut written = 0;
        let mut moved_on = std::collections::BTreeSet::new();
        let mut names = NameTable::read(&tx).map_err(fail)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO versions (commodity, year, batch, source, revision, fingerprint, first_seen, applied, document, rows)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (commodity, year, batch, source, revision, fingerprint)
                     DO UPDATE SET applied = excluded.applied",
                )
                .map_err(fail)?;
            let versions: Vec<_> = applied
                .iter()
                .filter_map(|(key, index)| Some((key, ledger.entry(key)?.versions().get(*index)?)))
                .filter(|(_, version)| version.origin.source != crate::bundled::SOURCE_NAME)
                .collect();
            // The figures fingerprints (a hash of every row's text: 55 MB for the 1M-row
            // feed) are computed on another core while this one packs the rows and inserts.
            let (fingerprints, fingerprinted) = std::sync::mpsc::channel();
            // A few versions (a dashboard's batch of changes) are not worth a thread.
            let rows: usize = versions.iter().map(|(_, version)| version.announcement.quotas.len()).sum();
            std::thread::scope(|scope| -> Result<(), StoreError> {
                let versions = &versions;
                if rows < 50_000 {
                    drop(fingerprints);
                } else {
                    scope.spawn(move || {
                        for (_, version) in versions {
                            if fingerprints.send(figures_fingerprint(&version.announcement)).is_err() {
                                break;
                            }
                        }
                    });
                }
                for (key, version) in versions {
                    moved_on.insert(version.origin.source.as_str());
                    let a = &version.announcement;
                    let document = feed::write::to_compact_json_without_rows(a);
                    let rows = encode_rows(&a.quotas, |name| names.id_of(name));
                    // Computed here when there is no other thread (or it failed).
                    let fingerprint = fingerprinted.recv().unwrap_or_else(|_| figures_fingerprint(a));
                    insert
                        .execute(params![
                            key.commodity.as_str(),
                            key.year,
                            key.batch,
                            version.origin.source,
                            a.revision,
                            // Stored as the signed integer with the same bits.
                            fingerprint.cast_signed(),
                            version.first_seen.to_rfc3339(),
                            next,
                            document,
                            rows,
                        ])
                        .map_err(fail)?;
                    next += 1;
                    written += 1;
                }
                Ok(())
            })?;
            names.save_added(&tx).map_err(fail)?;
            let mut forget = tx.prepare_cached("DELETE FROM documents WHERE source = ?1").map_err(fail)?;
            for source in document.map(|d| d.source.as_str()).into_iter().chain(moved_on) {
                forget.execute([source]).map_err(fail)?;
            }
            if let Some(seen) = document.filter(|d| d.reusable) {
                tx.execute(
                    "INSERT INTO documents (source, fingerprint, accepted) VALUES (?1, ?2, ?3)",
                    params![
                        seen.source,
                        seen.fingerprint.cast_signed(),
                        i64::try_from(seen.accepted).unwrap_or(i64::MAX)
                    ],
                )
                .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)?;
        Ok(written)
    }

    /// `PRAGMA integrity_check`: "ok", or what SQLite found.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| classify(&self.path, self.busy, e))?;
        Ok(rows.join("; "))
    }

    /// The size of every stored version's packed rows, in bytes (about 7 a row): how long a
    /// replay will take, without reading the rows (SQLite reads a blob's length from its header).
    pub fn packed_bytes(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(SUM(LENGTH(rows)), 0) FROM versions", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0).cast_unsigned())
            .map_err(|e| classify(&self.path, self.busy, e))
    }

    /// How many versions are stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM versions", [], |r| r.get(0))
            .optional()
            .map(|n| n.unwrap_or(0))
            .map_err(|e| classify(&self.path, self.busy, e))
    }
}

fn classify(path: &Path, busy: Duration, error: rusqlite::Error) -> StoreError {
    let path = path.to_owned();
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked { path, waited: busy },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt { path, detail: error.to_string() }
        }
        _ => StoreError::Other { path, detail: error.to_string() },
    }
}

/// Replays stored versions into `ledger` in journal order. `rank_of` gives each source's
/// conflict rank from the current configuration.
pub fn replay(ledger: &mut Ledger, stored: Vec<StoredVersion>, rank_of: impl Fn(&str) -> usize) {
    for version in stored {
        let origin = Origin { rank: rank_of(&version.source), source: version.source };
        ledger.merge(&origin, version.announcement, version.first_seen);
    }
}

#[cfg(test)]
mod tests;
