//! RSS 2.0, RSS 1.0 (RDF) and Atom to [`Item`]s, in one streaming pass over the decoded
//! text ([`super::xmlscan`]'s events, or quick-xml's when that reader gives up): only the
//! fields the extractor reads (title, link, summary or description, content, date) are
//! kept, nothing else is built. Entities other than XML's five and
//! character references are left as written, so an entity bomb stays a few bytes.
//!
//! (feed-rs, which builds every element of every entry, took 57 ms over a 10,000-item feed
//! against this reader's few: the `extract` budget is 50x feedparser.)

use chrono::{DateTime, NaiveDate};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::Item;
use super::document::{DocumentError, find_date};
use super::html_text::html_to_text;

/// Which item field an element fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Title,
    Link,
    Summary,
    Content,
    Date,
    /// The channel's or feed's own title: the source of its items.
    FeedTitle,
    /// RSS 2.0's `<source url="…">Reuters</source>`: the outlet an aggregator (Google News)
    /// took the item from, which says more than the aggregator's own title.
    Source,
}

fn slot(local: &str, in_item: bool) -> Option<Slot> {
    match (local, in_item) {
        ("title", true) => Some(Slot::Title),
        ("title", false) => Some(Slot::FeedTitle),
        ("link", true) => Some(Slot::Link),
        ("description" | "summary", true) => Some(Slot::Summary),
        ("content" | "encoded", true) => Some(Slot::Content),
        ("pubDate" | "published" | "updated" | "date" | "issued", true) => Some(Slot::Date),
        ("source", true) => Some(Slot::Source),
        _ => None,
    }
}

#[derive(Default)]
struct Draft {
    title: String,
    link: Option<String>,
    /// `rel="alternate"` (or no rel) wins over other Atom links.
    link_is_alternate: bool,
    summary: String,
    content: String,
    date: Option<NaiveDate>,
    source: Option<String>,
}

/// The items of a feed and the feed's title. Most feeds are read by [`super::xmlscan`],
/// which leaves anything it does not know for certain to quick-xml (then the whole
/// document is read again by quick-xml, which also gives every error).
pub fn items(text: &str) -> Result<(Vec<Item>, Option<String>), DocumentError> {
    if let Some(read) = super::xmlscan::read(text) {
        return Ok(read);
    }
    with_quick_xml(text)
}

/// [`items`] through quick-xml.
pub(super) fn with_quick_xml(text: &str) -> Result<(Vec<Item>, Option<String>), DocumentError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let error = |reader: &Reader<&[u8]>, e: &dyn std::fmt::Display| {
        DocumentError(format!("not a readable RSS or Atom feed: {e} (at byte {})", reader.error_position()))
    };
    let mut feed = Reading::default();
    loop {
        match reader.read_event().map_err(|e| error(&reader, &e))? {
            Event::Start(start) => feed.start(&start)?,
            Event::End(_) => feed.end(),
            // Text outside a field is not kept (nor normalised).
            Event::Text(t) if feed.filling() => feed.text(&t.xml10_content()),
            Event::CData(t) if feed.filling() => feed.text(&t.xml10_content()),
            Event::GeneralRef(r) => feed.reference(&r).map_err(|e| error(&reader, &e))?,
            Event::Eof => break,
            _ => {}
        }
    }
    feed.done()
}

/// A feed being read, one event at a time, whichever reader gives the events.
#[derive(Default)]
pub(super) struct Reading {
    depth: usize,
    root_seen: bool,
    item_depth: Option<usize>,
    /// The slot being filled and the depth of its element; its text so far, in one buffer
    /// used for every field.
    filling: Option<(Slot, usize)>,
    buffer: String,
    draft: Draft,
    feed_title: Option<String>,
    items: Vec<Item>,
}

impl Reading {
    /// Whether text now is a field's (else it is not kept).
    pub(super) fn filling(&self) -> bool {
        self.filling.is_some()
    }

    pub(super) fn start(&mut self, start: &BytesStart<'_>) -> Result<(), DocumentError> {
        self.depth += 1;
        let local = start.local_name();
        let local = local.as_ref();
        if !self.root_seen {
            self.root_seen = true;
            if !matches!(local, "rss" | "RDF" | "feed") {
                let name = local.to_owned();
                return Err(DocumentError(format!("not an RSS or Atom feed: the root element is <{name}>")));
            }
            return Ok(());
        }
        if self.item_depth.is_none() && matches!(local, "item" | "entry") {
            self.item_depth = Some(self.depth);
            self.draft = Draft::default();
            return Ok(());
        }
        if self.filling.is_some() {
            return Ok(()); // markup inside a field (XHTML content): its text is kept
        }
        let Some(slot) = slot(local, self.item_depth.is_some()) else { return Ok(()) };
        if slot == Slot::FeedTitle && (self.feed_title.is_some() || self.depth > 3) {
            return Ok(());
        }
        if slot == Slot::Link {
            atom_link(start, &mut self.draft);
        }
        // Atom's `<source>` holds a whole feed's metadata, not a name: RSS's has a `url`.
        if slot == Slot::Source && !start.attributes().flatten().any(|a| a.key.local_name().as_ref() == "url") {
            return Ok(());
        }
        self.filling = Some((slot, self.depth));
        self.buffer.clear();
        Ok(())
    }

    pub(super) fn end(&mut self) {
        if let Some((slot, _)) = self.filling.take_if(|(_, at)| *at == self.depth) {
            finish(slot, &self.buffer, &mut self.draft, &mut self.feed_title);
        }
        if self.item_depth == Some(self.depth) {
            self.item_depth = None;
            let d = std::mem::take(&mut self.draft);
            self.items.push(Item {
                title: d.title,
                summary: d.summary,
                body: d.content,
                link: d.link.map(trimmed).filter(|l| !l.is_empty()),
                published: d.date,
                source: d.source,
            });
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Text or CDATA, line ends already normalised.
    pub(super) fn text(&mut self, text: &str) {
        if self.filling.is_some() {
            self.buffer.push_str(text);
        }
    }

    /// `&name;`: a character reference or one of XML's five entities is decoded; any other
    /// entity is kept as written (never expanded: an entity bomb stays a few bytes).
    pub(super) fn reference(&mut self, r: &BytesRef<'_>) -> Result<(), quick_xml::Error> {
        if self.filling.is_none() {
            return Ok(());
        }
        match r.resolve_char_ref()? {
            Some(c) => self.buffer.push(c),
            None => {
                let name: &str = r.as_ref();
                match quick_xml::escape::resolve_predefined_entity(name) {
                    Some(resolved) => self.buffer.push_str(resolved),
                    None => {
                        self.buffer.push('&');
                        self.buffer.push_str(name);
                        self.buffer.push(';');
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn done(self) -> Result<(Vec<Item>, Option<String>), DocumentError> {
        if !self.root_seen {
            return Err(DocumentError("not a readable RSS or Atom feed: no root element".to_owned()));
        }
        if self.depth > 0 {
            let depth = self.depth;
            return Err(DocumentError(format!(
                "not a readable RSS or Atom feed: it ends with {depth} element(s) open"
            )));
        }
        let source = self.feed_title.filter(|t| !t.is_empty());
        let mut items = self.items;
        if source.is_some() {
            for item in items.iter_mut().filter(|item| item.source.is_none()) {
                item.source.clone_from(&source);
            }
        }
        Ok((items, source))
    }
}

/// The text without its edge white space, not copied when it has none.
fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() { text } else { text.trim().to_owned() }
}

/// An Atom `<link href rel>`: the alternate link is the item's.
fn atom_link(start: &BytesStart<'_>, draft: &mut Draft) {
    let mut href = None;
    let mut alternate = true;
    for attribute in start.attributes().flatten() {
        match attribute.key.local_name().as_ref() {
            "href" => {
                href = attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())
            }
            "rel" => alternate = &*attribute.value == "alternate",
            _ => {}
        }
    }
    if let Some(href) = href
        && (draft.link.is_none() || (alternate && !draft.link_is_alternate))
    {
        draft.link = Some(href);
        draft.link_is_alternate = alternate;
    }
}

/// A field's text read: titles, summaries and content as plain text.
fn finish(slot: Slot, text: &str, draft: &mut Draft, feed_title: &mut Option<String>) {
    match slot {
        Slot::Title => draft.title = html_to_text(text),
        Slot::Link => {
            // RSS links are text; an Atom link's text is empty and its href already taken.
            if !text.trim().is_empty() && draft.link.is_none() {
                draft.link = Some(text.to_owned());
            }
        }
        Slot::Summary => draft.summary = html_to_text(text),
        Slot::Content => draft.content = html_to_text(text),
        Slot::Date => draft.date = draft.date.or_else(|| parse_date(text.trim())),
        Slot::FeedTitle => *feed_title = Some(html_to_text(text)),
        Slot::Source => draft.source = Some(html_to_text(text)).filter(|s| !s.trim().is_empty()),
    }
}

/// RFC 2822 (RSS), RFC 3339 (Atom), `YYYY-MM-DD` (dc:date), else the first date in the text.
fn parse_date(text: &str) -> Option<NaiveDate> {
    if let Some(date) = common_rfc2822(text) {
        return Some(date);
    }
    DateTime::parse_from_rfc2822(text)
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .map(|t| t.date_naive())
        .ok()
        .or_else(|| find_date(text))
}

/// The date of an RFC 2822 time in the form nearly every RSS feed writes
/// (`Fri, 15 Dec 2023 08:00:00 GMT`, `+0800`), read without chrono's general parser (a
/// tenth of its time over a 10,000-item feed). `None` for anything else, which chrono then
/// reads: this accepts only times chrono accepts, with the date chrono gives (the date
/// where the time was written, as `date_naive` of a fixed offset is).
fn common_rfc2822(text: &str) -> Option<NaiveDate> {
    use chrono::Datelike as _;
    const WEEKDAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8]; 12] =
        [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    let b = text.as_bytes();
    let weekday = WEEKDAYS.iter().position(|w| b.get(..3) == Some(*w))?;
    if b.get(3..5) != Some(b", ") {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let day_len = if b.get(6) == Some(&b' ') { 1 } else { 2 };
    let day = num(b.get(5..5 + day_len)?)?;
    let rest = b.get(5 + day_len..)?;
    // " Mmm YYYY HH:MM:SS " then the zone.
    if rest.len() < 19 || rest[0] != b' ' || rest[4] != b' ' || rest[9] != b' ' || rest[12] != b':' {
        return None;
    }
    if rest[15] != b':' || rest[18] != b' ' {
        return None;
    }
    let month = MONTHS.iter().position(|m| &rest[1..4] == *m)? as u32 + 1;
    let year = num(&rest[5..9])?;
    let (hour, minute, second) = (num(&rest[10..12])?, num(&rest[13..15])?, num(&rest[16..18])?);
    let zone = &rest[19..];
    let zone_ok = match zone {
        b"GMT" | b"UT" => true,
        [b'+' | b'-', digits @ ..] if digits.len() == 4 => {
            num(&digits[..2]).is_some_and(|h| h <= 14) && num(&digits[2..]).is_some_and(|m| m < 60)
        }
        _ => false,
    };
    if !zone_ok || !(1900..=2199).contains(&year) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    (date.weekday().num_days_from_monday() as usize == weekday).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick reading of common RSS dates gives chrono's date whenever it gives one,
    /// and gives one for the common forms.
    #[test]
    fn common_rfc2822_dates_agree_with_chrono() {
        let mut taken = 0;
        for weekday in ["Mon", "Tue", "Fri", "Sun", "mon", "Xyz"] {
            for day in ["1", "01", "15", "29", "30", "31", "32", "0", "7 "] {
                for month in ["Jan", "Feb", "Dec", "jan", "Foo"] {
                    for year in ["2023", "2024", "1899", "2100", "20x4"] {
                        for time in ["08:00:00", "23:59:59", "24:00:00", "00:60:00", "8:00:00", "08:00"] {
                            for zone in ["GMT", "UT", "+0800", "-0500", "+1400", "+1500", "+0860", "EST", "Z", ""] {
                                let text = format!("{weekday}, {day} {month} {year} {time} {zone}");
                                let chrono = DateTime::parse_from_rfc2822(&text).ok().map(|t| t.date_naive());
                                if let Some(date) = common_rfc2822(&text) {
                                    taken += 1;
                                    assert_eq!(Some(date), chrono, "{text}");
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(taken > 100, "{taken}");
        assert_eq!(common_rfc2822("Fri, 15 Dec 2023 08:00:00 GMT"), NaiveDate::from_ymd_opt(2023, 12, 15));
        assert_eq!(common_rfc2822("Tue, 6 Feb 2024 08:00:00 +0800"), NaiveDate::from_ymd_opt(2024, 2, 6));
    }

    #[test]
    fn rss_atom_and_rdf_fields() {
        let rss = "<rss version=\"2.0\"><channel><title>Wire</title><item><title>A &amp; B &#31232;</title>\
                   <link>https://x/1</link><pubDate>Fri, 15 Dec 2023 08:00:00 GMT</pubDate>\
                   <description><![CDATA[<p>body</p>]]></description></item></channel></rss>";
        let (items, source) = items(rss).expect("rss");
        assert_eq!(source.as_deref(), Some("Wire"));
        assert_eq!(items[0].title, "A & B 稀");
        assert_eq!(items[0].link.as_deref(), Some("https://x/1"));
        assert_eq!(items[0].published, NaiveDate::from_ymd_opt(2023, 12, 15));
        assert_eq!(items[0].summary, "body");
        assert_eq!(items[0].source.as_deref(), Some("Wire"), "no <source>: the feed's own title");
        let google = "<rss version=\"2.0\"><channel><title>Google News</title><item><title>T - Reuters</title>\
                      <source url=\"https://www.reuters.com\">Reuters</source></item></channel></rss>";
        let (items, source) = super::items(google).expect("google news");
        assert_eq!((items[0].source.as_deref(), source.as_deref()), (Some("Reuters"), Some("Google News")));
        assert_eq!(super::with_quick_xml(google).expect("quick-xml").0, items, "both readers agree");
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title><entry><title>T</title>\
                    <link rel=\"self\" href=\"https://x/self\"/><link href=\"https://x/a\"/>\
                    <updated>2024-07-06T00:00:00Z</updated><content type=\"html\">&lt;b&gt;c&lt;/b&gt;</content></entry></feed>";
        let (items, _) = super::items(atom).expect("atom");
        assert_eq!(items[0].link.as_deref(), Some("https://x/a"));
        assert_eq!(items[0].published, NaiveDate::from_ymd_opt(2024, 7, 6));
        assert_eq!(items[0].body, "c");
    }

    #[test]
    fn broken_feeds_are_errors() {
        assert!(items("<rss><channel><item><title>x</title></channel></rss>").is_err());
        assert!(items("<rss><channel><item><title>China").is_err());
        assert!(items("<html><body/></html>").is_err());
    }
}
