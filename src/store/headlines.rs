//! The headlines of news and notice sources in the store: kept so they outlive their
//! feeds (a search feed shows a week, a notice list a page), with their first-seen time,
//! and with which pages were read, so `follow` never fetches a page twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{Store, StoreError, classify};
use crate::news::{Headline, kind_from_slug};

impl Store {
    /// Records headlines in one transaction. One seen before keeps its first-seen time;
    /// its title, kind and date are the latest; once followed it stays followed, and keeps
    /// the detail read from its page (a later poll that does not read the page again sees
    /// the title alone, and would otherwise forget the figures).
    pub fn record_headlines(&mut self, headlines: &[Headline]) -> Result<usize, StoreError> {
        if headlines.is_empty() {
            return Ok(0);
        }
        let (path, busy) = (self.path.clone(), self.busy);
        let fail = |error: rusqlite::Error| classify(&path, busy, error);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(fail)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO headlines (source, key, title, url, published, kind, first_seen, followed, detail)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (source, key) DO UPDATE SET
                        title = excluded.title, url = excluded.url,
                        published = COALESCE(excluded.published, published),
                        first_seen = MIN(first_seen, excluded.first_seen),
                        kind = CASE WHEN ?10 AND json_extract(detail, '$.body') IS NOT NULL
                                    THEN kind ELSE excluded.kind END,
                        detail = CASE WHEN ?10 AND json_extract(detail, '$.body') IS NOT NULL
                                      THEN detail ELSE excluded.detail END,
                        followed = MAX(followed, excluded.followed)",
                )
                .map_err(fail)?;
            for h in headlines {
                insert
                    .execute(params![
                        h.source,
                        h.key(),
                        h.title,
                        h.url,
                        h.published.map(|d| d.format("%Y-%m-%d").to_string()),
                        h.kind.slug(),
                        // RFC 3339 in UTC with a fixed precision: ordered as text.
                        h.first_seen.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                        h.followed,
                        serde_json::to_string(&h.detail).ok(),
                        // Without a page's text, a stored page's detail is better.
                        h.detail.body.is_empty(),
                    ])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)?;
        Ok(headlines.len())
    }

    /// Every stored headline, newest first. Rows that do not read (a kind this build does
    /// not know) are skipped; a detail that does not read is left empty.
    pub fn headlines(&self) -> Result<Vec<Headline>, StoreError> {
        let fail = |error: rusqlite::Error| classify(&self.path, self.busy, error);
        let mut statement = self
            .conn
            .prepare(
                "SELECT source, title, url, published, kind, first_seen, followed, detail FROM headlines
                 ORDER BY first_seen DESC, source, key",
            )
            .map_err(fail)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, bool>(6)?,
                    row.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(fail)?;
        let mut out = Vec::new();
        for row in rows {
            let (source, title, url, published, kind, first_seen, followed, detail) = row.map_err(fail)?;
            let (Some(kind), Ok(first_seen)) = (kind_from_slug(&kind), DateTime::parse_from_rfc3339(&first_seen))
            else {
                continue;
            };
            let published = published.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            let first_seen = first_seen.with_timezone(&Utc);
            // A detail this build cannot read shows as none rather than hiding the headline.
            let detail = detail.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
            out.push(Headline { source, title, url, published, kind, first_seen, followed, detail });
        }
        Ok(out)
    }

    /// Per source, the links whose pages were read: seeds for the sources' `follow`.
    pub fn followed(&self) -> Result<HashMap<String, HashSet<String>>, StoreError> {
        let fail = |error: rusqlite::Error| classify(&self.path, self.busy, error);
        let mut statement =
            self.conn.prepare("SELECT source, url FROM headlines WHERE followed AND url IS NOT NULL").map_err(fail)?;
        let rows =
            statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))).map_err(fail)?;
        let mut out: HashMap<String, HashSet<String>> = HashMap::new();
        for row in rows {
            let (source, url) = row.map_err(fail)?;
            out.entry(source).or_default().insert(url);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::news::HeadlineKind;

    fn headline(url: &str, first_seen: &str, followed: bool) -> Headline {
        Headline {
            source: "mnr-notices".into(),
            title: "关于下达2024年第一批稀土开采、冶炼分离总量控制指标的通知".into(),
            url: Some(url.into()),
            published: NaiveDate::from_ymd_opt(2024, 2, 7),
            kind: HeadlineKind::Unpublished,
            first_seen: DateTime::parse_from_rfc3339(first_seen).expect("time").with_timezone(&Utc),
            followed,
            detail: Default::default(),
        }
    }

    #[test]
    fn a_headline_keeps_its_first_sighting_and_stays_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(dir.path()).expect("store");
        store.record_headlines(&[headline("https://a/1", "2024-02-07T10:00:00Z", true)]).expect("record");
        let mut again = headline("https://a/1", "2024-02-08T10:00:00Z", false);
        again.kind = HeadlineKind::Announcement;
        store.record_headlines(&[again, headline("https://a/2", "2024-02-09T10:00:00Z", false)]).expect("record");
        drop(store);
        let store = Store::open(dir.path()).expect("reopened");
        let stored = store.headlines().expect("headlines");
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].url.as_deref(), Some("https://a/2"), "newest first");
        let first = &stored[1];
        assert_eq!(first.first_seen, headline("", "2024-02-07T10:00:00Z", true).first_seen);
        assert_eq!((first.kind, first.followed), (HeadlineKind::Announcement, true));
        let followed = store.followed().expect("followed");
        assert_eq!(followed["mnr-notices"], HashSet::from(["https://a/1".to_owned()]));
    }

    #[test]
    fn a_pages_detail_outlives_later_polls_that_see_the_title_alone() {
        use crate::news::{About, Detail, Figure};
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(dir.path()).expect("store");
        let mut read = headline("https://a/1", "2024-02-07T10:00:00Z", true);
        read.kind = HeadlineKind::Announcement;
        read.detail = Detail {
            tier: crate::model::Tier::Official,
            outlet: None,
            summary: String::new(),
            body: "开采总量控制指标分别为135000吨".into(),
            figures: vec![Figure {
                release: "rare-earths 2024 batch 1".into(),
                figure: "mining 135,000 t".into(),
                field: "body".into(),
                text: "135000吨".into(),
                total: true,
            }],
            about: Some(About { commodity: "rare-earths".into(), year: 2024, batch: Some(1) }),
        };
        store.record_headlines(std::slice::from_ref(&read)).expect("record");
        // The next poll knows the page: the title alone, which reads as a release without figures.
        let title_only = headline("https://a/1", "2024-02-08T10:00:00Z", true);
        store.record_headlines(&[title_only]).expect("record");
        let stored = Store::open(dir.path()).expect("reopened").headlines().expect("headlines");
        assert_eq!(stored, vec![read], "kind and detail from the page are kept");
        // A new page text replaces it.
        let mut again = headline("https://a/1", "2024-02-09T10:00:00Z", true);
        again.detail.body = "更正".into();
        store.record_headlines(std::slice::from_ref(&again)).expect("record");
        let stored = store.headlines().expect("headlines");
        assert_eq!((stored[0].kind, stored[0].detail.body.as_str()), (HeadlineKind::Unpublished, "更正"));
    }
}
