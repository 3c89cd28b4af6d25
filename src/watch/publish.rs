//! `--publish PATH`: the whole merged history written as one quota-feed/1 JSON document,
//! atomically (a temporary file beside it, then a rename), and only when its bytes change,
//! so a static web server's ETag and Last-Modified move only with the figures.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ledger::Ledger;

/// Keeps the published file in step with the ledger.
#[derive(Debug)]
pub struct Publisher {
    path: PathBuf,
    /// The bytes the file holds (read at start, so a restart with nothing new leaves it alone).
    last: Option<Vec<u8>>,
}

impl Publisher {
    pub fn new(path: PathBuf) -> Publisher {
        let last = std::fs::read(&path).ok();
        Publisher { path, last }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the ledger's current announcements if they differ from what the file holds.
    /// Returns whether the file was written.
    pub fn publish(&mut self, ledger: &Ledger) -> Result<bool, String> {
        let text = crate::feed::write::to_json(ledger.current());
        if self.last.as_deref() == Some(text.as_bytes()) {
            return Ok(false);
        }
        write_atomically(&self.path, text.as_bytes())
            .map_err(|error| format!("cannot publish to {}: {error}", self.path.display()))?;
        self.last = Some(text.into_bytes());
        Ok(true)
    }
}

/// Writes `bytes` to a temporary file in `path`'s folder, syncs it, and renames it over
/// `path`: a reader (a web server) sees the old document or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| std::io::Error::other("not a file name"))?;
    let temporary = folder.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    // The rename itself is durable once the folder is synced (best effort: not every
    // file system lets a folder be opened for that).
    if let Ok(dir) = std::fs::File::open(&folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_written_only_when_its_bytes_change() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("feed.json");
        let mut ledger = Ledger::new();
        let parsed = crate::bundled::load().expect("bundled");
        let origin = crate::ledger::Origin { source: "bundled".into(), rank: 1 };
        for announcement in parsed.announcements {
            ledger.merge(&origin, announcement, chrono::Utc::now());
        }
        let mut publisher = Publisher::new(path.clone());
        assert_eq!(publisher.publish(&ledger), Ok(true));
        assert_eq!(publisher.publish(&ledger), Ok(false), "unchanged: not rewritten");
        // A restart finds the same bytes on disk and leaves them alone.
        assert_eq!(Publisher::new(path.clone()).publish(&ledger), Ok(false));
        let bytes = std::fs::read(&path).expect("published");
        let back = crate::feed::parse("desk", crate::feed::Format::Json, &bytes, usize::MAX).expect("a valid feed");
        assert_eq!(back.announcements.len(), ledger.current().count());
        assert!(back.rejected.is_empty(), "{:?}", back.rejected);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("feed.json")], "no temporary file left behind");
    }

    #[test]
    fn an_unwritable_place_is_an_error_naming_the_path() {
        let mut publisher = Publisher::new(PathBuf::from("/nonexistent-qw/feed.json"));
        let error = publisher.publish(&Ledger::new()).expect_err("no such folder");
        assert!(error.starts_with("cannot publish to /nonexistent-qw/feed.json: "), "{error}");
    }
}
