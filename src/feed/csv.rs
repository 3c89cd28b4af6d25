//! The CSV encoding of quota-feed/1: one row per quota row, rows sharing
//! (commodity, year, batch) form one announcement. A bad row rejects its announcement
//! (all of that announcement's rows), never the rest of the document.

use std::collections::HashMap;
use std::fmt;

use csv::{ReaderBuilder, StringRecord};

use super::validate::{self, Meta, Names};
use super::{AnnouncementError, DocumentError, ParsedFeed};
use crate::model::{AnnouncementKey, QuotaRow};

/// Columns without which no row can be read.
const REQUIRED: [&str; 5] = ["commodity", "year", "batch", "stage", "tonnes"];

/// Every column the reader knows; the position in this list names the column in [`Columns`].
const KNOWN: [&str; 15] = [
    "commodity",
    "year",
    "batch",
    "stage",
    "tonnes",
    "category",
    "holder",
    "published",
    "status",
    "revision",
    "title",
    "url",
    "id",
    "tier",
    "cumulative",
];
const COMMODITY: usize = 0;
const YEAR: usize = 1;
const BATCH: usize = 2;
const STAGE: usize = 3;
const TONNES: usize = 4;
const CATEGORY: usize = 5;
const HOLDER: usize = 6;
/// The announcement-level columns, in the order they are checked.
const META: [usize; 8] = [7, 8, 9, 10, 11, 12, 13, 14];
const CUMULATIVE: usize = 14;

/// Column positions found in the header (matched case-insensitively), looked up once.
#[derive(Clone, Copy)]
struct Columns([Option<usize>; KNOWN.len()]);

impl Columns {
    /// A cell with surrounding white space trimmed; "" when the column or the cell is missing.
    fn get<'r, R: Cells>(&self, record: &'r R, column: usize) -> &'r str {
        self.0[column].and_then(|i| record.cell(i)).map_or("", trim)
    }
}

/// `str::trim`, skipping the scan for the usual cell that starts and ends with a visible ASCII character.
fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// A CSV line, shown as "row N" only when an error names it.
#[derive(Debug, Clone, Copy)]
struct Line(u64);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.0)
    }
}

/// Everything gathered for one (commodity, year, batch) so far.
struct Group {
    key: AnnouncementKey,
    first_line: u64,
    meta: Meta,
    /// Where each announcement-level value was first given, to name both rows on a clash.
    meta_lines: HashMap<&'static str, (String, u64)>,
    /// The text of each announcement-level cell as last accepted (by [`META`] position): a
    /// later row repeating it, as exports do on every row, needs no parsing again.
    meta_raw: [String; META.len()],
    rows: Vec<QuotaRow>,
    /// Where each of `rows` is.
    lines: Vec<Line>,
    problem: Option<(String, String)>,
}

/// The key cells of the previous row and the group they lead to: rows of one announcement
/// usually come together, so most rows need no key parsing and no lookup.
#[derive(Default)]
struct LastKey {
    cells: [String; 3],
    slot: Option<usize>,
}

impl LastKey {
    fn matches(&self, cells: [&str; 3]) -> Option<usize> {
        self.slot.filter(|_| self.cells.iter().zip(cells).all(|(held, cell)| validate::same(held, cell)))
    }

    fn remember(&mut self, cells: [&str; 3], slot: usize) {
        for (held, cell) in self.cells.iter_mut().zip(cells) {
            held.clear();
            held.push_str(cell);
        }
        self.slot = Some(slot);
    }
}

/// A record's cells, whichever reader split them.
trait Cells {
    fn cell(&self, index: usize) -> Option<&str>;
    fn count(&self) -> usize;
}

impl Cells for StringRecord {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index)
    }

    fn count(&self) -> usize {
        self.len()
    }
}

impl Cells for Vec<&str> {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index).copied()
    }

    fn count(&self) -> usize {
        self.len()
    }
}

pub fn parse(source_name: &str, text: &str) -> Result<ParsedFeed, DocumentError> {
    // Cells are trimmed where they are read ([`Columns::get`]), which is cheaper than
    // trimming every field of every record up front.
    let mut reader = ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| DocumentError::Csv(e.to_string()))?.clone();
    let mut parser =
        header_parser(source_name, &header.iter().collect::<Vec<_>>()).map_err(DocumentError::MissingColumn)?;
    match plain_body(text) {
        Some(body) => {
            if let Some(parsed) = parallel::parse(&parser, body) {
                return Ok(parsed);
            }
            // The header is line 1.
            parser.plain(body, 2);
        }
        None => {
            let mut record = StringRecord::new();
            while reader.read_record(&mut record).map_err(|e| DocumentError::Csv(e.to_string()))? {
                let line = record.position().map_or(0, |p| p.line());
                parser.record(&record, line);
            }
        }
    }
    Ok(parser.finish())
}

/// The parser for a document with this header, or the first required column it lacks.
fn header_parser<'s>(source_name: &'s str, header: &[&str]) -> Result<Parser<'s>, &'static str> {
    let mut columns = Columns([None; KNOWN.len()]);
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if let Some(known) = KNOWN.iter().position(|k| k.eq_ignore_ascii_case(name)) {
            columns.0[known] = Some(i);
        }
    }
    if let Some(missing) = REQUIRED.into_iter().find(|name| !header.iter().any(|h| h.trim().eq_ignore_ascii_case(name)))
    {
        return Err(missing);
    }
    Ok(Parser::new(source_name, columns, header.len()))
}

/// The document after its header line when it has no quotes and ends lines with `\n` or
/// `\r\n`: then every line is one record and every comma separates two cells. Otherwise
/// (quoted cells, lone `\r`, or an empty first line, which the csv reader skips to find the
/// header) the csv reader does the work.
fn plain_body(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    if bytes.contains(&b'"') || bytes.starts_with(b"\n") || bytes.starts_with(b"\r\n") {
        return None;
    }
    let lone_cr = text.match_indices('\r').any(|(i, _)| bytes.get(i + 1) != Some(&b'\n'));
    if lone_cr {
        return None;
    }
    Some(text.split_once('\n').map_or("", |(_, body)| body))
}

/// The state of one document's parse: groups of rows by announcement, in order of first appearance.
struct Parser<'s> {
    source_name: &'s str,
    columns: Columns,
    header_len: usize,
    parsed: ParsedFeed,
    groups: Vec<Group>,
    index: foldhash::HashMap<AnnouncementKey, usize>,
    last_key: LastKey,
    names: Names,
}

impl<'s> Parser<'s> {
    fn new(source_name: &'s str, columns: Columns, header_len: usize) -> Self {
        Parser {
            source_name,
            columns,
            header_len,
            parsed: ParsedFeed::default(),
            groups: Vec::new(),
            index: Default::default(),
            last_key: LastKey::default(),
            names: Names::default(),
        }
    }

    /// An empty parser for the same document (same columns), for another part of it.
    fn sibling(&self) -> Self {
        Parser::new(self.source_name, self.columns, self.header_len)
    }

    /// Adds the records of `body`, a run of whole lines of a plain document (see
    /// [`plain_body`]) whose first line is line `first_line`.
    fn plain(&mut self, body: &str, first_line: u64) {
        // One pass over the bytes finds both the commas and the line ends: the same records
        // the csv reader would give, without its state machine or a copy of every cell.
        let mut cells: Vec<&str> = Vec::with_capacity(self.header_len);
        let bytes = body.as_bytes();
        let (mut line, mut line_start, mut cell_start) = (first_line, 0, 0);
        for (i, &byte) in bytes.iter().enumerate() {
            if byte == b',' {
                cells.push(&body[cell_start..i]);
                cell_start = i + 1;
            } else if byte == b'\n' {
                let end = if i > line_start && bytes[i - 1] == b'\r' { i - 1 } else { i };
                if end > line_start {
                    cells.push(&body[cell_start.min(end)..end]);
                    self.record(&cells, line);
                }
                cells.clear();
                (line, line_start, cell_start) = (line + 1, i + 1, i + 1);
            }
        }
        let end = bytes.len() - usize::from(bytes.len() > line_start && bytes[bytes.len() - 1] == b'\r');
        if end > line_start {
            cells.push(&body[cell_start.min(end)..end]);
            self.record(&cells, line);
        }
    }

    fn reject(&self, announcement: String, location: String, message: String) -> AnnouncementError {
        AnnouncementError { source_name: self.source_name.to_owned(), announcement, location, message }
    }

    /// Adds one record, found on `line`, to its announcement.
    fn record<R: Cells>(&mut self, record: &R, line: u64) {
        if (0..record.count()).all(|i| record.cell(i).is_none_or(|c| trim(c).is_empty())) {
            return;
        }
        let columns = &self.columns;
        let key_cells = [COMMODITY, YEAR, BATCH].map(|column| columns.get(record, column));
        let slot = match self.last_key.matches(key_cells) {
            Some(slot) => slot,
            None => {
                let key = match read_key(columns, record) {
                    Ok(key) => key,
                    Err((column, message)) => {
                        let rejected =
                            self.reject(format!("row {line}"), format!("row {line}, column {column}"), message);
                        self.parsed.rejected.push(rejected);
                        return;
                    }
                };
                let groups = &mut self.groups;
                // Announcements of one document tend to be alike in size: room for as many
                // rows as the last one had saves growing (and copying) the list row by row.
                let expected_rows = groups.last().map_or(0, |g| g.rows.len());
                let slot = *self.index.entry(key.clone()).or_insert_with(|| {
                    groups.push(Group {
                        key,
                        first_line: line,
                        meta: Meta::default(),
                        meta_lines: HashMap::new(),
                        meta_raw: Default::default(),
                        rows: Vec::with_capacity(expected_rows),
                        lines: Vec::with_capacity(expected_rows),
                        problem: None,
                    });
                    groups.len() - 1
                });
                self.last_key.remember(key_cells, slot);
                slot
            }
        };
        let group = &mut self.groups[slot];
        if group.problem.is_none() && record.count() < self.header_len {
            // A short row is a cut-off document (or a broken export), not a row of defaults.
            let message = format!("row {line} has {} fields, the header has {}", record.count(), self.header_len);
            group.problem = Some((format!("row {line}"), message));
        }
        if group.problem.is_none() {
            group.problem = read_row(&self.columns, record, line, group, &mut self.names).err();
        }
    }

    fn finish(mut self) -> ParsedFeed {
        for group in std::mem::take(&mut self.groups) {
            let label = format!("{} (first at row {})", group.key, group.first_line);
            let result = match group.problem {
                Some(problem) => Err(problem),
                None => validate::finish(
                    group.key,
                    group.meta,
                    group.rows,
                    &group.lines,
                    &format!("row {}", group.first_line),
                ),
            };
            match result {
                Ok(announcement) => self.parsed.announcements.push(announcement),
                Err((location, message)) => {
                    let rejected = self.reject(label, location, message);
                    self.parsed.rejected.push(rejected);
                }
            }
        }
        self.parsed
    }
}

mod cells;
mod parallel;
pub(super) mod stream;

use cells::{read_key, read_row};

#[cfg(test)]
mod tests {
    use super::parse;

    /// The quote-free fast path and the csv reader must read a document the same way,
    /// row numbers in errors included.
    #[test]
    fn plain_and_quoted_documents_read_alike() {
        let plain = "commodity,year,batch,stage,category,holder,tonnes\n\
                     tungsten,2023,1,mining,total,*,62000\r\n\
                     \n\
                     tungsten, 2023 ,1,mining,light,A Co,100\n\
                     tungsten,2023,2,mining,total,*,-1\n\
                     tungsten,1700,1,mining,total,*,1\n\
                     tungsten,2024,1,mining,total,*,5";
        let quoted = plain.replace("A Co", "\"A Co\"");
        assert!(super::plain_body(plain).is_some() && super::plain_body(&quoted).is_none());
        let (a, b) = (parse("s", plain).expect("plain"), parse("s", &quoted).expect("quoted"));
        assert_eq!(a.announcements, b.announcements);
        assert_eq!(a.rejected, b.rejected);
        assert_eq!(a.announcements.len(), 2);
        let locations: Vec<&str> = a.rejected.iter().map(|r| r.location.as_str()).collect();
        assert_eq!(locations, ["row 6, column year", "row 5, column tonnes"]);
    }
}
