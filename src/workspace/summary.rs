//! What the index keeps of a document (`DocSummary`: its mentions,
//! footnotes, citations and front matter, with spans for closed documents),
//! and the path its `translation-of` names.

use std::path::PathBuf;

use super::*;

/// Line/column of both ends of a range, in the encoding the index was
/// built with (kept for closed documents, so that a reference in them needs
/// no file read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: LineCol,
    pub end: LineCol,
}

/// One use of a key (a mention target or a citation key) in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index into `DocSummary::mention_targets` or `DocSummary::cite_keys`.
    pub index: u32,
    /// The whole `[[…]]`, or the citation key.
    pub range: Range<usize>,
    /// A mention's target (equal to `range` for a citation key).
    pub target: Range<usize>,
    /// Whether a mention has `|display` text.
    pub has_display: bool,
    pub span: Option<Span>,
    pub target_span: Option<Span>,
}

/// What the workspace index keeps of each document: enough for every
/// cross-document query without re-reading the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocSummary {
    pub title: Option<String>,
    /// Labels of the footnote definitions, sorted, without duplicates.
    pub labels: Vec<String>,
    /// Citation keys, sorted, without duplicates.
    pub cite_keys: Vec<String>,
    /// Mention targets (folded as in the model), sorted, without duplicates.
    pub mention_targets: Vec<String>,
    /// The original this document translates (absolute path).
    pub translation_of: Option<PathBuf>,
    /// Every mention, in order.
    pub mentions: Vec<Occurrence>,
    /// Every citation item's key, in order.
    pub citations: Vec<Occurrence>,
}

impl DocSummary {
    /// The summary of an open document: positions are taken from the
    /// document itself when needed.
    pub fn of(doc: &Document) -> DocSummary {
        Self::build(doc, None)
    }

    /// The summary of a closed document, with line/column spans in `enc`.
    pub fn indexed(doc: &Document, enc: Encoding) -> DocSummary {
        Self::build(doc, Some(enc))
    }

    fn build(doc: &Document, enc: Option<Encoding>) -> DocSummary {
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
        let keys: Vec<&str> = m
            .citations
            .iter()
            .flat_map(|c| c.items.iter().map(|i| i.key.as_str()))
            .collect();
        let (cite_keys, cite_index) = interned(&keys);
        let targets: Vec<&str> = m.mentions.iter().map(|x| x.target.as_str()).collect();
        let (mention_targets, mention_index) = interned(&targets);
        let mentions = m
            .mentions
            .iter()
            .zip(mention_index)
            .map(|(x, index)| Occurrence {
                index,
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
            .zip(cite_index)
            .map(|(i, index)| Occurrence {
                index,
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
}

/// The distinct strings of `all`, sorted, and for each element of `all` the
/// index of its string among them. Each distinct string is hashed into a
/// table once per occurrence, then only the distinct ones are sorted and
/// copied: a 1 MB document has ≈ 6,000 mentions of a few hundred targets,
/// and sorting and searching the strings of all of them was ≈ 15 % of a
/// keystroke (BENCHMARKS.md, branch `keys`).
fn interned(all: &[&str]) -> (Vec<String>, Vec<u32>) {
    let mut ids: HashMap<&str, u32, foldhash::fast::RandomState> = HashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let local: Vec<u32> = all
        .iter()
        .map(|&s| {
            *ids.entry(s).or_insert_with(|| {
                distinct.push(s);
                (distinct.len() - 1) as u32
            })
        })
        .collect();
    let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
    order.sort_unstable_by_key(|&i| distinct[i as usize]);
    let mut rank = vec![0u32; distinct.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    let sorted = order
        .iter()
        .map(|&i| distinct[i as usize].to_string())
        .collect();
    (
        sorted,
        local.into_iter().map(|l| rank[l as usize]).collect(),
    )
}

/// The absolute path named by a document's `translation-of`.
pub fn translation_target(doc: &Document) -> Option<PathBuf> {
    let rel = &doc
        .model
        .front_matter
        .as_ref()?
        .translation_of
        .as_ref()?
        .value;
    let dir = doc.path.parent().unwrap_or(Path::new(""));
    Some(normalize(&dir.join(rel)))
}
