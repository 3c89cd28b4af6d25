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
pub mod ledger;
pub mod model;
pub mod report;
pub mod sources;
pub mod store;
pub mod ui;
