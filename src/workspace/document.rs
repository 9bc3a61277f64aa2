//! One analysed document: its text, line index and model.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::syntax::{self, Model};
use crate::text::{Edit, LineIndex};
use crate::workspace::registry::{NameMatch, Registry};

/// The text of the level-2 heading under which `scholia import` keeps the
/// archive's web page verbatim (`## Archive page`): page furniture, where
/// no registry name is reported as untagged.
pub const ARCHIVE_PAGE_HEADING: &str = "Archive page";

pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub line_index: LineIndex,
    pub model: Model,
    /// `Registry::find_names` of the text, with the generation of the
    /// registry searched: computed on first use (`Document::names`).
    names: OnceLock<(u64, Vec<NameMatch>)>,
    /// The names of the version this one was edited from, if they were
    /// computed, and the edit: the first `names` then searches only the
    /// lines the edit touched (`Registry::find_names_after_edit`).
    previous: Mutex<Option<PreviousNames>>,
}

struct PreviousNames {
    generation: u64,
    names: Vec<NameMatch>,
    edit: Edit,
}

impl Document {
    /// Parses `text` with the tree-sitter grammar, the syntax's definition,
    /// and builds the model on its tree (which is then dropped). The tests'
    /// reference; the CLI and the server use [`Document::scan`].
    pub fn new(path: PathBuf, text: String) -> Document {
        let tree = syntax::parse(&text, None);
        let model = Model::build(&text, &tree);
        Document::with_model(path, text, model)
    }

    /// Builds the document with the hand-written scanner, which gives the
    /// same model as the tree-sitter grammar (tests/scanner_props.rs, the
    /// `scanner` fuzz target) several times faster. Every document is read
    /// this way: by `scholia check`, by indexing, and by the server on
    /// opening a document and after every change, where a full scan costs
    /// less than tree-sitter's incremental reparse plus the walk of its tree.
    pub fn scan(path: PathBuf, text: String) -> Document {
        let model = Model::scan(&text);
        Document::with_model(path, text, model)
    }

    /// `Document::scan` of `text`, an edit of `previous`: the same
    /// document, except that the registry names found in `previous` (taken
    /// from it) are reused outside the lines the edit touched.
    pub fn scan_edited(path: PathBuf, text: String, previous: &mut Document) -> Document {
        let doc = Document::scan(path, text);
        if let Some((generation, names)) = previous.names.take() {
            let edit = Edit::between(&previous.text, &doc.text);
            *doc.previous.lock().unwrap_or_else(PoisonError::into_inner) = Some(PreviousNames {
                generation,
                names,
                edit,
            });
        }
        doc
    }

    fn with_model(path: PathBuf, text: String, model: Model) -> Document {
        let line_index = LineIndex::new(&text);
        Document {
            path,
            text,
            line_index,
            model,
            names: OnceLock::new(),
            previous: Mutex::new(None),
        }
    }

    /// Every registry name in the text: `registry.find_names(&self.text)`,
    /// computed once per document (and registry), from the previous
    /// version's names after an edit.
    pub fn names(&self, registry: &Registry) -> Cow<'_, [NameMatch]> {
        let generation = registry.generation();
        let (found_with, names) = self.names.get_or_init(|| {
            let previous = self
                .previous
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let names = match previous {
                Some(p) if p.generation == generation => {
                    registry.find_names_after_edit(p.names, &self.text, &p.edit)
                }
                _ => registry.find_names(&self.text),
            };
            (generation, names)
        });
        if *found_with == generation {
            Cow::Borrowed(names)
        } else {
            // Another registry (a reload while the document is open).
            Cow::Owned(registry.find_names(&self.text))
        }
    }

    /// The byte range of the archive page section (`## Archive page` to
    /// the next heading of level 1 or 2, or the end), if there is one.
    pub fn archive_page(&self) -> Option<std::ops::Range<usize>> {
        let headings = &self.model.headings;
        let i = headings
            .iter()
            .position(|h| h.level == 2 && h.text.trim() == ARCHIVE_PAGE_HEADING)?;
        let end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= 2)
            .map_or(self.text.len(), |h| h.range.start);
        Some(headings[i].range.start..end)
    }
}
