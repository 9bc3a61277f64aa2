//! References: every use of a footnote label (in its document), a registry
//! entry or a citation key (across the workspace, open or closed files),
//! answered from the index.

use std::path::Path;

use super::{Item, Location, item_at};
use crate::workspace::{Document, Resolution, Workspace};

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

/// Every use of `target`. `current` is the document asked from (for a
/// footnote); `open` gives the editor's version of an open document.
pub fn references<'a>(
    ws: &Workspace,
    target: &Target,
    current: Option<&Document>,
    open: impl Fn(&Path) -> Option<&'a Document>,
    include_declaration: bool,
) -> Vec<Location> {
    let mut out = Vec::new();
    match target {
        Target::Footnote(label) => {
            let Some(doc) = current else { return out };
            for r in doc.model.refs_of(label) {
                out.push(Location::new(doc.path.clone(), r.range.clone()));
            }
            if include_declaration {
                for d in doc.model.defs_of(label) {
                    out.push(Location::new(doc.path.clone(), d.label_range.clone()));
                }
            }
        }
        Target::Entity(i) => {
            if include_declaration {
                let e = &ws.registry.entities[*i];
                out.push(Location::new(e.file.clone(), e.id_range.clone()));
            }
            for path in ws.documents_mentioning(*i) {
                out.extend(
                    mentions_of(ws, *i, path, &open)
                        .into_iter()
                        .map(|(loc, _, _)| loc),
                );
            }
        }
        Target::CiteKey(key) => {
            if include_declaration && let Some(e) = ws.bibliography.get(key) {
                out.push(Location::new(e.file.clone(), e.key_range.clone()));
            }
            for (path, summary) in &ws.docs {
                let Ok(index) = summary.cite_keys.binary_search(key) else {
                    continue;
                };
                match open(path) {
                    Some(doc) => {
                        for c in &doc.model.citations {
                            for item in c.items.iter().filter(|i| &i.key == key) {
                                out.push(Location::new(path.clone(), item.key_range.clone()));
                            }
                        }
                    }
                    None => {
                        for o in summary
                            .citations
                            .iter()
                            .filter(|o| o.index as usize == index)
                        {
                            out.push(Location {
                                path: path.clone(),
                                range: o.range.clone(),
                                span: o.span,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

/// The mentions of entity `i` in the document at `path`: the whole mention,
/// its target, and whether it has display text.
pub(crate) fn mentions_of<'a>(
    ws: &Workspace,
    i: usize,
    path: &Path,
    open: &impl Fn(&Path) -> Option<&'a Document>,
) -> Vec<(Location, Location, bool)> {
    let mut out = Vec::new();
    let resolves = |target: &str| ws.registry.resolve(target) == Resolution::Unique(i);
    match open(path) {
        Some(doc) => {
            for m in doc.model.mentions.iter().filter(|m| resolves(&m.target)) {
                out.push((
                    Location::new(path.to_path_buf(), m.range.clone()),
                    Location::new(path.to_path_buf(), m.target_range.clone()),
                    m.display_range.is_some(),
                ));
            }
        }
        None => {
            let Some(summary) = ws.docs.get(path) else {
                return out;
            };
            // Resolve each distinct target once, not every occurrence.
            let hits: Vec<bool> = summary
                .mention_targets
                .iter()
                .map(|t| resolves(t))
                .collect();
            for o in &summary.mentions {
                if hits[o.index as usize] {
                    out.push((
                        Location {
                            path: path.to_path_buf(),
                            range: o.range.clone(),
                            span: o.span,
                        },
                        Location {
                            path: path.to_path_buf(),
                            range: o.target.clone(),
                            span: o.target_span,
                        },
                        o.has_display,
                    ));
                }
            }
        }
    }
    out
}
