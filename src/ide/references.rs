//! References: every use of a footnote label (in its document), a registry
//! entry or a citation key (across the workspace, open or closed files),
//! answered from the index.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use super::{Item, item_at};
use crate::workspace::{Document, IndexedDoc, Resolution, Span, Workspace};

/// What references are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Footnote(String),
    Entity(usize),
    CiteKey(String),
}

/// The target under the cursor in a document.
pub fn target_at(doc: &Document, ws: &Workspace, offset: usize) -> Option<Target> {
    match item_at(doc, ws, offset)? {
        Item::FootnoteRef(r) => Some(Target::Footnote(r.label.clone())),
        Item::FootnoteDef(d) => Some(Target::Footnote(d.label.clone())),
        Item::Mention(m) => match ws.registry.resolve(&m.target) {
            Resolution::Unique(i) => Some(Target::Entity(i)),
            _ => None,
        },
        Item::Untagged(n) => match n.entities.as_slice() {
            [one] => Some(Target::Entity(*one)),
            _ => None,
        },
        Item::Citation(c, item) => item
            .or(c.items.first())
            .map(|i| Target::CiteKey(i.key.clone())),
        Item::TranslationOf(_) => None,
    }
}

/// The target under the cursor in a registry or bibliography file: the
/// entry whose table or item holds `offset`.
pub fn target_in_file(ws: &Workspace, path: &Path, offset: usize) -> Option<Target> {
    if let Some(i) = ws
        .registry
        .entities
        .iter()
        .position(|e| e.file == path && e.range.start <= offset && offset <= e.range.end)
    {
        return Some(Target::Entity(i));
    }
    ws.bibliography
        .entries
        .iter()
        .find(|e| e.file == path && e.range.start <= offset && offset <= e.range.end)
        .map(|e| Target::CiteKey(e.key.clone()))
}

/// The uses of a target in one file: the path once, then the byte ranges,
/// each with its line/column span when the index has it (closed documents).
#[derive(Debug, Clone)]
pub struct FileLocations<'a> {
    pub path: Cow<'a, Path>,
    pub ranges: Ranges<'a>,
}

/// The ranges of `FileLocations`.
#[derive(Debug, Clone)]
pub enum Ranges<'a> {
    Listed(Vec<(Range<usize>, Option<Span>)>),
    /// The mentions of an entity in a document of the index, read from the
    /// index when used rather than copied here (answers can hold 100,000).
    Mentions(IndexedDoc<'a>),
}

impl<'a> Ranges<'a> {
    pub fn len(&self) -> usize {
        match self {
            Ranges::Listed(v) => v.len(),
            Ranges::Mentions(doc) => doc.mentions().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each range, with its span when the index has one.
    pub fn iter(&self) -> impl Iterator<Item = (Range<usize>, Option<Span>)> + '_ {
        let (listed, mentions) = match self {
            Ranges::Listed(v) => (Some(v.iter().cloned()), None),
            Ranges::Mentions(doc) => (
                None,
                Some(doc.mentions().map(|o| (o.range.clone(), o.span))),
            ),
        };
        listed
            .into_iter()
            .flatten()
            .chain(mentions.into_iter().flatten())
    }

    fn push(&mut self, range: Range<usize>, span: Option<Span>) {
        match self {
            Ranges::Listed(v) => v.push((range, span)),
            Ranges::Mentions(_) => unreachable!("mentions are read from the index"),
        }
    }
}

impl<'a> FileLocations<'a> {
    fn new(path: impl Into<Cow<'a, Path>>) -> FileLocations<'a> {
        FileLocations {
            path: path.into(),
            ranges: Ranges::Listed(Vec::new()),
        }
    }

    /// The index's entry, when the file is a document found through it
    /// (for its `path_text` cache).
    pub fn indexed(&self) -> Option<&IndexedDoc<'a>> {
        match &self.ranges {
            Ranges::Mentions(doc) => Some(doc),
            Ranges::Listed(_) => None,
        }
    }
}

/// Every use of `target`, grouped by file (the declaration first, then the
/// documents in path order). `current` is the document asked from (for a
/// footnote); `open` gives the editor's version of an open document.
pub fn references<'a>(
    ws: &'a Workspace,
    target: &Target,
    current: Option<&Document>,
    open: impl Fn(&Path) -> Option<&'a Document>,
    include_declaration: bool,
) -> Vec<FileLocations<'a>> {
    let mut out = Vec::new();
    match target {
        Target::Footnote(label) => {
            let Some(doc) = current else { return out };
            let mut file = FileLocations::new(doc.path.clone());
            for r in doc.model.refs_of(label) {
                file.ranges.push(r.range.clone(), None);
            }
            if include_declaration {
                for d in doc.model.defs_of(label) {
                    file.ranges.push(d.label_range.clone(), None);
                }
            }
            out.push(file);
        }
        Target::Entity(i) => {
            if include_declaration {
                let e = &ws.registry.entities[*i];
                let mut file = FileLocations::new(e.file.as_path());
                file.ranges.push(e.id_range.clone(), None);
                out.push(file);
            }
            // The ranges of `mentions_of`, without the rest of each mention.
            for doc in ws.mentioning(*i) {
                out.push(FileLocations {
                    path: Cow::Borrowed(doc.path),
                    ranges: Ranges::Mentions(doc),
                });
            }
        }
        Target::CiteKey(key) => {
            if include_declaration && let Some(e) = ws.bibliography.get(key) {
                let mut file = FileLocations::new(e.file.as_path());
                file.ranges.push(e.key_range.clone(), None);
                out.push(file);
            }
            for (path, summary) in &ws.docs {
                let Ok(index) = summary.cite_keys.binary_search(key) else {
                    continue;
                };
                let mut file = FileLocations::new(path.as_path());
                match open(path) {
                    Some(doc) => {
                        for c in &doc.model.citations {
                            for item in c.items.iter().filter(|i| &i.key == key) {
                                file.ranges.push(item.key_range.clone(), None);
                            }
                        }
                    }
                    None => {
                        for o in summary
                            .citations
                            .iter()
                            .filter(|o| o.index as usize == index)
                        {
                            file.ranges.push(o.range.clone(), o.span);
                        }
                    }
                }
                out.push(file);
            }
        }
    }
    out.retain(|f| !f.ranges.is_empty());
    out
}

/// One mention of an entity in a document.
#[derive(Debug, Clone)]
pub(crate) struct MentionOf<'a> {
    /// The target, with its span when the index has it.
    pub target: Range<usize>,
    pub target_span: Option<Span>,
    pub has_display: bool,
    /// The target as written (from the open document, or as the index keeps it).
    pub written: &'a str,
}

/// The mentions of entity `i` in a document that mentions it, from the
/// index: its targets were resolved once, when the document was indexed
/// (an open document's summary follows every edit, so it is current; its
/// ranges come without spans and the target as written is read from the
/// editor's text). No mention is resolved again per request.
pub(crate) fn mentions_of<'a>(
    i: usize,
    doc: &IndexedDoc<'a>,
    open: &impl Fn(&Path) -> Option<&'a Document>,
) -> Vec<MentionOf<'a>> {
    let s = doc.summary;
    let text = open(doc.path).map(|d| d.text.as_str());
    debug_assert!(doc.mentions().all(|o| doc.names_entity(o.index, i)));
    doc.mentions()
        .map(|o| MentionOf {
            target: o.target.clone(),
            target_span: o.target_span,
            has_display: o.has_display,
            written: match text {
                Some(t) => t.get(o.target.clone()).unwrap_or_default(),
                None => s
                    .mention_targets
                    .get(o.index as usize)
                    .map_or("", String::as_str),
            },
        })
        .collect()
}
