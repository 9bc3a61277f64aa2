//! The checks of one document (SPEC §5).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The sets and maps of the checks are only looked up, never iterated:
/// a fast hash (≈ 5 % of a 1 MB keystroke went to SipHash).
type Fast = foldhash::fast::RandomState;

use crate::syntax::model::Place;
use crate::workspace::registry::NameMatch;
use crate::workspace::{Document, Resolution, Workspace};

use super::resolved::{Resolved, resolve_mentions};
use crate::base::{Code, Diagnostic};

/// Every diagnostic of `doc`, severities as the workspace's `[lint]` says.
pub fn check(doc: &Document, ws: &Workspace) -> Vec<Diagnostic> {
    let mut out = check_local(doc, ws);
    out.extend(check_translation(doc, ws));
    finish(&mut out, ws);
    out
}

/// Sorts diagnostics by position and applies the `[lint]` severities.
pub fn finish(out: &mut Vec<Diagnostic>, ws: &Workspace) {
    finish_with(out, &ws.config.lints);
}

/// `finish` with these `[lint]` levels.
pub fn finish_with(out: &mut Vec<Diagnostic>, lints: &crate::base::Lints) {
    lints.apply(out);
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
}

/// Every check that needs only this document and the registry/bibliography
/// (all but `translation-mismatch`). Severities are the defaults.
pub fn check_local(doc: &Document, ws: &Workspace) -> Vec<Diagnostic> {
    let mut out = doc.model.errors.clone();
    footnotes(doc, &mut out);
    sources(doc, ws, &mut out);
    if ws.has_root() {
        let resolved = resolve_mentions(doc, ws);
        entities(doc, ws, &resolved, &mut out);
        let all = all_names(doc, ws);
        let names = in_plain(doc, &all);
        untagged(doc, ws, &names, &mut out);
        super::variants::check(doc, ws, &resolved, &names, &mut out);
        super::locators::check(doc, ws, &mut out);
    }
    out
}

/// Registry names in the document's text: one `find_names` pass (kept by
/// the document: after an edit, only the lines it touched are searched
/// again). Nothing when there is no plain text or no registry.
fn all_names<'d>(doc: &'d Document, ws: &Workspace) -> Cow<'d, [NameMatch]> {
    if doc.model.plain.is_empty() || ws.registry.entities.is_empty() {
        return Cow::Borrowed(&[]);
    }
    doc.names(&ws.registry)
}

/// The registry names in the document's plain text, as `untagged-mention`
/// sees them (the quick fix that tags them reads the same list).
pub fn plain_names(doc: &Document, ws: &Workspace) -> Vec<NameMatch> {
    if !ws.has_root() {
        return Vec::new();
    }
    let all = all_names(doc, ws);
    in_plain(doc, &all).into_iter().cloned().collect()
}

/// The names of `all` in the document's plain text, shared by
/// `untagged-mention` and `inconsistent-variant`.
/// Names in the archive page section that `scholia import` keeps verbatim
/// (`Document::archive_page`) are page furniture, not the document's text.
fn in_plain<'n>(doc: &Document, all: &'n [NameMatch]) -> Vec<&'n NameMatch> {
    let plain = &doc.model.plain;
    let furniture = doc.archive_page().unwrap_or(0..0);
    all.iter()
        .filter(|found| !(furniture.start <= found.range.start && found.range.end <= furniture.end))
        .filter(|found| {
            let i = plain.partition_point(|p| p.end < found.range.end);
            plain
                .get(i)
                .is_some_and(|p| p.start <= found.range.start && found.range.end <= p.end)
        })
        .collect()
}

fn footnotes(doc: &Document, out: &mut Vec<Diagnostic>) {
    let m = &doc.model;
    let defined: HashSet<&str, Fast> = m.footnote_defs.iter().map(|d| d.label.as_str()).collect();
    let referenced: HashSet<&str, Fast> =
        m.footnote_refs.iter().map(|r| r.label.as_str()).collect();
    for r in &m.footnote_refs {
        if !defined.contains(r.label.as_str()) {
            out.push(Diagnostic::new(
                Code::UndefinedFootnote,
                r.range.clone(),
                format!(
                    "footnote [^{}] has no definition `[^{}]: …` in this document",
                    r.label, r.label
                ),
            ));
        }
    }
    let mut seen: HashMap<&str, usize, Fast> = HashMap::default();
    for d in &m.footnote_defs {
        if let Some(first) = seen.get(d.label.as_str()) {
            let line = doc.line_index.line_of(*first) + 1;
            out.push(Diagnostic::new(
                Code::DuplicateFootnote,
                d.label_range.clone(),
                format!("footnote [^{}] is already defined on line {line}", d.label),
            ));
            continue;
        }
        seen.insert(&d.label, d.label_range.start);
        if !referenced.contains(d.label.as_str()) {
            out.push(Diagnostic::new(
                Code::UnusedFootnote,
                d.label_range.clone(),
                format!("footnote [^{}] is defined but never referenced", d.label),
            ));
        }
        // Citations are sorted by start: look only at those starting inside
        // the note (a scan of all of them per note is quadratic).
        let first = m
            .citations
            .partition_point(|c| c.range.start < d.range.start);
        let cited = m.citations[first..]
            .iter()
            .take_while(|c| c.range.start < d.range.end)
            .any(|c| c.range.end <= d.range.end);
        if !cited {
            out.push(Diagnostic::new(
                Code::UncitedNote,
                d.label_range.clone(),
                format!("note [^{}] cites no source", d.label),
            ));
        }
    }
    // Numeric labels in order of first reference must read 1, 2, 3, …
    let mut first_seen: HashSet<&str, Fast> = HashSet::default();
    let mut expected = 1u64;
    for r in &m.footnote_refs {
        let Ok(n) = r.label.parse::<u64>() else {
            continue;
        };
        if !first_seen.insert(r.label.as_str()) {
            continue;
        }
        if n != expected {
            out.push(Diagnostic::new(
                Code::FootnoteOrder,
                r.range.clone(),
                format!(
                    "footnote [^{}] is the {} numbered note referenced; expected [^{expected}] here (renumber the footnotes to fix)",
                    r.label,
                    ordinal(expected)
                ),
            ));
        }
        expected += 1;
    }
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn sources(doc: &Document, ws: &Workspace, out: &mut Vec<Diagnostic>) {
    let m = &doc.model;
    let has_source = m.front_matter.as_ref().is_some_and(|f| {
        f.source
            .as_ref()
            .is_some_and(|s| !s.value.trim().is_empty())
    });
    if !has_source && m.citations.is_empty() {
        let range = match &m.front_matter {
            Some(f) => f.range.start..f.range.start + 3,
            None => doc.line_index.line_range(&doc.text, 0).unwrap_or(0..0),
        };
        out.push(Diagnostic::new(
            Code::MissingSource,
            range,
            "this document cites nothing: add `source = \"[@key, …]\"` to the front matter or a citation",
        ));
    }
    if !ws.has_root() {
        return;
    }
    for c in &m.citations {
        for item in &c.items {
            if ws.bibliography.get(&item.key).is_none() {
                let where_ = if c.place == Place::FrontMatter {
                    " (in `source`)"
                } else {
                    ""
                };
                out.push(Diagnostic::new(
                    Code::UnknownCitation,
                    item.key_range.clone(),
                    format!(
                        "citation key `{}` is in no bibliography of the workspace{where_}",
                        item.key
                    ),
                ));
            }
        }
    }
}

fn entities(doc: &Document, ws: &Workspace, resolved: &Resolved<'_>, out: &mut Vec<Diagnostic>) {
    for mention in &doc.model.mentions {
        match &resolved[mention.target.as_str()] {
            Resolution::Unique(_) => {}
            Resolution::Unknown => out.push(Diagnostic::new(
                Code::UnknownEntity,
                mention.range.clone(),
                format!(
                    "`{}` is no id, name or alias in the registry",
                    mention.target
                ),
            )),
            Resolution::Ambiguous(ids) => {
                let ids: Vec<&str> = ids
                    .iter()
                    .map(|&i| ws.registry.entities[i].id.as_str())
                    .collect();
                out.push(Diagnostic::new(
                    Code::AmbiguousEntity,
                    mention.range.clone(),
                    format!(
                        "`{}` names {} entries ({}): write the id, e.g. [[{}|{}]]",
                        mention.target,
                        ids.len(),
                        ids.join(", "),
                        ids[0],
                        mention.target
                    ),
                ));
            }
        }
    }
}

fn untagged(doc: &Document, ws: &Workspace, names: &[&NameMatch], out: &mut Vec<Diagnostic>) {
    for found in names {
        let name = &doc.text[found.range.clone()];
        let message = match found.entities.as_slice() {
            [one] => {
                let e = &ws.registry.entities[*one];
                if e.name == name || e.id == name {
                    format!("`{name}` is a registry name: tag it as [[{name}]]")
                } else {
                    format!(
                        "`{name}` is in the registry ({}): tag it as [[{}|{name}]]",
                        e.name, e.id
                    )
                }
            }
            many => format!(
                "`{name}` is a registry name of {} entries ({}): tag it with the right id",
                many.len(),
                many.iter()
                    .map(|&i| ws.registry.entities[i].id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(Diagnostic::new(
            Code::UntaggedMention,
            found.range.clone(),
            message,
        ));
    }
}

/// `translation-mismatch`: the translation's footnote labels and citation
/// keys against its original's, from the workspace index.
pub fn check_translation(doc: &Document, ws: &Workspace) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(fm) = &doc.model.front_matter else {
        return out;
    };
    let Some(field) = &fm.translation_of else {
        return out;
    };
    let Some(target) = crate::workspace::translation_target(doc) else {
        return out;
    };
    let Some(original) = ws.docs.get(&target) else {
        out.push(Diagnostic::new(
            Code::TranslationMismatch,
            field.range.clone(),
            format!(
                "the original `{}` is not a document of this workspace",
                field.value
            ),
        ));
        return out;
    };
    let m = &doc.model;
    let labels: HashSet<&str> = m.footnote_defs.iter().map(|d| d.label.as_str()).collect();
    for label in &original.labels {
        if !labels.contains(label.as_str()) {
            out.push(Diagnostic::new(
                Code::TranslationMismatch,
                field.range.clone(),
                format!("footnote [^{label}] of the original is missing in this translation"),
            ));
        }
    }
    let mut reported = HashSet::new();
    for d in &m.footnote_defs {
        if original.labels.binary_search(&d.label).is_err() && reported.insert(d.label.as_str()) {
            out.push(Diagnostic::new(
                Code::TranslationMismatch,
                d.label_range.clone(),
                format!("footnote [^{}] is not in the original", d.label),
            ));
        }
    }
    let keys: HashSet<&str> = m
        .citations
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.key.as_str()))
        .collect();
    for key in &original.cite_keys {
        if !keys.contains(key.as_str()) {
            out.push(Diagnostic::new(
                Code::TranslationMismatch,
                field.range.clone(),
                format!("citation @{key} of the original is missing in this translation"),
            ));
        }
    }
    let mut reported = HashSet::new();
    for c in &m.citations {
        for item in &c.items {
            if original.cite_keys.binary_search(&item.key).is_err()
                && reported.insert(item.key.as_str())
            {
                out.push(Diagnostic::new(
                    Code::TranslationMismatch,
                    item.key_range.clone(),
                    format!("citation @{} is not in the original", item.key),
                ));
            }
        }
    }
    out
}
