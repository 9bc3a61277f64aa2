//! The workspace: `scholia.toml`, the registry, the bibliography and the index
//! of every document. Every cross-file query the features need is answered
//! here, from memory.

pub mod authority;
pub mod bibliography;
pub mod config;
pub mod document;
pub mod entity_index;
pub mod files;
mod index;
mod load;
pub mod names;
mod paths;
pub mod registry;
mod summary;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use globset::{GlobSet, GlobSetBuilder};

use crate::base::{Code, Diagnostic};
use crate::text::{Encoding, LineCol, LineIndex};
pub use bibliography::{BibEntry, Bibliography, CitationStyle};
pub use config::Config;
pub use document::Document;
pub use files::{is_document, is_editor_leftover};
use index::DocEntry;
pub use index::IndexedDoc;
pub use paths::{MAX_FILE, find_root, normalize, read_text};
pub use registry::{Entity, Kind, Registry, Resolution};
pub use summary::{DocSummary, Occurrence, Span, translation_target};

/// The file that marks a workspace root.
pub const CONFIG_FILE: &str = "scholia.toml";
/// The extension of documents.
pub const EXTENSION: &str = "scholia";

/// A text file of the workspace that is not a document: `scholia.toml`, a
/// registry or a bibliography file, with its problems.
#[derive(Debug, Clone)]
pub struct AuxFile {
    pub text: String,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

impl AuxFile {
    fn new(text: String) -> AuxFile {
        AuxFile {
            line_index: LineIndex::new(&text),
            text,
            diagnostics: Vec::new(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Workspace {
    /// The folder holding `scholia.toml`; `None` for documents outside any
    /// workspace (they get only the checks that need no registry).
    pub root: Option<PathBuf>,
    pub config: Config,
    pub registry: Registry,
    pub bibliography: Bibliography,
    /// The citation style of `[citations]` (default: Chicago notes);
    /// shared with the renderings made ahead of need (`prerender`).
    pub style: Arc<CitationStyle>,
    pub registry_files: Vec<PathBuf>,
    pub bibliography_files: Vec<PathBuf>,
    /// `scholia.toml`, registry and bibliography files.
    pub aux: BTreeMap<PathBuf, AuxFile>,
    /// Every document of the workspace, open ones as the editor holds them.
    /// Changed only through `set_doc` and `remove_doc`, which keep the
    /// indexes below in step.
    pub docs: BTreeMap<PathBuf, Arc<DocSummary>>,
    /// Column unit of the spans kept for closed documents.
    pub encoding: Encoding,
    /// Documents are still being added in the background (the server's
    /// indexing after a load): what the index counts is partial.
    pub indexing: bool,
    /// Path → document id (an index into `entries`). Ids are never reused:
    /// a removed document keeps its id, and gets it back if it returns.
    ids: HashMap<PathBuf, u32>,
    /// Document id → its path, summary and resolved mention targets.
    entries: Vec<DocEntry>,
    /// Entity index → the ids of the documents that mention it, ascending.
    /// With each id, the entity's rank in that document's `entities` (its
    /// group in `groups`), so that a request finds the mentions at once.
    mentioned_in: Vec<Vec<(u32, u32)>>,
    /// Document id → its rank in path order (computed when first needed
    /// after a new path got an id).
    path_rank: OnceLock<Vec<u32>>,
    /// Original → the documents whose `translation-of` names it.
    translations: HashMap<PathBuf, BTreeSet<PathBuf>>,
    /// Derived from the registry for completion, built when first needed.
    names: Mutex<Option<Arc<entity_index::NameIndex>>>,
    /// Entities ordered by mention count, updated lazily.
    popularity: Mutex<entity_index::Popularity>,
    /// The text each registry and bibliography file had when last read
    /// successfully (used while it cannot be read).
    last_good: HashMap<PathBuf, String>,
}
