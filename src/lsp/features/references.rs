//! `textDocument/references`: from a document (footnote, mention, citation)
//! or from a registry/bibliography file (the entry at the cursor).

use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::ide::Location;
use crate::ide::references::{self, FileLocations, Target};
use crate::lsp::state::State;
use crate::workspace::Document;

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

/// A references answer: the URI of each file once, then its ranges, in
/// the order of the locations.
#[derive(Debug, Default)]
pub struct Answer {
    files: Vec<(lsp::Uri, Vec<lsp::Range>)>,
}

impl Answer {
    /// A range the index has a span for needs no conversion; the others
    /// are converted from the open document's text (or the file's).
    fn of(s: &State, found: Vec<FileLocations>) -> Answer {
        let mut files = Vec::with_capacity(found.len());
        for file in found {
            let Some(uri) = convert::uri_of(&file.path) else {
                continue;
            };
            let doc = s.open.get(&file.path).and_then(|f| f.doc.as_ref());
            let mut ranges = Vec::with_capacity(file.ranges.len());
            for (range, span) in file.ranges {
                ranges.push(match (span, doc) {
                    (Some(span), _) => lsp::Range::new(
                        lsp::Position::new(span.start.line, span.start.col),
                        lsp::Position::new(span.end.line, span.end.col),
                    ),
                    (None, Some(doc)) => {
                        convert::range(&doc.line_index, &doc.text, &range, s.encoding)
                    }
                    (None, None) => {
                        let Some(loc) = s.location(&Location::new(file.path.clone(), range)) else {
                            continue;
                        };
                        loc.range
                    }
                });
            }
            files.push((uri, ranges));
        }
        Answer { files }
    }

    /// The LSP locations, one URI cloned per location.
    pub fn locations(self) -> Vec<lsp::Location> {
        let total = self.files.iter().map(|(_, r)| r.len()).sum();
        let mut out = Vec::with_capacity(total);
        for (uri, ranges) in self.files {
            out.extend(ranges.into_iter().map(|range| lsp::Location {
                uri: uri.clone(),
                range,
            }));
        }
        out
    }

    /// The JSON of `locations()` written straight to `out`, byte for byte
    /// what tower-lsp writes for them; each file's URI escaped once.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut uri = Vec::new();
        let total: usize = self
            .files
            .iter()
            .map(|(u, r)| r.len() * (u.as_str().len() + 96))
            .sum();
        out.reserve(total + 2);
        out.push(b'[');
        let mut first = true;
        for (u, ranges) in &self.files {
            uri.clear();
            convert::json::uri(&mut uri, u);
            for r in ranges {
                if !first {
                    out.push(b',');
                }
                first = false;
                convert::json::location(out, &uri, r);
            }
        }
        out.push(b']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_of_an_answer_is_the_json_of_its_locations() {
        let range =
            |a, b, c, d| lsp::Range::new(lsp::Position::new(a, b), lsp::Position::new(c, d));
        let uri = |s: &str| -> lsp::Uri { s.parse().unwrap() };
        let answers = [
            Answer::default(),
            Answer {
                files: vec![(uri("file:///a.scholia"), vec![])],
            },
            Answer {
                files: vec![
                    (uri("file:///reg/entities.toml"), vec![range(3, 4, 3, 9)]),
                    (uri("file:///docs/%E5%91%A8%20x.scholia"), vec![]),
                    (
                        uri("file:///docs/b.scholia"),
                        vec![range(0, 0, 0, 7), range(10, 2, 11, 0), range(10, 2, 11, 0)],
                    ),
                ],
            },
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
