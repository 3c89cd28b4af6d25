//! Thirteen misbehaving feed endpoints on 127.0.0.1 and one good one, for trying the
//! dashboard by hand against hostile sources (docs/reliability.md, "Tried by hand"). Writes a
//! config with one source per endpoint, each polled every second, then serves until killed:
//!
//! ```sh
//! cargo run --release --example hostile_server -- target/hostile.toml &
//! cargo run --release -- --config target/hostile.toml
//! ```

#[path = "../tests/support/hostile_server.rs"]
mod hostile_server;

use std::time::Duration;

use hostile_server::{Behaviour, HostileServer, refused_port};
use serde_json::{Value, json};

const HOSTILE: &str = "\x1b]0;pwned\x07Quota\x1b[2J\x1b[31m red\x1b[0m \u{202E}gpj.exe\u{202C}\r\n\x08\u{9b}31m end";

fn mining(commodity: &str, year: u32, batch: u32, tonnes: u32, title: &str) -> Value {
    json!({"commodity": commodity, "year": year, "batch": batch, "title": title,
           "quotas": [{"stage": "mining", "holder": title, "tonnes": tonnes}]})
}

fn doc(announcements: &[Value]) -> String {
    json!({"format": "quota-feed/1", "announcements": announcements}).to_string()
}

fn main() {
    let Some(config_path) = std::env::args().nth(1) else {
        eprintln!("usage: hostile_server CONFIG_OUT");
        std::process::exit(1);
    };
    let server = HostileServer::start();
    let ten_thousand: Vec<Value> =
        (0..10_000).map(|i| mining("tungsten", 1990 + i / 100, i % 100, i, "bulk")).collect();
    let good = doc(&[mining("tungsten", 2024, 1, 31_000, "Tungsten 2024 batch 1")]);
    let full = doc(&[mining("rare-earths", 2029, 1, 1, "cut")]);
    server
        .route("/good.json", Behaviour::json(good))
        .route("/ten-thousand.json", Behaviour::json(doc(&ten_thousand)))
        .route("/escapes.json", Behaviour::json(doc(&[mining("rare-earths", 2029, 2, 5, HOSTILE)])))
        .route("/drip.json", Behaviour::Drip { body: doc(&[]).into_bytes(), every: Duration::from_secs(1) })
        .route("/silent.json", Behaviour::Silent)
        .route("/huge.json", Behaviour::Stream { total: 2 << 30, declare_length: false })
        .route("/bomb.json", Behaviour::GzipBomb { inflated_mib: 2048 })
        .route("/loop.json", Behaviour::redirect("/loop.json"))
        .route("/500.json", Behaviour::status(500, &[]))
        .route("/429.json", Behaviour::status(429, &[("Retry-After", "5")]))
        .route("/malformed.json", Behaviour::json("{\"format\": \x1b[2J"))
        .route(
            "/not-utf8.json",
            Behaviour::json(b"{\"format\": \"quota-feed/1\", \"announcements\": [\xff\xfe]}".to_vec()),
        )
        .route("/truncated.json", Behaviour::json(full[..full.len() / 2].to_owned()))
        .route("/version-2.json", Behaviour::json("{\"format\": \"quota-feed/2\", \"announcements\": []}"));
    let refused = format!("http://127.0.0.1:{}/feed.json", refused_port());
    let mut config = String::new();
    let mut endpoints = vec![("good".to_owned(), server.url("/good.json"))];
    for name in [
        "ten-thousand",
        "escapes",
        "drip",
        "silent",
        "huge",
        "bomb",
        "loop",
        "500",
        "429",
        "malformed",
        "not-utf8",
        "truncated",
        "version-2",
    ] {
        endpoints.push((format!("bad-{name}"), server.url(&format!("/{name}.json"))));
    }
    endpoints.push(("bad-refused".to_owned(), refused));
    for (name, url) in endpoints {
        config.push_str(&format!(
            "[[sources]]\nname = \"{name}\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"1s\"\ntimeout = \"5s\"\nmax_bytes = \"4MiB\"\n\n"
        ));
    }
    std::fs::write(&config_path, config).expect("write the config");
    eprintln!("serving on 127.0.0.1:{}; config written to {config_path}", server.port());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
