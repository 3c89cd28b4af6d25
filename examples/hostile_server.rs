//! Fourteen misbehaving feed sources on 127.0.0.1 (thirteen endpoints and a refused port;
//! `misbehaving_sources`, shared with the PTY test) and one good feed, for trying the
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

use hostile_server::{Behaviour, HostileServer, misbehaving_sources};

fn main() {
    let Some(config_path) = std::env::args().nth(1) else {
        eprintln!("usage: hostile_server CONFIG_OUT");
        std::process::exit(1);
    };
    let server = HostileServer::start();
    let good = serde_json::json!({"format": "quota-feed/1", "announcements": [{"commodity": "tungsten", "year": 2024,
        "batch": 1, "title": "Tungsten 2024 batch 1", "quotas": [{"stage": "mining", "tonnes": 31_000}]}]});
    server.route("/good.json", Behaviour::json(good.to_string()));
    let mut endpoints = vec![("good".to_owned(), server.url("/good.json"))];
    endpoints.extend(misbehaving_sources(&server).into_iter().map(|(name, url)| (format!("bad-{name}"), url)));
    let mut config = String::new();
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
