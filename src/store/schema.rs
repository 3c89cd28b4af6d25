//! The store's schema and its migrations, from schema N-1 to N, applied in order in one
//! transaction each (see `Store::migrate`).

use rusqlite::{Transaction, params};

use super::codec::{decode, encode_rows};
use super::fingerprint::figures_fingerprint;
use super::legacy::{Names, decode_rows};
use super::names::NameTable;

/// The schema this build writes.
pub const VERSION: i32 = 5;

/// One migration: SQL, or a step that has to compute (a hash SQLite does not have).
pub enum Migration {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

impl Migration {
    pub fn apply(&self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        match self {
            Migration::Sql(sql) => tx.execute_batch(sql),
            Migration::Rust(step) => step(tx),
        }
    }
}

pub const MIGRATIONS: [Migration; 5] = [
    // 1: versions of announcements. `document` is the version as a one-announcement
    // quota-feed/1 JSON document without its quota rows (readable with any SQLite tool);
    // the rows are in `rows`, packed (see `encode_rows`), since a desk's history can hold
    // millions of them and every start-up reads them all.
    // `applied` orders the journal: the last time the ledger applied the version.
    Migration::Sql(
        "CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            commodity TEXT NOT NULL,
            year INTEGER NOT NULL,
            batch INTEGER NOT NULL,
            source TEXT NOT NULL,
            revision INTEGER NOT NULL,
            fingerprint INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            applied INTEGER NOT NULL,
            document TEXT NOT NULL,
            rows BLOB NOT NULL,
            UNIQUE (commodity, year, batch, source, revision, fingerprint)
        );
        CREATE INDEX versions_by_applied ON versions (applied);
        -- The last document merged from each source, when merging it again would change
        -- nothing: a headless run that finds the same bytes skips parsing them.
        CREATE TABLE documents (
            source TEXT PRIMARY KEY,
            fingerprint INTEGER NOT NULL,
            accepted INTEGER NOT NULL
        );",
    ),
    // 2: fingerprints become SHA-256 of a canonical encoding (schema 1 used foldhash, whose
    // output may change with its version).
    Migration::Rust(stable_fingerprints),
    // 3: each name once in `names`; `rows` refer to it by id (see `codec::encode_rows`).
    // Schema 2's blobs carried a copy of every name they used: for the 1M-row feed, half
    // of a 26 MB store, written on the first run and read on every later one.
    Migration::Rust(shared_names),
    // 4: the headlines of `rss` and `page` sources (items that matched the quota keywords),
    // one per source and link (or title, without one), with when it was first seen and
    // whether its page was read: a page followed once is not fetched again, across restarts.
    Migration::Sql(
        "CREATE TABLE headlines (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            title TEXT NOT NULL,
            url TEXT,
            published TEXT,
            kind TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            followed INTEGER NOT NULL,
            PRIMARY KEY (source, key)
        );",
    ),
    // 5: each headline's detail (`news::Detail` as JSON: its source's tier, its text,
    // every figure read with the text it came from): what Enter shows in the Headlines view.
    // NULL for headlines stored before: they show what they had.
    Migration::Sql("ALTER TABLE headlines ADD COLUMN detail TEXT;"),
];

/// Recomputes every readable version's figures fingerprint from its stored figures, and
/// forgets the sources' last documents: the store never held their bytes, so their new
/// fingerprints cannot be computed here. The next run parses each document once more;
/// merging it changes nothing (every announcement is a version the ledger already holds),
/// and it records the document's new fingerprint, so the run after that skips it again.
/// A row that cannot be read keeps its old fingerprint: it is skipped on load anyway, and
/// left in the file as every damaged row is.
fn stable_fingerprints(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut updates = Vec::new();
    {
        let mut select = tx.prepare("SELECT id, document, rows FROM versions")?;
        let mut rows = select.query([])?;
        let mut names = Names::default();
        while let Some(row) = rows.next()? {
            let (id, document, packed): (i64, String, Vec<u8>) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let Ok(mut announcement) = decode(&document) else { continue };
            let Ok(quotas) = decode_rows(&packed, &mut names) else { continue };
            announcement.quotas = quotas;
            updates.push((id, figures_fingerprint(&announcement).cast_signed()));
        }
    }
    // OR IGNORE: two versions that schema 1 told apart always have different figures, so
    // they cannot collide here; should they, the second keeps its old fingerprint rather
    // than the migration failing and the store becoming unusable.
    let mut update = tx.prepare("UPDATE OR IGNORE versions SET fingerprint = ?1 WHERE id = ?2")?;
    for (id, fingerprint) in updates {
        update.execute(params![fingerprint, id])?;
    }
    tx.execute("DELETE FROM documents", [])?;
    Ok(())
}

/// Creates the name table and re-packs every version's rows against it. A version whose rows
/// cannot be read keeps its schema-2 blob (it fails to read, is named and skipped, as it
/// was before) and stays in the file.
fn shared_names(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch("CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);")?;
    let mut table = NameTable::default();
    let mut updates = Vec::new();
    {
        let mut select = tx.prepare("SELECT id, rows FROM versions")?;
        let mut rows = select.query([])?;
        let mut names = Names::default();
        while let Some(row) = rows.next()? {
            let (id, packed): (i64, Vec<u8>) = (row.get(0)?, row.get(1)?);
            let Ok(quotas) = decode_rows(&packed, &mut names) else { continue };
            updates.push((id, encode_rows(&quotas, |name| table.id_of(name))));
        }
    }
    table.save_added(tx)?;
    let mut update = tx.prepare("UPDATE versions SET rows = ?1 WHERE id = ?2")?;
    for (id, packed) in updates {
        update.execute(params![packed, id])?;
    }
    Ok(())
}
