//! The first `report` over a large CSV file source, through the real binary: parsed as it
//! is read (in pieces on two cores, read again in one piece when an announcement is in two
//! pieces), the store written while the report is printed, and a store that fails that
//! write named with exit status 2, the figures printed all the same.

#[path = "support/sandbox.rs"]
mod sandbox;

use std::path::PathBuf;

use quotawatch::store::{FILE_NAME, Store};
use sandbox::{Sandbox, run, stderr, stdout};

/// A CSV feed of `years` x 2 batches of rare-earth mining quotas, `holders` rows each (over
/// 4 MiB at 100 x 400, so it is parsed in pieces), and a config with it as a file source.
fn large_feed(sandbox: &Sandbox, years: u16, holders: u32, last_row: Option<&str>) -> PathBuf {
    let mut text = String::from("commodity,year,batch,published,stage,category,holder,tonnes\n");
    for year in 1990..1990 + years {
        for batch in 1..=2 {
            for holder in 0..holders {
                text.push_str(&format!(
                    "rare-earths,{year},{batch},{year}-0{}-01,mining,light,Holder {holder:05} of a long name,{}\n",
                    2 * batch,
                    100 + holder
                ));
            }
        }
    }
    if let Some(row) = last_row {
        text.push_str(row);
    }
    sandbox.write("feeds/large.csv", &text);
    sandbox.write("config/large.toml", "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"../feeds/large.csv\"\n")
}

fn csv_report(sandbox: &Sandbox, config: &std::path::Path) -> std::process::Output {
    run(sandbox.with_config(config).args(["--no-bundled", "report", "--by", "year", "--format", "csv"]))
}

/// The sum of every holder's tonnes, per year: what the report must print.
fn expected_year(holders: u32) -> u32 {
    2 * (0..holders).map(|h| 100 + h).sum::<u32>()
}

#[test]
fn a_large_file_reports_the_same_cold_and_warm_and_is_stored_whole() {
    let sandbox = Sandbox::new();
    let config = large_feed(&sandbox, 100, 400, None);
    assert!(std::fs::metadata(sandbox.path("feeds/large.csv")).expect("feed").len() > 4 << 20, "pieces");
    let cold = csv_report(&sandbox, &config);
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    let line = format!("rare-earths,2024,mining,{},", expected_year(400));
    assert!(stdout(&cold).contains(&line), "{}", stdout(&cold));
    assert_eq!(stdout(&cold).lines().count(), 101, "a header and 100 years");
    let store = Store::open(&sandbox.path("data")).expect("store");
    assert_eq!(store.count().expect("count"), 200, "every announcement stored");
    drop(store);
    let warm = csv_report(&sandbox, &config);
    assert_eq!(warm.status.code(), Some(0), "{}", stderr(&warm));
    assert_eq!(stdout(&warm), stdout(&cold));
}

#[test]
fn an_announcement_in_two_pieces_is_read_again_in_one() {
    let sandbox = Sandbox::new();
    // One more row of the first announcement at the very end: in another piece.
    let config = large_feed(&sandbox, 100, 400, Some("rare-earths,1990,1,1990-02-01,mining,light,Latecomer,7\n"));
    let output = csv_report(&sandbox, &config);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line = format!("rare-earths,1990,mining,{},", expected_year(400) + 7);
    assert!(stdout(&output).contains(&line), "{}", stdout(&output));
}

#[test]
fn a_store_that_fails_the_write_is_named_with_exit_2_and_the_figures_still_print() {
    let sandbox = Sandbox::new();
    let config = large_feed(&sandbox, 100, 400, None);
    // A real store that refuses every new version, as a full disk or a broken file would.
    drop(Store::open(&sandbox.path("data")).expect("create the store"));
    let conn = rusqlite::Connection::open(sandbox.path("data").join(FILE_NAME)).expect("open");
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON versions BEGIN SELECT RAISE(ABORT, 'the disk refused'); END;",
    )
    .expect("trigger");
    drop(conn);
    let output = csv_report(&sandbox, &config);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("the disk refused"), "{}", stderr(&output));
    assert!(stderr(&output).contains(FILE_NAME), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 101, "the figures printed all the same");
    let store = Store::open(&sandbox.path("data")).expect("store");
    assert_eq!(store.count().expect("count"), 0, "nothing half written");
}
