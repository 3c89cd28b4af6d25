//! The dashboard's key map as the trader configured it: `[keys]` in the config file
//! (`quit = ["x"]`, `next_view = ["Tab", "n"]`) validated into a [`KeyMap`] laid over the
//! defaults of [`crate::app::action::BINDINGS`], with errors that name the key and the value.
//!
//! The config module only checks the table's shape (each value a key name or a list of
//! them), so it never depends on the dashboard; the names of actions and keys are checked
//! here, against the one table of actions the dashboard has.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::action::{Action, BINDINGS};
use crate::app::nav::View;
use crate::config::{Config, ConfigError};

/// One key as a binding names it: a key code and the modifiers that must be held (only
/// Ctrl and Alt: Shift is part of the character, `A` or `S-Tab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, modifiers: KeyModifiers::NONE }
    }

    /// Whether a key press is this key. Shift is ignored: it is already in the character
    /// (`A`) or the code (`BackTab`), and terminals differ in whether they report it too.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let held = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        held == self.modifiers && event.code == self.code
    }

    /// Parses a key as the config writes it: a character (`x`, `?`, `A`), a named key
    /// (`Tab`, `S-Tab`, `Enter`, `Esc`, `Left`, `PageDown`, `F5`, `Space`...), optionally
    /// with `Ctrl-` or `Alt-` in front (`Ctrl-n`). Names are not case-sensitive; single
    /// characters are.
    pub fn parse(text: &str) -> Option<Key> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let prefix =
                ["ctrl-", "c-", "alt-", "m-"].into_iter().find(|p| lower.starts_with(p) && rest.len() > p.len());
            let Some(prefix) = prefix else { break };
            modifiers |= if prefix.starts_with('c') { KeyModifiers::CONTROL } else { KeyModifiers::ALT };
            rest = &rest[prefix.len()..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && !c.is_whitespace() => KeyCode::Char(c),
            _ => named(&rest.to_ascii_lowercase())?,
        };
        Some(Key { code, modifiers })
    }

    /// How help and hints write the key: arrows as arrows, Shift-Tab as `S-Tab`.
    pub fn label(&self) -> String {
        let mut label = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            label.push_str("C-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            label.push_str("M-");
        }
        match self.code {
            KeyCode::Char(' ') => label.push_str("Space"),
            KeyCode::Char(c) => label.push(c),
            KeyCode::F(n) => label.push_str(&format!("F{n}")),
            code => label.push_str(NAMES.iter().find(|(_, c, _)| *c == code).map_or("?", |(_, _, shown)| shown)),
        }
        label
    }
}

/// Named keys: what the config may write, the code, how it is shown.
const NAMES: &[(&str, KeyCode, &str)] = &[
    ("tab", KeyCode::Tab, "Tab"),
    ("s-tab", KeyCode::BackTab, "S-Tab"),
    ("backtab", KeyCode::BackTab, "S-Tab"),
    ("shift-tab", KeyCode::BackTab, "S-Tab"),
    ("enter", KeyCode::Enter, "Enter"),
    ("return", KeyCode::Enter, "Enter"),
    ("esc", KeyCode::Esc, "Esc"),
    ("escape", KeyCode::Esc, "Esc"),
    ("backspace", KeyCode::Backspace, "Backspace"),
    ("left", KeyCode::Left, "←"),
    ("right", KeyCode::Right, "→"),
    ("up", KeyCode::Up, "↑"),
    ("down", KeyCode::Down, "↓"),
    ("home", KeyCode::Home, "Home"),
    ("end", KeyCode::End, "End"),
    ("pageup", KeyCode::PageUp, "PgUp"),
    ("pagedown", KeyCode::PageDown, "PgDn"),
    ("delete", KeyCode::Delete, "Del"),
    ("insert", KeyCode::Insert, "Ins"),
    ("space", KeyCode::Char(' '), "Space"),
];

fn named(lower: &str) -> Option<KeyCode> {
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=12).contains(n)) {
        return Some(KeyCode::F(n));
    }
    NAMES.iter().find(|(name, _, _)| *name == lower).map(|(_, code, _)| *code)
}

/// The config name of an action, in snake_case: `quit`, `next_view`, `show_overview`.
/// Exhaustive, so a new action cannot be added without a name.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Quit => "quit",
        Action::ShowView(View::Overview) => "show_overview",
        Action::ShowView(View::Stages) => "show_stages",
        Action::ShowView(View::Producers) => "show_producers",
        Action::ShowView(View::Sources) => "show_sources",
        Action::ShowView(View::Log) => "show_log",
        Action::ShowView(View::Timeline) => "show_timeline",
        Action::ShowView(View::Headlines) => "show_headlines",
        Action::NextView => "next_view",
        Action::PrevView => "prev_view",
        Action::PrevYear => "prev_year",
        Action::NextYear => "next_year",
        Action::Up => "up",
        Action::Down => "down",
        Action::Enter => "enter",
        Action::Back => "back",
        Action::PrevCommodity => "prev_commodity",
        Action::NextCommodity => "next_commodity",
        Action::ToggleStage => "toggle_stage",
        Action::StartFilter => "filter",
        Action::ToggleHelp => "help",
        Action::Refresh => "refresh",
        Action::Export => "export",
        Action::ToggleMarkers => "toggle_markers",
        Action::SortNext => "sort_next",
        Action::SortPrev => "sort_prev",
    }
}

/// One action and the keys that ask for it, as help and hints show it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyBinding {
    pub action: Action,
    /// The action's config name.
    pub name: &'static str,
    pub keys: Vec<Key>,
    /// How the keys are written in help and hints (`←/h`; the default's label when not remapped).
    pub label: String,
    pub help: &'static str,
    /// Views whose hint bar shows this binding (every binding is in the help overlay).
    pub hint_in: &'static [View],
}

/// The validated key map: every action of [`BINDINGS`], in its order, with the keys the
/// config gave it or its default keys. No key asks for two actions.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyMap {
    bindings: Vec<KeyBinding>,
}

impl Default for KeyMap {
    /// The defaults, straight from [`BINDINGS`].
    fn default() -> KeyMap {
        let bindings = BINDINGS
            .iter()
            .map(|b| KeyBinding {
                action: b.action,
                name: action_name(b.action),
                keys: b.keys.iter().copied().map(Key::plain).collect(),
                label: b.label.to_owned(),
                help: b.help,
                hint_in: b.hint_in,
            })
            .collect();
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// The action a key press asks for, if any. Ctrl-C always quits, whatever the map says.
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(Action::Quit);
        }
        self.bindings.iter().find(|b| b.keys.iter().any(|k| k.matches(key))).map(|b| b.action)
    }

    /// Every binding, in the help overlay's order.
    pub fn bindings(&self) -> &[KeyBinding] {
        &self.bindings
    }

    /// The bindings worth a hint in `view`.
    pub fn hints(&self, view: View) -> impl Iterator<Item = &KeyBinding> {
        self.bindings.iter().filter(move |b| b.hint_in.contains(&view))
    }

    /// The binding of `action`.
    pub fn binding(&self, action: Action) -> Option<&KeyBinding> {
        self.bindings.iter().find(|b| b.action == action)
    }

    /// The map for a validated config's `[keys]`; problems name the key and the value.
    pub fn from_config(config: &Config) -> Result<KeyMap, ConfigError> {
        KeyMap::from_table(&config.keys)
            .map_err(|problems| ConfigError::Invalid { origin: config.origin.clone(), problems })
    }

    /// Lays `[keys]` (action name, key names) over the defaults. Every problem is
    /// collected: an unknown action, a key that does not parse, a key given to two actions
    /// (whether both were remapped or one kept its default), Ctrl-C (it always quits).
    pub fn from_table(table: &[(String, Vec<String>)]) -> Result<KeyMap, Vec<String>> {
        let mut map = KeyMap::default();
        let mut problems = Vec::new();
        let mut remapped = Vec::new();
        for (name, written) in table {
            let shown = format!("keys.{} = {}", clean(name), list(written));
            let Some(index) = map.bindings.iter().position(|b| b.name == name) else {
                let names: Vec<&str> = map.bindings.iter().map(|b| b.name).collect();
                problems.push(format!(
                    "{shown}: unknown action {:?}; expected one of {}",
                    clean(name),
                    names.join(", ")
                ));
                continue;
            };
            if written.is_empty() {
                problems.push(format!("{shown}: give at least one key (every action keeps a key)"));
                continue;
            }
            let mut keys = Vec::new();
            for text in written {
                match Key::parse(text) {
                    None => problems.push(format!(
                        "{shown}: {:?} is not a key; expected a character or a name such as \"Tab\", \"Enter\", \
                         \"Esc\", \"Left\", \"F5\", optionally \"Ctrl-\" or \"Alt-\" in front",
                        clean(text)
                    )),
                    Some(key) if key.modifiers == KeyModifiers::CONTROL && key.code == KeyCode::Char('c') => {
                        problems
                            .push(format!("{shown}: {:?} always quits and cannot be given to an action", clean(text)));
                    }
                    Some(key) if keys.contains(&key) => {
                        problems.push(format!("{shown}: {:?} is given twice", clean(text)));
                    }
                    Some(key) => keys.push(key),
                }
            }
            let binding = &mut map.bindings[index];
            binding.label = keys.iter().map(Key::label).collect::<Vec<_>>().join("/");
            binding.keys = keys;
            remapped.push((index, shown));
        }
        // A key that asks for two actions: named on the remapped line (the default one may
        // not be in the file at all); two remapped lines on one key, once, on the later one.
        for (at, (index, shown)) in remapped.iter().enumerate() {
            for key in &map.bindings[*index].keys {
                for (other, binding) in map.bindings.iter().enumerate() {
                    if other == *index || !binding.keys.contains(key) {
                        continue;
                    }
                    let other_at = remapped.iter().position(|(i, _)| *i == other);
                    let text = match other_at {
                        Some(earlier) if earlier < at => format!("also given to {}", binding.name),
                        Some(_) => continue,
                        None => format!("already the key of {} (remap it too)", binding.name),
                    };
                    problems.push(format!("{shown}: {:?} is {text}", key.label()));
                }
            }
        }
        if problems.is_empty() { Ok(map) } else { Err(problems) }
    }
}

/// Text from the file, safe to print.
fn clean(text: &str) -> String {
    crate::feed::clean_text(text, 40)
}

fn list(keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("{:?}", clean(k))).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests;
