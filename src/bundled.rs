//! The bundled history: real published quota figures compiled into the binary, so a
//! fresh install shows a useful dashboard before any source is configured.

use crate::feed::{self, DocumentError, Format, ParsedFeed};

/// The name the bundled history goes by wherever sources are listed.
pub const SOURCE_NAME: &str = "bundled";

/// China's rare-earth quotas in quota-feed/1 (see docs/data.md for where each figure comes from).
pub const RARE_EARTHS_JSON: &str = include_str!("../assets/rare-earths.json");

/// Parses the bundled history; its tests guarantee it parses with nothing rejected.
pub fn load() -> Result<ParsedFeed, DocumentError> {
    feed::parse(SOURCE_NAME, Format::Json, RARE_EARTHS_JSON.as_bytes(), usize::MAX)
}
