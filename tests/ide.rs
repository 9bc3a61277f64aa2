//! Every `ide` feature tested as data, in process: a fixture (files under
//! `//- path` headers, `$0` for the cursor; see `tests/support/fixture.rs`)
//! or the workspace of the stdio tests (`tests/fixtures/lsp/ws`) loaded
//! into a `scholia::host::Host`, the feature asked, and its answer rendered
//! for a reader and compared with an `expect![[…]]` snapshot
//! (`UPDATE_EXPECT=1 cargo test --test ide` rewrites them; read the diff).
//!
//! Positions in the snapshots are 0-based `line:col`, columns in UTF-16.
//! What is about the protocol (sync, encodings, capabilities, faults,
//! loading order) stays over stdio in `tests/lsp.rs` and its neighbours.
//! `tests/ide_more.rs` holds more cases in the same form (the ones moved
//! from the stdio files).

mod support;

use expect_test::{Expect, expect};
use scholia::ide;
use scholia::ide::markup::Markup;
use support::fixture::{Fixture, lines, span};
use support::lsp_client::fixture as lsp_fixture;

/// The stdio tests' workspace with `open` opened.
fn ws(open: &[&str]) -> Fixture {
    Fixture::dir(&lsp_fixture("ws"), open)
}

// ---------------------------------------------------------------------------
// hover
// ---------------------------------------------------------------------------

fn hover(f: &Fixture) -> String {
    let (doc, at, w) = f.at();
    match ide::hover::hover(doc, w, at, Markup::Markdown) {
        None => "null\n".into(),
        Some(h) => format!(
            "{}\n---\n{}\n",
            span(&doc.text, &doc.line_index, &h.range),
            h.text
        ),
    }
}

fn check_hover(f: Fixture, expect: Expect) {
    expect.assert_eq(&hover(&f));
}

#[test]
fn hover_on_a_mention_shows_the_entity_card() {
    let f = ws(&["orig.scholia"]).cursor_at("orig.scholia", "[[Chou En-lai]]", 4);
    check_hover(
        f,
        expect![[r#"
            10:0-10:15 "[[Chou En-lai]]"
            ---
            **Zhou Enlai** · person · 1898–1976

            Premier and Foreign Minister of the People's Republic of China.

            Also: Chou En-lai

            wikidata: [Q17427](https://www.wikidata.org/wiki/Q17427)

            `zhou-enlai` · mentioned in 2 documents
        "#]],
    );
}

#[test]
fn hover_on_a_place_mention_by_alias_shows_region_and_coordinates() {
    let f = ws(&["unicode.scholia"]).cursor_at("unicode.scholia", "[[Lüshun]]", 3);
    check_hover(
        f,
        expect![[r#"
        5:50-5:60 "[[Lüshun]]"
        ---
        **Port Arthur** · place · East Asia

        Naval base on the Liaodong peninsula, under Soviet administration until 1955.

        Also: Lüshun, Lushunkou

        Coordinates: 38.81, 121.26

        `port-arthur` · mentioned in 3 documents
    "#]],
    );
}

#[test]
fn hover_on_an_ambiguous_mention_shows_every_candidate() {
    let f = ws(&["problems.scholia"]).cursor_pos("problems.scholia", 4, 3);
    check_hover(
        f,
        expect![[r#"
        4:0-4:7 "[[Kim]]"
        ---
        *Ambiguous:* `Kim` names 2 entries.

        ---

        **Kim Il Sung** · person · 1912–1994

        Also: Kim

        `kim-il-sung` · mentioned in 0 documents

        ---

        **Kim Tu-bong** · person · 1889–1958

        Also: Kim

        `kim-tu-bong` · mentioned in 0 documents
    "#]],
    );
}

#[test]
fn hover_on_a_footnote_reference_shows_the_note() {
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 9, 70);
    check_hover(
        f,
        expect![[r#"
        9:68-9:72 "[^1]"
        ---
        **[^1]** Refers to the proposal of September 1952. [@aprf-45-1-343, ll. 97-103]
    "#]],
    );
}

#[test]
fn hover_on_a_csl_json_citation_shows_the_formatted_reference_and_locator() {
    // On the key of the citation in note 1, then in the front matter's
    // `source` string: the same card, the locator appended once.
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 13, 52);
    let in_note = hover(&f);
    expect![[r#"
        13:48-13:76 "[@aprf-45-1-343, ll. 97-103]"
        ---
        “Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952,” September 19, 1952, lines 97–103, f. 45, op. 1, d. 343, pp. 97–103, Archive of the President of the Russian Federation (APRF).
    "#]].assert_eq(&in_note);
    let f = f.cursor_pos("orig.scholia", 3, 14);
    let in_source = hover(&f);
    expect![[r#"
        3:10-3:38 "[@aprf-45-1-343, ll. 97-103]"
        ---
        “Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952,” September 19, 1952, lines 97–103, f. 45, op. 1, d. 343, pp. 97–103, Archive of the President of the Russian Federation (APRF).
    "#]].assert_eq(&in_source);
    let card = |h: &str| h.split_once("---\n").unwrap().1.to_string();
    assert_eq!(card(&in_note), card(&in_source));
    // The locator is rendered once, with its label: hayagriva writes CSL's
    // term for `ll.`, "lines" (the entry's own `page` 97-103 is `pp.`).
    assert_eq!(card(&in_note).matches("lines 97–103").count(), 1);
}

#[test]
fn hover_on_a_bibtex_citation_shows_the_formatted_reference_and_locator() {
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 11, 45);
    check_hover(
        f,
        expect![[r#"
            11:39-11:59 "[@sheng-2014, p. 12]"
            ---
            Michael Sheng, “Mao's Role in the Korean Conflict: A Revision,” Twentieth-Century China 39, no. 3 (2014): 12.
        "#]],
    );
}

#[test]
fn hover_on_an_untagged_name_shows_the_card_and_how_to_tag_it() {
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 11, 8);
    check_hover(
        f,
        expect![[r#"
            11:6-11:12 "Stalin"
            ---
            *Not tagged:* write `[[stalin|Stalin]]` to tag it.

            ---

            **Joseph Stalin** · person · 1878–1953

            General Secretary of the All-Union Communist Party (Bolsheviks).

            Also: Stalin, I.V. Stalin

            wikidata: [Q855](https://www.wikidata.org/wiki/Q855)

            `stalin` · mentioned in 3 documents
        "#]],
    );
}

#[test]
fn hover_on_plain_text_is_null() {
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 9, 25);
    check_hover(
        f,
        expect![[r#"
        null
    "#]],
    );
}

#[test]
fn hover_in_a_fixture_of_its_own() {
    let f = Fixture::new(
        r#"
//- scholia.toml
registry = ["people.toml"]
//- people.toml
[person.kim-il-sung]
name = "Kim Il Sung"
born = 1912
died = 1994
summary = "Leader of the DPRK."
//- a.scholia
+++
title = "A"
+++

[[kim-il-sung|Kim]] spoke. Then [[Kim$0 Il Sung]] left.
"#,
    );
    check_hover(
        f,
        expect![[r#"
        4:32-4:47 "[[Kim Il Sung]]"
        ---
        **Kim Il Sung** · person · 1912–1994

        summary: Leader of the DPRK.

        `kim-il-sung` · mentioned in 1 document
    "#]],
    );
}

// ---------------------------------------------------------------------------
// definition
// ---------------------------------------------------------------------------

fn definition(f: &Fixture) -> String {
    let (doc, at, w) = f.at();
    let mut found: Vec<String> = ide::definition::definition(doc, w, at)
        .iter()
        .map(|l| f.loc(&l.path, &l.range))
        .collect();
    found.sort();
    lines(found)
}

#[test]
fn definition_of_a_footnote_reference_is_its_definition() {
    // On the label, and just after the `]`.
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 9, 69);
    expect![[r#"
        orig.scholia 13:0-13:4 "[^1]"
    "#]]
    .assert_eq(&definition(&f));
    let f = f.cursor_pos("orig.scholia", 9, 72);
    expect![[r#"
        orig.scholia 13:0-13:4 "[^1]"
    "#]]
    .assert_eq(&definition(&f));
}

#[test]
fn definition_of_a_mention_is_the_id_key_of_its_registry_entry() {
    // By alias, by id, by name.
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 10, 5);
    expect![[r#"
        registry/people.toml 11:8-11:18 "zhou-enlai"
    "#]]
    .assert_eq(&definition(&f));
    let f = f.cursor_pos("orig.scholia", 9, 3);
    expect![[r#"
        registry/people.toml 3:8-3:14 "stalin"
    "#]]
    .assert_eq(&definition(&f));
    let f = f.cursor_pos("orig.scholia", 10, 30);
    expect![[r#"
        registry/places.toml 2:7-2:18 "port-arthur"
    "#]]
    .assert_eq(&definition(&f));
}

#[test]
fn definition_of_an_ambiguous_mention_lists_every_candidate() {
    let f = ws(&["problems.scholia"]).cursor_pos("problems.scholia", 4, 2);
    expect![[r#"
        registry/people.toml 27:8-27:19 "kim-il-sung"
        registry/people.toml 33:8-33:19 "kim-tu-bong"
    "#]]
    .assert_eq(&definition(&f));
}

#[test]
fn definition_of_a_csl_json_citation_is_its_entry_in_sources_json() {
    // The key of the `"id": "aprf-45-1-343"` member, inside the quotes.
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 13, 55);
    expect![[r#"
        sources.json 2:11-2:24 "aprf-45-1-343"
    "#]]
    .assert_eq(&definition(&f));
}

#[test]
fn definition_of_a_bibtex_citation_is_its_entry_in_sources_bib() {
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 11, 44);
    expect![[r#"
        sources.bib 2:9-2:19 "sheng-2014"
    "#]]
    .assert_eq(&definition(&f));
}

#[test]
fn definition_of_translation_of_is_the_original() {
    let f = ws(&["trans.scholia"]).cursor_pos("trans.scholia", 4, 22);
    expect![[r#"
        orig.scholia 0:0-0:0 ""
    "#]]
    .assert_eq(&definition(&f));
}

#[test]
fn definition_on_plain_text_is_empty() {
    let f = ws(&["orig.scholia"]).cursor_pos("orig.scholia", 9, 25);
    expect![[""]].assert_eq(&definition(&f));
}

// ---------------------------------------------------------------------------
// references and rename
// ---------------------------------------------------------------------------

const TWO_DOCS: &str = r#"
//- scholia.toml
registry = ["people.toml"]
//- people.toml
[person.stalin]
name = "Joseph Stalin"
aliases = ["I.V. Stalin"]
//- a.scholia
+++
title = "A"
+++

[[stal$0in|Stalin]] met [[I.V. Stalin]].[^1]

[^1]: See [[stalin]].
//- b.scholia
+++
title = "B"
+++

Later [[stalin|STALIN]] left.
"#;

fn references(f: &Fixture, include_declaration: bool) -> String {
    f.references(include_declaration, false)
}

#[test]
fn references_of_a_mention_reach_every_document_and_the_registry() {
    let f = Fixture::new(TWO_DOCS);
    expect![[r#"
        Entity(0)
        people.toml 0:8-0:14 "stalin"
        a.scholia 4:0-4:17 "[[stalin|Stalin]]"
        a.scholia 4:22-4:37 "[[I.V. Stalin]]"
        a.scholia 6:10-6:20 "[[stalin]]"
        b.scholia 4:6-4:23 "[[stalin|STALIN]]"
    "#]]
    .assert_eq(&references(&f, true));
    expect![[r#"
        Entity(0)
        a.scholia 4:0-4:17 "[[stalin|Stalin]]"
        a.scholia 4:22-4:37 "[[I.V. Stalin]]"
        a.scholia 6:10-6:20 "[[stalin]]"
        b.scholia 4:6-4:23 "[[stalin|STALIN]]"
    "#]]
    .assert_eq(&references(&f, false));
}

#[test]
fn references_of_a_footnote_stay_in_its_document() {
    let f = Fixture::new(
        &TWO_DOCS
            .replace("[[stal$0in|", "[[stalin|")
            .replace(".[^1]", ".[^$01]"),
    );
    expect![[r#"
        Footnote("1")
        a.scholia 4:38-4:42 "[^1]"
        a.scholia 6:0-6:4 "[^1]"
    "#]]
    .assert_eq(&references(&f, true));
}

fn rename(f: &Fixture, new_name: &str) -> String {
    f.rename(new_name, false)
}

#[test]
fn rename_of_an_entity_edits_the_registry_and_every_mention() {
    let f = Fixture::new(TWO_DOCS);
    expect![[r#"
        rename 4:2-4:8 "stalin" (placeholder "stalin")
        people.toml 0:8-0:14 "stalin" -> "iosif-stalin"
        a.scholia 4:2-4:8 "stalin" -> "iosif-stalin"
        a.scholia 6:12-6:18 "stalin" -> "iosif-stalin|stalin"
        b.scholia 4:8-4:14 "stalin" -> "iosif-stalin"
    "#]]
    .assert_eq(&rename(&f, "iosif-stalin"));
    expect![[r#"
        rename 4:2-4:8 "stalin" (placeholder "stalin")
        refused: `not an id` is not a registry id: use lower-case letters, digits and `-`
    "#]]
    .assert_eq(&rename(&f, "not an id"));
}

#[test]
fn rename_of_a_footnote_label_edits_its_reference_and_definition() {
    let f = Fixture::new(
        &TWO_DOCS
            .replace("[[stal$0in|", "[[stalin|")
            .replace(".[^1]", ".[^$01]"),
    );
    expect![[r#"
        rename 4:40-4:41 "1" (placeholder "1")
        a.scholia 4:40-4:41 "1" -> "first"
        a.scholia 6:2-6:3 "1" -> "first"
    "#]]
    .assert_eq(&rename(&f, "first"));
}

// ---------------------------------------------------------------------------
// completion
// ---------------------------------------------------------------------------

fn completion(f: &Fixture) -> String {
    let (doc, at, w) = f.at();
    let Some(c) = ide::completion::completion(doc, w, at) else {
        return "null\n".into();
    };
    let mut out = vec![format!("incomplete: {}", c.incomplete)];
    for i in c.items {
        out.push(format!(
            "{:?} {:?} {:?} replaces {} with {:?}{}",
            i.kind,
            i.label,
            i.detail.unwrap_or_default(),
            span(&doc.text, &doc.line_index, &i.replace),
            i.new_text,
            if i.preselect { " (preselected)" } else { "" }
        ));
    }
    lines(out)
}

#[test]
fn completion_of_mentions_citations_and_footnotes() {
    let f = Fixture::new(&TWO_DOCS.replace("[[stal$0in|Stalin]]", "[[sta$0"));
    expect![[r#"
        incomplete: true
        Entity(Person) "stalin" "Joseph Stalin · person" replaces 4:2-4:5 "sta" with "stalin]]"
    "#]]
    .assert_eq(&completion(&f));
    let f = Fixture::new(&TWO_DOCS.replace("[[stal$0in|Stalin]]", "Text.[^$0"));
    expect![[r#"
        incomplete: false
        NewFootnote "2" "new footnote" replaces 4:7-4:7 "" with "2]" (preselected)
        Footnote "1" "See [[stalin]]." replaces 4:7-4:7 "" with "1]"
    "#]]
    .assert_eq(&completion(&f));
}

// ---------------------------------------------------------------------------
// symbols, semantic tokens, folding, links
// ---------------------------------------------------------------------------

fn symbols(text: &str, list: &[ide::symbols::Symbol], depth: usize, out: &mut Vec<String>) {
    let index = scholia::text::LineIndex::new(text);
    for s in list {
        out.push(format!(
            "{}{:?} {:?} {:?} selection {}",
            "  ".repeat(depth),
            s.kind,
            s.name,
            s.detail.clone().unwrap_or_default(),
            span(text, &index, &s.selection)
        ));
        symbols(text, &s.children, depth + 1, out);
    }
}

#[test]
fn document_and_workspace_symbols() {
    let f = ws(&["orig.scholia"]);
    let (doc, w) = f.doc("orig.scholia");
    let mut out = Vec::new();
    symbols(&doc.text, &ide::symbols::document_symbols(doc), 0, &mut out);
    expect![[r##"
        Title "Minutes of Conversation between I.V. Stalin and Zhou Enlai" "title" selection 1:8-1:68 "\"Minutes of Conversation between I.V. Stalin and Zhou Enlai\""
        Heading "Conversation" "#" selection 7:2-7:14 "Conversation"
          Footnote { numeric: true } "[^1]" "Refers to the proposal of September 1952. [@aprf-45-1-343,…" selection 13:0-13:4 "[^1]"
          Footnote { numeric: true } "[^2]" "The proposal was made at the UN. [@zhou-wengao-7,…" selection 14:0-14:4 "[^2]"
    "##]].assert_eq(&lines(out));
    let found: Vec<String> = ide::symbols::workspace_symbols(w, "zhou", 10)
        .into_iter()
        .map(|s| {
            format!(
                "{:?} {:?} in {} ({})",
                s.kind,
                s.name,
                f.loc(&s.path, &s.range),
                s.container.unwrap_or_default()
            )
        })
        .collect();
    expect![[r#"
        Entity(Person) "Zhou Enlai" in registry/people.toml 11:8-11:18 "zhou-enlai" (zhou-enlai · person, 1898–1976)
        Document "Gesprächsprotokoll zwischen I.W. Stalin und Zhou Enlai" in trans.scholia 0:0-0:0 "" (trans.scholia)
        Document "Minutes of Conversation between I.V. Stalin and Zhou Enlai" in orig.scholia 0:0-0:0 "" (orig.scholia)
    "#]].assert_eq(&lines(found));
}

#[test]
fn semantic_tokens_of_a_document() {
    let f = ws(&["problems.scholia"]);
    let (doc, w) = f.doc("problems.scholia");
    let tokens: Vec<String> = ide::semantic_tokens::tokens(doc, w)
        .into_iter()
        .map(|t| {
            format!(
                "{} {} modifiers {}",
                span(&doc.text, &doc.line_index, &t.range),
                t.kind.name(),
                t.modifiers
            )
        })
        .collect();
    expect![[r#"
        4:0-4:7 "[[Kim]]" unknownEntity modifiers 2
        4:12-4:28 "[[Nobody Known]]" unknownEntity modifiers 0
        4:33-4:50 "[[stalin|Stalin]]" person modifiers 0
        4:51-4:55 "[^2]" footnote modifiers 0
        4:60-4:74 "[@no-such-key]" citation modifiers 0
        4:75-4:79 "[^1]" footnote modifiers 0
        5:28-5:32 "[^3]" footnote modifiers 0
        7:0-7:4 "[^1]" footnote modifiers 1
        8:0-8:4 "[^2]" footnote modifiers 1
        8:13-8:29 "[@aprf-45-1-343]" citation modifiers 0
        9:0-9:4 "[^2]" footnote modifiers 1
        9:13-9:29 "[@aprf-45-1-343]" citation modifiers 0
        10:0-10:4 "[^4]" footnote modifiers 1
        10:24-10:40 "[@aprf-45-1-343]" citation modifiers 0
    "#]]
    .assert_eq(&lines(tokens));
}

#[test]
fn folding_ranges_of_a_document() {
    let f = ws(&["orig.scholia"]);
    let (doc, _) = f.doc("orig.scholia");
    let folds = ide::folding::folding_ranges(doc)
        .into_iter()
        .map(|r| format!("{}-{} {:?}", r.start_line, r.end_line, r.kind));
    expect![[r#"
        0-5 FrontMatter
        7-14 Section
    "#]]
    .assert_eq(&lines(folds));
}

#[test]
fn document_links_of_a_translation() {
    let f = ws(&["trans.scholia"]);
    let (doc, w) = f.doc("trans.scholia");
    let links = ide::links::document_links(doc, w).into_iter().map(|l| {
        format!(
            "{} -> {} ({:?})",
            span(&doc.text, &doc.line_index, &l.range),
            f.rel(&l.target),
            l.title
        )
    });
    expect![[r#"
        4:18-4:30 "orig.scholia" -> orig.scholia (Some("Minutes of Conversation between I.V. Stalin and Zhou Enlai"))
    "#]].assert_eq(&lines(links));
}

// ---------------------------------------------------------------------------
// code actions
// ---------------------------------------------------------------------------

fn code_actions(f: &Fixture) -> String {
    let (doc, at, w) = f.at();
    let diagnostics: Vec<(scholia::base::Code, std::ops::Range<usize>)> =
        scholia::diagnostics::check(doc, w)
            .into_iter()
            .filter(|d| d.range.start <= at && at <= d.range.end)
            .map(|d| (d.code, d.range))
            .collect();
    let mut out = Vec::new();
    for a in ide::code_actions::code_actions(doc, w, at..at, &diagnostics) {
        out.push(format!(
            "{} [{}]{}{}",
            a.title,
            a.kind.as_str(),
            if a.preferred { " preferred" } else { "" },
            a.disabled
                .map(|r| format!(" disabled: {r}"))
                .unwrap_or_default()
        ));
        for file in &a.edits {
            for (range, new) in &file.edits {
                out.push(format!("  {} -> {new:?}", f.loc(&file.path, range)));
            }
        }
    }
    lines(out)
}

#[test]
fn code_actions_on_an_unknown_mention_and_a_missing_footnote() {
    let f = Fixture::new(&TWO_DOCS.replace("[[stal$0in|Stalin]]", "[[Kim $0Tu-bong]]"));
    expect![[r#"
        Add `Kim Tu-bong` to the registry as a person [quickfix]
          people.toml 3:0-3:0 "" -> "\n[person.kim-tu-bong]\nname = \"Kim Tu-bong\"\n"
        Add `Kim Tu-bong` to the registry as a place [quickfix]
          people.toml 3:0-3:0 "" -> "\n[place.kim-tu-bong]\nname = \"Kim Tu-bong\"\n"
        Add `Kim Tu-bong` to the registry as an organization [quickfix]
          people.toml 3:0-3:0 "" -> "\n[organization.kim-tu-bong]\nname = \"Kim Tu-bong\"\n"
        Renumber footnotes in order of first reference [source.renumberFootnotes] disabled: the footnotes are already numbered 1..n in order of first reference
    "#]].assert_eq(&code_actions(&f));
    let f = Fixture::new(
        &TWO_DOCS
            .replace("[[stal$0in|", "[[stalin|")
            .replace(".[^1]", ".[^$07]"),
    );
    expect![[r#"
        Define footnote `[^7]` [quickfix] preferred
          a.scholia 6:21-6:21 "" -> "\n[^7]: "
        Renumber footnotes in order of first reference [quickfix] preferred
          a.scholia 4:40-4:41 "7" -> "1"
          a.scholia 6:2-6:3 "1" -> "2"
        Renumber footnotes in order of first reference [source.renumberFootnotes]
          a.scholia 4:40-4:41 "7" -> "1"
          a.scholia 6:2-6:3 "1" -> "2"
    "#]]
    .assert_eq(&code_actions(&f));
}
