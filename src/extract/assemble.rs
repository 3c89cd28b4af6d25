//! One item's figures to announcements: what the title says and the sentences inherit,
//! the headline's kind (a forecast, policy news, a province's notice …), the body's
//! figures over the headline's, increments over running totals, and a release reported
//! without figures as `unpublished`.

use chrono::Datelike as _;

use super::find::{self, Context, FieldFigures, Found};
use super::keywords::{self, CommodityId, Hit, Kw};
use super::numbers;
use super::text::Text;
use super::{
    ExtractedAnnouncement, ExtractedRow, Field, FoundExpectation, Headline, HeadlineKind, Item, ItemExtraction,
    Options, Span,
};
use crate::model::Status;

/// Longer fields are read only this far: a quota notice says what it says in its first
/// pages, and a hostile document must not cost more than that.
const MAX_FIELD_BYTES: usize = 64 * 1024;

fn clip(text: &str) -> &str {
    if text.len() <= MAX_FIELD_BYTES {
        return text;
    }
    let mut end = MAX_FIELD_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub fn item(item: &Item, options: &Options) -> Option<ItemExtraction> {
    let fields = [
        (Field::Title, Text::new(clip(&item.title))),
        (Field::Summary, Text::new(clip(&item.summary))),
        (Field::Body, Text::new(clip(&item.body))),
    ];
    // Every field's keywords in one list, each field's a range of it.
    let mut all: Vec<Hit> = Vec::with_capacity(64);
    let mut ranges = [0..0, 0..0, 0..0];
    for ((_, text), range) in fields.iter().zip(&mut ranges) {
        let start = all.len();
        keywords::hits_into(&text.norm, &mut all);
        *range = start..all.len();
    }
    if !keywords::is_quota_text(&all) {
        return None;
    }
    let hits = ranges.map(|r| &all[r]);
    let (title, title_hits) = (&fields[0].1, hits[0]);
    let ctx = context(title, title_hits, &all, item);
    let kind_of_title = title_kind(&title.norm, title_hits);
    let mut figures: Vec<(Field, FieldFigures)> = Vec::new();
    for ((field, text), field_hits) in fields.iter().zip(hits) {
        figures.push((*field, find::field(*field, text, field_hits, &ctx)));
    }
    let forecast_item = kind_of_title == Some(HeadlineKind::Expectation);
    let expectations = expectations(&figures, forecast_item, item);
    let mut kind = kind_of_title.unwrap_or(HeadlineKind::Other);
    let mut announcements = Vec::new();
    // Price news is read sentence by sentence (a quota figure beside the prices counts, the
    // prices never do); a forecast, policy, export-control or tracking headline gives none.
    if kind_of_title.is_none_or(|k| k == HeadlineKind::Price) {
        let found: Vec<Found> = figures.into_iter().flat_map(|(_, f)| f.found).filter(|f| !f.forecast).collect();
        announcements = group(body_over_title(increments_over_totals(found)), item, options);
        if ctx.province.is_some() {
            kind = HeadlineKind::Provincial;
        } else if kind == HeadlineKind::Price {
            // Price news stays price news, with a quota figure beside the prices or without.
        } else if !announcements.is_empty() {
            kind = HeadlineKind::Announcement;
        } else if let Some(unpublished) = unpublished(&ctx, title_hits, &all, item, options) {
            announcements.extend(unpublished);
            kind = HeadlineKind::Unpublished;
        } else if !expectations.is_empty() {
            kind = HeadlineKind::Expectation;
        } else if all.iter().any(|h| matches!(h.kw, Kw::Policy)) {
            kind = HeadlineKind::Policy;
        }
    }
    let headline = Headline { title: item.title.clone(), url: item.link.clone(), published: item.published, kind };
    Some(ItemExtraction { headline, announcements, expectations })
}

/// What the headline is about when it is a trap: a forecast, policy, export-control,
/// tracking-system or price news. `None`: a headline that may carry a release.
fn title_kind(norm: &str, hits: &[Hit]) -> Option<HeadlineKind> {
    let has = |k: Kw| hits.iter().any(|h| h.kw == k);
    // `Quotas Issued, Likely to Ease the Tight Supply` reports a release; `expected to issue`
    // does not.
    let forecast = hits.iter().position(|h| {
        matches!(h.kw, Kw::Forecast)
            || matches!(h.kw, Kw::SetTo) && norm[h.end..].trim_start().starts_with(char::is_alphabetic)
    });
    let release = hits.iter().position(|h| matches!(h.kw, Kw::Release));
    if forecast.is_some_and(|f| release.is_none_or(|r| f < r)) {
        Some(HeadlineKind::Expectation)
    } else if has(Kw::ExportControl) {
        Some(HeadlineKind::ExportControl)
    } else if has(Kw::Tracking) {
        Some(HeadlineKind::Tracking)
    } else if has(Kw::Price) {
        Some(HeadlineKind::Price)
    } else if has(Kw::Policy) {
        Some(HeadlineKind::Policy)
    } else {
        None
    }
}

fn context(title: &Text<'_>, title_hits: &[Hit], all: &[Hit], item: &Item) -> Context {
    let date_year = item.published.and_then(|d| u16::try_from(d.year()).ok());
    let mut commodities = Vec::new();
    for h in title_hits {
        if let Kw::Commodity(c) = h.kw
            && !commodities.contains(&c)
        {
            commodities.push(c);
        }
    }
    if commodities.is_empty() {
        // A headline without a commodity (`China Puts Ceiling on 2009 Output of Minerals`):
        // the body's first one, when it names only one.
        let named: Vec<CommodityId> =
            all.iter().filter_map(|h| if let Kw::Commodity(c) = h.kw { Some(c) } else { None }).collect();
        if named.windows(2).all(|w| w[0] == w[1]) {
            commodities.extend(named.first());
        }
    }
    let norm = title.norm.as_str();
    let tokens = numbers::tokens(norm, 0..norm.len());
    let year = numbers::years(norm, 0..norm.len(), &tokens)
        .into_iter()
        .find(|y| !super::bind::comparison_year(norm, title_hits, y))
        .map(|y| y.year)
        .or_else(|| title_hits.iter().any(|h| matches!(h.kw, Kw::ThisYear)).then_some(date_year).flatten());
    let batch = title_hits.iter().find_map(|h| match h.kw {
        Kw::Batch(b) | Kw::FirstBatches(b) => Some(b),
        Kw::First if find::is_first_batch(norm, title_hits, h) => Some(1),
        _ => None,
    });
    let mut stages = title_hits.iter().filter_map(|h| if let Kw::Stage(s) = h.kw { Some(s) } else { None });
    let stage = stages.next().filter(|first| stages.all(|s| s == *first));
    // A province's own notice names the province before its release word and no national total.
    let release = title_hits.iter().position(|h| matches!(h.kw, Kw::Release)).unwrap_or(title_hits.len());
    let province = title_hits[..release]
        .iter()
        .find_map(|h| if let Kw::Holder(name, true) = h.kw { Some(name) } else { None })
        .filter(|_| !title_hits.iter().any(|h| matches!(h.kw, Kw::National)));
    Context {
        commodities,
        year,
        date_year,
        batch,
        stage,
        title_quota: title_hits.iter().any(|h| matches!(h.kw, Kw::Quota)),
        includes_earlier: all.iter().any(|h| matches!(h.kw, Kw::IncludesEarlier)),
        province,
    }
}

/// A running total of a (commodity, year, stage) the same item also gives the batch's own
/// figure for is left out: the batch's figure is the news, and the ledger derives the rest.
fn increments_over_totals(mut found: Vec<Found>) -> Vec<Found> {
    let keep: Vec<bool> = found
        .iter()
        .map(|f| {
            !f.cumulative
                || !found
                    .iter()
                    .any(|g| g.commodity == f.commodity && g.year == f.year && g.stage == f.stage && !g.cumulative)
        })
        .collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    found
}

/// A headline's figure is dropped where the summary or body gives a figure for the same
/// commodity and stage: the longer text is the more specific (and a wrong headline, such as
/// ferro-alloys' 2016 tungsten one, is corrected there).
fn body_over_title(mut found: Vec<Found>) -> Vec<Found> {
    let keep: Vec<bool> = found
        .iter()
        .map(|f| {
            f.span.field != Field::Title
                || !found
                    .iter()
                    .any(|g| g.span.field != Field::Title && g.commodity == f.commodity && g.stage == f.stage)
        })
        .collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    found
}

fn group(found: Vec<Found>, item: &Item, options: &Options) -> Vec<ExtractedAnnouncement> {
    let mut out: Vec<ExtractedAnnouncement> = Vec::new();
    for f in found {
        let row =
            ExtractedRow { stage: f.stage, category: f.category, holder: f.holder, tonnes: f.tonnes, span: f.span };
        let key = (f.commodity, f.year, f.batch, f.cumulative);
        let existing = out.iter_mut().find(|a| (a.commodity, a.year, a.batch, a.cumulative) == key);
        let announcement = match existing {
            Some(a) => a,
            None => {
                let mut why = Vec::new();
                if f.batch.is_none() {
                    why.push("no batch named: the year's running total".to_owned());
                }
                out.push(new_announcement(
                    f.commodity,
                    f.year,
                    f.batch,
                    f.cumulative,
                    Status::Published,
                    why,
                    item,
                    options,
                ));
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        for note in f.notes {
            if !announcement.why.iter().any(|w| w == note) {
                announcement.why.push(note.to_owned());
            }
        }
        // The same row twice (the title and the body both say it) is one row; a second,
        // different figure for the same row is the less specific one and is dropped.
        let same_row = |r: &ExtractedRow| r.stage == row.stage && r.category == row.category && r.holder == row.holder;
        if !announcement.rows.iter().any(same_row) {
            announcement.rows.push(row);
        }
    }
    for a in &mut out {
        a.holders_only = a.rows.iter().all(|r| r.holder.is_some());
    }
    out
}

#[expect(clippy::too_many_arguments, reason = "the fields of a new announcement")]
fn new_announcement(
    commodity: CommodityId,
    year: u16,
    batch: Option<u8>,
    cumulative: bool,
    status: Status,
    why: Vec<String>,
    item: &Item,
    options: &Options,
) -> ExtractedAnnouncement {
    ExtractedAnnouncement {
        commodity,
        year,
        batch,
        cumulative,
        status,
        tier: options.tier,
        rows: Vec::new(),
        holders_only: false,
        why,
        title: item.title.clone(),
        url: item.link.clone(),
        published: item.published,
        source: item.source.clone(),
        citations: Vec::new(),
    }
}

/// A release the text reports without figures: a release or batch word and a year in the
/// headline (`China quietly issues 2025 rare earth quotas`), or the text saying the figures
/// were withheld. A headline with neither a year nor a batch word gives nothing.
fn unpublished(
    ctx: &Context,
    title_hits: &[Hit],
    all: &[Hit],
    item: &Item,
    options: &Options,
) -> Option<Vec<ExtractedAnnouncement>> {
    let has = |hits: &[Hit], k: Kw| hits.iter().any(|h| h.kw == k);
    if ctx.province.is_some() || all.iter().any(|h| matches!(h.kw, Kw::Policy | Kw::ExportControl | Kw::Tracking)) {
        return None;
    }
    let withheld = has(all, Kw::Withheld);
    let released = has(title_hits, Kw::Release) || ctx.batch.is_some();
    let quota = has(title_hits, Kw::Quota);
    let year = ctx.year.or(if ctx.batch.is_some() || withheld { ctx.date_year } else { None })?;
    if !(released && quota) || ctx.commodities.is_empty() {
        return None;
    }
    let batch = ctx.batch.or_else(|| {
        all.iter().find_map(|h| match h.kw {
            Kw::Batch(b) => Some(b),
            _ => None,
        })
    });
    let why = vec![if withheld {
        "the text says the figures were not given".to_owned()
    } else {
        "a release reported without figures".to_owned()
    }];
    let out = ctx
        .commodities
        .iter()
        .map(|c| new_announcement(*c, year, batch, batch.is_none(), Status::Unpublished, why.clone(), item, options))
        .collect();
    Some(out)
}

fn expectations(figures: &[(Field, FieldFigures)], forecast_item: bool, item: &Item) -> Vec<FoundExpectation> {
    let mut out = Vec::new();
    for (_, f) in figures {
        for found in f.found.iter().filter(|x| x.forecast || forecast_item) {
            let e = FoundExpectation {
                commodity: found.commodity,
                year: found.year,
                batch: found.batch.filter(|_| !found.cumulative),
                stage: found.stage,
                tonnes: Some((found.tonnes, found.tonnes)),
                pct: None,
                who: found.who.clone(),
                span: found.span.clone(),
                url: item.link.clone(),
                published: item.published,
            };
            if found.forecast && !out.iter().any(|x: &FoundExpectation| x.span == e.span) {
                out.push(e);
            }
        }
        for p in &f.pcts {
            out.push(FoundExpectation {
                commodity: p.commodity,
                year: p.year,
                batch: p.batch,
                stage: p.stage,
                tonnes: None,
                pct: Some((p.low, p.high)),
                who: p.who.clone(),
                span: Span { ..p.span.clone() },
                url: item.link.clone(),
                published: item.published,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    /// ACREI's forecast of early July 2024 (domain.md §6), as a Chinese wire would put it.
    #[test]
    fn chinese_forecasts_are_expectations_never_announcements() {
        for verb in ["预计", "预期"] {
            let body = format!("中国稀土行业协会副秘书长陈占恒{verb}2024年稀土开采总量控制指标为27万吨。");
            let item = Item {
                title: "稀土开采总量控制指标".to_owned(),
                body,
                published: NaiveDate::from_ymd_opt(2024, 7, 3),
                ..Item::default()
            };
            let found = super::item(&item, &Options::default()).expect("quota text");
            assert!(found.announcements.is_empty(), "{verb}: {:?}", found.announcements);
            assert_eq!(found.expectations.len(), 1, "{verb}");
            assert_eq!(found.expectations[0].tonnes, Some((270_000.0, 270_000.0)));
            assert_eq!(found.expectations[0].who.as_deref(), Some("中国稀土行业协会副秘书长陈占恒"));
        }
    }

    #[test]
    fn items_without_quota_words_are_ignored() {
        let item = Item { title: "Gold and copper prices".to_owned(), ..Item::default() };
        assert!(super::item(&item, &Options::default()).is_none());
    }
}
