//! Reading one source for a load, before it is merged: a file whose last document the
//! store holds is fingerprinted first (and skipped when unchanged), a CSV file is parsed as
//! it is read, anything else read whole and parsed.

use crate::config::{SourceConfig, SourceKind};
use crate::feed::{self, ParsedFeed};
use crate::sources::{SourceError, fingerprint_file, parse_file, read_bytes, read_file, read_once_following};
use crate::store::DocumentSeen;

/// What reading one source gave, before it is merged.
pub(super) enum SourceRead {
    /// The same bytes as the last document merged from this source, with nothing merged
    /// from it since: merging again would change nothing, so it was not parsed. Holds how
    /// many announcements that document had.
    Unchanged(usize),
    /// Read (or not wanted: an empty feed), with the document to remember when there is a store.
    Read(Result<ParsedFeed, SourceError>, Option<DocumentSeen>),
}

/// Reads one source. `known` is the fingerprint and size of the last document the store
/// holds for it; `followed`, the pages an `rss` or `page` source read in earlier runs.
pub(super) fn fetch(
    source: &SourceConfig,
    wanted: bool,
    with_store: bool,
    known: Option<(u64, usize)>,
    followed: std::collections::HashSet<String>,
) -> SourceRead {
    if !wanted {
        return SourceRead::Read(Ok(ParsedFeed::default()), None);
    }
    let SourceKind::File { path } = &source.kind else {
        return SourceRead::Read(read_once_following(source, followed), None);
    };
    if !with_store {
        return SourceRead::Read(read_file(&source.name, path, source.format, source.max_bytes), None);
    }
    // A document seen before is fingerprinted a MiB at a time first: when it is unchanged
    // (a desk re-running `report`), the file is never held whole (82 MB for 1M rows).
    // An unchanged JSON document is still read if it may carry expectations or events:
    // those are not stored, so they are parsed again.
    let mut unchanged_json = None;
    if let Some((seen, accepted)) = known {
        match fingerprint_file(path, source.format, source.max_bytes) {
            Ok(fingerprint) if fingerprint == seen => {
                if source.format.or_else(|| feed::Format::from_path(path)) != Some(feed::Format::Json) {
                    return SourceRead::Unchanged(accepted);
                }
                unchanged_json = Some(accepted);
            }
            Ok(_) => {}
            Err(error) => return SourceRead::Read(Err(error), None),
        }
    }
    if unchanged_json.is_none() && source.format.or_else(|| feed::Format::from_path(path)) == Some(feed::Format::Csv) {
        // Parsed as it is read, a MiB at a time, and fingerprinted on the way: the 1M-row
        // feed (82 MB) is never held whole.
        let parsed = parse_file(&source.name, path, source.format, source.max_bytes);
        let document = parsed.as_ref().ok().map(|(p, fingerprint)| seen(source, *fingerprint, p));
        return SourceRead::Read(parsed.map(|(parsed, _)| parsed), document);
    }
    let (format, bytes) = match read_bytes(path, source.format, source.max_bytes) {
        Ok(read) => read,
        Err(error) => return SourceRead::Read(Err(error), None),
    };
    if let Some(accepted) = unchanged_json
        && !crate::outlook::may_hold_outlook(&bytes)
    {
        return SourceRead::Unchanged(accepted);
    }
    // The fingerprint of the bytes parsed (the file may have changed since the check
    // above), hashed on the second core while this one parses.
    let (fingerprint, parsed) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| crate::store::document_fingerprint(format, &bytes));
        let parsed = feed::parse(&source.name, format, &bytes, usize::MAX).map_err(SourceError::from);
        let fingerprint = hashing.join().unwrap_or_else(|_| crate::store::document_fingerprint(format, &bytes));
        (fingerprint, parsed)
    });
    let document = parsed.as_ref().ok().map(|p| seen(source, fingerprint, p));
    SourceRead::Read(parsed, document)
}

/// The store's note of a document parsed from `source`.
fn seen(source: &SourceConfig, fingerprint: u64, parsed: &ParsedFeed) -> DocumentSeen {
    DocumentSeen {
        source: source.name.clone(),
        fingerprint,
        accepted: parsed.announcements.len(),
        reusable: parsed.rejected.is_empty(),
    }
}
