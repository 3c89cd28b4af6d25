//! The Headlines view and each figure's tier, through `update` and the real view and ui
//! layers: a headline's row (tier badge, figures in brief), Enter's popup with the words
//! each figure was read from marked (and scrolled), and the tier of each figure in the
//! overview and Stages, a reported figure later confirmed by an official one saying so.

#[path = "support/screen.rs"]
mod screen;

use quotawatch::app::Msg;
use quotawatch::feed::ParsedFeed;
use quotawatch::news::{About, Detail, Figure, Headline, HeadlineKind};
use quotawatch::view::{self, Tone, table};
use ratatui::style::Modifier;

use screen::{buffer, fixed_now, live_state, press, screen, source_event};

/// rareearths.com, 2024-02-06, as the rss source reads it (tests/news_source.rs has the feed).
const SUMMARY: &str = "China's MIIT issued the first batch of 2024 rare earth quotas: 135,000 tonnes for mining and \
                       127,000 tonnes for smelting and separation.";

fn headline() -> Headline {
    let figure = |stage: &str, tonnes: &str, text: &str| Figure {
        release: "rare-earths 2024 batch 1".into(),
        figure: format!("{stage} {tonnes} t"),
        field: "summary".into(),
        text: text.into(),
        total: true,
    };
    Headline {
        source: "google-news".into(),
        title: "China Issues Rare Earth Production Quota".into(),
        url: Some("https://rareearths.com/2024/02/06/china-issues-rare-earth-production-quota/".into()),
        published: chrono::NaiveDate::from_ymd_opt(2024, 2, 6),
        kind: HeadlineKind::Announcement,
        first_seen: fixed_now(),
        followed: false,
        detail: Detail {
            outlet: Some("rareearths.com".into()),
            summary: SUMMARY.into(),
            figures: vec![
                figure("mining", "135,000", "135,000 tonnes"),
                figure("smelting-separation", "127,000", "127,000 tonnes"),
            ],
            about: Some(About { commodity: "rare-earths".into(), year: 2024, batch: Some(1) }),
            ..Detail::default()
        },
    }
}

fn headlines_event(headlines: Vec<Headline>) -> Msg {
    let at = fixed_now();
    Msg::Source(quotawatch::sources::SourceEvent {
        source: "desk".into(),
        at,
        result: Ok(Some(ParsedFeed { headlines, ..Default::default() })),
        http: None,
        next_poll: at,
    })
}

#[test]
fn a_headline_lists_its_tier_and_figures_and_enter_marks_the_words_they_came_from() {
    let mut s = live_state();
    let _ = quotawatch::app::update(&mut s, headlines_event(vec![headline()]));
    press(&mut s, "7");
    let rows = table(&s).expect("headlines").rows;
    let cells: Vec<&str> = rows[0].cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        cells,
        [
            "2024-02-06",
            "rareearths.com",
            "reported",
            "announcement",
            "rare-earths 2024 b1: mining 135,000 · smelting 127,000",
            "China Issues Rare Earth Production Quota",
        ]
    );
    assert_eq!(rows[0].cells[2].tone, Tone::Warning, "a reported figure reads with care");

    press(&mut s, "\n");
    let popup = view::build(&s).popup.expect("the popup");
    let marked: Vec<&str> =
        popup.lines.iter().flatten().filter(|span| span.tone == Tone::Mark).map(|span| span.text.as_str()).collect();
    assert_eq!(marked, ["135,000 tonnes", "127,000 tonnes"]);
    // Lines are wrapped at spaces for an 80-column popup; read as one text.
    let text = popup.text().replace('\n', " ");
    assert!(text.starts_with("rareearths.com via google-news · reported · announcement · 2024-02-06"), "{text}");
    assert!(text.contains("rare-earths 2024 b1 mining 135,000 t ← \"135,000 tonnes\" (summary)"), "{text}");

    // Drawn at 80x24: whole lines, the marked words underlined, the link at the end.
    let drawn = buffer(&s, 80, 24);
    let shown = screen::text_of(&drawn);
    assert!(shown.contains("details (Esc to close)"), "{shown}");
    let (y, line) = shown.lines().enumerate().find(|(_, l)| l.contains("135,000 tonnes for mining")).expect("{shown}");
    let x = line.find("135,000 tonnes").map(|b| line[..b].chars().count()).expect("x");
    let cell = &drawn[(u16::try_from(x).expect("x"), u16::try_from(y).expect("y"))];
    assert!(cell.style().add_modifier.contains(Modifier::UNDERLINED), "{:?}", cell.style());
    // Inside the popup (72 cells wide, centred), nothing is cut.
    for line in shown.lines() {
        let inside: String = line.chars().skip(5).take(70).collect();
        assert!(!inside.contains('…'), "nothing cut: {line}");
    }
    press(&mut s, "\x1b");
    assert!(s.popup().is_none());
}

#[test]
fn a_long_notice_scrolls_in_its_popup() {
    let mut s = live_state();
    let mut long = headline();
    long.detail.summary = (1..=60).map(|n| format!("Paragraph {n}.\n")).collect();
    long.detail.figures.clear();
    let _ = quotawatch::app::update(&mut s, headlines_event(vec![long]));
    press(&mut s, "7\n");
    let at_top = screen(&s, 80, 24);
    assert!(at_top.contains("Paragraph 1.") && !at_top.contains("Paragraph 40."), "{at_top}");
    assert!(at_top.contains("↑↓ PgUp PgDn: line 1 of"), "{at_top}");
    press(&mut s, "v");
    assert_eq!(s.popup_detail().map(|p| p.scroll), Some(1));
    let _ = quotawatch::app::update(&mut s, screen::key(crossterm::event::KeyCode::End));
    let at_end = screen(&s, 80, 24);
    assert!(at_end.contains("Paragraph 60.") && at_end.contains("https://rareearths.com/"), "{at_end}");
    press(&mut s, "^");
    assert!(s.popup_detail().is_some_and(|p| p.scroll > 0), "up scrolls back");
    press(&mut s, "q");
    assert!(s.popup().is_none(), "q closes it");
}

/// The desk reports tungsten's 2026 batch 1 (`reported`), then the ministry's figure
/// matches it (`official`).
fn tungsten_2026(tier: &str) -> Msg {
    source_event(
        "desk",
        &format!(
            "{{\"format\": \"quota-feed/1\", \"announcements\": [{{\"commodity\": \"tungsten\", \"year\": 2026, \
             \"batch\": 1, \"tier\": \"{tier}\", \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": 58000}}]}}]}}"
        ),
    )
}

#[test]
fn each_figures_tier_shows_in_the_overview_and_stages_and_a_confirmation_says_so() {
    let mut s = live_state();
    let _ = quotawatch::app::update(&mut s, tungsten_2026("reported"));
    // Tungsten (] cycles the commodities), its latest year.
    for _ in 0..3 {
        if s.commodity().map(|c| c.as_str()) != Some("tungsten") {
            press(&mut s, "]");
        }
    }
    for _ in 0..40 {
        if s.year() != Some(2026) {
            press(&mut s, ">");
        }
    }
    assert_eq!((s.commodity().map(|c| c.as_str()), s.year()), (Some("tungsten"), Some(2026)));
    let overview = screen(&s, 160, 48);
    assert!(overview.contains("58,000 t conc. (65% WO3)"), "{overview}");
    assert!(overview.contains("reported"), "the year's tier: {overview}");
    assert!(overview.contains("batch 1 58,000 (reported)"), "{overview}");
    press(&mut s, "2");
    let row = |s: &quotawatch::app::State| {
        let rows = table(s).expect("stages").rows;
        rows[0].cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>()
    };
    let mining = row(&s);
    assert_eq!((mining[0].as_str(), mining[3].as_str()), ("Mining", "reported"), "{mining:?}");
    assert!(mining[5].contains("(reported)"), "{mining:?}");

    let _ = quotawatch::app::update(&mut s, tungsten_2026("official"));
    let mining = row(&s);
    assert_eq!(mining[3], "official", "{mining:?}");
    assert!(mining[5].contains("first reported, confirmed official"), "{mining:?}");
    press(&mut s, "1");
    let overview = screen(&s, 160, 48);
    assert!(overview.contains("batch 1 58,000 (first reported, confirmed official)"), "{overview}");
}
