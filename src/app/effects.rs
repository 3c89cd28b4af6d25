//! Side effects, as values `update` returns ([`Effect`]), and the one executor that carries
//! them out ([`Executor`]): store writes, alert commands and webhooks (on tasks of their
//! own, so a slow program or endpoint never holds up the screen), refreshes, exports and the
//! log file. How each went comes back as a [`Msg`] for the log; nothing here is ever fatal.
//! On the way out, [`Executor::flush`] writes every pending store version first.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{self, UnboundedSender};

use super::alerts::Alert;
use super::log::LogKind;
use super::update::Msg;
use crate::config::{AlertsConfig, host_only};
use crate::feed::clean_text;
use crate::ledger::Ledger;
use crate::model::AnnouncementKey;
use crate::sources::Poller;
use crate::store::{Store, StoreError};

/// A side effect requested by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Versions the ledger applied (its journal: keys and version indices, which only ever
    /// grow), to be recorded in the history store.
    Save(Vec<(AnnouncementKey, usize)>),
    /// Ring the bell, run the command, call the webhook, as the config says.
    Alert(Alert),
    /// Poll these sources now (every source when `None`).
    Refresh(Option<String>),
    /// Poll this source at its `interval_in_window` (a release it covers is due) or back
    /// at its `interval`.
    Cadence { source: String, fast: bool },
    /// Write a table as CSV to the export folder as `name`.
    Export { name: String, csv: String, rows: usize },
    /// A line for the log file: every line of the Log view, written once.
    LogLine { kind: LogKind, text: String },
    /// Headlines a news source delivered, to be remembered (and their pages not followed
    /// again) across restarts.
    SaveHeadlines(Vec<crate::news::Headline>),
}

/// Everything needed to carry out effects: the pollers (refresh), the alerter, the history
/// store, where exports go.
#[derive(Debug)]
pub struct Executor {
    pollers: Vec<Poller>,
    alerter: Alerter,
    store: Option<Store>,
    /// Versions applied but not yet saved (the store was busy, say): tried again next time,
    /// and on the way out.
    unsaved: Vec<(AnnouncementKey, usize)>,
    /// The last store failure logged, so a persisting one is logged once.
    store_failure: Option<String>,
    export_dir: PathBuf,
}

/// What carrying out effects produced for the loop: ring the bell, and messages for `update`.
#[derive(Debug, Default)]
pub struct Done {
    pub ring: bool,
    pub notes: Vec<Msg>,
}

/// How long the way out keeps trying a busy store before it gives up (and says so).
pub const FLUSH_PATIENCE: Duration = Duration::from_secs(10);

impl Executor {
    pub fn new(pollers: Vec<Poller>, alerter: Alerter, store: Option<Store>, export_dir: PathBuf) -> Executor {
        Executor { pollers, alerter, store, unsaved: Vec::new(), store_failure: None, export_dir }
    }

    /// Carries out `effects` in order; store writes read the versions from `ledger`.
    pub fn carry_out(&mut self, effects: Vec<Effect>, ledger: &Ledger) -> Done {
        let mut done = Done::default();
        let mut saved = false;
        for effect in effects {
            match effect {
                Effect::Save(versions) => {
                    self.unsaved.extend(versions);
                    saved = true;
                }
                Effect::Alert(alert) => {
                    done.ring |= self.alerter.bell;
                    self.alerter.send(&alert);
                }
                Effect::Refresh(only) => crate::sources::refresh(&self.pollers, only.as_deref()),
                Effect::Cadence { source, fast } => crate::sources::set_cadence(&self.pollers, &source, fast),
                Effect::Export { name, csv, rows } => done.notes.push(export(&self.export_dir, &name, &csv, rows)),
                Effect::LogLine { kind, text } => tracing::info!("{} {text}", kind.label()),
                Effect::SaveHeadlines(headlines) => {
                    if let Some(store) = self.store.as_mut()
                        && let Err(error) = store.record_headlines(&headlines)
                    {
                        done.notes.push(Msg::Note(LogKind::SourceError, format!("headlines not saved: {error}")));
                    }
                }
            }
        }
        // One transaction for everything merged in this drain, with what a busy store held
        // back: tried with the next change (not with every log line, each of which would
        // wait out the store's busy timeout again), and on the way out.
        if saved && let Some(note) = self.save(ledger) {
            done.notes.push(note);
        }
        done
    }

    /// The way out: saves every pending version, trying a busy store again for up to
    /// `patience`. Returns what could not be saved, for the caller to report after the
    /// terminal is restored.
    pub fn flush(&mut self, ledger: &Ledger, patience: Duration) -> Result<(), String> {
        let deadline = Instant::now() + patience;
        loop {
            let Some(store) = self.store.as_mut() else { return Ok(()) };
            if self.unsaved.is_empty() {
                return Ok(());
            }
            match store.record(ledger, &self.unsaved, None) {
                Ok(_) => {
                    self.unsaved.clear();
                    return Ok(());
                }
                Err(StoreError::Locked { .. }) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(error) => {
                    let text = format!("{} versions not saved: {error}", self.unsaved.len());
                    tracing::error!("{text}");
                    return Err(text);
                }
            }
        }
    }

    /// Records that every announcement of `document` is in the store (its versions were
    /// saved): the next start need not parse the same bytes again. Nothing without a store;
    /// a failure only means the document is parsed again next time.
    pub fn record_document(&mut self, ledger: &Ledger, document: &crate::store::DocumentSeen) {
        if let Some(store) = self.store.as_mut()
            && let Err(error) = store.record(ledger, &[], Some(document))
        {
            tracing::warn!(
                "{}: its document is not remembered ({error}); it is parsed again next time",
                document.source
            );
        }
    }

    /// Versions applied and not yet in the store.
    pub fn unsaved(&self) -> usize {
        self.unsaved.len()
    }

    /// Writes the pending versions to the store (one transaction); a failure keeps them
    /// for the next try and is logged once until it changes.
    fn save(&mut self, ledger: &Ledger) -> Option<Msg> {
        let Some(store) = self.store.as_mut() else {
            // No store: nothing is kept, so nothing piles up either.
            self.unsaved.clear();
            return None;
        };
        match store.record(ledger, &self.unsaved, None) {
            Ok(_) => {
                self.unsaved.clear();
                self.store_failure.take().map(|_| Msg::Note(LogKind::Loaded, "history store: saving again".into()))
            }
            Err(error) => {
                let text = format!("{error}; will retry with the next change");
                if self.store_failure.as_ref() == Some(&text) {
                    return None;
                }
                self.store_failure = Some(text.clone());
                Some(Msg::Note(LogKind::SourceError, text))
            }
        }
    }
}

/// Writes an exported table; the outcome is shown to the trader either way.
fn export(dir: &std::path::Path, name: &str, csv: &str, rows: usize) -> Msg {
    let path = dir.join(name);
    let result = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, csv));
    match result {
        Ok(()) => Msg::Notice(format!("Exported {rows} rows to {}", path.display())),
        Err(error) => Msg::Notice(format!("Could not export to {}: {error}", path.display())),
    }
}

/// Runs alert commands and webhook calls one at a time each, in arrival order.
#[derive(Debug)]
pub struct Alerter {
    pub bell: bool,
    commands: Option<UnboundedSender<Alert>>,
    webhooks: Option<UnboundedSender<Alert>>,
}

impl Alerter {
    /// Starts the workers the config asks for. Must be called inside a tokio runtime.
    pub fn start(config: &AlertsConfig, notes: UnboundedSender<Msg>) -> Alerter {
        let commands = (!config.command.is_empty()).then(|| {
            let (command, limit) = (config.command.clone(), config.command_timeout);
            worker(notes.clone(), move |alert| {
                let command = command.clone();
                async move { run_command(&command, limit, &alert).await }
            })
        });
        let webhooks = config.webhook.clone().and_then(|url| {
            let client = reqwest::Client::builder()
                .timeout(config.webhook_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| {
                    let _ = notes.send(Msg::Note(LogKind::Warning, format!("alert webhook not started: {error}")));
                })
                .ok()?;
            Some(worker(notes.clone(), move |alert| {
                let (client, url) = (client.clone(), url.clone());
                async move { post_webhook(&client, &url, &alert).await }
            }))
        });
        Alerter { bell: config.bell, commands, webhooks }
    }

    /// Queues the command and the webhook call for `alert`. The bell is the caller's: it
    /// belongs to the terminal, and rings once however many alerts arrive together.
    pub fn send(&self, alert: &Alert) {
        for worker in [&self.commands, &self.webhooks].into_iter().flatten() {
            let _ = worker.send(alert.clone());
        }
    }
}

/// A task that carries out `job` for each alert sent to it, one at a time, in order; a
/// failure goes to the log through `notes`.
fn worker<F, Fut>(notes: UnboundedSender<Msg>, job: F) -> UnboundedSender<Alert>
where
    F: Fn(Alert) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Alert>();
    tokio::spawn(async move {
        while let Some(alert) = rx.recv().await {
            if let Err(problem) = job(alert).await {
                let _ = notes.send(Msg::Note(LogKind::Warning, problem));
            }
        }
    });
    tx
}

/// Runs `command` with the alert text as its last argument and the figures in its
/// environment; no shell, no terminal (its output would tear the dashboard), a time limit.
pub async fn run_command(command: &[String], limit: Duration, alert: &Alert) -> Result<(), String> {
    let Some((program, args)) = command.split_first() else { return Ok(()) };
    let mut child = tokio::process::Command::new(program);
    child
        .args(args)
        .arg(&alert.text)
        .envs(alert.env())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = match tokio::time::timeout(limit, child.output()).await {
        Err(_) => {
            return Err(format!(
                "alert command {program:?} did not finish within {}; stopped",
                humantime::format_duration(limit)
            ));
        }
        Ok(Err(error)) => return Err(format!("alert command {program:?} could not run: {error}")),
        Ok(Ok(output)) => output,
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = clean_text(stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or(""), 200);
    let said = if said.is_empty() { String::new() } else { format!(": {said}") };
    Err(format!("alert command {program:?} failed ({}){said}", output.status))
}

/// POSTs the alert as JSON. Errors show the webhook's host only: its path is often the secret.
pub async fn post_webhook(client: &reqwest::Client, url: &reqwest::Url, alert: &Alert) -> Result<(), String> {
    let body = alert.webhook_body().to_string();
    let response = client
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|error| format!("alert webhook {} failed: {}", host_only(url), chain(&error.without_url())))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("alert webhook {} answered HTTP {}", host_only(url), status.as_u16()))
    }
}

/// An error and its causes, "a: b: c" (reqwest's own text alone is only "error sending request").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> Alert {
        crate::app::alerts::sample_alert()
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into(), "alert".into()]
    }

    #[tokio::test]
    async fn a_command_over_its_time_limit_is_stopped_and_reported() {
        let started = std::time::Instant::now();
        let result = run_command(&sh("sleep 30"), Duration::from_millis(200), &alert()).await;
        assert_eq!(result, Err("alert command \"sh\" did not finish within 200ms; stopped".to_owned()));
        assert!(started.elapsed() < Duration::from_secs(10), "the command was killed, not waited for");
    }

    #[tokio::test]
    async fn a_missing_program_is_reported() {
        let result = run_command(&["/nonexistent/notify".to_owned()], Duration::from_secs(5), &alert()).await;
        let error = result.expect_err("cannot run");
        assert!(error.starts_with("alert command \"/nonexistent/notify\" could not run: "), "{error}");
    }

    #[tokio::test]
    async fn the_text_is_the_last_argument_and_control_characters_in_stderr_are_dropped() {
        let script = "[ \"$1\" = \"$QUOTAWATCH_COMMODITY $QUOTAWATCH_YEAR\" ] && exit 0; printf 'got \\033]0;pwned\\007%s\\n' \"$1\" >&2; exit 1";
        let error = run_command(&sh(script), Duration::from_secs(5), &alert()).await.expect_err("text differs");
        assert!(error.ends_with("+3.7% vs batch 1 2025"), "{error}");
        assert!(!error.chars().any(char::is_control), "{error:?}");
    }

    #[test]
    fn the_environment_describes_the_headline_stage() {
        let env = alert().env();
        let get = |name: &str| env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(get("QUOTAWATCH_STAGE"), Some("mining"));
        assert_eq!(get("QUOTAWATCH_TONNES"), Some("140000"));
        assert_eq!(get("QUOTAWATCH_YOY_PCT"), Some("3.7"));
        assert_eq!(get("QUOTAWATCH_KIND"), Some("new"));
    }
}
