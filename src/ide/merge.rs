//! The quick fix of `duplicate-authority`: **Merge `person.chou-en-lai`
//! into `person.zhou-enlai`**. Two entries with the same authority id are
//! almost always one person entered twice; the later entry (in registry
//! order) is merged into the earlier one, in one workspace edit:
//!
//! - the later entry's table is deleted from its registry file;
//! - its name and aliases become aliases of the earlier entry (those the
//!   earlier one does not have already), and its `variants` join the
//!   earlier entry's (a system the earlier one lacks);
//! - each other field the earlier entry lacks (`born`, `description`, an
//!   authority id, …) is moved as written; a field both have with
//!   different values is kept as a TOML comment under the earlier entry,
//!   so that nothing is lost and the editor sees what to reconcile;
//! - every mention written with the later entry's id is renamed to the
//!   earlier one's (`[[chou-en-lai]]` → `[[zhou-enlai|chou-en-lai]]`), in
//!   open and closed documents, as rename does. Mentions written with a
//!   name or alias keep their text: the name is now the earlier entry's.

use std::ops::Range;
use std::path::Path;

use super::FileEdit;
use super::rename::mention_edits;
use crate::workspace::authority::{Duplicate, duplicates};
use crate::workspace::registry::{Entity, Field, entry_fields};
use crate::workspace::{Document, Workspace};

/// One merge the user can ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub title: String,
    /// The value ranges in `path` of the ids the two entries share: the
    /// action is offered where one of these is (under the cursor or a
    /// client's diagnostic).
    pub at: Vec<Range<usize>>,
    pub edits: Vec<FileEdit>,
}

/// The merges offered in registry file `path`: one per pair of entries
/// sharing an authority id where either entry lies in `path`.
pub fn merges<'a>(
    ws: &'a Workspace,
    path: &Path,
    open: impl Fn(&Path) -> Option<&'a Document> + Copy,
) -> Vec<Merge> {
    let mut out: Vec<Merge> = Vec::new();
    for Duplicate {
        key, first, second, ..
    } in duplicates(&ws.registry)
    {
        let (keep, drop) = (&ws.registry.entities[first], &ws.registry.entities[second]);
        if keep.file != path && drop.file != path {
            continue;
        }
        let at: Vec<Range<usize>> = [keep, drop]
            .into_iter()
            .filter(|e| e.file == path)
            .map(|e| {
                let text = ws.aux.get(&e.file).map_or("", |a| a.text.as_str());
                crate::workspace::authority::value_range(text, e, &key)
            })
            .collect();
        let title = format!(
            "Merge `{}.{}` into `{}.{}`",
            drop.kind.as_str(),
            drop.id,
            keep.kind.as_str(),
            keep.id
        );
        // Two shared ids (wikidata and viaf) make one merge.
        if let Some(m) = out.iter_mut().find(|m| m.title == title) {
            m.at.extend(at);
            continue;
        }
        let Some(edits) = merge_edits(ws, first, second, open) else {
            continue;
        };
        out.push(Merge { title, at, edits });
    }
    out
}

/// The edits that merge entry `second` into entry `first`; `None` when a
/// registry file's text is not at hand or the entries are not where the
/// registry says (the file changed meanwhile).
fn merge_edits<'a>(
    ws: &'a Workspace,
    first: usize,
    second: usize,
    open: impl Fn(&Path) -> Option<&'a Document>,
) -> Option<Vec<FileEdit>> {
    let keep = &ws.registry.entities[first];
    let drop = &ws.registry.entities[second];
    let keep_text = ws.aux.get(&keep.file)?.text.as_str();
    let drop_text = ws.aux.get(&drop.file)?.text.as_str();
    let keep_fields = entry_fields(keep_text, keep.kind, &keep.id);
    let drop_fields = entry_fields(drop_text, drop.kind, &drop.id);
    if keep_fields.is_empty() || drop_fields.is_empty() {
        return None;
    }
    let eol = crate::text::line_ending(keep_text);
    let mut registry_edits: Vec<(std::path::PathBuf, Range<usize>, String)> = Vec::new();

    // Names: the later entry's name and aliases, as aliases.
    let mut aliases: Vec<String> = keep.aliases.clone();
    for name in std::iter::once(&drop.name).chain(&drop.aliases) {
        if *name != keep.name && !aliases.contains(name) {
            aliases.push(name.clone());
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let field = |fields: &[Field], key: &str| fields.iter().find(|f| f.key == key).cloned();
    if aliases != keep.aliases {
        let value = toml_array(&aliases);
        match field(&keep_fields, "aliases") {
            Some(f) => registry_edits.push((keep.file.clone(), f.value_range, value)),
            None => lines.push(format!("aliases = {value}")),
        }
    }
    // Variants: the systems the earlier entry lacks.
    let mut variants = keep.variants.clone();
    for (system, spelling) in &drop.variants {
        if !variants.iter().any(|(s, _)| s == system) {
            variants.push((system.clone(), spelling.clone()));
        }
    }
    if variants != keep.variants {
        let value = toml_inline_table(&variants);
        match field(&keep_fields, "variants") {
            Some(f) => registry_edits.push((keep.file.clone(), f.value_range, value)),
            None => lines.push(format!("variants = {value}")),
        }
    }
    // Every other field, as written.
    for f in &drop_fields {
        if matches!(f.key.as_str(), "name" | "aliases" | "variants") {
            continue;
        }
        let written = &drop_text[f.key_range.start..f.value_range.end];
        match field(&keep_fields, &f.key) {
            None => lines.push(written.to_string()),
            Some(k) if keep_text[k.value_range.clone()] == drop_text[f.value_range.clone()] => {}
            Some(_) => {
                for (n, line) in written.lines().enumerate() {
                    let from = if n == 0 {
                        format!("from `{}.{}`: ", drop.kind.as_str(), drop.id)
                    } else {
                        String::new()
                    };
                    lines.push(format!("# {from}{line}"));
                }
            }
        }
    }
    if !lines.is_empty() {
        // After the earlier entry's last field, on lines of their own.
        let last = keep_fields.iter().map(|f| f.value_range.end).max()?;
        let end_of_line = keep_text[last..].find('\n').map_or(keep_text.len(), |i| {
            // Before a `\r\n`'s `\r` too.
            let i = last + i;
            if keep_text[..i].ends_with('\r') {
                i - 1
            } else {
                i
            }
        });
        let mut insert = String::new();
        for line in &lines {
            insert.push_str(eol);
            insert.push_str(line);
        }
        registry_edits.push((keep.file.clone(), end_of_line..end_of_line, insert));
    }
    registry_edits.push((
        drop.file.clone(),
        table_range(drop_text, drop, &drop_fields)?,
        String::new(),
    ));

    let mut edits: Vec<FileEdit> = Vec::new();
    let mut add = |path: &Path, range: Range<usize>, new_text: String| match edits
        .iter_mut()
        .find(|f| f.path == path)
    {
        Some(f) => f.edits.push((range, new_text)),
        None => edits.push(FileEdit {
            path: path.to_path_buf(),
            edits: vec![(range, new_text)],
        }),
    };
    for (path, range, text) in registry_edits {
        add(&path, range, text);
    }
    for e in mention_edits(ws, second, &keep.id, open) {
        add(&e.location.path, e.location.range, e.new_text);
    }
    for f in &mut edits {
        f.edits.sort_by_key(|(r, _)| (r.start, r.end));
        // Ranges must not overlap (an insertion at the end of the earlier
        // entry never meets the later entry's table: they are two tables).
        if f.edits.windows(2).any(|w| w[0].0.end > w[1].0.start) {
            return None;
        }
    }
    Some(edits)
}

/// The lines of the entry's table: from its `[kind.id]` header line to
/// the end of the line of its last field, with the blank lines after it
/// (comments after it stay: they may belong to the next table).
fn table_range(text: &str, e: &Entity, fields: &[Field]) -> Option<Range<usize>> {
    let start = text[..e.id_range.start].rfind('\n').map_or(0, |i| i + 1);
    let last = fields.iter().map(|f| f.value_range.end).max()?;
    let mut end = text[last..].find('\n').map_or(text.len(), |i| last + i + 1);
    while end < text.len() {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        if !text[end..line_end].trim().is_empty() {
            break;
        }
        end = line_end;
    }
    Some(start..end)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", items.join(", "))
}

fn toml_inline_table(pairs: &[(String, String)]) -> String {
    let bare = |k: &str| {
        !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let items: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let key = if bare(k) { k.clone() } else { toml_string(k) };
            format!("{key} = {}", toml_string(v))
        })
        .collect();
    format!("{{ {} }}", items.join(", "))
}
