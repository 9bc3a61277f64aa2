//! `textDocument/codeLens` in a registry file: "mentioned in N documents"
//! on each entry (`crate::ide::lenses`), whose command
//! `scholia.showReferences` (arguments: the file's URI and the position of
//! the entry's id) is the client's to run: the plugins open the references
//! at that position. It is not in `executeCommandProvider`, so that a
//! client does not send it back to the server.

use serde_json::json;
use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::lsp::state::State;

/// The client-side command of the lens.
pub const SHOW_REFERENCES: &str = "scholia.showReferences";

/// The lenses of a registry file, `None` for any other file.
pub fn code_lens(s: &State, uri: &lsp::Uri) -> Option<Vec<lsp::CodeLens>> {
    let path = convert::path_of(uri)?;
    let ws = s.host.workspace_of(&path);
    if !ws.registry_files.contains(&path) {
        return None;
    }
    let complete = !s.host.is_incomplete(&path);
    let lenses = crate::ide::lenses::registry_lenses(ws, &path, complete);
    let enc = s.host.encoding;
    s.host.with_text(&path, |text, index| {
        lenses
            .into_iter()
            .map(|l| {
                let range = convert::range(index, text, &l.range, enc);
                lsp::CodeLens {
                    range,
                    command: Some(lsp::Command {
                        title: l.title,
                        command: SHOW_REFERENCES.into(),
                        arguments: Some(vec![json!(uri.as_str()), json!(range.start)]),
                    }),
                    data: None,
                }
            })
            .collect()
    })
}
