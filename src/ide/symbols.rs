//! Document symbols (the outline: front-matter title, headings as a tree,
//! footnote definitions under the heading they fall in) and workspace
//! symbols (registry entries by name and alias, documents by title).

use std::cmp::Reverse;
use std::ops::Range;
use std::path::PathBuf;

use super::completion::{Fuzzy, note_excerpt};
use crate::workspace::{Document, Kind, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// The front matter's `title`.
    Title,
    Heading,
    /// A footnote definition; `numeric` when its label is a number.
    Footnote {
        numeric: bool,
    },
    Entity(Kind),
    Document,
}

/// One node of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers (a heading: its whole section).
    pub range: Range<usize>,
    /// What to select (a heading's text, a footnote's `[^label]`).
    pub selection: Range<usize>,
    pub children: Vec<Symbol>,
}

/// The end of a heading's section: before the next heading of the same or a
/// higher level (fewer `#`), or the end of the text; trailing white space
/// excluded.
pub fn section_end(doc: &Document, heading: usize) -> usize {
    let headings = &doc.model.headings;
    let h = &headings[heading];
    let next = headings[heading + 1..]
        .iter()
        .find(|n| n.level <= h.level)
        .map_or(doc.text.len(), |n| n.range.start);
    let trimmed = doc.text[h.range.start..next].trim_end().len();
    (h.range.start + trimmed).max(h.range.end)
}

/// The outline of `doc`.
pub fn document_symbols(doc: &Document) -> Vec<Symbol> {
    let m = &doc.model;
    let mut out = Vec::new();
    if let Some(fm) = &m.front_matter
        && let Some(title) = &fm.title
    {
        out.push(Symbol {
            name: non_empty(&title.value, "(untitled)"),
            detail: Some("title".into()),
            kind: SymbolKind::Title,
            range: fm.range.start.min(title.range.start)..fm.range.end.max(title.range.end),
            selection: title.range.clone(),
            children: Vec::new(),
        });
    }

    enum Event {
        Heading(usize),
        Footnote(usize),
    }
    let mut events: Vec<(usize, Event)> = m
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| (h.range.start, Event::Heading(i)))
        .chain(
            m.footnote_defs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.range.start, Event::Footnote(i))),
        )
        .collect();
    events.sort_by_key(|(at, _)| *at);

    // Open sections, innermost last, with their levels.
    let mut stack: Vec<(u8, Symbol)> = Vec::new();
    fn close(stack: &mut Vec<(u8, Symbol)>, out: &mut Vec<Symbol>) {
        if let Some((_, mut s)) = stack.pop() {
            let end = s.children.iter().map(|c| c.range.end).max().unwrap_or(0);
            s.range.end = s.range.end.max(end);
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(s),
                None => out.push(s),
            }
        }
    }
    for (_, event) in events {
        match event {
            Event::Heading(i) => {
                let h = &m.headings[i];
                while stack.last().is_some_and(|(level, _)| *level >= h.level) {
                    close(&mut stack, &mut out);
                }
                let selection = if h.text_range.is_empty() {
                    h.range.clone()
                } else {
                    h.text_range.clone()
                };
                stack.push((
                    h.level,
                    Symbol {
                        name: non_empty(&h.text, "(empty heading)"),
                        detail: Some("#".repeat(h.level as usize)),
                        kind: SymbolKind::Heading,
                        range: h.range.start..section_end(doc, i),
                        selection,
                        children: Vec::new(),
                    },
                ));
            }
            Event::Footnote(i) => {
                let d = &m.footnote_defs[i];
                let symbol = Symbol {
                    name: format!("[^{}]", d.label),
                    detail: Some(note_excerpt(&doc.text, &d.body)).filter(|s| !s.is_empty()),
                    kind: SymbolKind::Footnote {
                        numeric: d.label.bytes().all(|b| b.is_ascii_digit()),
                    },
                    range: d.range.clone(),
                    selection: d.label_range.clone(),
                    children: Vec::new(),
                };
                match stack.last_mut() {
                    Some((_, parent)) => parent.children.push(symbol),
                    None => out.push(symbol),
                }
            }
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut out);
    }
    out
}

fn non_empty(s: &str, fallback: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        fallback.to_string()
    } else {
        s.to_string()
    }
}

/// A workspace symbol: a registry entry or a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// The name, alias or title that matched the query best.
    pub name: String,
    pub kind: SymbolKind,
    /// Where it is: the entry's id key in its registry file, or the start of
    /// a document.
    pub path: PathBuf,
    pub range: Range<usize>,
    /// A line that tells the symbol apart: an entry's id and summary, a
    /// document's path relative to the workspace root.
    pub container: Option<String>,
    /// Higher is better.
    pub score: u32,
}

/// Registry entries (by name, alias, variant or id) and documents (by
/// title, or file name when untitled) that match `query` fuzzily, best
/// first, at most `limit`.
pub fn workspace_symbols(ws: &Workspace, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let mut fuzzy = Fuzzy::new(query);
    let mut out = Vec::new();
    for e in &ws.registry.entities {
        let candidates = e.names().chain(std::iter::once(e.id.as_str()));
        let Some((score, which)) = fuzzy.best(candidates) else {
            continue;
        };
        let name = e
            .names()
            .chain(std::iter::once(e.id.as_str()))
            .nth(which)
            .unwrap_or(&e.name);
        let container = if name == e.name {
            format!("{} · {}", e.id, e.summary())
        } else {
            format!("{} · {} · {}", e.name, e.id, e.summary())
        };
        out.push(WorkspaceSymbol {
            name: name.to_string(),
            kind: SymbolKind::Entity(e.kind),
            path: e.file.clone(),
            range: e.id_range.clone(),
            container: Some(container),
            score,
        });
    }
    for (path, summary) in &ws.docs {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = summary.title.clone().unwrap_or(file_name);
        let Some(score) = fuzzy.score(&name) else {
            continue;
        };
        let relative = ws
            .root
            .as_ref()
            .and_then(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        out.push(WorkspaceSymbol {
            name,
            kind: SymbolKind::Document,
            path: path.clone(),
            range: 0..0,
            container: Some(relative.display().to_string()),
            score,
        });
    }
    let order = |a: &WorkspaceSymbol, b: &WorkspaceSymbol| {
        (Reverse(a.score), &a.name, &a.path).cmp(&(Reverse(b.score), &b.name, &b.path))
    };
    if out.len() > limit && limit > 0 {
        out.select_nth_unstable_by(limit - 1, order);
    }
    out.truncate(limit);
    out.sort_by(order);
    out
}
