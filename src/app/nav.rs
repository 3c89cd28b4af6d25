//! Where the trader is: the view on screen, the input mode, and each view's own selection
//! (the Stages drill-down keeps one per level, so going back restores it).

use crate::analytics::BatchPoint;
use crate::model::Stage;

/// The views, in tab order; the number keys are their positions plus one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Overview,
    Stages,
    Producers,
    Sources,
    Log,
    /// Policy events and releases interleaved by date, the silences between them visible.
    Timeline,
    /// News and notice items about quotas, newest first.
    Headlines,
}

impl View {
    pub const ALL: [View; 7] =
        [View::Overview, View::Stages, View::Producers, View::Sources, View::Log, View::Timeline, View::Headlines];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Stages => "Stages",
            View::Producers => "Producers",
            View::Sources => "Sources",
            View::Log => "Log",
            View::Timeline => "Timeline",
            View::Headlines => "Headlines",
        }
    }

    /// Position in [`View::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The view `step` tabs away, wrapping round.
    pub fn cycled(self, step: isize) -> View {
        let count = View::ALL.len() as isize;
        View::ALL[(self.index() as isize + step).rem_euclid(count) as usize]
    }

    /// Views that are a table of rows the trader selects, filters and exports.
    pub fn has_table(self) -> bool {
        self != View::Overview
    }
}

/// What keys mean right now: one mode at a time, so their precedence is this enum's, not
/// an order of `if`s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// Typing the row filter (the filter text itself lives on after Enter).
    Filter,
    /// The key overlay.
    Help,
    /// Full text over the view (a source's last error, a log line), closed by Esc or Enter.
    Popup(Popup),
}

/// A popup's text, the byte ranges of it to mark (the text a headline's figures were read
/// from), and how far it is scrolled (a notice's text can be longer than the screen).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Popup {
    pub text: String,
    /// Ascending, not overlapping, on character boundaries.
    pub marks: Vec<std::ops::Range<usize>>,
    /// Lines scrolled past (↑/↓, PgUp/PgDn); never more than the text has.
    pub scroll: u16,
}

impl From<String> for Popup {
    fn from(text: String) -> Self {
        Popup { text, marks: Vec::new(), scroll: 0 }
    }
}

impl From<&str> for Popup {
    fn from(text: &str) -> Self {
        text.to_owned().into()
    }
}

/// One level of the Stages drill-down; `category: None` is the whole stage.
#[derive(Debug, Clone, PartialEq)]
pub enum Level {
    Stages { selected: usize },
    Categories { stage: Stage, selected: usize },
    Holders { stage: Stage, category: Option<String>, selected: usize },
    History { stage: Stage, category: Option<String>, holder: String, points: Vec<BatchPoint>, selected: usize },
}

impl Level {
    pub fn selected(&self) -> usize {
        match self {
            Level::Stages { selected }
            | Level::Categories { selected, .. }
            | Level::Holders { selected, .. }
            | Level::History { selected, .. } => *selected,
        }
    }

    fn selected_mut(&mut self) -> &mut usize {
        match self {
            Level::Stages { selected }
            | Level::Categories { selected, .. }
            | Level::Holders { selected, .. }
            | Level::History { selected, .. } => selected,
        }
    }

    /// A short name for exports and the breadcrumb.
    pub fn name(&self) -> &'static str {
        match self {
            Level::Stages { .. } => "stages",
            Level::Categories { .. } => "categories",
            Level::Holders { .. } => "holders",
            Level::History { .. } => "holder-history",
        }
    }
}

/// A table's row filter and sort, kept per view and per drill-down level, so both survive
/// drilling in and coming back (and switching views).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOpts {
    pub filter: String,
    pub sort: Sort,
}

/// Where the sort stands in the cycle `>` steps forward and `<` back: unsorted, then each
/// column ascending then descending, left to right (so the same key again reverses the
/// column before it moves on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort(usize);

impl Sort {
    /// The column and whether descending; `None` unsorted.
    pub fn column(self) -> Option<(usize, bool)> {
        self.0.checked_sub(1).map(|n| (n / 2, n % 2 == 1))
    }

    /// One step along the cycle over `columns` columns (`forward` for `>`).
    pub fn step(self, columns: usize, forward: bool) -> Sort {
        let positions = 2 * columns + 1;
        let next = if forward { self.0 + 1 } else { self.0 + positions - 1 };
        Sort(next % positions)
    }
}

/// Every view's selection, each in one place: the drill-down stack for Stages, a row index
/// for the other table views; and each table's filter and sort.
#[derive(Debug, Clone, PartialEq)]
pub struct Nav {
    stack: Vec<Level>,
    /// One per level of `stack`.
    stack_opts: Vec<TableOpts>,
    producers: usize,
    sources: usize,
    log: usize,
    timeline: usize,
    headlines: usize,
    /// Per view, by [`View::index`] (the Stages slot is unused: its levels keep their own).
    opts: [TableOpts; View::ALL.len()],
}

impl Default for Nav {
    fn default() -> Nav {
        Nav {
            stack: vec![Level::Stages { selected: 0 }],
            stack_opts: vec![TableOpts::default()],
            producers: 0,
            sources: 0,
            log: 0,
            timeline: 0,
            headlines: 0,
            opts: Default::default(),
        }
    }
}

impl Nav {
    /// The drill-down stack, top level first; never empty.
    pub fn levels(&self) -> &[Level] {
        &self.stack
    }

    pub fn level(&self) -> &Level {
        self.stack.last().unwrap_or(&Level::Stages { selected: 0 })
    }

    pub(super) fn levels_mut(&mut self) -> &mut [Level] {
        &mut self.stack
    }

    pub(super) fn push(&mut self, level: Level) {
        self.stack.push(level);
        self.stack_opts.push(TableOpts::default());
    }

    /// Up one level; false at the top (which always stays).
    pub(super) fn pop(&mut self) -> bool {
        if self.stack.len() > 1 {
            self.stack.pop();
            self.stack_opts.pop();
            true
        } else {
            false
        }
    }

    pub(super) fn back_to_top(&mut self) {
        self.stack.truncate(1);
        self.stack_opts.truncate(1);
    }

    /// The filter and sort of `view`'s table (for Stages, of the current level).
    pub fn opts(&self, view: View) -> &TableOpts {
        match view {
            View::Stages => self.stack_opts.last().unwrap_or(&self.opts[view.index()]),
            other => &self.opts[other.index()],
        }
    }

    pub(super) fn opts_mut(&mut self, view: View) -> &mut TableOpts {
        match view {
            View::Stages if !self.stack_opts.is_empty() => {
                let last = self.stack_opts.len() - 1;
                &mut self.stack_opts[last]
            }
            other => &mut self.opts[other.index()],
        }
    }

    /// The raw selection of `view` (not clamped: see [`Nav::selected`]).
    fn slot(&mut self, view: View) -> Option<&mut usize> {
        match view {
            View::Overview => None,
            View::Stages => self.stack.last_mut().map(Level::selected_mut),
            View::Producers => Some(&mut self.producers),
            View::Sources => Some(&mut self.sources),
            View::Log => Some(&mut self.log),
            View::Timeline => Some(&mut self.timeline),
            View::Headlines => Some(&mut self.headlines),
        }
    }

    /// The selected row of `view`'s table of `rows` rows, clamped to the rows there are.
    pub fn selected(&self, view: View, rows: usize) -> usize {
        let raw = match view {
            View::Overview => 0,
            View::Stages => self.level().selected(),
            View::Producers => self.producers,
            View::Sources => self.sources,
            View::Log => self.log,
            View::Timeline => self.timeline,
            View::Headlines => self.headlines,
        };
        raw.min(rows.saturating_sub(1))
    }

    pub(super) fn select(&mut self, view: View, row: usize) {
        if let Some(slot) = self.slot(view) {
            *slot = row;
        }
    }
}
