//! The editor preview (`scholia.preview`, issue 14) over the real stdio
//! transport: the reading-edition page of the text the editor holds,
//! updated before the document is saved, through the site's renderer.

mod support;

use std::path::{Path, PathBuf};

use serde_json::json;
use support::lsp_client::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/site/fixture")
}

#[test]
fn preview_renders_the_unsaved_text() {
    let mut client = Client::spawn();
    client.initialize(Some(&root()), None);
    let path = root().join("translation.scholia");
    let (uri, _) = client.open_file(&path);
    let preview = |client: &mut Client| {
        let result = client
            .request(
                "workspace/executeCommand",
                json!({ "command": "scholia.preview", "arguments": [uri] }),
            )
            .unwrap();
        assert_eq!(result["uri"], json!(uri));
        result["html"].as_str().unwrap().to_string()
    };
    let html = preview(&mut client);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    // The page's policy: no script at all, the stylesheet inline.
    assert!(
        html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
        "{html}"
    );
    assert!(
        html.contains("To comrade <span class=\"mention person\" id=\"m0\""),
        "{html}"
    );
    // The hostile text of the fixture is text.
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;window.__xss=&#39;text&#39;&lt;/script&gt;"));
    // The note, at the end and over its reference.
    assert!(html.contains("<li id=\"fn-1\">"), "{html}");

    // Typing, not saved: the preview follows the editor's text.
    let text = std::fs::read_to_string(&path).unwrap();
    let at = position_at(&text, text.len(), client.encoding);
    client.change(
        &path,
        2,
        &[Change::insert(at, "\nAdded by [[Beijing]] *now*.\n")],
    );
    let html = preview(&mut client);
    assert!(
        html.contains("<p>Added by <span class=\"mention place\" id=\"m4\""),
        "{html}"
    );
    assert!(html.contains("</span> <em>now</em>.</p>"), "{html}");
}
