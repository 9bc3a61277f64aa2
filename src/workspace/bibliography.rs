//! The bibliography (SPEC §4): CSL-JSON and BibTeX/BibLaTeX files, each entry
//! with its source span, and a formatter that renders an entry as a reader
//! would cite it.

use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

/// One bibliography entry.
#[derive(Debug, Clone, PartialEq)]
pub struct BibEntry {
    pub key: String,
    /// CSL type or BibTeX entry type, as written.
    pub kind: String,
    pub title: Option<String>,
    /// The reference formatted for a reader (no locator).
    pub formatted: String,
    pub file: PathBuf,
    /// Byte spans in `file`: the whole entry, and its key.
    pub range: Range<usize>,
    pub key_range: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Bibliography {
    pub entries: Vec<BibEntry>,
}

impl Bibliography {
    /// Loads every bibliography file (path, text); `.bib` is BibTeX, anything
    /// else CSL-JSON. Problems (code `bibliography`) come back per file;
    /// the valid entries of a broken file are kept where possible.
    pub fn load(files: &[(PathBuf, String)]) -> (Bibliography, Vec<(PathBuf, Diagnostic)>) {
        let _ = files;
        (Bibliography::default(), Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&BibEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The entry formatted with a locator appended, e.g.
    /// `…, f. 45, op. 1, d. 343, ll. 97-103.`
    pub fn cite(&self, entry: &BibEntry, locator: Option<&str>) -> String {
        match locator {
            Some(loc) if !loc.trim().is_empty() => format!("{}, {}", entry.formatted, loc.trim()),
            _ => entry.formatted.clone(),
        }
    }
}
