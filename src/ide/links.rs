//! Document links: the front matter's `translation-of` value opens the
//! original, when that file exists.

use std::ops::Range;
use std::path::PathBuf;

use crate::workspace::{Document, Workspace, translation_target};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The path as written, inside its quotes.
    pub range: Range<usize>,
    pub target: PathBuf,
    /// The original's title, when the workspace index knows it.
    pub title: Option<String>,
}

pub fn document_links(doc: &Document, ws: &Workspace) -> Vec<Link> {
    let Some(field) = doc
        .model
        .front_matter
        .as_ref()
        .and_then(|f| f.translation_of.as_ref())
    else {
        return Vec::new();
    };
    let Some(target) = translation_target(doc).filter(|p| p.is_file()) else {
        return Vec::new();
    };
    let raw = &doc.text[field.range.clone()];
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.len() >= 2 * q.len() && raw.starts_with(q) && raw.ends_with(q))
        .map_or(0, str::len);
    let range = field.range.start + quote..field.range.end - quote;
    let title = ws.docs.get(&target).and_then(|s| s.title.clone());
    vec![Link {
        range,
        target,
        title,
    }]
}
