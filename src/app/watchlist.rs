//! What the dashboard knows of the market's expectations, the release calendar and the policy
//! timeline: each source's expectations and events (a source's newest document replaces what
//! it said before), the configuration's, and the next release of every commodity as of today.
//! The figures come from [`crate::outlook`]; this only keeps them current.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::analytics::CommodityHistory;
use crate::ingest::Loaded;
use crate::ledger::Ledger;
use crate::model::{Commodity, Stage};
use crate::outlook::expectations::ScoredNote;
use crate::outlook::{self, NextRelease, Outlook, Release, ReleaseStatus};

/// The overview's consensus lines of a commodity, by year and stage, each with its verdict.
pub type Consensus = BTreeMap<(u16, Stage), Vec<ScoredNote>>;

#[derive(Debug, Clone, Default)]
pub struct Watchlist {
    /// In the load's order (the bundled data, then the sources by rank).
    by_source: Vec<(String, Outlook)>,
    config: Outlook,
    combined: Outlook,
    next: Vec<NextRelease>,
    day: Option<NaiveDate>,
}

impl Watchlist {
    pub fn new(loaded: &Loaded) -> Watchlist {
        let mut watch = Watchlist {
            by_source: loaded.sources.iter().map(|r| (r.name.clone(), r.outlook.outlook.clone())).collect(),
            config: loaded.config_outlook.clone(),
            ..Watchlist::default()
        };
        watch.combine();
        watch
    }

    fn combine(&mut self) {
        let mut combined = Outlook::default();
        for (_, outlook) in &self.by_source {
            combined.extend(outlook.clone());
        }
        combined.extend(self.config.clone());
        self.combined = combined;
    }

    /// What `source`'s newest document says; true when that changed anything.
    pub fn replace(&mut self, source: &str, outlook: Outlook) -> bool {
        match self.by_source.iter_mut().find(|(name, _)| name == source) {
            Some((_, known)) if *known == outlook => return false,
            Some((_, known)) => *known = outlook,
            None if outlook.is_empty() => return false,
            None => self.by_source.push((source.to_owned(), outlook)),
        }
        self.combine();
        true
    }

    /// Every expectation and event, without repeats.
    pub fn outlook(&self) -> &Outlook {
        &self.combined
    }

    /// The next release of each commodity with a dated history, as of the last refresh.
    pub fn next(&self) -> &[NextRelease] {
        &self.next
    }

    /// The day the calendar was last computed for.
    pub fn day(&self) -> Option<NaiveDate> {
        self.day
    }

    /// Recomputes the next releases as of `day` from what the ledger holds.
    pub fn refresh_calendar(&mut self, ledger: &Ledger, day: NaiveDate) {
        let releases = Release::from_ledger(ledger);
        self.next = outlook::calendar::commodities(&releases)
            .iter()
            .filter_map(|c| outlook::calendar::next_release(&releases, c, day))
            .collect();
        self.day = Some(day);
    }

    /// Commodities whose next release is in its window or overdue: sources that ask for it
    /// are polled faster then.
    pub fn urgent(&self) -> BTreeSet<Commodity> {
        self.next
            .iter()
            .filter(|n| matches!(n.status, ReleaseStatus::InWindow | ReleaseStatus::Overdue))
            .map(|n| n.commodity.clone())
            .collect()
    }

    /// The consensus lines of `commodity` for every year and stage it has expectations for.
    pub fn consensus(&self, ledger: &Ledger, commodity: &Commodity) -> Consensus {
        let mut out = Consensus::new();
        let Some(history) = CommodityHistory::of(ledger.current(), commodity) else { return out };
        let wanted: BTreeSet<(u16, Stage)> = self
            .combined
            .expectations
            .iter()
            .filter(|e| e.commodity == *commodity)
            .map(|e| (e.year, e.stage))
            .collect();
        for (year, stage) in wanted {
            let notes = outlook::expectations::scored_notes(&self.combined.expectations, &history, year, stage);
            out.insert((year, stage), notes);
        }
        out
    }

    /// The consensus check of a release of (`year`, `batch`) on `stage`, for its alert:
    /// `within consensus`, `below consensus (-2.8% vs midpoint)`.
    pub fn alert_note(
        &self,
        ledger: &Ledger,
        commodity: &Commodity,
        year: u16,
        batch: u8,
        stage: Stage,
        released: Option<NaiveDate>,
    ) -> Option<String> {
        let history = CommodityHistory::of(ledger.current(), commodity)?;
        let check =
            outlook::expectations::check_release(&self.combined.expectations, &history, year, batch, stage, released)?;
        Some(check.alert_text())
    }
}
