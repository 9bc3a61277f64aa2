//! Times what the server does for one keystroke in the generator's 1 MB
//! document (`large/`), driving `lsp::state::State` (the host and the
//! conversions) directly, without the transport: apply the change,
//! analyse, compute and convert the diagnostics, serialize them as `publishDiagnostics` would. For profiles
//! (`perf record -g`, callgrind) of the keystroke path alone.
//!
//! `cargo run --release --example keystroke -- target/bench-corpus/small [ROUNDS] [inc|full]`
//!
//! The edits are scholia-bench's: type " armistice" at the end of a
//! paragraph line past the middle and delete it again, one character a
//! keystroke; `full` sends the whole text each time instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use scholia::lsp::state::State;
use scholia::text::Encoding;
use scholia::workspace::Workspace;
use tower_lsp_server::ls_types as lsp;

/// CPU time of this thread. `CLOCK_THREAD_CPUTIME_ID`, not `getrusage`:
/// the latter counts in scheduler ticks (4 ms), coarser than a keystroke.
fn cpu() -> Duration {
    // SAFETY: clock_gettime only writes the struct it is given.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn position(text: &str, offset: usize) -> lsp::Position {
    let line = text[..offset].bytes().filter(|&b| b == b'\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    lsp::Position::new(line as u32, character as u32)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or("target/bench-corpus/small".into()));
    let rounds: usize = args.next().map_or(200, |r| r.parse().expect("ROUNDS"));
    let full = args.next().is_some_and(|m| m == "full");
    let root = std::fs::canonicalize(&root).expect("corpus folder");
    let large: PathBuf = std::fs::read_dir(root.join("large"))
        .expect("large/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "scholia"))
        .expect("a document in large/");

    let mut s = State::with_encoding(Encoding::Utf16);
    let t = Instant::now();
    let job = s.host.begin_load(&root);
    let (ws, docs) = Workspace::open(&root);
    let docs = s.host.install_workspace(&job, ws, docs).expect("installed");
    let summaries = scholia::host::index_documents(&docs, Encoding::Utf16);
    s.host.finish_index(&root, summaries);
    eprintln!("workspace of {} documents in {:?}", docs.len(), t.elapsed());

    let mut text = std::fs::read_to_string(&large).expect("the large document");
    let uri: lsp::Uri = format!("file://{}", large.display()).parse().expect("uri");
    s.open_file(large.clone(), uri, 1, text.clone());
    let first = s.diagnostics_of(&large).expect("diagnostics");
    eprintln!("{} diagnostics", first.diagnostics.len());

    let from = text.len() / 2;
    let line_start = from + text[from..].find("\n[[").expect("a paragraph line") + 1;
    let mut cursor = line_start + text[line_start..].find('\n').unwrap_or(0);
    let word = b" armistice";
    let mut times = Vec::new();
    let mut bytes = 0usize;
    for k in 0..rounds {
        let typing = (k % (2 * word.len())) < word.len();
        let (start, end, insert) = if typing {
            (cursor, cursor, (word[k % word.len()] as char).to_string())
        } else {
            (cursor - 1, cursor, String::new())
        };
        let range = lsp::Range::new(position(&text, start), position(&text, end));
        text.replace_range(start..end, &insert);
        cursor = start + insert.len();
        let change = if full {
            lsp::TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: text.clone(),
            }
        } else {
            lsp::TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: insert,
            }
        };
        let (t0, c0) = (Instant::now(), cpu());
        assert!(s.change_file(&large, k as i32 + 2, vec![change]));
        let p = s.diagnostics_of(&large).expect("diagnostics");
        let json = serde_json::to_vec(&p.diagnostics).expect("json");
        bytes = json.len();
        times.push((t0.elapsed(), cpu() - c0));
    }
    let mut wall: Vec<Duration> = times.iter().map(|t| t.0).collect();
    let mut cpu_t: Vec<Duration> = times.iter().map(|t| t.1).collect();
    wall.sort();
    cpu_t.sort();
    let q = |v: &[Duration], f: f64| v[((v.len() - 1) as f64 * f) as usize].as_secs_f64() * 1e3;
    println!(
        "{} keystrokes ({}), {} KB of diagnostics JSON: wall median {:.2} ms p99 {:.2} ms; cpu median {:.2} ms",
        rounds,
        if full { "full text" } else { "incremental" },
        bytes >> 10,
        q(&wall, 0.5),
        q(&wall, 0.99),
        q(&cpu_t, 0.5),
    );
    check_equal(&s, &large, &text);
}

/// The document after the edits equals the text analysed afresh.
fn check_equal(s: &State, path: &Path, text: &str) {
    let f = &s.host.open[path];
    assert_eq!(f.rope.to_string(), text);
    assert_eq!(f.doc.as_ref().expect("analysed").text, text);
}
