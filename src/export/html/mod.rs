//! `scholia export --format html`: a workspace as a static reading edition.
//!
//! One page per document (at its relative path with `.html`), one per
//! registry entity (`entity/ID.html`), the indexes (people, places,
//! organizations, documents by date, bibliography), a search page with a
//! prebuilt index, and the site's own stylesheet and script in `assets/`.
//! Nothing is fetched at view time and no page has inline script: every
//! page carries a Content-Security-Policy that allows only the site's own
//! files (`markup::CSP`).
//!
//! The build runs in two parallel passes over the documents: the first
//! reads front matter (titles, dates, `translation-of`: what links between
//! pages need), the second renders and writes each document page as soon
//! as it is made and keeps only what the index pages need (each mention's
//! entity, anchor and line of context; cited keys; the words for search).

mod body;
mod markup;
mod pages;
mod search;
mod spill;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::workspace::{self, Document, Workspace};
pub use body::render_preview;

/// What `build` wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Built {
    pub documents: usize,
    pub entities: usize,
    pub pages: usize,
}

/// One document as the site knows it before its page is made.
#[derive(Debug, Clone)]
pub(crate) struct DocInfo {
    pub path: PathBuf,
    /// The page's path inside the site, `/`-separated (`a/b.html`).
    pub page: String,
    pub title: String,
    pub date: Option<String>,
    pub translation_of: Option<PathBuf>,
}

/// What a document page leaves for the index pages.
#[derive(Debug, Default)]
pub(crate) struct DocOut {
    /// (entity, anchor id of the mention in the page, context HTML).
    pub mentions: Vec<(usize, String, String)>,
    /// Cited keys, sorted, without duplicates.
    pub cites: Vec<String>,
    /// Distinct lower-cased words of the text, for search.
    pub words: Vec<String>,
    /// How many mentions `mentions` had (it is emptied once they are
    /// kept on disk, `spill.rs`).
    pub mention_count: usize,
}

/// Everything the pages share.
pub(crate) struct Site<'a> {
    pub ws: &'a Workspace,
    pub title: String,
    pub docs: Vec<DocInfo>,
    pub by_path: HashMap<PathBuf, usize>,
    /// Original → its translations (indexes into `docs`).
    pub translations: HashMap<usize, Vec<usize>>,
    /// Entity index → its page inside the site.
    pub entity_pages: Vec<String>,
}

impl Site<'_> {
    pub fn entity_page(&self, entity: usize) -> &str {
        &self.entity_pages[entity]
    }
}

/// The page of a document at `path` under `root`: its relative path with
/// `.html` for `.scholia`, `/`-separated, each component kept to safe
/// characters.
fn page_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix(".scholia") {
            *last = format!("{stem}.html");
        } else {
            last.push_str(".html");
        }
        // Never an index page's name at the top level.
        if parts.len() == 1 && pages::RESERVED.contains(&parts[0].as_str()) {
            parts[0] = format!("doc-{}", parts[0]);
        }
    }
    if parts.is_empty() {
        parts.push("document.html".into());
    }
    if parts.len() > 1 && (parts[0] == "entity" || parts[0] == "assets") {
        parts[0] = format!("doc-{}", parts[0]);
    }
    parts.join("/")
}

/// The page of each registry entity: `entity/ID.html` (ids are
/// `[a-z0-9-]+`; any other id gets its index).
fn entity_pages(ws: &Workspace) -> Vec<String> {
    ws.registry
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if workspace::registry::is_valid_id(&e.id) {
                format!("entity/{}.html", e.id)
            } else {
                format!("entity/entity-{i}.html")
            }
        })
        .collect()
}

/// Front matter of one document: what other pages need of it.
fn doc_info(root: &Path, doc: &Document) -> DocInfo {
    let fm = doc.model.front_matter.as_ref();
    let title = fm
        .and_then(|f| f.title.as_ref())
        .map(|t| t.value.trim().to_string())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            doc.model
                .headings
                .first()
                .map(|h| h.text.trim().to_string())
        })
        .unwrap_or_else(|| {
            doc.path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    DocInfo {
        page: page_of(root, &doc.path),
        title,
        date: fm
            .and_then(|f| f.date.as_ref())
            .map(|d| d.value.trim().to_string()),
        translation_of: workspace::translation_target(doc),
        path: doc.path.clone(),
    }
}

/// Reads and scans a document; `None` (with a message on stderr) when it
/// cannot be read.
pub(crate) fn read_doc(path: &Path) -> Option<Document> {
    match workspace::read_text(path) {
        Ok(text) => Some(Document::scan(path.to_path_buf(), text)),
        Err(e) => {
            eprintln!("scholia: {}: {e}", path.display());
            None
        }
    }
}

/// Builds the site of the documents under `paths` (files or folders of one
/// workspace) into `out`.
/// `cache`: the folder of renderings kept between runs (`export::cache_dir`).
pub fn build(paths: &[PathBuf], out: &Path, cache: Option<&Path>) -> Result<Built, String> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut targets = Vec::new();
    for p in &paths {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
        targets.push(workspace::normalize(p));
    }
    let root = workspace::find_root(&targets[0]).ok_or_else(|| {
        format!(
            "{}: not inside a scholia workspace (no {} above it)",
            targets[0].display(),
            workspace::CONFIG_FILE
        )
    })?;
    if let Some(t) = targets.iter().find(|t| !t.starts_with(&root)) {
        return Err(format!(
            "{}: not in the workspace of {}",
            t.display(),
            root.display()
        ));
    }
    let (ws, all) = Workspace::open(&root);
    crate::export::keep_renders(&ws, cache);
    let mut files: Vec<PathBuf> = all
        .into_iter()
        .filter(|p| targets.iter().any(|t| p.starts_with(t)))
        .collect();
    files.sort();
    files.dedup();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let out = workspace::normalize(out);
    if files.iter().any(|f| f.starts_with(&out)) || targets.contains(&out) {
        return Err(format!(
            "{}: the output folder holds documents to export; choose another",
            out.display()
        ));
    }

    // Pass 1: front matter.
    let docs: Vec<DocInfo> = files
        .par_iter()
        .filter_map(|p| read_doc(p).map(|d| doc_info(&root, &d)))
        .collect();
    let by_path: HashMap<PathBuf, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path.clone(), i))
        .collect();
    let mut translations: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(&o) = d.translation_of.as_ref().and_then(|o| by_path.get(o)) {
            translations.entry(o).or_default().push(i);
        }
    }
    let title = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Archive".into());
    let site = Site {
        ws: &ws,
        title,
        entity_pages: entity_pages(&ws),
        docs,
        by_path,
        translations,
    };

    write_file(out.join("assets/site.css"), pages::CSS)?;
    write_file(out.join("assets/site.js"), pages::JS)?;

    // Pass 2: document pages, written as they are made; what the entity
    // pages and the search index need goes to disk (`spill.rs`). The
    // bibliography's references are rendered meanwhile, for its page.
    let spill = spill::Spill::new(out.join(format!(".scholia-build-{}", std::process::id())))?;
    let (outs, ()) = rayon::join(
        || -> Vec<Result<DocOut, String>> {
            (0..site.docs.len())
                .into_par_iter()
                .map(|i| {
                    let Some(doc) = read_doc(&site.docs[i].path) else {
                        return Ok(DocOut::default());
                    };
                    let (html, mut made) = body::document_page(&site, i, &doc);
                    write_file(out.join(&site.docs[i].page), &html)?;
                    spill.add_mentions(i, &made.mentions)?;
                    spill.add_words(i, &made.words)?;
                    made.mentions = Vec::new();
                    made.words = Vec::new();
                    Ok(made)
                })
                .collect()
        },
        || {
            ws.bibliography.entries.par_iter().for_each(|e| {
                ws.cite(e, None);
            })
        },
    );
    let outs: Vec<DocOut> = outs.into_iter().collect::<Result<_, _>>()?;
    spill.flush()?;

    let written = pages::indexes(&site, &outs, &spill, &out)?;
    if let Some(warning) = crate::export::save_renders(&ws) {
        eprintln!("scholia: {warning}");
    }
    Ok(Built {
        documents: site.docs.len(),
        entities: ws.registry.entities.len(),
        pages: site.docs.len() + written,
    })
}

/// Writes `text` to `path`, creating its folder.
pub(crate) fn write_file(path: PathBuf, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `scholia export --format html --out DIR [PATH...]`.
pub fn run(paths: &[PathBuf], out: &Path, cache: Option<&Path>) -> i32 {
    let started = std::time::Instant::now();
    match build(paths, out, cache) {
        Ok(b) => {
            eprintln!(
                "scholia: wrote {} pages ({} documents, {} entities) to {} in {:.2} s",
                b.pages,
                b.documents,
                b.entities,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            0
        }
        Err(e) => {
            eprintln!("scholia: {e}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_mirror_documents() {
        let root = Path::new("/w");
        assert_eq!(page_of(root, Path::new("/w/a/b.scholia")), "a/b.html");
        assert_eq!(
            page_of(root, Path::new("/w/people.scholia")),
            "doc-people.html"
        );
        assert_eq!(
            page_of(root, Path::new("/w/entity/x.scholia")),
            "doc-entity/x.html"
        );
        assert_eq!(page_of(root, Path::new("/w/a b\"<.scholia")), "a_b__.html");
    }
}
