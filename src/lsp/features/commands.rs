//! `workspace/executeCommand`. Not implemented yet: advertises nothing.

use serde_json::Value;
use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn execute(_s: &mut State, p: lsp::ExecuteCommandParams) -> Option<Value> {
    let _ = &p;
    None
}

/// Code lenses (e.g. on a translation). None yet.
pub fn code_lens(_s: &mut State, p: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let _ = &p;
    None
}
