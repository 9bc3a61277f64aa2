//! One document's TEI export in memory, for the editor's "Export to TEI"
//! (the server's `scholia.exportTei`): the files `scholia export --format
//! tei` writes for that document — its `.xml` and `register.xml` — with the
//! same text (both call `tei::document` and `tei::register` with the
//! document's path relative to the workspace root, `command::rel_of`),
//! placed in the workspace's export folder (`[export] dir` of
//! `scholia.toml`, default `export/`). Nothing of the export is written
//! here: the server hands the files to the editor as a workspace edit.
//! The references it renders are kept in the user's cache folder, as the
//! CLI's are (`export::cache_dir`), so the register's thousands of
//! references are rendered once, not at each export.

use std::path::{Path, PathBuf};

use super::command::{rel_of, xml_rel};
use super::tei;
use crate::base::Diagnostic;
use crate::workspace::{self, Document, Workspace};

/// A file of the export and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: PathBuf,
    pub text: String,
}

/// The export of one document: its `.xml` first, then `register.xml`; and
/// the document's syntax problems (kept in the TEI as comments).
#[derive(Debug)]
pub struct TeiExport {
    pub files: Vec<OutFile>,
    pub problems: Vec<Diagnostic>,
}

/// The root a document's export is relative to: its workspace's, or for a
/// document in no workspace its own folder (as `scholia export FILE` does).
fn root_of(ws: &Workspace, doc_path: &Path) -> PathBuf {
    ws.root
        .clone()
        .filter(|r| doc_path.starts_with(r))
        .or_else(|| doc_path.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

/// The workspace's export folder (absolute) for a document at `doc_path`.
pub fn export_folder(ws: &Workspace, doc_path: &Path) -> PathBuf {
    root_of(ws, doc_path).join(ws.config.export_dir())
}

/// The TEI export of `doc` as it is now (the editor's text, saved or not).
/// An error (a sentence for the user) when `doc` is no `.scholia` document.
pub fn tei(ws: &Workspace, doc: &Document) -> Result<TeiExport, String> {
    if !workspace::is_document(&doc.path) {
        return Err(format!(
            "{} is not a scholia document (only .scholia files are exported to TEI)",
            doc.path.display()
        ));
    }
    let root = root_of(ws, &doc.path);
    let rel = rel_of(Some(&root), &doc.path);
    let out = root.join(ws.config.export_dir());
    let mut xml = Vec::new();
    let info = tei::DocInfo { rel_path: &rel };
    let problems = tei::document(&mut xml, &info, &doc.text, &doc.model, ws)
        .map_err(|e| format!("exporting {}: {e}", doc.path.display()))?;
    let mut register = Vec::new();
    super::keep_renders(ws, super::cache_dir().as_deref());
    tei::register(&mut register, ws).map_err(|e| format!("exporting the register: {e}"))?;
    // A store that cannot be written costs the next export time, no more.
    let _ = super::save_renders(ws);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|e| e.to_string());
    Ok(TeiExport {
        files: vec![
            OutFile {
                path: out.join(xml_rel(&rel)),
                text: text(xml)?,
            },
            OutFile {
                path: out.join("register.xml"),
                text: text(register)?,
            },
        ],
        problems,
    })
}
