//! The view layer's building blocks: styled text as tones (the theme picks the colours),
//! and tables as column specs plus rows with typed keys. Widths are not decided here: the
//! UI fits the columns to the cells and the space it has when it draws.

use crate::model::Stage;

/// How a piece of text should look; the theme decides the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Muted,
    Up,
    Down,
    Warning,
    /// Headings and the figure that matters most.
    Title,
    /// Key names in hints and help.
    Key,
    /// A reversed label that must catch the eye (ALERT).
    Badge,
    /// Words marked in a text: what a headline's figure was read from.
    Mark,
}

/// A run of text in one tone.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

impl Span {
    pub fn new(text: impl Into<String>, tone: Tone) -> Span {
        Span { text: text.into(), tone }
    }
}

/// One line of styled text.
pub type Line = Vec<Span>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column: its header, alignment, and whether it takes the room left over (and gives it
/// up first when the space is short: free text such as an error or a batch list).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub align: Align,
    pub flex: bool,
    /// Never narrowed (a date, a tier badge: cut, they say nothing); the others give way.
    pub whole: bool,
}

impl Column {
    pub fn left(header: impl Into<String>) -> Column {
        Column { header: header.into(), align: Align::Left, flex: false, whole: false }
    }

    pub fn right(header: impl Into<String>) -> Column {
        Column { header: header.into(), align: Align::Right, flex: false, whole: false }
    }

    pub fn flex(header: impl Into<String>) -> Column {
        Column { header: header.into(), align: Align::Left, flex: true, whole: false }
    }

    /// This column kept whole when the table is short of room.
    pub fn whole(self) -> Column {
        Column { whole: true, ..self }
    }
}

/// What a row stands for: what Enter drills into or opens, typed, never parsed back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKey {
    Stage(Stage),
    /// A category of a stage; `None` is all categories together.
    Category(Option<String>),
    Holder(String),
    Batch {
        year: u16,
        batch: u8,
    },
    Year(u16),
    Source(String),
    /// Position in the log.
    Log(usize),
    /// Position among the watchlist's events.
    Event(usize),
    /// Position among the headlines.
    Headline(usize),
    /// A summary line under a table (holder count, HHI, coverage): nothing to open.
    Summary(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: RowKey,
    pub cells: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Shown instead of rows when there are none.
    pub empty: String,
}

impl TableView {
    pub fn new(title: String, columns: Vec<Column>, empty: &str) -> TableView {
        TableView { title, columns, rows: Vec::new(), empty: empty.to_owned() }
    }

    pub fn push(&mut self, key: RowKey, cells: Vec<Span>) {
        self.rows.push(Row { key, cells });
    }

    /// Keeps the rows with a cell containing `needle` (case-insensitive), and says so in the title.
    pub fn filter(&mut self, needle: &str) {
        if needle.is_empty() {
            return;
        }
        let lower = needle.to_lowercase();
        self.rows.retain(|row| row.cells.iter().any(|cell| cell.text.to_lowercase().contains(&lower)));
        self.title.push_str(&format!(" (filter: {needle})"));
    }

    /// Sorts the rows by `column` (numbers as numbers: "1,200" after "980", "-3.6%" before
    /// "+0.0%"; other text alphabetically), summary rows kept at the bottom, and marks the
    /// column's header (▲ ascending, ▼ descending).
    pub fn sort_by(&mut self, column: usize, descending: bool) {
        let Some(header) = self.columns.get_mut(column) else { return };
        header.header = format!("{}{}", header.header, if descending { "▼" } else { "▲" });
        let key = |row: &Row| row.cells.get(column).map(|c| SortKey::of(&c.text));
        let (mut rows, summary): (Vec<Row>, Vec<Row>) =
            std::mem::take(&mut self.rows).into_iter().partition(|r| !matches!(r.key, RowKey::Summary(_)));
        rows.sort_by(|a, b| {
            let order = key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal);
            if descending { order.reverse() } else { order }
        });
        rows.extend(summary);
        self.rows = rows;
    }

    /// The table as CSV, as a spreadsheet wants it: the header, then the rows as shown,
    /// numbers without thousands separators ("135000", "+5.9%") so they stay numbers.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(self.columns.iter().map(|c| c.header.as_str()));
        for row in &self.rows {
            let _ = writer.write_record(row.cells.iter().map(|cell| spreadsheet_cell(&cell.text)));
        }
        writer.into_inner().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
    }
}

/// How a cell sorts: numbers (tonnes, percentages, counts) before text, each in its order.
#[derive(Debug, PartialEq, PartialOrd)]
enum SortKey {
    Number(f64),
    Text(String),
}

impl SortKey {
    fn of(text: &str) -> SortKey {
        let digits = text.trim_end_matches('%').replace(',', "");
        match digits.parse::<f64>() {
            Ok(n) if n.is_finite() => SortKey::Number(n),
            _ => SortKey::Text(text.to_lowercase()),
        }
    }
}

/// "135,000" → "135000" and "-1,200.5%" → "-1200.5%"; any other text is kept as it is.
fn spreadsheet_cell(text: &str) -> String {
    let digits = text.trim_start_matches(['+', '-']).trim_end_matches('%');
    let numeric = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    if numeric { text.replace(',', "") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_numbers_numeric_and_text_as_is() {
        let mut table = TableView::new("t".into(), vec![Column::left("Stage"), Column::right("Tonnes")], "");
        table.push(RowKey::Summary("x"), vec![Span::new("mining", Tone::Normal), Span::new("135,000", Tone::Normal)]);
        table.push(RowKey::Summary("y"), vec![Span::new("a, b", Tone::Normal), Span::new("-1,200.5%", Tone::Up)]);
        assert_eq!(table.to_csv(), "Stage,Tonnes\nmining,135000\n\"a, b\",-1200.5%\n");
    }

    #[test]
    fn the_filter_keeps_matching_rows_and_names_itself() {
        let mut table = TableView::new("holders".into(), vec![Column::left("Holder")], "");
        for name in ["China Northern Rare Earth Group", "China Rare Earth Group"] {
            table.push(RowKey::Holder(name.into()), vec![Span::new(name, Tone::Normal)]);
        }
        table.filter("NORTH");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.title, "holders (filter: NORTH)");
    }
}
