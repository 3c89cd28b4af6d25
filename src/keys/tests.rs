use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn table(entries: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    entries.iter().map(|(a, keys)| ((*a).to_owned(), keys.iter().map(|k| (*k).to_owned()).collect())).collect()
}

#[test]
fn the_default_map_is_the_bindings_table() {
    let map = KeyMap::default();
    assert_eq!(map.bindings().len(), BINDINGS.len());
    for binding in BINDINGS {
        for code in binding.keys {
            assert_eq!(map.action_for(&press(*code)), Some(binding.action), "{code:?}");
        }
        let ours = map.binding(binding.action).expect("every action is in the map");
        assert_eq!((ours.label.as_str(), ours.help, ours.hint_in), (binding.label, binding.help, binding.hint_in));
    }
    assert_eq!(map.action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
    assert_eq!(map.action_for(&press(KeyCode::Char('z'))), None);
}

#[test]
fn every_action_has_its_own_name() {
    let mut names: Vec<&str> = BINDINGS.iter().map(|b| action_name(b.action)).collect();
    assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')), "{names:?}");
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), BINDINGS.len());
}

#[test]
fn the_default_config_lists_every_action_name() {
    for binding in BINDINGS {
        let name = action_name(binding.action);
        assert!(crate::config::DEFAULT_CONFIG.contains(&format!(" {name}  ")), "config/default.toml lacks {name}");
    }
}

#[test]
fn a_remapped_action_answers_to_its_new_keys_only() {
    let map = KeyMap::from_table(&table(&[("quit", &["x"]), ("next_view", &["Tab", "n"])])).expect("valid");
    assert_eq!(map.action_for(&press(KeyCode::Char('x'))), Some(Action::Quit));
    assert_eq!(map.action_for(&press(KeyCode::Char('q'))), None);
    assert_eq!(map.action_for(&press(KeyCode::Char('n'))), Some(Action::NextView));
    assert_eq!(map.action_for(&press(KeyCode::Tab)), Some(Action::NextView));
    assert_eq!(map.binding(Action::NextView).map(|b| b.label.as_str()), Some("Tab/n"));
    // The others keep their defaults.
    assert_eq!(map.action_for(&press(KeyCode::Char('?'))), Some(Action::ToggleHelp));
}

#[test]
fn keys_parse_with_names_modifiers_and_shift_in_the_character() {
    let parse = |t: &str| Key::parse(t).unwrap_or_else(|| panic!("{t}"));
    assert_eq!(parse("S-Tab").code, KeyCode::BackTab);
    assert_eq!(parse("pagedown").code, KeyCode::PageDown);
    assert_eq!(parse("F5").code, KeyCode::F(5));
    assert_eq!(parse("Space").code, KeyCode::Char(' '));
    assert_eq!(parse("-").code, KeyCode::Char('-'));
    assert_eq!(parse("Ctrl-n"), Key { code: KeyCode::Char('n'), modifiers: KeyModifiers::CONTROL });
    assert_eq!(parse("Alt-Left"), Key { code: KeyCode::Left, modifiers: KeyModifiers::ALT });
    assert_eq!(parse("Ctrl-n").label(), "C-n");
    for bad in ["", "Tabb", "F13", "ctrl-", "ab", "\u{7}"] {
        assert_eq!(Key::parse(bad), None, "{bad:?}");
    }
    let map = KeyMap::from_table(&table(&[("next_year", &["L"]), ("prev_year", &["Ctrl-h"])])).expect("valid");
    // Terminals report Shift with capitals; the character already says it.
    assert_eq!(map.action_for(&KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT)), Some(Action::NextYear));
    assert_eq!(map.action_for(&KeyEvent::new(KeyCode::Char('h'), KeyModifiers::CONTROL)), Some(Action::PrevYear));
    assert_eq!(map.action_for(&press(KeyCode::Char('h'))), None, "plain h is no longer bound");
}

#[test]
fn problems_name_the_key_and_the_value() {
    let problems = KeyMap::from_table(&table(&[
        ("quitt", &["x"]),
        ("help", &["Tabb"]),
        ("refresh", &[]),
        ("export", &["Ctrl-c"]),
        ("filter", &["f", "f"]),
    ]))
    .expect_err("invalid");
    let expected = [
        "keys.quitt = [\"x\"]: unknown action \"quitt\"; expected one of show_overview, ",
        "keys.help = [\"Tabb\"]: \"Tabb\" is not a key",
        "keys.refresh = []: give at least one key",
        "keys.export = [\"Ctrl-c\"]: \"Ctrl-c\" always quits",
        "keys.filter = [\"f\", \"f\"]: \"f\" is given twice",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (problem, start) in problems.iter().zip(expected) {
        assert!(problem.starts_with(start), "{problem:?} should start with {start:?}");
    }
}

#[test]
fn two_actions_on_one_key_are_refused_whether_remapped_or_default() {
    let problems = KeyMap::from_table(&table(&[("quit", &["s"])])).expect_err("s is toggle_stage's");
    assert_eq!(problems, ["keys.quit = [\"s\"]: \"s\" is already the key of toggle_stage (remap it too)"]);
    let problems = KeyMap::from_table(&table(&[("help", &["x"]), ("quit", &["x"])])).expect_err("x twice");
    assert_eq!(problems, ["keys.quit = [\"x\"]: \"x\" is also given to help"]);
    // Moving both is fine.
    let map = KeyMap::from_table(&table(&[("quit", &["s"]), ("toggle_stage", &["S"])])).expect("swapped");
    assert_eq!(map.action_for(&press(KeyCode::Char('s'))), Some(Action::Quit));
}
