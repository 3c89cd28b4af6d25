//! Chinese numerals in quota notices (`六万二千吨`, `十二万吨`): the digits and units, and a
//! run of them to its value. Read only right before 吨 (see [`super::numbers::tokens`]).

const CN_DIGITS: &[(char, u32)] = &[
    ('零', 0),
    ('〇', 0),
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];
const CN_UNITS: &[(char, u32)] = &[('十', 10), ('百', 100), ('千', 1000)];

fn cn_value(c: char) -> Option<u32> {
    // The values of CN_DIGITS and CN_UNITS, as one match (the test checks they agree): this
    // is asked of every character of a Chinese sentence with 吨 in it.
    match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

pub(super) fn is_cn_numeral(c: char) -> bool {
    c == '万' || cn_value(c).is_some()
}

/// `六万二千` → 62000; `十二万` → 120000. `None` for anything else.
pub fn chinese_numeral(text: &str) -> Option<f64> {
    let (mut total, mut section, mut digit) = (0f64, 0f64, None::<f64>);
    let mut any = false;
    for c in text.chars() {
        any = true;
        if c == '万' {
            section += digit.take().unwrap_or(0.0);
            total += if section == 0.0 { 1.0 } else { section } * 10_000.0;
            section = 0.0;
        } else if let Some((_, unit)) = CN_UNITS.iter().find(|(u, _)| *u == c) {
            section += digit.take().unwrap_or(1.0) * f64::from(*unit);
        } else if let Some((_, d)) = CN_DIGITS.iter().find(|(n, _)| *n == c) {
            digit = Some(digit.unwrap_or(0.0) * 10.0 + f64::from(*d));
        } else {
            return None;
        }
    }
    any.then(|| total + section + digit.unwrap_or(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numeral_values_are_the_tables() {
        for (c, v) in CN_DIGITS.iter().chain(CN_UNITS) {
            assert_eq!(cn_value(*c), Some(*v), "{c}");
        }
        assert_eq!(cn_value('万'), None);
        assert_eq!(cn_value('吨'), None);
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_numeral("六万二千"), Some(62_000.0));
        assert_eq!(chinese_numeral("十二万"), Some(120_000.0));
        assert_eq!(chinese_numeral("十万五千"), Some(105_000.0));
        assert_eq!(chinese_numeral("x"), None);
    }
}
