//! The hand-written scanner (`src/syntax/scan.rs`) against tree-sitter, which
//! defines the syntax: for every input, the scanner's node sequence equals
//! the tree's (kinds and byte ranges, `syntax::nodes::of_tree`), the scanner
//! reports an unclosed front matter exactly when the tree has an error, and
//! `Model::scan` equals `Model::build`.
//!
//! Inputs: every example of the grammar's corpus, the seeds, every fixture
//! under `tests/`, the seed inputs of the fuzz targets, documents of the
//! benchmark corpus generator, hand-written edge cases (and regressions, if
//! any disagreement is ever found: add the input to `EDGE_CASES`), and
//! random strings made of the syntax's characters. The `scanner` fuzz
//! target (`fuzz/`) runs the same comparison on arbitrary input.

#[path = "../src/bin/scholia-corpus/corpus.rs"]
mod corpus;
#[path = "support/corpus_format.rs"]
mod corpus_format;

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use scholia::syntax::{self, Model, nodes, scan};

/// Asserts that the scanner and tree-sitter agree on `text`.
fn assert_agree(what: &str, text: &str) {
    let tree = syntax::parse(text, None);
    let scanned = scan::scan(text);
    if tree.root_node().has_error() {
        assert_eq!(
            scanned,
            scan::Scanned::UnclosedFrontMatter,
            "{what}: the tree has an error, the scanner sees no unclosed front matter\n  input: {text:?}\n  tree:  {}",
            tree.root_node().to_sexp()
        );
    } else {
        let expected = nodes::of_tree(&tree);
        let scan::Scanned::Nodes(actual) = scanned else {
            panic!(
                "{what}: the scanner sees an unclosed front matter, the tree has no error\n  input: {text:?}"
            );
        };
        if actual != expected {
            let at = actual
                .iter()
                .zip(&expected)
                .position(|(a, e)| a != e)
                .unwrap_or(actual.len().min(expected.len()));
            panic!(
                "{what}: node sequences differ at node {at}\n  input:    {text:?}\n  scanner:  {:?}\n  tree:     {:?}",
                &actual[at.saturating_sub(2)..(at + 3).min(actual.len())],
                &expected[at.saturating_sub(2)..(at + 3).min(expected.len())],
            );
        }
    }
    let built = Model::build(text, &tree);
    let scanned = Model::scan(text);
    assert!(
        built == scanned,
        "{what}: models differ\n  input:   {text:?}\n  tree:    {built:?}\n  scanner: {scanned:?}"
    );
}

/// Hand-written edge cases of the lexer: fallbacks of every multi-character
/// token, line breaks inside tokens, NUL, BOM, front matter fences.
const EDGE_CASES: &[&str] = &[
    "",
    "\u{feff}",
    "\u{feff}\u{feff}",
    "\u{feff}+++\ntitle = 1\n+++\nx",
    "+++",
    "+++\n",
    "+++\r\n+++",
    "+++ \t\r+++ \t",
    "+++\n+++x\n+++\n",
    "+++\n\0\n+++\0\n+++",
    "+++ x\n",
    "x\n+++\n",
    "\0",
    "\0\0a\0",
    "\0# a",
    "a\\",
    "a\\\n",
    "a\\\0",
    "\\\\\\[\\]\\x\\",
    "a\\b\\[c",
    "#",
    "# ",
    "#\t#",
    "###### x",
    "####### x",
    "######x",
    "a # b",
    "[",
    "]",
    "[]",
    "[](",
    "[]()",
    "[](a b)",
    "[x](y)",
    "[x](y",
    "[x]\n(y)",
    "[x](y(z))",
    "[@",
    "[@]",
    "[@](u)",
    "[@k",
    "[@k]",
    "[@k](u)",
    "[@k](u",
    "[@k\n]",
    "[@k\r\n]",
    "[@k\r]",
    "[@k\n\n]",
    "[@k\r\r]",
    "[@k\na](u)",
    "[@-k]",
    "[@ k]",
    "[@ k](u)",
    "[@k[x]]",
    "[@k\0]",
    "[^",
    "[^]",
    "[^](u)",
    "[^1]",
    "[^1]:",
    "x [^1]:",
    "[^1](u)",
    "[^1]:(u)",
    "[^1 ]",
    "[^1 ](u)",
    "[^a-b_C]: note",
    "[^é]",
    "[[",
    "[[]]",
    "[[x",
    "[[x]",
    "[[x]]",
    "[[[x]]]",
    "[[x|y]]",
    "[[x|y]",
    "[[|y]]",
    "[[@k]]",
    "[[^1]]",
    "[[x\ny]]",
    "[[x\r\ny|z]]",
    "[[x\r|z]]",
    "[[x|y\nz]]",
    "[[x|y\r\nz]]",
    "[[x\ny|z\nw]]",
    "[[x\ny\nz]]",
    "[[x|y|z]]",
    "[[x]]]",
    "[[x] ]",
    "[[x\0]]",
    "[[Zhou Enlai|周恩来]]",
    "a\r\rb\n\n\r\nc",
    "  \n\t\n    x",
    "[^1]: a\n    b\n\n    c\n\nd",
    "# h\ntext\n[^1]: n [@k, p. 1; @j]\n",
];

#[test]
fn edge_cases() {
    for (i, text) in EDGE_CASES.iter().enumerate() {
        assert_agree(&format!("edge case #{i}"), text);
    }
}

#[test]
fn grammar_corpus_examples() {
    let cases = corpus_format::corpus();
    assert!(!cases.is_empty());
    for case in cases {
        let Ok(text) = String::from_utf8(case.input.clone()) else {
            continue;
        };
        assert_agree(&format!("corpus {} / {}", case.file, case.name), &text);
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Seeds, test fixtures (every text file: documents, and also registry and
/// bibliography files, which are text of other shapes) and the fuzz seeds.
#[test]
fn files_of_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["seeds", "tests/fixtures", "fuzz/corpus"] {
        files_under(&root.join(dir), &mut paths);
    }
    paths.sort();
    let mut documents = 0;
    for path in &paths {
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "scholia") {
            documents += 1;
        }
        assert_agree(&path.display().to_string(), &text);
    }
    assert!(documents >= 40, "only {documents} documents found");
}

/// Documents of the benchmark corpus generator: front matter, headings,
/// mentions, notes, citations, insertions, Cyrillic and Chinese lines.
#[test]
fn generated_documents() {
    let seed = 7;
    let entities = corpus::entities(seed, 400);
    let sources = corpus::sources(seed, 100);
    let world = corpus::World {
        entities: &entities,
        sources: &sources,
    };
    for number in 0..40 {
        let size = if number == 0 {
            300 * 1024
        } else {
            4096 + number * 997
        };
        let translation = (number % 5 == 0).then_some("original.scholia");
        let (_, text) = corpus::document(&world, seed, number, size, translation);
        assert_agree(&format!("generated document {number}"), &text);
        // The same document with CRLF and lone CR line ends.
        assert_agree(
            &format!("generated document {number}, CRLF"),
            &text.replace('\n', "\r\n"),
        );
        assert_agree(
            &format!("generated document {number}, CR"),
            &text.replace('\n', "\r"),
        );
    }
}

/// Pieces of the syntax, and characters around it.
const PIECES: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "[[[",
    "]]]",
    "[@",
    "[^",
    "]:",
    "](",
    "(",
    ")",
    "|",
    "\\",
    "\\[",
    "\\]",
    "\\\\",
    "@",
    "^",
    "#",
    "# ",
    "###### ",
    "####### ",
    "+++",
    "+++\n",
    "+++ \r\n",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "\t",
    " ",
    "    ",
    ":",
    ";",
    ",",
    ".",
    "/",
    "-",
    "_",
    "key",
    "k1",
    "1",
    "Zhou",
    "p. 3",
    "\0",
    "\u{feff}",
    "é",
    "\u{6bdb}",
    "\u{1f600}",
    "e\u{301}",
    "\u{a0}",
    "\u{3000}",
];

/// A random string of pieces, sometimes behind a BOM or a front matter.
fn syntax_string() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(PIECES);
    (
        prop::collection::vec(piece, 0..48),
        0..6u8,
        prop::collection::vec(any::<char>(), 0..3),
    )
        .prop_map(|(pieces, prefix, chars)| {
            let mut s = String::new();
            match prefix {
                0 => s.push('\u{feff}'),
                1 => s.push_str("+++\n"),
                2 => s.push_str("\u{feff}+++\r\n"),
                _ => {}
            }
            for p in pieces {
                s.push_str(p);
            }
            // A few arbitrary characters at the end.
            s.extend(chars);
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_syntax_strings(text in syntax_string()) {
        assert_agree("random string", &text);
    }

    #[test]
    fn random_strings_of_syntax_characters(
        text in "[\\[\\]^@|\\\\+#:() \t\n\r\0\u{feff}a1_.é毛-]{0,64}"
    ) {
        assert_agree("random characters", &text);
    }
}

/// Many more random strings than proptest runs, from a fixed generator.
#[test]
fn many_random_strings() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..30_000 {
        let mut s = String::new();
        if round % 3 == 0 {
            s.push_str(["+++\n", "\u{feff}", "+++\r", ""][(next() % 4) as usize]);
        }
        for _ in 0..next() % 40 {
            s.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        assert_agree(&format!("random string #{round}"), &s);
    }
}
