//! The durable history, through the real binary: figures outlive the source that served
//! them, revisions from another source are listed by `history`, `export` re-imports to the
//! same report, a killed process leaves a sound store with whole documents only, and a
//! corrupt or locked store is reported, never deleted or overwritten.

#[path = "support/sandbox.rs"]
mod sandbox;
#[path = "support/server.rs"]
mod server;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use quotawatch::store::{FILE_NAME, Store};
use sandbox::{Sandbox, run, stderr, stdout};

fn mining(year: u16, batch: u8, revision: u32, tonnes: u32) -> String {
    format!(
        "{{\"commodity\": \"rare-earths\", \"year\": {year}, \"batch\": {batch}, \"revision\": {revision}, \
         \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}]}}"
    )
}

fn feed(announcements: &[String]) -> String {
    format!("{{\"format\": \"quota-feed/1\", \"announcements\": [{}]}}", announcements.join(","))
}

fn http_config(sandbox: &Sandbox, url: &str) -> PathBuf {
    sandbox.write("config/http.toml", &format!("[[sources]]\nname = \"desk-feed\"\nkind = \"http\"\nurl = \"{url}\"\n"))
}

fn report(sandbox: &Sandbox, config: &std::path::Path, args: &[&str]) -> String {
    let output = run(sandbox.with_config(config).arg("--no-bundled").arg("report").args(args));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn fetched_figures_outlive_the_server_and_items_it_drops() {
    let sandbox = Sandbox::new();
    let server = server::Server::start(|_| {
        server::ok(feed(&[mining(2025, 1, 0, 140_000), mining(2025, 2, 0, 130_000)]), "\"v1\"")
    });
    let config = http_config(&sandbox, &server.url());
    let fetched = report(&sandbox, &config, &["--by", "batch", "--format", "csv"]);
    assert!(fetched.contains("rare-earths,2025,2,mining,130000,"), "{fetched}");

    // The server drops batch 2, then goes away altogether.
    server.set(|_| server::ok(feed(&[mining(2025, 1, 0, 140_000)]), "\"v2\""));
    report(&sandbox, &config, &["--format", "csv"]);
    drop(server);
    let empty = sandbox.empty_config();
    let stored = report(&sandbox, &empty, &["--by", "batch", "--format", "csv"]);
    assert_eq!(stored, fetched, "the store alone gives the same report");
}

#[test]
fn a_revision_from_another_source_updates_the_figures_and_history_lists_both() {
    let sandbox = Sandbox::new();
    sandbox.write("feeds/first.json", &feed(&[mining(2025, 1, 0, 140_000)]));
    sandbox.write("feeds/second.json", &feed(&[mining(2025, 1, 1, 142_500)]));
    let first = sandbox
        .write("config/first.toml", "[[sources]]\nname = \"wire\"\nkind = \"file\"\npath = \"../feeds/first.json\"\n");
    let both = sandbox.write(
        "config/both.toml",
        "[[sources]]\nname = \"wire\"\nkind = \"file\"\npath = \"../feeds/first.json\"\n\
         [[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"../feeds/second.json\"\n",
    );
    assert!(report(&sandbox, &first, &["--format", "csv"]).contains("rare-earths,2025,mining,140000,"));
    assert!(report(&sandbox, &both, &["--format", "csv"]).contains("rare-earths,2025,mining,142500,"));

    let output = run(sandbox.with_config(&sandbox.empty_config()).args(["--no-bundled", "history", "--year", "2025"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "rare-earths 2025 batch 1");
    assert!(lines[1].starts_with("  v1  wire  first seen ") && lines[1].ends_with("revision 0"), "{text}");
    assert!(lines[3].starts_with("  v2  desk  first seen ") && lines[3].ends_with("revision 1  (current)"), "{text}");
    assert_eq!(lines[4], "        mining total *: 140,000 → 142,500 t REO");
}

#[test]
fn an_export_imported_as_a_file_source_reports_the_same() {
    let sandbox = Sandbox::new();
    sandbox.write("feeds/desk.json", &feed(&[mining(2025, 1, 1, 141_000), mining(2026, 1, 0, 150_000)]));
    let desk = sandbox
        .write("config/desk.toml", "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"../feeds/desk.json\"\n");
    for format in ["json", "csv"] {
        let mut expected = Vec::new();
        let original = run(sandbox.with_config(&desk).args(["export", "--format", format]));
        assert_eq!(original.status.code(), Some(0), "{}", stderr(&original));
        let exported = sandbox.write(&format!("exports/all.{format}"), &stdout(&original));
        for by in ["year", "batch", "holder"] {
            let output = run(sandbox.with_config(&desk).args(["report", "--by", by, "--format", "csv"]));
            expected.push(stdout(&output));
        }
        // A fresh machine: no store, no bundled history, the export as its only source.
        let fresh = Sandbox::new();
        let config = fresh.write(
            "config/import.toml",
            &format!("[[sources]]\nname = \"import\"\nkind = \"file\"\npath = {:?}\n", exported.display().to_string()),
        );
        for (by, expected) in ["year", "batch", "holder"].iter().zip(&expected) {
            let output =
                run(fresh.with_config(&config).args(["--no-bundled", "report", "--by", by, "--format", "csv"]));
            assert_eq!(output.status.code(), Some(0), "{format}: {}", stderr(&output));
            assert_eq!(&stdout(&output), expected, "{format} export, report --by {by}");
        }
    }
}

#[test]
fn a_corrupt_store_is_reported_left_untouched_and_the_report_still_prints() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("data").join(FILE_NAME);
    let garbage = b"not a database; somebody's notes\n".repeat(200);
    std::fs::write(&path, &garbage).expect("write");
    let output = run(sandbox.with_config(&sandbox.empty_config()).args(["report", "--format", "csv"]));
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(error.contains("is damaged or not a quotawatch store"), "{error}");
    assert!(error.contains("left untouched"), "{error}");
    assert!(stdout(&output).contains("rare-earths,2024,mining,270000,5.9,full-year"));
    assert_eq!(std::fs::read(&path).expect("read"), garbage);
}

/// Holds the store's write lock from another process's point of view for `hold`.
fn hold_lock(path: PathBuf, hold: Duration) -> std::thread::JoinHandle<()> {
    let (locked, wait) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(path).expect("open");
        conn.execute_batch("BEGIN EXCLUSIVE").expect("lock");
        locked.send(()).expect("signal");
        std::thread::sleep(hold);
        conn.execute_batch("COMMIT").expect("unlock");
    });
    wait.recv().expect("locked");
    handle
}

#[test]
fn a_locked_store_is_waited_for_then_reported() {
    let sandbox = Sandbox::new();
    sandbox.write("feeds/desk.json", &feed(&[mining(2025, 1, 0, 140_000)]));
    let desk = sandbox
        .write("config/desk.toml", "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"../feeds/desk.json\"\n");
    drop(Store::open(&sandbox.path("data")).expect("create the store"));
    let db = sandbox.path("data").join(FILE_NAME);

    // The report waits a second for a lock ($QUOTAWATCH_BUSY_TIMEOUT), not the default 5 s.
    // Briefly locked (another quotawatch committing): waited for, then saved.
    let holder = hold_lock(db.clone(), Duration::from_millis(300));
    let output =
        run(sandbox.with_config(&desk).env("QUOTAWATCH_BUSY_TIMEOUT", "1s").args(["report", "--format", "csv"]));
    holder.join().expect("lock holder");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(Store::open(&sandbox.path("data")).expect("open").count().expect("count"), 1);

    // Locked for longer than the busy timeout: reported, and the figures still printed.
    sandbox.write("feeds/desk.json", &feed(&[mining(2025, 1, 1, 141_000)]));
    let holder = hold_lock(db, Duration::from_millis(2_500));
    let output =
        run(sandbox.with_config(&desk).env("QUOTAWATCH_BUSY_TIMEOUT", "1s").args(["report", "--format", "csv"]));
    holder.join().expect("lock holder");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is locked by another process (waited 1s)"), "{}", stderr(&output));
    assert!(stdout(&output).contains("rare-earths,2025,mining,141000,"));
}

#[test]
fn a_dashboard_holding_the_store_and_a_report_work_at_once() {
    use quotawatch::app::{Dashboard, Msg, State};
    let sandbox = Sandbox::new();
    // A real dashboard with the store open, its one source the wire (never reached: its
    // releases are scripted into the loop below).
    let wire =
        "[[sources]]\nname = \"wire\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/wire.json\"\ninterval = \"1h\"\n";
    let config = quotawatch::config::parse(wire, quotawatch::config::ConfigOrigin::BuiltIn, std::path::Path::new("."))
        .expect("valid config");
    let mut store = Store::open(&sandbox.path("data")).expect("open");
    let loaded = quotawatch::ingest::for_dashboard(&config, true, Some(&mut store), chrono::Utc::now());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let _guard = runtime.enter();
    let mut dashboard = Dashboard::start(
        State::new(loaded, chrono::Utc::now()),
        &config,
        Some(store),
        &quotawatch::ui::theme::Theme::MONO,
    );

    // A report runs while the dashboard holds the store.
    sandbox.write("feeds/desk.json", &feed(&[mining(2025, 1, 0, 140_000)]));
    let desk = sandbox
        .write("config/desk.toml", "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"../feeds/desk.json\"\n");
    let output = run(sandbox.with_config(&desk).args(["report", "--format", "csv"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // Then the wire's history and a release reach the dashboard, which saves them.
    let event = |document: String| {
        let parsed = quotawatch::feed::parse("wire", quotawatch::feed::Format::Json, document.as_bytes(), 1 << 20)
            .expect("valid");
        let at = chrono::Utc::now();
        Msg::Source(quotawatch::sources::SourceEvent {
            source: "wire".into(),
            at,
            result: Ok(Some(parsed)),
            http: None,
            next_poll: at,
        })
    };
    dashboard.handle(event(feed(&[mining(2026, 1, 0, 150_000)])));
    assert_eq!(dashboard.unsaved(), 0, "the dashboard saved while a report had run");
    dashboard.finish().expect("flushed");
    drop(dashboard);
    assert_eq!(Store::open(&sandbox.path("data")).expect("reopen").count().expect("count"), 2);
}

/// Writes `sources` file sources of `per_source` announcements each (a commodity per
/// source, so nothing is shared) and a config listing them.
fn heavy_ingestion(sandbox: &Sandbox, sources: usize, per_source: usize) -> PathBuf {
    let mut config = String::new();
    for s in 0..sources {
        let announcements: Vec<String> = (0..per_source)
            .map(|i| {
                format!(
                    "{{\"commodity\": \"test-{s}\", \"year\": {}, \"batch\": {}, \"title\": \"bulk {s}/{i}\", \
                     \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {}}}, \
                     {{\"stage\": \"mining\", \"category\": \"light\", \"holder\": \"Group {i}\", \"tonnes\": {}}}]}}",
                    1990 + i / 99,
                    i % 99 + 1,
                    1_000 + i,
                    500 + i
                )
            })
            .collect();
        sandbox.write(&format!("feeds/s{s}.json"), &feed(&announcements));
        config.push_str(&format!("[[sources]]\nname = \"s{s}\"\nkind = \"file\"\npath = \"../feeds/s{s}.json\"\n"));
    }
    sandbox.write("config/heavy.toml", &config)
}

fn committed_sources(db: &std::path::Path) -> usize {
    let Ok(conn) = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    conn.busy_timeout(Duration::from_secs(1)).ok();
    conn.query_row("SELECT COUNT(DISTINCT source) FROM versions", [], |r| r.get::<_, i64>(0))
        .map_or(0, |n| usize::try_from(n).unwrap_or(0))
}

#[test]
fn sigkill_during_heavy_ingestion_leaves_a_sound_store_of_whole_documents() {
    let (sources, per_source) = (40, 2_000);
    for attempt in 1..=3 {
        let sandbox = Sandbox::new();
        let config = heavy_ingestion(&sandbox, sources * attempt, per_source);
        let db = sandbox.path("data").join(FILE_NAME);
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("quotawatch"));
        command
            .env("HOME", sandbox.path("home"))
            .env("XDG_CONFIG_HOME", sandbox.path("xdg-config"))
            .env("XDG_DATA_HOME", sandbox.path("xdg-data"))
            .args(["--no-bundled", "--data-dir"])
            .arg(sandbox.path("data"))
            .arg("--config")
            .arg(&config)
            .args(["report", "--format", "csv"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = command.spawn().expect("spawn");
        let deadline = Instant::now() + Duration::from_secs(60);
        // Kill once a few documents are committed, in the middle of writing the next ones.
        while committed_sources(&db) < 3 && Instant::now() < deadline {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if child.try_wait().expect("wait").is_some() {
            continue; // finished before the kill: try again, heavier
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        let store = Store::open(&sandbox.path("data")).expect("the store reopens");
        assert_eq!(store.integrity_check().expect("check"), "ok");
        let conn = rusqlite::Connection::open(&db).expect("open");
        let mut counts = conn.prepare("SELECT source, COUNT(*) FROM versions GROUP BY source").expect("query");
        let counts: Vec<(String, i64)> =
            counts.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").map(|r| r.expect("row")).collect();
        assert!(counts.len() >= 3, "committed documents survive: {counts:?}");
        assert!(counts.len() < sources * attempt, "killed before the end: {} sources", counts.len());
        for (source, count) in &counts {
            assert_eq!(*count, i64::try_from(per_source).expect("fits"), "{source} is whole");
        }
        // And the history reads back through the product.
        let output =
            run(sandbox.with_config(&sandbox.empty_config()).args(["--no-bundled", "report", "--format", "csv"]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stdout(&output).lines().filter(|l| l.starts_with("test-")).count(), counts.len() * 21);
        return;
    }
    panic!("ingestion always finished before it could be killed");
}

#[test]
fn an_unchanged_file_is_not_parsed_again_but_rejections_are_reported_every_time() {
    let sandbox = Sandbox::new();
    let desk = sandbox
        .write("config/desk.toml", "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"../feeds/desk.json\"\n");
    sandbox.write("feeds/desk.json", &feed(&[mining(2025, 1, 0, 140_000), mining(2025, 2, 0, 130_000)]));
    let first = report(&sandbox, &desk, &["--by", "batch", "--format", "csv"]);
    assert_eq!(report(&sandbox, &desk, &["--by", "batch", "--format", "csv"]), first);

    // One bad announcement beside a good one: named on stderr on every run.
    sandbox.write("feeds/desk.json", &feed(&[mining(2025, 1, 0, 140_000), mining(1700, 1, 0, 1)]));
    for _ in 0..2 {
        let output = run(sandbox.with_config(&desk).args(["--no-bundled", "report", "--format", "csv"]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(stderr(&output).contains("rejected announcement"), "{}", stderr(&output));
    }
}
