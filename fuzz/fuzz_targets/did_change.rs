//! Random `didChange` sequences against the server's state, in every
//! position encoding: ranges valid and invalid (past the end of a line or
//! of the text, end before start, inside a surrogate pair or a CRLF), whole
//! replacements, several changes per notification. After each notification:
//!
//! - no panic;
//! - the rope equals the text a client holds (changes applied here, by an
//!   independent implementation of LSP's position rules);
//! - the document's text and model after the edits equal a fresh analysis
//!   of the text the client holds, both with the scanner (what the server
//!   runs) and with the tree-sitter grammar (the syntax's definition);
//!   the server analyses every change from scratch, so this checks that no
//!   state survives an edit that a fresh open would not have;
//! - every published diagnostic's range lies inside the document, on a
//!   character boundary in the negotiated encoding.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use scholia::lsp::state::State;
use scholia::syntax::{self, Model};
use scholia::text::Encoding;
use tower_lsp_server::ls_types as lsp;

/// What inserted text is made of: mostly the format's own tokens, so that
/// the parser's interesting states are reached.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "[^1]",
    "[^2]: ",
    "[^x]",
    "[@key",
    "[@aprf-45-1-343, ll. 97-103]",
    "; @k2]",
    "|",
    "\\[",
    "\\]",
    "+++\n",
    "+++",
    "title = \"T\"\n",
    "source = \"[@k]\"\n",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "    ",
    "\t",
    "# ",
    "## Heading\n",
    "[[stalin|STALIN]]",
    "[[Port Arthur]]",
    "[?]",
    "[[[",
    "](http://x)",
    "text ",
    "Zhou Enlai",
    "周恩来",
    "👨\u{200d}👩\u{200d}👧",
    "e\u{301}",
    "\u{feff}",
    "😀",
    "é",
    "\"",
    "'''",
    "=",
    "@",
    "^",
    ":",
    "\u{0}",
];

#[derive(Arbitrary, Debug)]
enum Piece {
    Fragment(u8),
    Char(char),
}

#[derive(Arbitrary, Debug)]
enum Coord {
    /// Small: usually a real line or column.
    Near(u8),
    /// Anything, usually far past the end.
    Far(u32),
}

impl Coord {
    fn value(&self) -> u32 {
        match *self {
            Coord::Near(n) => u32::from(n % 24),
            Coord::Far(n) => n,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct ChangeSpec {
    /// Replace the whole text instead of a range.
    full: bool,
    start: (Coord, Coord),
    end: (Coord, Coord),
    text: Vec<Piece>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    encoding: u8,
    initial: Vec<Piece>,
    notifications: Vec<Vec<ChangeSpec>>,
}

fn render(pieces: &[Piece]) -> String {
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Fragment(i) => s.push_str(FRAGMENTS[*i as usize % FRAGMENTS.len()]),
            Piece::Char(c) => s.push(*c),
        }
    }
    s
}

// --- The client's side: LSP positions over a String, written from the
// specification, independently of the server's code. ---

fn width(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Utf16 => c.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// (start, end of content) of every line; lines end at \n, \r\n or \r.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, b.len()));
    out
}

/// A position → byte offset, clamped as LSP prescribes.
fn offset(text: &str, line: u32, col: u32, enc: Encoding) -> usize {
    let ls = lines(text);
    let Some(&(start, end)) = ls.get(line as usize) else {
        return text.len();
    };
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        let w = width(c, enc);
        if units + w > col as usize {
            return start + i;
        }
        units += w;
    }
    end
}

/// True when (line, col) is a real place in the text: an existing line and a
/// column on a character boundary within its content.
fn exact(text: &str, p: lsp::Position, enc: Encoding) -> bool {
    let ls = lines(text);
    let Some(&(start, end)) = ls.get(p.line as usize) else {
        return false;
    };
    let mut units = 0;
    for c in text[start..end].chars() {
        if units == p.character as usize {
            return true;
        }
        units += width(c, enc);
    }
    units == p.character as usize
}

fuzz_target!(|input: Input| {
    let enc = match input.encoding % 3 {
        0 => Encoding::Utf8,
        1 => Encoding::Utf16,
        _ => Encoding::Utf32,
    };
    let path = scholia_fuzz::doc_path("did-change.scholia");
    let uri = lsp::Uri::from_file_path(&path).expect("a file URI");
    let mut state = State::with_encoding(enc);
    let mut client = render(&input.initial);
    state.open_file(path.clone(), uri.clone(), 1, client.clone());
    for (n, specs) in input.notifications.iter().take(32).enumerate() {
        let mut changes = Vec::new();
        for spec in specs.iter().take(8) {
            let text = render(&spec.text);
            if spec.full {
                client = text.clone();
                changes.push(lsp::TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text,
                });
                continue;
            }
            let (sl, sc) = (spec.start.0.value(), spec.start.1.value());
            let (el, ec) = (spec.end.0.value(), spec.end.1.value());
            let start = offset(&client, sl, sc, enc);
            let end = offset(&client, el, ec, enc).max(start);
            client.replace_range(start..end, &text);
            changes.push(lsp::TextDocumentContentChangeEvent {
                range: Some(lsp::Range::new(
                    lsp::Position::new(sl, sc),
                    lsp::Position::new(el, ec),
                )),
                range_length: None,
                text,
            });
        }
        assert!(state.change_file(&path, n as i32 + 2, changes));
        let file = &state.host.open[&path];
        assert_eq!(
            file.rope.to_string(),
            client,
            "rope differs from the client's text"
        );
        let doc = file.doc.as_ref().expect("a document");
        assert_eq!(doc.text, client);
        assert_eq!(
            doc.model,
            Model::scan(&client),
            "model differs from a fresh scan"
        );
        let fresh = syntax::parse(&client, None);
        assert_eq!(
            doc.model,
            Model::build(&client, &fresh),
            "model differs from the grammar's"
        );
        let mut reopened = State::with_encoding(enc);
        reopened.open_file(path.clone(), uri.clone(), 1, client.clone());
        assert_eq!(
            state.diagnostics_of(&path).map(|p| p.diagnostics),
            reopened.diagnostics_of(&path).map(|p| p.diagnostics),
            "diagnostics differ from those of the client's text opened afresh"
        );
        let publish = state.diagnostics_of(&path).expect("an open document");
        for d in &publish.diagnostics {
            for p in [d.range.start, d.range.end] {
                assert!(exact(&client, p, enc), "diagnostic {d:?} outside the text");
            }
            assert!(
                d.range.start <= d.range.end,
                "diagnostic {d:?} ends before it starts"
            );
        }
    }
});
