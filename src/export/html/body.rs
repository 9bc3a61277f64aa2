//! A document page: front matter, the text (Markdown through pulldown-cmark,
//! scholia's marks from the document model), notes, and for a translation
//! its original side by side.
//!
//! The Markdown parser sees a copy of the text in which every scholia mark
//! (mention, footnote reference, citation, the brackets of an editorial
//! insertion) is one private-use character that names the mark, so that
//! Markdown never reads a mark's brackets as its own syntax; the renderer
//! puts the mark's HTML where its character comes out. Raw HTML in the
//! text is shown as text, links and images keep only http(s) targets.

use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::markup::{Page, Section, esc, esc_into, frag, root_of, safe_url};
use super::{DocOut, Site};
use crate::syntax::model::Place;
use crate::workspace::{Document, Kind, Resolution, Workspace};

/// A scholia mark in the text.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// Index into `model.mentions`.
    Mention(usize),
    /// Index into `model.footnote_refs`.
    FootnoteRef(usize),
    /// Index into `model.citations`.
    Citation(usize),
    InsertionOpen,
    InsertionClose,
}

/// The private-use character of mark `i` (planes 15 and 16), if any.
fn mark_char(i: usize) -> Option<char> {
    let code = if i < 0xFFFE {
        0xF0000 + i as u32
    } else if i < 2 * 0xFFFE {
        0x100000 + (i - 0xFFFE) as u32
    } else {
        return None;
    };
    char::from_u32(code)
}

fn mark_index(c: char) -> Option<usize> {
    let c = c as u32;
    match c {
        0xF0000..=0xFFFFD => Some((c - 0xF0000) as usize),
        0x100000..=0x10FFFD => Some((c - 0x100000) as usize + 0xFFFE),
        _ => None,
    }
}

/// What a page knows of one document while rendering it.
struct Doc<'a> {
    doc: &'a Document,
    /// Every mark, sorted by start: (range, mark).
    marks: Vec<(Range<usize>, Mark)>,
    /// Footnote label → its number (order of first reference) and its
    /// definition (index into `model.footnote_defs`).
    numbers: HashMap<&'a str, usize>,
    defs: HashMap<&'a str, usize>,
    /// Labels in number order.
    order: Vec<&'a str>,
}

impl<'a> Doc<'a> {
    fn new(doc: &'a Document) -> Doc<'a> {
        let m = &doc.model;
        let mut marks: Vec<(Range<usize>, Mark)> = Vec::new();
        for (i, x) in m.mentions.iter().enumerate() {
            marks.push((x.range.clone(), Mark::Mention(i)));
        }
        for (i, x) in m.footnote_refs.iter().enumerate() {
            marks.push((x.range.clone(), Mark::FootnoteRef(i)));
        }
        for (i, c) in m.citations.iter().enumerate() {
            if c.place != Place::FrontMatter {
                marks.push((c.range.clone(), Mark::Citation(i)));
            }
        }
        for r in &m.insertions {
            if r.end > r.start + 1 {
                marks.push((r.start..r.start + 1, Mark::InsertionOpen));
                marks.push((r.end - 1..r.end, Mark::InsertionClose));
            }
        }
        marks.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        let mut numbers = HashMap::new();
        let mut order = Vec::new();
        let mut defs = HashMap::new();
        for (i, d) in m.footnote_defs.iter().enumerate() {
            defs.entry(d.label.as_str()).or_insert(i);
        }
        for r in &m.footnote_refs {
            let label = r.label.as_str();
            if defs.contains_key(label) && !numbers.contains_key(label) {
                order.push(label);
                numbers.insert(label, order.len());
            }
        }
        // Notes never referred to still get a number, after the others.
        for d in &m.footnote_defs {
            let label = d.label.as_str();
            if !numbers.contains_key(label) {
                order.push(label);
                numbers.insert(label, order.len());
            }
        }
        Doc {
            doc,
            marks,
            numbers,
            defs,
            order,
        }
    }
}

/// How a region is rendered.
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
    /// Counter of footnote references rendered (ids of popups and refs).
    refs_seen: &'s mut HashMap<usize, usize>,
    words: Option<&'s mut Vec<String>>,
}

/// Top-level blocks of HTML.
type Blocks = Vec<String>;

impl Renderer<'_, '_> {
    fn entity_href(&self, e: usize) -> Option<String> {
        self.site
            .map(|s| format!("{}{}", self.root, s.entity_page(e)))
    }

    /// Renders `region` of the text, leaving out `holes`. `dedent`: strip
    /// up to four spaces (or a tab) from every line after the first (a
    /// note's continuation paragraphs).
    fn region(&mut self, region: Range<usize>, holes: &[Range<usize>], dedent: bool) -> Blocks {
        let text = &self.d.doc.text;
        let mut items: Vec<(Range<usize>, Option<usize>)> = holes
            .iter()
            .filter(|h| h.start < region.end && h.end > region.start)
            .map(|h| (h.clone(), None))
            .collect();
        let first = self
            .d
            .marks
            .partition_point(|(r, _)| r.start < region.start);
        for (k, (r, _)) in self.d.marks[first..].iter().enumerate() {
            if r.start >= region.end {
                break;
            }
            if r.end <= region.end {
                items.push((r.clone(), Some(first + k)));
            }
        }
        items.sort_by_key(|(r, m)| (r.start, m.is_some()));
        let mut copy = String::with_capacity(region.len() + 16);
        let mut pos = region.start;
        // The document's own private-use characters of the mark planes
        // would read as marks.
        let push = |copy: &mut String, s: &str| {
            for c in s.chars() {
                copy.push(if mark_index(c).is_some() {
                    '\u{FFFD}'
                } else {
                    c
                });
            }
        };
        for (r, mark) in items {
            if r.start < pos {
                continue;
            }
            push(&mut copy, &text[pos..r.start]);
            if let Some(m) = mark {
                match mark_char(m) {
                    Some(c) => copy.push(c),
                    None => push(&mut copy, &text[r.clone()]),
                }
            }
            pos = r.end;
        }
        push(&mut copy, &text[pos..region.end]);
        if dedent {
            copy = dedent_lines(&copy);
        }
        self.markdown(&copy)
    }

    fn markdown(&mut self, src: &str) -> Blocks {
        let mut blocks = Vec::new();
        let mut out = String::new();
        let mut depth = 0usize;
        // What each open link/image became, to close it alike.
        let mut closers: Vec<&'static str> = Vec::new();
        let inline = self.mode == Mode::Inline;
        let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        for ev in Parser::new_ext(src, opts) {
            match ev {
                Event::Start(tag) => {
                    depth += 1;
                    match tag {
                        Tag::Paragraph if inline && !out.is_empty() => out.push(' '),
                        Tag::Paragraph if inline => {}
                        Tag::Paragraph => out.push_str("<p>"),
                        Tag::Heading { level, .. } => {
                            if inline {
                                out.push_str("<strong>");
                            } else {
                                let _ = write!(out, "<h{}>", shifted(level));
                            }
                        }
                        Tag::BlockQuote(_) if !inline => out.push_str("<blockquote>"),
                        Tag::CodeBlock(_) if !inline => out.push_str("<pre><code>"),
                        Tag::List(Some(n)) if !inline => {
                            if n == 1 {
                                out.push_str("<ol>");
                            } else {
                                let _ = write!(out, "<ol start=\"{n}\">");
                            }
                        }
                        Tag::List(None) if !inline => out.push_str("<ul>"),
                        Tag::Item if !inline => out.push_str("<li>"),
                        Tag::Emphasis => out.push_str("<em>"),
                        Tag::Strong => out.push_str("<strong>"),
                        Tag::Strikethrough => out.push_str("<del>"),
                        Tag::Link { dest_url, .. } => match safe_url(&dest_url) {
                            Some(url) => {
                                out.push_str("<a rel=\"noopener noreferrer\" href=\"");
                                esc_into(&mut out, url);
                                out.push_str("\">");
                                closers.push("</a>");
                            }
                            None => {
                                out.push_str("<span class=\"link\">");
                                closers.push("</span>");
                            }
                        },
                        Tag::Image { .. } => {
                            out.push_str("<span class=\"image\">");
                            closers.push("</span>");
                        }
                        Tag::Table(_) if !inline => out.push_str("<table>"),
                        Tag::TableHead if !inline => out.push_str("<thead><tr>"),
                        Tag::TableRow if !inline => out.push_str("<tr>"),
                        Tag::TableCell if !inline => out.push_str("<td>"),
                        Tag::HtmlBlock if !inline => out.push_str("<p class=\"raw\">"),
                        _ => {}
                    }
                }
                Event::End(tag) => {
                    depth = depth.saturating_sub(1);
                    match tag {
                        TagEnd::Paragraph if inline => {}
                        TagEnd::Paragraph => out.push_str("</p>"),
                        TagEnd::Heading(level) => {
                            if inline {
                                out.push_str("</strong> ");
                            } else {
                                let _ = write!(out, "</h{}>", shifted(level));
                            }
                        }
                        TagEnd::BlockQuote(_) if !inline => out.push_str("</blockquote>"),
                        TagEnd::CodeBlock if !inline => out.push_str("</code></pre>"),
                        TagEnd::List(true) if !inline => out.push_str("</ol>"),
                        TagEnd::List(false) if !inline => out.push_str("</ul>"),
                        TagEnd::Item if !inline => out.push_str("</li>"),
                        TagEnd::Item => out.push(' '),
                        TagEnd::Emphasis => out.push_str("</em>"),
                        TagEnd::Strong => out.push_str("</strong>"),
                        TagEnd::Strikethrough => out.push_str("</del>"),
                        TagEnd::Link | TagEnd::Image => {
                            out.push_str(closers.pop().unwrap_or(""));
                        }
                        TagEnd::Table if !inline => out.push_str("</table>"),
                        TagEnd::TableHead if !inline => out.push_str("</tr></thead>"),
                        TagEnd::TableRow if !inline => out.push_str("</tr>"),
                        TagEnd::TableCell if !inline => out.push_str("</td>"),
                        TagEnd::HtmlBlock if !inline => out.push_str("</p>"),
                        _ => {}
                    }
                    if depth == 0 && !inline {
                        blocks.push(std::mem::take(&mut out));
                    }
                }
                Event::Text(s) => self.text(&mut out, &s),
                Event::Code(s) => {
                    out.push_str("<code>");
                    self.text(&mut out, &s);
                    out.push_str("</code>");
                }
                // Raw HTML is text here: shown, never interpreted.
                Event::Html(s) | Event::InlineHtml(s) => self.text(&mut out, &s),
                Event::InlineMath(s) | Event::DisplayMath(s) => self.text(&mut out, &s),
                Event::FootnoteReference(s) => self.text(&mut out, &s),
                Event::SoftBreak => out.push('\n'),
                Event::HardBreak => out.push_str(if inline { " " } else { "<br>\n" }),
                Event::Rule => {
                    if !inline {
                        out.push_str("<hr>");
                        if depth == 0 {
                            blocks.push(std::mem::take(&mut out));
                        }
                    }
                }
                Event::TaskListMarker(done) => out.push_str(if done { "☑ " } else { "☐ " }),
            }
        }
        if !out.is_empty() {
            blocks.push(out);
        }
        blocks
    }

    /// Text with marks: escaped, each mark character replaced by its HTML.
    fn text(&mut self, out: &mut String, s: &str) {
        let mut last = 0;
        for (i, c) in s.char_indices() {
            if let Some(m) = mark_index(c) {
                self.plain(out, &s[last..i]);
                self.mark(out, m);
                last = i + c.len_utf8();
            }
        }
        self.plain(out, &s[last..]);
    }

    fn plain(&mut self, out: &mut String, s: &str) {
        esc_into(out, s);
        if let Some(words) = self.words.as_deref_mut() {
            add_words(words, s);
        }
    }

    fn mark(&mut self, out: &mut String, m: usize) {
        let d = self.d;
        let model = &d.doc.model;
        let text = &d.doc.text;
        let Some((range, mark)) = d.marks.get(m) else {
            return;
        };
        match *mark {
            Mark::Mention(i) => {
                let x = &model.mentions[i];
                let shown = x
                    .display_range
                    .as_ref()
                    .map_or(x.target.as_str(), |r| text[r.clone()].trim());
                if let Some(words) = self.words.as_deref_mut() {
                    add_words(words, shown);
                }
                let id = if self.mode == Mode::Main {
                    format!(" id=\"m{i}\"")
                } else {
                    String::new()
                };
                match self.ws.registry.resolve(&x.target) {
                    Resolution::Unique(e) => {
                        let entity = &self.ws.registry.entities[e];
                        let class = kind_class(entity.kind);
                        let title = format!("{} ({})", entity.name, entity.summary());
                        match self.entity_href(e) {
                            Some(href) => {
                                let _ = write!(
                                    out,
                                    "<a class=\"mention {class}\"{id} href=\"{}\" title=\"{}\">",
                                    esc(&href),
                                    esc(&title)
                                );
                                esc_into(out, shown);
                                out.push_str("</a>");
                            }
                            None => {
                                let _ = write!(
                                    out,
                                    "<span class=\"mention {class}\"{id} title=\"{}\">",
                                    esc(&title)
                                );
                                esc_into(out, shown);
                                out.push_str("</span>");
                            }
                        }
                    }
                    other => {
                        let why = if matches!(other, Resolution::Ambiguous(_)) {
                            "ambiguous: several registry entries have this name"
                        } else {
                            "not in the registry"
                        };
                        let _ = write!(
                            out,
                            "<span class=\"mention unresolved\"{id} title=\"{}: {why}\">",
                            esc(&x.target)
                        );
                        esc_into(out, shown);
                        out.push_str("</span>");
                    }
                }
            }
            Mark::FootnoteRef(i) => {
                let label = model.footnote_refs[i].label.as_str();
                let Some(&n) = d.numbers.get(label) else {
                    out.push_str("<sup class=\"fnref missing\" title=\"no such note\">");
                    esc_into(out, &text[range.clone()]);
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
                let def = d.defs[label];
                let body = model.footnote_defs[def].body.clone();
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
                for b in inner.region(body, &[], true) {
                    out.push_str(&b);
                }
                out.push_str("</span></sup>");
            }
            Mark::Citation(i) => {
                let c = &model.citations[i];
                out.push_str("<span class=\"cite\">(");
                for (k, item) in c.items.iter().enumerate() {
                    if k > 0 {
                        out.push_str("; ");
                    }
                    self.cite_item(out, &item.key, item.locator.as_deref());
                }
                if c.items.is_empty() {
                    esc_into(out, &text[range.clone()]);
                }
                out.push_str(")</span>");
            }
            Mark::InsertionOpen => {
                out.push_str("<span class=\"editorial\" title=\"Editorial insertion\">[")
            }
            Mark::InsertionClose => out.push_str("]</span>"),
        }
    }

    fn cite_item(&self, out: &mut String, key: &str, locator: Option<&str>) {
        cite_item(out, self.ws, self.root, key, locator, self.site.is_some());
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
            let formatted = ws.bibliography.cite(entry, locator);
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

/// Takes up to four spaces (or one tab) off the start of every line after
/// the first.
fn dedent_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str(line);
            continue;
        }
        let rest = if let Some(r) = line.strip_prefix('\t') {
            r
        } else {
            let n = line.bytes().take(4).take_while(|&b| b == b' ').count();
            &line[n..]
        };
        out.push_str(rest);
    }
    out
}

fn shifted(level: HeadingLevel) -> usize {
    (level as usize + 1).min(6)
}

pub(crate) fn kind_class(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "person",
        Kind::Place => "place",
        Kind::Organization => "organization",
    }
}

/// Adds the lower-cased words of `s` (two characters or more) to `words`.
pub(crate) fn add_words(words: &mut Vec<String>, s: &str) {
    for w in s.split(|c: char| !c.is_alphanumeric()) {
        if w.chars().nth(1).is_some() && w.len() <= 40 {
            words.push(w.to_lowercase());
        }
    }
}

/// The whole text of a document (front matter and note definitions left
/// out), rendered.
fn body_blocks(r: &mut Renderer<'_, '_>) -> Blocks {
    let model = &r.d.doc.model;
    let mut holes: Vec<Range<usize>> = model
        .footnote_defs
        .iter()
        .map(|d| d.range.clone())
        .collect();
    if let Some(fm) = &model.front_matter {
        holes.push(fm.range.clone());
    }
    r.region(0..r.d.doc.text.len(), &holes, false)
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
        let def = &d.doc.model.footnote_defs[d.defs[label]];
        let _ = write!(out, "<li id=\"fn-{n}\">");
        for b in r.region(def.body.clone(), &[], true) {
            out.push_str(&b);
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
    let d = Doc::new(doc);
    let mut words = Vec::new();
    add_words(&mut words, &info.title);
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
            let od = Doc::new(odoc);
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
    words.sort();
    words.dedup();
    let mentions = mention_contexts(site.ws, doc);
    (
        page.finish(),
        DocOut {
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
    let d = Doc::new(doc);
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
    let mut out = String::with_capacity(doc.text.len() * 2 + super::pages::CSS.len());
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>",
    );
    esc_into(&mut out, &title);
    out.push_str("</title>\n<style>\n");
    out.push_str(super::pages::CSS);
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

    #[test]
    fn mark_characters_round_trip() {
        for i in [0, 1, 0xFFFD, 0xFFFE, 0xFFFF, 2 * 0xFFFE - 1] {
            assert_eq!(mark_index(mark_char(i).unwrap()), Some(i), "{i}");
        }
        assert_eq!(mark_char(2 * 0xFFFE), None);
        assert_eq!(mark_index('a'), None);
    }

    #[test]
    fn dedent_takes_four_spaces_or_a_tab() {
        assert_eq!(dedent_lines("a\n      b\n\tc\n  d"), "a\n  b\nc\nd");
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
        assert!(body.contains("href=\"https://example.net/\""), "{body}");
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
            body.contains("<span class=\"editorial\" title=\"Editorial insertion\">[sic]</span>"),
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
