//! One file per LSP feature: each converts the request's positions, calls
//! the matching `crate::ide` query under the state lock, and converts the
//! answer back. No query logic lives here. Each file also declares its
//! capability in `register`, so `initialize` advertises exactly what is
//! implemented.

pub mod code_actions;
pub mod commands;
pub mod completion;
pub mod definition;
pub mod folding;
pub mod hover;
pub mod links;
pub mod references;
pub mod registry_lens;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;

use tower_lsp_server::ls_types as lsp;

use super::state::State;

/// Adds every feature's capability.
pub fn register(caps: &mut lsp::ServerCapabilities, client: &lsp::ClientCapabilities) {
    code_actions::register(caps, client);
    commands::register(caps, client);
    completion::register(caps, client);
    definition::register(caps, client);
    folding::register(caps, client);
    hover::register(caps, client);
    links::register(caps, client);
    references::register(caps, client);
    rename::register(caps, client);
    semantic_tokens::register(caps, client);
    symbols::register(caps, client);
}

/// The open document at `uri`, with the byte offset of `pos`.
pub fn doc_at<'s>(
    s: &'s State,
    uri: &lsp::Uri,
    pos: lsp::Position,
) -> Option<(&'s crate::workspace::Document, usize)> {
    let path = super::convert::path_of(uri)?;
    let doc = s.host.open_doc(&path)?;
    let offset = super::convert::offset(&doc.line_index, &doc.text, pos, s.host.encoding);
    Some((doc, offset))
}
