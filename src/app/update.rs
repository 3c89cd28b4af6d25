//! The one place state changes: every key press, resize, clock tick, source event and
//! signal goes through [`update`], which says whether the screen needs redrawing and hands
//! back the side effects to carry out (store writes, alerts, refreshes, exports, log lines).

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::alerts::alert_with_consensus;
use super::apply::{apply, reset_selection, select_row};
use super::effects::Effect;
use super::log::LogKind;
use super::nav::{Mode, View};
use super::source_view::{STALE_INTERVALS, SourceState, rejection_lines, rejections_fingerprint};
use super::state::State;
use crate::ledger::Origin;
use crate::sources::SourceEvent;

/// Everything that can change the dashboard.
#[derive(Debug)]
pub enum Msg {
    /// A source poller found news: new figures or a failure.
    Source(SourceEvent),
    Key(KeyEvent),
    Resize,
    /// The wall clock moved on (ages and countdowns).
    Tick(DateTime<Utc>),
    /// SIGTERM, SIGHUP or SIGINT: leave cleanly.
    Signal,
    /// How a side effect went (an alert command that failed, say): logged.
    Note(LogKind, String),
    /// The outcome of something the trader asked for (an export): shown at once, and logged.
    Notice(String),
    /// A mouse event, as the terminal reported it; the loop turns it into a [`Msg::Pointer`]
    /// by where the last frame drew its tabs and rows.
    Mouse(crossterm::event::MouseEvent),
    /// What a click or the wheel landed on.
    Pointer(Pointer),
    /// The popup as drawn can scroll at most this far (its wrapped text less the rows that
    /// show): the loop's word after a frame, so ↑ after scrolling past the end moves at once.
    PopupFits(u16),
}

/// A mouse action on what is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// A click on a tab.
    Tab(View),
    /// A click on a row of the current table: selects it.
    Row(usize),
    /// A double click on a row: selects it and drills in (or opens its details).
    Open(usize),
    /// The wheel: rows down (positive) or up.
    Scroll(isize),
}

/// What one message did: whether the screen changed, and the effects to carry out.
#[derive(Debug, Default, PartialEq)]
#[must_use = "the effects must be carried out: a store write dropped here is history lost"]
pub struct Step {
    pub redraw: bool,
    pub effects: Vec<Effect>,
}

/// Applies `msg` to `state`.
pub fn update(state: &mut State, msg: Msg) -> Step {
    let redraw = match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => false,
        Msg::Key(key) => on_key(state, key),
        Msg::Source(event) => on_source(state, event),
        Msg::Resize => true,
        Msg::PopupFits(max) => {
            if let Mode::Popup(popup) = &mut state.mode {
                popup.scroll = popup.scroll.min(max);
            }
            // What was drawn already showed it clamped.
            false
        }
        Msg::Tick(now) => {
            state.now = now;
            let stale = mark_stale(state);
            // A new day moves the calendar: a window opens, a batch becomes overdue.
            let new_day = state.watch.day() != Some(now.date_naive());
            if new_day {
                state.watch.refresh_calendar(&state.ledger, now.date_naive());
                state.set_cadences();
            }
            // Only the Sources view shows ages that move with the clock.
            stale || new_day || state.view == View::Sources
        }
        Msg::Note(kind, text) => {
            state.push_log(kind, text);
            state.view == View::Log
        }
        Msg::Notice(text) => {
            state.push_log(LogKind::Loaded, text.clone());
            state.mode = Mode::Popup(text.into());
            true
        }
        Msg::Signal => {
            state.quit = true;
            true
        }
        // Only the loop knows where things were drawn; without it a raw event means nothing.
        Msg::Mouse(_) => false,
        Msg::Pointer(pointer) => on_pointer(state, pointer),
    };
    Step { redraw, effects: state.take_effects() }
}

/// Sources with no success for three intervals become stale, once, with a log line: a
/// source that silently stopped delivering is the failure a monitor must not hide.
fn mark_stale(state: &mut State) -> bool {
    let now = state.now;
    let mut notes = Vec::new();
    for source in &mut state.sources {
        if source.state != SourceState::Stale && source.overdue(now) {
            source.state = SourceState::Stale;
            let since = source
                .last_success
                .map_or_else(|| "never succeeded".to_owned(), |t| format!("last success {}", crate::view::age(now, t)));
            notes.push(format!("{}: stale, no success for {STALE_INTERVALS} polls ({since})", source.name));
        }
    }
    let changed = !notes.is_empty();
    for note in notes {
        state.push_log(LogKind::Warning, note);
    }
    changed
}

/// Merges what a poller found; new and revised announcements raise an alert and are saved.
fn on_source(state: &mut State, event: SourceEvent) -> bool {
    state.now = event.at;
    let Some(index) = state.sources.iter().position(|s| s.name == event.source) else { return false };
    let rank = state.sources[index].rank;
    state.sources[index].next_poll = Some(event.next_poll);
    if event.http.is_some() {
        state.sources[index].http = event.http;
    }
    let parsed = match event.result {
        Err(error) => {
            let view = &mut state.sources[index];
            view.state = SourceState::Failing;
            view.last_error = Some((event.at, error.to_string()));
            let text = format!("{}: {error}", event.source);
            state.push_log(LogKind::SourceError, text);
            return true;
        }
        Ok(None) => {
            let view = &mut state.sources[index];
            view.state = SourceState::Ok;
            view.last_success = Some(event.at);
            // An HTTP 304; a file source's "checked, unchanged" is not one.
            if event.http.is_some() {
                view.not_modified += 1;
            }
            return state.view == View::Sources;
        }
        Ok(Some(parsed)) => parsed,
    };
    let mut parsed = parsed;
    // A network source's first document is its history, loaded just after start-up:
    // merged quietly, like the history loaded at start, not announced as news.
    let first_load = !state.sources[index].loaded;
    {
        let view = &mut state.sources[index];
        view.loaded = true;
        view.state = SourceState::Ok;
        view.last_success = Some(event.at);
        view.accepted = parsed.announcements.len();
        view.rejected = parsed.rejected.len();
    }
    // The same rejections polled again (a feed without validators) are not news.
    let fingerprint = Some(rejections_fingerprint(&parsed.rejected));
    if std::mem::replace(&mut state.sources[index].rejections_seen, fingerprint) != fingerprint {
        for line in rejection_lines(&event.source, &parsed.rejected) {
            state.push_log(LogKind::Rejected, line);
        }
    }
    let new_headlines = state.add_headlines(std::mem::take(&mut parsed.headlines));
    if !first_load {
        for headline in &new_headlines {
            let text = format!("{}: {} ({})", headline.source, headline.title, headline.kind.slug());
            state.push_log(LogKind::Headline, text);
        }
    }
    // Its expectations and events replace what its last document said.
    for rejected in &parsed.outlook.rejected {
        state.push_log(LogKind::Rejected, rejected.to_string());
    }
    let outlook_changed = state.watch.replace(&event.source, parsed.outlook.outlook);
    let origin = Origin { source: event.source.clone(), rank };
    let merged = crate::live::merge_document(&mut state.ledger, &origin, parsed.announcements, event.at);
    for disagreement in &merged.disagreements {
        state.push_log(LogKind::Conflict, disagreement.text(&event.source));
    }
    let (alerts, changed) = (merged.news, merged.changed);
    // Whatever the ledger applied goes to the store, first loads included.
    let journal = state.ledger.take_journal();
    if !journal.is_empty() {
        state.outbox.push(Effect::Save(journal));
    }
    if changed || outlook_changed {
        state.refresh();
    }
    if first_load {
        let text = format!("{}: {} announcements", event.source, state.sources[index].accepted);
        state.push_log(LogKind::Loaded, text);
        return true;
    }
    let mut rung: std::collections::HashSet<_> = state
        .headlines
        .iter()
        .filter(|h| !new_headlines.iter().any(|n| n.source == h.source && n.key() == h.key()))
        .filter_map(|h| h.withheld_release().cloned())
        .collect();
    for alert in super::alerts::headline_alerts(&new_headlines, &alerts, &mut rung) {
        state.push_log(LogKind::Headline, alert.text.clone());
        state.banner = Some(alert.text.clone());
        state.outbox.push(Effect::Alert(alert));
    }
    for (key, revised) in alerts {
        let alert = alert_with_consensus(&state.ledger, &state.watch, &key, revised);
        state.push_log(if revised { LogKind::Revision } else { LogKind::New }, alert.text.clone());
        state.banner = Some(alert.text.clone());
        state.outbox.push(Effect::Alert(alert));
    }
    true
}

/// Clicks and the wheel act as the keys they stand for, in the normal mode only (an
/// overlay takes no clicks: the frame under it reports no targets).
fn on_pointer(state: &mut State, pointer: Pointer) -> bool {
    if state.mode != Mode::Normal {
        return false;
    }
    match pointer {
        Pointer::Tab(view) => apply(state, Action::ShowView(view)),
        Pointer::Row(row) => select_row(state, row),
        Pointer::Open(row) => {
            select_row(state, row);
            apply(state, Action::Enter);
        }
        Pointer::Scroll(rows) => {
            let action = if rows > 0 { Action::Down } else { Action::Up };
            for _ in 0..rows.unsigned_abs() {
                apply(state, action);
            }
        }
    }
    true
}

/// Keys by mode: a popup swallows every key but its closers, the filter prompt takes text,
/// the help overlay closes or quits, and otherwise the key map decides.
fn on_key(state: &mut State, key: KeyEvent) -> bool {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
    if ctrl_c {
        state.quit = true;
        return true;
    }
    match state.mode {
        Mode::Popup(ref mut popup) => {
            // The text's own lines bound the scroll; wrapped lines the UI may add are seen by
            // scrolling to the last line.
            let last = u16::try_from(popup.text.lines().count().saturating_sub(1)).unwrap_or(u16::MAX);
            match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace | KeyCode::Char('q') => state.mode = Mode::Normal,
                KeyCode::Down | KeyCode::Char('j') => popup.scroll = (popup.scroll + 1).min(last),
                KeyCode::Up | KeyCode::Char('k') => popup.scroll = popup.scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => popup.scroll = popup.scroll.saturating_add(10).min(last),
                KeyCode::PageUp => popup.scroll = popup.scroll.saturating_sub(10),
                KeyCode::Home => popup.scroll = 0,
                KeyCode::End => popup.scroll = last,
                _ => return false,
            }
            true
        }
        Mode::Filter => {
            let view = state.view;
            let filter = &mut state.nav.opts_mut(view).filter;
            match key.code {
                KeyCode::Enter => state.mode = Mode::Normal,
                KeyCode::Esc => {
                    state.mode = Mode::Normal;
                    filter.clear();
                }
                KeyCode::Backspace => {
                    filter.pop();
                }
                KeyCode::Char(c) if !c.is_control() && filter.chars().count() < 40 => filter.push(c),
                _ => return false,
            }
            reset_selection(state);
            true
        }
        Mode::Help => {
            match state.keys.action_for(&key) {
                Some(super::action::Action::Quit) => state.quit = true,
                Some(super::action::Action::ToggleHelp | super::action::Action::Back) => state.mode = Mode::Normal,
                _ => return false,
            }
            true
        }
        Mode::Normal => match state.keys.action_for(&key) {
            Some(action) => {
                apply(state, action);
                true
            }
            None => false,
        },
    }
}
