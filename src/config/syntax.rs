//! TOML to the raw config types, with errors that name the key path and the value
//! (`sources[1].interval = 30: invalid type: ...`), not only a line of the file.

use serde::de::DeserializeOwned;

/// Deserializes `text`; a syntax error keeps TOML's own report (line, column and the line
/// itself), a wrong key or value names its path, the value as written, and its line.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let deserializer = toml::Deserializer::parse(text).map_err(|e| e.to_string())?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let mut path = error.path().to_string();
        let inner = error.into_inner();
        let reason = inner.message().trim();
        let span = inner.span().filter(|s| text.get(s.clone()).is_some());
        let line = span.as_ref().map(|s| text[..s.start].matches('\n').count() + 1);
        let mut written = span.clone().map(|s| text[s].trim()).filter(|v| !v.is_empty() && !v.starts_with('['));
        // An unknown key: the span is the key itself; the value is what follows its `=`.
        if let (Some(key), Some(span)) = (written, &span)
            && path.rsplit('.').next() == Some(key)
        {
            let rest = &text[span.end..];
            let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
            written = rest.trim_start().strip_prefix('=').map(str::trim);
        }
        // A missing key is reported on its table: name the key in the path.
        if let Some(field) = reason.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
            path = if path == "." { field.to_owned() } else { format!("{path}.{field}") };
            written = None;
        }
        let mut message = if path == "." { "the top level".to_owned() } else { path };
        if let Some(value) = written {
            message.push_str(&format!(" = {}", crate::feed::clean_text(value, 60)));
        }
        message.push_str(&format!(": {reason}"));
        if let Some(line) = line {
            message.push_str(&format!(" (line {line})"));
        }
        message
    })
}
