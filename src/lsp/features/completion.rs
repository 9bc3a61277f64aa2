//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn completion(_s: &mut State, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    let _ = &p;
    None
}

pub fn resolve(_s: &mut State, p: lsp::CompletionItem) -> lsp::CompletionItem {
    let _ = &p;
    p
}
