use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::assemble::{self, Read, Reading};
use super::{KINDS, followable, kind_from_slug, list};
use crate::config::NewsList;
use crate::extract::{Item, Options, Tier};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

fn item(title: &str, link: &str) -> Item {
    Item { title: title.into(), link: Some(link.into()), ..Item::default() }
}

const LIST: &str = r#"<html><head><title>通知公告</title></head><body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/gk/">公开</a></li></ul>
<ul class="ky_open_list">
<li><a href="./202404/t20240419_1.html" title="自然资源部关于下达2024年度稀土矿开采总量控制指标(第一批)的通知（全文）">自然资源部关于下达2024年度稀土…</a><span>2024-04-19</span></li>
<li><a href="https://other.example/notice">关于开展地质调查的通知</a><span>2024年3月1日</span></li>
<li><span>2024-01-01</span></li>
</ul></body></html>"#;

#[test]
fn a_page_list_is_read_with_its_selectors_links_made_absolute() {
    let kind = NewsList::Page {
        items: "ul.ky_open_list > li".into(),
        title: "a".into(),
        link: "a".into(),
        date: Some("span".into()),
    };
    let base = reqwest::Url::parse("https://www.mnr.gov.cn/gk/tzgg/").expect("url");
    let items = list::items(&kind, LIST.as_bytes(), None, &base).expect("items");
    // The navigation list is not matched; the row without a title is skipped.
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].title, "自然资源部关于下达2024年度稀土矿开采总量控制指标(第一批)的通知（全文）");
    assert_eq!(items[0].link.as_deref(), Some("https://www.mnr.gov.cn/gk/tzgg/202404/t20240419_1.html"));
    assert_eq!(items[0].published, NaiveDate::from_ymd_opt(2024, 4, 19));
    assert_eq!(items[1].published, NaiveDate::from_ymd_opt(2024, 3, 1));
    assert_eq!(items[0].source.as_deref(), Some("通知公告"));
}

#[test]
fn an_html_page_is_not_an_rss_feed() {
    let base = reqwest::Url::parse("https://example.com/").expect("url");
    let error = list::items(&NewsList::Feed, LIST.as_bytes(), None, &base).expect_err("not a feed");
    assert!(error.0.contains("not an RSS or Atom feed"), "{error}");
}

#[test]
fn only_http_links_are_followed() {
    assert!(followable("https://www.mnr.gov.cn/a.html").is_some());
    assert!(followable("http://127.0.0.1:8080/a").is_some());
    for link in
        ["javascript:alert(1)", "ftp://example.com/a", "mailto:a@example.com", "file:///etc/passwd", "data:text/html,x"]
    {
        assert!(followable(link).is_none(), "{link}");
    }
}

#[test]
fn kinds_read_back_from_their_slugs() {
    for kind in KINDS {
        assert_eq!(kind_from_slug(kind.slug()), Some(kind));
    }
    assert_eq!(kind_from_slug("rumour"), None);
}

#[test]
fn items_read_before_or_left_for_later_give_their_headline_only() {
    let options = Options { tier: Tier::Reported };
    let release = "China issues first batch of 2024 rare earth mining quotas at 135,000 tonnes";
    let reads = vec![
        Read { item: item(release, "https://a.example/1"), reading: Reading::Plain },
        Read {
            item: item(
                "China sets 2023 mining quota for tungsten concentrate at 111,000 metric tons",
                "https://a.example/2",
            ),
            reading: Reading::Known,
        },
        Read {
            item: item("China grants first rare earth, tungsten mining quotas for 2020", "https://a.example/3"),
            reading: Reading::Deferred,
        },
        Read { item: item("Football results of the weekend", "https://a.example/4"), reading: Reading::Plain },
    ];
    let mut first_seen = HashMap::new();
    first_seen.insert("https://a.example/2".to_owned(), at("2026-01-01T00:00:00Z"));
    let now = at("2026-02-01T00:00:00Z");
    let parsed = assemble::feed("news", &options, reads, now, &mut first_seen, Vec::new()).expect("feed");
    let titles: Vec<_> = parsed.headlines.iter().map(|h| h.url.as_deref().unwrap_or("")).collect();
    // The football item matches no quota keyword: ignored silently.
    assert_eq!(titles, ["https://a.example/1", "https://a.example/2", "https://a.example/3"]);
    assert_eq!(parsed.headlines[1].first_seen, at("2026-01-01T00:00:00Z"));
    assert_eq!(parsed.headlines[0].first_seen, now);
    assert_eq!(parsed.headlines.iter().map(|h| h.followed).collect::<Vec<_>>(), [false, true, false]);
    // Only the plain item's figures: the known one was merged before, the deferred one later.
    assert_eq!(parsed.announcements.len(), 1, "{:?}", parsed.announcements);
    let a = &parsed.announcements[0];
    assert_eq!((a.key.commodity.as_str(), a.key.year, a.key.batch), ("rare-earths", 2024, 1));
    assert_eq!(a.tier, crate::model::Tier::Reported);
    assert_eq!(a.quotas[0].tonnes, 135_000.0);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
}

#[test]
fn a_followed_page_is_read_as_its_text_without_scripts() {
    let page = "<html><head><style>p { color: red }</style></head><body><h1>通知</h1>\
        <script>var quota = 999999;</script><p>2025年度钨矿开采总量控制指标(第一批)为58000吨</p><p>2025-04-21</p></body></html>";
    let (text, published) = list::page_text(page.as_bytes(), None).expect("page");
    assert_eq!(text, "通知\n2025年度钨矿开采总量控制指标(第一批)为58000吨\n2025-04-21\n");
    assert_eq!(published, NaiveDate::from_ymd_opt(2025, 4, 21));
}

/// MINING.COM, 2024-07-06 (tests/fixtures/extract/corpus.toml): forecasts, never figures
/// of a release; the headline lists them as expected, with whose they are.
#[test]
fn a_forecasts_headline_lists_what_was_expected_and_by_whom() {
    let mut forecast = item(
        "China 2024 unusual earths quota development set to slow in the middle of supply glut",
        "https://www.mining.com/web/china-2024-rare-earths-quota-growth-set-to-slow/",
    );
    forecast.published = NaiveDate::from_ymd_opt(2024, 7, 6);
    forecast.body = "Yang Jiawen of SMM forecast a 2024 mining quota of 280,000 tons.".into();
    forecast.source = Some("MINING.COM".into());
    let reads = vec![Read { item: forecast, reading: Reading::Followed }];
    let options = Options { tier: Tier::Reported };
    let now = at("2024-07-06T10:00:00Z");
    let parsed = assemble::feed("mining-com", &options, reads, now, &mut HashMap::new(), Vec::new()).expect("feed");
    assert!(parsed.announcements.is_empty(), "a forecast is not a release");
    let h = &parsed.headlines[0];
    assert_eq!(h.kind, super::HeadlineKind::Expectation);
    assert_eq!(h.attribution(), "MINING.COM via mining-com");
    assert_eq!(h.figures_brief(), "rare-earths 2024: mining expected 280,000 t (Yang Jiawen of SMM)");
    assert_eq!(h.detail.figures[0].text, "280,000 tons");
    assert_eq!(h.detail.about, Some(super::About { commodity: "rare-earths".into(), year: 2024, batch: None }));
}

/// Reuters via CNA, 2025-07-18, headline only (tests/fixtures/extract/corpus.toml): a release
/// without figures or batch is a headline, not a rejected announcement.
#[test]
fn a_release_reported_without_figures_or_batch_is_a_headline_and_no_rejection() {
    let quiet = item(
        "China quietly issues 2025 rare earth quotas, sources say",
        "https://www.channelnewsasia.com/business/china-quietly-issues-2025-rare-earth-quotas-sources-say-5245691",
    );
    let reads = vec![Read { item: quiet, reading: Reading::Plain }];
    let options = Options { tier: Tier::Reported };
    let now = at("2025-07-18T10:00:00Z");
    let parsed = assemble::feed("wire", &options, reads, now, &mut HashMap::new(), Vec::new()).expect("feed");
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert!(parsed.announcements.is_empty());
    assert_eq!(parsed.headlines[0].kind, super::HeadlineKind::Unpublished);
    assert_eq!(parsed.headlines[0].withheld_release().map(ToString::to_string).as_deref(), Some("rare-earths 2025"));
}
