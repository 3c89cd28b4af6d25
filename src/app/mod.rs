//! The interactive dashboard: state, actions and the key map, the one `update`, and the
//! event loop that ties terminal input, source pollers, signals and the clock to redraws.
//!
//! The loop redraws only when `update` says something visible changed, and drains every
//! pending event before drawing once, so bursts cost one frame.

pub mod action;
pub mod alerts;
pub mod derived;
pub mod effects;
pub mod state;
pub mod tables;
pub mod update;

use std::io::{self, Write};
use std::time::Duration;

use crossterm::event::{self, Event};
use tokio::sync::mpsc::{self, UnboundedSender};

use crate::config::Config;
use crate::sources::spawn_pollers;
use crate::store::Store;
use crate::ui::{self, theme::Theme};
use effects::{Alerter, Effects};
pub use state::State;
pub use update::{Msg, update};

/// Threads for parsing documents and reading files, beside the loop's own thread.
const BLOCKING_THREADS: usize = 2;

/// Runs the dashboard until the user quits or a signal arrives; the terminal is restored
/// on every way out (ratatui's panic hook covers panics).
pub fn run(state: State, config: &Config, store: Option<Store>) -> io::Result<()> {
    // Documents are parsed on the blocking pool. A few threads are enough on any desk
    // machine, and each thread that allocates gets its own malloc arena that keeps its peak:
    // with tokio's default (up to 512 threads), a dozen sources polled every second held
    // 400 MB, with this limit under 100 MB.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_keep_alive(Duration::from_secs(60))
        .build()?;
    let mut terminal = ratatui::try_init()?;
    let result = runtime.block_on(event_loop(&mut terminal, state, config, store));
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    mut state: State,
    config: &Config,
    store: Option<Store>,
) -> io::Result<()> {
    let theme = Theme::from_env();
    let (tx, mut rx) = mpsc::unbounded_channel();
    spawn_input(tx.clone());
    spawn_signals(tx.clone())?;
    let source_tx = tx.clone();
    let pollers = spawn_pollers(&config.sources, move |event| source_tx.send(Msg::Source(event)).is_ok());
    let alerter = Alerter::start(&config.alerts, tx.clone());
    let mut effects = Effects::new(pollers, alerter, store, config.export_dir.clone());
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|frame| ui::render(frame, &state, theme))?;
            dirty = false;
            panic_if_a_test_asks();
        }
        let msg = tokio::select! {
            msg = rx.recv() => match msg {
                Some(msg) => msg,
                None => break,
            },
            // Once a second: ages and countdowns in the Sources view, stale sources anywhere.
            // `update` asks for a redraw only when something visible moved.
            _ = clock.tick() => Msg::Tick(chrono::Utc::now()),
        };
        dirty |= update(&mut state, msg);
        while let Ok(msg) = rx.try_recv() {
            dirty |= update(&mut state, msg);
        }
        if state.quit {
            break;
        }
        let done = effects.carry_out(&mut state);
        if done.ring {
            ring_bell(terminal);
        }
        for msg in done.notes {
            dirty |= update(&mut state, msg);
        }
    }
    tracing::info!("dashboard closed");
    Ok(())
}

/// BEL between frames: the terminal beeps (or flashes); the screen is untouched.
fn ring_bell(terminal: &mut ratatui::DefaultTerminal) {
    let backend = terminal.backend_mut();
    if let Err(error) = backend.write_all(b"\x07").and_then(|()| backend.flush()) {
        tracing::warn!("cannot ring the bell: {error}");
    }
}

/// A panic inside the loop, once the terminal is set up, when `QUOTAWATCH_TEST_PANIC` is set:
/// how the tests check that a panic hands the terminal back. Debug builds only.
fn panic_if_a_test_asks() {
    #[cfg(debug_assertions)]
    if std::env::var_os("QUOTAWATCH_TEST_PANIC").is_some() {
        panic!("QUOTAWATCH_TEST_PANIC is set: panicking inside the event loop");
    }
}

/// Terminal input on its own thread: crossterm's `read` blocks, and it must never block
/// the loop that draws and merges data.
fn spawn_input(tx: UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(key)) => Msg::Key(key),
                Ok(Event::Resize(..)) => Msg::Resize,
                Ok(_) => continue,
                Err(error) => {
                    tracing::error!("terminal input failed: {error}");
                    Msg::Signal
                }
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

/// SIGTERM, SIGHUP and SIGINT end the loop normally, so the terminal is restored.
fn spawn_signals(tx: UnboundedSender<Msg>) -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut streams =
        [signal(SignalKind::terminate())?, signal(SignalKind::hangup())?, signal(SignalKind::interrupt())?];
    tokio::spawn(async move {
        let [term, hup, int] = &mut streams;
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM"),
            _ = hup.recv() => tracing::info!("SIGHUP"),
            _ = int.recv() => tracing::info!("SIGINT"),
        }
        let _ = tx.send(Msg::Signal);
    });
    Ok(())
}
