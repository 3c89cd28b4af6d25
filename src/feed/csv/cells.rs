//! Reading the cells of one CSV row: the announcement's key, its quota row and its
//! announcement-level fields, each checked by the feed's validation rules and named by
//! column when wrong.

use super::validate::{self, MAX_ID_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, Names};
use std::collections::HashMap;

use super::{BATCH, CATEGORY, COMMODITY, CUMULATIVE, Cells, Columns, Group, HOLDER, Line, META, STAGE, TONNES, YEAR};
use crate::model::{AnnouncementKey, QuotaRow};

pub(super) fn read_key<R: Cells>(columns: &Columns, record: &R) -> Result<AnnouncementKey, (&'static str, String)> {
    let batch = columns.get(record, BATCH);
    // A running total may leave its batch empty, as JSON may leave it out: the year so far.
    let batch = if batch.is_empty() && validate::flag(columns.get(record, CUMULATIVE)) == Ok(true) {
        0
    } else {
        validate::batch(integer(batch).map_err(|m| ("batch", m))?).map_err(|m| ("batch", m))?
    };
    Ok(AnnouncementKey {
        commodity: validate::commodity(columns.get(record, COMMODITY)).map_err(|m| ("commodity", m))?,
        year: validate::year(integer(columns.get(record, YEAR)).map_err(|m| ("year", m))?).map_err(|m| ("year", m))?,
        batch,
    })
}

/// Adds one row's quota and announcement-level values to its group.
pub(super) fn read_row<R: Cells>(
    columns: &Columns,
    record: &R,
    line: u64,
    group: &mut Group,
    names: &mut Names,
) -> Result<(), (String, String)> {
    let at = |column: &str| format!("row {line}, column {column}");
    let cell = |column: usize| columns.get(record, column);

    let raw = META.map(cell);
    let fresh: [bool; META.len()] = std::array::from_fn(|i| !validate::same(raw[i], &group.meta_raw[i]));
    if fresh.iter().any(|f| *f) {
        read_meta(&raw, &fresh, line, group)?;
        for (held, (text, fresh)) in group.meta_raw.iter_mut().zip(raw.iter().zip(fresh)) {
            if fresh {
                held.clear();
                held.push_str(text);
            }
        }
    }

    let (stage, tonnes) = (cell(STAGE), cell(TONNES));
    if stage.is_empty() && tonnes.is_empty() {
        // An announcement-only row, as an unpublished batch is written.
        return Ok(());
    }
    let row = QuotaRow {
        stage: validate::stage(stage).map_err(|m| (at("stage"), m))?,
        category: names.category(cell(CATEGORY)).map_err(|m| (at("category"), m))?,
        holder: names.holder(cell(HOLDER)),
        tonnes: validate::tonnes(number(tonnes).map_err(|m| (at("tonnes"), m))?).map_err(|m| (at("tonnes"), m))?,
    };
    group.rows.push(row);
    group.lines.push(Line(line));
    Ok(())
}

/// Checks the announcement-level cells that differ from what the group last accepted:
/// each must be valid, then agree with the value first given for the announcement.
fn read_meta(
    raw: &[&str; META.len()],
    fresh: &[bool; META.len()],
    line: u64,
    group: &mut Group,
) -> Result<(), (String, String)> {
    let at = |column: &str| format!("row {line}, column {column}");
    let [published, status, revision, title, url, id, tier, cumulative] =
        std::array::from_fn(|i| Some(raw[i]).filter(|_| fresh[i]));
    let published = match published.unwrap_or("") {
        "" => None,
        text => Some(validate::published(text).map_err(|m| (at("published"), m))?),
    };
    let status = match status.unwrap_or("") {
        "" => None,
        text => Some(validate::status(text).map_err(|m| (at("status"), m))?),
    };
    let revision = match revision.unwrap_or("") {
        "" => None,
        text => {
            Some(validate::revision(integer(text).map_err(|m| (at("revision"), m))?).map_err(|m| (at("revision"), m))?)
        }
    };
    let title = title.and_then(|t| validate::text(t, MAX_TITLE_CHARS));
    let url = url.and_then(|t| validate::text(t, MAX_URL_CHARS));
    let id = id.and_then(|t| validate::text(t, MAX_ID_CHARS));
    let tier = match tier.unwrap_or("") {
        "" => None,
        text => Some(validate::tier(text).map_err(|m| (at("tier"), m))?),
    };
    let cumulative = match cumulative.unwrap_or("") {
        "" => None,
        text => Some(validate::flag(text).map_err(|m| (at("cumulative"), m))?),
    };

    let lines = &mut group.meta_lines;
    let meta = &mut group.meta;
    if agree(lines, "published", published.map(|d| d.to_string()), line)? {
        meta.published = published;
    }
    if let Some(status) = status
        && agree(lines, "status", Some(status.slug().to_owned()), line)?
    {
        meta.status = status;
    }
    if let Some(revision) = revision
        && agree(lines, "revision", Some(revision.to_string()), line)?
    {
        meta.revision = revision;
    }
    if agree(lines, "title", title.clone(), line)? {
        meta.title = title;
    }
    if agree(lines, "url", url.clone(), line)? {
        meta.url = url;
    }
    if agree(lines, "id", id.clone(), line)? {
        meta.id = id;
    }
    if let Some(tier) = tier
        && agree(lines, "tier", Some(tier.slug().to_owned()), line)?
    {
        meta.tier = tier;
    }
    if let Some(cumulative) = cumulative
        && agree(lines, "cumulative", Some(cumulative.to_string()), line)?
    {
        meta.cumulative = cumulative;
    }
    Ok(())
}

/// Records an announcement-level value and says whether it is the first one given; a
/// different value on a later row of the same announcement is an error naming both rows.
fn agree(
    lines: &mut HashMap<&'static str, (String, u64)>,
    column: &'static str,
    shown: Option<String>,
    line: u64,
) -> Result<bool, (String, String)> {
    let Some(shown) = shown else { return Ok(false) };
    match lines.get(column) {
        Some((first, first_line)) if *first != shown => Err((
            format!("row {line}, column {column}"),
            format!("{shown:?} differs from {first:?} given on row {first_line} for the same announcement"),
        )),
        Some(_) => Ok(false),
        None => {
            lines.insert(column, (shown, line));
            Ok(true)
        }
    }
}

fn integer(text: &str) -> Result<i64, String> {
    text.parse::<i64>().map_err(|_| format!("{} is not an integer", validate::quoted(text)))
}

fn number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ if text.is_empty() => Err("required value is missing".to_owned()),
        _ => Err(format!("{} is not a finite number", validate::quoted(text))),
    }
}
