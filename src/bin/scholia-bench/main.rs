//! `scholia-bench --bin target/release/scholia CORPUS...`: times the release
//! binary on generated corpora (see `scholia-corpus`) and prints one
//! Markdown table, one column per corpus.
//!
//! - `scholia check` over the corpus, parallel and `--single-thread` (the
//!   baseline), interleaved run by run: wall time, MB/s, CPU time / wall
//!   (how many cores were busy), peak RSS (from `wait4`).
//! - The server over its real stdio, from the client's side: `initialize`,
//!   first diagnostics after `didOpen` while the index is still being built,
//!   when a workspace-wide `references` sees every file, hover, definition,
//!   completion after `[[` (when advertised), references and rename
//!   (median and p99), keystroke → `publishDiagnostics` on a 20 KB and on
//!   a 1 MB document, incremental sync against full-document sync (a full
//!   re-parse) interleaved keystroke by keystroke as the baseline.
//!
//! Benchmarks print figures; nothing here fails on a slow result. The
//! process fails only when the harness itself cannot do its job (the
//! server dies, a reply never comes).

mod client;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use client::{Client, cpu_ns, position, position_on_line, uri};

const USAGE: &str = "usage: scholia-bench [--bin PATH] [--rounds N] [--check-runs N] [--smoke] [--skip-check] [--skip-lsp] [--out FILE.md] CORPUS_DIR...";

/// How long any single wait may take before the harness gives up.
const TIMEOUT: Duration = Duration::from_secs(120);

struct Opts {
    bin: PathBuf,
    corpora: Vec<PathBuf>,
    rounds: usize,
    check_runs: usize,
    skip_check: bool,
    skip_lsp: bool,
    out: Option<PathBuf>,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts {
        bin: PathBuf::from("target/release/scholia"),
        corpora: Vec::new(),
        rounds: 300,
        check_runs: 3,
        skip_check: false,
        skip_lsp: false,
        out: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |n: &str| args.next().ok_or(format!("{n} needs a value\n{USAGE}"));
        match a.as_str() {
            "--bin" => o.bin = PathBuf::from(value("--bin")?),
            "--rounds" => o.rounds = value("--rounds")?.parse().map_err(|e| format!("{e}"))?,
            "--check-runs" => {
                o.check_runs = value("--check-runs")?.parse().map_err(|e| format!("{e}"))?
            }
            "--smoke" => {
                o.rounds = 20;
                o.check_runs = 1;
            }
            "--skip-check" => o.skip_check = true,
            "--skip-lsp" => o.skip_lsp = true,
            "--out" => o.out = Some(PathBuf::from(value("--out")?)),
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`\n{USAGE}")),
            _ => o.corpora.push(PathBuf::from(a)),
        }
    }
    if o.corpora.is_empty() {
        return Err(USAGE.into());
    }
    o.bin = std::fs::canonicalize(&o.bin).map_err(|e| format!("{}: {e}", o.bin.display()))?;
    o.rounds = o.rounds.max(2);
    o.check_runs = o.check_runs.max(1);
    Ok(o)
}

// ---------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Stats {
    n: usize,
    median: f64,
    p99: f64,
    /// Median CPU time the server spent per sample (all its threads), ms.
    cpu: Option<f64>,
}

/// The `q` quantile (nearest rank) of sorted, non-empty figures.
fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Median and p99 (nearest rank) in milliseconds.
fn stats(samples: &[Duration]) -> Stats {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    Stats {
        n: ms.len(),
        median: nearest_rank(&ms, 0.5),
        p99: nearest_rank(&ms, 0.99),
        cpu: None,
    }
}

/// `stats` with the server's CPU time per sample.
fn stats_cpu(samples: &[Duration], cpu: &[Duration]) -> Stats {
    Stats {
        cpu: (!cpu.is_empty()).then(|| stats(cpu).median),
        ..stats(samples)
    }
}

#[derive(Debug, Clone)]
enum V {
    Ms(f64, Option<String>),
    Secs(f64),
    Dist(Stats),
    Mbps(f64),
    Mb(f64),
    X(f64),
    Text(String),
}

impl V {
    /// The figure a target is checked against (p99 for distributions).
    fn key(&self) -> Option<f64> {
        match self {
            V::Ms(v, _) | V::Secs(v) | V::Mbps(v) | V::Mb(v) | V::X(v) => Some(*v),
            V::Dist(s) => Some(s.p99),
            V::Text(_) => None,
        }
    }

    fn show(&self) -> String {
        match self {
            V::Ms(v, None) => format!("{} ms", ms(*v)),
            V::Ms(v, Some(note)) => format!("{} ms ({note})", ms(*v)),
            V::Secs(v) => format!("{v:.2} s"),
            V::Dist(s) => match s.cpu {
                Some(c) => format!("{} / {} ms (cpu {})", ms(s.median), ms(s.p99), ms(c)),
                None => format!("{} / {} ms", ms(s.median), ms(s.p99)),
            },
            V::Mbps(v) => format!("{v:.0} MB/s"),
            V::Mb(v) => format!("{v:.0} MB"),
            V::X(v) => format!("{v:.2}×"),
            V::Text(t) => t.clone(),
        }
    }
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A target of the issue, checked on the `archive` column.
struct Target {
    text: &'static str,
    limit: f64,
    /// The figure must be at least `limit` (else at most).
    at_least: bool,
}

struct Row {
    id: &'static str,
    label: &'static str,
    target: Option<Target>,
}

const fn row(id: &'static str, label: &'static str) -> Row {
    Row {
        id,
        label,
        target: None,
    }
}

const fn max(id: &'static str, label: &'static str, text: &'static str, limit: f64) -> Row {
    Row {
        id,
        label,
        target: Some(Target {
            text,
            limit,
            at_least: false,
        }),
    }
}

const ROWS: &[Row] = &[
    row("docs", "documents (MB)"),
    row("load", "load average (1 min) before → after"),
    max("check.wall", "`check`: wall", "≤ 3 s", 3.0),
    row("check.mbps", "`check`: throughput"),
    Row {
        id: "check.cores",
        label: "`check`: CPU time / wall (cores busy)",
        target: Some(Target {
            text: "both cores (≥ 1.6)",
            limit: 1.6,
            at_least: true,
        }),
    },
    max("check.rss", "`check`: peak RSS", "< 1.5 GB", 1500.0),
    row("check1.wall", "`check --single-thread` (baseline): wall"),
    row("check1.mbps", "`check --single-thread`: throughput"),
    row("check1.rss", "`check --single-thread`: peak RSS"),
    row("check.speedup", "parallel speed-up over single thread"),
    max(
        "lsp.init",
        "`initialize` answered, from spawn (median / max)",
        "< 100 ms",
        100.0,
    ),
    max(
        "lsp.open",
        "first diagnostics after `didOpen` (20 KB)",
        "< 200 ms",
        200.0,
    ),
    row("lsp.open_large", "first diagnostics after `didOpen` (1 MB)"),
    row(
        "lsp.load_end",
        "`$/progress` end of the workspace load, after `initialized`",
    ),
    row(
        "lsp.index_end",
        "`$/progress` end of the indexing, after `initialized`",
    ),
    max(
        "lsp.all_refs",
        "`references` sees every file, after `initialized`",
        "< 3 s",
        3.0,
    ),
    max("lsp.hover", "hover (median / p99)", "p99 < 2 ms", 2.0),
    max(
        "lsp.definition",
        "definition (median / p99)",
        "p99 < 2 ms",
        2.0,
    ),
    max(
        "lsp.completion",
        "completion after `[[` (median / p99)",
        "p99 < 20 ms",
        20.0,
    ),
    max(
        "lsp.references",
        "references of an entity (median / p99)",
        "p99 < 20 ms",
        20.0,
    ),
    row("lsp.refs_size", "  size of the references answers"),
    row(
        "lsp.refs_large",
        "  answers above 50,000 locations (median / p90 / max)",
    ),
    row("lsp.rename", "rename of an entity id (median / p99)"),
    row(
        "lsp.refs_hub",
        "references of the entity named in every document (median / p99)",
    ),
    max(
        "ks.small.inc",
        "keystroke → diagnostics, 20 KB (median / p99)",
        "p99 < 5 ms",
        5.0,
    ),
    row("ks.small.full", "  baseline: full-text sync, full re-parse"),
    max(
        "ks.large.inc",
        "keystroke → diagnostics, 1 MB (median / p99)",
        "p99 < 20 ms",
        20.0,
    ),
    row("ks.large.full", "  baseline: full-text sync, full re-parse"),
    max("lsp.rss", "server peak RSS (VmHWM)", "< 1.5 GB", 1500.0),
];

type Results = HashMap<&'static str, V>;

fn log(corpus: &str, what: &str, v: &V) {
    let extra = match v {
        V::Dist(s) => format!(" (n={})", s.n),
        _ => String::new(),
    };
    eprintln!("[{corpus}] {what}: {}{extra}", v.show());
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

// ---------------------------------------------------------------------------
// The corpus manifest
// ---------------------------------------------------------------------------

struct Corpus {
    name: String,
    root: PathBuf,
    documents: usize,
    bytes: usize,
    hub: String,
    open_small: PathBuf,
    open_large: PathBuf,
}

fn load_corpus(dir: &Path) -> Result<Corpus, String> {
    let root = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = std::fs::read_to_string(root.join("corpus.json")).map_err(|e| {
        format!(
            "{}: {e} (generate it with scholia-corpus)",
            root.join("corpus.json").display()
        )
    })?;
    let m: Value = serde_json::from_str(&text).map_err(|e| format!("corpus.json: {e}"))?;
    let s = |k: &str| {
        m[k].as_str()
            .map(str::to_string)
            .ok_or(format!("corpus.json: no {k}"))
    };
    let n = |k: &str| {
        m[k].as_u64()
            .map(|v| v as usize)
            .ok_or(format!("corpus.json: no {k}"))
    };
    Ok(Corpus {
        name: s("preset")?,
        documents: n("documents")? + 1,
        bytes: n("bytes")?,
        hub: s("hub")?,
        open_small: root.join(s("open_small")?),
        open_large: root.join(s("open_large")?),
        root,
    })
}

// ---------------------------------------------------------------------------
// scholia check
// ---------------------------------------------------------------------------

struct Run {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: i64,
}

/// Runs `bin check [--single-thread] root`, output discarded; wall time,
/// user + system CPU time and peak RSS from `wait4`.
fn run_check(bin: &Path, root: &Path, single: bool) -> Result<Run, String> {
    let mut cmd = Command::new(bin);
    // The one-line format: the figures measure checking, not rendering
    // source excerpts (and stay comparable with earlier runs).
    cmd.args(["check", "--format", "short"]);
    if single {
        cmd.arg("--single-thread");
    }
    cmd.arg(root).stdout(Stdio::null()).stderr(Stdio::null());
    let t0 = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("cannot run check: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = t0.elapsed();
    if r != pid {
        return Err("wait4 failed".into());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // check exits 1 when it reports errors (the corpus has some on purpose).
    if code != 0 && code != 1 {
        return Err(format!("`scholia check` exited with {code}"));
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(Run {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
    })
}

fn median_by<T>(runs: &[T], f: impl Fn(&T) -> f64) -> f64 {
    let mut v: Vec<f64> = runs.iter().map(f).collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn bench_check(o: &Opts, c: &Corpus, res: &mut Results) -> Result<(), String> {
    // One untimed run warms the page cache, so every timed run reads from memory.
    run_check(&o.bin, &c.root, false)?;
    let (mut par, mut single) = (Vec::new(), Vec::new());
    for _ in 0..o.check_runs {
        par.push(run_check(&o.bin, &c.root, false)?);
        single.push(run_check(&o.bin, &c.root, true)?);
    }
    let mb = c.bytes as f64 / 1e6;
    let wall = |r: &Run| r.wall.as_secs_f64();
    let (pw, sw) = (median_by(&par, wall), median_by(&single, wall));
    let figures = [
        ("check.wall", V::Secs(pw)),
        ("check.mbps", V::Mbps(mb / pw)),
        (
            "check.cores",
            V::X(median_by(&par, |r| r.cpu.as_secs_f64() / wall(r))),
        ),
        (
            "check.rss",
            V::Mb(median_by(&par, |r| r.max_rss_kb as f64 / 1024.0)),
        ),
        ("check1.wall", V::Secs(sw)),
        ("check1.mbps", V::Mbps(mb / sw)),
        (
            "check1.rss",
            V::Mb(median_by(&single, |r| r.max_rss_kb as f64 / 1024.0)),
        ),
        ("check.speedup", V::X(sw / pw)),
    ];
    for (id, v) in figures {
        log(&c.name, id, &v);
        res.insert(id, v);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

fn init_params(root: &Path) -> Value {
    json!({
        "processId": std::process::id(),
        "rootUri": uri(root),
        "workspaceFolders": [{"uri": uri(root), "name": "bench"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "window": {"workDoneProgress": true},
            "workspace": {
                "workspaceFolders": true,
                "didChangeWatchedFiles": {"dynamicRegistration": true}
            },
            "textDocument": {
                "synchronization": {"didSave": false},
                "publishDiagnostics": {"versionSupport": true},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": false}},
                "rename": {"prepareSupport": true}
            }
        }
    })
}

/// Offsets (inside the brackets) of the elements of a document:
/// (mentions, footnote references, citations).
fn elements(text: &str) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let b = text.as_bytes();
    let (mut mentions, mut notes, mut cites) = (Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'[' {
            match b[i + 1] {
                b'[' if b[i + 2] != b'[' => {
                    mentions.push(i + 2);
                    i += 2;
                    continue;
                }
                b'^' => {
                    let end = text[i..].find(']').map(|e| i + e);
                    if end.is_some_and(|e| b.get(e + 1) != Some(&b':')) {
                        notes.push(i + 2);
                    }
                }
                b'@' => cites.push(i + 2),
                _ => {}
            }
        }
        i += 1;
    }
    (mentions, notes, cites)
}

fn open_doc(client: &mut Client, path: &Path, text: &str) -> Result<Duration, String> {
    let u = uri(path);
    let t0 = client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "scholia", "version": 1, "text": text}}),
    )?;
    let m = client.wait_for(TIMEOUT, |v| is_diagnostics(v, &u, Some(1)))?;
    Ok(m.at - t0)
}

fn is_diagnostics(v: &Value, u: &str, version: Option<i64>) -> bool {
    v["method"] == "textDocument/publishDiagnostics"
        && v["params"]["uri"] == u
        && version.is_none_or(|n| v["params"]["version"] == n)
}

fn is_progress(v: &Value, kind: &str) -> bool {
    v["method"] == "$/progress" && v["params"]["value"]["kind"] == kind
}

/// The server's progress tokens: the workspace load (shown only when it is
/// slow) and the indexing that follows it.
const LOAD_TOKEN: &str = "scholia/load/";
const INDEX_TOKEN: &str = "scholia/index/";

/// The end of a progress whose token starts with `token`.
fn is_progress_end(v: &Value, token: &str) -> bool {
    is_progress(v, "end")
        && v["params"]["token"]
            .as_str()
            .is_some_and(|t| t.starts_with(token))
}

fn bench_lsp(o: &Opts, c: &Corpus, res: &mut Results) -> Result<(), String> {
    let results_dir = o.bin.parent().unwrap_or(Path::new(".")).join("bench-logs");
    std::fs::create_dir_all(&results_dir).map_err(|e| format!("{e}"))?;
    let log_path = results_dir.join(format!("lsp-{}.stderr", c.name));

    // `initialize` alone, in fresh servers (no indexing follows).
    let mut inits = Vec::new();
    for _ in 0..4 {
        let mut client = Client::spawn(&o.bin, &log_path)?;
        let (_, _) = client.request("initialize", init_params(&c.root), TIMEOUT)?;
        inits.push(client.spawned.elapsed());
        client.shutdown();
    }

    let mut client = Client::spawn(&o.bin, &log_path)?;
    let result = lsp_session(o, c, res, &mut client, &mut inits);
    let rss = std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        });
    if let Some(kb) = rss {
        let v = V::Mb(kb / 1024.0);
        log(&c.name, "lsp.rss", &v);
        res.insert("lsp.rss", v);
    }
    client.shutdown();
    result
}

fn lsp_session(
    o: &Opts,
    c: &Corpus,
    res: &mut Results,
    client: &mut Client,
    inits: &mut Vec<Duration>,
) -> Result<(), String> {
    let mut put = |id: &'static str, v: V| {
        log(&c.name, id, &v);
        res.insert(id, v);
    };
    let (init, _) = client.request("initialize", init_params(&c.root), TIMEOUT)?;
    inits.push(client.spawned.elapsed());
    let caps = &init["capabilities"];
    let init_stats = stats(inits);
    let max_init = inits.iter().max().copied().unwrap_or_default();
    put(
        "lsp.init",
        V::Dist(Stats {
            p99: max_init.as_secs_f64() * 1e3,
            ..init_stats
        }),
    );
    let t_initialized = client.notify("initialized", json!({}))?;

    // Open a 20 KB document at once, while the index is being built.
    let small_text = std::fs::read_to_string(&c.open_small).map_err(|e| format!("{e}"))?;
    let small_uri = uri(&c.open_small);
    let first = open_doc(client, &c.open_small, &small_text)?;
    client.pump();
    let ended_before = client.take(|v| is_progress_end(v, INDEX_TOKEN));
    let note = if ended_before.is_empty() {
        "index still being built"
    } else {
        "after the index was built"
    };
    put(
        "lsp.open",
        V::Ms(first.as_secs_f64() * 1e3, Some(note.into())),
    );
    let progress_end = ended_before.into_iter().next();

    // Poll a workspace-wide references request until it sees every file.
    let (mentions, notes, cites) = elements(&small_text);
    let hub_at = small_text
        .find(&format!("[[{}|", c.hub))
        .ok_or("the opened document does not name the hub entity")?
        + 2;
    let hub_params = json!({
        "textDocument": {"uri": small_uri},
        "position": position(&small_text, hub_at),
        "context": {"includeDeclaration": false}
    });
    let all_seen = loop {
        let (r, _) = client.request("textDocument/references", hub_params.clone(), TIMEOUT)?;
        let mut files: Vec<&str> = r
            .as_array()
            .map(|a| a.iter().filter_map(|l| l["uri"].as_str()).collect())
            .unwrap_or_default();
        files.sort_unstable();
        files.dedup();
        if files.len() >= c.documents {
            break t_initialized.elapsed();
        }
        if t_initialized.elapsed() > TIMEOUT {
            return Err(format!(
                "references saw {} of {} files after {TIMEOUT:?}",
                files.len(),
                c.documents
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    put("lsp.all_refs", V::Secs(all_seen.as_secs_f64()));
    let end = match progress_end {
        Some(m) => Some(m),
        None => client
            .wait_for(TIMEOUT, |v| is_progress_end(v, INDEX_TOKEN))
            .ok(),
    };
    match end {
        Some(m) => put(
            "lsp.index_end",
            V::Secs((m.at - t_initialized).as_secs_f64()),
        ),
        None => put("lsp.index_end", V::Text("no $/progress".into())),
    }
    // The load reports progress only when it is slow (a large workspace).
    match client.take(|v| is_progress_end(v, LOAD_TOKEN)).first() {
        Some(m) => put(
            "lsp.load_end",
            V::Secs((m.at - t_initialized).as_secs_f64()),
        ),
        None => put("lsp.load_end", V::Text("none (a fast load)".into())),
    }
    // Let the republished diagnostics of the finished index go by.
    std::thread::sleep(Duration::from_millis(300));
    client.clear();

    let large_text = std::fs::read_to_string(&c.open_large).map_err(|e| format!("{e}"))?;
    let first_large = open_doc(client, &c.open_large, &large_text)?;
    put(
        "lsp.open_large",
        V::Ms(first_large.as_secs_f64() * 1e3, None),
    );
    client.clear();

    // Requests, interleaved round-robin so that noise hits each alike.
    let hub_offsets: Vec<usize> = small_text
        .match_indices(&format!("[[{}|", c.hub))
        .map(|(i, _)| i + 2)
        .collect();
    let entity_mentions: Vec<usize> = mentions
        .iter()
        .copied()
        .filter(|&m| !hub_offsets.contains(&m) && !small_text[m..].starts_with("Unknown Delegate"))
        .collect();
    let mut anywhere: Vec<usize> = entity_mentions
        .iter()
        .chain(&notes)
        .chain(&cites)
        .copied()
        .collect();
    anywhere.sort_unstable();
    let pos = |off: usize| position(&small_text, off);
    let anywhere: Vec<Value> = anywhere.into_iter().map(pos).collect();
    let entity_pos: Vec<Value> = entity_mentions.iter().map(|&m| pos(m)).collect();
    let td = json!({"uri": small_uri});

    let completion = caps.get("completionProvider").is_some_and(|v| !v.is_null());
    let mut version = 1i64;
    let mut text = small_text.clone();
    let completion_pos = if completion {
        // Type ` See [[` at the end of the last paragraph.
        let at = text
            .find("\n\n## Notes")
            .ok_or("no `## Notes` in the opened document")?;
        let p = position(&text, at);
        text.insert_str(at, " See [[");
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": small_uri, "version": version},
                   "contentChanges": [{"range": {"start": p, "end": p}, "text": " See [["}]}),
        )?;
        client.wait_for(TIMEOUT, |v| is_diagnostics(v, &small_uri, Some(version)))?;
        Some(position(&text, at + " See [[".len()))
    } else {
        None
    };

    let kinds = ["hover", "definition", "completion", "references", "rename"];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); kinds.len()];
    let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); kinds.len()];
    let pid = client.pid();
    let mut sizes: Vec<(Duration, usize)> = Vec::new();
    let warmup = 10.min(o.rounds);
    for round in 0..o.rounds + warmup {
        let a = &anywhere[round % anywhere.len()];
        let e = &entity_pos[round % entity_pos.len()];
        for (k, kind) in kinds.iter().enumerate() {
            let (method, params) = match *kind {
                "hover" => (
                    "textDocument/hover",
                    json!({"textDocument": td, "position": a}),
                ),
                "definition" => (
                    "textDocument/definition",
                    json!({"textDocument": td, "position": a}),
                ),
                "completion" => match &completion_pos {
                    Some(p) => (
                        "textDocument/completion",
                        json!({"textDocument": td, "position": p,
                               "context": {"triggerKind": 2, "triggerCharacter": "["}}),
                    ),
                    None => continue,
                },
                "references" => (
                    "textDocument/references",
                    json!({"textDocument": td, "position": e,
                           "context": {"includeDeclaration": true}}),
                ),
                _ => (
                    "textDocument/rename",
                    json!({"textDocument": td, "position": e, "newName": "renamed-entity"}),
                ),
            };
            let c0 = cpu_ns(pid);
            let (answer, took) = client.request(method, params, TIMEOUT)?;
            let c1 = cpu_ns(pid);
            if round >= warmup {
                samples[k].push(took);
                cpu[k].push(Duration::from_nanos(c1.saturating_sub(c0)));
                if *kind == "references" {
                    let n = answer.as_array().map_or(0, Vec::len);
                    sizes.push((took, n));
                }
            }
        }
        client.clear();
    }
    for (k, kind) in kinds.iter().enumerate() {
        let id = match *kind {
            "hover" => "lsp.hover",
            "definition" => "lsp.definition",
            "completion" => "lsp.completion",
            "references" => "lsp.references",
            _ => "lsp.rename",
        };
        if samples[k].is_empty() {
            put(id, V::Text("n/a (not advertised)".into()));
        } else {
            put(id, V::Dist(stats_cpu(&samples[k], &cpu[k])));
        }
    }
    // How large the slow answers are (a popular entity has thousands).
    sizes.sort();
    if let (Some(&(slow, n)), Some(&(med, m))) = (sizes.last(), sizes.get(sizes.len() / 2)) {
        put(
            "lsp.refs_size",
            V::Text(format!(
                "median answer {m} locations ({} ms); slowest {n} ({} ms)",
                ms(med.as_secs_f64() * 1e3),
                ms(slow.as_secs_f64() * 1e3)
            )),
        );
    }
    // The large answers, which set the p99 when the opened document names
    // the most mentioned entities (`sizes` is sorted by time).
    let large: Vec<f64> = sizes
        .iter()
        .filter(|&&(_, n)| n > 50_000)
        .map(|(took, _)| took.as_secs_f64() * 1e3)
        .collect();
    if !large.is_empty() {
        let at = |q: f64| nearest_rank(&large, q);
        put(
            "lsp.refs_large",
            V::Text(format!(
                "{} of {}: {} / {} / {} ms",
                large.len(),
                sizes.len(),
                ms(at(0.5)),
                ms(at(0.9)),
                ms(at(1.0))
            )),
        );
    }
    let (mut hub, mut hub_cpu) = (Vec::new(), Vec::new());
    for _ in 0..(o.rounds / 10).max(5) {
        let c0 = cpu_ns(pid);
        let (_, took) = client.request("textDocument/references", hub_params.clone(), TIMEOUT)?;
        hub.push(took);
        hub_cpu.push(Duration::from_nanos(cpu_ns(pid).saturating_sub(c0)));
    }
    put("lsp.refs_hub", V::Dist(stats_cpu(&hub, &hub_cpu)));

    // Keystrokes.
    let (inc, full) = keystrokes(client, &c.open_small, &mut text, &mut version, o.rounds * 2)?;
    put("ks.small.inc", V::Dist(inc));
    put("ks.small.full", V::Dist(full));
    let mut large = large_text;
    let mut large_version = 1;
    let (inc, full) = keystrokes(
        client,
        &c.open_large,
        &mut large,
        &mut large_version,
        (o.rounds * 2 / 3).max(20),
    )?;
    put("ks.large.inc", V::Dist(inc));
    put("ks.large.full", V::Dist(full));
    Ok(())
}

/// Types a word at the end of a paragraph line in the middle of the
/// document and deletes it again, `ops` keystrokes in all, each waiting
/// for the diagnostics of its version. Keystrokes alternate between an
/// incremental change and a full-text change (the baseline: the server
/// re-parses from scratch), so both see the same conditions.
fn keystrokes(
    client: &mut Client,
    path: &Path,
    text: &mut String,
    version: &mut i64,
    ops: usize,
) -> Result<(Stats, Stats), String> {
    let u = uri(path);
    let pid = client.pid();
    // A paragraph line (it opens with a speaker's mention) past the middle.
    let from = text.len() / 2;
    let line_start = text[from..]
        .find("\n[[")
        .map(|i| from + i + 1)
        .ok_or("no paragraph line to type in")?;
    let line_end = line_start + text[line_start..].find('\n').unwrap_or(0);
    let line = text[..line_start].bytes().filter(|&b| b == b'\n').count();
    let word = b" armistice";
    let mut cursor = line_end;
    let (mut inc, mut full) = (Vec::new(), Vec::new());
    let (mut inc_cpu, mut full_cpu) = (Vec::new(), Vec::new());
    let warmup = 10;
    for k in 0..ops + warmup {
        let typing = (k % (2 * word.len())) < word.len();
        let (start, end, insert) = if typing {
            let ch = word[k % word.len()] as char;
            (cursor, cursor, ch.to_string())
        } else {
            (cursor - 1, cursor, String::new())
        };
        let change = if k % 2 == 0 {
            json!({"range": {"start": position_on_line(text, line, line_start, start),
                             "end": position_on_line(text, line, line_start, end)},
                   "text": insert})
        } else {
            Value::Null
        };
        text.replace_range(start..end, &insert);
        cursor = start + insert.len();
        *version += 1;
        let change = if change.is_null() {
            json!({"text": text.as_str()})
        } else {
            change
        };
        let v = *version;
        let c0 = cpu_ns(pid);
        let t0 = client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": v}, "contentChanges": [change]}),
        )?;
        let m = client.wait_for(TIMEOUT, |x| is_diagnostics(x, &u, Some(v)))?;
        let spent = Duration::from_nanos(cpu_ns(pid).saturating_sub(c0));
        client.clear();
        if k >= warmup {
            if k % 2 == 0 {
                inc.push(m.at - t0);
                inc_cpu.push(spent);
            } else {
                full.push(m.at - t0);
                full_cpu.push(spent);
            }
        }
    }
    Ok((stats_cpu(&inc, &inc_cpu), stats_cpu(&full, &full_cpu)))
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

fn table(corpora: &[Corpus], all: &[Results]) -> String {
    let mut out = String::new();
    let archive = corpora.iter().position(|c| c.name == "archive");
    out.push_str("| measurement | target (archive) |");
    for c in corpora {
        out.push_str(&format!(" {} |", c.name));
    }
    out.push_str(" met |\n|---|---|");
    for _ in corpora {
        out.push_str("---:|");
    }
    out.push_str("---|\n");
    for r in ROWS {
        if all.iter().all(|res| !res.contains_key(r.id)) {
            continue;
        }
        out.push_str(&format!(
            "| {} | {} |",
            r.label,
            r.target.as_ref().map_or("", |t| t.text)
        ));
        for res in all {
            out.push_str(&format!(" {} |", res.get(r.id).map_or("–".into(), V::show)));
        }
        let met = match (&r.target, archive.and_then(|i| all[i].get(r.id))) {
            (Some(t), Some(v)) => match v.key() {
                Some(x) if (t.at_least && x >= t.limit) || (!t.at_least && x <= t.limit) => "yes",
                Some(_) => "**no**",
                None => "n/a",
            },
            (Some(_), None) => "not run",
            _ => "",
        };
        out.push_str(&format!(" {met} |\n"));
    }
    // Flatness: request latencies of the largest corpus over the smallest.
    if corpora.len() > 1 {
        let (first, last) = (&all[0], &all[all.len() - 1]);
        out.push_str(&format!(
            "\nRequest latency, {} over {} (median ratio, p99 ratio):\n\n| request | median ratio | p99 ratio |\n|---|---:|---:|\n",
            corpora[corpora.len() - 1].name,
            corpora[0].name
        ));
        for (id, name) in [
            ("lsp.hover", "hover"),
            ("lsp.definition", "definition"),
            ("lsp.completion", "completion"),
            ("lsp.references", "references"),
            ("lsp.rename", "rename"),
            ("ks.small.inc", "keystroke, 20 KB"),
            ("ks.large.inc", "keystroke, 1 MB"),
        ] {
            if let (Some(V::Dist(a)), Some(V::Dist(b))) = (first.get(id), last.get(id)) {
                out.push_str(&format!(
                    "| {name} | {:.2}× | {:.2}× |\n",
                    b.median / a.median,
                    b.p99 / a.p99
                ));
            }
        }
    }
    out
}

fn run(o: &Opts) -> Result<(), String> {
    let corpora: Vec<Corpus> = o
        .corpora
        .iter()
        .map(|d| load_corpus(d))
        .collect::<Result<_, _>>()?;
    let mut all = Vec::new();
    for c in &corpora {
        let mut res = Results::new();
        res.insert(
            "docs",
            V::Text(format!("{} ({:.0} MB)", c.documents, c.bytes as f64 / 1e6)),
        );
        let before = loadavg();
        if !o.skip_check {
            bench_check(o, c, &mut res)?;
        }
        if !o.skip_lsp {
            bench_lsp(o, c, &mut res)?;
        }
        res.insert("load", V::Text(format!("{before} → {}", loadavg())));
        all.push(res);
    }
    let t = table(&corpora, &all);
    println!("{t}");
    if let Some(path) = &o.out {
        std::fs::write(path, &t).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scholia-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
