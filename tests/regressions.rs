//! One test per crash ever found (by fuzzing, by the fault suites or by a
//! colleague's test), named after what crashed. Each reproduces the input
//! exactly as found, through the smallest API that reached the crash, and
//! RELIABILITY.md lists where each came from. A new crash gets its test
//! here before its fix.

use std::path::PathBuf;

use scholia::diagnostics::{self, Code};
use scholia::workspace::{Document, Workspace};

fn doc(text: &str) -> Document {
    Document::new(PathBuf::from("/regressions/doc.scholia"), text.to_string())
}

/// Every diagnostic of `text` in a detached workspace (no panic on the way).
fn check(text: &str) -> Vec<(Code, std::ops::Range<usize>)> {
    let d = doc(text);
    diagnostics::check(&d, &Workspace::detached())
        .into_iter()
        .map(|x| (x.code, x.range))
        .collect()
}

/// Found by tests/lsp.rs (an_unterminated_source_string_ending_in_an_emoji…)
/// and by the `front_matter` fuzz target: `source_citations` sliced the raw
/// TOML value at `len - 1` assuming a closing quote; an unterminated string
/// ending in a multi-byte character split it.
#[test]
fn unterminated_source_string_ending_in_an_emoji() {
    let text = "+++\nsource = \"[@k]👧\n+++\n\nText.\n";
    let found = check(text);
    assert!(
        found
            .iter()
            .any(|(c, r)| *c == Code::FrontMatter && r.start >= 4 && r.start <= 22),
        "{found:?}"
    );
    // Other unterminated quotes, each ending in a character of 2, 3, 4 bytes.
    for quote in ["\"", "'", "\"\"\"", "'''"] {
        for tail in ["é", "周", "👧", "e\u{301}"] {
            let text = format!("+++\nsource = {quote}[@k, p. 1]{tail}\n+++\n\nText.\n");
            check(&text);
        }
    }
}
