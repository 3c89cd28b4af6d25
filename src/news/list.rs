//! A fetched news document to its items: an `rss` source's RSS 2.0 / RSS 1.0 / Atom
//! through the extractor's [`document::parse`]; a `page` source's HTML list through its
//! configured CSS selectors. Text is decoded by the HTTP charset, then the page's own
//! declaration, then UTF-8; links are made absolute against the address the document
//! was fetched from (after redirects).

use crate::config::NewsList;
use crate::extract::document::{self, DocumentError, Kind};
use crate::extract::{Item, charset};

/// The items of a news document, links absolute.
pub fn items(
    list: &NewsList,
    bytes: &[u8],
    http_charset: Option<&str>,
    base: &reqwest::Url,
) -> Result<Vec<Item>, DocumentError> {
    let mut items = match list {
        NewsList::Feed => {
            let doc = document::parse(bytes, http_charset)?;
            if doc.kind != Kind::Feed {
                return Err(DocumentError(
                    "not an RSS or Atom feed (an HTML page or plain text); use kind \"page\" for an HTML list".into(),
                ));
            }
            doc.items
        }
        NewsList::Page { items, title, link, date } => {
            let (text, _) = charset::decode(bytes, http_charset);
            page(&text, items, title, link, date.as_deref())?
        }
    };
    for item in &mut items {
        item.link = item.link.take().and_then(|link| absolute(base, &link));
    }
    Ok(items)
}

/// A link made absolute; `None` for one that is not a URL at all.
fn absolute(base: &reqwest::Url, link: &str) -> Option<String> {
    let link = link.trim();
    if link.is_empty() {
        return None;
    }
    base.join(link).ok().map(String::from)
}

fn page(text: &str, items: &str, title: &str, link: &str, date: Option<&str>) -> Result<Vec<Item>, DocumentError> {
    use scraper::{Html, Selector};
    // Validated with the config; a failure here would be a bug, reported, not a panic.
    let parse =
        |css: &str| Selector::parse(css).map_err(|_| DocumentError(format!("the selector {css:?} is not valid")));
    let (item_sel, title_sel, link_sel) = (parse(items)?, parse(title)?, parse(link)?);
    let date_sel = date.map(parse).transpose()?;
    let html = Html::parse_document(text);
    let site = Selector::parse("title")
        .ok()
        .and_then(|t| html.select(&t).next())
        .map(|t| squash(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let mut out = Vec::new();
    for row in html.select(&item_sel) {
        let heading = row.select(&title_sel).next();
        let title = heading.map(|h| {
            let text = squash(&h.text().collect::<String>());
            // A list cuts long titles and keeps the whole one in `title=`.
            match h.value().attr("title") {
                Some(full) if squash(full).len() > text.len() => squash(full),
                _ => text,
            }
        });
        let Some(title) = title.filter(|t| !t.is_empty()) else { continue };
        let link = row.select(&link_sel).next().and_then(|a| a.value().attr("href")).map(str::to_owned);
        let published = match &date_sel {
            Some(sel) => row.select(sel).next().and_then(|d| document::find_date(&d.text().collect::<String>())),
            None => document::find_date(&row.text().collect::<String>()),
        };
        out.push(Item { title, summary: String::new(), body: String::new(), link, published, source: site.clone() });
    }
    Ok(out)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A followed page's text: its body as plain text (the extractor reads figures there), and
/// a date when the page gives one.
pub fn page_text(
    bytes: &[u8],
    http_charset: Option<&str>,
) -> Result<(String, Option<chrono::NaiveDate>), DocumentError> {
    let doc = document::parse(bytes, http_charset)?;
    let text = match doc.kind {
        // A detail page with a few links (a breadcrumb, related notices) may read as a list:
        // its text is still the whole body.
        Kind::HtmlPage | Kind::HtmlList => {
            let (text, _) = charset::decode(bytes, http_charset);
            body_text(&text)
        }
        Kind::Feed | Kind::Text => {
            doc.items.iter().map(|i| format!("{}\n{}\n{}", i.title, i.summary, i.body)).collect()
        }
    };
    let published = document::find_date(&text);
    Ok((text, published))
}

fn body_text(text: &str) -> String {
    use scraper::{Html, Node, Selector};
    let html = Html::parse_document(text);
    let Ok(body) = Selector::parse("body") else { return String::new() };
    let mut out = String::new();
    let Some(body) = html.select(&body).next() else { return out };
    for node in body.descendants() {
        let Node::Text(piece) = node.value() else { continue };
        // Scripts and styles are text to the parser, not to a reader.
        let hidden = node.parent().and_then(|p| p.value().as_element().map(|e| e.name().to_owned()));
        if hidden.as_deref().is_some_and(|name| matches!(name, "script" | "style" | "noscript" | "template")) {
            continue;
        }
        let piece = squash(piece);
        if !piece.is_empty() {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}
