//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn document_symbol(
    _s: &mut State,
    p: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let _ = &p;
    None
}

pub fn workspace_symbol(
    _s: &mut State,
    p: lsp::WorkspaceSymbolParams,
) -> Option<lsp::WorkspaceSymbolResponse> {
    let _ = &p;
    None
}
