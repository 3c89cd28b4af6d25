//! Provenance through the history store: tiers, citations and batches worked out from a
//! running total are stored and replayed into the same ledger.

use chrono::{TimeZone, Utc};
use quotawatch::ledger::{Ledger, MergeOutcome, Origin, RunningOutcome};
use quotawatch::model::{Announcement, AnnouncementKey, Citation, Commodity, QuotaRow, Stage, Status, Tier};
use quotawatch::store::{Store, replay};

fn tungsten(batch: u8, tier: Tier, tonnes: f64) -> Announcement {
    Announcement {
        key: AnnouncementKey { commodity: Commodity::parse("tungsten").expect("slug"), year: 2024, batch },
        published: None,
        status: Status::Published,
        title: None,
        url: None,
        revision: 0,
        id: None,
        tier,
        cumulative: false,
        citations: Vec::new(),
        quotas: vec![QuotaRow { stage: Stage::Mining, category: "total".into(), holder: "*".into(), tonnes }],
    }
}

#[test]
fn tiers_citations_and_derived_batches_survive_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let mut ledger = Ledger::new();
    ledger.start_journal();
    let at = |s| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, s).single().expect("valid time");
    let desk = Origin { source: "desk".into(), rank: 0 };
    let mut first = tungsten(1, Tier::Official, 62_000.0);
    first.citations = vec![Citation {
        title: Some("China announces first batch tungsten quota for 2024".into()),
        url: Some(
            "https://projectblue.com/blue/news-analysis/815/china-announces-first-batch-tungsten-quota-for-2024".into(),
        ),
        published: chrono::NaiveDate::from_ymd_opt(2024, 3, 21),
        source: Some("Project Blue".into()),
    }];
    let running = Announcement { cumulative: true, ..tungsten(0, Tier::Reported, 114_000.0) };
    ledger.merge(&desk, first, at(0));
    let outcome = ledger.merge(&desk, running, at(1));
    assert_eq!(
        outcome,
        MergeOutcome::RunningTotal(RunningOutcome::Batch { batch: 2, outcome: Box::new(MergeOutcome::New) })
    );
    let applied = ledger.take_journal();
    store.record(&ledger, &applied, None).expect("recorded");

    let mut rebuilt = Ledger::new();
    replay(&mut rebuilt, store.load().expect("loads").versions, |_| 0);
    let want: Vec<&Announcement> = ledger.current().collect();
    let got: Vec<&Announcement> = rebuilt.current().collect();
    assert_eq!(got, want);
    assert_eq!((got[1].key.batch, got[1].tier, got[1].quotas[0].tonnes), (2, Tier::Reported, 52_000.0));
    assert_eq!(got[0].citations.len(), 1);
}
