//! `scholia check [PATH...]`: every check of the server, over files on disk.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::json;

use super::Format;
use super::output::{self, Report, display_path, plural};
use crate::base::{Diagnostic, Lints};
use crate::diagnostics;
use crate::text::LineIndex;
use crate::workspace::{self, DocSummary, Document, Workspace};

pub fn run(paths: &[PathBuf], format: Format) -> i32 {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut targets: Vec<PathBuf> = Vec::new();
    for p in &paths {
        // An editor's lock (a dangling link), backup or swap file named on
        // the command line (`scholia check notes/*`): skipped silently.
        if workspace::is_editor_leftover(p) {
            continue;
        }
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
    // Only the `text` format shows source lines.
    let excerpts = format == Format::Text;
    for (root, targets) in groups {
        let (n, r) = check_group(root.as_deref(), &targets, excerpts);
        documents += n;
        reports.extend(r);
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let errors = output::print(&reports, documents, format);
    if errors > 0 { 1 } else { 0 }
}

pub(super) fn is_under(path: &Path, targets: &[PathBuf]) -> bool {
    targets.iter().any(|t| path.starts_with(t))
}

pub(super) fn list_documents(targets: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for t in targets {
        // An editor's lock, backup or swap file is skipped even when named
        // (`scholia check notes/*` names them too).
        if workspace::is_editor_leftover(t) {
            continue;
        }
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
            if e.file_type().is_file() && workspace::is_document(e.path()) {
                out.push(e.path().to_path_buf());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What pass 1 leaves of one document.
struct Checked {
    path: PathBuf,
    summary: DocSummary,
    report: Option<Report>,
    /// A document to check once the registry is in (read and scanned
    /// while it loaded).
    pending: Option<Document>,
    /// A translation with its local diagnostics, for pass 2.
    translation: Option<(Document, Vec<Diagnostic>)>,
}

impl Checked {
    /// A document with nothing (yet) to report or keep.
    fn bare(path: PathBuf, summary: DocSummary) -> Checked {
        Checked {
            path,
            summary,
            report: None,
            pending: None,
            translation: None,
        }
    }
}

/// Documents read and scanned while the registry loads are kept until it
/// is in; past this many, pass 1 waits for it (memory stays bounded).
const MAX_PENDING: usize = 1024;

/// Checks what needs no other document: a report, or a translation kept
/// whole for pass 2.
fn check_scanned(doc: Document, ws: &Workspace, lints: &Lints, excerpts: bool) -> Checked {
    let diagnostics = diagnostics::check_local(&doc, ws);
    let summary = DocSummary::of(&doc);
    if summary.translation_of.is_some() {
        let path = doc.path.clone();
        Checked {
            translation: Some((doc, diagnostics)),
            ..Checked::bare(path, summary)
        }
    } else {
        let report = Report::new(
            doc.path.clone(),
            &doc.text,
            &doc.line_index,
            diagnostics,
            lints,
            excerpts,
        );
        Checked {
            report: Some(report),
            ..Checked::bare(doc.path, summary)
        }
    }
}

/// Checks the documents of one workspace that lie under `targets`.
///
/// The registry and bibliography load on a thread of their own while
/// pass 1 reads, scans and summarises documents (which needs neither);
/// a document scanned before they are in waits for them, at most
/// `MAX_PENDING` of them.
fn check_group(root: Option<&Path>, targets: &[PathBuf], excerpts: bool) -> (usize, Vec<Report>) {
    let (ws, all_docs) = match root {
        Some(root) => Workspace::scan(root, |_| {}),
        None => (Workspace::detached(), list_documents(targets)),
    };
    let lints = ws.config.lints.clone();
    let loaded: OnceLock<Workspace> = OnceLock::new();
    let pending = AtomicUsize::new(0);
    // Pass 1, in parallel: read and scan every document once; index it,
    // check what needs no other document and locate its diagnostics; keep
    // translations (for pass 2) whole.
    let checked: Vec<Checked> = std::thread::scope(|scope| {
        let loader = scope.spawn(|| {
            let mut ws = ws;
            if root.is_some() {
                ws.reload_registry();
                // The name automaton on a thread of its own meanwhile.
                let automaton = std::thread::spawn(ws.registry.name_search_builder());
                ws.reload_bibliography();
                let _ = automaton.join();
            }
            let _ = loaded.set(ws);
        });
        let checked = all_docs
            .par_iter()
            .map(|path| {
                let report_it = is_under(path, targets);
                let text = match workspace::read_text(path) {
                    Ok(t) => t,
                    Err(message) => {
                        let report = report_it.then(|| {
                            let d = Diagnostic::new(crate::base::Code::Io, 0..0, message);
                            Report::new(
                                path.clone(),
                                "",
                                &LineIndex::new(""),
                                vec![d],
                                &lints,
                                excerpts,
                            )
                        });
                        return Checked {
                            report,
                            ..Checked::bare(path.clone(), DocSummary::default())
                        };
                    }
                };
                let doc = Document::scan(path.clone(), text);
                if !report_it {
                    return Checked::bare(path.clone(), DocSummary::of(&doc));
                }
                let ws = match loaded.get() {
                    Some(ws) => ws,
                    None if pending.fetch_add(1, Ordering::Relaxed) < MAX_PENDING => {
                        return Checked {
                            pending: Some(doc),
                            ..Checked::bare(path.clone(), DocSummary::default())
                        };
                    }
                    None => loaded.wait(),
                };
                check_scanned(doc, ws, &lints, excerpts)
            })
            .collect::<Vec<Checked>>();
        if let Err(panic) = loader.join() {
            std::panic::resume_unwind(panic);
        }
        checked
    });
    let mut ws = loaded.into_inner().expect("the workspace is loaded");
    let (ready, waiting): (Vec<Checked>, Vec<Checked>) =
        checked.into_iter().partition(|c| c.pending.is_none());
    let rest: Vec<Checked> = waiting
        .into_par_iter()
        .filter_map(|c| c.pending)
        .map(|doc| check_scanned(doc, &ws, &lints, excerpts))
        .collect();
    let mut checked = ready;
    checked.extend(rest);
    // The index in path order, as it would be built document by document.
    checked.sort_by(|a, b| a.path.cmp(&b.path));

    let mut reports = Vec::new();
    let documents = checked
        .iter()
        .filter(|c| is_under(&c.path, targets))
        .count();
    let mut translations = Vec::new();
    let mut summaries = Vec::with_capacity(checked.len());
    for c in checked {
        summaries.push((c.path, c.summary));
        reports.extend(c.report);
        translations.extend(c.translation);
    }
    ws.set_docs(summaries);
    // Problems in scholia.toml, the registry and the bibliography, when
    // they lie under the paths asked for (like documents); with every
    // document indexed, so `unused-bibliography-entry` sees all citations.
    for (path, file) in &ws.aux {
        if is_under(path, targets) {
            reports.push(Report::new(
                path.clone(),
                &file.text,
                &file.line_index,
                diagnostics::aux_diagnostics(&ws, path, true),
                &lints,
                excerpts,
            ));
        }
    }
    // Pass 2, in parallel: translations against their originals.
    let ws = &ws;
    reports.par_extend(translations.into_par_iter().map(|(doc, mut diagnostics)| {
        diagnostics.extend(diagnostics::check_translation(&doc, ws));
        Report::new(
            doc.path,
            &doc.text,
            &doc.line_index,
            diagnostics,
            &lints,
            excerpts,
        )
    }));
    reports.retain(|r| !r.diagnostics.is_empty());
    (documents, reports)
}

/// `scholia check --translations [PATH...]`: the translation report of every
/// translation under the paths. Exit code 1 when any translation differs
/// from its original (or its original cannot be read), 0 otherwise, 2 for a
/// path that does not exist.
pub fn run_translations(paths: &[PathBuf], format: Format) -> i32 {
    if matches!(format, Format::Sarif | Format::Github) {
        eprintln!("scholia: --translations prints `text` or `json`, not sarif or github");
        return 2;
    }
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for p in &paths {
        if workspace::is_editor_leftover(p) {
            continue;
        }
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
            let doc = Document::scan(path, text);
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
        Format::Text | Format::Short | Format::Sarif | Format::Github => {
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
