//! `rss` and `page` sources, the fetching half: the list document read into items, each
//! new matching item's page followed (at most `follow_max` a poll, each under the source's
//! caps, http and https links only), then the items to announcements and headlines by the
//! pure [`crate::news`]. Pages read are remembered ([`HttpSource::remember_followed`]
//! seeds what earlier runs read) and never fetched again.

use super::SourceError;
use super::http::{Body, HttpSource, charset};
use crate::config::NewsConfig;
use crate::extract::Options;
use crate::feed::{AnnouncementError, DocumentError, ParsedFeed};
use crate::news::assemble::{self, Read, Reading};
use crate::news::{extract_tier, followable, list};

/// Reads one fetched list: the feed, and whether it is complete (every page it wanted was
/// read; when not, the caller keeps no validators, so the next poll reads the list again
/// and follows the rest).
pub(super) async fn read(
    source: &mut HttpSource,
    news: &NewsConfig,
    body: Body,
) -> Result<(ParsedFeed, bool), SourceError> {
    let http_charset = charset(&body.headers);
    let (kind, base) = (news.list.clone(), body.url.clone());
    let bytes = body.bytes;
    let items = blocking(move || list::items(&kind, &bytes, http_charset.as_deref(), &base)).await?;
    let options = Options { tier: extract_tier(news.tier) };
    let mut reads = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    let mut complete = true;
    let mut budget = news.follow_max;
    for (index, mut item) in items.into_iter().enumerate() {
        let link = item.link.as_deref().filter(|_| news.follow).and_then(followable);
        let reading = match link {
            None => Reading::Plain,
            Some(url) if source.followed.contains(url.as_str()) => Reading::Known,
            // Not about quotas: ignored, so not worth a request.
            Some(_) if !assemble::matches(&item, &options) => Reading::Plain,
            Some(_) if budget == 0 => {
                complete = false;
                Reading::Deferred
            }
            Some(url) => {
                budget -= 1;
                match follow(source, &url).await {
                    Ok((text, published)) => {
                        item.body = text;
                        item.published = item.published.or(published);
                        source.followed.insert(url.to_string());
                        Reading::Followed
                    }
                    Err(error) => {
                        complete = false;
                        problems.push(AnnouncementError {
                            source_name: source.name().to_owned(),
                            announcement: format!("item {} ({})", index + 1, crate::feed::clean_text(&item.title, 80)),
                            location: format!("link {}", crate::config::redacted(&url)),
                            message: format!("its page was not read: {error}; tried again next poll"),
                        });
                        Reading::Deferred
                    }
                }
            }
        };
        reads.push(Read { item, reading });
    }
    let name = source.name().to_owned();
    let mut first_seen = std::mem::take(&mut source.first_seen);
    let now = chrono::Utc::now();
    let (parsed, first_seen) = tokio::task::spawn_blocking(move || {
        let parsed = assemble::feed(&name, &options, reads, now, &mut first_seen, problems);
        (parsed, first_seen)
    })
    .await
    .map_err(|e| SourceError::Network(format!("the extractor stopped: {e}")))?;
    source.first_seen = first_seen;
    Ok((parsed?, complete))
}

/// One item's page, as text.
async fn follow(source: &HttpSource, url: &reqwest::Url) -> Result<(String, Option<chrono::NaiveDate>), SourceError> {
    let page = source.get(url, false).await?.ok_or_else(|| SourceError::Network("no page (304)".into()))?;
    let http_charset = charset(&page.headers);
    let bytes = page.bytes;
    blocking(move || list::page_text(&bytes, http_charset.as_deref())).await
}

/// Runs a parse off the runtime's thread; its error becomes the document's rejection.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, crate::extract::document::DocumentError> + Send + 'static,
) -> Result<T, SourceError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SourceError::Network(format!("the parser stopped: {e}")))?
        .map_err(|e| SourceError::Document(DocumentError::Shape(e.0)))
}
