//! One test per crash ever found (by fuzzing, by the fault suites or by a
//! colleague's test), named after what crashed. Each reproduces the input
//! exactly as found, through the smallest API that reached the crash, and
//! RELIABILITY.md lists where each came from. A new crash gets its test
//! here before its fix.

use std::path::PathBuf;

use scholia::base::Code;
use scholia::diagnostics;
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

/// A fresh, empty folder under the system's temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "scholia-regression-{tag}-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Found by tests/faults_fs.rs: a registry file that became unreadable
/// (saved as Latin-1) dropped all its entries, so every mention of them
/// turned into `unknown-entity`; its last good text now stays in use.
#[test]
fn a_registry_file_that_becomes_unreadable_keeps_its_entries() {
    let dir = temp_dir("last-good");
    std::fs::write(dir.join("scholia.toml"), "registry = [\"people.toml\"]\n").unwrap();
    std::fs::write(
        dir.join("people.toml"),
        "[person.zhou-enlai]\nname = \"Zhou Enlai\"\n",
    )
    .unwrap();
    let (mut ws, _) = Workspace::open(&dir);
    assert!(ws.registry.get("zhou-enlai").is_some());
    std::fs::write(dir.join("people.toml"), b"[person.x]\nname = \"\xf4\"\n").unwrap();
    ws.reload_registry();
    assert!(ws.registry.get("zhou-enlai").is_some());
    let aux = &ws.aux[&dir.join("people.toml")];
    assert!(
        aux.diagnostics
            .iter()
            .any(|d| d.code == Code::Io && d.message.contains("last readable version")),
        "{:?}",
        aux.diagnostics
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Found by tests/faults_fs.rs: a 100 MB registry file was read whole and
/// parsed; files above `MAX_FILE` are now refused unread, with a diagnostic.
#[test]
fn a_huge_registry_file_is_refused_unread() {
    let dir = temp_dir("huge");
    std::fs::write(dir.join("scholia.toml"), "registry = [\"people.toml\"]\n").unwrap();
    std::fs::File::create(dir.join("people.toml"))
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    let start = std::time::Instant::now();
    let (ws, _) = Workspace::open(&dir);
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    let aux = &ws.aux[&dir.join("people.toml")];
    assert!(
        aux.diagnostics[0].message.contains("above the limit"),
        "{:?}",
        aux.diagnostics
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Found by tests/resource_bounds.rs (100,000 footnotes took minutes): the
/// `uncited-note` check scanned every citation for every note.
#[test]
fn uncited_note_check_is_not_quadratic() {
    let mut text = String::new();
    for i in 0..40_000 {
        text.push_str(&format!("Text[^{i}].\n"));
    }
    text.push('\n');
    for i in 0..40_000 {
        text.push_str(&format!("[^{i}]: Note [@k{i}].\n\n"));
    }
    let d = doc(&text);
    let start = std::time::Instant::now();
    let found = diagnostics::check(&d, &Workspace::detached());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(3),
        "check took {:?}",
        start.elapsed()
    );
    assert!(!found.iter().any(|x| x.code == Code::UncitedNote));
}
