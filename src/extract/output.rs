//! The extractor's result as a quota-feed/1 document: announcements with `tier`,
//! `cumulative` and `citations`, and `expectations` (feed-format.md "Provenance"). One
//! function per encoding; holder-only announcements (a province's own notice) are left
//! out, since a feed reader would take their holder rows for the national total.
//!
//! Written from the extractor's own types until `model::Announcement` carries `tier`,
//! `cumulative` and `citations`; then [`to_json`] becomes a conversion plus the shared writer.

use super::{ExtractedAnnouncement, Extraction, FoundExpectation};
use crate::feed::FORMAT as FORMAT_ID;

/// The limits quota-feed/1 readers cut titles and links to.
const MAX_TITLE_CHARS: usize = 200;
const MAX_URL_CHARS: usize = 2_000;

/// Text from a document is untrusted: no control characters or escapes go out.
fn clean(text: &str, max_chars: usize) -> String {
    crate::feed::clean_text(text, max_chars)
}

/// The announcements a feed can carry: every one with a national figure or none at all.
pub fn feed_announcements(extraction: &Extraction) -> impl Iterator<Item = &ExtractedAnnouncement> {
    extraction.announcements.iter().filter(|a| !a.holders_only || a.rows.is_empty())
}

/// A quota-feed/1 JSON document, pretty-printed (two-space indents, as `serde_json`'s
/// pretty printer writes them: the feed's readers and the corpus tests see the same bytes).
pub fn to_json(extraction: &Extraction) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_json(extraction, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_json`] written to `out` as it is made, a few kB at a time: `extract` of a large feed
/// never holds the whole document. Written by hand rather than through `serde`: the
/// document of a 10,000-item feed is a few thousand citations, and this is most of the
/// time `extract` spends after the extraction (docs/benchmarks.md).
pub fn write_json(extraction: &Extraction, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut w = Json { buf: String::with_capacity(FLUSH_AT + 4096) };
    w.buf.push_str("{\n  \"format\": ");
    w.string(FORMAT_ID);
    w.buf.push_str(",\n  \"announcements\": [");
    let mut any = false;
    for a in feed_announcements(extraction) {
        w.buf.push_str(if any { ",\n    {" } else { "\n    {" });
        any = true;
        announcement(&mut w, a);
        w.buf.push_str("\n    }");
        if w.buf.len() >= FLUSH_AT {
            out.write_all(w.buf.as_bytes())?;
            w.buf.clear();
        }
    }
    w.buf.push_str(if any { "\n  ]" } else { "]" });
    if !extraction.expectations.is_empty() {
        w.buf.push_str(",\n  \"expectations\": [");
        for (i, e) in extraction.expectations.iter().enumerate() {
            w.buf.push_str(if i > 0 { ",\n    {" } else { "\n    {" });
            expectation(&mut w, e);
            w.buf.push_str("\n    }");
        }
        w.buf.push_str("\n  ]");
    }
    w.buf.push_str("\n}\n");
    out.write_all(w.buf.as_bytes())
}

const FLUSH_AT: usize = 64 * 1024;

/// The text of a JSON document being written, with the members of an object separated as
/// the pretty printer does (`,` and a new line at the object's depth).
struct Json {
    buf: String,
}

impl Json {
    /// Starts member `name` of an object at `indent` (its first member when `first`).
    fn key(&mut self, indent: &str, name: &str, first: bool) {
        self.buf.push_str(if first { "\n" } else { ",\n" });
        self.buf.push_str(indent);
        self.buf.push('"');
        self.buf.push_str(name);
        self.buf.push_str("\": ");
    }

    /// A JSON string, escaped as `serde_json` escapes (`\"`, `\\`, the short escapes of
    /// `\b \f \n \r \t`, other control characters as `\u00XX`; nothing else).
    fn string(&mut self, text: &str) {
        self.buf.push('"');
        let bytes = text.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &str = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..0x20 => "",
                _ => continue,
            };
            // Escaped bytes are ASCII, so `from..i` is whole characters.
            self.buf.push_str(&text[from..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.buf.push_str("\\u00");
                self.buf.push(char::from(HEX[usize::from(b >> 4)]));
                self.buf.push(char::from(HEX[usize::from(b & 0xf)]));
            } else {
                self.buf.push_str(escape);
            }
            from = i + 1;
        }
        self.buf.push_str(&text[from..]);
        self.buf.push('"');
    }

    fn uint(&mut self, n: u64) {
        use std::fmt::Write as _;
        let _ = write!(self.buf, "{n}");
    }

    /// A figure: whole numbers as integers (`135000`, not `135000.0`), as `export` writes them.
    fn num(&mut self, value: f64) {
        if value.fract() == 0.0 && value.abs() < 9e15 {
            use std::fmt::Write as _;
            let _ = write!(self.buf, "{}", value as i64);
        } else {
            self.buf.push_str(&serde_json::to_string(&value).unwrap_or_else(|_| "null".to_owned()));
        }
    }

    fn date(&mut self, d: chrono::NaiveDate) {
        use chrono::Datelike as _;
        use std::fmt::Write as _;
        let (y, m, day) = (d.year(), d.month(), d.day());
        let _ = if (0..=9999).contains(&y) {
            write!(self.buf, "\"{y:04}-{m:02}-{day:02}\"")
        } else {
            write!(self.buf, "\"{}\"", d.format("%Y-%m-%d"))
        };
    }

    /// Untrusted text cleaned for the feed (see [`clean`]), without a copy when it is clean.
    fn clean_string(&mut self, text: &str, max_chars: usize) {
        if is_clean(text, max_chars) {
            self.string(text);
        } else {
            self.string(&clean(text, max_chars));
        }
    }
}

/// True when [`clean`] returns `text` as it is: no control or bidi character (so no escape
/// sequence either), words separated by single spaces and no other white space, and short
/// enough. Titles in any script are nearly always like this; checking is far cheaper than
/// cleaning.
fn is_clean(text: &str, max_chars: usize) -> bool {
    const BIDI: &[char] = &[
        '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
        '\u{2067}', '\u{2068}', '\u{2069}',
    ];
    let bytes = text.as_bytes();
    if bytes.first().is_none_or(|b| *b == b' ') || bytes.last().is_some_and(|b| *b == b' ') || text.contains("  ") {
        return false;
    }
    if text.is_ascii() {
        return bytes.len() <= max_chars && bytes.iter().all(|b| (b' '..=b'~').contains(b));
    }
    let mut count = 0;
    for c in text.chars() {
        count += 1;
        if c.is_control() || (c != ' ' && c.is_whitespace()) || BIDI.contains(&c) {
            return false;
        }
    }
    count <= max_chars
}

fn announcement(w: &mut Json, a: &ExtractedAnnouncement) {
    const IN: &str = "      ";
    w.key(IN, "commodity", true);
    w.string(a.commodity.slug());
    w.key(IN, "year", false);
    w.uint(u64::from(a.year));
    if let Some(b) = a.batch {
        w.key(IN, "batch", false);
        w.uint(u64::from(b));
    }
    if let Some(d) = a.published {
        w.key(IN, "published", false);
        w.date(d);
    }
    w.key(IN, "status", false);
    w.string(a.status.slug());
    w.key(IN, "title", false);
    w.clean_string(&a.title, MAX_TITLE_CHARS);
    if let Some(u) = a.url.as_deref() {
        w.key(IN, "url", false);
        w.clean_string(u, MAX_URL_CHARS);
    }
    w.key(IN, "tier", false);
    w.string(a.tier.slug());
    w.key(IN, "cumulative", false);
    w.buf.push_str(if a.cumulative { "true" } else { "false" });
    if !a.citations.is_empty() {
        w.key(IN, "citations", false);
        w.buf.push('[');
        for (i, c) in a.citations.iter().enumerate() {
            const CIN: &str = "          ";
            w.buf.push_str(if i > 0 { ",\n        {" } else { "\n        {" });
            w.key(CIN, "title", true);
            w.clean_string(&c.title, MAX_TITLE_CHARS);
            if let Some(u) = c.url.as_deref() {
                w.key(CIN, "url", false);
                w.clean_string(u, MAX_URL_CHARS);
            }
            if let Some(d) = c.published {
                w.key(CIN, "published", false);
                w.date(d);
            }
            if let Some(s) = c.source.as_deref() {
                w.key(CIN, "source", false);
                w.string(s);
            }
            w.buf.push_str("\n        }");
        }
        w.buf.push_str("\n      ]");
    }
    w.key(IN, "quotas", false);
    w.buf.push('[');
    for (i, r) in a.rows.iter().enumerate() {
        const RIN: &str = "          ";
        w.buf.push_str(if i > 0 { ",\n        {" } else { "\n        {" });
        w.key(RIN, "stage", true);
        w.string(r.stage.slug());
        w.key(RIN, "category", false);
        w.string(r.category);
        w.key(RIN, "holder", false);
        w.string(r.holder.unwrap_or(crate::model::ALL_HOLDERS));
        w.key(RIN, "tonnes", false);
        w.num(r.tonnes);
        w.buf.push_str("\n        }");
    }
    w.buf.push_str(if a.rows.is_empty() { "]" } else { "\n      ]" });
}

fn expectation(w: &mut Json, e: &FoundExpectation) {
    const IN: &str = "      ";
    w.key(IN, "commodity", true);
    w.string(e.commodity.slug());
    w.key(IN, "year", false);
    w.uint(u64::from(e.year));
    if let Some(b) = e.batch {
        w.key(IN, "batch", false);
        w.uint(u64::from(b));
    }
    w.key(IN, "stage", false);
    w.string(e.stage.slug());
    if let Some((low, high)) = e.tonnes {
        w.key(IN, "low", false);
        w.num(low);
        w.key(IN, "high", false);
        w.num(high);
    }
    if let Some((low, high)) = e.pct {
        w.key(IN, "low_pct", false);
        w.num(low);
        w.key(IN, "high_pct", false);
        w.num(high);
    }
    if let Some(who) = e.who.as_deref() {
        w.key(IN, "who", false);
        w.string(who);
    }
    if let Some(d) = e.published {
        w.key(IN, "published", false);
        w.date(d);
    }
    if let Some(u) = e.url.as_deref() {
        w.key(IN, "url", false);
        w.string(u);
    }
}

/// The same announcements as [`to_json`] in quota-feed/1 CSV: the JSON read back by the
/// feed's own parser and written by its own writer, so `extract --format csv` and `export
/// --format csv` have one layout (expectations have no place in CSV).
pub fn to_csv(extraction: &Extraction) -> String {
    let json = to_json(extraction);
    match crate::feed::parse("extract", crate::feed::Format::Json, json.as_bytes(), usize::MAX) {
        Ok(parsed) => crate::feed::write::to_csv(&parsed.announcements),
        // What to_json writes always parses; if it did not, the JSON says more than nothing.
        Err(_) => crate::feed::write::to_csv(&[]),
    }
}

/// Why each announcement was read as it was, for `extract --explain`: one line per figure
/// with the text it came from, one per note.
pub fn explain(extraction: &Extraction) -> String {
    let mut text = String::new();
    for a in &extraction.announcements {
        let batch = a.batch.map_or("no batch".to_owned(), |b| format!("batch {b}"));
        let left_out =
            if a.holders_only && !a.rows.is_empty() { " (holder rows only: left out of the feed)" } else { "" };
        text.push_str(&format!(
            "{} {} {batch}{}{} [{}]{left_out}: {}\n",
            a.commodity.slug(),
            a.year,
            if a.cumulative { " cumulative" } else { "" },
            if a.status == crate::model::Status::Unpublished { " unpublished" } else { "" },
            a.tier.slug(),
            a.title
        ));
        for r in &a.rows {
            let holder = r.holder.unwrap_or("*");
            text.push_str(&format!("  {} {} {holder} {} t ← {}\n", r.stage, r.category, r.tonnes, r.span));
        }
        for why in &a.why {
            text.push_str(&format!("  why: {why}\n"));
        }
        for c in &a.citations {
            text.push_str(&format!(
                "  also: {}{}\n",
                c.title,
                c.url.as_deref().map(|u| format!(" <{u}>")).unwrap_or_default()
            ));
        }
    }
    for e in &extraction.expectations {
        text.push_str(&format!(
            "expectation {} {} {} ({}) ← {}\n",
            e.commodity.slug(),
            e.year,
            e.stage,
            e.who.as_deref().unwrap_or("unnamed"),
            e.span
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`is_clean`] may only say so when cleaning would change nothing: checked on the
    /// corpus's titles and bodies and on text drawn from characters that cleaning does
    /// change (escapes, C0 and C1 controls, bidi controls, Unicode spaces) mixed with
    /// ones it keeps (CJK, accents, emoji, punctuation).
    #[test]
    fn clean_text_is_only_skipped_when_it_would_change_nothing() {
        let corpus = std::fs::read_to_string("tests/fixtures/extract/corpus.toml").expect("corpus");
        let mut texts: Vec<String> =
            corpus.lines().map(|l| l.split_once(" = ").map_or(l, |(_, v)| v).trim_matches('"').to_owned()).collect();
        let alphabet: Vec<char> = "ab Z09 -,.稀土吨。、“”…€éß😀\u{1b}[\u{9b}\u{85}\u{7f}\u{200e}\u{202e}\u{a0}\u{3000}\u{2028}\u{feff}\u{301}\t\n"
            .chars()
            .collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let len = (seed % 12) as usize;
            let mut text = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            texts.push(text);
        }
        let mut skipped = 0;
        for text in &texts {
            for max in [5, MAX_TITLE_CHARS] {
                if is_clean(text, max) {
                    skipped += 1;
                    assert_eq!(clean(text, max), *text, "{text:?} at {max}");
                }
            }
        }
        assert!(skipped > 300, "the fast path was taken {skipped} times");
    }
}
