//! The `quotawatch` binary: parse the command line and dispatch; the work is in the library.

use std::process::ExitCode;

use clap::Parser as _;
use quotawatch::app::state::LogKind;
use quotawatch::cli::{Cli, Command, ExportArgs, ExportFormat, HistoryArgs, ReportArgs};
use quotawatch::config::{self, Config};
use quotawatch::history::{self, HistoryFilter};
use quotawatch::model::{Commodity, Stage};
use quotawatch::report::{self, Filter};
use quotawatch::sources::{self, LoadOptions, Loaded};
use quotawatch::store::{Store, StoreError};

/// Exit status when output was printed but a source failed.
const EXIT_SOURCE_FAILED: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are not errors; bad usage is fatal (exit 1), not exit 2,
            // which means "a source failed".
            let _ = error.print();
            return if error.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("quotawatch: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Some(Command::CheckConfig { path }) => check_config(path.as_deref().or(cli.config.as_deref())),
        Some(Command::Report(args)) => run_report(&cli, args),
        Some(Command::History(args)) => run_history(&cli, args),
        Some(Command::Export(args)) => run_export(&cli, args),
        Some(Command::Extract(args)) => quotawatch::extract_cmd::run(args),
        None => run_dashboard(&cli),
    }
}

fn load_config(cli: &Cli) -> Result<Config, String> {
    let path = config::resolve_path(cli.config.as_deref());
    config::load(path.as_deref()).map_err(|e| e.to_string())
}

fn check_config(path: Option<&std::path::Path>) -> Result<ExitCode, String> {
    let path = config::resolve_path(path);
    let config = config::load(path.as_deref()).map_err(|e| e.to_string())?;
    println!("{}: ok, {} source(s)", config.origin, config.sources.len());
    for source in &config.sources {
        let state = if source.enabled { "" } else { " (disabled)" };
        println!("  {} ({}): {}{state}", source.name, source.kind_name(), source.location());
    }
    Ok(ExitCode::SUCCESS)
}

fn run_report(cli: &Cli, args: &ReportArgs) -> Result<ExitCode, String> {
    let filter = Filter {
        commodity: parse_commodity(args.commodity.as_deref())?,
        stage: args
            .stage
            .as_deref()
            .map(|s| Stage::parse(s).ok_or_else(|| format!("--stage {s:?}: expected mining or smelting-separation")))
            .transpose()?,
        year: args.year,
    };
    let config = load_config(cli)?;
    let (loaded, failed) = headless_load(cli, &config, true);
    print!("{}", report::render(&loaded.ledger, args.by, &filter, args.format));
    // The process ends here: freeing every row of a large feed one by one would only add
    // to the run time (about 10 ms a million rows), so the memory goes back with the process.
    std::mem::forget(loaded);
    Ok(if failed { ExitCode::from(EXIT_SOURCE_FAILED) } else { ExitCode::SUCCESS })
}

fn run_history(cli: &Cli, args: &HistoryArgs) -> Result<ExitCode, String> {
    let filter =
        HistoryFilter { commodity: parse_commodity(args.commodity.as_deref())?, year: args.year, batch: args.batch };
    let config = load_config(cli)?;
    // The record as it stands: the bundled and stored history, no source read.
    let (loaded, failed) = headless_load(cli, &config, false);
    print!("{}", history::render(&loaded.ledger, &filter));
    Ok(if failed { ExitCode::from(EXIT_SOURCE_FAILED) } else { ExitCode::SUCCESS })
}

fn run_export(cli: &Cli, args: &ExportArgs) -> Result<ExitCode, String> {
    let config = load_config(cli)?;
    let (loaded, failed) = headless_load(cli, &config, true);
    let current = loaded.ledger.current();
    print!(
        "{}",
        match args.format {
            ExportFormat::Json => quotawatch::feed::write::to_json(current),
            ExportFormat::Csv => quotawatch::feed::write::to_csv(current),
        }
    );
    Ok(if failed { ExitCode::from(EXIT_SOURCE_FAILED) } else { ExitCode::SUCCESS })
}

/// The load behind the headless commands: the bundled history, the stored history, then
/// (with `read_sources`) one pass over the sources, saved to the store. Problems go to
/// stderr; the bool says whether any source or the store failed (exit status 2).
fn headless_load(cli: &Cli, config: &Config, read_sources: bool) -> (Loaded, bool) {
    let mut failed = false;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref());
    let mut store = match Store::open(&data_dir) {
        Ok(store) => Some(store),
        Err(error) => {
            eprintln!("quotawatch: {error}; going on without the stored history");
            failed = true;
            None
        }
    };
    let options = LoadOptions { bundled: !cli.no_bundled, network: true, files: true, sources: read_sources };
    let loaded = sources::load(config, &options, store.as_mut(), chrono::Utc::now());
    for problem in &loaded.unreadable {
        eprintln!("quotawatch: {problem} (left in the store)");
    }
    for error in &loaded.store_errors {
        eprintln!("quotawatch: {error}");
        failed = true;
    }
    for rejected in loaded.rejected() {
        eprintln!("quotawatch: rejected announcement: {rejected}");
    }
    for (name, error) in loaded.failures() {
        eprintln!("quotawatch: source {name} failed: {error}");
        failed = true;
    }
    (loaded, failed)
}

/// `--commodity` as a slug.
fn parse_commodity(text: Option<&str>) -> Result<Option<Commodity>, String> {
    text.map(|c| Commodity::parse(c).ok_or_else(|| format!("--commodity {c:?} is not a commodity slug"))).transpose()
}

fn run_dashboard(cli: &Cli) -> Result<ExitCode, String> {
    let config = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref());
    let log_note = start_log(&data_dir);
    let (mut store, store_problem) = match Store::open(&data_dir) {
        Ok(store) => (Some(store), None),
        Err(error) => {
            tracing::error!("{error}");
            (None, Some(format!("{error}. Running on the bundled data and sources without saving history.")))
        }
    };
    // The first frame shows the bundled and stored history at once; every source arrives
    // through its poller a moment later (its first document is history, not news).
    let options = LoadOptions { bundled: !cli.no_bundled, network: false, files: false, sources: true };
    let loaded = sources::load(&config, &options, store.as_mut(), chrono::Utc::now());
    if loaded.store_errors.iter().any(|e| !matches!(e, StoreError::Locked { .. })) {
        // Unreadable or unwritable: not written to for the rest of the run. (A store that was
        // only busy is tried again with the next change.)
        store = None;
    }
    let mut state = quotawatch::app::State::new(loaded, chrono::Utc::now());
    for entry in &state.log {
        tracing::info!("{} {}", entry.kind.label(), entry.text);
    }
    if let Err(note) = log_note {
        state.push_log(LogKind::SourceError, note);
    }
    if let Some(problem) = store_problem {
        state.push_log(LogKind::SourceError, problem.clone());
        state.banner = Some(problem);
    }
    quotawatch::app::run(state, &config, store).map_err(|e| format!("terminal error: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Logs go to `quotawatch.log` in the data dir, never to the screen the dashboard owns.
fn start_log(data_dir: &std::path::Path) -> Result<(), String> {
    let path = data_dir.join("quotawatch.log");
    let file = std::fs::create_dir_all(data_dir)
        .and_then(|()| std::fs::OpenOptions::new().create(true).append(true).open(&path))
        .map_err(|e| format!("no log file ({}): {e}", path.display()))?;
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_target(false)
        .try_init()
        .map_err(|e| format!("logging not started: {e}"))?;
    tracing::info!("dashboard starting, data dir {}", data_dir.display());
    Ok(())
}
