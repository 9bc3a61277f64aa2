//! `textDocument/completion` and `completionItem/resolve`: converts the
//! cursor, calls `ide::completion` on the open document's text, and turns
//! its items into LSP items whose `textEdit` replaces exactly what was typed.
//! The documentation (an entity's card, a formatted reference) is added on
//! resolve only, from the id or key carried in `data`.

use serde_json::{Value, json};
use tower_lsp_server::ls_types as lsp;

use crate::ide::completion::{self as ide, ItemKind, Resolve};
use crate::lsp::convert;
use crate::lsp::state::State;
use crate::workspace::Kind;

/// Whether the client shows `labelDetails`.
fn label_details_support(client: &lsp::ClientCapabilities) -> bool {
    client
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.label_details_support)
        .unwrap_or(false)
}

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.completion_provider = Some(lsp::CompletionOptions {
        resolve_provider: Some(true),
        trigger_characters: Some(vec!["[".into(), "@".into(), "^".into()]),
        completion_item: Some(lsp::CompletionOptionsCompletionItem {
            label_details_support: Some(true),
        }),
        ..Default::default()
    });
}

fn kind(k: ItemKind) -> lsp::CompletionItemKind {
    match k {
        ItemKind::Entity(Kind::Person) => lsp::CompletionItemKind::CLASS,
        ItemKind::Entity(Kind::Place) => lsp::CompletionItemKind::STRUCT,
        ItemKind::Entity(Kind::Organization) => lsp::CompletionItemKind::MODULE,
        ItemKind::Citation | ItemKind::Footnote => lsp::CompletionItemKind::REFERENCE,
        ItemKind::NewFootnote => lsp::CompletionItemKind::VALUE,
    }
}

pub fn completion(s: &mut State, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    let tdp = p.text_document_position;
    let (doc, offset) = super::doc_at(s, &tdp.text_document.uri, tdp.position)?;
    let ws = s.workspace_of(&doc.path);
    let found = ide::completion(doc, ws, offset)?;
    let label_details = label_details_support(&s.client_caps);
    let uri = tdp.text_document.uri.as_str();
    // Items mostly replace the same range: convert it once.
    let mut last: Option<(std::ops::Range<usize>, lsp::Range)> = None;
    let items = found
        .items
        .into_iter()
        .map(|item| {
            let range = match &last {
                Some((bytes, range)) if *bytes == item.replace => *range,
                _ => {
                    let range =
                        convert::range(&doc.line_index, &doc.text, &item.replace, s.encoding);
                    last = Some((item.replace.clone(), range));
                    range
                }
            };
            let id = match &item.resolve {
                Some(Resolve::Entity(id)) => Some(id.clone()),
                _ => None,
            };
            // Beside the label: the entry's name when the label is another
            // string it was found by, and its id unless the label is it.
            let details = lsp::CompletionItemLabelDetails {
                detail: item.canonical.as_ref().map(|name| format!(" ({name})")),
                description: id.filter(|id| *id != item.label),
            };
            let has_details = details.detail.is_some() || details.description.is_some();
            lsp::CompletionItem {
                label_details: (label_details && has_details).then_some(details),
                label: item.label,
                kind: Some(kind(item.kind)),
                detail: item.detail,
                preselect: item.preselect.then_some(true),
                sort_text: Some(item.sort_text),
                filter_text: Some(item.filter_text),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                    range,
                    new_text: item.new_text,
                })),
                data: item.resolve.map(|r| match r {
                    Resolve::Entity(id) => json!({ "uri": uri, "entity": id }),
                    Resolve::Citation(key) => json!({ "uri": uri, "citation": key }),
                }),
                ..Default::default()
            }
        })
        .collect();
    Some(lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: found.incomplete,
        items,
    }))
}

pub fn resolve(s: &mut State, p: lsp::CompletionItem) -> lsp::CompletionItem {
    let mut p = p;
    if p.documentation.is_some() {
        return p;
    }
    let Some(data) = p.data.as_ref() else {
        return p;
    };
    let what = match (data.get("entity"), data.get("citation")) {
        (Some(Value::String(id)), _) => Resolve::Entity(id.clone()),
        (_, Some(Value::String(key))) => Resolve::Citation(key.clone()),
        _ => return p,
    };
    let path = data
        .get("uri")
        .and_then(Value::as_str)
        .and_then(|u| u.parse::<lsp::Uri>().ok())
        .and_then(|u| convert::path_of(&u));
    let Some(path) = path else {
        return p;
    };
    let ws = s.workspace_of(&path);
    let markup = convert::documentation_markup(&s.client_caps);
    if let Some(text) = ide::documentation(ws, &what, markup) {
        p.documentation = Some(lsp::Documentation::MarkupContent(convert::markup_content(
            text, markup,
        )));
    }
    p
}
