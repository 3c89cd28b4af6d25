//! The dashboard's event log: what happened, when, of which kind.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Loaded,
    New,
    Revision,
    Conflict,
    Rejected,
    SourceError,
    /// A data-quality flag: totals that disagree with their parts, withheld batches.
    Warning,
    /// A news or notice item about quotas.
    Headline,
}

impl LogKind {
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Loaded => "loaded",
            LogKind::New => "new",
            LogKind::Revision => "revision",
            LogKind::Conflict => "conflict",
            LogKind::Rejected => "rejected",
            LogKind::SourceError => "error",
            LogKind::Warning => "warning",
            LogKind::Headline => "headline",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub kind: LogKind,
    pub text: String,
}

/// Keeps the log from growing without bound in a long-running session.
pub const LOG_LIMIT: usize = 1_000;
