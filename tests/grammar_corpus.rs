//! Runs the tree-sitter corpus of the grammar (`editors/tree-sitter-scholia/
//! test/corpus/*.txt`) against the parser compiled into the crate, so that CI
//! checks the grammar without the tree-sitter CLI.
//!
//! The corpus format is the CLI's, read by `tests/support/corpus_format.rs`
//! (also used by `tests/scanner_props.rs`). `:error` tests only require an
//! error in the tree.
//!
//! Two more tests guard the grammar's promise that it never fails: the example
//! documents under `seeds/` and a few thousand pseudo-random inputs parse
//! without an ERROR or MISSING node (except an unclosed front matter).

use std::fs;
use std::path::Path;

use tree_sitter::{Parser, Tree};

#[path = "support/corpus_format.rs"]
mod corpus_format;

use corpus_format::{Expectation, corpus, corpus_dir, normalize, parse_corpus};

fn parse(input: &[u8]) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&scholia::syntax::language())
        .expect("the scholia grammar is compatible with the tree-sitter runtime");
    parser
        .parse(input, None)
        .expect("parsing is never cancelled")
}

#[test]
fn corpus_matches() {
    let cases = corpus();
    let mut ran = 0;
    let mut failures = Vec::new();
    for case in &cases {
        if case.expectation == Expectation::Skip {
            continue;
        }
        ran += 1;
        let tree = parse(&case.input);
        let root = tree.root_node();
        let actual = normalize(&root.to_sexp());
        let ok = match case.expectation {
            Expectation::Error => root.has_error(),
            _ => actual == case.expected,
        };
        if !ok {
            let expected = match case.expectation {
                Expectation::Error => "a tree with an ERROR or MISSING node".to_string(),
                _ => case.expected.clone(),
            };
            failures.push(format!(
                "{} / {}\n  input:    {:?}\n  expected: {}\n  actual:   {}",
                case.file,
                case.name,
                String::from_utf8_lossy(&case.input),
                expected,
                actual,
            ));
        }
    }
    assert!(
        ran > 0,
        "no corpus case found in {}",
        corpus_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} corpus cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn corpus_format_is_read_like_the_cli() {
    let content = "\
==========
First
==========
a
---

(document (line (text)))

==========
Second
:error
==========

+++
---
==========
Third
:skip
==========
x
---
(x)
";
    let cases = parse_corpus("inline", content);
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0].name, "First");
    assert_eq!(cases[0].input, b"a");
    assert_eq!(cases[0].expected, "(document (line (text)))");
    assert_eq!(cases[0].expectation, Expectation::Pass);
    assert_eq!(cases[1].name, "Second");
    assert_eq!(cases[1].input, b"\n+++");
    assert_eq!(cases[1].expectation, Expectation::Error);
    assert_eq!(cases[2].expectation, Expectation::Skip);
    assert_eq!(normalize("(a\n  (b)  \n ; note\n (c ) )"), "(a (b) (c))");
}

/// Whether the only acceptable failure applies: a front matter opened on the
/// first line and never closed.
fn unclosed_front_matter(input: &[u8]) -> bool {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'\n' => {
                lines.push(&input[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&input[start..i]);
                if input.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = &input[start..];
    let is_fence = |line: &[u8]| {
        line.starts_with(b"+++") && line[3..].iter().all(|&b| b == b' ' || b == b'\t')
    };
    match lines.first() {
        // The opening fence needs its line break.
        Some(first) if is_fence(first) => {
            !lines[1..].iter().any(|line| is_fence(line)) && !is_fence(last)
        }
        _ => false,
    }
}

fn assert_parses_cleanly(what: &str, input: &[u8]) {
    let tree = parse(input);
    let root = tree.root_node();
    if root.has_error() && !unclosed_front_matter(input) {
        panic!(
            "{what} does not parse cleanly\n  input: {:?}\n  tree:  {}",
            String::from_utf8_lossy(input),
            root.to_sexp()
        );
    }
}

#[test]
fn seed_documents_parse_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|ext| ext == "scholia") {
            let bytes = fs::read(&path).expect("a readable seed document");
            assert_parses_cleanly(&path.display().to_string(), &bytes);
        }
    }
}

#[test]
fn random_inputs_parse_cleanly() {
    // A fixed xorshift generator keeps the test deterministic.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces: &[&[u8]] = &[
        b"[",
        b"]",
        b"[[",
        b"]]",
        b"[[[",
        b"]]]",
        b"[@",
        b"[^",
        b"]:",
        b"](",
        b"(",
        b")",
        b"|",
        b"\\",
        b"\\[",
        b"@",
        b"^",
        b"#",
        b"# ",
        b"###### ",
        b"####### ",
        b"+++",
        b"+++\n",
        b"\n",
        b"\r",
        b"\r\n",
        b"\t",
        b" ",
        b"    ",
        b"key",
        b"1",
        b"-",
        b".",
        b";",
        b",",
        b"Zhou Enlai",
        "\u{feff}".as_bytes(),
        "\u{6bdb}".as_bytes(),
        "\u{1f600}".as_bytes(),
        "e\u{301}".as_bytes(),
        b"\0",
        b"\xff",
        b"\xc3",
    ];
    for round in 0..3000 {
        let mut input = Vec::new();
        if round % 10 == 0 {
            // Random bytes.
            for _ in 0..next() % 64 {
                input.push(next() as u8);
            }
        } else {
            for _ in 0..next() % 40 {
                input.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
            }
        }
        assert_parses_cleanly(&format!("random input #{round}"), &input);
    }
}
