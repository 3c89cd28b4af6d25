//! Command-line definitions (clap). `main` dispatches on these; nothing here does work.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::report::{By, OutputFormat};

/// Watch China's rare-earth production quotas: live figures, year-on-year growth and producer shares.
///
/// With no command, opens the dashboard on the bundled history plus the configured sources.
#[derive(Debug, Parser)]
#[command(after_help = "Environment: QUOTAWATCH_BUSY_TIMEOUT (e.g. 15s) is how long a command waits for another \
                  process's write lock on the history store [default: 5s].")]
#[command(name = "quotawatch", version, max_term_width = 100)]
pub struct Cli {
    /// Config file [default: $XDG_CONFIG_HOME/quotawatch/config.toml if it exists, else built-in]
    #[arg(long, global = true, value_name = "PATH", env = "QUOTAWATCH_CONFIG")]
    pub config: Option<PathBuf>,

    /// Where logs and the stored history live [default: $XDG_DATA_HOME/quotawatch]
    #[arg(long, global = true, value_name = "DIR", env = "QUOTAWATCH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Leave the bundled historical figures out; use only the configured sources
    #[arg(long, global = true)]
    pub no_bundled: bool,

    /// What the log file records, in tracing's EnvFilter syntax (e.g. debug, quotawatch=debug,warn) [default: info]
    #[arg(long, global = true, value_name = "FILTER", env = "QUOTAWATCH_LOG")]
    pub log_level: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print figures with year-on-year growth, for scripts and spreadsheets
    Report(ReportArgs),
    /// Every stored version of each announcement: source, first seen, revision, what changed
    History(HistoryArgs),
    /// The whole current history as a quota-feed/1 document on stdout
    Export(ExportArgs),
    /// Named expectations with the range in tonnes, the actual figure and the surprise
    Expectations(ExpectationsArgs),
    /// When batches 1 and 2 usually come and where each stands: published, issued, in window, overdue
    Calendar(CalendarArgs),
    /// The policy timeline: quota releases, regulations, export controls, consolidation
    Events(EventsArgs),
    /// Validate a config file; errors name the key and the value
    CheckConfig {
        /// The file to check [default: the config quotawatch would use]
        path: Option<PathBuf>,
    },
    /// Watch the sources without a terminal: print each event, run the alerts, publish the merged feed
    Watch(WatchArgs),
    /// Print a shell completion script to stdout
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout
    Man,
    /// Find quota announcements in an RSS / Atom / HTML document or plain text (one item a
    /// line) and print them as quota-feed/1, without touching the store
    Extract(ExtractArgs),
}

#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// Output format [default: ndjson when stdout is not a terminal, else text]
    #[arg(long, value_enum)]
    pub format: Option<crate::watch::WatchFormat>,
    /// After every change, write the whole merged history to PATH as quota-feed/1 JSON (atomically)
    #[arg(long, value_name = "PATH")]
    pub publish: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Only this commodity (slug, e.g. rare-earths)
    #[arg(long, value_name = "C")]
    pub commodity: Option<String>,
    /// Only this stage: mining or smelting-separation
    #[arg(long, value_name = "S")]
    pub stage: Option<String>,
    /// Only this quota year (growth is still computed against the year before)
    #[arg(long, value_name = "Y")]
    pub year: Option<u16>,
    /// One row per year (stage totals), per batch, or per holder
    #[arg(long, value_enum, default_value_t = By::Year)]
    pub by: By,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only this commodity (slug, e.g. rare-earths)
    #[arg(long, value_name = "C")]
    pub commodity: Option<String>,
    /// Only this quota year
    #[arg(long, value_name = "Y")]
    pub year: Option<u16>,
    /// Only this batch (0 is a full-year issue)
    #[arg(long, value_name = "B")]
    pub batch: Option<u8>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Encoding of the quota-feed/1 document
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ExpectationsArgs {
    /// Only this commodity (slug, e.g. rare-earths)
    #[arg(long, value_name = "C")]
    pub commodity: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct CalendarArgs {
    /// Only this commodity (slug, e.g. rare-earths)
    #[arg(long, value_name = "C")]
    pub commodity: Option<String>,
    /// The day to stand on (YYYY-MM-DD): only what was public by then counts [default: today, UTC]
    #[arg(long, value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// Only this commodity's events (and those of no commodity in particular)
    #[arg(long, value_name = "C")]
    pub commodity: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The document to read, or - for standard input [default: -]
    pub input: Option<PathBuf>,
    /// The date of items that carry none (YYYY-MM-DD): it decides "this year" / 今年
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Output encoding of the quota-feed/1 document
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// The figures' tier: official for a ministry's own pages, reported for news
    #[arg(long, value_enum, default_value_t = TierArg::Reported)]
    pub tier: TierArg,
    /// Read the bytes in this encoding, as an HTTP charset would say (e.g. gbk)
    #[arg(long, value_name = "LABEL")]
    pub charset: Option<String>,
    /// Also print, on stderr, the text each figure was read from and why
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TierArg {
    Official,
    Reported,
    Estimate,
}
