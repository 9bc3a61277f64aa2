//! TEI P5: a document as a TEI file, the registry and bibliography as
//! `register.xml`. Written while walking (`walk.rs`), with quick-xml's
//! streaming writer: no tree of the document or the archive is built.
//! docs/export.md describes the mapping element by element; `import::tei`
//! reads it back (byte for byte for our own files).
//!
//! What makes the round trip exact:
//! - the front matter is kept verbatim in `xenoData` (with the BOM, if any),
//!   beside the `teiHeader` fields made from it;
//! - text, white space and line endings are written as they are (`\r` as
//!   `&#13;`), between blocks too;
//! - markup that an element stands for is implied by the element when it
//!   has its usual spelling (`[[`, `]]`, `# `), recorded in an attribute
//!   when it has one of two (`hi rend="italic underscore"` for `_x_`,
//!   `item n="1. "`, `persName key="mao-zedong"` for the target written
//!   before `|`), and otherwise kept in place as `<pc type="scholia-markup">`;
//! - a footnote is written at its first reference (`note place="foot"`),
//!   and an `anchor` marks where its definition stood.

use std::collections::HashMap;
use std::io::{self, Write};

use super::ids::{key_xml_id, xml_id};
use super::walk::{Container, Event, EventKind, Insertion, Target, Walk, walk};
use super::xml::Xml;
use crate::base::Diagnostic;
use crate::syntax::Model;
use crate::syntax::cite::Place;
use crate::workspace::Workspace;
use crate::workspace::registry::{Entity, Kind};

/// The namespace of scholia's own record in `xenoData`.
pub const SCHOLIA_NS: &str = "https://scholia.invalid/ns/tei-export";
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

/// What a document's export needs to know besides its text.
pub struct DocInfo<'a> {
    /// The document's path relative to the workspace root, with `/`.
    pub rel_path: &'a str,
}

/// How the register is reached from a document at `rel_path`.
fn register_href(rel_path: &str) -> String {
    let depth = rel_path.matches('/').count();
    format!("{}register.xml", "../".repeat(depth))
}

/// The TEI file of one document; returns its syntax problems (kept in the
/// TEI as comments, reported by the caller).
pub fn document<W: Write>(
    out: W,
    info: &DocInfo,
    text: &str,
    model: &Model,
    ws: &Workspace,
) -> io::Result<Vec<Diagnostic>> {
    let w = walk(text, model, ws);
    let mut t = DocWriter {
        x: Xml::new(out),
        walk: &w,
        ws,
        register: register_href(info.rel_path),
        home: note_homes(&w, model),
        emitted: vec![false; model.footnote_defs.len()],
        divs: Vec::new(),
        blocks: 0,
        problems: Vec::new(),
    };
    t.x.decl()?;
    let lang = model
        .front_matter
        .as_ref()
        .and_then(|fm| fm.language.as_ref())
        .map(|l| l.value.as_str())
        .filter(|l| is_language_tag(l));
    let mut attrs = vec![("xmlns", TEI_NS)];
    if let Some(l) = lang {
        attrs.push(("xml:lang", l));
    }
    t.x.start("TEI", &attrs)?;
    t.x.raw("\n")?;
    t.header(info, text, model)?;
    t.x.raw("\n")?;
    t.x.start("text", &[])?;
    t.x.start("body", &[])?;
    t.events(&w.events, 0, 0)?;
    while t.divs.pop().is_some() {
        t.x.end("div")?;
    }
    if t.blocks == 0 {
        t.x.empty("p", &[])?;
    }
    t.x.end("body")?;
    t.x.end("text")?;
    t.x.raw("\n")?;
    t.x.end("TEI")?;
    t.x.raw("\n")?;
    Ok(t.problems)
}

/// BCP 47-looking (what `xml:lang` accepts).
fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// An ISO date (`1952`, `1952-09`, `1952-09-14`) TEI's `@when` accepts.
fn iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse().unwrap_or(0)),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && (1..=12).contains(&m.parse().unwrap_or(0))
                && (1..=28).contains(&d.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

/// For each footnote definition (index in the model), the index in
/// `walk.events` of the reference where its note is written, or `None`
/// when it is written where it is defined (no usable reference; a
/// duplicate label; references only inside notes that are never reached).
fn note_homes(w: &Walk, model: &Model) -> Vec<Option<usize>> {
    let n = model.footnote_defs.len();
    let mut first_def: HashMap<&str, usize> = HashMap::new();
    for (i, d) in model.footnote_defs.iter().enumerate() {
        first_def.entry(d.label.as_str()).or_insert(i);
    }
    // Which definition each event lies in.
    let mut inside: Vec<Option<usize>> = vec![None; w.events.len()];
    let mut current = None;
    let mut k = 0;
    for (i, e) in w.events.iter().enumerate() {
        match e.kind {
            EventKind::Start(Container::FootnoteDef { .. }) => current = Some(k),
            EventKind::End(Container::FootnoteDef { .. }) => {
                current = None;
                k += 1;
            }
            _ => {}
        }
        inside[i] = current;
    }
    let mut home: Vec<Option<usize>> = vec![None; n];
    for (i, e) in w.events.iter().enumerate() {
        if let EventKind::FootnoteRef { label, .. } = e.kind
            && let Some(&d) = first_def.get(label)
            && home[d].is_none()
            && inside[i] != Some(d)
        {
            home[d] = Some(i);
        }
    }
    // Keep only homes reached from the body, at most 32 notes deep.
    let mut reached: Vec<Option<usize>> = vec![None; n];
    for _ in 0..n.min(32) {
        let mut changed = false;
        for d in 0..n {
            if reached[d].is_some() {
                continue;
            }
            if let Some(i) = home[d] {
                let depth = match inside[i] {
                    None => Some(0),
                    Some(p) => reached[p].map(|x| x + 1),
                };
                if let Some(depth) = depth.filter(|&x| x < 32) {
                    reached[d] = Some(depth);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    (0..n)
        .map(|d| home[d].filter(|_| reached[d].is_some()))
        .collect()
}

struct DocWriter<'w, 'a, W: Write> {
    x: Xml<W>,
    walk: &'w Walk<'a>,
    ws: &'a Workspace,
    register: String,
    home: Vec<Option<usize>>,
    emitted: Vec<bool>,
    /// Heading levels of the open `div`s.
    divs: Vec<u8>,
    /// Block elements written in the body.
    blocks: usize,
    problems: Vec<Diagnostic>,
}

fn element_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "persName",
        Kind::Place => "placeName",
        Kind::Organization => "orgName",
    }
}

impl<'w, 'a, W: Write> DocWriter<'w, 'a, W> {
    fn header(&mut self, info: &DocInfo, text: &str, model: &Model) -> io::Result<()> {
        let fm = model.front_matter.as_ref();
        let field = |f: fn(
            &crate::syntax::front_matter::FrontMatter,
        ) -> &Option<crate::syntax::front_matter::Field>| {
            fm.and_then(|fm| f(fm).as_ref()).map(|f| f.value.clone())
        };
        let title = field(|f| &f.title);
        let date = field(|f| &f.date);
        let summary = field(|f| &f.summary);
        let language = field(|f| &f.language);
        let record = field(|f| &f.record);
        let source = field(|f| &f.source);
        let translation_of = field(|f| &f.translation_of);
        let x = &mut self.x;
        x.start("teiHeader", &[])?;
        x.start("fileDesc", &[])?;
        x.start("titleStmt", &[])?;
        x.element("title", &[], title.as_deref().unwrap_or(info.rel_path))?;
        for t in fm.map(|f| f.translators.as_slice()).unwrap_or(&[]) {
            x.start("respStmt", &[])?;
            x.element("resp", &[], "translated by")?;
            x.element("name", &[], &t.value)?;
            x.end("respStmt")?;
        }
        x.end("titleStmt")?;
        x.start("publicationStmt", &[])?;
        x.element(
            "p",
            &[],
            &format!("Exported by scholia from {}.", info.rel_path),
        )?;
        x.end("publicationStmt")?;
        x.start("sourceDesc", &[])?;
        x.start("bibl", &[])?;
        let source_cites: Vec<_> = model
            .citations
            .iter()
            .filter(|c| c.place == Place::FrontMatter)
            .collect();
        if !source_cites.is_empty() {
            for c in source_cites {
                for item in &c.items {
                    let target = if self.ws.bibliography.get(&item.key).is_some() {
                        format!("{}#{}", self.register, bibl_id(self.ws, &item.key))
                    } else {
                        format!("#{}", xml_id(&item.key))
                    };
                    self.x.empty("ptr", &[("target", &target)])?;
                    if let Some(l) = &item.locator {
                        self.x.element("citedRange", &[], l)?;
                    }
                }
            }
        } else if let Some(s) = &source {
            self.x.text(s)?;
        } else {
            self.x.text("No source given.")?;
        }
        let x = &mut self.x;
        if let Some(r) = &record {
            x.element("idno", &[("type", "record")], r)?;
        }
        if let Some(t) = &translation_of {
            let target = match t.strip_suffix(".scholia") {
                Some(stem) => format!("{stem}.xml"),
                None => t.clone(),
            };
            x.empty(
                "relatedItem",
                &[("type", "translationOf"), ("target", &target)],
            )?;
        }
        x.end("bibl")?;
        x.end("sourceDesc")?;
        x.end("fileDesc")?;
        x.start("encodingDesc", &[])?;
        x.start("appInfo", &[])?;
        x.start(
            "application",
            &[("ident", "scholia"), ("version", env!("CARGO_PKG_VERSION"))],
        )?;
        x.element("label", &[], "scholia")?;
        x.end("application")?;
        x.end("appInfo")?;
        x.start("editorialDecl", &[])?;
        x.element(
            "p",
            &[],
            "Square brackets in the edition are the editor's: words the editor \
             supplies are supplied; [?] (the reading is uncertain) and [sic] (so \
             in the original) are inline editorial notes (note type=\"editorial\" \
             place=\"inline\"); [...] is an omission (gap reason=\"omitted\"). \
             Mentions of people, places and organizations point into register.xml; \
             unknown or ambiguous ones are rs with a type saying why.",
        )?;
        x.end("editorialDecl")?;
        x.end("encodingDesc")?;
        if summary.is_some() || language.is_some() || date.is_some() {
            x.start("profileDesc", &[])?;
            if let Some(s) = &summary {
                x.start("abstract", &[])?;
                x.element("p", &[], s)?;
                x.end("abstract")?;
            }
            if let Some(d) = &date {
                x.start("creation", &[])?;
                if iso_date(d) {
                    x.element("date", &[("when", d)], d)?;
                } else {
                    x.element("date", &[], d)?;
                }
                x.end("creation")?;
            }
            if let Some(l) = &language {
                x.start("langUsage", &[])?;
                if is_language_tag(l) {
                    x.element("language", &[("ident", l)], l)?;
                } else {
                    x.element("language", &[("ident", "und")], l)?;
                }
                x.end("langUsage")?;
            }
            x.end("profileDesc")?;
        }
        // The document's own record: BOM and front matter as written.
        let bom = crate::text::bom_len(text) > 0;
        x.start("xenoData", &[])?;
        let mut attrs = vec![("xmlns", SCHOLIA_NS)];
        if bom {
            attrs.push(("bom", "true"));
        }
        match fm {
            Some(fm) => {
                x.start("document", &attrs)?;
                x.start("frontMatter", &[])?;
                x.text(&text[fm.range.clone()])?;
                x.end("frontMatter")?;
                x.end("document")?;
            }
            None => x.empty("document", &attrs)?,
        }
        x.end("xenoData")?;
        x.end("teiHeader")
    }

    fn block_open(&mut self) {
        if self.divs.is_empty() {
            self.blocks += 1;
        }
    }

    /// Writes `events` (of the whole document, or of a note's body), which
    /// start at `offset` in the walk's events.
    fn events(&mut self, events: &'w [Event<'a>], offset: usize, depth: usize) -> io::Result<()> {
        let mut stack: Vec<&'static str> = Vec::new();
        let mut containers: Vec<&Container> = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let e = &events[i];
            let src = &self.walk.text[e.range.clone()];
            match &e.kind {
                EventKind::Bom | EventKind::FrontMatter(_) => {}
                EventKind::Start(Container::FootnoteDef { .. }) => {
                    // Its events up to the matching end.
                    let end = events[i..]
                        .iter()
                        .position(|x| {
                            matches!(x.kind, EventKind::End(Container::FootnoteDef { .. }))
                        })
                        .map_or(events.len(), |p| i + p);
                    let d = self.def_index(offset + i);
                    match d.and_then(|d| self.home[d].map(|h| (d, h))) {
                        Some((d, _)) => {
                            let id = format!("note-{}", d);
                            self.x.empty(
                                "anchor",
                                &[("type", "scholia-note"), ("corresp", &format!("#{id}"))],
                            )?;
                        }
                        None => {
                            self.block_open();
                            self.note(offset + i..offset + end + 1, d, true, depth)?;
                        }
                    }
                    i = end + 1;
                    continue;
                }
                EventKind::Start(c) => {
                    containers.push(c);
                    let name = self.open(c, &events[i + 1..])?;
                    stack.push(name);
                }
                EventKind::End(c) => {
                    containers.pop();
                    if let Some(name) = stack.pop() {
                        if name == "gap" {
                            self.x.end("desc")?;
                        }
                        if !name.is_empty() {
                            self.x.end(name)?;
                        }
                    }
                    if let Container::Heading { .. } = c {
                        // `div` stays open for what follows.
                    }
                }
                EventKind::Text | EventKind::LineBreak => {
                    if containers.is_empty()
                        && !src.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
                    {
                        self.block_open();
                        self.x.element("ab", &[("type", "scholia-space")], src)?;
                    } else {
                        self.x.text(src)?;
                    }
                }
                EventKind::Markup => {
                    let canonical = match containers.last() {
                        Some(Container::Heading { level }) => {
                            src.len() == *level as usize + 1
                                && src.ends_with(' ')
                                && src.trim_end().bytes().all(|b| b == b'#')
                        }
                        Some(Container::BlockQuote) | Some(Container::Paragraph) | None => false,
                        Some(Container::Link { url }) => {
                            src == "["
                                || src.strip_prefix("](").and_then(|s| s.strip_suffix(')'))
                                    == Some(*url)
                        }
                        Some(_) => true,
                    };
                    if !canonical {
                        self.x.element("pc", &[("type", "scholia-markup")], src)?;
                    }
                }
                EventKind::Escape(c) => {
                    self.x
                        .element("pc", &[("type", "escape")], &c.to_string())?;
                }
                EventKind::MentionTarget => {}
                EventKind::CiteKey { key, known } => {
                    let target = if *known {
                        format!("{}#{}", self.register, bibl_id(self.ws, key))
                    } else {
                        format!("#{}", xml_id(key))
                    };
                    let mut attrs = vec![("target", target.as_str())];
                    if !known {
                        attrs.push(("type", "unknown"));
                    }
                    self.x.empty("ptr", &attrs)?;
                }
                EventKind::Locator => self.x.element("citedRange", &[], src)?,
                EventKind::FootnoteRef { label, .. } => {
                    let def = self.walk.definition_index(label);
                    let global = offset + i;
                    match def {
                        Some(d) if self.home[d] == Some(global) && !self.emitted[d] => {
                            let span = self.walk.definition_span(d);
                            self.note(span, Some(d), false, depth)?;
                        }
                        Some(d) => {
                            self.x.empty(
                                "ptr",
                                &[
                                    ("type", "noteref"),
                                    ("n", label),
                                    ("target", &format!("#note-{d}")),
                                ],
                            )?;
                        }
                        None => {
                            self.x.empty("ptr", &[("type", "noteref"), ("n", label)])?;
                        }
                    }
                }
                EventKind::Problem(d) => {
                    self.problems.push((*d).clone());
                    self.x
                        .comment(&format!("scholia {}: {}", d.code.as_str(), d.message))?;
                }
            }
            i += 1;
        }
        Ok(())
    }

    /// The model index of the definition whose `Start` is event `i`.
    fn def_index(&self, i: usize) -> Option<usize> {
        (0..self.home.len()).find(|&d| self.walk.definition_span(d).start == i)
    }

    /// A note: the events `span` of a definition, from its `Start` to its
    /// `End`.
    fn note(
        &mut self,
        span: std::ops::Range<usize>,
        d: Option<usize>,
        at_definition: bool,
        depth: usize,
    ) -> io::Result<()> {
        let walk = self.walk;
        let events = &walk.events[span.clone()];
        let label = match events.first().map(|e| &e.kind) {
            Some(EventKind::Start(Container::FootnoteDef { label, .. })) => *label,
            _ => "",
        };
        if let Some(slot) = d.and_then(|d| self.emitted.get_mut(d)) {
            *slot = true;
        }
        let id = d.map(|d| format!("note-{d}"));
        let mut attrs = vec![("place", "foot"), ("n", label)];
        if let Some(id) = &id {
            attrs.push(("xml:id", id));
        }
        if at_definition {
            attrs.push(("type", "definition"));
        }
        self.x.start("note", &attrs)?;
        // Without the Start, the marker and the End.
        if events.len() >= 3 {
            self.events(&events[2..events.len() - 1], span.start + 2, depth + 1)?;
        }
        self.x.end("note")
    }

    /// Opens the element for `c`; returns its name ("" for none).
    fn open(&mut self, c: &Container, rest: &[Event]) -> io::Result<&'static str> {
        let name = match c {
            Container::Heading { level } => {
                while self.divs.last().is_some_and(|l| l >= level) {
                    self.divs.pop();
                    self.x.end("div")?;
                }
                if self.divs.is_empty() {
                    self.blocks += 1;
                }
                self.divs.push(*level);
                self.x.start("div", &[])?;
                self.x.start("head", &[("n", &level.to_string())])?;
                "head"
            }
            Container::Paragraph => {
                self.block_open();
                self.x.start("p", &[])?;
                "p"
            }
            Container::FootnoteDef { .. } => "",
            Container::List { start } => {
                let rend = if start.is_some() {
                    "numbered"
                } else {
                    "bulleted"
                };
                self.x.start("list", &[("rend", rend)])?;
                "list"
            }
            Container::Item => {
                let marker = match rest.first() {
                    Some(e) if e.kind == EventKind::Markup => &self.walk.text[e.range.clone()],
                    _ => "",
                };
                self.x.start("item", &[("n", marker)])?;
                "item"
            }
            Container::BlockQuote => {
                self.x.start("quote", &[])?;
                "quote"
            }
            Container::Emphasis { marker } => {
                let rend = if *marker == '_' {
                    "italic underscore"
                } else {
                    "italic"
                };
                self.x.start("hi", &[("rend", rend)])?;
                "hi"
            }
            Container::Strong { marker } => {
                let rend = if *marker == '_' {
                    "bold underscore"
                } else {
                    "bold"
                };
                self.x.start("hi", &[("rend", rend)])?;
                "hi"
            }
            Container::Link { url } => {
                self.x.start("ref", &[("target", url)])?;
                "ref"
            }
            Container::Mention { resolution, .. } => {
                // The target as written before `|`, if any.
                let mut key = None;
                for e in rest {
                    match e.kind {
                        EventKind::MentionTarget => {
                            key = Some(&self.walk.text[e.range.clone()]);
                            break;
                        }
                        EventKind::End(Container::Mention { .. }) => break,
                        _ => {}
                    }
                }
                let (name, ref_, type_) = match resolution {
                    Target::Entity { id, kind } => (
                        element_of(*kind),
                        Some(format!("{}#{}", self.register, xml_id(id))),
                        None,
                    ),
                    Target::Ambiguous(ids) => (
                        "rs",
                        Some(
                            ids.iter()
                                .map(|id| format!("{}#{}", self.register, xml_id(id)))
                                .collect::<Vec<_>>()
                                .join(" "),
                        ),
                        Some("ambiguous"),
                    ),
                    Target::Unknown => ("rs", None, Some("unknown")),
                };
                let mut attrs: Vec<(&str, &str)> = Vec::new();
                if let Some(t) = type_ {
                    attrs.push(("type", t));
                }
                if let Some(r) = &ref_ {
                    attrs.push(("ref", r));
                }
                if let Some(k) = key {
                    attrs.push(("key", k));
                }
                self.x.start(name, &attrs)?;
                name
            }
            Container::Citation => {
                self.x.start("bibl", &[])?;
                "bibl"
            }
            Container::Insertion { kind } => match kind {
                Insertion::Supplied => {
                    self.x.start("supplied", &[("reason", "editorial")])?;
                    "supplied"
                }
                Insertion::Uncertain | Insertion::Sic => {
                    let subtype = if *kind == Insertion::Sic {
                        "sic"
                    } else {
                        "uncertain"
                    };
                    self.x.start(
                        "note",
                        &[
                            ("type", "editorial"),
                            ("subtype", subtype),
                            ("place", "inline"),
                        ],
                    )?;
                    "note"
                }
                Insertion::Omission => {
                    self.x.start("gap", &[("reason", "omitted")])?;
                    self.x.start("desc", &[])?;
                    "gap"
                }
            },
        };
        Ok(name)
    }
}

/// The `xml:id` of a bibliography entry in `register.xml`: prefixed when a
/// registry entry has the same id (`ids::key_xml_id`).
fn bibl_id(ws: &Workspace, key: &str) -> String {
    key_xml_id(key, ws.registry.get(key).is_some())
}

/// The whole register: registry and bibliography.
pub fn register<W: Write>(out: W, ws: &Workspace) -> io::Result<()> {
    let mut x = Xml::new(out);
    x.decl()?;
    x.start("TEI", &[("xmlns", TEI_NS)])?;
    x.raw("\n")?;
    x.start("teiHeader", &[])?;
    x.start("fileDesc", &[])?;
    x.start("titleStmt", &[])?;
    x.element(
        "title",
        &[],
        "Register of people, places, organizations and sources",
    )?;
    x.end("titleStmt")?;
    x.start("publicationStmt", &[])?;
    x.element(
        "p",
        &[],
        "Exported by scholia from the workspace's registry and bibliography.",
    )?;
    x.end("publicationStmt")?;
    x.start("sourceDesc", &[])?;
    x.element(
        "p",
        &[],
        "The scholia registry (TOML) and bibliography (CSL-JSON, BibTeX).",
    )?;
    x.end("sourceDesc")?;
    x.end("fileDesc")?;
    x.start("encodingDesc", &[])?;
    x.start("appInfo", &[])?;
    x.start(
        "application",
        &[("ident", "scholia"), ("version", env!("CARGO_PKG_VERSION"))],
    )?;
    x.element("label", &[], "scholia")?;
    x.end("application")?;
    x.end("appInfo")?;
    x.end("encodingDesc")?;
    x.end("teiHeader")?;
    x.raw("\n")?;
    x.start("text", &[])?;
    x.start("body", &[])?;
    x.raw("\n")?;
    let entities = &ws.registry.entities;
    let mut wrote = false;
    for (kind, list) in [
        (Kind::Person, "listPerson"),
        (Kind::Place, "listPlace"),
        (Kind::Organization, "listOrg"),
    ] {
        let of_kind: Vec<&Entity> = entities.iter().filter(|e| e.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        wrote = true;
        x.start(list, &[])?;
        x.raw("\n")?;
        for e in of_kind {
            entity(&mut x, e)?;
            x.raw("\n")?;
        }
        x.end(list)?;
        x.raw("\n")?;
    }
    if !ws.bibliography.entries.is_empty() {
        wrote = true;
        x.start("listBibl", &[])?;
        x.raw("\n")?;
        for b in &ws.bibliography.entries {
            bibl(&mut x, ws, b)?;
            x.raw("\n")?;
        }
        x.end("listBibl")?;
        x.raw("\n")?;
    }
    if !wrote {
        x.element(
            "p",
            &[],
            "The workspace has no registry entry and no source.",
        )?;
    }
    x.end("body")?;
    x.end("text")?;
    x.raw("\n")?;
    x.end("TEI")?;
    x.raw("\n")
}

fn entity<W: Write>(x: &mut Xml<W>, e: &Entity) -> io::Result<()> {
    let (el, name_el) = match e.kind {
        Kind::Person => ("person", "persName"),
        Kind::Place => ("place", "placeName"),
        Kind::Organization => ("org", "orgName"),
    };
    let id = xml_id(&e.id);
    x.start(el, &[("xml:id", &id)])?;
    x.element(name_el, &[("type", "main")], &e.name)?;
    for a in &e.aliases {
        x.element(name_el, &[("type", "alias")], a)?;
    }
    for (system, spelling) in &e.variants {
        x.element(
            name_el,
            &[("type", "variant"), ("subtype", system)],
            spelling,
        )?;
    }
    if e.kind == Kind::Person {
        for (el, v) in [("birth", &e.born), ("death", &e.died)] {
            if let Some(v) = v {
                if iso_date(v) {
                    x.element(el, &[("when", v)], v)?;
                } else {
                    x.element(el, &[], v)?;
                }
            }
        }
    }
    if let (Kind::Place, Some((lat, lon))) = (e.kind, e.coordinates) {
        x.start("location", &[])?;
        x.element("geo", &[], &format!("{lat} {lon}"))?;
        x.end("location")?;
    }
    for (k, v) in &e.authority {
        x.element("idno", &[("type", k)], v)?;
    }
    if e.kind != Kind::Person {
        for (t, v) in [("born", &e.born), ("died", &e.died)] {
            if let Some(v) = v {
                x.element("note", &[("type", t)], v)?;
            }
        }
    }
    if let (false, Some((lat, lon))) = (e.kind == Kind::Place, e.coordinates) {
        x.element("note", &[("type", "coordinates")], &format!("{lat} {lon}"))?;
    }
    if let Some(r) = &e.region {
        x.element("note", &[("type", "region")], r)?;
    }
    if let Some(d) = &e.description {
        x.element("note", &[], d)?;
    }
    x.end(el)
}

fn bibl<W: Write>(
    x: &mut Xml<W>,
    ws: &Workspace,
    b: &crate::workspace::bibliography::BibEntry,
) -> io::Result<()> {
    let id = bibl_id(ws, &b.key);
    let kind: String = b
        .kind
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let mut attrs = vec![("xml:id", id.as_str())];
    if !kind.is_empty() {
        attrs.push(("type", &kind));
    }
    x.start("bibl", &attrs)?;
    if let Some(t) = &b.title {
        x.element("title", &[], t)?;
    }
    x.element("note", &[("type", "formatted")], &ws.cite(b, None))?;
    // The entry as written in its file, to be read back as it was.
    let source = ws
        .aux
        .get(&b.file)
        .and_then(|f| f.text.get(b.range.clone()))
        .map(str::to_string)
        .or_else(|| {
            std::fs::read_to_string(&b.file)
                .ok()
                .and_then(|t| t.get(b.range.clone()).map(str::to_string))
        });
    if let Some(src) = source {
        let format = if b.file.extension().is_some_and(|e| e == "bib") {
            "bibtex"
        } else {
            "csl-json"
        };
        x.element("note", &[("type", "source"), ("subtype", format)], &src)?;
    }
    x.end("bibl")
}
