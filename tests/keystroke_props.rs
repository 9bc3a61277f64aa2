//! What the server reuses or computes differently per keystroke equals the
//! simple whole-document computation it replaces:
//!
//! - `DocSummary::of` / `DocSummary::indexed` (targets and keys interned,
//!   not searched per mention) equal the summary as it was built before:
//!   every string cloned, sorted, and searched per mention (`oracle`);
//! - after any sequence of edits, `Document::scan_edited` (registry names
//!   searched only in the lines an edit touched) gives the names and the
//!   `check_local` diagnostics of the text analysed afresh.
//!
//! Inputs: documents of the benchmark corpus generator with its registry
//! and bibliography, and random edits made of the syntax's pieces and the
//! registry's names.

#[path = "../src/bin/scholia-corpus/corpus.rs"]
mod corpus;

use std::ops::Range;
use std::path::PathBuf;

use proptest::prelude::*;
use scholia::diagnostics::check_local;
use scholia::text::Encoding;
use scholia::workspace::{
    Bibliography, DocSummary, Document, Occurrence, Registry, Span, Workspace, translation_target,
};

/// `DocSummary::build` as it was before interning: the reference.
fn oracle(doc: &Document, enc: Option<Encoding>) -> DocSummary {
    let m = &doc.model;
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let span = |r: &Range<usize>| {
        enc.map(|e| Span {
            start: doc.line_index.line_col(&doc.text, r.start, e),
            end: doc.line_index.line_col(&doc.text, r.end, e),
        })
    };
    let cite_keys = sorted(
        m.citations
            .iter()
            .flat_map(|c| c.items.iter().map(|i| i.key.clone()))
            .collect(),
    );
    let mention_targets = sorted(m.mentions.iter().map(|x| x.target.clone()).collect());
    let position =
        |list: &[String], key: &String| list.binary_search(key).unwrap_or_default() as u32;
    let mentions = m
        .mentions
        .iter()
        .map(|x| Occurrence {
            index: position(&mention_targets, &x.target),
            range: x.range.clone(),
            target: x.target_range.clone(),
            has_display: x.display_range.is_some(),
            span: span(&x.range),
            target_span: span(&x.target_range),
        })
        .collect();
    let citations = m
        .citations
        .iter()
        .flat_map(|c| c.items.iter())
        .map(|i| Occurrence {
            index: position(&cite_keys, &i.key),
            range: i.key_range.clone(),
            target: i.key_range.clone(),
            has_display: false,
            span: span(&i.key_range),
            target_span: span(&i.key_range),
        })
        .collect();
    DocSummary {
        title: m
            .front_matter
            .as_ref()
            .and_then(|f| f.title.as_ref().map(|t| t.value.clone()))
            .or_else(|| m.headings.first().map(|h| h.text.clone())),
        labels: sorted(m.footnote_defs.iter().map(|d| d.label.clone()).collect()),
        cite_keys,
        mention_targets,
        translation_of: translation_target(doc),
        mentions,
        citations,
    }
}

fn assert_summaries(what: &str, doc: &Document) {
    assert_eq!(DocSummary::of(doc), oracle(doc, None), "{what}: of");
    for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
        assert_eq!(
            DocSummary::indexed(doc, enc),
            oracle(doc, Some(enc)),
            "{what}: indexed {enc:?}"
        );
    }
}

const SEED: u64 = 7;

struct World {
    entities: Vec<corpus::Entity>,
    sources: Vec<corpus::Source>,
}

fn world() -> World {
    World {
        entities: corpus::entities(SEED, 400),
        sources: corpus::sources(SEED, 100),
    }
}

fn generated(world: &World, number: usize, size: usize) -> String {
    let w = corpus::World {
        entities: &world.entities,
        sources: &world.sources,
    };
    let translation = number.is_multiple_of(5).then_some("original.scholia");
    corpus::document(&w, SEED, number, size, translation).1
}

/// A workspace with the generated registry and bibliography (no files).
fn workspace(world: &World) -> Workspace {
    let files: Vec<(PathBuf, String)> = corpus::registry_files(&world.entities)
        .into_iter()
        .map(|(name, text)| (PathBuf::from("/ws/registry").join(name), text))
        .collect();
    let (registry, problems) = Registry::load(&files);
    assert!(problems.is_empty(), "{problems:?}");
    let (bibliography, _) = Bibliography::load(&[(
        PathBuf::from("/ws/sources.json"),
        corpus::bibliography_json(&world.sources),
    )]);
    let mut ws = Workspace::detached();
    ws.root = Some(PathBuf::from("/ws"));
    ws.registry = registry;
    ws.bibliography = bibliography;
    ws
}

#[test]
fn summaries_of_generated_documents_equal_the_oracle() {
    let world = world();
    for number in 0..30 {
        let size = if number == 0 {
            300 * 1024
        } else {
            2048 + number * 997
        };
        let text = generated(&world, number, size);
        let doc = Document::scan(PathBuf::from(format!("/ws/d{number}.scholia")), text);
        assert_summaries(&format!("document {number}"), &doc);
    }
}

/// Pieces of random documents and edits: the syntax's characters, line
/// breaks, and names of the registry (so that names are found, joined and
/// split by edits).
fn pieces(world: &World) -> Vec<String> {
    let mut out: Vec<String> = [
        "[[", "]]", "|", "[", "]", "[^1]", "[^1]: ", "[@", "; @", "]", "\n", "\n\n", "\r\n", " ",
        "    ", "# ", "a", "é", "周", "'s", "+++\n", "x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for e in world.entities.iter().take(12) {
        out.push(e.name.clone());
        out.push(e.short.clone());
        out.extend(e.aliases.iter().take(1).cloned());
    }
    for s in world.sources.iter().take(3) {
        out.push(format!("[@{}]", s.key));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random edits of a generated document, one after another; names are
    /// computed after some edits only (as when keystrokes come faster
    /// than diagnostics), so both the reuse and the whole-text search run.
    #[test]
    fn edited_documents_equal_fresh_ones(
        number in 1usize..40,
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0usize..40, prop::collection::vec(any::<prop::sample::Index>(), 0..4), any::<bool>()),
            1..12,
        ),
    ) {
        let world = world();
        let ws = workspace(&world);
        let pieces = pieces(&world);
        let path = PathBuf::from("/ws/edited.scholia");
        let mut text = generated(&world, number, 3000 + number * 211);
        let mut doc = Document::scan(path.clone(), text.clone());
        doc.names(&ws.registry);
        for (at, removed, inserted, analyse) in edits {
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + removed).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let inserted: String = inserted.iter().map(|i| i.get(&pieces).as_str()).collect();
            text.replace_range(start..end, &inserted);
            doc = Document::scan_edited(path.clone(), text.clone(), &mut doc);
            if analyse {
                let fresh = Document::scan(path.clone(), text.clone());
                prop_assert_eq!(
                    doc.names(&ws.registry).into_owned(),
                    ws.registry.find_names(&text)
                );
                prop_assert_eq!(check_local(&doc, &ws), check_local(&fresh, &ws));
                prop_assert_eq!(DocSummary::of(&doc), oracle(&fresh, None));
            }
        }
        let fresh = Document::scan(path.clone(), text.clone());
        prop_assert_eq!(doc.names(&ws.registry).into_owned(), ws.registry.find_names(&text));
        prop_assert_eq!(check_local(&doc, &ws), check_local(&fresh, &ws));
    }

    /// Summaries of random documents made of the same pieces.
    #[test]
    fn summaries_of_random_documents_equal_the_oracle(
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..200),
    ) {
        let world = world();
        let pieces = pieces(&world);
        let text: String = picks.iter().map(|i| i.get(&pieces).as_str()).collect();
        let doc = Document::scan(PathBuf::from("/ws/random.scholia"), text);
        assert_summaries("random document", &doc);
    }
}

/// A registry replaced while the document is open: the names are those
/// of the new registry, never the cached ones of the old.
#[test]
fn names_follow_the_registry() {
    let world = world();
    let ws = workspace(&world);
    let other = workspace(&world);
    let text = generated(&world, 3, 8000);
    let doc = Document::scan(PathBuf::from("/ws/a.scholia"), text.clone());
    assert_eq!(
        doc.names(&ws.registry).into_owned(),
        ws.registry.find_names(&text)
    );
    let empty = Registry::default();
    assert!(doc.names(&empty).is_empty());
    assert_eq!(
        doc.names(&other.registry).into_owned(),
        other.registry.find_names(&text)
    );
    let mut doc = doc;
    let edited =
        Document::scan_edited(PathBuf::from("/ws/a.scholia"), format!("x{text}"), &mut doc);
    assert_eq!(
        edited.names(&other.registry).into_owned(),
        other.registry.find_names(&format!("x{text}"))
    );
}
