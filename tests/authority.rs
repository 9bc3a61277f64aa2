//! Authority ids over the server's stdio (issue 15): `duplicate-authority`
//! is published on both entries, each with LSP related information that
//! points at the other entry's id. (The merge fix is a case of
//! `tests/code_actions.rs`; the diagnostics' ranges and messages are in
//! `tests/fixtures/diagnostics/broken.expected`.)

mod support;

use serde_json::Value;
use support::lsp_client::*;

#[test]
fn a_duplicate_authority_points_at_the_other_entry() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/code_actions/authority");
    let mut client = Client::start(Some(&root), None);
    client.open_file(&root.join("telegram.scholia"));
    let people = root.join("registry/people.toml");
    let uri = uri_of(&people);
    let params = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && !p["diagnostics"].as_array().is_none_or(Vec::is_empty)
    });
    let text = std::fs::read_to_string(&people).unwrap();
    let first = find_nth(&text, "\"Q17427\"", 0, client.encoding);
    let second = find_nth(&text, "\"Q17427\"", 1, client.encoding);
    let list = params["diagnostics"].as_array().unwrap();
    let shown: Vec<String> = list
        .iter()
        .map(|d| {
            let related: Vec<String> = d["relatedInformation"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    let loc = &r["location"];
                    format!(
                        "{} {:?} {}",
                        path_of(loc["uri"].as_str().unwrap())
                            .strip_prefix(&root)
                            .unwrap()
                            .display(),
                        Range::from_json(&loc["range"]),
                        r["message"].as_str().unwrap()
                    )
                })
                .collect();
            format!(
                "{} {:?} -> {}",
                d["code"].as_str().unwrap(),
                Range::from_json(&d["range"]),
                related.join("; ")
            )
        })
        .collect();
    let expected = vec![
        format!(
            "duplicate-authority {first:?} -> registry/people.toml {second:?} the same wikidata id on `person.chou-en-lai`"
        ),
        format!(
            "duplicate-authority {second:?} -> registry/people.toml {first:?} the same wikidata id on `person.zhou-enlai`"
        ),
    ];
    assert_eq!(shown, expected, "{:#}", Value::Array(list.clone()));
}

/// "mentioned in N documents" on each registry entry, counted by the
/// index; the lens's arguments are the position where references answer
/// with that many documents.
#[test]
fn registry_entries_have_a_lens_counting_the_documents_that_mention_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/code_actions/authority");
    let mut client = Client::start(Some(&root), None);
    let people = root.join("registry/people.toml");
    let (uri, _) = client.open_file(&people);
    let mut lenses = Vec::new();
    // Until the index is complete the counts say "so far (indexing)".
    for _ in 0..200 {
        let answer = client
            .request(
                "textDocument/codeLens",
                serde_json::json!({ "textDocument": { "uri": uri } }),
            )
            .expect("codeLens");
        lenses = answer.as_array().cloned().unwrap_or_default();
        if !lenses.is_empty()
            && lenses
                .iter()
                .all(|l| !l["command"]["title"].as_str().unwrap().contains("indexing"))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&people).unwrap();
    let mut shown = Vec::new();
    for lens in &lenses {
        let range = Range::from_json(&lens["range"]);
        let id = &text[offset_at(&text, range.start, client.encoding)
            ..offset_at(&text, range.end, client.encoding)];
        let command = &lens["command"];
        assert_eq!(command["command"], "scholia.showReferences");
        let args = command["arguments"].as_array().unwrap();
        assert_eq!(args[0], uri.as_str());
        assert_eq!(Pos::from_json(&args[1]), range.start);
        let refs = client
            .request(
                "textDocument/references",
                serde_json::json!({
                    "textDocument": { "uri": uri },
                    "position": args[1],
                    "context": { "includeDeclaration": false },
                }),
            )
            .expect("references");
        let mut documents: Vec<String> = refs
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                path_of(l["uri"].as_str().unwrap())
                    .strip_prefix(&root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        documents.dedup();
        shown.push(format!(
            "{id}: {} -> references in {}",
            command["title"].as_str().unwrap(),
            documents.join(", ")
        ));
    }
    assert_eq!(
        shown,
        [
            "zhou-enlai: mentioned in 1 document -> references in memo.scholia",
            "stalin: mentioned in 2 documents -> references in memo.scholia, telegram.scholia",
            "chou-en-lai: mentioned in 1 document -> references in telegram.scholia",
            "moscow: mentioned in 1 document -> references in telegram.scholia",
        ]
    );
}
