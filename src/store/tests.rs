use chrono::TimeZone;

use super::codec::{decode_rows, encode_rows};
use super::names::NameTable;
use super::*;
use crate::model::sample_mining;

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, second).single().expect("valid time")
}

fn mining(year: u16, batch: u8, revision: u32, tonnes: f64) -> Announcement {
    Announcement { title: Some("First batch".into()), ..sample_mining(year, batch, revision, tonnes) }
}

fn origin(source: &str, rank: usize) -> Origin {
    Origin { source: source.into(), rank }
}

/// Merges into a journaling ledger and records what it applied.
fn merge_and_record(store: &mut Store, ledger: &mut Ledger, origin: &Origin, a: Announcement, seen: DateTime<Utc>) {
    ledger.merge(origin, a, seen);
    let applied = ledger.take_journal();
    store.record(ledger, &applied, None).expect("recorded");
}

fn rebuilt(store: &Store) -> Ledger {
    let mut ledger = Ledger::new();
    replay(&mut ledger, store.load().expect("loads").versions, |name| usize::from(name != "desk"));
    ledger
}

#[test]
fn replaying_the_store_rebuilds_the_ledger_with_first_seen_times() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    let desk = origin("desk", 0);
    merge_and_record(&mut store, &mut ledger, &desk, mining(2024, 1, 0, 135_000.0), at(1));
    merge_and_record(&mut store, &mut ledger, &desk, mining(2024, 1, 0, 135_000.0), at(2)); // unchanged
    merge_and_record(&mut store, &mut ledger, &desk, mining(2024, 1, 1, 136_500.5), at(3)); // revision
    merge_and_record(&mut store, &mut ledger, &origin("wire", 1), mining(2024, 1, 1, 137_000.0), at(4)); // conflict, lost
    assert_eq!(store.count().expect("count"), 3);

    let key = mining(2024, 1, 0, 0.0).key;
    let again = rebuilt(&store);
    let entry = again.entry(&key).expect("entry");
    assert_eq!(entry.versions().len(), 3);
    assert_eq!(entry.current().announcement.quotas[0].tonnes, 136_500.5);
    assert_eq!(entry.current().first_seen, at(3));
    assert_eq!(entry.versions()[0].first_seen, at(1));
    assert_eq!(entry.revisions(), 1);
    assert_eq!(entry.conflicts().len(), 1);
    assert_eq!(entry.current().announcement, ledger.entry(&key).expect("live entry").current().announcement);
}

#[test]
fn a_source_going_back_to_an_earlier_document_is_replayed_in_that_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    let desk = origin("desk", 0);
    for (second, tonnes) in [(1, 100.0), (2, 200.0), (3, 100.0)] {
        merge_and_record(&mut store, &mut ledger, &desk, mining(2025, 1, 0, tonnes), at(second));
    }
    assert_eq!(store.count().expect("count"), 2, "a version delivered again is not stored twice");
    let key = mining(2025, 1, 0, 0.0).key;
    let entry = rebuilt(&store).entry(&key).expect("entry").current().clone();
    assert_eq!(entry.announcement.quotas[0].tonnes, 100.0);
    assert_eq!(entry.first_seen, at(1));
}

#[test]
fn the_bundled_history_is_not_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    merge_and_record(&mut store, &mut ledger, &origin("bundled", 9), mining(2024, 1, 0, 1.0), at(1));
    assert_eq!(store.count().expect("count"), 0);
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(FILE_NAME);
    let garbage = b"this is not an SQLite database, but it is someone's file".repeat(100);
    std::fs::write(&path, &garbage).expect("write");
    let error = Store::open(dir.path()).expect_err("refused");
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("left untouched"), "{error}");
    assert_eq!(std::fs::read(&path).expect("read"), garbage);
    assert!(!dir.path().join(format!("{FILE_NAME}-wal")).exists());
}

#[test]
fn a_store_from_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(Store::open(dir.path()).expect("opens"));
    let conn = Connection::open(dir.path().join(FILE_NAME)).expect("raw open");
    conn.execute_batch("PRAGMA user_version = 99").expect("bump");
    drop(conn);
    let error = Store::open(dir.path()).expect_err("refused");
    assert!(matches!(error, StoreError::TooNew { found: 99, .. }), "{error}");
}

#[test]
fn opening_twice_migrates_once_and_uses_wal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Store::open(dir.path()).expect("opens");
    let second = Store::open(dir.path()).expect("opens again while the first is open");
    let mode: String = second.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    let version: i32 = second.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(first.integrity_check().expect("check"), "ok");
}

#[test]
fn an_unreadable_row_is_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    merge_and_record(&mut store, &mut ledger, &origin("desk", 0), mining(2024, 1, 0, 1.0), at(1));
    merge_and_record(&mut store, &mut ledger, &origin("desk", 0), mining(2024, 2, 0, 2.0), at(2));
    store.conn.execute("UPDATE versions SET document = '{\"format\": \"x\"}' WHERE batch = 1", []).expect("damage");
    let stored = store.load().expect("loads");
    assert_eq!(stored.versions.len(), 1);
    assert_eq!(stored.unreadable.len(), 1);
    assert!(stored.unreadable[0].starts_with("history store row 1: "), "{:?}", stored.unreadable);
}

#[test]
fn a_document_is_reusable_until_its_source_moves_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    let seen = |reusable| DocumentSeen { source: "desk".into(), fingerprint: 42, accepted: 1, reusable };
    ledger.merge(&origin("desk", 0), mining(2024, 1, 0, 1.0), at(1));
    let applied = ledger.take_journal();
    store.record(&ledger, &applied, Some(&seen(true))).expect("recorded");
    assert_eq!(store.documents(), [("desk".to_owned(), (42, 1))].into());

    // Another source's news leaves desk's document alone; desk's own news (the dashboard's
    // file poller, say) means its last document is no longer what the store reflects.
    ledger.merge(&origin("wire", 1), mining(2024, 2, 0, 2.0), at(2));
    let applied = ledger.take_journal();
    store.record(&ledger, &applied, None).expect("recorded");
    assert_eq!(store.documents().get("desk"), Some(&(42, 1)));
    ledger.merge(&origin("desk", 0), mining(2024, 1, 0, 3.0), at(3));
    let applied = ledger.take_journal();
    store.record(&ledger, &applied, None).expect("recorded");
    assert_eq!(store.documents().get("desk"), None);

    // A document with rejected announcements is never reused: they must be reported again.
    store.record(&ledger, &[], Some(&seen(false))).expect("recorded");
    assert_eq!(store.documents().get("desk"), None);
}

#[test]
fn packed_rows_read_back_and_a_damaged_blob_is_an_error_not_a_panic() {
    let mut a = mining(2024, 1, 0, 135_000.0);
    for (holder, tonnes) in
        [("China Northern Rare Earth Group", 0.1 + 0.2), ("China Rare Earth Group", 9e15), ("x", -0.0)]
    {
        a.quotas.push(crate::model::QuotaRow {
            stage: crate::model::Stage::SmeltingSeparation,
            category: "light".into(),
            holder: holder.into(),
            tonnes,
        });
    }
    let mut table = NameTable::default();
    let blob = encode_rows(&a.quotas, |name| table.id_of(name));
    let decoded = decode_rows(&blob, table.by_id()).expect("reads");
    assert_eq!(decoded, a.quotas);
    // Bit for bit: the figures fingerprint sees -0.0 and 0.3000000000000001 as stored.
    assert_eq!(figures_fingerprint(&Announcement { quotas: decoded, ..a.clone() }), figures_fingerprint(&a));
    for cut in 0..blob.len() {
        assert!(decode_rows(&blob[..cut], table.by_id()).is_err(), "cut at {cut}");
    }
    assert!(decode_rows(&blob, &table.by_id()[..2]).is_err(), "a name id missing from the table");
    let mut flipped = blob.clone();
    for i in 0..flipped.len() {
        flipped[i] ^= 0xff;
        let _ = decode_rows(&flipped, table.by_id());
        flipped[i] ^= 0xff;
    }
}

#[test]
fn schema_1_rows_read_back_and_a_damaged_blob_is_an_error_not_a_panic() {
    use super::legacy;
    let a = mining(2024, 1, 0, 135_000.5);
    let blob = legacy::encode_rows(&a.quotas);
    let mut names = legacy::Names::default();
    assert_eq!(legacy::decode_rows(&blob, &mut names).expect("reads"), a.quotas);
    for cut in 0..blob.len() {
        assert!(legacy::decode_rows(&blob[..cut], &mut names).is_err(), "cut at {cut}");
    }
}

#[test]
fn names_are_stored_once_across_versions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    merge_and_record(&mut store, &mut ledger, &origin("desk", 0), mining(2024, 1, 0, 1.0), at(1));
    merge_and_record(&mut store, &mut ledger, &origin("desk", 0), mining(2024, 2, 0, 2.0), at(2));
    let names: i64 = store.conn.query_row("SELECT COUNT(*) FROM names", [], |r| r.get(0)).expect("count");
    assert_eq!(names, 2, "total and *");
    assert_eq!(rebuilt(&store).current().count(), 2);
}
