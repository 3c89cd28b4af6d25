//! Property tests of the extractor (proptest), sized for a few seconds: on arbitrary text,
//! and on text built from the extractor's own vocabulary (quota words, numbers in every
//! form, Chinese numerals, punctuation) so the deep paths are reached, it never panics,
//! never returns a negative or non-finite figure, and every span is the text it names.
//! fuzz/fuzz_targets/extract.rs runs the same entry points for longer.

use chrono::NaiveDate;
use proptest::prelude::*;
use quotawatch::extract::{self, Field, Item, Options, document, output};

/// Pieces of quota text, English and Chinese, to be shuffled into sentences.
fn vocabulary() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "China sets",
        "first batch",
        "second batch",
        "of 2024",
        "2023年",
        "08年",
        "今年",
        "this year",
        "rare earth",
        "稀土",
        "钨",
        "锑",
        "tungsten",
        "antimony",
        "RE",
        "REO",
        "mining",
        "smelting and separation",
        "开采",
        "冶炼分离",
        "quota",
        "指标",
        "总量控制",
        "分别为",
        "respectively",
        "其中",
        "江西省",
        "北方稀土",
        "bringing the total to",
        "year-to-date",
        "上述指标均含",
        "前两批合计",
        "expects",
        "预计",
        "estimated",
        "set to slow",
        "from",
        "比",
        "增加",
        "by",
        "last year",
        "去年",
        "export controls",
        "tracking system",
        "price",
        "yuan/mt",
        "quietly",
        "did not give",
        "measures",
        "全国",
        "total",
        "light rare earth",
        "轻稀土",
        "for",
        "and",
        "、",
        ",",
        ".",
        "。",
        "；",
        "(",
        ")",
        "\n",
        " ",
        "%",
        "吨",
        "噸",
        "万",
        "萬",
        "t",
        "kt",
        "mt",
        "tonnes",
        "metric tons",
    ]);
    let numbers = prop_oneof![
        any::<u32>().prop_map(|n| n.to_string()),
        (0u32..1_000, 0u32..1_000).prop_map(|(a, b)| format!("{a},{b:03}")),
        (0u32..1_000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        "[零〇一二两三四五六七八九十百千万]{1,6}",
        "[0-9.,]{1,12}",
    ];
    let piece =
        prop_oneof![4 => words.prop_map(str::to_owned), 2 => numbers, 1 => any::<char>().prop_map(String::from)];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn check(item: &Item) {
    let found = extract::extract(std::slice::from_ref(item), &Options::default());
    for a in &found.announcements {
        assert!((1990..=2100).contains(&a.year), "year {}", a.year);
        for row in &a.rows {
            assert!(row.tonnes.is_finite() && row.tonnes > 0.0, "tonnes {}", row.tonnes);
            let field = match row.span.field {
                Field::Title => &item.title,
                Field::Summary => &item.summary,
                Field::Body => &item.body,
            };
            assert_eq!(field.get(row.span.start..row.span.end), Some(row.span.text.as_str()));
        }
    }
    for e in &found.expectations {
        for (low, high) in e.tonnes.into_iter().chain(e.pct) {
            assert!(low.is_finite() && high.is_finite(), "expectation {low}..{high}");
        }
        if let Some((low, high)) = e.tonnes {
            assert!(low >= 0.0 && high >= 0.0);
        }
    }
    let json = output::to_json(&found);
    let _: serde_json::Value = serde_json::from_str(&json).expect("output is JSON");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_or_gives_a_bad_figure(title in any::<String>(), body in any::<String>()) {
        let date = NaiveDate::from_ymd_opt(2024, 2, 6);
        check(&Item { title, body, published: date, ..Item::default() });
    }

    #[test]
    fn quota_vocabulary_never_panics_or_gives_a_bad_figure(
        title in vocabulary(),
        summary in vocabulary(),
        body in vocabulary(),
        dated in any::<bool>(),
    ) {
        let published = dated.then(|| NaiveDate::from_ymd_opt(2023, 9, 25)).flatten();
        check(&Item { title, summary, body, published, ..Item::default() });
    }

    #[test]
    fn arbitrary_documents_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), charset in prop::option::of("[a-z0-9-]{0,10}")) {
        if let Ok(doc) = document::parse(&bytes, charset.as_deref()) {
            for item in &doc.items {
                check(item);
            }
        }
    }

    #[test]
    fn feed_shaped_documents_never_panic(title in vocabulary(), description in vocabulary()) {
        let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
        let rss = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>{}</title><description>{}</description></item></channel></rss>",
            escape(&title),
            escape(&description)
        );
        let doc = document::parse(rss.as_bytes(), None).expect("a well-formed feed parses");
        prop_assert_eq!(doc.items.len(), 1);
        check(&doc.items[0]);
    }
}
