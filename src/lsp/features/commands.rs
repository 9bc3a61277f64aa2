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

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.execute_command_provider = Some(lsp::ExecuteCommandOptions {
        commands: vec![TRANSLATION_REPORT.to_string(), PREVIEW.to_string()],
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
