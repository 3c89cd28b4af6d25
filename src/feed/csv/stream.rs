//! A CSV document parsed as it is read, a MiB at a time, so it is never held whole (the
//! 1M-row feed is 82 MB): the reading thread cuts what it reads into runs of whole lines
//! and hands them to a parser thread; a large plain document is parsed in pieces of a few
//! MiB, each by its own [`Parser`], the pieces shared out between two threads and joined
//! in document order.
//!
//! The result is exactly what [`super::parse`] gives for the same bytes: the same error
//! first (a byte that is not UTF-8 anywhere wins over a missing column), the same records
//! (quote-free lines split directly, as the whole-document path does; from the first run
//! with a quote or a lone `\r` on, `csv_core`, the state machine under the csv reader, with
//! the csv reader's line numbers), and pieces joined only when no announcement is in two of
//! them (else [`Streamed::Interleaved`]: the caller reads the document again in one piece).
//! A run ends after a `\n`, which is never part of a multi-byte character, so each run is
//! checked as UTF-8 on its own.

use std::io::Read;
use std::sync::mpsc;
use std::thread::{Scope, ScopedJoinHandle};

use super::{Parser, header_parser, parallel::key_prefix};
use crate::feed::{DocumentError, ParsedFeed};

mod pieces;
mod quoted;
use pieces::{Piece, Run, join, parse_pieces};
use quoted::Quoted;

/// How much is read at a time.
const CHUNK: usize = 1 << 20;
/// A piece for one parser: large enough that each piece's own maps and names cost nothing.
const PIECE: usize = 4 << 20;
/// Runs queued for a parser thread: what is read ahead stays a few MiB.
const QUEUE: usize = 3;

/// What a streamed parse gave.
#[derive(Debug)]
pub enum Streamed {
    Parsed(ParsedFeed),
    Document(DocumentError),
    Io(std::io::Error),
    /// An announcement's rows were in two pieces: read the document again with `parallel` off.
    Interleaved,
}

/// Parses `reader`'s CSV document (a leading byte-order mark skipped); with `parallel`, a
/// large plain document in pieces on two threads.
pub fn parse_reader(source_name: &str, reader: &mut dyn Read, parallel: bool) -> Streamed {
    let two = parallel && std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2;
    parse_sized(source_name, reader, two.then_some(PIECE), CHUNK)
}

/// [`parse_reader`] reading `chunk` bytes at a time, in pieces of `piece` bytes on two
/// threads (`None`: one piece). Tests make both tiny, to put every edge somewhere awkward.
fn parse_sized(source_name: &str, reader: &mut dyn Read, piece: Option<usize>, chunk: usize) -> Streamed {
    std::thread::scope(|scope| {
        let mut streamer = Streamer::new(source_name, piece, scope);
        let mut buffer: Vec<u8> = Vec::with_capacity(chunk);
        let mut bom_checked = false;
        loop {
            let eof = match fill(reader, &mut buffer, chunk) {
                Ok(eof) => eof,
                Err(error) => return Streamed::Io(error),
            };
            if !bom_checked {
                if buffer.len() < 3 && !eof {
                    continue;
                }
                if buffer.starts_with(b"\xEF\xBB\xBF") {
                    buffer.drain(..3);
                }
                bom_checked = true;
            }
            let cut = if eof { buffer.len() } else { memchr::memrchr(b'\n', &buffer).map_or(0, |i| i + 1) };
            if cut > 0 {
                // The run leaves in its own buffer; the bytes after its last line start the next.
                let mut next = streamer.free_buffer();
                next.extend_from_slice(&buffer[cut..]);
                buffer.truncate(cut);
                streamer.run(std::mem::replace(&mut buffer, next));
            }
            if eof {
                return streamer.finish();
            }
        }
    })
}

/// The reading thread's state.
struct Streamer<'s, 'scope, 'env> {
    source_name: &'s str,
    /// The size of a piece when two threads parse (`None`: one does, in one piece).
    two: Option<usize>,
    scope: &'scope Scope<'scope, 'env>,
    free_tx: mpsc::Sender<Vec<u8>>,
    free_rx: mpsc::Receiver<Vec<u8>>,
    senders: Vec<mpsc::SyncSender<Run>>,
    workers: Vec<ScopedJoinHandle<'scope, Vec<Piece>>>,
    /// The parser of a plain header: each piece starts as its sibling.
    template: Option<Parser<'s>>,
    /// The header lacks a column: only a later byte that is not UTF-8 can change the outcome.
    missing: Option<&'static str>,
    /// The csv state machine on this thread, when the header needs it: then it reads the
    /// whole document, into `quoted_parser` (`None` until the header is read).
    quoted: Option<Quoted>,
    quoted_parser: Option<Parser<'s>>,
    /// A run of the plain document needed the state machine: from it on, every run goes to
    /// the current piece's thread, which reads them with it.
    switched: bool,
    not_utf8: Option<usize>,
    /// The document offset (after a byte-order mark) and the line of the next byte.
    offset: usize,
    line: u64,
    piece: usize,
    piece_bytes: usize,
    /// The first cells of the last line sent, to tell where the next announcement starts.
    last_prefix: Vec<u8>,
}

impl<'s, 'scope, 'env> Streamer<'s, 'scope, 'env>
where
    's: 'scope,
{
    fn new(source_name: &'s str, two: Option<usize>, scope: &'scope Scope<'scope, 'env>) -> Self {
        let (free_tx, free_rx) = mpsc::channel();
        Streamer {
            source_name,
            two,
            scope,
            free_tx,
            free_rx,
            senders: Vec::new(),
            workers: Vec::new(),
            template: None,
            missing: None,
            quoted: None,
            quoted_parser: None,
            switched: false,
            not_utf8: None,
            offset: 0,
            line: 1,
            piece: 0,
            piece_bytes: 0,
            last_prefix: Vec::new(),
        }
    }

    /// A buffer a parser thread is done with, or a new one.
    fn free_buffer(&self) -> Vec<u8> {
        let mut buffer = self.free_rx.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        buffer.clear();
        buffer
    }

    fn fail_utf8(&mut self, at: usize, bytes: &[u8]) -> bool {
        match std::str::from_utf8(bytes) {
            Ok(_) => false,
            Err(error) => {
                self.not_utf8 = Some(self.not_utf8.unwrap_or(usize::MAX).min(at + error.valid_up_to()));
                true
            }
        }
    }

    /// Takes one run of whole lines (the last run may lack its line end).
    fn run(&mut self, mut run: Vec<u8>) {
        if self.not_utf8.is_some() {
            // Settled: the first byte that is not UTF-8 is earlier. The rest is only read.
            return;
        }
        let mut start = 0;
        if self.template.is_none() && self.missing.is_none() && self.quoted.is_none() {
            match plain_header(&run) {
                Some(end) if self.fail_utf8(self.offset, &run[..end]) => return,
                Some(end) => {
                    let line = std::str::from_utf8(&run[..end]).unwrap_or_default();
                    let line = line.strip_suffix('\n').unwrap_or(line);
                    let cells: Vec<&str> = line.strip_suffix('\r').unwrap_or(line).split(',').collect();
                    match header_parser(self.source_name, &cells) {
                        Ok(parser) => self.template = Some(parser),
                        Err(missing) => self.missing = Some(missing),
                    }
                    (start, self.line) = (end, 2);
                }
                None => self.quoted = Some(Quoted::new(1)),
            }
        }
        if self.missing.is_some() {
            self.fail_utf8(self.offset, &run);
        } else if self.template.is_some() && self.quoted.is_none() {
            if start > 0 {
                run.drain(..start);
                self.offset += start;
            }
            self.switched = self.switched || !plain(&run);
            if self.switched {
                self.send(run);
            } else {
                self.plain(run);
            }
            return;
        } else if !self.fail_utf8(self.offset + start, &run[start..]) {
            let source_name = self.source_name;
            let parser = &mut self.quoted_parser;
            let quoted = self.quoted.get_or_insert_with(|| Quoted::new(1));
            if let Err(missing) =
                quoted.feed(&run[start..], &mut |cells, line| read_quoted(source_name, parser, cells, line))
            {
                self.missing = Some(missing);
            }
        }
        self.offset += run.len();
        let _ = self.free_tx.send(run);
    }

    /// A plain run to the parser threads, split where a new piece begins.
    fn plain(&mut self, mut run: Vec<u8>) {
        if let Some(piece) = self.two.filter(|&piece| self.piece_bytes + run.len() >= piece) {
            let from = piece.saturating_sub(self.piece_bytes).min(run.len());
            if let Some(split) = self.boundary(&run, from) {
                let tail = run[split..].to_vec();
                run.truncate(split);
                if !run.is_empty() {
                    self.send(run);
                }
                self.piece += 1;
                self.piece_bytes = 0;
                self.send(tail);
                return;
            }
        }
        self.send(run);
    }

    /// The start of the first line at or after byte `from` of `run` (counting from the line
    /// holding it) whose first three cells differ from the line before it.
    fn boundary(&self, run: &[u8], from: usize) -> Option<usize> {
        let mut at = memchr::memrchr(b'\n', &run[..from]).map_or(0, |i| i + 1);
        let mut previous: &[u8] = if at == 0 {
            &self.last_prefix
        } else {
            let before = &run[..at - 1];
            key_prefix(&before[memchr::memrchr(b'\n', before).map_or(0, |i| i + 1)..])
        };
        while at < run.len() {
            let end = memchr::memchr(b'\n', &run[at..]).map_or(run.len(), |i| at + i);
            let prefix = key_prefix(&run[at..end]);
            if prefix != previous && (at > 0 || self.piece_bytes > 0) {
                return Some(at);
            }
            previous = prefix;
            at = end + 1;
        }
        None
    }

    /// Sends a run to the parser thread of the current piece, starting it the first time.
    fn send(&mut self, bytes: Vec<u8>) {
        let worker = if self.two.is_some() { self.piece % 2 } else { 0 };
        while self.senders.len() <= worker {
            let (tx, rx) = mpsc::sync_channel::<Run>(QUEUE);
            let template = self.template.as_ref().map(Parser::sibling);
            let free = self.free_tx.clone();
            self.workers
                .push(self.scope.spawn(move || template.map(|t| parse_pieces(t, rx, free)).unwrap_or_default()));
            self.senders.push(tx);
        }
        let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        self.last_prefix.clear();
        self.last_prefix.extend_from_slice(key_prefix(&body[memchr::memrchr(b'\n', body).map_or(0, |i| i + 1)..]));
        let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let len = bytes.len();
        let run = Run { piece: self.piece, first_line: self.line, offset: self.offset, bytes, quoted: self.switched };
        // A closed channel means the thread ended early; joining it says so.
        let _ = self.senders[worker].send(run);
        self.line += lines;
        self.offset += len;
        self.piece_bytes += len;
    }

    fn finish(mut self) -> Streamed {
        if let Some(quoted) = self.quoted.as_mut()
            && self.not_utf8.is_none()
            && self.missing.is_none()
        {
            let (source_name, parser) = (self.source_name, &mut self.quoted_parser);
            if let Err(missing) = quoted.feed(&[], &mut |cells, line| read_quoted(source_name, parser, cells, line)) {
                self.missing = Some(missing);
            }
        }
        self.senders.clear();
        let mut pieces: Vec<Piece> = Vec::new();
        for worker in std::mem::take(&mut self.workers) {
            match worker.join() {
                Ok(done) => pieces.extend(done),
                Err(_) => return Streamed::Io(std::io::Error::other("a CSV parser thread failed")),
            }
        }
        if let Some(offset) = pieces.iter().filter_map(|p| p.not_utf8).chain(self.not_utf8).min() {
            return Streamed::Document(DocumentError::NotUtf8 { offset });
        }
        if let Some(missing) = self.missing {
            return Streamed::Document(DocumentError::MissingColumn(missing));
        }
        match self.quoted_parser {
            Some(parser) => pieces.push(Piece::finish(0, parser, None)),
            None if self.template.is_none() => {
                return Streamed::Document(DocumentError::MissingColumn(super::REQUIRED[0]));
            }
            None => {}
        }
        pieces.sort_by_key(|p| p.index);
        join(pieces)
    }
}

/// A record the csv state machine read on the reading thread: the header, then rows.
fn read_quoted<'s>(
    source_name: &'s str,
    parser: &mut Option<Parser<'s>>,
    cells: &Vec<&str>,
    line: u64,
) -> Result<(), &'static str> {
    match parser {
        Some(parser) => parser.record(cells, line),
        None => *parser = Some(header_parser(source_name, cells)?),
    }
    Ok(())
}

/// Reads until `buffer` holds `chunk` more bytes or the reader ends; true at the end.
fn fill(reader: &mut dyn Read, buffer: &mut Vec<u8>, chunk: usize) -> std::io::Result<bool> {
    // `read_to_end` reads into the spare capacity without clearing it first.
    let read = reader.take(chunk as u64).read_to_end(buffer)?;
    Ok(read < chunk)
}

/// Quote-free lines ending in `\n` or `\r\n`: every line one record, every comma a separator.
fn plain(run: &[u8]) -> bool {
    memchr::memchr(b'"', run).is_none() && memchr::memchr_iter(b'\r', run).all(|i| run.get(i + 1) == Some(&b'\n'))
}

/// The length of the run's first line when it is a plain, non-empty header (what the csv
/// reader would read as the header, split at its commas); `None` when the csv reader must.
fn plain_header(run: &[u8]) -> Option<usize> {
    let end = memchr::memchr(b'\n', run).map_or(run.len(), |i| i + 1);
    let line = &run[..end];
    let content = line.strip_suffix(b"\n").unwrap_or(line);
    let content = content.strip_suffix(b"\r").unwrap_or(content);
    (plain(line) && !content.is_empty()).then_some(end)
}

#[cfg(test)]
mod tests;
