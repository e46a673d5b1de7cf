//! Stage 4, rendering: the model and analysis as text. Renderers are pure and
//! return `String`s; [`terminal`] is the only place colour is used, and JSON
//! ([`json`]) is the serde serialisation of the same structs.

pub mod diagnostic;
pub mod dot;
pub mod escape;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod site;
pub mod style;
pub mod svg;
pub mod terminal;
