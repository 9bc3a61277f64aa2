//! Loading and indexing off the lock, and watching the files documents
//! depend on. The functions here take no lock: the server runs `load` and
//! `index_documents` on threads of their own and hands the results to
//! `Host::install_workspace` and `Host::finish_index`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use super::FileChange;
use crate::text::Encoding;
use crate::workspace::{self, DocSummary, Document, Workspace};

/// What a loader thread needs to load one workspace off the lock.
#[derive(Debug, Clone)]
pub struct LoadJob {
    pub root: PathBuf,
    pub generation: u64,
    /// The text of open registry and bibliography files when the load
    /// began (the editor's text counts, as everywhere).
    pub open_aux: HashMap<PathBuf, String>,
}

impl LoadJob {
    /// A load that walks more files than this is large.
    pub const SLOW_FILES: usize = 2000;
    /// A load whose registry and bibliography files are bigger than this
    /// (bytes, together) is large.
    pub const SLOW_AUX_BYTES: u64 = 256 << 10;
}

/// Loads one workspace (`scholia.toml`, file walk, registry, bibliography)
/// for `job`, calling `found_slow` (perhaps more than once) as soon as the
/// load turns out large. Returns the workspace and its documents, to be
/// installed with `Host::install_workspace` and indexed.
pub fn load(job: &LoadJob, mut found_slow: impl FnMut()) -> (Workspace, Vec<PathBuf>) {
    let (mut ws, docs) = Workspace::scan(&job.root, |n| {
        if n > LoadJob::SLOW_FILES {
            found_slow();
        }
    });
    let aux_bytes: u64 = ws
        .registry_files
        .iter()
        .chain(&ws.bibliography_files)
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    if aux_bytes > LoadJob::SLOW_AUX_BYTES {
        found_slow();
    }
    ws.reload_registry_with(&job.open_aux);
    // The name automaton is built on another thread while the
    // bibliography loads.
    let build_names = ws.registry.name_search_builder();
    std::thread::scope(|scope| {
        scope.spawn(build_names);
        ws.reload_bibliography_with(&job.open_aux);
    });
    (ws, docs)
}

/// Parses documents for the index (run off the lock, in parallel).
pub fn index_documents(paths: &[PathBuf], enc: Encoding) -> Vec<(PathBuf, DocSummary)> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .filter_map(|p| {
            let text = workspace::read_text(p).ok()?;
            let doc = Document::scan(p.clone(), text);
            Some((p.clone(), DocSummary::indexed(&doc, enc)))
        })
        .collect()
}

/// Reads and scans documents (off the lock, in parallel): the closed
/// documents a workspace-wide action reads (`Host::closed_documents`,
/// `Host::tag_everywhere`). A file that cannot be read is left out.
pub fn read_documents(paths: &[PathBuf]) -> HashMap<PathBuf, Document> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .filter_map(|p| {
            let text = workspace::read_text(p).ok()?;
            Some((p.clone(), Document::scan(p.clone(), text)))
        })
        .collect()
}

/// The files a client that can watch is asked to watch (glob patterns).
pub const WATCHED_GLOBS: [&str; 5] = [
    "**/*.scholia",
    "**/scholia.toml",
    "**/*.toml",
    "**/*.json",
    "**/*.bib",
];

/// For clients that cannot watch files: compares the modification times of
/// the files given each round (`Host::watched_workspace_files`) with those
/// of the round before, and reports the differences as a watcher would.
/// (Closed documents changed outside the editor are picked up when they are
/// opened.)
#[derive(Default)]
pub struct Poller {
    seen: HashMap<PathBuf, Option<SystemTime>>,
}

impl Poller {
    /// The files changed since the last round; a file seen for the first
    /// time is no change.
    pub fn changes(&mut self, files: Vec<PathBuf>) -> Vec<(PathBuf, FileChange)> {
        let mut changes = Vec::new();
        for path in files {
            let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            match self.seen.insert(path.clone(), mtime) {
                Some(before) if before != mtime => {
                    let kind = match mtime {
                        Some(_) => FileChange::Changed,
                        None => FileChange::Deleted,
                    };
                    changes.push((path, kind));
                }
                _ => {}
            }
        }
        changes
    }
}
