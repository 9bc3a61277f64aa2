//! The flat node sequence of a document: what the document model is built
//! from. It comes either from a tree-sitter tree ([`of_tree`]: the
//! definition, used by the tests, benchmarks and fuzz targets) or from the
//! hand-written scanner ([`super::scan`]: every document the CLI and the
//! server read); both give the same sequence for every input
//! (`tests/scanner_props.rs`).

use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{Tree, TreeCursor};

/// The kind of a node, as named in the grammar (`docs/syntax-tree.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    FrontMatter,
    FrontMatterFence,
    FrontMatterContent,
    Heading,
    HeadingMarker,
    FootnoteDefinition,
    FootnoteDefinitionMarker,
    Line,
    Newline,
    Text,
    Escape,
    FootnoteReference,
    Citation,
    Mention,
    Link,
    OpenBracket,
    CloseBracket,
    /// Anything else a tree may hold (an `ERROR` node): never produced by
    /// the scanner, and never by the grammar but for an unclosed front
    /// matter, which the model handles without the tree.
    Other,
}

impl Kind {
    /// The grammar's name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::FrontMatter => "front_matter",
            Kind::FrontMatterFence => "front_matter_fence",
            Kind::FrontMatterContent => "front_matter_content",
            Kind::Heading => "heading",
            Kind::HeadingMarker => "heading_marker",
            Kind::FootnoteDefinition => "footnote_definition",
            Kind::FootnoteDefinitionMarker => "footnote_definition_marker",
            Kind::Line => "line",
            Kind::Newline => "newline",
            Kind::Text => "text",
            Kind::Escape => "escape",
            Kind::FootnoteReference => "footnote_reference",
            Kind::Citation => "citation",
            Kind::Mention => "mention",
            Kind::Link => "link",
            Kind::OpenBracket => "open_bracket",
            Kind::CloseBracket => "close_bracket",
            Kind::Other => "other",
        }
    }

    const ALL: [Kind; 17] = [
        Kind::FrontMatter,
        Kind::FrontMatterFence,
        Kind::FrontMatterContent,
        Kind::Heading,
        Kind::HeadingMarker,
        Kind::FootnoteDefinition,
        Kind::FootnoteDefinitionMarker,
        Kind::Line,
        Kind::Newline,
        Kind::Text,
        Kind::Escape,
        Kind::FootnoteReference,
        Kind::Citation,
        Kind::Mention,
        Kind::Link,
        Kind::OpenBracket,
        Kind::CloseBracket,
    ];

    /// A block: the nodes after it, up to the next block, newline or front
    /// matter, are its children.
    pub fn is_block(self) -> bool {
        matches!(
            self,
            Kind::Heading | Kind::FootnoteDefinition | Kind::Line | Kind::Other
        )
    }
}

/// One node: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Node {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Kind of each node kind id of the language.
fn kinds_by_id() -> &'static [Kind] {
    static KINDS: OnceLock<Vec<Kind>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let language = super::language();
        let mut kinds = vec![Kind::Other; language.node_kind_count()];
        for id in 0..language.node_kind_count() as u16 {
            if !language.node_kind_is_named(id) {
                continue;
            }
            let Some(name) = language.node_kind_for_id(id) else {
                continue;
            };
            if let Some(kind) = Kind::ALL.iter().find(|k| k.name() == name) {
                kinds[id as usize] = *kind;
            }
        }
        kinds
    })
}

/// The nodes of a tree, in document order, each parent before its children:
/// the document's children (front matter, blocks, newlines) and their
/// children. A tree of this grammar has no deeper levels, except in an
/// `ERROR` node, whose deeper levels are left out.
pub fn of_tree(tree: &Tree) -> Vec<Node> {
    let kinds = kinds_by_id();
    let kind_of = |cursor: &TreeCursor<'_>| {
        let id = cursor.node().kind_id() as usize;
        kinds.get(id).copied().unwrap_or(Kind::Other)
    };
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    if !cursor.goto_first_child() {
        return out;
    }
    loop {
        let node = cursor.node();
        let kind = kind_of(&cursor);
        out.push(Node {
            kind,
            start: node.start_byte(),
            end: node.end_byte(),
        });
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                let kind = kind_of(&cursor);
                // Blocks, newlines and unknown nodes below the top level only
                // occur in an ERROR node; the model would not look at them.
                if !(kind.is_block() || kind == Kind::FrontMatter || kind == Kind::Newline) {
                    out.push(Node {
                        kind,
                        start: child.start_byte(),
                        end: child.end_byte(),
                    });
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    out
}
