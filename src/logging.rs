//! The log file: `quotawatch.YYYY-MM-DD.log` in the data directory, one file a day, the
//! last [`KEEP_DAYS`] kept, written by a background thread (a slow disk never holds up the
//! dashboard or the watcher). What is logged: `--log-level` / `$QUOTAWATCH_LOG`, in
//! tracing's `EnvFilter` syntax (`info`, `debug`, `quotawatch=debug,reqwest=warn`).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// Environment variable with the log filter when `--log-level` is not given.
pub const LOG_ENV: &str = "QUOTAWATCH_LOG";
/// The filter when none is given.
pub const DEFAULT_LEVEL: &str = "info";
/// Daily log files kept; older ones are deleted as a new day's file starts.
pub const KEEP_DAYS: usize = 14;

/// Checks a filter before anything starts, so a typo is a usage error, not a silent default.
pub fn filter(level: Option<&str>) -> Result<EnvFilter, String> {
    let text = level.unwrap_or(DEFAULT_LEVEL);
    EnvFilter::builder()
        .parse(text)
        .map_err(|error| format!("--log-level / ${LOG_ENV} {:?}: {error}", crate::feed::clean_text(text, 60)))
}

/// Starts logging to the data directory. Keep the guard until the end of the run: dropping
/// it writes out what is still queued.
pub fn start(data_dir: &Path, filter: EnvFilter, what: &str) -> Result<WorkerGuard, String> {
    std::fs::create_dir_all(data_dir).map_err(|e| format!("no log file in {}: {e}", data_dir.display()))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("quotawatch")
        .filename_suffix("log")
        .max_log_files(KEEP_DAYS)
        .build(data_dir)
        .map_err(|e| format!("no log file in {}: {e}", data_dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .try_init()
        .map_err(|e| format!("logging not started: {e}"))?;
    tracing::info!("{what} starting, version {}, data dir {}", env!("CARGO_PKG_VERSION"), data_dir.display());
    Ok(guard)
}
