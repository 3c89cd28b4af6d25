//! A quick reader of the XML that feeds are nearly always written in, giving the events
//! of [`super::xmlfeed::Reading`] without quick-xml: elements, attributes (read by
//! quick-xml's own `BytesStart`), text, CDATA, the five entities and character references,
//! comments and processing instructions. Anything else (a DOCTYPE, a `\r`, an unknown
//! kind of markup, a mismatched or unclosed tag, an entity reference it cannot be sure of)
//! makes it give up, and the document is read by quick-xml, which gives every error.
//!
//! Why: quick-xml checks the UTF-8 of each event again and builds events this reader does
//! not need; over a 10,000-item feed that was a quarter of `extract`'s time.

use memchr::memmem;
use quick_xml::events::{BytesRef, BytesStart};

use super::Item;
use super::xmlfeed::Reading;

/// The items and the feed's title; `None` when the document is left to quick-xml, which
/// then reads it whole (also when it is not a feed at all, to give quick-xml's error).
pub fn read(text: &str) -> Option<(Vec<Item>, Option<String>)> {
    let b = text.as_bytes();
    // XML 1.0 line-end normalisation is quick-xml's to do.
    if memchr::memchr(b'\r', b).is_some() {
        return None;
    }
    let mut feed = Reading::default();
    // The names of the open elements, for the check that each end tag closes the last.
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some(n) = memchr::memchr2(b'<', b'&', &b[i..]) else {
            feed.text(&text[i..]);
            break;
        };
        if n > 0 {
            feed.text(&text[i..i + n]);
        }
        i += n;
        if b[i] == b'&' {
            let rest = &b[i + 1..];
            let len =
                rest.iter().position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'#' | b'_' | b'.' | b'-')))?;
            if len == 0 || rest[len] != b';' {
                return None;
            }
            feed.reference(&BytesRef::new(&text[i + 1..i + 1 + len])).ok()?;
            i += len + 2;
            continue;
        }
        i = match b.get(i + 1)? {
            b'/' => {
                let end = i + memchr::memchr(b'>', &b[i..])?;
                let name = text[i + 2..end].trim_end_matches([' ', '\t', '\n']);
                if name.contains(['"', '\'', '<']) || open.pop()? != name {
                    return None;
                }
                feed.end();
                end + 1
            }
            b'!' if b[i..].starts_with(b"<![CDATA[") => {
                let from = i + "<![CDATA[".len();
                let close = from + memmem::find(&b[from..], b"]]>")?;
                feed.text(&text[from..close]);
                close + "]]>".len()
            }
            b'!' if b[i..].starts_with(b"<!--") => {
                // Only a comment with no `--` inside and not starting with `>` or `->`, on
                // which every reader agrees where it ends.
                let from = i + "<!--".len();
                if b[from..].starts_with(b">") || b[from..].starts_with(b"->") {
                    return None;
                }
                let dashes = from + memmem::find(&b[from..], b"--")?;
                if b.get(dashes + 2) != Some(&b'>') {
                    return None;
                }
                dashes + "-->".len()
            }
            b'?' => {
                let from = i + "<?".len();
                let close = memmem::find(&b[from..], b"?>")?;
                if close == 0 {
                    return None;
                }
                from + close + "?>".len()
            }
            c if c.is_ascii_alphabetic() || *c == b'_' => {
                let end = i + 1 + tag_end(&b[i + 1..])?;
                let inner = &text[i + 1..end];
                if inner.contains('<') {
                    return None;
                }
                let (content, empty) = match inner.strip_suffix('/') {
                    Some(content) => (content, true),
                    None => (inner, false),
                };
                let name_len = content.find([' ', '\t', '\n']).unwrap_or(content.len());
                feed.start(&BytesStart::from_content(content, name_len)).ok()?;
                if empty {
                    feed.end();
                } else {
                    open.push(&content[..name_len]);
                }
                end + 1
            }
            _ => return None,
        };
    }
    if !open.is_empty() {
        return None;
    }
    feed.done().ok()
}

/// Where a start tag's `>` is, outside quoted attribute values (as quick-xml finds it).
fn tag_end(b: &[u8]) -> Option<usize> {
    let mut quote = None;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', b) {
        match (quote, b[i]) {
            (None, b'>') => return Some(i),
            (None, q) => quote = Some(q),
            (Some(q), c) if q == c => quote = None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    /// Whenever the quick reader reads a document, quick-xml reads the same items from it.
    #[test]
    fn the_quick_reader_reads_what_quick_xml_reads() {
        let dir = std::path::Path::new("tests/fixtures/extract");
        let mut read = 0;
        let mut documents: Vec<String> = ["rss2.xml", "atom.xml", "rss1.rdf", "malformed.xml", "bomb.xml"]
            .iter()
            .map(|name| std::fs::read_to_string(dir.join(name)).expect("fixture"))
            .collect();
        let rss = "<?xml version=\"1.0\"?>\n<!-- generator=\"x\" --><rss version=\"2.0\"><channel><title>W &amp; R</title>\
                   <item><title>A &amp; B &#31232; &#x571F; &unknown;</title><link> https://x/1 </link>\
                   <pubDate>Fri, 15 Dec 2023 08:00:00 GMT</pubDate><guid isPermaLink='false'>a>b</guid>\
                   <description><![CDATA[<p>135,000 tonnes</p>]]></description><empty/></item>\
                   <entry><link rel=\"self\" href=\"https://x/self\"/><link href=\"https://x/a?b=1&amp;c=2\"/></entry>\
                   </channel></rss>";
        documents.push(rss.to_owned());
        // Cut short anywhere, with a tag changed or a `\r`: either reader gives up or both agree.
        for cut in (0..rss.len()).filter(|at| rss.is_char_boundary(*at)) {
            documents.push(rss[..cut].to_owned());
        }
        documents.push(rss.replace("</title>", "</titel>"));
        documents.push(rss.replace("<empty/>", "<empty>"));
        documents.push(rss.replace("\n", "\r\n"));
        documents.push(rss.replace("<!-- generator=\"x\" -->", "<!DOCTYPE rss>"));
        documents.push(rss.replace("&amp; B", "& B"));
        for doc in &documents {
            if let Some(quick) = super::read(doc) {
                read += 1;
                assert_eq!(Ok(quick), super::super::xmlfeed::with_quick_xml(doc), "{doc}");
            }
        }
        // The three fixture feeds and the document above, whole.
        assert!(read >= 4, "the quick reader read {read} documents");
        assert!(super::read(rss).is_some());
        assert!(super::read(&documents[0]).is_some() && super::read(&documents[1]).is_some());
    }
}
