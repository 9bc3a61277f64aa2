//! The language server over its real stdio (SPEC §6): every test spawns
//! `scholia lsp`, plays a short scenario with the client of
//! `tests/support/lsp_client.rs` and checks exact codes, ranges, severities,
//! hover texts and locations.
//!
//! The hover and definition cases that are about the feature, not the
//! protocol, are data in `tests/ide.rs` and `tests/ide_more.rs` (in process).
//!
//! The fixture workspace is `tests/fixtures/lsp/ws`; tests that change files
//! on disk work on a copy in the temp dir. Ranges below are written out as
//! (line, column) literals, 0-based, columns in UTF-16 unless said otherwise.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use support::lsp_client::*;

fn ws() -> PathBuf {
    fixture("ws")
}

/// A server with the fixture workspace as its workspace folder.
fn start_ws() -> Client {
    Client::start(Some(&ws()), None)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A diagnostic as the tests write it: code, range, severity.
fn d(code: &str, r: Range, severity: u64) -> (&str, Range, u64) {
    (code, r, severity)
}

// ---------------------------------------------------------------------------
// initialize
// ---------------------------------------------------------------------------

#[test]
fn initialize_advertises_incremental_sync_hover_definition_and_utf16_by_default() {
    let mut client = Client::spawn();
    let result = client.initialize(Some(&ws()), None);
    let caps = &result["capabilities"];

    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(client.encoding, Encoding::Utf16);
    // Sync: open/close and incremental changes (kind 2), as options or as
    // the bare kind.
    let sync = &caps["textDocumentSync"];
    match sync {
        Value::Number(kind) => assert_eq!(kind.as_u64(), Some(2)),
        _ => {
            assert_eq!(sync["openClose"], true);
            assert_eq!(sync["change"], 2, "incremental sync");
        }
    }
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(result["serverInfo"]["name"], "scholia");
}

#[test]
fn initialize_negotiates_utf8_when_the_client_offers_utf8_first() {
    let mut client = Client::spawn();
    let result = client.initialize(Some(&ws()), Some(&["utf-8", "utf-16"]));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.encoding, Encoding::Utf8);
}

#[test]
fn initialize_negotiates_utf32_when_the_client_offers_only_utf32() {
    let mut client = Client::spawn();
    let result = client.initialize(Some(&ws()), Some(&["utf-32"]));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-32");
    assert_eq!(client.encoding, Encoding::Utf32);
}

#[test]
fn initialize_falls_back_to_utf16_when_the_offer_has_nothing_known() {
    let mut client = Client::spawn();
    let result = client.initialize(Some(&ws()), Some(&["utf-7", "latin-1"]));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

/// Capabilities are honest: every provider the server advertises answers its
/// request (no "method not found").
#[test]
fn every_advertised_provider_answers_its_request() {
    let mut client = Client::spawn();
    let result = client.initialize(Some(&ws()), None);
    let orig = ws().join("orig.scholia");
    let (uri, _) = client.open_file(&orig);
    let doc = json!({ "uri": uri });
    let at = pos(9, 3).json();
    let whole = range(0, 0, 14, 0).json();
    let caps = result["capabilities"].as_object().expect("capabilities");
    let mut checked = Vec::new();
    for (name, value) in caps {
        let advertised = !(value.is_null() || *value == json!(false));
        if !name.ends_with("Provider") || !advertised {
            continue;
        }
        let (method, params) = match name.as_str() {
            "hoverProvider" => (
                "textDocument/hover",
                json!({ "textDocument": doc, "position": at }),
            ),
            "definitionProvider" => (
                "textDocument/definition",
                json!({ "textDocument": doc, "position": at }),
            ),
            "referencesProvider" => (
                "textDocument/references",
                json!({ "textDocument": doc, "position": at,
                        "context": { "includeDeclaration": true } }),
            ),
            "renameProvider" => (
                "textDocument/rename",
                json!({ "textDocument": doc, "position": pos(9, 70).json(), "newName": "9" }),
            ),
            "completionProvider" => (
                "textDocument/completion",
                json!({ "textDocument": doc, "position": pos(9, 2).json() }),
            ),
            "codeActionProvider" => (
                "textDocument/codeAction",
                json!({ "textDocument": doc, "range": whole,
                        "context": { "diagnostics": [] } }),
            ),
            "documentSymbolProvider" => (
                "textDocument/documentSymbol",
                json!({ "textDocument": doc }),
            ),
            "workspaceSymbolProvider" => ("workspace/symbol", json!({ "query": "" })),
            "foldingRangeProvider" => ("textDocument/foldingRange", json!({ "textDocument": doc })),
            "semanticTokensProvider" => (
                "textDocument/semanticTokens/full",
                json!({ "textDocument": doc }),
            ),
            _ => continue,
        };
        if let Err(e) = client.request(method, params) {
            assert_ne!(
                e["code"], -32601,
                "{name} advertised but {method} not found"
            );
        }
        checked.push(name.clone());
    }
    assert!(
        checked.contains(&"hoverProvider".to_string()),
        "{checked:?}"
    );
    assert!(client.alive());
}

// ---------------------------------------------------------------------------
// diagnostics
// ---------------------------------------------------------------------------

#[test]
fn did_open_publishes_every_problem_with_exact_code_range_and_severity() {
    let mut client = start_ws();
    let (uri, _) = client.open_file(&ws().join("problems.scholia"));
    let diags = client.diagnostics_for(&uri, Some(1));

    assert_eq!(
        keys(&diags),
        vec![
            d("ambiguous-entity", range(4, 0, 4, 7), WARNING),
            d("unknown-entity", range(4, 12, 4, 28), ERROR),
            d("footnote-order", range(4, 51, 4, 55), WARNING),
            d("unknown-citation", range(4, 62, 4, 73), ERROR),
            d("footnote-order", range(4, 75, 4, 79), WARNING),
            d("untagged-mention", range(5, 5, 5, 15), HINT),
            d("unclosed-bracket", range(5, 21, 5, 22), ERROR),
            d("undefined-footnote", range(5, 28, 5, 32), ERROR),
            d("uncited-note", range(7, 0, 7, 4), HINT),
            d("duplicate-footnote", range(9, 0, 9, 4), ERROR),
            d("unused-footnote", range(10, 0, 10, 4), WARNING),
        ]
    );
    assert!(diags.iter().all(|d| d.source == "scholia"), "{diags:#?}");
    let message = |code: &str| {
        diags
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.message.clone())
            .unwrap()
    };
    assert!(message("undefined-footnote").contains("[^3]"));
    assert!(message("unknown-citation").contains("no-such-key"));
    assert!(message("ambiguous-entity").contains("kim-il-sung"));
    assert!(message("ambiguous-entity").contains("kim-tu-bong"));
}

#[test]
fn a_clean_document_publishes_an_empty_list() {
    let mut client = start_ws();
    let (uri, _) = client.open_file(&ws().join("orig.scholia"));
    let diags = client.diagnostics_for(&uri, Some(1));
    // The one problem of the original: a registry name in plain text.
    assert_eq!(
        keys(&diags),
        vec![d("untagged-mention", range(11, 6, 11, 12), HINT)]
    );
}

#[test]
fn a_document_outside_any_workspace_gets_only_the_checks_that_need_no_registry() {
    let dir = TempDir::new("detached");
    let mut client = Client::start(Some(&dir.path), None);
    let text = "# Notes\n\n[[Nobody Known]] said [@nowhere] something.[^1]\n";
    let uri = client.open(&dir.join("notes.scholia"), text);
    let diags = client.diagnostics_for(&uri, Some(1));
    // No unknown-entity, no unknown-citation: there is no registry or
    // bibliography to check against.
    assert_eq!(
        keys(&diags),
        vec![d("undefined-footnote", range(2, 43, 2, 47), ERROR)]
    );

    let text = "# Notes\n\nJust text.\n";
    let uri = client.open(&dir.join("plain.scholia"), text);
    let diags = client.diagnostics_for(&uri, Some(1));
    assert_eq!(
        keys(&diags),
        vec![d("missing-source", range(0, 0, 0, 7), WARNING)]
    );
}

// ---------------------------------------------------------------------------
// incremental sync
// ---------------------------------------------------------------------------

/// A document in a folder without `scholia.toml`: the sync tests need no
/// registry.
const SYNC_DOC: &str =
    "+++\nsource = \"[@aprf-45-1-343]\"\n+++\n\nThe delegation went on to Port Arthur.\n";

#[test]
fn an_incremental_change_adds_a_problem_and_the_next_removes_it() {
    let dir = TempDir::new("sync");
    let path = dir.join("doc.scholia");
    let mut client = Client::start(Some(&dir.path), None);
    let uri = client.open(&path, SYNC_DOC);
    assert_eq!(client.diagnostics_for(&uri, Some(1)), vec![]);

    // Type an unclosed `[` before "Port".
    client.change(&path, 2, &[Change::insert(pos(4, 26), "[")]);
    let diags = client.diagnostics_for(&uri, Some(2));
    assert_eq!(
        keys(&diags),
        vec![d("unclosed-bracket", range(4, 26, 4, 27), ERROR)]
    );

    // Delete it again.
    client.change(&path, 3, &[Change::delete(range(4, 26, 4, 27))]);
    assert_eq!(client.diagnostics_for(&uri, Some(3)), vec![]);

    // Close it properly this time, in two keystrokes.
    client.change(&path, 4, &[Change::insert(pos(4, 26), "[")]);
    client.change(&path, 5, &[Change::insert(pos(4, 38), "]")]);
    assert_eq!(client.diagnostics_for(&uri, Some(5)), vec![]);
}

#[test]
fn several_changes_in_one_notification_are_applied_in_order() {
    let dir = TempDir::new("multi");
    let path = dir.join("doc.scholia");
    let mut client = Client::start(Some(&dir.path), None);
    let uri = client.open(&path, SYNC_DOC);
    client.diagnostics_for(&uri, Some(1));

    // Each change is addressed in the text the previous one left: column 42
    // of line 4 exists only after the first insertion, line 6 only after
    // the second.
    let changes = [
        Change::insert(pos(4, 38), "[^1]"),
        Change::insert(pos(4, 42), "[^2]\n\n[^1]: Note."),
        Change::insert(pos(6, 11), " [@aprf-45-1-343]"),
        Change::replace(range(4, 0, 4, 3), "A"),
    ];
    let mut expected_text = SYNC_DOC.to_string();
    for c in &changes {
        c.apply(&mut expected_text, Encoding::Utf16);
    }
    assert_eq!(
        expected_text,
        "+++\nsource = \"[@aprf-45-1-343]\"\n+++\n\n\
         A delegation went on to Port Arthur.[^1][^2]\n\n[^1]: Note. [@aprf-45-1-343]\n"
    );
    client.change(&path, 2, &changes);
    let diags = client.diagnostics_for(&uri, Some(2));
    assert_eq!(
        keys(&diags),
        vec![d("undefined-footnote", range(4, 40, 4, 44), ERROR)]
    );

    // The same text opened fresh gives the same diagnostics.
    let fresh = client.open(&dir.join("fresh.scholia"), &expected_text);
    assert_eq!(client.diagnostics_for(&fresh, Some(1)), diags);
}

#[test]
fn a_full_text_change_replaces_the_document() {
    let dir = TempDir::new("full");
    let path = dir.join("doc.scholia");
    let mut client = Client::start(Some(&dir.path), None);
    let uri = client.open(&path, SYNC_DOC);
    client.diagnostics_for(&uri, Some(1));
    client.change(
        &path,
        2,
        &[
            Change::insert(pos(4, 0), "]"),
            Change::full("[^x]\n"),
            Change::insert(pos(0, 0), "Hi "),
        ],
    );
    let diags = client.diagnostics_for(&uri, Some(2));
    assert_eq!(
        keys(&diags),
        vec![
            d("missing-source", range(0, 0, 0, 7), WARNING),
            d("undefined-footnote", range(0, 3, 0, 7), ERROR),
        ]
    );
}

#[test]
fn change_ranges_past_the_end_of_a_line_or_of_the_document_are_clamped() {
    let dir = TempDir::new("clamp");
    let path = dir.join("doc.scholia");
    let mut client = Client::start(Some(&dir.path), None);
    let start = "+++\nsource = \"x\"\n+++\nalpha\nbeta\n";
    let uri = client.open(&path, start);
    assert_eq!(client.diagnostics_for(&uri, Some(1)), vec![]);

    let steps: Vec<Vec<Change>> = vec![
        // The end is past the end of line 3: the rest of the line goes.
        vec![Change::replace(range(3, 3, 3, 99), "HA")],
        // From inside line 4 to a line past the last: the rest of the text.
        vec![Change::replace(range(4, 2, 99, 0), "[")],
        // An insertion past the end of the document appends.
        vec![Change::insert(pos(42, 7), " tail")],
        // A column past the end of a line in the middle of the text.
        vec![Change::insert(pos(3, 1000), "]")],
    ];
    let mut text = start.to_string();
    for (i, step) in steps.iter().enumerate() {
        for c in step {
            c.apply(&mut text, Encoding::Utf16);
        }
        client.change(&path, 2 + i as i32, step);
    }
    assert_eq!(text, "+++\nsource = \"x\"\n+++\nalpHA]\nbe[ tail");
    let diags = client.diagnostics_for(&uri, Some(5));
    assert_eq!(
        keys(&diags),
        vec![
            d("unclosed-bracket", range(3, 5, 3, 6), ERROR),
            d("unclosed-bracket", range(4, 2, 4, 3), ERROR),
        ]
    );
    assert!(client.alive(), "stderr:\n{}", client.stderr());
    let fresh = client.open(&dir.join("fresh.scholia"), &text);
    assert_eq!(client.diagnostics_for(&fresh, Some(1)), diags);
}

// ---------------------------------------------------------------------------
// hover
// ---------------------------------------------------------------------------

/// Hovers until the hover text satisfies `ok` (the mention count depends on
/// the background index of the workspace's documents).
fn hover_until(client: &mut Client, path: &Path, at: Pos, ok: impl Fn(&str) -> bool) -> Value {
    let mut last = Value::Null;
    let deadline = std::time::Instant::now() + TIMEOUT;
    while std::time::Instant::now() < deadline {
        let hover = client.hover(path, at);
        if ok(&hover_text(&hover)) {
            return hover;
        }
        last = hover;
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("the hover never matched; the last one:\n{last:#}");
}

#[test]
fn hover_on_a_mention_shows_the_entity_card() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");
    let (_, text) = client.open_file(&orig);
    let at = pos_in(&text, "[[Chou En-lai]]", 4, Encoding::Utf16);
    let card = "**Zhou Enlai** · person · 1898–1976\n\n\
                Premier and Foreign Minister of the People's Republic of China.\n\n\
                Also: Chou En-lai\n\n\
                wikidata: [Q17427](https://www.wikidata.org/wiki/Q17427)\n\n\
                `zhou-enlai` · mentioned in 2 documents";
    let hover = hover_until(&mut client, &orig, at, |t| t.ends_with("2 documents"));
    assert_eq!(hover_text(&hover), card);
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(hover_range(&hover), Some(range(10, 0, 10, 15)));
}

// ---------------------------------------------------------------------------
// definition (the other hover and definition cases are data in tests/ide.rs;
// these check the conversion of locations in other files)
// ---------------------------------------------------------------------------

#[test]
fn definition_of_a_mention_is_the_id_key_of_its_registry_entry() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");
    client.open_file(&orig);
    let people = ws().join("registry/people.toml");
    let places = ws().join("registry/places.toml");
    let enc = Encoding::Utf16;

    // By alias, by id, by name.
    assert_eq!(
        client.definition(&orig, pos(10, 5)),
        vec![(
            people.clone(),
            find_within(&read(&people), "[person.zhou-enlai]", "zhou-enlai", enc)
        )]
    );
    assert_eq!(
        client.definition(&orig, pos(9, 3)),
        vec![(
            people.clone(),
            find_within(&read(&people), "[person.stalin]", "stalin", enc)
        )]
    );
    assert_eq!(
        client.definition(&orig, pos(10, 30)),
        vec![(
            places.clone(),
            find_within(&read(&places), "[place.port-arthur]", "port-arthur", enc)
        )]
    );
    // The id key of `[person.zhou-enlai]` is on line 11 of people.toml.
    assert_eq!(
        find_within(&read(&people), "[person.zhou-enlai]", "zhou-enlai", enc),
        range(11, 8, 11, 18)
    );
}

// ---------------------------------------------------------------------------
// translations and other files
// ---------------------------------------------------------------------------

#[test]
fn a_translation_reports_the_footnote_missing_from_its_original() {
    let mut client = start_ws();
    let trans = ws().join("trans.scholia");
    let (uri, _) = client.open_file(&trans);
    // The original is known once the workspace's documents are indexed
    // (until then the server may say it is not a document of the workspace).
    let missing = "footnote [^2] of the original is missing in this translation";
    let diags = client.wait_diagnostics(&uri, |ds| ds.len() == 1 && ds[0].message == missing);
    assert_eq!(
        keys(&diags),
        vec![d("translation-mismatch", range(4, 17, 4, 31), WARNING)]
    );
}

#[test]
fn editing_an_open_original_updates_its_open_translation() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");
    let trans = ws().join("trans.scholia");
    client.open_file(&orig);
    let (trans_uri, _) = client.open_file(&trans);
    client.wait_diagnostics(&trans_uri, |ds| {
        keys(ds) == vec![d("translation-mismatch", range(4, 17, 4, 31), WARNING)]
    });

    // The original loses its note [^2] (the text stays, as a paragraph).
    client.change(&orig, 2, &[Change::delete(range(14, 0, 14, 6))]);
    client.wait_diagnostics(&trans_uri, |ds| ds.is_empty());
}

#[test]
fn editing_an_open_registry_file_updates_the_mentions_of_open_documents() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");
    let people = ws().join("registry/people.toml");
    let (orig_uri, _) = client.open_file(&orig);
    let (_, people_text) = client.open_file(&people);
    assert_eq!(
        keys(&client.diagnostics_for(&orig_uri, Some(1))),
        vec![d("untagged-mention", range(11, 6, 11, 12), HINT)]
    );

    // Remove the alias "Chou En-lai": the mention by that alias is unknown.
    let alias = find(&people_text, "aliases = [\"Chou En-lai\"]", Encoding::Utf16);
    client.change(&people, 2, &[Change::delete(alias)]);
    client.wait_diagnostics(&orig_uri, |ds| {
        keys(ds)
            == vec![
                d("unknown-entity", range(10, 0, 10, 15), ERROR),
                d("untagged-mention", range(11, 6, 11, 12), HINT),
            ]
    });
}

#[test]
fn definition_follows_unsaved_edits_of_an_open_registry_file() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");
    let people = ws().join("registry/people.toml");
    client.open_file(&orig);
    client.open_file(&people);
    client.change(
        &people,
        2,
        &[Change::insert(pos(0, 0), "# one\n# two\n# three\n")],
    );
    // `[person.zhou-enlai]` moved from line 11 to line 14.
    let expected = vec![(people.clone(), range(14, 8, 14, 18))];
    eventually("the definition follows the edit", || {
        (client.definition(&orig, pos(10, 5)) == expected).then_some(())
    });
}

#[test]
fn the_mention_count_of_the_card_follows_open_documents() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");
    client.open_file(&orig);
    let at = pos(10, 5);
    hover_until(&mut client, &orig, at, |t| {
        t.ends_with("mentioned in 2 documents")
    });
    // A new, unsaved document that mentions Zhou Enlai by name.
    let new = ws().join("new-unsaved.scholia");
    client.open(&new, "[[Zhou Enlai]] arrived.\n");
    hover_until(&mut client, &orig, at, |t| {
        t.ends_with("mentioned in 3 documents")
    });
    // Closed again (it exists nowhere on disk): back to two.
    client.close(&new);
    hover_until(&mut client, &orig, at, |t| {
        t.ends_with("mentioned in 2 documents")
    });
}

#[test]
fn a_bibliography_changed_on_disk_is_reloaded_on_did_change_watched_files() {
    let dir = TempDir::copy_of("ws");
    let mut client = Client::start(Some(&dir.path), None);
    let orig = dir.join("orig.scholia");
    let (uri, _) = client.open_file(&orig);
    let before = client.diagnostics_for(&uri, Some(1));
    assert_eq!(
        keys(&before),
        vec![d("untagged-mention", range(11, 6, 11, 12), HINT)]
    );

    std::fs::write(dir.join("sources.bib"), "% emptied\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&dir.join("sources.bib")), "type": 2 }] }),
    );
    client.wait_diagnostics(&uri, |ds| {
        keys(ds)
            == vec![
                d("untagged-mention", range(11, 6, 11, 12), HINT),
                d("unknown-citation", range(11, 41, 11, 51), ERROR),
            ]
    });
}

#[test]
fn registry_problems_are_published_on_the_registry_file() {
    let mut client = start_ws();
    // Opening any document loads the workspace; the shared alias "Kim" is
    // reported on the registry file, which is not open.
    client.open_file(&ws().join("orig.scholia"));
    let people = uri_of(&ws().join("registry/people.toml"));
    let diags = client.wait_diagnostics(&people, |ds| !ds.is_empty());
    assert!(
        diags
            .iter()
            .all(|d| d.code == "alias-conflict" && d.severity == WARNING),
        "{diags:#?}"
    );
    assert!(diags.iter().all(|d| d.source == "scholia"));
}

/// `unused-bibliography-entry`, turned on in scholia.toml, follows typing:
/// citing the spare entry in an open document clears it on the bibliography
/// file (not open), and deleting the citation brings it back.
#[test]
fn an_unused_bibliography_entry_follows_the_citations_typed() {
    let dir = TempDir::new("unused-bib");
    std::fs::write(
        dir.join("scholia.toml"),
        "bibliography = [\"sources.json\"]\n\n[lint]\nunused-bibliography-entry = \"warning\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sources.json"),
        "[\n  { \"id\": \"used\", \"title\": \"Used\" },\n  { \"id\": \"spare\", \"title\": \"Spare\" }\n]\n",
    )
    .unwrap();
    let path = dir.join("doc.scholia");
    std::fs::write(&path, "+++\ntitle = \"T\"\n+++\n\nCites [@used].\n").unwrap();
    let sources = uri_of(&dir.join("sources.json"));
    let mut client = Client::start(Some(&dir.path), None);
    client.open_file(&path);
    let spare = vec![d("unused-bibliography-entry", range(2, 11, 2, 16), WARNING)];
    client.wait_diagnostics(&sources, |ds| keys(ds) == spare);

    let mark = client.published(&sources);
    client.change(&path, 2, &[Change::insert(pos(4, 13), " and [@spare]")]);
    client.wait_diagnostics_after(&sources, mark, |ds| ds.is_empty());

    let mark = client.published(&sources);
    client.change(&path, 3, &[Change::delete(range(4, 13, 4, 26))]);
    client.wait_diagnostics_after(&sources, mark, |ds| keys(ds) == spare);
}

// ---------------------------------------------------------------------------
// position encodings
// ---------------------------------------------------------------------------

/// The line of `unicode.scholia` under test, for the record:
/// `周恩来 👨‍👩‍👧 café (cafe\u{301}) met [[Nobody Known]] at [[Lüshun]][^note] and [sic`
/// — CJK (3 bytes, 1 UTF-16 unit each), a ZWJ family emoji (3 astral
/// characters joined by 2 ZWJ: 18 bytes, 8 UTF-16 units, 5 scalars), a
/// precomposed é and a combining acute accent.
#[test]
fn the_same_ranges_on_a_cjk_emoji_combining_line_in_utf16_utf8_and_utf32() {
    let path = ws().join("unicode.scholia");
    let text = read(&path);
    let cases: [(Offer, Encoding, [Range; 3]); 3] = [
        (
            None,
            Encoding::Utf16,
            [
                range(5, 30, 5, 46),
                range(5, 60, 5, 67),
                range(5, 72, 5, 73),
            ],
        ),
        (
            Some(&["utf-8", "utf-16"]),
            Encoding::Utf8,
            [
                range(5, 48, 5, 64),
                range(5, 79, 5, 86),
                range(5, 91, 5, 92),
            ],
        ),
        (
            Some(&["utf-32"]),
            Encoding::Utf32,
            [
                range(5, 27, 5, 43),
                range(5, 57, 5, 64),
                range(5, 69, 5, 70),
            ],
        ),
    ];
    for (offer, enc, [entity, note, bracket]) in cases {
        // The helper agrees with the literal columns.
        assert_eq!(find(&text, "[[Nobody Known]]", enc), entity, "{enc:?}");
        assert_eq!(find(&text, "[^note]", enc), note, "{enc:?}");

        let mut client = Client::start(Some(&ws()), offer);
        assert_eq!(client.encoding, enc);
        let (uri, _) = client.open_file(&path);
        let diags = client.diagnostics_for(&uri, Some(1));
        assert_eq!(
            keys(&diags),
            vec![
                d("unknown-entity", entity, ERROR),
                d("undefined-footnote", note, ERROR),
                d("unclosed-bracket", bracket, ERROR),
            ],
            "{enc:?}"
        );

        // Hover ranges come back in the same encoding.
        let at = pos_in(&text, "[[Lüshun]]", 3, enc);
        assert_eq!(
            hover_range(&client.hover(&path, at)),
            Some(find(&text, "[[Lüshun]]", enc)),
            "{enc:?}"
        );
        let at = pos_in(&text, "[^note]", 1, enc);
        assert_eq!(hover_range(&client.hover(&path, at)), Some(note), "{enc:?}");

        // An edit addressed in this encoding: delete `[[Nobody Known]] ` and
        // the `[^note]`, right to left; the bracket moves left by their width.
        let changes = [
            Change::delete(note),
            Change::delete(find(&text, "[[Nobody Known]] ", enc)),
        ];
        let mut edited = text.clone();
        for c in &changes {
            c.apply(&mut edited, enc);
        }
        client.change(&path, 2, &changes);
        let diags = client.diagnostics_for(&uri, Some(2));
        assert_eq!(
            keys(&diags),
            vec![d(
                "unclosed-bracket",
                first_char(find(&edited, "[sic", enc)),
                ERROR
            )],
            "{enc:?}"
        );
        assert!(edited.contains("met at [[Lüshun]] and [sic"), "{edited}");
    }
}

#[test]
fn hover_at_a_cursor_after_cjk_and_emoji_in_every_encoding() {
    let dir = TempDir::new("cursor");
    let fixture = "周恩来 👨\u{200d}👩\u{200d}👧 e\u{301} [^a$0b] x\n\n[^ab]: The note. [@k]\n";
    for (offer, enc) in [
        (None, Encoding::Utf16),
        (Some(&["utf-8"][..]), Encoding::Utf8),
        (Some(&["utf-32"][..]), Encoding::Utf32),
    ] {
        let (text, at) = cursor(fixture, enc);
        let mut client = Client::start(Some(&dir.path), offer);
        let path = dir.join(&format!("{}.scholia", enc.name()));
        let uri = client.open(&path, &text);
        assert_eq!(client.diagnostics_for(&uri, Some(1)), vec![], "{enc:?}");
        let hover = client.hover(&path, at);
        assert_eq!(hover_text(&hover), "**[^ab]** The note. [@k]", "{enc:?}");
        assert_eq!(
            hover_range(&hover),
            Some(find(&text, "[^ab]", enc)),
            "{enc:?}"
        );
    }
    // The cursor's columns, for the record: 3 CJK, a space, the family
    // emoji (8 UTF-16 units, 18 bytes, 5 scalars), a space, e + U+0301
    // (2 units, 3 bytes, 2 scalars), a space, `[^a`.
    assert_eq!(cursor(fixture, Encoding::Utf16).1, pos(0, 19));
    assert_eq!(cursor(fixture, Encoding::Utf8).1, pos(0, 36));
    assert_eq!(cursor(fixture, Encoding::Utf32).1, pos(0, 16));
}

/// The position encodings a client offers (`None`: the field is absent).
type Offer = Option<&'static [&'static str]>;

/// The range of the first character of `r` (an ASCII one).
fn first_char(r: Range) -> Range {
    range(
        r.start.line,
        r.start.character,
        r.start.line,
        r.start.character + 1,
    )
}

#[test]
fn a_position_inside_a_surrogate_pair_rounds_down_to_the_character() {
    let dir = TempDir::new("surrogate");
    let path = dir.join("doc.scholia");
    let mut client = Client::start(Some(&dir.path), None);
    let text = "+++\nsource = \"x\"\n+++\n👨[^1] x\n";
    let uri = client.open(&path, text);
    client.diagnostics_for(&uri, Some(1));
    // Column 1 is the middle of 👨 (two UTF-16 units): the insertion lands
    // before the emoji, never inside it.
    client.change(&path, 2, &[Change::insert(pos(3, 1), "]")]);
    let diags = client.diagnostics_for(&uri, Some(2));
    assert_eq!(
        keys(&diags),
        vec![
            d("unclosed-bracket", range(3, 0, 3, 1), ERROR),
            d("undefined-footnote", range(3, 3, 3, 7), ERROR),
        ]
    );
}

#[test]
fn a_bom_crlf_and_a_lone_cr_count_as_the_client_counts_them() {
    let dir = TempDir::new("line-ends");
    let text = "\u{feff}[^2] x [@k]\r\nsecond\rthird [\r\n\r\n[^1]: n. ]\n";
    // The BOM is one character before `[^2]`: one UTF-16 unit, three bytes.
    for (offer, enc, note) in [
        (None, Encoding::Utf16, range(0, 1, 0, 5)),
        (Some(&["utf-8"][..]), Encoding::Utf8, range(0, 3, 0, 7)),
    ] {
        assert_eq!(find(text, "[^2]", enc), note);
        let mut client = Client::start(Some(&dir.path), offer);
        let path = dir.join(&format!("{}.scholia", enc.name()));
        let uri = client.open(&path, text);
        assert_eq!(
            keys(&client.diagnostics_for(&uri, Some(1))),
            vec![
                d("undefined-footnote", note, ERROR),
                d("footnote-order", note, WARNING),
                d("unclosed-bracket", range(2, 6, 2, 7), ERROR),
                d("unused-footnote", range(4, 0, 4, 4), WARNING),
                d("uncited-note", range(4, 0, 4, 4), HINT),
                d("unclosed-bracket", range(4, 9, 4, 10), ERROR),
            ],
            "{enc:?}"
        );
        // Close the bracket at the end of the line that follows a lone CR.
        client.change(&path, 2, &[Change::insert(pos(2, 99), "]")]);
        assert_eq!(
            keys(&client.diagnostics_for(&uri, Some(2))),
            vec![
                d("undefined-footnote", note, ERROR),
                d("footnote-order", note, WARNING),
                d("unused-footnote", range(4, 0, 4, 4), WARNING),
                d("uncited-note", range(4, 0, 4, 4), HINT),
                d("unclosed-bracket", range(4, 9, 4, 10), ERROR),
            ],
            "{enc:?}"
        );
    }
}

#[test]
fn a_workspace_whose_path_has_spaces_and_non_ascii_letters() {
    let tmp = TempDir::new("uri");
    let root = tmp.join("Akten über Korea #1");
    copy_tree(&ws(), &root);
    let mut client = Client::start(Some(&root), None);
    let orig = root.join("orig.scholia");
    let (uri, _) = client.open_file(&orig);
    assert!(uri.contains("%20") && uri.contains("%C3%BC"), "{uri}");
    assert_eq!(
        keys(&client.diagnostics_for(&uri, Some(1))),
        vec![d("untagged-mention", range(11, 6, 11, 12), HINT)]
    );
    // Locations in other files come back as URIs of the right paths.
    let people = root.join("registry/people.toml");
    assert_eq!(
        client.definition(&orig, pos(10, 5)),
        vec![(
            people.clone(),
            find_within(
                &read(&people),
                "[person.zhou-enlai]",
                "zhou-enlai",
                Encoding::Utf16
            )
        )]
    );
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"].as_str().map(path_of) == Some(people.clone())
    });
}

#[test]
fn lint_severities_from_scholia_toml_apply_and_reload() {
    let dir = TempDir::copy_of("ws");
    let config = dir.join("scholia.toml");
    let default_config = read(&config);
    std::fs::write(
        &config,
        format!(
            "{default_config}\n[lint]\nuntagged-mention = \"off\"\n\
             uncited-note = \"error\"\nfootnote-order = \"info\"\n"
        ),
    )
    .unwrap();
    let mut client = Client::start(Some(&dir.path), None);
    let (uri, _) = client.open_file(&dir.join("problems.scholia"));
    assert_eq!(
        keys(&client.diagnostics_for(&uri, Some(1))),
        vec![
            d("ambiguous-entity", range(4, 0, 4, 7), WARNING),
            d("unknown-entity", range(4, 12, 4, 28), ERROR),
            d("footnote-order", range(4, 51, 4, 55), INFO),
            d("unknown-citation", range(4, 62, 4, 73), ERROR),
            d("footnote-order", range(4, 75, 4, 79), INFO),
            d("unclosed-bracket", range(5, 21, 5, 22), ERROR),
            d("undefined-footnote", range(5, 28, 5, 32), ERROR),
            d("uncited-note", range(7, 0, 7, 4), ERROR),
            d("duplicate-footnote", range(9, 0, 9, 4), ERROR),
            d("unused-footnote", range(10, 0, 10, 4), WARNING),
        ]
    );

    // Back to the defaults on disk: the watcher event reloads the config.
    std::fs::write(&config, &default_config).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&config), "type": 2 }] }),
    );
    let diags = client.wait_diagnostics(&uri, |ds| ds.len() == 11);
    assert_eq!(
        keys(&diags)
            .into_iter()
            .filter(
                |(code, _, _)| ["footnote-order", "uncited-note", "untagged-mention"]
                    .contains(code)
            )
            .collect::<Vec<_>>(),
        vec![
            d("footnote-order", range(4, 51, 4, 55), WARNING),
            d("footnote-order", range(4, 75, 4, 79), WARNING),
            d("untagged-mention", range(5, 5, 5, 15), HINT),
            d("uncited-note", range(7, 0, 7, 4), HINT),
        ]
    );
}

// ---------------------------------------------------------------------------
// robustness
// ---------------------------------------------------------------------------

/// Found by `tests/lsp_props.rs`: a `source` string whose closing quote is
/// missing and whose last character is not ASCII.
#[test]
fn an_unterminated_source_string_ending_in_an_emoji_is_reported_not_a_panic() {
    let dir = TempDir::new("fm-panic");
    let path = dir.join("doc.scholia");
    let mut client = Client::start(Some(&dir.path), None);
    let text = "+++\nsource = \"[@k]👧\n+++\n\nText.\n";
    let uri = client.open(&path, text);
    let diags = client.diagnostics_for(&uri, Some(1));
    assert!(
        diags
            .iter()
            .any(|d| d.code == "front-matter" && d.range.start.line == 1),
        "{diags:#?}"
    );
    // The same text reached by typing: delete the closing quote.
    let path = dir.join("typed.scholia");
    let uri = client.open(&path, "+++\nsource = \"[@k]👧\"\n+++\n\nText.\n");
    client.diagnostics_for(&uri, Some(1));
    client.change(&path, 2, &[Change::delete(range(1, 16, 1, 17))]);
    assert_eq!(client.diagnostics_for(&uri, Some(2)), diags);
    assert!(!client.panicked(), "{}", client.stderr());
}

#[test]
fn the_server_survives_bad_input_and_still_answers_hover() {
    let mut client = start_ws();
    let orig = ws().join("orig.scholia");

    // A change to a document that is not open.
    client.change(&ws().join("nowhere.scholia"), 7, &[Change::full("[")]);
    // A message that is JSON but no request.
    client.send(&json!({ "jsonrpc": "2.0", "params": 3 }));
    // An unknown request gets an error reply.
    let unknown = client.request("scholia/noSuchMethod", json!({}));
    assert_eq!(unknown.unwrap_err()["code"], -32601);
    // A request with parameters of the wrong shape gets an error reply.
    let bad = client.request("textDocument/hover", json!("nonsense"));
    assert_eq!(bad.unwrap_err()["code"], -32602);
    // An unknown notification is ignored.
    client.notify("scholia/noSuchNotification", json!({ "x": 1 }));

    let (uri, text) = client.open_file(&orig);
    client.diagnostics_for(&uri, Some(1));
    // Requests on a file that is not open, on a non-file URI, past the end.
    assert_eq!(
        client.hover(&ws().join("trans.scholia"), pos(9, 3)),
        Value::Null
    );
    let untitled = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": pos(0, 0).json() }),
    );
    assert_eq!(untitled, Ok(Value::Null));
    assert_eq!(client.hover(&orig, pos(999, 999)), Value::Null);
    client.definition(&orig, pos(3, 9999));
    // Edits with ranges past every end, an end before its start.
    client.change(
        &orig,
        2,
        &[
            Change::replace(range(500, 3, 900, 1), "\n"),
            Change::replace(range(14, 9999, 14, 99999), "!"),
            Change::replace(range(9, 20, 9, 10), ""),
        ],
    );
    let mut expected = text.clone();
    for c in [
        Change::replace(range(500, 3, 900, 1), "\n"),
        Change::replace(range(14, 9999, 14, 99999), "!"),
        Change::replace(range(9, 20, 9, 10), ""),
    ] {
        c.apply(&mut expected, Encoding::Utf16);
    }
    client.diagnostics_for(&uri, Some(2));

    // Still alive, and hover on a mention still answers.
    assert!(client.alive(), "stderr:\n{}", client.stderr());
    let hover = client.hover(&orig, pos(10, 5));
    assert_eq!(hover_range(&hover), Some(range(10, 0, 10, 15)));
    assert!(hover_text(&hover).contains("Zhou Enlai"), "{hover:#}");
    let fresh = client.open(&ws().join("fresh-robust.scholia"), &expected);
    let fresh_diags = client.diagnostics_for(&fresh, Some(1));
    assert_eq!(client.diagnostics_for(&uri, Some(2)), fresh_diags);
}

/// SPEC §6: "A malformed message ... gets an error reply; the server never
/// exits on bad input".
#[test]
fn a_message_that_is_not_json_gets_a_parse_error_and_the_server_lives_on() {
    let hover = json!({
        "textDocument": { "uri": uri_of(&ws().join("orig.scholia")) },
        "position": pos(0, 0).json(),
    });
    for body in [&b"{\"oops\": "[..], b"[]", b"42"] {
        let mut client = start_ws();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        client.send_raw(&frame);
        assert_eq!(
            client.request("textDocument/hover", hover.clone()),
            Ok(Value::Null),
            "after {:?}",
            String::from_utf8_lossy(body)
        );
        assert!(client.alive(), "stderr:\n{}", client.stderr());
    }
}

#[test]
fn shutdown_then_exit_ends_the_process() {
    let mut client = start_ws();
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    client.notify("exit", Value::Null);
    eventually("the server exits", || (!client.alive()).then_some(()));
}
