//! The workspace: `scholia.toml`, the registry, the bibliography and the index
//! of every document. Every cross-file query the features need is answered
//! here, from memory.

pub mod bibliography;
pub mod config;
pub mod document;
pub mod entity_index;
pub mod files;
pub mod names;
pub mod registry;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use globset::{GlobSet, GlobSetBuilder};

use crate::base::{Code, Diagnostic};
use crate::text::{Encoding, LineCol, LineIndex};
pub use bibliography::{BibEntry, Bibliography};
pub use config::Config;
pub use document::Document;
pub use files::{is_document, is_editor_leftover};
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
        let keys: Vec<&str> = m
            .citations
            .iter()
            .flat_map(|c| c.items.iter().map(|i| i.key.as_str()))
            .collect();
        let (cite_keys, cite_index) = interned(&keys);
        let targets: Vec<&str> = m.mentions.iter().map(|x| x.target.as_str()).collect();
        let (mention_targets, mention_index) = interned(&targets);
        let mentions = m
            .mentions
            .iter()
            .zip(mention_index)
            .map(|(x, index)| Occurrence {
                index,
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
            .zip(cite_index)
            .map(|(i, index)| Occurrence {
                index,
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

/// The distinct strings of `all`, sorted, and for each element of `all` the
/// index of its string among them. Each distinct string is hashed into a
/// table once per occurrence, then only the distinct ones are sorted and
/// copied: a 1 MB document has ≈ 6,000 mentions of a few hundred targets,
/// and sorting and searching the strings of all of them was ≈ 15 % of a
/// keystroke (BENCHMARKS.md, branch `keys`).
fn interned(all: &[&str]) -> (Vec<String>, Vec<u32>) {
    let mut ids: HashMap<&str, u32, foldhash::fast::RandomState> = HashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let local: Vec<u32> = all
        .iter()
        .map(|&s| {
            *ids.entry(s).or_insert_with(|| {
                distinct.push(s);
                (distinct.len() - 1) as u32
            })
        })
        .collect();
    let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
    order.sort_unstable_by_key(|&i| distinct[i as usize]);
    let mut rank = vec![0u32; distinct.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    let sorted = order
        .iter()
        .map(|&i| distinct[i as usize].to_string())
        .collect();
    (
        sorted,
        local.into_iter().map(|l| rank[l as usize]).collect(),
    )
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

/// What the index keeps per document id.
#[derive(Debug, Default)]
struct DocEntry {
    path: PathBuf,
    /// `None` once the document is removed.
    summary: Option<Arc<DocSummary>>,
    /// Per `DocSummary::mention_targets`: the entity it resolves to (a
    /// unique resolution), or `NO_ENTITY`.
    resolved: Vec<u32>,
    /// The distinct entities of `resolved`, ascending.
    entities: Vec<u32>,
    /// `summary.mentions` grouped by the entity they name, so that a
    /// references or rename request reads only the mentions it returns
    /// (see `MentionGroups`).
    groups: MentionGroups,
    /// A string the caller derives from `path` alone (the LSP layer: the
    /// document's URI as JSON), made on first use and kept: an id's path
    /// never changes, so neither does the string.
    path_text: OnceLock<Arc<str>>,
}

const NO_ENTITY: u32 = u32::MAX;

/// The mentions of a document grouped by the entity they name: the
/// indexes (into `DocSummary::mentions`) of the mentions of `entities[k]`,
/// in document order, are `mentions[starts[k]..starts[k + 1]]`. Mentions
/// that name no entity uniquely are left out. `spans` holds those
/// mentions' spans in the same order, when every one has a span: a large
/// references answer reads them in sequence rather than 100,000
/// `Occurrence`s scattered over the index.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct MentionGroups {
    starts: Vec<u32>,
    mentions: Vec<u32>,
    spans: Vec<Span>,
}

impl MentionGroups {
    /// A counting sort of `summary.mentions` by entity: linear, and stable
    /// (document order within each entity).
    fn new(summary: &DocSummary, resolved: &[u32], entities: &[u32]) -> MentionGroups {
        if entities.is_empty() {
            return MentionGroups::default();
        }
        // Per mention target: the rank of its entity in `entities`.
        let rank: Vec<u32> = resolved
            .iter()
            .map(|e| match entities.binary_search(e) {
                Ok(k) => k as u32,
                Err(_) => NO_ENTITY,
            })
            .collect();
        let rank_of = |o: &Occurrence| rank.get(o.index as usize).copied().unwrap_or(NO_ENTITY);
        let mut starts = vec![0u32; entities.len() + 1];
        for o in &summary.mentions {
            let k = rank_of(o);
            if k != NO_ENTITY {
                starts[k as usize + 1] += 1;
            }
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut next = starts.clone();
        let mut mentions = vec![0u32; starts[entities.len()] as usize];
        for (m, o) in summary.mentions.iter().enumerate() {
            let k = rank_of(o);
            if k != NO_ENTITY {
                let at = &mut next[k as usize];
                mentions[*at as usize] = m as u32;
                *at += 1;
            }
        }
        let mut groups = MentionGroups {
            starts,
            mentions,
            spans: Vec::new(),
        };
        groups.copy_spans(summary);
        groups
    }

    /// Copies the spans of the grouped mentions of `summary` (the summary
    /// they were grouped from, or one with the same mentions moved).
    /// On the keystroke path: the buffer is reused.
    fn copy_spans(&mut self, summary: &DocSummary) {
        self.spans.clear();
        for &m in &self.mentions {
            let Some(span) = summary.mentions[m as usize].span else {
                self.spans.clear();
                return;
            };
            self.spans.push(span);
        }
    }

    fn range(&self, k: usize) -> std::ops::Range<usize> {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The mentions of `entities[k]`.
    fn group(&self, k: usize) -> &[u32] {
        &self.mentions[self.range(k)]
    }

    /// Their spans, or nothing when some mention of the document has none.
    fn spans(&self, k: usize) -> &[Span] {
        self.spans.get(self.range(k)).unwrap_or(&[])
    }
}

/// A document that mentions an entity, as the index holds it.
#[derive(Debug, Clone, Copy)]
pub struct IndexedDoc<'a> {
    pub path: &'a Path,
    pub summary: &'a DocSummary,
    /// Per `summary.mention_targets`: the entity it names uniquely, if any.
    resolved: &'a [u32],
    /// The indexes (into `summary.mentions`) of the mentions of the entity
    /// this document was found for, in order.
    naming: &'a [u32],
    /// Their spans, when the index has one for each (else empty).
    spans: &'a [Span],
    /// The cache of `path_text`.
    path_text: &'a OnceLock<Arc<str>>,
}

impl<'a> IndexedDoc<'a> {
    /// Whether the mention target at `index` (into `mention_targets`)
    /// resolves to exactly entity `entity`.
    pub fn names_entity(&self, index: u32, entity: usize) -> bool {
        self.resolved
            .get(index as usize)
            .is_some_and(|&e| e as usize == entity)
    }

    /// The mentions of the entity this document was found for (by
    /// `Workspace::mentioning`), in order: those whose target
    /// `names_entity`, read without looking at the others.
    pub fn mentions(&self) -> impl ExactSizeIterator<Item = &'a Occurrence> + 'a {
        let all = &self.summary.mentions;
        self.naming.iter().map(move |&m| &all[m as usize])
    }

    /// The spans of `mentions()`, in the same order, when each has one.
    pub fn mention_spans(&self) -> Option<&'a [Span]> {
        (self.spans.len() == self.naming.len()).then_some(self.spans)
    }

    /// `make(path)`, computed once per document of the index and kept:
    /// `make` must depend on the path alone (the LSP layer keeps each
    /// document's URI this way).
    pub fn path_text(&self, make: impl FnOnce(&Path) -> Arc<str>) -> Arc<str> {
        self.path_text.get_or_init(|| make(self.path)).clone()
    }
}

/// Per `summary.mention_targets`: the entity it resolves to uniquely in
/// `registry`, or `NO_ENTITY`.
fn resolve_targets(registry: &Registry, summary: &DocSummary) -> Vec<u32> {
    summary
        .mention_targets
        .iter()
        .map(|t| match registry.resolve(t) {
            Resolution::Unique(i) => i as u32,
            _ => NO_ENTITY,
        })
        .collect()
}

/// What the index derives from a summary and the registry: its targets
/// resolved, the entities they name, its mentions grouped by entity.
#[derive(Debug, Default)]
struct Resolved {
    targets: Vec<u32>,
    entities: Vec<u32>,
    groups: MentionGroups,
}

impl Resolved {
    fn new(registry: &Registry, summary: &DocSummary) -> Resolved {
        Self::of_targets(summary, resolve_targets(registry, summary))
    }

    fn of_targets(summary: &DocSummary, targets: Vec<u32>) -> Resolved {
        let mut entities: Vec<u32> = targets
            .iter()
            .copied()
            .filter(|&e| e != NO_ENTITY)
            .collect();
        entities.sort_unstable();
        entities.dedup();
        let groups = MentionGroups::new(summary, &targets, &entities);
        Resolved {
            targets,
            entities,
            groups,
        }
    }
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
        let (mut ws, docs) = Workspace::scan(root, |_| {});
        ws.reload_registry();
        ws.reload_bibliography();
        (ws, docs)
    }

    /// The first half of `open`: reads `scholia.toml` and lists the
    /// documents, registry and bibliography files without reading them;
    /// `found` is told the number of files walked so far after each.
    pub fn scan(root: &Path, mut found: impl FnMut(usize)) -> (Workspace, Vec<PathBuf>) {
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
        let mut files = 0;
        let walker = walkdir::WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_name().to_string_lossy().starts_with('.')
                        || is_editor_leftover(e.path())
                        || (e.file_type().is_dir()
                            && matches!(e.file_name().to_str(), Some("node_modules" | "target"))))
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    // An editor's lock (Emacs' `.#name`, a dangling link)
                    // is skipped silently.
                    if e.path().is_some_and(is_editor_leftover) {
                        continue;
                    }
                    // Loops, broken links and unreadable folders are skipped;
                    // the rest is used.
                    eprintln!("scholia: skipping a path of the workspace: {e}");
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            files += 1;
            found(files);
            let path = entry.path();
            let Ok(rel) = path.strip_prefix(&root) else {
                continue;
            };
            if is_document(path) {
                docs.push(path.to_path_buf());
            } else if registry_globs.is_match(rel) {
                ws.registry_files.push(path.to_path_buf());
            } else if bibliography_globs.is_match(rel) {
                ws.bibliography_files.push(path.to_path_buf());
            }
        }
        ws.report_unmatched_patterns();
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
        let (mut registry, diagnostics) = Registry::load(&texts);
        registry.set_not_mentions(&self.config.not_mentions);
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
        self.set_doc_resolved(path, summary, None);
    }

    /// `set_doc` of every (path, summary), in order, with the mention
    /// targets of all of them resolved against the registry in parallel
    /// first (rayon): the same index as calling `set_doc` on each in turn,
    /// for a fraction of the serial time (resolution is most of it).
    pub fn set_docs(&mut self, docs: Vec<(PathBuf, DocSummary)>) {
        use rayon::prelude::*;
        let registry = &self.registry;
        let resolve = |(_, summary): &(PathBuf, DocSummary)| Resolved::new(registry, summary);
        // Few documents: not worth waking the pool.
        let resolved: Vec<Resolved> = if docs.len() < 64 {
            docs.iter().map(resolve).collect()
        } else {
            docs.par_iter().map(resolve).collect()
        };
        for ((path, summary), resolved) in docs.into_iter().zip(resolved) {
            self.set_doc_resolved(path, summary, Some(resolved));
        }
    }

    /// `set_doc`, given the resolution of `summary`'s mention targets if
    /// already computed (`Resolved::new` with the current registry).
    fn set_doc_resolved(&mut self, path: PathBuf, summary: DocSummary, resolved: Option<Resolved>) {
        let summary = Arc::new(summary);
        let id = self.id_of(&path);
        let old = self.entries[id as usize].summary.take();
        let old_original = old.as_ref().and_then(|o| o.translation_of.clone());
        if old_original != summary.translation_of {
            self.unlink_translation(&path, old_original.as_deref());
            if let Some(original) = &summary.translation_of {
                self.translations
                    .entry(original.clone())
                    .or_default()
                    .insert(path.clone());
            }
        }
        self.docs.insert(path, summary.clone());
        // Which entities a document mentions depends only on its mention
        // targets: when they are unchanged (most keystrokes), the
        // mentioned-in lists stay as they are.
        let same_targets = old
            .as_ref()
            .is_some_and(|o| o.mention_targets == summary.mention_targets);
        if !same_targets {
            self.unlink_mentions(id);
            let resolved = resolved.unwrap_or_else(|| Resolved::new(&self.registry, &summary));
            self.link_mentions(id, resolved);
        } else {
            // The same targets, so the same entities; the mentions are
            // grouped again unless they name the same targets in the same
            // order as before (a keystroke that touches no mention).
            let entry = &mut self.entries[id as usize];
            let same_mentions = old.as_ref().is_some_and(|o| {
                o.mentions
                    .iter()
                    .map(|m| m.index)
                    .eq(summary.mentions.iter().map(|m| m.index))
            });
            if !same_mentions {
                entry.groups = match resolved {
                    Some(r) => r.groups,
                    None => MentionGroups::new(&summary, &entry.resolved, &entry.entities),
                };
            } else {
                // The same mentions, maybe moved.
                entry.groups.copy_spans(&summary);
            }
        }
        self.entries[id as usize].summary = Some(summary);
    }

    pub fn remove_doc(&mut self, path: &Path) {
        if self.docs.remove(path).is_none() {
            return;
        }
        let Some(&id) = self.ids.get(path) else {
            return;
        };
        let old = self.entries[id as usize].summary.take();
        let original = old.and_then(|o| o.translation_of.clone());
        self.unlink_translation(path, original.as_deref());
        self.unlink_mentions(id);
    }

    /// The id of `path`, given one if it has none.
    fn id_of(&mut self, path: &Path) -> u32 {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = self.entries.len() as u32;
        self.ids.insert(path.to_path_buf(), id);
        self.entries.push(DocEntry {
            path: path.to_path_buf(),
            ..DocEntry::default()
        });
        self.path_rank = OnceLock::new();
        id
    }

    fn unlink_translation(&mut self, path: &Path, original: Option<&Path>) {
        if let Some(original) = original
            && let Some(set) = self.translations.get_mut(original)
        {
            set.remove(path);
            if set.is_empty() {
                self.translations.remove(original);
            }
        }
    }

    /// Removes document `id` from the mentioned-in list of every entity it
    /// mentions.
    fn unlink_mentions(&mut self, id: u32) {
        let entry = &mut self.entries[id as usize];
        entry.resolved.clear();
        entry.groups = MentionGroups::default();
        let popularity = self.popularity.get_mut().unwrap_or_else(|e| e.into_inner());
        for e in std::mem::take(&mut entry.entities) {
            if let Some(list) = self.mentioned_in.get_mut(e as usize)
                && let Ok(at) = list.binary_search_by_key(&id, |&(d, _)| d)
            {
                list.remove(at);
                popularity.touch(e as usize);
            }
        }
    }

    /// Records `resolved` (the resolution of document `id`'s mention
    /// targets) and adds the document to the mentioned-in list of each
    /// entity.
    fn link_mentions(&mut self, id: u32, resolved: Resolved) {
        let Resolved {
            targets,
            entities,
            groups,
        } = resolved;
        let popularity = self.popularity.get_mut().unwrap_or_else(|e| e.into_inner());
        for (k, &e) in entities.iter().enumerate() {
            let e = e as usize;
            if self.mentioned_in.len() <= e {
                self.mentioned_in.resize_with(e + 1, Vec::new);
            }
            let list = &mut self.mentioned_in[e];
            let k = k as u32;
            // Ids mostly arrive in increasing order (indexing): a push.
            match list.last() {
                Some(&(last, _)) if last >= id => {
                    match list.binary_search_by_key(&id, |&(d, _)| d) {
                        Ok(at) => list[at].1 = k,
                        Err(at) => list.insert(at, (id, k)),
                    }
                }
                _ => list.push((id, k)),
            }
            popularity.touch(e);
        }
        let entry = &mut self.entries[id as usize];
        entry.resolved = targets;
        entry.entities = entities;
        entry.groups = groups;
    }

    /// Number of documents that mention the entity with this index.
    pub fn mention_count(&self, entity: usize) -> usize {
        self.mentioned_in.get(entity).map_or(0, Vec::len)
    }

    /// Document id → rank in path order.
    fn path_rank(&self) -> &[u32] {
        self.path_rank.get_or_init(|| {
            let mut ids: Vec<u32> = (0..self.entries.len() as u32).collect();
            ids.sort_by(|&a, &b| {
                self.entries[a as usize]
                    .path
                    .cmp(&self.entries[b as usize].path)
            });
            let mut rank = vec![0u32; ids.len()];
            for (r, &id) in ids.iter().enumerate() {
                rank[id as usize] = r as u32;
            }
            rank
        })
    }

    /// The documents that mention the entity with this index, in path
    /// order, with their summaries and resolved targets.
    pub fn mentioning(&self, entity: usize) -> Vec<IndexedDoc<'_>> {
        let Some(list) = self.mentioned_in.get(entity) else {
            return Vec::new();
        };
        let mut ids = list.clone();
        if ids.len() > 1 {
            // Ids are mostly given in path order (the walk is sorted).
            let rank = self.path_rank();
            if !ids.is_sorted_by_key(|&(id, _)| rank[id as usize]) {
                ids.sort_unstable_by_key(|&(id, _)| rank[id as usize]);
            }
        }
        ids.into_iter()
            .filter_map(|(id, k)| {
                let entry = &self.entries[id as usize];
                debug_assert_eq!(entry.entities.get(k as usize), Some(&(entity as u32)));
                Some(IndexedDoc {
                    naming: entry.groups.group(k as usize),
                    spans: entry.groups.spans(k as usize),
                    path: &entry.path,
                    summary: entry.summary.as_deref()?,
                    resolved: &entry.resolved,
                    path_text: &entry.path_text,
                })
            })
            .collect()
    }

    /// The documents that mention the entity with this index, in path order.
    pub fn documents_mentioning(&self, entity: usize) -> impl Iterator<Item = &Path> {
        self.mentioning(entity).into_iter().map(|d| d.path)
    }

    fn recount_mentions(&mut self) {
        self.mentioned_in.clear();
        for id in 0..self.entries.len() as u32 {
            self.entries[id as usize].entities.clear();
            self.entries[id as usize].resolved.clear();
            self.entries[id as usize].groups = MentionGroups::default();
            if let Some(summary) = self.entries[id as usize].summary.clone() {
                let resolved = Resolved::new(&self.registry, &summary);
                self.link_mentions(id, resolved);
            }
        }
        self.popularity
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .invalidate();
    }

    /// The completion index of the current registry (built on first use
    /// after the registry changed).
    pub fn name_index(&self) -> Arc<entity_index::NameIndex> {
        let mut slot = self.names.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some(index) if index.generation == self.registry.generation() => index.clone(),
            _ => {
                let index = Arc::new(entity_index::NameIndex::build(&self.registry));
                *slot = Some(index.clone());
                index
            }
        }
    }

    /// The `k` entities mentioned by the most documents, ties by name then
    /// id (indices into `registry.entities`).
    pub fn most_mentioned(&self, k: usize) -> Vec<usize> {
        let names = self.name_index();
        let mut popularity = self.popularity.lock().unwrap_or_else(|e| e.into_inner());
        popularity
            .top(&names, |e| self.mention_count(e), k)
            .into_iter()
            .map(|e| e as usize)
            .collect()
    }

    /// Documents whose `translation-of` names `original`, in path order.
    pub fn translations_of<'a>(
        &'a self,
        original: &'a Path,
    ) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.translations.get(original).into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity::person(id, name, aliases)
    }

    fn summary(targets: &[&str], original: Option<&str>) -> DocSummary {
        let mut mention_targets: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        mention_targets.sort();
        mention_targets.dedup();
        DocSummary {
            mention_targets,
            translation_of: original.map(PathBuf::from),
            ..DocSummary::default()
        }
    }

    /// `set_docs` (targets resolved in parallel) builds the same index as
    /// `set_doc` of each document in turn, replacements included.
    #[test]
    fn set_docs_equals_set_doc_in_turn() {
        let registry = || {
            Registry::from_entities(vec![
                entity("mao", "Mao Zedong", &["Mao", "Chairman"]),
                entity("zhou", "Zhou Enlai", &["Chairman"]),
                entity("kim", "Kim Il-sung", &["Ким Ир Сен"]),
            ])
        };
        let targets: [&[&str]; 6] = [
            &["mao", "Zhou Enlai"],
            &["Chairman", "kim", "nobody"],
            &["MAO", "ким ир сен", "Mao\n Zedong"],
            &[],
            &["zhou", "zhou", "mao"],
            &["Kim Il-sung"],
        ];
        let mut docs: Vec<(PathBuf, DocSummary)> = Vec::new();
        for n in 0..200 {
            let original = (n % 7 == 3).then_some("/w/a/0.scholia");
            docs.push((
                PathBuf::from(format!("/w/a/{}.scholia", n % 150)),
                summary(targets[n % targets.len()], original),
            ));
        }
        let mut one_by_one = Workspace {
            registry: registry(),
            ..Workspace::default()
        };
        for (path, s) in docs.clone() {
            one_by_one.set_doc(path, s);
        }
        let mut bulk = Workspace {
            registry: registry(),
            ..Workspace::default()
        };
        bulk.set_docs(docs);
        assert_eq!(one_by_one.docs, bulk.docs);
        assert_eq!(one_by_one.entries.len(), bulk.entries.len());
        for (a, b) in one_by_one.entries.iter().zip(&bulk.entries) {
            assert_eq!(
                (&a.path, &a.summary, &a.resolved, &a.entities, &a.groups),
                (&b.path, &b.summary, &b.resolved, &b.entities, &b.groups)
            );
        }
        for e in 0..3 {
            assert_eq!(one_by_one.mention_count(e), bulk.mention_count(e));
            assert!(
                one_by_one
                    .documents_mentioning(e)
                    .eq(bulk.documents_mentioning(e))
            );
        }
        let original = Path::new("/w/a/0.scholia");
        assert!(
            one_by_one
                .translations_of(original)
                .eq(bulk.translations_of(original))
        );
        assert!(one_by_one.mention_count(0) > 0 && one_by_one.mention_count(2) > 0);
    }

    fn occurrence(index: u32, at: usize) -> Occurrence {
        Occurrence {
            index,
            range: at..at + 4,
            target: at + 2..at + 3,
            has_display: false,
            // A span for all but a sixth mention, so that documents with
            // and without spans for each mention are checked.
            span: (at != 50).then(|| Span {
                start: LineCol {
                    line: 0,
                    col: at as u32,
                },
                end: LineCol {
                    line: 0,
                    col: at as u32 + 4,
                },
            }),
            target_span: None,
        }
    }

    /// A summary whose mentions name `targets` in this order.
    fn summary_of_mentions(targets: &[&str]) -> DocSummary {
        let mut s = summary(targets, None);
        s.mentions = targets
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let index = s.mention_targets.binary_search(&t.to_string()).unwrap();
                occurrence(index as u32, n * 10)
            })
            .collect();
        s
    }

    /// The mentions of each entity read through the groups are the
    /// mentions whose target names it (the filter every request used to
    /// run), after every kind of change: new targets, the same targets in
    /// another order, the same mentions moved, removal, return, a registry
    /// reload.
    #[test]
    fn grouped_mentions_equal_the_filtered_mentions() {
        let registry = || {
            Registry::from_entities(vec![
                entity("mao", "Mao Zedong", &["Mao", "Chairman"]),
                entity("zhou", "Zhou Enlai", &["Chairman"]),
                entity("kim", "Kim Il-sung", &["Ким Ир Сен"]),
            ])
        };
        let mut ws = Workspace {
            registry: registry(),
            ..Workspace::default()
        };
        let check = |ws: &Workspace| {
            for e in 0..4 {
                for doc in ws.mentioning(e) {
                    let filtered: Vec<&Occurrence> = doc
                        .summary
                        .mentions
                        .iter()
                        .filter(|o| doc.names_entity(o.index, e))
                        .collect();
                    let grouped: Vec<&Occurrence> = doc.mentions().collect();
                    assert_eq!(grouped, filtered, "entity {e} in {}", doc.path.display());
                    // Spans are kept when every mention naming an entity
                    // has one.
                    let spans: Option<Vec<Span>> = filtered.iter().map(|o| o.span).collect();
                    let all = (doc.summary.mentions.iter())
                        .filter(|o| (0..4).any(|e| doc.names_entity(o.index, e)))
                        .all(|o| o.span.is_some());
                    let expected = if all { spans } else { None };
                    assert_eq!(doc.mention_spans().map(<[Span]>::to_vec), expected);
                    assert!(!grouped.is_empty());
                }
            }
        };
        let edits: [&[&str]; 8] = [
            &["mao", "Zhou Enlai", "mao", "nobody", "Mao Zedong"],
            &["Zhou Enlai", "mao", "mao", "nobody", "Mao Zedong"],
            &["Zhou Enlai", "mao", "mao", "nobody", "Mao Zedong", "mao"],
            &["Chairman", "kim", "Kim Il-sung", "kim"],
            &[],
            &["zhou", "ZHOU", "mao", "ким ир сен", "kim"],
            &["kim"],
            &["mao", "kim", "zhou", "mao", "kim", "zhou"],
        ];
        for (n, targets) in edits.iter().enumerate() {
            let path = PathBuf::from(format!("/w/{}.scholia", n % 3));
            ws.set_doc(path.clone(), summary_of_mentions(targets));
            check(&ws);
            // The same mentions, moved (as after typing before them).
            let mut moved = summary_of_mentions(targets);
            for o in &mut moved.mentions {
                o.range.start += 1;
                o.range.end += 1;
                if let Some(span) = &mut o.span {
                    span.start.col += 1;
                    span.end.col += 1;
                }
            }
            ws.set_doc(path.clone(), moved);
            check(&ws);
            if n % 4 == 1 {
                ws.remove_doc(&path);
                check(&ws);
                ws.set_doc(path, summary_of_mentions(edits[(n + 3) % edits.len()]));
                check(&ws);
            }
        }
        ws.registry = Registry::from_entities(vec![
            entity("kim", "Kim Il-sung", &["Chairman"]),
            entity("mao", "Mao Zedong", &["Mao"]),
        ]);
        ws.recount_mentions();
        check(&ws);
    }

    /// `path_text` is made once per document and stays that of its own
    /// path: a document renamed (removed, then set under its new path) has
    /// its new path's; a removed document set again gets its own back.
    #[test]
    fn path_text_follows_renames_removals_and_returns() {
        let mut ws = Workspace {
            registry: Registry::from_entities(vec![entity("mao", "Mao Zedong", &[])]),
            ..Workspace::default()
        };
        let made = std::cell::Cell::new(0);
        let text = |ws: &Workspace| -> Vec<String> {
            ws.mentioning(0)
                .iter()
                .map(|d| {
                    let t = d.path_text(|p| {
                        made.set(made.get() + 1);
                        Arc::from(format!("<{}>", p.display()))
                    });
                    assert_eq!(*t, format!("<{}>", d.path.display()));
                    t.to_string()
                })
                .collect()
        };
        let (a, b) = (PathBuf::from("/w/a.scholia"), PathBuf::from("/w/b.scholia"));
        ws.set_doc(a.clone(), summary_of_mentions(&["mao"]));
        assert_eq!(text(&ws), ["</w/a.scholia>"]);
        assert_eq!(text(&ws), ["</w/a.scholia>"]);
        assert_eq!(made.get(), 1, "made once, then kept");
        // Renamed: a goes, b comes.
        ws.remove_doc(&a);
        ws.set_doc(b.clone(), summary_of_mentions(&["mao"]));
        assert_eq!(text(&ws), ["</w/b.scholia>"]);
        // a returns (reopened): its own text, b's unchanged.
        ws.set_doc(a.clone(), summary_of_mentions(&["Mao Zedong"]));
        assert_eq!(text(&ws), ["</w/a.scholia>", "</w/b.scholia>"]);
        assert_eq!(made.get(), 2);
    }
}
