//! A hand-written scanner that gives the same flat node sequence as the
//! tree-sitter grammar (`editors/tree-sitter-scholia`), for documents that
//! are not open in an editor (`scholia check`, background indexing, files
//! read from disk). It is several times faster than the generated lexer
//! (one call per byte) and allocates only the node list.
//!
//! tree-sitter is the definition: this file follows the generated lexer
//! (`src/parser.c`, `ts_lex`) state by state, and `tests/scanner_props.rs`
//! and the `scanner` fuzz target check that both agree on every input.
//! The correspondence, for a maintainer who changes the grammar:
//!
//! - three lexical modes: document start (lex state 30: also the opening
//!   front matter fence), block start (31: also `heading_marker` and
//!   `footnote_definition_marker`) and inline (32);
//! - the external scanner (`src/scanner.c`) runs first: a run of NUL is a
//!   text node of its own; the front matter content is every line up to the
//!   next `+++` line;
//! - every token is the longest match, falling back to the last accepting
//!   state: an incomplete `[[…`, `[@…`, `[^…` or `[…](` is an `open_bracket`;
//! - all character classes are ASCII, so the scanner works on bytes: every
//!   byte of a multi-byte character is "any other character".

use super::nodes::{Kind, Node};
use crate::text::bom_len;

/// What scanning a document gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// The nodes, as [`super::nodes::of_tree`] gives them.
    Nodes(Vec<Node>),
    /// An opening front matter fence with no closing one: the tree has an
    /// error, and the model is built differently (`Model::build`).
    UnclosedFrontMatter,
}

/// Bytes that end a text run: NUL, line breaks, brackets and the backslash.
const fn special_table() -> [bool; 256] {
    let mut t = [false; 256];
    t[0] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'[' as usize] = true;
    t[b'\\' as usize] = true;
    t[b']' as usize] = true;
    t
}
static SPECIAL: [bool; 256] = special_table();

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    BlockStart,
    Inline,
}

/// Scans `text` into its nodes.
pub fn scan(text: &str) -> Scanned {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 16 + 8);
    let mut pos = bom_len(text);
    if let Some(open_end) = opening_fence(b, pos) {
        match front_matter(b, pos, open_end, &mut out) {
            Some(end) => pos = end,
            None => return Scanned::UnclosedFrontMatter,
        }
    }
    let mut mode = Mode::BlockStart;
    // Index in `out` of the block being filled.
    let mut block: Option<usize> = None;
    while pos < b.len() {
        let c = b[pos];
        if c == b'\n' || c == b'\r' {
            if let Some(i) = block.take() {
                out[i].end = pos;
            }
            let end = if c == b'\r' && b.get(pos + 1) == Some(&b'\n') {
                pos + 2
            } else {
                pos + 1
            };
            out.push(node(Kind::Newline, pos, end));
            pos = end;
            mode = Mode::BlockStart;
            continue;
        }
        let (kind, end) = token(b, pos, mode);
        if mode == Mode::BlockStart {
            let block_kind = match kind {
                Kind::HeadingMarker => Kind::Heading,
                Kind::FootnoteDefinitionMarker => Kind::FootnoteDefinition,
                _ => Kind::Line,
            };
            block = Some(out.len());
            out.push(node(block_kind, pos, end));
            mode = Mode::Inline;
        }
        out.push(node(kind, pos, end));
        pos = end;
    }
    if let Some(i) = block {
        out[i].end = pos;
    }
    Scanned::Nodes(out)
}

fn node(kind: Kind, start: usize, end: usize) -> Node {
    Node { kind, start, end }
}

/// `+++[ \t]*` and a line break at `pos`: the end of the opening fence.
fn opening_fence(b: &[u8], pos: usize) -> Option<usize> {
    if !b[pos..].starts_with(b"+++") {
        return None;
    }
    let mut i = pos + 3;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    match b.get(i) {
        Some(b'\n') => Some(i + 1),
        Some(b'\r') if b.get(i + 1) == Some(&b'\n') => Some(i + 2),
        Some(b'\r') => Some(i + 1),
        _ => None,
    }
}

/// `+++[ \t]*` at `pos`, then a line break or the end: the end of the fence
/// (its line break excluded).
fn closing_fence(b: &[u8], pos: usize) -> Option<usize> {
    if !b[pos..].starts_with(b"+++") {
        return None;
    }
    let mut i = pos + 3;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    matches!(b.get(i), None | Some(b'\n') | Some(b'\r')).then_some(i)
}

/// The front matter opened at `start` (its fence ends at `open_end`): pushes
/// its nodes and returns its end, or None when it is never closed.
fn front_matter(b: &[u8], start: usize, open_end: usize, out: &mut Vec<Node>) -> Option<usize> {
    let mut line = open_end;
    let close_end = loop {
        if line >= b.len() {
            return None;
        }
        if let Some(end) = closing_fence(b, line) {
            break end;
        }
        // To the start of the next line.
        let mut i = line;
        while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
            i += 1;
        }
        if i < b.len() {
            i += if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        line = i;
    };
    out.push(node(Kind::FrontMatter, start, close_end));
    out.push(node(Kind::FrontMatterFence, start, open_end));
    if line > open_end {
        out.push(node(Kind::FrontMatterContent, open_end, line));
    }
    out.push(node(Kind::FrontMatterFence, line, close_end));
    Some(close_end)
}

/// Whether `c` may stand in a text run (and after a backslash in one).
#[inline]
fn plain(c: u8) -> bool {
    !SPECIAL[c as usize]
}

/// The end of a text run that has reached `i`: plain bytes, and a backslash
/// followed by a plain byte.
#[inline]
fn text_run(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && plain(b[i]) {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'\\' && plain(b[i + 1]) {
            i += 2;
        } else {
            return i;
        }
    }
}

/// The token at `pos` (not a line break).
fn token(b: &[u8], pos: usize, mode: Mode) -> (Kind, usize) {
    let block_start = mode == Mode::BlockStart;
    match b[pos] {
        0 => {
            // The external scanner: a run of NUL.
            let mut i = pos + 1;
            while i < b.len() && b[i] == 0 {
                i += 1;
            }
            (Kind::Text, i)
        }
        b'[' => bracket(b, pos, block_start),
        b']' => (Kind::CloseBracket, pos + 1),
        b'\\' => match b.get(pos + 1) {
            Some(b'[' | b']' | b'\\') => (Kind::Escape, pos + 2),
            Some(&c) if plain(c) => (Kind::Text, text_run(b, pos + 2)),
            // A backslash that escapes nothing, at a line end: a text node.
            _ => (Kind::Text, pos + 1),
        },
        b'#' if block_start => {
            let mut i = pos + 1;
            while i < b.len() && i - pos < 6 && b[i] == b'#' {
                i += 1;
            }
            match b.get(i) {
                Some(b' ' | b'\t') => (Kind::HeadingMarker, i + 1),
                _ => (Kind::Text, text_run(b, i)),
            }
        }
        _ => (Kind::Text, text_run(b, pos + 1)),
    }
}

/// Bytes that may not stand in a line of a link's text, a citation or a
/// mention's display: NUL, line breaks and brackets.
#[inline]
fn in_bracket(c: u8) -> bool {
    !matches!(c, 0 | b'\n' | b'\r' | b'[' | b']')
}

/// From `i`, the first byte that cannot stand in a bracket's line.
#[inline]
fn skip_in_bracket(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && in_bracket(b[i]) {
        i += 1;
    }
    i
}

/// After one line break at `i` (`\n`, `\r\n` or `\r`).
#[inline]
fn after_line_break(b: &[u8], i: usize) -> usize {
    if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
        i + 2
    } else {
        i + 1
    }
}

/// `(url)` at `i`, right after the `]` of a link's text: the link's end.
fn link_tail(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'(') {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() && !matches!(b[j], 0 | b'\t'..=b'\r' | b' ' | b'(' | b')') {
        j += 1;
    }
    (b.get(j) == Some(&b')')).then_some(j + 1)
}

/// A link's text on one line from `i` (the `[` already read): the link's end.
fn link_from(b: &[u8], i: usize) -> Option<usize> {
    let j = skip_in_bracket(b, i);
    if b.get(j) == Some(&b']') {
        link_tail(b, j + 1)
    } else {
        None
    }
}

/// The token at a `[`.
fn bracket(b: &[u8], pos: usize, block_start: bool) -> (Kind, usize) {
    let open = (Kind::OpenBracket, pos + 1);
    let i = pos + 1;
    let Some(&c) = b.get(i) else {
        return open;
    };
    let found = match c {
        b'@' => citation(b, i + 1),
        b'[' => mention(b, i + 1).map(|e| (Kind::Mention, e)),
        b']' => link_tail(b, i + 1).map(|e| (Kind::Link, e)),
        b'^' => footnote(b, i + 1, block_start),
        0 | b'\n' | b'\r' => None,
        _ => link_from(b, i + 1).map(|e| (Kind::Link, e)),
    };
    found.unwrap_or(open)
}

fn is_key_first(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_label(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// After `[@` at `i`: a citation or a link.
fn citation(b: &[u8], i: usize) -> Option<(Kind, usize)> {
    let &c = b.get(i)?;
    if c == b']' {
        return link_tail(b, i + 1).map(|e| (Kind::Link, e));
    }
    if !is_key_first(c) {
        return if in_bracket(c) {
            link_from(b, i + 1).map(|e| (Kind::Link, e))
        } else {
            None
        };
    }
    // The first line: a citation, or a link's text.
    let j = skip_in_bracket(b, i + 1);
    match b.get(j) {
        Some(b']') => Some(match link_tail(b, j + 1) {
            Some(e) => (Kind::Link, e),
            None => (Kind::Citation, j + 1),
        }),
        Some(b'\n' | b'\r') => {
            let k = skip_in_bracket(b, after_line_break(b, j));
            (b.get(k) == Some(&b']')).then_some((Kind::Citation, k + 1))
        }
        _ => None,
    }
}

/// After `[[` at `i`: the end of a mention.
fn mention(b: &[u8], i: usize) -> Option<usize> {
    let &c = b.get(i)?;
    if !in_bracket(c) || matches!(c, b'@' | b'^' | b'|') {
        return None;
    }
    // The target's first line.
    let mut j = i + 1;
    while j < b.len() && in_bracket(b[j]) && b[j] != b'|' {
        j += 1;
    }
    let mut line_break_left = true;
    if matches!(b.get(j), Some(b'\n' | b'\r')) {
        // The target's second line.
        j = after_line_break(b, j);
        line_break_left = false;
        while j < b.len() && in_bracket(b[j]) && b[j] != b'|' {
            j += 1;
        }
    }
    if b.get(j) == Some(&b'|') {
        // The display text.
        j = skip_in_bracket(b, j + 1);
        if line_break_left && matches!(b.get(j), Some(b'\n' | b'\r')) {
            j = skip_in_bracket(b, after_line_break(b, j));
        }
    }
    (b.get(j) == Some(&b']') && b.get(j + 1) == Some(&b']')).then_some(j + 2)
}

/// After `[^` at `i`: a footnote reference, a definition's marker (at a
/// block's start) or a link.
fn footnote(b: &[u8], i: usize, block_start: bool) -> Option<(Kind, usize)> {
    let &c = b.get(i)?;
    if c == b']' {
        return link_tail(b, i + 1).map(|e| (Kind::Link, e));
    }
    if !is_label(c) {
        return if in_bracket(c) {
            link_from(b, i + 1).map(|e| (Kind::Link, e))
        } else {
            None
        };
    }
    let mut j = i + 1;
    while j < b.len() && is_label(b[j]) {
        j += 1;
    }
    match b.get(j) {
        Some(b']') => Some(if let Some(e) = link_tail(b, j + 1) {
            (Kind::Link, e)
        } else if block_start && b.get(j + 1) == Some(&b':') {
            (Kind::FootnoteDefinitionMarker, j + 2)
        } else {
            (Kind::FootnoteReference, j + 1)
        }),
        Some(&c) if in_bracket(c) => link_from(b, j + 1).map(|e| (Kind::Link, e)),
        _ => None,
    }
}
