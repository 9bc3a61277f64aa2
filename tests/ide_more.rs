//! More `ide` features as data, in process (the sibling of `tests/ide.rs`,
//! same fixture format and renderings): the cases that were asked over
//! stdio in `tests/features_b.rs`, `tests/editing.rs` and `tests/lsp.rs`
//! and are about a feature's answer for a given text, not about the
//! protocol. Each keeps what its stdio version asserted; the stdio files
//! keep one case per request as the smoke test of the wire (and what is
//! about encodings, sync, capabilities and the conversion itself).
//!
//! Positions in the snapshots are 0-based `line:col`, columns in UTF-16
//! (what the stdio versions negotiated). `UPDATE_EXPECT=1 cargo test --test
//! ide_more` rewrites the snapshots; read the diff.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use scholia::ide;
use scholia::ide::markup::Markup;
use scholia::text::Encoding;
use support::fixture::Fixture;
use support::lsp_client::{TempDir, copy_tree};

fn features_b_ws() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features_b/ws")
}

fn editing_ws() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editing")
}

/// `l:c` (UTF-16) of a byte offset of `text`.
fn lc(text: &str, index: &scholia::text::LineIndex, offset: usize) -> String {
    let p = index.line_col(text, offset, Encoding::Utf16);
    format!("{}:{}", p.line, p.col)
}

/// `l:c-l:c` of a byte range.
fn lclc(text: &str, index: &scholia::text::LineIndex, r: &std::ops::Range<usize>) -> String {
    format!("{}-{}", lc(text, index, r.start), lc(text, index, r.end))
}

// ---------------------------------------------------------------------------
// completion (from tests/features_b.rs)
// ---------------------------------------------------------------------------

/// One line per item, in the answer's order (sort-text order is asserted):
/// `label · detail · kind · edit range → new text`, with the filter text
/// when it is not the label, then the cursor's line after applying the
/// first item.
fn completion(f: &Fixture) -> String {
    let (doc, at, w) = f.at();
    let Some(c) = ide::completion::completion(doc, w, at) else {
        return "null\n".into();
    };
    let mut out = String::new();
    if c.incomplete {
        out.push_str("(incomplete)\n");
    }
    if c.items.is_empty() {
        out.push_str("(no items)\n");
    }
    let sort: Vec<&str> = c.items.iter().map(|i| i.sort_text.as_str()).collect();
    assert!(sort.is_sorted(), "items come in sort-text order: {sort:?}");
    for item in &c.items {
        let _ = write!(
            out,
            "{} · {} · {:?} · {} → {:?}",
            item.label,
            item.detail.as_deref().unwrap_or("-"),
            item.kind,
            lclc(&doc.text, &doc.line_index, &item.replace),
            item.new_text,
        );
        if item.filter_text != item.label {
            let _ = write!(out, " (filter {:?})", item.filter_text);
        }
        if item.preselect {
            out.push_str(" (preselect)");
        }
        out.push('\n');
    }
    if let Some(first) = c.items.first() {
        let mut applied = doc.text.clone();
        applied.replace_range(first.replace.clone(), &first.new_text);
        let line = doc
            .line_index
            .line_col(&doc.text, first.replace.start, Encoding::Utf16)
            .line;
        let shown = applied.lines().nth(line as usize).unwrap_or("");
        let _ = writeln!(out, "applied: {shown}");
    }
    out
}

/// Completion at the `$0` of `text`, opened (unsaved) as
/// `typing.scholia` in the features workspace.
fn check_completion(text: &str, expect: Expect) {
    let f = Fixture::dir(&features_b_ws(), &[]).open_text("typing.scholia", text);
    expect.assert_eq(&completion(&f));
}

#[test]
fn completion_matches_fuzzily_and_replaces_the_partial_target() {
    check_completion(
        "Met [[zh$0 yesterday\n",
        expect![[r#"
            (incomplete)
            Zhou Enlai · person, 1898–1976 · Entity(Person) · 0:6-0:8 → "zhou-enlai]]"
            Zhongnanhai · place, Beijing · Entity(Place) · 0:6-0:8 → "zhongnanhai]]"
            applied: Met [[zhou-enlai]] yesterday
        "#]],
    );
}

#[test]
fn completion_finds_entries_by_alias_and_filters_on_the_alias() {
    check_completion(
        "Met [[chou$0\n",
        expect![[r#"
            (incomplete)
            Chou En-lai · Zhou Enlai · person, 1898–1976 · Entity(Person) · 0:6-0:10 → "zhou-enlai]]"
            Chinese Communist Party · organization, from 1921 · Entity(Organization) · 0:6-0:10 → "ccp]]"
            applied: Met [[zhou-enlai]]
        "#]],
    );
    check_completion(
        "Went to [[lushun$0\n",
        expect![[r#"
            (incomplete)
            Lüshun · Port Arthur · place, East Asia · Entity(Place) · 0:10-0:16 → "port-arthur]]"
            applied: Went to [[port-arthur]]
        "#]],
    );
    check_completion(
        "[[kim$0\n",
        expect![[r#"
            (incomplete)
            Kim Il Sung · person, 1912–1994 · Entity(Person) · 0:2-0:5 → "kim-il-sung]]"
            Kim Tu-bong · person, 1889–1958 · Entity(Person) · 0:2-0:5 → "kim-tu-bong]]"
            applied: [[kim-il-sung]]
        "#]],
    );
}

#[test]
fn completion_by_id_and_by_a_cjk_alias() {
    check_completion(
        "[[mao-ze$0\n",
        expect![[r#"
            (incomplete)
            mao-zedong · Mao Zedong · person, 1893–1976 · Entity(Person) · 0:2-0:8 → "mao-zedong]]"
            applied: [[mao-zedong]]
        "#]],
    );
    check_completion(
        "[[周$0\n",
        expect![[r#"
            (incomplete)
            周恩来 · Zhou Enlai · person, 1898–1976 · Entity(Person) · 0:2-0:3 → "zhou-enlai]]"
            applied: [[zhou-enlai]]
        "#]],
    );
}

#[test]
fn completion_inside_a_closed_mention_replaces_the_target_and_adds_no_brackets() {
    // The editor closed the brackets already.
    check_completion(
        "Met [[zh$0]] today\n",
        expect![[r#"
            (incomplete)
            Zhou Enlai · person, 1898–1976 · Entity(Person) · 0:6-0:8 → "zhou-enlai"
            Zhongnanhai · place, Beijing · Entity(Place) · 0:6-0:8 → "zhongnanhai"
            applied: Met [[zhou-enlai]] today
        "#]],
    );
    // The cursor inside an existing target with display text: the whole
    // target is replaced, the display text kept.
    check_completion(
        "Met [[zh$0ou|ZHOU]] today\n",
        expect![[r#"
            (incomplete)
            Zhou Enlai · person, 1898–1976 · Entity(Person) · 0:6-0:10 → "zhou-enlai"
            Zhongnanhai · place, Beijing · Entity(Place) · 0:6-0:10 → "zhongnanhai"
            applied: Met [[zhou-enlai|ZHOU]] today
        "#]],
    );
    // `[[[` opens an insertion that starts with a mention.
    check_completion(
        "the Chairman [[[mao$0]]]\n",
        expect![[r#"
            (incomplete)
            Mao Zedong · person, 1893–1976 · Entity(Person) · 0:16-0:19 → "mao-zedong"
            applied: the Chairman [[[mao-zedong]]]
        "#]],
    );
}

#[test]
fn completion_offers_nothing_after_the_bar_or_outside_a_context() {
    check_completion(
        "Met [[zhou-enlai|Zh$0\n",
        expect![[r#"
            (no items)
        "#]],
    );
    check_completion(
        "Met Zh$0\n",
        expect![[r#"
            null
        "#]],
    );
    check_completion(
        "Met [[stalin]] and zh$0\n",
        expect![[r#"
            null
        "#]],
    );
    check_completion(
        "An escaped \\[[zh$0\n",
        expect![[r#"
            null
        "#]],
    );
}

#[test]
fn completion_after_at_lists_bibliography_keys_with_titles() {
    check_completion(
        "As reported [@$0\n",
        expect![[r#"
            (incomplete)
            aprf-45-1-343 · Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952 · Citation · 0:14-0:14 → "aprf-45-1-343]"
            zhou-wengao-7 · Jianguo yilai Zhou Enlai wengao · Citation · 0:14-0:14 → "zhou-wengao-7]"
            applied: As reported [@aprf-45-1-343]
        "#]],
    );
    // Fuzzy over key and title; inside a closed citation with a locator no
    // bracket is added; a second item after `;` completes too.
    check_completion(
        "See [@wengao$0, 130].\n",
        expect![[r#"
            (incomplete)
            Jianguo yilai Zhou Enlai wengao · zhou-wengao-7 · book · Citation · 0:6-0:12 → "zhou-wengao-7"
            applied: See [@zhou-wengao-7, 130].
        "#]],
    );
    check_completion(
        "See [@zhou-wengao-7, 130; @minutes$0]\n",
        expect![[r#"
            (incomplete)
            Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952 · aprf-45-1-343 · manuscript · Citation · 0:27-0:34 → "aprf-45-1-343"
            applied: See [@zhou-wengao-7, 130; @aprf-45-1-343]
        "#]],
    );
}

#[test]
fn completion_in_the_front_matter_offers_keys_in_source_only() {
    check_completion(
        "+++\ntitle = \"A\"\nsource = \"[@ap$0\"\n+++\n\nText.\n",
        expect![[r#"
            (incomplete)
            aprf-45-1-343 · Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952 · Citation · 2:12-2:14 → "aprf-45-1-343]"
            applied: source = "[@aprf-45-1-343]"
        "#]],
    );
    check_completion(
        "+++\ntitle = \"[[zh$0\"\n+++\n\nText.\n",
        expect![[r#"
            null
        "#]],
    );
}

/// Line ends are `\r\n`: the context stops at the line's end, and the
/// edit stays on the cursor's line.
#[test]
fn completion_in_a_crlf_document() {
    check_completion(
        "First line.\r\nMet [[sta$0\r\nNext [[un]].\r\n",
        expect![[r#"
            (incomplete)
            Stalin · Joseph Stalin · person, 1878–1953 · Entity(Person) · 1:6-1:9 → "stalin]]"
            Chinese Communist Party · organization, from 1921 · Entity(Organization) · 1:6-1:9 → "ccp]]"
            applied: Met [[stalin]]
        "#]],
    );
}

#[test]
fn completion_after_caret_offers_the_next_number_and_the_documents_labels() {
    check_completion(
        "A claim.[^1] Another.[^$0\n\
         And a third.[^src]\n\
         \n\
         [^1]: The first note, with more words than the detail line can hold.\n\
         [^7]: Seventh.\n",
        expect![[r#"
            8 · new footnote · NewFootnote · 0:23-0:23 → "8]" (preselect)
            1 · The first note, with more words than the… · Footnote · 0:23-0:23 → "1]"
            7 · Seventh. · Footnote · 0:23-0:23 → "7]"
            src · referenced, not defined yet · Footnote · 0:23-0:23 → "src]"
            applied: A claim.[^1] Another.[^8]
        "#]],
    );
    // A document without notes starts at 1.
    check_completion(
        "First[^$0]\n",
        expect![[r#"
            1 · new footnote · NewFootnote · 0:7-0:7 → "1" (preselect)
            applied: First[^1]
        "#]],
    );
}

/// A registry of 20,000 entries: the list is capped and marked incomplete,
/// and the best match comes first.
#[test]
fn completion_with_twenty_thousand_entries_is_capped_with_the_best_first() {
    let given = ["Liza", "Ozanne", "Kaz", "Suzette", "Beatriz", "Franz"];
    let family = ["Hanke", "Ashby", "Shaw", "Hughes", "Bishop", "Roth"];
    let mut fixture = String::with_capacity(20_000 * 80);
    fixture.push_str("//- scholia.toml\nregistry = [\"registry/*.toml\"]\n//- registry/big.toml\n");
    for n in 0..19_999 {
        let _ = writeln!(
            fixture,
            "[person.gen-{n:05}]\nname = \"{} {} {n:05}\"\nborn = {}\n",
            given[n % given.len()],
            family[(n / given.len()) % family.len()],
            1800 + n % 150,
        );
    }
    fixture.push_str("[person.zhou-enlai]\nname = \"Zhou Enlai\"\nborn = 1898\ndied = 1976\n");
    let f = Fixture::new(&fixture).open_text("doc.scholia", "Met [[zh$0\n");
    let (doc, at, w) = f.at();
    let c = ide::completion::completion(doc, w, at).expect("a list");
    assert!(c.incomplete);
    assert_eq!(c.items.len(), 100);
    assert_eq!(c.items[0].label, "Zhou Enlai");
    assert_eq!(c.items[0].new_text, "zhou-enlai]]");
    assert!(c.items[1].label.contains('z'));
}

// ---------------------------------------------------------------------------
// document and workspace symbols (from tests/features_b.rs)
// ---------------------------------------------------------------------------

/// `kind "name" (detail) range select selection`, nested by indentation;
/// checks that a selection lies in its symbol and a child in its parent.
fn render_symbols(
    doc: &scholia::workspace::Document,
    list: &[ide::symbols::Symbol],
    depth: usize,
    out: &mut String,
) {
    for s in list {
        assert!(s.range.start <= s.selection.start && s.selection.end <= s.range.end);
        for c in &s.children {
            assert!(
                s.range.start <= c.range.start && c.range.end <= s.range.end,
                "a child inside its parent"
            );
        }
        let _ = writeln!(
            out,
            "{}{:?} {:?} ({}) {} select {}",
            "  ".repeat(depth),
            s.kind,
            s.name,
            s.detail.as_deref().unwrap_or("-"),
            lclc(&doc.text, &doc.line_index, &s.range),
            lclc(&doc.text, &doc.line_index, &s.selection),
        );
        render_symbols(doc, &s.children, depth + 1, out);
    }
}

#[test]
fn document_symbols_of_a_document_without_front_matter_or_headings() {
    let text = "[^a]: A note before any heading.\n\n## Deep first\n\n# Then top\n\n#  \n";
    let f = Fixture::dir(&features_b_ws(), &[]).open_unsaved("flat.scholia", text);
    let (doc, _) = f.doc("flat.scholia");
    let mut out = String::new();
    render_symbols(doc, &ide::symbols::document_symbols(doc), 0, &mut out);
    expect![[r#"
        Footnote { numeric: false } "[^a]" (A note before any heading.) 0:0-0:32 select 0:0-0:4
        Heading "Deep first" (##) 2:0-2:13 select 2:3-2:13
        Heading "Then top" (#) 4:0-4:10 select 4:2-4:10
        Heading "(empty heading)" (#) 6:0-6:3 select 6:0-6:3
    "#]]
    .assert_eq(&out);
}

/// `kind "name" · container · path l:c-l:c "text"` per symbol, best first
/// (by score, the order within a score kept, as the server merges its
/// workspaces' answers).
fn render_workspace_symbols(f: &Fixture, query: &str) -> String {
    let (_, w) = f.doc("conversation.scholia");
    let mut found = ide::symbols::workspace_symbols(w, query, 200);
    found.sort_by_key(|s| std::cmp::Reverse(s.score));
    let mut out = String::new();
    for s in found {
        let _ = writeln!(
            out,
            "{:?} {:?} · {} · {}",
            s.kind,
            s.name,
            s.container.as_deref().unwrap_or("-"),
            f.loc(&s.path, &s.range),
        );
    }
    out
}

#[test]
fn workspace_symbols_find_entries_by_name_alias_and_id_and_documents_by_title() {
    let f = Fixture::dir(&features_b_ws(), &["conversation.scholia"]);
    let mut out = String::new();
    for query in ["zh", "chou", "telegram", "中国", "port-ar"] {
        let _ = writeln!(out, "{query}:");
        out.push_str(&render_workspace_symbols(&f, query));
    }
    expect![[r#"
        zh:
        Entity(Place) "Zhongnanhai" · zhongnanhai · place, Beijing · registry/places.toml 7:7-7:18 "zhongnanhai"
        Entity(Person) "Zhou Enlai" · zhou-enlai · person, 1898–1976 · registry/people.toml 3:8-3:18 "zhou-enlai"
        Document "Minutes of Conversation between I.V. Stalin and Zhou Enlai" · conversation.scholia · conversation.scholia 0:0-0:0 ""
        Document "Telegram from Zhou Enlai" · original.scholia · original.scholia 0:0-0:0 ""
        Document "Telegramm von Zhou Enlai" · translation.scholia · translation.scholia 0:0-0:0 ""
        chou:
        Entity(Person) "Chou En-lai" · Zhou Enlai · zhou-enlai · person, 1898–1976 · registry/people.toml 3:8-3:18 "zhou-enlai"
        Entity(Organization) "Chinese Communist Party" · ccp · organization, from 1921 · registry/organizations.toml 7:14-7:17 "ccp"
        Document "Minutes of Conversation between I.V. Stalin and Zhou Enlai" · conversation.scholia · conversation.scholia 0:0-0:0 ""
        telegram:
        Document "Telegram from Zhou Enlai" · original.scholia · original.scholia 0:0-0:0 ""
        Document "Telegramm von Zhou Enlai" · translation.scholia · translation.scholia 0:0-0:0 ""
        中国:
        Entity(Organization) "中国共产党" · Chinese Communist Party · ccp · organization, from 1921 · registry/organizations.toml 7:14-7:17 "ccp"
        port-ar:
        Entity(Place) "port-arthur" · Port Arthur · port-arthur · place, East Asia · registry/places.toml 2:7-2:18 "port-arthur"
    "#]]
    .assert_eq(&out);
}

// ---------------------------------------------------------------------------
// references and rename (from tests/editing.rs)
// ---------------------------------------------------------------------------

/// The editing workspace with `a.scholia` open, the cursor `delta` bytes
/// into the first `needle`.
fn editing_at(needle: &str, delta: usize) -> Fixture {
    Fixture::dir(&editing_ws(), &["a.scholia"]).cursor_at("a.scholia", needle, delta)
}

fn references_sorted(f: &Fixture, include_declaration: bool) -> String {
    f.references(include_declaration, true)
}

#[test]
fn references_of_a_citation_key_and_of_a_footnote() {
    let f = editing_at("[@aprf-45-1-343]", 2);
    expect![[r#"
        CiteKey("aprf-45-1-343")
        a.scholia 2:12-2:25 "aprf-45-1-343"
        a.scholia 8:25-8:38 "aprf-45-1-343"
        c.scholia 2:12-2:25 "aprf-45-1-343"
        sources.json 1:11-1:24 "aprf-45-1-343"
    "#]]
    .assert_eq(&references_sorted(&f, true));
    let f = editing_at("[^1]: First", 2);
    expect![[r#"
        Footnote("1")
        a.scholia 5:41-5:45 "[^1]"
        a.scholia 7:0-7:4 "[^1]"
        a.scholia 8:17-8:21 "[^1]"
    "#]]
    .assert_eq(&references_sorted(&f, true));
}

/// The rename at the cursor, its edits sorted.
fn rename(f: &Fixture, new_name: &str) -> String {
    f.rename(new_name, true)
}

#[test]
fn renaming_a_footnote_label_and_refusals() {
    let f = editing_at("[^1]: First", 2);
    expect![[r#"
        rename 7:2-7:3 "1" (placeholder "1")
        a.scholia 5:43-5:44 "1" -> "first"
        a.scholia 7:2-7:3 "1" -> "first"
        a.scholia 8:19-8:20 "1" -> "first"
    "#]]
    .assert_eq(&rename(&f, "first"));
    // A label that exists, an invalid id, a taken id, a citation key.
    expect![[r#"
        rename 7:2-7:3 "1" (placeholder "1")
        refused: footnote [^2] already exists in this document
    "#]]
    .assert_eq(&rename(&f, "2"));
    let f = editing_at("[[stalin]]", 2);
    expect![[r#"
        rename 5:2-5:8 "stalin" (placeholder "stalin")
        refused: `Joseph Stalin` is not a registry id: use lower-case letters, digits and `-`
    "#]]
    .assert_eq(&rename(&f, "Joseph Stalin"));
    expect![[r#"
        rename 5:2-5:8 "stalin" (placeholder "stalin")
        refused: the id `zhou-enlai` is taken by Zhou Enlai (person)
    "#]]
    .assert_eq(&rename(&f, "zhou-enlai"));
    let f = editing_at("[@aprf-45-1-329", 2);
    expect![[r#"
        refused: citation keys belong to the bibliography (rename them in your reference manager); scholia renames footnote labels and registry ids
    "#]]
    .assert_eq(&rename(&f, "anything"));
}

// ---------------------------------------------------------------------------
// hover on a citation in two styles (from tests/lsp.rs)
// ---------------------------------------------------------------------------

/// The seeds' workspace with one more document citing the Stalin-Zhou
/// minutes with a folio locator, and `extra` appended to its scholia.toml:
/// the hover on that citation.
fn seeds_citation_hover(extra: &str) -> String {
    let dir = TempDir::new("seeds-cite");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    copy_tree(&seeds, &dir.path);
    let config = dir.join("scholia.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap();
    toml.push_str(extra);
    std::fs::write(&config, toml).unwrap();
    let text = "---\ntitle = \"Folios\"\n---\n\nThe minutes [@aprf-45-1-343, fols. 97-103].\n";
    std::fs::write(dir.join("folios.scholia"), text).unwrap();
    let f = Fixture::dir(&dir.path, &["folios.scholia"]).cursor_pos("folios.scholia", 4, 20);
    let (doc, at, w) = f.at();
    ide::hover::hover(doc, w, at, Markup::Markdown)
        .map(|h| h.text)
        .unwrap_or_default()
}

#[test]
fn hover_on_a_seed_citation_in_chicago_notes_and_in_apa() {
    expect!["D. Rozas, K. Weathersby, “Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952,” September 19, 1952, f. 45, op. 1, d. 343, fols. 97–103, Archive of the President of the Russian Federation (APRF)."].assert_eq(&seeds_citation_hover(""));
    expect![[r#"
        Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952 (D. Rozas & K. Weathersby, trans.). (1952). Archive of the President of the Russian Federation (APRF) (f. 45, op. 1, d. 343).

        (Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952, 1952, Folios 97–103)"#]]
        .assert_eq(&seeds_citation_hover("\n[citations]\nstyle = \"apa\"\nlocale = \"en-US\"\n"));
}
