//! The one place state changes: every key press, resize, clock tick and source event goes
//! through [`update`], which says whether the screen needs redrawing.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, action_for};
use super::alerts::alert;
use super::derived::holder_history;
use super::state::{Effect, LogKind, SourceState, rejection_lines, rejections_fingerprint};
use super::state::{Level, State, View, category_filter};
use super::tables::current_table;
use crate::ledger::{MergeOutcome, Origin};
use crate::model::Stage;
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
}

/// Applies `msg`; returns true when what is on screen changed.
pub fn update(state: &mut State, msg: Msg) -> bool {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => false,
        Msg::Key(key) => on_key(state, key),
        Msg::Source(event) => on_source(state, event),
        Msg::Resize => true,
        Msg::Tick(now) => {
            state.now = now;
            let stale = mark_stale(state);
            // Only the Sources view shows ages that move with the clock.
            stale || state.view == View::Sources
        }
        Msg::Note(kind, text) => {
            state.push_log(kind, text);
            state.view == View::Log
        }
        Msg::Notice(text) => {
            state.push_log(LogKind::Loaded, text.clone());
            state.popup = Some(text);
            true
        }
        Msg::Signal => {
            state.quit = true;
            true
        }
    }
}

/// Sources with no success for three intervals become stale, once, with a log line: a
/// source that silently stopped delivering is the failure a monitor must not hide.
fn mark_stale(state: &mut State) -> bool {
    let now = state.now;
    let mut notes = Vec::new();
    for source in &mut state.sources {
        if source.state != SourceState::Stale && source.overdue(now) {
            source.state = SourceState::Stale;
            let since = source.last_success.map_or_else(
                || "never succeeded".to_owned(),
                |t| format!("last success {}", super::tables::age(now, t)),
            );
            notes.push(format!(
                "{}: stale, no success for {} polls ({since})",
                source.name,
                super::state::STALE_INTERVALS
            ));
        }
    }
    let changed = !notes.is_empty();
    for note in notes {
        state.push_log(LogKind::Warning, note);
    }
    changed
}

/// Merges what a poller found; new and revised announcements raise an alert banner.
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
    let origin = Origin { source: event.source.clone(), rank };
    let mut alerts = Vec::new();
    let mut changed = false;
    for announcement in parsed.announcements {
        let key = announcement.key.clone();
        let outcome = state.ledger.merge(&origin, announcement, event.at);
        changed |= outcome.changed_figures();
        match outcome {
            MergeOutcome::New => alerts.push((key, false)),
            MergeOutcome::Revised => alerts.push((key, true)),
            MergeOutcome::Conflict { won, other_source } => {
                let winner = if won { &event.source } else { &other_source };
                let text = format!("{key}: {} and {other_source} disagree; {winner} is shown", event.source);
                state.push_log(LogKind::Conflict, text);
                if won {
                    // The figures on screen changed: that is news even if disputed.
                    alerts.push((key, true));
                }
            }
            // A stronger tier replacing other figures changes what is shown, as a revision does.
            MergeOutcome::Superseded { became_current: true, .. } => alerts.push((key, true)),
            // A running total that became a batch of its own: that batch is the news.
            MergeOutcome::RunningTotal(crate::ledger::RunningOutcome::Batch { batch, outcome })
                if matches!(*outcome, MergeOutcome::New | MergeOutcome::Revised) =>
            {
                alerts.push((crate::model::AnnouncementKey { batch, ..key }, *outcome == MergeOutcome::Revised));
            }
            MergeOutcome::Unchanged
            | MergeOutcome::Outdated
            | MergeOutcome::Confirmed { .. }
            | MergeOutcome::Superseded { .. }
            | MergeOutcome::RunningTotal(_) => {}
        }
    }
    if changed {
        state.refresh();
    }
    if first_load {
        let text = format!("{}: {} announcements", event.source, state.sources[index].accepted);
        state.push_log(LogKind::Loaded, text);
        return true;
    }
    for (key, revised) in alerts {
        let alert = alert(&state.ledger, &key, revised);
        state.push_log(if revised { LogKind::Revision } else { LogKind::New }, alert.text.clone());
        state.banner = Some(alert.text.clone());
        state.effects.push(Effect::Alert(alert));
    }
    true
}

fn on_key(state: &mut State, key: KeyEvent) -> bool {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
    if ctrl_c {
        state.quit = true;
        return true;
    }
    if state.popup.is_some() {
        if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace | KeyCode::Char('q')) {
            state.popup = None;
        }
        return true;
    }
    if state.filter_editing {
        match key.code {
            KeyCode::Enter => state.filter_editing = false,
            KeyCode::Esc => {
                state.filter_editing = false;
                state.filter.clear();
            }
            KeyCode::Backspace => {
                state.filter.pop();
            }
            KeyCode::Char(c) if !c.is_control() && state.filter.chars().count() < 40 => state.filter.push(c),
            _ => return false,
        }
        reset_selection(state);
        return true;
    }
    if state.help {
        match action_for(&key) {
            Some(Action::Quit) => state.quit = true,
            Some(Action::ToggleHelp | Action::Back) => state.help = false,
            _ => return false,
        }
        return true;
    }
    match action_for(&key) {
        Some(action) => {
            apply(state, action);
            true
        }
        None => false,
    }
}

/// Applies one action from the key map (also what state tests call directly).
pub fn apply(state: &mut State, action: Action) {
    match action {
        Action::Quit => state.quit = true,
        Action::ShowView(view) => show(state, view),
        Action::NextView => show(state, View::ALL[(state.view.index() + 1) % View::ALL.len()]),
        Action::PrevView => show(state, View::ALL[(state.view.index() + View::ALL.len() - 1) % View::ALL.len()]),
        Action::PrevYear | Action::NextYear => {
            let years = &state.derived.years;
            let position = state.year.and_then(|y| years.iter().position(|x| *x == y));
            let next = match (action, position) {
                (Action::PrevYear, Some(i)) => i.checked_sub(1),
                (_, Some(i)) => Some(i + 1).filter(|i| *i < years.len()),
                (_, None) => years.len().checked_sub(1),
            };
            if let Some(i) = next {
                state.year = Some(years[i]);
            }
        }
        Action::Up => move_selection(state, -1),
        Action::Down => move_selection(state, 1),
        Action::Enter => enter(state),
        Action::Back => {
            if !state.filter.is_empty() {
                state.filter.clear();
            } else if state.view == View::Stages && state.drill.len() > 1 {
                state.drill.pop();
            } else {
                state.banner = None;
            }
        }
        Action::PrevCommodity | Action::NextCommodity => {
            let count = state.commodities.len().max(1);
            state.commodity = if action == Action::NextCommodity {
                (state.commodity + 1) % count
            } else {
                (state.commodity + count - 1) % count
            };
            state.year = None;
            state.drill.truncate(1);
            state.refresh();
        }
        Action::ToggleStage => {
            state.stage = match state.stage {
                Stage::Mining => Stage::SmeltingSeparation,
                Stage::SmeltingSeparation => Stage::Mining,
            };
        }
        Action::StartFilter => {
            if state.view != View::Overview {
                state.filter_editing = true;
                state.filter.clear();
            }
        }
        Action::ToggleHelp => state.help = !state.help,
        Action::Refresh => refresh(state),
        Action::Export => export(state),
    }
    // The view, the stage or the drill-down level may have changed.
    state.prepare_view();
}

/// `e`: the current table (as filtered) as CSV, named after the view and the time.
fn export(state: &mut State) {
    let Some(table) = current_table(state) else {
        state.popup = Some("The overview has no table to export: press e in Stages, Producers, Sources or Log.".into());
        return;
    };
    let view = match state.view {
        View::Stages => match state.level() {
            Level::Stages { .. } => "stages",
            Level::Categories { .. } => "categories",
            Level::Holders { .. } => "holders",
            Level::History { .. } => "holder-history",
        },
        other => other.title(),
    };
    let name = format!("quotawatch-{}-{}.csv", view.to_lowercase(), state.now.format("%Y%m%d-%H%M%S"));
    state.effects.push(Effect::Export { name, csv: table.to_csv(), rows: table.rows.len() });
}

/// `r`: every live source now, or in the Sources view the selected one.
fn refresh(state: &mut State) {
    let only = if state.view == View::Sources {
        let Some(table) = current_table(state) else { return };
        let Some(row) = table.rows.get(selected_row(state, table.rows.len())) else { return };
        Some(row.key.clone())
    } else {
        None
    };
    let now = state.now;
    let mut refreshed = 0;
    for source in &mut state.sources {
        let live = source.interval.is_some() && source.state != SourceState::Disabled;
        if live && only.as_ref().is_none_or(|name| *name == source.name) {
            source.next_poll = Some(now);
            refreshed += 1;
        }
    }
    if refreshed == 0 {
        let what =
            only.map_or_else(|| "No source is polled live".to_owned(), |name| format!("{name} is not polled live"));
        state.popup = Some(format!(
            "{what}: nothing to refresh.\n\nSources are set in the config file (see `quotawatch check-config`)."
        ));
        return;
    }
    state.effects.push(Effect::Refresh(only));
}

fn show(state: &mut State, view: View) {
    if state.view != view {
        state.view = view;
        state.filter.clear();
        state.filter_editing = false;
    }
}

fn reset_selection(state: &mut State) {
    match state.view {
        View::Stages => {
            if let Some(level) = state.drill.last_mut() {
                *level.selected_mut() = 0;
            }
        }
        view => state.selected[view.index()] = 0,
    }
}

/// The selected row of the current table (which has `rows` rows), clamped to the rows there are.
pub fn selected_row(state: &State, rows: usize) -> usize {
    let selected = match state.view {
        View::Stages => state.level().selected(),
        view => state.selected[view.index()],
    };
    selected.min(rows.saturating_sub(1))
}

fn move_selection(state: &mut State, delta: isize) {
    let rows = current_table(state).map_or(0, |t| t.rows.len());
    let current = selected_row(state, rows);
    let next = current.saturating_add_signed(delta).min(rows.saturating_sub(1));
    match state.view {
        View::Stages => {
            if let Some(level) = state.drill.last_mut() {
                *level.selected_mut() = next;
            }
        }
        view => state.selected[view.index()] = next,
    }
}

fn enter(state: &mut State) {
    let Some(table) = current_table(state) else { return };
    let Some(row) = table.rows.get(selected_row(state, table.rows.len())) else { return };
    let key = row.key.clone();
    match (state.view, state.level().clone()) {
        (View::Stages, Level::Stages { .. }) => {
            if let Some(stage) = Stage::parse(&key) {
                state.drill.push(Level::Categories { stage, selected: 0 });
            }
        }
        (View::Stages, Level::Categories { stage, .. }) => {
            state.drill.push(Level::Holders { stage, category: key, selected: 0 });
        }
        (View::Stages, Level::Holders { stage, category, .. }) => {
            let Some(commodity) = state.current_commodity() else { return };
            let points = holder_history(&state.ledger, commodity, stage, category_filter(&category), &key);
            state.drill.push(Level::History { stage, category, holder: key, points, selected: 0 });
        }
        (View::Sources, _) => {
            if let Some(source) = state.sources.iter().find(|s| s.name == key) {
                let error = source.last_error.as_ref().map_or("no error".to_owned(), |(_, text)| text.clone());
                state.popup =
                    Some(format!("{} ({}: {})\n\nLast error: {error}", source.name, source.kind, source.location));
            }
        }
        (View::Log, _) => {
            if let Some(entry) = key.parse::<usize>().ok().and_then(|n| state.log.get(n)) {
                state.popup = Some(format!(
                    "{} {}\n\n{}",
                    entry.at.format("%Y-%m-%d %H:%M:%S UTC"),
                    entry.kind.label(),
                    entry.text
                ));
            }
        }
        _ => {}
    }
    state.filter.clear();
}
