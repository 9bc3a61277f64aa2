//! `textDocument/hover`: the card `ide::hover` writes for what is under
//! the cursor, as Markdown, with the range it covers.

use tower_lsp_server::ls_types as lsp;

use crate::ide;
use crate::lsp::convert;
use crate::lsp::state::State;
use crate::workspace::Document;

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.hover_provider = Some(lsp::HoverProviderCapability::Simple(true));
}

pub fn hover(s: &State, doc: &Document, offset: usize) -> Option<lsp::Hover> {
    let ws = s.host.workspace_of(&doc.path);
    let h = ide::hover::hover(doc, ws, offset)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(convert::range(
            &doc.line_index,
            &doc.text,
            &h.range,
            s.host.encoding,
        )),
    })
}
