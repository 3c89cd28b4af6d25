use std::path::Path;

use super::*;

fn problems(text: &str) -> Vec<String> {
    match parse(text, ConfigOrigin::BuiltIn, Path::new("/base")) {
        Err(ConfigError::Invalid { problems, .. }) => problems,
        other => panic!("expected validation problems, got {other:?}"),
    }
}

#[test]
fn built_in_default_is_valid_and_has_no_source() {
    let config = load(None).expect("default config parses");
    assert!(config.sources.is_empty());
    assert_eq!(config.origin, ConfigOrigin::BuiltIn);
}

#[test]
fn file_source_paths_resolve_against_the_config_folder() {
    let config = parse(
        "[[sources]]\nname = \"desk\"\nkind = \"file\"\npath = \"q.csv\"\nmax_bytes = \"1MiB\"\n",
        ConfigOrigin::BuiltIn,
        Path::new("/base"),
    )
    .expect("valid");
    let source = &config.sources[0];
    assert_eq!(source.kind, SourceKind::File { path: "/base/q.csv".into() });
    assert_eq!(source.max_bytes, 1024 * 1024);
    assert!(source.enabled);
    assert_eq!(source.format, None);
}

#[test]
fn problems_name_the_key_and_the_value() {
    let found = problems(
        "[[sources]]\nname = \"a\"\nkind = \"file\"\npath = \"x.json\"\nformat = \"xml\"\n\
         [[sources]]\nname = \"A\"\nkind = \"ftp\"\n\
         [[sources]]\nname = \"b\"\nkind = \"file\"\npath = \"feed.txt\"\nmax_bytes = \"lots\"\n",
    );
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(found[0].contains("sources[0].format = \"xml\""));
    assert!(found[1].contains("sources[1].name = \"A\"") && found[1].contains("earlier source"));
    assert!(found[2].contains("sources[1].kind = \"ftp\""));
    assert!(found[3].contains("sources[2].max_bytes = \"lots\""));
    assert!(found[4].contains("sources[2].path") && found[4].contains("sources[2].format"));
}

#[test]
fn unknown_keys_and_wrong_types_are_syntax_errors_naming_the_key() {
    for (text, expected) in [("colour = true\n", "colour"), ("[[sources]]\nname = 5\nkind = \"file\"\n", "name")] {
        match parse(text, ConfigOrigin::BuiltIn, Path::new(".")) {
            Err(ConfigError::Syntax { message, .. }) => assert!(message.contains(expected), "{message}"),
            other => panic!("expected a syntax error for {text:?}, got {other:?}"),
        }
    }
}

#[test]
fn source_names_must_be_printable() {
    let found = problems("[[sources]]\nname = \"desk\\u202e\"\nkind = \"file\"\npath = \"q.csv\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("sources[0].name = \"desk\\u{202e}\": a name is 1 to 40 printable"), "{found:?}");
}

#[test]
fn intervals_are_durations_of_at_least_a_second() {
    let ok = parse(
        "[[sources]]\nname = \"a\"\nkind = \"file\"\npath = \"q.csv\"\ninterval = \"1m 30s\"\n",
        ConfigOrigin::BuiltIn,
        Path::new("."),
    )
    .expect("valid");
    assert_eq!(ok.sources[0].interval, std::time::Duration::from_secs(90));
    let found = problems(
        "[[sources]]\nname = \"a\"\nkind = \"file\"\npath = \"q.csv\"\ninterval = \"500ms\"\n\
         [[sources]]\nname = \"b\"\nkind = \"file\"\npath = \"q.csv\"\ninterval = \"soon\"\n",
    );
    assert_eq!(
        found,
        [
            "sources[0].interval = \"500ms\": must be from 1s to 1day",
            "sources[1].interval = \"soon\": expected a duration such as \"30s\" or \"5m\"",
        ]
    );
}

#[test]
fn urls_are_shown_without_credentials_or_query() {
    let url = reqwest::Url::parse("https://user:pw@feeds.example.com/q.json?token=abc").expect("url");
    assert_eq!(redacted(&url), "https://***@feeds.example.com/q.json?***");
    let plain = reqwest::Url::parse("https://feeds.example.com/q.json").expect("url");
    assert_eq!(redacted(&plain), "https://feeds.example.com/q.json");
}

#[test]
fn alerts_are_validated_and_the_webhook_token_is_never_shown() {
    let config = parse(
        "[alerts]\nbell = true\ncommand = [\"notify-send\", \"quotawatch\"]\ncommand_timeout = \"5s\"\n\
         webhook = \"https://hooks.example.com/services/T0/B0/x\"\n",
        ConfigOrigin::BuiltIn,
        Path::new("/base"),
    )
    .expect("valid");
    assert!(config.alerts.bell);
    assert_eq!(config.alerts.command, ["notify-send", "quotawatch"]);
    assert_eq!(config.alerts.command_timeout, std::time::Duration::from_secs(5));
    assert_eq!(config.alerts.webhook.as_ref().map(host_only).as_deref(), Some("https://hooks.example.com"));
    assert_eq!(config.alerts.webhook_timeout, AlertsConfig::DEFAULT_TIMEOUT);

    let found = problems(
        "[alerts]\ncommand = [\"\"]\ncommand_timeout = \"soon\"\nwebhook = \"ftp://x\"\n\
         webhook_timeout = \"0s\"\n",
    );
    assert_eq!(
        found,
        [
            "alerts.command = [\"\"]: the first element is the program to run",
            "alerts.command_timeout = \"soon\": expected a duration such as \"30s\" or \"5m\"",
            "alerts.webhook_timeout = \"0s\": must be from 1s to 1day",
            "alerts.webhook = \"ftp://x\": expected an http:// or https:// URL",
        ]
    );
    let missing = problems("[alerts]\nwebhook = \"https://hooks.example.com/${QUOTAWATCH_TEST_UNSET_HOOK}\"\n");
    assert_eq!(missing, ["alerts.webhook: environment variable QUOTAWATCH_TEST_UNSET_HOOK is not set"]);
}
