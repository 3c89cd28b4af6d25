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

/// The store's fingerprint of a file (see [`crate::store::document_fingerprint`]), read a
/// MiB at a time: a large file that turns out unchanged is never held whole. Checks and
/// errors as [`read_bytes`].
pub fn fingerprint_file(path: &Path, format: Option<Format>, max_bytes: u64) -> Result<u64, SourceError> {
    let shown = path.display().to_string();
    let io = |error| SourceError::Io { path: shown.clone(), error };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::other("not a regular file")));
    }
    let format = format.or_else(|| Format::from_path(path)).ok_or_else(|| {
        SourceError::Document(DocumentError::Shape(format!("cannot tell json or csv from the name {shown}")))
    })?;
    let mut file = std::fs::File::open(path).map_err(io)?.take(max_bytes.saturating_add(1));
    let mut hasher = crate::store::DocumentHasher::new(format);
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(io(error)),
        };
        total += read as u64;
        hasher.update(&buffer[..read]);
    }
    if total > max_bytes {
        return Err(SourceError::TooLarge { path: shown, limit: max_bytes });
    }
    Ok(hasher.finish())
}

/// What the dashboard's poller found reading a file source.
#[derive(Debug)]
pub enum FileRead {
    /// The same bytes as the document the history store holds for the source (and, for
    /// JSON, no expectations or events, which are not stored): merging it again would change
    /// nothing, so it was not parsed. A CSV file is only fingerprinted, a MiB at a time.
    AsStored,
    /// Parsed, with [`crate::store::document_fingerprint`] of the bytes parsed.
    Parsed(ParsedFeed, u64),
}

/// Reads a file source as [`read_file`] does, against `stored`, the fingerprint of the
/// document the store holds for it (the skip `report` makes; see [`FileRead`]).
pub fn read_file_against(
    source_name: &str,
    path: &Path,
    format: Option<Format>,
    max_bytes: u64,
    stored: Option<u64>,
) -> Result<FileRead, SourceError> {
    let json = format.or_else(|| Format::from_path(path)) == Some(Format::Json);
    if let Some(seen) = stored
        && !json
        && fingerprint_file(path, format, max_bytes)? == seen
    {
        return Ok(FileRead::AsStored);
    }
    let (format, bytes) = read_bytes(path, format, max_bytes)?;
    if let Some(seen) = stored.filter(|_| json) {
        let fingerprint = crate::store::document_fingerprint(format, &bytes);
        if fingerprint == seen && !crate::outlook::may_hold_outlook(&bytes) {
            return Ok(FileRead::AsStored);
        }
        return Ok(FileRead::Parsed(feed::parse(source_name, format, &bytes, usize::MAX)?, fingerprint));
    }
    // Hashed on the second core while this one parses, as `report` does.
    let (fingerprint, parsed) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| crate::store::document_fingerprint(format, &bytes));
        let parsed = feed::parse(source_name, format, &bytes, usize::MAX);
        let fingerprint = hashing.join().unwrap_or_else(|_| crate::store::document_fingerprint(format, &bytes));
        (fingerprint, parsed)
    });
    Ok(FileRead::Parsed(parsed?, fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_fingerprinted_piece_by_piece_matches_its_bytes_and_keeps_the_size_cap() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("feed.csv");
        // Over three of the MiB pieces, not a whole number of them.
        let bytes: Vec<u8> = (0..3_500_000u32).map(|i| b"0123456789,\n"[(i % 12) as usize]).collect();
        std::fs::write(&path, &bytes).expect("write");
        let expected = crate::store::document_fingerprint(Format::Csv, &bytes);
        assert_eq!(fingerprint_file(&path, None, u64::MAX).expect("fingerprint"), expected);
        assert_eq!(fingerprint_file(&path, None, bytes.len() as u64).expect("at the cap"), expected);
        let error = fingerprint_file(&path, None, bytes.len() as u64 - 1).expect_err("over the cap");
        assert!(matches!(error, SourceError::TooLarge { .. }), "{error}");
        let json = fingerprint_file(&path, Some(Format::Json), u64::MAX).expect("fingerprint");
        assert_ne!(json, expected, "the format is part of the fingerprint");
        assert!(fingerprint_file(dir.path(), None, u64::MAX).is_err(), "a folder is not a regular file");
    }
}
