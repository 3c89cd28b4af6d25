//! The config file as TOML gives it, before validation. Unknown keys are errors, so a
//! typo is caught rather than silently ignored.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::{AlertsConfig, Defaults, MAX_INTERVAL, MIN_INTERVAL, SourceConfig, SourceKind};
use crate::feed::Format;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    sources: Vec<RawSource>,
    #[serde(default)]
    alerts: RawAlerts,
    export_dir: Option<String>,
    #[serde(default)]
    expectations: Vec<toml::Table>,
    #[serde(default)]
    events: Vec<toml::Table>,
    /// `[keys]`: action name to a key or a list of keys; names checked by [`crate::keys`].
    #[serde(default)]
    keys: BTreeMap<String, toml::Value>,
    /// The dashboard takes clicks and the wheel (default true).
    mouse: Option<bool>,
}

impl RawConfig {
    /// Whether the dashboard takes the mouse: on unless `mouse = false`.
    pub fn mouse(&self) -> bool {
        self.mouse.unwrap_or(true)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlerts {
    #[serde(default)]
    bell: bool,
    #[serde(default)]
    command: Vec<String>,
    command_timeout: Option<String>,
    webhook: Option<String>,
    webhook_timeout: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    name: String,
    pub(super) kind: String,
    path: Option<String>,
    pub(super) url: Option<String>,
    pub(super) format: Option<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    max_bytes: Option<RawSize>,
    interval: Option<String>,
    pub(super) interval_in_window: Option<String>,
    pub(super) timeout: Option<String>,
    pub(super) headers: Option<BTreeMap<String, String>>,
    pub(super) ca_file: Option<String>,
    pub(super) items: Option<String>,
    pub(super) title: Option<String>,
    pub(super) link: Option<String>,
    pub(super) date: Option<String>,
    pub(super) follow: Option<bool>,
    pub(super) follow_max: Option<i64>,
    pub(super) tier: Option<String>,
}

/// The largest `max_bytes`: memory use is bounded by it, whatever a source sends.
const MAX_BYTES_LIMIT: u64 = 1 << 30;

fn enabled_by_default() -> bool {
    true
}

/// `max_bytes` as a number of bytes or a size such as "8MiB".
#[derive(Debug)]
enum RawSize {
    Bytes(u64),
    Text(String),
}

impl<'de> Deserialize<'de> for RawSize {
    // By hand, so a wrong value says what is expected (an untagged enum says only "did not match").
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawSize;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number of bytes or a size such as \"8MiB\"")
            }
            fn visit_u64<E>(self, bytes: u64) -> Result<RawSize, E> {
                Ok(RawSize::Bytes(bytes))
            }
            fn visit_i64<E: serde::de::Error>(self, bytes: i64) -> Result<RawSize, E> {
                u64::try_from(bytes)
                    .map(RawSize::Bytes)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(bytes), &self))
            }
            fn visit_str<E>(self, text: &str) -> Result<RawSize, E> {
                Ok(RawSize::Text(text.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Collects every problem of one table (a source, `[alerts]`), each naming its key.
pub(super) struct Checker<'p> {
    /// `sources[2]`, `alerts`.
    table: String,
    problems: &'p mut Vec<String>,
}

impl Checker<'_> {
    pub(super) fn key(&self, field: &str) -> String {
        format!("{}.{field}", self.table)
    }

    pub(super) fn problem(&mut self, field: &str, message: String) {
        let key = self.key(field);
        self.problems.push(format!("{key}{message}"));
    }

    pub(super) fn duration(&mut self, field: &str, text: Option<&str>, default: Duration) -> Duration {
        match text.map(|t| (t, humantime::parse_duration(t))) {
            None => default,
            Some((_, Ok(d))) if (MIN_INTERVAL..=MAX_INTERVAL).contains(&d) => d,
            Some((text, Ok(_))) => {
                self.problem(field, format!(" = {text:?}: must be from 1s to 1day"));
                default
            }
            Some((text, Err(_))) => {
                self.problem(field, format!(" = {text:?}: expected a duration such as \"30s\" or \"5m\""));
                default
            }
        }
    }
}

/// What a valid config file holds.
pub type Validated = (Vec<SourceConfig>, AlertsConfig, PathBuf, crate::outlook::Outlook, KeyTable);

/// `[keys]` in file order (sorted by action name): each action with the keys as written.
pub type KeyTable = Vec<(String, Vec<String>)>;

impl RawConfig {
    /// Checks every source and the alerts, collecting all problems rather than stopping at
    /// the first.
    pub fn validate(self, base_dir: &Path) -> Result<Validated, Vec<String>> {
        let mut problems = Vec::new();
        let mut names = HashSet::new();
        let mut sources = Vec::new();
        for (index, raw) in self.sources.into_iter().enumerate() {
            let mut check = Checker { table: format!("sources[{index}]"), problems: &mut problems };
            let name = raw.name.trim().to_owned();
            if name.is_empty() || crate::feed::clean_text(&name, 40) != name {
                let rule = "a name is 1 to 40 printable characters, single-spaced, without control or bidi characters";
                check.problem("name", format!(" = {:?}: {rule}", raw.name));
            } else if name.eq_ignore_ascii_case(crate::bundled::SOURCE_NAME) {
                // The ledger tells sources apart by name: this one would revise the bundled
                // history instead of conflicting with it.
                check.problem("name", format!(" = {:?}: reserved for the bundled history", raw.name));
            } else if !names.insert(name.to_lowercase()) {
                check.problem("name", format!(" = {:?}: this name is used by an earlier source", raw.name));
            }
            let format = match raw.format.as_deref().map(|f| (f, Format::parse(f))) {
                None => None,
                Some((_, Some(format))) => Some(format),
                Some((text, None)) => {
                    check.problem("format", format!(" = {text:?}: expected \"json\" or \"csv\""));
                    None
                }
            };
            let defaults = match raw.kind.as_str() {
                "http" => Defaults::HTTP,
                "rss" | "page" => Defaults::NEWS,
                _ => Defaults::FILE,
            };
            let max_bytes = match &raw.max_bytes {
                None => defaults.max_bytes,
                Some(RawSize::Bytes(n)) => *n,
                Some(RawSize::Text(text)) => {
                    text.parse::<bytesize::ByteSize>().map(|s| s.as_u64()).unwrap_or_else(|_| {
                        check.problem("max_bytes", format!(" = {text:?}: expected a size such as \"8MiB\""));
                        defaults.max_bytes
                    })
                }
            };
            if max_bytes == 0 {
                check.problem("max_bytes", " = 0: must be more than zero".into());
            } else if max_bytes > MAX_BYTES_LIMIT {
                // A document is held whole in memory while it is read and parsed.
                let given = match &raw.max_bytes {
                    Some(RawSize::Text(text)) => format!("{text:?}"),
                    _ => max_bytes.to_string(),
                };
                check.problem("max_bytes", format!(" = {given}: at most 1GiB (a document is held in memory whole)"));
            }
            let interval = check.duration("interval", raw.interval.as_deref(), defaults.interval);
            let kind = match raw.kind.as_str() {
                "file" => file_kind(&mut check, raw.path.as_deref(), format, base_dir),
                "http" | "rss" | "page" => super::web::http_kind(&mut check, &raw, base_dir),
                other => {
                    check.problem("kind", format!(" = {other:?}: expected \"file\", \"http\", \"rss\" or \"page\""));
                    None
                }
            };
            let interval_in_window = raw.interval_in_window.as_deref().map(|text| {
                let faster = check.duration("interval_in_window", Some(text), interval);
                if faster > interval {
                    check.problem(
                        "interval_in_window",
                        format!(
                            " = {text:?}: must not be longer than the interval ({})",
                            humantime::format_duration(interval)
                        ),
                    );
                }
                faster
            });
            super::web::misplaced_keys(&mut check, &raw);
            if let Some(kind) = kind {
                sources.push(SourceConfig {
                    name,
                    enabled: raw.enabled,
                    kind,
                    format,
                    max_bytes,
                    interval,
                    interval_in_window,
                });
            }
        }
        let alerts = self.alerts.validate(&mut Checker { table: "alerts".into(), problems: &mut problems });
        let export_dir = match self.export_dir.as_deref().map(str::trim) {
            None => PathBuf::from("."),
            Some("") => {
                problems.push("export_dir = \"\": expected a folder".into());
                PathBuf::new()
            }
            Some(dir) => PathBuf::from(dir),
        };
        let outlook = super::outlook::validate(&self.expectations, &self.events, &mut problems);
        let keys = key_table(self.keys, &mut problems);
        if problems.is_empty() { Ok((sources, alerts, export_dir, outlook, keys)) } else { Err(problems) }
    }
}

impl RawAlerts {
    fn validate(self, check: &mut Checker<'_>) -> AlertsConfig {
        if self.command.first().is_some_and(|program| program.trim().is_empty()) {
            check.problem("command", format!(" = {:?}: the first element is the program to run", self.command));
        }
        let command_timeout =
            check.duration("command_timeout", self.command_timeout.as_deref(), AlertsConfig::DEFAULT_TIMEOUT);
        let webhook_timeout =
            check.duration("webhook_timeout", self.webhook_timeout.as_deref(), AlertsConfig::DEFAULT_TIMEOUT);
        let webhook = self.webhook.as_deref().and_then(|template| {
            // The URL may hold a token (`${VAR}`, or the path of a chat webhook): errors name
            // the variable, never show the expanded text.
            let text = match expand_env(template) {
                Ok(text) => text,
                Err(variable) => {
                    check.problem("webhook", format!(": environment variable {variable} is not set"));
                    return None;
                }
            };
            match reqwest::Url::parse(text.trim()) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url),
                _ if template.contains("${") => {
                    check.problem("webhook", ": expected an http:// or https:// URL (after ${VAR} expansion)".into());
                    None
                }
                _ => {
                    check.problem("webhook", format!(" = {template:?}: expected an http:// or https:// URL"));
                    None
                }
            }
        });
        AlertsConfig { bell: self.bell, command: self.command, command_timeout, webhook, webhook_timeout }
    }
}

fn file_kind(
    check: &mut Checker<'_>,
    path: Option<&str>,
    format: Option<Format>,
    base_dir: &Path,
) -> Option<SourceKind> {
    match path.map(str::trim) {
        Some(path) if !path.is_empty() => {
            let path = base_dir.join(path);
            if format.is_none() && Format::from_path(&path).is_none() {
                let format_key = check.key("format");
                check.problem(
                    "path",
                    format!(
                        " = {:?}: cannot tell json or csv from the extension; set {format_key}",
                        path.display().to_string()
                    ),
                );
            }
            Some(SourceKind::File { path })
        }
        _ => {
            check.problem("path", ": required for kind \"file\"".into());
            None
        }
    }
}

/// `[keys]`'s shape: each value a key name or a list of them. Whether the names are
/// actions and keys is for [`crate::keys::KeyMap::from_table`].
fn key_table(raw: BTreeMap<String, toml::Value>, problems: &mut Vec<String>) -> KeyTable {
    let mut table = Vec::new();
    for (action, value) in raw {
        let keys = match &value {
            toml::Value::String(key) => Some(vec![key.clone()]),
            toml::Value::Array(items) => items.iter().map(|item| item.as_str().map(str::to_owned)).collect(),
            _ => None,
        };
        match keys {
            Some(keys) => table.push((action, keys)),
            None => problems.push(format!(
                "keys.{} = {}: expected a key or a list of keys, such as [\"Tab\", \"n\"]",
                crate::feed::clean_text(&action, 40),
                crate::feed::clean_text(&written(&value), 60)
            )),
        }
    }
    table
}

/// A TOML value as the file wrote it, near enough for an error message.
fn written(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => format!("{text:?}"),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => format!("[{}]", items.iter().map(written).collect::<Vec<_>>().join(", ")),
        toml::Value::Table(_) => "{ ... }".into(),
    }
}

/// Replaces each `${VAR}` with the variable's value; the error names a missing variable.
pub(super) fn expand_env(template: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let variable = &after[..end];
        out.push_str(&std::env::var(variable).map_err(|_| variable.to_owned())?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
