//! The server's state: loaded workspaces and open files. Every method is
//! synchronous and runs under the server's one lock; what must be published
//! comes back as a list of `Publish` messages.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;
use tree_sitter::{InputEdit, Tree};

use super::convert;
use crate::diagnostics::{self, Lints};
use crate::syntax;
use crate::text::{Encoding, LineIndex};
use crate::workspace::{self, DocSummary, Document, Workspace};

/// Diagnostics to send for one file.
#[derive(Debug)]
pub struct Publish {
    pub uri: lsp::Uri,
    pub diagnostics: Vec<lsp::Diagnostic>,
    pub version: Option<i32>,
}

/// Open documents larger than this are kept in sync (their text follows
/// every change) but not parsed or checked: a diagnostic says so. Parsing
/// and checking 50 MB on every keystroke would take seconds each time.
pub const MAX_ANALYZED: usize = 16 << 20;

/// A file the editor holds open.
pub struct OpenFile {
    pub uri: lsp::Uri,
    pub version: i32,
    pub rope: Rope,
    /// A `.scholia` document, analysed; `None` for other files (registry,
    /// bibliography, `scholia.toml`), whose text is in `rope`.
    pub doc: Option<Document>,
    /// The last full semantic tokens sent (result id, data), for deltas.
    pub tokens: Option<(String, Vec<lsp::SemanticToken>)>,
}

#[derive(Default)]
pub struct State {
    /// Where diagnostics go: the publisher task, in the order they are
    /// queued here. Queuing under the state lock keeps that order the order
    /// of the states they were computed from.
    pub publisher: Option<tokio::sync::mpsc::UnboundedSender<Publish>>,
    pub encoding: Encoding,
    /// What the client said it supports, at `initialize`.
    pub client_caps: lsp::ClientCapabilities,
    /// Counter for semantic-token result ids.
    pub next_result_id: u64,
    /// Severities from the client (`initializationOptions.lint`), used where
    /// a workspace's `[lint]` says nothing.
    pub client_lints: Lints,
    /// Loaded workspaces by root.
    pub workspaces: BTreeMap<PathBuf, Workspace>,
    /// For documents outside every workspace.
    pub detached: Workspace,
    /// Open files by path.
    pub open: HashMap<PathBuf, OpenFile>,
    /// Whether the client takes `$/progress` (window.workDoneProgress).
    pub progress_supported: bool,
    /// Whether the client can watch files for us (dynamic registration of
    /// `workspace/didChangeWatchedFiles`); when not, the server polls.
    pub watch_registration: bool,
    /// The client's workspace folders.
    pub roots: Vec<PathBuf>,
    /// Roots whose document index is being built in the background.
    pub indexing: Vec<PathBuf>,
}

impl State {
    /// Queues diagnostics for the publisher task (never blocks).
    pub fn publish(&self, list: Vec<Publish>) {
        if let Some(tx) = &self.publisher {
            for p in list {
                let _ = tx.send(p);
            }
        }
    }

    /// The root of the workspace `path` belongs to, loading it if needed.
    /// Returns the root and the document paths to index when newly loaded.
    pub fn ensure_workspace(&mut self, path: &Path) -> (Option<PathBuf>, Vec<PathBuf>) {
        let Some(root) = workspace::find_root(path) else {
            return (None, Vec::new());
        };
        if self.workspaces.contains_key(&root) {
            return (Some(root), Vec::new());
        }
        let to_index = self.load_workspace(&root);
        (Some(root), to_index)
    }

    /// (Re)loads the workspace at `root`; returns its documents to index.
    pub fn load_workspace(&mut self, root: &Path) -> Vec<PathBuf> {
        let (mut ws, docs) = Workspace::open(root);
        ws.encoding = self.encoding;
        ws.config.lints = ws.config.lints.or(&self.client_lints);
        // Files open in the editor count as the editor holds them.
        let open_aux = self.open_aux_texts();
        if !open_aux.is_empty() {
            ws.reload_registry_with(&open_aux);
            ws.reload_bibliography_with(&open_aux);
        }
        for (path, f) in &self.open {
            if let Some(doc) = &f.doc
                && path.starts_with(root)
            {
                ws.set_doc(path.clone(), DocSummary::of(doc));
            }
        }
        self.workspaces.insert(root.to_path_buf(), ws);
        self.indexing.push(root.to_path_buf());
        docs
    }

    /// Forgets the workspaces whose root lies in `folder` (a workspace folder
    /// the client removed), unless a document open in the editor still
    /// belongs to them. Returns empty diagnostics for their files.
    pub fn drop_workspaces_under(&mut self, folder: &Path) -> Vec<Publish> {
        let gone: Vec<PathBuf> = self
            .workspaces
            .keys()
            .filter(|r| r.starts_with(folder) && !self.open.keys().any(|p| p.starts_with(r)))
            .cloned()
            .collect();
        let mut out = Vec::new();
        for root in gone {
            if let Some(ws) = self.workspaces.remove(&root) {
                for path in ws.aux.keys() {
                    if let Some(uri) = convert::uri_of(path) {
                        out.push(Publish {
                            uri,
                            diagnostics: Vec::new(),
                            version: None,
                        });
                    }
                }
            }
        }
        out
    }

    /// Records the summaries of documents indexed in the background; open
    /// documents keep the editor's version.
    pub fn finish_index(&mut self, root: &Path, summaries: Vec<(PathBuf, DocSummary)>) {
        self.indexing.retain(|r| r != root);
        let Some(ws) = self.workspaces.get_mut(root) else {
            return;
        };
        for (path, summary) in summaries {
            if !self.open.contains_key(&path) {
                ws.set_doc(path, summary);
            }
        }
    }

    pub fn workspace_of(&self, path: &Path) -> &Workspace {
        self.workspaces
            .iter()
            .filter(|(root, _)| path.starts_with(root))
            .max_by_key(|(root, _)| root.as_os_str().len())
            .map(|(_, ws)| ws)
            .unwrap_or(&self.detached)
    }

    fn workspace_of_mut(&mut self, path: &Path) -> Option<&mut Workspace> {
        self.workspaces
            .iter_mut()
            .filter(|(root, _)| path.starts_with(root))
            .max_by_key(|(root, _)| root.as_os_str().len())
            .map(|(_, ws)| ws)
    }

    pub fn open_file(&mut self, path: PathBuf, uri: lsp::Uri, version: i32, text: String) {
        let doc = (is_document(&path) && text.len() <= MAX_ANALYZED)
            .then(|| Document::new(path.clone(), text.clone()));
        if doc.is_none() && is_document(&path) {
            eprintln!(
                "scholia: {} is {} MB, above the limit of {} MB: kept in sync, not analysed",
                path.display(),
                text.len() >> 20,
                MAX_ANALYZED >> 20
            );
        }
        if let Some(doc) = &doc {
            let summary = DocSummary::of(doc);
            if let Some(ws) = self.workspace_of_mut(&path) {
                ws.set_doc(path.clone(), summary);
            }
        }
        let rope = Rope::from_str(&text);
        self.open.insert(
            path.clone(),
            OpenFile {
                uri,
                version,
                rope,
                doc,
                tokens: None,
            },
        );
        self.aux_changed(&path);
    }

    /// Applies `didChange` content changes in order: each edits the rope and
    /// the old tree (positions computed before that change); then one
    /// incremental parse. Returns false when the file is not open.
    pub fn change_file(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) -> bool {
        let enc = self.encoding;
        let Some(file) = self.open.get_mut(path) else {
            return false;
        };
        // Work on copies (a rope clone shares its chunks), and store the
        // result only when everything succeeded: a panic on the way leaves
        // the file as it was, never a text that disagrees with its tree.
        let mut rope = file.rope.clone();
        let mut tree: Option<Tree> = file.doc.as_ref().map(|d| d.tree.clone());
        for change in changes {
            match change.range {
                None => {
                    rope = Rope::from_str(&change.text);
                    tree = None;
                }
                Some(range) => {
                    let start = convert::rope_offset(&rope, range.start, enc);
                    let end = convert::rope_offset(&rope, range.end, enc).max(start);
                    let start_position = convert::rope_point(&rope, start);
                    let old_end_position = convert::rope_point(&rope, end);
                    let start_char = rope.byte_to_char(start);
                    let end_char = rope.byte_to_char(end);
                    rope.remove(start_char..end_char);
                    rope.insert(start_char, &change.text);
                    let new_end = start + change.text.len();
                    if let Some(t) = tree.as_mut() {
                        t.edit(&InputEdit {
                            start_byte: start,
                            old_end_byte: end,
                            new_end_byte: new_end,
                            start_position,
                            old_end_position,
                            new_end_position: convert::rope_point(&rope, new_end),
                        });
                    }
                }
            }
        }
        let size = rope.len_bytes();
        let analysed_before = file.doc.is_some();
        let doc = (is_document(path) && size <= MAX_ANALYZED).then(|| {
            if analysed_before {
                let tree = syntax::parse_rope(&rope, tree.as_ref());
                Document::from_tree(path.to_path_buf(), rope.to_string(), tree)
            } else {
                // Back under the size limit: analysed again, from scratch.
                Document::new(path.to_path_buf(), rope.to_string())
            }
        });
        file.rope = rope;
        file.version = version;
        match doc {
            Some(doc) => {
                let summary = DocSummary::of(&doc);
                file.doc = Some(doc);
                if let Some(ws) = self.workspace_of_mut(path) {
                    ws.set_doc(path.to_path_buf(), summary);
                }
            }
            None if analysed_before => {
                // Grown past the limit: kept in sync, no longer analysed.
                file.doc = None;
                if let Some(ws) = self.workspace_of_mut(path) {
                    ws.remove_doc(path);
                }
            }
            None => {}
        }
        self.aux_changed(path);
        true
    }

    pub fn close_file(&mut self, path: &Path) -> Option<OpenFile> {
        let file = self.open.remove(path)?;
        if file.doc.is_some() {
            // The file on disk is the truth again.
            let summary = workspace::read_text(path).ok().map(|text| {
                DocSummary::indexed(&Document::new(path.to_path_buf(), text), self.encoding)
            });
            if let Some(ws) = self.workspace_of_mut(path) {
                match summary {
                    Some(s) => ws.set_doc(path.to_path_buf(), s),
                    None => ws.remove_doc(path),
                }
            }
        } else {
            self.aux_changed(path);
        }
        Some(file)
    }

    /// When `path` is a registry or bibliography file of a workspace, reloads
    /// that part with the editor's text of every open file.
    fn aux_changed(&mut self, path: &Path) {
        if is_document(path) {
            return;
        }
        let open_aux = self.open_aux_texts();
        let Some(ws) = self.workspace_of_mut(path) else {
            return;
        };
        if ws.registry_files.iter().any(|p| p == path) {
            ws.reload_registry_with(&open_aux);
        } else if ws.bibliography_files.iter().any(|p| p == path) {
            ws.reload_bibliography_with(&open_aux);
        }
    }

    /// `scholia.toml`, registry and bibliography files of every loaded
    /// workspace (what the server polls when the client cannot watch).
    pub fn watched_workspace_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for (root, ws) in &self.workspaces {
            out.push(root.join(workspace::CONFIG_FILE));
            out.extend(ws.registry_files.iter().cloned());
            out.extend(ws.bibliography_files.iter().cloned());
        }
        out
    }

    /// The text of every open file that is not a document (registry,
    /// bibliography, config), as the editor holds it.
    fn open_aux_texts(&self) -> HashMap<PathBuf, String> {
        self.open
            .iter()
            .filter(|(_, f)| f.doc.is_none())
            .map(|(p, f)| (p.clone(), f.rope.to_string()))
            .collect()
    }

    /// Files changed on disk (`workspace/didChangeWatchedFiles`). Returns
    /// the roots whose documents must be indexed anew.
    pub fn files_changed(
        &mut self,
        changes: &[(PathBuf, lsp::FileChangeType)],
    ) -> Vec<(PathBuf, Vec<PathBuf>)> {
        let mut reload_roots: Vec<PathBuf> = Vec::new();
        for (path, kind) in changes {
            let Some(root) = self
                .workspaces
                .keys()
                .filter(|r| path.starts_with(r))
                .max_by_key(|r| r.as_os_str().len())
                .cloned()
            else {
                continue;
            };
            let is_config = path
                .file_name()
                .is_some_and(|n| n == workspace::CONFIG_FILE);
            let created_or_deleted = *kind != lsp::FileChangeType::CHANGED;
            let ws = &self.workspaces[&root];
            let is_aux = ws.registry_files.contains(path) || ws.bibliography_files.contains(path);
            if is_config || (created_or_deleted && !is_document(path)) {
                if !reload_roots.contains(&root) {
                    reload_roots.push(root);
                }
            } else if is_aux {
                if !self.open.contains_key(path) {
                    self.aux_changed(path);
                }
            } else if is_document(path) && !self.open.contains_key(path) {
                let ws = self.workspaces.get_mut(&root).expect("root is loaded");
                match workspace::read_text(path) {
                    Ok(text) if *kind != lsp::FileChangeType::DELETED => {
                        let doc = Document::new(path.clone(), text);
                        ws.set_doc(path.clone(), DocSummary::indexed(&doc, self.encoding));
                    }
                    _ => ws.remove_doc(path),
                }
            }
        }
        reload_roots
            .into_iter()
            .map(|root| {
                let docs = self.load_workspace(&root);
                (root, docs)
            })
            .collect()
    }

    /// Diagnostics of one open file (a document, or a registry/bibliography/
    /// config file).
    pub fn diagnostics_of(&self, path: &Path) -> Option<Publish> {
        let file = self.open.get(path)?;
        let enc = self.encoding;
        let ws = self.workspace_of(path);
        let list = match &file.doc {
            None if is_document(path) => vec![lsp::Diagnostic {
                range: lsp::Range::default(),
                severity: Some(lsp::DiagnosticSeverity::INFORMATION),
                source: Some("scholia".to_string()),
                message: format!(
                    "this document is {} MB, above the limit of {} MB for live checking: it is kept in sync but not analysed (no diagnostics, hover or other features); `scholia check` checks it",
                    file.rope.len_bytes() >> 20,
                    MAX_ANALYZED >> 20
                ),
                ..Default::default()
            }],
            Some(doc) => convert::diagnostics(
                &doc.line_index,
                &doc.text,
                &diagnostics::check(doc, ws),
                enc,
            ),
            None => {
                let aux = ws.aux.get(path)?;
                let mut ds = aux.diagnostics.clone();
                diagnostics::finish(&mut ds, ws);
                convert::diagnostics(&aux.line_index, &aux.text, &ds, enc)
            }
        };
        Some(Publish {
            uri: file.uri.clone(),
            diagnostics: list,
            version: Some(file.version),
        })
    }

    /// Diagnostics of every open file, and of every registry, bibliography
    /// and config file of the loaded workspaces (an empty list clears a
    /// fixed one).
    pub fn all_diagnostics(&self) -> Vec<Publish> {
        let mut out: Vec<Publish> = self
            .open
            .keys()
            .filter_map(|p| self.diagnostics_of(p))
            .collect();
        for ws in self.workspaces.values() {
            for (path, aux) in &ws.aux {
                if self.open.contains_key(path) {
                    continue;
                }
                let Some(uri) = convert::uri_of(path) else {
                    continue;
                };
                let mut ds = aux.diagnostics.clone();
                diagnostics::finish(&mut ds, ws);
                out.push(Publish {
                    uri,
                    diagnostics: convert::diagnostics(
                        &aux.line_index,
                        &aux.text,
                        &ds,
                        self.encoding,
                    ),
                    version: None,
                });
            }
        }
        out
    }

    /// An `ide::Location` as an LSP location: from its span when the index
    /// has one, else from the file's text (open, in memory, or on disk).
    pub fn location(&self, loc: &crate::ide::Location) -> Option<lsp::Location> {
        let uri = convert::uri_of(&loc.path)?;
        self.location_in(uri, loc)
    }

    /// `location` for many: the URI is made once per run of locations in
    /// one file (references and renames return thousands in a few files).
    pub fn locations<'a>(
        &self,
        locs: impl IntoIterator<Item = &'a crate::ide::Location>,
    ) -> Vec<Option<lsp::Location>> {
        let mut last: Option<(&Path, Option<lsp::Uri>)> = None;
        let mut out = Vec::new();
        for loc in locs {
            let uri = match &last {
                Some((p, uri)) if *p == loc.path.as_path() => uri.clone(),
                _ => {
                    let uri = convert::uri_of(&loc.path);
                    last = Some((&loc.path, uri.clone()));
                    uri
                }
            };
            out.push(uri.and_then(|uri| self.location_in(uri, loc)));
        }
        out
    }

    fn location_in(&self, uri: lsp::Uri, loc: &crate::ide::Location) -> Option<lsp::Location> {
        let range = match (&loc.span, loc.range == (0..0)) {
            (Some(span), _) => lsp::Range::new(
                lsp::Position::new(span.start.line, span.start.col),
                lsp::Position::new(span.end.line, span.end.col),
            ),
            (None, true) => lsp::Range::default(),
            (None, false) => self.with_text(&loc.path, |text, index| {
                convert::range(index, text, &loc.range, self.encoding)
            })?,
        };
        Some(lsp::Location { uri, range })
    }

    /// Runs `f` on the text and line index of a file of a workspace,
    /// borrowed when the file is open or in memory (no copy of a large open
    /// document per location), read from disk otherwise.
    fn with_text<R>(&self, path: &Path, f: impl FnOnce(&str, &LineIndex) -> R) -> Option<R> {
        if let Some(d) = self.open.get(path).and_then(|f| f.doc.as_ref()) {
            return Some(f(&d.text, &d.line_index));
        }
        if !self.open.contains_key(path)
            && let Some(aux) = self.workspace_of(path).aux.get(path)
        {
            return Some(f(&aux.text, &aux.line_index));
        }
        let (text, index) = self.text_of(path)?;
        Some(f(&text, &index))
    }

    /// The text and line index of any file of a workspace, for converting a
    /// location in it: open files as the editor holds them, registry and
    /// bibliography files from memory, other files from disk.
    pub fn text_of(&self, path: &Path) -> Option<(String, LineIndex)> {
        if let Some(f) = self.open.get(path) {
            return Some(match &f.doc {
                Some(d) => (d.text.clone(), d.line_index.clone()),
                None => {
                    let t = f.rope.to_string();
                    let i = LineIndex::new(&t);
                    (t, i)
                }
            });
        }
        let ws = self.workspace_of(path);
        if let Some(aux) = ws.aux.get(path) {
            return Some((aux.text.clone(), aux.line_index.clone()));
        }
        let text = workspace::read_text(path).ok()?;
        let index = LineIndex::new(&text);
        Some((text, index))
    }
}

pub fn is_document(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == workspace::EXTENSION)
}

/// Parses documents for the index (run off the lock, in parallel).
pub fn index_documents(paths: &[PathBuf], enc: Encoding) -> Vec<(PathBuf, DocSummary)> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .filter_map(|p| {
            let text = workspace::read_text(p).ok()?;
            let doc = Document::new(p.clone(), text);
            Some((p.clone(), DocSummary::indexed(&doc, enc)))
        })
        .collect()
}
