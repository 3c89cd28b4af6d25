//! HTTP sources against a real server on 127.0.0.1 that each test starts itself: conditional
//! requests, a release arriving mid-run, backoff after errors, Retry-After, the body cap and
//! header secrets. Waits are on events with deadlines.

#[path = "support/server.rs"]
mod server;

#[path = "support/live.rs"]
mod live;

use std::time::Duration;

use quotawatch::app::State;
use quotawatch::app::log::LogKind;
use quotawatch::config::{self, ConfigOrigin, SourceConfig};
use quotawatch::sources::{HttpSource, SourceEvent, spawn_pollers};
use tokio::sync::mpsc;

use live::{DEADLINE, dashboard, lines_of, run_until, screen_text};
use server::{Reply, Request, Server, conditional, status};

fn feed(announcements: &[String]) -> String {
    format!("{{\"format\": \"quota-feed/1\", \"announcements\": [{}]}}", announcements.join(","))
}

fn mining(year: u16, batch: u8, tonnes: u32) -> String {
    format!(
        "{{\"commodity\": \"rare-earths\", \"year\": {year}, \"batch\": {batch}, \
         \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {tonnes}}}]}}"
    )
}

fn http_config(url: &str, extra: &str) -> config::Config {
    config_with(url, "1s", extra, "")
}

/// A config with one HTTP source polled every `interval`, then `tables` (e.g. `[alerts]`).
fn config_with(url: &str, interval: &str, extra: &str, tables: &str) -> config::Config {
    let text = format!(
        "[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"{interval}\"\n{extra}\n{tables}"
    );
    config::parse(&text, ConfigOrigin::BuiltIn, std::path::Path::new(".")).expect("valid config")
}

fn client(source: &SourceConfig) -> HttpSource {
    HttpSource::new(source).expect("an http source").expect("client")
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<SourceEvent>) -> SourceEvent {
    tokio::time::timeout(DEADLINE, rx.recv()).await.expect("an event before the deadline").expect("poller alive")
}

#[tokio::test]
async fn an_unchanged_feed_costs_a_304() {
    let server = Server::start(conditional(feed(&[mining(2024, 1, 135_000)]), "\"v1\""));
    let config = http_config(&server.url(), "");
    let mut source = client(&config.sources[0]);
    let first = source.fetch().await.expect("first fetch");
    assert_eq!((first.status, first.parsed.map(|p| p.announcements.len())), (200, Some(1)));
    let second = source.fetch().await.expect("second fetch");
    assert_eq!(second.status, 304);
    assert!(second.parsed.is_none());
    assert_eq!(server.requests()[1].header("If-None-Match"), Some("\"v1\""));
}

#[tokio::test]
async fn a_release_published_mid_run_reaches_the_state_with_its_growth() {
    let server = Server::start(conditional(feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000)]), "\"v1\""));
    let config = http_config(&server.url(), "");
    let (mut dashboard, mut terminal) = dashboard(&config);

    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].loaded).await;
    let state = dashboard.state();
    assert_eq!(state.year(), Some(2024));
    assert!(state.banner().is_none(), "the first fetch is the source's history, not news");
    assert!(state.log().iter().any(|e| e.text == "desk: 2 announcements"));

    let release = feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000), mining(2025, 1, 140_000)]);
    server.set(conditional(release, "\"v2\""));
    run_until(&mut dashboard, &mut terminal, |s| s.banner().is_some()).await;
    let state = dashboard.state();
    assert_eq!(state.banner(), Some("rare-earths 2025 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2024"));
    let point = state.derived().year_point(quotawatch::model::Stage::Mining, 2025).expect("2025 derived");
    assert_eq!(point.growth.map(|g| g.basis.slug()), Some("ytd-batch-1".to_owned()));
    assert!(screen_text(&terminal).contains("ALERT  rare-earths 2025 batch 1"), "{}", screen_text(&terminal));

    // Steady state: the next poll is answered 304.
    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].not_modified >= 1).await;
    assert_eq!(dashboard.state().sources()[0].http.map(|h| h.0), Some(304));
}

#[tokio::test]
async fn a_failing_server_is_backed_off_not_hammered() {
    let server = Server::start(|_| status(500, Vec::new()));
    let config = http_config(&server.url(), "");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let first = next_event(&mut rx).await;
    assert_eq!(first.result.expect_err("500 is a failure").to_string(), "HTTP 500");
    let wait = first.next_poll - first.at;
    assert!(wait >= chrono::Duration::milliseconds(1_800), "backed off to about twice the interval: {wait}");
    let second = next_event(&mut rx).await;
    let wait = second.next_poll - second.at;
    assert!(wait >= chrono::Duration::milliseconds(3_600), "doubled again: {wait}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = Server::start(|_| status(429, vec![("Retry-After", "4".into())]));
    let config = http_config(&server.url(), "");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let event = next_event(&mut rx).await;
    assert_eq!(event.result.expect_err("429").to_string(), "HTTP 429, retry after 4s");
    let wait = event.next_poll - event.at;
    assert!(wait >= chrono::Duration::seconds(4) - chrono::Duration::milliseconds(50), "{wait}");
}

#[tokio::test]
async fn an_oversized_body_is_cut_off_with_a_clear_error() {
    let big = vec![b' '; 64 * 1024];
    for content_length in [true, false] {
        let body = big.clone();
        let server = Server::start(move |_| Reply {
            status: 200,
            headers: vec![("Content-Type", "application/json".into())],
            body: body.clone(),
            content_length,
        });
        let config = http_config(&server.url(), "max_bytes = \"1KiB\"\n");
        let error = client(&config.sources[0]).fetch().await.expect_err("over the cap").to_string();
        assert!(error.contains("over the limit of 1024 bytes"), "{error}");
    }
}

#[tokio::test]
async fn header_secrets_are_sent_but_never_shown() {
    // Cargo sets CARGO_MANIFEST_DIR for the test process, so it stands in for a token
    // without the test having to change its own environment.
    let token = env!("CARGO_MANIFEST_DIR");
    let server = Server::start(|_| status(401, Vec::new()));
    let config = http_config(&server.url(), "[sources.headers]\nAuthorization = \"Bearer ${CARGO_MANIFEST_DIR}\"\n");
    let error = client(&config.sources[0]).fetch().await.expect_err("401").to_string();
    assert_eq!(server.requests()[0].header("Authorization"), Some(format!("Bearer {token}").as_str()));
    assert!(!error.contains(token));
    assert!(!format!("{config:?}").contains(token), "Debug output redacts header values");

    let missing = config::parse(
        "[[sources]]\nname = \"d\"\nkind = \"http\"\nurl = \"http://127.0.0.1:1/x.json\"\n[sources.headers]\nX-Key = \"${QUOTAWATCH_TEST_UNSET_VARIABLE}\"\n",
        ConfigOrigin::BuiltIn,
        std::path::Path::new("."),
    )
    .expect_err("unset variable")
    .to_string();
    assert!(
        missing.contains("sources[0].headers.X-Key: environment variable QUOTAWATCH_TEST_UNSET_VARIABLE is not set"),
        "{missing}"
    );
}

#[test]
fn report_reads_http_sources_once_and_names_a_failing_one() {
    let server = Server::start(conditional(feed(&[mining(2024, 1, 135_000), mining(2025, 1, 140_000)]), "\"v1\""));
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    let text = format!(
        "[[sources]]\nname = \"web\"\nkind = \"http\"\nurl = \"{}\"\n\n\
         [[sources]]\nname = \"down\"\nkind = \"http\"\nurl = \"http://127.0.0.1:1/feed.json\"\ntimeout = \"2s\"\n",
        server.url()
    );
    std::fs::write(&config, text).expect("write config");
    let output = assert_cmd::Command::cargo_bin("quotawatch")
        .expect("binary")
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["--no-bundled", "--data-dir"])
        .arg(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["report", "--by", "batch", "--format", "csv"])
        .output()
        .expect("run report");
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("rare-earths,2025,1,mining,140000,3.7,batch"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("source down failed: cannot connect"), "{stderr}");
    assert_eq!(server.requests().len(), 1, "one pass, one request");
}

#[tokio::test]
async fn a_release_runs_the_alert_command_once_and_posts_the_webhook() {
    let server = Server::start(conditional(feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000)]), "\"v1\""));
    let hook = Server::start(|_| status(204, Vec::new()));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("alerts.txt");
    let script = "printf '%s|%s|%s|%s|%s|%s|%s\\n' \"$QUOTAWATCH_COMMODITY\" \"$QUOTAWATCH_YEAR\" \
                  \"$QUOTAWATCH_BATCH\" \"$QUOTAWATCH_STAGE\" \"$QUOTAWATCH_TONNES\" \"$QUOTAWATCH_YOY_PCT\" \"$1\" >> \"$0\"";
    let alerts = format!(
        "[alerts]\ncommand = [\"sh\", \"-c\", {script:?}, {out:?}]\nwebhook = \"http://127.0.0.1:{}/hook/secret-token\"\n",
        hook.port,
        out = out.display().to_string(),
    );
    let config = config_with(&server.url(), "1s", "", &alerts);
    let (mut dashboard, mut terminal) = dashboard(&config);

    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].loaded).await;
    let release = feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000), mining(2025, 1, 140_000)]);
    server.set(conditional(release, "\"v2\""));
    run_until(&mut dashboard, &mut terminal, |s| s.banner().is_some()).await;
    // Two more polls, both 304: the steady state raises nothing more.
    let polls = server.requests().len();
    run_until(&mut dashboard, &mut terminal, |_| server.requests().len() >= polls + 2).await;
    assert_eq!(dashboard.state().sources()[0].http.map(|h| h.0), Some(304));

    // A second release, after the steady state: the workers run in order, so once its line
    // and its post are there, anything the first release ran twice would be there too.
    let next =
        feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000), mining(2025, 1, 140_000), mining(2026, 1, 147_000)]);
    server.set(conditional(next, "\"v3\""));
    run_until(&mut dashboard, &mut terminal, |s| s.banner().is_some_and(|b| b.contains("2026"))).await;
    let ran = lines_of(&out, 2).await;
    assert_eq!(
        ran,
        [
            "rare-earths|2025|1|mining|140000|3.7|rare-earths 2025 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2024",
            "rare-earths|2026|1|mining|147000|5.0|rare-earths 2026 batch 1: mining 147,000 t REO, +5.0% vs batch 1 2025",
        ],
        "the command ran once per release"
    );
    let deadline = std::time::Instant::now() + DEADLINE;
    while hook.requests().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let posts: Vec<Request> = hook.requests();
    assert_eq!(posts.len(), 2, "one webhook call per release");
    assert!(posts[0].line.starts_with("POST /hook/secret-token"), "{}", posts[0].line);
    assert_eq!(posts[0].header("Content-Type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&posts[0].body).expect("JSON body");
    assert_eq!(body["text"], "rare-earths 2025 batch 1: mining 140,000 t REO, +3.7% vs batch 1 2024");
    assert_eq!((body["year"].as_u64(), body["batch"].as_u64()), (Some(2025), Some(1)));
    assert_eq!((body["stage"].as_str(), body["tonnes"].as_f64()), (Some("mining"), Some(140_000.0)));
    assert_eq!(body["yoy_pct"].as_f64(), Some(3.7));
}

#[tokio::test]
async fn a_failing_alert_command_and_webhook_are_logged_never_fatal() {
    let server = Server::start(conditional(feed(&[mining(2024, 1, 135_000)]), "\"v1\""));
    let hook = Server::start(|_| status(500, Vec::new()));
    let alerts = format!(
        "[alerts]\ncommand = [\"sh\", \"-c\", \"echo no display >&2; exit 3\"]\n\
         webhook = \"http://127.0.0.1:{}/hook/secret-token\"\n",
        hook.port
    );
    let config = config_with(&server.url(), "1s", "", &alerts);
    let (mut dashboard, mut terminal) = dashboard(&config);
    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].loaded).await;
    server.set(conditional(feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000)]), "\"v2\""));
    let warnings = |s: &State| -> Vec<String> {
        s.log().iter().filter(|e| e.kind == LogKind::Warning).map(|e| e.text.clone()).collect()
    };
    run_until(&mut dashboard, &mut terminal, |s| warnings(s).len() >= 2).await;
    let logged: Vec<String> = warnings(dashboard.state());
    assert!(logged.iter().any(|t| t == "alert command \"sh\" failed (exit status: 3): no display"), "{logged:?}");
    assert!(logged.iter().any(|t| t == "alert webhook http://127.0.0.1 answered HTTP 500"), "{logged:?}");
    assert!(logged.iter().all(|t| !t.contains("secret-token")), "the webhook's path is never shown");
    assert!(!dashboard.state().quitting());
}

#[tokio::test]
async fn refresh_polls_now_instead_of_at_the_interval() {
    let server = Server::start(conditional(feed(&[mining(2024, 1, 135_000)]), "\"v1\""));
    let config = config_with(&server.url(), "1h", "", "");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    assert_eq!(next_event(&mut rx).await.http.map(|h| h.0), Some(200));
    server.set(conditional(feed(&[mining(2024, 1, 135_000), mining(2024, 2, 135_000)]), "\"v2\""));
    quotawatch::sources::refresh(&pollers, None);
    let refreshed = next_event(&mut rx).await;
    assert_eq!(refreshed.result.expect("fetched").expect("changed").announcements.len(), 2);
}

#[tokio::test]
async fn refresh_does_not_cut_short_a_retry_after() {
    let server = Server::start(|_| status(429, vec![("Retry-After", "2".into())]));
    let config = config_with(&server.url(), "1s", "", "");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let first = next_event(&mut rx).await;
    assert!(first.result.is_err());
    let asked = std::time::Instant::now();
    quotawatch::sources::refresh(&pollers, None);
    next_event(&mut rx).await;
    assert!(asked.elapsed() >= Duration::from_millis(1_800), "polled again after {:?}", asked.elapsed());
    assert_eq!(server.requests().len(), 2);
}

/// A commodity whose batches came out on 1 January and 1 July of 2010 to 2015: its windows
/// are those single days, so on any later day its next batch is in its window or overdue.
fn always_due() -> String {
    let announcements: Vec<String> = (2010..=2015)
        .flat_map(|year| {
            [(1, "01-01"), (2, "07-01")].map(|(batch, day)| {
                format!(
                    "{{\"commodity\": \"testium\", \"year\": {year}, \"batch\": {batch}, \"published\": \"{year}-{day}\", \
                     \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": 100}}]}}"
                )
            })
        })
        .collect();
    feed(&announcements)
}

#[tokio::test]
async fn a_source_is_polled_at_its_interval_in_window_while_a_release_it_covers_is_due() {
    let server = Server::start(conditional(always_due(), "\"v1\""));
    // Hourly, but every second while a release of what it covers is due.
    let config = config_with(&server.url(), "1h", "interval_in_window = \"1s\"", "");
    let (mut dashboard, mut terminal) = dashboard(&config);
    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].loaded).await;
    assert!(dashboard.state().sources()[0].fast, "testium's next batch is due");
    run_until(&mut dashboard, &mut terminal, |_| server.requests().len() >= 3).await;
    assert!(server.requests().len() >= 3, "polled again within seconds, not the hour");
}

#[test]
fn interval_in_window_is_for_http_sources_and_no_longer_than_the_interval() {
    let text = "[[sources]]\nname = \"desk\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/\"\ninterval = \"1m\"\n\
                interval_in_window = \"5m\"\n[[sources]]\nname = \"file\"\nkind = \"file\"\npath = \"x.json\"\n\
                interval_in_window = \"1s\"\n";
    let error = config::parse(text, ConfigOrigin::BuiltIn, std::path::Path::new(".")).expect_err("invalid");
    let message = error.to_string();
    assert!(message.contains("interval_in_window = \"5m\": must not be longer than the interval (1m)"), "{message}");
    assert!(message.contains("interval_in_window: only for kind \"http\""), "{message}");
}
