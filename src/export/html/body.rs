//! A document page: front matter, the text, notes, and for a translation
//! its original side by side.
//!
//! The text is rendered from the shared document walk (`export::walk`, the
//! one TEI renders from): its containers become HTML elements, its leaves
//! escaped text; scholia's marks (mentions, footnote references, citations,
//! editorial insertions) get their reading-edition form. Markdown link
//! targets are kept only when they are http(s); nothing from the text is
//! ever written unescaped.

use std::collections::HashMap;
use std::fmt::Write;

use super::markup::{Page, Section, esc, esc_into, frag, root_of, safe_url};
use super::{DocOut, Site};
use crate::export::walk::{self, Container, Event, EventKind, Insertion, Target, Walk};
use crate::workspace::{Document, Kind, Resolution, Workspace};

/// What a page knows of one document while rendering it.
struct Doc<'a> {
    doc: &'a Document,
    walk: Walk<'a>,
    /// Footnote label → its number (order of first reference).
    numbers: HashMap<&'a str, usize>,
    /// Labels in number order.
    order: Vec<&'a str>,
}

impl<'a> Doc<'a> {
    fn new(doc: &'a Document, ws: &'a Workspace) -> Doc<'a> {
        let m = &doc.model;
        let defined: std::collections::HashSet<&str> =
            m.footnote_defs.iter().map(|d| d.label.as_str()).collect();
        let mut numbers = HashMap::new();
        let mut order = Vec::new();
        let labels = m
            .footnote_refs
            .iter()
            .map(|r| r.label.as_str())
            .filter(|l| defined.contains(l))
            // Notes never referred to still get a number, after the others.
            .chain(m.footnote_defs.iter().map(|d| d.label.as_str()));
        for label in labels {
            if !numbers.contains_key(label) {
                order.push(label);
                numbers.insert(label, order.len());
            }
        }
        Doc {
            doc,
            walk: walk::walk(&doc.text, m, ws),
            numbers,
            order,
        }
    }
}

/// How events are rendered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Blocks, with ids on mentions and footnote references.
    Main,
    /// Blocks, without ids (a second copy of a text on the same page).
    Copy,
    /// Inline only (a note shown over the text): no ids, no nested notes.
    Inline,
}

struct Renderer<'s, 'a> {
    site: Option<&'s Site<'s>>,
    ws: &'s Workspace,
    d: &'s Doc<'a>,
    root: &'s str,
    /// Prefix of links to this document's notes (`""`, or the page of the
    /// original when rendered beside its translation).
    notes_page: String,
    mode: Mode,
    /// Per note number: how many of its references were rendered.
    refs_seen: &'s mut HashMap<usize, usize>,
    words: Option<&'s mut Words>,
}

/// Top-level blocks of HTML.
type Blocks = Vec<String>;

/// The index of the `End` that closes the `Start` at `i`.
fn matching_end(events: &[Event<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (k, e) in events.iter().enumerate().skip(i) {
        match e.kind {
            EventKind::Start(_) => depth += 1,
            EventKind::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn insertion_class(kind: Insertion) -> (&'static str, &'static str) {
    match kind {
        Insertion::Supplied => ("supplied", "Supplied by the editor"),
        Insertion::Uncertain => ("uncertain", "The reading is uncertain"),
        Insertion::Sic => ("sic", "So in the original"),
        Insertion::Omission => ("omission", "Omitted by the editor"),
    }
}

impl Renderer<'_, '_> {
    fn entity_href(&self, e: usize) -> Option<String> {
        self.site
            .map(|s| format!("{}{}", self.root, s.entity_page(e)))
    }

    /// Renders `events` (leaving out footnote definitions when `skip_notes`)
    /// into top-level blocks (one string in inline mode).
    fn events(&mut self, events: &[Event<'_>], skip_notes: bool) -> Blocks {
        let text = self.d.walk.text;
        let inline = self.mode == Mode::Inline;
        let mut blocks = Vec::new();
        let mut out = String::new();
        // Open containers: what each closes with, and whether it is an
        // insertion (whose brackets are shown).
        let mut open: Vec<(String, bool)> = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let e = &events[i];
            match &e.kind {
                EventKind::Bom | EventKind::FrontMatter(_) | EventKind::Problem(_) => {}
                EventKind::Start(Container::FootnoteDef { .. }) if skip_notes => {
                    i = matching_end(events, i) + 1;
                    continue;
                }
                EventKind::Start(Container::Citation) => {
                    self.citation(&mut out, e);
                    i = matching_end(events, i) + 1;
                    if open.is_empty() && !inline {
                        blocks.push(std::mem::take(&mut out));
                    }
                    continue;
                }
                EventKind::Start(c) => {
                    let close = self.open(&mut out, e, c);
                    open.push((close, matches!(c, Container::Insertion { .. })));
                }
                EventKind::End(_) => {
                    if let Some((close, _)) = open.pop() {
                        out.push_str(&close);
                    }
                    if open.is_empty() && !inline && !out.is_empty() {
                        blocks.push(std::mem::take(&mut out));
                    }
                }
                EventKind::Text => {
                    let s = &text[e.range.clone()];
                    if !open.is_empty() {
                        self.plain(&mut out, s);
                    }
                }
                EventKind::Markup => {
                    if open.last().is_some_and(|(_, insertion)| *insertion) {
                        esc_into(&mut out, &text[e.range.clone()]);
                    }
                }
                EventKind::LineBreak => {
                    if !open.is_empty() {
                        out.push('\n');
                    }
                }
                EventKind::Escape(c) => {
                    let mut buf = [0u8; 4];
                    self.plain(&mut out, c.encode_utf8(&mut buf));
                }
                EventKind::FootnoteRef { label, defined } => {
                    self.footnote_ref(&mut out, e, label, *defined);
                }
                EventKind::MentionTarget | EventKind::CiteKey { .. } | EventKind::Locator => {}
            }
            i += 1;
        }
        while let Some((close, _)) = open.pop() {
            out.push_str(&close);
        }
        if !out.is_empty() {
            blocks.push(out);
        }
        blocks
    }

    /// Opens container `c`; returns what closes it.
    fn open(&mut self, out: &mut String, e: &Event<'_>, c: &Container<'_>) -> String {
        let inline = self.mode == Mode::Inline;
        match c {
            Container::Paragraph if inline => {
                if !out.is_empty() {
                    out.push(' ');
                }
                String::new()
            }
            Container::Paragraph => {
                out.push_str("<p>");
                "</p>".into()
            }
            Container::Heading { .. } if inline => {
                out.push_str("<strong>");
                "</strong> ".into()
            }
            Container::Heading { level } => {
                // The page's title is its h1: the text's headings go one down.
                let h = (*level as usize + 1).min(6);
                let _ = write!(out, "<h{h}>");
                format!("</h{h}>")
            }
            Container::List { .. } | Container::Item | Container::BlockQuote if inline => {
                out.push(' ');
                String::new()
            }
            Container::List { start: Some(1) } => {
                out.push_str("<ol>");
                "</ol>".into()
            }
            Container::List { start: Some(n) } => {
                let _ = write!(out, "<ol start=\"{n}\">");
                "</ol>".into()
            }
            Container::List { start: None } => {
                out.push_str("<ul>");
                "</ul>".into()
            }
            Container::Item => {
                out.push_str("<li>");
                "</li>".into()
            }
            Container::BlockQuote => {
                out.push_str("<blockquote>");
                "</blockquote>".into()
            }
            Container::Emphasis { .. } => {
                out.push_str("<em>");
                "</em>".into()
            }
            Container::Strong { .. } => {
                out.push_str("<strong>");
                "</strong>".into()
            }
            Container::Link { url } => match safe_url(url) {
                Some(url) => {
                    out.push_str("<a rel=\"noopener noreferrer\" href=\"");
                    esc_into(out, url);
                    out.push_str("\">");
                    "</a>".into()
                }
                None => {
                    out.push_str("<span class=\"link\">");
                    "</span>".into()
                }
            },
            Container::Mention { target, resolution } => self.mention(out, e, target, resolution),
            Container::Insertion { kind } => {
                let (class, title) = insertion_class(*kind);
                let _ = write!(out, "<span class=\"editorial {class}\" title=\"{title}\">");
                "</span>".into()
            }
            Container::FootnoteDef { .. } | Container::Citation => String::new(),
        }
    }

    fn mention(
        &mut self,
        out: &mut String,
        e: &Event<'_>,
        target: &str,
        resolution: &Target<'_>,
    ) -> String {
        let mentions = &self.d.doc.model.mentions;
        let id = match mentions.binary_search_by_key(&e.range.start, |m| m.range.start) {
            Ok(i) if self.mode == Mode::Main => format!(" id=\"m{i}\""),
            _ => String::new(),
        };
        let entity = match resolution {
            Target::Entity { id, .. } => self.ws.registry.index_of(id),
            _ => None,
        };
        match entity {
            Some(k) => {
                let entity = &self.ws.registry.entities[k];
                let class = kind_class(entity.kind);
                let title = format!("{} ({})", entity.name, entity.summary());
                match self.entity_href(k) {
                    Some(href) => {
                        let _ = write!(
                            out,
                            "<a class=\"mention {class}\"{id} href=\"{}\" title=\"{}\">",
                            esc(&href),
                            esc(&title)
                        );
                        "</a>".into()
                    }
                    None => {
                        let _ = write!(
                            out,
                            "<span class=\"mention {class}\"{id} title=\"{}\">",
                            esc(&title)
                        );
                        "</span>".into()
                    }
                }
            }
            None => {
                let why = if matches!(resolution, Target::Ambiguous(_)) {
                    "ambiguous: several registry entries have this name"
                } else {
                    "not in the registry"
                };
                let _ = write!(
                    out,
                    "<span class=\"mention unresolved\"{id} title=\"{}: {why}\">",
                    esc(target)
                );
                "</span>".into()
            }
        }
    }

    fn footnote_ref(&mut self, out: &mut String, e: &Event<'_>, label: &str, defined: bool) {
        let text = self.d.walk.text;
        let n = self.d.numbers.get(label).copied().filter(|_| defined);
        let Some(n) = n else {
            out.push_str("<sup class=\"fnref missing\" title=\"no such note\">");
            esc_into(out, &text[e.range.clone()]);
            out.push_str("</sup>");
            return;
        };
        if self.mode == Mode::Inline {
            let _ = write!(out, "<sup class=\"fnref\">{n}</sup>");
            return;
        }
        let seen = self.refs_seen.entry(n).or_insert(0);
        *seen += 1;
        let k = *seen;
        let own = self.notes_page.is_empty() && self.mode == Mode::Main;
        let id = if own && k == 1 {
            format!(" id=\"fnref-{n}\"")
        } else {
            String::new()
        };
        let pop = format!(
            "pop-{}{n}-{k}",
            if self.mode == Mode::Main { "" } else { "o" }
        );
        let _ = write!(
            out,
            "<sup class=\"fnref\"><a href=\"{}#fn-{n}\"{id} aria-describedby=\"{pop}\">{n}</a>\
             <span class=\"note-pop\" role=\"tooltip\" id=\"{pop}\">",
            esc(&self.notes_page)
        );
        if let Some(def) = self.d.walk.definition_index(label) {
            let events = note_events(self.d.walk.definition_events(def));
            let mut inner = Renderer {
                site: self.site,
                ws: self.ws,
                d: self.d,
                root: self.root,
                notes_page: self.notes_page.clone(),
                mode: Mode::Inline,
                refs_seen: &mut HashMap::new(),
                words: None,
            };
            for b in inner.events(events, false) {
                out.push_str(&b);
            }
        }
        out.push_str("</span></sup>");
    }

    fn citation(&mut self, out: &mut String, e: &Event<'_>) {
        let model = &self.d.doc.model;
        let Some(c) = model.citations.iter().find(|c| c.range == e.range) else {
            esc_into(out, &self.d.walk.text[e.range.clone()]);
            return;
        };
        out.push_str("<span class=\"cite\">(");
        for (k, item) in c.items.iter().enumerate() {
            if k > 0 {
                out.push_str("; ");
            }
            cite_item(
                out,
                self.ws,
                self.root,
                &item.key,
                item.locator.as_deref(),
                self.site.is_some(),
            );
        }
        if c.items.is_empty() {
            esc_into(out, &self.d.walk.text[e.range.clone()]);
        }
        out.push_str(")</span>");
    }

    fn plain(&mut self, out: &mut String, s: &str) {
        esc_into(out, s);
        if let Some(words) = self.words.as_deref_mut() {
            words.add(s);
        }
    }
}

/// A definition's events without its own `Start`/`End`.
fn note_events<'e, 'a>(events: &'e [Event<'a>]) -> &'e [Event<'a>] {
    match events {
        [_, inner @ .., _] => inner,
        _ => &[],
    }
}

/// One citation item as a reader cites it, linked to the bibliography.
fn cite_item(
    out: &mut String,
    ws: &Workspace,
    root: &str,
    key: &str,
    locator: Option<&str>,
    link: bool,
) {
    match ws.bibliography.get(key) {
        Some(entry) => {
            let formatted = ws.cite(entry, locator);
            if link {
                let _ = write!(
                    out,
                    "<a class=\"citation\" href=\"{root}bibliography.html#{}\">",
                    frag("cite-", key)
                );
                esc_into(out, &formatted);
                out.push_str("</a>");
            } else {
                esc_into(out, &formatted);
            }
        }
        None => {
            out.push_str("<span class=\"unknown\" title=\"not in the bibliography\">@");
            esc_into(out, key);
            if let Some(l) = locator {
                out.push_str(", ");
                esc_into(out, l);
            }
            out.push_str("</span>");
        }
    }
}

pub(crate) fn kind_class(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "person",
        Kind::Place => "place",
        Kind::Organization => "organization",
    }
}

/// The distinct lower-cased words of a document, for the search index. A
/// document of 22 KB has about 3,500 words and 1,000 distinct ones: each is
/// kept once, and a word already in lower case is looked up before any
/// allocation (sorting every word of every page was a tenth of a warm
/// export of the archive).
#[derive(Default)]
pub(crate) struct Words(std::collections::HashSet<String, foldhash::fast::RandomState>);

impl Words {
    /// Adds the words of `s` (two characters or more, at most 40 bytes).
    pub(crate) fn add(&mut self, s: &str) {
        for w in s.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().nth(1).is_none() || w.len() > 40 {
                continue;
            }
            // Lower case already: every character its own lower case
            // (a title-case letter such as `ǅ` is not upper case, yet
            // changes).
            let lower = w.chars().all(|c| {
                let mut l = c.to_lowercase();
                l.next() == Some(c) && l.next().is_none()
            });
            if !lower {
                self.0.insert(w.to_lowercase());
            } else if !self.0.contains(w) {
                self.0.insert(w.to_string());
            }
        }
    }

    /// The words, sorted.
    pub(crate) fn into_sorted(self) -> Vec<String> {
        let mut words: Vec<String> = self.0.into_iter().collect();
        words.sort_unstable();
        words
    }
}

/// The whole text of a document (front matter and note definitions left
/// out), rendered.
fn body_blocks(r: &mut Renderer<'_, '_>) -> Blocks {
    let d = r.d;
    r.events(&d.walk.events, true)
}

/// The notes, in number order, each with its back-link.
fn notes_list(r: &mut Renderer<'_, '_>, out: &mut String) {
    let d = r.d;
    if d.order.is_empty() {
        return;
    }
    out.push_str(
        "<section class=\"notes\" aria-labelledby=\"notes-h\">\n<h2 id=\"notes-h\">Notes</h2>\n<ol>\n",
    );
    for (k, label) in d.order.iter().enumerate() {
        let n = k + 1;
        let _ = write!(out, "<li id=\"fn-{n}\">");
        if let Some(def) = d.walk.definition_index(label) {
            for b in r.events(note_events(d.walk.definition_events(def)), false) {
                out.push_str(&b);
            }
        }
        if r.refs_seen.contains_key(&n) {
            let _ = write!(
                out,
                " <a class=\"back\" href=\"#fnref-{n}\" aria-label=\"Back to the text of note {n}\">↩</a>"
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</section>\n");
}

/// The front matter as a list of fields.
fn front_matter(page: &mut Page, ws: &Workspace, doc: &Document, link: bool) {
    let Some(fm) = &doc.model.front_matter else {
        return;
    };
    page.raw("<dl class=\"meta\">\n");
    if let Some(d) = &fm.date {
        page.raw("<dt>Date</dt><dd><time>");
        page.text(d.value.trim());
        page.raw("</time></dd>\n");
    }
    if let Some(s) = &fm.source {
        page.raw("<dt>Source</dt><dd>");
        match &fm.source_citations {
            Some(cites) if !cites.is_empty() => {
                let mut out = String::new();
                for (k, item) in cites.iter().flat_map(|c| &c.items).enumerate() {
                    if k > 0 {
                        out.push_str("; ");
                    }
                    let root = page.root.clone();
                    cite_item(
                        &mut out,
                        ws,
                        &root,
                        &item.key,
                        item.locator.as_deref(),
                        link,
                    );
                }
                page.raw(&out);
            }
            _ => page.text(s.value.trim()),
        }
        page.raw("</dd>\n");
    }
    if !fm.translators.is_empty() {
        page.raw("<dt>Translated by</dt><dd>");
        let names: Vec<&str> = fm.translators.iter().map(|t| t.value.trim()).collect();
        page.text(&names.join(", "));
        page.raw("</dd>\n");
    }
    if let Some(l) = &fm.language {
        page.raw("<dt>Language</dt><dd>");
        page.text(l.value.trim());
        page.raw("</dd>\n");
    }
    if let Some(r) = &fm.record {
        page.raw("<dt>Record</dt><dd>");
        page.text(r.value.trim());
        page.raw("</dd>\n");
    }
    page.raw("</dl>\n");
    if let Some(s) = &fm.summary {
        page.raw("<p class=\"summary\">");
        page.text(s.value.trim());
        page.raw("</p>\n");
    }
}

fn language(doc: &Document) -> Option<String> {
    let l = doc.model.front_matter.as_ref()?.language.as_ref()?;
    let l = l.value.trim();
    (!l.is_empty() && l.len() <= 35 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| l.to_string())
}

/// The page of document `i` of the site, and what the index pages need of it.
pub(crate) fn document_page(site: &Site<'_>, i: usize, doc: &Document) -> (String, DocOut) {
    let info = &site.docs[i];
    let root = root_of(&info.page);
    let mut page = Page::new(&site.title, &info.title, &root, Section::Documents);
    let d = Doc::new(doc, site.ws);
    let mut words = Words::default();
    words.add(&info.title);
    let mut refs_seen = HashMap::new();
    let lang = language(doc);
    page.raw("<article class=\"document\">\n<header class=\"doc-head\">\n<h1>");
    page.text(&info.title);
    page.raw("</h1>\n");
    front_matter(&mut page, site.ws, doc, true);
    // Links between a translation and its original.
    let original = info
        .translation_of
        .as_ref()
        .and_then(|o| site.by_path.get(o))
        .copied();
    if let Some(o) = original {
        page.raw("<p class=\"relation\">A translation of ");
        page.site_link(&site.docs[o].page, &site.docs[o].title);
        page.raw(".</p>\n");
    }
    if let Some(ts) = site.translations.get(&i) {
        page.raw("<p class=\"relation\">Translations: ");
        for (k, &t) in ts.iter().enumerate() {
            if k > 0 {
                page.raw(", ");
            }
            let shown = match site.docs[t].title.as_str() {
                title if title != info.title => title.to_string(),
                _ => site.docs[t].page.clone(),
            };
            page.site_link(&site.docs[t].page, &shown);
        }
        page.raw(".</p>\n");
    }
    page.raw("</header>\n");
    let mut r = Renderer {
        site: Some(site),
        ws: site.ws,
        d: &d,
        root: &root,
        notes_page: String::new(),
        mode: Mode::Main,
        refs_seen: &mut refs_seen,
        words: Some(&mut words),
    };
    let blocks = body_blocks(&mut r);
    let original_doc = original.and_then(|o| super::read_doc(&site.docs[o].path));
    match (&original_doc, original) {
        (Some(odoc), Some(o)) => {
            let od = Doc::new(odoc, site.ws);
            let mut orefs = HashMap::new();
            let notes_page = format!("{root}{}", site.docs[o].page);
            let mut or = Renderer {
                site: Some(site),
                ws: site.ws,
                d: &od,
                root: &root,
                notes_page,
                mode: Mode::Copy,
                refs_seen: &mut orefs,
                words: None,
            };
            let oblocks = body_blocks(&mut or);
            parallel(&mut page, &oblocks, &blocks, language(odoc), lang.clone());
            let report = crate::report::translation_report(doc, Some(odoc), site.ws);
            if !report.summary.is_empty() {
                page.raw(
                    "<section class=\"differences\" aria-labelledby=\"diff-h\">\n\
                     <h2 id=\"diff-h\">Differences from the original</h2>\n<ul>\n",
                );
                for s in &report.summary {
                    page.raw("<li>");
                    page.text(s);
                    page.raw("</li>\n");
                }
                page.raw("</ul>\n</section>\n");
            }
        }
        _ => {
            match &lang {
                Some(l) => {
                    let _ = writeln!(page.out, "<div class=\"text\" lang=\"{l}\">");
                }
                None => page.raw("<div class=\"text\">\n"),
            }
            for b in &blocks {
                page.raw(b);
                page.raw("\n");
            }
            page.raw("</div>\n");
        }
    }
    let mut r = Renderer {
        site: Some(site),
        ws: site.ws,
        d: &d,
        root: &root,
        notes_page: String::new(),
        mode: Mode::Main,
        refs_seen: &mut refs_seen,
        words: Some(&mut words),
    };
    let mut notes = String::new();
    notes_list(&mut r, &mut notes);
    page.raw(&notes);
    page.raw("</article>\n");

    let mut cites: Vec<String> = doc
        .model
        .citations
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.key.clone()))
        .chain(
            doc.model
                .front_matter
                .iter()
                .flat_map(|f| f.source_citations.iter().flatten())
                .flat_map(|c| c.items.iter().map(|i| i.key.clone())),
        )
        .collect();
    cites.sort();
    cites.dedup();
    let words = words.into_sorted();
    let mentions = mention_contexts(site.ws, doc);
    (
        page.finish(),
        DocOut {
            mention_count: mentions.len(),
            mentions,
            cites,
            words,
        },
    )
}

/// The original and the translation side by side: paragraph by paragraph
/// when both have as many blocks, else as two columns.
fn parallel(
    page: &mut Page,
    original: &[String],
    translation: &[String],
    olang: Option<String>,
    tlang: Option<String>,
) {
    let lang = |l: &Option<String>| {
        l.as_ref()
            .map(|l| format!(" lang=\"{l}\""))
            .unwrap_or_default()
    };
    let (ol, tl) = (lang(&olang), lang(&tlang));
    let aligned = original.len() == translation.len();
    let _ = writeln!(
        page.out,
        "<section class=\"parallel{}\" aria-label=\"The original and the translation side by side\">\n\
         <div class=\"parallel-head\"><h2 class=\"col-original\">Original</h2><h2 class=\"col-translation\">Translation</h2></div>",
        if aligned { " aligned" } else { "" }
    );
    if aligned {
        for (o, t) in original.iter().zip(translation) {
            let _ = writeln!(
                page.out,
                "<div class=\"pair\"><div class=\"col-original\"{ol}>{o}</div><div class=\"col-translation text\"{tl}>{t}</div></div>"
            );
        }
    } else {
        let _ = write!(
            page.out,
            "<div class=\"pair\"><div class=\"col-original\"{ol}>"
        );
        for o in original {
            page.raw(o);
        }
        let _ = write!(page.out, "</div><div class=\"col-translation text\"{tl}>");
        for t in translation {
            page.raw(t);
        }
        page.raw("</div></div>\n");
    }
    page.raw("</section>\n");
}

/// Each mention that names one entity: (entity, its anchor, a line of
/// context with the mention marked).
fn mention_contexts(ws: &Workspace, doc: &Document) -> Vec<(usize, String, String)> {
    let model = &doc.model;
    let text = &doc.text;
    let mut out = Vec::new();
    for (i, x) in model.mentions.iter().enumerate() {
        let Resolution::Unique(e) = ws.registry.resolve(&x.target) else {
            continue;
        };
        let line = doc.line_index.line_of(x.range.start);
        let Some(lr) = doc.line_index.line_range(text, line) else {
            continue;
        };
        let lr = lr.start..lr.end.max(x.range.end).min(text.len());
        // Without the line's Markdown block marks (`# `, `> `, `- `, `1. `).
        let line = &text[lr.clone()];
        let body = line.trim_start_matches(['#', '>', ' ', '\t']);
        let body = body
            .strip_prefix("- ")
            .or_else(|| body.strip_prefix("* "))
            .or_else(|| body.strip_prefix("+ "))
            .unwrap_or(body);
        let lr = (lr.start + line.len() - body.len()).min(x.range.start)..lr.end;
        // At most about 100 bytes on each side of the mention.
        let from =
            crate::text::floor_char_boundary(text, x.range.start.saturating_sub(100).max(lr.start));
        let to = crate::text::floor_char_boundary(text, (x.range.end + 100).min(lr.end));
        let mut html = String::new();
        if from > lr.start {
            html.push('…');
        }
        let mut pos = from;
        let shown = |m: &crate::syntax::model::Mention| -> String {
            m.display_range
                .as_ref()
                .map_or(m.target.clone(), |r| text[r.clone()].trim().to_string())
        };
        let inner: Vec<&crate::syntax::model::Mention> = model
            .mentions
            .iter()
            .filter(|m| m.range.start >= from && m.range.end <= to)
            .collect();
        for m in inner {
            if m.range.start < pos {
                continue;
            }
            context_text(&mut html, &text[pos..m.range.start]);
            if m.range == x.range {
                html.push_str("<mark>");
                esc_into(&mut html, &shown(m));
                html.push_str("</mark>");
            } else {
                esc_into(&mut html, &shown(m));
            }
            pos = m.range.end;
        }
        if pos < to {
            context_text(&mut html, &text[pos..to]);
        }
        if to < lr.end {
            html.push('…');
        }
        out.push((e, format!("m{i}"), html));
    }
    out
}

/// Context text: footnote references and the Markdown emphasis marks left
/// out, the rest escaped.
fn context_text(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.find("[^") {
        let (before, after) = rest.split_at(at);
        esc_into(out, &before.replace(['*', '_'], ""));
        match after.find(']') {
            Some(end) => rest = &after[end + 1..],
            None => {
                rest = "";
            }
        }
    }
    esc_into(out, &rest.replace(['*', '_'], ""));
}

/// The preview of one document, as the export renders it, for an editor:
/// a whole page with its own stylesheet, no links out of it.
pub fn render_preview(ws: &Workspace, doc: &Document) -> String {
    let d = Doc::new(doc, ws);
    let title = doc
        .model
        .front_matter
        .as_ref()
        .and_then(|f| f.title.as_ref())
        .map(|t| t.value.trim().to_string())
        .unwrap_or_else(|| {
            doc.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let mut refs_seen = HashMap::new();
    let mut r = Renderer {
        site: None,
        ws,
        d: &d,
        root: "",
        notes_page: String::new(),
        mode: Mode::Main,
        refs_seen: &mut refs_seen,
        words: None,
    };
    let blocks = body_blocks(&mut r);
    let mut notes = String::new();
    notes_list(&mut r, &mut notes);
    let mut out = String::with_capacity(doc.text.len() * 2 + super::markup::CSS.len());
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>",
    );
    esc_into(&mut out, &title);
    out.push_str("</title>\n<style>\n");
    out.push_str(super::markup::CSS);
    out.push_str("\n</style>\n</head>\n<body class=\"preview\">\n<main id=\"main\">\n<article class=\"document\">\n<header class=\"doc-head\">\n<h1>");
    esc_into(&mut out, &title);
    out.push_str("</h1>\n");
    let mut page = Page {
        out: String::new(),
        root: String::new(),
    };
    front_matter(&mut page, ws, doc, false);
    out.push_str(&page.out);
    out.push_str("</header>\n<div class=\"text\">\n");
    for b in blocks {
        out.push_str(&b);
        out.push('\n');
    }
    out.push_str("</div>\n");
    out.push_str(&notes);
    out.push_str("</article>\n</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The set gives what lower-casing, sorting and deduplicating every
    /// word gave before it.
    #[test]
    fn words_are_the_sorted_distinct_lower_cased_words() {
        let text = "Zhou ZHOU zhou Enlai a bb ǅemal ǆemal ΟΔΟΣ οδος Москва москва 北京 北京 x1 X1 \
                    Straße STRASSE İstanbul";
        let mut words = Words::default();
        words.add(text);
        words.add("Zhou again");
        let mut want: Vec<String> = Vec::new();
        for s in [text, "Zhou again"] {
            for w in s.split(|c: char| !c.is_alphanumeric()) {
                if w.chars().nth(1).is_some() && w.len() <= 40 {
                    want.push(w.to_lowercase());
                }
            }
        }
        want.sort();
        want.dedup();
        assert_eq!(words.into_sorted(), want);
    }

    fn preview(text: &str) -> String {
        let ws = Workspace::detached();
        let doc = Document::scan("/w/a.scholia".into(), text.to_string());
        render_preview(&ws, &doc)
    }

    #[test]
    fn raw_html_and_script_urls_stay_text() {
        let html = preview(
            "Hi <script>alert(1)</script> \"><img src=x onerror=alert(2)>\n\n\
             [x](javascript:alert(3)) [y](https://example.org/) ![i](https://e.org/i.png)\n\n\
             <javascript:alert(4)> <https://example.net/>\n",
        );
        let body = &html[html.find("<main").unwrap()..];
        assert!(!body.contains("<script"), "{body}");
        assert!(!body.contains("<img"), "{body}");
        assert!(body.contains("&lt;script&gt;"), "{body}");
        assert!(!body.contains("href=\"javascript"), "{body}");
        assert!(body.contains("&lt;javascript:alert(4)&gt;"), "{body}");
        assert!(body.contains("href=\"https://example.org/\""), "{body}");
    }

    #[test]
    fn marks_survive_markdown() {
        let html = preview(
            "A *[[Zhou Enlai|Zhou]]* and [[x]][^1] [sic] [?] [@k, p. 5].\n\n[^1]: The *note* [[y]].\n",
        );
        let body = &html[html.find("<main").unwrap()..];
        assert!(
            body.contains("<em><span class=\"mention unresolved\" id=\"m0\""),
            "{body}"
        );
        assert!(body.contains(">Zhou</span></em>"), "{body}");
        assert!(
            body.contains(
                "<span class=\"editorial sic\" title=\"So in the original\">[sic]</span>"
            ),
            "{body}"
        );
        assert!(body.contains("[?]"), "{body}");
        assert!(
            body.contains("<sup class=\"fnref\"><a href=\"#fn-1\" id=\"fnref-1\""),
            "{body}"
        );
        assert!(
            body.contains("role=\"tooltip\" id=\"pop-1-1\">The <em>note</em>"),
            "{body}"
        );
        assert!(body.contains("<li id=\"fn-1\">"), "{body}");
        assert!(body.contains("@k, p. 5"), "{body}");
        // The note is not in the running text a second time.
        assert_eq!(body.matches("[^1]").count(), 0, "{body}");
    }
}
