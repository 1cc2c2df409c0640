//! The crawl's state file (`FILE.warc.gz.state.json`), which makes a crawl resumable.
//!
//! It records the queue (including URLs that were in flight), every URL already queued or
//! fetched, the running totals, and `warc_len`: the length of the WARC file at the moment the
//! state was saved. Only records *before* `warc_len` are known to the state; on resume the
//! records after it are replayed from the WARC itself (see `crawl::resume`), so pages written
//! between the last save and a crash are not fetched again.
//!
//! The file is replaced atomically (written beside it, then renamed), so a crash while saving
//! leaves the previous state intact.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CrawlSummary;
use crate::{Error, Result};

/// Version of the state file layout; bumped on incompatible changes.
pub(crate) const STATE_VERSION: u32 = 1;

/// A URL waiting to be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct QueueItem {
    pub url: String,
    /// Links followed from a start URL (0 for the start URLs themselves).
    pub depth: usize,
    /// Redirects followed to reach this URL.
    #[serde(default)]
    pub hops: u8,
    /// True for start URLs and what they redirect to: exempt from --include/--exclude.
    #[serde(default)]
    pub seed: bool,
}

/// Everything needed to carry on an interrupted crawl.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct State {
    pub version: u32,
    pub warc_len: u64,
    pub saved_at: String,
    /// Hosts allowed so far (start hosts, --allow-host, hosts that start URLs redirected to).
    pub allowed_hosts: Vec<String>,
    pub queue: Vec<QueueItem>,
    pub seen: Vec<String>,
    pub summary: CrawlSummary,
}

/// `out` with `.state.json` appended to its file name.
pub(crate) fn state_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".state.json");
    PathBuf::from(name)
}

/// Loads the state file. `Ok(None)` when there is none; an unreadable or foreign file is an
/// `Err` carrying the reason, which the caller reports before falling back to a full rescan.
pub(crate) fn load(path: &Path) -> Result<Option<State>, String> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let state: State =
        serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if state.version != STATE_VERSION {
        return Err(format!(
            "{}: state version {} is not {STATE_VERSION}",
            path.display(),
            state.version
        ));
    }
    Ok(Some(state))
}

/// Writes the state atomically.
pub(crate) fn save(path: &Path, state: &State) -> Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let json = serde_json::to_vec(state).map_err(|e| Error::Input(format!("state: {e}")))?;
    let mut file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    file.write_all(&json)
        .and_then(|()| file.sync_data())
        .map_err(|e| Error::io(&tmp, e))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trip_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site.warc.gz");
        let path = state_path(&out);
        assert!(path.to_string_lossy().ends_with("site.warc.gz.state.json"));
        assert!(load(&path).unwrap().is_none());
        let state = State {
            version: STATE_VERSION,
            warc_len: 42,
            queue: vec![QueueItem {
                url: "http://h.vn/".into(),
                depth: 1,
                hops: 0,
                seed: false,
            }],
            seen: vec!["http://h.vn/".into()],
            ..State::default()
        };
        save(&path, &state).unwrap();
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.warc_len, 42);
        assert_eq!(back.queue, state.queue);
        std::fs::write(&path, b"{not json").unwrap();
        assert!(load(&path).is_err());
    }
}
