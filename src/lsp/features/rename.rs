//! Not implemented yet: advertises nothing and answers nothing.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;

use crate::lsp::state::State;

pub fn register(_caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {}

pub fn rename(_s: &mut State, p: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
    let _ = &p;
    Ok(None)
}

pub fn prepare_rename(
    _s: &mut State,
    p: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let _ = &p;
    Ok(None)
}
