//! Micro-benchmarks (divan), in bytes per second of the document or file
//! processed: parsing (from scratch and incrementally after one keystroke),
//! the scanner of closed documents, the document model (from the tree and
//! from the scanner), the index summary, the diagnostics of one document,
//! the name automaton (`find_names`) and loading the registry, on the
//! generator's documents (20 KB and 1 MB) and an `archive`-sized registry
//! (20,000 entities); and the workspace queries (completion after `[[`,
//! references of an entity) on that registry with an index of generated
//! documents.
//!
//! `cargo bench --bench micro`; under `cargo test` each runs once.

#[path = "../src/bin/scholia-corpus/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use scholia::diagnostics;
use scholia::syntax::{self, Model};
use scholia::text::LineIndex;
use scholia::workspace::names::NameAutomaton;
use scholia::workspace::{Bibliography, DocSummary, Document, Registry, Workspace};
use tree_sitter::{InputEdit, Point};

fn main() {
    divan::main();
}

const SEED: u64 = 1;

struct Fixture {
    small: String,
    large: String,
    registry_files: Vec<(PathBuf, String)>,
    ws: Workspace,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let preset = corpus::preset("archive").expect("the archive preset exists");
    let entities = corpus::entities(SEED, preset.entities);
    let sources = corpus::sources(SEED, preset.sources);
    let world = corpus::World {
        entities: &entities,
        sources: &sources,
    };
    let (_, small) = corpus::document(&world, SEED, 1, 20 * 1024, None);
    let (_, large) = corpus::document(&world, SEED, 2, 1 << 20, None);
    let registry_files: Vec<(PathBuf, String)> = corpus::registry_files(&entities)
        .into_iter()
        .map(|(name, text)| (PathBuf::from("/bench/registry").join(name), text))
        .collect();
    let mut ws = Workspace::default();
    ws.root = Some(PathBuf::from("/bench"));
    ws.registry = Registry::load(&registry_files).0;
    ws.bibliography = Bibliography::load(&[(
        PathBuf::from("/bench/sources.json"),
        corpus::bibliography_json(&sources),
    )])
    .0;
    Fixture {
        small,
        large,
        registry_files,
        ws,
    }
});

fn text(size: &str) -> &'static str {
    match size {
        "20KB" => &FIXTURE.small,
        _ => &FIXTURE.large,
    }
}

const SIZES: [&str; 2] = ["20KB", "1MB"];

fn document(size: &str) -> Document {
    Document::new(PathBuf::from("/bench/doc.scholia"), text(size).to_string())
}

/// tree-sitter from scratch.
#[divan::bench(args = SIZES)]
fn parse_full(b: Bencher, size: &str) {
    let t = text(size);
    b.counter(BytesCount::of_str(t))
        .bench(|| syntax::parse(black_box(t), None));
}

/// The hand-written scanner of closed documents (the same nodes as
/// `parse_full`, as a flat list).
#[divan::bench(args = SIZES)]
fn scan(b: Bencher, size: &str) {
    let t = text(size);
    b.counter(BytesCount::of_str(t))
        .bench(|| syntax::scan::scan(black_box(t)));
}

/// The model from the scanner: what `scholia check` and indexing do
/// instead of `parse_full` + `model_build`.
#[divan::bench(args = SIZES)]
fn model_scan(b: Bencher, size: &str) {
    let t = text(size);
    b.counter(BytesCount::of_str(t))
        .bench(|| Model::scan(black_box(t)));
}

/// Scanner + model + line index: what indexing a closed file does.
#[divan::bench(args = SIZES)]
fn document_closed(b: Bencher, size: &str) {
    let t = text(size);
    b.counter(BytesCount::of_str(t)).bench(|| {
        Document::scan(
            PathBuf::from("/bench/doc.scholia"),
            black_box(t).to_string(),
        )
    });
}

/// tree-sitter after one character typed in the middle (the edited old
/// tree is reused).
#[divan::bench(args = SIZES)]
fn parse_incremental(b: Bencher, size: &str) {
    let old_text = text(size);
    let old = syntax::parse(old_text, None);
    let at = old_text[old_text.len() / 2..]
        .find('\n')
        .map_or(old_text.len() / 2, |i| old_text.len() / 2 + i);
    let mut new_text = old_text.to_string();
    new_text.insert(at, 'x');
    let row = old_text[..at].matches('\n').count();
    let col = at - old_text[..at].rfind('\n').map_or(0, |i| i + 1);
    let edit = InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: Point::new(row, col),
        old_end_position: Point::new(row, col),
        new_end_position: Point::new(row, col + 1),
    };
    b.counter(BytesCount::of_str(old_text))
        .with_inputs(|| {
            let mut t = old.clone();
            t.edit(&edit);
            t
        })
        .bench_refs(|t| syntax::parse(black_box(&new_text), Some(t)));
}

/// The document model from a parsed tree.
#[divan::bench(args = SIZES)]
fn model_build(b: Bencher, size: &str) {
    let t = text(size);
    let tree = syntax::parse(t, None);
    b.counter(BytesCount::of_str(t))
        .bench(|| Model::build(black_box(t), &tree));
}

/// Parse + model + line index: what indexing does per file.
#[divan::bench(args = SIZES)]
fn document_new(b: Bencher, size: &str) {
    let t = text(size);
    b.counter(BytesCount::of_str(t)).bench(|| {
        Document::new(
            PathBuf::from("/bench/doc.scholia"),
            black_box(t).to_string(),
        )
    });
}

#[divan::bench(args = SIZES)]
fn line_index(b: Bencher, size: &str) {
    let t = text(size);
    b.counter(BytesCount::of_str(t))
        .bench(|| LineIndex::new(black_box(t)));
}

/// The index entry of a closed document (with UTF-16 spans).
#[divan::bench(args = SIZES)]
fn doc_summary(b: Bencher, size: &str) {
    let doc = document(size);
    b.counter(BytesCount::of_str(&doc.text))
        .bench(|| DocSummary::indexed(black_box(&doc), scholia::text::Encoding::Utf16));
}

/// Every check of one document against a 20,000-entity registry.
#[divan::bench(args = SIZES)]
fn diagnostics_check(b: Bencher, size: &str) {
    let doc = document(size);
    let ws = &FIXTURE.ws;
    b.counter(BytesCount::of_str(&doc.text))
        .bench(|| diagnostics::check(black_box(&doc), ws));
}

/// The name search (untagged mentions) over a whole document, 20,000
/// entities.
#[divan::bench(args = SIZES)]
fn find_names(b: Bencher, size: &str) {
    let t = text(size);
    let registry = &FIXTURE.ws.registry;
    b.counter(BytesCount::of_str(t))
        .bench(|| registry.find_names(black_box(t)));
}

/// Loading the 20,000-entity registry: TOML, indexes, automaton (built on
/// first use since the automaton became lazy: built here too, so that the
/// figure stays comparable).
#[divan::bench(sample_count = 10)]
fn registry_load(b: Bencher) {
    let files = &FIXTURE.registry_files;
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    b.counter(BytesCount::new(bytes)).bench(|| {
        let loaded = Registry::load(black_box(files));
        loaded.0.name_search_builder()();
        loaded
    });
}

/// A workspace with the 20,000-entity registry and `INDEXED_DOCS` indexed
/// documents of about 5 KB (closed: with UTF-16 spans).
const INDEXED_DOCS: usize = 400;

static INDEXED: LazyLock<Workspace> = LazyLock::new(|| {
    let preset = corpus::preset("archive").expect("the archive preset exists");
    let entities = corpus::entities(SEED, preset.entities);
    let sources = corpus::sources(SEED, preset.sources);
    let world = corpus::World {
        entities: &entities,
        sources: &sources,
    };
    let mut ws = Workspace::default();
    ws.root = Some(PathBuf::from("/bench"));
    ws.registry_files = FIXTURE
        .registry_files
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    let mut overrides = std::collections::HashMap::new();
    for (p, t) in &FIXTURE.registry_files {
        overrides.insert(p.clone(), t.clone());
    }
    ws.reload_registry_with(&overrides);
    for n in 0..INDEXED_DOCS {
        let (_, text) = corpus::document(&world, SEED, 100 + n, 5 * 1024, None);
        let path = PathBuf::from(format!("/bench/docs/{n:05}.scholia"));
        let doc = Document::new(path.clone(), text);
        ws.set_doc(
            path,
            DocSummary::indexed(&doc, scholia::text::Encoding::Utf16),
        );
    }
    ws
});

/// Completion right after `[[` (the most mentioned entities) and after
/// `[[zh` (a fuzzy pass over the names that hold `z` and `h`), with 20,000
/// entities.
#[divan::bench(args = ["", "zh", "kim il"])]
fn completion(b: Bencher, typed: &str) {
    let ws = &*INDEXED;
    let doc = Document::new(
        PathBuf::from("/bench/typing.scholia"),
        format!("Met [[{typed}\n"),
    );
    let offset = 6 + typed.len();
    b.bench(|| scholia::ide::completion::completion(black_box(&doc), ws, offset));
}

/// References of the most mentioned entity and of the hundredth, over the
/// indexed documents (closed: locations come with their spans).
#[divan::bench(args = [1, 100])]
fn references(b: Bencher, popularity: usize) {
    use scholia::ide::references::{Target, references};
    let ws = &*INDEXED;
    let entity = ws.most_mentioned(popularity)[popularity - 1];
    let target = Target::Entity(entity);
    b.bench(|| references(ws, black_box(&target), None, |_| None, true));
}

/// The most mentioned entity's references as the server answers them:
/// LSP locations (one URI per file), then `serde_json::Value` and bytes as
/// tower-lsp serializes a reply.
#[divan::bench(args = ["lsp", "json"])]
fn references_answer(b: Bencher, stage: &str) {
    use scholia::ide::references::{Target, references};
    use tower_lsp_server::ls_types as lsp;
    let ws = &*INDEXED;
    let target = Target::Entity(ws.most_mentioned(1)[0]);
    let to_lsp = || {
        let mut out = Vec::new();
        for file in references(ws, &target, None, |_| None, false) {
            let uri = lsp::Uri::from_file_path(&file.path).expect("an absolute path");
            for (_, span) in file.ranges.iter() {
                let span = span.expect("closed documents have spans");
                out.push(lsp::Location {
                    uri: uri.clone(),
                    range: lsp::Range::new(
                        lsp::Position::new(span.start.line, span.start.col),
                        lsp::Position::new(span.end.line, span.end.col),
                    ),
                });
            }
        }
        out
    };
    match stage {
        "lsp" => b.bench(to_lsp),
        _ => {
            let locations = to_lsp();
            b.bench(|| {
                serde_json::to_vec(&serde_json::to_value(black_box(&locations)).unwrap()).unwrap()
            })
        }
    }
}

/// The archive's names (56,793) or the 400,000 names of the 200,000-entry
/// registry of `tests/resource_bounds.rs`.
fn names(count: usize) -> Vec<String> {
    if count == 400_000 {
        return (0..200_000)
            .flat_map(|i| [format!("Person Number {i}"), format!("P. N. {i}")])
            .collect();
    }
    let registry = &FIXTURE.ws.registry;
    let mut seen = std::collections::HashSet::new();
    (0..registry.len())
        .flat_map(|i| registry.names_of(i))
        .filter(|n| !n.trim().is_empty() && seen.insert(n.to_string()))
        .map(str::to_string)
        .collect()
}

const NAME_COUNTS: [usize; 2] = [0, 400_000];

/// Building the name automaton (`names::NameAutomaton`) alone; 0 stands for
/// the archive's names.
#[divan::bench(args = NAME_COUNTS, sample_count = 10)]
fn names_build(b: Bencher, count: usize) {
    let names = names(count);
    b.bench(|| NameAutomaton::new(black_box(&names)));
}

/// The same with the `aho-corasick` automaton it replaced (leftmost-longest,
/// both start kinds), for comparison, over the archive's names only: it is
/// quadratic, 37–55 s for 400,000 names (add 400_000 to `args` to see it).
#[divan::bench(args = [0], sample_count = 3, sample_size = 1)]
fn names_build_aho_corasick(b: Bencher, count: usize) {
    let names = names(count);
    b.bench(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .start_kind(aho_corasick::StartKind::Both)
            .build(black_box(&names))
    });
}

/// The search of `find_names` with the `aho-corasick` automaton it
/// replaced, same names, same document (the loop without the word-boundary
/// checks: every leftmost-longest match).
#[divan::bench(args = SIZES)]
fn find_names_aho_corasick(b: Bencher, size: &str) {
    let t = text(size);
    let ac = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .start_kind(aho_corasick::StartKind::Both)
        .build(names(0))
        .unwrap();
    b.counter(BytesCount::of_str(t)).bench(|| {
        let (mut pos, mut n) = (0, 0);
        while let Some(m) = ac.find(aho_corasick::Input::new(black_box(t)).range(pos..)) {
            (pos, n) = (m.end(), n + 1);
        }
        n
    });
}

/// The same loop with the automaton `find_names` uses.
#[divan::bench(args = SIZES)]
fn find_names_daachorse(b: Bencher, size: &str) {
    let t = text(size);
    let a = NameAutomaton::new(&names(0)).unwrap();
    b.counter(BytesCount::of_str(t)).bench(|| {
        let (mut pos, mut n) = (0, 0);
        while let Some((_, end, _)) = a.find(black_box(t), pos) {
            (pos, n) = (end, n + 1);
        }
        n
    });
}
