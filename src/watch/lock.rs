//! One `watch` per data directory: a second one would alert twice for every release and
//! race the first in publishing. An OS lock on `watch.lock` (released by the kernel however
//! the holder ends, so a crash leaves nothing to clean up) holding the holder's process id.
//! Dashboards and headless commands on the same data directory are not affected: the
//! history store is safe to share.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The held lock; dropping it releases the data directory.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// The lock file's name in the data directory.
pub const LOCK_FILE: &str = "watch.lock";

impl DirLock {
    /// Takes the data directory for this process, or says who holds it.
    pub fn take(data_dir: &Path) -> Result<DirLock, String> {
        let path = data_dir.join(LOCK_FILE);
        let mut file = std::fs::create_dir_all(data_dir)
            .and_then(|()| OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path))
            .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let pid = if holder.chars().all(|c| c.is_ascii_digit()) && !holder.is_empty() {
                    format!(" (pid {holder})")
                } else {
                    String::new()
                };
                return Err(format!(
                    "another `quotawatch watch` is already watching {}{pid}; stop it first, or give this one \
                     its own --data-dir",
                    data_dir.display()
                ));
            }
            Err(TryLockError::Error(error)) => return Err(format!("cannot lock {}: {error}", path.display())),
        }
        let written =
            file.set_len(0).and_then(|()| file.rewind()).and_then(|()| writeln!(file, "{}", std::process::id()));
        if let Err(error) = written {
            tracing::warn!("cannot write the process id to {}: {error}", path.display());
        }
        Ok(DirLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_watch_on_the_same_directory_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = DirLock::take(dir.path()).expect("free");
        let refused = DirLock::take(dir.path()).expect_err("held");
        let pid = std::process::id();
        assert!(refused.starts_with("another `quotawatch watch` is already watching "), "{refused}");
        assert!(refused.contains(&format!("(pid {pid})")), "{refused}");
        drop(first);
        DirLock::take(dir.path()).expect("free again");
    }
}
