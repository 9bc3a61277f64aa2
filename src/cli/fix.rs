//! `scholia check --fix [PATH...]`: applies the safe fixes (`ide::fixes`,
//! the code actions with exactly one choice) to every document under the
//! paths, prints each edit, then checks again and prints the report in the
//! format asked for.
//!
//! A document is fixed in rounds: each round checks it, applies the fixes
//! whose edits do not overlap, and scans the new text; a fix that overlaps
//! another (a renumbering moves a note that holds an `ll.`) is recomputed
//! in the next round. Only the bytes of each edit change; a file with
//! nothing to fix is not written.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Format;
use super::check::{is_under, list_documents};
use super::output::{display_path, plural};
use crate::base::Lints;
use crate::diagnostics;
use crate::ide::fixes::{self, Fix};
use crate::text::{Encoding, LineIndex};
use crate::workspace::{self, Document, Workspace};

/// At most this many rounds per document (each makes progress; the bound
/// only guards against a fix that would undo another).
const MAX_ROUNDS: usize = 8;

/// What fixing one document did: the lines to print, the fixes applied.
struct Fixed {
    lines: Vec<String>,
    applied: usize,
}

pub fn run(paths: &[PathBuf], format: Format) -> i32 {
    let Some(groups) = super::paths_by_root(paths, "scholia") else {
        return 2;
    };
    // What was fixed goes to stdout with a human-readable report, to
    // stderr in front of a machine-readable one.
    let machine = matches!(format, Format::Json | Format::Sarif);
    let mut log: Box<dyn Write> = if machine {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    };
    let mut applied = 0;
    let mut files = 0;
    let mut failed = false;
    for (root, targets) in groups {
        let (ws, docs) = match &root {
            Some(root) => Workspace::open(root),
            None => (Workspace::detached(), list_documents(&targets)),
        };
        let lints = ws.config.lints.clone();
        for path in docs.iter().filter(|p| is_under(p, &targets)) {
            let Ok(text) = workspace::read_text(path) else {
                continue; // `check` reports it
            };
            let (new_text, fixed) = fix_document(path, text.clone(), &ws, &lints);
            for line in &fixed.lines {
                let _ = writeln!(log, "{line}");
            }
            if new_text != text {
                if let Err(e) = std::fs::write(path, &new_text) {
                    let _ = writeln!(log, "scholia: cannot write {}: {e}", path.display());
                    failed = true;
                    continue;
                }
                applied += fixed.applied;
                files += 1;
            }
        }
    }
    let _ = writeln!(
        log,
        "fixed {applied} problem{} in {files} file{}{}",
        plural(applied),
        plural(files),
        if machine { "" } else { "\n" }
    );
    drop(log);
    let code = super::check::run(paths, format);
    if failed { code.max(1) } else { code }
}

/// Fixes one document's text; returns the new text and what was done.
fn fix_document(path: &Path, text: String, ws: &Workspace, lints: &Lints) -> (String, Fixed) {
    let shown = display_path(path);
    let mut fixed = Fixed {
        lines: Vec::new(),
        applied: 0,
    };
    let mut doc = Document::scan(path.to_path_buf(), text);
    let mut refused: Vec<String> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let mut found = diagnostics::check_local(&doc, ws);
        diagnostics::finish_with(&mut found, lints);
        found.retain(|d| fixes::FIXABLE.contains(&d.code));
        let all = fixes::safe_fixes(&doc, ws, &found);
        for f in all.iter().filter(|f| f.refused.is_some()) {
            let line = describe_refusal(&shown, &doc, f);
            if !refused.contains(&line) {
                refused.push(line);
            }
        }
        let (picked, edits) = fixes::compatible(&all);
        if picked.is_empty() {
            break;
        }
        for f in &picked {
            describe(&shown, &doc, f, &mut fixed.lines);
        }
        fixed.applied += picked.len();
        let new_text = crate::ide::renumber::apply(&doc.text, &edits);
        doc = Document::scan(path.to_path_buf(), new_text);
    }
    fixed.lines.extend(refused);
    (doc.text, fixed)
}

/// `path:line:col: fixed[code]: title`, then one line per edit.
fn describe(shown: &str, doc: &Document, fix: &Fix, out: &mut Vec<String>) {
    let at = |offset: usize| doc.line_index.line_col(&doc.text, offset, Encoding::Utf32);
    let start = at(fix.range.start);
    out.push(format!(
        "{shown}:{}:{}: fixed[{}]: {}",
        start.line + 1,
        start.col + 1,
        fix.code,
        fix.title
    ));
    for (range, new) in &fix.edits {
        let p = at(range.start);
        out.push(format!(
            "    {}:{}: {} -> {}",
            p.line + 1,
            p.col + 1,
            quote(&doc.text[range.clone()]),
            quote(new)
        ));
    }
}

fn describe_refusal(shown: &str, doc: &Document, fix: &Fix) -> String {
    let index: &LineIndex = &doc.line_index;
    let p = index.line_col(&doc.text, fix.range.start, Encoding::Utf32);
    format!(
        "{shown}:{}:{}: not fixed[{}]: {}",
        p.line + 1,
        p.col + 1,
        fix.code,
        fix.refused.as_deref().unwrap_or_default()
    )
}

/// Text of an edit, shown on one line: in backticks, line breaks as `⏎`,
/// at most 60 characters (the middle cut as `…`).
fn quote(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| match c {
            '\n' => '⏎',
            '\r' => '␍',
            c if c.is_control() => '�',
            c => c,
        })
        .collect();
    let n = one.chars().count();
    let shown = if n > 60 {
        let head: String = one.chars().take(40).collect();
        let tail: String = one.chars().skip(n - 15).collect();
        format!("{head}…{tail}")
    } else {
        one
    };
    format!("`{shown}`")
}
