//! Export: a workspace leaves scholia. `walk` is the one walk over a
//! document that every export renders from (TEI here, the reading edition
//! in `html`).

pub mod command;
pub mod document;
pub mod html;
pub mod ids;
pub mod tei;
pub mod walk;
mod xml;

use std::path::PathBuf;

use crate::workspace::Workspace;

/// Where the exports keep hayagriva's renderings between runs
/// (`workspace/bibliography/store.rs`): `SCHOLIA_CACHE_DIR` when set (set
/// and empty: nowhere), else `$XDG_CACHE_HOME/scholia`, else
/// `$HOME/.cache/scholia` (`%LOCALAPPDATA%\scholia` on Windows).
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = std::env::var_os("SCHOLIA_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("scholia"));
    }
    if cfg!(windows)
        && let Some(dir) = var("LOCALAPPDATA")
    {
        return Some(PathBuf::from(dir).join("scholia"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".cache/scholia"))
}

/// An export's renderings come from, and go to, `dir` (none: rendered
/// afresh, kept nowhere).
pub fn keep_renders(ws: &Workspace, dir: Option<&std::path::Path>) {
    if let Some(dir) = dir {
        ws.style.keep_renders(dir);
    }
}

/// Saves the renderings an export added; a warning (a sentence) when the
/// file could not be written: the export itself is complete either way.
pub fn save_renders(ws: &Workspace) -> Option<String> {
    let store = ws.style.kept_renders()?;
    match store.save() {
        Ok(_) => None,
        Err(e) => Some(format!(
            "warning: the rendered references were not kept for the next export ({}: {e})",
            store.path().display()
        )),
    }
}
