//! Semantic tokens: mentions (by the kind of the entity they resolve to),
//! footnote references and definitions, citations and editorial insertions.
//!
//! Tokens never overlap and never span a line break: a mention or an
//! insertion that runs over lines gives one token per line piece, and an
//! insertion is emitted as the pieces around the tokens inside it (its
//! brackets and plain text), never as a token enclosing them.

use std::ops::Range;

use crate::workspace::{Document, Kind, Resolution, Workspace};

/// Token types, in the order of the legend (`TokenType as u32` is the index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenType {
    Person,
    Place,
    Organization,
    UnknownEntity,
    Footnote,
    Citation,
    Insertion,
}

impl TokenType {
    pub const ALL: [TokenType; 7] = [
        TokenType::Person,
        TokenType::Place,
        TokenType::Organization,
        TokenType::UnknownEntity,
        TokenType::Footnote,
        TokenType::Citation,
        TokenType::Insertion,
    ];

    /// The name in the legend.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Person => "person",
            TokenType::Place => "place",
            TokenType::Organization => "organization",
            TokenType::UnknownEntity => "unknownEntity",
            TokenType::Footnote => "footnote",
            TokenType::Citation => "citation",
            TokenType::Insertion => "insertion",
        }
    }

    fn of_kind(kind: Kind) -> TokenType {
        match kind {
            Kind::Person => TokenType::Person,
            Kind::Place => TokenType::Place,
            Kind::Organization => TokenType::Organization,
        }
    }
}

/// Token modifiers: bit `1 << index` in the order of the legend.
pub const MODIFIERS: [&str; 2] = ["declaration", "ambiguous"];
/// A footnote definition's `[^label]`.
pub const DECLARATION: u32 = 1;
/// A mention whose target names two or more entries.
pub const AMBIGUOUS: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Within one line, never empty.
    pub range: Range<usize>,
    pub kind: TokenType,
    pub modifiers: u32,
}

/// Every token of `doc`, sorted, disjoint, one line each.
pub fn tokens(doc: &Document, ws: &Workspace) -> Vec<Token> {
    let m = &doc.model;
    let mut whole: Vec<Token> = Vec::new();
    for x in &m.mentions {
        let (kind, modifiers) = match ws.registry.resolve(&x.target) {
            Resolution::Unique(i) => (TokenType::of_kind(ws.registry.entities[i].kind), 0),
            Resolution::Ambiguous(_) => (TokenType::UnknownEntity, AMBIGUOUS),
            Resolution::Unknown => (TokenType::UnknownEntity, 0),
        };
        whole.push(Token {
            range: x.range.clone(),
            kind,
            modifiers,
        });
    }
    for r in &m.footnote_refs {
        whole.push(Token {
            range: r.range.clone(),
            kind: TokenType::Footnote,
            modifiers: 0,
        });
    }
    for d in &m.footnote_defs {
        whole.push(Token {
            range: d.label_range.clone(),
            kind: TokenType::Footnote,
            modifiers: DECLARATION,
        });
    }
    for c in &m.citations {
        whole.push(Token {
            range: c.range.clone(),
            kind: TokenType::Citation,
            modifiers: 0,
        });
    }
    whole.sort_by_key(|t| (t.range.start, std::cmp::Reverse(t.range.end)));
    // Disjoint: a token that starts inside the previous one is dropped.
    let mut inner: Vec<Token> = Vec::with_capacity(whole.len());
    for t in whole {
        if t.range.is_empty() {
            continue;
        }
        if inner.last().is_some_and(|p| t.range.start < p.range.end) {
            continue;
        }
        inner.push(t);
    }

    // Insertions: their union, minus the tokens inside.
    let mut covered: Vec<Range<usize>> = Vec::new();
    for r in &m.insertions {
        match covered.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => covered.push(r.clone()),
        }
    }
    let mut all: Vec<Token> = Vec::with_capacity(inner.len() + covered.len());
    let mut k = 0;
    for span in covered {
        let mut at = span.start;
        // Inner tokens that start before this span are already placed.
        while k < inner.len() && inner[k].range.end <= span.start {
            all.push(inner[k].clone());
            k += 1;
        }
        while k < inner.len() && inner[k].range.start < span.end {
            let t = &inner[k];
            if t.range.start > at {
                all.push(Token {
                    range: at..t.range.start,
                    kind: TokenType::Insertion,
                    modifiers: 0,
                });
            }
            at = at.max(t.range.end);
            all.push(t.clone());
            k += 1;
        }
        if at < span.end {
            all.push(Token {
                range: at..span.end,
                kind: TokenType::Insertion,
                modifiers: 0,
            });
        }
    }
    all.extend(inner.drain(k..));
    split_lines(doc, all)
}

/// Splits every token at line ends (terminators excluded); empty pieces go.
fn split_lines(doc: &Document, tokens: Vec<Token>) -> Vec<Token> {
    let index = &doc.line_index;
    let text = doc.text.as_str();
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let first = index.line_of(t.range.start);
        let last = index.line_of(t.range.end.saturating_sub(1).max(t.range.start));
        for line in first..=last {
            let Some(lr) = index.line_range(text, line) else {
                continue;
            };
            let start = t.range.start.max(lr.start);
            let end = t.range.end.min(lr.end);
            if start < end {
                out.push(Token {
                    range: start..end,
                    kind: t.kind,
                    modifiers: t.modifiers,
                });
            }
        }
    }
    out
}

/// The tokens that touch the byte range `range`.
pub fn tokens_in(doc: &Document, ws: &Workspace, range: Range<usize>) -> Vec<Token> {
    tokens(doc, ws)
        .into_iter()
        .filter(|t| t.range.start < range.end && range.start < t.range.end)
        .collect()
}
