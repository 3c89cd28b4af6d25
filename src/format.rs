//! Number formatting shared by the report and the dashboard, so both show the same figure
//! the same way.

/// The figure as an integer when it is exactly a whole number (and small enough to be
/// exact in an `i64`): how every output writes whole tonnes, `135000` and never `135000.0`.
pub fn whole(value: f64) -> Option<i64> {
    (value.fract() == 0.0 && value.abs() < 9e15).then_some(value as i64)
}

/// A figure as a plain number: `255000`, `1234.5`; no separators (for CSV).
pub fn plain_number(value: f64) -> String {
    if let Some(n) = whole(value) {
        n.to_string()
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A figure with thousands separators: `255,000`, `1,234.5`.
pub fn thousands(value: f64) -> String {
    let plain = plain_number(value);
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain.as_str()), |d| ("-", d));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A percentage rounded to one decimal, never "-0.0".
pub fn round_pct(pct: f64) -> f64 {
    let rounded = (pct * 10.0).round() / 10.0;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// `21.4` (one decimal, no sign): the CSV form.
pub fn pct_plain(pct: f64) -> String {
    format!("{:.1}", round_pct(pct))
}

/// `+21.4%` / `-3.0%`: growth for people.
pub fn pct_signed(pct: f64) -> String {
    format!("{:+.1}%", round_pct(pct))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(plain_number(255_000.0), "255000");
        assert_eq!(plain_number(1234.5), "1234.5");
        assert_eq!(thousands(255_000.0), "255,000");
        assert_eq!(thousands(1_234_567.25), "1,234,567.25");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-1000.0), "-1,000");
    }

    #[test]
    fn percentages() {
        assert_eq!(pct_plain(21.428_571), "21.4");
        assert_eq!(pct_plain(5.882), "5.9");
        assert_eq!(pct_plain(-0.04), "0.0");
        assert_eq!(pct_signed(5.882), "+5.9%");
        assert_eq!(pct_signed(-3.0), "-3.0%");
        assert_eq!(pct_signed(0.0), "+0.0%");
    }
}
