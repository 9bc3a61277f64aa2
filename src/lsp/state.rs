//! The server's state under its one lock: the `Host` (workspaces, open
//! files, loads, diagnostics as byte ranges) and what only the protocol
//! needs beside it: the client's capabilities and URIs, the publisher, the
//! semantic-token results kept for deltas. What must be published comes
//! back from the host as `FileDiagnostics` and is converted here into
//! `Publish` messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types as lsp;

use super::convert;
use crate::host::{FileDiagnostics, Host, Report, TextChange};

/// Diagnostics to send for one file.
#[derive(Debug)]
pub struct Publish {
    pub uri: lsp::Uri,
    pub diagnostics: Vec<lsp::Diagnostic>,
    pub version: Option<i32>,
}

#[derive(Default)]
pub struct State {
    /// The server's world.
    pub host: Host,
    /// Where diagnostics go: the publisher task, in the order they are
    /// queued here. Queuing under the state lock keeps that order the order
    /// of the states they were computed from.
    pub publisher: Option<tokio::sync::mpsc::UnboundedSender<Publish>>,
    /// What the client said it supports, at `initialize`.
    pub client_caps: lsp::ClientCapabilities,
    /// Counter for semantic-token result ids.
    pub next_result_id: u64,
    /// Whether the client takes `$/progress` (window.workDoneProgress).
    pub progress_supported: bool,
    /// Whether the client can watch files for us (dynamic registration of
    /// `workspace/didChangeWatchedFiles`); when not, the server polls.
    pub watch_registration: bool,
    /// The URI the client opened each open file with (diagnostics of an
    /// open file are published under it).
    pub uris: HashMap<PathBuf, lsp::Uri>,
    /// The last full semantic tokens sent for an open file (result id,
    /// data), for deltas; dropped when the file closes.
    pub tokens: HashMap<PathBuf, (String, Vec<lsp::SemanticToken>)>,
}

impl State {
    /// A state with a host whose positions are in `encoding`.
    pub fn with_encoding(encoding: crate::text::Encoding) -> State {
        State {
            host: Host::new(encoding),
            ..State::default()
        }
    }

    /// Queues diagnostics for the publisher task (never blocks).
    pub fn publish(&self, list: Vec<Publish>) {
        if let Some(tx) = &self.publisher {
            for p in list {
                let _ = tx.send(p);
            }
        }
    }

    /// Converts the host's diagnostics and queues them.
    pub fn publish_files(&self, list: Vec<FileDiagnostics<'_>>) {
        let list = self.to_publish(list);
        self.publish(list);
    }

    /// The host's diagnostics as LSP messages: an open file's under the URI
    /// the client opened it with, the others under their path's URI.
    pub fn to_publish(&self, list: Vec<FileDiagnostics<'_>>) -> Vec<Publish> {
        publishes(&self.uris, self.host.encoding, list)
    }
    /// Every diagnostic to publish (`Host::all_diagnostics`), converted.
    pub fn all_diagnostics(&self) -> Vec<Publish> {
        self.to_publish(self.host.all_diagnostics())
    }

    /// The diagnostics of one open file (`Host::diagnostics_of`), converted.
    pub fn diagnostics_of(&self, path: &Path) -> Option<Publish> {
        let one = self.host.diagnostics_of(path)?;
        self.to_publish(vec![one]).pop()
    }

    /// Opens a file the client opened at `uri`.
    pub fn open_file(&mut self, path: PathBuf, uri: lsp::Uri, version: i32, text: String) {
        self.uris.insert(path.clone(), uri);
        self.tokens.remove(&path);
        self.host.open_file(path, version, text);
    }

    /// Applies `didChange` content changes (`Host::change_file`). Returns
    /// false when the file is not open.
    pub fn change_file(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) -> bool {
        let changes = changes
            .into_iter()
            .map(|c| TextChange {
                range: c
                    .range
                    .map(|r| (convert::line_col(r.start), convert::line_col(r.end))),
                text: c.text,
            })
            .collect();
        self.host.change_file(path, version, changes)
    }

    /// Closes a file; true when it was an analysed document.
    pub fn close_file(&mut self, path: &Path) -> Option<bool> {
        self.uris.remove(path);
        self.tokens.remove(path);
        self.host.close_file(path).map(|f| f.doc.is_some())
    }
}

/// The host's diagnostics as LSP messages (`State::to_publish`), for a
/// caller that holds the host mutably borrowed.
pub fn publishes(
    uris: &HashMap<PathBuf, lsp::Uri>,
    enc: crate::text::Encoding,
    list: Vec<FileDiagnostics<'_>>,
) -> Vec<Publish> {
    list.into_iter()
        .filter_map(|f| {
            let uri = match (f.version, uris.get(f.path.as_ref())) {
                (Some(_), Some(uri)) => uri.clone(),
                _ => convert::uri_of(&f.path)?,
            };
            let diagnostics = match f.report {
                Report::Found {
                    text,
                    index,
                    list,
                    others,
                } => {
                    let uri_of = |p: &Path| uris.get(p).cloned().or_else(|| convert::uri_of(p));
                    convert::diagnostics(index, text, &list, enc, &others, &uri_of)
                }
                Report::TooLarge { bytes } => vec![lsp::Diagnostic {
                    range: lsp::Range::default(),
                    severity: Some(lsp::DiagnosticSeverity::INFORMATION),
                    source: Some("scholia".to_string()),
                    message: crate::host::too_large_message(bytes),
                    ..Default::default()
                }],
                Report::Clear => Vec::new(),
            };
            Some(Publish {
                uri,
                diagnostics,
                version: f.version,
            })
        })
        .collect()
}
