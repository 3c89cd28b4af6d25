//! A sealed-off home for running the real `quotawatch` binary: config, feeds, data dir and
//! XDG dirs in a temp dir, nothing of the user's environment.
#![allow(dead_code)] // Each test binary uses part of it.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/feeds");

/// A temp home for one test: config, feeds, data dir and XDG dirs all live inside it.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "xdg-config", "xdg-data", "data", "cwd"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("sandbox folder");
        }
        Self { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` (relative to the sandbox), creating folders.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create folder");
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Copies a fixture feed to `name` in the sandbox.
    pub fn fixture(&self, fixture: &str, name: &str) -> PathBuf {
        let text = std::fs::read_to_string(Path::new(FIXTURES).join(fixture)).expect("fixture exists");
        self.write(name, &text)
    }

    /// The binary with nothing of the user's environment that could pick a config or data dir.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::cargo_bin("quotawatch").expect("the quotawatch binary is built");
        cmd.env_remove("QUOTAWATCH_CONFIG")
            .env_remove("QUOTAWATCH_DATA_DIR")
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .current_dir(self.path("cwd"))
            .arg("--data-dir")
            .arg(self.path("data"));
        cmd
    }

    /// The binary with `--config config`.
    pub fn with_config(&self, config: &Path) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--config").arg(config);
        cmd
    }

    /// An empty config: the bundled history only.
    pub fn empty_config(&self) -> PathBuf {
        self.write("config/empty.toml", "sources = []\n")
    }

    /// `report <args>` on the bundled history alone; must succeed.
    pub fn bundled_report(&self, args: &[&str]) -> String {
        let config = self.empty_config();
        let output = run(self.with_config(&config).arg("report").args(args));
        assert_eq!(output.status.code(), Some(0), "report {args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "report {args:?}");
        stdout(&output)
    }
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}
