//! The configuration: which file is used, and its raw TOML validated into one [`Config`].
//!
//! Errors name the key and the value (`sources[1].format = "xml": ...`) and the file.

mod outlook;
mod raw;
mod syntax;
mod web;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use raw::KeyTable;

use crate::feed::Format;

/// The built-in default configuration, fully commented; used when no file is found.
pub const DEFAULT_CONFIG: &str = include_str!("../../config/default.toml");

/// Environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "QUOTAWATCH_CONFIG";
/// Environment variable naming the data directory when `--data-dir` is not given.
pub const DATA_DIR_ENV: &str = "QUOTAWATCH_DATA_DIR";

/// Polling faster than this would only burn CPU (and a publisher's patience).
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// Intervals and timeouts beyond a day are typos, and would overflow date arithmetic.
pub const MAX_INTERVAL: Duration = Duration::from_secs(86_400);

/// Per-kind defaults for the keys a source may leave out.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    pub interval: Duration,
    pub max_bytes: u64,
}

impl Defaults {
    /// Local files are cheap to check and may be large (a desk's full history).
    pub const FILE: Defaults = Defaults { interval: Duration::from_secs(2), max_bytes: 256 * 1024 * 1024 };
    /// Remote feeds are polled politely and capped tightly.
    pub const HTTP: Defaults = Defaults { interval: Duration::from_secs(30), max_bytes: 8 * 1024 * 1024 };
    pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
    /// News searches and notice lists change a few times a day: polled gently.
    pub const NEWS: Defaults = Defaults { interval: Duration::from_secs(300), max_bytes: 8 * 1024 * 1024 };
}

/// A header value, possibly holding a secret from `${VAR}`: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderValue(pub String);

impl std::fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeaderValue(<redacted>)")
    }
}

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    BuiltIn,
    File(PathBuf),
}

impl std::fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigOrigin::BuiltIn => f.write_str("the built-in default configuration"),
            ConfigOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub origin: ConfigOrigin,
    /// In configuration order, which is also conflict priority: the first listed wins.
    pub sources: Vec<SourceConfig>,
    pub alerts: AlertsConfig,
    /// Where `e` in the dashboard writes a table as CSV; relative to the working directory.
    pub export_dir: PathBuf,
    /// `[[expectations]]` and `[[events]]`, validated like those of a feed.
    pub outlook: crate::outlook::Outlook,
    /// `[keys]` as written (each value a list of key names); [`crate::keys::KeyMap`]
    /// validates it against the dashboard's actions.
    pub keys: KeyTable,
    /// Whether the dashboard takes clicks and the wheel (`mouse = false` leaves the mouse to
    /// the terminal, for selecting text).
    pub mouse: bool,
}

/// What happens, besides the banner and the log, when a new or revised announcement arrives.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertsConfig {
    /// Ring the terminal bell.
    pub bell: bool,
    /// A program and its first arguments, run without a shell; the alert text is appended.
    pub command: Vec<String>,
    /// How long the command may run before it is killed.
    pub command_timeout: Duration,
    /// A URL to POST the alert to as JSON (`${VAR}` expanded; may hold a token, so only its
    /// host is ever shown).
    pub webhook: Option<reqwest::Url>,
    pub webhook_timeout: Duration,
}

impl AlertsConfig {
    /// Commands and webhooks are given this long unless the config says otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceConfig {
    pub name: String,
    pub enabled: bool,
    pub kind: SourceKind,
    /// The format to parse as; `None` means "from the file extension".
    pub format: Option<Format>,
    pub max_bytes: u64,
    /// How often the dashboard checks the source for changes.
    pub interval: Duration,
    /// How often instead while a release of a commodity it covers is in its window or
    /// overdue (HTTP sources only; a file is watched and seen at once anyway).
    pub interval_in_window: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A local file, its path resolved against the config file's folder.
    File { path: PathBuf },
    /// A document fetched over HTTP(S); `headers` values are already `${VAR}`-expanded.
    /// `news` is set for `rss` and `page` sources (read by the extractor), `None` for a
    /// quota-feed/1 document (`http`).
    Http {
        url: reqwest::Url,
        timeout: Duration,
        headers: Vec<(String, HeaderValue)>,
        /// A desk's own CA (PEM), trusted besides the system's roots.
        ca_file: Option<PathBuf>,
        /// Boxed: most sources are files or feeds, and the variant stays small.
        news: Option<Box<NewsConfig>>,
    },
}

/// What an `rss` or `page` source adds to an HTTP one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsConfig {
    pub list: NewsList,
    /// Fetch each new matching item's page and read its text too.
    pub follow: bool,
    /// At most this many pages followed per poll.
    pub follow_max: usize,
    /// `reported` unless the source is a ministry's own (`official`).
    pub tier: crate::model::Tier,
}

impl NewsConfig {
    pub const DEFAULT_FOLLOW_MAX: usize = 5;
    /// More pages than this per poll would be a crawl, not a check.
    pub const MAX_FOLLOW_MAX: usize = 50;
}

/// How the items of a news document are found.
#[derive(Debug, Clone, PartialEq)]
pub enum NewsList {
    /// RSS 2.0, RSS 1.0 or Atom.
    Feed,
    /// An HTML list of notices, read with CSS selectors (validated).
    Page { items: String, title: String, link: String, date: Option<String> },
}

impl SourceConfig {
    /// "file" for listings.
    pub fn kind_name(&self) -> &'static str {
        match (&self.kind, self.news().map(|n| &n.list)) {
            (SourceKind::File { .. }, _) => "file",
            (SourceKind::Http { .. }, None) => "http",
            (SourceKind::Http { .. }, Some(NewsList::Feed)) => "rss",
            (SourceKind::Http { .. }, Some(NewsList::Page { .. })) => "page",
        }
    }

    /// Where the source reads from, for people.
    pub fn location(&self) -> String {
        match &self.kind {
            SourceKind::File { path } => path.display().to_string(),
            SourceKind::Http { url, .. } => redacted(url),
        }
    }

    /// The `rss` / `page` settings, for a news source.
    pub fn news(&self) -> Option<&NewsConfig> {
        match &self.kind {
            SourceKind::Http { news, .. } => news.as_deref(),
            SourceKind::File { .. } => None,
        }
    }
}

/// Only the scheme and host of a URL, for URLs whose path may be a secret (chat webhooks).
pub fn host_only(url: &reqwest::Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or("?"))
}

/// A URL for display: user name, password and query (where tokens often hide) replaced.
pub fn redacted(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        let _ = shown.set_username("***");
        let _ = shown.set_password(None);
    }
    if shown.query().is_some() {
        shown.set_query(Some("***"));
    }
    shown.to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {error}")]
    Read { path: PathBuf, error: std::io::Error },
    #[error("config {origin}: {message}")]
    Syntax { origin: ConfigOrigin, message: String },
    #[error("config {origin}:\n  {}", problems.join("\n  "))]
    Invalid { origin: ConfigOrigin, problems: Vec<String> },
}

/// Which config file to use: `explicit` (from `--config` or `$QUOTAWATCH_CONFIG`, which
/// clap merges), else `$XDG_CONFIG_HOME/quotawatch/config.toml` when it exists, else none
/// (the built-in default).
pub fn resolve_path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    dirs::config_dir().map(|dir| dir.join("quotawatch").join("config.toml")).filter(|path| path.is_file())
}

/// Reads and validates the config at `path`, or the built-in default when `None`.
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    match path {
        None => parse(DEFAULT_CONFIG, ConfigOrigin::BuiltIn, Path::new(".")),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|error| ConfigError::Read { path: path.to_owned(), error })?;
            let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            parse(&text, ConfigOrigin::File(path.to_owned()), base)
        }
    }
}

/// Validates config text; relative source paths are resolved against `base_dir`.
pub fn parse(text: &str, origin: ConfigOrigin, base_dir: &Path) -> Result<Config, ConfigError> {
    let raw: raw::RawConfig =
        syntax::read(text).map_err(|message| ConfigError::Syntax { origin: origin.clone(), message })?;
    let mouse = raw.mouse();
    raw.validate(base_dir)
        .map(|(sources, alerts, export_dir, outlook, keys)| Config {
            origin: origin.clone(),
            sources,
            alerts,
            export_dir,
            outlook,
            keys,
            mouse,
        })
        .map_err(|problems| ConfigError::Invalid { origin, problems })
}

/// The data directory: `explicit` (from `--data-dir` or `$QUOTAWATCH_DATA_DIR`), else the
/// platform data dir (`$XDG_DATA_HOME/quotawatch`), else `./.quotawatch`.
pub fn resolve_data_dir(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_owned)
        .or_else(|| dirs::data_dir().map(|d| d.join("quotawatch")))
        .unwrap_or_else(|| PathBuf::from(".quotawatch"))
}

#[cfg(test)]
mod tests;
