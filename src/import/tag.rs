//! Tagging: every unambiguous registry name or alias in running text
//! becomes a mention. Shared by `scholia import --tag` (each line of the new
//! document, `tag_line`) and `scholia tag` (the untagged names of existing
//! documents, as `untagged-mention` finds them: `document_edits`).

use std::ops::Range;

use crate::workspace::{Document, Registry, Resolution, Workspace};

/// Spans a mention must not be written into: escapes, footnote references
/// and definitions, citations, mentions, links.
fn protected(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                out.push(i..(i + 2).min(b.len()));
                i += 2;
            }
            b'[' if line[i..].starts_with("[[") => {
                let end = line[i..].find("]]").map_or(b.len(), |e| i + e + 2);
                out.push(i..end);
                i = end;
            }
            b'[' if matches!(b.get(i + 1), Some(b'^' | b'@')) => {
                let end = line[i..].find(']').map_or(b.len(), |e| i + e + 1);
                out.push(i..end);
                i = end;
            }
            b'[' => {
                // `[text](url)`: the link as a whole.
                if let Some(close) = line[i..].find(']')
                    && line[i + close + 1..].starts_with('(')
                    && let Some(paren) = line[i + close + 1..].find(')')
                {
                    let end = i + close + 1 + paren + 1;
                    out.push(i..end);
                    i = end;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The mention of entry `index` for the text `written`: `[[Name]]` when the
/// text is the entry's name (and resolves to it), `[[id|text]]` otherwise.
fn mention(registry: &Registry, index: usize, written: &str) -> String {
    let entity = &registry.entities[index];
    if written == entity.name && registry.resolve(written) == Resolution::Unique(index) {
        format!("[[{written}]]")
    } else {
        format!("[[{}|{written}]]", entity.id)
    }
}

/// The edits that tag the untagged names of `doc` that name exactly one
/// entry (`untagged-mention`'s list: plain text only, no page furniture,
/// no not-a-mention phrase), each as `mention` writes it; only the names
/// written `only` (folded) when given.
pub fn document_edits(
    doc: &Document,
    ws: &Workspace,
    only: Option<&str>,
) -> Vec<(Range<usize>, String)> {
    let only = only.map(|o| crate::workspace::names::fold(o).into_owned());
    crate::diagnostics::plain_names(doc, ws)
        .into_iter()
        .filter_map(|m| {
            let [index] = m.entities.as_slice() else {
                return None;
            };
            let written = &doc.text[m.range.clone()];
            if written.contains(['[', ']', '|'])
                || only
                    .as_deref()
                    .is_some_and(|o| crate::workspace::names::fold(written) != o)
            {
                return None;
            }
            Some((m.range.clone(), mention(&ws.registry, *index, written)))
        })
        .collect()
}

/// `text` with `edits` (sorted, non-overlapping) applied.
pub fn apply(text: &str, edits: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut pos = 0;
    for (range, new) in edits {
        out.push_str(&text[pos..range.start]);
        out.push_str(new);
        pos = range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Tags the names of one line of running text.
pub fn tag_line(line: &str, registry: &Registry) -> String {
    let matches = registry.find_names(line);
    if matches.is_empty() {
        return line.to_string();
    }
    let protected = protected(line);
    let mut out = String::with_capacity(line.len() + 16 * matches.len());
    let mut pos = 0;
    for m in matches {
        let [index] = m.entities.as_slice() else {
            continue;
        };
        let r = m.range;
        if protected.iter().any(|p| p.start < r.end && r.start < p.end) {
            continue;
        }
        let written = &line[r.clone()];
        if written.contains(['[', ']', '|']) {
            continue;
        }
        out.push_str(&line[pos..r.start]);
        out.push_str(&mention(registry, *index, written));
        pos = r.end;
    }
    out.push_str(&line[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_spans() {
        let line = r"a \[x [^1] [@k, 2] [[m|n]] [t](u) [Mao]";
        let spans: Vec<&str> = protected(line).into_iter().map(|r| &line[r]).collect();
        assert_eq!(spans, [r"\[", "[^1]", "[@k, 2]", "[[m|n]]", "[t](u)"]);
    }
}
