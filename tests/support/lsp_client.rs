//! The one LSP client of the integration tests: it spawns `scholia lsp`,
//! speaks JSON-RPC with Content-Length framing over the child's real stdio,
//! and reads the server's output strictly (every frame must have a
//! `Content-Length` header ended by CRLF and a JSON body: a malformed frame
//! from the server fails the test). It offers what the tests need: typed
//! requests with a timeout (`request`: `Ok(result)` or `Err(error)`) and
//! whole reply objects (`request_reply`, `reply`: for the fault suites that
//! check error codes and ids of any JSON-RPC type), notifications, raw bytes
//! (`write`: malformed frames, wrong lengths, half messages), waiting for a
//! notification or the newest diagnostics of a file, closing stdin and
//! timing the exit; plus the text helpers that turn byte offsets into LSP
//! positions in UTF-8, UTF-16 or UTF-32 (computed here, independently of the
//! server) and apply content changes the way LSP says a server must.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PUBLISH: &str = "textDocument/publishDiagnostics";

/// How long a request or a wait may take before the test fails (unless
/// `set_timeout` says otherwise): a bound for "it never came", not a speed
/// target (speed is measured by the benchmarks). Generous: on a loaded
/// 2-core machine a debug-build answer of 26,000 streamed locations once
/// took over 10 s.
pub const TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------
// Positions and text
// ---------------------------------------------------------------------------

/// A column unit: LSP's `PositionEncodingKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    pub const ALL: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        }
    }

    pub fn from_name(name: &str) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Width of one character in this encoding's code units.
    pub fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// A zero-based LSP position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub character: u32,
}

/// `Pos { line, character }`, short.
pub fn pos(line: u32, character: u32) -> Pos {
    Pos { line, character }
}

impl Pos {
    pub fn json(self) -> Value {
        json!({ "line": self.line, "character": self.character })
    }

    pub fn from_json(v: &Value) -> Pos {
        let n = |k: &str| {
            v[k].as_u64()
                .unwrap_or_else(|| panic!("position without `{k}`: {v}")) as u32
        };
        pos(n("line"), n("character"))
    }
}

/// A zero-based LSP range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    pub start: Pos,
    pub end: Pos,
}

/// A range from (line, character) to (line, character), short.
pub fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> Range {
    Range {
        start: pos(l0, c0),
        end: pos(l1, c1),
    }
}

impl Range {
    pub fn json(self) -> Value {
        json!({ "start": self.start.json(), "end": self.end.json() })
    }

    pub fn from_json(v: &Value) -> Range {
        Range {
            start: Pos::from_json(&v["start"]),
            end: Pos::from_json(&v["end"]),
        }
    }
}

/// Byte offsets where each line starts. Lines end at `\n`, `\r\n` or a lone
/// `\r` (LSP's rule).
pub fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// Byte range of line `line`'s content, its terminator excluded.
fn line_content(text: &str, starts: &[usize], line: usize) -> std::ops::Range<usize> {
    let start = starts[line];
    let mut end = starts.get(line + 1).copied().unwrap_or(text.len());
    let b = text.as_bytes();
    if end > start && b[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && b[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

/// The LSP position of byte `offset` (a character boundary). An offset inside
/// a line terminator is the end of that line.
pub fn position_at(text: &str, offset: usize, enc: Encoding) -> Pos {
    assert!(
        text.is_char_boundary(offset),
        "{offset} is no char boundary"
    );
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let content = line_content(text, &starts, line);
    let end = offset.min(content.end);
    let col: u32 = text[content.start..end].chars().map(|c| enc.width(c)).sum();
    pos(line as u32, col)
}

/// The byte offset of an LSP position, clamped as LSP prescribes: a column
/// past the line's end is the line's end, a line past the last is the end of
/// the text. A column inside a character rounds down to its start.
pub fn offset_at(text: &str, p: Pos, enc: Encoding) -> usize {
    let starts = line_starts(text);
    let Some(_) = starts.get(p.line as usize) else {
        return text.len();
    };
    let content = line_content(text, &starts, p.line as usize);
    let mut units = 0;
    for (i, c) in text[content.clone()].char_indices() {
        let w = enc.width(c);
        if units + w > p.character {
            return content.start + i;
        }
        units += w;
    }
    content.end
}

/// The LSP range of the byte range `r`.
pub fn range_at(text: &str, r: std::ops::Range<usize>, enc: Encoding) -> Range {
    Range {
        start: position_at(text, r.start, enc),
        end: position_at(text, r.end, enc),
    }
}

/// The range of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn find_nth(text: &str, needle: &str, nth: usize, enc: Encoding) -> Range {
    let (start, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1));
    range_at(text, start..start + needle.len(), enc)
}

/// The range of `inner` inside the first occurrence of `outer` in `text`
/// (e.g. the id `stalin` in `[person.stalin]`).
pub fn find_within(text: &str, outer: &str, inner: &str, enc: Encoding) -> Range {
    let at = text
        .find(outer)
        .unwrap_or_else(|| panic!("`{outer}` is not in the text"));
    let within = outer
        .find(inner)
        .unwrap_or_else(|| panic!("`{inner}` is not in `{outer}`"));
    range_at(text, at + within..at + within + inner.len(), enc)
}

/// The range of the first occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str, enc: Encoding) -> Range {
    find_nth(text, needle, 0, enc)
}

/// Turns a fixture with one `$0` cursor marker into the text without the
/// marker and the cursor's position in `enc`.
pub fn cursor(fixture: &str, enc: Encoding) -> (String, Pos) {
    let at = fixture.find("$0").expect("the fixture has a `$0` cursor");
    assert!(
        !fixture[at + 2..].contains("$0"),
        "the fixture has more than one `$0`"
    );
    let text = format!("{}{}", &fixture[..at], &fixture[at + 2..]);
    let p = position_at(&text, at, enc);
    (text, p)
}

/// The position of the first occurrence of `marker` in `text`, moved
/// `delta` characters (scalar values) to the right: a cursor inside it.
pub fn pos_in(text: &str, marker: &str, delta: usize, enc: Encoding) -> Pos {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` is not in the text"));
    let offset = text[start..]
        .char_indices()
        .nth(delta)
        .map(|(i, _)| start + i)
        .unwrap_or(text.len());
    position_at(text, offset, enc)
}

/// One content change of a `didChange` notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `None` replaces the whole text.
    pub range: Option<Range>,
    pub text: String,
}

impl Change {
    pub fn full(text: &str) -> Change {
        Change {
            range: None,
            text: text.into(),
        }
    }

    pub fn replace(range: Range, text: &str) -> Change {
        Change {
            range: Some(range),
            text: text.into(),
        }
    }

    pub fn insert(at: Pos, text: &str) -> Change {
        Change::replace(Range { start: at, end: at }, text)
    }

    pub fn delete(range: Range) -> Change {
        Change::replace(range, "")
    }

    pub fn json(&self) -> Value {
        match self.range {
            Some(r) => json!({ "range": r.json(), "text": self.text }),
            None => json!({ "text": self.text }),
        }
    }

    /// Applies this change to `text` as a server must (positions clamped; an
    /// end before the start counts as the start).
    pub fn apply(&self, text: &mut String, enc: Encoding) {
        match self.range {
            None => *text = self.text.clone(),
            Some(r) => {
                let start = offset_at(text, r.start, enc);
                let end = offset_at(text, r.end, enc).max(start);
                text.replace_range(start..end, &self.text);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// URIs and fixture folders
// ---------------------------------------------------------------------------

/// `file://` URI of an absolute path (bytes outside the unreserved set and
/// `/` are percent-encoded).
pub fn uri_of(path: &Path) -> String {
    let s = path.to_str().expect("test paths are UTF-8");
    let mut out = String::from("file://");
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a `file://` URI (percent-decoded).
pub fn path_of(uri: &str) -> PathBuf {
    let rest = uri
        .strip_prefix("file://")
        .unwrap_or_else(|| panic!("not a file URI: {uri}"));
    let b = rest.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    PathBuf::from(String::from_utf8(out).expect("UTF-8 path"))
}

/// `tests/fixtures/lsp/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lsp")
        .join(name)
}

/// A copy of a fixture folder in the system's temp dir, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    /// A fresh, empty, uniquely named folder.
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "scholia-test-{tag}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).expect("create a temp dir");
        TempDir { path }
    }

    /// A copy of `tests/fixtures/lsp/<name>`.
    pub fn copy_of(name: &str) -> TempDir {
        let dir = TempDir::new(name);
        copy_tree(&fixture(name), &dir.path);
        dir
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).expect("read a fixture file")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

// ---------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------

pub const ERROR: u64 = 1;
pub const WARNING: u64 = 2;
pub const INFO: u64 = 3;
pub const HINT: u64 = 4;

/// One published diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub range: Range,
    pub severity: u64,
    pub code: String,
    pub source: String,
    pub message: String,
}

impl Diag {
    pub fn from_json(v: &Value) -> Diag {
        Diag {
            range: Range::from_json(&v["range"]),
            severity: v["severity"].as_u64().unwrap_or(0),
            code: v["code"].as_str().unwrap_or("").to_string(),
            source: v["source"].as_str().unwrap_or("").to_string(),
            message: v["message"].as_str().unwrap_or("").to_string(),
        }
    }

    /// (code, range, severity): what most assertions compare.
    pub fn key(&self) -> (&str, Range, u64) {
        (self.code.as_str(), self.range, self.severity)
    }
}

/// The (code, range, severity) of each diagnostic, in order.
pub fn keys(diags: &[Diag]) -> Vec<(&str, Range, u64)> {
    diags.iter().map(Diag::key).collect()
}

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

/// A running `scholia lsp` and the client side of the conversation.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Frames read by the stdout thread; `Err` for a malformed one.
    rx: Receiver<Result<Value, String>>,
    /// Ids of the requests we send start at 1000: the ones below are free
    /// for tests that write requests by hand.
    next_id: i64,
    /// Every notification received, in order.
    pub notifications: Vec<Value>,
    /// (method, uri) and (method, None) → indexes into `notifications`.
    index: HashMap<(String, Option<String>), Vec<usize>>,
    /// Every request the server sent us (answered with `null`).
    pub server_requests: Vec<Value>,
    /// Responses that arrived while another was awaited, by their id
    /// written as JSON (ids may be numbers, strings or null).
    responses: HashMap<String, Value>,
    /// The position encoding the server chose.
    pub encoding: Encoding,
    /// The version last sent for each open URI.
    versions: HashMap<String, i32>,
    stderr: Arc<Mutex<String>>,
    /// How much of `stderr` waits ignore (see `acknowledge_stderr`).
    stderr_acknowledged: usize,
    /// How long a request or a wait may take before the test fails.
    timeout: Duration,
}

impl Client {
    /// Spawns `scholia lsp` (not yet initialized).
    pub fn spawn() -> Client {
        Client::spawn_with(&[])
    }

    /// Spawns `scholia lsp` with these environment variables set (e.g.
    /// `SCHOLIA_TEST_HOOKS=1`).
    pub fn spawn_with(env: &[(&str, &str)]) -> Client {
        let mut command = Command::new(env!("CARGO_BIN_EXE_scholia"));
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // The TEI command's kept renderings (export::cache_dir) go below
        // target/, not into the home folder of whoever runs the tests.
        command.env(
            "SCHOLIA_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-renders"),
        );
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("spawn `scholia lsp`");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let (tx, rx) = channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                match read_frame(&mut reader) {
                    Ok(Some(message)) => {
                        if tx.send(Ok(message)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            next_id: 1000,
            notifications: Vec::new(),
            index: HashMap::new(),
            server_requests: Vec::new(),
            responses: HashMap::new(),
            encoding: Encoding::Utf16,
            versions: HashMap::new(),
            stderr,
            stderr_acknowledged: 0,
            timeout: TIMEOUT,
        }
    }

    /// Spawns `scholia lsp` with the test hooks on (`scholia/test/panic`,
    /// `scholia/test/block`, `scholia/test/holdLoads`).
    pub fn spawn_with_hooks() -> Client {
        Client::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")])
    }

    /// Waits up to `timeout` (instead of [`TIMEOUT`]) for each response,
    /// notification or log line.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Spawns the server and initializes it with `root` as the workspace
    /// folder (if any), offering `encodings` (if any).
    pub fn start(root: Option<&Path>, encodings: Option<&[&str]>) -> Client {
        let mut client = Client::spawn();
        client.initialize(root, encodings);
        client
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr contains `needle` (the server logs
    /// asynchronously); returns stderr.
    pub fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + self.timeout;
        loop {
            let s = self.stderr();
            if s.contains(needle) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "stderr never said `{needle}`; stderr:\n{s}"
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// True when the server reported a panic on stderr (it catches them and
    /// lives on, possibly with a stale document).
    pub fn panicked(&self) -> bool {
        self.stderr().contains("panicked at")
    }

    /// Waits for notifications fail at once when the server reports a panic
    /// on stderr; this forgets the panics reported so far (for tests that
    /// provoke one on purpose).
    pub fn acknowledge_stderr(&mut self) {
        self.stderr_acknowledged = self.stderr().len();
    }

    /// True while the server process runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("serialize");
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|_| stdin.flush())
            .unwrap_or_else(|e| panic!("write to the server: {e}; stderr:\n{}", self.stderr()));
    }

    /// Writes raw bytes to the server's stdin (for malformed-input tests);
    /// a failed write is ignored.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).and_then(|_| stdin.flush()).ok();
    }

    /// Writes raw bytes to the server's stdin; a failed write fails the
    /// test (the fault suites: the server must keep reading).
    pub fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin
            .write_all(bytes)
            .and_then(|_| stdin.flush())
            .unwrap_or_else(|e| panic!("write to the server: {e}"));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits (at most `TIMEOUT`) for its response:
    /// `Ok(result)` or `Err(error)`. Server requests that arrive meanwhile are
    /// answered with `null`; notifications are kept.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Sends a request without waiting for its response; returns its id
    /// (for `response` and `has_response`).
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Whether the response to request `id` has arrived (without waiting).
    pub fn has_response(&mut self, id: i64) -> bool {
        self.answered(&json!(id))
    }

    /// Files every message already received, without waiting; returns
    /// whether the response with this id (of any JSON type) is among them
    /// (it stays available to `reply`).
    pub fn answered(&mut self, id: &Value) -> bool {
        self.drain();
        self.responses.contains_key(&id.to_string())
    }

    /// Waits (at most the timeout) for the response to request `id`:
    /// `Ok(result)` or `Err(error)`. Server requests that arrive meanwhile
    /// are answered with `null`; notifications and other responses are kept.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message = self.reply(&json!(id));
        match message.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Waits (at most the timeout) for the whole response object with this
    /// id, of any JSON type (`{"id", "result"}` or `{"id", "error"}`).
    pub fn reply(&mut self, id: &Value) -> Value {
        let key = id.to_string();
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(message) = self.responses.remove(&key) {
                return message;
            }
            if self.recv_until(deadline).is_none() {
                let alive = self.alive();
                panic!(
                    "no response to request {id} within {:?} (alive: {alive}); stderr:\n{}",
                    self.timeout,
                    self.stderr()
                );
            }
        }
    }

    /// Sends a request and waits for its whole response object.
    pub fn request_reply(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.reply(&json!(id))
    }

    /// The next message from the server, whatever it is, not filed (a
    /// server request is not answered); `None` after `wait`.
    pub fn next_message(&mut self, wait: Duration) -> Option<Value> {
        match self.rx.recv_timeout(wait) {
            Ok(Ok(message)) => Some(message),
            Ok(Err(e)) => panic!("the server wrote a malformed frame: {e}"),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// A hover request that must be answered with a result, and the
    /// process alive: the server is still serving.
    pub fn still_serving(&mut self) {
        let reply = self.request_reply(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///nowhere/x.scholia" },
                    "position": { "line": 0, "character": 0 } }),
        );
        assert!(
            reply.get("result").is_some(),
            "the server no longer answers: {reply}; stderr:\n{}",
            self.stderr()
        );
        assert!(
            self.alive(),
            "the server exited; stderr:\n{}",
            self.stderr()
        );
    }

    /// Closes stdin; returns how long the process took to exit, or `None`
    /// when it still runs after `limit` (it is then killed).
    pub fn close_and_time_exit(&mut self, limit: Duration) -> Option<(Duration, ExitStatus)> {
        let start = Instant::now();
        self.stdin = None;
        self.wait_exit(start, limit)
    }

    /// Waits for the process to exit (reaping it: no zombie is left);
    /// `None` when it still runs `limit` after `start` (it is then killed).
    pub fn wait_exit(&mut self, start: Instant, limit: Duration) -> Option<(Duration, ExitStatus)> {
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some((start.elapsed(), status));
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Receives one message before `deadline` and files it: a server request
    /// is answered, a notification stored. Responses are returned as is.
    fn recv_until(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(Ok(message)) => {
                self.file(&message);
                Some(message)
            }
            Ok(Err(e)) => panic!(
                "the server wrote a malformed frame: {e}; stderr:\n{}",
                self.stderr()
            ),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!(
                "the server closed its stdout (exit status {:?}); stderr:\n{}",
                self.child.try_wait(),
                self.stderr()
            ),
        }
    }

    fn file(&mut self, message: &Value) {
        match (message.get("method"), message.get("id")) {
            (Some(_), Some(id)) => {
                self.server_requests.push(message.clone());
                let reply = json!({ "jsonrpc": "2.0", "id": id, "result": null });
                self.send(&reply);
            }
            (None, Some(id)) => {
                self.responses.insert(id.to_string(), message.clone());
            }
            (Some(method), None) => {
                let i = self.notifications.len();
                let method = method.as_str().unwrap_or("").to_string();
                if let Some(uri) = message["params"]["uri"].as_str() {
                    let key = (method.clone(), Some(uri.to_string()));
                    self.index.entry(key).or_default().push(i);
                }
                self.index.entry((method, None)).or_default().push(i);
                self.notifications.push(message.clone());
            }
            _ => {}
        }
    }

    /// Files every message that has already arrived, without waiting.
    pub fn drain(&mut self) {
        while let Ok(message) = self.rx.try_recv() {
            match message {
                Ok(message) => self.file(&message),
                Err(e) => panic!("the server wrote a malformed frame: {e}"),
            }
        }
    }

    /// Files whatever arrives during `quiet` (for "nothing more comes" checks).
    pub fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        while self.recv_until(deadline).is_some() {}
    }

    /// The newest notification `method` whose params satisfy `pred`: one
    /// already received, or the first such to arrive within `TIMEOUT`.
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_indexed(method, None, 0, pred)
    }

    /// Like `wait_notification`, looking only at notifications `method`
    /// (about `uri`, when given) through the index, so that waiting stays
    /// cheap however many messages a long test has received.
    fn wait_indexed(
        &mut self,
        method: &str,
        uri: Option<&str>,
        from: usize,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        self.drain();
        let key = (method.to_string(), uri.map(str::to_string));
        let matching = |this: &Client, from: usize| -> Option<Value> {
            let list = this.index.get(&key)?;
            list[from.min(list.len())..]
                .iter()
                .rev()
                .map(|&i| &this.notifications[i]["params"])
                .find(|p| pred(p))
                .cloned()
        };
        if let Some(found) = matching(self, from) {
            return found;
        }
        let deadline = Instant::now() + self.timeout;
        let stderr_before = self.stderr_acknowledged;
        loop {
            let seen = self.index.get(&key).map_or(0, Vec::len).max(from);
            // Wait in short slices: a panic in the server (caught there,
            // so the process lives on) means the notification never comes.
            let slice = deadline.min(Instant::now() + Duration::from_millis(100));
            if self.recv_until(slice).is_none() {
                let stderr = self.stderr();
                if stderr[stderr_before..].contains("panicked at") {
                    panic!(
                        "the server panicked while we waited for {method} {}:\n{}",
                        uri.unwrap_or(""),
                        &stderr[stderr_before..]
                    );
                }
                if Instant::now() < deadline {
                    continue;
                }
                let received: Vec<&Value> = self
                    .index
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .map(|&i| &self.notifications[i]["params"])
                    .collect();
                panic!(
                    "no matching {method} {} within {:?}; received:\n{received:#?}\nstderr:\n{}",
                    uri.unwrap_or(""),
                    self.timeout,
                    self.stderr()
                );
            }
            if let Some(found) = matching(self, seen) {
                // Newer ones may be waiting already.
                self.drain();
                return matching(self, seen).unwrap_or(found);
            }
        }
    }

    /// The newest diagnostics published for `uri` (for `version`, when
    /// given), waiting for the first if none has arrived yet.
    pub fn diagnostics_for(&mut self, uri: &str, version: Option<i32>) -> Vec<Diag> {
        let params = self.wait_indexed(PUBLISH, Some(uri), 0, |p| {
            version.is_none_or(|v| p["version"].as_i64() == Some(v as i64))
        });
        diags_of(&params)
    }

    /// The newest diagnostics published for `uri` that satisfy `pred`,
    /// waiting up to `TIMEOUT` for them: for results that settle once the
    /// background index is built.
    pub fn wait_diagnostics(&mut self, uri: &str, pred: impl Fn(&[Diag]) -> bool) -> Vec<Diag> {
        let params = self.wait_indexed(PUBLISH, Some(uri), 0, |p| pred(&diags_of(p)));
        diags_of(&params)
    }

    /// The newest `publishDiagnostics` params (uri, version, diagnostics)
    /// for `uri` that satisfy `pred`, waiting for them.
    pub fn wait_published(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_indexed(PUBLISH, Some(uri), 0, pred)
    }

    /// How many diagnostics notifications have arrived for `uri` so far (a
    /// mark for `wait_diagnostics_after`).
    pub fn published(&mut self, uri: &str) -> usize {
        self.drain();
        let key = (PUBLISH.to_string(), Some(uri.to_string()));
        self.index.get(&key).map_or(0, Vec::len)
    }

    /// Like `wait_diagnostics`, among only the notifications for `uri`
    /// that arrived after the first `mark` (`published`).
    pub fn wait_diagnostics_after(
        &mut self,
        uri: &str,
        mark: usize,
        pred: impl Fn(&[Diag]) -> bool,
    ) -> Vec<Diag> {
        let params = self.wait_indexed(PUBLISH, Some(uri), mark, |p| pred(&diags_of(p)));
        diags_of(&params)
    }

    /// `initialize` then `initialized`. Records the negotiated encoding and
    /// returns the initialize result.
    pub fn initialize(&mut self, root: Option<&Path>, encodings: Option<&[&str]>) -> Value {
        let result = self.initialize_only(root, encodings);
        self.notify("initialized", json!({}));
        result
    }

    /// `initialize` without `initialized` (for tests that act in between).
    pub fn initialize_only(&mut self, root: Option<&Path>, encodings: Option<&[&str]>) -> Value {
        let mut general = json!({});
        if let Some(list) = encodings {
            general["positionEncodings"] = json!(list);
        }
        let folders = root.map(|r| {
            json!([{ "uri": uri_of(r), "name": r.file_name().and_then(|n| n.to_str()).unwrap_or("ws") }])
        });
        let params = json!({
            "processId": std::process::id(),
            "clientInfo": { "name": "scholia-tests" },
            "rootUri": root.map(uri_of),
            "workspaceFolders": folders,
            "capabilities": {
                "general": general,
                "textDocument": {
                    "synchronization": { "dynamicRegistration": false },
                    "hover": { "contentFormat": ["markdown", "plaintext"] },
                    "definition": { "linkSupport": false },
                    "publishDiagnostics": { "versionSupport": true },
                },
                "workspace": {
                    "workspaceFolders": true,
                    "didChangeWatchedFiles": { "dynamicRegistration": true },
                },
            },
        });
        let result = self
            .request("initialize", params)
            .unwrap_or_else(|e| panic!("initialize failed: {e}"));
        self.encoding = match result["capabilities"]["positionEncoding"].as_str() {
            None => Encoding::Utf16,
            Some(name) => Encoding::from_name(name)
                .unwrap_or_else(|| panic!("unknown position encoding {name}")),
        };
        result
    }

    /// `didOpen` of `path` with `text` at version 1; returns the URI.
    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri_of(path);
        self.open_uri(&uri, text);
        uri
    }

    /// `didOpen` of a URI at version 1.
    pub fn open_uri(&mut self, uri: &str, text: &str) {
        self.versions.insert(uri.to_string(), 1);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "scholia", "version": 1, "text": text,
            }}),
        );
    }

    /// `didOpen` of `path` with its text on disk; returns (URI, text).
    pub fn open_file(&mut self, path: &Path) -> (String, String) {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        (self.open(path, &text), text)
    }

    /// `didChange` of `path` at `version` with `changes`, in order.
    pub fn change(&mut self, path: &Path, version: i32, changes: &[Change]) {
        self.change_uri(&uri_of(path), version, changes);
    }

    pub fn change_uri(&mut self, uri: &str, version: i32, changes: &[Change]) {
        self.versions.insert(uri.to_string(), version);
        let changes: Vec<Value> = changes.iter().map(Change::json).collect();
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": changes,
            }),
        );
    }

    /// The version last sent for `uri`.
    pub fn version(&self, uri: &str) -> i32 {
        self.versions.get(uri).copied().unwrap_or(0)
    }

    pub fn close(&mut self, path: &Path) {
        let uri = uri_of(path);
        self.versions.remove(&uri);
        self.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }

    /// `textDocument/hover` at `at` in `path`: the result (`null` when
    /// nothing is there). Panics on an error reply.
    pub fn hover(&mut self, path: &Path, at: Pos) -> Value {
        self.position_request("textDocument/hover", path, at)
    }

    /// `textDocument/definition`, as a list of (path, range) whatever the
    /// reply's shape (`null`, a location, locations or location links).
    pub fn definition(&mut self, path: &Path, at: Pos) -> Vec<(PathBuf, Range)> {
        let result = self.position_request("textDocument/definition", path, at);
        let list = match result {
            Value::Null => Vec::new(),
            Value::Array(list) => list,
            one => vec![one],
        };
        list.iter()
            .map(|l| match l.get("targetUri") {
                Some(uri) => (
                    path_of(uri.as_str().expect("uri")),
                    Range::from_json(&l["targetSelectionRange"]),
                ),
                None => (
                    path_of(l["uri"].as_str().expect("uri")),
                    Range::from_json(&l["range"]),
                ),
            })
            .collect()
    }

    fn position_request(&mut self, method: &str, path: &Path, at: Pos) -> Value {
        let params = json!({
            "textDocument": { "uri": uri_of(path) },
            "position": at.json(),
        });
        self.request(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}; stderr:\n{}", self.stderr()))
    }
}

/// The diagnostics of a `publishDiagnostics` params object.
pub fn diags_of(params: &Value) -> Vec<Diag> {
    params["diagnostics"]
        .as_array()
        .map(|list| list.iter().map(Diag::from_json).collect())
        .unwrap_or_default()
}

/// The markdown (or plain) text of a hover result.
pub fn hover_text(hover: &Value) -> String {
    let contents = &hover["contents"];
    match contents {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .map(|p| p.as_str().or(p["value"].as_str()).unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join("\n\n"),
        other => other["value"].as_str().unwrap_or("").to_string(),
    }
}

/// The range of a hover result.
pub fn hover_range(hover: &Value) -> Option<Range> {
    hover
        .get("range")
        .filter(|r| !r.is_null())
        .map(Range::from_json)
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.alive() && self.stdin.is_some() {
            let id = self.next_id;
            self.next_id += 1;
            let shutdown = json!({ "jsonrpc": "2.0", "id": id, "method": "shutdown" });
            let exit = json!({ "jsonrpc": "2.0", "method": "exit" });
            for m in [shutdown, exit] {
                let body = m.to_string();
                if let Some(stdin) = self.stdin.as_mut() {
                    let _ = write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
                    let _ = stdin.flush();
                }
            }
        }
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Content-Length` framing of a body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// One frame of the server's output, strictly: header lines ended by CRLF
/// with a `Content-Length`, a blank line, a JSON body. `Ok(None)` at a
/// clean end of stream.
fn read_frame(r: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = String::new();
        let n = r.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err("end of stream inside a header".into())
            };
        }
        first = false;
        let Some(line) = line.strip_suffix("\r\n") else {
            return Err(format!("header line not ended by CRLF: {line:?}"));
        };
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(": ")
            .ok_or_else(|| format!("not a header: {line:?}"))?;
        if name == "Content-Length" {
            length = Some(value.parse::<usize>().map_err(|e| e.to_string())?);
        }
    }
    let length = length.ok_or("no Content-Length")?;
    let mut body = vec![0; length];
    r.read_exact(&mut body).map_err(|e| e.to_string())?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| format!("body is not JSON ({e}): {}", String::from_utf8_lossy(&body)))
}

/// Polls `f` until it returns `Some`, at most `TIMEOUT`; for results that
/// depend on the server's background index.
pub fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("{what}: not reached within {TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}
