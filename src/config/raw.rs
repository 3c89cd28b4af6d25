//! The config file as TOML gives it, before validation. Unknown keys are errors, so a
//! typo is caught rather than silently ignored.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::{DEFAULT_FILE_INTERVAL, DEFAULT_FILE_MAX_BYTES, MIN_INTERVAL, SourceConfig, SourceKind};
use crate::feed::Format;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    sources: Vec<RawSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: String,
    kind: String,
    path: Option<String>,
    format: Option<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    max_bytes: Option<RawSize>,
    interval: Option<String>,
}

fn enabled_by_default() -> bool {
    true
}

/// `max_bytes` as a number of bytes or a size such as "8MiB".
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSize {
    Bytes(u64),
    Text(String),
}

impl RawConfig {
    /// Checks every source, collecting all problems rather than stopping at the first.
    pub fn validate(self, base_dir: &Path) -> Result<Vec<SourceConfig>, Vec<String>> {
        let mut problems = Vec::new();
        let mut names = HashSet::new();
        let mut sources = Vec::new();
        for (index, raw) in self.sources.into_iter().enumerate() {
            let key = |field: &str| format!("sources[{index}].{field}");
            let name = raw.name.trim().to_owned();
            if name.is_empty() || crate::feed::clean_text(&name, 40) != name {
                problems.push(format!("{} = {:?}: a name is 1 to 40 printable characters, single-spaced, without control or bidi characters", key("name"), raw.name));
            } else if name.eq_ignore_ascii_case(crate::bundled::SOURCE_NAME) {
                // The ledger tells sources apart by name: this one would revise the bundled
                // history instead of conflicting with it.
                problems.push(format!("{} = {:?}: reserved for the bundled history", key("name"), raw.name));
            } else if !names.insert(name.to_lowercase()) {
                problems.push(format!("{} = {:?}: this name is used by an earlier source", key("name"), raw.name));
            }
            let format = match raw.format.as_deref().map(|f| (f, Format::parse(f))) {
                None => None,
                Some((_, Some(format))) => Some(format),
                Some((text, None)) => {
                    problems.push(format!("{} = {text:?}: expected \"json\" or \"csv\"", key("format")));
                    None
                }
            };
            let max_bytes = match raw.max_bytes {
                None => DEFAULT_FILE_MAX_BYTES,
                Some(RawSize::Bytes(n)) => n,
                Some(RawSize::Text(text)) => match text.parse::<bytesize::ByteSize>() {
                    Ok(size) => size.as_u64(),
                    Err(_) => {
                        problems.push(format!("{} = {text:?}: expected a size such as \"8MiB\"", key("max_bytes")));
                        DEFAULT_FILE_MAX_BYTES
                    }
                },
            };
            let interval = match raw.interval.as_deref() {
                None => DEFAULT_FILE_INTERVAL,
                Some(text) => match humantime::parse_duration(text) {
                    Ok(interval) if interval >= MIN_INTERVAL => interval,
                    Ok(_) => {
                        problems.push(format!("{} = {text:?}: must be at least 1s", key("interval")));
                        DEFAULT_FILE_INTERVAL
                    }
                    Err(_) => {
                        problems.push(format!(
                            "{} = {text:?}: expected a duration such as \"30s\" or \"5m\"",
                            key("interval")
                        ));
                        DEFAULT_FILE_INTERVAL
                    }
                },
            };
            if max_bytes == 0 {
                problems.push(format!("{} = 0: must be more than zero", key("max_bytes")));
            }
            let kind = match raw.kind.as_str() {
                "file" => match raw.path.as_deref().map(str::trim) {
                    Some(path) if !path.is_empty() => {
                        let path = base_dir.join(path);
                        if format.is_none() && Format::from_path(&path).is_none() {
                            problems.push(format!(
                                "{} = {:?}: cannot tell json or csv from the extension; set {}",
                                key("path"),
                                path.display().to_string(),
                                key("format")
                            ));
                        }
                        Some(SourceKind::File { path })
                    }
                    _ => {
                        problems.push(format!("{}: required for kind \"file\"", key("path")));
                        None
                    }
                },
                "http" => {
                    problems.push(format!(
                        "{} = \"http\": HTTP sources are not available in this build yet; supported: \"file\"",
                        key("kind")
                    ));
                    None
                }
                other => {
                    problems.push(format!("{} = {other:?}: expected \"file\"", key("kind")));
                    None
                }
            };
            if let Some(kind) = kind {
                sources.push(SourceConfig { name, enabled: raw.enabled, kind, format, max_bytes, interval });
            }
        }
        if problems.is_empty() { Ok(sources) } else { Err(problems) }
    }
}
