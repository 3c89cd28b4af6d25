//! File sources: a local quota-feed/1 document, read whole with a size cap.

use std::io::Read;
use std::path::Path;

use super::SourceError;
use crate::feed::{self, DocumentError, Format, ParsedFeed};

/// Reads and parses a file; `format` `None` means "from the extension".
///
/// The read stops one byte past `max_bytes`, so an oversized file never fills memory.
pub fn read_file(
    source_name: &str,
    path: &Path,
    format: Option<Format>,
    max_bytes: u64,
) -> Result<ParsedFeed, SourceError> {
    let (format, bytes) = read_bytes(path, format, max_bytes)?;
    Ok(feed::parse(source_name, format, &bytes, usize::MAX)?)
}

/// Reads a file whole (at most `max_bytes`) and settles its format, without parsing it.
pub fn read_bytes(path: &Path, format: Option<Format>, max_bytes: u64) -> Result<(Format, Vec<u8>), SourceError> {
    let shown = path.display().to_string();
    let io = |error| SourceError::Io { path: shown.clone(), error };
    // A FIFO or a device would block the read (at start-up, before the terminal is set up).
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::other("not a regular file")));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // Sized from the file's length up front, so a large file is not copied as the buffer grows.
    let expected = file.metadata().map_or(0, |m| m.len()).min(max_bytes).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(SourceError::TooLarge { path: shown, limit: max_bytes });
    }
    let format = format.or_else(|| Format::from_path(path)).ok_or_else(|| {
        SourceError::Document(DocumentError::Shape(format!("cannot tell json or csv from the name {shown}")))
    })?;
    Ok((format, bytes))
}
