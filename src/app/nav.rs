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
}

impl View {
    pub const ALL: [View; 5] = [View::Overview, View::Stages, View::Producers, View::Sources, View::Log];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Stages => "Stages",
            View::Producers => "Producers",
            View::Sources => "Sources",
            View::Log => "Log",
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
    Popup(String),
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

/// Every view's selection, each in one place: the drill-down stack for Stages, a row index
/// for the other table views.
#[derive(Debug, Clone, PartialEq)]
pub struct Nav {
    stack: Vec<Level>,
    producers: usize,
    sources: usize,
    log: usize,
}

impl Default for Nav {
    fn default() -> Nav {
        Nav { stack: vec![Level::Stages { selected: 0 }], producers: 0, sources: 0, log: 0 }
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
    }

    /// Up one level; false at the top (which always stays).
    pub(super) fn pop(&mut self) -> bool {
        if self.stack.len() > 1 {
            self.stack.pop();
            true
        } else {
            false
        }
    }

    pub(super) fn back_to_top(&mut self) {
        self.stack.truncate(1);
    }

    /// The raw selection of `view` (not clamped: see [`Nav::selected`]).
    fn slot(&mut self, view: View) -> Option<&mut usize> {
        match view {
            View::Overview => None,
            View::Stages => self.stack.last_mut().map(Level::selected_mut),
            View::Producers => Some(&mut self.producers),
            View::Sources => Some(&mut self.sources),
            View::Log => Some(&mut self.log),
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
        };
        raw.min(rows.saturating_sub(1))
    }

    pub(super) fn select(&mut self, view: View, row: usize) {
        if let Some(slot) = self.slot(view) {
            *slot = row;
        }
    }
}
