//! Start-up over the real stdio transport: a workspace loads off the
//! server's lock; a document opened meanwhile gets its local diagnostics at
//! once when the load is large, then its full diagnostics when the
//! workspace is in; requests wait for the workspace rather than answer from
//! an empty registry. Nothing here asserts on time: on the order and the
//! content of what the server sends.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::lsp_client::*;

const PUBLISH: &str = "textDocument/publishDiagnostics";

/// Codes computed against the registry, the bibliography or the index:
/// none of them may be published before the workspace is in.
const WORKSPACE_CODES: [&str; 6] = [
    "unknown-entity",
    "ambiguous-entity",
    "untagged-mention",
    "unknown-citation",
    "translation-mismatch",
    "inconsistent-variant",
];

fn d(code: &str, r: Range, severity: u64) -> (&str, Range, u64) {
    (code, r, severity)
}

/// Every `publishDiagnostics` received for `uri`, in order: (version,
/// diagnostics).
fn publishes(client: &mut Client, uri: &str) -> Vec<(Option<i64>, Vec<Diag>)> {
    client.drain();
    client
        .notifications
        .iter()
        .filter(|n| n["method"] == PUBLISH && n["params"]["uri"] == uri)
        .map(|n| (n["params"]["version"].as_i64(), diags_of(&n["params"])))
        .collect()
}

fn hover_params(path: &Path, at: Pos) -> Value {
    json!({ "textDocument": { "uri": uri_of(path) }, "position": at.json() })
}

/// The diagnostics of `problems.scholia` that need nothing but the document
/// (tests/lsp.rs has the full list).
fn local_problems() -> Vec<(&'static str, Range, u64)> {
    vec![
        d("footnote-order", range(4, 51, 4, 55), WARNING),
        d("footnote-order", range(4, 75, 4, 79), WARNING),
        d("unclosed-bracket", range(5, 21, 5, 22), ERROR),
        d("undefined-footnote", range(5, 28, 5, 32), ERROR),
        d("uncited-note", range(7, 0, 7, 4), HINT),
        d("duplicate-footnote", range(9, 0, 9, 4), ERROR),
        d("unused-footnote", range(10, 0, 10, 4), WARNING),
    ]
}

fn full_problems() -> Vec<(&'static str, Range, u64)> {
    vec![
        d("ambiguous-entity", range(4, 0, 4, 7), WARNING),
        d("unknown-entity", range(4, 12, 4, 28), ERROR),
        d("footnote-order", range(4, 51, 4, 55), WARNING),
        d("unknown-citation", range(4, 62, 4, 73), ERROR),
        d("footnote-order", range(4, 75, 4, 79), WARNING),
        d("untagged-mention", range(5, 5, 5, 15), HINT),
        d("unclosed-bracket", range(5, 21, 5, 22), ERROR),
        d("undefined-footnote", range(5, 28, 5, 32), ERROR),
        d("uncited-note", range(7, 0, 7, 4), HINT),
        d("duplicate-footnote", range(9, 0, 9, 4), ERROR),
        d("unused-footnote", range(10, 0, 10, 4), WARNING),
    ]
}

/// The load is held (test hook) so that the order is certain: the didOpen
/// is answered with the local diagnostics while the workspace cannot be in;
/// a hover sent meanwhile is not answered until it is, and then correctly;
/// an edit during the load gets local diagnostics of its version; the full
/// diagnostics of the newest version replace them when the load ends.
#[test]
fn a_document_opened_during_a_held_load_gets_local_then_full_diagnostics() {
    let ws = fixture("ws");
    let path = ws.join("problems.scholia");
    let mut client = Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")]);
    client.initialize_only(Some(&ws), None);
    client
        .request("scholia/test/holdLoads", json!({ "hold": true }))
        .expect("the hook answers");
    client.notify("initialized", json!({}));
    let (uri, text) = client.open_file(&path);

    // Local diagnostics of version 1, with the workspace's severities.
    let local = client.diagnostics_for(&uri, Some(1));
    assert_eq!(keys(&local), local_problems());

    // A hover on the ambiguous [[Kim]] and a definition of [[stalin|Stalin]]
    // wait for the registry.
    let hover = client.send_request("textDocument/hover", hover_params(&path, pos(4, 3)));
    let definition =
        client.send_request("textDocument/definition", hover_params(&path, pos(4, 37)));

    // An edit while the workspace loads: a second undefined footnote.
    let end = position_at(&text, text.len(), client.encoding);
    client.change(&path, 2, &[Change::insert(end, "More [^x].\n")]);
    let local2 = client.diagnostics_for(&uri, Some(2));
    let mut expected = local_problems();
    expected.push(d("undefined-footnote", range(11, 5, 11, 9), ERROR));
    assert_eq!(keys(&local2), expected);
    assert!(
        !client.has_response(hover) && !client.has_response(definition),
        "answered while the workspace could not be loaded"
    );

    client
        .request("scholia/test/holdLoads", json!({ "hold": false }))
        .expect("the hook answers");
    let full = client.wait_diagnostics(&uri, |d| d.iter().any(|d| d.code == "unknown-entity"));
    let mut expected = full_problems();
    expected.push(d("undefined-footnote", range(11, 5, 11, 9), ERROR));
    assert_eq!(keys(&full), expected);

    let card = hover_text(&client.response(hover).expect("hover answers"));
    assert!(
        card.contains("kim-il-sung") && card.contains("kim-tu-bong"),
        "{card}"
    );
    let target = client.response(definition).expect("definition answers");
    assert!(
        target.to_string().contains("people.toml"),
        "definition of [[stalin|Stalin]]: {target}"
    );

    // In order: the local lists of versions 1 and 2, then only full ones,
    // of version 2.
    let list = publishes(&mut client, &uri);
    let first_full = list
        .iter()
        .position(|(_, d)| d.iter().any(|d| d.code == "unknown-entity"))
        .expect("a full publish");
    for (version, diags) in &list[..first_full] {
        assert!(
            diags
                .iter()
                .all(|d| !WORKSPACE_CODES.contains(&d.code.as_str())),
            "version {version:?} published {diags:#?} before the workspace was in"
        );
    }
    assert_eq!(list[0].0, Some(1));
    assert!(
        list[first_full..].iter().all(|(v, _)| *v == Some(2)),
        "{list:#?}"
    );
}

/// A small workspace's documents get no partial list: the first publish of
/// a document opened right after `initialized` is the full one.
#[test]
fn a_small_workspace_publishes_no_partial_diagnostics() {
    let ws = fixture("ws");
    let mut client = Client::start(Some(&ws), None);
    let (uri, _) = client.open_file(&ws.join("problems.scholia"));
    client.diagnostics_for(&uri, Some(1));
    let list = publishes(&mut client, &uri);
    assert_eq!(keys(&list[0].1), full_problems(), "{list:#?}");
}

/// A workspace with a registry of 4,000 entities (about 500 KB of TOML, a
/// large load): without any hook, a document opened right after
/// `initialized` never gets a diagnostic computed against an empty registry
/// or bibliography, hover answers from the registry, and the last publish
/// is the full list.
#[test]
fn a_large_registry_never_yields_diagnostics_from_an_empty_registry() {
    let dir = TempDir::new("large-registry");
    let mut registry = String::new();
    for i in 0..4000 {
        registry.push_str(&format!(
            "[person.p{i}]\nname = \"Person Number {i}\"\naliases = [\"P. N. {i}\", \"Number{i}\"]\nborn = 1900\ndescription = \"Someone generated for the loading test, entry {i}, with a description long enough to make the file large.\"\n\n"
        ));
    }
    registry.push_str("[person.zhou-enlai]\nname = \"Zhou Enlai\"\n");
    assert!(registry.len() > 256 << 10);
    write(&dir.join("registry/people.toml"), &registry);
    write(
        &dir.join("sources.json"),
        r#"[{"id": "known-source", "type": "book", "title": "A Book"}]"#,
    );
    write(
        &dir.join("scholia.toml"),
        "registry = [\"registry/*.toml\"]\nbibliography = [\"sources.json\"]\n",
    );
    let text = "# Minutes\n\n[[zhou-enlai|Zhou]] met [[Nobody Known]] and Person Number 7.[^1] [@known-source] [@missing-source]\n";
    let path = dir.join("minutes.scholia");
    write(&path, text);

    let mut client = Client::start(Some(&dir.path), None);
    let uri = client.open(&path, text);
    // Sent at once, answered once the registry is in.
    let card = hover_text(&client.hover(&path, pos(2, 4)));
    assert!(card.contains("Zhou Enlai"), "{card}");

    let full = client.wait_diagnostics(&uri, |d| d.iter().any(|d| d.code == "unknown-entity"));
    assert_eq!(
        keys(&full),
        vec![
            d("unknown-entity", range(2, 24, 2, 40), ERROR),
            d("untagged-mention", range(2, 45, 2, 60), HINT),
            d("undefined-footnote", range(2, 61, 2, 65), ERROR),
            d("unknown-citation", range(2, 84, 2, 98), ERROR),
        ]
    );
    let list = publishes(&mut client, &uri);
    let first_full = list
        .iter()
        .position(|(_, d)| d.iter().any(|d| d.code == "unknown-entity"))
        .expect("a full publish");
    for (version, diags) in &list[..first_full] {
        assert_eq!(*version, Some(1));
        assert_eq!(
            keys(diags),
            vec![d("undefined-footnote", range(2, 61, 2, 65), ERROR)],
            "published before the workspace was in"
        );
    }
    assert!(list.iter().all(|(v, _)| *v == Some(1)), "{list:#?}");
}

fn write(path: &PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
    std::fs::write(path, text).expect("write a file");
}

/// `scholia.toml` changes while the first load is held: a second load
/// begins and supersedes it; only the newest is installed, with the new
/// `[lint]` levels, and the document ends with its full diagnostics.
#[test]
fn a_load_superseded_by_a_config_change_installs_only_the_newest() {
    let dir = TempDir::copy_of("ws");
    let path = dir.join("problems.scholia");
    let mut client = Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")]);
    client.initialize_only(Some(&dir.path), None);
    client
        .request("scholia/test/holdLoads", json!({ "hold": true }))
        .expect("the hook answers");
    client.notify("initialized", json!({}));
    let (uri, _) = client.open_file(&path);
    assert_eq!(
        keys(&client.diagnostics_for(&uri, Some(1))),
        local_problems()
    );

    let config = dir.join("scholia.toml");
    let text = std::fs::read_to_string(&config).expect("read scholia.toml");
    write(&config, &format!("{text}untagged-mention = \"off\"\n"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&config), "type": 2 }] }),
    );
    client
        .request("scholia/test/holdLoads", json!({ "hold": false }))
        .expect("the hook answers");

    // (Were the release handled before the change, the first load would be
    // installed and then reloaded: the end is the same.)
    let full = client.wait_diagnostics(&uri, |d| {
        d.iter().any(|d| d.code == "unknown-entity")
            && d.iter().all(|d| d.code != "untagged-mention")
    });
    let expected: Vec<_> = full_problems()
        .into_iter()
        .filter(|(code, _, _)| *code != "untagged-mention")
        .collect();
    assert_eq!(keys(&full), expected);
    // Hover answers from the installed workspace.
    let card = hover_text(&client.hover(&path, pos(4, 3)));
    assert!(card.contains("kim-il-sung"), "{card}");
    assert!(!client.panicked(), "{}", client.stderr());
}

/// A large load is visible in a client that takes `$/progress`: a progress
/// begins once the load is found large (here: held by the test hook) and
/// ends when the workspace is in; the full diagnostics follow.
#[test]
fn a_large_load_reports_progress_until_the_workspace_is_in() {
    let ws = fixture("ws");
    let path = ws.join("problems.scholia");
    let mut client = Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")]);
    client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(&ws),
                "workspaceFolders": [{ "uri": uri_of(&ws), "name": "ws" }],
                "capabilities": { "window": { "workDoneProgress": true } },
            }),
        )
        .expect("initialize answers");
    client
        .request("scholia/test/holdLoads", json!({ "hold": true }))
        .expect("the hook answers");
    client.notify("initialized", json!({}));
    let (uri, _) = client.open_file(&path);

    let begin = client.wait_notification("$/progress", |p| {
        p["value"]["kind"] == "begin" && p["value"]["title"] == "Loading the scholia workspace"
    });
    let token = begin["token"].clone();
    assert!(
        token
            .as_str()
            .is_some_and(|t| t.starts_with("scholia/load/")),
        "{begin}"
    );
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r["method"] == "window/workDoneProgress/create"
                && r["params"]["token"] == token),
        "the token was created with the client first"
    );
    let ended = |client: &mut Client| {
        client.drain();
        client.notifications.iter().any(|n| {
            n["method"] == "$/progress"
                && n["params"]["token"] == token
                && n["params"]["value"]["kind"] == "end"
        })
    };
    assert!(
        !ended(&mut client),
        "the progress ended while the load was held"
    );
    assert_eq!(
        keys(&client.diagnostics_for(&uri, Some(1))),
        local_problems()
    );

    client
        .request("scholia/test/holdLoads", json!({ "hold": false }))
        .expect("the hook answers");
    let end = client.wait_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "end"
    });
    assert_eq!(end["value"]["message"], "workspace loaded", "{end}");
    let full = client.wait_diagnostics(&uri, |d| d.iter().any(|d| d.code == "unknown-entity"));
    assert_eq!(keys(&full), full_problems());
}

/// `workspace/executeCommand` (the translation report) waits for the
/// workspace like the requests on a position: while the load is held it is
/// not answered; once the workspace is in, it answers with the report.
#[test]
fn the_translation_report_waits_for_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translators");
    let en = root.join("en/conversation.scholia");
    let mut client = Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")]);
    client.initialize_only(Some(&root), None);
    client
        .request("scholia/test/holdLoads", json!({ "hold": true }))
        .expect("the hook answers");
    client.notify("initialized", json!({}));
    let (uri, _) = client.open_file(&en);
    let report = client.send_request(
        "workspace/executeCommand",
        json!({ "command": "scholia.translationReport", "arguments": [uri] }),
    );
    // A request sent after it and answered at once: by then the command
    // would have been answered too, had it not waited.
    client
        .request("scholia/test/holdLoads", json!({ "hold": true }))
        .expect("the hook answers");
    assert!(
        !client.has_response(report),
        "the report was answered while the workspace could not be loaded"
    );
    client
        .request("scholia/test/holdLoads", json!({ "hold": false }))
        .expect("the hook answers");
    let result = client.response(report).expect("the report answers");
    assert_eq!(result["differences"], 4, "{result}");
    assert_eq!(result["translation"], "en/conversation.scholia");
}

/// A workspace of `registry.toml` (`registry`), a closed document and an
/// open one; `method` is sent at `at` in the open document after its
/// diagnostics came from the loaded workspace while the indexing of its
/// documents is held by a test hook, so the request is sent,
/// deterministically, before the closed document is indexed. Asserts that
/// the request is not answered while indexing is held, then returns the
/// answer that comes once it is released, with the closed and the open
/// document's URIs.
fn request_during_held_indexing(
    registry: &str,
    closed_text: &str,
    open_text: &str,
    method: &str,
    params: impl FnOnce(&str) -> Value,
) -> (Value, String, String, TempDir) {
    let dir = TempDir::new("held-indexing");
    std::fs::write(dir.join("scholia.toml"), "registry = [\"registry.toml\"]\n").unwrap();
    std::fs::write(dir.join("registry.toml"), registry).unwrap();
    let closed = dir.join("closed.scholia");
    std::fs::write(&closed, closed_text).unwrap();
    let open = dir.join("open.scholia");
    std::fs::write(&open, open_text).unwrap();
    let mut client = Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")]);
    client.initialize_only(Some(&dir.path), None);
    client
        .request("scholia/test/holdIndexing", json!({ "hold": true }))
        .expect("the hook answers");
    client.notify("initialized", json!({}));
    let (uri, _) = client.open_file(&open);
    // The workspace is loaded (the full diagnostics come from it) while
    // its documents are not indexed yet.
    client.diagnostics_for(&uri, Some(1));
    let id = client.send_request(method, params(&uri));
    // A request sent after it and answered at once: by then the first
    // would have been answered too, had it not waited.
    client
        .request("scholia/test/holdIndexing", json!({ "hold": true }))
        .expect("the hook answers");
    assert!(
        !client.has_response(id),
        "{method} was answered before the index was complete"
    );
    client
        .request("scholia/test/holdIndexing", json!({ "hold": false }))
        .expect("the hook answers");
    let answer = client.response(id).expect("the request answers");
    (answer, uri_of(&closed), uri, dir)
}

/// A rename sent while the documents are still being indexed waits for the
/// index: it must reach the closed file that mentions the entry, not only
/// the files indexed so far.
#[test]
fn a_rename_during_indexing_waits_for_every_file() {
    let (edit, closed, open, dir) = request_during_held_indexing(
        "[person.zhou-enlai]\nname = \"Zhou Enlai\"\n",
        "Met [[zhou-enlai|Zhou]] again.\n",
        "First [[zhou-enlai]].\n",
        "textDocument/rename",
        |uri| json!({ "textDocument": { "uri": uri }, "position": pos(0, 9).json(), "newName": "zhou" }),
    );
    let changes = edit["changes"].as_object().expect("changes");
    let mut files: Vec<&str> = changes.keys().map(String::as_str).collect();
    files.sort();
    let mut expected = vec![closed.clone(), open, uri_of(&dir.join("registry.toml"))];
    expected.sort();
    assert_eq!(files, expected, "{edit}");
    assert_eq!(changes[&closed][0]["newText"], "zhou", "{edit}");
}

/// References wait for the index the same way: the list a user reads as
/// "every mention" includes the closed file indexed last.
#[test]
fn references_during_indexing_wait_for_every_file() {
    let (list, closed, open, _dir) = request_during_held_indexing(
        "[place.hanoi]\nname = \"Hanoi\"\n",
        "To [[hanoi]].\n",
        "From [[hanoi]].\n",
        "textDocument/references",
        |uri| {
            json!({ "textDocument": { "uri": uri }, "position": pos(0, 8).json(),
                    "context": { "includeDeclaration": false } })
        },
    );
    let mut files: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    files.sort();
    let mut expected = vec![closed, open];
    expected.sort();
    assert_eq!(files, expected, "{list}");
}
