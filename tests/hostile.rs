//! The hardening campaign against a hostile server on 127.0.0.1 (tests/support/hostile_server.rs):
//! broken, cut, oversized, slow, silent, looping and lying answers, and documents with
//! escape sequences in every text field. The real `HttpSource`, pollers and `update` are
//! driven; the assertions are on the reason each failure gives, on what reaches the state
//! and the screen, and on how often the server is asked. Waits are on events, with deadlines.
//!
//! docs/reliability.md maps every hostile case to the test here (or elsewhere) that checks it.

#[path = "support/hostile_server.rs"]
mod hostile_server;

use std::time::{Duration, Instant};

use chrono::Utc;
use hostile_server::{Behaviour, HostileServer, refused_port};
use quotawatch::app::log::LogKind;
use quotawatch::app::nav::View;
use quotawatch::app::source_view::SourceState;
use quotawatch::app::{Msg, State, update};
use quotawatch::config::{self, ConfigOrigin};
use quotawatch::feed::ParsedFeed;
use quotawatch::ingest::for_dashboard;
use quotawatch::sources::{HttpSource, SourceError, SourceEvent, spawn_pollers};
use quotawatch::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(15);

/// Terminal escapes, C0 and C1 controls, DEL and bidi overrides, as a hostile feed sends them.
const HOSTILE: &str = "\x1b]0;pwned\x07Quota\x1b[2J\x1b[H\x1b[31m red\x1b[0m \u{202E}gpj.exe\u{202C}\u{2066}x\u{2069}\r\n\x08\u{9b}31m\u{85}\x7f end\x1bc";

/// Whether `text` holds anything that could drive a terminal or reorder what it shows.
fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[track_caller]
fn assert_clean(text: &str, what: &str) {
    assert!(!text.chars().any(dangerous), "{what} carries a control, escape or bidi character: {text:?}");
}

// ---------------------------------------------------------------- documents

fn mining(year: u16, batch: u8, tonnes: f64) -> Value {
    json!({"commodity": "rare-earths", "year": year, "batch": batch, "quotas": [{"stage": "mining", "tonnes": tonnes}]})
}

fn doc(announcements: &[Value]) -> String {
    json!({"format": "quota-feed/1", "announcements": announcements}).to_string()
}

/// A source config for each `(name, path, extra keys)` on `server`; interval 1s, timeout 2s.
fn config(server: &HostileServer, sources: &[(&str, &str, &str)]) -> config::Config {
    let mut text = String::new();
    for (name, path, extra) in sources {
        let url = if path.starts_with("http") { (*path).to_owned() } else { server.url(path) };
        text.push_str(&format!(
            "[[sources]]\nname = \"{name}\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"1s\"\ntimeout = \"2s\"\n{extra}\n"
        ));
    }
    config::parse(&text, ConfigOrigin::BuiltIn, std::path::Path::new(".")).expect("valid config")
}

async fn fetch(server: &HostileServer, path: &str, extra: &str) -> Result<Option<ParsedFeed>, SourceError> {
    let config = config(server, &[("hostile", path, extra)]);
    let mut source = HttpSource::new(&config.sources[0]).expect("an http source").expect("client");
    source.fetch().await.map(|f| f.parsed)
}

/// The failure a fetch of `path` gives, as the Sources view shows it; checked to be clean.
async fn failure(server: &HostileServer, path: &str, extra: &str) -> String {
    let error = fetch(server, path, extra).await.expect_err("a failure").to_string();
    assert_clean(&error, path);
    error
}

async fn accepted(server: &HostileServer, path: &str) -> ParsedFeed {
    fetch(server, path, "").await.expect("fetched").expect("a document")
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<SourceEvent>) -> SourceEvent {
    tokio::time::timeout(DEADLINE, rx.recv()).await.expect("an event before the deadline").expect("poller alive")
}

/// Every cell of every view (and the Sources popup) at 120x40, as text.
fn all_screens(state: &mut State) -> String {
    let mut text = String::new();
    // Views are shown through the keys that show them: that is when a view's figures
    // (holder tables) are computed.
    let press = |state: &mut State, code| {
        let _ = update(state, Msg::Key(crossterm::event::KeyEvent::from(code)));
    };
    for (n, _) in View::ALL.iter().enumerate() {
        press(state, crossterm::event::KeyCode::Char(char::from(b'1' + n as u8)));
        text.push_str(&screen(state, 120, 40));
    }
    press(state, crossterm::event::KeyCode::Char('4'));
    press(state, crossterm::event::KeyCode::Enter);
    text.push_str(&screen(state, 120, 40));
    press(state, crossterm::event::KeyCode::Esc);
    text
}

fn screen(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let screen = quotawatch::view::build(state);
    terminal
        .draw(|frame| {
            ui::render(frame, &screen, &Theme::COLOR);
        })
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height).map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

// ---------------------------------------------------------------- whole documents rejected

#[tokio::test]
async fn malformed_json() {
    let server = HostileServer::start();
    server.route("/malformed.json", Behaviour::json(r#"{"format": "quota-feed/1", "announcements": [{,]}"#));
    let error = failure(&server, "/malformed.json", "").await;
    assert!(error.starts_with("document rejected: not valid JSON: key must be a string at line 1"), "{error}");
}

#[tokio::test]
async fn truncated_body() {
    let server = HostileServer::start();
    let body = doc(&[mining(2024, 1, 135_000.0), mining(2024, 2, 135_000.0)]);
    // The server promises the whole document and closes the connection halfway.
    let cut = body.as_bytes()[..body.len() / 2].to_vec();
    server.route(
        "/cut-connection.json",
        Behaviour::Reply {
            status: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), b"application/json".to_vec())],
            body: cut.clone(),
            content_length: Some(body.len() as u64),
        },
    );
    let error = failure(&server, "/cut-connection.json", "").await;
    assert_eq!(error, "reading the body failed: end of file before message length reached");
    // A complete answer whose document itself is cut short.
    server.route("/cut-document.json", Behaviour::json(cut));
    let error = failure(&server, "/cut-document.json", "").await;
    assert!(error.starts_with("document rejected: not valid JSON: EOF while parsing"), "{error}");
}

#[tokio::test]
async fn wrong_format_version() {
    let server = HostileServer::start();
    let body = doc(&[mining(2024, 1, 1.0)]).replace("quota-feed/1", "quota-feed/2");
    server.route("/v2.json", Behaviour::json(body));
    let error = failure(&server, "/v2.json", "").await;
    assert_eq!(error, r#"document rejected: `format` is "quota-feed/2", expected "quota-feed/1""#);
    server.route("/escaped-format.json", Behaviour::json(json!({"format": HOSTILE, "announcements": []}).to_string()));
    failure(&server, "/escaped-format.json", "").await;
}

#[tokio::test]
async fn invalid_utf8() {
    let server = HostileServer::start();
    let mut body = br#"{"format": "quota-feed/1", "announcements": [], "x": "caf"#.to_vec();
    let offset = body.len();
    body.extend_from_slice(b"\xe9\"}");
    server.route("/latin1.json", Behaviour::json(body));
    let error = failure(&server, "/latin1.json", "").await;
    assert_eq!(error, format!("document rejected: document is not UTF-8 (invalid byte at offset {offset})"));
}

#[tokio::test]
async fn absurd_numbers() {
    let server = HostileServer::start();
    let mut nan = mining(2024, 2, 0.0);
    nan["quotas"][0]["tonnes"] = json!("NaN");
    let body =
        doc(&[mining(2024, 1, 135_000.0), mining(2024, 3, 1e308), nan, mining(2024, 4, -1.0), mining(1700, 1, 1.0)]);
    server.route("/absurd.json", Behaviour::json(body));
    let parsed = accepted(&server, "/absurd.json").await;
    assert_eq!(parsed.announcements.len(), 1, "only the sane one");
    let reasons: Vec<String> = parsed.rejected.iter().map(|r| format!("{}: {}", r.location, r.message)).collect();
    assert_eq!(
        reasons,
        [
            "announcements[1].quotas[0].tonnes: tonnes 1e308 is implausibly large (limit 1e12)",
            "announcements[2].quotas[0].tonnes: expected a number, got \"NaN\"",
            "announcements[3].quotas[0].tonnes: tonnes -1 is negative",
            "announcements[4].year: 1700 is outside 1990..=2100",
        ]
    );
    // Beyond the range of a float the JSON itself cannot be read: the document goes whole.
    server.route("/overflow.json", Behaviour::json(doc(&[mining(2024, 1, 1.0)]).replace(":1.0", ":1e999")));
    let error = failure(&server, "/overflow.json", "").await;
    assert!(error.starts_with("document rejected: not valid JSON: number out of range"), "{error}");
}

#[tokio::test]
async fn duplicate_rows_and_ten_thousand_announcements() {
    let server = HostileServer::start();
    let row = json!({"stage": "mining", "holder": "A", "tonnes": 5});
    let same = json!({"commodity": "rare-earths", "year": 2024, "batch": 1, "quotas": [row, row]});
    let clash = json!({"commodity": "rare-earths", "year": 2024, "batch": 2,
        "quotas": [row, {"stage": "mining", "holder": "A", "tonnes": 6}]});
    server.route("/duplicates.json", Behaviour::json(doc(&[same, clash])));
    let parsed = accepted(&server, "/duplicates.json").await;
    assert_eq!(parsed.announcements[0].quotas.len(), 1, "an identical duplicate row is kept once");
    assert_eq!(parsed.rejected.len(), 1);
    assert!(parsed.rejected[0].message.contains("given twice with different tonnes"), "{:?}", parsed.rejected);

    let many: Vec<Value> = (0..10_000u32).map(|i| mining(1990 + (i / 100) as u16, (i % 100) as u8, i.into())).collect();
    server.route("/ten-thousand.json", Behaviour::json(doc(&many)));
    let parsed = accepted(&server, "/ten-thousand.json").await;
    assert_eq!((parsed.announcements.len(), parsed.rejected.len()), (10_000, 0));
}

#[tokio::test]
async fn csv_missing_column_extra_columns_quoted_commas_and_bom() {
    let server = HostileServer::start();
    server.route("/missing.csv", Behaviour::csv("commodity,year,batch,stage\nrare-earths,2024,1,mining\n"));
    let error = failure(&server, "/missing.csv", "").await;
    assert_eq!(error, "document rejected: CSV header lacks the required column `tonnes`");

    let body = "\u{feff}commodity,year,batch,stage,holder,tonnes,colour,notes\n\
                rare-earths,2024,1,mining,\"Group, Ltd\",100,red,\"a, b, c\"\n\
                rare-earths,2024,1,mining,B,50,blue,x,spare,fields\n\
                rare-earths,2024,2,mining,C\n";
    server.route("/odd.csv", Behaviour::csv(body));
    let parsed = accepted(&server, "/odd.csv").await;
    assert_eq!(parsed.announcements.len(), 1, "{:?}", parsed.rejected);
    let holders: Vec<&str> = parsed.announcements[0].quotas.iter().map(|q| q.holder.as_str()).collect();
    assert_eq!(holders, ["Group, Ltd", "B"], "quoted commas kept, extra columns and fields ignored");
    assert_eq!(parsed.rejected.len(), 1);
    assert_eq!(parsed.rejected[0].message, "row 4 has 5 fields, the header has 8");
}

// ---------------------------------------------------------------- the network misbehaving

#[tokio::test]
async fn http_500() {
    let server = HostileServer::start();
    server.route("/500", Behaviour::status(500, &[]));
    assert_eq!(failure(&server, "/500", "format = \"json\"").await, "HTTP 500");
}

#[tokio::test]
async fn hostile_status_line_and_headers_never_reach_the_error() {
    let server = HostileServer::start();
    server.route(
        "/lying-headers",
        Behaviour::Reply {
            status: 503,
            reason: "\x1b]0;pwned\x07 \u{9b}2J".into(),
            headers: vec![
                ("Retry-After".into(), "\u{1b}[2J".as_bytes().to_vec()),
                ("X-Note".into(), "\u{9b}31m\u{202e}".as_bytes().to_vec()),
                ("Content-Type".into(), b"application/json".to_vec()),
            ],
            body: HOSTILE.as_bytes().to_vec(),
            content_length: Some(HOSTILE.len() as u64),
        },
    );
    // A control byte in a header value is a protocol error; the reason names no server text.
    let error = failure(&server, "/lying-headers", "").await;
    assert!(!error.contains("pwned"), "{error}");
    server.route("/garbage", Behaviour::Raw(format!("{HOSTILE}\r\n\r\n{HOSTILE}").into_bytes()));
    let error = failure(&server, "/garbage", "format = \"json\"").await;
    assert!(error.starts_with("request failed"), "{error}");
    assert!(!error.contains("pwned"), "{error}");
}

#[tokio::test]
async fn redirect_loop() {
    let server = HostileServer::start();
    server.route("/loop", Behaviour::redirect("/loop"));
    let error = failure(&server, "/loop", "format = \"json\"").await;
    assert!(error.starts_with("more than 5 redirects"), "{error}");
    assert_eq!(server.requests("/loop"), 6, "the first request and five redirects");
}

#[tokio::test]
async fn two_gib_body_is_cut_off_at_the_cap() {
    const TWO_GIB: u64 = 2 << 30;
    let server = HostileServer::start();
    server.route("/declared", Behaviour::Stream { total: TWO_GIB, declare_length: true });
    server.route("/undeclared", Behaviour::Stream { total: TWO_GIB, declare_length: false });
    server.route("/gzip-bomb", Behaviour::GzipBomb { inflated_mib: 2048 });
    let cap = "max_bytes = \"1MiB\"";
    for path in ["/declared", "/undeclared", "/gzip-bomb"] {
        let started = Instant::now();
        let error = failure(&server, path, cap).await;
        assert!(error.ends_with("is over the limit of 1048576 bytes"), "{path}: {error}");
        // The client stops reading at the cap: the server manages to write at most what the
        // loopback socket buffers hold beyond it, never the 2 GiB.
        let sent = server.body_bytes(path);
        assert!(sent < 64 << 20, "{path}: the server wrote {sent} bytes");
        assert!(started.elapsed() < DEADLINE, "{path}: took {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn endless_headers_are_refused() {
    let server = HostileServer::start();
    server.route("/headers", Behaviour::EndlessHeaders);
    let error = failure(&server, "/headers", "format = \"json\"").await;
    assert!(error.starts_with("request failed"), "{error}");
    assert!(error.contains("message head is too large"), "{error}");
    let sent = server.body_bytes("/headers");
    assert!(sent < 64 << 20, "the server wrote {sent} bytes of headers");
}

#[tokio::test]
async fn drip_one_byte_a_second_times_out() {
    let server = HostileServer::start();
    let body = doc(&[mining(2024, 1, 1.0)]).into_bytes();
    server.route("/drip.json", Behaviour::Drip { body, every: Duration::from_secs(1) });
    let started = Instant::now();
    let error = failure(&server, "/drip.json", "").await;
    assert!(error.starts_with("no complete answer within 2s"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(6), "the 2s timeout covers the body: {:?}", started.elapsed());
}

#[tokio::test]
async fn accept_and_never_answer_times_out() {
    let server = HostileServer::start();
    server.route("/silent.json", Behaviour::Silent);
    let started = Instant::now();
    let error = failure(&server, "/silent.json", "").await;
    assert!(error.starts_with("no complete answer within 2s"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(6), "{:?}", started.elapsed());
}

#[tokio::test]
async fn connection_refused() {
    let server = HostileServer::start();
    let url = format!("http://127.0.0.1:{}/feed.json", refused_port());
    let error = failure(&server, &url, "").await;
    assert!(error.starts_with("cannot connect"), "{error}");
    assert!(error.contains("refused"), "{error}");
}

// ---------------------------------------------------------------- escape sequences

fn hostile_announcement() -> Value {
    json!({
        "commodity": "rare-earths", "year": 2024, "batch": 1, "published": "2024-02-06", "status": "published",
        "title": HOSTILE, "url": format!("https://example.org/{HOSTILE}"), "id": HOSTILE,
        HOSTILE: HOSTILE,
        "quotas": [
            {"stage": "mining", "category": "total", "holder": HOSTILE, "tonnes": 1000, HOSTILE: 1},
            {"stage": "mining", "category": "light", "holder": format!("China Northern{HOSTILE}"), "tonnes": 600}
        ]
    })
}

/// Escapes in every text field: slugs, dates and statuses reject their announcement with a
/// quoted (escaped) value; free text is accepted, cleaned.
fn escapes_document() -> String {
    let mut rejected = Vec::new();
    for pointer in ["/commodity", "/published", "/status", "/quotas/0/stage", "/quotas/0/category"] {
        let mut a = hostile_announcement();
        *a.pointer_mut(pointer).expect("field") = json!(HOSTILE);
        a["batch"] = json!(rejected.len() + 2);
        rejected.push(a);
    }
    let mut all = vec![hostile_announcement()];
    all.extend(rejected);
    doc(&all)
}

#[tokio::test]
async fn escape_sequences_in_every_text_field_never_reach_the_screen() {
    let server = HostileServer::start();
    server.route("/escapes.json", Behaviour::json(escapes_document()));
    let csv = format!(
        "commodity,year,batch,stage,category,holder,tonnes,title,url,id,status,published\n\
         rare-earths,2023,1,mining,total,\"{HOSTILE}\",7,\"{HOSTILE}\",\"{HOSTILE}\",\"{HOSTILE}\",,\n\
         rare-earths,2023,2,\"{HOSTILE}\",total,A,7,,,,,\n\
         rare-earths,2023,3,mining,\"{HOSTILE}\",A,7,,,,,\n\
         rare-earths,2023,4,mining,total,A,7,,,,\"{HOSTILE}\",\n\
         rare-earths,2023,5,mining,total,A,7,,,,,\"{HOSTILE}\"\n\
         \"{HOSTILE}\",2023,6,mining,total,A,7,,,,,\n"
    );
    server.route("/escapes.csv", Behaviour::csv(csv));
    let config = config(&server, &[("json-feed", "/escapes.json", ""), ("csv-feed", "/escapes.csv", "")]);

    for (path, rejected) in [("/escapes.json", 5), ("/escapes.csv", 5)] {
        let parsed = accepted(&server, path).await;
        assert_eq!((parsed.announcements.len(), parsed.rejected.len()), (1, rejected), "{path}: {:?}", parsed.rejected);
        for a in &parsed.announcements {
            for text in [&a.title, &a.url, &a.id].into_iter().flatten() {
                assert_clean(text, path);
                assert!(text.contains("Quota red gpj.exe"), "{path}: visible text kept: {text:?}");
            }
            for q in &a.quotas {
                assert_clean(&q.holder, path);
            }
        }
        for r in &parsed.rejected {
            assert_clean(&r.to_string(), path);
        }
    }

    // Through the pollers into the state: no view, popup or log line carries them.
    let mut state = State::new(for_dashboard(&config, false, None, Utc::now()), Utc::now());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    for _ in 0..2 {
        let _ = update(&mut state, Msg::Source(next_event(&mut rx).await));
    }
    assert!(state.sources().iter().all(|s| s.state == SourceState::Ok && s.accepted == 1 && s.rejected == 5));
    for entry in state.log() {
        assert_clean(&entry.text, "a log line");
    }
    let screens = all_screens(&mut state);
    for line in screens.lines() {
        assert_clean(line, "a rendered line");
    }
    assert!(screens.contains("json-feed"), "{screens}");
}

// ---------------------------------------------------------------- state: nothing half-applied

#[tokio::test]
async fn a_rejected_document_applies_nothing_and_keeps_earlier_data() {
    let server = HostileServer::start();
    server.route("/feed.json", Behaviour::json(doc(&[mining(2024, 1, 135_000.0)])));
    let config = config(&server, &[("desk", "/feed.json", "")]);
    let mut state = State::new(for_dashboard(&config, false, None, Utc::now()), Utc::now());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let _ = update(&mut state, Msg::Source(next_event(&mut rx).await));
    assert_eq!(state.derived().years, [2024]);

    // The next document adds 2025 batch 1 but is cut off further on: none of it may land.
    let next = doc(&[mining(2024, 1, 135_000.0), mining(2025, 1, 140_000.0), mining(2025, 2, 140_000.0)]);
    let cut = next[..next.rfind("140000").expect("figure")].to_owned();
    server.route("/feed.json", Behaviour::json(cut));
    let event = next_event(&mut rx).await;
    let _ = update(&mut state, Msg::Source(event));
    assert_eq!(state.derived().years, [2024], "nothing from the rejected document");
    let desk = &state.sources()[0];
    assert_eq!(desk.state, SourceState::Failing);
    let reason = desk.last_error.as_ref().map(|(_, text)| text.clone()).unwrap_or_default();
    assert!(reason.starts_with("document rejected: not valid JSON: EOF while parsing"), "{reason}");
    // The Sources view names the failure; Enter shows the whole reason.
    let _ = update(&mut state, Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('4'))));
    assert!(screen(&state, 120, 40).contains("failing"));
    let _ = update(&mut state, Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter)));
    let shown = screen(&state, 120, 40);
    assert!(shown.contains("Last error: document rejected: not valid JSON: EOF while parsing"), "{shown}");
}

#[tokio::test]
async fn a_mixed_document_accepts_the_valid_announcements() {
    let server = HostileServer::start();
    server.route("/mixed.json", Behaviour::json(include_str!("fixtures/feeds/mixed.json")));
    let config = config(&server, &[("desk", "/mixed.json", "")]);
    let mut state = State::new(for_dashboard(&config, false, None, Utc::now()), Utc::now());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let _ = update(&mut state, Msg::Source(next_event(&mut rx).await));
    let desk = &state.sources()[0];
    assert_eq!((desk.state, desk.accepted, desk.rejected), (SourceState::Ok, 3, 4));
    assert_eq!(state.derived().years, [2023, 2024, 2025]);
    let rejected = state.log().iter().filter(|e| e.kind == LogKind::Rejected).count();
    assert_eq!(rejected, 4, "each rejection is in the log with its reason");
}

// ---------------------------------------------------------------- backoff

#[tokio::test]
async fn every_kind_of_failure_backs_off() {
    let server = HostileServer::start();
    server.route("/500", Behaviour::status(500, &[]));
    server.route("/429", Behaviour::status(429, &[("Retry-After", "1")]));
    server.route("/malformed.json", Behaviour::json("{"));
    server.route("/loop", Behaviour::redirect("/loop"));
    let refused = format!("http://127.0.0.1:{}/feed.json", refused_port());
    let json = "format = \"json\"";
    let config = config(
        &server,
        &[("s500", "/500", json), ("s429", "/429", json), ("bad", "/malformed.json", ""), ("loop", "/loop", json)],
    );
    let mut sources = config.sources.clone();
    sources.extend(self::config(&server, &[("refused", &refused, "")]).sources);

    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&sources, move |event| tx.send(event).is_ok());
    // With a 1s interval, waits of about 2s, 4s, 8s: polls at about 0s, 2s and 6s. Polled
    // every interval instead, each would be asked 7 or 8 times in the window.
    let window = Duration::from_millis(7_500);
    let started = tokio::time::Instant::now();
    let mut waits: std::collections::HashMap<String, Vec<i64>> = Default::default();
    while let Ok(Some(event)) = tokio::time::timeout_at(started + window, rx.recv()).await {
        assert!(event.result.is_err(), "{}: {:?}", event.source, event.result);
        waits.entry(event.source.clone()).or_default().push((event.next_poll - event.at).num_milliseconds());
    }
    for name in ["s500", "s429", "bad", "loop", "refused"] {
        let waits = &waits[name];
        assert!((1..=3).contains(&waits.len()), "{name}: polled {} times in {window:?}: {waits:?}", waits.len());
        for (i, wait) in waits.iter().enumerate() {
            let least = 1_800 << i;
            assert!(*wait >= least, "{name}: wait {i} is {wait} ms, expected >= {least}: {waits:?}");
        }
    }
    assert!(server.requests("/500") <= 3 && server.requests("/429") <= 3, "the server was not hammered");
}

// ---------------------------------------------------------------- secrets

#[tokio::test]
async fn header_secrets_never_appear_and_never_follow_a_redirect_elsewhere() {
    // Cargo sets CARGO_PKG_DESCRIPTION for the test process: a stand-in secret.
    let secret = env!("CARGO_PKG_DESCRIPTION");
    let server = HostileServer::start();
    let elsewhere = HostileServer::start();
    elsewhere.route("/steal", Behaviour::json(doc(&[])));
    server.route("/away", Behaviour::redirect(&elsewhere.url("/steal")));
    server.route("/500", Behaviour::status(500, &[]));
    server.route("/silent.json", Behaviour::Silent);
    let headers = "format = \"json\"\n[sources.headers]\nX-Api-Key = \"${CARGO_PKG_DESCRIPTION}\"";
    let config =
        config(&server, &[("away", "/away", headers), ("s500", "/500", headers), ("silent", "/silent.json", headers)]);
    assert!(!format!("{config:?}").contains(secret));

    let mut state = State::new(for_dashboard(&config, false, None, Utc::now()), Utc::now());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    for _ in 0..3 {
        let event = next_event(&mut rx).await;
        if let Err(error) = &event.result {
            assert!(!error.to_string().contains(secret), "{error}");
            assert!(!format!("{error:?}").contains(secret), "{error:?}");
        }
        let _ = update(&mut state, Msg::Source(event));
    }
    assert!(elsewhere.headers_seen("/steal").is_empty(), "a redirect to another origin is not followed");
    let away = state.sources().iter().find(|s| s.name == "away").expect("source");
    let reason = away.last_error.as_ref().map(|(_, t)| t.as_str()).unwrap_or_default();
    assert!(reason.starts_with("redirected to another origin"), "{reason}");
    assert_eq!(
        server.headers_seen("/500")[0]
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-api-key"))
            .map(|(_, v)| v.as_str()),
        Some(secret)
    );
    let screens = all_screens(&mut state);
    assert!(!screens.contains(secret));
    assert!(state.log().iter().all(|e| !e.text.contains(secret)));
}

#[tokio::test]
async fn ten_thousand_rejections_neither_flood_the_log_nor_repeat() {
    let server = HostileServer::start();
    let bad: Vec<Value> = (0..10_000u32).map(|i| mining(1700, (i % 100) as u8, 1.0)).collect();
    server.route("/bad.json", Behaviour::json(doc(&bad)));
    let config = config(&server, &[("bad", "/bad.json", "")]);
    let mut state = State::new(for_dashboard(&config, false, None, Utc::now()), Utc::now());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _pollers = spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    // The same document twice (the feed has no validators, so it is fetched whole again).
    for _ in 0..2 {
        let _ = update(&mut state, Msg::Source(next_event(&mut rx).await));
    }
    let rejected: Vec<&str> =
        state.log().iter().filter(|e| e.kind == LogKind::Rejected).map(|e| e.text.as_str()).collect();
    assert_eq!(rejected.len(), 21, "twenty listed and one count, once: {rejected:#?}");
    assert_eq!(rejected[20], "bad: 9980 more announcements rejected");
    assert_eq!(state.sources()[0].rejected, 10_000, "the Sources view counts them all");
}

// ---------------------------------------------------------------- file sources

#[test]
fn a_fifo_or_device_as_a_file_source_fails_instead_of_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("feed.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("run mkfifo");
    assert!(made.success());
    let text = format!(
        "[[sources]]\nname = \"fifo\"\nkind = \"file\"\npath = {:?}\n\n\
         [[sources]]\nname = \"device\"\nkind = \"file\"\npath = \"/dev/zero\"\nformat = \"json\"\n",
        fifo.display().to_string()
    );
    let config = config::parse(&text, ConfigOrigin::BuiltIn, dir.path()).expect("valid config");
    // Nobody writes to the FIFO: opening it for reading would block for ever.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let loaded = quotawatch::ingest::for_headless(&config, false, true, None, Utc::now());
        let failures: Vec<String> = loaded.failures().map(|(name, e)| format!("{name}: {e}")).collect();
        let _ = tx.send(failures);
    });
    let failures = rx.recv_timeout(DEADLINE).expect("the load returns");
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures[0].starts_with("fifo: cannot read") && failures[0].ends_with("not a regular file"),
        "{failures:?}"
    );
    assert_eq!(failures[1], "device: cannot read /dev/zero: not a regular file");
}
