//! The translation report: a translation and its original side by side —
//! footnotes present in both, missing or extra; each note's citations (keys
//! and locators) and numbers (archival file numbers, pages, dates, years)
//! compared; entities the original mentions and the translation never does.
//!
//! [`translation_report`] is a pure function of the two documents and the
//! workspace (for the registry); [`render_text`] and [`render_markdown`]
//! print it, and it serializes to JSON as is. The CLI
//! (`scholia check --translations`) and the server (`scholia.translationReport`)
//! share it.
//!
//! Sections are aligned by footnote label: the front matter (`source`
//! citations, numbers of `source` and `date`), every note of the original in
//! order, then the notes only the translation has, then the citations of the
//! running text. Numbers are taken from a note's text outside its citations,
//! footnote references and mention targets (a citation's numbers are its
//! locator, compared with the citation).

pub mod numbers;
mod render;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::syntax::model::{Citation, Place};
use crate::workspace::{Document, Resolution, Workspace};
use numbers::{Number, NumberKind, normalize_locator};
pub use render::{render_markdown, render_text};

/// Whether a section (or an entity) is in both documents or in one only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    Both,
    /// In the original only.
    Missing,
    /// In the translation only.
    Extra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    FrontMatter,
    Note,
    /// The running text (outside notes and front matter): citations only.
    Text,
}

/// A citation item as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cite {
    pub key: String,
    pub locator: Option<String>,
}

/// What one document has in a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// 1-based line where the section starts (the note's `[^x]:`).
    pub line: usize,
    pub citations: Vec<Cite>,
    pub numbers: Vec<Number>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitationStatus {
    Same,
    Missing,
    Extra,
    LocatorDiffers,
}

/// One citation key of a section present in both documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitationRow {
    pub key: String,
    pub status: CitationStatus,
    /// The locators of the key's items as written (`""` for none).
    pub original: Vec<String>,
    pub translation: Vec<String>,
}

/// A number the two sides of a section do not share: in the original only,
/// in the translation only, or changed (one of each, of the same kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberDiff {
    pub kind: NumberKind,
    pub original: Option<Number>,
    pub translation: Option<Number>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The footnote label of a note.
    pub label: Option<String>,
    pub presence: Presence,
    pub original: Option<Side>,
    pub translation: Option<Side>,
    /// Each key cited in the section, compared (when in both documents).
    pub citations: Vec<CitationRow>,
    /// The numbers that differ (when in both documents).
    pub numbers: Vec<NumberDiff>,
}

impl Section {
    /// The section's name: `front matter`, `[^3]`, `text`.
    pub fn title(&self) -> String {
        match (self.kind, &self.label) {
            (SectionKind::FrontMatter, _) => "front matter".into(),
            (SectionKind::Note, Some(l)) => format!("[^{l}]"),
            (SectionKind::Note, None) => "note".into(),
            (SectionKind::Text, _) => "text".into(),
        }
    }

    /// How many differences the section holds.
    pub fn differences(&self) -> usize {
        match self.presence {
            Presence::Missing | Presence::Extra => 1,
            Presence::Both => {
                self.citations
                    .iter()
                    .filter(|c| c.status != CitationStatus::Same)
                    .count()
                    + self.numbers.len()
            }
        }
    }
}

/// An entity mentioned in one of the documents only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub presence: Presence,
    /// Mentions (`[[…]]`) in each document.
    pub original: usize,
    pub translation: usize,
    /// Its names in plain text, not tagged, in the document that has no
    /// mention of it.
    pub untagged: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranslationReport {
    /// Paths relative to the workspace root (absolute outside a workspace).
    pub translation: String,
    pub original: String,
    pub translation_language: Option<String>,
    pub original_language: Option<String>,
    /// False when the original cannot be read: nothing else is compared.
    pub original_found: bool,
    pub sections: Vec<Section>,
    pub entities: Vec<EntityRow>,
    /// The number of differences: a missing or extra note, a citation key
    /// missing, extra or with another locator, a number not kept, an entity
    /// mentioned in one document only, an original that cannot be read.
    pub differences: usize,
    /// One sentence per difference.
    pub summary: Vec<String>,
}

/// `path` relative to the workspace root, with `/` separators.
fn shown(path: &Path, ws: &Workspace) -> String {
    let rel = ws
        .root
        .as_deref()
        .and_then(|r| path.strip_prefix(r).ok())
        .unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// The document's text with citations, footnote references and hidden
/// mention targets blanked out (same byte offsets), for number search.
fn masked(doc: &Document) -> String {
    let m = &doc.model;
    let mut bytes = doc.text.clone().into_bytes();
    let mut blank = |r: &Range<usize>| {
        for b in &mut bytes[r.start.min(r.end)..r.end.min(doc.text.len())] {
            *b = b' ';
        }
    };
    for c in &m.citations {
        if c.place != Place::FrontMatter {
            blank(&c.range);
        } else {
            for item in &c.items {
                blank(&item.key_range);
                if let Some(l) = &item.locator_range {
                    blank(l);
                }
            }
        }
    }
    for r in &m.footnote_refs {
        blank(&r.range);
    }
    for x in &m.mentions {
        if x.display_range.is_some() {
            blank(&x.target_range);
        }
    }
    // Whole UTF-8 sequences were replaced, so this cannot fail; fall back
    // to the text itself all the same.
    String::from_utf8(bytes).unwrap_or_else(|_| doc.text.clone())
}

fn cites<'a>(list: impl Iterator<Item = &'a Citation>) -> Vec<Cite> {
    list.flat_map(|c| c.items.iter())
        .map(|i| Cite {
            key: i.key.clone(),
            locator: i.locator.clone(),
        })
        .collect()
}

struct Sides {
    front_matter: Option<Side>,
    /// Label → side, in order of the first definition of each label.
    notes: Vec<(String, Side)>,
    text: Option<Side>,
}

fn sides(doc: &Document) -> Sides {
    let m = &doc.model;
    let masked = masked(doc);
    let line = |offset: usize| doc.line_index.line_of(offset) + 1;
    let front_matter = m.front_matter.as_ref().and_then(|fm| {
        let citations = cites(m.citations.iter().filter(|c| c.place == Place::FrontMatter));
        let mut found = Vec::new();
        for field in [&fm.source, &fm.date].into_iter().flatten() {
            if let Some(t) = masked.get(field.range.clone()) {
                found.extend(numbers::numbers(t));
            }
        }
        (!citations.is_empty() || !found.is_empty()).then(|| Side {
            line: line(fm.range.start),
            citations,
            numbers: found,
        })
    });
    let mut notes: Vec<(String, Side)> = Vec::new();
    for (i, def) in m.footnote_defs.iter().enumerate() {
        if notes.iter().any(|(l, _)| *l == def.label) {
            continue;
        }
        let citations = cites(m.citations.iter().filter(|c| c.place == Place::Note(i)));
        let found = masked
            .get(def.body.clone())
            .map(numbers::numbers)
            .unwrap_or_default();
        notes.push((
            def.label.clone(),
            Side {
                line: line(def.label_range.start),
                citations,
                numbers: found,
            },
        ));
    }
    let body: Vec<&Citation> = m
        .citations
        .iter()
        .filter(|c| c.place == Place::Body)
        .collect();
    let text = body.first().map(|first| Side {
        line: line(first.range.start),
        citations: cites(body.iter().copied()),
        numbers: Vec::new(),
    });
    Sides {
        front_matter,
        notes,
        text,
    }
}

fn compare_citations(original: &[Cite], translation: &[Cite]) -> Vec<CitationRow> {
    let mut keys: Vec<&str> = Vec::new();
    for c in original.iter().chain(translation) {
        if !keys.contains(&c.key.as_str()) {
            keys.push(&c.key);
        }
    }
    let locators = |list: &[Cite], key: &str| -> Vec<String> {
        list.iter()
            .filter(|c| c.key == key)
            .map(|c| c.locator.clone().unwrap_or_default())
            .collect()
    };
    keys.into_iter()
        .map(|key| {
            let o = locators(original, key);
            let t = locators(translation, key);
            let status = if t.is_empty() {
                CitationStatus::Missing
            } else if o.is_empty() {
                CitationStatus::Extra
            } else {
                let norm = |v: &[String]| {
                    let mut n: Vec<String> = v.iter().map(|l| normalize_locator(l)).collect();
                    n.sort();
                    n
                };
                if norm(&o) == norm(&t) {
                    CitationStatus::Same
                } else {
                    CitationStatus::LocatorDiffers
                }
            };
            CitationRow {
                key: key.to_string(),
                status,
                original: o,
                translation: t,
            }
        })
        .collect()
}

fn compare_numbers(original: &[Number], translation: &[Number]) -> Vec<NumberDiff> {
    let mut unmatched: Vec<Option<&Number>> = translation.iter().map(Some).collect();
    let mut missing: Vec<&Number> = Vec::new();
    for n in original {
        let found = unmatched
            .iter_mut()
            .find(|t| t.is_some_and(|t| t.kind == n.kind && t.value == n.value));
        match found {
            Some(slot) => *slot = None,
            None => missing.push(n),
        }
    }
    let mut extra: Vec<&Number> = unmatched.into_iter().flatten().collect();
    let mut out = Vec::new();
    for n in missing {
        // A number of the same kind the translation has instead: changed.
        let instead = extra.iter().position(|t| t.kind == n.kind);
        out.push(NumberDiff {
            kind: n.kind,
            original: Some(n.clone()),
            translation: instead.map(|i| extra.remove(i).clone()),
        });
    }
    out.extend(extra.into_iter().map(|t| NumberDiff {
        kind: t.kind,
        original: None,
        translation: Some(t.clone()),
    }));
    out
}

fn section(
    kind: SectionKind,
    label: Option<String>,
    original: Option<Side>,
    translation: Option<Side>,
) -> Section {
    let presence = match (&original, &translation) {
        (Some(_), None) => Presence::Missing,
        (None, Some(_)) => Presence::Extra,
        _ => Presence::Both,
    };
    let (citations, numbers) = match (&original, &translation) {
        (Some(o), Some(t)) => (
            compare_citations(&o.citations, &t.citations),
            compare_numbers(&o.numbers, &t.numbers),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    Section {
        kind,
        label,
        presence,
        original,
        translation,
        citations,
        numbers,
    }
}

/// Mentions per entity (index), in order of first mention.
fn mentioned(doc: &Document, ws: &Workspace) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for x in &doc.model.mentions {
        if let Resolution::Unique(i) = ws.registry.resolve(&x.target) {
            match out.iter_mut().find(|(e, _)| *e == i) {
                Some((_, n)) => *n += 1,
                None => out.push((i, 1)),
            }
        }
    }
    out
}

/// Untagged names per entity in the plain text of `doc`.
fn untagged(doc: &Document, ws: &Workspace) -> HashMap<usize, usize> {
    let plain = &doc.model.plain;
    let mut out = HashMap::new();
    for found in ws.registry.find_names(&doc.text) {
        let i = plain.partition_point(|p| p.end < found.range.end);
        let inside = plain
            .get(i)
            .is_some_and(|p| p.start <= found.range.start && found.range.end <= p.end);
        if let (true, [one]) = (inside, found.entities.as_slice()) {
            *out.entry(*one).or_insert(0) += 1;
        }
    }
    out
}

fn entities(original: &Document, translation: &Document, ws: &Workspace) -> Vec<EntityRow> {
    let o = mentioned(original, ws);
    let t = mentioned(translation, ws);
    let count = |list: &[(usize, usize)], i: usize| {
        list.iter().find(|(e, _)| *e == i).map_or(0, |(_, n)| *n)
    };
    let mut rows = Vec::new();
    let mut untagged_t = None;
    let mut untagged_o = None;
    for &(i, n) in &o {
        if count(&t, i) == 0 {
            let u = untagged_t.get_or_insert_with(|| untagged(translation, ws));
            rows.push((i, Presence::Missing, n, 0, u.get(&i).copied().unwrap_or(0)));
        }
    }
    for &(i, n) in &t {
        if count(&o, i) == 0 {
            let u = untagged_o.get_or_insert_with(|| untagged(original, ws));
            rows.push((i, Presence::Extra, 0, n, u.get(&i).copied().unwrap_or(0)));
        }
    }
    rows.into_iter()
        .map(|(i, presence, original, translation, untagged)| {
            let e = &ws.registry.entities[i];
            EntityRow {
                id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind.as_str().to_string(),
                presence,
                original,
                translation,
                untagged,
            }
        })
        .collect()
}

fn times(n: usize) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

fn summarize(report: &TranslationReport) -> Vec<String> {
    let mut out = Vec::new();
    if !report.original_found {
        out.push("the original cannot be read".to_string());
        return out;
    }
    for s in &report.sections {
        let title = s.title();
        match s.presence {
            Presence::Missing => out.push(format!(
                "{title} of the original is missing in the translation"
            )),
            Presence::Extra => out.push(format!("{title} is not in the original")),
            Presence::Both => {}
        }
        for c in &s.citations {
            let key = &c.key;
            match c.status {
                CitationStatus::Same => {}
                CitationStatus::Missing => out.push(format!(
                    "{title}: the original cites @{key}, the translation does not"
                )),
                CitationStatus::Extra => out.push(format!(
                    "{title}: the translation cites @{key}, the original does not"
                )),
                CitationStatus::LocatorDiffers => out.push(format!(
                    "{title}: @{key} at {} in the original, at {} in the translation",
                    c.original.join("; "),
                    c.translation.join("; ")
                )),
            }
        }
        for n in &s.numbers {
            out.push(match (&n.original, &n.translation) {
                (Some(o), Some(t)) => format!(
                    "{title}: `{}` in the original, `{}` in the translation",
                    o.text, t.text
                ),
                (Some(o), None) => format!(
                    "{title}: `{}` ({}) of the original is not in the translation",
                    o.text,
                    o.canonical()
                ),
                (None, Some(t)) => format!(
                    "{title}: `{}` ({}) of the translation is not in the original",
                    t.text,
                    t.canonical()
                ),
                (None, None) => continue,
            });
        }
    }
    for e in &report.entities {
        let untagged = if e.untagged > 0 {
            format!(" (its name stands untagged {})", times(e.untagged))
        } else {
            String::new()
        };
        out.push(match e.presence {
            Presence::Missing => format!(
                "{} ({}) is mentioned {} in the original, never in the translation{untagged}",
                e.name,
                e.id,
                times(e.original)
            ),
            _ => format!(
                "{} ({}) is mentioned {} in the translation, never in the original{untagged}",
                e.name,
                e.id,
                times(e.translation)
            ),
        });
    }
    out
}

/// Compares `translation` with its `original` (`None` when the original
/// cannot be read). `ws` gives the registry and the root paths are shown
/// relative to.
pub fn translation_report(
    translation: &Document,
    original: Option<&Document>,
    ws: &Workspace,
) -> TranslationReport {
    let original_path = crate::workspace::translation_target(translation)
        .or_else(|| original.map(|o| o.path.clone()))
        .unwrap_or_default();
    let language = |d: &Document| {
        d.model
            .front_matter
            .as_ref()
            .and_then(|f| f.language.as_ref())
            .map(|l| l.value.clone())
    };
    let mut report = TranslationReport {
        translation: shown(&translation.path, ws),
        original: shown(&original_path, ws),
        translation_language: language(translation),
        original_language: original.and_then(language),
        original_found: original.is_some(),
        sections: Vec::new(),
        entities: Vec::new(),
        differences: 0,
        summary: Vec::new(),
    };
    if let Some(original) = original {
        let o = sides(original);
        let mut t = sides(translation);
        if o.front_matter.is_some() || t.front_matter.is_some() {
            report.sections.push(section(
                SectionKind::FrontMatter,
                None,
                o.front_matter,
                t.front_matter,
            ));
        }
        for (label, side) in o.notes {
            let other = t
                .notes
                .iter()
                .position(|(l, _)| *l == label)
                .map(|i| t.notes.remove(i).1);
            report
                .sections
                .push(section(SectionKind::Note, Some(label), Some(side), other));
        }
        for (label, side) in t.notes {
            report
                .sections
                .push(section(SectionKind::Note, Some(label), None, Some(side)));
        }
        if o.text.is_some() || t.text.is_some() {
            report
                .sections
                .push(section(SectionKind::Text, None, o.text, t.text));
        }
        if !ws.registry.is_empty() {
            report.entities = entities(original, translation, ws);
        }
    }
    report.summary = summarize(&report);
    report.differences = report.summary.len();
    report
}

/// The original of `translation`, from `open` (documents an editor holds)
/// or read from disk; `None` when it is no translation or the original
/// cannot be read.
pub fn load_original<'a>(
    translation: &Document,
    open: impl Fn(&Path) -> Option<&'a Document>,
) -> Option<OriginalDoc<'a>> {
    let path = crate::workspace::translation_target(translation)?;
    if let Some(doc) = open(&path) {
        return Some(OriginalDoc::Open(doc));
    }
    let text = crate::workspace::read_text(&path).ok()?;
    Some(OriginalDoc::Read(Box::new(Document::scan(path, text))))
}

/// An original held by the editor, or read from disk.
pub enum OriginalDoc<'a> {
    Open(&'a Document),
    Read(Box<Document>),
}

impl OriginalDoc<'_> {
    pub fn doc(&self) -> &Document {
        match self {
            OriginalDoc::Open(d) => d,
            OriginalDoc::Read(d) => d,
        }
    }
}
