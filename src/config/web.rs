//! The keys of the sources read over HTTP(S): `http` (a quota-feed/1 document), `rss`
//! (RSS 2.0, RSS 1.0, Atom) and `page` (an HTML list of notices, read with CSS selectors),
//! validated into [`SourceKind::Http`]. Keys of one kind given to another are errors.

use std::path::Path;

use super::raw::{Checker, RawSource, expand_env};
use super::{Defaults, HeaderValue, NewsConfig, NewsList, SourceKind};
use crate::model::Tier;

/// Keys that only some kinds take, each with the kinds that take it.
const KIND_KEYS: [(&str, &[&str]); 13] = [
    ("url", &["http", "rss", "page"]),
    ("timeout", &["http", "rss", "page"]),
    ("headers", &["http", "rss", "page"]),
    ("interval_in_window", &["http", "rss", "page"]),
    ("ca_file", &["http", "rss", "page"]),
    ("format", &["file", "http"]),
    ("follow", &["rss", "page"]),
    ("follow_max", &["rss", "page"]),
    ("tier", &["rss", "page"]),
    ("items", &["page"]),
    ("title", &["page"]),
    ("link", &["page"]),
    ("date", &["page"]),
];

/// Names every key given to a kind that does not take it (an unknown kind is reported by
/// the caller).
pub(super) fn misplaced_keys(check: &mut Checker<'_>, raw: &RawSource) {
    if !["file", "http", "rss", "page"].contains(&raw.kind.as_str()) {
        return;
    }
    let given = [
        raw.url.is_some(),
        raw.timeout.is_some(),
        raw.headers.is_some(),
        raw.interval_in_window.is_some(),
        raw.ca_file.is_some(),
        raw.format.is_some(),
        raw.follow.is_some(),
        raw.follow_max.is_some(),
        raw.tier.is_some(),
        raw.items.is_some(),
        raw.title.is_some(),
        raw.link.is_some(),
        raw.date.is_some(),
    ];
    for ((field, kinds), given) in KIND_KEYS.iter().zip(given) {
        if given && !kinds.contains(&raw.kind.as_str()) {
            let quoted: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
            let kinds = match quoted.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                _ => quoted.join(""),
            };
            check.problem(field, format!(": only for kind {kinds} (this source is {:?})", raw.kind));
        }
    }
}

/// `url`, `timeout`, `headers` and `ca_file` of any HTTP kind, and the news keys of `rss`
/// and `page`.
pub(super) fn http_kind(check: &mut Checker<'_>, raw: &RawSource, base_dir: &Path) -> Option<SourceKind> {
    let timeout = check.duration("timeout", raw.timeout.as_deref(), Defaults::HTTP_TIMEOUT);
    let mut headers = Vec::new();
    for (name, template) in raw.headers.iter().flatten() {
        let field = format!("headers.{name}");
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            check.problem(&field, ": not a valid HTTP header name".into());
            continue;
        }
        match expand_env(template) {
            // The value may hold a secret: name the variable, never the value.
            Ok(value) if reqwest::header::HeaderValue::from_str(&value).is_ok() => {
                headers.push((name.clone(), HeaderValue(value)));
            }
            Ok(_) => check.problem(&field, ": the value (after ${VAR} expansion) is not a valid header value".into()),
            Err(variable) => check.problem(&field, format!(": environment variable {variable} is not set")),
        }
    }
    let ca_file = raw.ca_file.as_deref().and_then(|text| ca_file(check, text, base_dir));
    let news = match raw.kind.as_str() {
        "rss" => Some(Box::new(news(check, raw, NewsList::Feed))),
        "page" => page_list(check, raw).map(|list| Box::new(news(check, raw, list))),
        _ => None,
    };
    let url = match raw.url.as_deref().map(str::trim) {
        None | Some("") => {
            check.problem("url", format!(": required for kind {:?}", raw.kind));
            return None;
        }
        Some(text) => match reqwest::Url::parse(text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => url,
            _ => {
                check.problem("url", format!(" = {text:?}: expected an http:// or https:// URL"));
                return None;
            }
        },
    };
    if raw.kind == "page" && news.is_none() {
        return None;
    }
    Some(SourceKind::Http { url, timeout, headers, ca_file, news })
}

/// The CA file, resolved against the config's folder, read and checked to hold at least
/// one PEM certificate now rather than at the first poll.
fn ca_file(check: &mut Checker<'_>, text: &str, base_dir: &Path) -> Option<std::path::PathBuf> {
    let path = base_dir.join(text.trim());
    match std::fs::read(&path) {
        Err(error) => check.problem("ca_file", format!(" = {text:?}: cannot read {}: {error}", path.display())),
        Ok(pem) => match reqwest::Certificate::from_pem_bundle(&pem) {
            Ok(certs) if !certs.is_empty() => return Some(path),
            _ => check.problem("ca_file", format!(" = {text:?}: no PEM certificate in {}", path.display())),
        },
    }
    None
}

fn news(check: &mut Checker<'_>, raw: &RawSource, list: NewsList) -> NewsConfig {
    let follow_max = match raw.follow_max {
        None => NewsConfig::DEFAULT_FOLLOW_MAX,
        Some(n) => match usize::try_from(n) {
            Ok(n) if (1..=NewsConfig::MAX_FOLLOW_MAX).contains(&n) => n,
            _ => {
                let max = NewsConfig::MAX_FOLLOW_MAX;
                check.problem("follow_max", format!(" = {n}: must be from 1 to {max} pages per poll"));
                NewsConfig::DEFAULT_FOLLOW_MAX
            }
        },
    };
    let tier = match raw.tier.as_deref() {
        None => Tier::Reported,
        Some(text) => Tier::parse(text).unwrap_or_else(|| {
            check.problem("tier", format!(" = {text:?}: expected \"official\", \"reported\" or \"estimate\""));
            Tier::Reported
        }),
    };
    NewsConfig { list, follow: raw.follow.unwrap_or(false), follow_max, tier }
}

/// `items` (required), `title` and `link` (default `a`) and `date`, each a CSS selector
/// that scraper accepts.
fn page_list(check: &mut Checker<'_>, raw: &RawSource) -> Option<NewsList> {
    let items = match raw.items.as_deref() {
        None => {
            check.problem("items", ": required for kind \"page\" (the CSS selector of one item)".into());
            None
        }
        given => selector(check, "items", given, None).flatten(),
    };
    let title = selector(check, "title", raw.title.as_deref(), Some("a")).flatten();
    let link = selector(check, "link", raw.link.as_deref(), Some("a")).flatten();
    let date = selector(check, "date", raw.date.as_deref(), None)?;
    Some(NewsList::Page { items: items?, title: title?, link: link?, date })
}

/// `Some(None)` when not given and without a default; `None` when invalid (reported).
fn selector(check: &mut Checker<'_>, field: &str, text: Option<&str>, default: Option<&str>) -> Option<Option<String>> {
    let Some(text) = text.map(str::trim).or(default) else { return Some(None) };
    if text.is_empty() {
        check.problem(field, " = \"\": expected a CSS selector".into());
        return None;
    }
    match scraper::Selector::parse(text) {
        Ok(_) => Some(Some(text.to_owned())),
        Err(error) => {
            let error = crate::feed::clean_text(&error.to_string(), 120);
            check.problem(field, format!(" = {text:?}: not a CSS selector ({error})"));
            None
        }
    }
}
