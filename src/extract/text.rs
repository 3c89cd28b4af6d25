//! The text the extractor reads: a normalised copy with the same byte offsets as the
//! original (so every span points into what the user sees), and its sentences.

use std::ops::Range;

/// Traditional characters of quota notices and their simplified forms. Both sides are
/// three bytes in UTF-8, so replacing one by the other keeps every byte offset.
const TRADITIONAL: &[(char, char)] = &[
    ('開', '开'),
    ('採', '采'),
    ('煉', '炼'),
    ('離', '离'),
    ('總', '总'),
    ('製', '制'),
    ('標', '标'),
    ('達', '达'),
    ('噸', '吨'),
    ('萬', '万'),
    ('鎢', '钨'),
    ('銻', '锑'),
    ('礦', '矿'),
    ('兩', '两'),
    ('關', '关'),
    ('業', '业'),
    ('資', '资'),
    ('國', '国'),
    ('預', '预'),
    ('計', '计'),
    ('測', '测'),
    ('輕', '轻'),
    ('發', '发'),
    ('佈', '布'),
    ('內', '内'),
    ('為', '为'),
    ('億', '亿'),
    ('廣', '广'),
    ('東', '东'),
    ('產', '产'),
    ('額', '额'),
    ('錄', '录'),
    ('續', '续'),
    ('對', '对'),
    ('繼', '继'),
    ('實', '实'),
    ('較', '较'),
    ('減', '减'),
    ('長', '长'),
    ('價', '价'),
    ('條', '条'),
    ('辦', '办'),
    ('暫', '暂'),
    ('後', '后'),
    ('據', '据'),
    ('擬', '拟'),
    ('將', '将'),
    ('約', '约'),
    ('別', '别'),
    ('門', '门'),
    ('團', '团'),
    ('鋁', '铝'),
    ('廈', '厦'),
    ('貴', '贵'),
    ('雲', '云'),
    ('陝', '陕'),
    ('幹', '干'),
    ('邊', '边'),
    ('際', '际'),
    ('進', '进'),
    ('過', '过'),
    ('來', '来'),
    ('還', '还'),
    ('餘', '余'),
    ('與', '与'),
    ('間', '间'),
    ('場', '场'),
    ('項', '项'),
    ('區', '区'),
    ('蘇', '苏'),
    ('遼', '辽'),
    ('寧', '宁'),
    ('議', '议'),
    ('見', '见'),
    ('徵', '征'),
    ('稱', '称'),
    ('報', '报'),
    ('導', '导'),
    ('質', '质'),
    ('錫', '锡'),
    ('鉬', '钼'),
    ('鎵', '镓'),
    ('鍺', '锗'),
    ('螢', '萤'),
    ('並', '并'),
    ('於', '于'),
    ('階', '阶'),
    ('級', '级'),
];

/// [`TRADITIONAL`] sorted by the traditional character, for a binary search.
static SORTED: std::sync::LazyLock<Vec<(char, char)>> = std::sync::LazyLock::new(|| {
    let mut pairs = TRADITIONAL.to_vec();
    pairs.sort_unstable();
    pairs
});

fn simplified(c: char) -> char {
    SORTED.binary_search_by_key(&c, |(t, _)| *t).map_or(c, |i| SORTED[i].1)
}

/// An item field as read: the original and a normalised copy (ASCII lowercased,
/// traditional characters simplified) in which every byte offset means the same.
#[derive(Debug)]
pub struct Text<'a> {
    pub raw: &'a str,
    pub norm: String,
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str) -> Self {
        if raw.is_ascii() {
            return Text { raw, norm: raw.to_ascii_lowercase() };
        }
        let mut norm = String::with_capacity(raw.len());
        for c in raw.chars() {
            if c.is_ascii() {
                norm.push(c.to_ascii_lowercase());
            } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                norm.push(simplified(c));
            } else {
                norm.push(c);
            }
        }
        debug_assert_eq!(norm.len(), raw.len());
        Text { raw, norm }
    }

    /// The original text of a byte range of the normalised copy (empty if out of bounds).
    pub fn original(&self, range: Range<usize>) -> &'a str {
        self.raw.get(range).unwrap_or("")
    }
}

/// Sentence ranges of `norm`: split at `。；;！？!?`, line breaks, and a full stop followed by
/// white space. A figure, its stage and its commodity are looked for inside one sentence.
pub fn sentences(norm: &str) -> Vec<Range<usize>> {
    let b = norm.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        // Byte by byte: the stops are ASCII or three-byte characters (`。` E3 80 82, `；` EF BC
        // 9B, `！` EF BC 81, `？` EF BC 9F), and no other character contains those bytes.
        let stop_len = match b[i] {
            b';' | b'!' | b'?' | b'\n' | b'\r' => 1,
            b'.' if b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => 1,
            0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x82]) => 3,
            0xEF if matches!(b.get(i + 1..i + 3), Some([0xBC, 0x9B | 0x81 | 0x9F])) => 3,
            _ => 0,
        };
        if stop_len == 0 {
            i += 1;
            continue;
        }
        if i > start {
            out.push(start..i);
        }
        i += stop_len;
        start = i;
    }
    if b.len() > start {
        out.push(start..b.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplification_keeps_byte_offsets() {
        for (t, s) in TRADITIONAL {
            assert_eq!(t.len_utf8(), s.len_utf8(), "{t} → {s}");
        }
        let text = Text::new("2023年第一批稀土開采、冶煉分離總量控制指標 120000噸 Rare Earth");
        assert_eq!(text.norm, "2023年第一批稀土开采、冶炼分离总量控制指标 120000吨 rare earth");
    }

    #[test]
    fn sentences_split_at_stops_but_not_at_decimal_points() {
        let norm = "quota of 100.8 kt. smelting 97.2 kt。其中江西省21300吨；湖南";
        let parts: Vec<&str> = sentences(norm).into_iter().map(|r| &norm[r]).collect();
        assert_eq!(parts, ["quota of 100.8 kt", " smelting 97.2 kt", "其中江西省21300吨", "湖南"]);
    }
}
