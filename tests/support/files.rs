//! Fixture files read as (name, text) pairs, and diagnostics rendered as
//! `file:line:col-line:col code severity: message` for snapshots (the
//! registry and bibliography loaders' tests).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use scholia::base::Diagnostic;

/// `tests/fixtures/<folder>/<name>`, as (`name`, its text).
pub fn fixture(folder: &str, name: &str) -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder)
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (PathBuf::from(name), text)
}

pub fn fixtures(folder: &str, names: &[&str]) -> Vec<(PathBuf, String)> {
    names.iter().map(|n| fixture(folder, n)).collect()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub fn span(text: &str, range: &std::ops::Range<usize>) -> String {
    let (l1, c1) = line_col(text, range.start);
    let (l2, c2) = line_col(text, range.end);
    format!("{l1}:{c1}-{l2}:{c2}")
}

pub fn text_of<'a>(files: &'a [(PathBuf, String)], path: &Path) -> &'a str {
    &files.iter().find(|(p, _)| p == path).unwrap().1
}

/// `file:line:col-line:col code severity: message`, one a line.
pub fn render_diagnostics(files: &[(PathBuf, String)], diags: &[(PathBuf, Diagnostic)]) -> String {
    let mut out = String::new();
    for (path, d) in diags {
        let text = text_of(files, path);
        writeln!(
            out,
            "{}:{} {} {}: {}",
            path.display(),
            span(text, &d.range),
            d.code,
            d.severity,
            d.message
        )
        .unwrap();
    }
    out
}
