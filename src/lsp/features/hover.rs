//! `textDocument/hover`: the card `ide::hover` writes for what is under
//! the cursor, as Markdown or plain text as the client asks
//! (`convert::hover_markup`), with the range it covers.

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
    let markup = convert::hover_markup(&s.client_caps);
    let h = ide::hover::hover(doc, ws, offset, markup)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(convert::markup_content(h.text, markup)),
        range: Some(convert::range(
            &doc.line_index,
            &doc.text,
            &h.range,
            s.host.encoding,
        )),
    })
}
