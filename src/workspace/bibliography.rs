//! The bibliography (SPEC §4): CSL-JSON and BibTeX/BibLaTeX files, each entry
//! with its source span, and a formatter that renders an entry as a reader
//! would cite it.
//!
//! Both formats are read into one set of fields ([`Fields`]) and rendered in
//! one note style, close to Chicago's full notes:
//!
//! - archival document: `"Title," 19 September 1952, Archive, f. 45, op. 1, d. 343.`
//! - book: `Author, Title, ed. Editor, vol. 4 (Place: Publisher, 1997).`
//! - chapter: `Author, "Title," in Book, ed. Editor (Place: Publisher, 1999), 45–67.`
//! - article: `Author, "Title," Journal 12, no. 3 (1999): 45–67.`
//!
//! A `note` follows as a sentence of its own; `cite` puts the locator before it.
//!
//! Broken input loses as little as possible: a CSL-JSON file that is not
//! valid JSON keeps every item that parses on its own (a small scanner finds
//! the items' spans, which serde_json does not give); a BibTeX entry that
//! does not parse, repeats a key, uses an unknown `@string` or is part of a
//! `crossref` cycle is blanked out and the rest parsed again. As in BibTeX,
//! a `@string` of one `.bib` file can be used in the others.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::ops::Range;
use std::path::PathBuf;

use biblatex::{ChunksExt, Person, RawBibliography};
use serde_json::Value;

use crate::base::{Code, Diagnostic};

/// One bibliography entry.
#[derive(Debug, Clone, PartialEq)]
pub struct BibEntry {
    pub key: String,
    /// CSL type or BibTeX entry type, as written.
    pub kind: String,
    pub title: Option<String>,
    /// The reference formatted for a reader (no locator).
    pub formatted: String,
    pub file: PathBuf,
    /// Byte spans in `file`: the whole entry, and its key.
    pub range: Range<usize>,
    pub key_range: Range<usize>,
    /// Byte offset in `formatted` where the reference proper ends (after its
    /// final period, before a trailing note): where `cite` puts a locator.
    pub locator_at: usize,
}

#[derive(Debug, Default)]
pub struct Bibliography {
    pub entries: Vec<BibEntry>,
    /// key → index.
    by_key: HashMap<String, usize>,
}

impl Bibliography {
    /// Loads every bibliography file (path, text); `.bib` is BibTeX, anything
    /// else CSL-JSON. Problems (code `bibliography`) come back per file;
    /// the valid entries of a broken file are kept where possible.
    pub fn load(files: &[(PathBuf, String)]) -> (Bibliography, Vec<(PathBuf, Diagnostic)>) {
        // Like BibTeX, which reads every file as one, a `@string` of one
        // file is usable in the others.
        let strings = files
            .iter()
            .enumerate()
            .filter(|(_, (path, _))| is_bibtex(path))
            .flat_map(|(i, (_, text))| {
                string_definitions(text)
                    .into_iter()
                    .map(move |(k, d)| (i, k, d))
            })
            .collect();
        let mut loader = Loader {
            files,
            entries: Vec::new(),
            diagnostics: Vec::new(),
            first_keys: HashMap::new(),
            line_starts: vec![None; files.len()],
            strings,
        };
        for (index, (path, text)) in files.iter().enumerate() {
            if is_bibtex(path) {
                loader.bibtex(index, text);
            } else {
                loader.csl_json(index, text);
            }
        }
        let mut diagnostics = loader.diagnostics;
        diagnostics.sort_by_key(|(file, d)| (*file, d.range.start));
        let diagnostics = diagnostics
            .into_iter()
            .map(|(file, d)| (files[file].0.clone(), d))
            .collect();
        (Bibliography::from_entries(loader.entries), diagnostics)
    }

    /// A bibliography of these entries, indexed by key (a repeated key finds
    /// its first entry).
    pub fn from_entries(entries: Vec<BibEntry>) -> Bibliography {
        let mut by_key = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            by_key.entry(e.key.clone()).or_insert(i);
        }
        Bibliography { entries, by_key }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&BibEntry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }

    /// The entry formatted with a locator appended, e.g.
    /// `…, f. 45, op. 1, d. 343, ll. 97-103.`
    pub fn cite(&self, entry: &BibEntry, locator: Option<&str>) -> String {
        cite(&entry.formatted, entry.locator_at, locator)
    }
}

fn is_bibtex(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("bib") || e.eq_ignore_ascii_case("bibtex"))
}

/// The `@string` abbreviations of a BibTeX file: (key, `@string{key = …}`
/// as written).
fn string_definitions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in chunks_of(text) {
        let chunk = &text[chunk];
        if !chunk
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("@string"))
        {
            continue;
        }
        if let Ok(raw) = RawBibliography::parse(chunk) {
            for pair in &raw.abbreviations {
                let value = &chunk[pair.value.span.clone()];
                out.push((
                    pair.key.v.to_string(),
                    format!("@string{{{} = {value}}}\n", pair.key.v),
                ));
            }
        }
    }
    out
}

/// Puts `locator` at the end of the reference proper (`at`), before its
/// final period: `…, d. 343.` → `…, d. 343, ll. 97-103.`;
/// `"Title."` → `"Title," ll. 5.`
fn cite(formatted: &str, at: usize, locator: Option<&str>) -> String {
    let Some(locator) = locator.map(str::trim).filter(|l| !l.is_empty()) else {
        return formatted.to_string();
    };
    let at = if at > 0 && at <= formatted.len() && formatted.is_char_boundary(at) {
        at
    } else {
        formatted.len()
    };
    let (main, rest) = formatted.split_at(at);
    let mut out = String::with_capacity(formatted.len() + locator.len() + 3);
    if let Some(base) = main.strip_suffix(".\"") {
        out.push_str(base);
        out.push_str(",\" ");
    } else if main.ends_with("?\"") || main.ends_with("!\"") {
        out.push_str(main);
        out.push(' ');
    } else {
        out.push_str(main.strip_suffix('.').unwrap_or(main));
        if !out.is_empty() {
            out.push_str(", ");
        }
    }
    out.push_str(locator);
    if !locator.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out.push_str(rest);
    out
}

/// State of one `Bibliography::load`.
struct Loader<'a> {
    files: &'a [(PathBuf, String)],
    entries: Vec<BibEntry>,
    diagnostics: Vec<(usize, Diagnostic)>,
    /// key → (file index, offset of the key) of its first definition.
    first_keys: HashMap<String, (usize, usize)>,
    line_starts: Vec<Option<Vec<usize>>>,
    /// Every `@string` of the BibTeX files: (file index, key, definition).
    strings: Vec<(usize, String, String)>,
}

impl Loader<'_> {
    fn problem(&mut self, file: usize, range: Range<usize>, message: impl Into<String>) {
        self.diagnostics
            .push((file, Diagnostic::new(Code::Bibliography, range, message)));
    }

    /// Claims `key` for this definition; false (and a diagnostic) when an
    /// earlier entry has it.
    fn claim(&mut self, file: usize, key: &str, key_range: Range<usize>) -> bool {
        match self.first_keys.entry(key.to_string()) {
            MapEntry::Vacant(slot) => {
                slot.insert((file, key_range.start));
                true
            }
            MapEntry::Occupied(first) => {
                let (first_file, offset) = *first.get();
                let starts = self.line_starts[first_file]
                    .get_or_insert_with(|| line_starts_of(&self.files[first_file].1));
                let line = starts.partition_point(|&s| s <= offset);
                let message = format!(
                    "duplicate key `{key}`: already defined at {}:{line}",
                    self.files[first_file].0.display()
                );
                self.problem(file, key_range, message);
                false
            }
        }
    }

    fn push(
        &mut self,
        file: usize,
        key: String,
        kind: String,
        fields: &Fields,
        spans: (Range<usize>, Range<usize>),
    ) {
        let (mut formatted, mut locator_at) = format(fields);
        if formatted.is_empty() {
            formatted = key.clone();
            locator_at = formatted.len();
        }
        self.entries.push(BibEntry {
            key,
            kind,
            title: fields.title.clone(),
            formatted,
            file: self.files[file].0.clone(),
            range: spans.0,
            key_range: spans.1,
            locator_at,
        });
    }

    // ---- CSL-JSON ----------------------------------------------------------

    fn csl_json(&mut self, file: usize, text: &str) {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &text[start..];
        if body.trim().is_empty() {
            return;
        }
        let spans = scan_array(body).map(|items| {
            items
                .into_iter()
                .map(|item| ItemSpan {
                    range: item.range.start + start..item.range.end + start,
                    id: item.id.map(|r| r.start + start..r.end + start),
                })
                .collect::<Vec<_>>()
        });

        let items: Vec<(Value, Option<&ItemSpan>)> = match serde_json::from_str::<Value>(body) {
            Ok(Value::Array(items)) => {
                let spans = spans.as_ref().filter(|s| s.len() == items.len());
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| (item, spans.map(|s| &s[i])))
                    .collect()
            }
            Ok(other) => {
                let at = body.len() - body.trim_start().len() + start;
                let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
                self.problem(
                    file,
                    at..end,
                    format!(
                        "a CSL-JSON bibliography is an array of items, not {}",
                        json_type(&other)
                    ),
                );
                return;
            }
            Err(error) => {
                let at = json_error_offset(body, &error) + start;
                let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
                let message = error.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                self.problem(file, at..end, format!("invalid JSON: {message}"));
                // Keep every item that is valid on its own.
                spans
                    .iter()
                    .flatten()
                    .filter_map(|span| {
                        serde_json::from_str::<Value>(&text[span.range.clone()])
                            .ok()
                            .map(|item| (item, Some(span)))
                    })
                    .collect()
            }
        };

        for (item, span) in items {
            let range = span.map_or(0..0, |s| s.range.clone());
            let Value::Object(object) = &item else {
                self.problem(
                    file,
                    range,
                    format!("a CSL-JSON item is an object, not {}", json_type(&item)),
                );
                continue;
            };
            let key = match object.get("id") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                Some(Value::String(_)) => {
                    let at = span.and_then(|s| s.id.clone()).unwrap_or(range);
                    self.problem(file, at, "the item's `id` is empty");
                    continue;
                }
                Some(other) => {
                    let message =
                        format!("the item's `id` must be a string, not {}", json_type(other));
                    self.problem(file, range, message);
                    continue;
                }
                None => {
                    self.problem(file, range, "the item has no `id`");
                    continue;
                }
            };
            let key_range = span.and_then(|s| s.id.clone()).unwrap_or(range.clone());
            if !self.claim(file, &key, key_range.clone()) {
                continue;
            }
            let fields = Fields::from_csl(object);
            let kind = object
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            self.push(file, key, kind, &fields, (range, key_range));
        }
    }

    // ---- BibTeX --------------------------------------------------------------

    fn bibtex(&mut self, file: usize, text: &str) {
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut problems = Vec::new();
            let entries = self.parse_bibtex(file, text, &mut problems);
            (entries, problems)
        }));
        match parsed {
            Ok((entries, problems)) => {
                for (range, message) in problems {
                    self.problem(file, range, message);
                }
                for (raw, fields) in entries {
                    let range = raw.range.clone();
                    self.push(file, raw.key, raw.kind, &fields, (range, raw.key_range));
                }
            }
            Err(_) => self.problem(file, 0..0, "the BibTeX parser failed on this file"),
        }
    }

    /// The entries of a BibTeX file that parse, with their fields; each
    /// problem as (range, message). A broken entry is blanked out of the
    /// text (offsets kept) and the rest parsed again.
    fn parse_bibtex(
        &mut self,
        file: usize,
        text: &str,
        problems: &mut Vec<(Range<usize>, String)>,
    ) -> Vec<(RawSpans, Fields)> {
        let chunks = chunks_of(text);
        let mut src = text.to_string();
        let mut report = |at: Range<usize>, message: String| {
            // An error at the end of an entry's region is an entry that is
            // not closed: report it on the entry's first line.
            match chunk_at(&chunks, at.start) {
                Some(chunk) if text[at.start..chunk.end].trim().is_empty() => {
                    let line = text[chunk.clone()].lines().next().unwrap_or_default();
                    let range = chunk.start..chunk.start + line.trim_end().len();
                    let place = if chunk.end == text.len() {
                        "at the end of the file"
                    } else {
                        "before the next entry"
                    };
                    problems.push((range, format!("entry not closed {place}: {message}")));
                }
                _ => problems.push((at, message)),
            }
        };
        // 1. Syntax. When the file does not parse, each region that starts
        // with `@` is parsed alone and blanked out if it fails.
        if RawBibliography::parse(&src).is_err() {
            for chunk in &chunks {
                if let Err(error) = RawBibliography::parse(&text[chunk.clone()]) {
                    let at = clamp(&error.span, chunk.len());
                    report(
                        chunk.start + at.start..chunk.start + at.end,
                        error.kind.to_string(),
                    );
                    src = blank(&src, chunk.clone());
                }
            }
        }
        let raw_entries: Vec<RawSpans> = loop {
            match RawBibliography::parse(&src) {
                Ok(raw) => break raw.entries.iter().map(|e| RawSpans::new(text, e)).collect(),
                Err(error) => {
                    let at = clamp(&error.span, text.len());
                    report(at.clone(), error.kind.to_string());
                    match chunk_at(&chunks, at.start) {
                        Some(chunk) if !is_blank(&src[chunk.clone()]) => src = blank(&src, chunk),
                        _ => break Vec::new(),
                    }
                }
            }
        };
        // 2. Keys: blank out repeated ones.
        let mut accepted = Vec::new();
        for entry in raw_entries {
            if self.claim(file, &entry.key, entry.key_range.clone()) {
                accepted.push(entry);
            } else {
                src = blank(&src, entry.range.clone());
            }
        }
        // 3. Cross-reference cycles (the biblatex crate would recurse forever).
        let bad = crossref_trouble(&accepted);
        for (i, message) in bad.iter().rev() {
            let entry = accepted.remove(*i);
            let at = entry
                .refs
                .first()
                .map_or(entry.key_range.clone(), |(_, r)| r.clone());
            report(at, message.clone());
            src = blank(&src, entry.range);
        }
        // 4. Abbreviations, with those of the other files appended (past
        // the end, so no offset moves): blank out what fails.
        let own: Vec<String> = string_definitions(text)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let mut borrowed: Vec<&str> = Vec::new();
        let mut keys: Vec<&str> = Vec::new();
        for (other, key, definition) in &self.strings {
            if *other != file && !own.contains(key) && !keys.contains(&key.as_str()) {
                borrowed.push(definition);
                keys.push(key);
            }
        }
        let append = |src: &mut String, borrowed: &[&str]| {
            src.truncate(text.len());
            if !borrowed.is_empty() {
                src.push('\n');
                borrowed.iter().for_each(|d| src.push_str(d));
            }
        };
        append(&mut src, &borrowed);
        let bibliography = loop {
            match biblatex::Bibliography::parse(&src) {
                Ok(bibliography) => break bibliography,
                Err(error) if error.span.start > text.len() && !borrowed.is_empty() => {
                    // A borrowed definition fails: do without it.
                    let mut end = text.len() + 1;
                    let failing = borrowed.iter().position(|d| {
                        end += d.len();
                        error.span.start < end
                    });
                    borrowed.remove(failing.unwrap_or(borrowed.len() - 1));
                    append(&mut src, &borrowed);
                }
                Err(error) => {
                    let at = clamp(&error.span, text.len());
                    report(at.clone(), error.kind.to_string());
                    let region = match accepted.iter().position(|e| e.range.contains(&at.start)) {
                        Some(i) => Some(accepted.remove(i).range),
                        None => chunk_at(&chunks, at.start),
                    };
                    match region {
                        Some(region) if !is_blank(&src[region.clone()]) => {
                            src = blank(&src, region)
                        }
                        _ => break biblatex::Bibliography::new(),
                    }
                }
            }
        };
        accepted
            .into_iter()
            .filter_map(|raw| {
                let entry = bibliography.get(&raw.key)?;
                let parent = raw.refs.first().and_then(|(key, _)| bibliography.get(key));
                let fields = Fields::from_bibtex(entry, parent, &raw.kind);
                Some((raw, fields))
            })
            .collect()
    }
}

/// Spans and references of one raw BibTeX entry.
struct RawSpans {
    key: String,
    kind: String,
    range: Range<usize>,
    key_range: Range<usize>,
    /// `crossref` first, then `xdata` keys, each with the field's span.
    refs: Vec<(String, Range<usize>)>,
}

impl RawSpans {
    fn new(text: &str, entry: &biblatex::Spanned<biblatex::RawEntry<'_>>) -> RawSpans {
        let mut range = entry.span.clone();
        // The crate's span stops before the closing delimiter.
        if text[range.end.min(text.len())..].starts_with(['}', ')']) {
            range.end += 1;
        }
        let mut refs = Vec::new();
        for field in ["crossref", "xdata"] {
            for pair in &entry.v.fields {
                if !pair.key.v.eq_ignore_ascii_case(field) {
                    continue;
                }
                let value: String = pair
                    .value
                    .v
                    .iter()
                    .map(|chunk| match chunk.v {
                        biblatex::RawChunk::Normal(s) | biblatex::RawChunk::Abbreviation(s) => s,
                    })
                    .collect();
                for key in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    refs.push((key.to_string(), pair.value.span.clone()));
                }
            }
        }
        RawSpans {
            key: entry.v.key.v.to_string(),
            kind: entry.v.kind.v.to_string(),
            range,
            key_range: entry.v.key.span.clone(),
            refs,
        }
    }
}

/// The deepest chain of cross-references the biblatex crate is trusted with.
const MAX_CROSSREF_DEPTH: usize = 32;

/// Entries whose `crossref`/`xdata` chain runs into a cycle or deeper than
/// [`MAX_CROSSREF_DEPTH`]: (index, message), ascending. A topological sort,
/// no recursion.
fn crossref_trouble(entries: &[RawSpans]) -> Vec<(usize, String)> {
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.as_str(), i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut pending: Vec<usize> = vec![0; entries.len()];
    for (i, e) in entries.iter().enumerate() {
        for (parent, _) in &e.refs {
            if let Some(&p) = index.get(parent.as_str()) {
                children[p].push(i);
                pending[i] += 1;
            }
        }
    }
    let mut depth = vec![0usize; entries.len()];
    let mut queue: Vec<usize> = (0..entries.len()).filter(|&i| pending[i] == 0).collect();
    let mut done = vec![false; entries.len()];
    while let Some(n) = queue.pop() {
        done[n] = true;
        for &c in &children[n] {
            depth[c] = depth[c].max(depth[n] + 1);
            pending[c] -= 1;
            if pending[c] == 0 {
                queue.push(c);
            }
        }
    }
    (0..entries.len())
        .filter_map(|i| {
            let refs: Vec<String> = entries[i]
                .refs
                .iter()
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            if !done[i] {
                Some((
                    i,
                    format!(
                        "the cross-references of `{}` ({}) run into a cycle",
                        entries[i].key,
                        refs.join(", ")
                    ),
                ))
            } else if depth[i] > MAX_CROSSREF_DEPTH {
                Some((
                    i,
                    format!("cross-references nested more than {MAX_CROSSREF_DEPTH} deep"),
                ))
            } else {
                None
            }
        })
        .collect()
}

fn clamp(range: &Range<usize>, len: usize) -> Range<usize> {
    range.start.min(len)..range.end.min(len).max(range.start.min(len))
}

fn line_starts_of(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The regions of a BibTeX file that each start with an `@` at the
/// beginning of a line (after indentation): the units error recovery drops.
fn chunks_of(text: &str) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if line[indent..].starts_with('@') {
            starts.push(line_start + indent);
        }
        line_start += line.len();
    }
    let ends = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(text.len()));
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// The region an error at `offset` belongs to; an offset at the very start
/// of a region belongs to the region before (which ran into it).
fn chunk_at(chunks: &[Range<usize>], offset: usize) -> Option<Range<usize>> {
    chunks
        .iter()
        .rev()
        .find(|c| c.start < offset)
        .or_else(|| chunks.first().filter(|c| c.start == offset))
        .cloned()
}

/// `text` with `region` replaced by spaces (line breaks kept, so every
/// offset stays the same).
fn blank(text: &str, region: Range<usize>) -> String {
    text.char_indices()
        .flat_map(|(i, c)| {
            let keep = !region.contains(&i) || c == '\n';
            let (c, n) = if keep { (c, 1) } else { (' ', c.len_utf8()) };
            std::iter::repeat_n(c, n)
        })
        .collect()
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

// ---- JSON spans ----------------------------------------------------------------

/// Where one element of the top-level array is: the whole value, and the
/// text of its own `"id"` string (inside the quotes).
#[derive(Debug, Clone, PartialEq)]
struct ItemSpan {
    range: Range<usize>,
    id: Option<Range<usize>>,
}

/// The elements of a top-level JSON array, found by a scanner that knows
/// strings, escapes and nesting and nothing else; `None` when the text does
/// not start with `[`. It stops at the first thing that does not fit, so it
/// works on broken files too.
fn scan_array(text: &str) -> Option<Vec<ItemSpan>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut items = Vec::new();
    loop {
        i = skip_ws(b, i);
        if matches!(b.get(i), None | Some(b']')) {
            break;
        }
        let (end, id) = scan_value(b, i);
        if end == i {
            break;
        }
        items.push(ItemSpan { range: i..end, id });
        i = skip_ws(b, end);
        if b.get(i) != Some(&b',') {
            break;
        }
        i += 1;
    }
    Some(items)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The end of the string that opens at `start` (past its closing quote).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// One value from `start`: where it ends, and for an object the range of
/// its own `"id"` string's text.
fn scan_value(b: &[u8], start: usize) -> (usize, Option<Range<usize>>) {
    let is_object = b[start] == b'{';
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut after_id_key = false;
    let mut id = None;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = string_end(b, i);
                if depth == 1 && is_object {
                    let closed = end > i + 1 && b[end - 1] == b'"';
                    let inner = i + 1..if closed { end - 1 } else { end };
                    if expect_key {
                        after_id_key = &b[inner.clone()] == b"id";
                        expect_key = false;
                    } else if after_id_key && id.is_none() {
                        id = Some(inner);
                        after_id_key = false;
                    }
                }
                if depth == 0 {
                    return (end, None);
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth == 1 {
                    expect_key = is_object;
                }
            }
            b'}' | b']' => {
                if depth <= 1 {
                    return (if depth == 1 { i + 1 } else { i }, id);
                }
                depth -= 1;
            }
            b',' if depth == 0 => return (i, id),
            b',' if depth == 1 => {
                expect_key = is_object;
                after_id_key = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return (i, id),
            _ => {}
        }
        i += 1;
    }
    (i, id)
}

/// The byte offset of a serde_json error (its line is 1-based, its column
/// counts bytes from 1; column 0 is the line break before the line).
fn json_error_offset(text: &str, error: &serde_json::Error) -> usize {
    if error.is_eof() {
        return text.len();
    }
    let line_start = if error.line() <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(error.line() - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let at = (line_start + error.column()).saturating_sub(1);
    crate::text::floor_char_boundary(text, at)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---- Fields ----------------------------------------------------------------------

/// What the formatter needs of an entry, from either format.
#[derive(Debug, Default, Clone, PartialEq)]
struct Fields {
    /// Lower-cased CSL type or BibTeX entry type.
    kind: String,
    authors: Vec<String>,
    editors: Vec<String>,
    translators: Vec<String>,
    title: Option<String>,
    /// Journal or book the entry is part of.
    container: Option<String>,
    /// Series.
    collection: Option<String>,
    volume: Option<String>,
    issue: Option<String>,
    publisher: Option<String>,
    place: Option<String>,
    /// Formatted already: `19 September 1952`.
    date: Option<String>,
    page: Option<String>,
    archive: Option<String>,
    archive_location: Option<String>,
    url: Option<String>,
    note: Option<String>,
}

fn some_text(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

impl Fields {
    fn from_csl(item: &serde_json::Map<String, Value>) -> Fields {
        let text = |key: &str| match item.get(key) {
            Some(Value::String(s)) => some_text(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let names = |key: &str| -> Vec<String> {
            match item.get(key) {
                Some(Value::Array(list)) => list.iter().filter_map(csl_name).collect(),
                _ => Vec::new(),
            }
        };
        Fields {
            kind: text("type").unwrap_or_default().to_lowercase(),
            authors: names("author"),
            editors: names("editor"),
            translators: names("translator"),
            title: text("title"),
            container: text("container-title"),
            collection: text("collection-title"),
            volume: text("volume"),
            issue: text("issue"),
            publisher: text("publisher"),
            place: text("publisher-place"),
            date: item.get("issued").and_then(csl_date),
            page: text("page"),
            archive: text("archive"),
            archive_location: text("archive_location"),
            url: text("URL"),
            note: text("note"),
        }
    }

    /// `parent` is the `crossref` entry: the biblatex crate copies the
    /// standard fields from it, this the rest of [`INHERITED`].
    fn from_bibtex(
        entry: &biblatex::Entry,
        parent: Option<&biblatex::Entry>,
        kind: &str,
    ) -> Fields {
        let text = |key: &str| {
            let chunks = entry.fields.get(key).or_else(|| {
                parent
                    .filter(|_| INHERITED.contains(&key))
                    .and_then(|p| p.fields.get(key))
            });
            chunks.and_then(|chunks| some_text(&strip_latex(&chunks.format_verbatim())))
        };
        let names = |key: &str| -> Vec<String> {
            let Some(chunks) = entry.fields.get(key) else {
                return Vec::new();
            };
            match chunks.parse::<Vec<Person>>() {
                Ok(people) => people.iter().filter_map(bibtex_name).collect(),
                Err(_) => some_text(&strip_latex(&chunks.format_verbatim()))
                    .into_iter()
                    .collect(),
            }
        };
        let kind = kind.to_lowercase();
        let is_article = kind == "article";
        let mut collection = text("series");
        let mut issue = None;
        let number = text("number");
        if is_article {
            issue = number.or_else(|| text("issue"));
        } else if let Some(number) = number {
            collection = Some(match collection {
                Some(series) => format!("{series} {number}"),
                None => format!("no. {number}"),
            });
        }
        let date = match text("date") {
            Some(date) => Some(format_date_text(&date)),
            None => text("year").map(|year| {
                let month = text("month").and_then(|m| month_number(&m));
                let day = text("day").and_then(|d| d.parse().ok());
                match year.parse::<i64>() {
                    Ok(y) => format_ymd(y, month, month.and(day)),
                    Err(_) => year,
                }
            }),
        };
        Fields {
            authors: names("author"),
            editors: names("editor"),
            translators: names("translator"),
            title: text("title"),
            container: text("journaltitle")
                .or_else(|| text("journal"))
                .or_else(|| text("booktitle")),
            collection,
            volume: text("volume"),
            issue,
            publisher: text("publisher")
                .or_else(|| text("institution"))
                .or_else(|| text("school"))
                .or_else(|| text("organization")),
            place: text("location").or_else(|| text("address")),
            date,
            page: text("pages"),
            archive: text("archive").or_else(|| text("howpublished")),
            archive_location: text("archive_location"),
            url: text("url"),
            note: text("note"),
            kind,
        }
    }
}

/// Fields an entry takes from its `crossref` parent when it has none.
const INHERITED: &[&str] = &[
    "address",
    "location",
    "publisher",
    "institution",
    "archive",
    "archive_location",
    "howpublished",
    "date",
    "year",
    "month",
    "volume",
    "series",
];

/// A CSL name: `literal`, or given name, particles and family name.
fn csl_name(name: &Value) -> Option<String> {
    let part = |key: &str| name.get(key).and_then(Value::as_str).and_then(some_text);
    if let Some(literal) = part("literal") {
        return Some(literal);
    }
    let family = part("family");
    let given = part("given");
    let static_order = name.get("static-ordering").and_then(Value::as_bool) == Some(true);
    let cjk = [&family, &given]
        .iter()
        .any(|p| p.as_deref().is_some_and(|s| s.chars().any(is_cjk)));
    let mut out = if static_order || cjk {
        // Family name first: 周恩来, Zhou Enlai.
        let parts: Vec<String> = [family, given].into_iter().flatten().collect();
        parts.join(if cjk { "" } else { " " })
    } else {
        let parts: Vec<String> = [
            given,
            part("dropping-particle"),
            part("non-dropping-particle"),
            family,
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(" ")
    };
    if let Some(suffix) = part("suffix") {
        out.push_str(", ");
        out.push_str(&suffix);
    }
    (!out.is_empty()).then_some(out)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0x20000..=0x3134F)
}

fn bibtex_name(person: &Person) -> Option<String> {
    let parts: Vec<String> = [&person.given_name, &person.prefix, &person.name]
        .into_iter()
        .filter_map(|p| some_text(&strip_latex(p)))
        .collect();
    let mut out = parts.join(" ");
    if let Some(suffix) = some_text(&strip_latex(&person.suffix)) {
        out.push_str(", ");
        out.push_str(&suffix);
    }
    (!out.is_empty()).then_some(out)
}

/// Drops what is left of LaTeX after the biblatex crate resolved accents and
/// escapes: commands (`\emph{x}` → `x`, `\url{…}` → `…`) and braces.
fn strip_latex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' => {}
            '\\' => match chars.peek() {
                Some(n) if n.is_ascii_alphabetic() => {
                    while chars.peek().is_some_and(char::is_ascii_alphabetic) {
                        chars.next();
                    }
                    // A space only ends the command name.
                    if chars.peek() == Some(&' ') {
                        chars.next();
                    }
                }
                Some(_) => out.extend(chars.next()),
                None => {}
            },
            '~' => out.push('\u{a0}'),
            c => out.push(c),
        }
    }
    out
}

// ---- Dates ------------------------------------------------------------------------

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `19 September 1952`, `September 1952`, `1952`.
fn format_ymd(year: i64, month: Option<u32>, day: Option<u32>) -> String {
    match month.filter(|m| (1..=12).contains(m)) {
        Some(m) => {
            let month = MONTHS[m as usize - 1];
            match day.filter(|d| (1..=31).contains(d)) {
                Some(d) => format!("{d} {month} {year}"),
                None => format!("{month} {year}"),
            }
        }
        None => year.to_string(),
    }
}

fn month_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let lower = text.to_lowercase();
    let prefix = lower.get(..3)?;
    MONTHS
        .iter()
        .position(|m| m.to_lowercase().starts_with(prefix))
        .map(|i| i as u32 + 1)
}

/// An EDTF/ISO date as written (`1952`, `1952-09`, `1952-09-19`, a range
/// `1952-09-19/1952-09-20`) formatted for a reader; anything else as is.
fn format_date_text(text: &str) -> String {
    fn one(part: &str) -> Option<String> {
        let mut pieces = part.trim().split('-');
        let year = pieces.next()?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let month = pieces
            .next()
            .map(|m| m.parse::<u32>().ok())
            .unwrap_or(Some(0))?;
        let day = pieces
            .next()
            .map(|d| d.parse::<u32>().ok())
            .unwrap_or(Some(0))?;
        if pieces.next().is_some() {
            return None;
        }
        let month = (month > 0).then_some(month);
        let day = (day > 0).then_some(day);
        Some(format_ymd(year.parse().ok()?, month, day))
    }
    match text.split_once('/') {
        Some((from, to)) => match (one(from), one(to)) {
            (Some(from), Some(to)) => join_range(&from, &to),
            _ => text.to_string(),
        },
        None => one(text).unwrap_or_else(|| text.to_string()),
    }
}

fn join_range(from: &str, to: &str) -> String {
    if from.contains(' ') || to.contains(' ') {
        format!("{from} – {to}")
    } else {
        format!("{from}–{to}")
    }
}

/// A CSL date: `date-parts` (one date or a range), `literal` or `raw`.
fn csl_date(date: &Value) -> Option<String> {
    let number = |v: &Value| -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    match date {
        Value::String(s) => some_text(s).map(|s| format_date_text(&s)),
        Value::Object(object) => {
            let parts = object.get("date-parts").and_then(Value::as_array);
            let dates: Vec<String> = parts
                .into_iter()
                .flatten()
                .filter_map(|part| {
                    let part = part.as_array()?;
                    let year = number(part.first()?)?;
                    let month = part.get(1).and_then(number).map(|m| m as u32);
                    let day = part.get(2).and_then(number).map(|d| d as u32);
                    Some(format_ymd(year, month, month.and(day)))
                })
                .collect();
            match dates.as_slice() {
                [one] => Some(one.clone()),
                [from, to, ..] if from == to => Some(from.clone()),
                [from, to, ..] => Some(join_range(from, to)),
                [] => ["literal", "raw"]
                    .iter()
                    .find_map(|k| object.get(*k).and_then(Value::as_str).and_then(some_text))
                    .map(|s| format_date_text(&s)),
            }
            .map(|d| {
                let circa = object.get("circa").is_some_and(|c| {
                    c.as_bool() == Some(true)
                        || c.as_i64().is_some_and(|n| n != 0)
                        || c.as_str().is_some_and(|s| !s.is_empty())
                });
                if circa { format!("c. {d}") } else { d }
            })
        }
        _ => None,
    }
}

// ---- The note style -------------------------------------------------------------------

fn is_booklike(kind: &str) -> bool {
    matches!(
        kind,
        "book"
            | "mvbook"
            | "booklet"
            | "collection"
            | "mvcollection"
            | "proceedings"
            | "mvproceedings"
            | "manual"
            | "report"
            | "techreport"
            | "thesis"
            | "phdthesis"
            | "mastersthesis"
            | "reference"
            | "mvreference"
            | "periodical"
    )
}

/// `A`, `A and B`, `A, B, and C`, `A et al.`
fn name_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b}, and {c}"),
        [first, ..] => format!("{first} et al."),
    }
}

/// Segments joined by commas, Chicago-style around quoted titles
/// (`"Title," next`, `"Title?" next`).
#[derive(Default)]
struct Sentence {
    text: String,
}

impl Sentence {
    fn push(&mut self, segment: &str) {
        if !self.text.is_empty() {
            if self.text.ends_with("?\"") || self.text.ends_with("!\"") {
                self.text.push(' ');
            } else if self.text.ends_with('"') {
                self.text.pop();
                self.text.push_str(",\" ");
            } else {
                self.text.push_str(", ");
            }
        }
        self.text.push_str(segment);
    }

    /// Appends to the last segment with a space: `Title (Place: Publisher, 1997)`.
    fn attach(&mut self, suffix: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(suffix);
    }

    fn end(mut self) -> String {
        if self.text.ends_with("?\"") || self.text.ends_with("!\"") || self.text.ends_with(".\"") {
            // Already ends a sentence.
        } else if self.text.ends_with('"') {
            self.text.pop();
            self.text.push_str(".\"");
        } else if !self.text.is_empty() && !self.text.ends_with(['.', '?', '!']) {
            self.text.push('.');
        }
        self.text
    }
}

/// The formatted reference and where a locator goes in it.
fn format(f: &Fields) -> (String, usize) {
    let kind = f.kind.as_str();
    let booklike = is_booklike(kind) && f.container.is_none();
    let journal = matches!(kind, "article-journal" | "article") && f.container.is_some();
    let mut s = Sentence::default();
    let mut editors_done = false;
    let mut date_done = false;
    let mut page_done = false;
    let mut volume_done = false;

    if !f.authors.is_empty() {
        s.push(&name_list(&f.authors));
    } else if !f.editors.is_empty() && f.container.is_none() {
        let ed = if f.editors.len() > 1 { "eds." } else { "ed." };
        s.push(&format!("{}, {ed}", name_list(&f.editors)));
        editors_done = true;
    }
    if let Some(title) = &f.title {
        if booklike {
            s.push(title);
        } else {
            s.push(&format!("\"{title}\""));
        }
    }
    if let Some(container) = &f.container {
        if journal {
            let mut segment = container.clone();
            if let Some(volume) = &f.volume {
                segment.push(' ');
                segment.push_str(volume);
            }
            if let Some(issue) = &f.issue {
                segment.push_str(", no. ");
                segment.push_str(issue);
            }
            if let Some(date) = &f.date {
                segment.push_str(&format!(" ({date})"));
            }
            if let Some(page) = &f.page {
                segment.push_str(": ");
                segment.push_str(page);
            }
            s.push(&segment);
            (date_done, page_done, volume_done) = (true, true, true);
        } else if kind.starts_with("article") {
            s.push(container);
        } else {
            s.push(&format!("in {container}"));
        }
    }
    if !editors_done && !f.editors.is_empty() {
        s.push(&format!("ed. {}", name_list(&f.editors)));
    }
    if !f.translators.is_empty() {
        s.push(&format!("trans. {}", name_list(&f.translators)));
    }
    if let (Some(volume), false) = (&f.volume, volume_done) {
        s.push(&format!("vol. {volume}"));
    }
    if let Some(collection) = &f.collection {
        s.push(collection);
    }
    if f.publisher.is_some() || f.place.is_some() {
        let mut block = match (&f.place, &f.publisher) {
            (Some(place), Some(publisher)) => format!("{place}: {publisher}"),
            (Some(one), None) | (None, Some(one)) => one.clone(),
            (None, None) => String::new(),
        };
        if let (Some(date), false) = (&f.date, date_done) {
            block.push_str(", ");
            block.push_str(date);
            date_done = true;
        }
        s.attach(&format!("({block})"));
    }
    if let (Some(date), false) = (&f.date, date_done) {
        s.push(date);
    }
    // An archival document's pages (folios) follow its place in the archive.
    let archival = (f.archive.is_some() || f.archive_location.is_some())
        && f.container.is_none()
        && f.publisher.is_none();
    if let (Some(page), false, false) = (&f.page, page_done, archival) {
        s.push(page);
    }
    for part in [&f.archive, &f.archive_location].into_iter().flatten() {
        s.push(part);
    }
    if let (Some(page), false, true) = (&f.page, page_done, archival) {
        s.push(page);
    }
    if let Some(url) = &f.url {
        s.push(url);
    }
    let mut out = s.end();
    let locator_at = out.len();
    if let Some(note) = &f.note {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(note);
        if !note.ends_with(['.', '?', '!']) {
            out.push('.');
        }
    }
    (out, locator_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<(String, Option<String>)> {
        scan_array(text)
            .unwrap()
            .into_iter()
            .map(|s| (text[s.range].to_string(), s.id.map(|r| text[r].to_string())))
            .collect()
    }

    #[test]
    fn scanner_finds_items_and_ids() {
        let text = r#" [ {"id": "a", "x": {"id": "inner"}}, {"title": "t \" {[", "id" : "b\"c"},
            {"note": "id", "id": 5}, 12 , "s,]", [1, [2]], {"id": "last"} ] "#;
        let got = scan(text);
        assert_eq!(
            got,
            vec![
                (
                    r#"{"id": "a", "x": {"id": "inner"}}"#.into(),
                    Some("a".into())
                ),
                (
                    r#"{"title": "t \" {[", "id" : "b\"c"}"#.into(),
                    Some(r#"b\"c"#.into())
                ),
                (r#"{"note": "id", "id": 5}"#.into(), None),
                ("12".into(), None),
                (r#""s,]""#.into(), None),
                ("[1, [2]]".into(), None),
                (r#"{"id": "last"}"#.into(), Some("last".into())),
            ]
        );
    }

    #[test]
    fn scanner_on_broken_and_odd_input() {
        assert_eq!(scan_array("{}"), None);
        assert_eq!(scan_array(""), None);
        assert_eq!(scan("[]"), vec![]);
        assert_eq!(scan("["), vec![]);
        // An unclosed object runs to the end; the scanner stops there.
        assert_eq!(
            scan(r#"[{"id": "a"}, {"id": "b""#),
            vec![
                (r#"{"id": "a"}"#.into(), Some("a".into())),
                (r#"{"id": "b""#.into(), Some("b".into())),
            ]
        );
        // A missing comma ends the list.
        assert_eq!(
            scan(r#"[{"id": "a"} {"id": "b"}]"#),
            vec![(r#"{"id": "a"}"#.into(), Some("a".into()))]
        );
        // An unterminated string.
        assert_eq!(
            scan(r#"[{"id": "a"#),
            vec![(r#"{"id": "a"#.into(), Some("a".into()))]
        );
        assert_eq!(
            scan("[\"é\", {\"id\":\"ü\"}]"),
            vec![
                ("\"é\"".into(), None),
                ("{\"id\":\"ü\"}".into(), Some("ü".into())),
            ]
        );
    }

    #[test]
    fn json_error_offsets() {
        for (text, expected) in [
            ("[\n  {\"id\": \"a\",\n   \"x\": tru}\n]", 27),
            ("[1,]", 3),
            ("[1] x", 4),
            ("[\"ü\n\"]", 4),
            ("[", 1),
        ] {
            let error = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(
                json_error_offset(text, &error),
                expected,
                "{text:?}: {error}"
            );
        }
    }

    #[test]
    fn blanking_keeps_offsets() {
        let text = "a\n@x{é,\n}\nb";
        let blanked = blank(text, 2..10);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "a\n      \n \nb");
        assert_eq!(chunks_of("x\n  @a{}\n@b{\n@c\n"), vec![4..9, 9..13, 13..16]);
    }

    #[test]
    fn latex_and_dates() {
        assert_eq!(
            strip_latex(r"The \emph{Selected} {W}orks \& \url{http://x.org}"),
            "The Selected Works & http://x.org"
        );
        assert_eq!(strip_latex(r"\textbf {A}~B"), "A\u{a0}B");
        assert_eq!(format_date_text("1952-09-19"), "19 September 1952");
        assert_eq!(format_date_text("1952-09"), "September 1952");
        assert_eq!(format_date_text("1952"), "1952");
        assert_eq!(format_date_text("1952/1953"), "1952–1953");
        assert_eq!(
            format_date_text("1952-09-19/1952-09-20"),
            "19 September 1952 – 20 September 1952"
        );
        assert_eq!(format_date_text("Autumn 1952"), "Autumn 1952");
        assert_eq!(format_date_text("1952-13"), "1952");
        assert_eq!(month_number("sep"), Some(9));
        assert_eq!(month_number("September"), Some(9));
        assert_eq!(month_number("9"), Some(9));
        assert_eq!(month_number("13"), None);
        assert_eq!(month_number("xy"), None);
    }

    #[test]
    fn locators() {
        let c = |f: &str, loc| cite(f, f.len(), loc);
        assert_eq!(
            c("Archive, d. 343.", Some(" ll. 97-103 ")),
            "Archive, d. 343, ll. 97-103."
        );
        assert_eq!(
            c("Archive, d. 343.", Some("p. 5.")),
            "Archive, d. 343, p. 5."
        );
        assert_eq!(c("\"Title.\"", Some("5")), "\"Title,\" 5.");
        assert_eq!(c("\"Why?\"", Some("5")), "\"Why?\" 5.");
        assert_eq!(c("X.", None), "X.");
        assert_eq!(c("X.", Some("  ")), "X.");
        assert_eq!(cite("A. Note.", 2, Some("5")), "A, 5. Note.");
        assert_eq!(cite("A. Note.", 0, Some("5")), "A. Note, 5.");
    }
}
