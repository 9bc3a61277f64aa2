//! "Export to TEI" in the editor (issue 13): `workspace/executeCommand`
//! `scholia.exportTei` over the real stdio transport. The server sends a
//! `workspace/applyEdit` whose `documentChanges` create (overwrite) the
//! document's `.xml` and `register.xml` in the export folder and fill them
//! with the full text; that text is what `scholia export --format tei`
//! writes for the same document (run here as a process on the same text),
//! and jing accepts it against tei_all.rng. A client that cannot create
//! files gets an error, or the edit itself when it asks for it
//! (`returnEdit`). `[export] dir` is read from scholia.toml; an invalid one
//! is a `config` diagnostic on its value and `export/` is used.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::lsp_client::*;

const DOC: &str = "1952-09-14-zhou-to-mao.scholia";
const UNSAVED: &str = "\nAn unsaved paragraph: [[zhou-enlai|Zhou]] again [@zhou-wengao-7, p. 9].\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the seeds with `extra` appended to scholia.toml.
fn workspace(tag: &str, extra: &str) -> TempDir {
    let ws = TempDir::new(tag);
    copy_tree(&repo().join("seeds"), &ws.path);
    let config = ws.join("scholia.toml");
    let mut text = std::fs::read_to_string(&config).expect("scholia.toml");
    text.push_str(extra);
    std::fs::write(&config, text).expect("write scholia.toml");
    ws
}

/// The server, initialized with `root` as the workspace folder; the
/// client applies workspace edits and, when `create`, says it can create
/// files in one as Neovim 0.11 does (`resourceOperations` without
/// `documentChanges: true`; VS Code says both), else it says only
/// `documentChanges: true` as eglot 1.9 does.
fn start(root: &Path, create: bool) -> (Client, Value) {
    let mut client = Client::spawn();
    let workspace_edit = if create {
        json!({ "resourceOperations": ["rename", "create", "delete"] })
    } else {
        json!({ "documentChanges": true })
    };
    let result = client
        .request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri_of(root),
                "workspaceFolders": [{ "uri": uri_of(root), "name": "ws" }],
                "capabilities": {
                    "workspace": {
                        "applyEdit": true,
                        "workspaceEdit": workspace_edit,
                        "workspaceFolders": true,
                    },
                },
            }),
        )
        .expect("initialize");
    client.notify("initialized", json!({}));
    (client, result)
}

fn export_tei(client: &mut Client, argument: Value) -> Result<Value, Value> {
    client.request(
        "workspace/executeCommand",
        json!({ "command": "scholia.exportTei", "arguments": [argument] }),
    )
}

fn apply_edits(client: &Client) -> Vec<Value> {
    client
        .server_requests
        .iter()
        .filter(|r| r["method"] == "workspace/applyEdit")
        .cloned()
        .collect()
}

/// (path, text) of each file a workspace edit creates, checking that it is
/// made of `CreateFile` (overwrite) then one full-text edit of that file.
fn created_files(edit: &Value) -> Vec<(PathBuf, String)> {
    let ops = edit["documentChanges"].as_array().expect("documentChanges");
    assert_eq!(ops.len(), 4, "{edit:#}");
    ops.chunks(2)
        .map(|pair| {
            let (create, change) = (&pair[0], &pair[1]);
            assert_eq!(create["kind"], "create", "{create}");
            assert_eq!(create["options"]["overwrite"], true, "{create}");
            let uri = create["uri"].as_str().expect("uri");
            assert_eq!(change["textDocument"]["uri"], uri, "{change}");
            assert!(change["textDocument"]["version"].is_null(), "{change}");
            let edits = change["edits"].as_array().expect("edits");
            assert_eq!(edits.len(), 1, "{change}");
            assert_eq!(
                edits[0]["range"]["start"],
                json!({ "line": 0, "character": 0 })
            );
            let text = edits[0]["newText"].as_str().expect("newText").to_string();
            (path_of(uri), text)
        })
        .collect()
}

/// What `scholia export --format tei` writes for `doc`: (its .xml, register.xml).
fn cli_export(doc: &Path, tag: &str) -> (String, String) {
    let out = TempDir::new(tag);
    let result = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["export", "--format", "tei", "--out"])
        .arg(&out.path)
        .arg(doc)
        .output()
        .expect("scholia export runs");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let xml = out.join(&DOC.replace(".scholia", ".xml"));
    (
        std::fs::read_to_string(xml).expect("exported document"),
        std::fs::read_to_string(out.join("register.xml")).expect("exported register"),
    )
}

/// jing accepts `files` against tei_all.rng (scripts/tei-schema.sh).
fn assert_valid_tei(files: &[(PathBuf, String)]) {
    let schema = Command::new(repo().join("scripts/tei-schema.sh"))
        .output()
        .expect("scripts/tei-schema.sh runs");
    assert!(schema.status.success(), "scripts/tei-schema.sh failed");
    let rng = String::from_utf8_lossy(&schema.stdout).trim().to_string();
    let dir = TempDir::new("export-tei-jing");
    let mut paths = Vec::new();
    for (i, (_, text)) in files.iter().enumerate() {
        let path = dir.join(&format!("{i}.xml"));
        std::fs::write(&path, text).expect("write");
        paths.push(path);
    }
    let result = Command::new("jing")
        .arg(rng)
        .args(&paths)
        .output()
        .expect("jing runs (apt-get install jing)");
    assert!(
        result.status.success(),
        "jing rejects the export:\n{}",
        String::from_utf8_lossy(&result.stdout)
    );
}

#[test]
fn the_command_is_advertised() {
    let ws = workspace("export-tei-caps", "");
    let (_client, result) = start(&ws.path, true);
    let commands = &result["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .is_some_and(|c| c.contains(&json!("scholia.exportTei"))),
        "{commands}"
    );
}

/// The edit sent to the client creates the CLI's export of the editor's
/// unsaved text, in `[export] dir`.
#[test]
fn the_server_sends_an_edit_that_creates_the_cli_export() {
    let ws = workspace("export-tei-apply", "\n[export]\ndir = \"out/tei\"\n");
    let doc = ws.join(DOC);
    let text = std::fs::read_to_string(&doc).expect("seed") + UNSAVED;
    let (mut client, _) = start(&ws.path, true);
    let uri = client.open(&doc, &text);
    // The test client answers every server request with `null`, which is
    // no ApplyWorkspaceEditResult: the server must say the edit was not
    // applied (the editors' tests apply it for real).
    let answer = export_tei(&mut client, json!(uri));
    let error = answer.expect_err("a null applyEdit reply is no success");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("did not apply the TEI export")),
        "{error}"
    );
    let sent = apply_edits(&client);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let files = created_files(&sent[0]["params"]["edit"]);
    assert_eq!(
        files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        [
            ws.join("out/tei/1952-09-14-zhou-to-mao.xml"),
            ws.join("out/tei/register.xml")
        ]
    );
    assert!(
        files[0].1.contains("An unsaved paragraph"),
        "the export is of the editor's text"
    );
    // The server wrote nothing.
    assert!(!ws.join("out").exists());
    // The CLI's export of the same text.
    std::fs::write(&doc, &text).expect("save");
    let (xml, register) = cli_export(&doc, "export-tei-cli");
    assert!(
        files[0].1 == xml,
        "the document differs from the CLI's export"
    );
    assert!(
        files[1].1 == register,
        "register.xml differs from the CLI's"
    );
    assert_valid_tei(&files);
}

/// `returnEdit`: the answer carries the edit, nothing is sent; a client
/// that cannot create files and does not ask for the edit gets an error.
#[test]
fn a_client_that_cannot_create_files_asks_for_the_edit() {
    let ws = workspace("export-tei-return", "");
    let doc = ws.join(DOC);
    let text = std::fs::read_to_string(&doc).expect("seed");
    let (mut client, _) = start(&ws.path, false);
    let uri = client.open(&doc, &text);

    let error = export_tei(&mut client, json!(uri)).expect_err("cannot create files");
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains("resourceOperations") && message.contains("scholia export"),
        "{error}"
    );

    let answer = export_tei(&mut client, json!({ "uri": uri, "returnEdit": true }))
        .expect("the edit comes back");
    let files = created_files(&answer["edit"]);
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(
        paths,
        [
            ws.join("export/1952-09-14-zhou-to-mao.xml"),
            ws.join("export/register.xml")
        ]
    );
    let listed: Vec<PathBuf> = answer["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|u| path_of(u.as_str().expect("uri")))
        .collect();
    assert_eq!(listed, paths);
    let (xml, register) = cli_export(&doc, "export-tei-cli-return");
    assert!(files[0].1 == xml && files[1].1 == register);
    assert!(apply_edits(&client).is_empty(), "nothing sent");
    assert!(!ws.join("export").exists(), "the server wrote nothing");

    // Not a document: an error, no edit.
    let config = uri_of(&ws.join("scholia.toml"));
    let error = export_tei(&mut client, json!({ "uri": config, "returnEdit": true }))
        .expect_err("scholia.toml is no document");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a scholia document")),
        "{error}"
    );
}

/// An `[export] dir` outside the root is a `config` diagnostic on its
/// value, and the export goes to `export/`.
#[test]
fn an_export_dir_outside_the_root_is_reported_and_the_default_used() {
    let ws = workspace("export-tei-bad-dir", "\n[export]\ndir = \"../elsewhere\"\n");
    let doc = ws.join(DOC);
    let text = std::fs::read_to_string(&doc).expect("seed");
    let config_text = std::fs::read_to_string(ws.join("scholia.toml")).expect("config");
    let (mut client, _) = start(&ws.path, true);
    let uri = client.open(&doc, &text);
    let diags = client.wait_diagnostics(&uri_of(&ws.join("scholia.toml")), |d| !d.is_empty());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "config");
    assert_eq!(
        diags[0].range,
        find(&config_text, "\"../elsewhere\"", Encoding::Utf16)
    );
    assert!(
        diags[0].message.contains("outside the workspace root"),
        "{diags:?}"
    );
    let answer =
        export_tei(&mut client, json!({ "uri": uri, "returnEdit": true })).expect("exported");
    let files = created_files(&answer["edit"]);
    assert_eq!(files[1].0, ws.join("export/register.xml"));
}
