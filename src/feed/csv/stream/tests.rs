//! The streamed parse against the whole-document one, with every chunk and piece edge
//! somewhere awkward.

use super::{Streamed, parse_sized};
use crate::feed::{DocumentError, ParsedFeed};

/// A reader that hands out at most `step` bytes a call, so reads end mid-line too.
struct Trickle<'b> {
    bytes: &'b [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn whole(bytes: &[u8]) -> Result<ParsedFeed, DocumentError> {
    crate::feed::parse("s", crate::feed::Format::Csv, bytes, usize::MAX)
}

fn streamed(bytes: &[u8], piece: Option<usize>, chunk: usize, step: usize) -> Streamed {
    parse_sized("s", &mut Trickle { bytes, step }, piece, chunk)
}

/// Asserts the streamed parse equals the whole-document one for every chunk size up to
/// `max_chunk`, one piece and many; true when some split into pieces was refused.
fn same_as_whole(name: &str, bytes: &[u8], max_chunk: usize) -> bool {
    let expected = whole(bytes);
    let mut refused = false;
    for chunk in 1..=max_chunk {
        for piece in [None, Some(1), Some(40), Some(150)] {
            let step = if chunk % 2 == 0 { chunk } else { 3 };
            let got = streamed(bytes, piece, chunk, step);
            let at = format!("{name}: chunk {chunk}, piece {piece:?}");
            match (&expected, got) {
                (Ok(expected), Streamed::Parsed(got)) => {
                    assert_eq!(got.announcements, expected.announcements, "{at}");
                    assert_eq!(got.rejected, expected.rejected, "{at}");
                }
                (Err(expected), Streamed::Document(got)) => assert_eq!(&got, expected, "{at}"),
                (Ok(_), Streamed::Interleaved) if piece.is_some() => refused = true,
                (expected, got) => panic!("{at}: expected {expected:?}, got {got:?}"),
            }
        }
    }
    refused
}

const HEADER: &str = "commodity,year,batch,published,stage,category,holder,tonnes,title";

/// A plain document of several announcements, with trouble in some: a bad key (rejected as
/// read), bad tonnes, a clashing title, a repeated row, a short row.
fn plain_document(crlf: bool) -> String {
    let mut lines = vec![HEADER.to_owned()];
    for i in 0..9u16 {
        let (year, batch) = (2000 + i / 2, 1 + i % 2);
        for holder in 0..3 {
            let tonnes = if i == 4 && holder == 1 { "-5".to_owned() } else { format!("{}", 10 + holder) };
            let title = if i == 6 && holder == 2 { "Other" } else { "Batch" };
            lines.push(format!("tungsten,{year},{batch},,mining,primary,Holder {holder},{tonnes},{title}"));
        }
        if i == 3 {
            lines.push(format!("tungsten,{year},{batch},,mining,primary,Holder 0,10,Batch"));
        }
        if i == 7 {
            lines.push(format!("tungsten,{year},{batch},,mining"));
        }
        lines.push(format!("tungsten,{year},{batch},,mining,total,*,33,Batch"));
        if i == 2 {
            lines.push("tungsten,17,1,,mining,total,*,5,Batch".to_owned());
            lines.push(String::new());
        }
    }
    lines.join(if crlf { "\r\n" } else { "\n" })
}

#[test]
fn plain_documents_stream_exactly_as_read_whole() {
    for crlf in [false, true] {
        let text = plain_document(crlf);
        assert!(!same_as_whole(&format!("crlf {crlf}"), text.as_bytes(), 70), "never interleaved");
        let with_end = format!("{text}\n");
        same_as_whole("trailing newline", with_end.as_bytes(), 9);
        let bom = format!("\u{feff}{text}");
        same_as_whole("byte-order mark", bom.as_bytes(), 9);
    }
}

#[test]
fn quoted_cells_across_chunk_edges_read_as_the_csv_reader_reads_them() {
    // Quotes from the middle on (plain lines first, then the state machine), a quoted cell
    // with a comma and a line break in it, and a quoted header.
    let text = plain_document(false);
    let middle = text.len() / 2;
    let line_start = text[..middle].rfind('\n').expect("a line") + 1;
    let quoted = format!(
        "{}tungsten,2030,1,,mining,primary,\"Holder, \"\"the\"\"\nsecond\",7,Batch\n{}",
        &text[..line_start],
        &text[line_start..]
    );
    same_as_whole("quoted from the middle", quoted.as_bytes(), 40);
    let quoted_header =
        format!("\"commodity\",year,batch,published,stage,category,holder,tonnes,title\n{}", &text[HEADER.len() + 1..]);
    same_as_whole("quoted header", quoted_header.as_bytes(), 20);
    let lone_cr = text.replacen('\n', "\r", 3);
    same_as_whole("lone CR", lone_cr.as_bytes(), 20);
    let crlf_quoted = plain_document(true).replacen("Holder 1", "\"Holder 1\"", 1);
    same_as_whole("CRLF, quoted", crlf_quoted.as_bytes(), 20);
}

#[test]
fn multi_byte_characters_split_by_a_read_and_bytes_that_are_not_utf8() {
    let text = plain_document(false).replace("Holder 2", "Holder 江西 ✓").replace("Batch", "Lot №");
    same_as_whole("multi-byte", text.as_bytes(), 30);
    for at in [3, HEADER.len() + 5, text.len() / 2, text.len() - 1] {
        let mut bytes = text.as_bytes().to_vec();
        bytes.insert(at, 0xff);
        let expected = whole(&bytes);
        assert!(matches!(expected, Err(DocumentError::NotUtf8 { .. })), "{expected:?}");
        same_as_whole(&format!("0xff at {at}"), &bytes, 12);
    }
    // A character cut off by the end of the document.
    let mut cut = text.as_bytes().to_vec();
    cut.extend_from_slice(&"江".as_bytes()[..2]);
    same_as_whole("cut character", &cut, 12);
}

#[test]
fn header_problems_and_empty_documents_give_the_same_errors() {
    for (name, text) in [
        ("empty", ""),
        ("blank lines", "\n\r\n\n"),
        ("only a header", "commodity,year,batch,stage,tonnes"),
        ("missing column", "commodity,year,batch,stage\ntungsten,2024,1,mining"),
        ("blank line first", "\ncommodity,year,batch,stage,tonnes\ntungsten,2024,1,mining,5\n"),
        ("spaces", "   \n"),
    ] {
        same_as_whole(name, text.as_bytes(), 8);
    }
    // A missing column loses to a byte that is not UTF-8 anywhere after it.
    let mut bytes = b"commodity,year,batch,stage\ntungsten,2024,1,mining\n".to_vec();
    bytes.push(0xc3);
    same_as_whole("missing column, then not UTF-8", &bytes, 8);
}

#[test]
fn an_error_in_row_n_names_row_n() {
    let mut text = String::from("commodity,year,batch,stage,category,holder,tonnes\n");
    for row in 2..=600 {
        let tonnes = if row == 457 { "lots".to_owned() } else { row.to_string() };
        text.push_str(&format!("tungsten,{},1,mining,light,Holder {row},{tonnes}\n", 2000 + row / 100));
    }
    for (piece, chunk) in [(None, 1000), (Some(2000), 777), (Some(64), 64)] {
        let Streamed::Parsed(parsed) = streamed(text.as_bytes(), piece, chunk, chunk) else { panic!("parsed") };
        let locations: Vec<&str> = parsed.rejected.iter().map(|r| r.location.as_str()).collect();
        assert_eq!(locations, ["row 457, column tonnes"], "piece {piece:?}, chunk {chunk}");
    }
}

#[test]
fn an_announcement_in_two_pieces_is_refused_and_one_piece_reads_it() {
    let mut text = plain_document(false);
    text.push_str("\ntungsten,2000,1,,mining,primary,Holder 9,1,Batch");
    assert!(same_as_whole("interleaved", text.as_bytes(), 30), "some split was refused");
}

#[test]
fn a_json_document_read_a_byte_at_a_time_parses_as_read_whole() {
    let text = "{\"format\": \"quota-feed/1\", \"announcements\": [{\"commodity\": \"tungsten\", \"year\": 2024, \
                \"batch\": 1, \"title\": \"Lot № 1\", \"quotas\": [{\"stage\": \"mining\", \"tonnes\": 62000}, \
                {\"stage\": \"mining\", \"tonnes\": -1}]}, {\"commodity\": \"tungsten\", \"year\": 2023, \
                \"batch\": 1, \"quotas\": [{\"stage\": \"mining\", \"tonnes\": 61000}]}]}";
    for bytes in [text.as_bytes().to_vec(), text.replace("Lot", "L\u{ff}t").into_bytes(), b"{\"format\": 1".to_vec()] {
        let format = crate::feed::Format::Json;
        let expected = crate::feed::parse("s", format, &bytes, usize::MAX);
        let got = crate::feed::parse_reader("s", format, &mut Trickle { bytes: &bytes, step: 1 }, true);
        match (expected, got) {
            (Ok(expected), Ok(got)) => {
                assert_eq!(got.announcements, expected.announcements);
                assert_eq!(got.rejected, expected.rejected);
            }
            (Err(expected), Err(crate::feed::ReadError::Document(got))) => assert_eq!(got, expected),
            (expected, got) => panic!("expected {expected:?}, got {got:?}"),
        }
    }
}
