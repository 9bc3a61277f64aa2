//! `textDocument/definition`: where `ide::definition` says the thing under
//! the cursor is defined (a registry or bibliography entry, a footnote's
//! text, the original of a translation); one location or several.

use tower_lsp_server::ls_types as lsp;

use crate::ide;
use crate::lsp::convert;
use crate::lsp::state::State;
use crate::workspace::Document;

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.definition_provider = Some(lsp::OneOf::Left(true));
}

pub fn definition(s: &State, doc: &Document, offset: usize) -> Option<lsp::GotoDefinitionResponse> {
    let ws = s.host.workspace_of(&doc.path);
    let mut locations: Vec<lsp::Location> = ide::definition::definition(doc, ws, offset)
        .iter()
        .filter_map(|l| convert::location(&s.host, l))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations.pop().map(lsp::GotoDefinitionResponse::Scalar),
        _ => Some(lsp::GotoDefinitionResponse::Array(locations)),
    }
}
