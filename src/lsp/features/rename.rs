//! `textDocument/prepareRename` and `textDocument/rename`.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::ide::rename::{self, Renameable};
use crate::lsp::state::State;

pub fn register(caps: &mut lsp::ServerCapabilities, client: &lsp::ClientCapabilities) {
    let prepare = client
        .text_document
        .as_ref()
        .and_then(|t| t.rename.as_ref())
        .and_then(|r| r.prepare_support)
        .unwrap_or(false);
    caps.rename_provider = Some(if prepare {
        lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })
    } else {
        lsp::OneOf::Left(true)
    });
}

fn refused(message: String) -> Error {
    let mut e = Error::invalid_params(message.clone());
    e.message = message.into();
    e
}

/// What can be renamed at a position (document or registry file).
fn renameable(
    s: &State,
    uri: &lsp::Uri,
    pos: lsp::Position,
) -> std::result::Result<(Renameable, std::path::PathBuf), String> {
    let path = convert::path_of(uri).ok_or("not a file")?;
    if let Some((doc, offset)) = super::doc_at(s, uri, pos) {
        return rename::prepare(doc, s.workspace_of(&path), offset).map(|r| (r, path));
    }
    let (text, index) = s.text_of(&path).ok_or("this file is not open")?;
    let offset = convert::offset(&index, &text, pos, s.encoding);
    rename::prepare_in_registry(s.workspace_of(&path), &path, offset).map(|r| (r, path))
}

pub fn prepare_rename(
    s: &mut State,
    p: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let (r, path) = renameable(s, &p.text_document.uri, p.position).map_err(refused)?;
    let (text, index) = s
        .text_of(&path)
        .ok_or_else(|| refused("this file is not open".into()))?;
    Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range(&index, &text, &r.range, s.encoding),
        placeholder: r.placeholder,
    }))
}

pub fn rename(s: &mut State, p: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
    let tp = p.text_document_position;
    let (r, path) = renameable(s, &tp.text_document.uri, tp.position).map_err(refused)?;
    let ws = s.workspace_of(&path);
    let current = s.open.get(&path).and_then(|f| f.doc.as_ref());
    let open = |p: &std::path::Path| s.open.get(p).and_then(|f| f.doc.as_ref());
    let edits = rename::rename(ws, &r.target, &p.new_name, current, open).map_err(refused)?;
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    let locations = s.locations(edits.iter().map(|e| &e.location));
    for (e, loc) in edits.into_iter().zip(locations) {
        let Some(loc) = loc else {
            continue;
        };
        changes.entry(loc.uri).or_default().push(lsp::TextEdit {
            range: loc.range,
            new_text: e.new_text,
        });
    }
    Ok(Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}
