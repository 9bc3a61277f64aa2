//! `scholia export --format tei --out DIR [PATH...]`: every document under
//! the paths as a TEI file under DIR (at its path relative to the workspace
//! root, with `.xml`), and `DIR/register.xml`. Documents are exported in
//! parallel, each streamed to its file.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::tei;
use crate::base::Diagnostic;
use crate::syntax::Model;
use crate::workspace::{self, Workspace};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// TEI P5 XML, one file per document and a register.
    Tei,
    /// A static reading-edition site (`export::html`).
    Html,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Documents or folders to export (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Folder for the exported files.
    #[arg(long)]
    pub out: PathBuf,
    /// Render every reference afresh, and keep none for the next export
    /// (by default hayagriva's renderings are kept in the user's cache
    /// folder; `SCHOLIA_CACHE_DIR` chooses another).
    #[arg(long)]
    pub no_cache: bool,
}

const OK: i32 = 0;
const FAILED: i32 = 2;

/// A document to export: its file and its path relative to the root.
struct Job {
    path: PathBuf,
    rel: String,
}

/// A document's path relative to `root` with `/` (its file name when it is
/// not below `root`).
pub(crate) fn rel_of(root: Option<&Path>, path: &Path) -> String {
    let rel = root
        .and_then(|r| path.strip_prefix(r).ok())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(path.file_name().unwrap_or_default()));
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The `.xml` path of a document's relative path.
pub fn xml_rel(rel: &str) -> String {
    match rel.strip_suffix(".scholia") {
        Some(stem) => format!("{stem}.xml"),
        None => format!("{rel}.xml"),
    }
}

/// `line:column` (1-based, columns in characters) of `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..crate::text::floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub fn run(args: &ExportArgs) -> i32 {
    if args.format == ExportFormat::Html {
        return super::html::run(&args.paths, &args.out, cache(args).as_deref());
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let root = workspace::find_root(&paths[0]);
    let (ws, docs) = match &root {
        Some(r) => Workspace::open(r),
        None => (Workspace::detached(), Vec::new()),
    };
    super::keep_renders(&ws, cache(args).as_deref());
    let mut jobs = Vec::new();
    for p in &paths {
        let p = workspace::normalize(p);
        if p.is_file() {
            jobs.push(Job {
                rel: rel_of(root.as_deref(), &p),
                path: p,
            });
        } else if p.is_dir() {
            let mut found = false;
            for d in &docs {
                if d.starts_with(&p) {
                    jobs.push(Job {
                        rel: rel_of(root.as_deref(), d),
                        path: d.clone(),
                    });
                    found = true;
                }
            }
            if !found && root.is_none() {
                for entry in walkdir::WalkDir::new(&p).sort_by_file_name() {
                    let Ok(entry) = entry else { continue };
                    if entry.path().extension().is_some_and(|e| e == "scholia") {
                        jobs.push(Job {
                            rel: rel_of(Some(&p), entry.path()),
                            path: entry.path().to_path_buf(),
                        });
                    }
                }
            }
        } else {
            eprintln!("scholia export: {}: no such file or folder", p.display());
            return FAILED;
        }
    }
    jobs.sort_by(|a, b| a.rel.cmp(&b.rel));
    jobs.dedup_by(|a, b| a.rel == b.rel);
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!(
            "scholia export: --out {}: cannot create it: {e}",
            args.out.display()
        );
        return FAILED;
    }
    // The register's formatted references are rendered meanwhile, on
    // whichever core is free (hayagriva's rendering is most of the
    // register's time).
    let (results, ()) = rayon::join(
        || -> Vec<Result<Vec<String>, String>> {
            jobs.par_iter()
                .map(|job| export_one(job, &ws, &args.out))
                .collect()
        },
        || {
            ws.bibliography.entries.par_iter().for_each(|b| {
                ws.cite(b, None);
            })
        },
    );
    let mut code = OK;
    let mut stderr = std::io::stderr().lock();
    for r in results {
        match r {
            Ok(warnings) => {
                for w in warnings {
                    let _ = writeln!(stderr, "{w}");
                }
            }
            Err(e) => {
                let _ = writeln!(stderr, "scholia export: {e}");
                code = FAILED;
            }
        }
    }
    let register = args.out.join("register.xml");
    let written = std::fs::File::create(&register).and_then(|f| {
        let mut w = BufWriter::new(f);
        tei::register(&mut w, &ws)?;
        w.flush()
    });
    if let Err(e) = written {
        let _ = writeln!(stderr, "scholia export: {}: {e}", register.display());
        code = FAILED;
    }
    if let Some(warning) = super::save_renders(&ws) {
        let _ = writeln!(stderr, "scholia export: {warning}");
    }
    code
}

/// The folder of kept renderings for this export.
fn cache(args: &ExportArgs) -> Option<PathBuf> {
    if args.no_cache {
        None
    } else {
        super::cache_dir()
    }
}

/// Exports one document; returns its warnings (one per problem).
fn export_one(job: &Job, ws: &Workspace, out: &Path) -> Result<Vec<String>, String> {
    let text = workspace::read_text(&job.path)?;
    let model = Model::scan(&text);
    let target = out.join(xml_rel(&job.rel));
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file = std::fs::File::create(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let mut w = BufWriter::new(file);
    let info = tei::DocInfo { rel_path: &job.rel };
    let problems: Vec<Diagnostic> = tei::document(&mut w, &info, &text, &model, ws)
        .and_then(|p| w.flush().map(|()| p))
        .map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(problems
        .iter()
        .map(|d| {
            let (line, col) = line_col(&text, d.range.start);
            format!(
                "{}:{line}:{col}: warning: {} (kept in the TEI as a comment) [{}]",
                job.path.display(),
                d.message,
                d.code.as_str()
            )
        })
        .collect())
}
