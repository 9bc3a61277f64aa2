//! Micro-benchmarks (divan), in bytes per second of the document or file
//! processed: parsing (from scratch and incrementally after one keystroke),
//! the document model, the index summary, the diagnostics of one document,
//! the name automaton (`find_names`) and loading the registry, on the
//! generator's documents (20 KB and 1 MB) and an `archive`-sized registry
//! (20,000 entities).
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

/// The Aho-Corasick name search (untagged mentions) over a whole document,
/// 20,000 entities.
#[divan::bench(args = SIZES)]
fn find_names(b: Bencher, size: &str) {
    let t = text(size);
    let registry = &FIXTURE.ws.registry;
    b.counter(BytesCount::of_str(t))
        .bench(|| registry.find_names(black_box(t)));
}

/// Loading the 20,000-entity registry: TOML, indexes, automaton.
#[divan::bench(sample_count = 10)]
fn registry_load(b: Bencher) {
    let files = &FIXTURE.registry_files;
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    b.counter(BytesCount::new(bytes))
        .bench(|| Registry::load(black_box(files)));
}
