//! What clients other than VS Code and Neovim showed (issue 19, found with
//! Emacs' eglot): a client that offers only plain text gets plain-text
//! cards, and the files editors keep beside a document (Emacs' lock
//! `.#name` and backups `name~`, `#name#`, Vim's `.name.swp`) are never read:
//! not by the workspace scan, not on a watched-file event, not by
//! `scholia check`. Through the real server over stdio and the CLI as a
//! process.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use support::lsp_client::*;

const PEOPLE: &str = r#"[person.zhou-enlai]
name = "Zhou Enlai"
aliases = ["Chou En-lai"]
born = 1898
died = 1976
description = "Premier of the *PRC*; see `wengao`."
"#;

const DOC: &str = "+++\ntitle = \"The document\"\n+++\n\n# Talks\n\n[[zhou-enlai]] met [[Chou En-lai]].[^1]\n\n[^1]: A note.\n";

/// A workspace with one document, one registry file and `registry/*` as
/// the registry pattern (so that a registry backup would match it).
fn workspace(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    std::fs::create_dir_all(dir.join("registry")).unwrap();
    std::fs::write(dir.join("scholia.toml"), "registry = [\"registry/*\"]\n").unwrap();
    std::fs::write(dir.join("registry/people.toml"), PEOPLE).unwrap();
    std::fs::write(dir.join("doc.scholia"), DOC).unwrap();
    dir
}

/// A stale copy of the document under another title: read as a document,
/// it would be listed among the workspace symbols.
fn stale_copy() -> String {
    DOC.replace("The document", "STALE COPY")
}

/// Writes every kind of editor leftover into `dir` (the document's and the
/// registry's), as Emacs, Vim and the others leave them. Emacs' lock is a
/// dangling symbolic link; a second lock is a plain file, as Emacs writes
/// it where links cannot be made.
fn write_leftovers(dir: &TempDir) -> Vec<std::path::PathBuf> {
    let stale = stale_copy();
    let mut out = Vec::new();
    for (rel, text) in [
        ("#doc.scholia#", stale.as_str()),
        ("doc.scholia~", stale.as_str()),
        ("doc.scholia.~1~", stale.as_str()),
        (".doc.scholia.swp", "b0VIM 9.0\0\0binary swap"),
        (".#other.scholia", stale.as_str()),
        ("registry/people.toml~", PEOPLE),
        ("registry/#people.toml#", PEOPLE),
        ("registry/.people.toml.swp", "b0VIM 9.0"),
    ] {
        std::fs::write(dir.join(rel), text).unwrap();
        out.push(dir.join(rel));
    }
    #[cfg(unix)]
    for rel in [".#doc.scholia", "registry/.#people.toml"] {
        std::os::unix::fs::symlink("user@host.1234:1700000000", dir.join(rel)).unwrap();
        out.push(dir.join(rel));
    }
    out
}

/// Starts the server on `root` as a client with these capabilities.
fn start_with(root: &Path, capabilities: Value) -> Client {
    let mut client = Client::spawn();
    let params = json!({
        "processId": std::process::id(),
        "clientInfo": { "name": "scholia-tests (another client)" },
        "rootUri": uri_of(root),
        "workspaceFolders": [{ "uri": uri_of(root), "name": "ws" }],
        "capabilities": capabilities,
    });
    client
        .request("initialize", params)
        .unwrap_or_else(|e| panic!("initialize failed: {e}"));
    client.notify("initialized", json!({}));
    client
}

/// The titles of the documents among the workspace symbols.
fn document_titles(client: &mut Client) -> Vec<String> {
    let all = client
        .request("workspace/symbol", json!({ "query": "" }))
        .unwrap_or_else(|e| panic!("workspace/symbol failed: {e}"));
    let mut titles: Vec<String> = all
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["kind"] == 1)
        .map(|s| s["name"].as_str().unwrap_or("?").to_string())
        .collect();
    titles.sort();
    titles
}

/// A client like eglot without markdown-mode: `plaintext` only.
fn plain_text_client(root: &Path) -> Client {
    start_with(
        root,
        json!({
            "textDocument": {
                "hover": { "contentFormat": ["plaintext"] },
                "completion": { "completionItem": { "snippetSupport": false } },
            },
        }),
    )
}

#[test]
fn a_plain_text_client_gets_plain_text_hovers() {
    let dir = workspace("plain-hover");
    let mut client = plain_text_client(&dir.path);
    let path = dir.join("doc.scholia");
    client.open(&path, DOC);
    let at = pos_in(DOC, "[[Chou En-lai]]", 3, Encoding::Utf16);
    // The count of mentioning documents is final once the index is in.
    let mut hover = Value::Null;
    for _ in 0..400 {
        hover = client.hover(&path, at);
        if hover_text(&hover).ends_with("1 document") {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert_eq!(hover["contents"]["kind"], "plaintext", "{hover:#}");
    // The same card as the Markdown one, without its syntax; the
    // description keeps its own `*` and backticks as written.
    assert_eq!(
        hover_text(&hover),
        "Zhou Enlai · person · 1898–1976\n\n\
         Premier of the *PRC*; see `wengao`.\n\n\
         Also: Chou En-lai\n\n\
         zhou-enlai · mentioned in 1 document"
    );
    let note = client.hover(&path, pos_in(DOC, "].[^1]", 3, Encoding::Utf16));
    assert_eq!(note["contents"]["kind"], "plaintext");
    assert_eq!(hover_text(&note), "[^1] A note.");
}

#[test]
fn a_plain_text_client_gets_plain_text_completion_documentation() {
    let dir = workspace("plain-completion");
    let mut client = plain_text_client(&dir.path);
    let path = dir.join("new.scholia");
    let text = "Met [[Chou";
    client.open(&path, text);
    let answer = client
        .request(
            "textDocument/completion",
            json!({
                "textDocument": { "uri": uri_of(&path) },
                "position": pos_in(text, "Chou", 4, Encoding::Utf16).json(),
            }),
        )
        .unwrap_or_else(|e| panic!("completion failed: {e}"));
    let item = answer["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["textEdit"]["newText"] == "zhou-enlai]]")
        .unwrap_or_else(|| panic!("no item for zhou-enlai: {answer:#}"))
        .clone();
    // A client that filters on the label finds it by the alias typed.
    assert_eq!(item["label"], "Chou En-lai");
    assert_eq!(item["detail"], "Zhou Enlai · person, 1898–1976");
    let resolved = client
        .request("completionItem/resolve", item)
        .unwrap_or_else(|e| panic!("resolve failed: {e}"));
    let doc = &resolved["documentation"];
    assert_eq!(doc["kind"], "plaintext", "{resolved:#}");
    let value = doc["value"].as_str().unwrap_or_default();
    assert!(
        value.starts_with("Zhou Enlai · person · 1898–1976\n\n"),
        "{value}"
    );
    assert!(!value.contains("**") && !value.contains("`zhou"), "{value}");
}

#[test]
fn a_client_offering_markdown_first_or_last_gets_markdown() {
    for formats in [
        json!(["markdown", "plaintext"]),
        json!(["plaintext", "markdown"]),
    ] {
        let dir = workspace("markdown-hover");
        let mut client = start_with(
            &dir.path,
            json!({ "textDocument": { "hover": { "contentFormat": formats } } }),
        );
        let path = dir.join("doc.scholia");
        client.open(&path, DOC);
        let hover = client.hover(&path, pos_in(DOC, "[[zhou-enlai]]", 3, Encoding::Utf16));
        assert_eq!(hover["contents"]["kind"], "markdown", "{formats}");
        assert!(
            hover_text(&hover).starts_with("**Zhou Enlai** · person"),
            "{hover:#}"
        );
    }
}

#[test]
fn the_workspace_scan_skips_editor_leftovers_silently() {
    let dir = workspace("leftovers-scan");
    write_leftovers(&dir);
    let mut client = start_with(&dir.path, json!({}));
    let path = dir.join("doc.scholia");
    client.open(&path, DOC);
    let titles = eventually("the document indexed", || {
        let t = document_titles(&mut client);
        (!t.is_empty()).then_some(t)
    });
    client.settle(Duration::from_millis(300));
    assert_eq!(titles, ["The document"]);
    assert_eq!(document_titles(&mut client), ["The document"]);
    // The registry backups were not loaded: no entry is defined twice.
    let people = uri_of(&dir.join("registry/people.toml"));
    let diags = client.diagnostics_for(&people, None);
    assert!(diags.is_empty(), "{diags:?}");
    let stderr = client.stderr();
    assert!(
        !stderr.contains("skipping") && !stderr.contains(".#"),
        "the server logged: {stderr}"
    );
}

#[test]
fn watched_file_events_for_editor_leftovers_are_ignored() {
    let dir = workspace("leftovers-watch");
    let mut client = start_with(
        &dir.path,
        json!({
            "window": { "workDoneProgress": true },
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
        }),
    );
    client.open(&dir.join("doc.scholia"), DOC);
    eventually("the document indexed", || {
        (document_titles(&mut client) == ["The document"]).then_some(())
    });
    client.settle(Duration::from_millis(500));
    // Every (re)load of the workspace indexes it again, with progress.
    let indexings = |client: &Client| {
        client
            .server_requests
            .iter()
            .filter(|r| r["method"] == "window/workDoneProgress/create")
            .count()
    };
    let before = indexings(&client);
    assert!(before >= 1, "the first load's indexing reported progress");

    // Created, changed and deleted, as an editor does while one types.
    let leftovers = write_leftovers(&dir);
    for typ in [1, 2, 3] {
        let changes: Vec<Value> = leftovers
            .iter()
            .map(|p| json!({ "uri": uri_of(p), "type": typ }))
            .collect();
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": changes }),
        );
    }
    client.settle(Duration::from_millis(1500));
    assert_eq!(indexings(&client), before, "no reload for a leftover");
    assert_eq!(document_titles(&mut client), ["The document"]);
    assert!(
        !client.stderr().contains(".#"),
        "the server logged: {}",
        client.stderr()
    );

    // The control: a new registry file is a reason to reload.
    std::fs::write(dir.join("registry/more.toml"), "[place.x]\nname = \"X\"\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&dir.join("registry/more.toml")), "type": 1 }] }),
    );
    eventually("the workspace reloaded for a new registry file", || {
        client.settle(Duration::from_millis(50));
        (indexings(&client) > before).then_some(())
    });
}

fn scholia(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("scholia runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn scholia_check_skips_editor_leftovers_silently() {
    // In a workspace, and in a folder outside any workspace.
    for with_config in [true, false] {
        let dir = workspace("leftovers-cli");
        if !with_config {
            std::fs::remove_file(dir.join("scholia.toml")).unwrap();
        }
        let leftovers = write_leftovers(&dir);
        let (clean_code, clean_out, _) = {
            let other = workspace("leftovers-cli-clean");
            if !with_config {
                std::fs::remove_file(other.join("scholia.toml")).unwrap();
            }
            scholia(&["check", "--format", "json", "."], &other.path)
        };
        let (code, out, err) = scholia(&["check", "--format", "json", "."], &dir.path);
        assert_eq!(err, "", "with_config {with_config}");
        assert_eq!(code, clean_code, "{out}");
        assert_eq!(out, clean_out, "the same report as without leftovers");
        // Named on the command line, as `scholia check *` names them.
        let mut args: Vec<String> = vec!["check".into(), "--format".into(), "json".into()];
        args.push("doc.scholia".into());
        for p in leftovers.iter().filter(|p| p.parent() == Some(&dir.path)) {
            args.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, named_out, err) = scholia(&args, &dir.path);
        assert_eq!(err, "", "with_config {with_config}: {args:?}");
        assert_eq!(code, clean_code);
        assert_eq!(named_out, clean_out, "{args:?}");
    }
}
