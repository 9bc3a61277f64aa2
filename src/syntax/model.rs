//! The document model: what a `.scholia` document contains, with the byte
//! range of every element, built from the flat node sequence of the grammar
//! (see `docs/syntax-tree.md`): of a tree-sitter tree, or of the scanner
//! (`scan.rs`). Building never fails: malformed input yields a model plus
//! `errors`.

use std::ops::Range;

use tree_sitter::Tree;

use super::cite::trimmed;
pub use super::cite::{Citation, CiteItem, Place, parse_cite_items};
use super::front_matter::{self, FrontMatter};
use super::nodes::{self, Kind, Node};
use super::scan::{self, Scanned};
use crate::base::{Code, Diagnostic};
use crate::text::bom_len;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub range: Range<usize>,
    pub text: String,
    pub text_range: Range<usize>,
}

/// `[^label]` in running text (also inside notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteRef {
    pub label: String,
    pub range: Range<usize>,
}

/// `[^label]: …` — the note runs to the next blank line; later paragraphs
/// indented by four spaces (or a tab) belong to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteDef {
    pub label: String,
    /// The `[^label]` part of the marker (without the colon).
    pub label_range: Range<usize>,
    /// From the marker to the end of the note's last line.
    pub range: Range<usize>,
    /// The note's text: after the marker's colon to the end of `range`.
    pub body: Range<usize>,
}

/// `[[target]]` or `[[target|display]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub range: Range<usize>,
    /// The target with runs of white space folded to one space.
    pub target: String,
    pub target_range: Range<usize>,
    pub display_range: Option<Range<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Escape,
    Link,
}

/// Everything a document says, in order of appearance within each list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    pub front_matter: Option<FrontMatter>,
    pub headings: Vec<Heading>,
    pub footnote_refs: Vec<FootnoteRef>,
    pub footnote_defs: Vec<FootnoteDef>,
    pub citations: Vec<Citation>,
    pub mentions: Vec<Mention>,
    /// Editorial insertions: from `[` to its `]`, both included.
    pub insertions: Vec<Range<usize>>,
    pub tokens: Vec<(TokenKind, Range<usize>)>,
    /// Plain text outside insertions and front matter, where an untagged
    /// name counts (sorted, disjoint).
    pub plain: Vec<Range<usize>>,
    /// Syntax problems: unclosed brackets, front matter.
    pub errors: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Heading,
    Definition,
    Text,
}

struct Line {
    kind: LineKind,
    range: Range<usize>,
    indent: usize,
    /// The line's block: indexes of its node and of its children in the
    /// node list.
    block: Option<(usize, Range<usize>)>,
}

impl Model {
    /// Builds the model of `text` from its tree (open documents: the tree is
    /// kept for incremental parsing).
    pub fn build(text: &str, tree: &Tree) -> Model {
        let bom = bom_len(text);
        if tree.root_node().has_error() && text[bom..].starts_with("+++") {
            return Self::build_unclosed_front_matter(text, bom, |patched| {
                let tree = super::parse(patched, None);
                (!tree.root_node().has_error()).then(|| nodes::of_tree(&tree))
            });
        }
        Self::from_nodes(text, &nodes::of_tree(tree))
    }

    /// Builds the model of `text` with the scanner, which gives the same
    /// nodes as the tree (`tests/scanner_props.rs`), several times faster:
    /// for documents that are not open in an editor.
    pub fn scan(text: &str) -> Model {
        match scan::scan(text) {
            Scanned::Nodes(nodes) => Self::from_nodes(text, &nodes),
            Scanned::UnclosedFrontMatter => {
                Self::build_unclosed_front_matter(text, bom_len(text), |patched| {
                    match scan::scan(patched) {
                        Scanned::Nodes(nodes) => Some(nodes),
                        Scanned::UnclosedFrontMatter => None,
                    }
                })
            }
        }
    }

    /// Builds the model of `text` from its flat node sequence (of a tree
    /// without errors, or of the scanner).
    pub fn from_nodes(text: &str, nodes: &[Node]) -> Model {
        let mut builder = Builder::new(text);
        builder.document(nodes);
        builder.finish()
    }

    /// An opened, never closed front matter makes the tree useless: report it
    /// and model the rest as if the opening fence were blank (`nodes_of`
    /// gives the nodes of that patched text).
    fn build_unclosed_front_matter(
        text: &str,
        bom: usize,
        nodes_of: impl FnOnce(&str) -> Option<Vec<Node>>,
    ) -> Model {
        let mut patched = String::with_capacity(text.len());
        patched.push_str(&text[..bom]);
        patched.push_str("   ");
        patched.push_str(&text[bom + 3..]);
        let mut builder = Builder::new(text);
        if let Some(nodes) = nodes_of(&patched) {
            builder.document(&nodes);
        }
        let mut model = builder.finish();
        model.errors.insert(
            0,
            Diagnostic::new(
                Code::FrontMatter,
                bom..bom + 3,
                "front matter is never closed: add a line `+++` after it",
            ),
        );
        model
    }

    /// The definitions of `label`, in order.
    pub fn defs_of<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'a FootnoteDef> + 'a {
        self.footnote_defs.iter().filter(move |d| d.label == label)
    }

    /// The references to `label`, in order.
    pub fn refs_of<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'a FootnoteRef> + 'a {
        self.footnote_refs.iter().filter(move |r| r.label == label)
    }

    /// Every citation, the front matter's `source` included.
    pub fn all_citations(&self) -> impl Iterator<Item = &Citation> {
        self.citations.iter()
    }
}

struct Builder<'t> {
    text: &'t str,
    model: Model,
    /// Text nodes, before insertions are known.
    texts: Vec<Range<usize>>,
    /// Open brackets of the current paragraph.
    open: Vec<usize>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            model: Model::default(),
            texts: Vec::new(),
            open: Vec::new(),
        }
    }

    fn document(&mut self, nodes: &[Node]) {
        let mut lines: Vec<Line> = Vec::new();
        let mut line_start = bom_len(self.text);
        let mut block: Option<(usize, Range<usize>)> = None;
        let mut i = 0;
        while i < nodes.len() {
            let node = nodes[i];
            // The node's children: the nodes after it that are neither
            // blocks nor newlines.
            let mut j = i + 1;
            if node.kind == Kind::FrontMatter || node.kind.is_block() {
                while j < nodes.len()
                    && !nodes[j].kind.is_block()
                    && !matches!(nodes[j].kind, Kind::Newline | Kind::FrontMatter)
                {
                    j += 1;
                }
            }
            match node.kind {
                Kind::FrontMatter => {
                    let content = nodes[i + 1..j]
                        .iter()
                        .find(|c| c.kind == Kind::FrontMatterContent)
                        .map(Node::range);
                    self.model.front_matter =
                        Some(front_matter::parse(self.text, node.range(), content));
                    line_start = node.end;
                }
                Kind::Newline => {
                    lines.push(self.line(line_start..node.start, nodes, block.take()));
                    line_start = node.end;
                }
                _ => block = Some((i, i + 1..j)),
            }
            i = j;
        }
        if line_start < self.text.len() || block.is_some() {
            lines.push(self.line(line_start..self.text.len(), nodes, block.take()));
        }
        self.footnote_extents(&lines, nodes);
        for (i, line) in lines.iter().enumerate() {
            let boundary = match line.kind {
                LineKind::Blank | LineKind::Heading | LineKind::Definition => true,
                LineKind::Text => i > 0 && lines[i - 1].kind == LineKind::Heading,
            };
            if boundary {
                self.close_paragraph();
            }
            if let Some((node, children)) = &line.block {
                self.block(nodes[*node], &nodes[children.clone()]);
            }
        }
        self.close_paragraph();
        if let Some(fm) = &self.model.front_matter {
            self.model.errors.extend(fm.errors.iter().cloned());
            if let Some(source) = &fm.source_citations {
                self.model.citations.extend(source.iter().cloned());
            }
        }
    }

    fn line(
        &self,
        range: Range<usize>,
        nodes: &[Node],
        block: Option<(usize, Range<usize>)>,
    ) -> Line {
        let content = &self.text[range.clone()];
        let kind = match block.as_ref().map(|(i, _)| nodes[*i].kind) {
            _ if content.trim().is_empty() => LineKind::Blank,
            Some(Kind::Heading) => LineKind::Heading,
            Some(Kind::FootnoteDefinition) => LineKind::Definition,
            _ => LineKind::Text,
        };
        let mut indent = 0;
        for c in content.bytes() {
            match c {
                b' ' => indent += 1,
                b'\t' => indent += 4,
                _ => break,
            }
        }
        Line {
            kind,
            range,
            indent,
            block,
        }
    }

    /// Decides where each footnote definition ends.
    fn footnote_extents(&mut self, lines: &[Line], nodes: &[Node]) {
        for (i, line) in lines.iter().enumerate() {
            if line.kind != LineKind::Definition {
                continue;
            }
            let Some(marker) = line
                .block
                .as_ref()
                .and_then(|(_, children)| nodes[children.clone()].first())
            else {
                continue;
            };
            let mut last = i;
            let mut j = i + 1;
            loop {
                while j < lines.len() && lines[j].kind == LineKind::Text {
                    last = j;
                    j += 1;
                }
                let mut k = j;
                while k < lines.len() && lines[k].kind == LineKind::Blank {
                    k += 1;
                }
                if k > j
                    && k < lines.len()
                    && lines[k].kind == LineKind::Text
                    && lines[k].indent >= 4
                {
                    j = k;
                    continue;
                }
                break;
            }
            let marker_text = &self.text[marker.range()];
            let label_end = marker.start + marker_text.trim_end_matches(':').len();
            let label = marker_text
                .trim_end_matches(':')
                .trim_start_matches("[^")
                .trim_end_matches(']')
                .to_string();
            self.model.footnote_defs.push(FootnoteDef {
                label,
                label_range: marker.start..label_end,
                range: line.range.start..lines[last].range.end,
                body: marker.end..lines[last].range.end,
            });
        }
    }

    fn block(&mut self, node: Node, children: &[Node]) {
        for child in children {
            match child.kind {
                Kind::HeadingMarker => {
                    let level = self.text[child.range()].trim_end().len() as u8;
                    let text_range = trimmed(self.text, child.end..node.end);
                    self.model.headings.push(Heading {
                        level,
                        range: node.range(),
                        text: self.text[text_range.clone()].to_string(),
                        text_range,
                    });
                }
                Kind::FootnoteDefinitionMarker => {}
                _ => self.inline(*child),
            }
        }
    }

    fn inline(&mut self, node: Node) {
        let range = node.range();
        let src = &self.text[range.clone()];
        match node.kind {
            Kind::Text => self.texts.push(range),
            Kind::Escape => self.model.tokens.push((TokenKind::Escape, range)),
            Kind::Link => self.model.tokens.push((TokenKind::Link, range)),
            Kind::FootnoteReference => self.model.footnote_refs.push(FootnoteRef {
                label: src[2..src.len() - 1].to_string(),
                range,
            }),
            Kind::Citation => {
                let items = parse_cite_items(self.text, range.start + 1..range.end - 1);
                self.model.citations.push(Citation {
                    range,
                    items,
                    place: Place::Body,
                });
            }
            Kind::Mention => self.model.mentions.push(mention(self.text, range)),
            Kind::OpenBracket => self.open.push(range.start),
            Kind::CloseBracket => match self.open.pop() {
                Some(start) => self.model.insertions.push(start..range.end),
                None => self.model.errors.push(Diagnostic::new(
                    Code::UnclosedBracket,
                    range,
                    "stray `]`: no `[` before it in this paragraph (write `\\]` for a literal bracket)",
                )),
            },
            _ => {}
        }
    }

    fn close_paragraph(&mut self) {
        for start in self.open.drain(..) {
            self.model.errors.push(Diagnostic::new(
                Code::UnclosedBracket,
                start..start + 1,
                "`[` is never closed before the paragraph ends (write `\\[` for a literal bracket)",
            ));
        }
    }

    fn finish(mut self) -> Model {
        let model = &mut self.model;
        model.insertions.sort_by_key(|r| r.start);
        model.citations.sort_by_key(|c| c.range.start);
        model.errors.sort_by_key(|d| d.range.start);
        // Text outside every insertion.
        let mut covered: Vec<Range<usize>> = Vec::new();
        for r in &model.insertions {
            match covered.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => covered.push(r.clone()),
            }
        }
        let mut k = 0;
        for t in self.texts {
            while k < covered.len() && covered[k].end <= t.start {
                k += 1;
            }
            if k < covered.len() && covered[k].start < t.end {
                continue;
            }
            model.plain.push(t);
        }
        // Which note each citation stands in.
        for c in &mut model.citations {
            if c.place == Place::FrontMatter {
                continue;
            }
            let i = model
                .footnote_defs
                .partition_point(|d| d.range.start <= c.range.start);
            if i > 0 && model.footnote_defs[i - 1].range.end >= c.range.end {
                c.place = Place::Note(i - 1);
            }
        }
        self.model
    }
}

/// `s` with runs of white space folded to one space and none at either
/// end: `split_whitespace` joined by spaces, without its two allocations
/// when `s` is already so (most mention targets).
fn fold_whitespace(s: &str) -> String {
    let mut prev_space = true; // no white space at the start
    let folded = s.chars().all(|c| {
        let space = c.is_whitespace();
        let ok = !space || (c == ' ' && !prev_space);
        prev_space = space;
        ok
    }) && !prev_space;
    if folded || s.is_empty() {
        s.to_string()
    } else {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn mention(text: &str, range: Range<usize>) -> Mention {
    let inner = range.start + 2..range.end - 2;
    let src = &text[inner.clone()];
    let (target, display_range) = match src.find('|') {
        Some(bar) => (
            inner.start..inner.start + bar,
            Some(trimmed(text, inner.start + bar + 1..inner.end)),
        ),
        None => (inner.clone(), None),
    };
    let target_range = trimmed(text, target);
    Mention {
        target: fold_whitespace(&text[target_range.clone()]),
        target_range,
        display_range,
        range,
    }
}

#[cfg(test)]
mod tests {
    use super::fold_whitespace;

    fn reference(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn folding_equals_split_whitespace() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "a b",
            "a  b",
            "a\tb",
            "a\nb",
            "a \u{a0}b",
            "a\u{3000}b",
            "周 恩来",
            "Zhou  Enlai ",
            "\u{2028}",
        ] {
            assert_eq!(fold_whitespace(s), reference(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_equals_split_whitespace_on_random(s in "[ a\t\n\u{a0}\u{3000}é]{0,24}") {
            proptest::prop_assert_eq!(fold_whitespace(&s), reference(&s));
        }
    }
}
