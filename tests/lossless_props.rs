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
//! Every code action (quick fixes, tagging, renumbering) is checked through
//! the server too: its edits lie exactly in the text, do not overlap, keep
//! a BOM and the file's kind of line ends (a CRLF registry gets a CRLF
//! entry), and nothing is written to disk. Their exact shape is checked on
//! the `ide` layer by tests/renumber_props.rs.

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
            .run(&(doc_strategy(), any::<prop::sample::Index>()), |(doc, which)| {
                let n = counter.get() + 1;
                counter.set(n);
                let mut client = client.borrow_mut();
                let text = doc.text();
                // One of the labels the document uses (a label drawn from
                // all of them was absent too often to check enough cases).
                let used: Vec<&str> = (LABELS.iter().copied())
                    .filter(|l| text.contains(&format!("[^{l}]")))
                    .collect();
                if used.is_empty() {
                    return Ok(());
                }
                let old = *which.get(&used);
                let marker = format!("[^{old}]");
                let at = text.find(&marker).expect("a label in use");
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
        assert!(
            checked.get() >= 16,
            "only {} renames checked",
            checked.get()
        );
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
            // The rename itself waits until the closed document is indexed
            // (tests/loading.rs); its diagnostics are read to keep the
            // client's queue short.
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

/// A server whose client takes code action literals (plain `changes` edits).
fn start_for_actions(root: &Path, enc: Encoding) -> Client {
    let mut client = Client::spawn();
    let result = client
        .request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri_of(root),
                "workspaceFolders": [{ "uri": uri_of(root), "name": "ws" }],
                "capabilities": {
                    "general": { "positionEncodings": [enc.name()] },
                    "textDocument": {
                        "publishDiagnostics": { "versionSupport": true },
                        "codeAction": {
                            "codeActionLiteralSupport": { "codeActionKind": { "valueSet": [
                                "quickfix", "refactor", "refactor.rewrite", "source",
                            ] } },
                            "isPreferredSupport": true,
                        },
                    },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                },
            }),
        )
        .unwrap_or_else(|e| panic!("initialize failed: {e}"));
    let name = result["capabilities"]["positionEncoding"]
        .as_str()
        .unwrap_or("utf-16");
    client.encoding = Encoding::from_name(name).unwrap();
    client.notify("initialized", json!({}));
    client
}

/// (CRLF, lone LF, lone CR) counts.
fn line_ends(text: &str) -> (usize, usize, usize) {
    let crlf = text.matches("\r\n").count();
    (
        crlf,
        text.matches('\n').count() - crlf,
        text.matches('\r').count() - crlf,
    )
}

/// Checks one file's edits as an editor would apply them: exact positions
/// (on a character boundary, within their line), no overlap; then the file
/// keeps its BOM and its kind of line ends. Returns the new text.
fn apply_checked(text: &str, edits: &[Value], enc: Encoding) -> Result<String, TestCaseError> {
    for e in edits {
        let r = Range::from_json(&e["range"]);
        for p in [r.start, r.end] {
            let back = position_at(text, offset_at(text, p, enc), enc);
            prop_assert_eq!(back, p, "an edit position that is not in the text: {}", e);
        }
    }
    let (new, _) = apply(text, edits, enc);
    prop_assert_eq!(new.starts_with('\u{feff}'), text.starts_with('\u{feff}'));
    let (crlf, lf, cr) = line_ends(text);
    let (ncrlf, nlf, ncr) = line_ends(&new);
    if crlf > 0 && lf == 0 && cr == 0 {
        prop_assert!(
            nlf == 0 && ncr == 0,
            "a CRLF file got other line ends: {:?}",
            new
        );
    }
    if lf > 0 && crlf == 0 && cr == 0 {
        prop_assert!(
            ncrlf == 0 && ncr == 0,
            "an LF file got other line ends: {:?}",
            new
        );
    }
    Ok(new)
}

/// Problems for the code actions to fix: an undefined note, an unknown
/// entity, untagged names, notes out of order.
const FIXABLE: &[&str] = &[
    "[^9]",
    "[[Nobody Known]]",
    "Zhou Enlai",
    "Port Arthur",
    "[^2] [^1]",
];

#[test]
fn every_code_action_through_the_server_changes_only_what_it_must() {
    let dir = TempDir::new("lossless-actions");
    fs::write(
        dir.join("scholia.toml"),
        "registry = [\"registry.toml\"]\r\n",
    )
    .unwrap();
    // A CRLF registry: an entry added to it must use CRLF too.
    fs::write(dir.join("registry.toml"), REGISTRY.replace('\n', "\r\n")).unwrap();
    let client = RefCell::new(start_for_actions(&dir.path, Encoding::Utf16));
    let enc = client.borrow().encoding;
    let before = snapshot(&dir.path);
    let counter = Cell::new(0);
    let applied = Cell::new(0);
    let other_files = Cell::new(0);
    runner(24)
        .run(
            &(doc_strategy(), prop::collection::vec(0..FIXABLE.len(), 1..4)),
            |(mut doc, fixes)| {
                let n = counter.get() + 1;
                counter.set(n);
                let mut client = client.borrow_mut();
                // Put the problems into the document's first line.
                doc.lines[0].clear();
                let mut text = doc.text();
                let at = text.find("# Title").unwrap() + "# Title".len();
                let extra: Vec<&str> = fixes.iter().map(|&i| FIXABLE[i]).collect();
                text.insert_str(at, &format!(" {}", extra.join(" ")));
                let path = dir.join(&format!("actions-{n}.scholia"));
                let uri = client.open(&path, &text);
                let diags = client.diagnostics_for(&uri, Some(1));
                let mut asked = Vec::new();
                for d in &diags {
                    let context = json!({ "diagnostics": [{
                        "range": d.range.json(), "severity": d.severity, "code": d.code,
                        "source": "scholia", "message": d.message,
                    }] });
                    asked.push((d.range, context));
                }
                let whole = range_at(&text, 0..text.len(), enc);
                asked.push((whole, json!({ "diagnostics": [], "only": ["source"] })));
                for (range, context) in asked {
                    let actions = client
                        .request(
                            "textDocument/codeAction",
                            json!({ "textDocument": { "uri": uri }, "range": range.json(), "context": context }),
                        )
                        .map_err(|e| TestCaseError::fail(format!("codeAction failed: {e}")))?;
                    for action in actions.as_array().into_iter().flatten() {
                        let Some(changes) = action["edit"]["changes"].as_object() else {
                            continue;
                        };
                        for (u, edits) in changes {
                            let file = path_of(u);
                            let original = if *u == uri {
                                text.clone()
                            } else {
                                fs::read_to_string(&file).unwrap()
                            };
                            apply_checked(&original, edits.as_array().unwrap(), enc)?;
                            applied.set(applied.get() + 1);
                            if *u != uri {
                                other_files.set(other_files.get() + 1);
                            }
                        }
                    }
                }
                client.close(&path);
                prop_assert_eq!(snapshot(&dir.path), before.clone(), "the server wrote to disk");
                Ok(())
            },
        )
        .unwrap();
    assert!(applied.get() >= 24, "only {} edits checked", applied.get());
    assert!(other_files.get() > 0, "no action edited the registry");
    let client = client.borrow();
    assert!(!client.panicked(), "{}", client.stderr());
}
