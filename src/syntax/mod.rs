//! Syntax: the tree-sitter grammar (compiled from
//! `editors/tree-sitter-scholia` by `build.rs`) and the document model built
//! on its tree.

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_scholia() -> *const ();
}

const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_scholia) };

/// The tree-sitter language of `.scholia` documents.
pub fn language() -> tree_sitter::Language {
    tree_sitter::Language::new(LANGUAGE)
}
