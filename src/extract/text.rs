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

/// The CJK block every [`TRADITIONAL`] character is in, and a bit for each of its code
/// points that is one of them: most characters of a Chinese text are ruled out with one
/// look-up, no search.
const CJK: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FFF;
static IS_TRADITIONAL: [u64; 328] = {
    let mut bits = [0u64; 328];
    let mut i = 0;
    while i < TRADITIONAL.len() {
        let at = TRADITIONAL[i].0 as u32 - *CJK.start();
        bits[(at / 64) as usize] |= 1 << (at % 64);
        i += 1;
    }
    bits
};

fn is_traditional(code: u32) -> bool {
    CJK.contains(&code) && {
        let at = code - *CJK.start();
        IS_TRADITIONAL[(at / 64) as usize] & (1 << (at % 64)) != 0
    }
}

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
        // Lowercasing changes ASCII bytes only, which are never part of another character.
        let mut norm = raw.to_ascii_lowercase();
        // The characters of the CJK block are three bytes, led by E4 to E9.
        let b = raw.as_bytes();
        let mut i = 0;
        while i + 2 < b.len() {
            if (0xE4..=0xE9).contains(&b[i]) {
                let code =
                    (u32::from(b[i] & 0x0F) << 12) | (u32::from(b[i + 1] & 0x3F) << 6) | u32::from(b[i + 2] & 0x3F);
                if is_traditional(code)
                    && let Some(t) = char::from_u32(code)
                {
                    let mut buf = [0; 4];
                    norm.replace_range(i..i + 3, simplified(t).encode_utf8(&mut buf));
                }
                i += 3;
            } else {
                i += 1;
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
    sentences_with_figures(norm).map(|(range, _)| range).collect()
}

/// The sentences of [`sentences`], each with whether it can hold a figure (an ASCII digit
/// or `吨`), found in the same pass: most sentences of an article hold none and need no
/// more reading.
pub fn sentences_with_figures(norm: &str) -> Sentences<'_> {
    Sentences { b: norm.as_bytes(), start: 0, i: 0, figure: false }
}

/// What a byte may be, for [`Sentences`]: most bytes are none of these.
const PLAIN: u8 = 0;
const STOP: u8 = 1;
const DOT: u8 = 2;
const E3: u8 = 3;
const EF: u8 = 4;
const DIGIT: u8 = 5;
const E5: u8 = 6;
const CLASS: [u8; 256] = {
    let mut class = [PLAIN; 256];
    class[b';' as usize] = STOP;
    class[b'!' as usize] = STOP;
    class[b'?' as usize] = STOP;
    class[b'\n' as usize] = STOP;
    class[b'\r' as usize] = STOP;
    class[b'.' as usize] = DOT;
    class[0xE3] = E3;
    class[0xEF] = EF;
    class[0xE5] = E5;
    let mut d = b'0';
    while d <= b'9' {
        class[d as usize] = DIGIT;
        d += 1;
    }
    class
};

/// The iterator of [`sentences_with_figures`].
#[derive(Debug)]
pub struct Sentences<'a> {
    b: &'a [u8],
    start: usize,
    i: usize,
    figure: bool,
}

impl Iterator for Sentences<'_> {
    type Item = (Range<usize>, bool);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.b;
        while self.i < b.len() {
            // Most bytes are none of the above: skipped in a tight loop.
            while self.i < b.len() && CLASS[usize::from(b[self.i])] == PLAIN {
                self.i += 1;
            }
            let Some(&byte) = b.get(self.i) else { break };
            let i = self.i;
            // Byte by byte: the stops are ASCII or three-byte characters (`。` E3 80 82, `；`
            // EF BC 9B, `！` EF BC 81, `？` EF BC 9F), and no other character contains those
            // bytes; `吨` is E5 90 A8.
            let stop_len = match CLASS[usize::from(byte)] {
                PLAIN => 0,
                DIGIT => {
                    self.figure = true;
                    0
                }
                E5 => {
                    self.figure |= b.get(i + 1..i + 3) == Some(&[0x90, 0xA8]);
                    0
                }
                STOP => 1,
                DOT if b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => 1,
                E3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x82]) => 3,
                EF if matches!(b.get(i + 1..i + 3), Some([0xBC, 0x9B | 0x81 | 0x9F])) => 3,
                _ => 0,
            };
            if stop_len == 0 {
                self.i += 1;
                continue;
            }
            let found = (self.start..i, self.figure);
            self.i += stop_len;
            self.start = self.i;
            self.figure = false;
            if i > found.0.start {
                return Some(found);
            }
        }
        if b.len() > self.start {
            let found = (self.start..b.len(), self.figure);
            self.start = b.len();
            return Some(found);
        }
        None
    }
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
        let figures: Vec<bool> = sentences_with_figures("a 1. b; 六万吨。c").map(|(_, f)| f).collect();
        assert_eq!(figures, [true, false, true, false]);
    }
}
