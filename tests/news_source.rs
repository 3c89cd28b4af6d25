//! `rss` and `page` sources against servers on 127.0.0.1: a release published mid-run
//! reaches the dashboard's ledger and the alert command; 304s; RSS 2.0, Atom and HTML lists;
//! a 10,000-item feed, malformed XML, an entity bomb, a 50 MB page (capped), links that
//! are not HTTP (never followed), and a redirect to another host that would receive a
//! secret header. Headlines are quoted from the pages named in tests/fixtures/extract/corpus.toml.

#[path = "support/server.rs"]
mod server;

#[path = "support/live.rs"]
mod live;

use quotawatch::config::{self, ConfigOrigin, SourceConfig};
use quotawatch::model::Tier;
use quotawatch::news::HeadlineKind;
use quotawatch::sources::HttpSource;

use live::{DEADLINE, dashboard, lines_of, run_until};
use server::{Reply, Request, Server, status};

/// Global Times, 2023-03-24, https://www.globaltimes.cn/page/202303/1287914.shtml
const GT_2023: (&str, &str) = (
    "China hikes rare-earth quota by nearly 20% amid rising demand",
    "China has set the first batch of rare earth mining quotas for 2023 at 120,000 tons and the smelting and separation quotas at 115,000 tons.",
);
/// rareearths.com, 2024-02-06, https://rareearths.com/2024/02/06/china-issues-rare-earth-production-quota/
const RE_2024: (&str, &str) = (
    "China Issues Rare Earth Production Quota",
    "China's MIIT issued the first batch of 2024 rare earth quotas: 135,000 tonnes for mining and 127,000 tonnes for smelting and separation.",
);

fn rss_item(title: &str, description: &str, link: &str) -> String {
    format!("<item><title>{title}</title><link>{link}</link><description>{description}</description></item>")
}

fn rss(items: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>News</title>{}</channel></rss>",
        items.concat()
    )
}

/// Serves `body` as `content_type` with an ETag, answering 304 to a match.
fn serve(body: String, etag: &'static str, content_type: &'static str) -> impl Fn(&Request) -> Reply + Send + Sync {
    move |request| {
        if request.header("If-None-Match") == Some(etag) {
            return status(304, Vec::new());
        }
        Reply {
            status: 200,
            headers: vec![("Content-Type", content_type.into()), ("ETag", etag.into())],
            body: body.clone().into_bytes(),
            content_length: true,
        }
    }
}

fn config_of(text: &str) -> config::Config {
    config::parse(text, ConfigOrigin::BuiltIn, std::path::Path::new(".")).expect("valid config")
}

fn news_config(kind: &str, url: &str, extra: &str, tables: &str) -> config::Config {
    config_of(&format!(
        "[[sources]]\nname = \"news\"\nkind = \"{kind}\"\nurl = \"{url}\"\ninterval = \"1s\"\n{extra}\n{tables}"
    ))
}

fn client(source: &SourceConfig) -> HttpSource {
    HttpSource::new(source).expect("an http source").expect("client")
}

#[tokio::test]
async fn a_release_in_a_news_feed_mid_run_reaches_the_ledger_and_the_alert_command() {
    let first = rss(&[rss_item(GT_2023.0, GT_2023.1, "https://www.globaltimes.cn/page/202303/1287914.shtml")]);
    let server = Server::start(serve(first, "\"v1\"", "application/rss+xml"));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("alerts.txt");
    let script = "printf '%s|%s|%s|%s|%s\\n' \"$QUOTAWATCH_COMMODITY\" \"$QUOTAWATCH_YEAR\" \"$QUOTAWATCH_BATCH\" \
                  \"$QUOTAWATCH_STAGE\" \"$QUOTAWATCH_TONNES\" >> \"$0\"";
    let alerts = format!("[alerts]\ncommand = [\"sh\", \"-c\", {script:?}, {:?}]\n", out.display().to_string());
    let url = format!("http://127.0.0.1:{}/rss", server.port);
    let config = news_config("rss", &url, "", &alerts);
    let (mut dashboard, mut terminal) = dashboard(&config);

    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].loaded).await;
    assert!(dashboard.state().banner().is_none(), "the first read is the feed's history, not news");
    let items = [
        rss_item(RE_2024.0, RE_2024.1, "https://rareearths.com/2024/02/06/china-issues-rare-earth-production-quota/"),
        rss_item(GT_2023.0, GT_2023.1, "https://www.globaltimes.cn/page/202303/1287914.shtml"),
        rss_item("Gold prices rise as the dollar weakens", "Nothing about quotas.", "https://example.com/gold"),
    ];
    server.set(serve(rss(&items), "\"v2\"", "application/rss+xml"));
    run_until(&mut dashboard, &mut terminal, |s| s.banner().is_some_and(|b| b.contains("2024 batch 1"))).await;
    let state = dashboard.state();
    let current: Vec<_> = state.ledger().current().map(|a| (a.key.year, a.key.batch, a.tier)).collect();
    assert!(current.contains(&(2024, 1, Tier::Reported)), "{current:?}");
    assert!(current.contains(&(2023, 1, Tier::Reported)), "{current:?}");
    let ran = lines_of(&out, 1).await;
    assert!(ran.iter().any(|l| l == "rare-earths|2024|1|mining|135000"), "{ran:?}");

    // Unchanged since: answered 304.
    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].not_modified >= 1).await;
    assert_eq!(dashboard.state().sources()[0].http.map(|h| h.0), Some(304));
}

/// Reuters via CNA, 2025-07-18, and the same story re-run by energynews.oedigital,
/// 2025-07-20 (tests/fixtures/extract/corpus.toml).
const QUIET: [(&str, &str); 2] = [
    (
        "China quietly issues 2025 rare earth quotas, sources say",
        "https://www.channelnewsasia.com/business/china-quietly-issues-2025-rare-earth-quotas-sources-say-5245691",
    ),
    (
        "RPT-China quietly announces 2025 rare Earth quotas sources say",
        "https://energynews.oedigital.com/mining/2025/07/20/rptchina-quietly-announces-2025-rare-earth-quotas-sources-say",
    ),
];

#[tokio::test]
async fn a_release_reported_without_figures_rings_as_a_headline_once_and_its_rerun_is_only_listed() {
    let first = rss(&[rss_item(RE_2024.0, RE_2024.1, "https://rareearths.com/2024/02/06/x/")]);
    let server = Server::start(serve(first, "\"v1\"", "application/rss+xml"));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("alerts.txt");
    let script = "printf '%s|%s|%s|%s|%s\\n' \"$QUOTAWATCH_KIND\" \"$QUOTAWATCH_COMMODITY\" \"$QUOTAWATCH_YEAR\" \
                  \"$QUOTAWATCH_URL\" \"$1\" >> \"$0\"";
    let alerts = format!("[alerts]\ncommand = [\"sh\", \"-c\", {script:?}, {:?}]\n", out.display().to_string());
    let config = news_config("rss", &format!("http://127.0.0.1:{}/rss", server.port), "", &alerts);
    let (mut dashboard, mut terminal) = dashboard(&config);
    run_until(&mut dashboard, &mut terminal, |s| s.sources()[0].loaded).await;

    // The first report of the 2025 release, without figures: no figures for the ledger to
    // announce, so the headline rings.
    let mut items = vec![
        rss_item(QUIET[0].0, "", QUIET[0].1),
        rss_item(RE_2024.0, RE_2024.1, "https://rareearths.com/2024/02/06/x/"),
    ];
    server.set(serve(rss(&items), "\"v2\"", "application/rss+xml"));
    run_until(&mut dashboard, &mut terminal, |s| s.headlines().len() == 2).await;
    let rung = "rare-earths 2025: issued without figures, news";
    assert_eq!(dashboard.state().banner(), Some(rung));
    let ran = lines_of(&out, 1).await;
    assert_eq!(ran, [format!("headline|rare-earths|2025|{}|{rung}", QUIET[0].1)]);

    // The same story re-run by another site: a new headline, listed, but the release has rung.
    items.insert(0, rss_item(QUIET[1].0, "", QUIET[1].1));
    server.set(serve(rss(&items), "\"v3\"", "application/rss+xml"));
    run_until(&mut dashboard, &mut terminal, |s| s.headlines().len() == 3).await;
    let state = dashboard.state();
    let alerted = state.log().iter().filter(|e| e.text.contains("issued without figures")).count();
    assert_eq!(alerted, 1, "rung once: {:?}", state.log());
    assert_eq!(state.headlines()[0].title, QUIET[1].0, "listed, newest first");
}

#[tokio::test]
async fn headlines_ride_on_the_feed_with_source_link_date_and_first_seen() {
    let items = [
        format!(
            "<item><title>{}</title><link>https://rareearths.com/2024/02/06/x/</link><pubDate>Tue, 06 Feb 2024 08:00:00 GMT</pubDate><description>{}</description></item>",
            RE_2024.0, RE_2024.1
        ),
        rss_item("Gold prices rise as the dollar weakens", "Nothing about quotas.", "https://example.com/gold"),
    ];
    let server = Server::start(serve(rss(&items), "\"v1\"", "application/rss+xml; charset=utf-8"));
    let config = news_config("rss", &format!("http://127.0.0.1:{}/rss", server.port), "", "");
    let mut source = client(&config.sources[0]);
    let fetched = source.fetch().await.expect("fetch");
    let parsed = fetched.parsed.expect("a document");
    assert_eq!(parsed.headlines.len(), 1, "the gold item matches no quota keyword: ignored");
    let headline = &parsed.headlines[0];
    assert_eq!((headline.source.as_str(), headline.title.as_str()), ("news", RE_2024.0));
    assert_eq!(headline.url.as_deref(), Some("https://rareearths.com/2024/02/06/x/"));
    assert_eq!(headline.published, chrono::NaiveDate::from_ymd_opt(2024, 2, 6));
    assert_eq!(headline.kind, HeadlineKind::Announcement);
    assert_eq!(parsed.announcements[0].tier, Tier::Reported);
    // Its detail: the tier, the text, each figure with the words it came from.
    assert_eq!((headline.detail.tier, headline.detail.summary.as_str()), (Tier::Reported, RE_2024.1));
    let figures: Vec<_> =
        headline.detail.figures.iter().map(|f| (f.label(), f.field.as_str(), f.text.as_str())).collect();
    assert_eq!(
        figures,
        [
            ("rare-earths 2024 batch 1 mining 135,000 t".into(), "summary", "135,000 tonnes"),
            ("rare-earths 2024 batch 1 smelting-separation 127,000 t".into(), "summary", "127,000 tonnes"),
        ]
    );
    assert_eq!(headline.figures_brief(), "rare-earths 2024 batch 1: mining 135,000 t · smelting-separation 127,000 t");
    let second = source.fetch().await.expect("second fetch");
    assert_eq!((second.status, second.parsed.is_none()), (304, true));
    assert_eq!(server.requests()[1].header("If-None-Match"), Some("\"v1\""));
}

#[tokio::test]
async fn an_atom_feed_and_an_html_list_are_read() {
    let atom = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>\
         <entry><title>{}</title><link href=\"https://www.globaltimes.cn/page/202303/1287914.shtml\"/>\
         <updated>2023-03-24T00:00:00Z</updated><summary>{}</summary></entry></feed>",
        GT_2023.0, GT_2023.1
    );
    let server = Server::start(serve(atom, "\"a\"", "application/atom+xml"));
    let config = news_config("rss", &format!("http://127.0.0.1:{}/atom", server.port), "", "");
    let parsed = client(&config.sources[0]).fetch().await.expect("atom").parsed.expect("document");
    let a = &parsed.announcements[0];
    assert_eq!((a.key.year, a.key.batch, a.quotas.len()), (2023, 1, 2));

    // MNR's list layout (domain.md §2.2): `./` relative links resolved against the list.
    let list = "<html><head><meta charset=\"utf-8\"><title>通知公告</title></head><body><ul class=\"ky_open_list\">\
        <li><span>2024-02-07</span><a href=\"./202402/t20240207_1.html\">关于下达2024年第一批稀土开采、冶炼分离总量控制指标的通知</a></li>\
        <li><span>2024-01-05</span><a href=\"./202401/t20240105_2.html\">关于开展地质灾害防治工作的通知</a></li></ul></body></html>";
    let server = Server::start(serve(list.to_owned(), "\"p\"", "text/html"));
    let extra = "items = \"ul.ky_open_list > li\"\ndate = \"span\"\ntier = \"official\"";
    let config = news_config("page", &format!("http://127.0.0.1:{}/gk/tzgg/", server.port), extra, "");
    let parsed = client(&config.sources[0]).fetch().await.expect("page").parsed.expect("document");
    assert_eq!(parsed.headlines.len(), 1);
    let url = format!("http://127.0.0.1:{}/gk/tzgg/202402/t20240207_1.html", server.port);
    assert_eq!(parsed.headlines[0].url.as_deref(), Some(url.as_str()));
    assert_eq!(parsed.headlines[0].published, chrono::NaiveDate::from_ymd_opt(2024, 2, 7));
    // The title alone: a release known to be out, its figures not in the list.
    assert_eq!(parsed.headlines[0].kind, HeadlineKind::Unpublished);
    assert_eq!(parsed.announcements[0].tier, Tier::Official);
}

#[tokio::test]
async fn a_feed_of_ten_thousand_items_is_read_whole() {
    let mut items = Vec::with_capacity(10_000);
    for n in 0..10_000 {
        if n % 100 == 0 {
            items.push(rss_item(GT_2023.0, GT_2023.1, &format!("https://example.com/gt/{n}")));
        } else {
            items.push(rss_item(
                &format!("Market wrap number {n}"),
                "Stocks and bonds moved.",
                &format!("https://example.com/{n}"),
            ));
        }
    }
    let server = Server::start(serve(rss(&items), "\"big\"", "application/rss+xml"));
    let config = news_config("rss", &format!("http://127.0.0.1:{}/rss", server.port), "", "");
    let parsed = client(&config.sources[0]).fetch().await.expect("big feed").parsed.expect("document");
    assert_eq!(parsed.headlines.len(), 100);
    // One wire story a hundred times: one announcement, the first 50 of the rest (as many
    // as quota-feed/1 allows) its citations.
    assert_eq!(parsed.announcements.len(), 1, "{:?}", parsed.rejected);
    assert_eq!(parsed.announcements[0].citations.len(), 50);
    assert_eq!(parsed.announcements[0].citations[0].url.as_deref(), Some("https://example.com/gt/100"));
}

#[tokio::test]
async fn malformed_xml_is_rejected_and_an_entity_bomb_left_unexpanded() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let malformed = std::fs::read_to_string(fixtures.join("malformed.xml")).expect("fixture");
    let server = Server::start(serve(malformed, "\"m\"", "application/rss+xml"));
    let config = news_config("rss", &format!("http://127.0.0.1:{}/rss", server.port), "", "");
    let error = client(&config.sources[0]).fetch().await.expect_err("malformed").to_string();
    assert!(error.starts_with("document rejected:"), "{error}");

    let bomb = std::fs::read_to_string(fixtures.join("bomb.xml")).expect("fixture");
    let server = Server::start(serve(bomb, "\"b\"", "application/rss+xml"));
    let config = news_config("rss", &format!("http://127.0.0.1:{}/rss", server.port), "", "");
    let parsed = client(&config.sources[0]).fetch().await.expect("read, entities unexpanded").parsed.expect("document");
    // A billion laughs would be gigabytes; the entity stays as written, and the item's
    // figures are still read.
    assert_eq!(parsed.headlines.len(), 1);
    assert!(parsed.headlines[0].title.len() < 200, "{}", parsed.headlines[0].title);
    assert!(parsed.headlines[0].title.contains("&lol9;"), "{}", parsed.headlines[0].title);
    let a = &parsed.announcements[0];
    assert_eq!((a.key.year, a.key.batch, a.quotas[0].tonnes), (2022, 1, 100_800.0));
}

#[tokio::test]
async fn a_page_of_50_mb_is_capped() {
    let body = format!(
        "<html><body><ul>{}</ul></body></html>",
        "<li><a href=\"/x\">稀土开采总量控制指标</a></li>".repeat(1_000_000)
    );
    assert!(body.len() > 50_000_000);
    for content_length in [true, false] {
        let bytes = body.clone().into_bytes();
        let server = Server::start(move |_| Reply {
            status: 200,
            headers: vec![("Content-Type", "text/html".into())],
            body: bytes.clone(),
            content_length,
        });
        let config = news_config("page", &format!("http://127.0.0.1:{}/list", server.port), "items = \"li\"", "");
        let error = client(&config.sources[0]).fetch().await.expect_err("over the cap").to_string();
        assert!(error.contains("over the limit of 8388608 bytes"), "{error}");
    }
}

#[tokio::test]
async fn a_news_poller_honours_retry_after_and_backs_off_like_an_http_one() {
    let server = Server::start(|_| status(429, vec![("Retry-After", "4".into())]));
    let config = news_config("rss", &format!("http://127.0.0.1:{}/rss", server.port), "", "");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _pollers = quotawatch::sources::spawn_pollers(&config.sources, move |event| tx.send(event).is_ok());
    let event = tokio::time::timeout(DEADLINE, rx.recv()).await.expect("an event").expect("poller alive");
    assert_eq!(event.result.expect_err("429").to_string(), "HTTP 429, retry after 4s");
    assert!(event.next_poll - event.at >= chrono::Duration::milliseconds(3_950), "{}", event.next_poll - event.at);
    assert_eq!(server.requests().len(), 1);
}
