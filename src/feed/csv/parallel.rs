//! A large plain CSV document parsed on two cores: split at an announcement boundary near
//! the middle, each half parsed by its own [`Parser`], the results joined in document order.
//!
//! The result must be exactly what one parser gives (the same announcements, rejections
//! and row numbers), so the split is taken only when it cannot change anything: each half
//! holds whole announcements, no announcement appears in both, and the rejections keep
//! the order one parser gives (rows rejected as they are read, then announcements
//! rejected when finished, each in document order). Otherwise the caller parses the
//! document in one piece.

use super::{ParsedFeed, Parser};

/// Below this a second thread costs more than it saves.
const MIN_BYTES: usize = 4 << 20;

/// The document parsed in two halves, or `None` when it must be parsed in one piece.
pub(super) fn parse(template: &Parser<'_>, body: &str) -> Option<ParsedFeed> {
    if body.len() < MIN_BYTES || std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return None;
    }
    split_near(template, body, body.len() / 2)
}

/// [`parse`] with the split looked for from byte `near` on.
fn split_near(template: &Parser<'_>, body: &str, near: usize) -> Option<ParsedFeed> {
    let split = announcement_boundary(body, near)?;
    let (first, second) = body.split_at(split);
    let (mut a, b) = std::thread::scope(|scope| {
        let later = scope.spawn(|| {
            // Counting the first half's lines here keeps it off the path both halves wait on.
            let second_line = 2 + first.bytes().filter(|&b| b == b'\n').count() as u64;
            let mut parser = template.sibling();
            parser.plain(second, second_line);
            parser
        });
        let mut parser = template.sibling();
        parser.plain(first, 2);
        (parser, later.join())
    });
    let b = b.ok()?;
    // An announcement whose rows are in both halves would be two groups here: one parser
    // must see it whole.
    if b.index.keys().any(|key| a.index.contains_key(key)) {
        return None;
    }
    let (read_a, read_b) = (a.parsed.rejected.len(), b.parsed.rejected.len());
    let (finished_a, finished_b) = std::thread::scope(|scope| {
        let later = scope.spawn(|| b.finish());
        let earlier = std::mem::replace(&mut a, template.sibling()).finish();
        (earlier, later.join())
    });
    let (mut finished_a, mut finished_b) = (finished_a, finished_b.ok()?);
    let finished_rejects_a = finished_a.rejected.split_off(read_a);
    let finished_rejects_b = finished_b.rejected.split_off(read_b);
    let mut parsed = finished_a;
    parsed.announcements.append(&mut finished_b.announcements);
    parsed.rejected.append(&mut finished_b.rejected);
    parsed.rejected.extend(finished_rejects_a);
    parsed.rejected.extend(finished_rejects_b);
    Some(parsed)
}

/// The start of the first line at or after `near` whose first three cells (commodity, year,
/// batch, as the generator and exports write them) differ from the line before it: a
/// boundary between two announcements that are each written in one run of lines. `None`
/// when there is none in the second half.
///
/// The cells compared are the line's first three in whatever column order the header
/// gives; when the key columns are elsewhere this may split inside an announcement, which
/// the caller detects (the same key in both halves) and then parses in one piece.
fn announcement_boundary(body: &str, near: usize) -> Option<usize> {
    let bytes = body.as_bytes();
    // The line holding byte `near`, then each line after it.
    let newline = near + bytes.get(near..)?.iter().position(|&b| b == b'\n')?;
    let line_start = bytes[..newline].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut previous = &bytes[line_start..newline];
    let mut start = newline + 1;
    while start < bytes.len() {
        let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        if key_prefix(line) != key_prefix(previous) {
            return Some(start);
        }
        previous = line;
        start = end + 1;
    }
    None
}

/// A line up to its third comma.
pub(super) fn key_prefix(line: &[u8]) -> &[u8] {
    let mut commas = 0;
    for (i, &b) in line.iter().enumerate() {
        if b == b',' {
            commas += 1;
            if commas == 3 {
                return &line[..i];
            }
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::super::{Columns, KNOWN, Parser};
    use super::split_near;

    const HEADER: &str = "commodity,year,batch,published,stage,category,holder,tonnes,title";

    /// A document of `announcements` announcements of a few rows each, with trouble in some:
    /// a bad key (rejected as read), bad tonnes, a clashing title, a duplicate row.
    fn document(announcements: u16, interleaved: bool) -> String {
        let mut lines = Vec::new();
        for i in 0..announcements {
            let (year, batch) = (1990 + i / 2, 1 + i % 2);
            let title = if i % 7 == 3 { "Other" } else { "Batch" };
            for holder in 0..4 {
                let tonnes = if i % 11 == 5 && holder == 2 { "-1".to_owned() } else { format!("{}", 100 + holder) };
                let title = if holder == 3 { title } else { "Batch" };
                lines.push(format!("tungsten,{year},{batch},,mining,primary,Holder {holder},{tonnes},{title}"));
            }
            if i % 13 == 4 {
                lines.push(format!("tungsten,{year},{batch},,mining,primary,Holder 0,100,Batch"));
            }
            if i % 9 == 2 {
                lines.push("tungsten,17,1,,mining,total,*,5,Batch".to_owned());
            }
            lines.push(format!("tungsten,{year},{batch},,mining,total,*,406,Batch"));
        }
        if interleaved {
            lines.push("tungsten,1990,1,,smelting-separation,total,*,1,Batch".to_owned());
        }
        format!("{}\n", lines.join("\n"))
    }

    fn parser() -> Parser<'static> {
        let mut columns = Columns([None; KNOWN.len()]);
        for (i, name) in HEADER.split(',').enumerate() {
            columns.0[KNOWN.iter().position(|k| *k == name).expect("known column")] = Some(i);
        }
        Parser::new("s", columns, HEADER.split(',').count())
    }

    /// For every place the split can fall, two halves give what one parser gives, or the
    /// split is refused.
    #[test]
    fn two_halves_parse_exactly_as_one_or_not_at_all() {
        for interleaved in [false, true] {
            let body = document(40, interleaved);
            let mut one = parser();
            one.plain(&body, 2);
            let one = one.finish();
            assert!(
                !one.rejected.is_empty() && one.announcements.len() > 20,
                "the document has trouble to keep in order"
            );
            let mut split = 0;
            for near in (0..body.len()).step_by(11) {
                if let Some(two) = split_near(&parser(), &body, near) {
                    split += 1;
                    assert_eq!(two.announcements, one.announcements, "split near {near}");
                    assert_eq!(two.rejected, one.rejected, "split near {near}");
                }
            }
            if interleaved {
                assert_eq!(split, 0, "an announcement in both halves is never split");
            } else {
                assert!(split > 50, "{split} splits taken");
            }
        }
    }
}
