//! A store written by an earlier release opens, migrates and gives the same figures.
//!
//! `tests/fixtures/store/v1.sqlite` was written by quotawatch at aeb5607 (schema 1, foldhash
//! fingerprints) from two file sources, `--no-bundled`: `desk` (v1-desk.json, first with
//! revision 0 of rare-earths 2024 batch 1, then this revision 1) and `wire` (v1-wire.csv,
//! tungsten plus a rare-earths 2024 batch 2 that conflicts with desk's and loses).

#[path = "support/sandbox.rs"]
mod sandbox;

use std::path::{Path, PathBuf};

use quotawatch::feed::Format;
use quotawatch::ledger::Ledger;
use quotawatch::model::{AnnouncementKey, Commodity};
use quotawatch::store::{self, FILE_NAME, SCHEMA_VERSION, Store};
use sandbox::{Sandbox, run, stderr, stdout};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/store");

/// The release-1 store copied into `sandbox`'s data dir, and its feeds beside it.
fn release_1_store(sandbox: &Sandbox) -> PathBuf {
    let db = sandbox.path("data").join(FILE_NAME);
    std::fs::copy(Path::new(FIXTURES).join("v1.sqlite"), &db).expect("copy the fixture store");
    for feed in ["v1-desk.json", "v1-wire.csv"] {
        std::fs::copy(Path::new(FIXTURES).join(feed), sandbox.path(feed)).expect("copy a fixture feed");
    }
    db
}

/// `(fingerprint, first_seen)` of every stored version, in journal order.
fn stored_columns(db: &Path) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(db).expect("raw open");
    let mut select = conn.prepare("SELECT fingerprint, first_seen FROM versions ORDER BY applied, id").expect("select");
    select.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").map(|r| r.expect("row")).collect()
}

fn schema_of(db: &Path) -> i32 {
    let conn = rusqlite::Connection::open(db).expect("raw open");
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version")
}

fn key(commodity: &str, year: u16, batch: u8) -> AnnouncementKey {
    AnnouncementKey { commodity: Commodity::parse(commodity).expect("slug"), year, batch }
}

#[test]
fn a_release_1_store_migrates_to_stable_fingerprints_with_its_figures_intact() {
    let sandbox = Sandbox::new();
    let db = release_1_store(&sandbox);
    assert_eq!(schema_of(&db), 1);
    let before = stored_columns(&db);
    assert_eq!(before.len(), 7);

    let store = Store::open(&sandbox.path("data")).expect("opens and migrates");
    assert_eq!(schema_of(&db), SCHEMA_VERSION);
    assert_eq!(store.integrity_check().expect("check"), "ok");
    assert_eq!(store.count().expect("count"), 7);
    let stored = store.load().expect("loads");
    assert!(stored.unreadable.is_empty(), "{:?}", stored.unreadable);

    // Every fingerprint is now the stable one of the version's figures; first-seen times kept.
    let after = stored_columns(&db);
    for ((version, (fingerprint, first_seen)), (old, old_first_seen)) in stored.versions.iter().zip(&after).zip(&before)
    {
        assert_eq!(*fingerprint, store::figures_fingerprint(&version.announcement).cast_signed());
        assert_ne!(fingerprint, old, "recomputed");
        assert_eq!(first_seen, old_first_seen);
    }
    // The sources' last documents cannot be re-fingerprinted without their bytes.
    assert!(store.documents().is_empty());

    let mut ledger = Ledger::new();
    store::replay(&mut ledger, stored.versions, |name| usize::from(name != "desk"));
    let first = ledger.entry(&key("rare-earths", 2024, 1)).expect("batch 1");
    assert_eq!(first.versions().len(), 2);
    assert_eq!(first.revisions(), 1);
    let light = first.current().announcement.quotas.iter().find(|q| q.category.as_str() == "light").expect("light");
    assert_eq!(light.tonnes, 99_000.5);
    let second = ledger.entry(&key("rare-earths", 2024, 2)).expect("batch 2");
    assert_eq!(second.current().origin.source, "desk");
    assert_eq!(second.current().announcement.quotas[0].tonnes, 135_000.0);
    assert_eq!(second.conflicts().len(), 1);
    assert_eq!(ledger.current().count(), 5);

    // desk flaps to other figures and back: the version it goes back to is found by its
    // recomputed fingerprint and moved to the end of the journal, not stored twice.
    let mut store = store;
    let held = ledger.entry(&key("rare-earths", 2024, 1)).expect("batch 1").current().announcement.clone();
    let mut flapped = held.clone();
    flapped.quotas[1].tonnes = 98_000.0;
    let desk = quotawatch::ledger::Origin { source: "desk".into(), rank: 0 };
    ledger.start_journal();
    for announcement in [flapped, held] {
        ledger.merge(&desk, announcement, chrono::Utc::now());
        let applied = ledger.take_journal();
        assert_eq!(applied.len(), 1);
        store.record(&ledger, &applied, None).expect("recorded");
    }
    assert_eq!(store.count().expect("count"), 8, "the flapped version only");
}

#[test]
fn after_migrating_the_same_documents_add_no_version_and_are_then_recognised_unchanged() {
    let sandbox = Sandbox::new();
    let db = release_1_store(&sandbox);
    let config = sandbox.write(
        "config.toml",
        "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"v1-desk.json\"\n\
         [[sources]]\nname = \"wire\"\nkind = \"file\"\npath = \"v1-wire.csv\"\n",
    );
    let report = || {
        let output =
            run(sandbox.with_config(&config).args(["--no-bundled", "report", "--by", "holder", "--format", "csv"]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    // What release 1 printed for this store and these feeds.
    let expected = "commodity,year,stage,holder,tonnes,share_pct,yoy_pct\n\
                    rare-earths,2024,mining,China Northern Rare Earth Group,99000.5,73.3,\n\
                    rare-earths,2024,mining,China Rare Earth Group,36000,26.7,\n";
    assert_eq!(report(), expected);
    let store = Store::open(&sandbox.path("data")).expect("opens");
    assert_eq!(store.count().expect("count"), 7, "every announcement was a version already held");
    let fingerprint = |name: &str, format| {
        store::document_fingerprint(format, &std::fs::read(sandbox.path(name)).expect("read feed"))
    };
    let documents = store.documents();
    assert_eq!(documents.get("desk"), Some(&(fingerprint("v1-desk.json", Format::Json), 2)));
    assert_eq!(documents.get("wire"), Some(&(fingerprint("v1-wire.csv", Format::Csv), 4)));
    drop(store);

    assert_eq!(report(), expected);
    assert_eq!(stored_columns(&db).len(), 7);
}
