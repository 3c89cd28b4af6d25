//! The watcher's state: the ledger and what it knows of each source (the dashboard's
//! [`SourceView`], without a screen), turning each poller's [`SourceEvent`] and each clock
//! tick into the events to print and the effects (store writes, alerts) to carry out.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::{WatchEvent, WatchStep};
use crate::app::alerts::alert_with_consensus;
use crate::app::effects::Effect;
use crate::app::source_view::{STALE_INTERVALS, SourceState, SourceView, rejection_lines, rejections_fingerprint};
use crate::app::watchlist::Watchlist;
use crate::config::Config;
use crate::ledger::{Ledger, Origin};
use crate::sources::SourceEvent;

#[derive(Debug)]
pub struct Tracker {
    ledger: Ledger,
    sources: Vec<SourceView>,
    /// Expectations and events, for the surprise an alert carries.
    watch: Watchlist,
    /// The headlines already seen (source, link), stored ones included: each is news once.
    headlines_seen: HashSet<(String, String)>,
    /// The releases reported without figures whose headline has rung (or was stored).
    withheld_rung: HashSet<crate::news::About>,
}

impl Tracker {
    /// The ledger as loaded at start, and every enabled source waiting for its poller.
    ///
    /// A source's first document is news only if the store already holds versions from it:
    /// the first contact with a source is its history (as in the dashboard), but after a
    /// restart a release that came out while the watcher was down is news.
    pub fn new(config: &Config, ledger: Ledger, watch: Watchlist, now: DateTime<Utc>) -> Tracker {
        let known: HashSet<&str> =
            ledger.entries().flat_map(|(_, entry)| entry.versions().iter().map(|v| v.origin.source.as_str())).collect();
        let sources = config
            .sources
            .iter()
            .filter(|s| s.enabled)
            .map(|source| SourceView {
                name: source.name.clone(),
                rank: crate::ingest::rank_of(config, &source.name),
                kind: source.kind_name(),
                location: source.location(),
                state: SourceState::Pending,
                last_success: None,
                last_error: None,
                next_poll: None,
                interval: Some(source.interval),
                interval_in_window: source.interval_in_window,
                fast: false,
                since: now,
                accepted: 0,
                rejected: 0,
                http: None,
                not_modified: 0,
                rejections_seen: None,
                loaded: known.contains(source.name.as_str()),
            })
            .collect();
        Tracker { ledger, sources, watch, headlines_seen: HashSet::new(), withheld_rung: HashSet::new() }
    }

    /// Headlines the store already holds are not news again.
    pub fn remember_headlines(&mut self, headlines: &[crate::news::Headline]) {
        self.headlines_seen.extend(headlines.iter().map(|h| (h.source.clone(), h.key().to_owned())));
        self.withheld_rung.extend(headlines.iter().filter_map(|h| h.withheld_release().cloned()));
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Merges what a poller found: failures and recoveries when they change, rejections
    /// when they change, conflicts, and each new or revised announcement with its alert.
    pub fn on_source(&mut self, event: SourceEvent) -> WatchStep {
        let mut step = WatchStep::default();
        let Some(index) = self.sources.iter().position(|s| s.name == event.source) else { return step };
        let at = event.at;
        let name = event.source.clone();
        let parsed = match event.result {
            Err(error) => {
                let text = format!("{name}: {error}");
                let view = &mut self.sources[index];
                // A failure is printed when it is new; the same one polled again is not news.
                let repeated = view.state == SourceState::Failing
                    && view.last_error.as_ref().is_some_and(|(_, last)| *last == text);
                view.state = SourceState::Failing;
                view.last_error = Some((at, text.clone()));
                if !repeated {
                    step.events.push(WatchEvent::about_source(at, "source-error", &name, text));
                }
                return step;
            }
            Ok(parsed) => parsed,
        };
        let view = &mut self.sources[index];
        if matches!(view.state, SourceState::Failing | SourceState::Stale) {
            let text = format!("{name}: ok again");
            step.events.push(WatchEvent::about_source(at, "source-ok", &name, text));
        }
        view.state = SourceState::Ok;
        view.last_success = Some(at);
        let Some(mut parsed) = parsed else { return step };
        let fresh: Vec<_> = std::mem::take(&mut parsed.headlines)
            .into_iter()
            .filter(|h| self.headlines_seen.insert((h.source.clone(), h.key().to_owned())))
            .collect();
        let view = &mut self.sources[index];
        let first_load = !std::mem::replace(&mut view.loaded, true);
        view.accepted = parsed.announcements.len();
        view.rejected = parsed.rejected.len();
        let fingerprint = Some(rejections_fingerprint(&parsed.rejected));
        if std::mem::replace(&mut view.rejections_seen, fingerprint) != fingerprint {
            for line in rejection_lines(&name, &parsed.rejected) {
                step.events.push(WatchEvent::about_source(at, "rejected", &name, line));
            }
        }
        // A headline first seen after the source's first document is news, figures or not.
        if !first_load {
            for h in &fresh {
                let text = format!("{name}: {} ({})", h.title, h.kind.slug());
                step.events.push(WatchEvent::about_source(at, "headline", &name, text));
            }
        }
        if !fresh.is_empty() {
            step.effects.push(Effect::SaveHeadlines(fresh.clone()));
        }
        let origin = Origin { source: name.clone(), rank: view.rank };
        self.watch.replace(&name, parsed.outlook.outlook);
        let merged = crate::live::merge_document(&mut self.ledger, &origin, parsed.announcements, at);
        for disagreement in &merged.disagreements {
            let text = disagreement.text(&name);
            step.events.push(WatchEvent::about(at, "conflict", &name, &disagreement.key, text));
        }
        let journal = self.ledger.take_journal();
        // What the published file shows changed (it is compared byte for byte before writing).
        step.changed = merged.changed || !journal.is_empty();
        if !journal.is_empty() {
            step.effects.push(Effect::Save(journal));
        }
        if first_load {
            tracing::info!("{name}: {} announcements (its history: no alerts)", self.sources[index].accepted);
            return step;
        }
        for alert in crate::app::alerts::headline_alerts(&fresh, &merged.news, &mut self.withheld_rung) {
            step.effects.push(Effect::Alert(alert));
        }
        for (key, revised) in merged.news {
            let alert = alert_with_consensus(&self.ledger, &self.watch, &key, revised);
            step.events.push(WatchEvent::of_alert(at, &name, &key, &alert, &self.ledger));
            step.effects.push(Effect::Alert(alert));
        }
        step
    }

    /// Sources with no success for three intervals become stale, once.
    pub fn on_tick(&mut self, now: DateTime<Utc>) -> WatchStep {
        let mut step = WatchStep::default();
        for source in &mut self.sources {
            if source.state != SourceState::Stale && source.overdue(now) {
                source.state = SourceState::Stale;
                let since = source.last_success.map_or_else(
                    || "never succeeded".to_owned(),
                    |t| format!("last success {}", crate::view::age(now, t)),
                );
                let text = format!("{}: stale, no success for {STALE_INTERVALS} polls ({since})", source.name);
                step.events.push(WatchEvent::about_source(now, "stale", &source.name, text));
            }
        }
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigOrigin, parse};

    fn config() -> Config {
        let text = "[[sources]]\nname = \"wire\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/feed.json\"\n";
        parse(text, ConfigOrigin::BuiltIn, std::path::Path::new(".")).expect("valid")
    }

    fn document(batches: &[u8]) -> crate::feed::ParsedFeed {
        let announcements: Vec<String> = batches
            .iter()
            .map(|b| {
                format!(
                    "{{\"commodity\": \"rare-earths\", \"year\": 2031, \"batch\": {b}, \
                     \"quotas\": [{{\"stage\": \"mining\", \"tonnes\": 1000}}]}}"
                )
            })
            .collect();
        let text = format!("{{\"format\": \"quota-feed/1\", \"announcements\": [{}]}}", announcements.join(","));
        crate::feed::parse("wire", crate::feed::Format::Json, text.as_bytes(), 1 << 20).expect("parses")
    }

    fn event(batches: &[u8]) -> SourceEvent {
        SourceEvent {
            source: "wire".into(),
            at: Utc::now(),
            result: Ok(Some(document(batches))),
            http: None,
            next_poll: Utc::now(),
        }
    }

    fn kinds(step: &WatchStep) -> Vec<&'static str> {
        step.events.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn a_first_contact_is_history_but_after_a_restart_a_missed_release_is_news() {
        let mut ledger = Ledger::new();
        ledger.start_journal(); // as a load with a store leaves it
        let mut fresh = Tracker::new(&config(), ledger, Watchlist::default(), Utc::now());
        let step = fresh.on_source(event(&[1]));
        assert_eq!(kinds(&step), Vec::<&str>::new(), "first contact: history");
        assert!(matches!(step.effects.as_slice(), [Effect::Save(_)]), "saved all the same");
        assert!(step.changed, "and published");
        // The same ledger, as a restart would replay it from the store, then a document
        // with a batch that came out while the watcher was down.
        let mut restarted = Tracker::new(&config(), fresh.ledger, Watchlist::default(), Utc::now());
        let step = restarted.on_source(event(&[1, 2]));
        assert_eq!(kinds(&step), ["new"]);
        assert_eq!(step.events[0].batch, Some(2));
        assert!(matches!(step.effects.as_slice(), [Effect::Save(_), Effect::Alert(_)]), "{:?}", step.effects);
        // Polled again: nothing.
        assert_eq!(kinds(&restarted.on_source(event(&[1, 2]))), Vec::<&str>::new());
    }

    #[test]
    fn a_headline_seen_after_the_first_document_is_one_headline_event_and_is_saved() {
        use crate::extract::HeadlineKind;
        let headline = |title: &str| crate::news::Headline {
            source: "wire".into(),
            title: title.into(),
            url: Some(format!("https://example.org/{}", title.len())),
            published: None,
            kind: HeadlineKind::Unpublished,
            first_seen: Utc::now(),
            followed: false,
            // The earlier headlines are about other releases: this one's has not rung.
            detail: crate::news::Detail {
                outlet: Some("Reuters".into()),
                about: Some(crate::news::About {
                    commodity: "rare-earths".into(),
                    year: if title.contains("2025") { 2025 } else { 2019 },
                    batch: None,
                }),
                ..Default::default()
            },
        };
        let with = |headlines: Vec<crate::news::Headline>| {
            let mut e = event(&[1]);
            if let Ok(Some(parsed)) = &mut e.result {
                parsed.headlines = headlines;
            }
            e
        };
        let mut tracker = Tracker::new(&config(), Ledger::new(), Watchlist::default(), Utc::now());
        // Stored from an earlier run: not news again.
        tracker.remember_headlines(&[headline("stored before")]);
        let step = tracker.on_source(with(vec![headline("stored before"), headline("first document")]));
        assert_eq!(kinds(&step), Vec::<&str>::new(), "the first document is history");
        assert!(step.effects.iter().any(|e| matches!(e, Effect::SaveHeadlines(h) if h.len() == 1)));
        let quiet = "China quietly issues 2025 rare earth quotas, sources say";
        let step = tracker.on_source(with(vec![headline("first document"), headline(quiet)]));
        assert_eq!(kinds(&step), ["headline"]);
        assert_eq!(step.events[0].text, format!("wire: {quiet} (unpublished)"));
        let rung: Vec<_> =
            step.effects.iter().filter_map(|e| if let Effect::Alert(a) = e { Some(a) } else { None }).collect();
        assert_eq!(rung.len(), 1, "a release reported without figures rings the alerts");
        assert_eq!(rung[0].text, "rare-earths 2025: issued without figures, Reuters via wire");
        assert_eq!((rung[0].kind, rung[0].year, rung[0].batch), ("headline", Some(2025), None));
        assert_eq!(kinds(&tracker.on_source(with(vec![headline(quiet)]))), Vec::<&str>::new(), "once");
    }

    #[test]
    fn a_source_that_never_answers_goes_stale_once() {
        let start = Utc::now();
        let mut tracker = Tracker::new(&config(), Ledger::new(), Watchlist::default(), start);
        let later = start + chrono::Duration::seconds(30 * i64::from(STALE_INTERVALS) + 1);
        assert_eq!(kinds(&tracker.on_tick(start)), Vec::<&str>::new());
        let step = tracker.on_tick(later);
        assert_eq!(kinds(&step), ["stale"]);
        assert_eq!(step.events[0].text, "wire: stale, no success for 3 polls (never succeeded)");
        assert_eq!(kinds(&tracker.on_tick(later)), Vec::<&str>::new(), "once");
    }
}
