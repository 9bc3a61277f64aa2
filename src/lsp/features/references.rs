//! `textDocument/references`: from a document (footnote, mention, citation)
//! or from a registry/bibliography file (the entry at the cursor).

use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::ide::references::{self, Target};
use crate::lsp::state::State;
use crate::workspace::Document;

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.references_provider = Some(lsp::OneOf::Left(true));
}

/// The target at a position, in a document or in a registry/bibliography
/// file, with the document asked from.
pub(super) fn target_at<'s>(
    s: &'s State,
    uri: &lsp::Uri,
    pos: lsp::Position,
) -> Option<(Target, Option<&'s Document>)> {
    if let Some((doc, offset)) = super::doc_at(s, uri, pos) {
        let ws = s.workspace_of(&doc.path);
        return references::target_at(doc, ws, offset).map(|t| (t, Some(doc)));
    }
    let path = convert::path_of(uri)?;
    let (text, index) = s.text_of(&path)?;
    let offset = convert::offset(&index, &text, pos, s.encoding);
    references::target_in_file(s.workspace_of(&path), &path, offset).map(|t| (t, None))
}

pub fn references(s: &mut State, p: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let tp = p.text_document_position;
    let (target, current) = target_at(s, &tp.text_document.uri, tp.position)?;
    let path = convert::path_of(&tp.text_document.uri)?;
    let ws = s.workspace_of(&path);
    let open = |p: &std::path::Path| s.open.get(p).and_then(|f| f.doc.as_ref());
    let found = references::references(ws, &target, current, open, p.context.include_declaration);
    Some(s.locations(&found).into_iter().flatten().collect())
}
