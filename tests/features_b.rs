//! Completion, document and workspace symbols, semantic tokens, folding
//! ranges and document links, through the real server over stdio: one case
//! per request as the smoke test of the wire, and what is about the
//! protocol (encodings, the semantic-token legend, ranges and deltas,
//! `completionItem/resolve`, `labelDetails`). The other completion and
//! symbol cases are data in process, in `tests/ide_more.rs`.
//!
//! The workspace is `tests/fixtures/features_b/ws`. Cursor cases are written
//! inline with a `$0` marker and opened as (unsaved) documents of that
//! workspace; answers are rendered as readable text and compared with
//! `expect![[…]]` snapshots (`UPDATE_EXPECT=1 cargo test --test features_b`
//! rewrites them: read the diff). Positions in the renderings are 0-based
//! `line:column` in the encoding the test negotiated (UTF-16 unless said).

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use serde_json::{Value, json};
use support::lsp_client::*;

fn ws() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features_b/ws")
}

/// A server with the fixture workspace, offering `encodings` (UTF-16 when
/// `None`), once its background index holds the three documents on disk
/// (rankings use how many documents mention an entry).
fn start(encodings: Option<&[&str]>) -> Client {
    let mut client = Client::start(Some(&ws()), encodings);
    wait_for_index(&mut client);
    client
}

fn wait_for_index(client: &mut Client) {
    eventually("the three documents indexed", || {
        let all = request(client, "workspace/symbol", json!({ "query": "" }));
        let files = all.as_array()?.iter().filter(|s| s["kind"] == 1).count();
        (files == 3).then_some(())
    });
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn request(client: &mut Client, method: &str, params: Value) -> Value {
    client
        .request(method, params)
        .unwrap_or_else(|e| panic!("{method} failed: {e}; stderr:\n{}", client.stderr()))
}

fn show_pos(p: Pos) -> String {
    format!("{}:{}", p.line, p.character)
}

fn show_range(r: Range) -> String {
    format!("{}-{}", show_pos(r.start), show_pos(r.end))
}

/// The text of `r` (in `enc`) in `text`.
fn text_of(text: &str, r: Range, enc: Encoding) -> String {
    text[offset_at(text, r.start, enc)..offset_at(text, r.end, enc)].to_string()
}

// ---------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------

fn completion_kind(k: &Value) -> &'static str {
    match k.as_u64() {
        Some(7) => "class",
        Some(9) => "module",
        Some(12) => "value",
        Some(18) => "reference",
        Some(22) => "struct",
        _ => "?",
    }
}

/// Completion at the `$0` of `fixture`, opened as `ws/<file>` in `client`:
/// the raw answer and the text without the marker.
fn complete_in(client: &mut Client, file: &str, fixture: &str) -> (Value, String) {
    let (text, at) = cursor(fixture, client.encoding);
    let path = ws().join(file);
    let uri = client.open(&path, &text);
    let params = json!({
        "textDocument": { "uri": uri },
        "position": at.json(),
        "context": { "triggerKind": 1 },
    });
    (request(client, "textDocument/completion", params), text)
}

/// One line per item, in the server's order (sortText order is asserted):
/// `label · detail · kind · edit range → new text`, with the filter text when
/// it is not the label, then the cursor's line after applying the first item.
fn render_completion(answer: &Value, text: &str, enc: Encoding) -> String {
    if answer.is_null() {
        return "null\n".into();
    }
    let items = answer["items"].as_array().expect("a CompletionList");
    let mut out = String::new();
    if answer["isIncomplete"] == true {
        out.push_str("(incomplete)\n");
    }
    if items.is_empty() {
        out.push_str("(no items)\n");
    }
    let sort: Vec<&str> = items
        .iter()
        .map(|i| i["sortText"].as_str().unwrap_or(""))
        .collect();
    assert!(sort.is_sorted(), "items come in sortText order: {sort:?}");
    for item in items {
        assert!(
            item.get("insertText").is_none(),
            "a textEdit, not insertText"
        );
        let edit = &item["textEdit"];
        let range = Range::from_json(&edit["range"]);
        let _ = write!(
            out,
            "{} · {} · {} · {} → {:?}",
            item["label"].as_str().unwrap_or("?"),
            item["detail"].as_str().unwrap_or("-"),
            completion_kind(&item["kind"]),
            show_range(range),
            edit["newText"].as_str().unwrap_or("?"),
        );
        let filter = item["filterText"].as_str().unwrap_or("");
        if filter != item["label"].as_str().unwrap_or("") {
            let _ = write!(out, " (filter {filter:?})");
        }
        if item["preselect"] == true {
            out.push_str(" (preselect)");
        }
        out.push('\n');
    }
    if let Some(first) = items.first() {
        let edit = &first["textEdit"];
        let range = Range::from_json(&edit["range"]);
        let mut applied = text.to_string();
        Change::replace(range, edit["newText"].as_str().unwrap_or("")).apply(&mut applied, enc);
        let line = applied.lines().nth(range.start.line as usize).unwrap_or("");
        let _ = writeln!(out, "applied: {line}");
    }
    out
}

fn check_completion(fixture: &str, expect: Expect) {
    let mut client = start(None);
    let (answer, text) = complete_in(&mut client, "typing.scholia", fixture);
    expect.assert_eq(&render_completion(&answer, &text, client.encoding));
}

#[test]
fn completion_after_double_bracket_lists_every_entry_with_kind_and_dates() {
    check_completion(
        "Met [[$0\n",
        expect![[r#"
            (incomplete)
            Zhou Enlai · person, 1898–1976 · class · 0:6-0:6 → "zhou-enlai]]"
            Joseph Stalin · person, 1878–1953 · class · 0:6-0:6 → "stalin]]"
            Mao Zedong · person, 1893–1976 · class · 0:6-0:6 → "mao-zedong]]"
            Port Arthur · place, East Asia · struct · 0:6-0:6 → "port-arthur]]"
            United Nations · organization, from 1945 · module · 0:6-0:6 → "un]]"
            Chinese Communist Party · organization, from 1921 · module · 0:6-0:6 → "ccp]]"
            Kim Il Sung · person, 1912–1994 · class · 0:6-0:6 → "kim-il-sung]]"
            Kim Tu-bong · person, 1889–1958 · class · 0:6-0:6 → "kim-tu-bong]]"
            Zhongnanhai · place, Beijing · struct · 0:6-0:6 → "zhongnanhai]]"
            applied: Met [[zhou-enlai]]
        "#]],
    );
}

/// The edit of the top item at a cursor after CJK text and an emoji
/// sequence, in each encoding, and the text after applying it.
#[test]
fn completion_edit_ranges_count_utf16_and_utf8_units() {
    let fixture = "周恩来 👨‍👩‍👧 met [[zh$0\n";
    let mut out = String::new();
    for offer in [None, Some(&["utf-8"][..]), Some(&["utf-32"][..])] {
        let mut client = start(offer);
        let (answer, text) = complete_in(&mut client, "typing.scholia", fixture);
        let first = &answer["items"][0]["textEdit"];
        let range = Range::from_json(&first["range"]);
        let mut applied = text.clone();
        Change::replace(range, first["newText"].as_str().unwrap())
            .apply(&mut applied, client.encoding);
        let _ = writeln!(
            out,
            "{}: {} → {}",
            client.encoding.name(),
            show_range(range),
            applied.trim_end()
        );
    }
    expect![[r#"
        utf-16: 0:19-0:21 → 周恩来 👨‍👩‍👧 met [[zhou-enlai]]
        utf-8: 0:35-0:37 → 周恩来 👨‍👩‍👧 met [[zhou-enlai]]
        utf-32: 0:16-0:18 → 周恩来 👨‍👩‍👧 met [[zhou-enlai]]
    "#]]
    .assert_eq(&out);
}

#[test]
fn completion_resolve_adds_the_entity_card_and_the_formatted_reference() {
    let mut client = start(None);
    let (answer, _) = complete_in(&mut client, "typing.scholia", "Met [[chou$0\n");
    let item = answer["items"][0].clone();
    assert!(
        item.get("documentation").is_none(),
        "documentation only on resolve"
    );
    let resolved = request(&mut client, "completionItem/resolve", item);
    expect![[r#"
        **Zhou Enlai** · person · 1898–1976

        Premier and Foreign Minister of the People's Republic of China.

        Also: Chou En-lai, 周恩来

        wikidata: [Q17427](https://www.wikidata.org/wiki/Q17427)

        `zhou-enlai` · mentioned in 3 documents"#]]
    .assert_eq(
        resolved["documentation"]["value"]
            .as_str()
            .unwrap_or("none"),
    );

    let (answer, _) = complete_in(&mut client, "cite.scholia", "[@zhou-w$0\n");
    let resolved = request(
        &mut client,
        "completionItem/resolve",
        answer["items"][0].clone(),
    );
    expect!["Jianguo Yilai Zhou Enlai Wengao, vol. 7 (Zhongyang wenxian chubanshe, 2018)."]
        .assert_eq(
            resolved["documentation"]["value"]
                .as_str()
                .unwrap_or("none"),
        );
}

/// A client that shows `labelDetails` gets each entry's id there.
#[test]
fn completion_shows_the_id_as_label_description_when_the_client_supports_it() {
    let mut client = Client::spawn();
    let params = json!({
        "processId": null,
        "rootUri": uri_of(&ws()),
        "capabilities": { "textDocument": { "completion": {
            "completionItem": { "labelDetailsSupport": true },
        }}},
    });
    request(&mut client, "initialize", params);
    client.notify("initialized", json!({}));
    let (answer, _) = complete_in(&mut client, "typing.scholia", "[[kim$0\n");
    let shown: Vec<String> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("{} {}", i["label"], i["labelDetails"]))
        .collect();
    expect![[r#"
        "Kim Il Sung" {"description":"kim-il-sung"}
        "Kim Tu-bong" {"description":"kim-tu-bong"}"#]]
    .assert_eq(&shown.join("\n"));
}

// ---------------------------------------------------------------------------
// Semantic tokens
// ---------------------------------------------------------------------------

/// The legend the server advertised: (types, modifiers).
fn legend(init: &Value) -> (Vec<String>, Vec<String>) {
    let l = &init["capabilities"]["semanticTokensProvider"]["legend"];
    let names = |v: &Value| {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    (names(&l["tokenTypes"]), names(&l["tokenModifiers"]))
}

/// Decoded tokens: (line, start, length, type, modifiers).
fn decode(data: &Value) -> Vec<(u32, u32, u32, u32, u32)> {
    let data: Vec<u32> = data
        .as_array()
        .expect("data")
        .iter()
        .map(|n| n.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(data.len() % 5, 0);
    let (mut line, mut col) = (0, 0);
    data.chunks(5)
        .map(|c| {
            if c[0] > 0 {
                col = 0;
            }
            line += c[0];
            col += c[1];
            (line, col, c[2], c[3], c[4])
        })
        .collect()
}

/// One line per token: `line:col length type+modifiers "text"`. Checks that
/// tokens are disjoint and stay on their line.
fn render_tokens(
    data: &Value,
    text: &str,
    legend: &(Vec<String>, Vec<String>),
    enc: Encoding,
) -> String {
    let mut out = String::new();
    let mut last_end: Option<Pos> = None;
    for (line, col, len, ty, mods) in decode(data) {
        let start = pos(line, col);
        let end = pos(line, col + len);
        assert!(
            last_end.is_none_or(|e| e <= start),
            "tokens overlap at {start:?}"
        );
        last_end = Some(end);
        let piece = text_of(text, Range { start, end }, enc);
        assert!(!piece.contains('\n'), "a token spans lines");
        assert_eq!(
            position_at(text, offset_at(text, end, enc), enc),
            end,
            "token end past its line"
        );
        let mut name = legend.0[ty as usize].clone();
        for (i, m) in legend.1.iter().enumerate() {
            if mods & (1 << i) != 0 {
                name.push('+');
                name.push_str(m);
            }
        }
        let _ = writeln!(out, "{line}:{col} {len} {name} {piece:?}");
    }
    out
}

#[test]
fn semantic_tokens_legend_is_exactly_the_extensions_names() {
    let mut client = Client::spawn();
    let init = client.initialize(Some(&ws()), None);
    let (types, modifiers) = legend(&init);
    assert_eq!(
        types,
        [
            "person",
            "place",
            "organization",
            "unknownEntity",
            "footnote",
            "citation",
            "insertion"
        ]
    );
    assert_eq!(modifiers, ["declaration", "ambiguous"]);
    let provider = &init["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["range"], true);
    assert_eq!(provider["full"]["delta"], true);
}

#[test]
fn semantic_tokens_of_a_document_split_per_line_around_insertions() {
    let mut client = Client::spawn();
    let init = client.initialize(Some(&ws()), None);
    wait_for_index(&mut client);
    let legend = legend(&init);
    let path = ws().join("conversation.scholia");
    let (uri, text) = client.open_file(&path);
    let answer = request(
        &mut client,
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(answer["resultId"].is_string());
    expect![[r#"
        3:10 28 citation "[@aprf-45-1-343, ll. 97-103]"
        8:0 17 person "[[stalin|STALIN]]"
        8:31 15 person "[[Chou En-lai]]"
        8:54 4 footnote "[^1]"
        12:0 19 person "[[zhou-enlai|ZHOU]]"
        12:30 1 insertion "["
        12:31 25 person "[[mao-zedong|Mao Zedong]]"
        12:56 4 insertion " and"
        13:0 4 insertion "the "
        13:4 7 unknownEntity+ambiguous "[[Kim]]"
        13:11 4 insertion " of "
        13:15 6 place "[[Port"
        14:0 8 place "Arthur]]"
        14:8 1 insertion "]"
        14:16 3 insertion "[?]"
        14:20 7 footnote "[^note]"
        18:4 6 organization "[[UN]]"
        18:20 4 footnote "[^2]"
        18:25 16 unknownEntity "[[Nobody Known]]"
        22:0 4 footnote+declaration "[^1]"
        22:48 25 citation "[@zhou-wengao-7, 130-131]"
        25:0 7 footnote+declaration "[^note]"
        27:0 4 footnote+declaration "[^2]"
    "#]]
    .assert_eq(&render_tokens(
        &answer["data"],
        &text,
        &legend,
        client.encoding,
    ));
}

/// A line with CJK text, an emoji sequence and a combining mark before the
/// tokens, in UTF-16, UTF-8 and UTF-32.
#[test]
fn semantic_tokens_count_columns_and_lengths_in_the_negotiated_encoding() {
    let text = "周恩来 👨‍👩‍👧 [[周恩来]] e\u{301} [[Lüshun]] [ca. [[中国共产党]]]\n";
    let mut out = String::new();
    for offer in [None, Some(&["utf-8"][..]), Some(&["utf-32"][..])] {
        let mut client = Client::spawn();
        let init = client.initialize(Some(&ws()), offer);
        wait_for_index(&mut client);
        let legend = legend(&init);
        let uri = client.open(&ws().join("unicode.scholia"), text);
        let answer = request(
            &mut client,
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        );
        let _ = writeln!(out, "{}:", client.encoding.name());
        out.push_str(&render_tokens(
            &answer["data"],
            text,
            &legend,
            client.encoding,
        ));
    }
    expect![[r#"
        utf-16:
        0:13 7 person "[[周恩来]]"
        0:24 10 place "[[Lüshun]]"
        0:35 5 insertion "[ca. "
        0:40 9 organization "[[中国共产党]]"
        0:49 1 insertion "]"
        utf-8:
        0:29 13 person "[[周恩来]]"
        0:47 11 place "[[Lüshun]]"
        0:59 5 insertion "[ca. "
        0:64 19 organization "[[中国共产党]]"
        0:83 1 insertion "]"
        utf-32:
        0:10 7 person "[[周恩来]]"
        0:21 10 place "[[Lüshun]]"
        0:32 5 insertion "[ca. "
        0:37 9 organization "[[中国共产党]]"
        0:46 1 insertion "]"
    "#]]
    .assert_eq(&out);
}

/// CRLF line ends, a BOM, and a mention that wraps over the line break.
#[test]
fn semantic_tokens_in_a_crlf_document_with_a_bom() {
    let text = "\u{feff}Met [[Zhou\r\nEnlai]] and [[UN]].[^1]\r\n\r\n[^1]: Note.\r\n";
    let mut client = Client::spawn();
    let init = client.initialize(Some(&ws()), None);
    wait_for_index(&mut client);
    let legend = legend(&init);
    let uri = client.open(&ws().join("crlf.scholia"), text);
    let answer = request(
        &mut client,
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    expect![[r#"
        0:5 6 person "[[Zhou"
        1:0 7 person "Enlai]]"
        1:12 6 organization "[[UN]]"
        1:19 4 footnote "[^1]"
        3:0 4 footnote+declaration "[^1]"
    "#]]
    .assert_eq(&render_tokens(
        &answer["data"],
        text,
        &legend,
        client.encoding,
    ));
}

#[test]
fn semantic_tokens_range_and_delta() {
    let mut client = Client::spawn();
    let init = client.initialize(Some(&ws()), None);
    wait_for_index(&mut client);
    let legend = legend(&init);
    let path = ws().join("conversation.scholia");
    let (uri, mut text) = client.open_file(&path);

    // Lines 12 to 14 only: the tokens that touch them.
    let answer = request(
        &mut client,
        "textDocument/semanticTokens/range",
        json!({ "textDocument": { "uri": uri }, "range": range(13, 0, 14, 3).json() }),
    );
    expect![[r#"
        13:0 4 insertion "the "
        13:4 7 unknownEntity+ambiguous "[[Kim]]"
        13:11 4 insertion " of "
        13:15 6 place "[[Port"
        14:0 8 place "Arthur]]"
    "#]]
    .assert_eq(&render_tokens(
        &answer["data"],
        &text,
        &legend,
        client.encoding,
    ));

    let full = request(
        &mut client,
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    let before: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    // Tag "proposal" on line 18: one token more in the middle.
    let change = Change::replace(
        find(&text, "proposal", client.encoding),
        "[[Kim Il Sung|proposal]]",
    );
    change.apply(&mut text, client.encoding);
    client.change(&path, 2, &[change]);
    let delta = request(
        &mut client,
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": { "uri": uri }, "previousResultId": full["resultId"] }),
    );
    let edits = delta["edits"].as_array().expect("a delta");
    assert_ne!(delta["resultId"], full["resultId"]);
    // Apply the edits to the old data: the result is the new full data.
    let mut data = before.clone();
    for e in edits.iter().rev() {
        let start = e["start"].as_u64().unwrap() as usize;
        let count = e["deleteCount"].as_u64().unwrap() as usize;
        let new: Vec<u64> = e["data"].as_array().map_or(Vec::new(), |d| {
            d.iter().map(|n| n.as_u64().unwrap()).collect()
        });
        data.splice(start..start + count, new);
    }
    let applied = Value::from(data);
    let again = request(
        &mut client,
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(applied, again["data"]);
    let edits_shown: Vec<String> = edits
        .iter()
        .map(|e| {
            format!(
                "start {} delete {} insert {}",
                e["start"],
                e["deleteCount"],
                e["data"].as_array().map_or(0, Vec::len)
            )
        })
        .collect();
    expect![[r#"["start 85 delete 5 insert 10"]"#]].assert_eq(&format!("{edits_shown:?}"));
    expect![[r#"
        18:4 6 organization "[[UN]]"
        18:11 24 person "[[Kim Il Sung|proposal]]"
        18:36 4 footnote "[^2]"
        18:41 16 unknownEntity "[[Nobody Known]]"
    "#]]
    .assert_eq(
        &render_tokens(&again["data"], &text, &legend, client.encoding)
            .lines()
            .filter(|l| l.starts_with("18:"))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );

    // An unknown previous result: the full data comes back.
    let stale = request(
        &mut client,
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": { "uri": uri }, "previousResultId": "no-such-id" }),
    );
    assert!(stale["data"].is_array());
}

// ---------------------------------------------------------------------------
// Symbols
// ---------------------------------------------------------------------------

fn symbol_kind(k: &Value) -> &'static str {
    match k.as_u64() {
        Some(1) => "file",
        Some(2) => "module",
        Some(5) => "class",
        Some(15) => "string",
        Some(16) => "number",
        Some(20) => "key",
        Some(23) => "struct",
        _ => "?",
    }
}

fn render_document_symbols(list: &Value, depth: usize, out: &mut String) {
    for s in list.as_array().into_iter().flatten() {
        let range = Range::from_json(&s["range"]);
        let selection = Range::from_json(&s["selectionRange"]);
        assert!(range.start <= selection.start && selection.end <= range.end);
        let _ = writeln!(
            out,
            "{}{} {:?} ({}) {} select {}",
            "  ".repeat(depth),
            symbol_kind(&s["kind"]),
            s["name"].as_str().unwrap_or("?"),
            s["detail"].as_str().unwrap_or("-"),
            show_range(range),
            show_range(selection),
        );
        for c in s["children"].as_array().into_iter().flatten() {
            let r = Range::from_json(&c["range"]);
            assert!(
                range.start <= r.start && r.end <= range.end,
                "a child inside its parent"
            );
        }
        render_document_symbols(&s["children"], depth + 1, out);
    }
}

#[test]
fn document_symbols_nest_headings_and_put_notes_under_their_section() {
    let mut client = start(None);
    let path = ws().join("conversation.scholia");
    let (uri, _) = client.open_file(&path);
    let answer = request(
        &mut client,
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let mut out = String::new();
    render_document_symbols(&answer, 0, &mut out);
    expect![[r#"
        file "Minutes of Conversation between I.V. Stalin and Zhou Enlai" (title) 0:0-4:3 select 1:8-1:68
        module "Conversation" (#) 6:0-18:42 select 6:2-6:14
          module "The armistice" (##) 10:0-18:42 select 10:3-10:16
            module "Prisoners" (###) 16:0-18:42 select 16:4-16:13
        module "Notes" (#) 20:0-28:11 select 20:2-20:7
          number "[^1]" (Refers to the proposal of September 1952. [@zhou-wengao-7,…) 22:0-23:40 select 22:0-22:4
          key "[^note]" (One line only.) 25:0-25:23 select 25:0-25:7
          number "[^2]" (A note that wraps.) 27:0-28:11 select 27:0-27:4
    "#]]
    .assert_eq(&out);
}

fn workspace_symbols(client: &mut Client, query: &str) -> Value {
    request(client, "workspace/symbol", json!({ "query": query }))
}

fn render_workspace_symbols(list: &Value) -> String {
    let root = ws();
    let mut out = String::new();
    for s in list.as_array().into_iter().flatten() {
        let path = path_of(s["location"]["uri"].as_str().unwrap());
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let range = Range::from_json(&s["location"]["range"]);
        let mut target = String::new();
        if range != range_zero() {
            target = format!(" {:?}", text_of(&read(&path), range, Encoding::Utf16));
        }
        let _ = writeln!(
            out,
            "{} {:?} · {} · {rel} {}{target}",
            symbol_kind(&s["kind"]),
            s["name"].as_str().unwrap_or("?"),
            s["containerName"].as_str().unwrap_or("-"),
            show_range(range),
        );
    }
    out
}

/// The wire's smoke test of `workspace/symbol` (kinds, containers and
/// locations converted); the five queries of the feature are data in
/// `tests/ide_more.rs`.
#[test]
fn workspace_symbols_of_an_alias_over_stdio() {
    let mut client = start(None);
    expect![[r#"
        class "Chou En-lai" · Zhou Enlai · zhou-enlai · person, 1898–1976 · registry/people.toml 3:8-3:18 "zhou-enlai"
        module "Chinese Communist Party" · ccp · organization, from 1921 · registry/organizations.toml 7:14-7:17 "ccp"
        file "Minutes of Conversation between I.V. Stalin and Zhou Enlai" · conversation.scholia · conversation.scholia 0:0-0:0
    "#]]
    .assert_eq(&render_workspace_symbols(&workspace_symbols(
        &mut client,
        "chou",
    )));
}

// ---------------------------------------------------------------------------
// Folding ranges and document links
// ---------------------------------------------------------------------------

#[test]
fn folding_ranges_cover_front_matter_sections_and_long_notes() {
    let mut client = start(None);
    let path = ws().join("conversation.scholia");
    let (uri, text) = client.open_file(&path);
    let answer = request(
        &mut client,
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": uri } }),
    );
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for f in answer.as_array().expect("a list") {
        let (start, end) = (
            f["startLine"].as_u64().unwrap(),
            f["endLine"].as_u64().unwrap(),
        );
        assert!(f.get("startCharacter").is_none());
        let _ = writeln!(
            out,
            "{start}-{end} {}: {:?} … {:?}",
            f["kind"].as_str().unwrap_or("-"),
            lines[start as usize],
            lines[end as usize]
        );
    }
    expect![[r####"
        0-4 imports: "+++" … "+++"
        6-18 region: "# Conversation" … "The [[UN]] proposal.[^2] [[Nobody Known]]."
        10-18 region: "## The armistice" … "The [[UN]] proposal.[^2] [[Nobody Known]]."
        16-18 region: "### Prisoners" … "The [[UN]] proposal.[^2] [[Nobody Known]]."
        20-28 region: "# Notes" … "that wraps."
        22-23 comment: "[^1]: Refers to the proposal of September 1952. [@zhou-wengao-7, 130-131]" … "    A second paragraph of the same note."
        27-28 comment: "[^2]: A note" … "that wraps."
    "####]]
    .assert_eq(&out);
}

#[test]
fn document_link_from_translation_of_to_the_original() {
    let mut client = start(None);
    let path = ws().join("translation.scholia");
    let (uri, text) = client.open_file(&path);
    let answer = request(
        &mut client,
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": uri } }),
    );
    let mut out = String::new();
    for l in answer.as_array().expect("a list") {
        let range = Range::from_json(&l["range"]);
        let target = path_of(l["target"].as_str().unwrap());
        let _ = writeln!(
            out,
            "{} {:?} → {} ({})",
            show_range(range),
            text_of(&text, range, client.encoding),
            target.strip_prefix(ws()).unwrap().display(),
            l["tooltip"].as_str().unwrap_or("-"),
        );
    }
    expect![[r#"
        2:18-2:34 "original.scholia" → original.scholia (Open the original: Telegram from Zhou Enlai)
    "#]]
    .assert_eq(&out);

    // No link to a file that does not exist.
    let uri = client.open(
        &ws().join("orphan.scholia"),
        "+++\ntranslation-of = \"missing.scholia\"\n+++\n\nText.\n",
    );
    let answer = request(
        &mut client,
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(answer, json!([]));
}

#[test]
fn initialize_advertises_the_features_of_this_file() {
    let mut client = Client::spawn();
    let init = client.initialize(Some(&ws()), None);
    let caps = &init["capabilities"];
    expect![[r#"{"completionItem":{"labelDetailsSupport":true},"resolveProvider":true,"triggerCharacters":["[","@","^"]}"#]]
        .assert_eq(&caps["completionProvider"].to_string());
    assert!(caps["documentSymbolProvider"].is_object() || caps["documentSymbolProvider"] == true);
    assert_eq!(caps["workspaceSymbolProvider"], true);
    assert_eq!(caps["foldingRangeProvider"], true);
    assert_eq!(caps["documentLinkProvider"]["resolveProvider"], false);
}

fn range_zero() -> Range {
    range(0, 0, 0, 0)
}
