//! `scholia check [PATH...]`: every check of the server, over files on disk.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::json;

use super::Format;
use crate::diagnostics::{self, Diagnostic};
use crate::text::{Encoding, LineIndex};
use crate::workspace::{self, DocSummary, Document, Workspace};

/// One file's problems, with what is needed to print positions.
struct Report {
    path: PathBuf,
    text: String,
    line_index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(paths: &[PathBuf], format: Format) -> i32 {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut targets: Vec<PathBuf> = Vec::new();
    for p in &paths {
        if !p.exists() {
            eprintln!("scholia: {}: no such file or folder", p.display());
            return 2;
        }
        targets.push(workspace::normalize(p));
    }
    // Group the paths by workspace root (None: outside any workspace).
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for t in targets {
        groups.entry(workspace::find_root(&t)).or_default().push(t);
    }
    let mut reports = Vec::new();
    let mut documents = 0;
    for (root, targets) in groups {
        let (n, r) = check_group(root.as_deref(), &targets);
        documents += n;
        reports.extend(r);
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let errors = print(&reports, documents, format);
    if errors > 0 { 1 } else { 0 }
}

fn is_under(path: &Path, targets: &[PathBuf]) -> bool {
    targets.iter().any(|t| path.starts_with(t))
}

fn list_documents(targets: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for t in targets {
        if t.is_file() {
            out.push(t.clone());
            continue;
        }
        for e in walkdir::WalkDir::new(t)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x == workspace::EXTENSION)
            {
                out.push(e.path().to_path_buf());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Checks the documents of one workspace that lie under `targets`.
fn check_group(root: Option<&Path>, targets: &[PathBuf]) -> (usize, Vec<Report>) {
    let (mut ws, all_docs) = match root {
        Some(root) => Workspace::open(root),
        None => (Workspace::detached(), list_documents(targets)),
    };
    let mut reports = Vec::new();
    // Problems in scholia.toml, the registry and the bibliography, when
    // they lie under the paths asked for (like documents).
    for (path, file) in &ws.aux {
        if !file.diagnostics.is_empty() && is_under(path, targets) {
            let mut diagnostics = file.diagnostics.clone();
            diagnostics::finish(&mut diagnostics, &ws);
            reports.push(Report {
                path: path.clone(),
                text: file.text.clone(),
                line_index: file.line_index.clone(),
                diagnostics,
            });
        }
    }
    // Pass 1, in parallel: parse every document once; index it, check what
    // needs no other document, keep translations for pass 2.
    let checked: Vec<(PathBuf, DocSummary, Option<Report>, Option<Document>)> = all_docs
        .par_iter()
        .map(|path| {
            let report_it = is_under(path, targets);
            let text = match workspace::read_text(path) {
                Ok(t) => t,
                Err(message) => {
                    let report = report_it.then(|| Report {
                        path: path.clone(),
                        text: String::new(),
                        line_index: LineIndex::new(""),
                        diagnostics: vec![Diagnostic::new(diagnostics::Code::Io, 0..0, message)],
                    });
                    return (path.clone(), DocSummary::default(), report, None);
                }
            };
            let doc = Document::new(path.clone(), text);
            let summary = DocSummary::of(&doc);
            if !report_it {
                return (path.clone(), summary, None, None);
            }
            let diagnostics = diagnostics::check_local(&doc, &ws);
            if summary.translation_of.is_some() {
                (path.clone(), summary, None, Some(doc))
            } else {
                let report = Report {
                    path: path.clone(),
                    text: doc.text,
                    line_index: doc.line_index,
                    diagnostics,
                };
                (path.clone(), summary, Some(report), None)
            }
        })
        .collect();
    let mut documents = 0;
    let mut translations = Vec::new();
    for (path, summary, report, doc) in checked {
        if is_under(&path, targets) {
            documents += 1;
        }
        ws.set_doc(path, summary);
        reports.extend(report);
        translations.extend(doc);
    }
    // Pass 2: translations against their originals.
    for doc in translations {
        let diagnostics = diagnostics::check(&doc, &ws);
        reports.push(Report {
            path: doc.path,
            text: doc.text,
            line_index: doc.line_index,
            diagnostics,
        });
    }
    for r in &mut reports {
        diagnostics::finish(&mut r.diagnostics, &ws);
    }
    reports.retain(|r| !r.diagnostics.is_empty());
    (documents, reports)
}

fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    rel.display().to_string()
}

/// Prints every report and the summary; returns the number of errors.
fn print(reports: &[Report], documents: usize, format: Format) -> usize {
    let mut counts = [0usize; 4];
    let mut out = std::io::stdout().lock();
    let mut items = Vec::new();
    for r in reports {
        let shown = display_path(&r.path);
        for d in &r.diagnostics {
            counts[d.severity as usize] += 1;
            let start = r
                .line_index
                .line_col(&r.text, d.range.start, Encoding::Utf32);
            let end = r.line_index.line_col(&r.text, d.range.end, Encoding::Utf32);
            match format {
                Format::Text => {
                    let _ = writeln!(
                        out,
                        "{shown}:{}:{}: {}[{}]: {}",
                        start.line + 1,
                        start.col + 1,
                        d.severity,
                        d.code,
                        d.message
                    );
                }
                Format::Json => items.push(json!({
                    "path": shown,
                    "start": { "line": start.line + 1, "column": start.col + 1, "byte": d.range.start },
                    "end": { "line": end.line + 1, "column": end.col + 1, "byte": d.range.end },
                    "severity": d.severity.as_str(),
                    "code": d.code.as_str(),
                    "message": d.message,
                })),
            }
        }
    }
    let [hints, infos, warnings, errors] = counts;
    match format {
        Format::Text => {
            let _ = writeln!(
                out,
                "checked {documents} document{}: {errors} error{}, {warnings} warning{}, {infos} info, {hints} hint{}",
                plural(documents),
                plural(errors),
                plural(warnings),
                plural(hints)
            );
        }
        Format::Json => {
            let value = json!({
                "diagnostics": items,
                "summary": {
                    "documents": documents,
                    "errors": errors,
                    "warnings": warnings,
                    "infos": infos,
                    "hints": hints,
                }
            });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
    errors
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `scholia check --translations [PATH...]`: the translation report of every
/// translation under the paths. Exit code 1 when any translation differs
/// from its original (or its original cannot be read), 0 otherwise, 2 for a
/// path that does not exist.
pub fn run_translations(paths: &[PathBuf], format: Format) -> i32 {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for p in &paths {
        if !p.exists() {
            eprintln!("scholia: {}: no such file or folder", p.display());
            return 2;
        }
        let t = workspace::normalize(p);
        groups.entry(workspace::find_root(&t)).or_default().push(t);
    }
    let mut reports = Vec::new();
    for (root, targets) in groups {
        let ws = match &root {
            Some(root) => Workspace::open(root).0,
            None => Workspace::detached(),
        };
        for path in list_documents(&targets) {
            let Ok(text) = workspace::read_text(&path) else {
                continue;
            };
            let doc = Document::new(path, text);
            let Some(original_path) = workspace::translation_target(&doc) else {
                continue;
            };
            let original = crate::report::load_original(&doc, |_| None);
            let mut report =
                crate::report::translation_report(&doc, original.as_ref().map(|o| o.doc()), &ws);
            report.translation = display_path(&doc.path);
            report.original = display_path(&original_path);
            reports.push(report);
        }
    }
    reports.sort_by(|a, b| a.translation.cmp(&b.translation));
    let differences: usize = reports.iter().map(|r| r.differences).sum();
    let differing = reports.iter().filter(|r| r.differences > 0).count();
    let mut out = std::io::stdout().lock();
    match format {
        Format::Text => {
            for r in &reports {
                let _ = writeln!(out, "{}", crate::report::render_text(r));
            }
            let _ = writeln!(
                out,
                "compared {} translation{}: {differing} differ{}, {differences} difference{}",
                reports.len(),
                plural(reports.len()),
                if differing == 1 { "s" } else { "" },
                plural(differences)
            );
        }
        Format::Json => {
            let value = json!({
                "reports": reports,
                "summary": {
                    "translations": reports.len(),
                    "differing": differing,
                    "differences": differences,
                }
            });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
    }
    if differing > 0 { 1 } else { 0 }
}
