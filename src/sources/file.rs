//! File sources: a local quota-feed/1 document, read whole or parsed as it is read, with a size cap.

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

/// Reads and parses a CSV or JSON file as it is read (see [`feed::parse_reader`]: a CSV file
/// is never held whole), with the store's fingerprint of the bytes parsed (see
/// [`crate::store::document_fingerprint`]). Checks and errors as [`read_file`]. A large CSV
/// file whose announcements are not each in one run of lines is read twice: in pieces on
/// two cores first, then in one piece.
pub fn parse_file(
    source_name: &str,
    path: &Path,
    format: Option<Format>,
    max_bytes: u64,
) -> Result<(ParsedFeed, u64), SourceError> {
    let (shown, format) = checked(path, format)?;
    let io = |error| SourceError::Io { path: shown.clone(), error };
    for parallel in [true, false] {
        let file = std::fs::File::open(path).map_err(io)?;
        let mut reader = Fingerprinting {
            inner: file.take(max_bytes.saturating_add(1)),
            hasher: crate::store::DocumentHasher::new(format),
            total: 0,
        };
        let parsed = feed::parse_reader(source_name, format, &mut reader, parallel);
        // Whatever the parse found, the size cap comes first, as when the file is read whole.
        if reader.total > max_bytes {
            return Err(SourceError::TooLarge { path: shown, limit: max_bytes });
        }
        match parsed {
            Ok(parsed) => return Ok((parsed, reader.hasher.finish())),
            Err(feed::ReadError::Document(error)) => return Err(error.into()),
            Err(feed::ReadError::Io(error)) => return Err(io(error)),
            Err(feed::ReadError::Interleaved) => {}
        }
    }
    Err(io(std::io::Error::other("the document could not be read in one piece")))
}

/// A file source's path for messages and its format, once it is known to be a regular file
/// (a FIFO or a device would block the read, at start-up before the terminal is set up).
fn checked(path: &Path, format: Option<Format>) -> Result<(String, Format), SourceError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|error| SourceError::Io { path: shown.clone(), error })?;
    if !meta.is_file() {
        return Err(SourceError::Io { path: shown, error: std::io::Error::other("not a regular file") });
    }
    let format = format.or_else(|| Format::from_path(path)).ok_or_else(|| {
        SourceError::Document(DocumentError::Shape(format!("cannot tell json or csv from the name {shown}")))
    })?;
    Ok((shown, format))
}

/// A reader that fingerprints and counts what passes through it.
struct Fingerprinting<R> {
    inner: R,
    hasher: crate::store::DocumentHasher,
    total: u64,
}

impl<R: Read> Read for Fingerprinting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        self.hasher.update(&out[..read]);
        self.total += read as u64;
        Ok(read)
    }
}

/// The store's fingerprint of a file (see [`crate::store::document_fingerprint`]), read a
/// MiB at a time: a large file that turns out unchanged is never held whole. Checks and
/// errors as [`read_bytes`].
pub fn fingerprint_file(path: &Path, format: Option<Format>, max_bytes: u64) -> Result<u64, SourceError> {
    let (shown, format) = checked(path, format)?;
    let io = |error| SourceError::Io { path: shown.clone(), error };
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
    // A CSV file parsed as it is read, never held whole (the dashboard's peak memory at a
    // million rows); the same result and fingerprint as reading it whole.
    if !json {
        let (parsed, fingerprint) = parse_file(source_name, path, format, max_bytes)?;
        return Ok(FileRead::Parsed(parsed, fingerprint));
    }
    let (format, bytes) = read_bytes(path, format, max_bytes)?;
    if let Some(seen) = stored {
        let fingerprint = crate::store::document_fingerprint(format, &bytes);
        if fingerprint == seen && !crate::outlook::may_hold_outlook(&bytes) {
            return Ok(FileRead::AsStored);
        }
        return Ok(FileRead::Parsed(feed::parse(source_name, format, &bytes, usize::MAX)?, fingerprint));
    }
    // JSON: hashed on the second core while this one parses, as `report` does.
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

    /// `parse_file` gives what reading the file whole gives, CSV (in pieces, and an
    /// announcement split across pieces read again in one) and JSON, with the fingerprint of
    /// the bytes, the size cap and a bad byte named as before.
    #[test]
    fn a_file_parsed_as_it_is_read_matches_the_file_read_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut csv = String::from("commodity,year,batch,stage,category,holder,tonnes\n");
        for year in 1990..2090 {
            for holder in 0..700 {
                csv.push_str(&format!(
                    "tungsten,{year},1,mining,primary,Holder {holder:05} of a longer name,{holder}\n"
                ));
            }
        }
        let interleaved = format!("{csv}tungsten,1990,1,mining,primary,Latecomer,5\n");
        let json = r#"{"format": "quota-feed/1", "announcements": [{"commodity": "tungsten", "year": 2024,
            "batch": 1, "quotas": [{"stage": "mining", "tonnes": 62000}]}]}"#;
        for (name, text) in [("plain.csv", csv.as_str()), ("late.csv", &interleaved), ("feed.json", json)] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            let whole = read_file("s", &path, None, u64::MAX).expect("read whole");
            let (streamed, fingerprint) = parse_file("s", &path, None, u64::MAX).expect("parsed");
            assert_eq!(streamed.announcements, whole.announcements, "{name}");
            assert_eq!(streamed.rejected, whole.rejected, "{name}");
            let format = Format::from_path(&path).expect("format");
            assert_eq!(fingerprint, crate::store::document_fingerprint(format, text.as_bytes()), "{name}");
            let over = parse_file("s", &path, None, text.len() as u64 - 1).expect_err("over the cap");
            assert!(matches!(over, SourceError::TooLarge { .. }), "{name}: {over}");
        }
        assert!(csv.len() > 4 << 20, "parsed in pieces");
        let mut bad = csv.into_bytes();
        bad.insert(4_500_000, 0xff);
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, &bad).expect("write");
        let error = parse_file("s", &path, None, u64::MAX).expect_err("not UTF-8");
        assert!(matches!(error, SourceError::Document(DocumentError::NotUtf8 { offset: 4_500_000 })), "{error}");
    }
}
