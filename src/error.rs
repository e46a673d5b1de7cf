//! The library's error type. Problems inside files are not errors but
//! [`Diagnostic`](crate::model::Diagnostic)s; an `Error` stops the
//! command (exit code 2).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No `openspec/` folder where one was expected.
    #[error("{0}")]
    NoRoot(String),
    /// Rendered diagnostics that stop the command (printed as they are).
    #[error("{0}")]
    Diagnostics(String),
    /// The command line named something that does not exist.
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    /// Watching files for `--watch` failed (no watch could be set up, say).
    #[error("{0}")]
    Watch(String),
    /// Writing to stdout or stderr failed (a closed pipe is handled by the caller).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes: 0 ok, 1 findings (or drift), 2 usage or I/O error.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
}
