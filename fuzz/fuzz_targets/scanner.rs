//! Differential: the hand-written scanner (`syntax::scan`, used for closed
//! documents) against tree-sitter, which defines the syntax. For any text,
//! the node sequences are equal (kinds and byte ranges), the scanner reports
//! an unclosed front matter exactly when the tree has an error, and the
//! models are equal. A disagreement is a bug in the scanner: fix it and add
//! the input to `EDGE_CASES` in `tests/scanner_props.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scholia::syntax::{self, Model, nodes, scan};

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    let tree = syntax::parse(&text, None);
    let scanned = scan::scan(&text);
    if tree.root_node().has_error() {
        assert_eq!(
            scanned,
            scan::Scanned::UnclosedFrontMatter,
            "the tree has an error, the scanner sees no unclosed front matter"
        );
    } else {
        assert_eq!(
            scanned,
            scan::Scanned::Nodes(nodes::of_tree(&tree)),
            "node sequences differ"
        );
    }
    assert!(
        Model::scan(&text) == Model::build(&text, &tree),
        "models differ"
    );
});
