//! Any bytes as a document for `quotawatch extract` (RSS, Atom, HTML or text), and the same
//! bytes as one item's text: no panic, no negative or non-finite figure, spans that are
//! the text they name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quotawatch::extract::{self, Field, Item, Options, document, output};

fn check(item: &Item) {
    let found = extract::extract(std::slice::from_ref(item), &Options::default());
    for a in &found.announcements {
        for row in &a.rows {
            assert!(row.tonnes.is_finite() && row.tonnes > 0.0, "tonnes {}", row.tonnes);
            let field = match row.span.field {
                Field::Title => &item.title,
                Field::Summary => &item.summary,
                Field::Body => &item.body,
            };
            assert_eq!(field.get(row.span.start..row.span.end), Some(row.span.text.as_str()));
        }
    }
    let _ = output::to_json(&found);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = document::parse(data, None) {
        for item in &doc.items {
            check(item);
        }
    }
    let text = String::from_utf8_lossy(data);
    check(&Item { title: text.to_string(), body: text.into_owned(), ..Item::default() });
});
