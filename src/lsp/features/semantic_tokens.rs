//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn full(_s: &mut State, p: lsp::SemanticTokensParams) -> Option<lsp::SemanticTokensResult> {
    let _ = &p;
    None
}

pub fn range(
    _s: &mut State,
    p: lsp::SemanticTokensRangeParams,
) -> Option<lsp::SemanticTokensRangeResult> {
    let _ = &p;
    None
}

pub fn full_delta(
    _s: &mut State,
    p: lsp::SemanticTokensDeltaParams,
) -> Option<lsp::SemanticTokensFullDeltaResult> {
    let _ = &p;
    None
}
