//! `follow` against servers on 127.0.0.1: a GBK notice list whose new notice's GBK page is
//! read gives the tungsten batch as `official` in `report`; a second run reads the list
//! again but not the page (the store remembers it); links that are not HTTP are never
//! followed; a source's secret header never goes to another host, by redirect or by link.
//! The notice and its figures are 163.com's copy of MNR's 2025 tungsten notice
//! (https://www.163.com/dy/article/JTREU3JG0556ABME.html, tests/fixtures/extract/corpus.toml).

#[path = "support/server.rs"]
mod server;

use std::path::Path;

use quotawatch::config::{self, ConfigOrigin};
use quotawatch::sources::HttpSource;

use server::{Reply, Request, Server, status};

const NOTICE: &str = "自然资源部关于下达2025年度钨矿开采总量控制指标(第一批)的通知";
const NOTICE_TEXT: &str =
    "2025年度钨矿开采总量控制指标(第一批)为58000吨,其中江西省21300吨、湖南省15530吨、河南省7050吨。";

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn path(request: &Request) -> &str {
    request.line.split(' ').nth(1).unwrap_or("")
}

/// MNR's layout (domain.md §2.2): the list declares GB2312 in a meta tag and is served
/// without a charset; the notice page is served with `charset=GBK` and declares nothing.
fn mnr(request: &Request) -> Reply {
    let html = |body: Vec<u8>, content_type: &str| Reply {
        status: 200,
        headers: vec![("Content-Type", content_type.to_owned())],
        body,
        content_length: true,
    };
    match path(request) {
        "/gk/tzgg/" => html(
            gbk(&format!(
                "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>通知公告</title></head><body>\
                 <ul class=\"ky_open_list\">\
                 <li><span>2025-04-21</span><a href=\"./202504/t20250421_1.html\">{NOTICE}</a></li>\
                 <li><span>2025-04-01</span><a href=\"javascript:void(0)\">关于下达2025年度钨矿开采总量控制指标(预告)的通知</a></li>\
                 <li><span>2025-03-01</span><a href=\"ftp://127.0.0.1/notice.html\">关于下达2025年度稀土矿开采总量控制指标的通知</a></li>\
                 <li><span>2025-02-01</span><a href=\"./202502/t20250201_9.html\">关于开展地质灾害防治工作的通知</a></li>\
                 </ul></body></html>"
            )),
            "text/html",
        ),
        "/gk/tzgg/202504/t20250421_1.html" => html(
            gbk(&format!(
                "<html><head><title>{NOTICE}</title></head><body><h1>{NOTICE}</h1><p>{NOTICE_TEXT}</p></body></html>"
            )),
            "text/html; charset=GBK",
        ),
        _ => status(404, Vec::new()),
    }
}

fn write_config(dir: &Path, url: &str, extra: &str) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    let text = format!(
        "[[sources]]\nname = \"mnr-notices\"\nkind = \"page\"\nurl = \"{url}\"\nitems = \"ul.ky_open_list > li\"\n\
         date = \"span\"\nfollow = true\ntier = \"official\"\n{extra}\n"
    );
    std::fs::write(&config, text).expect("write config");
    config
}

fn report(dir: &Path, config: &Path) -> String {
    let output = assert_cmd::Command::cargo_bin("quotawatch")
        .expect("binary")
        .env("XDG_CONFIG_HOME", dir)
        .args(["--no-bundled", "--data-dir"])
        .arg(dir)
        .arg("--config")
        .arg(config)
        .args(["report", "--commodity", "tungsten", "--by", "batch"])
        .output()
        .expect("run report");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    stdout
}

#[test]
fn a_followed_gbk_notice_gives_the_tungsten_batch_as_official_and_is_read_once_across_runs() {
    let server = Server::start(mnr);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_config(dir.path(), &format!("http://127.0.0.1:{}/gk/tzgg/", server.port), "");
    let first = report(dir.path(), &config);
    assert!(first.contains("58,000"), "{first}");
    assert!(first.contains("official"), "{first}");
    let notice = "/gk/tzgg/202504/t20250421_1.html";
    let fetched = |p: &str| server.requests().iter().filter(|r| path(r) == p).count();
    assert_eq!(fetched(notice), 1);
    // The other notice matches no quota keyword: not worth a request.
    assert_eq!(fetched("/gk/tzgg/202502/t20250201_9.html"), 0);
    // javascript: and ftp: links are never followed; only the list and the notice were asked for.
    assert_eq!(
        server.requests().len(),
        2,
        "{:?}",
        server.requests().iter().map(|r| r.line.clone()).collect::<Vec<_>>()
    );

    let second = report(dir.path(), &config);
    assert_eq!(fetched("/gk/tzgg/"), 2, "the list is read again");
    assert_eq!(fetched(notice), 1, "the notice page is not");
    assert!(second.contains("58,000") && second.contains("official"), "{second}");

    let store = quotawatch::store::Store::open(dir.path()).expect("store");
    let headlines = store.headlines().expect("headlines");
    let titles: Vec<_> = headlines.iter().map(|h| (h.title.as_str(), h.followed)).collect();
    assert!(titles.contains(&(NOTICE, true)), "{titles:?}");
    assert!(headlines.iter().all(|h| h.source == "mnr-notices"));
    assert!(!headlines.iter().any(|h| h.title.contains("地质灾害")), "{titles:?}");
    // What Enter shows survives the second run, which saw the title alone: the page's text,
    // the source's tier, and each figure with the words it was read from.
    let notice = headlines.iter().find(|h| h.title == NOTICE).expect("the notice");
    assert_eq!(notice.detail.tier, quotawatch::model::Tier::Official);
    assert!(notice.detail.body.contains(NOTICE_TEXT), "{:?}", notice.detail.body);
    let figures: Vec<_> = notice.detail.figures.iter().map(|f| (f.label(), f.text.as_str(), f.total)).collect();
    assert!(figures.contains(&("tungsten 2025 batch 1 mining 58,000 t".into(), "58000吨", true)), "{figures:?}");
    assert!(
        figures.iter().any(|(label, text, total)| label.contains("Jiangxi") && *text == "21300吨" && !total),
        "{figures:?}"
    );
    assert_eq!(notice.figures_brief(), "tungsten 2025 batch 1: mining 58,000 t");
}

#[tokio::test]
async fn follow_max_leaves_the_rest_for_the_next_poll() {
    let server = Server::start(|request: &Request| {
        if request.header("If-None-Match") == Some("\"l\"") {
            return status(304, Vec::new());
        }
        let body = match path(request) {
            "/list" => (1..=3)
                .map(|n| format!("<li><a href=\"/n{n}\">关于下达202{n}年度钨矿开采总量控制指标(第一批)的通知</a></li>"))
                .collect::<String>(),
            p => format!(
                "<p>{}年度钨矿开采总量控制指标(第一批)为58000吨。</p>",
                &p[2..].parse::<u32>().map_or(0, |n| 2020 + n)
            ),
        };
        Reply {
            status: 200,
            headers: vec![("Content-Type", "text/html; charset=utf-8".into()), ("ETag", "\"l\"".into())],
            body: format!("<html><body><ul>{body}</ul></body></html>").into_bytes(),
            content_length: true,
        }
    });
    let text = format!(
        "[[sources]]\nname = \"n\"\nkind = \"page\"\nurl = \"http://127.0.0.1:{}/list\"\nitems = \"li\"\nfollow = true\nfollow_max = 2\n",
        server.port
    );
    let config = config::parse(&text, ConfigOrigin::BuiltIn, Path::new(".")).expect("config");
    let mut source = HttpSource::new(&config.sources[0]).expect("http").expect("client");
    let first = source.fetch().await.expect("first").parsed.expect("document");
    let years = |p: &quotawatch::feed::ParsedFeed| p.announcements.iter().map(|a| a.key.year).collect::<Vec<_>>();
    assert_eq!(years(&first), [2021, 2022]);
    assert_eq!(first.headlines.len(), 3, "the third is a headline, its figures left for later");
    // Not complete: the list is asked for without validators, so it is read again whole.
    let second = source.fetch().await.expect("second").parsed.expect("document");
    assert_eq!(
        server.requests().iter().filter(|r| path(r) == "/list").nth(1).and_then(|r| r.header("If-None-Match")),
        None
    );
    assert_eq!(years(&second), [2023]);
    assert_eq!(
        second.headlines.iter().map(|h| h.first_seen).collect::<Vec<_>>(),
        first.headlines.iter().map(|h| h.first_seen).collect::<Vec<_>>()
    );
    let third = source.fetch().await.expect("third");
    assert_eq!(third.status, 304, "complete now: validators kept");
    assert_eq!(server.requests().len(), 3 + 3, "three lists, three notices, nothing twice");
}

#[tokio::test]
async fn a_secret_header_never_reaches_another_host() {
    let token = env!("CARGO_MANIFEST_DIR");
    let elsewhere = Server::start(|_| Reply {
        status: 200,
        headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
        body: "<html><body><p>2025年度钨矿开采总量控制指标(第一批)为58000吨。</p></body></html>".as_bytes().to_vec(),
        content_length: true,
    });
    let other = elsewhere.port;
    let home = Server::start(move |request: &Request| match path(request) {
        "/moved" => status(302, vec![("Location", format!("http://localhost:{other}/list"))]),
        _ => Reply {
            status: 200,
            headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
            body: format!(
                "<html><body><ul><li><a href=\"http://localhost:{other}/notice\">{NOTICE}</a></li></ul></body></html>"
            )
            .into_bytes(),
            content_length: true,
        },
    });
    let source = |url: String| {
        let text = format!(
            "[[sources]]\nname = \"n\"\nkind = \"page\"\nurl = \"{url}\"\nitems = \"li\"\nfollow = true\n\
             [sources.headers]\nX-Api-Key = \"${{CARGO_MANIFEST_DIR}}\"\n"
        );
        let config = config::parse(&text, ConfigOrigin::BuiltIn, Path::new(".")).expect("config");
        HttpSource::new(&config.sources[0]).expect("http").expect("client")
    };
    // A redirect to another host is refused, not followed with the header.
    let error = source(format!("http://127.0.0.1:{}/moved", home.port)).fetch().await.expect_err("refused").to_string();
    assert!(error.contains("redirected to another origin"), "{error}");
    assert!(!error.contains(token), "{error}");
    assert!(elsewhere.requests().is_empty());
    // A followed page on another host is fetched without it.
    let parsed =
        source(format!("http://127.0.0.1:{}/list", home.port)).fetch().await.expect("list").parsed.expect("document");
    assert_eq!(parsed.announcements.len(), 1);
    assert_eq!(home.requests()[1].header("X-Api-Key"), Some(token));
    assert_eq!(elsewhere.requests().len(), 1);
    assert_eq!(elsewhere.requests()[0].header("X-Api-Key"), None);
}
