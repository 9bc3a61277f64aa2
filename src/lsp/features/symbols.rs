//! `textDocument/documentSymbol` (a hierarchy of `DocumentSymbol`) and
//! `workspace/symbol` (flat `SymbolInformation`, across every loaded
//! workspace, best matches first, at most `WORKSPACE_LIMIT`).
//!
//! Symbol kinds: the front-matter title FILE; headings MODULE (a section,
//! as texlab lists LaTeX sections: Emacs' imenu groups symbols under their
//! kind's name, and "Module" reads as a part of the document there, in the
//! VS Code outline and in Neovim's symbol lists, where STRING read as a
//! string literal); footnotes NUMBER (numeric label) or KEY; registry
//! entries CLASS (person), STRUCT (place), MODULE (organization); documents
//! FILE.

use std::path::Path;

use tower_lsp_server::ls_types as lsp;

use crate::ide::symbols::{self as ide, Symbol, SymbolKind};
use crate::lsp::convert;
use crate::lsp::state::State;
use crate::text::{Encoding, LineIndex};
use crate::workspace::Kind;

/// At most this many workspace symbols are returned.
pub const WORKSPACE_LIMIT: usize = 200;

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.document_symbol_provider = Some(lsp::OneOf::Right(lsp::DocumentSymbolOptions {
        label: Some("scholia".into()),
        work_done_progress_options: Default::default(),
    }));
    caps.workspace_symbol_provider = Some(lsp::OneOf::Left(true));
}

pub fn kind(k: SymbolKind) -> lsp::SymbolKind {
    match k {
        SymbolKind::Title | SymbolKind::Document => lsp::SymbolKind::FILE,
        SymbolKind::Heading => lsp::SymbolKind::MODULE,
        SymbolKind::Footnote { numeric: true } => lsp::SymbolKind::NUMBER,
        SymbolKind::Footnote { numeric: false } => lsp::SymbolKind::KEY,
        SymbolKind::Entity(Kind::Person) => lsp::SymbolKind::CLASS,
        SymbolKind::Entity(Kind::Place) => lsp::SymbolKind::STRUCT,
        SymbolKind::Entity(Kind::Organization) => lsp::SymbolKind::MODULE,
    }
}

#[allow(deprecated)]
fn to_lsp(index: &LineIndex, text: &str, s: Symbol, enc: Encoding) -> lsp::DocumentSymbol {
    let children: Vec<lsp::DocumentSymbol> = s
        .children
        .into_iter()
        .map(|c| to_lsp(index, text, c, enc))
        .collect();
    lsp::DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: kind(s.kind),
        tags: None,
        deprecated: None,
        range: convert::range(index, text, &s.range, enc),
        selection_range: convert::range(index, text, &s.selection, enc),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn document_symbol(
    s: &mut State,
    p: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let path = convert::path_of(&p.text_document.uri)?;
    let doc = s.open.get(&path)?.doc.as_ref()?;
    let symbols = ide::document_symbols(doc)
        .into_iter()
        .map(|sym| to_lsp(&doc.line_index, &doc.text, sym, s.encoding))
        .collect();
    Some(lsp::DocumentSymbolResponse::Nested(symbols))
}

/// The LSP range of `range` in a registry file (or the start of a document).
fn location(
    s: &State,
    ws: &crate::workspace::Workspace,
    path: &Path,
    range: &std::ops::Range<usize>,
) -> Option<lsp::Location> {
    let uri = convert::uri_of(path)?;
    if range.is_empty() && range.start == 0 {
        return Some(lsp::Location::new(uri, lsp::Range::default()));
    }
    let range = match ws.aux.get(path) {
        Some(aux) => convert::range(&aux.line_index, &aux.text, range, s.encoding),
        None => {
            let (text, index) = s.text_of(path)?;
            convert::range(&index, &text, range, s.encoding)
        }
    };
    Some(lsp::Location::new(uri, range))
}

#[allow(deprecated)]
pub fn workspace_symbol(
    s: &mut State,
    p: lsp::WorkspaceSymbolParams,
) -> Option<lsp::WorkspaceSymbolResponse> {
    let mut found: Vec<(u32, lsp::SymbolInformation)> = Vec::new();
    for ws in s.workspaces.values() {
        for sym in ide::workspace_symbols(ws, &p.query, WORKSPACE_LIMIT) {
            let Some(location) = location(s, ws, &sym.path, &sym.range) else {
                continue;
            };
            found.push((
                sym.score,
                lsp::SymbolInformation {
                    name: sym.name,
                    kind: kind(sym.kind),
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: sym.container,
                },
            ));
        }
    }
    // Best first across workspaces; the order within a score is kept.
    found.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    found.truncate(WORKSPACE_LIMIT);
    Some(lsp::WorkspaceSymbolResponse::Flat(
        found.into_iter().map(|(_, sym)| sym).collect(),
    ))
}
