//! "Tag every untagged `Name` in the workspace" (issue 16) through the real
//! server over stdio: listed cheaply (no edit, `data` to resolve), resolved
//! into one workspace edit over the open document (its unsaved text, its
//! version) and the closed ones (their text on disk, version `null`), with
//! the same names `scholia tag` would tag; refused while the workspace's
//! documents are being indexed.

mod support;

use std::collections::BTreeMap;

use expect_test::expect;
use serde_json::{Value, json};
use support::lsp_client::*;

const CONFIG: &str =
    "registry = [\"registry.toml\"]\nnot-mentions = [\"International Stalin Peace Prize\"]\n";

const REGISTRY: &str = "[person.stalin]\nname = \"Joseph Stalin\"\naliases = [\"Stalin\"]\n\n\
[person.mao]\nname = \"Mao Zedong\"\naliases = [\"Mao\"]\n";

/// The open document as saved on disk (the editor's text differs).
const OPEN_ON_DISK: &str = "+++\ntitle = \"Open\"\n+++\n\nNothing yet.\n";

/// The editor's unsaved text of the open document.
const OPEN_UNSAVED: &str = "+++\ntitle = \"Open\"\n+++\n\n\
Stalin wrote to Mao; [[Joseph Stalin]] signed.\r\n\
A Stalinist view, and Stalin\u{2019}s reply.\n";

/// A closed document: untagged in text and in a note, already tagged, in a
/// not-a-mention phrase, in the front matter and in the archive page.
const CLOSED: &str = "+++\ntitle = \"Stalin and the Prize\"\n+++\n\n\
In 1953 Stalin died.[^1] The International Stalin Peace Prize kept his name;\n\
[[stalin|Stalin]] was tagged already.\n\n\
[^1]: Stalin, as the note says.\n\n\
## Archive page\n\n\
Associated People: Stalin\n";

/// A closed document that never names him.
const OTHER: &str = "+++\ntitle = \"Other\"\n+++\n\nMao alone.\n";

const TITLE: &str = "Tag every untagged `Stalin` in the workspace";

fn workspace() -> TempDir {
    let dir = TempDir::new("tag-workspace");
    for (name, text) in [
        ("scholia.toml", CONFIG),
        ("registry.toml", REGISTRY),
        ("open.scholia", OPEN_ON_DISK),
        ("closed.scholia", CLOSED),
        ("other.scholia", OTHER),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

/// Spawns the server (with the test hooks) and initializes it for `dir`
/// with a client that takes code action literals, disabled actions,
/// versioned document changes, progress and (when `resolve`) resolves
/// edits. When `hold_indexing`, the indexing of the workspace's documents
/// is held before `initialized`; else the index is complete on return.
fn start(dir: &TempDir, resolve: bool, hold_indexing: bool) -> Client {
    let mut client = Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")]);
    let mut code_action = json!({
        "codeActionLiteralSupport": { "codeActionKind": { "valueSet": [
            "quickfix", "refactor", "refactor.rewrite", "source",
        ] } },
        "isPreferredSupport": true,
        "disabledSupport": true,
        "dataSupport": true,
    });
    if resolve {
        code_action["resolveSupport"] = json!({ "properties": ["edit"] });
    }
    let result = client
        .request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri_of(&dir.path),
                "workspaceFolders": [{ "uri": uri_of(&dir.path), "name": "ws" }],
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "window": { "workDoneProgress": true },
                    "textDocument": {
                        "publishDiagnostics": { "versionSupport": true },
                        "codeAction": code_action,
                    },
                    "workspace": { "workspaceEdit": { "documentChanges": true } },
                },
            }),
        )
        .unwrap_or_else(|e| panic!("initialize failed: {e}"));
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["resolveProvider"],
        true
    );
    if hold_indexing {
        client
            .request("scholia/test/holdIndexing", json!({ "hold": true }))
            .expect("the hook answers");
    }
    client.notify("initialized", json!({}));
    if !hold_indexing {
        // The index is complete when its progress ends.
        client.wait_notification("$/progress", |p| {
            p["value"]["kind"] == "end"
                && p["token"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("scholia/index/"))
        });
    }
    client
}

/// Opens `open.scholia` (disk text), then edits it to the unsaved text
/// (version 2); returns its URI once the diagnostics of version 2 came.
fn open_with_unsaved_edits(client: &mut Client, dir: &TempDir) -> String {
    let uri = client.open(&dir.join("open.scholia"), OPEN_ON_DISK);
    client.change_uri(&uri, 2, &[Change::full(OPEN_UNSAVED)]);
    client.diagnostics_for(&uri, Some(2));
    uri
}

/// The actions offered at the first `Stalin` of the open document, with its
/// `untagged-mention` diagnostic in the context.
fn actions_at_stalin(client: &mut Client, uri: &str) -> Vec<Value> {
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 2
    });
    let at = find(OPEN_UNSAVED, "Stalin", Encoding::Utf16);
    let diagnostics: Vec<Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "untagged-mention" && Range::from_json(&d["range"]) == at)
        .cloned()
        .collect();
    assert_eq!(diagnostics.len(), 1, "{published}");
    let result = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": at.json(),
                "context": { "diagnostics": diagnostics, "triggerKind": 1 },
            }),
        )
        .expect("codeAction answers");
    result.as_array().cloned().unwrap_or_default()
}

/// The files after applying `edit` (the open document's edits to its
/// unsaved text, the others' to their text on disk), by file name; asserts
/// the versions (the open document's, `null` for closed ones) and that each
/// edit only wraps the exact text it replaces in a mention of `stalin`.
fn apply(edit: &Value, dir: &TempDir, open_uri: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let changes = edit["documentChanges"]
        .as_array()
        .unwrap_or_else(|| panic!("documentChanges: {edit}"));
    for change in changes {
        let uri = change["textDocument"]["uri"].as_str().unwrap();
        let version = &change["textDocument"]["version"];
        let original = if uri == open_uri {
            assert_eq!(version, &json!(2), "{edit}");
            OPEN_UNSAVED.to_string()
        } else {
            assert!(version.is_null(), "{edit}");
            std::fs::read_to_string(path_of(uri)).unwrap()
        };
        let mut edits: Vec<(std::ops::Range<usize>, String)> = change["edits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let r = Range::from_json(&e["range"]);
                let range = offset_at(&original, r.start, Encoding::Utf16)
                    ..offset_at(&original, r.end, Encoding::Utf16);
                (range, e["newText"].as_str().unwrap().to_string())
            })
            .collect();
        edits.sort_by_key(|(r, _)| r.start);
        let mut text = String::new();
        let mut pos = 0;
        for (range, new) in edits {
            assert!(range.start >= pos, "overlapping edits in {uri}");
            // Lossless: the mention shows exactly the text it replaces.
            assert_eq!(new, format!("[[stalin|{}]]", &original[range.clone()]));
            text.push_str(&original[pos..range.start]);
            text.push_str(&new);
            pos = range.end;
        }
        text.push_str(&original[pos..]);
        let name = path_of(uri)
            .strip_prefix(&dir.path)
            .unwrap()
            .display()
            .to_string();
        assert!(out.insert(name, text).is_none(), "{uri} twice");
    }
    out
}

fn render(files: &BTreeMap<String, String>) -> String {
    files
        .iter()
        .map(|(name, text)| format!("--- {name}\n{}", text.replace('\r', "␍")))
        .collect()
}

/// The action is listed without its edit; resolving it tags every
/// untagged `Stalin` in the open document's unsaved text and in the closed
/// document on disk, and nothing else: not the tagged mention, the
/// not-a-mention phrase, `Stalinist`, the front matter or the archive page,
/// and no file that does not name him.
#[test]
fn tags_the_name_in_open_and_closed_documents() {
    let dir = workspace();
    let mut client = start(&dir, true, false);
    let uri = open_with_unsaved_edits(&mut client, &dir);
    let actions = actions_at_stalin(&mut client, &uri);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    expect![[r#"
        [
            "Tag `Stalin` as [[stalin|Stalin]]",
            "Tag every untagged occurrence of `Stalin` in this document",
            "Tag every untagged `Stalin` in the workspace",
            "Use the preferred name `Joseph Stalin`",
        ]
    "#]]
    .assert_debug_eq(&titles);
    let action = actions.iter().find(|a| a["title"] == TITLE).unwrap();
    assert!(
        action["edit"].is_null(),
        "listed without its edit: {action}"
    );
    assert_eq!(action["diagnostics"][0]["code"], "untagged-mention");

    let resolved = client
        .request("codeAction/resolve", action.clone())
        .unwrap_or_else(|e| panic!("resolve failed: {e}"));
    assert_eq!(resolved["title"], TITLE);
    let files = apply(&resolved["edit"], &dir, &uri);
    expect![[r#"
        --- closed.scholia
        +++
        title = "Stalin and the Prize"
        +++

        In 1953 [[stalin|Stalin]] died.[^1] The International Stalin Peace Prize kept his name;
        [[stalin|Stalin]] was tagged already.

        [^1]: [[stalin|Stalin]], as the note says.

        ## Archive page

        Associated People: Stalin
        --- open.scholia
        +++
        title = "Open"
        +++

        [[stalin|Stalin]] wrote to Mao; [[Joseph Stalin]] signed.␍
        A Stalinist view, and [[stalin|Stalin]]’s reply.
    "#]]
    .assert_eq(&render(&files));

    // `scholia tag` makes the same edit to the same files on disk.
    std::fs::write(dir.join("open.scholia"), OPEN_UNSAVED).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["tag", "--name", "Stalin"])
        .current_dir(&dir.path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for (name, text) in &files {
        assert_eq!(&dir.read(name), text, "{name}");
    }
    assert_eq!(dir.read("other.scholia"), OTHER);
}

/// A client that cannot resolve an action's edit gets it with the list,
/// the same edit.
#[test]
fn without_resolve_support_the_edit_comes_with_the_list() {
    let dir = workspace();
    let mut client = start(&dir, false, false);
    let uri = open_with_unsaved_edits(&mut client, &dir);
    let actions = actions_at_stalin(&mut client, &uri);
    let action = actions.iter().find(|a| a["title"] == TITLE).unwrap();
    let files = apply(&action["edit"], &dir, &uri);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["closed.scholia", "open.scholia"]
    );
    assert!(files["closed.scholia"].contains("In 1953 [[stalin|Stalin]] died."));
}

/// While the workspace's documents are being indexed (held by the test
/// hook), the action is listed disabled, with the reason; a resolve sent
/// meanwhile waits for the index, as a rename does, and then reaches the
/// closed document indexed last.
#[test]
fn refused_while_the_workspace_is_indexed() {
    let dir = workspace();
    let mut client = start(&dir, true, true);
    let uri = open_with_unsaved_edits(&mut client, &dir);
    let actions = actions_at_stalin(&mut client, &uri);
    let action = actions.iter().find(|a| a["title"] == TITLE).unwrap();
    expect![[r#"
        "the workspace is still being indexed: try again in a moment (a document not indexed yet would be missed)"
    "#]]
    .assert_debug_eq(&action["disabled"]["reason"].as_str().unwrap());
    assert!(
        action["edit"].is_null() && action["data"].is_null(),
        "{action}"
    );

    // An action listed before (the same data) resolved now.
    let listed = json!({
        "title": TITLE,
        "kind": "quickfix",
        "data": { "tagWorkspace": { "uri": uri, "name": "Stalin", "id": "stalin" } },
    });
    let id = client.send_request("codeAction/resolve", listed);
    client
        .request("scholia/test/holdIndexing", json!({ "hold": true }))
        .expect("the hook answers");
    assert!(
        !client.has_response(id),
        "resolved before the index was complete"
    );
    client
        .request("scholia/test/holdIndexing", json!({ "hold": false }))
        .expect("the hook answers");
    let resolved = client.response(id).expect("resolve answers");
    let files = apply(&resolved["edit"], &dir, &uri);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["closed.scholia", "open.scholia"]
    );
}
