//! Features for translators: the translation report (library, CLI, server),
//! the `ambiguous-locator` quick fix and the `inconsistent-variant` rule
//! applied to fixtures.
//!
//! `tests/fixtures/translators` is a workspace with a Russian original
//! (`ru/conversation.scholia`), an English translation that loses a note,
//! adds a citation, changes a file number and never tags an entity, and a
//! German translation that keeps everything. Snapshots: `report.expected`
//! (text) and `report.json.expected`; `UPDATE_EXPECT=1` rewrites them.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use scholia::base::Code;
use scholia::diagnostics;
use scholia::ide::locator_fix::locator_fix;
use scholia::report::{
    self, CitationStatus, Presence, TranslationReport, numbers::NumberKind, render_markdown,
    render_text, translation_report,
};
use scholia::workspace::{DocSummary, Document, Workspace};
use serde_json::{Value, json};
use support::lsp_client::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translators")
}

fn open_workspace(root: &Path) -> (Workspace, Vec<Document>) {
    let (mut ws, paths) = Workspace::open(root);
    let docs: Vec<Document> = paths
        .iter()
        .map(|p| Document::new(p.clone(), std::fs::read_to_string(p).unwrap()))
        .collect();
    for d in &docs {
        ws.set_doc(d.path.clone(), DocSummary::of(d));
    }
    (ws, docs)
}

/// The report of the translation at `rel`, its original read from disk.
fn report_of(rel: &str) -> TranslationReport {
    let (ws, docs) = open_workspace(&root());
    let doc = docs
        .iter()
        .find(|d| d.path.ends_with(rel))
        .unwrap_or_else(|| panic!("no document {rel}"));
    let original = report::load_original(doc, |p| docs.iter().find(|d| d.path == p));
    translation_report(doc, original.as_ref().map(|o| o.doc()), &ws)
}

#[test]
fn report_snapshot_text_and_json() {
    let en = report_of("en/conversation.scholia");
    let de = report_of("de/conversation.scholia");
    let text = format!("{}\n{}", render_text(&en), render_text(&de));
    expect_test::expect_file!["fixtures/translators/report.expected"].assert_eq(&text);
    let json = serde_json::to_string_pretty(&en).unwrap() + "\n";
    expect_test::expect_file!["fixtures/translators/report.json.expected"].assert_eq(&json);
}

#[test]
fn report_finds_the_missing_note_the_extra_citation_and_the_changed_file_number() {
    let r = report_of("en/conversation.scholia");
    assert!(r.original_found);
    assert_eq!(r.original, "ru/conversation.scholia");
    assert_eq!(r.translation, "en/conversation.scholia");
    assert_eq!(r.original_language.as_deref(), Some("ru"));
    assert_eq!(r.translation_language.as_deref(), Some("en"));

    let note = |label: &str| {
        r.sections
            .iter()
            .find(|s| s.label.as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no section [^{label}]"))
    };
    // [^3] is missing.
    assert_eq!(note("3").presence, Presence::Missing);
    // [^1] cites @sheng-2014 on top of the original's citation, whose
    // locator `лл. 54–72` equals `ll. 54-72`.
    let cites: Vec<(&str, CitationStatus)> = note("1")
        .citations
        .iter()
        .map(|c| (c.key.as_str(), c.status))
        .collect();
    assert_eq!(
        cites,
        [
            ("aprf-45-1-329", CitationStatus::Same),
            ("sheng-2014", CitationStatus::Extra)
        ]
    );
    assert!(note("1").numbers.is_empty(), "{:?}", note("1").numbers);
    // [^2]: д. 343 became d. 334; the rest (№ 4581, ф. 45, оп. 1, л. 101)
    // is kept, and `с. 130–131` equals `pp. 130-131`.
    let n = &note("2").numbers;
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].kind, NumberKind::Delo);
    assert_eq!(n[0].original.as_ref().unwrap().text, "Д. 343");
    assert_eq!(n[0].translation.as_ref().unwrap().text, "d. 334");
    assert_eq!(note("2").citations[0].status, CitationStatus::Same);
    // Port Arthur is tagged in the original only (its name stands untagged
    // in the translation).
    assert_eq!(r.entities.len(), 1);
    assert_eq!(r.entities[0].id, "port-arthur");
    assert_eq!(r.entities[0].presence, Presence::Missing);
    assert_eq!(r.entities[0].untagged, 1);
    assert_eq!(r.differences, 4);
    assert_eq!(r.summary.len(), 4);
}

#[test]
fn a_faithful_translation_has_no_differences() {
    let r = report_of("de/conversation.scholia");
    assert_eq!(r.differences, 0, "{:#?}", r.summary);
    assert!(r.sections.iter().all(|s| s.presence == Presence::Both));
    assert!(render_text(&r).contains("no differences"));
    assert!(render_markdown(&r).contains("No differences."));
}

#[test]
fn an_unreadable_original_is_one_difference() {
    let text = "+++\ntranslation-of = \"../nowhere.scholia\"\n+++\n\nText.[^1]\n\n[^1]: A note.\n";
    let doc = Document::new(root().join("en/lost.scholia"), text.into());
    let (ws, _) = open_workspace(&root());
    let original = report::load_original(&doc, |_| None);
    assert!(original.is_none());
    let r = translation_report(&doc, None, &ws);
    assert!(!r.original_found);
    assert_eq!(r.original, "nowhere.scholia");
    assert_eq!(r.differences, 1);
    assert!(r.sections.is_empty());
    assert_eq!(r.summary, ["the original cannot be read"]);
}

#[test]
fn markdown_escapes_table_cells() {
    let r = report_of("en/conversation.scholia");
    let md = render_markdown(&r);
    assert!(md.starts_with("**Translation report**"), "{md}");
    assert!(md.contains("| **\\[^3\\]** | line 18 | — | ≠ |"), "{md}");
    assert!(md.contains("| `@sheng-2014` | — | 45 | ≠ |"), "{md}");
    assert!(md.contains("**4 differences**"), "{md}");
}

// ---------------------------------------------------------------------------
// scholia check --translations
// ---------------------------------------------------------------------------

fn scholia(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run scholia");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_prints_every_translation_and_exits_one_on_a_difference() {
    let (code, out, err) = scholia(&["check", "--translations"], &root());
    assert_eq!(code, 1, "{out}{err}");
    // Both translations, in path order, paths relative to the current folder.
    let de = out
        .find("translation de/conversation.scholia (de)")
        .unwrap();
    let en = out
        .find("translation en/conversation.scholia (en)")
        .unwrap();
    assert!(de < en, "{out}");
    assert!(
        out.contains("original    ru/conversation.scholia (ru)"),
        "{out}"
    );
    assert!(
        out.ends_with("compared 2 translations: 1 differs, 4 differences\n"),
        "{out}"
    );
    // The text is the library's rendering.
    assert!(out.contains(&render_text(&report_of("de/conversation.scholia"))[..80]));
}

#[test]
fn cli_exits_zero_when_every_translation_keeps_its_original() {
    let (code, out, _) = scholia(&["check", "--translations", "de"], &root());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no differences"), "{out}");
    assert!(out.ends_with("compared 1 translation: 0 differ, 0 differences\n"));
    // A folder with no translation: nothing to compare.
    let (code, out, _) = scholia(&["check", "--translations", "ru"], &root());
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "compared 0 translations: 0 differ, 0 differences\n");
}

#[test]
fn cli_json_format() {
    let (code, out, _) = scholia(
        &["check", "--translations", "--format", "json", "en"],
        &root(),
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["summary"],
        json!({ "translations": 1, "differing": 1, "differences": 4 })
    );
    let r = &v["reports"][0];
    assert_eq!(r["translation"], "en/conversation.scholia");
    assert_eq!(r["original"], "ru/conversation.scholia");
    assert_eq!(r["differences"], 4);
    let note2 = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == "2")
        .unwrap();
    assert_eq!(
        note2["numbers"][0],
        json!({
            "kind": "delo",
            "original": { "kind": "delo", "value": "343", "text": "Д. 343" },
            "translation": { "kind": "delo", "value": "334", "text": "d. 334" },
        })
    );
}

#[test]
fn cli_missing_path_is_a_usage_error() {
    let (code, _, err) = scholia(&["check", "--translations", "no-such-folder"], &root());
    assert_eq!(code, 2);
    assert!(err.contains("no-such-folder"), "{err}");
}

// ---------------------------------------------------------------------------
// ambiguous-locator and its fix; inconsistent-variant
// ---------------------------------------------------------------------------

fn variants_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics/variants")
}

fn check(doc: &Document, ws: &Workspace) -> Vec<scholia::base::Diagnostic> {
    diagnostics::check(doc, ws)
}

/// Applies non-overlapping replacements, last first.
fn apply(text: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (r, t) in edits {
        out.replace_range(r, &t);
    }
    out
}

#[test]
fn every_ambiguous_locator_has_a_fix_that_clears_it() {
    let (ws, docs) = open_workspace(&variants_root());
    let doc = docs
        .iter()
        .find(|d| d.path.ends_with("locators.scholia"))
        .unwrap();
    let found: Vec<_> = check(doc, &ws)
        .into_iter()
        .filter(|d| d.code == Code::AmbiguousLocator)
        .collect();
    assert_eq!(found.len(), 4);
    let fixes: Vec<_> = found
        .iter()
        .map(|d| locator_fix(&doc.text, d).expect("a fix"))
        .collect();
    let titles: Vec<&str> = fixes.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Write `fols.` (folios)",
            "Write `fol.` (folio)",
            "Write `fols.` (folios)",
            "Write `fol.` (folio)"
        ]
    );
    let fixed = apply(
        &doc.text,
        fixes
            .iter()
            .map(|f| (f.range.clone(), f.new_text.to_string()))
            .collect(),
    );
    expect_test::expect![[r#"
        +++
        title = "Locators"
        source = "[@aprf-45-1-343, fols. 97-103]"
        +++

        A conversation [@aprf-45-1-343, fol. 98], a cable [@avprf-07-25, fols.5-6; @epic, ll. 10-12],
        a decree [@garf-5446, fol. 3] and a paper [@arxiv-paper, l. 4].
        Unknown [@nowhere, ll. 1-2]; folios [@aprf-45-1-343, fols. 97-98];
        lines [@aprf-45-1-343, lines 2-3] and a label [@aprf-45-1-343, l.v. 3].
    "#]]
    .assert_eq(&fixed);
    let again = Document::new(doc.path.clone(), fixed);
    assert!(
        check(&again, &ws)
            .iter()
            .all(|d| d.code != Code::AmbiguousLocator)
    );
}

#[test]
fn the_lint_level_switches_ambiguous_locator_off() {
    let (mut ws, docs) = open_workspace(&variants_root());
    let doc = docs
        .iter()
        .find(|d| d.path.ends_with("locators.scholia"))
        .unwrap();
    ws.config
        .lints
        .set(Code::AmbiguousLocator, scholia::base::Level::Off);
    assert!(
        check(doc, &ws)
            .iter()
            .all(|d| d.code != Code::AmbiguousLocator)
    );
}

/// Writing the preferred name where `inconsistent-variant` points (what the
/// code action does) leaves the document consistent.
#[test]
fn writing_the_preferred_name_clears_inconsistent_variant() {
    let (ws, docs) = open_workspace(&variants_root());
    let doc = docs
        .iter()
        .find(|d| d.path.ends_with("mixed.scholia"))
        .unwrap();
    let flagged: Vec<_> = check(doc, &ws)
        .into_iter()
        .filter(|d| d.code == Code::InconsistentVariant)
        .collect();
    let shown: Vec<&str> = flagged.iter().map(|d| &doc.text[d.range.clone()]).collect();
    assert_eq!(
        shown,
        [
            "Chou En-lai",
            "Chou En-lai",
            "Chou En-lai",
            "CHOU ENLAI",
            "Peking",
            "Lüshun",
            "Jiang Jieshi",
            "Vyshinskii",
            "Jiang Jieshi"
        ]
    );
    // Not flagged: the short forms `Zhou`, `Chiang`, `Vyshinsky` (aliases
    // of no system) and every use of the preferred names themselves.
    let edits = flagged
        .iter()
        .map(|d| {
            let preferred = d.message.rsplit('`').nth(1).unwrap().to_string();
            (d.range.clone(), preferred)
        })
        .collect();
    let fixed = Document::new(doc.path.clone(), apply(&doc.text, edits));
    assert!(
        check(&fixed, &ws)
            .iter()
            .all(|d| d.code != Code::InconsistentVariant),
        "{}",
        fixed.text
    );
}

#[test]
fn one_system_throughout_is_consistent() {
    let (ws, docs) = open_workspace(&variants_root());
    let doc = docs
        .iter()
        .find(|d| d.path.ends_with("consistent.scholia"))
        .unwrap();
    assert!(
        check(doc, &ws)
            .iter()
            .all(|d| d.code != Code::InconsistentVariant)
    );
    // A document written in Wade-Giles alone is consistent too.
    let text = "+++\nsource = \"[@aprf-45-1-343]\"\n+++\n\n[[zhou-enlai|Chou En-lai]] and Chou En-lai's aide; [[Zhou]].\n";
    let doc = Document::new(variants_root().join("wade-giles.scholia"), text.into());
    assert!(
        check(&doc, &ws)
            .iter()
            .all(|d| d.code != Code::InconsistentVariant)
    );
}

// ---------------------------------------------------------------------------
// the server: code lens and executeCommand
// ---------------------------------------------------------------------------

#[test]
fn server_offers_the_report_as_a_code_lens_and_a_command() {
    let mut client = Client::spawn();
    let init = client.initialize(Some(&root()), None);
    let caps = &init["capabilities"];
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!([
            "scholia.translationReport",
            "scholia.preview",
            "scholia.exportTei"
        ])
    );
    assert!(caps["codeLensProvider"].is_object(), "{caps}");

    let en = root().join("en/conversation.scholia");
    let (uri, _) = client.open_file(&en);
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    // One lens, on the `translation-of` value (line 6, after `translation-of = `).
    assert_eq!(lenses.as_array().unwrap().len(), 1, "{lenses}");
    let lens = &lenses[0];
    assert_eq!(Range::from_json(&lens["range"]), range(5, 17, 5, 45));
    assert_eq!(
        lens["command"]["title"],
        "Compare with the original (4 differences)"
    );
    assert_eq!(lens["command"]["command"], "scholia.translationReport");
    assert_eq!(lens["command"]["arguments"], json!([uri]));

    // Running the lens's command gives the report.
    let result = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "scholia.translationReport", "arguments": lens["command"]["arguments"] }),
        )
        .unwrap();
    assert_eq!(result["differences"], 4);
    assert_eq!(result["translation"], "en/conversation.scholia");
    assert_eq!(result["translation_uri"], json!(uri));
    assert_eq!(
        result["original_uri"],
        json!(uri_of(&root().join("ru/conversation.scholia")))
    );
    let markdown = result["markdown"].as_str().unwrap();
    assert!(markdown.contains("**4 differences**"), "{markdown}");
    assert_eq!(
        result["text"].as_str().unwrap(),
        render_text(&report_of("en/conversation.scholia"))
    );

    // An edit in the editor counts before it is saved: put note 3 back.
    let text = std::fs::read_to_string(&en).unwrap();
    let at = position_at(&text, text.len(), client.encoding);
    client.change(
        &en,
        2,
        &[Change::insert(
            at,
            "\n[^3]: Beijing, September 1952. [@aprf-45-1-343, l. 103]\n",
        )],
    );
    let result = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "scholia.translationReport", "arguments": [{ "uri": uri }] }),
        )
        .unwrap();
    assert_eq!(result["differences"], 3, "{}", result["text"]);
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    assert_eq!(
        lenses[0]["command"]["title"],
        "Compare with the original (3 differences)"
    );

    // No lens and no report for a document that translates nothing.
    let ru = root().join("ru/conversation.scholia");
    let (ru_uri, _) = client.open_file(&ru);
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": ru_uri } }),
        )
        .unwrap();
    assert!(lenses.is_null() || lenses == json!([]), "{lenses}");
    let none = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "scholia.translationReport", "arguments": [ru_uri] }),
        )
        .unwrap();
    assert!(none.is_null());

    // A translation whose original is not there (a buffer never saved).
    let lost = root().join("en/lost.scholia");
    let lost_uri = client.open(
        &lost,
        "+++\ntranslation-of = \"../nowhere.scholia\"\n+++\n\nText.\n",
    );
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": lost_uri } }),
        )
        .unwrap();
    assert_eq!(
        lenses[0]["command"]["title"],
        "Compare with the original (original not found)"
    );
    let result = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "scholia.translationReport", "arguments": [lost_uri] }),
        )
        .unwrap();
    assert_eq!(result["original_found"], false);
    assert_eq!(result["differences"], 1);

    // The English translation cites archival sources with `ll.`: info.
    let diags = client.diagnostics_for(&uri, None);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "ambiguous-locator" && d.severity == INFO),
        "{diags:#?}"
    );
    assert!(client.alive());
}
