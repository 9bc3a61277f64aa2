//! A raw-bytes LSP client for the fault suites: it writes whatever bytes a
//! test gives (malformed frames, wrong lengths, half messages), reads the
//! server's stdout strictly (every frame must be well-formed JSON: a
//! malformed reply fails the test) and can close stdin and time the exit.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Raw {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Result<Value, String>>,
    /// Notifications and server requests received, in order.
    pub notifications: Vec<Value>,
    /// Responses received while waiting for another one.
    responses: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// How long to wait for a response, diagnostics or a log line.
    timeout: Duration,
}

/// `file://` URI of an absolute path.
pub fn uri(path: &Path) -> String {
    let s = path.to_str().expect("UTF-8 path");
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

/// `Content-Length` framing of a body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Raw {
    /// Spawns `scholia lsp` with the test hooks on.
    pub fn spawn() -> Raw {
        Raw::spawn_with(&[("SCHOLIA_TEST_HOOKS", "1")])
    }

    pub fn spawn_with(env: &[(&str, &str)]) -> Raw {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scholia"));
        cmd.arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn scholia lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stderr_pipe = child.stderr.take().expect("stderr");
        let (tx, rx) = channel();
        thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                match read_frame(&mut r) {
                    Ok(Some(v)) => {
                        if tx.send(Ok(v)).is_err() {
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
            let mut r = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Raw {
            stdin: child.stdin.take(),
            child,
            rx,
            notifications: Vec::new(),
            responses: Vec::new(),
            stderr,
            next_id: 1000,
            timeout: TIMEOUT,
        }
    }

    /// Waits up to `timeout` (instead of [`TIMEOUT`]) for each response,
    /// diagnostics or log line.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr contains `needle` (the server logs asynchronously).
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

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin
            .write_all(bytes)
            .and_then(|_| stdin.flush())
            .unwrap_or_else(|e| panic!("write to the server: {e}"));
    }

    pub fn send(&mut self, message: &Value) {
        self.write(&frame(message.to_string().as_bytes()));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request with a fresh id; returns the id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its whole response object.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&json!(id))
    }

    /// The next message, whatever it is; `None` after `wait`.
    pub fn next(&mut self, wait: Duration) -> Option<Value> {
        match self.rx.recv_timeout(wait) {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => panic!("the server wrote a malformed frame: {e}"),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Waits for the response with this id (server requests are answered
    /// with null, notifications kept, other responses kept for later).
    pub fn response(&mut self, id: &Value) -> Value {
        if let Some(i) = self.responses.iter().position(|r| &r["id"] == id) {
            return self.responses.remove(i);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(m) = self.next(left) else {
                let timeout = self.timeout;
                panic!(
                    "no response with id {id} within {timeout:?} (alive: {}); stderr:\n{}",
                    self.alive(),
                    self.stderr()
                );
            };
            if &m["id"] == id && m.get("method").is_none() {
                return m;
            }
            self.keep(m);
        }
    }

    /// Keeps a message that is not the one waited for: a server request is
    /// answered with null and kept with the notifications; a response is
    /// kept for `response`.
    fn keep(&mut self, m: Value) {
        if m.get("method").is_some() {
            if let Some(rid) = m.get("id") {
                let reply = json!({ "jsonrpc": "2.0", "id": rid, "result": null });
                self.send(&reply);
            }
            self.notifications.push(m);
        } else {
            self.responses.push(m);
        }
    }

    /// Takes every message already received, without waiting; returns
    /// whether the response with this id is among the messages received so
    /// far (it stays available to `response`).
    pub fn answered(&mut self, id: &Value) -> bool {
        while let Some(m) = self.next(Duration::ZERO) {
            self.keep(m);
        }
        self.responses.iter().any(|r| &r["id"] == id)
    }

    /// `initialize` (with `root` as the workspace folder) and `initialized`.
    pub fn initialize(&mut self, root: Option<&Path>) -> Value {
        let folders = root.map(|r| json!([{ "uri": uri(r), "name": "ws" }]));
        let reply = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root.map(uri),
                "workspaceFolders": folders,
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "textDocument": { "publishDiagnostics": { "versionSupport": true } },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                },
            }),
        );
        assert!(reply.get("result").is_some(), "initialize failed: {reply}");
        self.notify("initialized", json!({}));
        reply
    }

    /// A hover request that must be answered with a result (the server is
    /// still serving).
    pub fn still_serving(&mut self) {
        let reply = self.request(
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

    /// The newest diagnostics published for `uri` satisfying `pred`.
    pub fn wait_diagnostics(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let found = |list: &[Value]| {
            list.iter()
                .rev()
                .find(|n| {
                    n["method"] == "textDocument/publishDiagnostics"
                        && n["params"]["uri"] == uri
                        && pred(&n["params"])
                })
                .map(|n| n["params"].clone())
        };
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(p) = found(&self.notifications) {
                return p;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left.min(Duration::from_millis(200))) {
                Some(m) => self.keep(m),
                None => assert!(
                    Instant::now() < deadline,
                    "no matching diagnostics for {uri}; stderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// Closes stdin; returns how long the process took to exit, or `None`
    /// when it still runs after `limit` (it is then killed).
    pub fn close_and_time_exit(&mut self, limit: Duration) -> Option<(Duration, ExitStatus)> {
        let start = Instant::now();
        self.stdin = None;
        self.wait_exit(start, limit)
    }

    /// Waits for the process to exit (reaping it: no zombie is left).
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
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.stdin = None;
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One frame of the server's output, strictly: a `Content-Length` header,
/// a blank line, a JSON body. `Ok(None)` at a clean end of stream.
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
        if !line.ends_with("\r\n") {
            return Err(format!("header line not ended by CRLF: {line:?}"));
        }
        let line = &line[..line.len() - 2];
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
