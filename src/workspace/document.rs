//! One analysed document: its text, line index and model.

use std::path::PathBuf;

use crate::syntax::{self, Model};
use crate::text::LineIndex;

pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub line_index: LineIndex,
    pub model: Model,
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

    fn with_model(path: PathBuf, text: String, model: Model) -> Document {
        let line_index = LineIndex::new(&text);
        Document {
            path,
            text,
            line_index,
            model,
        }
    }
}
