//! Features, one module each, on byte offsets and our own types. The LSP
//! layer only converts positions and calls these.

pub mod code_actions;
pub mod completion;
pub mod definition;
pub mod fixes;
pub mod folding;
pub mod hover;
pub mod lenses;
pub mod links;
pub mod locator_fix;
pub mod markup;
pub mod merge;
pub mod references;
pub mod rename;
pub mod renumber;
pub mod semantic_tokens;
pub mod symbols;

use std::ops::Range;
use std::path::PathBuf;

use crate::syntax::front_matter::Field;
use crate::syntax::model::{Citation, CiteItem, FootnoteDef, FootnoteRef, Mention};
use crate::workspace::registry::NameMatch;
use crate::workspace::{Document, Span, Workspace};

/// A place in some file of the workspace. `span` is set for closed
/// documents, whose line/column the index already knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub range: Range<usize>,
    pub span: Option<Span>,
}

impl Location {
    pub fn new(path: PathBuf, range: Range<usize>) -> Location {
        Location {
            path,
            range,
            span: None,
        }
    }
}

/// Edits of one file: byte ranges of its current text and their new text,
/// sorted by start and non-overlapping (code actions, the merge of two
/// registry entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    pub edits: Vec<(Range<usize>, String)>,
}

/// A text edit in some file; `span` as in `Location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub location: Location,
    pub new_text: String,
}

/// What stands under the cursor.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    FootnoteRef(&'a FootnoteRef),
    FootnoteDef(&'a FootnoteDef),
    /// A citation, and the item under the cursor when it is on one.
    Citation(&'a Citation, Option<&'a CiteItem>),
    Mention(&'a Mention),
    /// A registry name in plain text, not tagged.
    Untagged(NameMatch),
    TranslationOf(&'a Field),
}

fn covers(range: &Range<usize>, offset: usize) -> bool {
    range.start <= offset && offset < range.end
}

/// The element of `list` (sorted by start) whose range covers `offset`.
fn find<T>(list: &[T], offset: usize, range: impl Fn(&T) -> &Range<usize>) -> Option<&T> {
    let i = list.partition_point(|x| range(x).start <= offset);
    (i > 0)
        .then(|| &list[i - 1])
        .filter(|x| covers(range(x), offset))
}

/// The element under the cursor at byte `offset`; at the end of an element
/// (the cursor just after `]`) that element counts too.
pub fn item_at<'a>(doc: &'a Document, ws: &Workspace, offset: usize) -> Option<Item<'a>> {
    item_covering(doc, ws, offset).or_else(|| {
        let before = offset.checked_sub(1)?;
        item_covering(doc, ws, before)
    })
}

fn item_covering<'a>(doc: &'a Document, ws: &Workspace, offset: usize) -> Option<Item<'a>> {
    let m = &doc.model;
    if let Some(r) = find(&m.footnote_refs, offset, |r| &r.range) {
        return Some(Item::FootnoteRef(r));
    }
    if let Some(d) = find(&m.footnote_defs, offset, |d| &d.label_range) {
        return Some(Item::FootnoteDef(d));
    }
    if let Some(c) = find(&m.citations, offset, |c| &c.range) {
        let item = c.items.iter().find(|i| {
            covers(&i.key_range, offset)
                || i.locator_range.as_ref().is_some_and(|l| covers(l, offset))
        });
        return Some(Item::Citation(c, item));
    }
    if let Some(x) = find(&m.mentions, offset, |x| &x.range) {
        return Some(Item::Mention(x));
    }
    if let Some(f) = m
        .front_matter
        .as_ref()
        .and_then(|f| f.translation_of.as_ref())
        && covers(&f.range, offset)
    {
        return Some(Item::TranslationOf(f));
    }
    if let Some(p) = find(&m.plain, offset, |p| p) {
        // Search the plain run around the cursor only.
        let found = ws.registry.find_names(&doc.text[p.clone()]);
        return found
            .into_iter()
            .map(|mut n| {
                n.range = p.start + n.range.start..p.start + n.range.end;
                n
            })
            .find(|n| covers(&n.range, offset))
            .map(Item::Untagged);
    }
    None
}
