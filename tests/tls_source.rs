//! TLS against a server on 127.0.0.1 with certificates generated per test (rcgen): a
//! self-signed, an expired and a wrong-host certificate are each refused with an error that
//! says so; `ca_file` trusts a desk's own CA, for `http`, `rss` and `page` sources alike.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use quotawatch::config::{self, ConfigOrigin};
use quotawatch::sources::HttpSource;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, date_time_ymd};

const FEED: &str = r#"{"format": "quota-feed/1", "announcements": [{"commodity": "rare-earths", "year": 2024, "batch": 1, "quotas": [{"stage": "mining", "tonnes": 135000}]}]}"#;

/// A desk CA and a leaf it signed for `names`, valid from `from` to `until` (years).
struct Certs {
    ca_pem: String,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
}

fn issue(names: &[&str], years: (i32, i32), self_signed: bool) -> Certs {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Desk test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("key")).expect("CA");
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).expect("params");
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.not_before = date_time_ymd(years.0, 1, 1);
    params.not_after = date_time_ymd(years.1, 1, 1);
    let leaf = if self_signed { params.self_signed(&key) } else { params.signed_by(&key, &ca) }.expect("leaf");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    Certs { ca_pem: ca.pem(), chain: vec![leaf.der().clone()], key }
}

/// Serves FEED over TLS on 127.0.0.1 (one thread, one request per connection); the port.
fn serve(certs: &Certs) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(certs.chain.clone(), certs.key.clone_key())
        .expect("server config");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(connection) = rustls::ServerConnection::new(config.clone()) else { continue };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            let mut reader = BufReader::new(&mut tls);
            let mut line = String::new();
            // Read the request head; a refused handshake ends here with an error.
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line.trim().is_empty() => break,
                    Ok(_) => {}
                }
            }
            let reply = format!(
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{FEED}",
                FEED.len()
            );
            let _ = tls.write_all(reply.as_bytes());
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    port
}

fn source(dir: &Path, kind: &str, url: &str, ca: Option<&str>) -> HttpSource {
    let mut text = format!("[[sources]]\nname = \"desk\"\nkind = \"{kind}\"\nurl = \"{url}\"\n");
    if kind == "page" {
        text.push_str("items = \"li\"\n");
    }
    if let Some(pem) = ca {
        std::fs::write(dir.join("desk-ca.pem"), pem).expect("write CA");
        text.push_str("ca_file = \"desk-ca.pem\"\n");
    }
    let config = config::parse(&text, ConfigOrigin::BuiltIn, dir).expect("config");
    HttpSource::new(&config.sources[0]).expect("http").expect("client")
}

async fn refusal(dir: &Path, url: &str, ca: Option<&str>) -> String {
    source(dir, "http", url, ca).fetch().await.expect_err("refused").to_string()
}

#[tokio::test]
async fn untrusted_expired_and_wrong_host_certificates_are_refused_saying_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let this_year = 2026;
    let unknown = serve(&issue(&["127.0.0.1", "localhost"], (this_year - 1, this_year + 5), false));
    let error = refusal(dir.path(), &format!("https://127.0.0.1:{unknown}/feed.json"), None).await;
    assert!(error.starts_with("TLS certificate refused:") && error.contains("UnknownIssuer"), "{error}");

    let self_signed = serve(&issue(&["127.0.0.1", "localhost"], (this_year - 1, this_year + 5), true));
    let error = refusal(dir.path(), &format!("https://127.0.0.1:{self_signed}/feed.json"), None).await;
    assert!(error.starts_with("TLS certificate refused:"), "{error}");

    let expired = issue(&["127.0.0.1", "localhost"], (2020, 2021), false);
    let port = serve(&expired);
    let error = refusal(dir.path(), &format!("https://127.0.0.1:{port}/feed.json"), Some(&expired.ca_pem)).await;
    assert!(error.starts_with("TLS certificate refused:") && error.to_lowercase().contains("expired"), "{error}");

    let other_host = issue(&["feeds.example.com"], (this_year - 1, this_year + 5), false);
    let port = serve(&other_host);
    let error = refusal(dir.path(), &format!("https://127.0.0.1:{port}/feed.json"), Some(&other_host.ca_pem)).await;
    assert!(error.starts_with("TLS certificate refused:") && error.contains("not valid for"), "{error}");
}

#[tokio::test]
async fn ca_file_trusts_a_desks_own_ca_for_every_http_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let certs = issue(&["127.0.0.1", "localhost"], (2025, 2031), false);
    let port = serve(&certs);
    let url = format!("https://127.0.0.1:{port}/feed.json");
    let fetched = source(dir.path(), "http", &url, Some(&certs.ca_pem)).fetch().await.expect("trusted");
    assert_eq!(fetched.parsed.map(|p| p.announcements.len()), Some(1));
    // rss and page take ca_file too: the connection is trusted, and the JSON answer is then
    // (rightly) not a news document.
    for kind in ["rss", "page"] {
        let result = source(dir.path(), kind, &url, Some(&certs.ca_pem)).fetch().await;
        let text = format!("{result:?}");
        assert!(!text.contains("certificate"), "{kind}: {text}");
    }
}
