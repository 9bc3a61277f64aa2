//! scholia: a language server and checker for annotated, translated archival
//! documents. See ARCHITECTURE.md for the map of the layers.

pub mod base;
pub mod cli;
pub mod diagnostics;
pub mod export;
pub mod ide;
pub mod import;
pub mod lsp;
pub mod report;
pub mod syntax;
pub mod text;
pub mod workspace;
