//! `textDocument/codeAction`: converts the request's range and diagnostics to
//! byte offsets, asks `crate::ide::code_actions`, keeps the kinds the client
//! asked for, and turns each action's edits into a `WorkspaceEdit` (positions
//! in the negotiated encoding; a registry file's positions from its text as
//! the editor holds it, or as loaded). The server never writes a file: the
//! client applies the edit.
//!
//! Edits are cheap to compute (one pass over the document), so every action
//! carries its edit and no `codeAction/resolve` is advertised.

use std::collections::HashMap;
use std::ops::Range;

use tower_lsp_server::ls_types as lsp;

use crate::base::Code;
use crate::ide::code_actions::{self as ide, Action, ActionKind, FileEdit, SOURCE_RENUMBER};
use crate::lsp::convert;
use crate::lsp::state::State;
use crate::workspace::Document;

/// Whether the client shows disabled actions (with their reason).
fn disabled_support(client: &lsp::ClientCapabilities) -> bool {
    client
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.disabled_support)
        == Some(true)
}

/// Whether the client takes versioned `documentChanges` in a workspace edit.
fn document_changes(client: &lsp::ClientCapabilities) -> bool {
    client
        .workspace
        .as_ref()
        .and_then(|w| w.workspace_edit.as_ref())
        .and_then(|e| e.document_changes)
        == Some(true)
}

pub fn register(caps: &mut lsp::ServerCapabilities, client: &lsp::ClientCapabilities) {
    let action_caps = client
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref());
    let literals = action_caps.is_some_and(|c| c.code_action_literal_support.is_some());
    // The list of kinds may only be sent to a client that understands
    // code action literals.
    caps.code_action_provider = Some(if literals {
        lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![
                lsp::CodeActionKind::QUICKFIX,
                lsp::CodeActionKind::REFACTOR_REWRITE,
                lsp::CodeActionKind::new(SOURCE_RENUMBER),
            ]),
            resolve_provider: None,
            work_done_progress_options: Default::default(),
        })
    } else {
        lsp::CodeActionProviderCapability::Simple(true)
    });
}

/// Whether an action of `kind` is wanted by a request's `only` filter: a
/// kind matches its own name and every prefix of it (`refactor` matches
/// `refactor.rewrite`). Without a filter, source actions are left out (they
/// are for the client's "Source Action" menu, which asks for them).
fn wanted(kind: ActionKind, only: Option<&[lsp::CodeActionKind]>) -> bool {
    let kind = kind.as_str();
    match only {
        None => !kind.starts_with("source"),
        Some(list) => list.iter().any(|o| {
            let o = o.as_str();
            kind == o
                || kind
                    .strip_prefix(o)
                    .is_some_and(|rest| rest.starts_with('.'))
        }),
    }
}

pub fn code_action(s: &mut State, p: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
    let path = convert::path_of(&p.text_document.uri)?;
    if s.host.workspace_of(&path).registry_files.contains(&path) {
        return registry_code_action(s, &p, &path);
    }
    let doc = s.host.open_doc(&path)?;
    let ws = s.host.workspace_of(&path);
    let enc = s.host.encoding;
    let at = |pos: lsp::Position| convert::offset(&doc.line_index, &doc.text, pos, enc);
    let (a, b) = (at(p.range.start), at(p.range.end));
    let sel = a.min(b)..a.max(b);

    let (ours, sent) = our_diagnostics(&p, at);
    let actions = ide::code_actions(doc, ws, sel, &ours);
    Some(to_response(s, &p, Some(doc), actions, &sent))
}

/// The client's diagnostics that are ours, in byte offsets, and for each
/// its index in the request.
#[allow(clippy::type_complexity)]
fn our_diagnostics(
    p: &lsp::CodeActionParams,
    at: impl Fn(lsp::Position) -> usize,
) -> (Vec<(Code, Range<usize>)>, Vec<usize>) {
    let mut ours: Vec<(Code, Range<usize>)> = Vec::new();
    let mut sent: Vec<usize> = Vec::new();
    for (i, d) in p.context.diagnostics.iter().enumerate() {
        if d.source.as_deref().is_some_and(|src| src != "scholia") {
            continue;
        }
        let Some(lsp::NumberOrString::String(code)) = &d.code else {
            continue;
        };
        let Some(code) = Code::from_name(code) else {
            continue;
        };
        ours.push((code, at(d.range.start)..at(d.range.end)));
        sent.push(i);
    }
    (ours, sent)
}

/// Code actions in a registry file (`ide::registry_code_actions`), its
/// positions converted through its text as the editor holds it.
fn registry_code_action(
    s: &State,
    p: &lsp::CodeActionParams,
    path: &std::path::Path,
) -> Option<lsp::CodeActionResponse> {
    let enc = s.host.encoding;
    let ws = s.host.workspace_of(path);
    let (sel, ours, sent) = s.host.with_text(path, |text, index| {
        let at = |pos: lsp::Position| convert::offset(index, text, pos, enc);
        let (a, b) = (at(p.range.start), at(p.range.end));
        let (ours, sent) = our_diagnostics(p, at);
        (a.min(b)..a.max(b), ours, sent)
    })?;
    let incomplete = s.host.is_incomplete(path);
    let actions =
        ide::registry_code_actions(ws, path, sel, &ours, incomplete, |q| s.host.open_doc(q));
    Some(to_response(s, p, None, actions, &sent))
}

/// The actions the request asked for, as LSP code actions.
fn to_response(
    s: &State,
    p: &lsp::CodeActionParams,
    doc: Option<&Document>,
    actions: Vec<Action>,
    sent: &[usize],
) -> lsp::CodeActionResponse {
    let only = p.context.only.as_deref();
    let disabled_ok = disabled_support(&s.client_caps);
    let mut titles: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for action in actions {
        if !wanted(action.kind, only)
            || (action.disabled.is_some() && !disabled_ok)
            || titles.contains(&action.title)
        {
            continue;
        }
        titles.push(action.title.clone());
        let diagnostics: Vec<lsp::Diagnostic> = action
            .fixes
            .iter()
            .map(|&k| p.context.diagnostics[sent[k]].clone())
            .collect();
        if let Some(a) = to_lsp(s, doc, action, diagnostics) {
            out.push(lsp::CodeActionOrCommand::CodeAction(a));
        }
    }
    out
}

fn to_lsp(
    s: &State,
    doc: Option<&Document>,
    action: Action,
    diagnostics: Vec<lsp::Diagnostic>,
) -> Option<lsp::CodeAction> {
    let edit = if action.disabled.is_some() {
        None
    } else {
        Some(workspace_edit(s, doc, &action.edits)?)
    };
    Some(lsp::CodeAction {
        title: action.title,
        kind: Some(lsp::CodeActionKind::new(action.kind.as_str())),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        edit,
        command: None,
        is_preferred: action.preferred.then_some(true),
        disabled: action
            .disabled
            .map(|reason| lsp::CodeActionDisabled { reason }),
        data: None,
    })
}

/// Our file edits as a workspace edit: `documentChanges` with versions when
/// the client supports them (an open file's version; `null` for a file the
/// editor does not hold), else `changes`.
fn workspace_edit(
    s: &State,
    doc: Option<&Document>,
    files: &[FileEdit],
) -> Option<lsp::WorkspaceEdit> {
    let enc = s.host.encoding;
    let mut per_file: Vec<(lsp::Uri, Option<i32>, Vec<lsp::TextEdit>)> = Vec::new();
    for f in files {
        let uri = convert::uri_of(&f.path)?;
        let version = s.host.open.get(&f.path).map(|o| o.version);
        let owned;
        let (text, index) = if let Some(doc) = doc.filter(|d| d.path == f.path) {
            (&doc.text, &doc.line_index)
        } else {
            owned = s.host.text_of(&f.path)?;
            (&owned.0, &owned.1)
        };
        let edits = f
            .edits
            .iter()
            .map(|(r, new)| lsp::TextEdit {
                range: convert::range(index, text, r, enc),
                new_text: new.clone(),
            })
            .collect();
        per_file.push((uri, version, edits));
    }
    if document_changes(&s.client_caps) {
        let changes = per_file
            .into_iter()
            .map(|(uri, version, edits)| lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            })
            .collect();
        Some(lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(changes)),
            ..Default::default()
        })
    } else {
        let changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = per_file
            .into_iter()
            .map(|(uri, _, edits)| (uri, edits))
            .collect();
        Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }
}

/// Every action carries its edit; nothing is left to resolve.
pub fn resolve(_s: &mut State, p: lsp::CodeAction) -> lsp::CodeAction {
    p
}
