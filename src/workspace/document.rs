//! One analysed document: its text, tree, line index and model.

use std::path::PathBuf;

use tree_sitter::Tree;

use crate::syntax::{self, Model};
use crate::text::LineIndex;

pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub tree: Tree,
    pub line_index: LineIndex,
    pub model: Model,
}

impl Document {
    /// Parses `text` from scratch.
    pub fn new(path: PathBuf, text: String) -> Document {
        let tree = syntax::parse(&text, None);
        Document::from_tree(path, text, tree)
    }

    /// Builds the document from a tree already parsed (incrementally) from
    /// `text`.
    pub fn from_tree(path: PathBuf, text: String, tree: Tree) -> Document {
        let model = Model::build(&text, &tree);
        let line_index = LineIndex::new(&text);
        Document {
            path,
            text,
            tree,
            line_index,
            model,
        }
    }
}
