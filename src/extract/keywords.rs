//! The words the extractor keys on, English and Chinese, found in one pass (Aho-Corasick,
//! leftmost-longest) over the normalised text: commodities, stages, batches, quota and
//! release words, running-total markers, and the markers of traps (forecasts, policy,
//! export controls, tracking systems, prices, comparisons).

use std::sync::LazyLock;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

use crate::model::Stage;

/// The commodities quotawatch extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommodityId {
    RareEarths,
    Tungsten,
    Antimony,
}

impl CommodityId {
    pub fn slug(self) -> &'static str {
        match self {
            CommodityId::RareEarths => "rare-earths",
            CommodityId::Tungsten => "tungsten",
            CommodityId::Antimony => "antimony",
        }
    }

    /// The largest figure that can be a national quota (world output is far below it):
    /// `890,000 tons` of tungsten is a typo, `7660万吨` a missing decimal point.
    pub fn max_plausible_tonnes(self) -> f64 {
        match self {
            CommodityId::RareEarths => 1_000_000.0,
            CommodityId::Tungsten | CommodityId::Antimony => 300_000.0,
        }
    }
}

/// What a keyword means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    Commodity(CommodityId),
    /// A commodity quotawatch does not extract (tin, molybdenum, magnets, …): a figure next
    /// to it is not ours.
    Other,
    Stage(Stage),
    Batch(u8),
    /// `first` alone: batch 1 only when a quota word follows (`first 2024 … quota`).
    First,
    /// `前两批`, `first two batches`: a running total through batch N.
    FirstBatches(u8),
    Quota,
    Release,
    Cumulative,
    /// `上述指标均含…第一批`: the figures include the earlier batches.
    IncludesEarlier,
    /// `不含已下达`: the figures exclude the earlier batches (an increment).
    Increment,
    Forecast,
    /// `set to`: a forecast when a word follows (`set to slow`), not a figure.
    SetTo,
    /// Before a figure: `from`, `compared with`, `比`.
    Comparison,
    /// After a figure: `last year`, `a year earlier`, `去年`.
    PastRef,
    /// Before a figure: `by`, `an increase of`, `增加`.
    Delta,
    Policy,
    ExportControl,
    Tracking,
    Price,
    Withheld,
    /// A holder: a producer group (rare earths) or a province (`true`).
    Holder(&'static str, bool),
    National,
    /// `total`: a holder named before it does not hold the figure after it.
    Total,
    ThisYear,
    Category(&'static str),
}

use CommodityId::{Antimony, RareEarths, Tungsten};
use Kw::*;

const RE_GROUP: bool = false;
const PROVINCE: bool = true;

#[rustfmt::skip]
const KEYWORDS: &[(&str, Kw)] = &[
    ("rare earth", Commodity(RareEarths)), ("rare earths", Commodity(RareEarths)),
    ("rare-earth", Commodity(RareEarths)), ("rare-earths", Commodity(RareEarths)),
    ("uncommon earth", Commodity(RareEarths)), ("uncommon earths", Commodity(RareEarths)),
    ("unusual earth", Commodity(RareEarths)), ("unusual earths", Commodity(RareEarths)),
    ("稀土", Commodity(RareEarths)), ("reo", Commodity(RareEarths)), ("re", Commodity(RareEarths)),
    ("tungsten", Commodity(Tungsten)), ("钨", Commodity(Tungsten)), ("wo3", Commodity(Tungsten)),
    ("antimony", Commodity(Antimony)), ("锑", Commodity(Antimony)),
    ("tin", Other), ("molybdenum", Other), ("钼", Other), ("gallium", Other), ("germanium", Other),
    ("graphite", Other), ("lithium", Other), ("fluorspar", Other), ("萤石", Other), ("镓", Other),
    ("锗", Other), ("copper", Other), ("coal", Other), ("steel", Other), ("magnet", Other),
    ("magnets", Other), ("磁", Other), ("fluorite", Other), ("oil", Other), ("铁矿", Other),
    ("mining", Stage(Stage::Mining)), ("mine", Stage(Stage::Mining)), ("mined", Stage(Stage::Mining)),
    ("output", Stage(Stage::Mining)), ("开采", Stage(Stage::Mining)), ("矿开采", Stage(Stage::Mining)),
    ("开采量", Stage(Stage::Mining)), ("采矿", Stage(Stage::Mining)), ("extraction", Stage(Stage::Mining)),
    ("smelting and separation", Stage(Stage::SmeltingSeparation)),
    ("smelting & separation", Stage(Stage::SmeltingSeparation)),
    ("smelting and separating", Stage(Stage::SmeltingSeparation)),
    ("smelting", Stage(Stage::SmeltingSeparation)), ("separation", Stage(Stage::SmeltingSeparation)),
    ("refining", Stage(Stage::SmeltingSeparation)), ("冶炼分离", Stage(Stage::SmeltingSeparation)),
    ("冶炼", Stage(Stage::SmeltingSeparation)), ("分离", Stage(Stage::SmeltingSeparation)),
    ("first batch", Batch(1)), ("second batch", Batch(2)), ("third batch", Batch(3)),
    ("fourth batch", Batch(4)), ("1st batch", Batch(1)), ("2nd batch", Batch(2)), ("3rd batch", Batch(3)),
    ("first tranche", Batch(1)), ("first round", Batch(1)), ("second round", Batch(2)), ("third round", Batch(3)), ("second tranche", Batch(2)), ("third tranche", Batch(3)),
    ("第一批", Batch(1)), ("第二批", Batch(2)), ("第三批", Batch(3)), ("第四批", Batch(4)), ("首批", Batch(1)),
    ("1h", Batch(1)), ("h1", Batch(1)), ("first half", Batch(1)), ("half-year", Batch(1)),
    ("half year", Batch(1)), ("first-half", Batch(1)), ("上半年", Batch(1)), ("2h", Batch(2)),
    ("h2", Batch(2)), ("second half", Batch(2)), ("second-half", Batch(2)), ("下半年", Batch(2)),
    ("first", First),
    ("前两批", FirstBatches(2)), ("前二批", FirstBatches(2)), ("前三批", FirstBatches(3)),
    ("first two batches", FirstBatches(2)), ("first three batches", FirstBatches(3)),
    ("quota", Quota), ("quotas", Quota), ("指标", Quota), ("总量控制", Quota), ("限采", Quota),
    ("ceiling", Quota), ("cap", Quota), ("caps", Quota), ("output limitation", Quota),
    ("allocation", Quota), ("allocations", Quota), ("配额", Quota), ("控制指标", Quota), ("限额", Quota),
    ("开采量为", Quota), ("开采总量", Quota), ("mining amount", Quota), ("总量调控", Quota),
    ("issue", Release), ("issues", Release), ("issued", Release), ("issuing", Release), ("sets", Release),
    ("set", Release), ("grants", Release), ("granted", Release), ("allocates", Release),
    ("allocated", Release), ("announces", Release), ("announced", Release), ("raises", Release),
    ("raised", Release), ("hikes", Release), ("lifts", Release), ("cuts", Release), ("puts", Release),
    ("releases", Release), ("released", Release), ("下达", Release), ("发布", Release), ("公布", Release),
    ("印发", Release), ("controls", Release), ("lowers", Release), ("increases", Release),
    ("increased", Release),
    ("bringing the total", Cumulative), ("bringing total", Cumulative), ("taking the total", Cumulative),
    ("brings the total", Cumulative), ("year-to-date", Cumulative), ("year to date", Cumulative),
    ("ytd", Cumulative), ("so far this year", Cumulative), ("累计", Cumulative), ("合计", Cumulative),
    ("全年", Cumulative), ("total for the year", Cumulative), ("in total", Cumulative),
    ("combined", Cumulative), ("yeartodate", Cumulative), ("bringing", Cumulative), ("年度", Cumulative),
    ("上述指标均含", IncludesEarlier), ("均含", IncludesEarlier), ("含已下达", IncludesEarlier),
    ("including the first batch", IncludesEarlier), ("includes the first batch", IncludesEarlier),
    ("不含已下达", Increment), ("不含", Increment), ("excluding the first", Increment),
    ("expect", Forecast), ("expects", Forecast), ("expected", Forecast), ("expectation", Forecast),
    ("expectations", Forecast), ("forecast", Forecast), ("forecasts", Forecast),
    ("forecasted", Forecast), ("estimate", Forecast), ("estimates", Forecast), ("estimated", Forecast),
    ("predict", Forecast), ("predicts", Forecast), ("predicted", Forecast), ("projected", Forecast),
    ("likely to", Forecast), ("could reach", Forecast), ("预计", Forecast), ("预期", Forecast),
    ("预测", Forecast), ("估计", Forecast), ("有望", Forecast), ("outlook", Forecast),
    ("set to", SetTo), ("poised to", Forecast), ("seen at", Forecast), ("see the", Forecast),
    ("from", Comparison), ("compared with", Comparison), ("compared to", Comparison),
    ("versus", Comparison), ("vs", Comparison), ("than", Comparison), ("比", Comparison),
    ("较", Comparison), ("相比", Comparison), ("up from", Comparison), ("down from", Comparison),
    ("last year", PastRef), ("a year earlier", PastRef), ("year earlier", PastRef),
    ("a year ago", PastRef), ("the previous year", PastRef), ("去年", PastRef), ("上年", PastRef),
    ("by", Delta), ("increase of", Delta), ("rise of", Delta), ("up by", Delta), ("down by", Delta),
    ("增加", Delta), ("减少", Delta), ("增长", Delta), ("提高", Delta), ("下调", Delta), ("上调", Delta),
    ("cut of", Delta), ("增量", Delta),
    ("measures", Policy), ("regulation", Policy), ("regulations", Policy), ("rules", Policy),
    ("draft", Policy), ("办法", Policy), ("条例", Policy), ("规定", Policy), ("征求意见", Policy),
    ("law", Policy), ("暂行", Policy), ("规划", Policy), ("development plan", Policy),
    ("export control", ExportControl), ("export controls", ExportControl), ("export ban", ExportControl),
    ("export", ExportControl), ("exports", ExportControl), ("出口", ExportControl),
    ("licensing", ExportControl), ("出口管制", ExportControl),
    ("tracking system", Tracking), ("traceability", Tracking), ("追溯", Tracking), ("流向", Tracking),
    ("price", Price), ("prices", Price), ("价格", Price), ("yuan", Price), ("per tonne", Price),
    ("per ton", Price), ("价", Price),
    ("quietly", Withheld), ("did not give", Withheld), ("without the usual", Withheld),
    ("not disclosed", Withheld), ("undisclosed", Withheld), ("not made public", Withheld),
    ("not publicly", Withheld), ("did not disclose", Withheld), ("not to share", Withheld),
    ("without giving", Withheld), ("未公布", Withheld), ("未公开", Withheld), ("不公开", Withheld),
    ("没有公布", Withheld), ("未对外公布", Withheld),
    ("total", Total), ("全国", National), ("national", National), ("nationwide", National), ("国家", National),
    ("今年", ThisYear), ("this year", ThisYear), ("本年度", ThisYear),
    ("light rare earth", Category("light")), ("light rare earths", Category("light")),
    ("轻稀土", Category("light")), ("rock-type", Category("light")), ("岩矿型", Category("light")),
    ("medium and heavy", Category("medium-heavy")), ("medium-heavy", Category("medium-heavy")),
    ("中重稀土", Category("medium-heavy")), ("ion-adsorption", Category("medium-heavy")),
    ("离子型", Category("medium-heavy")), ("heavy rare earth", Category("medium-heavy")),
    ("china northern rare earth", Holder("China Northern Rare Earth Group", RE_GROUP)),
    ("northern rare earth", Holder("China Northern Rare Earth Group", RE_GROUP)),
    ("china north rare earth", Holder("China Northern Rare Earth Group", RE_GROUP)),
    ("北方稀土", Holder("China Northern Rare Earth Group", RE_GROUP)),
    ("中国北方稀土", Holder("China Northern Rare Earth Group", RE_GROUP)),
    ("china rare earth group", Holder("China Rare Earth Group", RE_GROUP)),
    ("中国稀土集团", Holder("China Rare Earth Group", RE_GROUP)),
    ("xiamen tungsten", Holder("Xiamen Tungsten", RE_GROUP)), ("厦门钨业", Holder("Xiamen Tungsten", RE_GROUP)),
    ("guangdong rising", Holder("Guangdong Rising Nonferrous", RE_GROUP)),
    ("广东稀土", Holder("Guangdong Rising Nonferrous", RE_GROUP)),
    ("chinalco", Holder("Chinalco", RE_GROUP)), ("中铝", Holder("Chinalco", RE_GROUP)),
    ("minmetals", Holder("China Minmetals", RE_GROUP)), ("五矿", Holder("China Minmetals", RE_GROUP)),
    ("江西", Holder("Jiangxi province", PROVINCE)), ("jiangxi", Holder("Jiangxi province", PROVINCE)),
    ("湖南", Holder("Hunan province", PROVINCE)), ("hunan", Holder("Hunan province", PROVINCE)),
    ("河南", Holder("Henan province", PROVINCE)), ("henan", Holder("Henan province", PROVINCE)),
    ("广东", Holder("Guangdong province", PROVINCE)), ("guangdong", Holder("Guangdong province", PROVINCE)),
    ("广西", Holder("Guangxi", PROVINCE)), ("guangxi", Holder("Guangxi", PROVINCE)),
    ("福建", Holder("Fujian province", PROVINCE)), ("fujian", Holder("Fujian province", PROVINCE)),
    ("云南", Holder("Yunnan province", PROVINCE)), ("yunnan", Holder("Yunnan province", PROVINCE)),
    ("内蒙古", Holder("Inner Mongolia", PROVINCE)), ("inner mongolia", Holder("Inner Mongolia", PROVINCE)),
    ("四川", Holder("Sichuan province", PROVINCE)), ("sichuan", Holder("Sichuan province", PROVINCE)),
    ("山东", Holder("Shandong province", PROVINCE)), ("shandong", Holder("Shandong province", PROVINCE)),
    ("甘肃", Holder("Gansu province", PROVINCE)), ("浙江", Holder("Zhejiang province", PROVINCE)),
    ("湖北", Holder("Hubei province", PROVINCE)), ("安徽", Holder("Anhui province", PROVINCE)),
    ("黑龙江", Holder("Heilongjiang province", PROVINCE)), ("新疆", Holder("Xinjiang", PROVINCE)),
];

/// Leftmost-longest matches of every keyword, each match's value its index in [`KEYWORDS`].
/// A character-wise double array: built in about 0.4 ms and searched about a third faster
/// than aho-corasick's contiguous NFA (whose DFA takes 4 ms to build, which one `extract`
/// run does not win back); the tests check both find the same matches.
static AUTOMATON: LazyLock<Option<CharwiseDoubleArrayAhoCorasick<u32>>> = LazyLock::new(|| {
    CharwiseDoubleArrayAhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build_with_values(KEYWORDS.iter().enumerate().map(|(i, (pattern, _))| (*pattern, i as u32)))
        .ok()
});

/// One keyword found: its byte range in the normalised text and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub kw: Kw,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Every keyword of `norm`, in order. An English keyword counts only as a whole word
/// (`re` in `record` is nothing; `re-` as a prefix is nothing either).
pub fn hits(norm: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    hits_into(norm, &mut out);
    out
}

/// [`hits`] appended to `out`: one list for all of an item's fields.
pub fn hits_into(norm: &str, out: &mut Vec<Hit>) {
    let Some(automaton) = AUTOMATON.as_ref() else { return };
    for m in automaton.leftmost_find_iter(norm) {
        let (pattern, kw) = KEYWORDS[m.value() as usize];
        if pattern.is_ascii() {
            let before = norm[..m.start()].chars().next_back();
            let after = norm[m.end()..].chars().next();
            if is_word_char(before) || is_word_char(after) {
                continue;
            }
            if pattern == "re" && (matches!(after, Some('-' | '\'' | ':')) || matches!(before, Some('\'' | '-'))) {
                continue;
            }
        }
        out.push(Hit { start: m.start(), end: m.end(), kw });
    }
}

/// True when the text has any word that makes an item worth reading: a commodity of ours
/// and a quota word. Cheap: items of a general news feed mostly fail at the first check.
pub fn is_quota_text(hits: &[Hit]) -> bool {
    hits.iter().any(|h| matches!(h.kw, Commodity(_) | Holder(_, RE_GROUP)))
        && hits.iter().any(|h| matches!(h.kw, Quota | Batch(_) | FirstBatches(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kws(text: &str) -> Vec<Kw> {
        hits(&super::super::text::Text::new(text).norm).into_iter().map(|h| h.kw).collect()
    }

    #[test]
    fn english_keywords_are_whole_words() {
        assert_eq!(kws("record re-issue"), [Release]);
        assert_eq!(kws("1H RE quotas"), [Batch(1), Commodity(RareEarths), Quota]);
        assert_eq!(kws("setting"), []);
    }

    #[test]
    fn chinese_keywords_traditional_and_simplified() {
        assert_eq!(
            kws("稀土開采、冶煉分離總量控制指標"),
            [Commodity(RareEarths), Stage(Stage::Mining), Stage(Stage::SmeltingSeparation), Quota, Quota]
        );
        assert_eq!(kws("北方稀土"), [Holder("China Northern Rare Earth Group", RE_GROUP)]);
    }

    /// The automaton finds exactly the matches aho-corasick's leftmost-longest search finds
    /// (which the extractor was written against): on the corpus's texts and on text pieced
    /// together from the keywords, their halves and the characters at word edges.
    #[test]
    fn matches_are_aho_corasicks() {
        let reference = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(KEYWORDS.iter().map(|(pattern, _)| pattern))
            .expect("automaton");
        let automaton = AUTOMATON.as_ref().expect("automaton");
        let corpus = std::fs::read_to_string("tests/fixtures/extract/corpus.toml").expect("corpus");
        let mut texts: Vec<String> = corpus.lines().map(|l| super::super::text::Text::new(l).norm).collect();
        let pieces: Vec<&str> = KEYWORDS
            .iter()
            .map(|(p, _)| *p)
            .chain([" ", "x", "-", "'", "稀", "土", "。", "ab", "re", "e", "s"])
            .collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..50_000 {
            let mut text = String::new();
            for _ in 0..seed % 9 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let piece = pieces[(seed % pieces.len() as u64) as usize];
                let half = piece.char_indices().nth(piece.chars().count() / 2).map_or(piece.len(), |(at, _)| at);
                text.push_str(if seed.is_multiple_of(3) { &piece[..half] } else { piece });
            }
            texts.push(text);
        }
        for text in &texts {
            let want: Vec<_> =
                reference.find_iter(text).map(|m| (m.start(), m.end(), m.pattern().as_usize())).collect();
            let got: Vec<_> =
                automaton.leftmost_find_iter(text).map(|m| (m.start(), m.end(), m.value() as usize)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
