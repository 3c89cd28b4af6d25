//! The pieces of a streamed CSV document: each parsed on a parser thread by its own
//! [`Parser`], finished there, and joined in document order as one parser would give them.

use std::sync::mpsc;

use super::super::Parser;
use super::{Quoted, Streamed};
use crate::feed::ParsedFeed;
use crate::model::AnnouncementKey;

/// A run of whole lines for a parser thread: its piece, where it starts, its bytes.
pub(super) struct Run {
    pub piece: usize,
    pub first_line: u64,
    pub offset: usize,
    pub bytes: Vec<u8>,
    /// Read by the csv state machine (from the first run that needs it to the end).
    pub quoted: bool,
}

/// One piece parsed and finished: its result, how many of its rejections came from rows
/// read (the rest from announcements finished), the keys it held, and the offset of its
/// first byte that is not UTF-8.
pub(super) struct Piece {
    pub index: usize,
    parsed: ParsedFeed,
    read_rejects: usize,
    keys: Vec<AnnouncementKey>,
    pub not_utf8: Option<usize>,
}

impl Piece {
    pub(super) fn finish(index: usize, parser: Parser<'_>, not_utf8: Option<usize>) -> Piece {
        let read_rejects = parser.parsed.rejected.len();
        let keys = parser.index.keys().cloned().collect();
        Piece { index, parsed: parser.finish(), read_rejects, keys, not_utf8 }
    }
}

/// A parser thread: each run into its piece's parser, each piece finished when the next
/// begins (a run the csv state machine must read stays in the piece of the run before).
pub(super) fn parse_pieces<'s>(
    template: Parser<'s>,
    runs: mpsc::Receiver<Run>,
    free: mpsc::Sender<Vec<u8>>,
) -> Vec<Piece> {
    let mut done = Vec::new();
    let mut current: Option<(usize, Parser<'s>, Option<usize>)> = None;
    let mut quoted: Option<Quoted> = None;
    for run in runs {
        if current.as_ref().is_some_and(|(piece, ..)| *piece != run.piece)
            && let Some((piece, parser, bad)) = current.take()
        {
            done.push(Piece::finish(piece, parser, bad));
        }
        let (_, parser, bad) = current.get_or_insert_with(|| (run.piece, template.sibling(), None));
        if bad.is_none() {
            match std::str::from_utf8(&run.bytes) {
                Ok(_) if run.quoted => {
                    let state = quoted.get_or_insert_with(|| Quoted::new(run.first_line));
                    let _ = state.feed(&run.bytes, &mut |cells, line| {
                        parser.record(cells, line);
                        Ok::<(), ()>(())
                    });
                }
                Ok(text) => parser.plain(text, run.first_line),
                Err(error) => *bad = Some(run.offset + error.valid_up_to()),
            }
        }
        let _ = free.send(run.bytes);
    }
    if let Some((piece, mut parser, bad)) = current {
        if let Some(state) = quoted.as_mut().filter(|_| bad.is_none()) {
            let _ = state.feed(&[], &mut |cells, line| {
                parser.record(cells, line);
                Ok::<(), ()>(())
            });
        }
        done.push(Piece::finish(piece, parser, bad));
    }
    done
}

/// The pieces' results in document order, as one parser gives them (rows rejected as read,
/// then announcements rejected when finished, each in document order), or
/// [`Streamed::Interleaved`] when an announcement is in two pieces.
pub(super) fn join(pieces: Vec<Piece>) -> Streamed {
    if pieces.len() > 1 {
        let mut seen = foldhash::HashSet::default();
        if !pieces.iter().flat_map(|p| &p.keys).all(|key| seen.insert(key)) {
            return Streamed::Interleaved;
        }
    }
    let mut parsed = ParsedFeed::default();
    let mut finished_rejects = Vec::new();
    for mut piece in pieces {
        finished_rejects.extend(piece.parsed.rejected.split_off(piece.read_rejects));
        parsed.announcements.append(&mut piece.parsed.announcements);
        parsed.rejected.append(&mut piece.parsed.rejected);
    }
    parsed.rejected.extend(finished_rejects);
    Streamed::Parsed(parsed)
}
