//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn document_link(_s: &mut State, p: lsp::DocumentLinkParams) -> Option<Vec<lsp::DocumentLink>> {
    let _ = &p;
    None
}
