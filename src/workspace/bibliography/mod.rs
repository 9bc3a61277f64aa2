//! The bibliography (SPEC §4): CSL-JSON and BibTeX/BibLaTeX files, each entry
//! with its source span, and its references rendered by hayagriva, a CSL
//! processor, in the style `scholia.toml` chooses.
//!
//! - `csl_json.rs`, `bibtex.rs`: the loaders (spans for diagnostics and
//!   go-to-definition; broken input loses as little as possible);
//! - `model.rs`: each entry in hayagriva's model (a CSL-JSON item as a
//!   `citationberg` item, a BibTeX entry as a hayagriva `Entry`);
//! - `render.rs`: the style and locale, locators, the rendering and its cache.

mod bibtex;
mod csl_json;
pub mod model;
pub mod render;
pub mod store;

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::base::{Code, Diagnostic};

pub use model::Source;
pub use render::CitationStyle;

/// One bibliography entry.
#[derive(Debug, Clone, PartialEq)]
pub struct BibEntry {
    pub key: String,
    /// CSL type or BibTeX entry type, as written.
    pub kind: String,
    pub title: Option<String>,
    pub file: PathBuf,
    /// Byte spans in `file`: the whole entry, and its key.
    pub range: Range<usize>,
    pub key_range: Range<usize>,
    /// The entry in hayagriva's model, what the CSL processor renders.
    pub source: Source,
}

/// Rendered references kept: (style id, entry index, locator) → text.
type Cache = HashMap<(u64, usize, Box<str>), Arc<str>>;

/// Templates of references by (style id, entry index, locator shape);
/// `None` where the style's numbers cannot be filled in.
type Templates = HashMap<(u64, usize, Box<str>), Option<Arc<render::Template>>>;

/// More than this many rendered references and the cache starts afresh.
const CACHE_LIMIT: usize = 50_000;

#[derive(Debug, Default)]
pub struct Bibliography {
    pub entries: Vec<BibEntry>,
    /// key → index.
    by_key: HashMap<String, usize>,
    caches: Arc<Caches>,
}

/// The rendered references and templates of a bibliography, shared with
/// its `Prerender`s.
#[derive(Debug, Default)]
struct Caches {
    rendered: Mutex<Cache>,
    templates: Mutex<Templates>,
}

/// References to render ahead of need, away from the workspace: the server
/// renders an opened document's citations on another thread, without its
/// lock, so that the first hover on a citation finds it rendered (a Chicago
/// note costs hayagriva 1–3 ms). The answers go to the bibliography's
/// caches, exactly as `Bibliography::cite` would put them there.
#[derive(Debug)]
pub struct Prerender {
    style: Arc<CitationStyle>,
    caches: Arc<Caches>,
    /// (entry index, the entry, its locator).
    items: Vec<(usize, BibEntry, Option<String>)>,
}

impl Prerender {
    /// How many references it renders.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Renders them (each as `cite` would; ones already rendered cost a
    /// lookup).
    pub fn run(self) {
        for (index, entry, locator) in &self.items {
            self.caches
                .cite(&self.style, Some(*index), entry, locator.as_deref());
        }
    }
}

impl Bibliography {
    /// Loads every bibliography file (path, text); `.bib` is BibTeX, anything
    /// else CSL-JSON. Problems (code `bibliography`) come back per file;
    /// the valid entries of a broken file are kept where possible.
    pub fn load(files: &[(PathBuf, String)]) -> (Bibliography, Vec<(PathBuf, Diagnostic)>) {
        // Like BibTeX, which reads every file as one, a `@string` of one
        // file is usable in the others.
        let strings = files
            .iter()
            .enumerate()
            .filter(|(_, (path, _))| is_bibtex(path))
            .flat_map(|(i, (_, text))| {
                bibtex::string_definitions(text)
                    .into_iter()
                    .map(move |(k, d)| (i, k, d))
            })
            .collect();
        let mut loader = Loader {
            files,
            entries: Vec::new(),
            diagnostics: Vec::new(),
            first_keys: HashMap::new(),
            line_starts: vec![None; files.len()],
            strings,
        };
        for (index, (path, text)) in files.iter().enumerate() {
            if is_bibtex(path) {
                loader.bibtex(index, text);
            } else {
                loader.csl_json(index, text);
            }
        }
        let mut diagnostics = loader.diagnostics;
        diagnostics.sort_by_key(|(file, d)| (*file, d.range.start));
        let diagnostics = diagnostics
            .into_iter()
            .map(|(file, d)| (files[file].0.clone(), d))
            .collect();
        (Bibliography::from_entries(loader.entries), diagnostics)
    }

    /// A bibliography of these entries, indexed by key (a repeated key finds
    /// its first entry).
    pub fn from_entries(entries: Vec<BibEntry>) -> Bibliography {
        let mut by_key = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            by_key.entry(e.key.clone()).or_insert(i);
        }
        Bibliography {
            entries,
            by_key,
            caches: Arc::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&BibEntry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }

    /// The entry rendered in `style` with `locator` (e.g. `fols. 97-103`),
    /// from the cache when it was rendered before. Callers go through
    /// `Workspace::cite`, which knows the configured style.
    pub fn cite(&self, style: &CitationStyle, entry: &BibEntry, locator: Option<&str>) -> Arc<str> {
        let index = self
            .by_key
            .get(&entry.key)
            // The entry is almost always one of ours (`get`): the address
            // says so without comparing every field (a deep comparison of
            // the item was a fifth of an archive export's time).
            .filter(|&&i| std::ptr::eq(&self.entries[i], entry) || self.entries[i] == *entry)
            .copied();
        self.caches.cite(style, index, entry, locator)
    }

    /// How many renderings and templates the caches hold (tests).
    pub fn cached(&self) -> usize {
        self.caches.lock().len() + self.caches.lock_templates().len()
    }

    /// The references of `cites` (citation key, locator), to be rendered
    /// ahead of need in `style` (`Prerender`); unknown keys are left out.
    pub fn prerender<'k>(
        &self,
        style: &Arc<CitationStyle>,
        cites: impl IntoIterator<Item = (&'k str, Option<&'k str>)>,
    ) -> Prerender {
        let mut items: Vec<(usize, BibEntry, Option<String>)> = Vec::new();
        for (key, locator) in cites {
            if let Some(&i) = self.by_key.get(key) {
                items.push((i, self.entries[i].clone(), locator.map(str::to_string)));
            }
        }
        Prerender {
            style: style.clone(),
            caches: self.caches.clone(),
            items,
        }
    }
}

impl Caches {
    /// `Bibliography::cite` for an entry known to be the bibliography's
    /// `index`th (`None`: not one of its entries, rendered and not kept).
    fn cite(
        &self,
        style: &CitationStyle,
        index: Option<usize>,
        entry: &BibEntry,
        locator: Option<&str>,
    ) -> Arc<str> {
        let locator = locator.map(str::trim).unwrap_or_default();
        let Some(index) = index else {
            return style.render(entry, locator).into();
        };
        let key = (style.id(), index, Box::<str>::from(locator));
        if let Some(text) = self.lock().get(&key) {
            return text.clone();
        }
        // A locator with numbers: the entry's template for its shape,
        // rendered once (an archive cites one source at many pages).
        if let Some(shape) = render::LocatorShape::of(locator) {
            let tkey = (style.id(), index, shape.template_key(locator));
            let known = self.lock_templates().get(&tkey).cloned();
            let template = match known {
                Some(t) => t,
                None => {
                    let t = style.template(entry, &shape).map(Arc::new);
                    let mut templates = self.lock_templates();
                    if templates.len() >= CACHE_LIMIT {
                        templates.clear();
                    }
                    templates.insert(tkey, t.clone());
                    t
                }
            };
            if let Some(t) = template {
                return t.fill(shape.numbers()).into();
            }
        }
        // Rendered without the lock: other requests read the cache meanwhile.
        let text: Arc<str> = style.render(entry, locator).into();
        let mut cache = self.lock();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, text.clone());
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_templates(&self) -> std::sync::MutexGuard<'_, Templates> {
        self.templates.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn is_bibtex(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("bib") || e.eq_ignore_ascii_case("bibtex"))
}

/// State of one `Bibliography::load`.
struct Loader<'a> {
    files: &'a [(PathBuf, String)],
    entries: Vec<BibEntry>,
    diagnostics: Vec<(usize, Diagnostic)>,
    /// key → (file index, offset of the key) of its first definition.
    first_keys: HashMap<String, (usize, usize)>,
    line_starts: Vec<Option<Vec<usize>>>,
    /// Every `@string` of the BibTeX files: (file index, key, definition).
    strings: Vec<(usize, String, String)>,
}

impl Loader<'_> {
    fn problem(&mut self, file: usize, range: Range<usize>, message: impl Into<String>) {
        self.diagnostics
            .push((file, Diagnostic::new(Code::Bibliography, range, message)));
    }

    /// Claims `key` for this definition; false (and a diagnostic) when an
    /// earlier entry has it.
    fn claim(&mut self, file: usize, key: &str, key_range: Range<usize>) -> bool {
        match self.first_keys.entry(key.to_string()) {
            MapEntry::Vacant(slot) => {
                slot.insert((file, key_range.start));
                true
            }
            MapEntry::Occupied(first) => {
                let (first_file, offset) = *first.get();
                let starts = self.line_starts[first_file]
                    .get_or_insert_with(|| line_starts_of(&self.files[first_file].1));
                let line = starts.partition_point(|&s| s <= offset);
                let message = format!(
                    "duplicate key `{key}`: already defined at {}:{line}",
                    self.files[first_file].0.display()
                );
                self.problem(file, key_range, message);
                false
            }
        }
    }

    fn push(
        &mut self,
        file: usize,
        key: String,
        kind: String,
        converted: model::Converted,
        spans: (Range<usize>, Range<usize>),
    ) {
        self.entries.push(BibEntry {
            key,
            kind,
            title: converted.title,
            file: self.files[file].0.clone(),
            range: spans.0,
            key_range: spans.1,
            source: converted.source,
        });
    }
}

fn line_starts_of(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}
