//! TEI in: a TEI file becomes a `.scholia` document, and a register's
//! `listPerson`/`listPlace`/`listOrg` registry TOML and its `listBibl`
//! CSL-JSON (and BibTeX, for entries that were BibTeX). docs/export.md
//! describes the mapping.
//!
//! Two readings:
//! - **our own export** (its `xenoData` holds scholia's `document` record):
//!   every character is read back as written — the front matter from
//!   `xenoData`, text and white space verbatim, markup from the elements
//!   and their attributes — so the document comes back byte for byte;
//! - **TEI from elsewhere**: the header fields become front matter, blocks
//!   are separated by blank lines, white space is folded, brackets in the
//!   text are escaped. An element that scholia cannot represent keeps its
//!   text and is reported (line, column, element).
//!
//! The input is untrusted: it is read with quick-xml as a stream; a DOCTYPE
//! (and with it every entity definition, internal or external) is refused,
//! only the five predefined entities and character references are
//! resolved, and nesting deeper than `MAX_DEPTH` is refused. Nothing is
//! fetched, nothing read but the input.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::export::ids::{from_xml_id, key_from_xml_id};
use crate::export::tei::SCHOLIA_NS;

/// Deeper nesting is refused (no TEI needs it; the reader holds a frame
/// per open element).
pub const MAX_DEPTH: usize = 1_000;

/// Something the import reports: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What a TEI file gives.
#[derive(Debug, Default)]
pub struct Imported {
    /// The document, when the file has a `text` with a body.
    pub document: Option<String>,
    /// Registry TOML, when it has `listPerson`, `listPlace` or `listOrg`.
    pub registry: Option<String>,
    /// CSL-JSON, when its `listBibl` has entries.
    pub csl_json: Option<String>,
    /// BibTeX entries kept as written (our register's BibTeX sources).
    pub bibtex: Option<String>,
    pub findings: Vec<Finding>,
}

/// Whether `text` is a TEI file (by content: its root element is `TEI` or
/// `teiCorpus`, after an XML declaration, comments or a DOCTYPE).
pub fn is_tei(text: &str) -> bool {
    let s = text.trim_start_matches('\u{feff}').trim_start();
    if !s.starts_with('<') {
        return false;
    }
    let head = &s[..crate::text::floor_char_boundary(s, s.len().min(4096))];
    head.contains("<TEI") || head.contains("<teiCorpus") || head.contains(":TEI")
}

/// `line:column` (1-based) of byte `pos` in `text`.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = crate::text::floor_char_boundary(text, pos.min(text.len()));
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// An error that stops the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A piece of output: text, or the place of a footnote definition whose
/// body is known only later.
#[derive(Debug)]
enum Piece {
    Text(String),
    Def(String),
}

#[derive(Debug, Default)]
struct Frame {
    name: String,
    /// Written when the element ends.
    close: String,
    /// Our export: markup implied by the element, written before its first
    /// content unless that content is `pc type="scholia-markup"`.
    pending: Option<String>,
    /// The last thing inside was `pc type="scholia-markup"` (a `ref`'s
    /// close is then already written).
    last_markup: bool,
    /// The element's text is captured for the header or the register.
    capture: Option<Capture>,
    /// A footnote body is collected in a buffer of its own (`bufs`).
    note: Option<NoteFrame>,
    /// Foreign `bibl`: whether a `ptr` made it a citation.
    bibl: Option<BiblFrame>,
    skip_text: bool,
    block: bool,
}

#[derive(Debug)]
struct NoteFrame {
    id: Option<String>,
    label: String,
}

#[derive(Debug, Default)]
struct BiblFrame {
    items: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Title,
    Translator,
    Summary,
    Date,
    Language,
    Record,
    FrontMatter,
    SourceText,
    CitedRange,
    /// Register entry fields.
    Name,
    Birth,
    Death,
    Note,
    Geo,
    Idno,
    BiblTitle,
    BiblSource,
    BiblAuthor,
    BiblDate,
    BiblPublisher,
}

#[derive(Debug, Default)]
struct Header {
    title: Option<String>,
    translators: Vec<String>,
    summary: Option<String>,
    date: Option<String>,
    language: Option<String>,
    record: Option<String>,
    source: String,
    source_items: usize,
}

#[derive(Debug, Default, Clone)]
struct Entry {
    kind: &'static str,
    id: String,
    name: Option<String>,
    aliases: Vec<String>,
    variants: Vec<(String, String)>,
    born: Option<String>,
    died: Option<String>,
    region: Option<String>,
    description: Option<String>,
    coordinates: Option<(f64, f64)>,
    authority: Vec<(String, String)>,
}

#[derive(Debug, Default, Clone)]
struct BiblEntry {
    key: String,
    kind: Option<String>,
    title: Option<String>,
    source: Option<(String, String)>,
    authors: Vec<String>,
    date: Option<String>,
    publisher: Option<String>,
}

struct Importer<'t> {
    text: &'t str,
    ours: bool,
    bom: bool,
    front_matter: Option<String>,
    header: Header,
    bufs: Vec<Vec<Piece>>,
    frames: Vec<Frame>,
    /// Footnote bodies by note id (our export: placed at their anchors).
    notes: HashMap<String, (String, String)>,
    /// Foreign notes: label and body, appended at the end.
    foreign_notes: Vec<(String, String)>,
    labels_used: std::collections::HashSet<String>,
    next_label: usize,
    in_header: bool,
    in_body: bool,
    has_body: bool,
    /// Foreign: the body has text of its own (not only a register).
    body_text: bool,
    divs: usize,
    /// Foreign text: the last character written was white space (folding).
    space: bool,
    entries: Vec<Entry>,
    entry: Option<Entry>,
    bibls: Vec<BiblEntry>,
    bibl: Option<BiblEntry>,
    captured: String,
    /// (attribute `type`, `subtype`) of the element being captured.
    capture_attrs: (String, String),
    findings: Vec<Finding>,
    reported: std::collections::HashSet<String>,
    pos: usize,
}

fn attrs(e: &BytesStart) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("malformed attribute: {err}"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|err| format!("attribute `{key}`: {err}"))?
            .into_owned();
        out.push((key, value));
    }
    Ok(out)
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rfind(':') {
        Some(i) => s[i + 1..].to_string(),
        None => s.into_owned(),
    }
}

/// The id a pointer names: its fragment, mapped back from an `xml:id`.
fn id_of_pointer(target: &str) -> String {
    let frag = target.rsplit('#').next().unwrap_or(target);
    from_xml_id(frag).unwrap_or_else(|| frag.to_string())
}

/// The citation key a pointer names (`ids::key_xml_id`'s either form).
fn key_of_pointer(target: &str) -> String {
    let frag = target.rsplit('#').next().unwrap_or(target);
    key_from_xml_id(frag).unwrap_or_else(|| frag.to_string())
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Reads `text` (a TEI file).
pub fn import(text: &str) -> Result<Imported, ImportError> {
    let mut im = Importer {
        text,
        ours: false,
        bom: false,
        front_matter: None,
        header: Header::default(),
        bufs: vec![Vec::new()],
        frames: Vec::new(),
        notes: HashMap::new(),
        foreign_notes: Vec::new(),
        labels_used: Default::default(),
        next_label: 1,
        in_header: false,
        in_body: false,
        has_body: false,
        body_text: false,
        divs: 0,
        space: true,
        entries: Vec::new(),
        entry: None,
        bibls: Vec::new(),
        bibl: None,
        captured: String::new(),
        capture_attrs: Default::default(),
        findings: Vec::new(),
        reported: Default::default(),
        pos: 0,
    };
    im.run().map_err(|message| {
        let (line, column) = line_col(text, im.pos);
        ImportError {
            line,
            column,
            message,
        }
    })?;
    Ok(im.finish())
}

impl Importer<'_> {
    fn run(&mut self) -> Result<(), String> {
        let body = self.text.strip_prefix('\u{feff}').unwrap_or(self.text);
        let offset = self.text.len() - body.len();
        let mut reader = Reader::from_str(body);
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = true;
        config.check_end_names = true;
        let mut root_seen = false;
        loop {
            self.pos = offset + reader.buffer_position() as usize;
            let event = reader
                .read_event()
                .map_err(|e| format!("not well-formed XML: {e}"))?;
            match event {
                Event::Eof => break,
                Event::DocType(_) => {
                    return Err("a DOCTYPE is not read: TEI needs none, and its entities \
                                (internal or external, such as SYSTEM \"file:…\") are never \
                                expanded or fetched; remove the DOCTYPE"
                        .to_string());
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Start(e) | Event::Empty(e) => {
                    if self.frames.len() >= MAX_DEPTH {
                        return Err(format!("elements nested deeper than {MAX_DEPTH}: not read"));
                    }
                    let name = local(e.name().as_ref());
                    if !root_seen {
                        root_seen = true;
                        if name != "TEI" && name != "teiCorpus" {
                            return Err(format!("the root element is <{name}>, not <TEI>"));
                        }
                    }
                    let a = attrs(&e)?;
                    self.start(name, &a);
                }
                Event::End(_) => self.end(),
                Event::Text(t) => {
                    let s = t.xml_content().map_err(|e| format!("text: {e}"))?;
                    self.text_event(&s);
                }
                Event::CData(t) => {
                    let s = t.decode().map_err(|e| format!("CDATA: {e}"))?.into_owned();
                    self.text_event(&s);
                }
                Event::GeneralRef(r) => {
                    let s = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => c.to_string(),
                        None => {
                            let name = r.decode().map_err(|e| e.to_string())?;
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => s.to_string(),
                                None => {
                                    return Err(format!(
                                        "entity `&{name};` is not defined (only XML's five \
                                         and character references are read)"
                                    ));
                                }
                            }
                        }
                    };
                    self.text_event(&s);
                }
            }
        }
        if !root_seen {
            return Err("no <TEI> element".to_string());
        }
        Ok(())
    }

    fn report(&mut self, message: String) {
        let (line, column) = line_col(self.text, self.pos);
        self.findings.push(Finding {
            line,
            column,
            message,
        });
    }

    /// Reports an element scholia cannot represent, once per line.
    fn unrepresented(&mut self, name: &str) {
        let (line, _) = line_col(self.text, self.pos);
        if self.reported.insert(format!("{line}:{name}")) {
            self.report(format!(
                "<{name}> has no scholia equivalent: its text is kept, the element is not"
            ));
        }
    }

    fn buf(&mut self) -> &mut Vec<Piece> {
        if self.bufs.is_empty() {
            self.bufs.push(Vec::new());
        }
        self.bufs.last_mut().expect("one buffer at least")
    }

    /// Writes `s` as it is (markup or our text).
    fn write(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.flush_pending(false);
        if let Some(f) = self.frames.last_mut() {
            f.last_markup = false;
        }
        self.space = s.ends_with(char::is_whitespace);
        match self.buf().last_mut() {
            Some(Piece::Text(t)) => t.push_str(s),
            _ => {
                let s = s.to_string();
                self.buf().push(Piece::Text(s));
            }
        }
    }

    /// Writes the pending markup of open elements (innermost last), unless
    /// `markup_follows` (a `pc type="scholia-markup"` replaces it).
    fn flush_pending(&mut self, markup_follows: bool) {
        let Some(i) = self.frames.iter().rposition(|f| f.pending.is_some()) else {
            return;
        };
        let p = self.frames[i].pending.take().unwrap_or_default();
        if markup_follows && i + 1 == self.frames.len() {
            return;
        }
        self.write(&p);
    }

    /// Text from a foreign file: white space folded, brackets escaped.
    fn write_foreign(&mut self, s: &str) {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_whitespace() {
                if !self.space {
                    out.push(' ');
                    self.space = true;
                }
                continue;
            }
            self.space = false;
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                c => out.push(c),
            }
        }
        if !out.is_empty() {
            self.body_text |= !out.trim().is_empty();
            let space = self.space;
            self.write(&out);
            self.space = space;
        }
    }

    /// Foreign blocks: a blank line before the next (inside a note: a blank
    /// line and the indentation of a continued paragraph).
    fn block_break(&mut self) {
        let in_note = self.bufs.len() > 1;
        let buf = self.buf();
        let mut empty = true;
        if let Some(Piece::Text(t)) = buf.last_mut() {
            let trimmed = t.trim_end_matches([' ', '\t']).len();
            t.truncate(trimmed);
            empty = t.is_empty();
        } else if buf.last().is_some() {
            empty = false;
        }
        let any = buf.iter().any(|p| match p {
            Piece::Text(t) => !t.trim().is_empty(),
            Piece::Def(_) => true,
        });
        if !any {
            self.space = true;
            return;
        }
        let _ = empty;
        let ends = match self.buf().last() {
            Some(Piece::Text(t)) => t.ends_with("\n\n") || t.ends_with("\n\n    "),
            _ => false,
        };
        if !ends {
            let sep = if in_note { "\n\n    " } else { "\n\n" };
            self.write(sep);
        }
        self.space = true;
    }

    fn text_event(&mut self, s: &str) {
        if let Some(frame) = self.frames.last()
            && frame.skip_text
        {
            return;
        }
        if self.frames.iter().any(|f| f.capture.is_some()) {
            self.captured.push_str(s);
            return;
        }
        if !self.in_body {
            return;
        }
        if self.ours {
            self.write(s);
        } else {
            self.write_foreign(s);
        }
    }

    fn start(&mut self, name: String, a: &[(String, String)]) {
        // A character XML cannot hold, inside text being captured (the
        // front matter in xenoData, a header field): it is part of that text.
        if name == "g"
            && get(a, "type") == Some("char")
            && self.frames.iter().any(|f| f.capture.is_some())
            && let Some(c) = g_char(a)
        {
            self.captured.push(c);
        }
        let mut frame = Frame {
            name: name.clone(),
            ..Frame::default()
        };
        let parent = self
            .frames
            .last()
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let ty = get(a, "type").unwrap_or("");
        // Header, xenoData and the register.
        match name.as_str() {
            "teiHeader" => self.in_header = true,
            "document" if parent == "xenoData" && get(a, "xmlns") == Some(SCHOLIA_NS) => {
                self.ours = true;
                self.bom = get(a, "bom") == Some("true");
            }
            "frontMatter" if parent == "document" && self.ours => {
                frame.capture = Some(Capture::FrontMatter)
            }
            "body" if !self.in_header => {
                self.in_body = true;
                self.has_body = true;
            }
            "person" | "place" | "org" if !self.in_body || self.entry.is_none() => {
                let kind = match name.as_str() {
                    "person" => "person",
                    "place" => "place",
                    _ => "organization",
                };
                let id = get(a, "xml:id")
                    .map(|id| from_xml_id(id).unwrap_or_else(|| id.to_string()))
                    .unwrap_or_default();
                self.entry = Some(Entry {
                    kind,
                    id,
                    ..Entry::default()
                });
            }
            _ => {}
        }
        if self.entry.is_some() {
            let cap = match name.as_str() {
                "persName" | "placeName" | "orgName" => Some(Capture::Name),
                "birth" => Some(Capture::Birth),
                "death" => Some(Capture::Death),
                "note" => Some(Capture::Note),
                "geo" => Some(Capture::Geo),
                "idno" => Some(Capture::Idno),
                _ => None,
            };
            if let Some(c) = cap
                && !self.frames.iter().any(|f| f.capture.is_some())
            {
                frame.capture = Some(c);
                self.captured.clear();
                self.capture_attrs = (ty.to_string(), get(a, "subtype").unwrap_or("").to_string());
                if let ("birth" | "death", Some(when)) = (name.as_str(), get(a, "when")) {
                    self.capture_attrs.1 = when.to_string();
                }
            }
            self.frames.push(frame);
            return;
        }
        if parent == "listBibl" && (name == "bibl" || name == "biblStruct") {
            let key = get(a, "xml:id")
                .map(|id| key_from_xml_id(id).unwrap_or_else(|| id.to_string()))
                .unwrap_or_default();
            self.bibl = Some(BiblEntry {
                key,
                kind: get(a, "type").map(str::to_string),
                ..BiblEntry::default()
            });
            self.frames.push(frame);
            return;
        }
        if self.bibl.is_some() {
            let cap = match name.as_str() {
                "title" => Some(Capture::BiblTitle),
                "note" if ty == "source" => Some(Capture::BiblSource),
                "author" | "editor" => Some(Capture::BiblAuthor),
                "date" => Some(Capture::BiblDate),
                "publisher" => Some(Capture::BiblPublisher),
                _ => None,
            };
            if let Some(c) = cap
                && !self.frames.iter().any(|f| f.capture.is_some())
            {
                frame.capture = Some(c);
                self.captured.clear();
                self.capture_attrs = (ty.to_string(), get(a, "subtype").unwrap_or("").to_string());
            }
            self.frames.push(frame);
            return;
        }
        if self.in_header {
            let in_source = self.frames.iter().any(|f| f.name == "sourceDesc");
            let cap = match name.as_str() {
                "title" if parent == "titleStmt" && self.header.title.is_none() => {
                    Some(Capture::Title)
                }
                "name" | "persName" if parent == "respStmt" => Some(Capture::Translator),
                "p" if parent == "abstract" => Some(Capture::Summary),
                "date" if self.frames.iter().any(|f| f.name == "creation") => {
                    match get(a, "when") {
                        Some(when) if self.header.date.is_none() => {
                            self.header.date = Some(when.to_string());
                            None
                        }
                        _ => Some(Capture::Date),
                    }
                }
                "language" => {
                    if let Some(id) = get(a, "ident").filter(|i| *i != "und") {
                        self.header.language.get_or_insert(id.to_string());
                    } else {
                        frame.capture = Some(Capture::Language);
                    }
                    None
                }
                "idno" if ty == "record" => Some(Capture::Record),
                "ptr" if in_source => {
                    if let Some(t) = get(a, "target") {
                        let sep = if self.header.source_items > 0 {
                            "; "
                        } else {
                            ""
                        };
                        self.header
                            .source
                            .push_str(&format!("{sep}@{}", key_of_pointer(t)));
                        self.header.source_items += 1;
                    }
                    None
                }
                "citedRange" if in_source => Some(Capture::CitedRange),
                "bibl" if parent == "sourceDesc" => Some(Capture::SourceText),
                _ => None,
            };
            if let Some(c) = cap {
                frame.capture = Some(c);
                if c != Capture::SourceText {
                    self.captured.clear();
                }
            }
            if name == "ptr" || name == "citedRange" || name == "idno" || name == "relatedItem" {
                // Their text is not the source's prose.
                if let Some(f) = self
                    .frames
                    .iter_mut()
                    .rev()
                    .find(|f| f.capture == Some(Capture::SourceText))
                {
                    let _ = f;
                }
            }
            self.frames.push(frame);
            return;
        }
        if !self.in_body {
            self.frames.push(frame);
            return;
        }
        if self.ours {
            self.start_ours(&name, a, &mut frame, &parent);
        } else {
            self.start_foreign(&name, a, &mut frame, &parent);
        }
        self.frames.push(frame);
    }

    fn start_ours(&mut self, name: &str, a: &[(String, String)], frame: &mut Frame, parent: &str) {
        let ty = get(a, "type").unwrap_or("");
        let markup = name == "pc" && ty == "scholia-markup";
        // Content of the parent begins: its pending markup.
        self.flush_pending(markup);
        if let Some(f) = self.frames.last_mut() {
            f.last_markup = markup;
        }
        match name {
            "body" | "div" | "p" | "ab" | "list" | "quote" | "desc" => {
                if name == "div" {
                    self.divs += 1;
                }
            }
            "head" => {
                let level = get(a, "n")
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(self.divs)
                    .clamp(1, 6);
                frame.pending = Some(format!("{} ", "#".repeat(level)));
            }
            "item" => {
                let n = get(a, "n").unwrap_or("").to_string();
                self.write(&n);
            }
            "hi" => {
                let rend = get(a, "rend").unwrap_or("");
                let under = rend.split_whitespace().any(|t| t == "underscore");
                let c = if under { "_" } else { "*" };
                let m = if rend.split_whitespace().any(|t| t == "bold") {
                    c.repeat(2)
                } else {
                    c.to_string()
                };
                self.write(&m);
                frame.close = m;
            }
            "persName" | "placeName" | "orgName" | "rs" | "name" => {
                let mut open = "[[".to_string();
                if let Some(k) = get(a, "key") {
                    open.push_str(k);
                    open.push('|');
                }
                self.write(&open);
                frame.close = "]]".into();
            }
            "supplied" | "gap" => {
                self.write("[");
                frame.close = "]".into();
            }
            "note" if get(a, "place") == Some("inline") => {
                self.write("[");
                frame.close = "]".into();
            }
            "note" => {
                let label = get(a, "n").unwrap_or("").to_string();
                if ty == "definition" {
                    self.write(&format!("[^{label}]:"));
                } else {
                    self.write(&format!("[^{label}]"));
                    frame.note = Some(NoteFrame {
                        id: get(a, "xml:id").map(str::to_string),
                        label,
                    });
                    self.bufs.push(Vec::new());
                }
            }
            "anchor" if ty == "scholia-note" => {
                let id = get(a, "corresp")
                    .unwrap_or("")
                    .trim_start_matches('#')
                    .to_string();
                self.buf().push(Piece::Def(id));
            }
            "bibl" => {
                self.write("[");
                frame.close = "]".into();
            }
            "ptr" if ty == "noteref" => {
                let n = get(a, "n").unwrap_or("");
                self.write(&format!("[^{n}]"));
            }
            "ptr" if parent == "bibl" => {
                let key = key_of_pointer(get(a, "target").unwrap_or(""));
                self.write(&format!("@{key}"));
            }
            "citedRange" => {}
            "pc" if ty == "scholia-markup" => {}
            "pc" if ty == "escape" => self.write("\\"),
            "g" if ty == "char" => match g_char(a) {
                Some(c) => self.write(&c.to_string()),
                None => self.unrepresented("g"),
            },
            "ref" => {
                self.write("[");
                frame.close = format!("]({})", get(a, "target").unwrap_or(""));
            }
            other => self.unrepresented(other),
        }
    }

    fn start_foreign(
        &mut self,
        name: &str,
        a: &[(String, String)],
        frame: &mut Frame,
        parent: &str,
    ) {
        let ty = get(a, "type").unwrap_or("");
        let rend = get(a, "rend").unwrap_or("");
        match name {
            "body" | "front" | "back" | "group" | "text" => {}
            "div" | "div1" | "div2" | "div3" | "div4" | "div5" | "div6" => {
                self.divs += 1;
                self.block_break();
            }
            "head" => {
                self.block_break();
                let in_note = self.bufs.len() > 1;
                if !in_note {
                    let level = self.divs.clamp(1, 6);
                    self.write(&format!("{} ", "#".repeat(level)));
                }
                frame.block = true;
            }
            "p" | "ab" | "lg" | "l" | "sp" | "speaker" | "opener" | "closer" | "dateline"
            | "salute" | "signed" | "postscript" | "trailer" | "byline" | "docImprint" => {
                self.block_break();
                frame.block = true;
                if !matches!(name, "p" | "ab") {
                    self.unrepresented(name);
                }
            }
            "list" => self.block_break(),
            "listPerson" | "listPlace" | "listOrg" | "listBibl" | "listRelation" => {}
            "item" => {
                if !self.buf().is_empty() {
                    let ends_nl =
                        matches!(self.buf().last(), Some(Piece::Text(t)) if t.ends_with('\n'));
                    if !ends_nl {
                        if let Some(Piece::Text(t)) = self.buf().last_mut() {
                            let n = t.trim_end().len();
                            t.truncate(n);
                        }
                        self.write("\n");
                    }
                }
                self.write("- ");
                self.space = true;
            }
            "quote" | "q" | "cit" => {
                if matches!(parent, "div" | "body" | "div1" | "div2" | "div3") {
                    self.block_break();
                    self.write("> ");
                    self.space = true;
                    frame.block = true;
                }
            }
            "hi" | "emph" | "foreign" | "title" | "term" | "mentioned" => {
                let m = if rend.contains("bold") {
                    "**"
                } else if rend.contains("italic") || name == "emph" {
                    "*"
                } else {
                    if name == "hi" {
                        self.unrepresented(name);
                    }
                    ""
                };
                if !m.is_empty() {
                    if !self.space
                        && matches!(self.buf().last(), Some(Piece::Text(t)) if t.ends_with(char::is_alphanumeric))
                    {
                        // Keep the emphasis a word of its own.
                    }
                    self.write(m);
                    self.space = false;
                    frame.close = m.to_string();
                }
            }
            "persName" | "placeName" | "orgName" | "rs" | "name" | "geogName" | "settlement"
            | "country" | "region" => {
                let target = get(a, "ref")
                    .and_then(|r| r.split_whitespace().next())
                    .map(id_of_pointer)
                    .or_else(|| get(a, "key").map(str::to_string));
                let mut open = "[[".to_string();
                if let Some(t) = target.filter(|t| !t.is_empty() && !t.contains(['|', ']', '['])) {
                    open.push_str(&t);
                    open.push('|');
                }
                self.write(&open);
                self.space = false;
                frame.close = "]]".into();
            }
            "supplied" | "add" => {
                self.write("[");
                self.space = false;
                frame.close = "]".into();
            }
            "gap" => {
                self.write("[...");
                self.space = false;
                frame.close = "]".into();
                frame.skip_text = true;
            }
            "unclear" => {
                frame.close = " [?]".into();
            }
            "note" if get(a, "place") == Some("inline") || ty == "editorial" => {
                self.write("[");
                self.space = false;
                frame.close = "]".into();
            }
            "note" => {
                let wanted = get(a, "n").filter(|n| is_label(n)).map(str::to_string);
                let label = match wanted {
                    Some(n) if !self.labels_used.contains(&n) => n,
                    _ => loop {
                        let n = self.next_label.to_string();
                        self.next_label += 1;
                        if !self.labels_used.contains(&n) {
                            break n;
                        }
                    },
                };
                self.labels_used.insert(label.clone());
                if let Some(Piece::Text(t)) = self.buf().last_mut() {
                    let n = t.trim_end().len();
                    t.truncate(n);
                }
                self.write(&format!("[^{label}]"));
                frame.note = Some(NoteFrame { id: None, label });
                self.bufs.push(Vec::new());
                self.space = true;
            }
            "bibl" | "biblStruct" => {
                frame.bibl = Some(BiblFrame::default());
                self.bufs.push(Vec::new());
            }
            "ptr" | "ref" if self.frames.iter().any(|f| f.bibl.is_some()) => {
                if let Some(t) = get(a, "target") {
                    let key = key_of_pointer(t);
                    let first = self
                        .frames
                        .iter()
                        .rev()
                        .find_map(|f| f.bibl.as_ref())
                        .is_none_or(|b| b.items == 0);
                    if let Some(b) = self.frames.iter_mut().rev().find_map(|f| f.bibl.as_mut()) {
                        b.items += 1;
                    }
                    let sep = if first { "" } else { "; " };
                    self.write(&format!("{sep}@{key}"));
                    self.space = false;
                    if name == "ref" {
                        frame.skip_text = true;
                    }
                }
            }
            "citedRange" => {
                self.write(", ");
                self.space = true;
            }
            "ref" => {
                if let Some(t) = get(a, "target") {
                    self.write("[");
                    self.space = false;
                    frame.close = format!("]({t})");
                } else {
                    self.unrepresented(name);
                }
            }
            "lb" => {
                if !self.space {
                    self.write(" ");
                }
            }
            "pb" | "cb" | "milestone" | "anchor" | "fw" => {
                self.unrepresented(name);
                if name == "fw" {
                    frame.skip_text = false;
                }
            }
            "pc" if ty == "escape" => {}
            "g" => {}
            "choice" | "sic" | "corr" | "orig" | "reg" | "abbr" | "expan" | "del" | "date"
            | "time" | "num" | "measure" | "seg" | "w" | "c" | "s" | "span" | "label"
            | "roleName" | "forename" | "surname" | "addName" | "orgName_" => {
                if !matches!(
                    name,
                    "date"
                        | "seg"
                        | "w"
                        | "c"
                        | "s"
                        | "forename"
                        | "surname"
                        | "roleName"
                        | "addName"
                ) {
                    self.unrepresented(name);
                }
            }
            other => self.unrepresented(other),
        }
    }

    fn end(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if let Some(c) = frame.capture {
            let text = std::mem::take(&mut self.captured);
            self.captured_end(c, &frame.name, text);
            if frame.name == "note" || frame.name == "idno" || frame.name == "persName" {
                // done
            }
        }
        match frame.name.as_str() {
            "teiHeader" => self.in_header = false,
            "body" if !self.in_header => self.in_body = false,
            "person" | "place" | "org"
                if self
                    .frames
                    .iter()
                    .all(|f| !matches!(f.name.as_str(), "person" | "place" | "org")) =>
            {
                if let Some(e) = self.entry.take() {
                    self.entries.push(e);
                }
            }
            "bibl" | "biblStruct"
                if self.bibl.is_some()
                    && self.frames.last().is_some_and(|f| f.name == "listBibl") =>
            {
                if let Some(b) = self.bibl.take() {
                    self.bibls.push(b);
                }
            }
            _ => {}
        }
        if !self.in_body && frame.note.is_none() && frame.bibl.is_none() {
            if frame.name == "div" && self.divs > 0 {
                self.divs -= 1;
            }
            return;
        }
        if self.ours {
            if frame.pending.is_some() {
                // An element with no content still writes its markup.
                self.frames.push(frame);
                self.flush_pending(false);
                let frame = self.frames.pop().expect("pushed");
                self.end_ours(frame);
            } else {
                self.end_ours(frame);
            }
        } else {
            self.end_foreign(frame);
        }
    }

    fn end_ours(&mut self, frame: Frame) {
        if frame.name == "div" {
            self.divs = self.divs.saturating_sub(1);
        }
        if let Some(note) = frame.note {
            let body = self.bufs.pop().map(flatten).unwrap_or_default();
            if let Some(id) = note.id {
                self.notes.insert(id, (note.label, body));
            }
            return;
        }
        let was_markup = frame.last_markup;
        if frame.name == "ref" && was_markup {
            // The close was written as `pc`.
        } else if !frame.close.is_empty() {
            self.write(&frame.close);
        }
        if let (true, Some(f)) = (frame.name == "pc", self.frames.last_mut()) {
            f.last_markup = true;
        }
    }

    fn end_foreign(&mut self, frame: Frame) {
        if frame.name.starts_with("div") && self.divs > 0 {
            self.divs -= 1;
        }
        if let Some(note) = frame.note {
            let body = self.bufs.pop().map(flatten).unwrap_or_default();
            let body = body.trim().to_string();
            self.foreign_notes.push((note.label, body));
            self.space = false;
            return;
        }
        if let Some(b) = frame.bibl {
            let inner = self.bufs.pop().map(flatten).unwrap_or_default();
            if b.items > 0 {
                self.write(&format!("[{}]", inner.trim()));
            } else {
                self.unrepresented(&frame.name);
                let inner = inner.trim().to_string();
                self.write(&inner);
            }
            self.space = false;
            return;
        }
        if !frame.close.is_empty() {
            if let Some(Piece::Text(t)) = self.buf().last_mut()
                && frame.close != "]]"
            {
                let n = t.trim_end().len();
                t.truncate(n);
            }
            let close = frame.close.clone();
            self.write(&close);
            self.space = false;
        }
        if frame.block {
            self.block_break();
        }
    }

    fn captured_end(&mut self, c: Capture, name: &str, text: String) {
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (ty, sub) = self.capture_attrs.clone();
        match c {
            Capture::FrontMatter => self.front_matter = Some(text),
            Capture::Title => self.header.title = Some(folded),
            Capture::Translator => self.header.translators.push(folded),
            Capture::Summary => self.header.summary = Some(folded),
            Capture::Date => {
                self.header.date.get_or_insert(folded);
            }
            Capture::Language => self.header.language = Some(folded),
            Capture::Record => self.header.record = Some(folded),
            Capture::CitedRange => {
                self.header.source.push_str(&format!(", {folded}"));
            }
            Capture::SourceText => {
                if self.header.source_items == 0 && !folded.is_empty() {
                    self.header.source = folded;
                }
            }
            Capture::Name => {
                if let Some(e) = &mut self.entry {
                    match ty.as_str() {
                        "main" | "" if e.name.is_none() => e.name = Some(text),
                        "variant" => e.variants.push((sub, text)),
                        _ => e.aliases.push(text),
                    }
                }
            }
            Capture::Birth | Capture::Death => {
                if let Some(e) = &mut self.entry {
                    let v = if text.trim().is_empty() { sub } else { text };
                    if c == Capture::Birth {
                        e.born = Some(v);
                    } else {
                        e.died = Some(v);
                    }
                }
            }
            Capture::Note => {
                if let Some(e) = &mut self.entry {
                    match ty.as_str() {
                        "region" => e.region = Some(text),
                        "born" => e.born = Some(text),
                        "died" => e.died = Some(text),
                        "coordinates" => e.coordinates = parse_geo(&text),
                        _ => e.description = Some(text),
                    }
                }
            }
            Capture::Geo => {
                if let Some(e) = &mut self.entry {
                    e.coordinates = parse_geo(&text);
                }
            }
            Capture::Idno => {
                if let Some(e) = &mut self.entry {
                    let key = if ty.is_empty() {
                        "idno".to_string()
                    } else {
                        ty
                    };
                    e.authority.push((key, text));
                }
            }
            Capture::BiblTitle => {
                if let Some(b) = &mut self.bibl {
                    b.title.get_or_insert(folded);
                }
            }
            Capture::BiblSource => {
                if let Some(b) = &mut self.bibl {
                    b.source = Some((sub, text));
                }
            }
            Capture::BiblAuthor => {
                if let Some(b) = &mut self.bibl {
                    b.authors.push(folded);
                }
            }
            Capture::BiblDate => {
                if let Some(b) = &mut self.bibl {
                    b.date = Some(folded);
                }
            }
            Capture::BiblPublisher => {
                if let Some(b) = &mut self.bibl {
                    b.publisher = Some(folded);
                }
            }
        }
        let _ = name;
    }

    fn finish(mut self) -> Imported {
        let mut out = Imported::default();
        if self.has_body {
            let body = std::mem::take(&mut self.bufs)
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            let mut doc = String::new();
            if self.ours {
                if self.bom {
                    doc.push('\u{feff}');
                }
                if let Some(fm) = &self.front_matter {
                    doc.push_str(fm);
                }
                for p in body {
                    match p {
                        Piece::Text(t) => doc.push_str(&t),
                        Piece::Def(id) => {
                            if let Some((label, text)) = self.notes.get(&id) {
                                doc.push_str(&format!("[^{label}]:{text}"));
                            }
                        }
                    }
                }
            } else {
                doc.push_str(&self.foreign_front_matter());
                let mut text = String::new();
                for p in body {
                    if let Piece::Text(t) = p {
                        text.push_str(&t);
                    }
                }
                doc.push_str(text.trim());
                doc.push('\n');
                for (label, body) in &self.foreign_notes {
                    doc.push_str(&format!("\n[^{label}]: {body}\n"));
                }
            }
            let register_only = (!self.entries.is_empty() || !self.bibls.is_empty())
                && !self.ours
                && !self.body_text;
            if !register_only {
                out.document = Some(doc);
            }
        }
        if !self.entries.is_empty() {
            out.registry = Some(registry_toml(&self.entries));
        }
        let (json, bib) = bibliography(&self.bibls);
        out.csl_json = json;
        out.bibtex = bib;
        out.findings = self.findings;
        out
    }

    fn foreign_front_matter(&self) -> String {
        let h = &self.header;
        let mut t = toml::Table::new();
        if let Some(v) = &h.title {
            t.insert("title".into(), toml::Value::String(v.clone()));
        }
        if let Some(v) = &h.date {
            let value = match v.parse::<toml::value::Datetime>() {
                Ok(d) if d.date.is_some() && d.time.is_none() => toml::Value::Datetime(d),
                _ => toml::Value::String(v.clone()),
            };
            t.insert("date".into(), value);
        }
        let source = if h.source_items > 0 {
            format!("[{}]", h.source)
        } else {
            h.source.clone()
        };
        if !source.is_empty() && source != "No source given." {
            t.insert("source".into(), toml::Value::String(source));
        }
        match h.translators.as_slice() {
            [] => {}
            [one] => {
                t.insert("translator".into(), toml::Value::String(one.clone()));
            }
            many => {
                t.insert(
                    "translator".into(),
                    toml::Value::Array(many.iter().cloned().map(toml::Value::String).collect()),
                );
            }
        }
        if let Some(v) = &h.language {
            t.insert("language".into(), toml::Value::String(v.clone()));
        }
        if let Some(v) = &h.summary {
            t.insert("summary".into(), toml::Value::String(v.clone()));
        }
        if let Some(v) = &h.record {
            t.insert("record".into(), toml::Value::String(v.clone()));
        }
        let body = toml::to_string(&t).unwrap_or_default();
        format!("+++\n{body}+++\n\n")
    }
}

fn flatten(pieces: Vec<Piece>) -> String {
    let mut s = String::new();
    for p in pieces {
        if let Piece::Text(t) = p {
            s.push_str(&t);
        }
    }
    s
}

fn parse_geo(s: &str) -> Option<(f64, f64)> {
    let mut it = s.split([' ', ',']).filter(|p| !p.is_empty());
    let lat = it.next()?.parse().ok()?;
    let lon = it.next()?.parse().ok()?;
    Some((lat, lon))
}

/// A TOML string (quoted and escaped by the toml crate).
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        toml_str(s)
    }
}

/// Registry TOML for the entries, one table each (`[person.id]`), keys in
/// the order the registry keeps them (variants and authority ids too).
fn registry_toml(entries: &[Entry]) -> String {
    let mut out = String::from("# Imported from TEI by scholia.\n");
    for e in entries {
        out.push_str(&format!("\n[{}.{}]\n", e.kind, toml_key(&e.id)));
        let name = e.name.clone().unwrap_or_else(|| e.id.clone());
        out.push_str(&format!("name = {}\n", toml_str(&name)));
        if !e.aliases.is_empty() {
            let items: Vec<String> = e.aliases.iter().map(|a| toml_str(a)).collect();
            out.push_str(&format!("aliases = [{}]\n", items.join(", ")));
        }
        for (k, v) in [
            ("born", &e.born),
            ("died", &e.died),
            ("region", &e.region),
            ("description", &e.description),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("{k} = {}\n", toml_str(v)));
            }
        }
        if let Some((lat, lon)) = e.coordinates {
            let f = |x: f64| toml::Value::Float(x).to_string();
            out.push_str(&format!("coordinates = [{}, {}]\n", f(lat), f(lon)));
        }
        if !e.variants.is_empty() {
            let items: Vec<String> = e
                .variants
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_str(v)))
                .collect();
            out.push_str(&format!("variants = {{ {} }}\n", items.join(", ")));
        }
        let known = [
            "name",
            "aliases",
            "born",
            "died",
            "region",
            "description",
            "coordinates",
            "variants",
        ];
        let mut seen = std::collections::HashSet::new();
        for (k, v) in &e.authority {
            if !known.contains(&k.as_str()) && seen.insert(k.clone()) {
                out.push_str(&format!("{} = {}\n", toml_key(k), toml_str(v)));
            }
        }
    }
    out
}

/// CSL-JSON (and BibTeX kept as written) for the register's sources.
fn bibliography(bibls: &[BiblEntry]) -> (Option<String>, Option<String>) {
    let mut items = Vec::new();
    let mut bib = String::new();
    for b in bibls {
        match &b.source {
            Some((format, src)) if format == "bibtex" => {
                bib.push_str(src);
                bib.push_str("\n\n");
            }
            Some((format, src)) if format == "csl-json" => {
                match serde_json::from_str::<serde_json::Value>(src) {
                    Ok(v) if v.is_object() => items.push(v),
                    _ => items.push(foreign_item(b)),
                }
            }
            _ => items.push(foreign_item(b)),
        }
    }
    let json = (!items.is_empty()).then(|| {
        serde_json::to_string_pretty(&serde_json::Value::Array(items)).unwrap_or_default() + "\n"
    });
    let bib = (!bib.is_empty()).then_some(bib);
    (json, bib)
}

fn foreign_item(b: &BiblEntry) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), b.key.clone().into());
    m.insert(
        "type".into(),
        b.kind.clone().unwrap_or_else(|| "document".into()).into(),
    );
    if let Some(t) = &b.title {
        m.insert("title".into(), t.clone().into());
    }
    if !b.authors.is_empty() {
        let names: Vec<serde_json::Value> = b
            .authors
            .iter()
            .map(|a| serde_json::json!({ "literal": a }))
            .collect();
        m.insert("author".into(), names.into());
    }
    if let Some(d) = &b.date {
        m.insert("issued".into(), serde_json::json!({ "raw": d }));
    }
    if let Some(p) = &b.publisher {
        m.insert("publisher".into(), p.clone().into());
    }
    serde_json::Value::Object(m)
}

/// `scholia import FILE.xml` for a TEI file: writes `<stem>.scholia` (a
/// document), `<stem>.toml` (registry), `<stem>.json` (CSL-JSON) and
/// `<stem>.bib` (BibTeX kept as written) for what the file holds, into
/// `out_dir`; `-` as `--out` prints the document. Returns the exit code.
pub fn run_one(
    file: &std::path::Path,
    text: &str,
    out_dir: Option<&std::path::Path>,
    force: bool,
) -> i32 {
    let shown = file.display();
    let imported = match import(text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "{shown}:{}:{}: error[import]: {}",
                e.line, e.column, e.message
            );
            return 2;
        }
    };
    let mut code = 0;
    for f in &imported.findings {
        eprintln!(
            "{shown}:{}:{}: warning[import]: {}",
            f.line, f.column, f.message
        );
        code = 1;
    }
    let to_stdout = out_dir == Some(std::path::Path::new("-"));
    if to_stdout {
        if let Some(doc) = &imported.document {
            use std::io::Write;
            if std::io::stdout().lock().write_all(doc.as_bytes()).is_err() {
                return 2;
            }
        }
        return code;
    }
    let dir = out_dir
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| {
            file.parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default()
        });
    let stem = file
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let outputs = [
        ("scholia", &imported.document),
        ("toml", &imported.registry),
        ("json", &imported.csl_json),
        ("bib", &imported.bibtex),
    ];
    for (ext, content) in outputs {
        let Some(content) = content else { continue };
        let target = dir.join(format!("{stem}.{ext}"));
        if target.exists() && !force {
            eprintln!(
                "scholia import: {}: already exists; use --force to overwrite it",
                target.display()
            );
            code = 2;
            continue;
        }
        if let Err(e) = std::fs::write(&target, content) {
            eprintln!("scholia import: {}: {e}", target.display());
            code = 2;
            continue;
        }
        eprintln!("{shown}: wrote {}", target.display());
    }
    code
}

/// The character of `<g type="char" n="U+XXXX"/>` (one XML cannot hold).
fn g_char(a: &[(String, String)]) -> Option<char> {
    get(a, "n")
        .and_then(|n| n.strip_prefix("U+"))
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .and_then(char::from_u32)
}
