//! The integration test suite: runs the real `spec` binary on fixture trees,
//! the shared real-world corpus and broken input.

mod bad_input;
mod check;
mod cli;
mod diff;
mod flakes;
mod forecast;
mod harness;
mod history;
mod hostile_text;
mod hostile_writes;
mod install;
mod json;
mod layers;
mod links;
mod overlaps;
mod parity;
mod provenance;
mod roadmap;
mod site;
mod stacking;
#[cfg(unix)]
mod watch;
