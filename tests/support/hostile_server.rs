//! A hostile HTTP server on 127.0.0.1 for the hardening tests: each misbehaviour on its own
//! path, one thread per connection (a dripping or silent answer must not hold up the others),
//! and per path the number of requests and of body bytes written, so a test can tell how
//! often a source was polled and that a huge body was never sent (or allocated) whole.
//!
//! Every loop is bounded: a stream stops at its size or at the first failed write, a drip at
//! the end of its body, a silent connection when the client hangs up or after a minute.

#![allow(dead_code, reason = "shared by several test targets, each using a part")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the server answers one path.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// A complete answer. `content_length: None` sends no length and closes after the body.
    Reply { status: u16, reason: String, headers: Vec<(String, Vec<u8>)>, body: Vec<u8>, content_length: Option<u64> },
    /// Bytes written as they are, in place of an HTTP answer.
    Raw(Vec<u8>),
    /// `total` bytes of spaces, produced 64 KiB at a time as the client reads (never held
    /// in memory); with a Content-Length of `total` or none (close-delimited).
    Stream { total: u64, declare_length: bool },
    /// A gzip body that inflates to `inflated_mib` MiB of zeros while only about a
    /// thousandth of that crosses the wire.
    GzipBomb { inflated_mib: u32 },
    /// Headers, then `body` one byte every `every`.
    Drip { body: Vec<u8>, every: Duration },
    /// Accepts, reads the request, never answers.
    Silent,
    /// A status line, then one header line after another, without end (until the client
    /// hangs up, or 2 GiB).
    EndlessHeaders,
}

impl Behaviour {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Behaviour {
        let body = body.into();
        Behaviour::Reply {
            status: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), content_type.as_bytes().to_vec())],
            content_length: Some(body.len() as u64),
            body,
        }
    }

    pub fn json(body: impl Into<Vec<u8>>) -> Behaviour {
        Behaviour::ok("application/json", body)
    }

    pub fn csv(body: impl Into<Vec<u8>>) -> Behaviour {
        Behaviour::ok("text/csv", body)
    }

    pub fn status(status: u16, headers: &[(&str, &str)]) -> Behaviour {
        Behaviour::Reply {
            status,
            reason: "X".into(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec())).collect(),
            body: Vec::new(),
            content_length: Some(0),
        }
    }

    pub fn redirect(location: &str) -> Behaviour {
        Behaviour::status(302, &[("Location", location)])
    }
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    body_bytes: AtomicU64,
}

/// A request's headers, as (name, value) in arrival order.
pub type Headers = Vec<(String, String)>;

#[derive(Debug, Default)]
struct Shared {
    routes: Mutex<HashMap<String, Behaviour>>,
    counters: Mutex<HashMap<String, Arc<Counters>>>,
    /// Every request line and header block, to check what clients sent.
    requests: Mutex<Vec<(String, Headers)>>,
}

/// The server; it lives until the test process ends.
#[derive(Debug, Clone)]
pub struct HostileServer {
    port: u16,
    shared: Arc<Shared>,
}

impl HostileServer {
    pub fn start() -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let shared = Arc::new(Shared::default());
        let accepted = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = accepted.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        HostileServer { port, shared }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sets (or replaces) how `path` is answered.
    pub fn route(&self, path: &str, behaviour: Behaviour) -> &Self {
        self.shared.routes.lock().expect("routes").insert(path.to_owned(), behaviour);
        self
    }

    fn counters(&self, path: &str) -> Arc<Counters> {
        counters(&self.shared, path)
    }

    /// Requests received for `path` so far.
    pub fn requests(&self, path: &str) -> u64 {
        self.counters(path).requests.load(Ordering::SeqCst)
    }

    /// Body bytes written for `path` so far (over all its requests).
    pub fn body_bytes(&self, path: &str) -> u64 {
        self.counters(path).body_bytes.load(Ordering::SeqCst)
    }

    /// The headers of every request for `path`, in arrival order.
    pub fn headers_seen(&self, path: &str) -> Vec<Headers> {
        let requests = self.shared.requests.lock().expect("requests");
        requests.iter().filter(|(p, _)| p == path).map(|(_, h)| h.clone()).collect()
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound, then released.
pub fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("address").port()
}

fn counters(shared: &Shared, path: &str) -> Arc<Counters> {
    shared.counters.lock().expect("counters").entry(path.to_owned()).or_default().clone()
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.trim_end().split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let counters = counters(shared, &path);
    counters.requests.fetch_add(1, Ordering::SeqCst);
    shared.requests.lock().expect("requests").push((path.clone(), headers));
    let behaviour = shared.routes.lock().expect("routes").get(&path).cloned();
    let mut stream = reader.into_inner();
    let written = |n: usize| {
        counters.body_bytes.fetch_add(n as u64, Ordering::SeqCst);
    };
    match behaviour.unwrap_or_else(|| Behaviour::status(404, &[])) {
        Behaviour::Reply { status, reason, headers, body, content_length } => {
            let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n").into_bytes();
            if let Some(length) = content_length {
                head.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
            }
            for (name, value) in headers {
                head.extend_from_slice(name.as_bytes());
                head.extend_from_slice(b": ");
                head.extend_from_slice(&value);
                head.extend_from_slice(b"\r\n");
            }
            head.extend_from_slice(b"\r\n");
            if stream.write_all(&head).is_ok() && stream.write_all(&body).is_ok() {
                written(body.len());
            }
        }
        Behaviour::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Behaviour::Stream { total, declare_length } => {
            let length = if declare_length { format!("Content-Length: {total}\r\n") } else { String::new() };
            let head =
                format!("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n{length}\r\n");
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0u64;
            while sent < total {
                let n = chunk.len().min(usize::try_from(total - sent).unwrap_or(usize::MAX));
                if stream.write_all(&chunk[..n]).is_err() {
                    break;
                }
                sent += n as u64;
                written(n);
            }
        }
        Behaviour::GzipBomb { inflated_mib } => {
            let head = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\
                        Content-Encoding: gzip\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let block = deflated_mib_of_zeros();
            // A gzip header (no name, no time), then the same flushed deflate block over and over.
            let header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
            if stream.write_all(&header).is_err() {
                return;
            }
            written(header.len());
            for _ in 0..inflated_mib {
                if stream.write_all(&block).is_err() {
                    break;
                }
                written(block.len());
            }
        }
        Behaviour::Drip { body, every } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            for byte in body {
                if stream.write_all(&[byte]).and_then(|()| stream.flush()).is_err() {
                    break;
                }
                written(1);
                std::thread::sleep(every);
            }
        }
        Behaviour::EndlessHeaders => {
            let line = format!("X-Pad: {}\r\n", "a".repeat(1_000));
            let mut sent = 0u64;
            if stream.write_all(b"HTTP/1.1 200 OK\r\n").is_err() {
                return;
            }
            while sent < 2 << 30 && stream.write_all(line.as_bytes()).is_ok() {
                sent += line.len() as u64;
                written(line.len());
            }
        }
        Behaviour::Silent => {
            // Wait for the client to give up (EOF or an error), at most a minute.
            let start = Instant::now();
            let mut buf = [0u8; 256];
            while start.elapsed() < Duration::from_secs(60) {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

/// One MiB of zeros as a raw deflate block ending in a full flush: repeating it is a valid
/// (unfinished) deflate stream of as many MiB.
fn deflated_mib_of_zeros() -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut compress = Compress::new(Compression::best(), false);
    let input = vec![0u8; 1024 * 1024];
    let mut output = Vec::with_capacity(16 * 1024);
    let mut consumed = 0;
    loop {
        let before_in = compress.total_in();
        compress.compress_vec(&input[consumed..], &mut output, FlushCompress::Full).expect("deflate");
        consumed += usize::try_from(compress.total_in() - before_in).expect("small");
        if consumed == input.len() && output.len() < output.capacity() {
            return output;
        }
        output.reserve(16 * 1024);
    }
}

/// Escape sequences (an OSC title change, clear screen, colours, a C1 CSI) and bidi
/// overrides, as a hostile feed puts them in text fields.
pub const HOSTILE_TEXT: &str =
    "\x1b]0;pwned\x07Quota\x1b[2J\x1b[31m red\x1b[0m \u{202E}gpj.exe\u{202C}\r\n\x08\u{9b}31m end";

fn mining(commodity: &str, year: u32, batch: u32, tonnes: u32, title: &str) -> serde_json::Value {
    serde_json::json!({"commodity": commodity, "year": year, "batch": batch, "title": title, "holder": title,
           "quotas": [{"stage": "mining", "holder": title, "tonnes": tonnes}]})
}

fn doc(announcements: &[serde_json::Value]) -> String {
    serde_json::json!({"format": "quota-feed/1", "announcements": announcements}).to_string()
}

/// Routes every misbehaviour a feed can show on `server` and returns each as a source
/// (name, URL), plus a refused port: 10,000 announcements, escape sequences in every text
/// field, a one-byte-a-second drip, silence, a 2 GiB body, a gzip bomb, a redirect loop, 500,
/// 429 with `Retry-After: 1`, malformed JSON, invalid UTF-8, a truncated body, `quota-feed/2`.
/// Shared by the PTY test and `examples/hostile_server.rs`, so the trial by hand and the test
/// face the same sources.
pub fn misbehaving_sources(server: &HostileServer) -> Vec<(&'static str, String)> {
    let ten_thousand: Vec<serde_json::Value> =
        (0..10_000).map(|i| mining("tungsten", 1990 + i / 100, i % 100, i, "bulk")).collect();
    let mut bad_stage = mining("rare-earths", 2029, 1, 1, HOSTILE_TEXT);
    bad_stage["quotas"][0]["stage"] = serde_json::json!(HOSTILE_TEXT);
    let cut = doc(&[mining("rare-earths", 2029, 1, 1, "cut")]);
    let routes = [
        ("ten-thousand", "/ten-thousand.json", Behaviour::json(doc(&ten_thousand))),
        (
            "escapes",
            "/escapes.json",
            Behaviour::json(doc(&[mining("rare-earths", 2029, 2, 5, HOSTILE_TEXT), bad_stage])),
        ),
        ("drip", "/drip.json", Behaviour::Drip { body: doc(&[]).into_bytes(), every: Duration::from_secs(1) }),
        ("silent", "/silent.json", Behaviour::Silent),
        ("huge", "/huge.json", Behaviour::Stream { total: 2 << 30, declare_length: false }),
        ("bomb", "/bomb.json", Behaviour::GzipBomb { inflated_mib: 2048 }),
        ("loop", "/loop.json", Behaviour::redirect("/loop.json")),
        ("s500", "/500.json", Behaviour::status(500, &[])),
        ("s429", "/429.json", Behaviour::status(429, &[("Retry-After", "1")])),
        ("malformed", "/malformed.json", Behaviour::json("{\"format\": \x1b[2J")),
        (
            "not-utf8",
            "/not-utf8.json",
            Behaviour::json(b"{\"format\": \"quota-feed/1\", \"announcements\": [\xff\xfe]}".to_vec()),
        ),
        ("truncated", "/truncated.json", Behaviour::json(cut[..cut.len() / 2].to_owned())),
        ("version-2", "/version-2.json", Behaviour::json("{\"format\": \"quota-feed/2\", \"announcements\": []}")),
    ];
    let mut sources = Vec::new();
    for (name, path, behaviour) in routes {
        server.route(path, behaviour);
        sources.push((name, server.url(path)));
    }
    sources.push(("refused", format!("http://127.0.0.1:{}/feed.json", refused_port())));
    sources
}
