//! `ambiguous-locator`: `l.`/`ll.` in a citation of an archival source.
//!
//! In Russian archival usage `l.`/`ll.` (лист, листы) are folios; Pandoc and
//! CSL read the same labels as line(s). The lint fires on a citation item
//! whose locator starts with the label `l.` or `ll.` (lower case, followed by
//! a space, a digit or nothing) and whose key names an archival entry of the
//! bibliography: a CSL-JSON item or BibTeX entry with an `archive` or
//! `archive_location` field (also `archive-place`, `archive_collection`,
//! `archivelocation`), or of type `manuscript` (CSL), `unpublished` or
//! `manuscript` (BibTeX), `archive` or `archival-document`. An unknown key
//! is left alone (`unknown-citation` speaks for it), and so is a book or an
//! article, where `l.` may well mean a line.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::Value;

use crate::workspace::{BibEntry, Document, Workspace};

use crate::base::{Code, Diagnostic};

/// The length of a leading `l.` or `ll.` label of a locator, with what
/// replaces it.
pub fn line_label(locator: &str) -> Option<(usize, &'static str)> {
    let (len, folio) = if locator.starts_with("ll.") {
        (3, "fols.")
    } else if locator.starts_with("l.") {
        (2, "fol.")
    } else {
        return None;
    };
    match locator[len..].chars().next() {
        None => Some((len, folio)),
        Some(c) if c.is_whitespace() || c.is_ascii_digit() => Some((len, folio)),
        _ => None,
    }
}

const ARCHIVE_FIELDS: &[&str] = &[
    "archive",
    "archive_location",
    "archive-location",
    "archivelocation",
    "archive-place",
    "archive_place",
    "archive_collection",
    "archive-collection",
];

const ARCHIVAL_TYPES: &[&str] = &[
    "manuscript",
    "unpublished",
    "archive",
    "archival-document",
    "archival document",
];

/// Whether a bibliography entry is an archival source: by its type, or by
/// an archive field in its source text (kept in memory by the workspace).
pub fn is_archival(entry: &BibEntry, ws: &Workspace) -> bool {
    if ARCHIVAL_TYPES.contains(&entry.kind.to_lowercase().as_str()) {
        return true;
    }
    let Some(raw) = ws
        .aux
        .get(&entry.file)
        .and_then(|f| f.text.get(entry.range.clone()))
    else {
        return false;
    };
    let bibtex = entry
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("bib") || e.eq_ignore_ascii_case("bibtex"));
    if bibtex {
        bibtex_has_archive_field(raw)
    } else {
        match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(item)) => ARCHIVE_FIELDS.iter().any(|f| {
                item.get(*f)
                    .is_some_and(|v| v.as_str().is_none_or(|s| !s.trim().is_empty()))
            }),
            _ => false,
        }
    }
}

/// Whether a BibTeX entry's text has a field named like an archive field:
/// the identifier before each `=`.
fn bibtex_has_archive_field(raw: &str) -> bool {
    raw.match_indices('=').any(|(at, _)| {
        let before = raw[..at].trim_end();
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |i| i + 1);
        let name = before[start..].to_ascii_lowercase();
        ARCHIVE_FIELDS.contains(&name.as_str())
    })
}

/// Adds `ambiguous-locator` diagnostics.
pub(super) fn check(doc: &Document, ws: &Workspace, out: &mut Vec<Diagnostic>) {
    let mut archival: HashMap<&str, bool> = HashMap::new();
    for c in &doc.model.citations {
        for item in &c.items {
            let (Some(locator), Some(range)) = (&item.locator, &item.locator_range) else {
                continue;
            };
            let Some((len, folio)) = line_label(locator) else {
                continue;
            };
            let is_archival = *archival.entry(item.key.as_str()).or_insert_with(|| {
                ws.bibliography
                    .get(&item.key)
                    .is_some_and(|e| is_archival(e, ws))
            });
            if !is_archival {
                continue;
            }
            let label = &locator[..len];
            // The range of the label itself when the locator's range is
            // exact (it covers a whole escaped `source` string otherwise).
            let at: Range<usize> = if doc.text.get(range.clone()) == Some(locator.as_str()) {
                range.start..range.start + len
            } else {
                range.clone()
            };
            let (meaning, folios) = if len == 3 {
                ("lines", "folios (листы)")
            } else {
                ("line", "a folio (лист)")
            };
            out.push(Diagnostic::new(
                Code::AmbiguousLocator,
                at,
                format!(
                    "`{label}` in a citation of the archival source @{}: Pandoc and CSL read it as \"{meaning}\", in Russian archival usage it means {folios}; write `{folio}`",
                    item.key
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(line_label("ll. 97-103"), Some((3, "fols.")));
        assert_eq!(line_label("l. 5"), Some((2, "fol.")));
        assert_eq!(line_label("l.5"), Some((2, "fol.")));
        assert_eq!(line_label("ll."), Some((3, "fols.")));
        assert_eq!(line_label("lines 4-5"), None);
        assert_eq!(line_label("l.v. 3"), None);
        assert_eq!(line_label("fols. 97-103"), None);
        assert_eq!(line_label("130-131"), None);
        assert_eq!(line_label("L. 5"), None);
    }

    #[test]
    fn bibtex_fields() {
        assert!(bibtex_has_archive_field(
            "@misc{k, title = {T}, archive = {GARF}}"
        ));
        assert!(bibtex_has_archive_field(
            "@misc{k,\n  Archive_Location={f. 5}\n}"
        ));
        assert!(!bibtex_has_archive_field(
            "@article{k, archiveprefix = {arXiv}, title = {a=b}}"
        ));
    }
}
