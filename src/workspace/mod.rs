//! The workspace: `scholia.toml`, the registry, the bibliography and the index
//! of every document. Every cross-file query the features need is answered
//! here, from memory.

pub mod bibliography;
pub mod config;
pub mod document;
pub mod registry;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};

use crate::diagnostics::{Code, Diagnostic};
use crate::text::{Encoding, LineCol, LineIndex};
pub use bibliography::{BibEntry, Bibliography};
pub use config::Config;
pub use document::Document;
pub use registry::{Entity, Kind, Registry, Resolution};

/// The file that marks a workspace root.
pub const CONFIG_FILE: &str = "scholia.toml";
/// The extension of documents.
pub const EXTENSION: &str = "scholia";

/// Line/column of both ends of a range, in the encoding the index was
/// built with (kept for closed documents, so that a reference in them needs
/// no file read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: LineCol,
    pub end: LineCol,
}

/// One use of a key (a mention target or a citation key) in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index into `DocSummary::mention_targets` or `DocSummary::cite_keys`.
    pub index: u32,
    /// The whole `[[…]]`, or the citation key.
    pub range: Range<usize>,
    /// A mention's target (equal to `range` for a citation key).
    pub target: Range<usize>,
    /// Whether a mention has `|display` text.
    pub has_display: bool,
    pub span: Option<Span>,
    pub target_span: Option<Span>,
}

/// What the workspace index keeps of each document: enough for every
/// cross-document query without re-reading the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocSummary {
    pub title: Option<String>,
    /// Labels of the footnote definitions, sorted, without duplicates.
    pub labels: Vec<String>,
    /// Citation keys, sorted, without duplicates.
    pub cite_keys: Vec<String>,
    /// Mention targets (folded as in the model), sorted, without duplicates.
    pub mention_targets: Vec<String>,
    /// The original this document translates (absolute path).
    pub translation_of: Option<PathBuf>,
    /// Every mention, in order.
    pub mentions: Vec<Occurrence>,
    /// Every citation item's key, in order.
    pub citations: Vec<Occurrence>,
}

impl DocSummary {
    /// The summary of an open document: positions are taken from the
    /// document itself when needed.
    pub fn of(doc: &Document) -> DocSummary {
        Self::build(doc, None)
    }

    /// The summary of a closed document, with line/column spans in `enc`.
    pub fn indexed(doc: &Document, enc: Encoding) -> DocSummary {
        Self::build(doc, Some(enc))
    }

    fn build(doc: &Document, enc: Option<Encoding>) -> DocSummary {
        let m = &doc.model;
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v
        };
        let span = |r: &Range<usize>| {
            enc.map(|e| Span {
                start: doc.line_index.line_col(&doc.text, r.start, e),
                end: doc.line_index.line_col(&doc.text, r.end, e),
            })
        };
        let cite_keys = sorted(
            m.citations
                .iter()
                .flat_map(|c| c.items.iter().map(|i| i.key.clone()))
                .collect(),
        );
        let mention_targets = sorted(m.mentions.iter().map(|x| x.target.clone()).collect());
        let position =
            |list: &[String], key: &String| list.binary_search(key).unwrap_or_default() as u32;
        let mentions = m
            .mentions
            .iter()
            .map(|x| Occurrence {
                index: position(&mention_targets, &x.target),
                range: x.range.clone(),
                target: x.target_range.clone(),
                has_display: x.display_range.is_some(),
                span: span(&x.range),
                target_span: span(&x.target_range),
            })
            .collect();
        let citations = m
            .citations
            .iter()
            .flat_map(|c| c.items.iter())
            .map(|i| Occurrence {
                index: position(&cite_keys, &i.key),
                range: i.key_range.clone(),
                target: i.key_range.clone(),
                has_display: false,
                span: span(&i.key_range),
                target_span: span(&i.key_range),
            })
            .collect();
        DocSummary {
            title: m
                .front_matter
                .as_ref()
                .and_then(|f| f.title.as_ref().map(|t| t.value.clone()))
                .or_else(|| m.headings.first().map(|h| h.text.clone())),
            labels: sorted(m.footnote_defs.iter().map(|d| d.label.clone()).collect()),
            cite_keys,
            mention_targets,
            translation_of: translation_target(doc),
            mentions,
            citations,
        }
    }
}

/// The absolute path named by a document's `translation-of`.
pub fn translation_target(doc: &Document) -> Option<PathBuf> {
    let rel = &doc
        .model
        .front_matter
        .as_ref()?
        .translation_of
        .as_ref()?
        .value;
    let dir = doc.path.parent().unwrap_or(Path::new(""));
    Some(normalize(&dir.join(rel)))
}

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
    pub registry_files: Vec<PathBuf>,
    pub bibliography_files: Vec<PathBuf>,
    /// `scholia.toml`, registry and bibliography files.
    pub aux: BTreeMap<PathBuf, AuxFile>,
    /// Every document of the workspace, open ones as the editor holds them.
    pub docs: BTreeMap<PathBuf, DocSummary>,
    /// Column unit of the spans kept for closed documents.
    pub encoding: Encoding,
    /// Entity index → the documents that mention it.
    mentioned_in: HashMap<usize, BTreeSet<PathBuf>>,
    /// The text each registry and bibliography file had when last read
    /// successfully (used while it cannot be read).
    last_good: HashMap<PathBuf, String>,
}

/// Lexically normalizes a path: makes it absolute, removes `.` and folds `..`.
pub fn normalize(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The nearest ancestor of `start` (a file or a folder) holding `scholia.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = normalize(start);
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Files larger than this are not read (a diagnostic says so): a registry,
/// bibliography or document that big is a mistake, and reading it would
/// stall the server.
pub const MAX_FILE: u64 = 64 << 20;

/// Reads a file as UTF-8 (a BOM is kept; the model skips it). Files above
/// `MAX_FILE` bytes are refused unread.
pub fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    if size > MAX_FILE {
        return Err(format!(
            "{} is {} MiB, above the limit of {} MiB: not read",
            path.display(),
            size >> 20,
            MAX_FILE >> 20
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn glob_set(patterns: &[config::Pattern]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = globset::GlobBuilder::new(&p.glob)
            .literal_separator(true)
            .build()
        {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl Workspace {
    /// A workspace for documents outside any `scholia.toml`.
    pub fn detached() -> Workspace {
        Workspace::default()
    }

    /// Opens the workspace rooted at `root`: reads `scholia.toml`, finds and
    /// loads the registry and bibliography, and lists (but does not parse)
    /// the documents. Unreadable files become diagnostics, never errors.
    pub fn open(root: &Path) -> (Workspace, Vec<PathBuf>) {
        let root = normalize(root);
        let mut ws = Workspace {
            root: Some(root.clone()),
            ..Workspace::default()
        };
        let config_path = root.join(CONFIG_FILE);
        let mut config_file = match read_text(&config_path) {
            Ok(text) => AuxFile::new(text),
            Err(message) => {
                let mut f = AuxFile::new(String::new());
                f.diagnostics.push(Diagnostic::new(Code::Io, 0..0, message));
                f
            }
        };
        ws.config = Config::parse(&config_file.text);
        config_file
            .diagnostics
            .extend(ws.config.diagnostics.iter().cloned());
        ws.aux.insert(config_path, config_file);

        let registry_globs = glob_set(&ws.config.registry);
        let bibliography_globs = glob_set(&ws.config.bibliography);
        let mut docs = Vec::new();
        let walker = walkdir::WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_name().to_string_lossy().starts_with('.')
                        || (e.file_type().is_dir()
                            && matches!(e.file_name().to_str(), Some("node_modules" | "target"))))
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    // Loops, broken links and unreadable folders are skipped;
                    // the rest is used.
                    eprintln!("scholia: skipping a path of the workspace: {e}");
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let Ok(rel) = path.strip_prefix(&root) else {
                continue;
            };
            if path.extension().is_some_and(|e| e == EXTENSION) {
                docs.push(path.to_path_buf());
            } else if registry_globs.is_match(rel) {
                ws.registry_files.push(path.to_path_buf());
            } else if bibliography_globs.is_match(rel) {
                ws.bibliography_files.push(path.to_path_buf());
            }
        }
        ws.report_unmatched_patterns();
        ws.reload_registry();
        ws.reload_bibliography();
        (ws, docs)
    }

    /// A literal path in `scholia.toml` (no glob characters) that names no
    /// file is reported on its string.
    fn report_unmatched_patterns(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let mut missing = Vec::new();
        for (patterns, files) in [
            (&self.config.registry, &self.registry_files),
            (&self.config.bibliography, &self.bibliography_files),
        ] {
            for p in patterns {
                let literal = !p.glob.contains(['*', '?', '[', '{']);
                if literal && !files.contains(&normalize(&root.join(&p.glob))) {
                    missing.push(Diagnostic::new(
                        Code::Config,
                        p.range.clone(),
                        format!("`{}` names no file of this workspace", p.glob),
                    ));
                }
            }
        }
        if let Some(f) = self.aux.get_mut(&root.join(CONFIG_FILE)) {
            f.diagnostics.extend(missing);
        }
    }

    /// Reads every file in `paths` (or takes the text an editor holds, from
    /// `overrides`), recording unreadable ones as diagnostics. A file that
    /// was read before and cannot be read now (not UTF-8 any more, too big,
    /// unreadable) keeps its last good text, so its entries stay in use.
    fn read_aux(
        &mut self,
        paths: &[PathBuf],
        overrides: &HashMap<PathBuf, String>,
    ) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        for path in paths {
            let text = match overrides.get(path) {
                Some(t) => Ok(t.clone()),
                None => read_text(path),
            };
            match text {
                Ok(text) => {
                    self.last_good.insert(path.clone(), text.clone());
                    self.aux.insert(path.clone(), AuxFile::new(text.clone()));
                    out.push((path.clone(), text));
                }
                Err(message) => {
                    eprintln!("scholia: {message}");
                    let f = match self.last_good.get(path) {
                        Some(good) => {
                            out.push((path.clone(), good.clone()));
                            let mut f = AuxFile::new(good.clone());
                            f.diagnostics.push(Diagnostic::new(
                                Code::Io,
                                0..0,
                                format!("{message}; its last readable version stays in use"),
                            ));
                            f
                        }
                        None => {
                            let mut f = AuxFile::new(String::new());
                            f.diagnostics.push(Diagnostic::new(Code::Io, 0..0, message));
                            f
                        }
                    };
                    self.aux.insert(path.clone(), f);
                }
            }
        }
        out
    }

    /// Re-reads every registry file.
    pub fn reload_registry(&mut self) {
        self.reload_registry_with(&HashMap::new());
    }

    /// Re-reads the registry, taking the text of files open in an editor
    /// from `open`.
    pub fn reload_registry_with(&mut self, open: &HashMap<PathBuf, String>) {
        let files = self.registry_files.clone();
        let texts = self.read_aux(&files, open);
        let (registry, diagnostics) = Registry::load(&texts);
        self.registry = registry;
        for (path, d) in diagnostics {
            if let Some(f) = self.aux.get_mut(&path) {
                f.diagnostics.push(d);
            }
        }
        self.recount_mentions();
    }

    pub fn reload_bibliography(&mut self) {
        self.reload_bibliography_with(&HashMap::new());
    }

    pub fn reload_bibliography_with(&mut self, open: &HashMap<PathBuf, String>) {
        let files = self.bibliography_files.clone();
        let texts = self.read_aux(&files, open);
        let (bibliography, diagnostics) = Bibliography::load(&texts);
        self.bibliography = bibliography;
        for (path, d) in diagnostics {
            if let Some(f) = self.aux.get_mut(&path) {
                f.diagnostics.push(d);
            }
        }
    }

    /// True when registry and bibliography checks apply.
    pub fn has_root(&self) -> bool {
        self.root.is_some()
    }

    /// Records (or replaces) a document's summary.
    pub fn set_doc(&mut self, path: PathBuf, summary: DocSummary) {
        // Which entities a document mentions depends only on its mention
        // targets: when they are unchanged (most keystrokes), the
        // mentioned-in sets stay as they are.
        if let Some(old) = self.docs.get_mut(&path)
            && old.mention_targets == summary.mention_targets
        {
            *old = summary;
            return;
        }
        self.remove_doc(&path);
        for i in self.entities_of(&summary) {
            self.mentioned_in.entry(i).or_default().insert(path.clone());
        }
        self.docs.insert(path, summary);
    }

    pub fn remove_doc(&mut self, path: &Path) {
        if let Some(old) = self.docs.remove(path) {
            for i in self.entities_of(&old) {
                if let Some(set) = self.mentioned_in.get_mut(&i) {
                    set.remove(path);
                }
            }
        }
    }

    /// Number of documents that mention the entity with this index.
    pub fn mention_count(&self, entity: usize) -> usize {
        self.mentioned_in.get(&entity).map_or(0, BTreeSet::len)
    }

    /// The documents that mention the entity with this index.
    pub fn documents_mentioning(&self, entity: usize) -> impl Iterator<Item = &PathBuf> {
        self.mentioned_in.get(&entity).into_iter().flatten()
    }

    fn entities_of(&self, summary: &DocSummary) -> Vec<usize> {
        let mut ids: Vec<usize> = summary
            .mention_targets
            .iter()
            .filter_map(|t| match self.registry.resolve(t) {
                Resolution::Unique(i) => Some(i),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn recount_mentions(&mut self) {
        let mut mentioned_in: HashMap<usize, BTreeSet<PathBuf>> = HashMap::new();
        for (path, s) in &self.docs {
            for i in self.entities_of(s) {
                mentioned_in.entry(i).or_default().insert(path.clone());
            }
        }
        self.mentioned_in = mentioned_in;
    }

    /// Documents whose `translation-of` names `original`.
    pub fn translations_of<'a>(
        &'a self,
        original: &'a Path,
    ) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.docs
            .iter()
            .filter(move |(_, s)| s.translation_of.as_deref() == Some(original))
            .map(|(p, _)| p)
    }
}
