//! `quotawatch watch`, the binary, against a feed on 127.0.0.1: a release published mid-run
//! gives exactly one `new` line, one alert command and an updated published file that
//! quotawatch's own parser reads back with the same figures; SIGTERM exits 0 with the store
//! whole; a restart finds nothing new; a second watch on the same data dir is refused.
//! Every wait is on a condition with a deadline.

#[path = "support/server.rs"]
mod server;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use server::{Server, conditional};

const DEADLINE: Duration = Duration::from_secs(20);

fn feed(announcements: &[String]) -> String {
    format!("{{\"format\": \"quota-feed/1\", \"announcements\": [{}]}}", announcements.join(","))
}

/// A year the bundled history does not have, so only the test's figures are in play.
fn mining(batch: u8, tonnes: u32) -> String {
    format!(
        "{{\"commodity\": \"rare-earths\", \"year\": 2031, \"batch\": {batch}, \"published\": \"2031-0{batch}-15\", \
         \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}, \
         {{\"stage\": \"smelting-separation\", \"tonnes\": {}}}]}}",
        tonnes - 10_000
    )
}

/// A running `quotawatch watch`, killed if the test fails before it ends; its stdout lines
/// arrive on `lines`.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Watch {
    fn start(dir: &Path, config: &Path, publish: &Path) -> Watch {
        let mut child = command(dir)
            .arg("--config")
            .arg(config)
            .arg("watch")
            .arg("--format")
            .arg("ndjson")
            .arg("--publish")
            .arg(publish)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start watch");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines, reader: Some(reader) }
    }

    /// Every line that arrives before `done` holds for one of them, or the deadline.
    fn lines_until(&self, done: impl Fn(&serde_json::Value) -> bool) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let event: serde_json::Value =
                        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                    let stop = done(&event);
                    seen.push(event);
                    if stop {
                        return seen;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("deadline passed; lines so far: {seen:#?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("watch ended; lines so far: {seen:#?}"),
            }
        }
    }

    /// SIGTERM, then the exit status and every line not read yet.
    fn terminate(mut self) -> (Option<i32>, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        assert!(sent.success());
        let status = wait_with_deadline(&mut self.child);
        // Every line the watcher wrote before it exited, up to the pipe's end.
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread");
        }
        let rest: Vec<String> = self.lines.try_iter().collect();
        (status, rest)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn wait_with_deadline(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        assert!(Instant::now() < deadline, "watch did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The binary with the user's setup sealed off.
fn command(dir: &Path) -> Command {
    let mut cmd = bare_command(dir);
    cmd.arg("--data-dir").arg(dir.join("data"));
    cmd
}

fn bare_command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quotawatch"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .stdin(Stdio::null());
    cmd
}

/// A config polling `url` every second, with an alert command appending to `alerts.txt`.
fn write_config(dir: &Path, url: &str) -> PathBuf {
    let path = dir.join("config.toml");
    let alerts = dir.join("alerts.txt");
    let text = format!(
        "[[sources]]\nname = \"wire\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"1s\"\n\n[alerts]\n\
         command = [\"sh\", \"-c\", \"printf '%s\\\\n' \\\"$1\\\" >> {}\", \"alert\"]\n",
        alerts.display()
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// The figures the published file holds for 2031, read with quotawatch's own parser.
fn published_2031(path: &Path) -> Vec<(u8, String, f64)> {
    let Ok(bytes) = std::fs::read(path) else { return Vec::new() };
    let parsed = quotawatch::feed::parse("published", quotawatch::feed::Format::Json, &bytes, usize::MAX)
        .expect("the published file is a valid quota-feed/1 document");
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let mut figures: Vec<(u8, String, f64)> = parsed
        .announcements
        .iter()
        .filter(|a| a.key.year == 2031)
        .flat_map(|a| a.quotas.iter().map(move |q| (a.key.batch, q.stage.slug().to_owned(), q.tonnes)))
        .collect();
    figures.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
    figures
}

fn wait_for(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !condition() {
        assert!(Instant::now() < deadline, "deadline passed waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn alert_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("alerts.txt")).unwrap_or_default().lines().map(str::to_owned).collect()
}

fn is_news(event: &serde_json::Value) -> bool {
    matches!(event["kind"].as_str(), Some("new" | "revised"))
}

#[test]
fn a_release_mid_run_is_one_event_one_alert_and_the_published_feed_and_a_restart_repeats_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(conditional(feed(&[mining(1, 100_000)]), "\"v1\""));
    let config = write_config(dir.path(), &server.url());
    let published = dir.path().join("srv/feed.json");
    std::fs::create_dir_all(published.parent().expect("folder")).expect("srv");

    let watch = Watch::start(dir.path(), &config, &published);
    // The source's first document is its history: merged and published, no event.
    let history = vec![(1, "mining".to_owned(), 100_000.0), (1, "smelting-separation".to_owned(), 90_000.0)];
    wait_for("the history to be published", || published_2031(&published) == history);
    assert!(watch.lines.try_recv().is_err(), "the history raised no event");

    let requests_before = server.requests().len();
    server.set(conditional(feed(&[mining(1, 100_000), mining(2, 120_000)]), "\"v2\""));
    let released = Instant::now();
    let lines = watch.lines_until(is_news);
    eprintln!("release to `new` line: {} ms (poll interval 1 s)", released.elapsed().as_millis());
    let event = lines.last().expect("a line");
    assert_eq!(lines.len(), 1, "nothing before the release's line: {lines:#?}");
    assert_eq!(event["kind"], "new");
    assert_eq!((event["source"].as_str(), event["commodity"].as_str()), (Some("wire"), Some("rare-earths")));
    assert_eq!(
        (event["year"].as_u64(), event["batch"].as_u64(), event["tier"].as_str()),
        (Some(2031), Some(2), Some("official"))
    );
    assert_eq!(event["stages"][0], serde_json::json!({"stage": "mining", "tonnes": 120000.0}));
    assert_eq!(event["stages"][1]["stage"], "smelting-separation");
    assert!(
        event["text"].as_str().is_some_and(|t| t.starts_with("rare-earths 2031 batch 2: mining 120,000 t REO")),
        "{event}"
    );

    // The alert command ran once; the published file has the release, figure for figure.
    wait_for("the alert command", || !alert_lines(dir.path()).is_empty());
    let mut with_release = history.clone();
    with_release.extend([(2, "mining".to_owned(), 120_000.0), (2, "smelting-separation".to_owned(), 110_000.0)]);
    assert_eq!(published_2031(&published), with_release, "published before the line was printed");
    let published_bytes = std::fs::read(&published).expect("published");

    // Two more polls of the same feed: nothing new.
    wait_for("two more polls", || server.requests().len() >= requests_before + 3);
    let (status, rest) = watch.terminate();
    assert_eq!(status, Some(0), "SIGTERM is a clean exit");
    assert!(rest.is_empty(), "no event after the release: {rest:?}");
    assert_eq!(alert_lines(dir.path()), [event["text"].as_str().expect("text").to_owned()]);

    // The store is whole and holds both batches.
    let store = quotawatch::store::Store::open(&dir.path().join("data")).expect("store");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let stored = store.load().expect("load");
    let batches: Vec<u8> =
        stored.versions.iter().filter(|v| v.announcement.key.year == 2031).map(|v| v.announcement.key.batch).collect();
    assert_eq!(batches, [1, 2], "each version stored once");
    drop(store);

    // A restart on the same data dir: the feed is unchanged, so nothing is news and the
    // published file's bytes stay as they were.
    let requests_before = server.requests().len();
    let watch = Watch::start(dir.path(), &config, &published);
    wait_for("two polls after the restart", || server.requests().len() >= requests_before + 2);
    let (status, rest) = watch.terminate();
    assert_eq!(status, Some(0));
    assert!(rest.is_empty(), "a restart repeats nothing: {rest:?}");
    assert_eq!(alert_lines(dir.path()).len(), 1, "no second alert");
    assert_eq!(std::fs::read(&published).expect("published"), published_bytes);

    // A terminal elsewhere with the published file as its source (and its own bundled
    // history) reports the same figures as the watcher's own setup.
    let terminal = dir.path().join("terminal.toml");
    let source = format!("[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"{}\"\n", published.display());
    std::fs::write(&terminal, source).expect("terminal config");
    let report = |config: &Path, data: &str| {
        let output = bare_command(dir.path())
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(dir.path().join(data))
            .args(["report", "--by", "batch", "--format", "csv"])
            .output()
            .expect("report");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let at_the_watcher = report(&config, "data");
    assert!(at_the_watcher.contains("rare-earths,2031,2,mining,120000,"), "{at_the_watcher}");
    assert_eq!(report(&terminal, "terminal-data"), at_the_watcher);
    // The same file served over HTTP, as a static web server would.
    let served = published.clone();
    let web = Server::start(move |_: &server::Request| {
        server::ok(std::fs::read_to_string(&served).unwrap_or_default(), "\"published\"")
    });
    let over_http = dir.path().join("terminal-http.toml");
    let source = format!("[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"{}\"\n", web.url());
    std::fs::write(&over_http, source).expect("terminal config");
    assert_eq!(report(&over_http, "terminal-http-data"), at_the_watcher);
}

#[test]
fn failures_and_recoveries_are_events_once_each() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(|_: &server::Request| server::status(503, Vec::new()));
    let config = write_config(dir.path(), &server.url());
    let watch = Watch::start(dir.path(), &config, &dir.path().join("feed.json"));
    let lines = watch.lines_until(|e| e["kind"] == "source-error");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(lines[0]["text"], "wire: HTTP 503");
    let requests = server.requests().len();
    server.set(conditional(feed(&[mining(1, 100_000)]), "\"v1\""));
    let lines = watch.lines_until(|e| e["kind"] == "source-ok");
    assert!(server.requests().len() > requests);
    assert_eq!(lines.len(), 1, "the same failure polled again is not repeated: {lines:#?}");
    assert_eq!(lines[0]["source"], "wire");
    let (status, rest) = watch.terminate();
    assert_eq!(status, Some(0));
    assert!(rest.iter().all(|line| !line.contains("\"new\"")), "the first document is history: {rest:?}");
}

#[test]
fn a_second_watch_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "sources = []\n").expect("config");
    let published = dir.path().join("feed.json");
    let first = Watch::start(dir.path(), &config, &published);
    let lock = dir.path().join("data").join(quotawatch::watch::LOCK_FILE);
    let pid = first.child.id().to_string();
    wait_for("the first watch to take the data dir", || {
        std::fs::read_to_string(&lock).is_ok_and(|held| held.trim() == pid) && published.exists()
    });
    let second = command(dir.path()).arg("--config").arg(&config).arg("watch").output().expect("second watch");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another `quotawatch watch` is already watching"), "{stderr}");
    assert!(stderr.contains(&format!("(pid {pid})")), "{stderr}");
    // The first one published the bundled history and goes on.
    let bundled = std::fs::read(&published).expect("published at start");
    assert!(!bundled.is_empty());
    let (status, _) = first.terminate();
    assert_eq!(status, Some(0));

    // It logged to today's file in the data dir (written out on the way out).
    let today = chrono::Utc::now().date_naive();
    let log = std::fs::read_to_string(dir.path().join("data").join(format!("quotawatch.{today}.log")))
        .or_else(|_| {
            // Past midnight between the start and now: yesterday's file.
            let yesterday = today.pred_opt().expect("a day before");
            std::fs::read_to_string(dir.path().join("data").join(format!("quotawatch.{yesterday}.log")))
        })
        .expect("a daily log file");
    assert!(log.contains("watch starting"), "{log}");
    assert!(log.contains("watch stopped"), "{log}");
}
