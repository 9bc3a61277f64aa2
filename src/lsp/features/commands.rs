//! `workspace/executeCommand` and `textDocument/codeLens`.
//!
//! - `scholia.translationReport` with a translation's URI (the first
//!   argument, a string or `{ "uri": … }`): the translation report (see
//!   `crate::report`) as JSON, plus `markdown` and `text` renderings and the
//!   URIs of both documents. The translation and its original are taken as
//!   the editor holds them when open, else read from disk. `null` when the
//!   document is no translation or cannot be read.
//! - `scholia.preview` with a document's URI: `{ "uri", "html" }`, the
//!   page of the reading-edition site (`export::html`) for the text the
//!   editor holds now, saved or not, as one self-contained HTML page.
//! - `scholia.exportTei` with a document's URI (a string or `{ "uri": … }`):
//!   the document's TEI export (`export::document`, the text the editor
//!   holds now) as a workspace edit that creates or replaces its `.xml` and
//!   `register.xml` in the export folder (`[export] dir`, default
//!   `export/`). The server sends it to the client as `workspace/applyEdit`
//!   (`CreateFile` with `overwrite` + a `TextDocumentEdit` of the full text)
//!   and answers `{ "applied": true, "files": [uris] }`. A client that does
//!   not advertise `workspace.workspaceEdit.resourceOperations` with
//!   `create` gets an error saying so, unless it asks for the edit itself
//!   (`{ "uri": …, "returnEdit": true }`): the answer is then `{ "edit":
//!   WorkspaceEdit, "files": [uris] }` and nothing is sent (scholia-mode for
//!   Emacs applies it in Lisp). docs/export.md, "In the editor".
//! - a code lens "Compare with the original (N differences)" on the
//!   `translation-of` value of an open translation, which runs that
//!   command. The count costs one parse of the original when it is not
//!   open (a few milliseconds for an archival document).

use serde_json::{Value, json};
use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::lsp::state::State;
use crate::report;
use crate::workspace;

/// The command that computes a translation report.
pub const TRANSLATION_REPORT: &str = "scholia.translationReport";
/// The command that renders the reading-edition page of a document.
pub const PREVIEW: &str = "scholia.preview";
/// The command that exports a document to TEI as a workspace edit.
pub const EXPORT_TEI: &str = "scholia.exportTei";

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.execute_command_provider = Some(lsp::ExecuteCommandOptions {
        commands: vec![
            TRANSLATION_REPORT.to_string(),
            PREVIEW.to_string(),
            EXPORT_TEI.to_string(),
        ],
        work_done_progress_options: Default::default(),
    });
    caps.code_lens_provider = Some(lsp::CodeLensOptions {
        resolve_provider: Some(false),
    });
}

/// The URI among a command's arguments: `"file:///…"` or `{ "uri": … }`.
pub fn uri_argument(arguments: &[Value]) -> Option<lsp::Uri> {
    let first = arguments.first()?;
    let text = first
        .as_str()
        .or_else(|| first.get("uri").and_then(Value::as_str))?;
    text.parse().ok()
}

pub fn execute(s: &mut State, p: lsp::ExecuteCommandParams) -> Option<Value> {
    if p.command == PREVIEW {
        return preview(s, &p.arguments);
    }
    if p.command != TRANSLATION_REPORT {
        return None;
    }
    let uri = uri_argument(&p.arguments)?;
    let path = convert::path_of(&uri)?;
    let doc = s.host.document(&path)?;
    let doc = &*doc;
    let original_path = workspace::translation_target(doc)?;
    let original = report::load_original(doc, |p| s.host.open_doc(p));
    let ws = s.host.workspace_of(&path);
    let report = report::translation_report(doc, original.as_ref().map(|o| o.doc()), ws);
    let mut value = serde_json::to_value(&report).ok()?;
    if let Some(object) = value.as_object_mut() {
        object.insert("markdown".into(), json!(report::render_markdown(&report)));
        object.insert("text".into(), json!(report::render_text(&report)));
        object.insert("translation_uri".into(), json!(uri.as_str()));
        if let Some(original_uri) = convert::uri_of(&original_path) {
            object.insert("original_uri".into(), json!(original_uri.as_str()));
        }
    }
    Some(value)
}

/// The reading-edition page of the document as the editor holds it (or
/// as saved, when it is not open).
fn preview(s: &mut State, arguments: &[Value]) -> Option<Value> {
    let uri = uri_argument(arguments)?;
    let path = convert::path_of(&uri)?;
    let doc = s.host.document(&path)?;
    let html = crate::export::html::render_preview(s.host.workspace_of(&path), &doc);
    Some(json!({ "uri": uri.as_str(), "html": html }))
}

/// What `scholia.exportTei` does: send `edit` to the client, or return it
/// in the answer (`returned`).
pub struct TeiExport {
    pub edit: lsp::WorkspaceEdit,
    pub files: Vec<String>,
    pub returned: bool,
}

/// `returnEdit: true` among the arguments (`{ "uri": …, "returnEdit": true }`).
fn wants_edit_back(arguments: &[Value]) -> bool {
    arguments
        .first()
        .and_then(|a| a.get("returnEdit"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Whether the client applies `CreateFile` in a workspace edit. Resource
/// operations exist only in `documentChanges`, so a client that lists
/// `create` applies those (Neovim 0.11 lists it without saying
/// `documentChanges: true`).
fn client_creates_files(caps: &lsp::ClientCapabilities) -> bool {
    let workspace = caps.workspace.as_ref();
    let edit = workspace.and_then(|w| w.workspace_edit.as_ref());
    workspace.and_then(|w| w.apply_edit).unwrap_or(false)
        && edit
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create))
}

/// The export of the document named by `arguments` as a workspace edit;
/// an error message for the user when there is none to make.
pub fn export_tei(s: &mut State, arguments: &[Value]) -> Result<TeiExport, String> {
    let uri = uri_argument(arguments)
        .ok_or("scholia.exportTei needs the document's URI as its argument")?;
    let path = convert::path_of(&uri).ok_or("only files (file: URIs) can be exported")?;
    let returned = wants_edit_back(arguments);
    if !returned && !client_creates_files(&s.client_caps) {
        return Err("Export to TEI creates files, and this editor does not say it can create \
                    files in a workspace edit (workspace.workspaceEdit.resourceOperations \
                    has no \"create\", or no workspace.applyEdit); run `scholia export --format tei` instead"
            .into());
    }
    let doc = s
        .host
        .document(&path)
        .ok_or_else(|| format!("{} cannot be read", path.display()))?;
    let export = crate::export::document::tei(s.host.workspace_of(&path), &doc)?;
    let mut operations = Vec::new();
    let mut files = Vec::new();
    for file in export.files {
        let file_uri = convert::uri_of(&file.path)
            .ok_or_else(|| format!("{} has no file URI", file.path.display()))?;
        files.push(file_uri.as_str().to_string());
        operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
            lsp::CreateFile {
                uri: file_uri.clone(),
                options: Some(lsp::CreateFileOptions {
                    overwrite: Some(true),
                    ignore_if_exists: None,
                }),
                annotation_id: None,
            },
        )));
        // The file is empty once created; the range reaches past any end
        // (clients clamp it), so text a client still holds for the old
        // file is replaced too.
        let everything = lsp::Range::new(
            lsp::Position::new(0, 0),
            lsp::Position::new(i32::MAX as u32, 0),
        );
        operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                uri: file_uri,
                version: None,
            },
            edits: vec![lsp::OneOf::Left(lsp::TextEdit::new(everything, file.text))],
        }));
    }
    Ok(TeiExport {
        edit: lsp::WorkspaceEdit {
            changes: None,
            document_changes: Some(lsp::DocumentChanges::Operations(operations)),
            change_annotations: None,
        },
        files,
        returned,
    })
}

/// "Compare with the original (N differences)" on the `translation-of`
/// value of a translation open in the editor.
pub fn code_lens(s: &mut State, p: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let uri = p.text_document.uri;
    let path = convert::path_of(&uri)?;
    let doc = s.host.open_doc(&path)?;
    let field = doc.model.front_matter.as_ref()?.translation_of.as_ref()?;
    let range = convert::range(&doc.line_index, &doc.text, &field.range, s.host.encoding);
    let original = report::load_original(doc, |p| s.host.open_doc(p));
    let count = match &original {
        Some(original) => {
            let ws = s.host.workspace_of(&path);
            match report::translation_report(doc, Some(original.doc()), ws).differences {
                0 => "no differences".to_string(),
                1 => "1 difference".to_string(),
                n => format!("{n} differences"),
            }
        }
        None => "original not found".to_string(),
    };
    Some(vec![lsp::CodeLens {
        range,
        command: Some(lsp::Command {
            title: format!("Compare with the original ({count})"),
            command: TRANSLATION_REPORT.into(),
            arguments: Some(vec![json!(uri.as_str())]),
        }),
        data: None,
    }])
}
