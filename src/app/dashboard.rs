//! The one event loop, generic over the ratatui backend: the binary runs it on crossterm,
//! tests on `TestBackend` with scripted messages (keys, source events, signals, ticks)
//! through [`Dashboard::sender`], and both go through the same [`Dashboard::handle`]:
//! update, drain every pending message, carry out the effects, and only then look at quit,
//! so nothing merged in the same drain as a `q` is lost. On the way out, whatever a busy
//! store held back is flushed before the caller restores the terminal. While a large stored
//! history is replayed after the first frame (`replay.rs`), sources' documents wait for it.

use std::io;
use std::time::{Duration, Instant};

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use super::effects::{Alerter, Effect, Executor, FLUSH_PATIENCE};
use super::nav::View;
use super::state::State;
use super::update::{Msg, Pointer, update};
use crate::config::Config;
use crate::sources::{ParsedDocuments, spawn_pollers_known};
use crate::store::DocumentSeen;
use crate::store::Store;
use crate::ui::{self, theme::Theme};
use crate::view::{self, Screen};

/// The running dashboard: its state, the screen built from it, and what carries out effects.
#[derive(Debug)]
pub struct Dashboard {
    state: State,
    screen: Screen,
    executor: Executor,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    theme: &'static Theme,
    dirty: bool,
    rings: usize,
    /// Where the last frame drew its tabs and rows: what a click lands on.
    hits: ui::HitMap,
    /// The last click (when, on which row), to tell a double click.
    last_click: Option<(Instant, usize)>,
    /// The stored history being replayed after the first frame, and the sources' documents
    /// that arrived meanwhile (merged after it, in order).
    history: Option<super::replay::HistoryReceiver>,
    held: Vec<Msg>,
    /// The fingerprints of the file documents the pollers parsed, and the documents merged
    /// whose versions are not yet known to be saved: recorded in the store once they are.
    parsed: ParsedDocuments,
    merged_documents: Vec<DocumentSeen>,
    /// False when the stored history could not be replayed: nothing merged is saved then,
    /// so no document may be recorded as saved either.
    history_saved: bool,
}

/// Two clicks on one row within this long are a double click (drill in, open).
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

impl Dashboard {
    /// Starts the pollers and the alert workers, and writes the start-up log lines. Must be
    /// called inside a tokio runtime.
    pub fn start(mut state: State, config: &Config, store: Option<Store>, theme: &'static Theme) -> Dashboard {
        let (tx, rx) = mpsc::unbounded_channel();
        let source_tx = tx.clone();
        // Pages followed in earlier runs are not fetched again.
        let followed = store.as_ref().and_then(|s| s.followed().ok()).unwrap_or_default();
        // A file still holding the document the store holds is not parsed again.
        let stored = store.as_ref().map(Store::documents).unwrap_or_default();
        let parsed = ParsedDocuments::default();
        let pollers = spawn_pollers_known(&config.sources, &followed, &stored, &parsed, move |event| {
            source_tx.send(Msg::Source(event)).is_ok()
        });
        let alerter = Alerter::start(&config.alerts, tx.clone());
        let executor = Executor::new(pollers, alerter, store, config.export_dir.clone());
        let effects = state.take_effects();
        let history = state.take_history_receiver();
        let screen = view::build(&state);
        let mut dashboard = Dashboard {
            state,
            screen,
            executor,
            tx,
            rx,
            theme,
            dirty: true,
            rings: 0,
            hits: ui::HitMap::default(),
            last_click: None,
            history,
            held: Vec::new(),
            parsed,
            merged_documents: Vec::new(),
            history_saved: true,
        };
        dashboard.carry_out(effects);
        dashboard
    }

    /// Where terminal input, signals and tests send their messages.
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Versions merged and not yet in the store.
    pub fn unsaved(&self) -> usize {
        self.executor.unsaved()
    }

    /// `msg`, then every message already waiting, through `update`; then their effects, and
    /// what those report back, until nothing is left. One redraw for the whole burst.
    pub fn handle(&mut self, msg: Msg) {
        let mut effects = Vec::new();
        let mut changed = self.apply(msg, &mut effects);
        while let Ok(msg) = self.rx.try_recv() {
            changed |= self.apply(msg, &mut effects);
        }
        self.settle(effects, changed);
    }

    /// The replayed stored history (`None`: its thread died) in place of the first ledger,
    /// then the documents held back meanwhile, in arrival order; one redraw.
    fn history_arrived(&mut self, history: Option<crate::ingest::StoredHistory>) {
        self.history = None;
        self.history_saved = self.state.history_arrived(history);
        let mut effects = self.state.take_effects();
        for msg in std::mem::take(&mut self.held) {
            self.apply(msg, &mut effects);
        }
        self.settle(effects, true);
    }

    /// Carries out `effects`, and what those report back, until nothing is left; rebuilds
    /// the screen when anything visible `changed`.
    fn settle(&mut self, mut effects: Vec<Effect>, mut changed: bool) {
        while !effects.is_empty() {
            let notes = self.carry_out(std::mem::take(&mut effects));
            for note in notes {
                changed |= self.apply(note, &mut effects);
            }
        }
        self.remember_documents();
        if changed {
            self.screen = view::build(&self.state);
            self.dirty = true;
        }
    }

    fn apply(&mut self, msg: Msg, effects: &mut Vec<Effect>) -> bool {
        if self.history.is_some() && matches!(msg, Msg::Source(_)) {
            self.held.push(msg);
            return false;
        }
        if let Msg::Source(event) = &msg
            && let Ok(Some(feed)) = &event.result
        {
            self.note_document(&event.source, event.at, feed);
        }
        let msg = match msg {
            Msg::Mouse(event) => match self.pointer(event) {
                Some(pointer) => Msg::Pointer(pointer),
                None => return false,
            },
            msg => msg,
        };
        let step = update(&mut self.state, msg);
        effects.extend(step.effects);
        step.redraw
    }

    /// What a mouse event means on the last frame: a tab, a row (a second click on it soon
    /// after opens it), or a scroll of the table.
    fn pointer(&mut self, event: MouseEvent) -> Option<Pointer> {
        match event.kind {
            MouseEventKind::ScrollDown => Some(Pointer::Scroll(1)),
            MouseEventKind::ScrollUp => Some(Pointer::Scroll(-1)),
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(tab) = self.hits.tab_at(event.column, event.row) {
                    return View::ALL.get(tab).map(|view| Pointer::Tab(*view));
                }
                let row = self.hits.row_at(event.column, event.row)?;
                let now = Instant::now();
                let double = self.last_click.is_some_and(|(at, last)| last == row && now - at <= DOUBLE_CLICK);
                self.last_click = if double { None } else { Some((now, row)) };
                Some(if double { Pointer::Open(row) } else { Pointer::Row(row) })
            }
            _ => None,
        }
    }

    /// A file document about to be merged, when its poller fingerprinted it (the `at` of
    /// the event pairs them; a later poll of the same file replaced the entry, and then
    /// this one is not remembered). Only a document merged whole is worth remembering.
    fn note_document(&mut self, source: &str, at: chrono::DateTime<chrono::Utc>, feed: &crate::feed::ParsedFeed) {
        let parsed = self.parsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(&(when, fingerprint)) = parsed.get(source)
            && when == at
        {
            self.merged_documents.push(DocumentSeen {
                source: source.to_owned(),
                fingerprint,
                accepted: feed.announcements.len(),
                reusable: feed.rejected.is_empty(),
            });
        }
    }

    /// Records the documents merged once every version is saved (a busy store holding some
    /// back: they are forgotten, and parsed again at the next start). Never before: a
    /// document on record whose versions are not would be skipped, its figures missing.
    fn remember_documents(&mut self) {
        if self.merged_documents.is_empty() || self.history.is_some() {
            return;
        }
        let documents = std::mem::take(&mut self.merged_documents);
        if self.executor.unsaved() > 0 {
            return;
        }
        if !self.history_saved {
            return;
        }
        for document in &documents {
            self.executor.record_document(&self.state.ledger, document);
        }
    }

    fn carry_out(&mut self, effects: Vec<Effect>) -> Vec<Msg> {
        let done = self.executor.carry_out(effects, &self.state.ledger);
        if done.ring {
            self.rings += 1;
        }
        done.notes
    }

    /// Runs until the trader quits or a signal arrives, then flushes the store. `ring`
    /// rings the terminal's bell (the binary writes BEL; a test terminal passes a no-op).
    pub async fn run<B: Backend>(&mut self, terminal: &mut Terminal<B>, ring: fn(&mut B)) -> io::Result<()> {
        let result = self.run_until(terminal, State::quitting, ring).await;
        let flushed = self.executor.flush(&self.state.ledger, FLUSH_PATIENCE);
        tracing::info!("dashboard closed");
        result?;
        flushed.map_err(io::Error::other)
    }

    /// Runs the loop until `done(state)` holds (checked after each burst), or every sender
    /// is gone. Does not flush: [`Dashboard::run`] does, on the way out.
    pub async fn run_until<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        done: impl Fn(&State) -> bool,
        ring: fn(&mut B),
    ) -> io::Result<()> {
        let mut clock = tokio::time::interval(Duration::from_secs(1));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut rung = self.rings;
        loop {
            if self.rings != rung {
                rung = self.rings;
                ring(terminal.backend_mut());
            }
            self.draw(terminal)?;
            if done(&self.state) {
                return Ok(());
            }
            let msg = tokio::select! {
                msg = self.rx.recv() => match msg {
                    Some(msg) => msg,
                    None => return Ok(()),
                },
                history = async {
                    match self.history.as_mut() {
                        Some(receiver) => receiver.await.ok(),
                        None => std::future::pending().await,
                    }
                } => {
                    self.history_arrived(history);
                    continue;
                }
                // Once a second: ages and countdowns in the Sources view, stale sources anywhere.
                // `update` asks for a redraw only when something visible moved.
                _ = clock.tick() => Msg::Tick(chrono::Utc::now()),
            };
            self.handle(msg);
        }
    }

    /// Draws the screen if it changed since the last frame.
    pub fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<()> {
        if self.dirty {
            let mut hits = ui::HitMap::default();
            terminal.draw(|frame| hits = ui::render(frame, &self.screen, self.theme)).map_err(io_error)?;
            let fits = hits.popup_scroll_max;
            self.hits = hits;
            self.dirty = false;
            if let Some(max) = fits.filter(|max| self.state.popup_detail().is_some_and(|p| p.scroll > *max)) {
                self.handle(Msg::PopupFits(max));
            }
            panic_if_a_test_asks();
        }
        Ok(())
    }

    /// The way out without the loop: flushes every pending store write.
    pub fn finish(&mut self) -> Result<(), String> {
        self.executor.flush(&self.state.ledger, FLUSH_PATIENCE)
    }
}

fn io_error<E: std::fmt::Display>(error: E) -> io::Error {
    io::Error::other(error.to_string())
}

/// A panic inside the loop, once the terminal is set up, when `QUOTAWATCH_TEST_PANIC` is set:
/// how the tests check that a panic hands the terminal back. Debug builds only.
fn panic_if_a_test_asks() {
    #[cfg(debug_assertions)]
    if std::env::var_os("QUOTAWATCH_TEST_PANIC").is_some() {
        panic!("QUOTAWATCH_TEST_PANIC is set: panicking inside the event loop");
    }
}
