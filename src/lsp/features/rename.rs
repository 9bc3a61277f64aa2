//! `textDocument/prepareRename` and `textDocument/rename`.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::ide::rename::{self, Renameable};
use crate::lsp::state::State;
use crate::lsp::transport::JsonOut;

pub fn register(caps: &mut lsp::ServerCapabilities, client: &lsp::ClientCapabilities) {
    let prepare = client
        .text_document
        .as_ref()
        .and_then(|t| t.rename.as_ref())
        .and_then(|r| r.prepare_support)
        .unwrap_or(false);
    caps.rename_provider = Some(if prepare {
        lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })
    } else {
        lsp::OneOf::Left(true)
    });
}

fn refused(message: String) -> Error {
    let mut e = Error::invalid_params(message.clone());
    e.message = message.into();
    e
}

/// What can be renamed at a position (document or registry file).
fn renameable(
    s: &State,
    uri: &lsp::Uri,
    pos: lsp::Position,
) -> std::result::Result<(Renameable, std::path::PathBuf), String> {
    let path = convert::path_of(uri).ok_or("not a file")?;
    if let Some((doc, offset)) = super::doc_at(s, uri, pos) {
        return rename::prepare(doc, s.host.workspace_of(&path), offset).map(|r| (r, path));
    }
    let (text, index) = s.host.text_of(&path).ok_or("this file is not open")?;
    let offset = convert::offset(&index, &text, pos, s.host.encoding);
    rename::prepare_in_registry(s.host.workspace_of(&path), &path, offset).map(|r| (r, path))
}

pub fn prepare_rename(
    s: &mut State,
    p: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let (r, path) = renameable(s, &p.text_document.uri, p.position).map_err(refused)?;
    let (text, index) = s
        .host
        .text_of(&path)
        .ok_or_else(|| refused("this file is not open".into()))?;
    Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range(&index, &text, &r.range, s.host.encoding),
        placeholder: r.placeholder,
    }))
}

pub fn rename(s: &mut State, p: lsp::RenameParams) -> Result<Option<Edits>> {
    let tp = p.text_document_position;
    let (r, path) = renameable(s, &tp.text_document.uri, tp.position).map_err(refused)?;
    let ws = s.host.workspace_of(&path);
    let current = s.host.open_doc(&path);
    let open = |p: &std::path::Path| s.host.open_doc(p);
    let edits = rename::rename(ws, &r.target, &p.new_name, current, open).map_err(refused)?;
    let mut out = Edits::default();
    // Edits come grouped by file: one URI per run of edits in a file (a
    // file met again joins its first run).
    let mut at: HashMap<lsp::Uri, usize> = HashMap::new();
    let mut run: Option<(&std::path::Path, usize)> = None;
    for e in &edits {
        let loc = &e.location;
        let same = run.is_some_and(|(p, _)| p.as_os_str() == loc.path.as_os_str());
        if !same {
            let Some(uri) = convert::uri_of(&loc.path) else {
                run = None;
                continue;
            };
            let n = out.files.len();
            let i = *at.entry(uri.clone()).or_insert(n);
            if i == n {
                out.files.push((uri, Vec::new()));
            }
            run = Some((&loc.path, i));
        }
        let Some((_, i)) = run else { continue };
        let Some(range) = convert::location_range(&s.host, loc) else {
            continue;
        };
        out.files[i].1.push(lsp::TextEdit {
            range,
            new_text: e.new_text.clone(),
        });
    }
    // `changes` is a map: its keys in the order tower-lsp writes them.
    out.files.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    Ok(Some(out))
}

/// The edits of a rename: each file's URI once, then its edits in order.
#[derive(Debug, Default)]
pub struct Edits {
    files: Vec<(lsp::Uri, Vec<lsp::TextEdit>)>,
}

impl Edits {
    /// The LSP workspace edit (`changes`, keyed by URI).
    pub fn workspace_edit(self) -> lsp::WorkspaceEdit {
        lsp::WorkspaceEdit {
            changes: Some(self.files.into_iter().collect()),
            ..Default::default()
        }
    }

    /// The JSON of `workspace_edit()` written straight to `out`, byte for
    /// byte what tower-lsp writes for it (files sorted by URI, as `rename`
    /// leaves them).
    pub fn write_json(&self, out: &mut impl JsonOut) {
        let out = out.buf();
        let total: usize = self
            .files
            .iter()
            .map(|(u, e)| u.as_str().len() + 8 + e.len() * 120)
            .sum();
        out.reserve(total + 16);
        out.extend_from_slice(br#"{"changes":{"#);
        for (i, (uri, edits)) in self.files.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            convert::json::uri(out, uri);
            out.extend_from_slice(b":[");
            for (j, e) in edits.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                convert::json::text_edit(out, &e.range, &e.new_text);
            }
            out.push(b']');
        }
        out.extend_from_slice(b"}}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_of_edits_is_the_json_of_the_workspace_edit() {
        let edit = |l, t: &str| lsp::TextEdit {
            range: lsp::Range::new(lsp::Position::new(l, 1), lsp::Position::new(l, 9)),
            new_text: t.into(),
        };
        let uri = |s: &str| -> lsp::Uri { s.parse().unwrap() };
        let all = [
            Edits::default(),
            Edits {
                files: vec![
                    (uri("file:///d/%E5%91%A8.scholia"), vec![]),
                    (uri("file:///d/a%20b.scholia"), vec![edit(3, "x")]),
                    (
                        uri("file:///reg/people.toml"),
                        vec![edit(0, "new-id|Old \"Name\""), edit(7, "new-id")],
                    ),
                ],
            },
        ];
        for e in all {
            let mut ours = Vec::new();
            e.write_json(&mut ours);
            // What tower-lsp writes: through a `Value`, then bytes.
            let typed = serde_json::to_value(e.workspace_edit()).unwrap();
            assert_eq!(ours, serde_json::to_vec(&typed).unwrap());
        }
    }
}
