//! Protocol faults over the real stdio transport (SPEC §6: "a malformed
//! message, an unknown method … gets an error reply …; the server never
//! exits on bad input"). Each test sends the fault as raw bytes, checks the
//! JSON-RPC error (or that it was ignored with a line on stderr), then that
//! the server still answers. The server's output is read strictly: one
//! malformed frame from it fails the test.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::lsp_client::{Client, TIMEOUT, frame, uri_of as uri};

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INTERNAL_ERROR: i64 = -32603;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;

fn code(reply: &Value) -> i64 {
    reply["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error reply: {reply}"))
}

/// The server with the test hooks, not initialized.
fn spawned() -> Client {
    Client::spawn_with_hooks()
}

fn started() -> Client {
    let mut s = spawned();
    s.initialize(None, Some(&["utf-16"]));
    s
}

/// A document outside any workspace (never written to disk).
fn doc_uri(name: &str) -> String {
    uri(&PathBuf::from("/scholia-faults-nowhere").join(name))
}

fn hover(s: &mut Client, uri: &str, line: u32, character: u32) -> Value {
    s.request_reply(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
    )
}

/// Sends a raw frame body and returns the next error reply that arrives.
fn reply_to_body(s: &mut Client, body: &[u8]) -> Value {
    s.write(&frame(body));
    next_error(s)
}

fn next_error(s: &mut Client) -> Value {
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        if let Some(m) = s.next_message(Duration::from_millis(200))
            && m.get("error").is_some()
        {
            return m;
        }
    }
    panic!("no error reply; stderr:\n{}", s.stderr());
}

#[test]
fn malformed_json_gets_a_parse_error_and_the_server_keeps_serving() {
    let mut s = started();
    for body in [
        &b"{\"oops\": "[..],
        b"not json at all",
        b"\xff\xfe\x00garbage",
        br#"{"jsonrpc":"2.0","id":1,"method":"x","params":"\ud800"}"#,
        b"",
        b"   ",
    ] {
        if body.trim_ascii().is_empty() {
            // An empty body is no message either.
            s.write(&frame(body));
            continue;
        }
        let reply = reply_to_body(&mut s, body);
        assert_eq!(code(&reply), PARSE_ERROR, "{reply}");
        assert_eq!(reply["id"], Value::Null);
        s.still_serving();
    }
    s.wait_stderr("malformed message");
    s.still_serving();
}

#[test]
fn json_that_is_no_jsonrpc_message_gets_invalid_request() {
    let mut s = started();
    let cases: &[(&str, Value)] = &[
        ("[]", Value::Null),
        ("42", Value::Null),
        (r#""a string""#, Value::Null),
        (r#"{"foo":1}"#, Value::Null),
        (r#"{"jsonrpc":"1.0","id":5,"method":"shutdown"}"#, json!(5)),
        (r#"{"jsonrpc":"2.0","id":6,"method":7}"#, json!(6)),
        (r#"{"jsonrpc":"2.0","id":"s","method":null}"#, json!("s")),
        (
            r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
            Value::Null,
        ),
        (
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#,
            Value::Null,
        ),
        (r#"{"jsonrpc":"2.0","id":7}"#, json!(7)),
        (
            r#"[{"jsonrpc":"2.0","id":8,"method":"shutdown"}]"#,
            Value::Null,
        ),
        (
            r#"{"jsonrpc":"2.0","id":9,"result":1,"error":{"code":1,"message":"m"}}"#,
            json!(9),
        ),
    ];
    for (body, id) in cases {
        let reply = reply_to_body(&mut s, body.as_bytes());
        assert_eq!(code(&reply), INVALID_REQUEST, "{body}: {reply}");
        assert_eq!(&reply["id"], id, "{body}: {reply}");
    }
    // None of them was taken for the `shutdown` it names.
    s.still_serving();
    s.wait_stderr("invalid message");
}

#[test]
fn wrong_content_length_is_survived_and_later_messages_are_answered() {
    let mut s = started();
    let request = |id: i64| {
        json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                "params": { "textDocument": { "uri": "file:///x.scholia" },
                            "position": { "line": 0, "character": 0 } } })
        .to_string()
    };
    // Too short: the cut body is a parse error; the next message is read.
    let body = request(1);
    s.write(format!("Content-Length: 10\r\n\r\n{body}").as_bytes());
    s.write(&frame(request(2).as_bytes()));
    let reply = s.reply(&json!(2));
    assert!(reply.get("result").is_some(), "{reply}");

    // Too long: the message is recovered, and so is the one after it.
    let body = request(3);
    s.write(format!("Content-Length: {}\r\n\r\n{body}", body.len() + 25).as_bytes());
    s.write(&frame(request(4).as_bytes()));
    assert!(s.reply(&json!(3)).get("result").is_some());
    assert!(s.reply(&json!(4)).get("result").is_some());

    // Unreadable lengths, a header block without one, garbage lines.
    for head in [
        "Content-Length: lots\r\n\r\n",
        "Content-Length: -5\r\n\r\n",
        "Content-Length: 99999999999999999999999999\r\n\r\n",
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        "garbage line\r\n\r\n",
    ] {
        s.write(head.as_bytes());
        s.still_serving();
    }
    // Lower-case names, extra headers and LF-only line ends are accepted.
    let body = request(5);
    s.write(
        format!(
            "content-length: {}\nContent-Type: application/vscode-jsonrpc; charset=utf-8\nX-Extra: 1\n\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert!(s.reply(&json!(5)).get("result").is_some());
    s.still_serving();
}

#[test]
fn unknown_methods_get_method_not_found_and_unknown_notifications_are_logged() {
    let mut s = started();
    let reply = s.request_reply("scholia/noSuchMethod", json!({}));
    assert_eq!(code(&reply), METHOD_NOT_FOUND, "{reply}");
    // `$/` requests must be answered too (tower-lsp alone drops them).
    let reply = s.request_reply("$/noSuchRequest", json!({}));
    assert_eq!(code(&reply), METHOD_NOT_FOUND, "{reply}");
    s.notify("scholia/noSuchNotification", json!({ "x": 1 }));
    s.notify("$/noSuchNotification", json!({}));
    s.wait_stderr("ignoring unknown notification `scholia/noSuchNotification`");
    // The test hooks exist only with SCHOLIA_TEST_HOOKS=1.
    let mut plain = Client::spawn();
    plain.initialize(None, Some(&["utf-16"]));
    let reply = plain.request_reply("scholia/test/panic", json!({}));
    assert_eq!(code(&reply), METHOD_NOT_FOUND, "{reply}");
    s.still_serving();
}

#[test]
fn requests_before_initialize_are_refused_and_notifications_ignored() {
    let mut s = spawned();
    let u = doc_uri("early.scholia");
    let reply = hover(&mut s, &u, 0, 0);
    assert_eq!(code(&reply), SERVER_NOT_INITIALIZED, "{reply}");
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "scholia", "version": 1, "text": "[^1]" } }),
    );
    s.initialize(None, Some(&["utf-16"]));
    // The early didOpen was dropped: the document is not open.
    assert_eq!(hover(&mut s, &u, 0, 1)["result"], Value::Null);
    // A second initialize is an invalid request.
    let reply = s.request_reply("initialize", json!({ "capabilities": {} }));
    assert_eq!(code(&reply), INVALID_REQUEST, "{reply}");
    s.still_serving();
}

#[test]
fn requests_after_shutdown_are_invalid_and_exit_ends_the_process() {
    let mut s = started();
    let reply = s.request_reply("shutdown", Value::Null);
    assert_eq!(reply["result"], Value::Null, "{reply}");
    let reply = hover(&mut s, &doc_uri("late.scholia"), 0, 0);
    assert_eq!(code(&reply), INVALID_REQUEST, "{reply}");
    let reply = s.request_reply("shutdown", Value::Null);
    assert_eq!(code(&reply), INVALID_REQUEST, "{reply}");
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": doc_uri("late.scholia"), "languageId": "scholia", "version": 1, "text": "x" } }),
    );
    let start = Instant::now();
    s.notify("exit", Value::Null);
    let exited = s.wait_exit(start, Duration::from_secs(1));
    assert!(exited.is_some(), "no exit within 1 s of `exit`");
}

#[test]
fn notifications_for_unopened_documents_are_ignored_with_a_log_line() {
    let mut s = started();
    let u = doc_uri("never-opened.scholia");
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 },
                "contentChanges": [{ "text": "[" }] }),
    );
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    );
    s.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": u } }),
    );
    s.wait_stderr("never-opened.scholia which is not open; ignored");
    let log = s.wait_stderr("didClose for");
    assert!(log.contains("didChange for"), "{log}");
    // Requests on it answer "nothing here".
    assert_eq!(hover(&mut s, &u, 0, 0)["result"], Value::Null);
    let reply = s.request_reply(
        "textDocument/definition",
        json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");
    // Notifications with params of the wrong shape are dropped.
    s.notify("textDocument/didOpen", json!({ "textDocument": 5 }));
    s.notify("textDocument/didChange", json!("nonsense"));
    s.still_serving();
}

#[test]
fn stale_versions_are_applied_and_out_of_range_positions_clamped() {
    let mut s = started();
    let u = doc_uri("versions.scholia");
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "scholia", "version": 5,
                                   "text": "Text.[^1]\n\n[^1]: A note.\n" } }),
    );
    s.wait_published(&u, |p| p["version"] == 5);
    // A stale version (3 after 5): the client holds the text with this
    // change, so it is applied (logged), and diagnostics follow the text.
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 3 },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 5 },
                                                "end": { "line": 0, "character": 5 } },
                                     "text": "[^9]" }] }),
    );
    let p = s.wait_published(&u, |p| p["version"] == 3);
    let codes: Vec<&str> = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"undefined-footnote"), "{p}");
    s.wait_stderr("has version 3, not above 5; applied as sent");
    // Positions past every end: clamped to the end of the text.
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 6 },
                "contentChanges": [{ "range": { "start": { "line": 4000000000u32, "character": 4000000000u32 },
                                                "end": { "line": 7, "character": 0 } },
                                     "text": "Late [^8]." }] }),
    );
    let p = s.wait_published(&u, |p| p["version"] == 6);
    let last = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("[^8]"))
        .unwrap_or_else(|| panic!("no diagnostic for [^8]: {p}"))
        .clone();
    // The text had 3 lines (the last one empty): "Late [^8]." is on line 3.
    assert_eq!(
        last["range"]["start"],
        json!({ "line": 3, "character": 5 }),
        "{last}"
    );
    // Requests at positions past every end answer nothing, not an error.
    let reply = hover(&mut s, &u, 4_000_000_000, 4_000_000_000);
    assert!(reply.get("result").is_some(), "{reply}");
    s.still_serving();
}

#[test]
fn a_message_above_the_size_limit_is_skipped_with_an_error() {
    let mut s = started();
    // 300 MB, above the 256 MiB limit: read and dropped, never kept whole.
    const SIZE: usize = 300_000_000;
    s.write(format!("Content-Length: {SIZE}\r\n\r\n").as_bytes());
    let chunk = vec![b' '; 1 << 20];
    let mut left = SIZE;
    while left > 0 {
        let n = left.min(chunk.len());
        s.write(&chunk[..n]);
        left -= n;
    }
    let reply = next_error(&mut s);
    assert_eq!(code(&reply), INVALID_REQUEST, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("exceeds the limit"),
        "{reply}"
    );
    s.still_serving();
}

#[test]
fn a_storm_of_cancel_requests_leaves_every_request_answered() {
    let mut s = started();
    let u = doc_uri("storm.scholia");
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "scholia", "version": 1,
                                   "text": "Text.[^1]\n\n[^1]: A note.\n" } }),
    );
    let start = Instant::now();
    let mut ids = Vec::new();
    let mut batch = Vec::new();
    for i in 0..20_000i64 {
        // Cancels of requests that never existed, of ones in flight, of
        // ones already answered; ids of every JSON-RPC type.
        let id = match i % 4 {
            0 => json!(i + 1_000_000),
            1 => json!(format!("no-such-{i}")),
            2 => json!(ids.last().copied().unwrap_or(0)),
            _ => json!(null),
        };
        let cancel =
            json!({ "jsonrpc": "2.0", "method": "$/cancelRequest", "params": { "id": id } });
        batch.extend(frame(cancel.to_string().as_bytes()));
        if i % 100 == 0 {
            let id = 500_000 + i;
            let req = json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                "params": { "textDocument": { "uri": u }, "position": { "line": 0, "character": 6 } } });
            batch.extend(frame(req.to_string().as_bytes()));
            ids.push(id);
        }
        if batch.len() > 64 << 10 {
            s.write(&batch);
            batch.clear();
        }
    }
    s.write(&batch);
    for id in &ids {
        let reply = s.reply(&json!(id));
        let ok = reply.get("result").is_some()
            || reply["error"]["code"].as_i64() == Some(REQUEST_CANCELLED);
        assert!(ok, "{reply}");
    }
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "the storm took {took:?}");
    s.still_serving();
}

#[test]
fn closing_stdin_ends_the_server_within_a_second() {
    // After a session with an open document.
    let mut s = started();
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc_uri("bye.scholia"), "languageId": "scholia",
                                   "version": 1, "text": "Bye.[^1]\n" } }),
    );
    s.still_serving();
    let (took, _) = s
        .close_and_time_exit(Duration::from_secs(1))
        .unwrap_or_else(|| panic!("still running 1 s after stdin closed"));
    assert!(took < Duration::from_secs(1));

    // Before initialize.
    let mut s = spawned();
    assert!(
        s.close_and_time_exit(Duration::from_secs(1)).is_some(),
        "before initialize"
    );

    // In the middle of a message.
    let mut s = started();
    s.write(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
    assert!(
        s.close_and_time_exit(Duration::from_secs(1)).is_some(),
        "mid-message"
    );

    // While a request holds a thread and the state lock for 10 s.
    let mut s = started();
    s.send_request("scholia/test/block", json!({ "ms": 10_000 }));
    std::thread::sleep(Duration::from_millis(200));
    let exited = s.close_and_time_exit(Duration::from_secs(1));
    assert!(exited.is_some(), "a blocked handler kept the process alive");
}

#[test]
fn a_panic_in_a_handler_is_an_error_reply_and_the_next_request_works() {
    let mut s = started();
    let u = doc_uri("panic.scholia");
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "scholia", "version": 1,
                                   "text": "Text.[^1]\n\n[^1]: A note.\n" } }),
    );
    for _ in 0..3 {
        let reply = s.request_reply("scholia/test/panic", json!({}));
        assert_eq!(code(&reply), INTERNAL_ERROR, "{reply}");
        assert!(
            reply["error"]["message"]
                .as_str()
                .unwrap()
                .contains("a panic on purpose"),
            "{reply}"
        );
    }
    s.wait_stderr("scholia: internal error: scholia/test/panic");
    // The panics above were on purpose: waits for diagnostics must not
    // take them for a failure.
    s.acknowledge_stderr();
    // The lock the panic poisoned is taken over: requests and edits work.
    let reply = hover(&mut s, &u, 0, 6);
    assert!(
        reply["result"]["contents"].to_string().contains("A note."),
        "{reply}"
    );
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 2 },
                "contentChanges": [{ "text": "[^2]\n" }] }),
    );
    s.wait_published(&u, |p| p["version"] == 2);
    s.still_serving();
}

#[test]
fn exit_without_shutdown_ends_the_process() {
    let mut s = started();
    let start = Instant::now();
    s.notify("exit", Value::Null);
    assert!(s.wait_exit(start, Duration::from_secs(1)).is_some());
}
