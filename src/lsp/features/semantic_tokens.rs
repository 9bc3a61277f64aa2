//! `textDocument/semanticTokens/{full,full/delta,range}`. Tokens come from
//! `ide::semantic_tokens` (disjoint, one line each) and are encoded here,
//! columns and lengths in the negotiated encoding.
//!
//! Deltas: the last full result of each open document is kept (a small
//! cache in this file, keyed by URI, entries dropped when the document is
//! closed); a delta request against that result gets one edit covering the
//! tokens between the unchanged prefix and suffix.

use tower_lsp_server::ls_types as lsp;

use crate::ide::semantic_tokens::{self as ide, MODIFIERS, Token, TokenType};
use crate::lsp::state::State;
use crate::text::Encoding;
use crate::workspace::Document;

pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TokenType::ALL
            .iter()
            .map(|t| lsp::SemanticTokenType::new(t.name()))
            .collect(),
        token_modifiers: MODIFIERS
            .iter()
            .copied()
            .map(lsp::SemanticTokenModifier::new)
            .collect(),
    }
}

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.semantic_tokens_provider = Some(lsp::SemanticTokensServerCapabilities::from(
        lsp::SemanticTokensOptions {
            legend: legend(),
            range: Some(true),
            full: Some(lsp::SemanticTokensFullOptions::Delta { delta: Some(true) }),
            ..Default::default()
        },
    ));
}

/// Relative encoding of tokens that are sorted, disjoint and one line each.
fn encode(doc: &Document, tokens: &[Token], enc: Encoding) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0u32, 0u32);
    for t in tokens {
        let start = doc.line_index.line_col(&doc.text, t.range.start, enc);
        let length = enc.len(&doc.text[t.range.clone()]) as u32;
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.col - col
        } else {
            start.col
        };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: t.kind as u32,
            token_modifiers_bitset: t.modifiers,
        });
        (line, col) = (start.line, start.col);
    }
    out
}

fn document<'s>(s: &'s State, uri: &lsp::Uri) -> Option<&'s Document> {
    let path = crate::lsp::convert::path_of(uri)?;
    s.host.open_doc(&path)
}

/// Computes the full data of `uri` and remembers it (in the open file, so
/// it goes when the file closes) under a new result id.
fn compute(s: &mut State, uri: &lsp::Uri) -> Option<(String, Vec<lsp::SemanticToken>)> {
    let doc = document(s, uri)?;
    let ws = s.host.workspace_of(&doc.path);
    let data = encode(doc, &ide::tokens(doc, ws), s.host.encoding);
    s.next_result_id += 1;
    let id = s.next_result_id.to_string();
    let path = crate::lsp::convert::path_of(uri)?;
    if s.host.open.contains_key(&path) {
        s.tokens.insert(path, (id.clone(), data.clone()));
    }
    Some((id, data))
}

pub fn full(s: &mut State, p: lsp::SemanticTokensParams) -> Option<lsp::SemanticTokensResult> {
    let (id, data) = compute(s, &p.text_document.uri)?;
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
        result_id: Some(id),
        data,
    }))
}

pub fn range(
    s: &mut State,
    p: lsp::SemanticTokensRangeParams,
) -> Option<lsp::SemanticTokensRangeResult> {
    let doc = document(s, &p.text_document.uri)?;
    let ws = s.host.workspace_of(&doc.path);
    let offset =
        |pos| crate::lsp::convert::offset(&doc.line_index, &doc.text, pos, s.host.encoding);
    let range = offset(p.range.start)..offset(p.range.end);
    let tokens = ide::tokens_in(doc, ws, range);
    Some(lsp::SemanticTokensRangeResult::Tokens(
        lsp::SemanticTokens {
            result_id: None,
            data: encode(doc, &tokens, s.host.encoding),
        },
    ))
}

/// One edit turning `old` into `new`: the tokens between their common
/// prefix and suffix (positions in the flat array, 5 integers a token).
fn diff(old: &[lsp::SemanticToken], new: &[lsp::SemanticToken]) -> Vec<lsp::SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return Vec::new();
    }
    vec![lsp::SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (deleted * 5) as u32,
        data: (!inserted.is_empty()).then(|| inserted.to_vec()),
    }]
}

pub fn full_delta(
    s: &mut State,
    p: lsp::SemanticTokensDeltaParams,
) -> Option<lsp::SemanticTokensFullDeltaResult> {
    let uri = &p.text_document.uri;
    let previous = crate::lsp::convert::path_of(uri)
        .and_then(|path| s.tokens.get(&path))
        .filter(|(id, _)| *id == p.previous_result_id)
        .map(|(_, data)| data.clone());
    let (id, data) = compute(s, uri)?;
    Some(match previous {
        Some(old) => lsp::SemanticTokensFullDeltaResult::TokensDelta(lsp::SemanticTokensDelta {
            result_id: Some(id),
            edits: diff(&old, &data),
        }),
        None => lsp::SemanticTokensFullDeltaResult::Tokens(lsp::SemanticTokens {
            result_id: Some(id),
            data,
        }),
    })
}
