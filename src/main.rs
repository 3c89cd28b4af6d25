//! The `quotawatch` binary: parse the command line and dispatch; the work is in the library.

use std::process::ExitCode;

use clap::Parser as _;
use quotawatch::cli::{Cli, Command, ReportArgs};
use quotawatch::config::{self, Config};
use quotawatch::model::{Commodity, Stage};
use quotawatch::report::{self, Filter};
use quotawatch::sources;

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
        commodity: args
            .commodity
            .as_deref()
            .map(|c| Commodity::parse(c).ok_or_else(|| format!("--commodity {c:?} is not a commodity slug")))
            .transpose()?,
        stage: args
            .stage
            .as_deref()
            .map(|s| Stage::parse(s).ok_or_else(|| format!("--stage {s:?}: expected mining or smelting-separation")))
            .transpose()?,
        year: args.year,
    };
    let config = load_config(cli)?;
    let loaded = sources::load_once(&config, !cli.no_bundled, chrono::Utc::now());
    for rejected in loaded.rejected() {
        eprintln!("quotawatch: rejected announcement: {rejected}");
    }
    let mut failed = false;
    for (name, error) in loaded.failures() {
        eprintln!("quotawatch: source {name} failed: {error}");
        failed = true;
    }
    print!("{}", report::render(&loaded.ledger, args.by, &filter, args.format));
    // The process ends here: freeing every row of a large feed one by one would only add
    // to the run time (about 10 ms a million rows), so the memory goes back with the process.
    std::mem::forget(loaded);
    Ok(if failed { ExitCode::from(EXIT_SOURCE_FAILED) } else { ExitCode::SUCCESS })
}

fn run_dashboard(cli: &Cli) -> Result<ExitCode, String> {
    let config = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref());
    let log_note = start_log(&data_dir);
    let loaded = sources::load_local(&config, !cli.no_bundled, chrono::Utc::now());
    let mut state = quotawatch::app::State::new(loaded, chrono::Utc::now());
    if let Err(note) = log_note {
        state.push_log(quotawatch::app::state::LogKind::SourceError, note);
    }
    quotawatch::app::run(state, &config.sources).map_err(|e| format!("terminal error: {e}"))?;
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
