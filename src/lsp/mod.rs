//! The language server: LSP glue only. `server` converts positions and
//! dispatches to `state` (workspaces, open files) and `crate::ide` (features);
//! `convert` holds every conversion between LSP types and ours.

mod convert;
mod features;
mod server;
mod state;

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
        let (service, socket) = LspService::new(|client| {
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
        let stdin = tokio::io::stdin();
        let stdout = tokio::io::stdout();
        Server::new(stdin, stdout, socket)
            .concurrency_level(CONCURRENCY)
            .serve(service)
            .await;
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
