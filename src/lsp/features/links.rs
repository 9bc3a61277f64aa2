//! `textDocument/documentLink`: the `translation-of` path links to the
//! original's file (only when that file exists).

use tower_lsp_server::ls_types as lsp;

use crate::ide::links as ide;
use crate::lsp::convert;
use crate::lsp::state::State;

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.document_link_provider = Some(lsp::DocumentLinkOptions {
        resolve_provider: Some(false),
        work_done_progress_options: Default::default(),
    });
}

pub fn document_link(s: &mut State, p: lsp::DocumentLinkParams) -> Option<Vec<lsp::DocumentLink>> {
    let path = convert::path_of(&p.text_document.uri)?;
    let doc = s.host.open_doc(&path)?;
    let ws = s.host.workspace_of(&path);
    let links = ide::document_links(doc, ws)
        .into_iter()
        .filter_map(|l| {
            Some(lsp::DocumentLink {
                range: convert::range(&doc.line_index, &doc.text, &l.range, s.host.encoding),
                target: Some(convert::uri_of(&l.target)?),
                tooltip: Some(match l.title {
                    Some(t) => format!("Open the original: {t}"),
                    None => "Open the original".to_string(),
                }),
                data: None,
            })
        })
        .collect();
    Some(links)
}
