//! Announcements back to quota-feed/1 documents: what `export` prints and what the history
//! store keeps. Reading a written document gives back the same announcements (figures,
//! dates, text, revision), so an export re-imported as a file source reports the same.

use serde::Serialize;

use crate::model::{ALL_HOLDERS, Announcement, Citation, QuotaRow, Status, TOTAL_CATEGORY, Tier};

/// A JSON document holding `announcements`, pretty-printed, fields in the order of the spec.
pub fn to_json<'a>(announcements: impl IntoIterator<Item = &'a Announcement>) -> String {
    let announcements: Vec<Out<'_>> = announcements.into_iter().map(Out::from).collect();
    let mut text = serde_json::to_string_pretty(&Document { format: super::FORMAT, announcements }).unwrap_or_default();
    text.push('\n');
    text
}

/// One announcement as a compact one-announcement JSON document without its quota rows:
/// the history store's form (it keeps the rows packed beside it).
pub fn to_compact_json_without_rows(announcement: &Announcement) -> String {
    // Not `Out::from`: that lists every row first (a million on the first store write).
    let out = Out::without_rows(announcement);
    serde_json::to_string(&Document { format: super::FORMAT, announcements: [out] }).unwrap_or_default()
}

#[derive(Serialize)]
struct Document<A> {
    format: &'static str,
    announcements: A,
}

/// An announcement as quota-feed/1 writes it, borrowing from the model.
#[derive(Serialize)]
struct Out<'a> {
    commodity: &'a str,
    year: u16,
    batch: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    revision: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    /// Written only when not the default, so documents without provenance stay as they were.
    #[serde(skip_serializing_if = "is_official")]
    tier: Tier,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cumulative: bool,
    #[serde(skip_serializing_if = "<[Citation]>::is_empty")]
    citations: &'a [Citation],
    quotas: Vec<OutRow<'a>>,
}

fn is_official(tier: &Tier) -> bool {
    *tier == Tier::Official
}

#[derive(Serialize)]
struct OutRow<'a> {
    stage: &'static str,
    category: &'a str,
    holder: &'a str,
    tonnes: Tonnes,
}

/// Whole tonnes as integers (`135000`, not `135000.0`); others as the shortest exact decimal.
struct Tonnes(f64);

impl Serialize for Tonnes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match crate::format::whole(self.0) {
            Some(n) => serializer.serialize_i64(n),
            None => serializer.serialize_f64(self.0),
        }
    }
}

impl<'a> From<&'a Announcement> for Out<'a> {
    fn from(a: &'a Announcement) -> Self {
        let quotas = a
            .quotas
            .iter()
            .map(|r| OutRow {
                stage: r.stage.slug(),
                category: &r.category,
                holder: &r.holder,
                tonnes: Tonnes(r.tonnes),
            })
            .collect();
        Out { quotas, ..Out::without_rows(a) }
    }
}

impl<'a> Out<'a> {
    fn without_rows(a: &'a Announcement) -> Self {
        Out {
            commodity: a.key.commodity.as_str(),
            year: a.key.year,
            batch: a.key.batch,
            published: a.published.map(|d| d.format("%Y-%m-%d").to_string()),
            status: a.status.slug(),
            title: a.title.as_deref(),
            url: a.url.as_deref(),
            revision: a.revision,
            id: a.id.as_deref(),
            tier: a.tier,
            cumulative: a.cumulative,
            citations: &a.citations,
            quotas: Vec::new(),
        }
    }
}

/// The CSV columns `to_csv` writes, the required ones first. Citations have no place in
/// CSV (a list per announcement); export JSON to keep them.
pub const CSV_COLUMNS: [&str; 15] = [
    "commodity",
    "year",
    "batch",
    "published",
    "stage",
    "category",
    "holder",
    "tonnes",
    "status",
    "title",
    "url",
    "revision",
    "id",
    "tier",
    "cumulative",
];

/// A CSV document: one line per quota row. An unpublished announcement without rows gets one
/// line with empty stage and tonnes, which is how the format carries "issued, withheld".
pub fn to_csv<'a>(announcements: impl IntoIterator<Item = &'a Announcement>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(CSV_COLUMNS);
    for a in announcements {
        let published = a.published.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let shared = |row: Option<&QuotaRow>| -> Vec<String> {
            vec![
                a.key.commodity.as_str().to_owned(),
                a.key.year.to_string(),
                a.key.batch.to_string(),
                published.clone(),
                row.map(|r| r.stage.slug().to_owned()).unwrap_or_default(),
                row.map_or(TOTAL_CATEGORY, |r| r.category.as_str()).to_owned(),
                row.map_or(ALL_HOLDERS, |r| r.holder.as_str()).to_owned(),
                row.map(|r| r.tonnes.to_string()).unwrap_or_default(),
                a.status.slug().to_owned(),
                a.title.clone().unwrap_or_default(),
                a.url.clone().unwrap_or_default(),
                a.revision.to_string(),
                a.id.clone().unwrap_or_default(),
                a.tier.slug().to_owned(),
                a.cumulative.to_string(),
            ]
        };
        if a.quotas.is_empty() && a.status == Status::Unpublished {
            let _ = writer.write_record(shared(None));
        }
        for row in &a.quotas {
            let _ = writer.write_record(shared(Some(row)));
        }
    }
    writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::{Format, parse};
    use crate::model::{Stage, sample_mining};

    fn samples() -> Vec<Announcement> {
        let mut detailed = sample_mining(2024, 1, 2, 135_000.0);
        detailed.published = chrono::NaiveDate::from_ymd_opt(2024, 2, 6);
        detailed.title = Some("First batch, \"quoted\", with commas".into());
        detailed.url = Some("https://example.org/notice?a=1&b=2".into());
        detailed.id = Some("miit-2024-1".into());
        detailed.quotas.push(QuotaRow {
            stage: Stage::SmeltingSeparation,
            category: "light".into(),
            holder: "China Northern Rare Earth Group".into(),
            tonnes: 0.1 + 0.2,
        });
        let mut withheld = sample_mining(2025, 1, 0, 0.0);
        withheld.status = Status::Unpublished;
        withheld.quotas.clear();
        let mut reported = sample_mining(2024, 2, 0, 52_000.0);
        reported.tier = crate::model::Tier::Reported;
        reported.citations = vec![
            Citation {
                title: Some("China increases tungsten mining quotas".into()),
                url: Some("https://metalnomist.com/2024/09/china-increases-tungsten-mining-quotas_1.html".into()),
                published: chrono::NaiveDate::from_ymd_opt(2024, 9, 1),
                source: Some("Metalnomist".into()),
            },
            Citation { title: Some("Desk note".into()), ..Citation::default() },
        ];
        // A running total without a batch: the year so far.
        let mut running = sample_mining(2023, 0, 0, 111_000.0);
        running.cumulative = true;
        running.tier = crate::model::Tier::Estimate;
        vec![detailed, withheld, sample_mining(2008, 0, 0, 118_900.0), reported, running]
    }

    #[test]
    fn written_documents_read_back_the_same_in_both_encodings() {
        let announcements = samples();
        for (format, text) in [(Format::Json, to_json(&announcements)), (Format::Csv, to_csv(&announcements))] {
            let parsed = parse("export", format, text.as_bytes(), 1 << 20).expect("parses");
            assert!(parsed.rejected.is_empty(), "{format}: {:?}", parsed.rejected);
            let mut got = parsed.announcements;
            got.sort_by(|a, b| a.key.cmp(&b.key));
            let mut want = announcements.clone();
            want.sort_by(|a, b| a.key.cmp(&b.key));
            if format == Format::Csv {
                // CSV has no place for citations; everything else reads back.
                want.iter_mut().for_each(|a| a.citations.clear());
            }
            assert_eq!(got, want, "{format}:\n{text}");
        }
    }

    #[test]
    fn provenance_is_written_only_when_it_says_something() {
        let plain = to_json(&[sample_mining(2024, 1, 0, 135_000.0)]);
        assert!(!plain.contains("tier") && !plain.contains("cumulative") && !plain.contains("citations"), "{plain}");
        let text = to_json(&samples());
        assert!(text.contains("\"tier\": \"reported\"") && text.contains("\"cumulative\": true"), "{text}");
        assert!(text.contains("\"published\": \"2024-09-01\""), "{text}");
    }

    #[test]
    fn whole_tonnes_are_written_as_integers() {
        let text = to_json(&[sample_mining(2024, 1, 0, 135_000.0)]);
        assert!(text.contains("\"tonnes\": 135000\n"), "{text}");
    }
}
