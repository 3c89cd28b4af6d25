//! Text from sources is untrusted: it must never reach the terminal, a log or an alert
//! command with control characters or escape sequences in it.

/// Unicode bidirectional controls, which can make text display in a different order than it reads.
const BIDI_CONTROLS: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
    '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Removes terminal escape sequences, control and bidi characters, folds white space,
/// and cuts the text to `max_chars` characters (ending in `…` when cut).
pub fn clean_text(text: &str, max_chars: usize) -> String {
    if is_clean(text, max_chars) {
        return text.to_owned();
    }
    let stripped = strip_ansi_escapes::strip_str(text);
    let visible = stripped
        .split(char::is_whitespace)
        .map(|word| word.chars().filter(|c| !c.is_control() && !BIDI_CONTROLS.contains(c)))
        .map(String::from_iter)
        .filter(|word| !word.is_empty());
    let mut out = String::new();
    for word in visible {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    if out.chars().count() <= max_chars {
        return out;
    }
    let mut cut: String = out.chars().take(max_chars.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    if max_chars > 0 {
        cut.push('…');
    }
    cut
}

/// True when `clean_text` would return `text` unchanged: printable ASCII only (so no escape
/// sequence, control or bidi character), single spaces between words, short enough.
/// Nearly all feed text is like this, and checking is far cheaper than cleaning.
fn is_clean(text: &str, max_chars: usize) -> bool {
    let bytes = text.as_bytes();
    bytes.len() <= max_chars
        && bytes.first().is_some_and(|b| *b != b' ')
        && bytes.last().is_some_and(|b| *b != b' ')
        && bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && !bytes.windows(2).any(|pair| pair == b"  ")
}

#[cfg(test)]
mod tests {
    use super::clean_text;

    #[test]
    fn escape_sequences_and_controls_are_removed() {
        let hostile = "Quota\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\x1b[0m\u{202E}txt\u{0007}\u{009B}";
        assert_eq!(clean_text(hostile, 100), "Quota redtxt");
    }

    #[test]
    fn whitespace_is_folded() {
        assert_eq!(clean_text("  a\n\tb  c ", 100), "a b c");
    }

    #[test]
    fn clean_text_passes_through_unchanged() {
        for text in ["China Northern Rare Earth Group", "a", "x-y (z) 1,000 t"] {
            assert_eq!(clean_text(text, 100), text);
        }
        assert_eq!(clean_text("", 100), "");
        assert_eq!(clean_text(" a  b ", 100), "a b");
        assert_eq!(clean_text("abcdef", 4).chars().count(), 4);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let cut = clean_text(&"x".repeat(500), 10);
        assert_eq!(cut.chars().count(), 10);
        assert!(cut.ends_with('…'));
        assert_eq!(clean_text("abc", 3), "abc");
    }
}
