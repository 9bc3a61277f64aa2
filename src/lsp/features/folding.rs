//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn folding_range(_s: &mut State, p: lsp::FoldingRangeParams) -> Option<Vec<lsp::FoldingRange>> {
    let _ = &p;
    None
}
