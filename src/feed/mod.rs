//! quota-feed/1 documents (JSON and CSV) to validated [`Announcement`]s.
//!
//! A document is either rejected whole ([`DocumentError`]: not parseable, wrong format,
//! over the size limit) or split into accepted announcements and per-announcement
//! errors ([`AnnouncementError`]) that name the source, the announcement and the row
//! or JSON path. Pure: no I/O but the reader a caller hands [`parse_reader`], no async, no terminal.

mod csv;
mod json;

/// The `format` tag of a quota-feed/1 JSON document, read and written.
pub const FORMAT: &str = "quota-feed/1";

mod sanitize;
mod validate;
pub mod write;

use std::fmt;
use std::path::Path;

pub use sanitize::clean_text;
pub use validate::MAX_CITATIONS;

use crate::model::Announcement;

/// The two encodings of quota-feed/1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name implies, if its extension says.
    pub fn from_path(path: &Path) -> Option<Self> {
        path.extension().and_then(|ext| Self::parse(&ext.to_string_lossy()))
    }

    pub fn slug(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// What a document yielded: the announcements that passed validation and the ones that did not.
#[derive(Debug, Default)]
pub struct ParsedFeed {
    pub announcements: Vec<Announcement>,
    pub rejected: Vec<AnnouncementError>,
    /// The document's `expectations` and `events` (JSON only), each validated on its own.
    pub outlook: crate::outlook::ParsedOutlook,
    /// The items of an `rss` or `page` source that matched the quota keywords (with or
    /// without figures); empty for quota-feed/1 documents.
    pub headlines: Vec<crate::news::Headline>,
}

/// One announcement rejected whole, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{source_name}: {announcement}: {location}: {message}")]
pub struct AnnouncementError {
    /// The configured source name.
    pub source_name: String,
    /// The announcement's key if it could be read, and its position in the document.
    pub announcement: String,
    /// JSON path (`announcements[2].quotas[0].tonnes`) or CSV row (`row 7, column tonnes`).
    pub location: String,
    pub message: String,
}

/// Why a whole document was rejected; nothing from it is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("document is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("`format` is {found}, expected \"quota-feed/1\"")]
    WrongFormat { found: String },
    #[error("{0}")]
    Shape(String),
    #[error("CSV: {0}")]
    Csv(String),
    #[error("CSV header lacks the required column `{0}`")]
    MissingColumn(&'static str),
}

/// Why a document read through [`parse_reader`] gave nothing.
#[derive(Debug)]
pub enum ReadError {
    /// Rejected whole, as [`parse`] rejects it.
    Document(DocumentError),
    /// The reader failed.
    Io(std::io::Error),
    /// Read in pieces, an announcement was in two of them: read it again with `parallel` off.
    Interleaved,
}

/// [`parse`] (without the size limit, which the caller's reader enforces) of a document
/// read from `reader`: a CSV document as it is read, a MiB at a time, never held whole, and
/// with `parallel` a large plain one parsed in pieces on two threads; a JSON document is
/// read whole first. The result is exactly what [`parse`] gives for the same bytes.
pub fn parse_reader(
    source_name: &str,
    format: Format,
    reader: &mut dyn std::io::Read,
    parallel: bool,
) -> Result<ParsedFeed, ReadError> {
    match format {
        Format::Json => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(ReadError::Io)?;
            parse(source_name, format, &bytes, usize::MAX).map_err(ReadError::Document)
        }
        Format::Csv => match csv::stream::parse_reader(source_name, reader, parallel) {
            csv::stream::Streamed::Parsed(parsed) => Ok(parsed),
            csv::stream::Streamed::Document(error) => Err(ReadError::Document(error)),
            csv::stream::Streamed::Io(error) => Err(ReadError::Io(error)),
            csv::stream::Streamed::Interleaved => Err(ReadError::Interleaved),
        },
    }
}

/// Parses one document from `source_name`, enforcing `max_bytes`.
///
/// A leading UTF-8 byte-order mark is skipped.
pub fn parse(source_name: &str, format: Format, bytes: &[u8], max_bytes: usize) -> Result<ParsedFeed, DocumentError> {
    if bytes.len() > max_bytes {
        return Err(DocumentError::TooLarge { size: bytes.len(), limit: max_bytes });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| DocumentError::NotUtf8 { offset: e.valid_up_to() })?;
    match format {
        Format::Json => json::parse(source_name, text),
        Format::Csv => csv::parse(source_name, text),
    }
}
