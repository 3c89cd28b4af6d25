//! What a key can ask for, and the default key map ([`BINDINGS`]). [`crate::keys::KeyMap`]
//! lays the config's `[keys]` over it and is what dispatches keys and generates the help
//! overlay and the hint bar, so they can never disagree.

use crossterm::event::KeyCode;

use super::nav::View;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ShowView(View),
    NextView,
    PrevView,
    PrevYear,
    NextYear,
    Up,
    Down,
    Enter,
    Back,
    PrevCommodity,
    NextCommodity,
    ToggleStage,
    StartFilter,
    ToggleHelp,
    Refresh,
    Export,
    /// Marks on the overview's chart for the years with policy events, on or off.
    ToggleMarkers,
    /// The table's sort one step on: unsorted, each column ascending then descending.
    SortNext,
    /// The table's sort one step back.
    SortPrev,
}

/// One line of the key map.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// Views whose hint bar shows this binding (all bindings are in the help overlay).
    pub hint_in: &'static [View],
}

const ALL_VIEWS: &[View] = &View::ALL;
const TABLE_VIEWS: &[View] =
    &[View::Stages, View::Producers, View::Sources, View::Log, View::Timeline, View::Headlines];

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[KeyCode::Char('1')],
        label: "1",
        action: Action::ShowView(View::Overview),
        help: "overview",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('2')],
        label: "2",
        action: Action::ShowView(View::Stages),
        help: "stages drill-down",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('3')],
        label: "3",
        action: Action::ShowView(View::Producers),
        help: "producer shares",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('4')],
        label: "4",
        action: Action::ShowView(View::Sources),
        help: "sources",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('5')],
        label: "5",
        action: Action::ShowView(View::Log),
        help: "event log",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('6')],
        label: "6",
        action: Action::ShowView(View::Timeline),
        help: "policy timeline and releases",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('7')],
        label: "7",
        action: Action::ShowView(View::Headlines),
        help: "news and notice headlines",
        hint_in: &[],
    },
    Binding { keys: &[KeyCode::Tab], label: "Tab", action: Action::NextView, help: "next view", hint_in: ALL_VIEWS },
    Binding {
        keys: &[KeyCode::BackTab],
        label: "S-Tab",
        action: Action::PrevView,
        help: "previous view",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Left, KeyCode::Char('h')],
        label: "←/h",
        action: Action::PrevYear,
        help: "previous year",
        hint_in: &[View::Overview, View::Stages],
    },
    Binding {
        keys: &[KeyCode::Right, KeyCode::Char('l')],
        label: "→/l",
        action: Action::NextYear,
        help: "next year",
        hint_in: &[View::Overview, View::Stages],
    },
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        label: "↑/k",
        action: Action::Up,
        help: "select up",
        hint_in: TABLE_VIEWS,
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        label: "↓/j",
        action: Action::Down,
        help: "select down",
        hint_in: TABLE_VIEWS,
    },
    Binding {
        keys: &[KeyCode::Enter],
        label: "Enter",
        action: Action::Enter,
        help: "drill in / details",
        hint_in: &[View::Stages, View::Sources, View::Timeline, View::Headlines],
    },
    Binding {
        keys: &[KeyCode::Esc, KeyCode::Backspace],
        label: "Esc",
        action: Action::Back,
        help: "back up one level",
        hint_in: &[View::Stages],
    },
    Binding {
        keys: &[KeyCode::Char('[')],
        label: "[",
        action: Action::PrevCommodity,
        help: "previous commodity",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char(']')],
        label: "]",
        action: Action::NextCommodity,
        help: "next commodity",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('s')],
        label: "s",
        action: Action::ToggleStage,
        help: "switch stage",
        hint_in: &[View::Overview, View::Producers],
    },
    Binding {
        keys: &[KeyCode::Char('m')],
        label: "m",
        action: Action::ToggleMarkers,
        help: "event marks on the chart",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('/')],
        label: "/",
        action: Action::StartFilter,
        help: "filter rows",
        hint_in: TABLE_VIEWS,
    },
    Binding {
        keys: &[KeyCode::Char('>')],
        label: ">",
        action: Action::SortNext,
        help: "sort: next (same key reverses)",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('<')],
        label: "<",
        action: Action::SortPrev,
        help: "sort: step back",
        hint_in: &[],
    },
    Binding {
        keys: &[KeyCode::Char('r')],
        label: "r",
        action: Action::Refresh,
        help: "poll now (Sources: selected)",
        hint_in: &[View::Sources],
    },
    Binding {
        keys: &[KeyCode::Char('e')],
        label: "e",
        action: Action::Export,
        help: "export this table as CSV",
        hint_in: &[],
    },
    Binding { keys: &[KeyCode::Char('?')], label: "?", action: Action::ToggleHelp, help: "help", hint_in: ALL_VIEWS },
    Binding { keys: &[KeyCode::Char('q')], label: "q", action: Action::Quit, help: "quit", hint_in: ALL_VIEWS },
];
