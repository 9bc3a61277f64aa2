//! The language server: dispatch and conversion only. `server` takes the
//! lock and dispatches to the host (`crate::host`, held in `state` with what
//! only the protocol needs) and to `features/` (one file per LSP feature,
//! each calling its `crate::ide` query); `convert` holds every conversion
//! between LSP types and ours; `transport` frames stdio.

mod convert;
mod features;
mod server;
// Public only for the fuzz targets (fuzz/) and the reliability tests, which
// drive the server's state directly; not an API.
#[doc(hidden)]
pub mod state;
mod transport;

use tower_lsp_server::{LspService, Server};

use state::Publish;

/// Requests handled at once. tower-lsp's default of 4 lets a few slow
/// requests fill the queue and stop the stdin reader, so that `$/cancelRequest`
/// and `shutdown` are never read.
const CONCURRENCY: usize = 64;

/// Serves LSP over stdio until the client closes stdin or sends `exit`.
pub fn run() -> i32 {
    // Background indexing runs on rayon's pool: at a lower priority, so that
    // the handlers answering the editor (tokio's threads) win the CPU while
    // a large workspace is being indexed.
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("scholia-index-{i}"))
        .start_handler(|_| lower_thread_priority())
        .build_global();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("scholia: cannot start the async runtime: {e}");
            return 1;
        }
    };
    runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Publish>();
        let builder = LspService::build(|client| {
            // One task publishes diagnostics, in the order they were computed;
            // when several are waiting for one file, only the newest is sent.
            let publisher = client.clone();
            tokio::spawn(async move {
                while let Some(first) = rx.recv().await {
                    let mut batch = vec![first];
                    while let Ok(more) = rx.try_recv() {
                        batch.push(more);
                    }
                    let mut newest: Vec<Publish> = Vec::new();
                    for p in batch {
                        newest.retain(|q| q.uri != p.uri);
                        newest.push(p);
                    }
                    for p in newest {
                        publisher
                            .publish_diagnostics(p.uri, p.diagnostics, p.version)
                            .await;
                    }
                }
            });
            server::Server::new(client, tx)
        });
        // Requests that make a handler panic or block, for the reliability
        // tests only: they exist when SCHOLIA_TEST_HOOKS=1 is set at start-up
        // (see RELIABILITY.md), and no client can reach them otherwise.
        let builder = if std::env::var("SCHOLIA_TEST_HOOKS").is_ok_and(|v| v == "1") {
            builder
                .custom_method("scholia/test/panic", server::Server::test_panic)
                .custom_method("scholia/test/block", server::Server::test_block)
                .custom_method("scholia/test/holdLoads", server::Server::test_hold_loads)
                .custom_method(
                    "scholia/test/holdIndexing",
                    server::Server::test_hold_indexing,
                )
        } else {
            builder
        };
        let (service, socket) = builder.finish();
        // stdin and stdout go through our own framing (see transport.rs):
        // a malformed message is answered, never the end of the input.
        let io = transport::stdio();
        // On a task of its own: tower-lsp polls handlers inside `serve`, and a
        // handler that hogs its thread must not stop the watch below.
        // Large answers (references, rename) are written straight to bytes
        // (transport::RawAnswers); SCHOLIA_TYPED_ANSWERS=1 sends every
        // answer through tower-lsp's serialization, for the tests that
        // compare the two.
        let typed = std::env::var("SCHOLIA_TYPED_ANSWERS").is_ok_and(|v| v == "1");
        let server = Server::new(io.input, io.output, socket).concurrency_level(CONCURRENCY);
        let serve = if typed {
            tokio::spawn(server.serve(service))
        } else {
            tokio::spawn(server.serve(transport::RawAnswers::new(service, io.replies)))
        };
        let closed = io.closed;
        tokio::select! {
            _ = serve => {}
            () = async {
                let _ = closed.await;
                // The end of input reaches tower-lsp, which stops once the
                // requests in flight are answered; do not wait longer.
                tokio::time::sleep(transport::STDIN_GRACE).await;
            } => {
                eprintln!("scholia: stdin closed; requests still running are abandoned");
            }
        }
        let _ = tokio::time::timeout(std::time::Duration::from_millis(100), io.writer).await;
    });
    // Blocking indexing threads must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    0
}

/// Lowers the calling thread's scheduling priority (nice 10); best effort.
fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}
