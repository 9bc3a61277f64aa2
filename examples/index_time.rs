//! Times the server's background indexing (`host::index_documents`:
//! read, scan, model, index summary with UTF-16 spans) over every document
//! under a folder, in parallel on rayon's pool, against the same work done
//! with tree-sitter (`Document::new`, what indexing did before the scanner).
//!
//! `cargo run --release --example index_time -- target/bench-corpus/archive scan|tree`

use std::path::PathBuf;

use rayon::prelude::*;
use scholia::text::Encoding;
use scholia::workspace::{self, DocSummary, Document};

/// CPU time of the process so far (user + system), in seconds.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(root), Some(mode)) = (args.next(), args.next()) else {
        eprintln!("usage: index_time FOLDER scan|tree");
        std::process::exit(2);
    };
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "scholia"))
        .map(|e| e.path().to_path_buf())
        .collect();
    paths.sort();
    let (wall, cpu) = (std::time::Instant::now(), cpu_seconds());
    let indexed = match mode.as_str() {
        "scan" => scholia::host::index_documents(&paths, Encoding::Utf16).len(),
        _ => paths
            .par_iter()
            .filter_map(|p| {
                let text = workspace::read_text(p).ok()?;
                let doc = Document::new(p.clone(), text);
                Some((p.clone(), DocSummary::indexed(&doc, Encoding::Utf16)))
            })
            .count(),
    };
    println!(
        "{mode}: {indexed} documents, {:.2} s wall, {:.2} s CPU",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
}
