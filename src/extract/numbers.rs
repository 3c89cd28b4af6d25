//! Figures in quota text: tonnes in every form the press and the notices use
//! (`100,800 tonnes`, `135,000 metric tons`, `62,000t`, `114,000 mt`, `100.8 kt`,
//! `16.8万吨`, `11万4000吨`, `六万二千吨`, `120000噸`), percentages, and years.
//!
//! Works on the normalised text of [`super::text::Text`] (ASCII lowercased, `噸` → `吨`,
//! `萬` → `万`), so offsets are those of the original.

use std::ops::Range;

pub use super::cn_numerals::chinese_numeral;
use super::cn_numerals::is_cn_numeral;

/// A number with what follows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    /// Byte range of the number and its unit.
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub kind: TokenKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TokenKind {
    /// Tonnes (the value already multiplied out).
    Tonnes,
    /// A percentage.
    Percent,
    /// A number with no unit of its own (it may take one from the list it is in).
    Bare { year_like: bool },
    /// Money, a price: never a quota.
    Money,
}

fn skip_spaces(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next() {
        if c == ' ' || c == '\u{a0}' || c == '\u{3000}' || c == '\t' {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// The ASCII word at `i` and where it ends.
fn word_at(s: &str, i: usize) -> (&str, usize) {
    let end = s[i..].find(|c: char| !c.is_ascii_alphabetic()).map_or(s.len(), |n| i + n);
    (&s[i..end], end)
}

/// An English unit of tonnes starting at `i`: its multiplier and end.
fn english_unit(s: &str, i: usize) -> Option<(f64, usize)> {
    let (word, end) = word_at(s, i);
    let tonnes_word = |w: &str| matches!(w, "tonnes" | "tonne" | "tons" | "ton" | "mt" | "t");
    match word {
        "kt" | "kilotonnes" | "kilotons" => Some((1_000.0, end)),
        "t" | "mt" | "mtu" | "tonnes" | "tonne" | "tons" | "ton" => Some((1.0, end)),
        "metric" => {
            let (next, next_end) = word_at(s, skip_spaces(s, end));
            tonnes_word(next).then_some((1.0, next_end))
        }
        "thousand" | "million" => {
            let mult = if word == "thousand" { 1_000.0 } else { 1_000_000.0 };
            let j = skip_spaces(s, end);
            let (next, next_end) = word_at(s, j);
            if next == "metric" {
                let (unit, unit_end) = word_at(s, skip_spaces(s, next_end));
                tonnes_word(unit).then_some((mult, unit_end))
            } else {
                tonnes_word(next).then_some((mult, next_end))
            }
        }
        _ => None,
    }
}

/// Reads ASCII digits with `,` thousands groups and a decimal part from `i`.
///
/// The value is the digits as an integer over a power of ten: both are exact in an `f64`
/// (at most 15 digits are read, and 10^14 is exact), and one division rounds correctly, so
/// it is the value `str::parse` gives, without building the string.
fn ascii_number(s: &str, i: usize) -> Option<(f64, usize, bool)> {
    let b = s.as_bytes();
    let mut j = i;
    let (mut mantissa, mut len, mut decimals) = (0u64, 0usize, 0i32);
    let mut digit = |d: u8, len: &mut usize| {
        if *len < 15 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
        }
        *len += 1;
    };
    let mut grouped = false;
    while j < b.len() {
        if b[j].is_ascii_digit() {
            digit(b[j], &mut len);
            j += 1;
        } else if b[j] == b','
            && len > 0
            && b.len() >= j + 4
            && b[j + 1..j + 4].iter().all(u8::is_ascii_digit)
            && b.get(j + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            grouped = true;
            j += 1;
        } else {
            break;
        }
    }
    if j < b.len() && b[j] == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        // The decimal point counts towards the 15 characters read, as it always has.
        len += 1;
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            digit(b[j], &mut len);
            decimals += 1;
            j += 1;
        }
    }
    if len > 15 {
        return None;
    }
    // At most 15 digits: exact in an f64.
    let whole = mantissa as f64;
    let value = if decimals == 0 { whole } else { whole / 10f64.powi(decimals) };
    Some((value, j, grouped))
}

fn money_before(s: &str, start: usize) -> bool {
    let before = s[..start].trim_end();
    before.ends_with(['$', '¥', '€', '£', '￥']) || before.ends_with("rmb") || before.ends_with("usd")
}

/// Every number of `range` in `norm`, classified, with list units spread (`135,000 and
/// 127,000 tons`, `20 to 25%`).
pub fn tokens(norm: &str, range: Range<usize>) -> Vec<Token> {
    let s = &norm[..range.end];
    let b = s.as_bytes();
    // Chinese numerals count only right before 吨: without one, only ASCII digits are read.
    let chinese = s[range.start..].contains('吨');
    let mut out = Vec::new();
    let mut i = range.start;
    while i < b.len() {
        let byte = b[i];
        if byte.is_ascii_digit() {
            let prev = i.checked_sub(1).map(|p| b[p]);
            if prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == b'.' || p == b',') {
                i += 1;
                continue;
            }
            let Some((value, end, grouped)) = ascii_number(s, i) else {
                i = s[i..].find(|c: char| !c.is_ascii_digit()).map_or(s.len(), |n| i + n);
                continue;
            };
            let token = classify_ascii(s, i, end, value, grouped);
            i = token.end.max(end);
            out.push(token);
        } else if byte < 0x80 || !chinese || !s.is_char_boundary(i) {
            i += 1;
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            let prev = s[..i].chars().next_back();
            if is_cn_numeral(c) && !prev.is_some_and(is_cn_numeral) {
                let run_end = s[i..].find(|c: char| !is_cn_numeral(c)).map_or(s.len(), |n| i + n);
                let unit = skip_spaces(s, run_end);
                if s[unit..].starts_with('吨')
                    && let Some(value) = chinese_numeral(&s[i..run_end])
                {
                    out.push(Token { start: i, end: unit + '吨'.len_utf8(), value, kind: TokenKind::Tonnes });
                }
                i = run_end;
            } else {
                i += c.len_utf8();
            }
        }
    }
    spread_list_units(s, &mut out);
    out
}

/// `9.13 × 10000` is 91300.00000000001 in floating point: figures are kept to the gram.
fn exact(value: f64) -> f64 {
    (value * 1_000.0).round() / 1_000.0
}

fn classify_ascii(s: &str, start: usize, end: usize, value: f64, grouped: bool) -> Token {
    let token = |end, value: f64, kind| Token { start, end, value: exact(value), kind };
    if money_before(s, start) {
        return token(end, value, TokenKind::Money);
    }
    let j = skip_spaces(s, end);
    let rest = &s[j..];
    if rest.starts_with('%') || rest.starts_with("per cent") || rest.starts_with("percent") {
        let unit_end = if rest.starts_with('%') { j + 1 } else { j + if rest.starts_with("per cent") { 8 } else { 7 } };
        return token(unit_end, value, TokenKind::Percent);
    }
    if let Some(after) = rest.strip_prefix('万') {
        let k = skip_spaces(s, s.len() - after.len());
        if s[k..].starts_with('吨') {
            return token(k + '吨'.len_utf8(), value * 10_000.0, TokenKind::Tonnes);
        }
        if s[k..].starts_with(['余', '多']) && s[k + 3..].starts_with('吨') {
            return token(k + 6, value * 10_000.0, TokenKind::Tonnes);
        }
        if s.as_bytes().get(k).is_some_and(u8::is_ascii_digit)
            && let Some((more, more_end, _)) = ascii_number(s, k)
        {
            let m = skip_spaces(s, more_end);
            if s[m..].starts_with('吨') && more < 10_000.0 {
                return token(m + '吨'.len_utf8(), value * 10_000.0 + more, TokenKind::Tonnes);
            }
        }
        return token(end, value, TokenKind::Money);
    }
    if rest.starts_with('吨') || rest.starts_with("公吨") {
        let unit = if rest.starts_with('吨') { 3 } else { 6 };
        return token(j + unit, value, TokenKind::Tonnes);
    }
    if rest.starts_with(['元', '美']) || rest.starts_with("yuan") || rest.starts_with("dollars") {
        return token(end, value, TokenKind::Money);
    }
    if let Some((mult, unit_end)) = english_unit(s, j) {
        return token(unit_end, value * mult, TokenKind::Tonnes);
    }
    let year_like = !grouped && value.fract() == 0.0 && (1900.0..=2100.0).contains(&value) && end - start == 4;
    token(end, value, TokenKind::Bare { year_like })
}

/// Words that join the members of a list of figures sharing one unit.
pub fn is_list_gap(gap: &str) -> bool {
    let gap = gap.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '、' | '，' | '-' | '–' | '~'));
    matches!(gap, "" | "and" | "to" | "or" | "至" | "到" | "和" | "及" | "与")
}

fn spread_list_units(s: &str, tokens: &mut [Token]) {
    for k in (0..tokens.len().saturating_sub(1)).rev() {
        let next = tokens[k + 1];
        let TokenKind::Bare { year_like: false } = tokens[k].kind else { continue };
        if !is_list_gap(&s[tokens[k].end..next.start]) {
            continue;
        }
        match next.kind {
            TokenKind::Percent => tokens[k].kind = TokenKind::Percent,
            TokenKind::Tonnes => {
                // The multiplier of the last member (`100.8 and 97.2 kt`): its value over the
                // bare number it was read from.
                let raw = s[next.start..next.end]
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                    .next()
                    .map(|n| n.replace(',', ""))
                    .and_then(|n| n.parse::<f64>().ok())
                    .filter(|v| *v > 0.0);
                if let Some(raw) = raw {
                    tokens[k].value = exact(tokens[k].value * (next.value / raw).round().max(1.0));
                    tokens[k].kind = TokenKind::Tonnes;
                }
            }
            _ => {}
        }
    }
}

/// A year named in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year {
    pub start: usize,
    pub end: usize,
    pub year: u16,
}

/// Years of `range`: `2024`, `2024年`, `08年` (two digits before 年). A four-digit number
/// that is a figure, a date part (`2024-02-06`) or a percentage is no year.
pub fn years(norm: &str, range: Range<usize>, tokens: &[Token]) -> Vec<Year> {
    let mut out = Vec::new();
    for t in tokens {
        if !(range.start <= t.start && t.end <= range.end) {
            continue;
        }
        let after = &norm[t.end..];
        let before = norm[..t.start].chars().next_back();
        match t.kind {
            TokenKind::Bare { year_like: true }
                if !(after.starts_with('-') || after.starts_with('/') || matches!(before, Some('-' | '/'))) =>
            {
                out.push(Year { start: t.start, end: t.end, year: t.value as u16 });
            }
            TokenKind::Bare { year_like: false } if t.end - t.start == 2 && after.starts_with('年') => {
                let n = t.value as u16;
                out.push(Year { start: t.start, end: t.end + 3, year: if n <= 50 { 2000 + n } else { 1900 + n } });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tonnes(text: &str) -> Vec<f64> {
        let norm = super::super::text::Text::new(text).norm;
        tokens(&norm, 0..norm.len()).into_iter().filter(|t| t.kind == TokenKind::Tonnes).map(|t| t.value).collect()
    }

    #[test]
    fn every_form_of_domain_md_2_4() {
        assert_eq!(tonnes("at 100,800 tonnes"), [100_800.0]);
        assert_eq!(tonnes("135,000 metric tons"), [135_000.0]);
        assert_eq!(tonnes("62,000t"), [62_000.0]);
        assert_eq!(tonnes("114,000 mt"), [114_000.0]);
        assert_eq!(tonnes("100.8 kt"), [100_800.0]);
        assert_eq!(tonnes("15kt REO"), [15_000.0]);
        assert_eq!(tonnes("235.85kt"), [235_850.0]);
        assert_eq!(tonnes("16.8万吨"), [168_000.0]);
        assert_eq!(tonnes("11万4000吨"), [114_000.0]);
        assert_eq!(tonnes("六万二千吨"), [62_000.0]);
        assert_eq!(tonnes("120000噸"), [120_000.0]);
        assert_eq!(tonnes("12萬噸"), [120_000.0]);
        assert_eq!(tonnes("105,000 mtu"), [105_000.0]);
        assert_eq!(tonnes("111 thousand tonnes"), [111_000.0]);
    }

    #[test]
    fn lists_share_the_last_unit() {
        assert_eq!(tonnes("135,000 and 127,000 tons"), [135_000.0, 127_000.0]);
        assert_eq!(tonnes("100.8 and 97.2 kt"), [100_800.0, 97_200.0]);
        assert_eq!(tonnes("分别为135000吨、127000吨"), [135_000.0, 127_000.0]);
        let norm = "rise 20% to 25%, or 20 to 25 percent";
        let pct: Vec<f64> =
            tokens(norm, 0..norm.len()).iter().filter(|t| t.kind == TokenKind::Percent).map(|t| t.value).collect();
        assert_eq!(pct, [20.0, 25.0, 20.0, 25.0]);
    }

    #[test]
    fn money_years_and_codes_are_no_tonnes() {
        assert!(tonnes("$60,000 per tonne, 500,000 yuan a ton, 3万元").is_empty());
        assert!(tonnes("WO3 65%, in 2024, on 2024-02-06, 第一批").is_empty());
        let norm = "2024年第一批 08年 2024-02-06 in 2023, 100,800 tonnes";
        let found: Vec<u16> = years(norm, 0..norm.len(), &tokens(norm, 0..norm.len())).iter().map(|y| y.year).collect();
        assert_eq!(found, [2024, 2008, 2023]);
    }

    /// The digits over a power of ten give exactly what parsing the number's text gives.
    #[test]
    fn numbers_read_as_str_parse_reads_them() {
        let mut seed = 0x1234_5678_9abc_def1_u64;
        for _ in 0..100_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 15 + 1) as usize;
            let text: String = format!("{:015}", seed % 1_000_000_000_000_000).chars().take(digits).collect();
            let at = (seed >> 40) as usize % (digits + 1);
            let number = if at > 0 && at < digits { format!("{}.{}", &text[..at], &text[at..]) } else { text };
            if number.len() > 15 {
                assert_eq!(ascii_number(&number, 0), None, "{number}");
                continue;
            }
            let (value, end, _) = ascii_number(&number, 0).expect("a number");
            assert_eq!(end, number.len());
            assert_eq!(value.to_bits(), number.parse::<f64>().expect("parses").to_bits(), "{number}");
        }
        assert_eq!(ascii_number("1,234,567.25 t", 0), Some((1_234_567.25, 12, true)));
        assert_eq!(ascii_number("1234567890123456", 0), None);
    }
}
