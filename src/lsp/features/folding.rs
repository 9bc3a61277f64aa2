//! `textDocument/foldingRange`: whole lines. Kinds: the front matter
//! `imports` (a header of metadata, so VS Code's "fold imports by default"
//! folds it), sections `region`, multi-line footnotes `comment` (so "fold all
//! comments" folds every note).

use tower_lsp_server::ls_types as lsp;

use crate::ide::folding::{self as ide, FoldKind};
use crate::lsp::convert;
use crate::lsp::state::State;

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.folding_range_provider = Some(lsp::FoldingRangeProviderCapability::Simple(true));
}

pub fn folding_range(s: &mut State, p: lsp::FoldingRangeParams) -> Option<Vec<lsp::FoldingRange>> {
    let path = convert::path_of(&p.text_document.uri)?;
    let doc = s.host.open_doc(&path)?;
    let folds = ide::folding_ranges(doc)
        .into_iter()
        .map(|f| lsp::FoldingRange {
            start_line: f.start_line,
            end_line: f.end_line,
            kind: Some(match f.kind {
                FoldKind::FrontMatter => lsp::FoldingRangeKind::Imports,
                FoldKind::Section => lsp::FoldingRangeKind::Region,
                FoldKind::Note => lsp::FoldingRangeKind::Comment,
            }),
            ..Default::default()
        })
        .collect();
    Some(folds)
}
