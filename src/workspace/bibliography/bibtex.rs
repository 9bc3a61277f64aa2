//! The BibTeX/BibLaTeX loader, on the biblatex crate: each entry with its
//! span and its key's; a broken entry (syntax, repeated key, unknown
//! `@string`, `crossref` cycle) is blanked out and the rest parsed again.
//! As in BibTeX, a `@string` of one `.bib` file can be used in the others.

use std::collections::HashMap;
use std::ops::Range;

use biblatex::RawBibliography;

use super::Loader;
use super::model;

/// The `@string` abbreviations of a BibTeX file: (key, `@string{key = …}`
/// as written).
pub(super) fn string_definitions(text: &str) -> Vec<(String, String)> {
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

impl Loader<'_> {
    pub(super) fn bibtex(&mut self, file: usize, text: &str) {
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
                for (raw, converted) in entries {
                    let range = raw.range.clone();
                    if let Some(problem) = &converted.problem {
                        let message =
                            format!("`{}` cannot be formatted as written: {problem}", raw.key);
                        self.problem(file, raw.key_range.clone(), message);
                    }
                    self.push(file, raw.key, raw.kind, converted, (range, raw.key_range));
                }
            }
            Err(_) => self.problem(file, 0..0, "the BibTeX parser failed on this file"),
        }
    }

    /// The entries of a BibTeX file that parse, converted; each
    /// problem as (range, message). A broken entry is blanked out of the
    /// text (offsets kept) and the rest parsed again.
    fn parse_bibtex(
        &mut self,
        file: usize,
        text: &str,
        problems: &mut Vec<(Range<usize>, String)>,
    ) -> Vec<(RawSpans, model::Converted)> {
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
                let converted = model::from_bibtex(entry, parent);
                Some((raw, converted))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanking_keeps_offsets() {
        let text = "a\n@x{é,\n}\nb";
        let blanked = blank(text, 2..10);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "a\n      \n \nb");
        assert_eq!(chunks_of("x\n  @a{}\n@b{\n@c\n"), vec![4..9, 9..13, 13..16]);
    }
}
