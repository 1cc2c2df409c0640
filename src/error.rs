//! The library's error type. Every message names the input it concerns and, where it can,
//! what the user should do next.

use std::path::PathBuf;

/// Errors raised by the tracuu library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "no index at {0}: run `tracuu import PATH` first, or pass --index DIR / set TRACUU_INDEX"
    )]
    NoIndex(PathBuf),
    #[error("index busy ({0}); wait for it to finish, or stop that process")]
    IndexBusy(String),
    #[error(
        "index at {path} was built by analyzer version {found}, newer than this tracuu ({supported}); upgrade tracuu"
    )]
    IndexTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("bad query: {0}")]
    Query(String),
    #[error("invalid input: {0}")]
    Input(String),
    #[error("not implemented yet: {0}")]
    NotImplemented(&'static str),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True for errors caused by what the user typed or gave (exit code 2), as opposed to
    /// internal failures (exit code 3).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Index(_))
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
