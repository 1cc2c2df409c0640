//! The writer lock: one `import` or `rebuild` at a time per index directory.
//!
//! The lock is an OS file lock on `write.lock`, so a process killed with `kill -9`
//! releases it automatically; the file's content names the holder for the "busy" message.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::{Error, Result};

/// Held while a process writes to an index; released on drop (or when the process dies).
#[derive(Debug)]
pub struct WriterLock {
    file: File,
}

impl WriterLock {
    /// Takes the lock of the index at `dir` for `operation` ("import", "rebuild", …), or fails
    /// with [`Error::IndexBusy`] naming the holder.
    pub fn acquire(dir: &Path, operation: &str) -> Result<WriterLock> {
        let path = dir.join("write.lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(_) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another process".to_string()
                } else {
                    holder.to_string()
                };
                return Err(Error::IndexBusy(holder));
            }
        }
        let since = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
        let note = format!("{operation} by pid {} since {since}", std::process::id());
        file.set_len(0).map_err(|e| Error::io(&path, e))?;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(&path, e))?;
        file.write_all(note.as_bytes())
            .map_err(|e| Error::io(&path, e))?;
        file.flush().map_err(|e| Error::io(&path, e))?;
        Ok(WriterLock { file })
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_refused_with_the_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(dir.path(), "import").unwrap();
        let err = WriterLock::acquire(dir.path(), "rebuild").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("index busy (import by pid"), "{msg}");
        drop(first);
        WriterLock::acquire(dir.path(), "rebuild").unwrap();
    }
}
