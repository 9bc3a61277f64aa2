//! The host: the server's world without the protocol. Open files, the
//! loaded workspaces by root, loads under way and their generations, the
//! background indexing, which files to check again after an edit, what a
//! change on disk means, and each file's diagnostics as byte ranges
//! (`base::Diagnostic`). It knows no LSP type: `crate::lsp` keeps one `Host`
//! under its lock, converts positions and URIs at the edges, and publishes
//! what the host says to publish; tests (`tests/ide.rs`) and tools drive a
//! `Host` directly.
//!
//! Every method is synchronous. Loading and indexing are plain functions
//! (`load`) that the server runs off its lock, handing their results back
//! to `install_workspace` and `finish_index`.

pub mod load;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ropey::Rope;

use crate::base::{Code, Diagnostic, Level, Lints};
use crate::diagnostics;
use crate::text::{Encoding, LineCol, LineIndex};
use crate::workspace::{self, DocSummary, Document, Workspace};

pub use load::{LoadJob, Poller, WATCHED_GLOBS, index_documents, load, read_documents};

/// Open documents larger than this are kept in sync (their text follows
/// every change) but not parsed or checked: a diagnostic says so. Parsing
/// and checking 50 MB on every keystroke would take seconds each time.
pub const MAX_ANALYZED: usize = 16 << 20;

/// A file the editor holds open.
pub struct OpenFile {
    pub version: i32,
    pub rope: Rope,
    /// A `.scholia` document, analysed; `None` for other files (registry,
    /// bibliography, `scholia.toml`), whose text is in `rope`.
    pub doc: Option<Document>,
}

/// One change of an open file's text: a range in the host's encoding
/// (positions relative to the text after the changes before it), or the
/// whole text.
#[derive(Debug, Clone)]
pub struct TextChange {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

/// A file changed on disk, as a watcher (or the poller) reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    Created,
    Changed,
    Deleted,
}

/// What to publish for one file.
pub struct FileDiagnostics<'a> {
    pub path: Cow<'a, Path>,
    /// The editor's version for an open file, `None` otherwise.
    pub version: Option<i32>,
    pub report: Report<'a>,
}

/// The diagnostics of one file.
pub enum Report<'a> {
    /// Found in `text` (whose line index is `index`), as byte ranges.
    Found {
        text: &'a str,
        index: &'a LineIndex,
        list: Vec<Diagnostic>,
        /// The files the diagnostics' related places lie in (for converting
        /// their ranges).
        others: Vec<RelatedFile<'a>>,
    },
    /// An open document above `MAX_ANALYZED`, not analysed: one note
    /// (`too_large_message`) at the start of the file.
    TooLarge { bytes: usize },
    /// No diagnostics any more (the file's workspace is gone).
    Clear,
}

/// A file that a diagnostic's related information points into.
pub struct RelatedFile<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub index: &'a LineIndex,
}

/// The registry, bibliography and config files of `ws` that the related
/// places of `list` lie in (related information points only there).
fn related_files<'a>(ws: &'a Workspace, list: &[Diagnostic]) -> Vec<RelatedFile<'a>> {
    let mut out: Vec<RelatedFile<'a>> = Vec::new();
    for r in list.iter().flat_map(|d| &d.related) {
        if out.iter().any(|f| f.path == r.path) {
            continue;
        }
        if let Some((path, aux)) = ws.aux.get_key_value(&r.path) {
            out.push(RelatedFile {
                path,
                text: &aux.text,
                index: &aux.line_index,
            });
        }
    }
    out
}

/// A document held open by the editor, or read from disk (`Host::document`).
pub enum DocRef<'a> {
    Open(&'a Document),
    Read(Box<Document>),
}

impl std::ops::Deref for DocRef<'_> {
    type Target = Document;
    fn deref(&self) -> &Document {
        match self {
            DocRef::Open(d) => d,
            DocRef::Read(d) => d,
        }
    }
}

/// The note for an open document above `MAX_ANALYZED` bytes.
pub fn too_large_message(bytes: usize) -> String {
    format!(
        "this document is {} MB, above the limit of {} MB for live checking: it is kept in sync but not analysed (no diagnostics, hover or other features); `scholia check` checks it",
        bytes >> 20,
        MAX_ANALYZED >> 20
    )
}

#[derive(Default)]
pub struct Host {
    pub encoding: Encoding,
    /// Severities from the client (`initializationOptions.lint`), used where
    /// a workspace's `[lint]` says nothing.
    pub client_lints: Lints,
    /// Loaded workspaces by root.
    pub workspaces: BTreeMap<PathBuf, Workspace>,
    /// For documents outside every workspace.
    pub detached: Workspace,
    /// Open files by path.
    pub open: HashMap<PathBuf, OpenFile>,
    /// The client's workspace folders.
    pub roots: Vec<PathBuf>,
    /// Workspaces being loaded off the lock (see `begin_load`), by root.
    pub loading: BTreeMap<PathBuf, Loading>,
    /// Counter for `Loading::generation`.
    pub next_generation: u64,
    /// Bumped whenever a load ends (installed, failed or dropped) and when
    /// an index is finished: requests waiting for their workspace look
    /// again.
    pub loads: tokio::sync::watch::Sender<u64>,
    /// The last `change_file` of a document changed the keys it cites: the
    /// bibliography files' `unused-bibliography-entry` may have changed.
    pub cites_changed: bool,
}

/// A workspace load under way off the lock. Its root has no entry in
/// `Host::workspaces` yet, or has the previous one (a reload), which
/// serves until the new one is installed.
pub struct Loading {
    /// Which load of the root this is: only the newest is installed.
    pub generation: u64,
    /// Whether the load was found to be large (`LoadJob::SLOW_FILES`,
    /// `LoadJob::SLOW_AUX_BYTES`). Until then, documents opened under the
    /// root get no diagnostics: a small workspace is in within
    /// milliseconds, and its documents get their full diagnostics first.
    /// From then on they get their local diagnostics at once.
    pub slow: bool,
    /// What documents under the root are checked against meanwhile: no
    /// root (so no registry, bibliography or translation checks) and the
    /// `[lint]` levels of its `scholia.toml`.
    pub local: Workspace,
}

impl Host {
    /// A host with no workspace, positions in `encoding`.
    pub fn new(encoding: Encoding) -> Host {
        Host {
            encoding,
            ..Host::default()
        }
    }

    /// Sets the client's lint levels (they apply where a workspace's
    /// `[lint]` says nothing, and to documents outside every workspace).
    pub fn set_client_lints(&mut self, lints: Lints) {
        self.client_lints = lints;
        self.detached.config.lints = self.client_lints.clone();
    }

    /// Starts loading the workspace `path` belongs to, unless it is loaded
    /// or being loaded: the job for a loader thread (`load`).
    pub fn ensure_workspace(&mut self, path: &Path) -> Option<LoadJob> {
        let root = workspace::find_root(path)?;
        if self.workspaces.contains_key(&root) || self.loading.contains_key(&root) {
            return None;
        }
        Some(self.begin_load(&root))
    }

    /// Loads the workspace of `path` here and now, and indexes it: for
    /// tests and tools, which have no loader thread.
    pub fn load_now(&mut self, path: &Path) {
        let Some(job) = self.ensure_workspace(path) else {
            return;
        };
        let (ws, docs) = load(&job, || ());
        if let Some(docs) = self.install_workspace(&job, ws, docs) {
            let summaries = index_documents(&docs, self.encoding);
            self.finish_index(&job.root, summaries);
        }
    }

    /// Starts a (re)load of the workspace at `root`, superseding any load
    /// of it under way. Only `scholia.toml` is read here (for the `[lint]`
    /// levels of the documents' local diagnostics meanwhile); the rest is
    /// the loader's work, off the lock.
    pub fn begin_load(&mut self, root: &Path) -> LoadJob {
        self.next_generation += 1;
        let generation = self.next_generation;
        let mut local = Workspace::detached();
        local.encoding = self.encoding;
        let config = workspace::read_text(&root.join(workspace::CONFIG_FILE))
            .map(|text| workspace::Config::parse(&text))
            .unwrap_or_default();
        local.config.lints = config.lints.or(&self.client_lints);
        // A reload of a workspace whose load was found large stays so.
        let slow = self.loading.get(root).is_some_and(|l| l.slow);
        self.loading.insert(
            root.to_path_buf(),
            Loading {
                generation,
                slow,
                local,
            },
        );
        let open_aux = self
            .open_aux_texts()
            .into_iter()
            .filter(|(p, _)| p.starts_with(root))
            .collect();
        LoadJob {
            root: root.to_path_buf(),
            generation,
            open_aux,
        }
    }

    /// The loader found its load large: from now on documents under its
    /// root get their local diagnostics at once. Returns those of the
    /// documents already open there.
    pub fn load_is_slow(&mut self, job: &LoadJob) -> Vec<FileDiagnostics<'_>> {
        match self.loading.get_mut(&job.root) {
            Some(l) if l.generation == job.generation && !l.slow => l.slow = true,
            _ => return Vec::new(),
        }
        if self.workspaces.contains_key(&job.root) {
            // A reload: the old workspace serves meanwhile, nothing changes.
            return Vec::new();
        }
        let paths: Vec<&PathBuf> = self
            .open
            .keys()
            .filter(|p| p.starts_with(&job.root) && is_document(p))
            .collect();
        paths
            .into_iter()
            .filter_map(|p| self.diagnostics_of(p))
            .collect()
    }

    /// Installs a workspace loaded off the lock, unless a newer load of
    /// its root began or the root was dropped meanwhile. Returns the
    /// documents to index, or `None` when the load was superseded.
    pub fn install_workspace(
        &mut self,
        job: &LoadJob,
        mut ws: Workspace,
        docs: Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if self.loading.get(&job.root)?.generation != job.generation {
            return None;
        }
        self.loading.remove(&job.root);
        self.loads.send_modify(|n| *n += 1);
        ws.encoding = self.encoding;
        ws.config.lints = ws.config.lints.or(&self.client_lints);
        // Registry and bibliography files edited in the editor while the
        // load ran: read again, as the editor now holds them.
        let open_aux: HashMap<PathBuf, String> = self
            .open_aux_texts()
            .into_iter()
            .filter(|(p, _)| p.starts_with(&job.root))
            .collect();
        if open_aux != job.open_aux {
            ws.reload_registry_with(&open_aux);
            ws.reload_bibliography_with(&open_aux);
        }
        // Open documents count as the editor holds them.
        for (path, f) in &self.open {
            if let Some(doc) = &f.doc
                && path.starts_with(&job.root)
            {
                ws.set_doc(path.clone(), DocSummary::of(doc));
            }
        }
        // Its documents are indexed next, in the background.
        ws.indexing = true;
        self.workspaces.insert(job.root.clone(), ws);
        Some(docs)
    }

    /// A load that failed (its loader panicked): documents under its root
    /// are checked as documents outside any workspace until a reload.
    pub fn abandon_load(&mut self, job: &LoadJob) {
        if self
            .loading
            .get(&job.root)
            .is_some_and(|l| l.generation == job.generation)
        {
            self.loading.remove(&job.root);
            self.loads.send_modify(|n| *n += 1);
        }
    }

    /// The root whose workspace `path` belongs to among the loaded and the
    /// loading ones, and whether it is still loading (no workspace yet).
    fn root_of(&self, path: &Path) -> Option<(&PathBuf, bool)> {
        let loaded = self
            .workspaces
            .keys()
            .filter(|r| path.starts_with(r))
            .map(|r| (r, false));
        let loading = self
            .loading
            .keys()
            .filter(|r| path.starts_with(r) && !self.workspaces.contains_key(*r))
            .map(|r| (r, true));
        loaded
            .chain(loading)
            .max_by_key(|(r, _)| r.as_os_str().len())
    }

    /// True while the workspace of `path` is being loaded for the first
    /// time: requests that need its registry, bibliography or index get
    /// an empty answer rather than a wrong one.
    pub fn is_loading(&self, path: &Path) -> bool {
        self.root_of(path).is_some_and(|(_, loading)| loading)
    }

    /// True when the workspace of `path` is loading, or loaded with its
    /// documents still being indexed in the background: an answer about
    /// the whole workspace (a rename) would miss the files not indexed yet.
    pub fn is_incomplete(&self, path: &Path) -> bool {
        self.root_of(path).is_some_and(|(root, loading)| {
            loading || self.workspaces.get(root).is_some_and(|w| w.indexing)
        })
    }

    /// True for an open document whose workspace is loading and not yet
    /// found large: its diagnostics wait for the workspace.
    fn held(&self, path: &Path) -> bool {
        match self.root_of(path) {
            Some((root, true)) => !self.loading[root].slow,
            _ => false,
        }
    }

    /// Forgets the workspaces whose root lies in `folder` (a workspace folder
    /// the client removed), unless a document open in the editor still
    /// belongs to them. Returns empty diagnostics for their files.
    pub fn drop_workspaces_under(&mut self, folder: &Path) -> Vec<FileDiagnostics<'static>> {
        let gone: Vec<PathBuf> = self
            .workspaces
            .keys()
            .filter(|r| r.starts_with(folder) && !self.open.keys().any(|p| p.starts_with(r)))
            .cloned()
            .collect();
        let mut out = Vec::new();
        self.loading
            .retain(|r, _| !r.starts_with(folder) || self.open.keys().any(|p| p.starts_with(r)));
        self.loads.send_modify(|n| *n += 1);
        for root in gone {
            if let Some(ws) = self.workspaces.remove(&root) {
                for path in ws.aux.keys() {
                    out.push(FileDiagnostics {
                        path: Cow::Owned(path.clone()),
                        version: None,
                        report: Report::Clear,
                    });
                }
            }
        }
        out
    }

    /// Records the summaries of documents indexed in the background; open
    /// documents keep the editor's version.
    pub fn finish_index(&mut self, root: &Path, summaries: Vec<(PathBuf, DocSummary)>) {
        // Wakes the requests waiting for a complete index (a rename), once
        // the summaries below are in: they wait for the lock.
        self.loads.send_modify(|n| *n += 1);
        let Some(ws) = self.workspaces.get_mut(root) else {
            return;
        };
        ws.indexing = false;
        // One by one on this thread: `set_docs` would resolve on rayon's
        // pool, which runs at nice 10 here, while the lock is held.
        for (path, summary) in summaries {
            if !self.open.contains_key(&path) {
                ws.set_doc(path, summary);
            }
        }
    }

    /// The workspace of `path`: the loaded one it belongs to; while that is
    /// loading for the first time, a stand-in without registry,
    /// bibliography or index; outside every workspace, `detached`.
    pub fn workspace_of(&self, path: &Path) -> &Workspace {
        match self.root_of(path) {
            Some((root, false)) => &self.workspaces[root],
            Some((root, true)) => &self.loading[root].local,
            None => &self.detached,
        }
    }

    fn workspace_of_mut(&mut self, path: &Path) -> Option<&mut Workspace> {
        match self.root_of(path) {
            Some((root, false)) => {
                let root = root.clone();
                self.workspaces.get_mut(&root)
            }
            _ => None,
        }
    }

    /// The open document at `path`, analysed (`None` for a file that is not
    /// open, is no document, or is too large to analyse).
    pub fn open_doc(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)?.doc.as_ref()
    }

    /// The references of the open document at `path`'s citations, to be
    /// rendered on another thread so that hovering them is instant (`None`
    /// when it is not open or cites nothing its workspace knows).
    pub fn prerender(&self, path: &Path) -> Option<crate::workspace::bibliography::Prerender> {
        let job = self
            .workspace_of(path)
            .prerender(&self.open_doc(path)?.model);
        (!job.is_empty()).then_some(job)
    }

    /// The paths of the open documents below `root`.
    pub fn open_under(&self, root: &Path) -> Vec<PathBuf> {
        self.open
            .keys()
            .filter(|p| p.starts_with(root))
            .cloned()
            .collect()
    }

    /// The document at `path` as the editor holds it when open, else read
    /// from disk and scanned.
    pub fn document(&self, path: &Path) -> Option<DocRef<'_>> {
        if let Some(doc) = self.open_doc(path) {
            return Some(DocRef::Open(doc));
        }
        let text = workspace::read_text(path).ok()?;
        Some(DocRef::Read(Box::new(Document::scan(
            path.to_path_buf(),
            text,
        ))))
    }

    /// The documents of the workspace of `path` that the editor does not
    /// hold: what a workspace-wide action reads from disk. The server reads
    /// them off its lock (`read_documents`) and hands them to
    /// `tag_everywhere`.
    pub fn closed_documents(&self, path: &Path) -> Vec<PathBuf> {
        if self.is_loading(path) {
            return Vec::new();
        }
        self.workspace_of(path)
            .docs
            .keys()
            .filter(|p| self.open_doc(p).is_none())
            .cloned()
            .collect()
    }

    /// "Tag every untagged `name` in the workspace": the documents of the
    /// workspace of `path` (open ones as the editor holds them, the others
    /// from `read` when they are there, else read from disk now) where
    /// `name` stands untagged for the entry `id`, each with the edits that
    /// tag it (`import::tag::workspace_edits`), in path order. Refused
    /// while the workspace's index is incomplete (a document not indexed
    /// yet would be missed) and when `id` no longer names an entry.
    pub fn tag_everywhere<'a>(
        &'a self,
        path: &Path,
        name: &str,
        id: &str,
        read: &'a HashMap<PathBuf, Document>,
    ) -> Result<Vec<(DocRef<'a>, crate::import::tag::Edits)>, String> {
        if self.is_incomplete(path) {
            return Err(crate::import::tag::INDEXING.to_string());
        }
        let ws = self.workspace_of(path);
        if !ws.has_root() {
            return Err("this document is in no workspace".into());
        }
        let entity = ws
            .registry
            .index_of(id)
            .ok_or_else(|| format!("`{id}` is no longer a registry id"))?;
        let paths: Vec<PathBuf> = ws.docs.keys().cloned().collect();
        Ok(crate::import::tag::workspace_edits(
            ws,
            &paths,
            name,
            entity,
            |p| match (self.open_doc(p), read.get(p)) {
                (Some(doc), _) | (None, Some(doc)) => Some(DocRef::Open(doc)),
                (None, None) => self.document(p),
            },
        ))
    }

    pub fn open_file(&mut self, path: PathBuf, version: i32, text: String) {
        let doc = (is_document(&path) && text.len() <= MAX_ANALYZED)
            .then(|| Document::scan(path.clone(), text.clone()));
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
        self.open
            .insert(path.clone(), OpenFile { version, rope, doc });
        self.aux_changed(&path);
    }

    /// Applies changes in order to the rope (positions past a line's end or
    /// the text's end are clamped, as LSP says), then analyses the new text
    /// from scratch with the scanner. Returns false when the file is not
    /// open.
    pub fn change_file(&mut self, path: &Path, version: i32, changes: Vec<TextChange>) -> bool {
        let enc = self.encoding;
        let Some(file) = self.open.get_mut(path) else {
            return false;
        };
        // Work on a copy (a rope clone shares its chunks), and store the
        // result only when everything succeeded: a panic on the way leaves
        // the file as it was, never a text that disagrees with its model.
        let mut rope = file.rope.clone();
        for change in changes {
            match change.range {
                None => rope = Rope::from_str(&change.text),
                Some((from, to)) => {
                    let start = rope_offset(&rope, from, enc);
                    let end = rope_offset(&rope, to, enc).max(start);
                    let start_char = rope.byte_to_char(start);
                    let end_char = rope.byte_to_char(end);
                    rope.remove(start_char..end_char);
                    rope.insert(start_char, &change.text);
                }
            }
        }
        let size = rope.len_bytes();
        let analysed_before = file.doc.is_some();
        // A full scan, not an incremental reparse: the scanner is proved
        // to give the grammar's tree, and scanning 1 MB costs less than
        // reparsing it incrementally and walking the tree for the model
        // (BENCHMARKS.md, "Keystroke → diagnostics"). The registry names
        // found in the old version are handed on: only the lines the edit
        // touched are searched again.
        let doc = (is_document(path) && size <= MAX_ANALYZED).then(|| {
            let text = String::from(&rope);
            match file.doc.as_mut() {
                Some(old) => Document::scan_edited(path.to_path_buf(), text, old),
                None => Document::scan(path.to_path_buf(), text),
            }
        });
        file.rope = rope;
        file.version = version;
        match doc {
            Some(doc) => {
                let summary = DocSummary::of(&doc);
                file.doc = Some(doc);
                if let Some(ws) = self.workspace_of_mut(path) {
                    let before = ws.docs.get(path).map(|s| &s.cite_keys);
                    let changed = before != Some(&summary.cite_keys);
                    ws.set_doc(path.to_path_buf(), summary);
                    self.cites_changed = changed;
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

    /// What to publish after `change_file(path)`: for a document, itself
    /// and the open translations of it; for a registry or bibliography
    /// file, everything (any document may mention what changed).
    pub fn diagnostics_after_change(&self, path: &Path) -> Vec<FileDiagnostics<'_>> {
        if !is_document(path) {
            return self.all_diagnostics();
        }
        let mut list: Vec<FileDiagnostics<'_>> = self.diagnostics_of(path).into_iter().collect();
        let ws = self.workspace_of(path);
        list.extend(
            ws.translations_of(path)
                .filter(|p| self.open.contains_key(*p))
                .filter_map(|p| self.diagnostics_of(p)),
        );
        let unused_on = ws.config.lints.level(Code::UnusedBibliographyEntry) != Level::Off;
        if self.cites_changed && unused_on && ws.has_root() {
            for file in &ws.bibliography_files {
                list.extend(self.aux_diagnostics(ws, file));
            }
        }
        list
    }

    pub fn close_file(&mut self, path: &Path) -> Option<OpenFile> {
        let file = self.open.remove(path)?;
        if file.doc.is_some() {
            // The file on disk is the truth again.
            let summary = workspace::read_text(path).ok().map(|text| {
                DocSummary::indexed(&Document::scan(path.to_path_buf(), text), self.encoding)
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
            .map(|(p, f)| (p.clone(), String::from(&f.rope)))
            .collect()
    }

    /// Files changed on disk. Returns the (re)loads to run off the lock: a
    /// workspace whose `scholia.toml` changed, or that gained or lost a
    /// file that is not a document, is loaded anew; the old one serves
    /// until the new one is in. Everything is to be published again
    /// afterwards (`all_diagnostics`).
    pub fn files_changed(&mut self, changes: &[(PathBuf, FileChange)]) -> Vec<LoadJob> {
        let mut reload_roots: Vec<PathBuf> = Vec::new();
        for (path, kind) in changes {
            // Editors' locks, backups and swap files come and go as the
            // user types: never read, never a reason to reload.
            if workspace::is_editor_leftover(path) {
                continue;
            }
            let Some((root, loading)) = self.root_of(path).map(|(r, l)| (r.clone(), l)) else {
                continue;
            };
            let is_config = path
                .file_name()
                .is_some_and(|n| n == workspace::CONFIG_FILE);
            if loading {
                // The load under way may have read the file before it
                // changed: start it again. Documents are read later, by
                // the indexer.
                if !is_document(path) && !reload_roots.contains(&root) {
                    reload_roots.push(root);
                }
                continue;
            }
            let created_or_deleted = *kind != FileChange::Changed;
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
                    Ok(text) if *kind != FileChange::Deleted => {
                        let doc = Document::scan(path.clone(), text);
                        ws.set_doc(path.clone(), DocSummary::indexed(&doc, self.encoding));
                    }
                    _ => ws.remove_doc(path),
                }
            }
        }
        reload_roots
            .into_iter()
            .map(|root| self.begin_load(&root))
            .collect()
    }

    /// Diagnostics of one open file (a document, or a registry/bibliography/
    /// config file). `None` for a document whose workspace is loading and
    /// not yet found large (its diagnostics come with the workspace).
    pub fn diagnostics_of(&self, path: &Path) -> Option<FileDiagnostics<'_>> {
        let (path, file) = self.open.get_key_value(path)?;
        if self.held(path) {
            return None;
        }
        let ws = self.workspace_of(path);
        let report = match &file.doc {
            None if is_document(path) => Report::TooLarge {
                bytes: file.rope.len_bytes(),
            },
            Some(doc) => {
                let list = self.check(doc, ws);
                Report::Found {
                    text: &doc.text,
                    index: &doc.line_index,
                    others: related_files(ws, &list),
                    list,
                }
            }
            None => {
                let aux = ws.aux.get(path)?;
                let mut list = diagnostics::aux_diagnostics(ws, path, !self.is_incomplete(path));
                diagnostics::finish(&mut list, ws);
                Report::Found {
                    text: &aux.text,
                    index: &aux.line_index,
                    others: related_files(ws, &list),
                    list,
                }
            }
        };
        Some(FileDiagnostics {
            path: Cow::Borrowed(path),
            version: Some(file.version),
            report,
        })
    }

    /// The diagnostics of a registry, bibliography or config file of `ws`
    /// that is not open in the editor (an open one has `diagnostics_of`).
    fn aux_diagnostics<'a>(
        &'a self,
        ws: &'a Workspace,
        path: &'a Path,
    ) -> Option<FileDiagnostics<'a>> {
        if self.open.contains_key(path) {
            return self.diagnostics_of(path);
        }
        let aux = ws.aux.get(path)?;
        let mut list = diagnostics::aux_diagnostics(ws, path, !self.is_incomplete(path));
        diagnostics::finish(&mut list, ws);
        Some(FileDiagnostics {
            path: Cow::Borrowed(path),
            version: None,
            report: Report::Found {
                text: &aux.text,
                index: &aux.line_index,
                others: related_files(ws, &list),
                list,
            },
        })
    }

    /// `diagnostics::check`, except what would be wrong for a moment and
    /// then vanish: no translation check while the workspace loads (the
    /// stand-in has no index), nor while it is indexed when the original
    /// is not indexed yet.
    fn check(&self, doc: &Document, ws: &Workspace) -> Vec<Diagnostic> {
        let mut out = diagnostics::check_local(doc, ws);
        let loading = self.is_loading(&doc.path);
        let original_unknown =
            || workspace::translation_target(doc).is_some_and(|t| !ws.docs.contains_key(&t));
        let wait = loading || (ws.indexing && original_unknown());
        if !wait {
            out.extend(diagnostics::check_translation(doc, ws));
        }
        diagnostics::finish(&mut out, ws);
        out
    }

    /// Diagnostics of every open file, and of every registry, bibliography
    /// and config file of the loaded workspaces (an empty list clears a
    /// fixed one).
    pub fn all_diagnostics(&self) -> Vec<FileDiagnostics<'_>> {
        let mut out: Vec<FileDiagnostics<'_>> = self
            .open
            .keys()
            .filter_map(|p| self.diagnostics_of(p))
            .collect();
        for ws in self.workspaces.values() {
            for path in ws.aux.keys().filter(|p| !self.open.contains_key(*p)) {
                out.extend(self.aux_diagnostics(ws, path));
            }
        }
        out
    }

    /// Runs `f` on the text and line index of a file of a workspace,
    /// borrowed when the file is open or in memory (no copy of a large open
    /// document per location), read from disk otherwise.
    pub fn with_text<R>(&self, path: &Path, f: impl FnOnce(&str, &LineIndex) -> R) -> Option<R> {
        if let Some(d) = self.open_doc(path) {
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
                    let t = String::from(&f.rope);
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

/// A `.scholia` file that is not an editor's lock, backup or swap file.
pub fn is_document(path: &Path) -> bool {
    workspace::is_document(path)
}

/// A position in a rope → byte offset, with LSP's clamping rules: a column
/// past the line's end is the line's end, a line past the last is the end.
pub fn rope_offset(rope: &Rope, p: LineCol, enc: Encoding) -> usize {
    let line = p.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let mut offset = start;
    let mut units = 0usize;
    for c in rope.line(line).chars() {
        if c == '\n' || c == '\r' {
            break;
        }
        let w = enc.width(c);
        if units + w > p.col as usize {
            break;
        }
        units += w;
        offset += c.len_utf8();
    }
    offset
}
