//! The workspace: `scholia.toml`, the registry, the bibliography and the index
//! of every document. Every query the features need is answered here.

pub mod bibliography;
pub mod registry;
