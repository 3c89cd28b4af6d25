//! The command line's conventions: shell completions that the shell itself parses, the
//! manual page, `--version` with the bundled data's date, `--log-level` checked up front,
//! and `check-config` on `[keys]`. (The daily log file is checked in tests/watch.rs.)

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn quotawatch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quotawatch"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run quotawatch")
}

fn stdout(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

#[test]
fn bash_completions_parse_and_complete_the_subcommands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = stdout(&quotawatch(dir.path(), &["completions", "bash"]));
    let path = dir.path().join("quotawatch.bash");
    std::fs::write(&path, &script).expect("write");
    let checked = Command::new("bash").arg("-n").arg(&path).output().expect("bash");
    assert!(checked.status.success(), "bash -n: {}", String::from_utf8_lossy(&checked.stderr));
    // Sourced and asked, it completes `quotawatch wa` to `watch`.
    let probe = format!(
        "source {}; COMP_WORDS=(quotawatch wa); COMP_CWORD=1; COMP_LINE='quotawatch wa'; COMP_POINT=13; \
         _quotawatch quotawatch wa quotawatch; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let completed = Command::new("bash").arg("-c").arg(&probe).output().expect("bash");
    let words = String::from_utf8_lossy(&completed.stdout);
    assert!(words.lines().any(|w| w.trim() == "watch"), "completions for `wa`: {words:?}");
}

#[test]
fn zsh_and_fish_completions_name_every_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    for shell in ["zsh", "fish"] {
        let script = stdout(&quotawatch(dir.path(), &["completions", shell]));
        for command in ["report", "watch", "completions", "man", "check-config"] {
            assert!(script.contains(command), "{shell} completions lack {command}");
        }
    }
    let refused = quotawatch(dir.path(), &["completions", "tcsh"]);
    assert_eq!(refused.status.code(), Some(1));
}

#[test]
fn the_manual_page_is_roff_with_the_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = stdout(&quotawatch(dir.path(), &["man"]));
    assert!(page.contains(".TH quotawatch 1"), "{}", &page[..page.len().min(300)]);
    assert!(page.contains("watch") && page.contains("completions"), "the subcommands are listed");
}

#[test]
fn version_names_the_bundled_data_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = stdout(&quotawatch(dir.path(), &["--version"]));
    let expected = format!("quotawatch {} (bundled figures through 20", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    let date = text.trim_end().trim_end_matches(')').rsplit(' ').next().expect("date");
    assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{text}");
}

#[test]
fn a_log_filter_that_does_not_parse_is_refused_before_anything_starts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");
    let output = quotawatch(dir.path(), &["--data-dir", data, "--log-level", "quotawatch=loud", "watch"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("quotawatch: --log-level / $QUOTAWATCH_LOG \"quotawatch=loud\": "), "{stderr}");
    assert!(!Path::new(data).join("watch.lock").exists(), "refused before the data dir was touched");
}

#[test]
fn check_config_lists_the_remapped_actions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("keys.toml");
    std::fs::write(&config, "[keys]\nquit = \"x\"\nnext_view = [\"Tab\", \"n\"]\n").expect("config");
    let text = stdout(&quotawatch(dir.path(), &["check-config", config.to_str().expect("path")]));
    assert!(text.ends_with("  keys remapped: next_view, quit\n"), "{text}");
}
