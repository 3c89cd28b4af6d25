//! quotawatch: a terminal dashboard for China's rare-earth production quotas.
//!
//! Data flows one way:
//!
//! ```text
//! sources ──announcements──▶ ledger (merge, revisions, conflicts)
//!                                   │ current announcements
//!                                   ▼
//!                            analytics (pure) ──▶ report / app state ──▶ ui
//! ```
//!
//! - [`model`] and [`feed`] are the quota-feed/1 contract; [`analytics`] derives figures.
//!   These three are pure: no I/O, no async, no terminal.
//! - [`ledger`] merges announcements from many sources into one history; [`store`] keeps
//!   every version of it in SQLite, so it outlives its sources.
//! - [`sources`] reads the configured sources; [`config`] validates the configuration.
//! - [`report`] is the headless output.
//! - [`watch`] is the headless watcher (`quotawatch watch`): the dashboard's pollers, ledger,
//!   store and alerts without a terminal, publishing the merged feed; [`keys`] is `[keys]`.
//! - [`outlook`] (pure) scores expectations, times releases and holds the policy timeline.
//! - [`extract`] finds announcements in news items and notices (pure); `extract_cmd` is
//!   the `extract` command over it.

pub mod analytics;
pub mod app;
pub mod bundled;
pub mod cli;
pub mod config;
pub mod extract;
pub mod extract_cmd;
pub mod feed;
pub mod format;
pub mod history;
pub mod ingest;
pub mod keys;
pub mod ledger;
pub mod live;
pub mod logging;
pub mod model;
pub mod news;
pub mod outlook;
pub mod report;
pub mod sources;
pub mod store;
pub mod ui;
pub mod view;
pub mod watch;
