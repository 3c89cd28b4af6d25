//! A minimal HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: one thread, one
//! request per connection, a handler that can be swapped mid-run (a feed publishing a
//! release), and a record of every request.
#![allow(dead_code)] // Each test binary uses part of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Request {
    /// "GET /feed.json HTTP/1.1".
    pub line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the server answers: status, extra headers, body, and whether to send Content-Length.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub content_length: bool,
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A minimal HTTP/1.1 server: one thread, one request per connection.
pub struct Server {
    pub port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Mutex<Box<Handler>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Mutex<Box<Handler>>> = Arc::new(Mutex::new(Box::new(handler)));
        let (seen, answer) = (requests.clone(), handler.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &seen, &answer);
            }
        });
        Server { port, requests, handler }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/feed.json", self.port)
    }

    pub fn set(&self, handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) {
        *self.handler.lock().expect("handler lock") = Box::new(handler);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests lock").clone()
    }

    /// How many requests it has answered (without copying them: a soak counts thousands).
    pub fn count(&self) -> usize {
        self.requests.lock().expect("requests lock").len()
    }
}

fn serve(stream: TcpStream, seen: &Mutex<Vec<Request>>, answer: &Mutex<Box<Handler>>) {
    let mut reader = BufReader::new(stream);
    let mut headers = Vec::new();
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
        return;
    }
    let request = Request { line: request_line.trim_end().to_owned(), headers, body };
    seen.lock().expect("requests lock").push(request.clone());
    let reply = (answer.lock().expect("handler lock"))(&request);
    let mut stream = reader.into_inner();
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    if reply.content_length {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
}

pub fn ok(body: String, etag: &str) -> Reply {
    Reply {
        status: 200,
        headers: vec![("Content-Type", "application/json".into()), ("ETag", etag.into())],
        body: body.into_bytes(),
        content_length: true,
    }
}

pub fn status(code: u16, headers: Vec<(&'static str, String)>) -> Reply {
    Reply { status: code, headers, body: Vec::new(), content_length: true }
}

/// Serves `body` with `etag`, answering 304 to a matching If-None-Match.
pub fn conditional(body: String, etag: &'static str) -> impl Fn(&Request) -> Reply + Send + Sync {
    move |request| {
        if request.header("If-None-Match") == Some(etag) { status(304, Vec::new()) } else { ok(body.clone(), etag) }
    }
}

/// A quota-feed/1 document of `batches` rare-earth releases, 2030 batch 1 on, one mining
/// figure each: what the latency benchmarks publish one batch more of at a time.
pub fn releases(batches: u16) -> String {
    let announcements: Vec<String> = (0..batches)
        .map(|i| {
            format!(
                "{{\"commodity\": \"rare-earths\", \"year\": {}, \"batch\": {}, \
                 \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": {}}}]}}",
                2030 + i / 2,
                1 + i % 2,
                100_000 + u32::from(i) * 1_000
            )
        })
        .collect();
    format!("{{\"format\": \"quota-feed/1\", \"announcements\": [{}]}}", announcements.join(","))
}

/// An RSS 2.0 feed of `batches` rare-earth releases, 2027 batch 1 on, newest first, each a
/// wire headline in the form of tests/fixtures/extract/corpus.toml ("China sets first batch
/// of 2022 rare earth output quota at 100,800 tonnes", Reuters) with its own link, date and
/// a one-sentence description, one mining figure each: what the `rss` latency benchmark
/// publishes one release more of at a time. Generated years and figures (test data).
pub fn rss_releases(batches: u16) -> String {
    let items: Vec<String> = (0..batches)
        .rev()
        .map(|i| {
            let (year, batch) = (2027 + i / 2, if i % 2 == 0 { "first" } else { "second" });
            let tonnes = 100_000 + u32::from(i) * 1_000;
            let figure = format!("{},{:03}", tonnes / 1_000, tonnes % 1_000);
            format!(
                "<item><title>China sets {batch} batch of {year} rare earth mining quota at {figure} tonnes</title>\
                 <link>https://example.org/markets/{year}-{batch}-batch-rare-earth-quota</link>\
                 <pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>\
                 <description><![CDATA[<p>China's industry ministry issued the {batch} batch of {year} \
                 rare earth mining quotas at {figure} tonnes, it said on its website.</p>]]></description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Markets</title>\
         <link>https://example.org/markets</link><description>wire</description>{}</channel></rss>\n",
        items.concat()
    )
}

/// Serves an RSS document with `etag`, answering 304 to a matching If-None-Match.
pub fn conditional_rss(body: String, etag: &'static str) -> impl Fn(&Request) -> Reply + Send + Sync {
    move |request| {
        if request.header("If-None-Match") == Some(etag) {
            return status(304, Vec::new());
        }
        Reply {
            status: 200,
            headers: vec![("Content-Type", "application/rss+xml; charset=utf-8".into()), ("ETag", etag.into())],
            body: body.clone().into_bytes(),
            content_length: true,
        }
    }
}
