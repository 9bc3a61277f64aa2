//! A minimal LSP client over the server's real stdio: Content-Length
//! framing, one reader thread that stamps every message the moment its last
//! byte is read (before JSON parsing), answers the server's own requests
//! (`window/workDoneProgress/create`, `client/registerCapability`) at once,
//! and hands everything to the benchmark through a channel.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One message from the server and when it arrived.
pub struct Msg {
    pub at: Instant,
    pub value: Value,
}

pub struct Client {
    pub child: Child,
    pub spawned: Instant,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<Msg>,
    /// Messages read while waiting for something else.
    backlog: VecDeque<Msg>,
    next_id: i64,
}

fn frame(value: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(value).expect("JSON values serialize");
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

fn write_frame(stdin: &Mutex<ChildStdin>, bytes: &[u8]) -> std::io::Result<()> {
    let mut w = stdin.lock().unwrap_or_else(|e| e.into_inner());
    w.write_all(bytes)?;
    w.flush()
}

impl Client {
    /// Spawns `bin lsp`, its standard error going to `stderr_log`.
    pub fn spawn(bin: &Path, stderr_log: &Path) -> Result<Client, String> {
        let log = std::fs::File::create(stderr_log)
            .map_err(|e| format!("{}: {e}", stderr_log.display()))?;
        let spawned = Instant::now();
        let mut child = Command::new(bin)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdin = Arc::new(Mutex::new(child.stdin.take().ok_or("no stdin")?));
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = channel();
        let replier = stdin.clone();
        thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 16, stdout);
            let mut line = String::new();
            loop {
                let mut len = None;
                loop {
                    line.clear();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("Content-Length:") {
                        len = v.trim().parse::<usize>().ok();
                    }
                }
                let Some(len) = len else { return };
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let at = Instant::now();
                let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                    continue;
                };
                if value.get("method").is_some()
                    && let Some(id) = value.get("id")
                {
                    let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                    let _ = write_frame(&replier, &frame(&reply));
                }
                if tx.send(Msg { at, value }).is_err() {
                    return;
                }
            }
        });
        Ok(Client {
            child,
            spawned,
            stdin,
            rx,
            backlog: VecDeque::new(),
            next_id: 1,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn recv(&mut self, deadline: Instant) -> Result<Msg, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(m) => Ok(m),
            Err(RecvTimeoutError::Timeout) => Err("timed out waiting for the server".into()),
            Err(RecvTimeoutError::Disconnected) => Err("the server closed its output".into()),
        }
    }

    /// Sends a notification; returns the instant just before the write.
    pub fn notify(&mut self, method: &str, params: Value) -> Result<Instant, String> {
        let bytes = frame(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
        let t0 = Instant::now();
        write_frame(&self.stdin, &bytes).map_err(|e| format!("write: {e}"))?;
        Ok(t0)
    }

    /// Sends a request and waits for its reply: (result or error, latency
    /// from the write to the reply's arrival).
    pub fn request(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<(Value, Duration), String> {
        let id = self.next_id;
        self.next_id += 1;
        let bytes = frame(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let t0 = Instant::now();
        write_frame(&self.stdin, &bytes).map_err(|e| format!("write: {e}"))?;
        let deadline = t0 + timeout;
        loop {
            let m = self.recv(deadline).map_err(|e| format!("{method}: {e}"))?;
            if m.value.get("method").is_none() && m.value.get("id") == Some(&json!(id)) {
                if let Some(err) = m.value.get("error") {
                    return Err(format!("{method}: error reply {err}"));
                }
                let result = m.value.get("result").cloned().unwrap_or(Value::Null);
                return Ok((result, m.at - t0));
            }
            self.keep(m);
        }
    }

    fn keep(&mut self, m: Msg) {
        // Only notifications are worth keeping; cap the backlog.
        if m.value.get("method").is_some() {
            if self.backlog.len() > 10_000 {
                self.backlog.pop_front();
            }
            self.backlog.push_back(m);
        }
    }

    /// Waits for a notification that satisfies `pred`, looking at the
    /// backlog first; what does not match stays in the backlog.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Result<Msg, String> {
        if let Some(i) = self.backlog.iter().position(|m| pred(&m.value)) {
            return Ok(self.backlog.remove(i).expect("index in range"));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let m = self.recv(deadline)?;
            if pred(&m.value) {
                return Ok(m);
            }
            self.keep(m);
        }
    }

    /// Moves every message already received into the backlog.
    pub fn pump(&mut self) {
        while let Ok(m) = self.rx.try_recv() {
            self.keep(m);
        }
    }

    /// Removes backlog messages matching `pred`, returning them.
    pub fn take(&mut self, mut pred: impl FnMut(&Value) -> bool) -> Vec<Msg> {
        self.pump();
        let (hit, rest): (Vec<Msg>, Vec<Msg>) =
            self.backlog.drain(..).partition(|m| pred(&m.value));
        self.backlog = rest.into();
        hit
    }

    /// Drops the backlog.
    pub fn clear(&mut self) {
        self.pump();
        self.backlog.clear();
    }

    /// `shutdown`, `exit`, then waits for the process (killing it after a
    /// few seconds).
    pub fn shutdown(mut self) {
        let _ = self.request("shutdown", Value::Null, Duration::from_secs(10));
        let _ = self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return;
                }
            }
        }
    }
}

/// Byte offset → LSP position (line, UTF-16 column).
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count();
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// Like `position`, with the line known to start at `line_start` and be
/// number `line` (cheap for repeated edits on one line).
pub fn position_on_line(text: &str, line: usize, line_start: usize, offset: usize) -> Value {
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// A `file://` URI for an absolute path (percent-encoding what a URI
/// cannot hold as is).
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// CPU time the process has used so far, in nanoseconds: the sum over its
/// threads of `/proc/PID/task/TID/schedstat` (time on CPU). Threads that
/// have exited are not counted, so deltas are taken over short spans.
pub fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}
