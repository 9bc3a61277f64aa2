//! Runs the tree-sitter corpus of the grammar (`editors/tree-sitter-scholia/
//! test/corpus/*.txt`) against the parser compiled into the crate, so that CI
//! checks the grammar without the tree-sitter CLI.
//!
//! The corpus format is the CLI's: a header (a line of three or more `=`, the
//! test name, optional attribute lines such as `:skip` or `:error`, a line of
//! `=`), the input, a line of three or more `-`, and the expected
//! S-expression. The input is every byte between the header and the divider,
//! less one trailing line break. `:error` tests only require an error in the
//! tree. Whitespace in S-expressions is normalised before comparing.
//!
//! Two more tests guard the grammar's promise that it never fails: the example
//! documents under `seeds/` and a few thousand pseudo-random inputs parse
//! without an ERROR or MISSING node (except an unclosed front matter).

use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Parser, Tree};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/tree-sitter-scholia/test/corpus")
}

fn parse(input: &[u8]) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&scholia::syntax::language())
        .expect("the scholia grammar is compatible with the tree-sitter runtime");
    parser
        .parse(input, None)
        .expect("parsing is never cancelled")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expectation {
    Pass,
    Error,
    Skip,
}

#[derive(Debug)]
struct Case {
    file: String,
    name: String,
    input: Vec<u8>,
    expected: String,
    expectation: Expectation,
}

/// A line of at least three `c`, and what follows them (less the line break).
fn delimiter(line: &str, c: char) -> Option<(usize, &str)> {
    let len = line.len() - line.trim_start_matches(c).len();
    if len < 3 {
        return None;
    }
    Some((len, line[len..].trim_end_matches(['\r', '\n'])))
}

/// A file may give its delimiters a suffix (`===|||`); the first `===` line
/// with one sets it for the whole file.
fn suffix_matches(first: Option<&str>, suffix: &str) -> bool {
    match first {
        None => suffix.is_empty(),
        Some(first) => !suffix.is_empty() && first == suffix,
    }
}

struct Header {
    name: String,
    expectation: Expectation,
    body_start: usize,
}

/// Reads a header starting at `lines[start]`.
fn header(lines: &[&str], first_suffix: Option<&str>, start: usize) -> Option<Header> {
    let (_, suffix) = delimiter(lines[start], '=')?;
    if !suffix_matches(first_suffix, suffix) {
        return None;
    }
    let mut name = String::new();
    let mut seen_attribute = false;
    let (mut skip, mut error) = (false, false);
    let mut i = start + 1;
    loop {
        let line = *lines.get(i)?;
        if let Some((_, closing)) = delimiter(line, '=')
            && suffix_matches(first_suffix, closing)
        {
            break;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() && !seen_attribute {
            // A blank line in the name: this `===` belongs to some input.
            return None;
        }
        match trimmed.split('(').next().unwrap_or("") {
            ":skip" => (seen_attribute, skip) = (true, true),
            ":error" => (seen_attribute, error) = (true, true),
            // The CLI's other attributes; `:cst` tests compare a format this
            // runner does not produce, so they are skipped.
            ":cst" => (seen_attribute, skip) = (true, true),
            ":platform" | ":language" | ":fail-fast" => seen_attribute = true,
            _ if !seen_attribute => name.push_str(line),
            _ => {}
        }
        i += 1;
    }
    let expectation = if skip {
        Expectation::Skip
    } else if error {
        Expectation::Error
    } else {
        Expectation::Pass
    };
    Some(Header {
        name: name.trim_end().to_string(),
        expectation,
        body_start: i + 1,
    })
}

/// Splits a test body into its input and its expected output, at the longest
/// divider line (the last one of that length).
fn case(file: &str, header: Header, body: &[&str], first_suffix: Option<&str>) -> Option<Case> {
    let mut divider: Option<usize> = None;
    let mut best = 0;
    for (j, line) in body.iter().enumerate() {
        if let Some((len, suffix)) = delimiter(line, '-')
            && suffix_matches(first_suffix, suffix)
            && len + suffix.len() >= best
        {
            best = len + suffix.len();
            divider = Some(j);
        }
    }
    let divider = divider?;
    let mut input: Vec<u8> = body[..divider].concat().into_bytes();
    if input.last() == Some(&b'\n') {
        input.pop();
    }
    if input.last() == Some(&b'\r') {
        input.pop();
    }
    Some(Case {
        file: file.to_string(),
        name: header.name,
        input,
        expected: normalize(&body[divider + 1..].concat()),
        expectation: header.expectation,
    })
}

fn parse_corpus(file: &str, content: &str) -> Vec<Case> {
    let lines: Vec<&str> = content.split_inclusive('\n').collect();
    let first_suffix = lines.iter().find_map(|line| match delimiter(line, '=') {
        Some((_, suffix)) if !suffix.is_empty() => Some(suffix.to_string()),
        _ => None,
    });
    let first_suffix = first_suffix.as_deref();
    let mut cases = Vec::new();
    let mut pending: Option<Header> = None;
    let mut i = 0;
    while i < lines.len() {
        let Some(next) = header(&lines, first_suffix, i) else {
            i += 1;
            continue;
        };
        if let Some(prev) = pending.take() {
            let start = prev.body_start;
            cases.extend(case(file, prev, &lines[start..i], first_suffix));
        }
        i = next.body_start;
        pending = Some(next);
    }
    if let Some(prev) = pending {
        let start = prev.body_start.min(lines.len());
        cases.extend(case(file, prev, &lines[start..], first_suffix));
    }
    cases
}

/// One space between tokens, none before `)`, `;` comment lines dropped.
fn normalize(sexp: &str) -> String {
    let mut out = String::with_capacity(sexp.len());
    let mut space = false;
    for line in sexp.lines() {
        if line.trim_start().starts_with(';') {
            continue;
        }
        for c in line.chars().chain(std::iter::once(' ')) {
            if c.is_whitespace() {
                space = !out.is_empty();
            } else {
                if space && c != ')' {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

fn corpus() -> Vec<Case> {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let content = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        cases.extend(parse_corpus(&file, &content));
    }
    cases
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
