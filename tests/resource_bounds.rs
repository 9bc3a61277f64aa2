//! Resource bounds, over the real server: a 50 MB single-line document,
//! 100,000 footnotes in one document, a registry of 200,000 entries. Each
//! must be answered (diagnostics published, a hover and a keystroke
//! handled) within bounds, with peak memory below the performance budget
//! (1.5 GB), or degrade visibly (a diagnostic saying what was left out).
//! The data is generated in a temp folder, never committed.
//!
//! They take too long in a debug build: run them in release,
//! `cargo test --release --test resource_bounds -- --include-ignored`
//! (what .ci/run does). Each prints its measurements.

mod raw_client;

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use raw_client::{Raw, uri};
use serde_json::{Value, json};

/// The performance budget's peak RSS.
const MAX_RSS_MB: u64 = 1500;

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "scholia-bounds-{tag}-{}-{}",
        std::process::id(),
        SystemTimeNanos::now()
    ));
    fs::create_dir_all(&dir).unwrap();
    dir
}

struct SystemTimeNanos;
impl SystemTimeNanos {
    fn now() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    }
}

/// Peak resident memory of the server (VmHWM), in MB.
fn peak_rss_mb(s: &Raw) -> u64 {
    let status = fs::read_to_string(format!("/proc/{}/status", s.pid())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn open(s: &mut Raw, uri: &str, text: &str) {
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "scholia", "version": 1, "text": text } }),
    );
}

fn count(p: &Value) -> usize {
    p["diagnostics"].as_array().map_or(0, Vec::len)
}

/// Opens `text`, then measures: first diagnostics, a request that needs no
/// state while the document is processed (the stdin reader and dispatcher
/// stay responsive), a hover, a keystroke. Returns the last diagnostics.
fn exercise(s: &mut Raw, uri: &str, text: &str, hover_at: (u32, u32), what: &str) -> Value {
    let start = Instant::now();
    open(s, uri, text);
    let unknown = s.request("scholia/noSuchMethod", json!({}));
    assert!(unknown.get("error").is_some());
    let reader = start.elapsed();
    let first = s.wait_diagnostics(uri, |p| p["version"] == 1);
    let opened = start.elapsed();
    let t = Instant::now();
    let hover = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri },
                "position": { "line": hover_at.0, "character": hover_at.1 } }),
    );
    assert!(hover.get("result").is_some(), "{hover}");
    let hovered = t.elapsed();
    let t = Instant::now();
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 },
                                                "end": { "line": 0, "character": 0 } },
                                     "text": "x" }] }),
    );
    let last = s.wait_diagnostics(uri, |p| p["version"] == 2);
    let keystroke = t.elapsed();
    let rss = peak_rss_mb(s);
    eprintln!(
        "{what}: unknown-method reply {reader:?}, first diagnostics {opened:?} ({} of them), hover {hovered:?}, keystroke {keystroke:?}, peak RSS {rss} MB",
        count(&first)
    );
    assert!(rss < MAX_RSS_MB, "{what}: peak RSS {rss} MB");
    assert!(
        opened < Duration::from_secs(45),
        "{what}: open took {opened:?}"
    );
    assert!(
        keystroke < Duration::from_secs(10),
        "{what}: keystroke took {keystroke:?}"
    );
    s.still_serving();
    last
}

/// A diagnostic that says some were left out, if any.
fn truncation_note(p: &Value) -> Option<String> {
    p["diagnostics"]
        .as_array()?
        .iter()
        .filter_map(|d| d["message"].as_str())
        .find(|m| m.contains("not shown"))
        .map(str::to_string)
}

#[test]
#[ignore = "release only: cargo test --release --test resource_bounds -- --include-ignored"]
fn a_50_mb_single_line_document() {
    let unit =
        "Word [[zhou-enlai|Zhou]] met [[Nobody]] at text[^1] and [@aprf-45, p. 3] 周恩来 [?] ok. ";
    let mut text = String::with_capacity(50 << 20);
    while text.len() < 50 << 20 {
        text.push_str(unit);
    }
    text.push_str("\n\n[^1]: The note.\n");
    let mut s = Raw::spawn();
    s.initialize(None);
    let u = uri(&PathBuf::from("/scholia-bounds-nowhere/huge.scholia"));
    let last = exercise(&mut s, &u, &text, (0, 40), "50 MB single line");
    // Kept in sync, not analysed: one diagnostic says so.
    let messages: Vec<&str> = last["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.len() == 1 && messages[0].contains("above the limit"),
        "{messages:?}"
    );
    // Cut down to a normal size, it is analysed again.
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 3 },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 1000 },
                                                "end": { "line": 1, "character": 0 } },
                                     "text": "[^9]\n" }] }),
    );
    let p = s.wait_diagnostics(&u, |p| p["version"] == 3);
    assert!(p.to_string().contains("undefined-footnote"), "{p}");
}

/// Many problems in one file: the first 10,000 are sent, and a note says
/// how many more there are.
#[test]
fn a_document_with_50_000_problems_sends_10_000_and_a_note() {
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str(&format!("[^u{i}] "));
    }
    text.push('\n');
    let mut s = Raw::spawn();
    s.initialize(None);
    let u = uri(&PathBuf::from("/scholia-bounds-nowhere/problems.scholia"));
    open(&mut s, &u, &text);
    let p = s.wait_diagnostics(&u, |p| p["version"] == 1);
    assert_eq!(count(&p), 10_001);
    let note = truncation_note(&p).expect("a diagnostic says what was left out");
    // 50,000 undefined footnotes and a missing source.
    assert!(note.starts_with("40001 more problems"), "{note}");
    // The ones sent are the first in the document.
    assert_eq!(
        p["diagnostics"][0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    s.still_serving();
}

#[test]
#[ignore = "release only: cargo test --release --test resource_bounds -- --include-ignored"]
fn a_document_with_100_000_footnotes() {
    let mut text = String::from("# Notes\n\n");
    for i in 1..=100_000 {
        text.push_str(&format!("Text[^{i}].\n"));
    }
    text.push('\n');
    for i in 1..=100_000 {
        text.push_str(&format!("[^{i}]: Note {i}. [@aprf-45, p. {i}]\n\n"));
    }
    let mut s = Raw::spawn();
    s.initialize(None);
    let u = uri(&PathBuf::from("/scholia-bounds-nowhere/notes.scholia"));
    let last = exercise(&mut s, &u, &text, (50_002, 6), "100,000 footnotes");
    eprintln!("  {} diagnostics after a keystroke", count(&last));
}

#[test]
#[ignore = "release only: cargo test --release --test resource_bounds -- --include-ignored"]
fn a_registry_of_200_000_entries() {
    let dir = temp("registry");
    fs::write(dir.join("scholia.toml"), "registry = [\"registry.toml\"]\n").unwrap();
    let mut reg = String::new();
    for i in 0..200_000 {
        reg.push_str(&format!(
            "[person.p{i}]\nname = \"Person Number {i}\"\naliases = [\"P. N. {i}\"]\nborn = {}\n\n",
            1800 + i % 200
        ));
    }
    fs::write(dir.join("registry.toml"), &reg).unwrap();
    let mut doc = String::from("# Doc\n\n");
    for i in 0..2_000 {
        doc.push_str(&format!(
            "[[p{}]] met Person Number {} and [[Nobody {i}]].\n",
            i * 97,
            i * 89
        ));
    }
    let start = Instant::now();
    let mut s = Raw::spawn();
    s.initialize(Some(&dir));
    let initialized = start.elapsed();
    let u = uri(&dir.join("doc.scholia"));
    let last = exercise(&mut s, &u, &doc, (2, 3), "registry of 200,000 entries");
    eprintln!(
        "  initialize answered after {initialized:?}; {} diagnostics; registry {} MB",
        count(&last),
        reg.len() >> 20
    );
    let hover = s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": { "line": 2, "character": 3 } }),
    );
    assert!(
        hover["result"]["contents"]
            .to_string()
            .contains("Person Number 0"),
        "{hover}"
    );
    let t = Instant::now();
    let completion = s.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": { "line": 2, "character": 2 } }),
    );
    eprintln!("  completion after `[[`: {:?}", t.elapsed());
    assert!(completion.get("result").is_some() || completion.get("error").is_some());
    fs::remove_dir_all(&dir).ok();
}
