//! The `quotawatch` binary: parse the command line and dispatch; the work is in the library.

use std::process::ExitCode;

use clap::Parser as _;
use quotawatch::cli::{
    CalendarArgs, Cli, Command, EventsArgs, ExpectationsArgs, ExportArgs, ExportFormat, HistoryArgs, ReportArgs,
};
use quotawatch::config::{self, Config};
use quotawatch::history::{self, HistoryFilter};
use quotawatch::ingest::{self, Loaded};
use quotawatch::model::{Commodity, Stage};
use quotawatch::outlook::{self, Outlook};
use quotawatch::report::{self, Filter};
use quotawatch::store::{Store, StoreError};

/// Exit status when output was printed but a source failed.
const EXIT_SOURCE_FAILED: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.kind() == clap::error::ErrorKind::DisplayVersion => {
            println!("{}", version_text());
            return ExitCode::SUCCESS;
        }
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
        Some(Command::Expectations(args)) => run_expectations(&cli, args),
        Some(Command::Calendar(args)) => run_calendar(&cli, args),
        Some(Command::Events(args)) => run_events(&cli, args),
        Some(Command::Watch(args)) => run_watch(&cli, args),
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut <Cli as clap::CommandFactory>::command(), "quotawatch", &mut script);
            print_bytes(&script)
        }
        Some(Command::Man) => {
            let mut page = Vec::new();
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            man.render(&mut page).map_err(|e| format!("cannot render the manual page: {e}"))?;
            print_bytes(&page)
        }

        Some(Command::Extract(args)) => quotawatch::extract_cmd::run(args),
        None => run_dashboard(&cli),
    }
}

/// Writes generated text to stdout; a reader that stops early (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> Result<ExitCode, String> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write to stdout: {error}")),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `--version`: the version and how recent the bundled history is.
fn version_text() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let last = quotawatch::bundled::load().ok().and_then(|parsed| {
        parsed.announcements.iter().filter(|a| !a.quotas.is_empty()).filter_map(|a| a.published).max()
    });
    match last {
        Some(date) => format!("quotawatch {version} (bundled figures through {date})"),
        None => format!("quotawatch {version} (no bundled figures)"),
    }
}

fn run_watch(cli: &Cli, args: &quotawatch::cli::WatchArgs) -> Result<ExitCode, String> {
    let filter = quotawatch::logging::filter(cli.log_level.as_deref())?;
    let config = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref());
    let _log = quotawatch::logging::start(&data_dir, filter, "watch")
        .map_err(|problem| eprintln!("quotawatch: {problem}"))
        .ok();
    let options = quotawatch::watch::WatchOptions {
        data_dir,
        bundled: !cli.no_bundled,
        format: args.format,
        publish: args.publish.clone(),
    };
    quotawatch::watch::run(&config, &options)?;
    Ok(ExitCode::SUCCESS)
}

/// The config, `[keys]` included: every command refuses a config with errors.
fn load_config(cli: &Cli) -> Result<Config, String> {
    let path = config::resolve_path(cli.config.as_deref());
    let config = config::load(path.as_deref()).map_err(|e| e.to_string())?;
    quotawatch::keys::KeyMap::from_config(&config).map_err(|e| e.to_string())?;
    Ok(config)
}

fn check_config(path: Option<&std::path::Path>) -> Result<ExitCode, String> {
    let path = config::resolve_path(path);
    let config = config::load(path.as_deref()).map_err(|e| e.to_string())?;
    quotawatch::keys::KeyMap::from_config(&config).map_err(|e| e.to_string())?;
    println!("{}: ok, {} source(s)", config.origin, config.sources.len());
    if !config.keys.is_empty() {
        let remapped: Vec<&str> = config.keys.iter().map(|(action, _)| action.as_str()).collect();
        println!("  keys remapped: {}", remapped.join(", "));
    }
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
    Ok(headless(cli, &config, true, |loaded| {
        let notes = match args.format {
            report::OutputFormat::Table => {
                let outlook = gather_outlook(loaded);
                outlook::output::report_notes(
                    &outlook,
                    &loaded.ledger,
                    filter.commodity.as_ref(),
                    filter.stage,
                    filter.year,
                )
            }
            _ => Vec::new(),
        };
        report::render_with_notes(&loaded.ledger, args.by, &filter, args.format, &notes)
    }))
}

fn run_history(cli: &Cli, args: &HistoryArgs) -> Result<ExitCode, String> {
    let filter =
        HistoryFilter { commodity: parse_commodity(args.commodity.as_deref())?, year: args.year, batch: args.batch };
    let config = load_config(cli)?;
    // The record as it stands: the bundled and stored history, no source read.
    Ok(headless(cli, &config, false, |loaded| history::render(&loaded.ledger, &filter)))
}

fn run_export(cli: &Cli, args: &ExportArgs) -> Result<ExitCode, String> {
    let config = load_config(cli)?;
    Ok(headless(cli, &config, true, |loaded| {
        let current = loaded.ledger.current();
        match args.format {
            ExportFormat::Json => quotawatch::feed::write::to_json(current),
            ExportFormat::Csv => quotawatch::feed::write::to_csv(current),
        }
    }))
}

fn run_expectations(cli: &Cli, args: &ExpectationsArgs) -> Result<ExitCode, String> {
    let commodity = parse_commodity(args.commodity.as_deref())?;
    let config = load_config(cli)?;
    Ok(headless(cli, &config, true, |loaded| {
        let outlook = gather_outlook(loaded);
        outlook::output::render_expectations(&outlook, &loaded.ledger, commodity.as_ref(), args.format)
    }))
}

fn run_calendar(cli: &Cli, args: &CalendarArgs) -> Result<ExitCode, String> {
    let commodity = parse_commodity(args.commodity.as_deref())?;
    let today = args.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let config = load_config(cli)?;
    Ok(headless(cli, &config, true, |loaded| {
        outlook::output::render_calendar(&loaded.ledger, commodity.as_ref(), today, args.format)
    }))
}

fn run_events(cli: &Cli, args: &EventsArgs) -> Result<ExitCode, String> {
    let commodity = parse_commodity(args.commodity.as_deref())?;
    let config = load_config(cli)?;
    Ok(headless(cli, &config, true, |loaded| {
        let outlook = gather_outlook(loaded);
        outlook::output::render_events(&outlook, commodity.as_ref(), args.format)
    }))
}

/// Expectations and events gathered by the load; rejected entries go to stderr, named.
fn gather_outlook(loaded: &Loaded) -> Outlook {
    let (outlook, rejected) = loaded.outlook();
    for entry in rejected {
        eprintln!("quotawatch: rejected entry: {entry}");
    }
    outlook
}

/// A headless command: the bundled history, the stored history, then (with `read_sources`)
/// one pass over the sources; `output` computed and printed while another thread writes
/// the new versions to the store (one transaction per source document, as before), joined
/// before the process ends. Problems go to stderr; exit status 2 when any source or the
/// store failed, the store's write included.
fn headless(cli: &Cli, config: &Config, read_sources: bool, output: impl FnOnce(&Loaded) -> String) -> ExitCode {
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref());
    let (mut store, loaded, mut failed) = headless_load(cli, config, read_sources, &data_dir);
    let written = std::thread::scope(|scope| {
        let loaded = &loaded;
        let writer = store
            .as_mut()
            .filter(|_| !loaded.pending.is_empty())
            .map(|store| scope.spawn(move || ingest::record_pending(store, &loaded.ledger, &loaded.pending)));
        print!("{}", output(loaded));
        writer.map_or_else(Vec::new, |writer| {
            writer.join().unwrap_or_else(|_| {
                let path = data_dir.join(quotawatch::store::FILE_NAME);
                vec![StoreError::Other { path, detail: "writing the new versions failed unexpectedly".into() }]
            })
        })
    });
    for error in &written {
        eprintln!("quotawatch: {error}");
        failed = true;
    }
    // The process ends here: freeing every row of a large feed one by one would only add
    // to the run time (about 10 ms a million rows), so the memory goes back with the process.
    std::mem::forget(loaded);
    if failed { ExitCode::from(EXIT_SOURCE_FAILED) } else { ExitCode::SUCCESS }
}

/// The load behind [`headless`], the new versions left to write. Problems go to stderr; the
/// bool says whether any source or the store failed (exit status 2).
fn headless_load(
    cli: &Cli,
    config: &Config,
    read_sources: bool,
    data_dir: &std::path::Path,
) -> (Option<Store>, Loaded, bool) {
    let mut failed = false;
    let mut store = match Store::open(data_dir) {
        Ok(store) => Some(store),
        Err(error) => {
            eprintln!("quotawatch: {error}; going on without the stored history");
            failed = true;
            None
        }
    };
    let now = chrono::Utc::now();
    let loaded = ingest::for_headless_deferred(config, !cli.no_bundled, read_sources, store.as_mut(), now);
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
    (store, loaded, failed)
}

/// `--commodity` as a slug.
fn parse_commodity(text: Option<&str>) -> Result<Option<Commodity>, String> {
    text.map(|c| Commodity::parse(c).ok_or_else(|| format!("--commodity {c:?} is not a commodity slug"))).transpose()
}

fn run_dashboard(cli: &Cli) -> Result<ExitCode, String> {
    let filter = quotawatch::logging::filter(cli.log_level.as_deref())?;
    let config = load_config(cli)?;
    let data_dir = config::resolve_data_dir(cli.data_dir.as_deref());
    // Held to the end: dropping it writes out what the log still queues.
    let (log_guard, log_note) = match quotawatch::logging::start(&data_dir, filter, "dashboard") {
        Ok(guard) => (Some(guard), Ok(())),
        Err(note) => (None, Err(note)),
    };
    let (mut store, store_problem) = match Store::open(&data_dir) {
        Ok(store) => (Some(store), None),
        Err(error) => {
            tracing::error!("{error}");
            (None, Some(format!("{error}. Running on the bundled data and sources without saving history.")))
        }
    };
    // The first frame shows the bundled and stored history at once; every source arrives
    // through its poller a moment later (its first document is history, not news). A large
    // stored history is replayed after the first frame instead (src/app/replay.rs).
    let now = chrono::Utc::now();
    let deferred =
        store.as_ref().is_some_and(|s| s.packed_bytes().is_ok_and(|b| b > ingest::REPLAY_IN_BACKGROUND_BYTES));
    let loaded = if deferred {
        ingest::dashboard_first_frame(&config, !cli.no_bundled, store.as_ref(), now)
    } else {
        ingest::for_dashboard(&config, !cli.no_bundled, store.as_mut(), now)
    };
    if loaded.store_errors.iter().any(|e| !matches!(e, StoreError::Locked { .. })) {
        // Unreadable or unwritable: not written to for the rest of the run. (A store that was
        // only busy is tried again with the next change.)
        store = None;
    }
    let keys = quotawatch::keys::KeyMap::from_config(&config).map_err(|e| e.to_string())?;
    let mut state = quotawatch::app::State::new(loaded, now).with_keys(keys);
    if deferred {
        state = state.replay_in_background(&config, !cli.no_bundled, data_dir.clone(), now);
    }
    if let Err(note) = log_note {
        state.report_problem(note, false);
    }
    if let Some(problem) = store_problem {
        state.report_problem(problem, true);
    }
    let result = quotawatch::app::run(state, &config, store).map_err(|e| format!("dashboard: {e}"));
    drop(log_guard);
    result?;
    Ok(ExitCode::SUCCESS)
}
