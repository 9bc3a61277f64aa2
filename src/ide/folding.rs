//! Folding ranges, by whole lines: the front matter, each heading's section
//! (to before the next heading of the same or a higher level), and footnote
//! definitions that run over more than one line.

use crate::workspace::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    FrontMatter,
    Section,
    Note,
}

/// Lines are 0-based; `end_line > start_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    pub kind: FoldKind,
}

pub fn folding_ranges(doc: &Document) -> Vec<Fold> {
    let m = &doc.model;
    let index = &doc.line_index;
    let line = |offset: usize| index.line_of(offset) as u32;
    // The last line that holds a byte of `start..end` (an end at a line
    // start belongs to the line before).
    let last_line = |start: usize, end: usize| line(end.saturating_sub(1).max(start));
    let mut out = Vec::new();
    let mut push = |start: u32, end: u32, kind: FoldKind| {
        if end > start {
            out.push(Fold {
                start_line: start,
                end_line: end,
                kind,
            });
        }
    };
    if let Some(fm) = &m.front_matter {
        // The range ends after the closing fence's line break, if any.
        let text = &doc.text[fm.range.clone()];
        let end = fm.range.start + text.trim_end_matches(['\n', '\r']).len();
        push(
            line(fm.range.start),
            last_line(fm.range.start, end),
            FoldKind::FrontMatter,
        );
    }
    for (i, h) in m.headings.iter().enumerate() {
        let end = super::symbols::section_end(doc, i);
        push(
            line(h.range.start),
            last_line(h.range.start, end),
            FoldKind::Section,
        );
    }
    for d in &m.footnote_defs {
        push(
            line(d.range.start),
            last_line(d.range.start, d.range.end),
            FoldKind::Note,
        );
    }
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out
}
