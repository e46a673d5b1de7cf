//! `spec` reads a repository's OpenSpec folders and tells the truth about its
//! roadmap.
//!
//! The folders are the pipeline (see ARCHITECTURE.md; `tests/testsuite/layers.rs`
//! keeps every module to the layers it may use):
//!
//! 1. [`discover`] and [`git`] read the disk and the repository's history
//!    into the input types of [`source`];
//! 2. [`parse`]: pure functions from text to the [`model`], counting exactly
//!    as the official OpenSpec CLI does;
//! 3. [`analyse`] and [`nix`]: pure analyses of the model (progress, the
//!    status dashboard, validation, the dependency graph, the roadmap,
//!    history, code links; the Nix graph and host impact);
//! 4. [`render`]: terminal text, JSON, Markdown, mermaid, SVG and the site;
//! 5. [`output`]: atomic writes and `--check` diffs.
//!
//! [`context`] is what a command loads (reading plus the pure stages), and
//! [`commands`] holds one small function per verb; [`run`] picks it.

pub mod analyse;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod discover;
pub mod error;
pub mod git;
pub mod glob;
pub mod model;
pub mod nix;
pub mod output;
pub mod parse;
pub mod render;
pub mod source;

pub use commands::{Outcome, emit, run};
