//! The bundled outlook data: parses whole, and every entry names whose it is.

use super::*;

#[test]
fn bundled_outlook_parses_with_nothing_rejected_and_every_entry_sourced() {
    let parsed = bundled();
    assert!(parsed.rejected.is_empty(), "{:#?}", parsed.rejected);
    assert!(parsed.outlook.expectations.len() >= 6);
    assert!(parsed.outlook.events.len() >= 15);
    for e in &parsed.outlook.expectations {
        assert!(e.who.is_some() && e.published.is_some(), "{e:?}");
    }
    // The one expectation without a page: the Reuters article of 2025-07-07 is known only
    // from its quote in research/data-audit.md §5 (docs/decisions.md).
    let without_url: Vec<_> = parsed.outlook.expectations.iter().filter(|e| e.url.is_none()).collect();
    assert_eq!(without_url.len(), 1);
    assert_eq!(without_url[0].year, 2025);
    for e in &parsed.outlook.events {
        assert!(e.url.as_deref().is_some_and(|u| u.starts_with("https://")), "{e:?}");
    }
}
