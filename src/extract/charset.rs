//! Bytes to text: the HTTP charset first, then a byte-order mark, then what the document
//! declares (`<?xml encoding>`, `<meta charset>`, `<meta http-equiv content>`), then
//! UTF-8. Chinese ministry and news pages are often GB2312 / GBK / GB18030.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// How far into a document a declaration is looked for (HTML says 1024; some Chinese
/// pages put a long comment first).
const DECLARATION_WINDOW: usize = 4096;

/// The document decoded (borrowed when it was UTF-8 already), and the encoding used.
pub fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> (Cow<'a, str>, &'static Encoding) {
    if let Some(encoding) = http_charset.and_then(|label| Encoding::for_label(label.trim().as_bytes())) {
        let bytes = match Encoding::for_bom(bytes) {
            Some((bom, len)) if bom == encoding => &bytes[len..],
            _ => bytes,
        };
        return (encoding.decode_without_bom_handling(bytes).0, encoding);
    }
    if let Some((encoding, len)) = Encoding::for_bom(bytes) {
        return (encoding.decode_without_bom_handling(&bytes[len..]).0, encoding);
    }
    let encoding = declared(bytes).unwrap_or(UTF_8);
    (encoding.decode_without_bom_handling(bytes).0, encoding)
}

/// The encoding a document declares in its first bytes, if any (ASCII-compatible
/// declarations only: a UTF-16 document has a BOM).
pub fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head: String =
        bytes[..bytes.len().min(DECLARATION_WINDOW)].iter().map(|b| (*b as char).to_ascii_lowercase()).collect();
    if let Some(rest) = head.trim_start().strip_prefix("<?xml") {
        let prolog = &rest[..rest.find("?>").unwrap_or(rest.len())];
        if let Some(label) = attribute(prolog, "encoding") {
            return label_encoding(label);
        }
    }
    let mut at = 0;
    while let Some(found) = head[at..].find("<meta") {
        let start = at + found;
        let end = head[start..].find('>').map_or(head.len(), |n| start + n);
        let tag = &head[start..end];
        if let Some(label) = attribute(tag, "charset") {
            return label_encoding(label);
        }
        if tag.contains("http-equiv")
            && let Some(content) = attribute(tag, "content")
            && let Some(pos) = content.find("charset=")
        {
            return label_encoding(&content[pos + "charset=".len()..]);
        }
        at = end;
    }
    None
}

/// UTF-16 labels in an ASCII-compatible declaration are a lie (the bytes decoded as ASCII):
/// read such a document as UTF-8, as browsers do.
fn label_encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.trim_matches(|c: char| c.is_whitespace() || c == ';' || c == '"' || c == '\'');
    Encoding::for_label(label.as_bytes()).map(|e| e.output_encoding())
}

/// The value of `name=` in a tag or prolog, quoted or not.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut at = 0;
    while let Some(found) = tag[at..].find(name) {
        let start = at + found;
        let before_ok =
            start == 0 || !tag.as_bytes()[start - 1].is_ascii_alphanumeric() && tag.as_bytes()[start - 1] != b'-';
        let rest = tag[start + name.len()..].trim_start();
        if before_ok && let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            return Some(match value.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &value[1..];
                    &inner[..inner.find(q).unwrap_or(inner.len())]
                }
                _ => &value[..value.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(value.len())],
            });
        }
        at = start + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_charset_then_declaration_then_utf8() {
        let (gbk, _, _) = encoding_rs::GBK.encode("稀土开采");
        let page = [b"<html><head><meta charset=\"gb2312\"></head><body>".as_slice(), &gbk].concat();
        assert!(decode(&page, None).0.ends_with("稀土开采"));
        let equiv =
            [b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\">".as_slice(), &gbk].concat();
        assert!(decode(&equiv, None).0.ends_with("稀土开采"));
        // The HTTP header wins over the page.
        let mislabelled = [b"<meta charset=\"utf-8\">".as_slice(), &gbk].concat();
        assert!(decode(&mislabelled, Some("gb18030")).0.ends_with("稀土开采"));
        let xml = [b"<?xml version=\"1.0\" encoding=\"GB2312\"?><rss>".as_slice(), &gbk].concat();
        assert!(decode(&xml, None).0.ends_with("稀土开采"));
        assert_eq!(decode("稀土".as_bytes(), None).0, "稀土");
    }
}
