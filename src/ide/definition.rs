//! Go to definition: a footnote reference to its note, a mention to its
//! registry entry, a citation to its bibliography entry, `translation-of` to
//! the original.

use super::{Item, Location, item_at};
use crate::workspace::{Document, Resolution, Workspace};

pub fn definition(doc: &Document, ws: &Workspace, offset: usize) -> Vec<Location> {
    let Some(item) = item_at(doc, ws, offset) else {
        return Vec::new();
    };
    let entity = |i: usize| {
        let e = &ws.registry.entities[i];
        Location::new(e.file.clone(), e.id_range.clone())
    };
    match item {
        Item::FootnoteRef(r) => doc
            .model
            .defs_of(&r.label)
            .map(|d| Location::new(doc.path.clone(), d.label_range.clone()))
            .collect(),
        Item::FootnoteDef(_) => Vec::new(),
        Item::Mention(m) => match ws.registry.resolve(&m.target) {
            Resolution::Unique(i) => vec![entity(i)],
            Resolution::Ambiguous(ids) => ids.into_iter().map(entity).collect(),
            Resolution::Unknown => Vec::new(),
        },
        Item::Untagged(n) => n.entities.into_iter().map(entity).collect(),
        Item::Citation(c, item) => c
            .items
            .iter()
            .filter(|i| item.is_none_or(|x| x.key == i.key))
            .filter_map(|i| ws.bibliography.get(&i.key))
            .map(|e| Location::new(e.file.clone(), e.key_range.clone()))
            .collect(),
        Item::TranslationOf(_) => crate::workspace::translation_target(doc)
            .filter(|p| p.is_file() || ws.docs.contains_key(p))
            .map(|path| vec![Location::new(path, 0..0)])
            .unwrap_or_default(),
    }
}
