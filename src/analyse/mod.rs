//! Stage 3, analysis: what the parsed projects add up to, as pure functions
//! of the model (and, for validation, of the files as read): the status
//! dashboard ([`mod@status`]), the official validation rules ([`validate`], with
//! archive's merge checks in [`merge`]), `spec`'s own findings
//! ([`mod@findings`]), the dependency graph ([`graph`]), the roadmap
//! ([`roadmap`]), history ([`history`]), the comparison of two states
//! ([`diff`]), code links ([`links`]) and overlapping changes ([`overlaps`]) where requirements came from
//! ([`provenance`]) and when open work will finish ([`forecast`]), the timeline's rows
//! ([`timeline`]). Nothing here reads a file or git.

pub mod diff;
pub mod findings;
pub mod forecast;
pub mod graph;
pub mod history;
pub mod keys;
pub mod links;
pub mod merge;
pub mod overlaps;
pub mod provenance;
pub mod roadmap;
pub mod status;
pub mod timeline;
pub mod validate;

pub use findings::findings;
pub use status::{ChangeSummary, HostSummary, Status, status};
