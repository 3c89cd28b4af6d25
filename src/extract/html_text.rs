//! A feed's HTML description or content to plain text, in one pass: tags dropped, block
//! ends as line breaks, the common entities decoded, runs of white space folded. Not a
//! parser: enough to read the words (every item of a 10,000-item feed comes through here).

/// HTML (a feed's description or content) to plain text: tags dropped, block ends as line
/// breaks, the common entities decoded, spaces folded, blank lines and edge spaces
/// dropped. Text with no markup and no entity is only trimmed.
pub fn html_to_text(html: &str) -> String {
    if memchr::memchr2(b'<', b'&', html.as_bytes()).is_none() {
        return html.trim().to_owned();
    }
    convert(html)
}

/// Tags that end a block of text (compared with the tag's start, ASCII case ignored):
/// each gives a line break.
const BLOCK_TAGS: &[&[u8]] = &[b"<br", b"<p", b"</p", b"<li", b"<div", b"</div", b"<tr", b"<h"];

fn convert(html: &str) -> String {
    let mut out = Tidy { out: String::with_capacity(html.len()), space: false, newline: false };
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(n) = memchr::memchr2(b'<', b'&', &bytes[at..]) {
        let pos = at + n;
        out.push_str(&html[at..pos]);
        if bytes[pos] == b'<' {
            let end = memchr::memchr(b'>', &bytes[pos..]).map_or(bytes.len(), |n| pos + n + 1);
            let tag = &bytes[pos..end];
            if BLOCK_TAGS.iter().any(|t| tag.len() >= t.len() && tag[..t.len()].eq_ignore_ascii_case(t)) {
                out.push_char('\n');
            }
            at = end;
        } else {
            // `;` is ASCII, so its position is a character boundary whatever precedes it.
            let window = &bytes[pos..bytes.len().min(pos + 12)];
            let end = window.iter().position(|b| *b == b';');
            match end.and_then(|end| entity(&html[pos + 1..pos + end]).map(|c| (c, end + 1))) {
                Some((c, len)) => {
                    out.push_char(c);
                    at = pos + len;
                }
                None => {
                    out.push_char('&');
                    at = pos + 1;
                }
            }
        }
    }
    out.push_str(&html[at..]);
    out.out
}

/// Bytes that may start white space: ASCII white space, and the lead bytes of the other
/// white-space characters (U+0085 and U+00A0; U+1680; U+2000-U+205F; U+3000).
const MAY_BE_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(i, 0x09..=0x0D | 0x20 | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        i += 1;
    }
    table
};

/// Text being written with white space folded: runs of spaces to one space, line ends
/// kept (one for a run), blank lines and edge spaces dropped.
struct Tidy {
    out: String,
    space: bool,
    newline: bool,
}

impl Tidy {
    fn push_char(&mut self, c: char) {
        if c == '\n' || c == '\r' {
            self.newline = !self.out.is_empty();
            self.space = false;
        } else if c.is_whitespace() {
            self.space = !self.out.is_empty() && !self.newline;
        } else {
            self.pending();
            self.out.push(c);
        }
    }

    fn pending(&mut self) {
        if self.newline {
            self.out.push('\n');
        } else if self.space {
            self.out.push(' ');
        }
        (self.space, self.newline) = (false, false);
    }

    /// Runs of characters that cannot be white space are copied whole.
    fn push_str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            // A run starts and ends at character boundaries: it stops only at ASCII or at
            // a lead byte.
            while i < bytes.len() && !MAY_BE_SPACE[usize::from(bytes[i])] {
                i += 1;
            }
            if i > start {
                self.pending();
                self.out.push_str(&text[start..i]);
            }
            if let Some(c) = text[i..].chars().next() {
                self.push_char(c);
                i += c.len_utf8();
            }
        }
    }
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let code = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"));
            let number = match code {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
            };
            number.and_then(char::from_u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_descriptions_become_text() {
        assert_eq!(
            html_to_text("<p>135,000&nbsp;tonnes &amp; more</p><p>&#31232;&#x571F;</p>"),
            "135,000 tonnes & more\n稀土"
        );
        assert_eq!(html_to_text("a &unknown; b"), "a &unknown; b");
        assert_eq!(html_to_text("  <P>one \u{3000}\u{a0} two</P>\r\n\n <BR/>  three&#10;"), "one two\nthree");
        assert_eq!(html_to_text(" plain "), "plain");
        assert_eq!(html_to_text("\u{a0}x\u{3000}"), "x");
    }
}
