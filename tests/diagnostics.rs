//! Every diagnostic code, as data: each folder under `tests/fixtures/diagnostics/`
//! is a workspace; its checked files are rendered with carets under the exact
//! ranges (and LSP UTF-16 positions) into `<folder>.expected`.
//! `UPDATE_EXPECT=1 cargo test --test diagnostics` rewrites the snapshots;
//! read the diff before committing it.

use std::fmt::Write;
use std::path::Path;

use scholia::base::Diagnostic;
use scholia::diagnostics;
use scholia::text::{Encoding, LineIndex};
use scholia::workspace::{DocSummary, Document, Workspace};

fn render(out: &mut String, name: &str, text: &str, diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(text);
    writeln!(out, "── {name}").unwrap();
    for d in diagnostics {
        let start = index.line_col(text, d.range.start, Encoding::Utf16);
        let end = index.line_col(text, d.range.end, Encoding::Utf16);
        let line = index.line_of(d.range.start);
        let line_range = index.line_range(text, line).unwrap();
        let line_text = &text[line_range.clone()];
        let pad = text[line_range.start..d.range.start].chars().count();
        let stop = d.range.end.min(line_range.end).max(d.range.start);
        let width = text[d.range.start..stop].chars().count().max(1);
        writeln!(out, "{:>3} │ {line_text}", line + 1).unwrap();
        writeln!(
            out,
            "    │ {}{} {}[{}] {}:{}-{}:{} {}",
            " ".repeat(pad),
            "^".repeat(width),
            d.severity,
            d.code,
            start.line,
            start.col,
            end.line,
            end.col,
            d.message
        )
        .unwrap();
    }
}

fn check_workspace(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diagnostics")
        .join(name);
    let (mut ws, paths) = Workspace::open(&root);
    let docs: Vec<Document> = paths
        .iter()
        .map(|p| Document::new(p.clone(), std::fs::read_to_string(p).unwrap()))
        .collect();
    for d in &docs {
        ws.set_doc(d.path.clone(), DocSummary::of(d));
    }
    let mut out = String::new();
    let rel = |p: &Path| p.strip_prefix(&root).unwrap().display().to_string();
    for (path, aux) in &ws.aux {
        let mut ds = diagnostics::aux_diagnostics(&ws, path, true);
        diagnostics::finish(&mut ds, &ws);
        render(&mut out, &rel(path), &aux.text, &ds);
    }
    for d in &docs {
        render(
            &mut out,
            &rel(&d.path),
            &d.text,
            &diagnostics::check(d, &ws),
        );
    }
    // Messages may name files by absolute path; the snapshot must not
    // depend on where the repository is checked out.
    let out = out.replace(&format!("{}/", root.display()), "<root>/");
    expect_test::expect_file![format!("fixtures/diagnostics/{name}.expected")].assert_eq(&out);
}

#[test]
fn main_workspace() {
    check_workspace("main");
}

#[test]
fn broken_workspace() {
    check_workspace("broken");
}

/// `unused-bibliography-entry`, turned on by `[lint]`: the entries of a
/// CSL-JSON and a BibTeX file that no document cites, on their keys; a key
/// cited only inside a footnote counts as cited.
#[test]
fn unused_sources_workspace() {
    check_workspace("unused-sources");
}

/// A document outside any workspace gets every check that needs no
/// registry or bibliography.
#[test]
fn detached_document() {
    let text = "[[anyone]] cites [@anything] with [^1].\n";
    let doc = Document::new("/nowhere/doc.scholia".into(), text.into());
    let ws = Workspace::detached();
    let mut out = String::new();
    render(
        &mut out,
        "doc.scholia",
        text,
        &diagnostics::check(&doc, &ws),
    );
    expect_test::expect![[r#"
        ── doc.scholia
          1 │ [[anyone]] cites [@anything] with [^1].
            │                                   ^^^^ error[undefined-footnote] 0:34-0:38 footnote [^1] has no definition `[^1]: …` in this document
    "#]].assert_eq(&out);
}

/// `inconsistent-variant` (romanization systems in the registry's
/// `variants`) and `ambiguous-locator` (`l.`/`ll.` citing archival sources).
#[test]
fn variants_workspace() {
    check_workspace("variants");
}

/// Names as real text writes them (typographic apostrophes, no-break
/// spaces, combining accents), the longest name winning, not-a-mention
/// phrases (scholia.toml's and an entry's) and the archive page section
/// that `scholia import` keeps verbatim.
#[test]
fn names_workspace() {
    check_workspace("names");
}
