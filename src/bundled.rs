//! The bundled history: real published quota figures compiled into the binary, so a
//! fresh install shows a useful dashboard before any source is configured.

use crate::feed::{self, DocumentError, Format, ParsedFeed};

/// The name the bundled history goes by wherever sources are listed.
pub const SOURCE_NAME: &str = "bundled";

/// China's rare-earth quotas in quota-feed/1 (see docs/data.md for where each figure comes from).
pub const RARE_EARTHS_JSON: &str = include_str!("../assets/rare-earths.json");

/// China's tungsten concentrate mining quotas (tonnes of concentrate at 65% WO3), 2006 on.
pub const TUNGSTEN_JSON: &str = include_str!("../assets/tungsten.json");

/// China's antimony mining caps (tonnes of metal), 2009 to 2013, and their abolition.
pub const ANTIMONY_JSON: &str = include_str!("../assets/antimony.json");

/// Every bundled document with the asset it was compiled from, in the order they are merged.
pub const DOCUMENTS: [(&str, &str); 3] = [
    ("assets/rare-earths.json", RARE_EARTHS_JSON),
    ("assets/tungsten.json", TUNGSTEN_JSON),
    ("assets/antimony.json", ANTIMONY_JSON),
];

/// Parses the bundled history, one commodity per document, as one feed; its tests
/// guarantee every document parses with nothing rejected.
pub fn load() -> Result<ParsedFeed, DocumentError> {
    let mut all = ParsedFeed { announcements: Vec::new(), rejected: Vec::new() };
    for (_, text) in DOCUMENTS {
        let parsed = feed::parse(SOURCE_NAME, Format::Json, text.as_bytes(), usize::MAX)?;
        all.announcements.extend(parsed.announcements);
        all.rejected.extend(parsed.rejected);
    }
    Ok(all)
}
