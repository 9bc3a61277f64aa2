//! The `LanguageServer` implementation: converts positions, takes the lock,
//! calls the host (`State::host`) and the features (`features/`), and hands
//! diagnostics to the publisher task. Loading and indexing run off the lock
//! (`crate::host::load`); here they are only scheduled and reported as
//! `$/progress`. No handler awaits the client while it holds the lock, and
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
use super::state::{Publish, State};
use crate::base::{Code, Level, Lints};
use crate::host::{self, FileChange, Host, LoadJob};

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
            publisher: Some(publish),
            ..State::default()
        };
        Server {
            client,
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Loads workspaces off the lock, each on a blocking thread of its own,
    /// then indexes their documents (`load_off_lock`).
    fn load_in_background(&self, jobs: Vec<LoadJob>) {
        load_in_background(&self.client, &self.state, jobs);
    }

    /// For clients that cannot watch files: every two seconds, compares the
    /// modification times of every `scholia.toml`, registry and bibliography
    /// file of the loaded workspaces (`host::Poller`), and handles a change
    /// as a watcher event would.
    fn poll_workspace_files(&self) {
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let mut poller = host::Poller::default();
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                let Ok(files) = with_state(&state, |s| s.host.watched_workspace_files()) else {
                    continue;
                };
                let changes = poller.changes(files);
                if changes.is_empty() {
                    continue;
                }
                let result = with_state(&state, |s| {
                    let jobs = s.host.files_changed(&changes);
                    s.publish(s.all_diagnostics());
                    jobs
                });
                if let Ok(jobs) = result {
                    load_in_background(&client, &state, jobs);
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

    /// Test hook (SCHOLIA_TEST_HOOKS=1 only): `{"hold": true}` holds every
    /// workspace load that begins from then on, as a slow one (it counts as
    /// large at once), until `{"hold": false}`.
    pub async fn test_hold_loads(&self, params: Value) -> Result<Value> {
        LOAD_GATE.set(params.get("hold").and_then(Value::as_bool).unwrap_or(true));
        Ok(Value::Null)
    }

    /// Test hook (SCHOLIA_TEST_HOOKS=1 only): as `holdLoads`, for the
    /// background indexing of a loaded workspace's documents.
    pub async fn test_hold_indexing(&self, params: Value) -> Result<Value> {
        INDEX_GATE.set(params.get("hold").and_then(Value::as_bool).unwrap_or(true));
        Ok(Value::Null)
    }

    /// `scholia.exportTei`: the export computed under the lock, then sent
    /// to the client as `workspace/applyEdit` (awaited without the lock),
    /// or returned when the client asked for it.
    async fn export_tei(&self, arguments: &[Value]) -> Result<Option<Value>> {
        let failed = |message: String| Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
            message: message.into(),
            data: None,
        };
        let export = with_state(&self.state, |s| {
            features::commands::export_tei(s, arguments)
        })?
        .map_err(failed)?;
        if export.returned {
            return Ok(Some(
                serde_json::json!({ "edit": export.edit, "files": export.files }),
            ));
        }
        let answer = self.client.apply_edit(export.edit).await.map_err(|e| {
            failed(format!(
                "the editor did not apply the TEI export: {}",
                e.message
            ))
        })?;
        if !answer.applied {
            let reason = answer
                .failure_reason
                .unwrap_or_else(|| "no reason given".into());
            return Err(failed(format!(
                "the editor did not apply the TEI export: {reason}"
            )));
        }
        Ok(Some(
            serde_json::json!({ "applied": true, "files": export.files }),
        ))
    }

    /// Waits, without the lock, while the workspace of `uri` loads for the
    /// first time (at most `LOAD_WAIT`): a request is answered from the
    /// loaded workspace, not from a stand-in without registry, bibliography
    /// or index.
    async fn loaded(&self, uri: &lsp::Uri) {
        self.wait_while(uri, Host::is_loading).await;
    }

    /// As `loaded`, and then while its documents are indexed: a rename
    /// must reach every file that mentions what it renames. False when the
    /// index is still incomplete after `LOAD_WAIT`.
    async fn indexed(&self, uri: &lsp::Uri) -> bool {
        self.wait_while(uri, Host::is_incomplete).await
    }

    /// Waits, without the lock, while `busy` holds for the path of `uri`,
    /// at most `LOAD_WAIT`; true unless it still holds at the deadline.
    async fn wait_while(&self, uri: &lsp::Uri, busy: fn(&Host, &std::path::Path) -> bool) -> bool {
        let Some(path) = convert::path_of(uri) else {
            return true;
        };
        let deadline = tokio::time::Instant::now() + LOAD_WAIT;
        loop {
            // Subscribing under the lock that installs workspaces and
            // indexes: no change can slip between the check and the wait.
            let Ok((true, mut changed)) = with_state(&self.state, |s| {
                (busy(&s.host, &path), s.host.loads.subscribe())
            }) else {
                return true;
            };
            if tokio::time::timeout_at(deadline, changed.changed())
                .await
                .is_err()
            {
                return false;
            }
        }
    }

    /// The open document at `uri` and a byte offset for `pos`, passed to `f`;
    /// `None` while its workspace loads.
    fn at<R>(
        &self,
        uri: &lsp::Uri,
        pos: lsp::Position,
        f: impl FnOnce(&State, &crate::workspace::Document, usize) -> Option<R>,
    ) -> Result<Option<R>> {
        with_state(&self.state, |s| {
            let (doc, offset) = features::doc_at(s, uri, pos)?;
            if s.host.is_loading(&doc.path) {
                return None;
            }
            f(s, doc, offset)
        })
    }

    /// `f` under the lock, unless the workspace of `uri` is loading: then
    /// the empty answer (`None`), not one computed without its registry,
    /// bibliography or index.
    fn unless_loading<R>(
        &self,
        uri: &lsp::Uri,
        f: impl FnOnce(&mut State) -> Option<R>,
    ) -> Result<Option<R>> {
        with_state(&self.state, |s| {
            if convert::path_of(uri).is_some_and(|p| s.host.is_loading(&p)) {
                return None;
            }
            f(s)
        })
    }
}

/// How long a request waits for the workspace of its document to load
/// before it gets an empty answer.
const LOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The test hooks' gates (`Server::test_hold_loads`, `test_hold_indexing`).
static LOAD_GATE: Gate = Gate::new();
static INDEX_GATE: Gate = Gate::new();

/// A flag a background job waits on while it is set (at most a minute).
struct Gate {
    held: Mutex<bool>,
    released: std::sync::Condvar,
}

impl Gate {
    const fn new() -> Gate {
        Gate {
            held: Mutex::new(false),
            released: std::sync::Condvar::new(),
        }
    }

    fn set(&self, hold: bool) {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = hold;
        self.released.notify_all();
    }

    /// Waits while the gate is held, after calling `on_held` if it is.
    fn pass(&self, on_held: impl FnOnce()) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if !*held {
            return;
        }
        on_held();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while *held && std::time::Instant::now() < deadline {
            held = self
                .released
                .wait_timeout(held, std::time::Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// Renders the references the open documents at `paths` cite, each on a
/// blocking thread without the lock (`host::Host::prerender`): the first
/// hover on a citation then finds it rendered.
fn prerender_in_background(state: &Mutex<State>, paths: Vec<PathBuf>) {
    let jobs = with_state(state, |s| {
        paths
            .iter()
            .filter_map(|p| s.host.prerender(p))
            .collect::<Vec<_>>()
    });
    for job in jobs.unwrap_or_default() {
        tokio::task::spawn_blocking(move || job.run());
    }
}

/// Loads each workspace of `jobs` off the lock, on a blocking thread of its
/// own, then indexes its documents.
fn load_in_background(client: &Client, state: &Arc<Mutex<State>>, jobs: Vec<LoadJob>) {
    for job in jobs {
        let (client, state) = (client.clone(), state.clone());
        tokio::task::spawn_blocking(move || {
            if let Some(index) = load_off_lock(&client, &state, job) {
                index_jobs(&client, &state, vec![index]);
            }
        });
    }
}

/// Loads one workspace (`scholia.toml`, file walk, registry, bibliography)
/// without the lock, then installs it under the lock and republishes every
/// diagnostic. As soon as the load turns out large, documents open under
/// its root get their local diagnostics (`State::load_is_slow`). Returns
/// the root and its documents to index; `None` when a newer load of the
/// root superseded this one, or the load failed.
fn load_off_lock(
    client: &Client,
    state: &Mutex<State>,
    job: LoadJob,
) -> Option<(PathBuf, Vec<PathBuf>)> {
    let handle = tokio::runtime::Handle::current();
    let with_progress = with_state(state, |s| s.progress_supported).unwrap_or_default();
    let mut slow = false;
    // A large load is visible: `$/progress` from the moment it is found
    // large until the workspace is in (clients that take progress).
    let mut progress = None;
    let mut found_slow = || {
        if !slow {
            slow = true;
            let _ = with_state(state, |s| {
                let enc = s.host.encoding;
                let list = s.host.load_is_slow(&job);
                let list = super::state::publishes(&s.uris, enc, list);
                s.publish(list);
            });
            if with_progress {
                progress = begin_progress(
                    &handle,
                    client,
                    format!("scholia/load/{}", job.root.display()),
                    "Loading the scholia workspace",
                    format!("registry and bibliography of {}", job.root.display()),
                );
            }
        }
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        LOAD_GATE.pass(&mut found_slow);
        host::load(&job, &mut found_slow)
    }));
    let root = job.root.clone();
    let progress = progress.take();
    let installed = match loaded {
        Ok((ws, docs)) => {
            let installed = with_state(state, |s| {
                let docs = s.host.install_workspace(&job, ws, docs)?;
                s.publish(s.all_diagnostics());
                Some((docs, s.host.open_under(&job.root)))
            })
            .ok()
            .flatten();
            installed.map(|(docs, open)| {
                prerender_in_background(state, open);
                docs
            })
        }
        Err(_) => {
            eprintln!(
                "scholia: internal error: loading the workspace at {} failed",
                root.display()
            );
            let _ = with_state(state, |s| {
                s.host.abandon_load(&job);
                s.publish(s.all_diagnostics());
            });
            None
        }
    };
    if let Some(p) = progress {
        let message = if installed.is_some() {
            "workspace loaded"
        } else {
            "workspace not loaded"
        };
        handle.block_on(p.finish_with_message(message));
    }
    Some((root, installed?))
}

/// Creates a progress token with the client and begins an unbounded
/// progress on it; `None` when the client refuses or does not answer within
/// two seconds (a silent client must not stall the work).
fn begin_progress(
    handle: &tokio::runtime::Handle,
    client: &Client,
    token: String,
    title: &str,
    message: String,
) -> Option<
    tower_lsp_server::OngoingProgress<
        tower_lsp_server::Unbounded,
        tower_lsp_server::NotCancellable,
    >,
> {
    let token = lsp::ProgressToken::String(token);
    let created = handle.block_on(tokio::time::timeout(
        std::time::Duration::from_secs(2),
        client.create_work_done_progress(token.clone()),
    ));
    created.ok()?.ok()?;
    Some(handle.block_on(client.progress(token, title).with_message(message).begin()))
}

/// Parses the documents of each (root, documents) job off the lock, records
/// them, then republishes every diagnostic (translations depend on the
/// index). Runs on a blocking thread; reports `$/progress` to clients that
/// support it.
fn index_jobs(client: &Client, state: &Mutex<State>, jobs: Vec<(PathBuf, Vec<PathBuf>)>) {
    let handle = tokio::runtime::Handle::current();
    let (enc, with_progress) =
        with_state(state, |s| (s.host.encoding, s.progress_supported)).unwrap_or_default();
    for (root, docs) in jobs {
        INDEX_GATE.pass(|| ());
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
            summaries.extend(host::index_documents(part, enc));
            if let Some(p) = &progress {
                let done = ((n + 1) * chunk).min(docs.len());
                handle.block_on(p.report_with_message(
                    format!("{done}/{} documents", docs.len()),
                    (done * 100 / docs.len().max(1)) as u32,
                ));
            }
        }
        let count = summaries.len();
        let refresh_lenses = with_state(state, |s| {
            s.host.finish_index(&root, summaries);
            s.publish(s.all_diagnostics());
            s.client_caps
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                == Some(true)
        })
        .unwrap_or(false);
        if refresh_lenses {
            // The registry's "mentioned in N documents" lenses were partial
            // while indexing. A client that never answers must not stall.
            let _ = handle.block_on(tokio::time::timeout(
                std::time::Duration::from_secs(2),
                client.code_lens_refresh(),
            ));
        }
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
            s.host.encoding = encoding;
            s.client_caps = client_caps.clone();
            s.host.set_client_lints(lints);
            s.host.roots = roots;
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
        // Load the client's workspace folders off the lock, then index their
        // documents; `initialize` has already been answered.
        let jobs = with_state(&self.state, |s| {
            let roots = s.host.roots.clone();
            roots
                .iter()
                .filter_map(|root| {
                    s.host
                        .ensure_workspace(&root.join(crate::workspace::CONFIG_FILE))
                })
                .collect()
        })
        .unwrap_or_default();
        self.load_in_background(jobs);
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
            let watchers = host::WATCHED_GLOBS
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
            let job = s.host.ensure_workspace(&path);
            s.open_file(path.clone(), doc.uri.clone(), doc.version, doc.text);
            // While the workspace loads: the local diagnostics, or none yet
            // (`Host::diagnostics_of`); the full ones come with it.
            s.publish(s.all_diagnostics());
            job
        });
        if let Ok(job) = result {
            self.load_in_background(job.into_iter().collect());
        }
        prerender_in_background(&self.state, vec![path]);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        let version = params.text_document.version;
        let _ = with_state(&self.state, |s| {
            if let Some(f) = s.host.open.get(&path)
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
            s.publish_files(s.host.diagnostics_after_change(&path));
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
            if closed == Some(true) {
                // A document: its diagnostics go with it.
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
                s.host.roots.retain(|r| r != folder);
                let gone = s.host.drop_workspaces_under(folder);
                cleared.extend(s.to_publish(gone));
            }
            let mut jobs = Vec::new();
            for folder in added {
                s.host.roots.push(folder.clone());
                jobs.extend(
                    s.host
                        .ensure_workspace(&folder.join(crate::workspace::CONFIG_FILE)),
                );
            }
            let mut list = cleared;
            list.extend(s.all_diagnostics());
            s.publish(list);
            jobs
        });
        if let Ok(jobs) = result {
            self.load_in_background(jobs);
        }
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let changes: Vec<(PathBuf, FileChange)> = params
            .changes
            .iter()
            .filter_map(|c| Some((convert::path_of(&c.uri)?, convert::file_change(c.typ))))
            .collect();
        let result = with_state(&self.state, |s| {
            let jobs = s.host.files_changed(&changes);
            s.publish(s.all_diagnostics());
            jobs
        });
        if let Ok(jobs) = result {
            self.load_in_background(jobs);
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        self.loaded(&p.text_document.uri).await;
        self.at(&p.text_document.uri, p.position, features::hover::hover)
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.loaded(&p.text_document.uri).await;
        self.at(
            &p.text_document.uri,
            p.position,
            features::definition::definition,
        )
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.loaded(&uri).await;
        self.unless_loading(&uri, |s| features::completion::completion(s, params))
    }

    async fn completion_resolve(&self, params: lsp::CompletionItem) -> Result<lsp::CompletionItem> {
        with_state(&self.state, |s| features::completion::resolve(s, params))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.loaded(&uri).await;
        if convert::path_of(&uri).is_some_and(|p| !host::is_document(&p)) {
            // In a registry file the merge of two entries renames mentions
            // across the workspace: like rename, it waits for the index
            // (and is offered disabled if it is still incomplete).
            self.indexed(&uri).await;
        }
        self.unless_loading(&uri, |s| features::code_actions::code_action(s, params))
    }

    async fn code_action_resolve(&self, params: lsp::CodeAction) -> Result<lsp::CodeAction> {
        // An action over the whole workspace waits for its index, as a
        // rename does, then is refused if it is still incomplete.
        let deferred = params
            .data
            .as_ref()
            .and_then(features::code_actions::deferred_of);
        let mut read = std::collections::HashMap::new();
        if let Some((path, _)) = deferred {
            if let Some(uri) = convert::uri_of(&path) {
                self.indexed(&uri).await;
            }
            // The closed documents are read and scanned off the lock.
            let paths = with_state(&self.state, |s| s.host.closed_documents(&path))?;
            read = tokio::task::spawn_blocking(move || host::read_documents(&paths))
                .await
                .unwrap_or_default();
        }
        with_state(&self.state, |s| {
            features::code_actions::resolve(s, params, &read)
        })?
        .map_err(|why| {
            // LSP's RequestFailed: editors show its message.
            Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
                message: format!("scholia: {why}").into(),
                data: None,
            }
        })
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
        let uri = params.text_document_position.text_document.uri.clone();
        // A list that silently misses the files not indexed yet would look
        // complete; past the wait, what is indexed is the answer.
        self.indexed(&uri).await;
        let Some(answer) =
            self.unless_loading(&uri, |s| features::references::references(s, params))?
        else {
            return Ok(None);
        };
        // Written to bytes after the lock is released; `None` then stands
        // for the answer already made (transport::RawAnswers).
        if super::transport::answer_raw(Some(answer.json_len()), |out| answer.write_json(out))? {
            return Ok(None);
        }
        Ok(Some(answer.locations()))
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        if !self.indexed(&uri).await {
            // A partial rename would leave the files not indexed yet
            // mentioning the old name.
            // LSP's RequestFailed (editors show its message; they drop
            // ContentModified silently).
            return Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
                message: "scholia: the workspace is still being indexed; try the rename again"
                    .into(),
                data: None,
            });
        }
        let Some(edits) = self
            .unless_loading(&uri, |s| Some(features::rename::rename(s, params)))?
            .transpose()?
            .flatten()
        else {
            return Ok(None);
        };
        // As references: written to bytes after the lock is released.
        if super::transport::answer_raw(None, |out| edits.write_json(out))? {
            return Ok(None);
        }
        Ok(Some(edits.workspace_edit()))
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.loaded(&uri).await;
        Ok(self
            .unless_loading(&uri, |s| Some(features::rename::prepare_rename(s, params)))?
            .transpose()?
            .flatten())
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let uri = params.text_document.uri.clone();
        self.loaded(&uri).await;
        self.unless_loading(&uri, |s| features::semantic_tokens::full(s, params))
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        let uri = params.text_document.uri.clone();
        self.loaded(&uri).await;
        self.unless_loading(&uri, |s| features::semantic_tokens::range(s, params))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri.clone();
        self.loaded(&uri).await;
        self.unless_loading(&uri, |s| features::semantic_tokens::full_delta(s, params))
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
        // The report compares against the registry: wait for the workspace
        // of the document it names, like the requests on a position.
        if let Some(uri) = features::commands::uri_argument(&params.arguments) {
            self.loaded(&uri).await;
        }
        if params.command == features::commands::EXPORT_TEI {
            return self.export_tei(&params.arguments).await;
        }
        with_state(&self.state, |s| features::commands::execute(s, params))
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let uri = params.text_document.uri.clone();
        self.loaded(&uri).await;
        self.unless_loading(&uri, |s| {
            features::registry_lens::code_lens(s, &uri)
                .or_else(|| features::commands::code_lens(s, params))
        })
    }
}
