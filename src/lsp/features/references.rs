//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn references(_s: &mut State, p: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let _ = &p;
    None
}
