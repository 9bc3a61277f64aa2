//! `textDocument/codeAction`: converts the request's range and diagnostics to
//! byte offsets, asks `crate::ide::code_actions`, keeps the kinds the client
//! asked for, and turns each action's edits into a `WorkspaceEdit` (positions
//! in the negotiated encoding; a registry file's positions from its text as
//! the editor holds it, or as loaded). The server never writes a file: the
//! client applies the edit.
//!
//! Edits within one document are cheap to compute (one pass over it), so
//! those actions carry their edit. "Tag every untagged `Name` in the
//! workspace" reads every document: it is listed with `data` (the name and
//! the entry's id) and no edit, and `codeAction/resolve` computes the edit
//! (`Host::tag_everywhere`) when it is chosen; a client that cannot resolve
//! an action's edit gets it computed with the list.

use std::collections::HashMap;
use std::ops::Range;

use tower_lsp_server::ls_types as lsp;

use crate::base::Code;
use crate::ide::code_actions::{
    self as ide, Action, ActionKind, Deferred, FileEdit, SOURCE_RENUMBER,
};
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

/// Whether the client can resolve an action's edit (`codeAction/resolve`).
fn resolves_edits(client: &lsp::ClientCapabilities) -> bool {
    client
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"))
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
            resolve_provider: Some(true),
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
    let mut data = None;
    let edit = if action.disabled.is_some() {
        None
    } else if let Some(deferred) = &action.deferred {
        // Offered in a document only.
        let doc = doc?;
        if resolves_edits(&s.client_caps) {
            data = Some(deferred_data(doc, deferred));
            None
        } else {
            // The client cannot ask for it later: computed now (or the
            // action is not offered when it is refused).
            Some(deferred_edit(s, &doc.path, deferred, &HashMap::new()).ok()?)
        }
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
        data,
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
    let mut per_file = Vec::new();
    for f in files {
        let owned;
        let (text, index) = if let Some(doc) = doc.filter(|d| d.path == f.path) {
            (&doc.text, &doc.line_index)
        } else {
            owned = s.host.text_of(&f.path)?;
            (&owned.0, &owned.1)
        };
        per_file.push(file_edit(s, &f.path, text, index, &f.edits)?);
    }
    Some(assemble(s, per_file))
}

/// One file's edits in LSP terms: its URI, its version when the editor
/// holds it, the edits with positions from `text` (and its line `index`).
fn file_edit(
    s: &State,
    path: &std::path::Path,
    text: &str,
    index: &crate::text::LineIndex,
    edits: &[(Range<usize>, String)],
) -> Option<(lsp::Uri, Option<i32>, Vec<lsp::TextEdit>)> {
    let enc = s.host.encoding;
    let uri = convert::uri_of(path)?;
    let version = s.host.open.get(path).map(|o| o.version);
    let edits = edits
        .iter()
        .map(|(r, new)| lsp::TextEdit {
            range: convert::range(index, text, r, enc),
            new_text: new.clone(),
        })
        .collect();
    Some((uri, version, edits))
}

/// Files' edits as one workspace edit, in the form the client takes.
fn assemble(
    s: &State,
    per_file: Vec<(lsp::Uri, Option<i32>, Vec<lsp::TextEdit>)>,
) -> lsp::WorkspaceEdit {
    if document_changes(&s.client_caps) {
        let changes = per_file
            .into_iter()
            .map(|(uri, version, edits)| lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            })
            .collect();
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(changes)),
            ..Default::default()
        }
    } else {
        let changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = per_file
            .into_iter()
            .map(|(uri, _, edits)| (uri, edits))
            .collect();
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }
    }
}

/// The `data` of a deferred action: what `resolve` needs to compute it.
fn deferred_data(doc: &Document, deferred: &Deferred) -> serde_json::Value {
    let uri = convert::uri_of(&doc.path).map(|u| u.as_str().to_string());
    match deferred {
        Deferred::TagWorkspace { name, id } => serde_json::json!({
            "tagWorkspace": { "uri": uri, "name": name, "id": id },
        }),
    }
}

/// The deferred action in `data`, and the path of the document it was
/// offered in.
pub fn deferred_of(data: &serde_json::Value) -> Option<(std::path::PathBuf, Deferred)> {
    let t = data.get("tagWorkspace")?;
    let uri: lsp::Uri = t.get("uri")?.as_str()?.parse().ok()?;
    let deferred = Deferred::TagWorkspace {
        name: t.get("name")?.as_str()?.to_string(),
        id: t.get("id")?.as_str()?.to_string(),
    };
    Some((convert::path_of(&uri)?, deferred))
}

/// The workspace edit of a deferred action offered in the document at
/// `path`, or why it is refused; `read`: closed documents already read
/// (the others are read now).
fn deferred_edit(
    s: &State,
    path: &std::path::Path,
    deferred: &Deferred,
    read: &HashMap<std::path::PathBuf, Document>,
) -> Result<lsp::WorkspaceEdit, String> {
    let Deferred::TagWorkspace { name, id } = deferred;
    let files = s.host.tag_everywhere(path, name, id, read)?;
    let per_file = files
        .iter()
        .filter_map(|(doc, edits)| file_edit(s, &doc.path, &doc.text, &doc.line_index, edits))
        .collect();
    Ok(assemble(s, per_file))
}

/// `codeAction/resolve`: the edit of a deferred action (one that carries
/// `data`), or the reason it is refused now; any other action comes back
/// as it was sent. `read`: the closed documents, read off the lock.
pub fn resolve(
    s: &mut State,
    mut p: lsp::CodeAction,
    read: &HashMap<std::path::PathBuf, Document>,
) -> Result<lsp::CodeAction, String> {
    if p.edit.is_some() {
        return Ok(p);
    }
    let Some((path, deferred)) = p.data.as_ref().and_then(deferred_of) else {
        return Ok(p);
    };
    p.edit = Some(deferred_edit(s, &path, &deferred, read)?);
    Ok(p)
}
