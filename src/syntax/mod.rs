//! Syntax: the tree-sitter grammar (compiled from
//! `editors/tree-sitter-scholia` by `build.rs`), a scanner that gives the
//! same flat node sequence without a tree (`scan.rs`) and the document model
//! built on those nodes.
//!
//! The `scholia` binary never calls tree-sitter: the CLI and the server
//! read every document with the scanner. The grammar is the definition the
//! scanner is proved against (tests, benchmarks, fuzz targets, which call
//! `parse` through the library), and the grammar the editors highlight
//! with. It stays a plain dependency rather than a cargo feature: the
//! linker drops what nothing calls (`nm target/debug/scholia` lists no
//! tree-sitter symbol), and a feature would let `cargo test` without it
//! skip the proof silently.

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_scholia() -> *const ();
}

const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_scholia) };

/// The tree-sitter language of `.scholia` documents.
pub fn language() -> tree_sitter::Language {
    tree_sitter::Language::new(LANGUAGE)
}

pub mod cite;
pub mod front_matter;
pub mod model;
pub mod nodes;
pub mod scan;

pub use model::Model;

use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser
            .set_language(&language())
            .expect("the committed parser matches the tree-sitter runtime");
        parser
    });
}

/// Parses `text`, reusing `old` (already `edit`ed to match) when given.
pub fn parse(text: &str, old: Option<&Tree>) -> Tree {
    PARSER
        .with_borrow_mut(|p| p.parse(text, old))
        .expect("parsing without a timeout or cancellation always yields a tree")
}
