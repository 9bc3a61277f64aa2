//! Diagnostics of a registry, bibliography or config file: what was found
//! when it was read, and `unused-bibliography-entry`, which needs every
//! document's citations.

use std::collections::HashSet;
use std::path::Path;

use crate::base::{Code, Diagnostic, Level};
use crate::workspace::Workspace;

/// The diagnostics of `path`, one of the workspace's registry, bibliography
/// or config files, in default severities (`finish` applies `[lint]`).
/// `complete`: every document of the workspace is indexed; without it no
/// entry is called unused (a partial index would call most of them so).
pub fn aux_diagnostics(ws: &Workspace, path: &Path, complete: bool) -> Vec<Diagnostic> {
    let Some(file) = ws.aux.get(path) else {
        return Vec::new();
    };
    let mut out = file.diagnostics.clone();
    if complete && !ws.indexing && ws.bibliography_files.iter().any(|p| p == path) {
        out.extend(unused_entries(ws, path));
    }
    out
}

/// `unused-bibliography-entry` on the key of every entry of `file` that no
/// document cites; nothing when the lint is off (the default).
pub fn unused_entries(ws: &Workspace, file: &Path) -> Vec<Diagnostic> {
    if ws.config.lints.level(Code::UnusedBibliographyEntry) == Level::Off {
        return Vec::new();
    }
    let cited: HashSet<&str> = ws
        .docs
        .values()
        .flat_map(|s| s.cite_keys.iter().map(String::as_str))
        .collect();
    ws.bibliography
        .entries
        .iter()
        .filter(|e| e.file == file && !cited.contains(e.key.as_str()))
        .map(|e| {
            Diagnostic::new(
                Code::UnusedBibliographyEntry,
                e.key_range.clone(),
                format!("no document of the workspace cites `{}`", e.key),
            )
        })
        .collect()
}
