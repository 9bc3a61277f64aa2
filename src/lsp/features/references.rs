//! `textDocument/references`: from a document (footnote, mention, citation)
//! or from a registry/bibliography file (the entry at the cursor).

use std::sync::{Arc, OnceLock};

use tower_lsp_server::ls_types as lsp;

use super::super::convert;
use crate::ide::Location;
use crate::ide::references::{self, FileLocations, Ranges, Target};
use crate::lsp::state::State;
use crate::lsp::transport::JsonOut;
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
        let ws = s.host.workspace_of(&doc.path);
        return references::target_at(doc, ws, offset).map(|t| (t, Some(doc)));
    }
    let path = convert::path_of(uri)?;
    let (text, index) = s.host.text_of(&path)?;
    let offset = convert::offset(&index, &text, pos, s.host.encoding);
    references::target_in_file(s.host.workspace_of(&path), &path, offset).map(|t| (t, None))
}

pub fn references(s: &mut State, p: lsp::ReferenceParams) -> Option<Answer> {
    let tp = p.text_document_position;
    let (target, current) = target_at(s, &tp.text_document.uri, tp.position)?;
    let path = convert::path_of(&tp.text_document.uri)?;
    let ws = s.host.workspace_of(&path);
    let open = |p: &std::path::Path| s.host.open_doc(p);
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

/// Answers above this many locations are converted on two threads.
const SPLIT_ABOVE: usize = 20_000;

/// Runs `a` here and `b` at once on a thread kept for the purpose (the
/// halves of a large answer; one thread, so that the CPU time of requests
/// stays countable per process and no thread is started per request).
/// Without that thread, both run here. A panic in `b` is resumed here.
fn both<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    static HELPER: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let helper = HELPER.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "scholia-answer".into())
            .build()
            .ok()
    });
    let Some(helper) = helper else {
        return (a(), b());
    };
    let mut second = None;
    let first = helper.in_place_scope(|scope| {
        scope.spawn(|_| second = Some(b()));
        a()
    });
    (first, second.expect("the scope waits for its work"))
}

impl Answer {
    /// A range the index has a span for needs no conversion; the others
    /// are converted from the open document's text (or the file's). A
    /// large answer is converted in two halves at once (the loads of
    /// 100,000 mentions from all over the index are most of its cost),
    /// and the halves joined in order.
    fn of(s: &State, found: Vec<FileLocations>) -> Answer {
        let total: usize = found.iter().map(|f| f.ranges.len()).sum();
        if total <= SPLIT_ABOVE {
            return Answer::of_part(s, &found);
        }
        // The first file of the second half: where half the locations are.
        let mut seen = 0;
        let mid = found
            .iter()
            .position(|f| {
                seen += f.ranges.len();
                seen > total / 2
            })
            .unwrap_or(found.len());
        let (a, b) = found.split_at(mid);
        let (mut first, second) = both(|| Answer::of_part(s, a), || Answer::of_part(s, b));
        first.files.extend(second.files);
        first.ranges.extend(second.ranges);
        first
    }

    fn of_part(s: &State, found: &[FileLocations]) -> Answer {
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
            // A document of the index with a span for every mention.
            if let Ranges::Mentions(doc) = &file.ranges
                && let Some(spans) = doc.mention_spans()
            {
                ranges.extend(spans.iter().map(|&span| convert::span_range(span)));
                files.push((uri, ranges.len() - before));
                continue;
            }
            let doc = s.host.open_doc(file.path.as_ref());
            for (range, span) in file.ranges.iter() {
                ranges.push(match (span, doc) {
                    (Some(span), _) => convert::span_range(span),
                    (None, Some(doc)) => {
                        convert::range(&doc.line_index, &doc.text, &range, s.host.encoding)
                    }
                    (None, None) => {
                        let location = Location::new(file.path.to_path_buf(), range);
                        let Some(loc) = convert::location(&s.host, &location) else {
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

    /// The exact length of `write_json`'s bytes.
    pub fn json_len(&self) -> usize {
        let d = convert::json::digits;
        let digits: usize = self
            .ranges
            .iter()
            .map(|r| d(r.start.line) + d(r.start.character) + d(r.end.line) + d(r.end.character))
            .sum();
        let uris: usize = self.files.iter().map(|(u, n)| n * u.len()).sum();
        // Brackets, and a comma between two locations.
        let commas = self.ranges.len().saturating_sub(1);
        let keys = convert::json::LOCATION_KEYS - 1;
        2 + commas + self.ranges.len() * keys + uris + digits
    }

    /// The JSON of `locations()` written straight to `out`, byte for byte
    /// what tower-lsp writes for them, each location a value of its own
    /// (a streamed answer may be sent between two).
    pub fn write_json(&self, out: &mut impl JsonOut) {
        out.buf().push(b'[');
        let mut ranges = self.ranges.iter();
        let mut first = true;
        for (uri, n) in &self.files {
            for r in ranges.by_ref().take(*n) {
                let buf = out.buf();
                if !first {
                    buf.push(b',');
                }
                first = false;
                convert::json::location(buf, uri.as_bytes(), r);
                out.value_done();
            }
        }
        out.buf().push(b']');
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
            assert_eq!(ours.len(), a.json_len());
            // What tower-lsp writes: through a `Value`, then bytes.
            let value = serde_json::to_value(a.locations()).unwrap();
            assert_eq!(ours, serde_json::to_vec(&value).unwrap());
        }
    }
}
