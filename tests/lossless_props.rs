//! Lossless edits, as property tests through the real server: a rename
//! (footnote label; registry id across the registry and open and closed
//! documents) changes only the label or id it renames. Its edits cover
//! exactly the old name; applied, they give the text an independent oracle
//! predicts (a plain string replacement of the constructs involved), so the
//! text outside the edited spans is byte-identical, CRLF stays CRLF, a BOM
//! stays. The server writes nothing to disk: the workspace's files (bytes
//! and modification times) are the same after every case.
//!
//! `scholia import --tag` is checked the same way: tagging adds mention
//! brackets and nothing else, so removing them gives back the untagged
//! import byte for byte.
//!
//! Quick fixes and renumbering have property tests of their own
//! (tests/renumber_props.rs, on the code-actions branch).

mod support;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use support::lsp_client::*;

const REGISTRY: &str = "[person.zhou-enlai]\nname = \"Zhou Enlai\"\naliases = [\"Zhou\", \"Chou En-lai\"]\n\n[place.port-arthur]\nname = \"Port Arthur\"\n";

/// Pieces of a line. Labels, mentions and citations, and text that stresses
/// positions (CJK, an emoji sequence, a combining mark).
const PIECES: &[&str] = &[
    "text",
    "Zhou Enlai",
    "周恩来",
    "👨\u{200d}👩\u{200d}👧",
    "cafe\u{301}",
    "[^1]",
    "[^2]",
    "[^note-a]",
    "[^12]",
    "[[zhou-enlai]]",
    "[[zhou-enlai|STALIN]]",
    "[[Zhou Enlai]]",
    "[[Chou En-lai|Zhou]]",
    "[[port-arthur]]",
    "[@aprf-45, ll. 9]",
    "[?]",
    "[sic]",
    "\\[esc\\]",
];

const LABELS: &[&str] = &["1", "2", "note-a", "12"];

#[derive(Debug, Clone)]
struct Doc {
    bom: bool,
    crlf: bool,
    lines: Vec<Vec<usize>>,
    /// Labels that get a definition line.
    defs: Vec<usize>,
}

impl Doc {
    fn text(&self) -> String {
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        out.push_str("# Title");
        out.push_str(nl);
        out.push_str(nl);
        for line in &self.lines {
            let words: Vec<&str> = line.iter().map(|&i| PIECES[i]).collect();
            out.push_str(&words.join(" "));
            out.push_str(nl);
        }
        out.push_str(nl);
        for &d in &self.defs {
            out.push_str(&format!("[^{}]: A note [[zhou-enlai]].{nl}{nl}", LABELS[d]));
        }
        out
    }
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(prop::collection::vec(0..PIECES.len(), 1..8), 1..6),
        prop::collection::vec(0..LABELS.len(), 0..4),
    )
        .prop_map(|(bom, crlf, lines, defs)| Doc {
            bom,
            crlf,
            lines,
            defs,
        })
}

/// Applies LSP text edits (positions in `enc`) to `text`, checking that they
/// do not overlap. Returns the new text and each edit's old text.
fn apply(text: &str, edits: &[Value], enc: Encoding) -> (String, Vec<String>) {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = Range::from_json(&e["range"]);
            let start = offset_at(text, r.start, enc);
            let end = offset_at(text, r.end, enc);
            assert!(start <= end, "edit ends before it starts: {e}");
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    spans.sort_by_key(|s| s.0);
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping edits: {edits:?}");
    }
    let old: Vec<String> = spans
        .iter()
        .map(|(s, e, _)| text[*s..*e].to_string())
        .collect();
    let mut out = text.to_string();
    for (s, e, new) in spans.iter().rev() {
        out.replace_range(*s..*e, new);
    }
    (out, old)
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let p = entry.path();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), (fs::read(&p).unwrap(), meta.modified().unwrap()));
            }
        }
    }
    out
}

fn workspace() -> TempDir {
    let dir = TempDir::new("lossless");
    fs::write(dir.join("scholia.toml"), "registry = [\"registry.toml\"]\n").unwrap();
    fs::write(dir.join("registry.toml"), REGISTRY).unwrap();
    dir
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn renaming_a_footnote_label_changes_only_that_label() {
    for enc in [Encoding::Utf16, Encoding::Utf8, Encoding::Utf32] {
        let dir = workspace();
        let client = RefCell::new(Client::start(Some(&dir.path), Some(&[enc.name()])));
        let before = snapshot(&dir.path);
        let counter = Cell::new(0);
        let checked = Cell::new(0);
        runner(24)
            .run(&(doc_strategy(), 0..LABELS.len()), |(doc, which)| {
                let n = counter.get() + 1;
                counter.set(n);
                let mut client = client.borrow_mut();
                let text = doc.text();
                let old = LABELS[which];
                let marker = format!("[^{old}]");
                let Some(at) = text.find(&marker) else {
                    return Ok(());
                };
                let path = dir.join(&format!("case-{n}.scholia"));
                let uri = client.open(&path, &text);
                let new = format!("renamed-{n}");
                let cursor = position_at(&text, at + 2, enc);
                let reply = client.request(
                    "textDocument/rename",
                    json!({ "textDocument": { "uri": uri }, "position": cursor.json(), "newName": new }),
                );
                client.close(&path);
                let edit = reply.map_err(|e| TestCaseError::fail(format!("rename refused: {e}")))?;
                let changes = edit["changes"].as_object().expect("changes");
                prop_assert_eq!(changes.len(), 1, "only the document changes");
                let (renamed, olds) = apply(&text, changes[&uri].as_array().unwrap(), enc);
                prop_assert!(olds.iter().all(|o| o == old), "edits cover {:?}", olds);
                prop_assert_eq!(olds.len(), text.matches(&marker).count());
                let expected = text.replace(&marker, &format!("[^{new}]"));
                prop_assert_eq!(&renamed, &expected);
                prop_assert_eq!(renamed.starts_with('\u{feff}'), doc.bom);
                prop_assert_eq!(renamed.matches("\r\n").count(), text.matches("\r\n").count());
                checked.set(checked.get() + 1);
                Ok(())
            })
            .unwrap();
        assert_eq!(snapshot(&dir.path), before, "the server wrote to disk");
        assert!(checked.get() >= 8, "only {} renames checked", checked.get());
        let client = client.borrow();
        assert!(!client.panicked(), "{}", client.stderr());
    }
}

#[test]
fn renaming_a_registry_id_changes_only_id_mentions_and_the_key() {
    let dir = workspace();
    // A closed document on disk, mentioning the entry every way.
    let closed = dir.join("closed.scholia");
    let closed_text = "[[zhou-enlai]] and [[zhou-enlai|him]] and [[Zhou Enlai]] and [[Zhou]].\r\n";
    fs::write(&closed, closed_text).unwrap();
    let client = RefCell::new(Client::start(Some(&dir.path), None));
    let enc = client.borrow().encoding;
    let counter = Cell::new(0);
    let checked = Cell::new(0);
    runner(24)
        .run(&doc_strategy(), |doc| {
            let n = counter.get() + 1;
            counter.set(n);
            let mut client = client.borrow_mut();
            let text = doc.text();
            let Some(at) = text.find("[[zhou-enlai") else {
                return Ok(());
            };
            let path = dir.join(&format!("open-{n}.scholia"));
            let uri = client.open(&path, &text);
            // Wait until the index knows the closed document.
            client.diagnostics_for(&uri, Some(1));
            let before = snapshot(&dir.path);
            let new = format!("zhou-{n}");
            let reply = client.request(
                "textDocument/rename",
                json!({ "textDocument": { "uri": uri },
                        "position": position_at(&text, at + 3, enc).json(), "newName": new }),
            );
            client.close(&path);
            let edit = reply.map_err(|e| TestCaseError::fail(format!("rename refused: {e}")))?;
            let changes = edit["changes"].as_object().expect("changes");
            let registry_uri = uri_of(&dir.join("registry.toml"));
            // The registry: only the id in the table header.
            let (reg, olds) = apply(REGISTRY, changes[&registry_uri].as_array().unwrap(), enc);
            prop_assert_eq!(olds, vec!["zhou-enlai".to_string()]);
            prop_assert_eq!(
                reg,
                REGISTRY.replace("[person.zhou-enlai]", &format!("[person.{new}]"))
            );
            // Documents: `[[id]]` keeps what the reader sees as display text,
            // `[[id|x]]` gets the new id, names and aliases stay.
            let oracle = |t: &str| {
                t.replace("[[zhou-enlai]]", &format!("[[{new}|zhou-enlai]]"))
                    .replace("[[zhou-enlai|", &format!("[[{new}|"))
            };
            for (u, t) in [(&uri, &text), (&uri_of(&closed), &closed_text.to_string())] {
                let list = changes
                    .get(u.as_str())
                    .and_then(Value::as_array)
                    .ok_or_else(|| TestCaseError::fail(format!("no edits for {u}: {edit}")))?;
                let (renamed, olds) = apply(t, list, enc);
                prop_assert!(olds.iter().all(|o| o == "zhou-enlai"), "{:?}", olds);
                prop_assert_eq!(&renamed, &oracle(t));
            }
            prop_assert_eq!(
                changes.len(),
                3,
                "registry, the open and the closed document"
            );
            prop_assert_eq!(snapshot(&dir.path), before, "the server wrote to disk");
            checked.set(checked.get() + 1);
            Ok(())
        })
        .unwrap();
    assert!(checked.get() >= 8, "only {} renames checked", checked.get());
    let client = client.borrow();
    assert!(!client.panicked(), "{}", client.stderr());
}

/// Removes mention brackets: `[[x|display]]` → `display`, `[[x]]` → `x`.
fn untag(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("[[") {
        let Some(close) = rest[open..].find("]]").map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let inner = &rest[open + 2..close];
        out.push_str(inner.split_once('|').map_or(inner, |(_, d)| d));
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

#[test]
fn import_with_tag_adds_mention_brackets_and_nothing_else() {
    let dir = workspace();
    let words = [
        "Zhou Enlai",
        "said",
        "Port Arthur",
        "Chou En-lai",
        "周恩来",
        "and",
        "Zhou",
        "the",
        "1952.",
    ];
    let counter = Cell::new(0);
    let tagged_some = Cell::new(0);
    runner(16)
        .run(
            &(
                prop::collection::vec(prop::collection::vec(0..words.len(), 1..12), 1..6),
                any::<bool>(),
            ),
            |(paras, crlf)| {
                let n = counter.get() + 1;
                counter.set(n);
                let nl = if crlf { "\r\n" } else { "\n" };
                let export: String = paras
                    .iter()
                    .map(|p| p.iter().map(|&i| words[i]).collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join(&format!("{nl}{nl}"));
                let input = dir.join(&format!("export-{n}.txt"));
                fs::write(&input, &export).unwrap();
                let run = |tag: bool| {
                    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_scholia"));
                    cmd.arg("import").arg(&input).arg("--out").arg("-");
                    if tag {
                        cmd.arg("--tag");
                    }
                    let out = cmd.current_dir(&dir.path).output().unwrap();
                    String::from_utf8(out.stdout).unwrap()
                };
                let plain = run(false);
                let tagged = run(true);
                prop_assert!(!plain.is_empty());
                if tagged != plain {
                    tagged_some.set(tagged_some.get() + 1);
                }
                prop_assert_eq!(untag(&tagged), plain);
                // The export itself is never touched.
                prop_assert_eq!(fs::read_to_string(&input).unwrap(), export);
                Ok(())
            },
        )
        .unwrap();
    assert!(tagged_some.get() > 0, "--tag never tagged anything");
}
