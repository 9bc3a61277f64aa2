//! `textDocument/references`: from a document (footnote, mention, citation)
//! or from a registry/bibliography file (the entry at the cursor).

use std::sync::Arc;

use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::ide::Location;
use crate::ide::references::{self, FileLocations, Ranges, Target};
use crate::lsp::state::State;
use crate::workspace::{Document, Span};

pub fn register(caps: &mut lsp::ServerCapabilities, _client: &lsp::ClientCapabilities) {
    caps.references_provider = Some(lsp::OneOf::Left(true));
}

/// The target at a position, in a document or in a registry/bibliography
/// file, with the document asked from.
pub(super) fn target_at<'s>(
    s: &'s State,
    uri: &lsp::Uri,
    pos: lsp::Position,
) -> Option<(Target, Option<&'s Document>)> {
    if let Some((doc, offset)) = super::doc_at(s, uri, pos) {
        let ws = s.workspace_of(&doc.path);
        return references::target_at(doc, ws, offset).map(|t| (t, Some(doc)));
    }
    let path = convert::path_of(uri)?;
    let (text, index) = s.text_of(&path)?;
    let offset = convert::offset(&index, &text, pos, s.encoding);
    references::target_in_file(s.workspace_of(&path), &path, offset).map(|t| (t, None))
}

pub fn references(s: &mut State, p: lsp::ReferenceParams) -> Option<Answer> {
    let tp = p.text_document_position;
    let (target, current) = target_at(s, &tp.text_document.uri, tp.position)?;
    let path = convert::path_of(&tp.text_document.uri)?;
    let ws = s.workspace_of(&path);
    let open = |p: &std::path::Path| s.open.get(p).and_then(|f| f.doc.as_ref());
    let found = references::references(ws, &target, current, open, p.context.include_declaration);
    Some(Answer::of(s, found))
}

/// A references answer: the URI of each file once (as JSON) with the
/// number of its ranges, then all the ranges, in the order of the
/// locations.
#[derive(Debug, Default)]
pub struct Answer {
    files: Vec<(Arc<str>, usize)>,
    ranges: Vec<lsp::Range>,
}

fn lsp_range(span: Span) -> lsp::Range {
    lsp::Range::new(
        lsp::Position::new(span.start.line, span.start.col),
        lsp::Position::new(span.end.line, span.end.col),
    )
}

impl Answer {
    /// A range the index has a span for needs no conversion; the others
    /// are converted from the open document's text (or the file's).
    fn of(s: &State, found: Vec<FileLocations>) -> Answer {
        let mut files = Vec::with_capacity(found.len());
        let mut ranges = Vec::with_capacity(found.iter().map(|f| f.ranges.len()).sum());
        for file in found {
            let uri = match file.indexed() {
                Some(doc) => doc.path_text(convert::uri_json_of),
                None => convert::uri_json_of(&file.path),
            };
            if uri.is_empty() {
                continue;
            }
            let before = ranges.len();
            // A closed document of the index: a span for every mention.
            if let Ranges::Mentions(doc) = &file.ranges {
                let mut spans = true;
                for o in doc.mentions() {
                    let Some(span) = o.span else {
                        spans = false;
                        break;
                    };
                    ranges.push(lsp_range(span));
                }
                if spans {
                    files.push((uri, ranges.len() - before));
                    continue;
                }
                ranges.truncate(before);
            }
            let doc = s.open.get(file.path.as_ref()).and_then(|f| f.doc.as_ref());
            for (range, span) in file.ranges.iter() {
                ranges.push(match (span, doc) {
                    (Some(span), _) => lsp_range(span),
                    (None, Some(doc)) => {
                        convert::range(&doc.line_index, &doc.text, &range, s.encoding)
                    }
                    (None, None) => {
                        let location = Location::new(file.path.to_path_buf(), range);
                        let Some(loc) = s.location(&location) else {
                            continue;
                        };
                        loc.range
                    }
                });
            }
            files.push((uri, ranges.len() - before));
        }
        Answer { files, ranges }
    }

    /// An answer of these files and ranges (URIs as JSON).
    #[cfg(test)]
    fn of_files(list: Vec<(Arc<str>, Vec<lsp::Range>)>) -> Answer {
        let mut a = Answer::default();
        for (uri, ranges) in list {
            a.files.push((uri, ranges.len()));
            a.ranges.extend(ranges);
        }
        a
    }

    /// The LSP locations, one URI cloned per location.
    pub fn locations(self) -> Vec<lsp::Location> {
        let mut out = Vec::with_capacity(self.ranges.len());
        let mut ranges = self.ranges.into_iter();
        for (uri, n) in self.files {
            let uri: lsp::Uri = serde_json::from_str(&uri).expect("a URI written as JSON");
            out.extend(ranges.by_ref().take(n).map(|range| lsp::Location {
                uri: uri.clone(),
                range,
            }));
        }
        out
    }

    /// The JSON of `locations()` written straight to `out`, byte for byte
    /// what tower-lsp writes for them.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        // The exact length, so that a buffer kept from a previous answer
        // is used as it is when large enough (`transport::answer_raw`).
        let digits: usize = self
            .ranges
            .iter()
            .map(|r| {
                let d = convert::json::digits;
                d(r.start.line) + d(r.start.character) + d(r.end.line) + d(r.end.character)
            })
            .sum();
        let uris: usize = self.files.iter().map(|(u, n)| n * u.len()).sum();
        out.reserve(2 + self.ranges.len() * convert::json::LOCATION_KEYS + uris + digits);
        out.push(b'[');
        let mut ranges = self.ranges.iter();
        for (uri, n) in &self.files {
            for r in ranges.by_ref().take(*n) {
                convert::json::location(out, uri.as_bytes(), r);
                out.push(b',');
            }
        }
        // The comma after the last location, if any, becomes the bracket.
        match out.last_mut() {
            Some(last @ b',') => *last = b']',
            _ => out.push(b']'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_of_an_answer_is_the_json_of_its_locations() {
        let range =
            |a, b, c, d| lsp::Range::new(lsp::Position::new(a, b), lsp::Position::new(c, d));
        // The URI as the answer keeps it: as JSON (`convert::uri_json_of`).
        let uri = |s: &str| -> Arc<str> {
            let uri: lsp::Uri = s.parse().unwrap();
            let mut json = Vec::new();
            convert::json::uri(&mut json, &uri);
            let json = String::from_utf8(json).unwrap();
            assert_eq!(serde_json::from_str::<lsp::Uri>(&json).unwrap(), uri);
            Arc::from(json)
        };
        let answers = [
            Answer::default(),
            Answer::of_files(vec![(uri("file:///a.scholia"), vec![])]),
            Answer::of_files(vec![
                (uri("file:///reg/entities.toml"), vec![range(3, 4, 3, 9)]),
                (uri("file:///docs/%E5%91%A8%20x.scholia"), vec![]),
                (
                    uri("file:///docs/b.scholia"),
                    vec![range(0, 0, 0, 7), range(10, 2, 11, 0), range(10, 2, 11, 0)],
                ),
            ]),
        ];
        for a in answers {
            let mut ours = Vec::new();
            a.write_json(&mut ours);
            // What tower-lsp writes: through a `Value`, then bytes.
            let value = serde_json::to_value(a.locations()).unwrap();
            assert_eq!(ours, serde_json::to_vec(&value).unwrap());
        }
    }
}
