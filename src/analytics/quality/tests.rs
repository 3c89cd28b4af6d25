//! The one-pass flags against the rules read one by one (the implementation before it,
//! kept here as the reference): the same flags in the same order, to the bit.

use proptest::prelude::*;

use super::*;
use crate::analytics::{categories, category_value};
use crate::model::{ALL_HOLDERS, AnnouncementKey, Commodity, Tier};

fn announcement_flags_by_scans(a: &Announcement, flags: &mut Vec<QualityFlag>) {
    let mut mismatch = |stage: Stage, what: String, published: f64, parts: f64| {
        if differs(published, parts) {
            flags.push(QualityFlag::TotalMismatch { key: a.key.clone(), stage, what, published, parts });
        }
    };
    for stage in Stage::ALL {
        let rows: Vec<_> = a.quotas.iter().filter(|r| r.stage == stage).collect();
        let category_names = categories(a, stage);
        // `*` rows against the sum of their holders, per category.
        for category in std::iter::once(TOTAL_CATEGORY).chain(category_names.iter().copied()) {
            let in_category = rows.iter().filter(|r| r.category == category);
            let all = in_category.clone().find(|r| r.holder == ALL_HOLDERS);
            let holders = in_category.filter(|r| r.holder != ALL_HOLDERS).map(|r| r.tonnes).reduce(|x, y| x + y);
            if let (Some(all), Some(holders)) = (all, holders) {
                mismatch(stage, format!("holders of {category}"), all.tonnes, holders);
            }
        }
        // The stage's `total` against the sum of its categories.
        let total = rows.iter().find(|r| r.is_total_category() && r.holder == ALL_HOLDERS).map(|r| r.tonnes);
        let parts = category_names.iter().filter_map(|c| category_value(a, stage, c)).reduce(|x, y| x + y);
        if let (Some(total), Some(parts)) = (total, parts) {
            mismatch(stage, "categories".into(), total, parts);
        }
        // Each holder's own `total` against its category rows.
        let holder_totals = rows.iter().filter(|r| r.is_total_category() && r.holder != ALL_HOLDERS);
        for holder_total in holder_totals {
            let parts = rows
                .iter()
                .filter(|r| r.holder == holder_total.holder && !r.is_total_category())
                .map(|r| r.tonnes)
                .reduce(|x, y| x + y);
            if let Some(parts) = parts {
                mismatch(stage, format!("categories of {}", holder_total.holder), holder_total.tonnes, parts);
            }
        }
    }
}

fn announcement(rows: Vec<QuotaRow>) -> Announcement {
    Announcement {
        key: AnnouncementKey { commodity: Commodity::parse("rare-earths").expect("slug"), year: 2024, batch: 1 },
        published: None,
        status: Status::Published,
        title: None,
        url: None,
        revision: 0,
        id: None,
        tier: Tier::Official,
        cumulative: false,
        citations: Vec::new(),
        quotas: rows,
    }
}

fn row() -> impl Strategy<Value = QuotaRow> {
    let stage = prop_oneof![Just(Stage::Mining), Just(Stage::SmeltingSeparation)];
    let category = prop_oneof![Just(TOTAL_CATEGORY), Just("light"), Just("medium-heavy"), Just("ion")];
    let holder = prop_oneof![Just(ALL_HOLDERS), Just("Holder A"), Just("Holder B"), Just("Holder C")];
    // Few distinct tonnes, so totals often equal their parts and often do not.
    let tonnes = prop_oneof![Just(0.0), Just(0.1), Just(100.0), Just(250.5), Just(1e6), 0.0..5e5];
    (stage, category, holder, tonnes).prop_map(|(stage, category, holder, tonnes)| QuotaRow {
        stage,
        category: category.into(),
        holder: holder.into(),
        tonnes,
    })
}

fn flags_of(a: &Announcement, f: fn(&Announcement, &mut Vec<QualityFlag>)) -> Vec<(String, u64, u64)> {
    let mut flags = Vec::new();
    f(a, &mut flags);
    flags
        .into_iter()
        .map(|flag| match &flag {
            QualityFlag::TotalMismatch { published, parts, .. } => {
                (flag.to_string(), published.to_bits(), parts.to_bits())
            }
            _ => (flag.to_string(), 0, 0),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn one_pass_flags_equal_the_rules_read_one_by_one(rows in proptest::collection::vec(row(), 0..40)) {
        let a = announcement(rows);
        prop_assert_eq!(flags_of(&a, announcement_flags), flags_of(&a, announcement_flags_by_scans));
    }
}

#[test]
fn a_holder_total_and_a_category_total_that_disagree_are_both_flagged() {
    let row = |stage, category: &str, holder: &str, tonnes| QuotaRow {
        stage,
        category: category.into(),
        holder: holder.into(),
        tonnes,
    };
    let a = announcement(vec![
        row(Stage::Mining, "total", "*", 300.0),
        row(Stage::Mining, "light", "*", 100.0),
        row(Stage::Mining, "light", "Holder A", 100.0),
        row(Stage::Mining, "total", "Holder A", 150.0),
        row(Stage::Mining, "heavy", "Holder A", 10.0),
    ]);
    let flags = flags_of(&a, announcement_flags);
    assert_eq!(flags, flags_of(&a, announcement_flags_by_scans));
    let texts: Vec<&str> = flags.iter().map(|(text, ..)| text.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts[0].contains("sum of holders of total 150"), "{texts:?}");
    assert!(texts[1].contains("sum of categories 110"), "{texts:?}");
    assert!(texts[2].contains("sum of categories of Holder A 110"), "{texts:?}");
}
