//! HTTP sources: conditional GETs (ETag / Last-Modified, so an unchanged feed costs a 304),
//! connect and total timeouts, a body cap enforced while the body streams in, few
//! redirects, gzip, a desk's own CA (`ca_file`), and the status and `Retry-After` a failure
//! came with. [`HttpSource::get`] is the one request every kind makes (a quota-feed/1
//! document, a news feed or list, a followed page); `rss` and `page` documents are read by
//! [`super::news`].

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderName};

use super::SourceError;
use crate::config::{NewsConfig, SourceConfig, SourceKind};
use crate::feed::{self, Format, ParsedFeed};

/// Redirects beyond this are a misconfigured (or hostile) server.
const MAX_REDIRECTS: usize = 5;
/// A server asking for more patience than this is asked again after this long.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3_600);

/// What one successful request returned.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub bytes: u64,
    /// `None` for 304 Not Modified: nothing new since the last fetch.
    pub parsed: Option<ParsedFeed>,
}

/// One HTTP source's client and its validators for conditional requests.
#[derive(Debug)]
pub struct HttpSource {
    name: String,
    client: reqwest::Client,
    url: reqwest::Url,
    headers: HeaderMap,
    format: Option<Format>,
    max_bytes: u64,
    timeout: Duration,
    etag: Option<header::HeaderValue>,
    last_modified: Option<header::HeaderValue>,
    /// Set for `rss` and `page` sources.
    pub(super) news: Option<NewsConfig>,
    /// Links whose pages were read (this run, or before: [`HttpSource::remember_followed`]).
    pub(super) followed: HashSet<String>,
    /// When each headline was first shown, by its key.
    pub(super) first_seen: HashMap<String, DateTime<Utc>>,
}

/// One answer with a body.
#[derive(Debug)]
pub(super) struct Body {
    pub status: u16,
    pub bytes: Vec<u8>,
    pub headers: HeaderMap,
    /// The address answered from, after redirects (relative links resolve against it).
    pub url: reqwest::Url,
}

impl HttpSource {
    /// `None` when `source` is not an HTTP source.
    pub fn new(source: &SourceConfig) -> Option<Result<HttpSource, SourceError>> {
        let SourceKind::Http { url, timeout, headers, ca_file, news } = &source.kind else { return None };
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            // Validated with the config; a failure here would be a bug, reported, not a panic.
            let (Ok(name), Ok(mut value)) =
                (HeaderName::from_bytes(name.as_bytes()), header::HeaderValue::from_str(&value.0))
            else {
                return Some(Err(SourceError::Network(format!("header {name} is not valid"))));
            };
            value.set_sensitive(true);
            map.insert(name, value);
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout((*timeout).min(Duration::from_secs(10)))
            .timeout(*timeout)
            .redirect(redirect_policy(!map.is_empty()))
            .user_agent(concat!("quotawatch/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_file {
            // Checked with the config; read again here, as the file may have changed since.
            let certs = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display())).and_then(|pem| {
                reqwest::Certificate::from_pem_bundle(&pem)
                    .map_err(|e| format!("ca_file {}: not PEM certificates: {e}", path.display()))
            });
            match certs {
                Ok(certs) => builder = builder.tls_certs_merge(certs),
                Err(message) => return Some(Err(SourceError::Network(message))),
            }
        }
        let client = builder.build().map_err(|e| SourceError::Network(format!("cannot build an HTTP client: {e}")));
        Some(client.map(|client| HttpSource {
            name: source.name.clone(),
            client,
            url: url.clone(),
            headers: map,
            format: source.format,
            max_bytes: source.max_bytes,
            timeout: *timeout,
            etag: None,
            last_modified: None,
            news: news.as_deref().cloned(),
            followed: HashSet::new(),
            first_seen: HashMap::new(),
        }))
    }

    /// Links whose pages an earlier run read (kept in the store): not fetched again.
    pub fn remember_followed(&mut self, links: impl IntoIterator<Item = String>) {
        self.followed.extend(links);
    }

    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// Fetches the source once. Validators are kept only after a document parsed (and, for
    /// a news source, every page it wanted was followed), so a bad document is fetched whole
    /// again next time rather than answered with a 304.
    pub async fn fetch(&mut self) -> Result<Fetched, SourceError> {
        let url = self.url.clone();
        let Some(body) = self.get(&url, true).await? else {
            return Ok(Fetched { status: StatusCode::NOT_MODIFIED.as_u16(), bytes: 0, parsed: None });
        };
        let (status, bytes) = (body.status, body.bytes.len() as u64);
        let validators = (body.headers.get(header::ETAG).cloned(), body.headers.get(header::LAST_MODIFIED).cloned());
        let (parsed, complete) = match self.news.clone() {
            None => (self.parse_feed(body).await?, true),
            Some(news) => super::news::read(self, &news, body).await?,
        };
        if complete {
            (self.etag, self.last_modified) = validators;
        }
        Ok(Fetched { status, bytes, parsed: Some(parsed) })
    }

    async fn parse_feed(&self, body: Body) -> Result<ParsedFeed, SourceError> {
        let format = self
            .format
            .or_else(|| format_from_content_type(&body.headers))
            .or_else(|| Format::from_path(std::path::Path::new(self.url.path())))
            .ok_or_else(|| {
                SourceError::Network("cannot tell json or csv from the Content-Type or the URL; set format".into())
            })?;
        // Parsing a large document takes a while: off the runtime's thread, which is also
        // the one that answers keys and draws.
        let name = self.name.clone();
        let bytes = body.bytes;
        tokio::task::spawn_blocking(move || feed::parse(&name, format, &bytes, usize::MAX))
            .await
            .map_err(|e| SourceError::Network(format!("the parser stopped: {e}")))?
            .map_err(SourceError::from)
    }

    /// One GET under the source's caps: `None` for 304 Not Modified. The source's headers
    /// go only to its own origin (a followed page elsewhere gets none); `conditional` sends
    /// the validators of the last complete read.
    pub(super) async fn get(&self, url: &reqwest::Url, conditional: bool) -> Result<Option<Body>, SourceError> {
        let mut request = self.client.get(url.clone());
        if url.origin() == self.url.origin() {
            request = request.headers(self.headers.clone());
        }
        if conditional {
            if let Some(etag) = &self.etag {
                request = request.header(header::IF_NONE_MATCH, etag.clone());
            }
            if let Some(modified) = &self.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, modified.clone());
            }
        }
        let mut response = request.send().await.map_err(|e| self.network_error(&e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && conditional {
            return Ok(None);
        }
        if !status.is_success() {
            let retry_after = retry_after(response.headers(), Utc::now());
            return Err(SourceError::Http { status: status.as_u16(), retry_after });
        }
        let too_large = || SourceError::TooLarge { path: crate::config::redacted(url), limit: self.max_bytes };
        if response.content_length().is_some_and(|length| length > self.max_bytes) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.network_error(&e))? {
            if (bytes.len() + chunk.len()) as u64 > self.max_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        let headers = response.headers().clone();
        Ok(Some(Body { status: status.as_u16(), bytes, headers, url: response.url().clone() }))
    }

    fn network_error(&self, error: &reqwest::Error) -> SourceError {
        let mut detail = String::new();
        let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(error);
        while let Some(inner) = cause {
            detail = inner.to_string();
            cause = inner.source();
        }
        // The innermost cause may quote the server (a URL it redirected to, say): cleaned.
        let detail = crate::feed::clean_text(&detail, 200);
        if detail.contains("certificate") {
            // Never accepted silently: the error says why (unknown issuer, expired, another host).
            return SourceError::Network(format!(
                "TLS certificate refused: {detail}; a desk's own CA can be trusted with ca_file"
            ));
        }
        let what = if error.is_timeout() {
            format!("no complete answer within {}", humantime::format_duration(self.timeout))
        } else if error.is_connect() {
            "cannot connect".to_owned()
        } else if error.is_redirect() {
            // The redirect policy's own message says it all.
            return SourceError::Network(detail);
        } else if error.is_body() || error.is_decode() {
            // A connection closed early, or a body that does not decompress.
            "reading the body failed".to_owned()
        } else {
            "request failed".to_owned()
        };
        SourceError::Network(if detail.is_empty() { what } else { format!("{what}: {detail}") })
    }
}

/// At most [`MAX_REDIRECTS`] redirects; a source that sends headers (which may hold secrets
/// from `${VAR}`) follows none to another origin, since reqwest strips only the standard
/// credential headers there, not an `X-Api-Key`.
fn redirect_policy(has_headers: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let first = attempt.previous().first().map(reqwest::Url::origin);
        if attempt.previous().len() > MAX_REDIRECTS {
            let message = format!("more than {MAX_REDIRECTS} redirects");
            attempt.error(message)
        } else if has_headers && first.is_some_and(|origin| origin != attempt.url().origin()) {
            let message = format!(
                "redirected to another origin ({}), which would receive the source's headers; \
                 set url to the final address",
                attempt.url().origin().ascii_serialization()
            );
            attempt.error(message)
        } else {
            attempt.follow()
        }
    })
}

/// The `charset` of the Content-Type, if any.
pub(super) fn charset(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    value.split(';').skip(1).find_map(|part| {
        let (name, value) = part.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn format_from_content_type(headers: &HeaderMap) -> Option<Format> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?.to_ascii_lowercase();
    if value.contains("json") {
        Some(Format::Json)
    } else if value.contains("csv") {
        Some(Format::Csv)
    } else {
        None
    }
}

/// `Retry-After` as seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
            (at - now).to_std().unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("date").with_timezone(&Utc);
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("Thu, 01 Jan 2026 00:01:00 GMT"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(60)));
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("999999"));
        assert_eq!(retry_after(&headers, now), Some(MAX_RETRY_AFTER));
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }
}
