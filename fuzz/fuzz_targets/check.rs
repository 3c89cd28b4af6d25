//! What every feed target asserts beyond "no panic": nothing accepted or reported carries a
//! control, escape or bidi character, and every accepted figure is a sane number.

use quotawatch::feed::{DocumentError, ParsedFeed};

fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub fn check(result: &Result<ParsedFeed, DocumentError>) {
    match result {
        Ok(parsed) => {
            for a in &parsed.announcements {
                for text in [&a.title, &a.url, &a.id].into_iter().flatten() {
                    assert!(!text.chars().any(dangerous), "accepted text {text:?}");
                }
                for q in &a.quotas {
                    assert!(!q.holder.chars().any(dangerous), "holder {:?}", q.holder);
                    assert!(q.tonnes.is_finite() && (0.0..=1e12).contains(&q.tonnes), "tonnes {}", q.tonnes);
                }
            }
            for r in &parsed.rejected {
                let shown = r.to_string();
                assert!(!shown.chars().any(dangerous), "rejection {shown:?}");
            }
        }
        Err(error) => {
            let shown = error.to_string();
            assert!(!shown.chars().any(dangerous), "document error {shown:?}");
        }
    }
}
