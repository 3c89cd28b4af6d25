//! The interactive dashboard: state and navigation, actions and the key map, the one
//! `update`, the effects it returns and the executor that carries them out, and the event
//! loop ([`Dashboard`]) that ties terminal input, source pollers, signals and the clock to
//! redraws. What is drawn is built by [`crate::view`] and drawn by [`crate::ui`].
//!
//! The loop redraws only when `update` says something visible changed, and drains every
//! pending event before drawing once, so bursts cost one frame.

pub mod action;
pub mod alerts;
mod apply;
mod dashboard;
pub mod derived;
pub mod effects;
mod headline_detail;
pub mod log;
pub mod nav;
mod replay;
pub mod source_view;
pub mod state;
pub mod update;
pub mod watchlist;

use std::io::{self, Write};
use std::time::Duration;

use crossterm::event::{self, Event};
use tokio::sync::mpsc::UnboundedSender;

use crate::config::Config;
use crate::store::Store;
use crate::ui::theme::Theme;
pub use dashboard::Dashboard;
pub use effects::Effect;
pub use replay::{HistoryReceiver, LOADING_BANNER};
pub use state::State;
pub use update::{Msg, Step, update};

/// Threads for parsing documents and reading files, beside the loop's own thread.
const BLOCKING_THREADS: usize = 2;

/// Runs the dashboard on the terminal until the user quits or a signal arrives. The store
/// is flushed before the terminal is restored, and the terminal is restored on every way
/// out (ratatui's panic hook covers panics).
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
    let mouse = config.mouse && crossterm::execute!(io::stdout(), crossterm::event::EnableMouseCapture).is_ok();
    if mouse {
        // A panic must hand the mouse back too (ratatui's hook restores the rest).
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableMouseCapture);
            hook(info);
        }));
    }
    let result = runtime.block_on(async {
        let mut dashboard = Dashboard::start(state, config, store, Theme::from_env());
        spawn_input(dashboard.sender());
        spawn_signals(dashboard.sender())?;
        dashboard.run(&mut terminal, ring_bell).await
    });
    if mouse {
        let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::restore();
    result
}

/// BEL between frames: the terminal beeps (or flashes); the screen is untouched.
fn ring_bell(backend: &mut ratatui::backend::CrosstermBackend<io::Stdout>) {
    if let Err(error) = backend.write_all(b"\x07").and_then(|()| backend.flush()) {
        tracing::warn!("cannot ring the bell: {error}");
    }
}

/// Terminal input on its own thread: crossterm's `read` blocks, and it must never block
/// the loop that draws and merges data.
fn spawn_input(tx: UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(key)) => Msg::Key(key),
                Ok(Event::Mouse(mouse)) => Msg::Mouse(mouse),
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

/// SIGTERM, SIGHUP and SIGINT end the loop normally, so the store is flushed and the
/// terminal restored. (Unix only, like the build: see the README.)
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
