//! The document walk: one pass over a document's text and model that yields,
//! in document order, its structure (blocks and inline containers) and its
//! leaves, each with the byte range it covers in the original text. TEI
//! (`export::tei`) and the reading edition (`export::html`) both render from
//! this walk, so they agree on what a document contains.
//!
//! The leaves cover the text exactly once, in order: concatenating the text
//! of every leaf event (`Event::is_leaf`) gives the document back byte for
//! byte (BOM, front matter, line endings and white space as written). An
//! exporter that encodes every leaf loses nothing; the containers say what
//! the leaves between their start and end mean.
//!
//! scholia's own constructs (mentions, citations, footnotes, insertions,
//! escapes, links) come from the model (`syntax::Model`). Markdown structure
//! inside a paragraph (emphasis, strong, lists, block quotes) comes from
//! pulldown-cmark, run on a copy of the paragraph where every scholia
//! construct is masked with `x` (same byte length, so its offsets are ours):
//! it never reads a mention or a bracket as Markdown. A Markdown container
//! that would cross a scholia construct (`*a [b* c]`) is dropped (its
//! markers stay text), so the containers always nest.

use std::ops::Range;

use pulldown_cmark::{Event as MdEvent, Options, Parser, Tag};

use crate::base::Diagnostic;
use crate::syntax::Model;
use crate::syntax::cite::Citation;
use crate::syntax::front_matter::FrontMatter;
use crate::syntax::model::{FootnoteDef, Mention, TokenKind};
use crate::text::bom_len;
use crate::workspace::Workspace;
use crate::workspace::registry::{Kind, Resolution};

/// One step of the walk: what and where (`range`, bytes of the document).
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'a> {
    pub range: Range<usize>,
    pub kind: EventKind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind<'a> {
    /// A byte order mark at the start (leaf).
    Bom,
    /// The TOML front matter, fences included (leaf): the raw TOML is
    /// `text[fm.content]`, the parsed fields are in `fm`.
    FrontMatter(&'a FrontMatter),
    /// A container opens; its `range` is the whole construct.
    Start(Container<'a>),
    /// The container opened by the matching `Start` closes (same range).
    End(Container<'a>),
    /// Text as written (leaf). Between blocks it is only white space.
    Text,
    /// Syntax that the enclosing container stands for (leaf): `# `, `*`,
    /// `**`, `[[`, `|`, `]]`, `[`, `]`, `[^1]:`, `- `, `1. `, `> `, `](url)`.
    Markup,
    /// A line ending, `\n` or `\r\n` as written (leaf).
    LineBreak,
    /// `\[` or `\]` (leaf): the character it stands for.
    Escape(char),
    /// `[^label]` (leaf); `defined`: the document has its definition
    /// (`Walk::definition` finds it, to place the note here).
    FootnoteRef { label: &'a str, defined: bool },
    /// Inside a mention with display text: the target as written, before
    /// the `|` (leaf).
    MentionTarget,
    /// Inside a citation: `@key` (leaf); `known`: the bibliography has it.
    CiteKey { key: &'a str, known: bool },
    /// Inside a citation: an item's locator, as written (leaf).
    Locator,
    /// A syntax problem starting here (not a leaf: its `range` is the
    /// problem's, which the following leaves cover).
    Problem(&'a Diagnostic),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Container<'a> {
    Heading {
        level: u8,
    },
    /// A paragraph: a run of text lines (in the body or in a note).
    Paragraph,
    /// `[^label]: …`, where it is written; `referenced`: the document
    /// refers to it.
    FootnoteDef {
        label: &'a str,
        referenced: bool,
    },
    /// A Markdown list; `start` is the first number of an ordered list.
    List {
        start: Option<u64>,
    },
    Item,
    BlockQuote,
    /// `*x*` or `_x_`: `marker` is the one used.
    Emphasis {
        marker: char,
    },
    /// `**x**` or `__x__`.
    Strong {
        marker: char,
    },
    /// `[text](url)`.
    Link {
        url: &'a str,
    },
    /// `[[target]]` or `[[target|display]]`.
    Mention {
        target: &'a str,
        resolution: Target<'a>,
    },
    /// `[@key, locator; …]`.
    Citation,
    /// `[` … `]`: an editorial insertion.
    Insertion {
        kind: Insertion,
    },
}

/// What a mention's target names in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'a> {
    Entity { id: &'a str, kind: Kind },
    Ambiguous(Vec<&'a str>),
    Unknown,
}

/// The kinds of editorial insertion, told apart by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insertion {
    /// Words the editor supplies: `[Mao Zedong]`.
    Supplied,
    /// `[?]`: the reading is uncertain.
    Uncertain,
    /// `[sic]`: so in the original.
    Sic,
    /// `[...]` or `[…]`: an omission.
    Omission,
}

impl Insertion {
    /// The kind of the insertion whose inside (between the brackets) is `s`.
    pub fn of(s: &str) -> Insertion {
        match s.trim() {
            "?" => Insertion::Uncertain,
            "..." | "…" | ". . ." => Insertion::Omission,
            t if t.eq_ignore_ascii_case("sic") || t.eq_ignore_ascii_case("sic!") => Insertion::Sic,
            _ => Insertion::Supplied,
        }
    }
}

impl Event<'_> {
    /// Whether the event covers bytes of the document (the leaves cover it
    /// exactly once, in order).
    pub fn is_leaf(&self) -> bool {
        !matches!(
            self.kind,
            EventKind::Start(_) | EventKind::End(_) | EventKind::Problem(_)
        )
    }
}

/// A document walked: its events, and the footnote definitions by label.
pub struct Walk<'a> {
    pub text: &'a str,
    pub events: Vec<Event<'a>>,
    model: &'a Model,
    /// For each definition (index in `model.footnote_defs`): its events,
    /// `events[i..j]`, from its `Start` to its `End`.
    defs: Vec<Range<usize>>,
}

impl<'a> Walk<'a> {
    /// The first definition of `label` and its events (`Start` to `End`),
    /// so that an exporter can place the note at a reference.
    pub fn definition(&self, label: &str) -> Option<(&'a FootnoteDef, &[Event<'a>])> {
        let i = self
            .model
            .footnote_defs
            .iter()
            .position(|d| d.label == label)?;
        Some((
            &self.model.footnote_defs[i],
            &self.events[self.defs[i].clone()],
        ))
    }

    /// The index of the first definition of `label` in the model.
    pub fn definition_index(&self, label: &str) -> Option<usize> {
        self.model
            .footnote_defs
            .iter()
            .position(|d| d.label == label)
    }

    /// The events of definition `i` (index in `model.footnote_defs`).
    pub fn definition_events(&self, i: usize) -> &[Event<'a>] {
        &self.events[self.defs[i].clone()]
    }

    /// Where the events of definition `i` are in `events`.
    pub fn definition_span(&self, i: usize) -> Range<usize> {
        self.defs[i].clone()
    }
}

/// Walks `text`, whose model is `model`, resolving mentions and citation
/// keys in `ws`.
pub fn walk<'a>(text: &'a str, model: &'a Model, ws: &'a Workspace) -> Walk<'a> {
    let mut w = Walker {
        text,
        model,
        ws,
        masked: mask(text, model),
        events: Vec::new(),
        defs: vec![0..0; model.footnote_defs.len()],
    };
    w.document();
    let mut events = w.events;
    place_problems(text, &mut events, &model.errors);
    // Definitions' spans are found after the problems are placed.
    let mut defs = vec![0..0; model.footnote_defs.len()];
    let mut open = None;
    let mut k = 0;
    for (i, e) in events.iter().enumerate() {
        match &e.kind {
            EventKind::Start(Container::FootnoteDef { .. }) => open = Some(i),
            EventKind::End(Container::FootnoteDef { .. }) => {
                if let (Some(s), Some(slot)) = (open.take(), defs.get_mut(k)) {
                    *slot = s..i + 1;
                }
                k += 1;
            }
            _ => {}
        }
    }
    Walk {
        text,
        events,
        model,
        defs,
    }
}

/// The text with every scholia construct replaced by `x` (byte for byte),
/// for pulldown-cmark.
fn mask(text: &str, model: &Model) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut fill = |r: &Range<usize>| {
        for b in &mut bytes[r.start.min(text.len())..r.end.min(text.len())] {
            *b = b'x';
        }
    };
    for m in &model.mentions {
        fill(&m.range);
    }
    for c in &model.citations {
        fill(&c.range);
    }
    for f in &model.footnote_refs {
        fill(&f.range);
    }
    for (_, r) in &model.tokens {
        fill(r);
    }
    for r in &model.insertions {
        fill(&(r.start..r.start + 1));
        fill(&(r.end - 1..r.end));
    }
    for d in &model.errors {
        // A stray bracket: keep pulldown from reading it as a link.
        if matches!(text.as_bytes().get(d.range.start), Some(b'[' | b']')) {
            fill(&(d.range.start..d.range.start + 1));
        }
    }
    // Every replaced range is a whole number of characters.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

struct Walker<'a> {
    text: &'a str,
    model: &'a Model,
    ws: &'a Workspace,
    masked: String,
    events: Vec<Event<'a>>,
    defs: Vec<Range<usize>>,
}

/// A container found in a paragraph, before the sweep orders everything.
struct Span<'a> {
    range: Range<usize>,
    container: Container<'a>,
    /// Its leaves (markup and the like), inside `range`.
    leaves: Vec<(Range<usize>, EventKind<'a>)>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, range: Range<usize>, kind: EventKind<'a>) {
        self.events.push(Event { range, kind });
    }

    fn document(&mut self) {
        let text = self.text;
        let bom = bom_len(text);
        if bom > 0 {
            self.push(0..bom, EventKind::Bom);
        }
        let mut pos = bom;
        if let Some(fm) = &self.model.front_matter {
            self.push(fm.range.clone(), EventKind::FrontMatter(fm));
            pos = fm.range.end;
        }
        let model = self.model;
        let mut headings = model.headings.iter().peekable();
        let mut defs = model.footnote_defs.iter().enumerate().peekable();
        while pos < text.len() {
            if let Some(n) = line_break_at(text, pos) {
                self.push(pos..pos + n, EventKind::LineBreak);
                pos += n;
                continue;
            }
            while headings.peek().is_some_and(|h| h.range.start < pos) {
                headings.next();
            }
            while defs.peek().is_some_and(|(_, d)| d.range.start < pos) {
                defs.next();
            }
            if let Some((i, def)) = defs.next_if(|(_, d)| d.range.start == pos) {
                self.definition(i, def);
                pos = def.range.end.max(pos + 1);
                continue;
            }
            if let Some(h) = headings.next_if(|h| h.range.start == pos) {
                let container = Container::Heading { level: h.level };
                self.push(h.range.clone(), EventKind::Start(container.clone()));
                if h.text_range.start > h.range.start {
                    self.push(h.range.start..h.text_range.start, EventKind::Markup);
                }
                self.inline(h.text_range.clone());
                if h.range.end > h.text_range.end {
                    self.push(h.text_range.end..h.range.end, EventKind::Text);
                }
                self.push(h.range.clone(), EventKind::End(container));
                pos = h.range.end.max(pos + 1);
                continue;
            }
            let end = line_end(text, pos);
            if text[pos..end].trim().is_empty() {
                self.push(pos..end, EventKind::Text);
                pos = end;
                continue;
            }
            // A paragraph: text lines up to a blank line, heading or note.
            let next_block = headings
                .peek()
                .map(|h| h.range.start)
                .into_iter()
                .chain(defs.peek().map(|(_, d)| d.range.start))
                .min()
                .unwrap_or(text.len());
            let mut last_end = end;
            let mut at = end;
            while let Some(n) = line_break_at(text, at) {
                let start = at + n;
                if start >= next_block || start >= text.len() {
                    break;
                }
                let e = line_end(text, start);
                if text[start..e].trim().is_empty() {
                    break;
                }
                last_end = e;
                at = e;
            }
            self.paragraph(pos..last_end);
            pos = last_end;
        }
    }

    fn definition(&mut self, i: usize, def: &'a FootnoteDef) {
        let referenced = self
            .model
            .footnote_refs
            .iter()
            .any(|r| r.label == def.label);
        let container = Container::FootnoteDef {
            label: &def.label,
            referenced,
        };
        let start = self.events.len();
        self.push(def.range.clone(), EventKind::Start(container.clone()));
        self.push(def.label_range.start..def.body.start, EventKind::Markup);
        let text = self.text;
        let mut pos = def.body.start;
        let end = def.body.end;
        // Paragraphs separated by blank lines; the white space that starts
        // each (after the colon, the indentation) is text outside them.
        while pos < end {
            if let Some(n) = line_break_at(text, pos) {
                self.push(pos..pos + n, EventKind::LineBreak);
                pos += n;
                continue;
            }
            let e = line_end(text, pos).min(end);
            let line = &text[pos..e];
            if line.trim().is_empty() {
                self.push(pos..e, EventKind::Text);
                pos = e;
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            if lead > 0 {
                self.push(pos..pos + lead, EventKind::Text);
            }
            let first = pos + lead;
            let mut last_end = e;
            let mut at = e;
            while let Some(n) = line_break_at(text, at) {
                let s = at + n;
                if s >= end {
                    break;
                }
                let le = line_end(text, s).min(end);
                if text[s..le].trim().is_empty() {
                    break;
                }
                last_end = le;
                at = le;
            }
            self.paragraph(first..last_end);
            pos = last_end;
        }
        self.push(def.range.clone(), EventKind::End(container));
        if let Some(slot) = self.defs.get_mut(i) {
            *slot = start..self.events.len();
        }
    }

    fn paragraph(&mut self, range: Range<usize>) {
        self.push(range.clone(), EventKind::Start(Container::Paragraph));
        self.inline(range.clone());
        self.push(range, EventKind::End(Container::Paragraph));
    }

    /// The inline content of `range` (a paragraph or a heading's text).
    fn inline(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let mut spans = self.scholia_spans(&range);
        let mut leaves: Vec<(Range<usize>, EventKind<'a>)> = Vec::new();
        // Scholia's atomic leaves.
        let model = self.model;
        for f in within(&model.footnote_refs, &range, |f| &f.range) {
            let defined = model.footnote_defs.iter().any(|d| d.label == f.label);
            leaves.push((
                f.range.clone(),
                EventKind::FootnoteRef {
                    label: &f.label,
                    defined,
                },
            ));
        }
        for (kind, r) in within(&model.tokens, &range, |t| &t.1) {
            if *kind == TokenKind::Escape {
                let c = self.text[r.clone()].chars().nth(1).unwrap_or('\\');
                leaves.push((r.clone(), EventKind::Escape(c)));
            }
        }
        let markdown = self.markdown(&range, &spans);
        spans.extend(markdown);
        for s in &mut spans {
            leaves.append(&mut s.leaves);
        }
        // Line breaks inside the range.
        let bytes = self.text.as_bytes();
        for i in memchr::memchr_iter(b'\n', &bytes[range.clone()]) {
            let nl = range.start + i;
            let start = if nl > range.start && bytes[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            leaves.push((start..nl + 1, EventKind::LineBreak));
        }
        leaves.sort_by_key(|(r, _)| r.start);
        // Drop a leaf that overlaps the one before (never expected).
        let mut kept: Vec<(Range<usize>, EventKind<'a>)> = Vec::with_capacity(leaves.len());
        for (r, k) in leaves {
            if kept.last().is_some_and(|(p, _)| p.end > r.start) {
                continue;
            }
            kept.push((r, k));
        }
        spans.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
        self.sweep(range, spans, kept);
    }

    /// Orders containers and leaves into events, text filling the gaps.
    fn sweep(
        &mut self,
        range: Range<usize>,
        spans: Vec<Span<'a>>,
        leaves: Vec<(Range<usize>, EventKind<'a>)>,
    ) {
        let mut stack: Vec<(Range<usize>, Container<'a>)> = Vec::new();
        let mut spans = spans.into_iter().peekable();
        let mut leaves = leaves.into_iter().peekable();
        let mut pos = range.start;
        loop {
            let next = [
                stack.last().map(|(r, _)| r.end),
                spans.peek().map(|s| s.range.start),
                leaves.peek().map(|(r, _)| r.start),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(range.end)
            .min(range.end)
            .max(pos);
            if next > pos {
                self.push(pos..next, EventKind::Text);
                pos = next;
            }
            let mut progressed = false;
            while stack.last().is_some_and(|(r, _)| r.end <= pos) {
                let (r, c) = stack.pop().expect("checked");
                self.push(r, EventKind::End(c));
                progressed = true;
            }
            while let Some(s) = spans.next_if(|s| s.range.start <= pos) {
                self.push(s.range.clone(), EventKind::Start(s.container.clone()));
                stack.push((s.range, s.container));
                progressed = true;
            }
            if let Some((r, k)) = leaves.next_if(|(r, _)| r.start <= pos) {
                let end = r.end.max(pos);
                self.push(r.start.max(pos)..end, k);
                pos = end;
                progressed = true;
            }
            if !progressed && pos >= range.end {
                break;
            }
        }
        while let Some((r, c)) = stack.pop() {
            self.push(r, EventKind::End(c));
        }
    }

    /// Mentions, citations, links and insertions inside `range`.
    fn scholia_spans(&self, range: &Range<usize>) -> Vec<Span<'a>> {
        let text = self.text;
        let model = self.model;
        let mut spans = Vec::new();
        for m in within(&model.mentions, range, |m| &m.range) {
            // A target written before `|` goes into an attribute (the TEI's
            // `@key`, as written), which cannot hold a C0 control: such a
            // mention is exported as its text (found twice by the `tei` fuzz
            // target). Without `|` the target is the element's text, where
            // such a character is a `g`.
            let key = match &m.display_range {
                Some(d) => text.get(m.range.start + 2..d.start).unwrap_or_default(),
                None => "",
            };
            if super::xml::first_special(key, false).is_some() {
                continue;
            }
            spans.push(self.mention(m));
        }
        for c in within(&model.citations, range, |c| &c.range) {
            spans.push(self.citation(c));
        }
        for (kind, r) in within(&model.tokens, range, |t| &t.1) {
            if *kind != TokenKind::Link {
                continue;
            }
            let src = &text[r.clone()];
            let close = src.rfind("](").unwrap_or(src.len().saturating_sub(1));
            let url = text
                .get(r.start + close + 2..r.end.saturating_sub(1).max(r.start + close + 2))
                .unwrap_or("");
            // As for a mention's target: a URL an attribute cannot hold
            // stays text.
            if super::xml::first_special(url, false).is_some() {
                continue;
            }
            spans.push(Span {
                range: r.clone(),
                container: Container::Link { url },
                leaves: vec![
                    (r.start..r.start + 1, EventKind::Markup),
                    (r.start + close..r.end, EventKind::Markup),
                ],
            });
        }
        for r in within(&model.insertions, range, |r| r) {
            let inside = text.get(r.start + 1..r.end - 1).unwrap_or("");
            spans.push(Span {
                range: r.clone(),
                container: Container::Insertion {
                    kind: Insertion::of(inside),
                },
                leaves: vec![
                    (r.start..r.start + 1, EventKind::Markup),
                    (r.end - 1..r.end, EventKind::Markup),
                ],
            });
        }
        spans
    }

    fn mention(&self, m: &'a Mention) -> Span<'a> {
        let resolution = match self.ws.registry.resolve(&m.target) {
            Resolution::Unique(i) => {
                let e = &self.ws.registry.entities[i];
                Target::Entity {
                    id: &e.id,
                    kind: e.kind,
                }
            }
            Resolution::Ambiguous(is) => Target::Ambiguous(
                is.iter()
                    .map(|&i| self.ws.registry.entities[i].id.as_str())
                    .collect(),
            ),
            Resolution::Unknown => Target::Unknown,
        };
        let r = &m.range;
        let mut leaves = vec![(r.start..r.start + 2, EventKind::Markup)];
        if let Some(d) = &m.display_range {
            let bar = self.text[r.start..d.start]
                .rfind('|')
                .map_or(d.start, |b| r.start + b);
            leaves.push((r.start + 2..bar, EventKind::MentionTarget));
            leaves.push((bar..bar + 1, EventKind::Markup));
        }
        leaves.push((r.end - 2..r.end, EventKind::Markup));
        leaves.retain(|(r, _)| !r.is_empty());
        Span {
            range: r.clone(),
            container: Container::Mention {
                target: &m.target,
                resolution,
            },
            leaves,
        }
    }

    fn citation(&self, c: &'a Citation) -> Span<'a> {
        let r = &c.range;
        let mut leaves = vec![(r.start..r.start + 1, EventKind::Markup)];
        for item in &c.items {
            let known = self.ws.bibliography.get(&item.key).is_some();
            leaves.push((
                item.key_range.start - 1..item.key_range.end,
                EventKind::CiteKey {
                    key: &item.key,
                    known,
                },
            ));
            if let Some(l) = &item.locator_range {
                leaves.push((l.clone(), EventKind::Locator));
            }
        }
        leaves.push((r.end - 1..r.end, EventKind::Markup));
        Span {
            range: r.clone(),
            container: Container::Citation,
            leaves,
        }
    }

    /// pulldown-cmark's emphasis, strong, lists and quotes in `range`,
    /// less those that would cross a scholia construct.
    fn markdown(&self, range: &Range<usize>, scholia: &[Span<'a>]) -> Vec<Span<'a>> {
        let src = &self.masked[range.clone()];
        // Cheap exit: nothing pulldown could read as structure.
        if !src
            .bytes()
            .any(|b| matches!(b, b'*' | b'_' | b'>' | b'-' | b'+') || b.is_ascii_digit())
        {
            return Vec::new();
        }
        let base = range.start;
        let mut found: Vec<(Range<usize>, Container<'a>)> = Vec::new();
        for (event, r) in Parser::new_ext(src, Options::empty()).into_offset_iter() {
            let r = base + r.start..base + r.end;
            let container = match event {
                MdEvent::Start(Tag::Emphasis) => Container::Emphasis {
                    marker: self.text.as_bytes()[r.start] as char,
                },
                MdEvent::Start(Tag::Strong) => Container::Strong {
                    marker: self.text.as_bytes()[r.start] as char,
                },
                MdEvent::Start(Tag::List(start)) => Container::List { start },
                MdEvent::Start(Tag::Item) => Container::Item,
                MdEvent::Start(Tag::BlockQuote(_)) => Container::BlockQuote,
                _ => continue,
            };
            // Trailing line breaks belong to what follows.
            let mut end = r.end.min(range.end);
            while end > r.start && matches!(self.text.as_bytes()[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            found.push((r.start..end, container));
        }
        let crosses = |a: &Range<usize>, b: &Range<usize>| {
            a.start < b.end
                && b.start < a.end
                && !(a.start <= b.start && b.end <= a.end)
                && !(b.start <= a.start && a.end <= b.end)
        };
        let mut keep: Vec<bool> = found
            .iter()
            .map(|(r, container)| {
                // A block (quote, list, item) inside a bracket of scholia's
                // (`[\n> …]`) cannot be written inside that inline
                // element: it is left as text, like a crossing one.
                let block = matches!(
                    container,
                    Container::BlockQuote | Container::List { .. } | Container::Item
                );
                let inside = |s: &Range<usize>| {
                    s.start < r.start && r.end <= s.end || s.start <= r.start && r.end < s.end
                };
                !r.is_empty()
                    && !scholia
                        .iter()
                        .any(|s| crosses(r, &s.range) || block && inside(&s.range))
            })
            .collect();
        // A list keeps all its items or none.
        for i in 0..found.len() {
            if !matches!(found[i].1, Container::List { .. }) {
                continue;
            }
            let lr = found[i].0.clone();
            let items: Vec<usize> = (i + 1..found.len())
                .filter(|&j| {
                    matches!(found[j].1, Container::Item)
                        && lr.start <= found[j].0.start
                        && found[j].0.end <= lr.end
                })
                .collect();
            if !keep[i] || items.iter().any(|&j| !keep[j]) {
                keep[i] = false;
                for j in items {
                    keep[j] = false;
                }
            }
        }
        let text = self.text;
        let mut spans = Vec::new();
        for ((r, container), keep) in found.into_iter().zip(keep) {
            if !keep {
                continue;
            }
            let mut leaves = Vec::new();
            match container {
                Container::Emphasis { .. } | Container::Strong { .. } => {
                    let n = if matches!(container, Container::Strong { .. }) {
                        2
                    } else {
                        1
                    };
                    if r.len() < 2 * n {
                        continue;
                    }
                    leaves.push((r.start..r.start + n, EventKind::Markup));
                    leaves.push((r.end - n..r.end, EventKind::Markup));
                }
                Container::Item => {
                    let m = item_marker(&text[r.clone()]);
                    if m > 0 {
                        leaves.push((r.start..r.start + m, EventKind::Markup));
                    }
                }
                Container::BlockQuote => {
                    let mut line = r.start;
                    loop {
                        let m = quote_marker(&text[line..r.end]);
                        if m > 0 {
                            leaves.push((line..line + m, EventKind::Markup));
                        }
                        match memchr::memchr(b'\n', &text.as_bytes()[line..r.end]) {
                            Some(i) => line += i + 1,
                            None => break,
                        }
                    }
                }
                _ => {}
            }
            spans.push(Span {
                range: r,
                container,
                leaves,
            });
        }
        // Emphasis that runs over a line of a block quote holds that line's
        // `>` marker, which belongs to the quote: such emphasis is left as
        // text (as emphasis that would cross a bracket is), so the marker
        // stays a leaf of its own and nothing is lost.
        // A quote whose `>` of a later line stands inside a bracket of
        // scholia's (`> [\n> …]`) cannot keep that marker as its own leaf:
        // the quote is left as text.
        spans.retain(|s| {
            !matches!(s.container, Container::BlockQuote)
                || !s.leaves.iter().any(|(m, _)| {
                    scholia
                        .iter()
                        .any(|c| c.range.start < m.start && m.end <= c.range.end)
                })
        });
        let quote_markers: Vec<Range<usize>> = spans
            .iter()
            .filter(|s| matches!(s.container, Container::BlockQuote))
            .flat_map(|s| s.leaves.iter().map(|(r, _)| r.clone()))
            .collect();
        spans.retain(|s| {
            !matches!(
                s.container,
                Container::Emphasis { .. } | Container::Strong { .. }
            ) || !quote_markers
                .iter()
                .any(|m| s.range.start <= m.start && m.end <= s.range.end)
        });
        spans
    }
}

/// The items of `list` (sorted by start) that lie inside `range`.
fn within<'l, T>(
    list: &'l [T],
    range: &Range<usize>,
    of: impl Fn(&T) -> &Range<usize> + Copy,
) -> impl Iterator<Item = &'l T> {
    let first = list.partition_point(|t| of(t).start < range.start);
    let (start, end) = (range.start, range.end);
    list[first..]
        .iter()
        .take_while(move |t| of(t).start < end)
        .filter(move |t| of(t).start >= start && of(t).end <= end)
}

/// The length of a line ending at `pos`, if one is there.
fn line_break_at(text: &str, pos: usize) -> Option<usize> {
    let b = text.as_bytes();
    match b.get(pos) {
        Some(b'\n') => Some(1),
        Some(b'\r') if b.get(pos + 1) == Some(&b'\n') => Some(2),
        _ => None,
    }
}

/// The end of the line starting at `pos`, before its line ending.
fn line_end(text: &str, pos: usize) -> usize {
    let b = text.as_bytes();
    match memchr::memchr(b'\n', &b[pos..]) {
        Some(i) if i > 0 && b[pos + i - 1] == b'\r' => pos + i - 1,
        Some(i) => pos + i,
        None => text.len(),
    }
}

/// The length of a list item's marker and the spaces after it.
fn item_marker(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i > 0 {
        if !matches!(b.get(i), Some(b'.' | b')')) {
            return 0;
        }
        i += 1;
    } else if matches!(b.first(), Some(b'-' | b'+' | b'*')) {
        i = 1;
    } else {
        return 0;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// The length of a line's block quote markers (`> `, `>> `, `  > > `).
fn quote_marker(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    let mut end = 0;
    loop {
        let mut j = i;
        while j < i + 3 && b.get(j) == Some(&b' ') {
            j += 1;
        }
        if b.get(j) != Some(&b'>') {
            return end;
        }
        j += 1;
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        i = j;
        end = j;
    }
}

/// Inserts each problem before the first leaf at or after its start,
/// splitting a text leaf that it starts inside.
fn place_problems<'a>(text: &str, events: &mut Vec<Event<'a>>, errors: &'a [Diagnostic]) {
    if errors.is_empty() {
        return;
    }
    let mut out = Vec::with_capacity(events.len() + errors.len() * 2);
    let mut errs = errors.iter().peekable();
    for mut e in events.drain(..) {
        if e.is_leaf() {
            while let Some(d) = errs.peek() {
                if d.range.start <= e.range.start {
                    out.push(Event {
                        range: d.range.clone(),
                        kind: EventKind::Problem(d),
                    });
                    errs.next();
                } else if e.kind == EventKind::Text
                    && d.range.start < e.range.end
                    && text.is_char_boundary(d.range.start)
                {
                    out.push(Event {
                        range: e.range.start..d.range.start,
                        kind: EventKind::Text,
                    });
                    e.range.start = d.range.start;
                } else {
                    break;
                }
            }
        }
        out.push(e);
    }
    for d in errs {
        out.push(Event {
            range: d.range.clone(),
            kind: EventKind::Problem(d),
        });
    }
    *events = out;
}

#[cfg(test)]
mod tests;
