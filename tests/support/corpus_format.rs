//! The tree-sitter CLI's corpus format (`editors/tree-sitter-scholia/test/
//! corpus/*.txt`), read without the CLI: shared by `tests/grammar_corpus.rs`
//! (the expected trees) and `tests/scanner_props.rs` (the inputs).
//!
//! The format: a header (a line of three or more `=`, the test name,
//! optional attribute lines such as `:skip` or `:error`, a line of `=`), the
//! input, a line of three or more `-`, and the expected S-expression. The
//! input is every byte between the header and the divider, less one trailing
//! line break. Whitespace in S-expressions is normalised before comparing.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/tree-sitter-scholia/test/corpus")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    Pass,
    Error,
    Skip,
}

#[derive(Debug)]
pub struct Case {
    pub file: String,
    pub name: String,
    pub input: Vec<u8>,
    pub expected: String,
    pub expectation: Expectation,
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

pub fn parse_corpus(file: &str, content: &str) -> Vec<Case> {
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
pub fn normalize(sexp: &str) -> String {
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

pub fn corpus() -> Vec<Case> {
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
