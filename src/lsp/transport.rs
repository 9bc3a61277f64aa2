//! The stdio transport in front of tower-lsp-server.
//!
//! tower-lsp-server reads stdin through tokio-util's `FramedRead`, which ends
//! the stream after the first decoding error: one message that is not JSON,
//! or JSON that is not a JSON-RPC message, and the server stops reading and
//! exits. So stdin is read here instead, on a thread of its own:
//!
//! - each frame is read (`Content-Length` matched case-insensitively, other
//!   headers ignored, garbage between frames skipped up to the next
//!   `Content-Length`), checked, and only a well-formed JSON-RPC message is
//!   passed on to tower-lsp, re-framed;
//! - a body that is not JSON gets a `-32700 Parse error` reply, JSON that is
//!   no JSON-RPC message a `-32600 Invalid Request` (with its `id` when it
//!   has a usable one), a frame without a usable length or above
//!   `MAX_MESSAGE` bytes an error too (its body is skipped without being
//!   kept); each also gets a line on stderr;
//! - a `Content-Length` longer than the body (the next message's header
//!   found inside it) is cut there, so the next message is not lost;
//! - when stdin closes, tower-lsp sees the end of its input and stops; if
//!   requests still run after `STDIN_GRACE`, `run` stops waiting for them.
//!
//! tower-lsp writes its output to a pipe; one task takes whole frames from
//! it and hands them to one thread that writes each to stdout at once; the
//! error replies made here and the raw answers (below) go to that thread
//! straight, so frames never interleave.
//!
//! Large answers skip tower-lsp's serialization (`RawAnswers`): it turns a
//! result into a `serde_json::Value` tree, then into a string, then frees
//! the tree, which costs microseconds per location of a references answer
//! (1 s for 100,000 locations). The handlers of `RAW_METHODS` write their
//! result's JSON straight to bytes (`answer_raw`); the response frame is
//! completed here with the request's id and sent to stdout, laid out as
//! tower-lsp lays out its own responses. An answer whose exact length is
//! known before it is written (references) is streamed: the header goes
//! out first and the body follows in `CHUNK`s while it is being written,
//! so the client reads the start of a 20 MB answer while the server still
//! writes its end. Should writing fail midway, the frame is still sent
//! whole (padded to the length promised) and an error response follows.

use std::future::Future;
use std::io::{Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{self, Request, Response};
use tower_service::Service;

/// The largest message read; a longer one is skipped and answered with an
/// error (a 50 MB document, escaped as JSON, fits with room to spare).
pub const MAX_MESSAGE: usize = 256 << 20;
/// Header lines longer than this are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;
/// How long requests may still run once stdin has closed.
pub const STDIN_GRACE: Duration = Duration::from_millis(500);

const PIPE: usize = 1 << 16;

/// tower-lsp's ends of the transport, and what `run` waits on.
pub struct Stdio {
    /// What tower-lsp reads: well-formed messages only.
    pub input: DuplexStream,
    /// Where tower-lsp writes.
    pub output: DuplexStream,
    /// Fires when stdin has closed (or failed).
    pub closed: oneshot::Receiver<()>,
    /// Copies output to stdout; ends when `output` is dropped and every
    /// frame sent before is written.
    pub writer: tokio::task::JoinHandle<()>,
    /// Frames written to stdout beside tower-lsp's (the raw answers).
    pub replies: mpsc::UnboundedSender<Frame>,
}

/// Bytes to write to stdout, from `start` on: a whole frame, or the start
/// of one whose other bytes come through `rest`, in order, until its
/// sender is dropped.
pub struct Frame {
    bytes: Vec<u8>,
    start: usize,
    rest: Option<std::sync::mpsc::Receiver<Vec<u8>>>,
    /// Holds one of `write_output`'s permits, given back once written.
    permit: bool,
    /// Fired once this frame is written (`write_output` sends an empty
    /// one last, to know that every frame before it is out).
    flushed: Option<oneshot::Sender<()>>,
}

impl From<Vec<u8>> for Frame {
    fn from(bytes: Vec<u8>) -> Frame {
        Frame {
            bytes,
            start: 0,
            rest: None,
            permit: false,
            flushed: None,
        }
    }
}

impl Frame {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

/// Starts the reader thread and the writer task (inside a tokio runtime).
pub fn stdio() -> Stdio {
    let (input, mut feed) = tokio::io::duplex(PIPE);
    let (output, drain) = tokio::io::duplex(PIPE);
    let (frames_tx, mut frames_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let permits = Arc::new(tokio::sync::Semaphore::new(QUEUED_FRAMES));
    let replies = stdout_thread(permits.clone());
    let replies_tx = replies.clone();
    let (closed_tx, closed) = oneshot::channel();

    // stdin → checked frames (a thread: it must notice the end of stdin even
    // while every runtime thread is busy).
    std::thread::Builder::new()
        .name("scholia-stdin".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut reader = Reader::new(stdin.lock());
            read_messages(&mut reader, MAX_MESSAGE, &frames_tx, &replies_tx);
            drop(frames_tx);
            let _ = closed_tx.send(());
        })
        .expect("start the stdin thread");

    // checked frames → tower-lsp, in order.
    tokio::spawn(async move {
        while let Some(frame) = frames_rx.recv().await {
            if feed.write_all(&frame).await.is_err() {
                break;
            }
        }
        let _ = feed.shutdown().await;
    });

    let writer = tokio::spawn(write_output(drain, replies.clone(), permits));
    Stdio {
        input,
        output,
        closed,
        writer,
        replies,
    }
}

/// tower-lsp's frames waiting for the stdout thread at most (then the
/// writer task waits: a client that does not read holds the server's
/// output back, as a full pipe would).
const QUEUED_FRAMES: usize = 16;
/// The capacity asked for the stdout pipe (Linux's default is 64 KiB, the
/// most an unprivileged process may ask is 1 MiB).
const STDOUT_PIPE: libc::c_int = 1 << 20;

/// Copies tower-lsp's frames to the stdout thread, whole, in order, each
/// holding one of `permits`; then waits until all are written.
async fn write_output(
    drain: DuplexStream,
    stdout: mpsc::UnboundedSender<Frame>,
    permits: Arc<tokio::sync::Semaphore>,
) {
    let mut drain = tokio::io::BufReader::new(drain);
    while let Some(bytes) = read_frame(&mut drain).await {
        // Closed when stdout failed.
        let Ok(permit) = permits.acquire().await else {
            return;
        };
        permit.forget();
        let frame = Frame {
            permit: true,
            ..Frame::from(bytes)
        };
        if stdout.send(frame).is_err() {
            return;
        }
    }
    // Replies and raw answers queued before this point still go out.
    let (tx, flushed) = oneshot::channel();
    let marker = Frame {
        flushed: Some(tx),
        ..Frame::from(Vec::new())
    };
    if stdout.send(marker).is_ok() {
        let _ = flushed.await;
    }
}

/// A thread that writes each frame it is sent to stdout with one
/// `write_all` (a streamed frame: one per piece), straight to file
/// descriptor 1: not through tokio's `Stdout` (which copies a frame in
/// 2 MiB pieces to a blocking thread) nor std's (a `LineWriter`, which
/// scans each piece for a newline). A 14 MB answer is one copy into the
/// pipe. Nothing else is written while a streamed frame is incomplete.
fn stdout_thread(permits: Arc<tokio::sync::Semaphore>) -> mpsc::UnboundedSender<Frame> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Frame>();
    std::thread::Builder::new()
        .name("scholia-stdout".into())
        .spawn(move || {
            // SAFETY: descriptor 1 stays open for the life of the process;
            // `ManuallyDrop` never closes it.
            let mut out = ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(1) });
            // Fewer round trips with the client for large answers; best
            // effort (stdout may be no pipe, or the limit lower).
            #[cfg(target_os = "linux")]
            // SAFETY: a plain fcntl on descriptor 1; failure is ignored.
            unsafe {
                libc::fcntl(1, libc::F_SETPIPE_SZ, STDOUT_PIPE);
            }
            while let Some(frame) = rx.blocking_recv() {
                let mut ok = out.write_all(frame.as_bytes()).is_ok();
                if let Some(rest) = &frame.rest {
                    // The writer always ends its frame (or drops the sender).
                    for piece in rest.iter() {
                        ok = ok && out.write_all(&piece).is_ok();
                        give_back(piece);
                    }
                }
                if frame.permit {
                    permits.add_permits(1);
                }
                if let Some(flushed) = frame.flushed {
                    let _ = flushed.send(());
                }
                give_back(frame.bytes);
                if !ok {
                    // The client is gone: the writer task stops too.
                    permits.close();
                    break;
                }
            }
        })
        .expect("start the stdout thread");
    tx
}

/// One frame of tower-lsp's own output (well-formed by construction).
async fn read_frame(r: &mut tokio::io::BufReader<DuplexStream>) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        head.extend_from_slice(line.as_bytes());
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).await.ok()?;
    head.extend_from_slice(&body);
    Some(head)
}

/// The requests whose handlers may write their result straight to bytes.
pub const RAW_METHODS: &[&str] = &["textDocument/references", "textDocument/rename"];

/// What the handler of a request under `RawAnswers` made of its answer.
enum Answered {
    No,
    /// A whole frame but its header, sent once the handler has succeeded.
    Whole(Vec<u8>),
    /// Already sent (streamed): nothing else may answer the request.
    Streamed,
}

/// A request's id, where its frame goes, and its answer.
struct Slot {
    id: jsonrpc::Id,
    out: mpsc::UnboundedSender<Frame>,
    answered: Answered,
}

tokio::task_local! {
    /// The slot of the request whose handler runs (see `answer_raw`).
    static RAW: Arc<Mutex<Slot>>;
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Room kept in front of a raw answer for its `Content-Length` header
/// (`Content-Length: ` + 20 digits + `\r\n\r\n`).
const HEAD: usize = 40;
/// A successful response as tower-lsp writes it: `jsonrpc`, `result`, `id`.
const RESULT_PREFIX: &[u8] = br#"{"jsonrpc":"2.0","result":"#;
/// A streamed answer goes to stdout in pieces of about this many bytes.
pub const CHUNK: usize = 1 << 20;

/// Where JSON is written: a buffer, or a `Sink` that sends what is
/// written so far whenever the writer says a value ended (`value_done`).
pub trait JsonOut {
    fn buf(&mut self) -> &mut Vec<u8>;
    /// A value ended here: the bytes so far may be sent.
    fn value_done(&mut self) {}
}

impl JsonOut for Vec<u8> {
    fn buf(&mut self) -> &mut Vec<u8> {
        self
    }
}

/// The body of a raw answer being written. Without a promised length it
/// is kept whole and framed at the end. With one above `CHUNK`, the
/// header promising it goes to the stdout thread with the first piece and
/// the rest follows piece by piece; the frame always has the promised
/// length: padded with spaces when fewer bytes came (JSON allows trailing
/// whitespace), cut when more came (`overflow`: then it is no answer and
/// an error response follows).
pub struct Sink {
    buf: Vec<u8>,
    /// The body's promised length, while the frame is being streamed.
    promised: Option<usize>,
    /// Bytes of the body handed to the stdout thread.
    sent: usize,
    pieces: Option<std::sync::mpsc::Sender<Vec<u8>>>,
    out: mpsc::UnboundedSender<Frame>,
    overflow: bool,
    finished: bool,
}

impl JsonOut for Sink {
    fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    fn value_done(&mut self) {
        if self.promised.is_some() && self.buf.len() >= CHUNK {
            self.send_piece();
        }
    }
}

impl Sink {
    fn new(promised: Option<usize>, out: mpsc::UnboundedSender<Frame>) -> Sink {
        let promised = promised.filter(|&n| n > CHUNK);
        let mut buf = match promised {
            Some(_) => take_piece(),
            None => std::mem::take(&mut *lock(&SPARE)),
        };
        buf.clear();
        buf.resize(HEAD, 0);
        buf.extend_from_slice(RESULT_PREFIX);
        Sink {
            buf,
            promised,
            sent: 0,
            pieces: None,
            out,
            overflow: false,
            finished: false,
        }
    }

    /// Where the body starts in `buf`: after the room for the header
    /// until the header is sent.
    fn body_start(&self) -> usize {
        if self.pieces.is_none() { HEAD } else { 0 }
    }

    /// The body's bytes sent or written so far.
    fn body_len(&self) -> usize {
        self.sent + self.buf.len() - self.body_start()
    }

    /// Sends the bytes written so far, with the header first.
    fn send_piece(&mut self) {
        let Some(total) = self.promised else {
            return;
        };
        let head = self.pieces.is_none();
        let from = self.body_start();
        if self.overflow {
            self.buf.truncate(from);
        }
        let len = self.buf.len() - from;
        if self.sent + len > total {
            self.buf.truncate(from + total - self.sent);
            self.overflow = true;
        }
        self.sent += self.buf.len() - from;
        let piece = std::mem::replace(&mut self.buf, take_piece());
        if head {
            let (tx, rx) = std::sync::mpsc::channel();
            self.pieces = Some(tx);
            let _ = self.out.send(framed(piece, total, Some(rx)));
        } else if let Some(tx) = &self.pieces {
            let _ = tx.send(piece);
        }
    }

    /// Completes a streamed frame to its promised length and closes it.
    fn end_stream(&mut self) {
        let Some(total) = self.promised else {
            return;
        };
        let have = self.body_len();
        if !self.overflow && have < total {
            self.buf.resize(self.buf.len() + total - have, b' ');
        }
        self.send_piece();
        self.pieces = None;
        self.promised = None;
    }

    /// The answer once `suffix` (the id) ends it; `None` when a streamed
    /// frame had to be cut (more bytes than promised).
    fn finish(mut self, suffix: &[u8]) -> Option<Answered> {
        self.buf.extend_from_slice(suffix);
        self.finished = true;
        let Some(total) = self.promised else {
            return Some(Answered::Whole(std::mem::take(&mut self.buf)));
        };
        let have = self.body_len();
        if have != total {
            eprintln!(
                "scholia: internal error: an answer of {have} bytes was announced as {total} bytes"
            );
        }
        self.end_stream();
        (!self.overflow).then_some(Answered::Streamed)
    }
}

impl Drop for Sink {
    /// A writer that panicked after the header went out: the frame is
    /// completed to its length (not valid JSON, the client drops it; an
    /// error response follows), so the next frames are read right.
    fn drop(&mut self) {
        if !self.finished && self.pieces.is_some() {
            self.end_stream();
        }
    }
}

/// Buffers of streamed pieces, given back by the stdout thread once
/// written (fresh memory for each piece costs page faults).
static PIECES: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
const POOLED_PIECES: usize = 8;

fn take_piece() -> Vec<u8> {
    let mut buf = lock(&PIECES).pop().unwrap_or_default();
    buf.clear();
    // Room for the piece and the value that crosses `CHUNK`.
    buf.reserve(CHUNK + CHUNK / 8);
    buf
}

/// Keeps a written buffer for the next answer: a piece's, or a whole
/// answer's when larger than the spare one.
fn give_back(buf: Vec<u8>) {
    let cap = buf.capacity();
    if (CHUNK..2 * CHUNK).contains(&cap) {
        let mut pool = lock(&PIECES);
        if pool.len() < POOLED_PIECES {
            pool.push(buf);
        }
    } else if cap >= 1 << 20 {
        keep_spare(buf);
    }
}

/// Answers the current request with the JSON that `write` writes (the
/// result alone, as serde_json writes the value the handler would
/// return, ending each value of a long list with `value_done`), when the
/// request runs under `RawAnswers`: then `Ok(true)`, and the handler
/// returns a placeholder that is never sent. `len` is the exact length of
/// that JSON when known: a long answer is then streamed. Elsewhere (a
/// method not in `RAW_METHODS`, the server driven in-process) `Ok(false)`
/// without calling `write`: the handler returns its typed result. A panic
/// in `write` is an internal error.
pub fn answer_raw(len: Option<usize>, write: impl FnOnce(&mut Sink)) -> jsonrpc::Result<bool> {
    let Ok(slot) = RAW.try_with(Arc::clone) else {
        return Ok(false);
    };
    let (suffix, out) = {
        let slot = lock(&slot);
        let mut suffix = b",\"id\":".to_vec();
        serde_json::to_writer(&mut suffix, &slot.id).expect("an id serializes");
        suffix.push(b'}');
        (suffix, slot.out.clone())
    };
    let promised = len.map(|n| RESULT_PREFIX.len() + n + suffix.len());
    let mut sink = Sink::new(promised, out);
    if catch_unwind(AssertUnwindSafe(|| write(&mut sink))).is_err() {
        eprintln!("scholia: internal error: writing an answer panicked");
        return Err(jsonrpc::Error::internal_error());
    }
    let Some(answered) = sink.finish(&suffix) else {
        return Err(jsonrpc::Error::internal_error());
    };
    lock(&slot).answered = answered;
    Ok(true)
}

/// The buffer of the largest raw answer written so far, kept for the next
/// one: an answer of 100,000 locations is 20 MB, and fresh memory for
/// each costs page faults (the allocator gives large blocks back to the
/// system soon after they are freed). At most `MAX_SPARE` bytes are kept.
static SPARE: Mutex<Vec<u8>> = Mutex::new(Vec::new());
const MAX_SPARE: usize = 64 << 20;

/// Keeps `buf` as the spare buffer if it is larger than the one kept.
fn keep_spare(buf: Vec<u8>) {
    if buf.capacity() > MAX_SPARE {
        return;
    }
    let mut spare = lock(&SPARE);
    if buf.capacity() > spare.capacity() {
        *spare = buf;
    }
}

/// A frame of a `body`-byte body whose bytes start at `HEAD` in `buf`:
/// the header is written in the room in front.
fn framed(
    mut buf: Vec<u8>,
    body: usize,
    rest: Option<std::sync::mpsc::Receiver<Vec<u8>>>,
) -> Frame {
    let head = format!("Content-Length: {body}\r\n\r\n");
    let start = HEAD - head.len();
    buf[start..HEAD].copy_from_slice(head.as_bytes());
    Frame {
        bytes: buf,
        start,
        rest,
        permit: false,
        flushed: None,
    }
}

/// tower-lsp's service with raw answers: a request of `RAW_METHODS` runs
/// with a slot for its answer (`answer_raw`); when its handler filled it
/// and succeeded, the frame goes to stdout from here (or went already,
/// streamed) and tower-lsp gets no response to write. Everything else
/// (errors, cancellations, requests refused before `initialize` or after
/// `shutdown`) passes through.
pub struct RawAnswers<S> {
    inner: S,
    out: mpsc::UnboundedSender<Frame>,
}

impl<S> RawAnswers<S> {
    pub fn new(inner: S, out: mpsc::UnboundedSender<Frame>) -> Self {
        RawAnswers { inner, out }
    }
}

type Answer<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

impl<S> Service<Request> for RawAnswers<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Answer<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = match req.id() {
            Some(id) if RAW_METHODS.contains(&req.method()) => id.clone(),
            _ => return Box::pin(self.inner.call(req)),
        };
        let fut = self.inner.call(req);
        let slot = Arc::new(Mutex::new(Slot {
            id,
            out: self.out.clone(),
            answered: Answered::No,
        }));
        let out = self.out.clone();
        Box::pin(async move {
            let response = RAW.scope(slot.clone(), fut).await?;
            let answered = std::mem::replace(&mut lock(&slot).answered, Answered::No);
            match (response, answered) {
                (_, Answered::Streamed) => Ok(None),
                (Some(r), Answered::Whole(buf)) if r.is_ok() => {
                    let body = buf.len() - HEAD;
                    // A closed stdout loses every answer alike.
                    let _ = out.send(framed(buf, body, None));
                    Ok(None)
                }
                (response, _) => Ok(response),
            }
        })
    }
}

/// `Content-Length` framing of `body`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_reply(id: Value, code: i64, message: &str) -> Vec<u8> {
    let reply = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    frame(reply.to_string().as_bytes())
}

/// A buffered reader that can put bytes back.
struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Reader<R> {
    fn new(inner: R) -> Self {
        Reader {
            inner,
            buf: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    /// Makes at least one unread byte available; false at the end.
    fn fill(&mut self) -> bool {
        if self.pos < self.buf.len() {
            return true;
        }
        if self.eof {
            return false;
        }
        self.buf.clear();
        self.pos = 0;
        let mut chunk = [0u8; PIPE];
        loop {
            match self.inner.read(&mut chunk) {
                Ok(0) => {
                    self.eof = true;
                    return false;
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    eprintln!("scholia: cannot read stdin: {e}");
                    self.eof = true;
                    return false;
                }
            }
        }
    }

    /// One line up to and including `\n`, at most `limit` bytes (a longer
    /// line comes back in pieces). `None` at the end of input.
    fn line(&mut self, limit: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        while out.len() < limit {
            if !self.fill() {
                return (!out.is_empty()).then_some(out);
            }
            let rest = &self.buf[self.pos..];
            let want = (limit - out.len()).min(rest.len());
            match rest[..want].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    out.extend_from_slice(&rest[..=i]);
                    self.pos += i + 1;
                    return Some(out);
                }
                None => {
                    out.extend_from_slice(&rest[..want]);
                    self.pos += want;
                }
            }
        }
        Some(out)
    }

    /// Exactly `n` bytes, or `None` when the input ends first.
    fn exact(&mut self, n: usize) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(PIPE * 16));
        while out.len() < n {
            if !self.fill() {
                return None;
            }
            let take = (n - out.len()).min(self.buf.len() - self.pos);
            out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
        }
        Some(out)
    }

    /// Skips `n` bytes without keeping them; false when the input ends first.
    fn skip(&mut self, mut n: usize) -> bool {
        while n > 0 {
            if !self.fill() {
                return false;
            }
            let take = n.min(self.buf.len() - self.pos);
            self.pos += take;
            n -= take;
        }
        true
    }

    /// Puts `bytes` back in front of the unread input.
    fn unread(&mut self, bytes: &[u8]) {
        let mut rest = bytes.to_vec();
        rest.extend_from_slice(&self.buf[self.pos..]);
        self.buf = rest;
        self.pos = 0;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The length a header line gives, when it has `Content-Length` (anywhere
/// in it: garbage may stand before it when a previous length was short).
fn content_length(line: &[u8]) -> Option<Result<usize, String>> {
    const NAME: &[u8] = b"content-length";
    let at = find(line, NAME)?;
    let rest = &line[at + NAME.len()..];
    let value = rest
        .strip_prefix(b":")
        .map(|v| String::from_utf8_lossy(v).trim().to_string());
    Some(match value {
        Some(v) => v
            .parse::<usize>()
            .map_err(|e| format!("bad Content-Length `{v}`: {e}")),
        None => Err("a Content-Length header without a colon".into()),
    })
}

/// What to do with one body.
enum Verdict {
    /// Pass on these bytes (the message re-serialized: canonical JSON,
    /// which tower-lsp is sure to take).
    Forward(Vec<u8>),
    Reply(Vec<u8>),
}

/// Notifications of LSP 3.17 a client may send; others are logged.
const KNOWN_NOTIFICATIONS: &[&str] = &[
    "initialized",
    "exit",
    "$/cancelRequest",
    "$/setTrace",
    "$/progress",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "textDocument/willSave",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeWorkspaceFolders",
    "workspace/didCreateFiles",
    "workspace/didRenameFiles",
    "workspace/didDeleteFiles",
    "window/workDoneProgress/cancel",
    "notebookDocument/didOpen",
    "notebookDocument/didChange",
    "notebookDocument/didSave",
    "notebookDocument/didClose",
];

/// A JSON-RPC id tower-lsp takes: an i64, a string or null.
fn valid_id(id: &Value) -> bool {
    matches!(id, Value::Null | Value::String(_)) || id.as_i64().is_some()
}

/// Why `v` is not a JSON-RPC 2.0 message tower-lsp can take (the rules of
/// its `Request` and `Response` types, which also accept what JSON-RPC
/// allows).
fn invalid(v: &Value) -> Option<&'static str> {
    let Some(o) = v.as_object() else {
        return Some("not a JSON object");
    };
    if o.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some("no `\"jsonrpc\": \"2.0\"`");
    }
    if o.get("id").is_some_and(|id| !valid_id(id)) {
        return Some("an `id` that is not an integer, a string or null");
    }
    match o.get("method") {
        Some(Value::String(_)) => None,
        Some(_) => Some("a `method` that is not a string"),
        None if o.contains_key("id") && (o.contains_key("result") ^ o.contains_key("error")) => {
            Response::deserialize(v)
                .is_err()
                .then_some("a response with a malformed `error`")
        }
        None => Some("neither a request, a notification nor a response"),
    }
}

/// Checks one message body: a JSON-RPC request, notification or response
/// that tower-lsp can take is forwarded; anything else is answered here.
fn judge(body: &[u8]) -> Verdict {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "scholia: malformed message ({} bytes, not JSON: {e}); answered with a parse error",
                body.len()
            );
            return Verdict::Reply(error_reply(Value::Null, -32700, "Parse error: not JSON"));
        }
    };
    let id = value.get("id").filter(|id| valid_id(id)).cloned();
    if let Some(why) = invalid(&value) {
        let id = id.unwrap_or(Value::Null);
        eprintln!(
            "scholia: invalid message (id {id}): {why}; answered with an invalid-request error"
        );
        return Verdict::Reply(error_reply(id, -32600, &format!("Invalid Request: {why}")));
    }
    let method = value.get("method").and_then(Value::as_str).unwrap_or("");
    match &id {
        // Every `$/` message is a notification; a `$/` request must get
        // MethodNotFound (LSP), which tower-lsp would leave unanswered.
        Some(id) if method.starts_with("$/") => {
            eprintln!(
                "scholia: unknown request {method} (id {id}); answered with method not found"
            );
            let reply = json!({
                "jsonrpc": "2.0",
                "id": id,
                "error": { "code": -32601, "message": "Method not found", "data": method },
            });
            return Verdict::Reply(frame(reply.to_string().as_bytes()));
        }
        None if value.get("method").is_some() && !KNOWN_NOTIFICATIONS.contains(&method) => {
            eprintln!("scholia: ignoring unknown notification `{method}`");
        }
        _ => {}
    }
    match serde_json::to_vec(&value) {
        Ok(bytes) => Verdict::Forward(bytes),
        Err(e) => {
            eprintln!("scholia: cannot re-encode a message: {e}");
            Verdict::Reply(error_reply(Value::Null, -32700, "Parse error"))
        }
    }
}

/// Reads frames until stdin ends: well-formed ones go to `frames`, error
/// replies to `replies`.
fn read_messages<R: Read>(
    reader: &mut Reader<R>,
    max: usize,
    frames: &mpsc::UnboundedSender<Vec<u8>>,
    replies: &mpsc::UnboundedSender<Frame>,
) {
    loop {
        // Headers, up to the blank line after a Content-Length.
        let mut length: Option<Result<usize, String>> = None;
        let mut garbage = 0usize;
        loop {
            let Some(line) = reader.line(MAX_HEADER_LINE) else {
                if garbage > 0 {
                    eprintln!("scholia: {garbage} bytes of garbage before the end of input");
                }
                return;
            };
            let content = line.strip_suffix(b"\n").unwrap_or(&line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.is_empty() {
                if length.is_some() {
                    break;
                }
                continue;
            }
            if let Some(l) = content_length(content) {
                length = Some(l);
            } else if length.is_none() {
                garbage += line.len();
            }
            // Other headers (Content-Type) are accepted and ignored.
        }
        if garbage > 0 {
            eprintln!("scholia: skipped {garbage} bytes of garbage between messages");
        }
        let n = match length {
            Some(Ok(n)) => n,
            Some(Err(why)) => {
                eprintln!("scholia: malformed header ({why}); answered with a parse error");
                if replies
                    .send(
                        error_reply(Value::Null, -32700, "Parse error: bad Content-Length").into(),
                    )
                    .is_err()
                {
                    return;
                }
                continue;
            }
            // The header loop ends only once a length was seen.
            None => continue,
        };
        if n > max {
            eprintln!(
                "scholia: a message of {n} bytes is above the limit of {max}; skipped and answered with an error"
            );
            let _ = replies.send(
                error_reply(
                    Value::Null,
                    -32600,
                    &format!("Invalid Request: message of {n} bytes exceeds the limit of {max}"),
                )
                .into(),
            );
            if !reader.skip(n) {
                return;
            }
            continue;
        }
        let Some(mut body) = reader.exact(n) else {
            eprintln!("scholia: the input ended inside a message of {n} bytes");
            return;
        };
        // A length too long swallows (part of) the next message: when the
        // body starts with a whole JSON value, that is the message, and the
        // rest goes back to the input.
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            let mut values =
                serde_json::Deserializer::from_slice(&body).into_iter::<serde::de::IgnoredAny>();
            if let Some(Ok(_)) = values.next() {
                let at = values.byte_offset();
                eprintln!(
                    "scholia: Content-Length {n} runs past the message's end at byte {at}; the rest is read again"
                );
                reader.unread(&body[at..]);
                body.truncate(at);
            }
        }
        match judge(&body) {
            Verdict::Forward(bytes) => {
                if frames.send(frame(&bytes)).is_err() {
                    return;
                }
            }
            Verdict::Reply(r) => {
                if replies.send(r.into()).is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the reader over `input`; returns (forwarded bodies, replies).
    fn run(input: &[u8]) -> (Vec<String>, Vec<Value>) {
        run_with(input, MAX_MESSAGE)
    }

    fn run_with(input: &[u8], max: usize) -> (Vec<String>, Vec<Value>) {
        let (ftx, mut frx) = mpsc::unbounded_channel();
        let (rtx, mut rrx) = mpsc::unbounded_channel();
        read_messages(&mut Reader::new(input), max, &ftx, &rtx);
        let mut frames = Vec::new();
        while let Ok(f) = frx.try_recv() {
            let s = String::from_utf8(f).unwrap();
            frames.push(s.split_once("\r\n\r\n").unwrap().1.to_string());
        }
        let mut replies = Vec::new();
        while let Ok(r) = rrx.try_recv() {
            let s = String::from_utf8(r.as_bytes().to_vec()).unwrap();
            replies.push(serde_json::from_str(s.split_once("\r\n\r\n").unwrap().1).unwrap());
        }
        (frames, replies)
    }

    fn msg(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    // Forwarded messages are re-serialized: keys come out sorted.
    const PING: &str = r#"{"id":1,"jsonrpc":"2.0","method":"x"}"#;

    #[test]
    fn good_messages_pass_through() {
        let input = format!("{}{}", msg(PING), msg(PING));
        assert_eq!(run(input.as_bytes()).0, vec![PING, PING]);
    }

    #[test]
    fn not_json_is_a_parse_error_and_the_next_message_is_read() {
        let input = format!("{}{}", msg("{\"oops\": "), msg(PING));
        let (frames, replies) = run(input.as_bytes());
        assert_eq!(frames, vec![PING]);
        assert_eq!(replies[0]["error"]["code"], -32700);
        assert_eq!(replies[0]["id"], Value::Null);
    }

    #[test]
    fn json_that_is_no_message_is_an_invalid_request_with_its_id() {
        let input = format!(
            "{}{}{}",
            msg(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            msg(r#"[1,2]"#),
            msg(PING)
        );
        let (frames, replies) = run(input.as_bytes());
        assert_eq!(frames, vec![PING]);
        assert_eq!(replies[0]["error"]["code"], -32600);
        assert_eq!(replies[0]["id"], 7);
        assert_eq!(replies[1]["id"], Value::Null);
    }

    #[test]
    fn lengths_too_short_too_long_or_unreadable() {
        let short = format!("Content-Length: 10\r\n\r\n{PING}");
        let long = format!("Content-Length: {}\r\n\r\n{PING}", PING.len() + 10);
        let bad = "Content-Length: lots\r\n\r\n";
        let input = format!("{short}{}{long}{}{bad}{}", msg(PING), msg(PING), msg(PING));
        let (frames, replies) = run(input.as_bytes());
        // The too-long one is recovered, and so is the message after it.
        assert_eq!(frames, vec![PING; 4], "{replies:?}");
        let codes: Vec<&Value> = replies.iter().map(|r| &r["error"]["code"]).collect();
        assert_eq!(codes, [-32700, -32700]);
    }

    #[test]
    fn headers_any_case_and_extra_headers() {
        let input = format!(
            "content-length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Other: 1\r\n\r\n{PING}",
            PING.len()
        );
        assert_eq!(run(input.as_bytes()).0, vec![PING]);
    }

    #[test]
    fn a_message_above_the_limit_is_skipped() {
        let mut input = b"Content-Length: 100001\r\n\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'[', 100_001));
        input.extend_from_slice(msg(PING).as_bytes());
        let (frames, replies) = run_with(&input, 100_000);
        assert_eq!(frames, vec![PING]);
        assert_eq!(replies.len(), 1);
    }

    #[test]
    fn garbage_and_invalid_utf8_between_messages() {
        let mut input = b"garbage\r\n\xff\xfe\r\n\r\n".to_vec();
        input.extend_from_slice(msg(PING).as_bytes());
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n\xff\xfe");
        input.extend_from_slice(msg(PING).as_bytes());
        let (frames, replies) = run(&input);
        assert_eq!(frames, vec![PING, PING]);
        assert_eq!(replies.len(), 1);
    }

    #[test]
    fn dollar_requests_get_method_not_found_and_odd_ids_are_refused() {
        let input = format!(
            "{}{}{}{}{}",
            msg(r#"{"jsonrpc":"2.0","id":3,"method":"$/unknown"}"#),
            msg(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#),
            msg(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#),
            msg(r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"x"}"#),
            msg(r#"{"jsonrpc":"1.0","id":4,"method":"x"}"#),
        );
        let (frames, replies) = run(input.as_bytes());
        assert_eq!(frames.len(), 1, "only the cancel notification passes");
        assert_eq!(replies[0]["error"]["code"], -32601);
        assert_eq!(replies[0]["id"], 3);
        assert_eq!(replies[1]["error"]["code"], -32600);
        assert_eq!(replies[1]["id"], Value::Null);
        assert_eq!(replies[3]["id"], 4);
    }

    use tower_lsp_server::jsonrpc::Id;

    /// What `answer_raw` sends for a request with this id, as the stdout
    /// thread writes it (streamed frames assembled), and its result.
    fn answered(
        id: Id,
        len: Option<usize>,
        write: impl FnOnce(&mut Sink),
    ) -> (jsonrpc::Result<bool>, Vec<Vec<u8>>, usize) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let slot = Arc::new(Mutex::new(Slot {
            id,
            out: tx.clone(),
            answered: Answered::No,
        }));
        let result = RAW.sync_scope(slot.clone(), || answer_raw(len, write));
        // As `RawAnswers` does once the handler succeeded.
        if let Answered::Whole(buf) = std::mem::replace(&mut lock(&slot).answered, Answered::No) {
            let body = buf.len() - HEAD;
            tx.send(framed(buf, body, None)).unwrap();
        }
        drop((slot, tx));
        let (mut frames, mut pieces) = (Vec::new(), 0);
        while let Ok(f) = rx.try_recv() {
            let mut bytes = f.as_bytes().to_vec();
            for piece in f.rest.iter().flat_map(|r| r.iter()) {
                bytes.extend_from_slice(&piece);
                pieces += 1;
            }
            frames.push(bytes);
        }
        (result, frames, pieces)
    }

    /// Enough values for a JSON list of more than two `CHUNK`s.
    const LONG: usize = 3 * CHUNK / 40;

    /// A list of `n` location-like values, as JSON.
    fn list(n: usize) -> Value {
        (0..n)
            .map(|i| json!({"range": {"end": i}, "uri": format!("file:///x/{i}")}))
            .collect()
    }

    /// Writes `v`'s JSON, a `value_done` after each element of a list.
    fn write(out: &mut impl JsonOut, v: &Value) {
        let Value::Array(items) = v else {
            serde_json::to_writer(out.buf(), v).unwrap();
            return;
        };
        out.buf().push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.buf().push(b',');
            }
            serde_json::to_writer(out.buf(), item).unwrap();
            out.value_done();
        }
        out.buf().push(b']');
    }

    /// The length of a frame's body, as its header says, and the body.
    fn split(frame: &[u8]) -> (usize, &[u8]) {
        let at = find(frame, b"\r\n\r\n").unwrap();
        let head = std::str::from_utf8(&frame[..at]).unwrap();
        let n = head
            .strip_prefix("Content-Length: ")
            .unwrap()
            .parse()
            .unwrap();
        (n, &frame[at + 4..])
    }

    #[test]
    fn a_raw_answer_is_framed_as_tower_lsp_frames_a_response() {
        // Small answers are sent whole; long ones are streamed when their
        // length is known.
        for n in [0, 1, 3, LONG] {
            let result = list(n);
            let exact = serde_json::to_vec(&result).unwrap().len();
            for id in [Id::Number(7), Id::String("a\"b".into()), Id::Null] {
                for len in [Some(exact), None] {
                    let (ok, frames, pieces) = answered(id.clone(), len, |out| write(out, &result));
                    assert_eq!(ok, Ok(true));
                    // The header and a piece, then at least two more.
                    let streamed = n == LONG && len.is_some();
                    assert_eq!(pieces >= 2, streamed, "{n} values, length {len:?}");
                    let body =
                        serde_json::to_string(&Response::from_ok(id.clone(), result.clone()))
                            .unwrap();
                    assert_eq!(
                        frames,
                        [frame(body.as_bytes())],
                        "{n} values, length {len:?}"
                    );
                }
            }
        }
        // Outside `RawAnswers` the handler answers as usual.
        assert_eq!(answer_raw(None, |_| unreachable!()), Ok(false));
    }

    #[test]
    fn a_streamed_frame_always_has_the_length_it_announced() {
        let result = list(LONG);
        let exact = serde_json::to_vec(&result).unwrap().len();
        let typed = serde_json::to_value(Response::from_ok(Id::Number(1), result.clone())).unwrap();
        // More room announced than written: padded with spaces, still the
        // same JSON.
        let (ok, frames, _) = answered(Id::Number(1), Some(exact + 10), |out| write(out, &result));
        assert_eq!(ok, Ok(true));
        let (n, body) = split(&frames[0]);
        assert_eq!((frames.len(), n), (1, body.len()));
        assert!(body.ends_with(b"}          "));
        assert_eq!(serde_json::from_slice::<Value>(body).unwrap(), typed);
        // Less room announced than written: the frame is cut at its length,
        // and the request is answered with an error instead.
        let (ok, frames, _) = answered(Id::Number(1), Some(exact - 10), |out| write(out, &result));
        assert_eq!(ok, Err(jsonrpc::Error::internal_error()));
        let (n, body) = split(&frames[0]);
        assert_eq!((frames.len(), n), (1, body.len()));
        // A writer that panics once the header went out: the frame still
        // has its length; before anything went out, nothing is sent.
        for (len, sent) in [(Some(exact), 1), (None, 0)] {
            let (ok, frames, _) = answered(Id::Number(1), len, |out| {
                write(out, &list(LONG / 2));
                panic!("a bug midway");
            });
            assert_eq!(ok, Err(jsonrpc::Error::internal_error()));
            assert_eq!(frames.len(), sent);
            if let Some(f) = frames.first() {
                let (n, body) = split(f);
                assert_eq!(n, body.len());
                assert!(n > CHUNK);
            }
        }
    }

    #[test]
    fn duplicate_keys_are_forwarded_once() {
        let input = msg(r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}"#);
        let (frames, _) = run(input.as_bytes());
        assert_eq!(frames, vec![r#"{"id":2,"jsonrpc":"2.0","method":"x"}"#]);
    }
}
