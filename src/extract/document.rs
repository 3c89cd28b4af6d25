//! A document's bytes (and the HTTP charset, when there is one) to [`Item`]s: RSS 2.0,
//! RSS 1.0 and Atom through [`super::xmlfeed`] (quick-xml), an HTML list page (one item per `li` / `tr` row with a
//! link) or a single HTML page (one item) through scraper, or plain text, one item per
//! line with an optional `YYYY-MM-DD<TAB>` first. The live `rss` and `page` sources call
//! the same [`parse`].

use std::fmt;

use chrono::NaiveDate;

use super::Item;
use super::charset;
pub use super::html_text::html_to_text;

/// What kind of document it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Feed,
    HtmlList,
    HtmlPage,
    Text,
}

/// A document that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError(pub String);

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DocumentError {}

/// The items of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub kind: Kind,
    /// The encoding the bytes were read in.
    pub encoding: &'static str,
    pub items: Vec<Item>,
}

/// Reads a document. `http_charset` is the `charset` of the response's Content-Type.
pub fn parse(bytes: &[u8], http_charset: Option<&str>) -> Result<Document, DocumentError> {
    let (text, encoding) = charset::decode(bytes, http_charset);
    let encoding = encoding.name();
    let head = head_lowercase(&text);
    let (kind, items) = if head.starts_with("<!doctype html") || head.starts_with("<html") {
        html(&text)
    } else if head.starts_with('<') {
        (Kind::Feed, feed(&text)?)
    } else {
        (Kind::Text, plain_text(&text))
    };
    Ok(Document { kind, encoding, items })
}

/// The document's start, lowercased, past the XML prolog, comments and white space.
fn head_lowercase(text: &str) -> String {
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    loop {
        if rest.starts_with("<?") {
            rest = rest.find("?>").map_or("", |n| &rest[n + 2..]);
        } else if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |n| &rest[n + 3..]);
        } else {
            break;
        }
        rest = rest.trim_start();
    }
    rest.chars().take(64).collect::<String>().to_lowercase()
}

fn feed(text: &str) -> Result<Vec<Item>, DocumentError> {
    super::xmlfeed::items(text).map(|(items, _)| items)
}

fn html(text: &str) -> (Kind, Vec<Item>) {
    use scraper::{Html, Selector};
    let page = Html::parse_document(text);
    let select = |css: &str| Selector::parse(css).ok();
    let (Some(rows), Some(links), Some(title_sel), Some(body_sel)) =
        (select("li, tr"), select("a[href]"), select("title"), select("body"))
    else {
        return (Kind::HtmlPage, Vec::new());
    };
    let site = page.select(&title_sel).next().map(|t| squash(&t.text().collect::<String>()));
    let mut items = Vec::new();
    for row in page.select(&rows) {
        let Some(a) = row.select(&links).next() else { continue };
        let title = squash(&a.text().collect::<String>());
        let title = match a.value().attr("title") {
            Some(full) if full.trim().len() > title.len() => squash(full),
            _ => title,
        };
        if title.is_empty() {
            continue;
        }
        let row_text = row.text().collect::<String>();
        items.push(Item {
            title,
            summary: String::new(),
            body: String::new(),
            link: a.value().attr("href").map(|h| h.trim().to_owned()),
            published: find_date(&row_text),
            source: site.clone(),
        });
    }
    if items.len() >= 2 {
        return (Kind::HtmlList, items);
    }
    // One page: a notice or an article, its title and its text.
    let heading = select("h1").and_then(|h1| page.select(&h1).next()).map(|h| squash(&h.text().collect::<String>()));
    let title = heading.filter(|h| !h.is_empty()).or(site.clone()).unwrap_or_default();
    let body = page.select(&body_sel).next().map(|b| block_text(b.text())).unwrap_or_default();
    let published = find_date(&body);
    (Kind::HtmlPage, vec![Item { title, summary: String::new(), body, link: None, published, source: site }])
}

/// Text pieces joined, one line per piece that ends a block, runs of white space squashed.
fn block_text<'a>(pieces: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for piece in pieces {
        let piece = squash(piece);
        if !piece.is_empty() {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plain_text(text: &str) -> Vec<Item> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() {
                return None;
            }
            let (published, title) = match line.split_once('\t') {
                Some((date, rest)) => match NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
                    Ok(date) => (Some(date), rest.trim()),
                    Err(_) => (None, line),
                },
                None => (None, line),
            };
            Some(Item { title: title.to_owned(), published, ..Item::default() })
        })
        .collect()
}

/// The first date in a text: `2024-02-06`, `2024/02/06`, `2024.02.06` or `2024年2月6日`.
pub fn find_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 8 <= b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && let Some(date) = date_at(&text[i..])
        {
            return Some(date);
        }
        i += 1;
    }
    None
}

fn date_at(text: &str) -> Option<NaiveDate> {
    // A list row may run the date into the title (`2016-07-062016年…`): read at most the
    // digits a date part has.
    let digits = |s: &str, max: usize| -> (u32, usize) {
        let n = s.bytes().take_while(u8::is_ascii_digit).count().min(max);
        (s[..n].parse().unwrap_or(0), n)
    };
    let (year, n) = digits(text, 4);
    if n != 4 {
        return None;
    }
    let rest = &text[4..];
    let sep = rest.chars().next()?;
    if !matches!(sep, '-' | '/' | '.' | '年') {
        return None;
    }
    let rest = &rest[sep.len_utf8()..];
    let (month, m) = digits(rest, 2);
    let rest = &rest[m..];
    let sep2 = rest.chars().next()?;
    let expected = if sep == '年' { '月' } else { sep };
    if m == 0 || m > 2 || sep2 != expected {
        return None;
    }
    let (day, d) = digits(&rest[sep2.len_utf8()..], 2);
    if d == 0 || d > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_lines_with_optional_dates() {
        let doc = parse(b"2024-02-06\tChina raises first 2024 rare earths mining quota\n\nno date here\n", None)
            .expect("text");
        assert_eq!(doc.kind, Kind::Text);
        assert_eq!(doc.items.len(), 2);
        assert_eq!(doc.items[0].published, NaiveDate::from_ymd_opt(2024, 2, 6));
        assert_eq!(doc.items[1].title, "no date here");
    }

    #[test]
    fn dates_in_list_rows() {
        assert_eq!(find_date("发布 2024年2月7日 x"), NaiveDate::from_ymd_opt(2024, 2, 7));
        assert_eq!(find_date("<span>2025-04-21</span>"), NaiveDate::from_ymd_opt(2025, 4, 21));
        assert_eq!(find_date("2024-13-01 and 20240101"), None);
        assert_eq!(find_date("2016-07-062016年全国"), NaiveDate::from_ymd_opt(2016, 7, 6));
    }
}
