//! References and rename over the real stdio transport, on the fixture
//! workspace `tests/fixtures/editing/` (three documents, two of them closed
//! while the requests run): one references and one rename case as the smoke
//! tests of the wire, the registry file as a place to ask from, the raw and
//! streamed answers, and the live workspace. The references of a citation
//! key and of a footnote, and the footnote rename and the refusals, are data
//! in process, in `tests/ide_more.rs`.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::lsp_client::{Client, Encoding, TempDir, find_within, path_of, uri_of};

fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editing")
}

/// Starts a server on a copy of the fixture, offering `$/progress` so that
/// the test knows when the background index is complete.
fn start(enc: &[&str]) -> (Client, TempDir) {
    start_with(enc, &[])
}

/// `start` with environment variables for the server.
fn start_with(enc: &[&str], env: &[(&str, &str)]) -> (Client, TempDir) {
    let dir = TempDir::new("editing");
    for entry in walk(&fixture_dir()) {
        let rel = entry.strip_prefix(fixture_dir()).unwrap();
        let to = dir.path.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    let mut client = Client::spawn_with(env);
    let result = client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(&dir.path),
                "workspaceFolders": [{ "uri": uri_of(&dir.path), "name": "editing" }],
                "capabilities": {
                    "general": { "positionEncodings": enc },
                    "window": { "workDoneProgress": true },
                    "textDocument": { "rename": { "prepareSupport": true } },
                },
            }),
        )
        .expect("initialize");
    client.encoding =
        Encoding::from_name(result["capabilities"]["positionEncoding"].as_str().unwrap()).unwrap();
    client.notify("initialized", json!({}));
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    (client, dir)
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `file:line:col-line:col text` for each location, sorted.
fn render(dir: &TempDir, locations: &Value, enc: Encoding) -> String {
    let mut lines: Vec<String> = locations
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let path = path_of(l["uri"].as_str().unwrap());
            let text = std::fs::read_to_string(&path).unwrap();
            let r = &l["range"];
            let range = support::lsp_client::Range::from_json(r);
            let shown = &text[support::lsp_client::offset_at(&text, range.start, enc)
                ..support::lsp_client::offset_at(&text, range.end, enc)];
            let (s, e) = (range.start.character, range.end.character);
            format!(
                "{}:{}:{}-{}:{} {shown}",
                path.strip_prefix(&dir.path).unwrap().display(),
                r["start"]["line"],
                s,
                r["end"]["line"],
                e
            )
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

fn open(client: &mut Client, dir: &TempDir, name: &str) -> (String, String) {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = uri_of(&path);
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "scholia", "version": 1, "text": text } }),
    );
    (uri, text)
}

fn position(text: &str, outer: &str, inner: &str, enc: Encoding) -> Value {
    find_within(text, outer, inner, enc).start.json()
}

#[test]
fn references_of_an_entity_span_open_and_closed_documents() {
    let (mut client, dir) = start(&["utf-16"]);
    let (uri, text) = open(&mut client, &dir, "a.scholia");
    let refs = client
        .request(
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri },
                "position": position(&text, "[[stalin]]", "stalin", client.encoding),
                "context": { "includeDeclaration": true },
            }),
        )
        .unwrap();
    // b.scholia is closed: its columns are UTF-16 (周恩来 = 3 units, the
    // family emoji = 8), read from the index, not from the file.
    expect_test::expect![[r#"
        a.scholia:5:0-5:10 [[stalin]]
        a.scholia:5:52-5:69 [[Stalin|STALIN]]
        b.scholia:5:17-5:27 [[stalin]]
        b.scholia:5:32-5:49 [[Joseph Stalin]]
        b.scholia:5:54-5:73 [[STALIN|the Boss]]
        registry/people.toml:0:8-0:14 stalin
    "#]]
    .assert_eq(&render(&dir, &refs, client.encoding));
}

#[test]
fn references_without_declaration_and_from_the_registry_file() {
    let (mut client, dir) = start(&["utf-16"]);
    let (uri, text) = open(&mut client, &dir, "registry/people.toml");
    let refs = client
        .request(
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri },
                "position": position(&text, "name = \"Zhou Enlai\"", "Zhou", client.encoding),
                "context": { "includeDeclaration": false },
            }),
        )
        .unwrap();
    expect_test::expect![[r#"
        a.scholia:5:15-5:40 [[zhou-enlai|Zhou Enlai]]
        c.scholia:5:5-5:19 [[zhou-enlai]]
    "#]]
    .assert_eq(&render(&dir, &refs, client.encoding));
}

/// Applies a WorkspaceEdit's `changes` to the files on disk of the copy
/// (the server never writes files; the test plays the editor).
fn apply(edit: &Value, enc: Encoding) -> Vec<String> {
    let mut touched = Vec::new();
    for (uri, edits) in edit["changes"].as_object().unwrap() {
        let path = path_of(uri);
        let mut text = std::fs::read_to_string(&path).unwrap();
        let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
        edits.sort_by_key(|e| {
            let r = support::lsp_client::Range::from_json(&e["range"]);
            std::cmp::Reverse(support::lsp_client::offset_at(&text, r.start, enc))
        });
        for e in edits {
            let r = support::lsp_client::Range::from_json(&e["range"]);
            let s = support::lsp_client::offset_at(&text, r.start, enc);
            let t = support::lsp_client::offset_at(&text, r.end, enc);
            text.replace_range(s..t, e["newText"].as_str().unwrap());
        }
        std::fs::write(&path, text).unwrap();
        touched.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    touched.sort();
    touched
}

#[test]
fn renaming_an_id_rewrites_the_registry_and_mentions_in_closed_files() {
    for enc in ["utf-16", "utf-8"] {
        let (mut client, dir) = start(&[enc]);
        let (uri, text) = open(&mut client, &dir, "a.scholia");
        let at = position(&text, "[[stalin]]", "stalin", client.encoding);
        let prepared = client
            .request(
                "textDocument/prepareRename",
                json!({ "textDocument": { "uri": uri }, "position": at }),
            )
            .unwrap();
        assert_eq!(prepared["placeholder"], "stalin");
        let edit = client
            .request(
                "textDocument/rename",
                json!({ "textDocument": { "uri": uri }, "position": at, "newName": "joseph-stalin" }),
            )
            .unwrap();
        let touched = apply(&edit, client.encoding);
        assert_eq!(touched, ["a.scholia", "b.scholia", "people.toml"], "{enc}");
        // Mentions written with the id keep what the reader sees; those
        // written with a name or alias are untouched.
        expect_test::expect![[r#"
            [[joseph-stalin|stalin]] met [[zhou-enlai|Zhou Enlai]].[^1] Later [[joseph-stalin|STALIN]] spoke[^2].
            周恩来 and 👨‍👩‍👧 [[joseph-stalin|stalin]] and [[Joseph Stalin]] and [[joseph-stalin|the Boss]].
            [person.joseph-stalin]
        "#]]
        .assert_eq(&format!(
            "{}\n{}\n{}\n",
            dir.read("a.scholia").lines().nth(5).unwrap(),
            dir.read("b.scholia").lines().nth(5).unwrap(),
            dir.read("registry/people.toml").lines().next().unwrap()
        ));
        // The renamed workspace checks clean.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scholia"))
            .args(["check"])
            .current_dir(&dir.path)
            .output()
            .unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        assert!(out.contains("0 errors"), "{out}");
    }
}

fn codes(diags: &[support::lsp_client::Diag]) -> Vec<String> {
    diags.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn a_registry_change_on_disk_updates_open_documents() {
    let (mut client, dir) = start(&["utf-16"]);
    let path = dir.join("c.scholia");
    let uri = uri_of(&path);
    std::fs::write(
        &path,
        "+++\nsource = \"[@aprf-45-1-343]\"\n+++\n\n[[Mao Zedong]] and [[stalin]].\n",
    )
    .unwrap();
    open(&mut client, &dir, "c.scholia");
    let before = client.wait_diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(codes(&before), ["unknown-entity"]);
    // The registry grows on disk; the editor's watcher tells the server.
    let registry = dir.join("registry/people.toml");
    let mut text = std::fs::read_to_string(&registry).unwrap();
    text.push_str("\n[person.mao-zedong]\nname = \"Mao Zedong\"\n");
    std::fs::write(&registry, text).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&registry), "type": 2 }] }),
    );
    let after = client.wait_diagnostics(&uri, |d| d.is_empty());
    assert!(after.is_empty());
    // A new document on disk is indexed: references see it.
    let d = dir.join("d.scholia");
    std::fs::write(
        &d,
        "+++\nsource = \"[@aprf-45-1-343]\"\n+++\n\n[[mao-zedong]]\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&d), "type": 1 }] }),
    );
    let (uri_c, text_c) = (uri.clone(), std::fs::read_to_string(&path).unwrap());
    let at = position(&text_c, "[[Mao Zedong]]", "Mao", client.encoding);
    let refs = client
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": uri_c }, "position": at, "context": { "includeDeclaration": false } }),
        )
        .unwrap();
    expect_test::expect![[r#"
        c.scholia:4:0-4:14 [[Mao Zedong]]
        d.scholia:4:0-4:14 [[mao-zedong]]
    "#]]
    .assert_eq(&render(&dir, &refs, client.encoding));
}

#[test]
fn a_registry_file_open_in_the_editor_is_diagnosed_and_drives_documents() {
    let (mut client, dir) = start(&["utf-16"]);
    let (doc_uri, _) = open(&mut client, &dir, "c.scholia");
    let clean = client.wait_diagnostics(&doc_uri, |d| d.is_empty());
    assert!(clean.is_empty());
    let (reg_uri, reg_text) = open(&mut client, &dir, "registry/people.toml");
    // Rename the table in the editor (unsaved): the document's mention of
    // `zhou-enlai` no longer resolves, and a bad id is reported in the TOML.
    let at = find_within(
        &reg_text,
        "[person.zhou-enlai]",
        "zhou-enlai",
        client.encoding,
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": reg_uri, "version": 2 },
            "contentChanges": [{ "range": at.json(), "text": "Zhou_Enlai" }],
        }),
    );
    let reg = client.wait_diagnostics(&reg_uri, |d| !d.is_empty());
    assert_eq!(codes(&reg), ["registry"]);
    assert_eq!(reg[0].range, at_after(&at, "Zhou_Enlai"));
    let doc = client.wait_diagnostics(&doc_uri, |d| !d.is_empty());
    assert_eq!(codes(&doc), ["unknown-entity"]);
}

/// The range of `new` typed over `at` (same line).
fn at_after(at: &support::lsp_client::Range, new: &str) -> support::lsp_client::Range {
    let mut r = *at;
    r.end.character = r.start.character + new.encode_utf16().count() as u32;
    r
}

#[test]
fn workspace_folders_added_later_are_loaded_and_indexed() {
    let dir = TempDir::new("folders");
    for entry in walk(&fixture_dir()) {
        let rel = entry.strip_prefix(fixture_dir()).unwrap();
        let to = dir.path.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    let mut client = Client::spawn();
    let init = client
        .request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": { "window": { "workDoneProgress": true } } }),
        )
        .unwrap();
    assert_eq!(
        init["capabilities"]["workspace"]["workspaceFolders"]["changeNotifications"],
        true
    );
    client.notify("initialized", json!({}));
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [{ "uri": uri_of(&dir.path), "name": "editing" }], "removed": [] } }),
    );
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let (uri, text) = open(&mut client, &dir, "c.scholia");
    let refs = client
        .request(
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri },
                "position": position(&text, "[[zhou-enlai]]", "zhou", client.encoding),
                "context": { "includeDeclaration": false },
            }),
        )
        .unwrap();
    expect_test::expect![[r#"
        a.scholia:5:15-5:40 [[zhou-enlai|Zhou Enlai]]
        c.scholia:5:5-5:19 [[zhou-enlai]]
    "#]]
    .assert_eq(&render(&dir, &refs, client.encoding));
}

/// A client that cannot watch files (Neovim on Linux): the server notices a
/// registry saved outside the editor by itself.
#[test]
fn without_client_watchers_the_server_polls_registry_files() {
    let (mut client, dir) = start(&["utf-16"]);
    let path = dir.join("c.scholia");
    let uri = uri_of(&path);
    std::fs::write(
        &path,
        "+++\nsource = \"[@aprf-45-1-343]\"\n+++\n\n[[Mao Zedong]]\n",
    )
    .unwrap();
    open(&mut client, &dir, "c.scholia");
    let before = client.wait_diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(codes(&before), ["unknown-entity"]);
    // Make sure the new modification time differs from the one polled.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let registry = dir.join("registry/people.toml");
    let mut text = std::fs::read_to_string(&registry).unwrap();
    text.push_str("\n[person.mao-zedong]\nname = \"Mao Zedong\"\n");
    std::fs::write(&registry, text).unwrap();
    let after = client.wait_diagnostics(&uri, |d| d.is_empty());
    assert!(after.is_empty());
}

/// References and rename read an open document's mentions from the index,
/// which follows every edit: a mention typed in the editor (not saved) is
/// found and renamed, one deleted is not.
#[test]
fn references_and_rename_follow_unsaved_edits_of_an_open_document() {
    let (mut client, dir) = start(&["utf-16"]);
    let (uri, text) = open(&mut client, &dir, "a.scholia");
    // Drop the first line's `[[stalin]]`, add one on a new last line.
    let edited = text.replacen("[[stalin]] met", "He met", 1) + "Then [[stalin]] again.\n";
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": edited }] }),
    );
    let last = edited.lines().count() - 1;
    let refs = client
        .request(
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": last, "character": 8 },
                "context": { "includeDeclaration": false },
            }),
        )
        .unwrap();
    let in_a: Vec<(u64, u64, u64)> = refs
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["uri"] == uri)
        .map(|l| {
            let r = &l["range"];
            (
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    // `[[Stalin|STALIN]]` on line 5 moved left by 8 (`He met` for
    // `[[stalin]] met`); the new mention is on the last line.
    assert_eq!(in_a, [(5, 44, 61), (last as u64, 5, 15)]);
    let edit = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri }, "position": { "line": last, "character": 8 }, "newName": "joseph-stalin" }),
        )
        .unwrap();
    let mut in_a: Vec<String> = edit["changes"][uri.as_str()]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["range"];
            format!(
                "{}:{}-{} {}",
                r["start"]["line"], r["start"]["character"], r["end"]["character"], e["newText"]
            )
        })
        .collect();
    in_a.sort();
    let mut expected = [
        format!("{last}:7-13 \"joseph-stalin|stalin\""),
        "5:46-52 \"joseph-stalin\"".to_string(),
    ];
    expected.sort();
    assert_eq!(in_a, expected);
    drop(dir);
}

/// References and rename answers are written straight to JSON bytes
/// (transport::RawAnswers); they are the answers tower-lsp serializes
/// itself (`SCHOLIA_TYPED_ANSWERS=1`), asked from every offset of an open
/// document with unsaved edits, with and without the declaration, in each
/// position encoding.
#[test]
fn raw_references_and_rename_answers_equal_the_typed_ones() {
    for enc in ["utf-8", "utf-16", "utf-32"] {
        let (mut raw, raw_dir) = start_with(&[enc], &[]);
        let (mut typed, typed_dir) = start_with(&[enc], &[("SCHOLIA_TYPED_ANSWERS", "1")]);
        let mut texts = Vec::new();
        for (client, dir) in [(&mut raw, &raw_dir), (&mut typed, &typed_dir)] {
            let (uri, text) = open(client, dir, "a.scholia");
            let edited =
                text.replacen("[[stalin]] met", "He met", 1) + "Then [[stalin]] é 周 [[stalin]].\n";
            client.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": edited }] }),
            );
            open(client, dir, "b.scholia");
            texts.push((uri, edited));
        }
        let (text, raw_uri, typed_uri) = (&texts[0].1, &texts[0].0, &texts[1].0);
        let relative = |v: Value, dir: &TempDir| -> String {
            v.to_string().replace(&uri_of(&dir.path), "ROOT")
        };
        let mut nonempty = 0;
        for (line, content) in text.lines().enumerate() {
            let units = match enc {
                "utf-8" => content.len(),
                "utf-16" => content.encode_utf16().count(),
                _ => content.chars().count(),
            };
            for character in 0..=units {
                let pos = json!({ "line": line, "character": character });
                for (method, extra) in [
                    (
                        "textDocument/references",
                        json!({ "context": { "includeDeclaration": true } }),
                    ),
                    (
                        "textDocument/references",
                        json!({ "context": { "includeDeclaration": false } }),
                    ),
                    ("textDocument/rename", json!({ "newName": "joseph-stalin" })),
                ] {
                    let ask = |uri: &str| {
                        let mut p = json!({ "textDocument": { "uri": uri }, "position": pos });
                        p.as_object_mut()
                            .unwrap()
                            .extend(extra.as_object().unwrap().clone());
                        p
                    };
                    let a = raw.request(method, ask(raw_uri));
                    let b = typed.request(method, ask(typed_uri));
                    match (a, b) {
                        (Ok(a), Ok(b)) => {
                            nonempty += usize::from(!a.is_null());
                            assert_eq!(
                                relative(a, &raw_dir),
                                relative(b, &typed_dir),
                                "{method} at {pos} ({enc})"
                            );
                        }
                        (a, b) => assert_eq!(a.err(), b.err(), "{method} at {pos} ({enc})"),
                    }
                }
            }
        }
        assert!(nonempty > 50, "{nonempty} answers were not null");
    }
}

/// An answer of 26,000 locations (about 3 MB of JSON): written in pieces
/// while the client reads it (`transport::CHUNK`) and converted in two
/// halves (`features::references`). It must equal tower-lsp's own answer,
/// and the frames after it must still be read right.
#[test]
fn a_streamed_answer_equals_the_typed_one_and_the_next_frames_follow() {
    let mention = "[[stalin]] and [[Stalin|周]] ";
    let body = format!("+++\ntitle = \"Big\"\n+++\n\n{}\n", mention.repeat(500));
    let text = format!("{body}{}", format!("{}\n", mention.repeat(12)).repeat(520));
    let mut answers = Vec::new();
    for env in [&[][..], &[("SCHOLIA_TYPED_ANSWERS", "1")][..]] {
        let (mut client, dir) = start_with(&["utf-16"], env);
        for name in ["big1.scholia", "big2.scholia"] {
            client.notify(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": uri_of(&dir.join(name)), "languageId": "scholia",
                        "version": 1, "text": text } }),
            );
        }
        let uri = uri_of(&dir.join("big1.scholia"));
        let ask = json!({
            "textDocument": { "uri": uri },
            "position": { "line": 4, "character": 3 },
            "context": { "includeDeclaration": false },
        });
        let refs = client
            .request("textDocument/references", ask.clone())
            .unwrap();
        let n = refs.as_array().unwrap().len();
        assert!(n > 26_000, "{n} locations");
        // Twice, and a request of another kind after it: the frames stay
        // in step.
        assert_eq!(
            client.request("textDocument/references", ask).unwrap(),
            refs
        );
        let hover = client
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 3 } }),
            )
            .unwrap();
        assert!(hover["contents"].to_string().contains("Stalin"), "{hover}");
        // A length announced wrong would be padded or cut, and logged.
        assert!(
            !client.stderr().contains("internal error"),
            "{}",
            client.stderr()
        );
        answers.push(refs.to_string().replace(&uri_of(&dir.path), "ROOT"));
    }
    assert!(
        answers[0].len() > 2 * (1 << 20),
        "{} bytes",
        answers[0].len()
    );
    assert_eq!(answers[0], answers[1]);
}
