//! What each action of the key map does to the state. [`super::update`] calls it for key
//! presses; the row under the selection comes from the view layer's table, so what keys act
//! on is exactly what is drawn.

use super::action::Action;
use super::derived::holder_history;
use super::effects::Effect;
use super::nav::{Level, Mode, View};
use super::source_view::SourceState;
use super::state::State;
use crate::model::Stage;
use crate::view::{self, RowKey};

/// Applies one action from the key map.
pub fn apply(state: &mut State, action: Action) {
    match action {
        Action::Quit => state.quit = true,
        Action::ShowView(view) => show(state, view),
        Action::NextView => show(state, state.view.cycled(1)),
        Action::PrevView => show(state, state.view.cycled(-1)),
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
            let view = state.view;
            if !state.nav.opts(view).filter.is_empty() {
                state.nav.opts_mut(view).filter.clear();
            } else if !(state.view == View::Stages && state.nav.pop()) {
                state.banner = None;
            }
        }
        Action::PrevCommodity | Action::NextCommodity => {
            let count = state.commodities.len().max(1);
            let step = if action == Action::NextCommodity { 1 } else { count - 1 };
            state.commodity = (state.commodity + step) % count;
            state.year = None;
            state.nav.back_to_top();
            state.refresh();
        }
        Action::ToggleStage => {
            state.stage = match state.stage {
                Stage::Mining => Stage::SmeltingSeparation,
                Stage::SmeltingSeparation => Stage::Mining,
            };
        }
        Action::StartFilter => {
            if state.view.has_table() {
                state.mode = Mode::Filter;
                let view = state.view;
                state.nav.opts_mut(view).filter.clear();
            }
        }
        Action::ToggleHelp => state.mode = Mode::Help,
        Action::ToggleMarkers => state.markers = !state.markers,
        Action::SortNext | Action::SortPrev => {
            if let Some(table) = view::table(state) {
                let view = state.view;
                let opts = state.nav.opts_mut(view);
                opts.sort = opts.sort.step(table.columns.len(), action == Action::SortNext);
            }
        }
        Action::Refresh => refresh(state),
        Action::Export => export(state),
    }
    // The view, the stage or the drill-down level may have changed.
    state.prepare_view();
}

/// `e`: the current table (as filtered) as CSV, named after the view and the time.
fn export(state: &mut State) {
    let Some(table) = view::table(state) else {
        state.mode =
            Mode::Popup("The overview has no table to export: press e in Stages, Producers, Sources or Log.".into());
        return;
    };
    let name = match state.view {
        View::Stages => state.level().name(),
        other => other.title(),
    };
    let name = format!("quotawatch-{}-{}.csv", name.to_lowercase(), state.now.format("%Y%m%d-%H%M%S"));
    state.outbox.push(Effect::Export { name, csv: table.to_csv(), rows: table.rows.len() });
}

/// `r`: every live source now, or in the Sources view the selected one.
fn refresh(state: &mut State) {
    let only = if state.view == View::Sources {
        match selected_key(state) {
            Some(RowKey::Source(name)) => Some(name),
            _ => return,
        }
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
        state.mode = Mode::Popup(
            format!(
                "{what}: nothing to refresh.\n\nSources are set in the config file (see `quotawatch check-config`)."
            )
            .into(),
        );
        return;
    }
    state.outbox.push(Effect::Refresh(only));
}

fn show(state: &mut State, view: View) {
    if state.view != view {
        state.view = view;
        if state.mode == Mode::Filter {
            state.mode = Mode::Normal;
        }
    }
}

/// Back to the first row of the current table (the filter changed what the rows are).
pub fn reset_selection(state: &mut State) {
    let view = state.view;
    state.nav.select(view, 0);
}

/// Selects `row` of the current table (clamped to the rows there are).
pub fn select_row(state: &mut State, row: usize) {
    let rows = view::table(state).map_or(0, |t| t.rows.len());
    let view = state.view;
    state.nav.select(view, row.min(rows.saturating_sub(1)));
}

/// The key of the selected row of the current table.
fn selected_key(state: &State) -> Option<RowKey> {
    let table = view::table(state)?;
    let row = state.nav.selected(state.view, table.rows.len());
    table.rows.into_iter().nth(row).map(|r| r.key)
}

fn move_selection(state: &mut State, delta: isize) {
    let rows = view::table(state).map_or(0, |t| t.rows.len());
    let current = state.nav.selected(state.view, rows);
    let next = current.saturating_add_signed(delta).min(rows.saturating_sub(1));
    let view = state.view;
    state.nav.select(view, next);
}

fn enter(state: &mut State) {
    let Some(key) = selected_key(state) else { return };
    match (state.view, state.level().clone(), key) {
        (View::Stages, Level::Stages { .. }, RowKey::Stage(stage)) => {
            state.nav.push(Level::Categories { stage, selected: 0 });
        }
        (View::Stages, Level::Categories { stage, .. }, RowKey::Category(category)) => {
            state.nav.push(Level::Holders { stage, category, selected: 0 });
        }
        (View::Stages, Level::Holders { stage, category, .. }, RowKey::Holder(holder)) => {
            let Some(commodity) = state.commodity() else { return };
            let points = holder_history(&state.ledger, commodity, stage, category.as_deref(), &holder);
            state.nav.push(Level::History { stage, category, holder, points, selected: 0 });
        }
        (View::Sources, _, RowKey::Source(name)) => {
            if let Some(source) = state.source(&name) {
                let error = source.last_error.as_ref().map_or("no error".to_owned(), |(_, text)| text.clone());
                state.mode = Mode::Popup(
                    format!("{} ({}: {})\n\nLast error: {error}", source.name, source.kind, source.location).into(),
                );
            }
        }
        (View::Timeline, _, RowKey::Event(n)) => {
            if let Some(event) = state.watch.outlook().events.get(n) {
                let commodity = event.commodity.as_ref().map_or("every commodity", |c| c.as_str());
                let link = event.url.as_deref().unwrap_or("no link recorded");
                state.mode = Mode::Popup(
                    format!("{} · {} · {commodity}\n\n{}\n\n{link}", event.date, event.kind.slug(), event.title).into(),
                );
            }
        }
        (View::Timeline, _, RowKey::Batch { year, batch }) => {
            let Some(commodity) = state.commodity().cloned() else { return };
            let key = crate::model::AnnouncementKey { commodity, year, batch };
            if let Some(entry) = state.ledger.entry(&key) {
                let a = &entry.current().announcement;
                let published = a.published.map_or_else(|| "date unknown".to_owned(), |d| d.to_string());
                state.mode = Mode::Popup(
                    format!(
                        "{key} · {published} · {} · {} (from {})\n\n{}\n\n{}",
                        a.status.slug(),
                        a.tier.slug(),
                        entry.current().origin.source,
                        a.title.as_deref().unwrap_or("no title recorded"),
                        a.url.as_deref().unwrap_or("no link recorded")
                    )
                    .into(),
                );
            }
        }
        (View::Headlines, _, RowKey::Headline(n)) => {
            if let Some(h) = state.headlines.get(n) {
                state.mode = Mode::Popup(super::headline_detail::popup(h));
            }
        }
        (View::Log, _, RowKey::Log(n)) => {
            if let Some(entry) = state.log.get(n) {
                state.mode = Mode::Popup(
                    format!("{} {}\n\n{}", entry.at.format("%Y-%m-%d %H:%M:%S UTC"), entry.kind.label(), entry.text)
                        .into(),
                );
            }
        }
        _ => {}
    }
}
