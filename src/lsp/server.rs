//! The `LanguageServer` implementation: converts positions, takes the lock,
//! calls `State` and the `ide` features, and hands diagnostics to the
//! publisher task. No handler awaits the client while it holds the lock, and
//! no notification handler awaits a client request.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp};
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::features;
use super::state::{Publish, State, index_documents};
use crate::diagnostics::{Code, Level, Lints};
use crate::ide;

pub struct Server {
    client: Client,
    state: Arc<Mutex<State>>,
}

/// Runs `f` on the state under the lock, turning a panic into an error reply
/// (the server lives on; a poisoned lock is taken over).
fn with_state<R>(state: &Mutex<State>, f: impl FnOnce(&mut State) -> R) -> Result<R> {
    let mut guard: MutexGuard<'_, State> = state.lock().unwrap_or_else(|e| e.into_inner());
    catch_unwind(AssertUnwindSafe(|| f(&mut guard))).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        eprintln!("scholia: internal error: {what}");
        let mut e = Error::internal_error();
        e.message = format!("scholia internal error: {what}").into();
        e
    })
}

fn lints_from(options: Option<&Value>) -> Lints {
    let mut lints = Lints::default();
    let table = options
        .and_then(|o| o.get("lint"))
        .and_then(Value::as_object);
    for (code, level) in table.into_iter().flatten() {
        if let (Some(code), Some(Ok(level))) = (
            Code::from_name(code),
            level.as_str().map(str::parse::<Level>),
        ) {
            lints.set(code, level);
        }
    }
    lints
}

impl Server {
    pub fn new(client: Client, publish: UnboundedSender<Publish>) -> Server {
        let state = State {
            publisher: Some(publish.clone()),
            ..State::default()
        };
        Server {
            client,
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Indexes the documents of newly loaded workspaces on a blocking thread.
    fn index_in_background(&self, jobs: Vec<(PathBuf, Vec<PathBuf>)>) {
        if jobs.is_empty() {
            return;
        }
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::task::spawn_blocking(move || index_jobs(&client, &state, jobs));
    }

    /// For clients that cannot watch files: every two seconds, compares the
    /// modification times of every `scholia.toml`, registry and bibliography
    /// file of the loaded workspaces, and handles a change as a watcher
    /// event would. (Closed documents changed outside the editor are picked
    /// up when they are opened.)
    fn poll_workspace_files(&self) {
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let mut seen: std::collections::HashMap<PathBuf, Option<std::time::SystemTime>> =
                Default::default();
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                let Ok(files) = with_state(&state, |s| s.watched_workspace_files()) else {
                    continue;
                };
                let mut changes = Vec::new();
                for path in files {
                    let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                    match seen.insert(path.clone(), mtime) {
                        Some(before) if before != mtime => {
                            let kind = match mtime {
                                Some(_) => lsp::FileChangeType::CHANGED,
                                None => lsp::FileChangeType::DELETED,
                            };
                            changes.push((path, kind));
                        }
                        _ => {}
                    }
                }
                if changes.is_empty() {
                    continue;
                }
                let result = with_state(&state, |s| {
                    let jobs = s.files_changed(&changes);
                    s.publish(s.all_diagnostics());
                    jobs
                });
                if let Ok(jobs) = result
                    && !jobs.is_empty()
                {
                    let (state, client) = (state.clone(), client.clone());
                    tokio::task::spawn_blocking(move || index_jobs(&client, &state, jobs));
                }
            }
        });
    }

    /// Test hook (SCHOLIA_TEST_HOOKS=1 only): a handler that panics under
    /// the state lock, as a bug would.
    pub async fn test_panic(&self, _params: Value) -> Result<Value> {
        with_state(&self.state, |_| -> Value {
            panic!("scholia/test/panic: a panic on purpose")
        })
    }

    /// Test hook (SCHOLIA_TEST_HOOKS=1 only): holds the state lock and a
    /// runtime thread for `{"ms": N}` milliseconds, as a slow request would.
    pub async fn test_block(&self, params: Value) -> Result<Value> {
        let ms = params.get("ms").and_then(Value::as_u64).unwrap_or(1000);
        with_state(&self.state, |_| {
            std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)))
        })?;
        Ok(Value::Null)
    }

    /// The open document at `uri` and a byte offset for `pos`, passed to `f`.
    fn at<R>(
        &self,
        uri: &lsp::Uri,
        pos: lsp::Position,
        f: impl FnOnce(&State, &crate::workspace::Document, usize) -> Option<R>,
    ) -> Result<Option<R>> {
        with_state(&self.state, |s| {
            let (doc, offset) = features::doc_at(s, uri, pos)?;
            f(s, doc, offset)
        })
    }
}

/// Parses the documents of each (root, documents) job off the lock, records
/// them, then republishes every diagnostic (translations depend on the
/// index). Runs on a blocking thread; reports `$/progress` to clients that
/// support it.
fn index_jobs(client: &Client, state: &Mutex<State>, jobs: Vec<(PathBuf, Vec<PathBuf>)>) {
    let handle = tokio::runtime::Handle::current();
    let (enc, with_progress) =
        with_state(state, |s| (s.encoding, s.progress_supported)).unwrap_or_default();
    for (root, docs) in jobs {
        let token = lsp::ProgressToken::String(format!("scholia/index/{}", root.display()));
        let progress = with_progress
            .then(|| {
                // A client that never answers must not stall indexing.
                let created = handle.block_on(tokio::time::timeout(
                    std::time::Duration::from_secs(2),
                    client.create_work_done_progress(token.clone()),
                ));
                created.ok()?.ok()?;
                Some(
                    handle.block_on(
                        client
                            .progress(token, "Indexing scholia documents")
                            .with_percentage(0)
                            .begin(),
                    ),
                )
            })
            .flatten();
        let mut summaries = Vec::with_capacity(docs.len());
        let chunk = (docs.len() / 20).max(200);
        for (n, part) in docs.chunks(chunk).enumerate() {
            summaries.extend(index_documents(part, enc));
            if let Some(p) = &progress {
                let done = ((n + 1) * chunk).min(docs.len());
                handle.block_on(p.report_with_message(
                    format!("{done}/{} documents", docs.len()),
                    (done * 100 / docs.len().max(1)) as u32,
                ));
            }
        }
        let count = summaries.len();
        let _ = with_state(state, |s| {
            s.finish_index(&root, summaries);
            s.publish(s.all_diagnostics());
        });
        if let Some(p) = progress {
            handle.block_on(p.finish_with_message(format!("{count} documents indexed")));
        }
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let client_caps = params.capabilities.clone();
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let encoding = convert::negotiate(offered);
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty()
            && let Some(uri) = &params.root_uri
        {
            roots.extend(convert::path_of(uri));
        }
        let lints = lints_from(params.initialization_options.as_ref());
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        let watch_registration = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        with_state(&self.state, |s| {
            s.encoding = encoding;
            s.client_caps = client_caps.clone();
            s.client_lints = lints;
            s.detached.config.lints = s.client_lints.clone();
            s.roots = roots;
            s.progress_supported = progress;
            s.watch_registration = watch_registration;
        })?;
        let sync = lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        };
        let mut capabilities = lsp::ServerCapabilities {
            position_encoding: Some(convert::encoding_kind(encoding)),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(sync)),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            workspace: Some(lsp::WorkspaceServerCapabilities {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..Default::default()
        };
        features::register(&mut capabilities, &client_caps);
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "scholia".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        // Load the client's workspace folders off the async threads, then
        // index their documents; `initialize` has already been answered.
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::task::spawn_blocking(move || {
            let loaded = with_state(&state, |s| {
                let roots = s.roots.clone();
                let mut jobs = Vec::new();
                for root in roots {
                    if let (Some(r), docs) =
                        s.ensure_workspace(&root.join(crate::workspace::CONFIG_FILE))
                        && !docs.is_empty()
                    {
                        jobs.push((r, docs));
                    }
                }
                s.publish(s.all_diagnostics());
                jobs
            });
            let Ok(jobs) = loaded else { return };
            index_jobs(&client, &state, jobs);
        });
        let dynamic_watch = with_state(&self.state, |s| s.watch_registration).unwrap_or(false);
        if !dynamic_watch {
            // The client watches nothing for us (Neovim on Linux, for one):
            // poll the few workspace files that documents depend on.
            self.poll_workspace_files();
            return;
        }
        // Registering file watchers is a request to the client: it runs in
        // its own task, so this notification handler never waits on it.
        let client = self.client.clone();
        tokio::spawn(async move {
            let watchers = [
                "**/*.scholia",
                "**/scholia.toml",
                "**/*.toml",
                "**/*.json",
                "**/*.bib",
            ]
            .into_iter()
            .map(|g| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(g.into()),
                kind: None,
            })
            .collect();
            let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = lsp::Registration {
                id: "scholia-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            let _ = client.register_capability(vec![registration]).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = convert::path_of(&doc.uri) else {
            eprintln!("scholia: ignoring {} (not a file: URI)", doc.uri.as_str());
            return;
        };
        let result = with_state(&self.state, |s| {
            let (root, to_index) = s.ensure_workspace(&path);
            s.open_file(path.clone(), doc.uri.clone(), doc.version, doc.text);
            let jobs: Vec<_> = match root {
                Some(root) if !to_index.is_empty() => vec![(root, to_index)],
                _ => Vec::new(),
            };
            s.publish(s.all_diagnostics());
            jobs
        });
        if let Ok(jobs) = result {
            self.index_in_background(jobs);
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        let version = params.text_document.version;
        let _ = with_state(&self.state, |s| {
            if let Some(f) = s.open.get(&path)
                && version <= f.version
            {
                // The client holds the text with this change: apply it all the
                // same, or the server's text would part from the editor's.
                eprintln!(
                    "scholia: didChange for {} has version {version}, not above {}; applied as sent",
                    path.display(),
                    f.version
                );
            }
            if !s.change_file(&path, version, params.content_changes) {
                eprintln!(
                    "scholia: didChange for {} which is not open; ignored",
                    path.display()
                );
                return;
            }
            if super::state::is_document(&path) {
                // A document: itself, and open translations of it.
                let mut list: Vec<Publish> = s.diagnostics_of(&path).into_iter().collect();
                let ws = s.workspace_of(&path);
                let dependents: Vec<PathBuf> = ws
                    .translations_of(&path)
                    .filter(|p| s.open.contains_key(*p))
                    .cloned()
                    .collect();
                list.extend(dependents.iter().filter_map(|p| s.diagnostics_of(p)));
                s.publish(list);
            } else {
                // A registry or bibliography file: everything may change.
                s.publish(s.all_diagnostics());
            }
        });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(path) = convert::path_of(&uri) else {
            return;
        };
        let _ = with_state(&self.state, |s| {
            let closed = s.close_file(&path);
            if closed.is_none() {
                eprintln!(
                    "scholia: didClose for {} which is not open; ignored",
                    path.display()
                );
            }
            let mut list = s.all_diagnostics();
            if closed.is_some_and(|f| f.doc.is_some()) {
                list.push(Publish {
                    uri: uri.clone(),
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
            s.publish(list);
        });
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| convert::path_of(&f.uri))
            .collect();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| convert::path_of(&f.uri))
            .collect();
        let result = with_state(&self.state, |s| {
            let mut cleared = Vec::new();
            for folder in &removed {
                s.roots.retain(|r| r != folder);
                cleared.extend(s.drop_workspaces_under(folder));
            }
            let mut jobs = Vec::new();
            for folder in added {
                s.roots.push(folder.clone());
                if let (Some(root), docs) =
                    s.ensure_workspace(&folder.join(crate::workspace::CONFIG_FILE))
                    && !docs.is_empty()
                {
                    jobs.push((root, docs));
                }
            }
            let mut list = cleared;
            list.extend(s.all_diagnostics());
            s.publish(list);
            jobs
        });
        if let Ok(jobs) = result {
            self.index_in_background(jobs);
        }
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let changes: Vec<(PathBuf, lsp::FileChangeType)> = params
            .changes
            .iter()
            .filter_map(|c| Some((convert::path_of(&c.uri)?, c.typ)))
            .collect();
        let result = with_state(&self.state, |s| {
            let jobs = s.files_changed(&changes);
            s.publish(s.all_diagnostics());
            jobs
        });
        if let Ok(jobs) = result {
            self.index_in_background(jobs);
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        self.at(&p.text_document.uri, p.position, |s, doc, offset| {
            let ws = s.workspace_of(&doc.path);
            let h = ide::hover::hover(doc, ws, offset)?;
            Some(lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(convert::range(
                    &doc.line_index,
                    &doc.text,
                    &h.range,
                    s.encoding,
                )),
            })
        })
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.at(&p.text_document.uri, p.position, |s, doc, offset| {
            let ws = s.workspace_of(&doc.path);
            let locations: Vec<lsp::Location> = ide::definition::definition(doc, ws, offset)
                .iter()
                .filter_map(|l| s.location(l))
                .collect();
            match locations.len() {
                0 => None,
                1 => Some(lsp::GotoDefinitionResponse::Scalar(
                    locations.into_iter().next().expect("one location"),
                )),
                _ => Some(lsp::GotoDefinitionResponse::Array(locations)),
            }
        })
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        with_state(&self.state, |s| features::completion::completion(s, params))
    }

    async fn completion_resolve(&self, params: lsp::CompletionItem) -> Result<lsp::CompletionItem> {
        with_state(&self.state, |s| features::completion::resolve(s, params))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        with_state(&self.state, |s| {
            features::code_actions::code_action(s, params)
        })
    }

    async fn code_action_resolve(&self, params: lsp::CodeAction) -> Result<lsp::CodeAction> {
        with_state(&self.state, |s| features::code_actions::resolve(s, params))
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        with_state(&self.state, |s| features::folding::folding_range(s, params))
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> Result<Option<Vec<lsp::DocumentLink>>> {
        with_state(&self.state, |s| features::links::document_link(s, params))
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        with_state(&self.state, |s| features::references::references(s, params))
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        with_state(&self.state, |s| features::rename::rename(s, params))?
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        with_state(&self.state, |s| features::rename::prepare_rename(s, params))?
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        with_state(&self.state, |s| features::semantic_tokens::full(s, params))
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        with_state(&self.state, |s| features::semantic_tokens::range(s, params))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        with_state(&self.state, |s| {
            features::semantic_tokens::full_delta(s, params)
        })
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        with_state(&self.state, |s| {
            features::symbols::document_symbol(s, params)
        })
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        with_state(&self.state, |s| {
            features::symbols::workspace_symbol(s, params)
        })
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        with_state(&self.state, |s| features::commands::execute(s, params))
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        with_state(&self.state, |s| features::commands::code_lens(s, params))
    }
}
