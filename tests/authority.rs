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
