//! The CSV encoding of quota-feed/1: one row per quota row, rows sharing
//! (commodity, year, batch) form one announcement. A bad row rejects its announcement
//! (all of that announcement's rows), never the rest of the document.

use std::collections::HashMap;

use csv::{ReaderBuilder, StringRecord, Trim};

use super::validate::{self, MAX_ID_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, Meta};
use super::{AnnouncementError, DocumentError, ParsedFeed};
use crate::model::{AnnouncementKey, QuotaRow};

/// Columns without which no row can be read.
const REQUIRED: [&str; 5] = ["commodity", "year", "batch", "stage", "tonnes"];

/// Column positions found in the header (matched case-insensitively).
struct Columns(HashMap<String, usize>);

impl Columns {
    fn get<'r>(&self, record: &'r StringRecord, name: &str) -> &'r str {
        self.0.get(name).and_then(|&i| record.get(i)).unwrap_or("")
    }
}

/// Everything gathered for one (commodity, year, batch) so far.
struct Group {
    key: AnnouncementKey,
    first_line: u64,
    meta: Meta,
    /// Where each announcement-level value was first given, to name both rows on a clash.
    meta_lines: HashMap<&'static str, (String, u64)>,
    rows: Vec<(QuotaRow, String)>,
    problem: Option<(String, String)>,
}

pub fn parse(source_name: &str, text: &str) -> Result<ParsedFeed, DocumentError> {
    let mut reader = ReaderBuilder::new().flexible(true).trim(Trim::All).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| DocumentError::Csv(e.to_string()))?.clone();
    let columns = Columns(header.iter().enumerate().map(|(i, name)| (name.trim().to_ascii_lowercase(), i)).collect());
    if let Some(missing) = REQUIRED.into_iter().find(|name| !columns.0.contains_key(*name)) {
        return Err(DocumentError::MissingColumn(missing));
    }

    let mut parsed = ParsedFeed::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<AnnouncementKey, usize> = HashMap::new();
    let reject = |announcement: String, location: String, message: String| AnnouncementError {
        source_name: source_name.to_owned(),
        announcement,
        location,
        message,
    };

    for record in reader.records() {
        let record = record.map_err(|e| DocumentError::Csv(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let key = match read_key(&columns, &record) {
            Ok(key) => key,
            Err((column, message)) => {
                parsed.rejected.push(reject(format!("row {line}"), format!("row {line}, column {column}"), message));
                continue;
            }
        };
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            groups.push(Group {
                key,
                first_line: line,
                meta: Meta::default(),
                meta_lines: HashMap::new(),
                rows: Vec::new(),
                problem: None,
            });
            groups.len() - 1
        });
        let group = &mut groups[slot];
        if group.problem.is_none() && record.len() < header.len() {
            // A short row is a cut-off document (or a broken export), not a row of defaults.
            let message = format!("row {line} has {} fields, the header has {}", record.len(), header.len());
            group.problem = Some((format!("row {line}"), message));
        }
        if group.problem.is_none() {
            group.problem = read_row(&columns, &record, line, group).err();
        }
    }

    for group in groups {
        let label = format!("{} (first at row {})", group.key, group.first_line);
        let result = match group.problem {
            Some(problem) => Err(problem),
            None => validate::finish(group.key, group.meta, group.rows, &format!("row {}", group.first_line)),
        };
        match result {
            Ok(announcement) => parsed.announcements.push(announcement),
            Err((location, message)) => parsed.rejected.push(reject(label, location, message)),
        }
    }
    Ok(parsed)
}

fn read_key(columns: &Columns, record: &StringRecord) -> Result<AnnouncementKey, (&'static str, String)> {
    Ok(AnnouncementKey {
        commodity: validate::commodity(columns.get(record, "commodity")).map_err(|m| ("commodity", m))?,
        year: validate::year(integer(columns.get(record, "year")).map_err(|m| ("year", m))?)
            .map_err(|m| ("year", m))?,
        batch: validate::batch(integer(columns.get(record, "batch")).map_err(|m| ("batch", m))?)
            .map_err(|m| ("batch", m))?,
    })
}

/// Adds one row's quota and announcement-level values to its group.
fn read_row(columns: &Columns, record: &StringRecord, line: u64, group: &mut Group) -> Result<(), (String, String)> {
    let at = |column: &str| format!("row {line}, column {column}");
    let cell = |name: &str| columns.get(record, name);

    let published = match cell("published") {
        "" => None,
        text => Some(validate::published(text).map_err(|m| (at("published"), m))?),
    };
    let status = match cell("status") {
        "" => None,
        text => Some(validate::status(text).map_err(|m| (at("status"), m))?),
    };
    let revision = match cell("revision") {
        "" => None,
        text => {
            Some(validate::revision(integer(text).map_err(|m| (at("revision"), m))?).map_err(|m| (at("revision"), m))?)
        }
    };
    let title = validate::text(cell("title"), MAX_TITLE_CHARS);
    let url = validate::text(cell("url"), MAX_URL_CHARS);
    let id = validate::text(cell("id"), MAX_ID_CHARS);

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

    let (stage, tonnes) = (cell("stage"), cell("tonnes"));
    if stage.is_empty() && tonnes.is_empty() {
        // An announcement-only row, as an unpublished batch is written.
        return Ok(());
    }
    let row = QuotaRow {
        stage: validate::stage(stage).map_err(|m| (at("stage"), m))?,
        category: validate::category(cell("category")).map_err(|m| (at("category"), m))?,
        holder: validate::holder(cell("holder")),
        tonnes: validate::tonnes(number(tonnes).map_err(|m| (at("tonnes"), m))?).map_err(|m| (at("tonnes"), m))?,
    };
    group.rows.push((row, format!("row {line}")));
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
