//! Every config in tests/fixtures/config/valid passes `check-config`; every one in
//! .../invalid fails it, and starting the dashboard, with exit status 1 and a message that
//! names the key and the value: each `# expect: ...` line at the top of the file must appear
//! in the error. A secret from `${VAR}` never appears in any output.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const SECRET: &str = "qw-fixture-secret-7f3a9c";

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

/// The binary with the user's setup sealed off and the fixtures' variables set: a token,
/// and a "token" that would smuggle a second header in.
fn quotawatch(sandbox: &Path) -> Command {
    let mut cmd = Command::cargo_bin("quotawatch").expect("binary");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sandbox)
        .env("XDG_CONFIG_HOME", sandbox)
        .env("XDG_DATA_HOME", sandbox)
        .env("QUOTAWATCH_FIXTURE_TOKEN", SECRET)
        .env("QUOTAWATCH_FIXTURE_BAD_TOKEN", format!("{SECRET}\r\nX-Injected: 1"))
        .env("DESK_TOKEN", SECRET)
        .arg("--data-dir")
        .arg(sandbox);
    cmd
}

fn text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[track_caller]
fn assert_no_secret(output: &Output, what: &str) {
    let (stdout, stderr) = text(output);
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET), "{what} shows the secret:\n{stdout}\n{stderr}");
}

#[test]
fn valid_fixtures_pass_check_config() {
    let sandbox = tempfile::tempdir().expect("temp dir");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/examples");
    let mut files = fixtures("valid");
    files.extend(std::fs::read_dir(examples).expect("examples").map(|e| e.expect("entry").path()));
    files.retain(|path| path.extension().is_some_and(|ext| ext == "toml"));
    assert!(files.len() >= 8, "{files:?}");
    for file in files {
        let output = quotawatch(sandbox.path()).arg("check-config").arg(&file).output().expect("run");
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(0), "{}:\n{stdout}{stderr}", file.display());
        assert!(stdout.starts_with(&format!("{}: ok, ", file.display())), "{}: {stdout}", file.display());
        assert_eq!(stderr, "", "{}", file.display());
        assert_no_secret(&output, &file.display().to_string());
    }
}

#[test]
fn invalid_fixtures_name_the_key_and_the_value_in_check_config_and_at_start() {
    let sandbox = tempfile::tempdir().expect("temp dir");
    let files = fixtures("invalid");
    assert!(files.len() >= 30, "{files:?}");
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read fixture");
        let expected: Vec<&str> = source.lines().filter_map(|l| l.strip_prefix("# expect: ")).collect();
        let name = file.display().to_string();
        assert!(!expected.is_empty(), "{name} has no `# expect:` line");

        let checked = quotawatch(sandbox.path()).arg("check-config").arg(&file).output().expect("run check-config");
        let (stdout, stderr) = text(&checked);
        assert_eq!(checked.status.code(), Some(1), "{name}: check-config must fail:\n{stdout}{stderr}");
        assert_eq!(stdout, "", "{name}");
        assert!(stderr.starts_with(&format!("quotawatch: config {name}:")), "{name}: names the file:\n{stderr}");
        for fragment in &expected {
            assert!(stderr.contains(fragment), "{name}: expected {fragment:?} in:\n{stderr}");
        }
        assert_no_secret(&checked, &name);

        // Starting the dashboard (and so the terminal) with it fails before the terminal is
        // touched, with the same message.
        let started = quotawatch(sandbox.path()).arg("--config").arg(&file).output().expect("run the dashboard");
        assert_eq!(started.status.code(), Some(1), "{name}: the dashboard must not start");
        assert_eq!(text(&started).1, stderr, "{name}: the same message at start");
        assert_eq!(text(&started).0, "", "{name}: nothing drawn");
    }
}
