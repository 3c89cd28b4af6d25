//! `[[expectations]]` and `[[events]]`: the same keys as in a quota-feed/1 document, checked
//! by the same rules, and (as everywhere in the config) an unknown key is an error.

use serde_json::Value;

use crate::outlook::{Outlook, event_from_json, expectation_from_json};

const EXPECTATION_KEYS: [&str; 11] =
    ["commodity", "year", "batch", "stage", "low", "high", "low_pct", "high_pct", "who", "published", "url"];
const EVENT_KEYS: [&str; 5] = ["date", "commodity", "kind", "title", "url"];

/// Validates both tables, adding a problem per bad entry (`expectations[1].stage: ...`).
pub fn validate(expectations: &[toml::Table], events: &[toml::Table], problems: &mut Vec<String>) -> Outlook {
    let mut outlook = Outlook::default();
    for (index, table) in expectations.iter().enumerate() {
        let path = format!("expectations[{index}]");
        if check_keys(table, &path, &EXPECTATION_KEYS, problems) {
            match expectation_from_json(&json(&toml::Value::Table(table.clone())), &path) {
                Ok(e) => outlook.expectations.push(e),
                Err((location, message)) => problems.push(format!("{location}: {message}")),
            }
        }
    }
    for (index, table) in events.iter().enumerate() {
        let path = format!("events[{index}]");
        if check_keys(table, &path, &EVENT_KEYS, problems) {
            match event_from_json(&json(&toml::Value::Table(table.clone())), &path) {
                Ok(e) => outlook.events.push(e),
                Err((location, message)) => problems.push(format!("{location}: {message}")),
            }
        }
    }
    outlook
}

fn check_keys(table: &toml::Table, path: &str, known: &[&str], problems: &mut Vec<String>) -> bool {
    let unknown: Vec<&String> = table.keys().filter(|k| !known.contains(&k.as_str())).collect();
    for key in &unknown {
        problems.push(format!("{path}.{key}: unknown key (expected one of {})", known.join(", ")));
    }
    unknown.is_empty()
}

/// A TOML value as JSON; a TOML date (`published = 2024-07-03`, unquoted) becomes its text.
fn json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(n) => Value::from(*n),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(json).collect()),
        toml::Value::Table(table) => Value::Object(table.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{ConfigError, ConfigOrigin, parse};

    fn problems(text: &str) -> Vec<String> {
        match parse(text, ConfigOrigin::BuiltIn, Path::new(".")) {
            Err(ConfigError::Invalid { problems, .. }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn expectations_and_events_from_the_config_are_validated_like_a_feed() {
        let config = parse(
            "[[expectations]]\ncommodity = \"rare-earths\"\nyear = 2026\nstage = \"mining\"\nlow_pct = 0\nhigh_pct = 5\n\
             who = \"desk\"\npublished = 2026-01-10\n\n\
             [[events]]\ndate = \"2026-03\"\ntitle = \"Desk note\"\nkind = \"policy\"\n",
            ConfigOrigin::BuiltIn,
            Path::new("."),
        )
        .expect("valid");
        assert_eq!(config.outlook.expectations.len(), 1);
        assert_eq!(config.outlook.expectations[0].published.map(|d| d.to_string()), Some("2026-01-10".into()));
        assert_eq!(config.outlook.events[0].date.to_string(), "2026-03");
    }

    #[test]
    fn a_bad_entry_names_its_key_and_an_unknown_key_is_an_error() {
        let found = problems(
            "[[expectations]]\ncommodity = \"rare-earths\"\nyear = 2026\nstage = \"milling\"\nlow = 1\nhigh = 2\n\n\
             [[expectations]]\ncommodity = \"rare-earths\"\nyear = 2026\nstage = \"mining\"\nlow = 1\nhigh = 2\nlwo = 3\n\n\
             [[events]]\ndate = \"March 2026\"\ntitle = \"x\"\n",
        );
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("expectations[0].stage: \"milling\" is not a stage"), "{}", found[0]);
        assert!(found[1].starts_with("expectations[1].lwo: unknown key"), "{}", found[1]);
        assert!(found[2].starts_with("events[0].date: \"March 2026\" is not a date"), "{}", found[2]);
    }
}
