//! Tagging: every unambiguous registry name or alias in running text
//! becomes a mention. Shared by `scholia import --tag` (each line of the new
//! document, `tag_line`) and `scholia tag` (the untagged names of existing
//! documents, as `untagged-mention` finds them: `document_edits`), and the
//! server's "Tag every untagged `Name` in the workspace" (`workspace_edits`
//! over the documents the host gathers, open or closed).

use std::ops::Range;
use std::path::{Path, PathBuf};

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
    edits_where(doc, ws, |written, _| {
        only.as_deref()
            .is_none_or(|o| crate::workspace::names::fold(written) == o)
    })
}

/// As `document_edits` for one name of one entry: the untagged
/// occurrences of `name` (compared folded: `People’s` is `People's`) that
/// name entry `entity` alone. What "Tag every untagged `Name` in the
/// workspace" does in each document.
pub fn name_edits(
    doc: &Document,
    ws: &Workspace,
    name: &str,
    entity: usize,
) -> Vec<(Range<usize>, String)> {
    let name = crate::workspace::names::fold(name);
    edits_where(doc, ws, |written, index| {
        index == entity && crate::workspace::names::fold(written) == name
    })
}

/// The tagging edits of `doc` for the untagged names of one entry that
/// `keep(written, entry)` accepts.
fn edits_where(
    doc: &Document,
    ws: &Workspace,
    keep: impl Fn(&str, usize) -> bool,
) -> Vec<(Range<usize>, String)> {
    crate::diagnostics::plain_names(doc, ws)
        .into_iter()
        .filter_map(|m| {
            let [index] = m.entities.as_slice() else {
                return None;
            };
            let written = &doc.text[m.range.clone()];
            if written.contains(['[', ']', '|']) || !keep(written, *index) {
                return None;
            }
            Some((m.range.clone(), mention(&ws.registry, *index, written)))
        })
        .collect()
}

/// Edits of one text: byte ranges and their new text, sorted and
/// non-overlapping.
pub type Edits = Vec<(Range<usize>, String)>;

/// Why tagging the whole workspace is refused while its documents are
/// being indexed.
pub const INDEXING: &str = "the workspace is still being indexed: try again in a moment (a document not indexed yet would be missed)";

/// The documents `paths` of `ws` that hold an untagged occurrence of
/// `name` naming entry `entity`, each with its `name_edits`, in the order
/// of `paths`. `open` gives a document as the editor holds it, or read
/// from disk (the caller decides); documents are searched in parallel.
pub fn workspace_edits<D>(
    ws: &Workspace,
    paths: &[PathBuf],
    name: &str,
    entity: usize,
    open: impl Fn(&Path) -> Option<D> + Sync,
) -> Vec<(D, Edits)>
where
    D: std::ops::Deref<Target = Document> + Send,
{
    use rayon::prelude::*;
    paths
        .par_iter()
        .filter_map(|path| {
            let doc = open(path)?;
            let edits = name_edits(&doc, ws, name, entity);
            (!edits.is_empty()).then_some((doc, edits))
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

    /// `name_edits`: the name at the cursor in any spelling that folds to
    /// it, for its entry only; not inside a not-a-mention phrase, a longer
    /// name, a mention or the front matter. `workspace_edits` keeps the
    /// documents with something to tag, in order.
    #[test]
    fn one_name_of_one_entry() {
        let registry = "[place.north-korea]\nname = \"North Korea\"\n\
            aliases = [\"Democratic People's Republic of Korea\"]\n\n\
            [place.south-korea]\nname = \"South Korea\"\naliases = [\"Republic of Korea\"]\n";
        let (mut reg, problems) =
            Registry::load(&[(PathBuf::from("/ws/registry.toml"), registry.to_string())]);
        assert!(problems.is_empty(), "{problems:?}");
        reg.set_not_mentions(&["Republic of Korea Navy".to_string()]);
        let mut ws = Workspace::detached();
        ws.root = Some(PathBuf::from("/ws"));
        ws.registry = reg;
        let text = "+++\ntitle = \"Republic of Korea\"\n+++\n\n\
            The Republic of\u{a0}Korea, the Democratic People\u{2019}s Republic of Korea,\n\
            the Republic of Korea Navy and [[south-korea|Republic of Korea]]; Republic of Korea.\n";
        let doc = Document::scan(PathBuf::from("/ws/a.scholia"), text.to_string());
        let south = ws.registry.index_of("south-korea").unwrap();
        let edits = name_edits(&doc, &ws, "Republic of Korea", south);
        let shown: Vec<&str> = edits.iter().map(|(_, new)| new.as_str()).collect();
        assert_eq!(
            shown,
            [
                "[[south-korea|Republic of\u{a0}Korea]]",
                "[[south-korea|Republic of Korea]]"
            ]
        );
        for (r, new) in &edits {
            assert_eq!(*new, format!("[[south-korea|{}]]", &text[r.clone()]));
        }
        // The other entry's name is not this one.
        let north = ws.registry.index_of("north-korea").unwrap();
        assert!(name_edits(&doc, &ws, "Republic of Korea", north).is_empty());
        assert_eq!(
            name_edits(&doc, &ws, "Democratic People's Republic of Korea", north).len(),
            1
        );
        let other = Document::scan(PathBuf::from("/ws/b.scholia"), "No name.\n".into());
        let docs = [doc, other];
        let paths: Vec<PathBuf> = docs.iter().map(|d| d.path.clone()).collect();
        let found = workspace_edits(&ws, &paths, "Republic of Korea", south, |p| {
            docs.iter().find(|d| d.path == p)
        });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.path, paths[0]);
        assert_eq!(found[0].1, edits);
    }

    #[test]
    fn protected_spans() {
        let line = r"a \[x [^1] [@k, 2] [[m|n]] [t](u) [Mao]";
        let spans: Vec<&str> = protected(line).into_iter().map(|r| &line[r]).collect();
        assert_eq!(spans, [r"\[", "[^1]", "[@k, 2]", "[[m|n]]", "[t](u)"]);
    }
}
