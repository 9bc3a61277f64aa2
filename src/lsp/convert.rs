//! Conversions between LSP types and ours: URIs ↔ paths, positions ↔ byte
//! offsets (in the negotiated encoding), locations, our diagnostics → LSP
//! diagnostics. Every conversion of a location happens here.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types as lsp;

use crate::base::{Diagnostic, Severity};
use crate::host::{FileChange, Host, RelatedFile};
use crate::ide::Location;
use crate::ide::markup::Markup;
use crate::text::{Encoding, LineCol, LineIndex};
use crate::workspace::Span;

pub fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if !is_file {
        return None;
    }
    uri.to_file_path().map(|p| crate::workspace::normalize(&p))
}

pub fn uri_of(path: &Path) -> Option<lsp::Uri> {
    lsp::Uri::from_file_path(path)
}

/// The URI of `path` as a JSON string (what `json::uri` writes for
/// `uri_of(path)`), or `""` when it has none. Large answers keep it per
/// document of the index (`IndexedDoc::path_text`): percent-encoding a
/// path costs about a microsecond, and an answer can name 15,000 files.
pub fn uri_json_of(path: &Path) -> Arc<str> {
    let Some(uri) = uri_of(path) else {
        return Arc::from("");
    };
    let mut out = Vec::with_capacity(uri.as_str().len() + 2);
    json::uri(&mut out, &uri);
    Arc::from(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

pub fn encoding_kind(enc: Encoding) -> lsp::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        Encoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// The first encoding the client offers that we support (UTF-16 when it
/// offers none).
pub fn negotiate(offered: Option<&[lsp::PositionEncodingKind]>) -> Encoding {
    for kind in offered.unwrap_or_default() {
        match kind.as_str() {
            "utf-8" => return Encoding::Utf8,
            "utf-32" => return Encoding::Utf32,
            "utf-16" => return Encoding::Utf16,
            _ => {}
        }
    }
    Encoding::Utf16
}

pub fn position(index: &LineIndex, text: &str, offset: usize, enc: Encoding) -> lsp::Position {
    let lc = index.line_col(text, offset, enc);
    lsp::Position::new(lc.line, lc.col)
}

pub fn range(index: &LineIndex, text: &str, r: &Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range::new(
        position(index, text, r.start, enc),
        position(index, text, r.end, enc),
    )
}

pub fn offset(index: &LineIndex, text: &str, p: lsp::Position, enc: Encoding) -> usize {
    index.offset(
        text,
        LineCol {
            line: p.line,
            col: p.character,
        },
        enc,
    )
}

/// An LSP position as a line and column (in the negotiated encoding).
pub fn line_col(p: lsp::Position) -> LineCol {
    LineCol {
        line: p.line,
        col: p.character,
    }
}

/// A span the index keeps (line and column in the negotiated encoding).
pub fn span_range(span: Span) -> lsp::Range {
    lsp::Range::new(
        lsp::Position::new(span.start.line, span.start.col),
        lsp::Position::new(span.end.line, span.end.col),
    )
}

/// An `ide::Location` as an LSP location: from its span when the index
/// has one, else from the file's text (open, in memory, or on disk).
pub fn location(host: &Host, loc: &Location) -> Option<lsp::Location> {
    let uri = uri_of(&loc.path)?;
    location_in(host, uri, loc)
}

fn location_in(host: &Host, uri: lsp::Uri, loc: &Location) -> Option<lsp::Location> {
    let range = location_range(host, loc)?;
    Some(lsp::Location { uri, range })
}

/// The LSP range of a location: its span, else converted from its file's
/// text (nothing to convert for the start of a file).
pub fn location_range(host: &Host, loc: &Location) -> Option<lsp::Range> {
    Some(match (&loc.span, loc.range == (0..0)) {
        (Some(span), _) => span_range(*span),
        (None, true) => lsp::Range::default(),
        (None, false) => host.with_text(&loc.path, |text, index| {
            range(index, text, &loc.range, host.encoding)
        })?,
    })
}

/// A watcher's change type as ours (a type we do not know counts as a
/// file created, as anything but a change does).
pub fn file_change(t: lsp::FileChangeType) -> FileChange {
    match t {
        lsp::FileChangeType::CHANGED => FileChange::Changed,
        lsp::FileChangeType::DELETED => FileChange::Deleted,
        _ => FileChange::Created,
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// One diagnostic (for many, `diagnostics` is linear and bounded).
#[allow(dead_code)]
pub fn diagnostic(index: &LineIndex, text: &str, d: &Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    diagnostic_at(d, range(index, text, &d.range, enc))
}

fn diagnostic_at(d: &Diagnostic, range: lsp::Range) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("scholia".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

/// The related places of `d` as LSP related information, each converted
/// through its file's text in `others` (a place in no such file is left
/// out).
fn related_information(
    d: &Diagnostic,
    others: &[RelatedFile<'_>],
    uri_of: &dyn Fn(&Path) -> Option<lsp::Uri>,
    enc: Encoding,
) -> Option<Vec<lsp::DiagnosticRelatedInformation>> {
    let list: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let file = others.iter().find(|f| f.path == r.path)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri_of(&r.path)?,
                    range: range(file.index, file.text, &r.range, enc),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    (!list.is_empty()).then_some(list)
}

/// The most diagnostics published for one file. Past it, the first ones
/// (in document order) are sent with a note saying how many were left out:
/// half a million problems in one file help nobody, and converting and
/// sending them all would stall the server.
pub const MAX_DIAGNOSTICS: usize = 10_000;

/// LSP positions of many byte offsets at once, the same as `position` for
/// each: one walk along each line however many offsets it holds, so that a
/// diagnostic on every word of a 50 MB line stays linear.
pub fn positions(
    index: &LineIndex,
    text: &str,
    offsets: &mut Vec<usize>,
    enc: Encoding,
) -> HashMap<usize, lsp::Position> {
    offsets.sort_unstable();
    offsets.dedup();
    let mut out = HashMap::with_capacity(offsets.len());
    // (line, its content range, offset reached, column there)
    let mut at: Option<(usize, Range<usize>, usize, u32)> = None;
    for &offset in offsets.iter() {
        let o = offset.min(text.len());
        let line = index.line_of(o);
        let (cur_line, range, reached, col) = match at.take() {
            Some(a) if a.0 == line => a,
            _ => {
                let range = index.line_range(text, line).unwrap_or(o..o);
                (line, range.clone(), range.start, 0)
            }
        };
        let end = crate::text::floor_char_boundary(text, o.min(range.end).max(reached));
        let end = end.max(reached);
        let col = col + enc.len(&text[reached..end]) as u32;
        out.insert(offset, lsp::Position::new(cur_line as u32, col));
        at = Some((cur_line, range, end, col));
    }
    out
}

/// Our diagnostics of one file as LSP diagnostics: at most
/// `MAX_DIAGNOSTICS`, then a note on what was left out.
pub fn diagnostics(
    index: &LineIndex,
    text: &str,
    list: &[Diagnostic],
    enc: Encoding,
    others: &[RelatedFile<'_>],
    uri_of: &dyn Fn(&Path) -> Option<lsp::Uri>,
) -> Vec<lsp::Diagnostic> {
    let mut kept: Vec<&Diagnostic> = list.iter().collect();
    let left_out = kept.len().saturating_sub(MAX_DIAGNOSTICS);
    if left_out > 0 {
        kept.sort_by_key(|d| (d.range.start, d.range.end));
        kept.truncate(MAX_DIAGNOSTICS);
    }
    let mut offsets: Vec<usize> = kept
        .iter()
        .flat_map(|d| [d.range.start, d.range.end])
        .collect();
    let at = positions(index, text, &mut offsets, enc);
    let mut out: Vec<lsp::Diagnostic> = kept
        .iter()
        .map(|d| lsp::Diagnostic {
            related_information: related_information(d, others, uri_of, enc),
            ..diagnostic_at(d, lsp::Range::new(at[&d.range.start], at[&d.range.end]))
        })
        .collect();
    if left_out > 0 {
        out.push(lsp::Diagnostic {
            range: lsp::Range::default(),
            severity: Some(lsp::DiagnosticSeverity::INFORMATION),
            source: Some("scholia".to_string()),
            message: format!(
                "{left_out} more problems in this file are not shown (the server sends at most {MAX_DIAGNOSTICS} per file); `scholia check` lists them all"
            ),
            ..Default::default()
        });
    }
    out
}

/// LSP values written as JSON straight to bytes, the bytes tower-lsp
/// writes for the `ls_types` values: it serializes a result through a
/// `serde_json::Value`, whose objects keep their keys sorted (tests compare
/// both ways). For answers of tens of thousands of locations.
pub mod json {
    use tower_lsp_server::ls_types as lsp;

    /// A JSON string (escaped as serde_json escapes it).
    pub fn string(out: &mut Vec<u8>, s: &str) {
        serde_json::to_writer(out, s).expect("writing to a Vec cannot fail");
    }

    /// A URI as JSON (a string).
    pub fn uri(out: &mut Vec<u8>, uri: &lsp::Uri) {
        serde_json::to_writer(out, uri).expect("writing to a Vec cannot fail");
    }

    /// The bytes of a `Location` beside its URI and its four numbers: keys
    /// and punctuation, and the comma that follows it in a list.
    pub const LOCATION_KEYS: usize = 79;

    /// The number of digits `itoa` writes for `n`.
    pub fn digits(n: u32) -> usize {
        n.checked_ilog10().map_or(1, |l| l as usize + 1)
    }

    fn int(out: &mut Vec<u8>, n: u32) {
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    pub fn position(out: &mut Vec<u8>, p: lsp::Position) {
        out.extend_from_slice(br#"{"character":"#);
        int(out, p.character);
        out.extend_from_slice(br#","line":"#);
        int(out, p.line);
        out.push(b'}');
    }

    pub fn range(out: &mut Vec<u8>, r: &lsp::Range) {
        out.extend_from_slice(br#"{"end":"#);
        position(out, r.end);
        out.extend_from_slice(br#","start":"#);
        position(out, r.start);
        out.push(b'}');
    }

    /// A `Location` whose URI was written once with `uri`: what `range`
    /// writes, assembled on the stack and appended at once (an answer
    /// writes 100,000 of them).
    pub fn location(out: &mut Vec<u8>, uri_json: &[u8], r: &lsp::Range) {
        // 77 bytes of keys and punctuation, four numbers of ten digits.
        let mut buf = [0u8; 128];
        let mut n = 0;
        let mut put = |bytes: &[u8]| {
            buf[n..n + bytes.len()].copy_from_slice(bytes);
            n += bytes.len();
        };
        let mut digits = itoa::Buffer::new();
        put(br#"{"range":{"end":{"character":"#);
        put(digits.format(r.end.character).as_bytes());
        put(br#","line":"#);
        put(digits.format(r.end.line).as_bytes());
        put(br#"},"start":{"character":"#);
        put(digits.format(r.start.character).as_bytes());
        put(br#","line":"#);
        put(digits.format(r.start.line).as_bytes());
        put(br#"}},"uri":"#);
        out.reserve(n + uri_json.len() + 1);
        out.extend_from_slice(&buf[..n]);
        out.extend_from_slice(uri_json);
        out.push(b'}');
    }

    /// A `TextEdit`.
    pub fn text_edit(out: &mut Vec<u8>, r: &lsp::Range, new_text: &str) {
        out.extend_from_slice(br#"{"newText":"#);
        string(out, new_text);
        out.extend_from_slice(br#","range":"#);
        range(out, r);
        out.push(b'}');
    }
}

/// Whether a client's list of content formats lets it render Markdown.
/// A list without `markdown` gets plain text; no list at all gets Markdown
/// (what clients that do not say have always been sent).
fn markup_of(formats: Option<&Vec<lsp::MarkupKind>>) -> Option<Markup> {
    formats.map(|list| {
        if list.contains(&lsp::MarkupKind::Markdown) {
            Markup::Markdown
        } else {
            Markup::PlainText
        }
    })
}

/// The format of hover cards: `textDocument.hover.contentFormat`.
pub fn hover_markup(client: &lsp::ClientCapabilities) -> Markup {
    let formats = client
        .text_document
        .as_ref()
        .and_then(|t| t.hover.as_ref())
        .and_then(|h| h.content_format.as_ref());
    markup_of(formats).unwrap_or_default()
}

/// The format of completion documentation:
/// `completionItem.documentationFormat`, else the hover's (a client that
/// shows plain hovers, as eglot without markdown-mode, shows plain
/// documentation too).
pub fn documentation_markup(client: &lsp::ClientCapabilities) -> Markup {
    let formats = client
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.documentation_format.as_ref());
    markup_of(formats).unwrap_or_else(|| hover_markup(client))
}

/// A card as LSP `MarkupContent` of the kind it was written in.
pub fn markup_content(value: String, markup: Markup) -> lsp::MarkupContent {
    let kind = match markup {
        Markup::Markdown => lsp::MarkupKind::Markdown,
        Markup::PlainText => lsp::MarkupKind::PlainText,
    };
    lsp::MarkupContent { kind, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_writers_write_what_serde_json_writes() {
        let uris = [
            "file:///a/b.scholia",
            "file:///with%20space/%D0%B4%D0%BE%D0%BA.scholia",
            "file:///q%22uote/back%5Cslash/%E5%91%A8.scholia",
        ];
        let ranges = [
            lsp::Range::default(),
            lsp::Range::new(lsp::Position::new(1, 22), lsp::Position::new(333, 4444)),
            lsp::Range::new(
                lsp::Position::new(u32::MAX, 0),
                lsp::Position::new(u32::MAX, u32::MAX),
            ),
        ];
        for u in uris {
            let uri: lsp::Uri = u.parse().unwrap();
            let mut uri_json = Vec::new();
            json::uri(&mut uri_json, &uri);
            for r in &ranges {
                let mut ours = Vec::new();
                json::location(&mut ours, &uri_json, r);
                let loc = lsp::Location {
                    uri: uri.clone(),
                    range: *r,
                };
                // tower-lsp's path: a `Value` first, then its bytes.
                let via_value = serde_json::to_string(&serde_json::to_value(&loc).unwrap());
                assert_eq!(String::from_utf8(ours.clone()).unwrap(), via_value.unwrap());
                // The same value as serializing the type directly.
                let direct: serde_json::Value = serde_json::from_slice(&ours).unwrap();
                assert_eq!(direct, serde_json::to_value(&loc).unwrap());
            }
        }
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12345,
            999_999_999,
            1_000_000_000,
            u32::MAX,
        ] {
            assert_eq!(json::digits(n), n.to_string().len());
        }
        let uri_json = br#""file:///a.scholia""#;
        let r = ranges[1];
        let mut one = Vec::new();
        json::location(&mut one, uri_json, &r);
        let numbers = [r.start.line, r.start.character, r.end.line, r.end.character];
        assert_eq!(
            one.len() + 1,
            json::LOCATION_KEYS + uri_json.len() + numbers.map(json::digits).iter().sum::<usize>()
        );
        for text in ["new-id", "new-id|Old \"name\" \\ é 周\n\t\u{1}", ""] {
            let edit = lsp::TextEdit {
                range: ranges[1],
                new_text: text.into(),
            };
            let mut ours = Vec::new();
            json::text_edit(&mut ours, &edit.range, &edit.new_text);
            let value = serde_json::to_value(&edit).unwrap();
            assert_eq!(ours, serde_json::to_vec(&value).unwrap());
        }
    }

    #[test]
    fn batch_positions_equal_single_positions() {
        let text = "a\r\n周恩来 👨\u{200d}👩 e\u{301}x\rlast\n\nend";
        let index = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let mut all: Vec<usize> = (0..=text.len() + 3).collect();
            let batch = positions(&index, text, &mut all, enc);
            for o in 0..=text.len() + 3 {
                assert_eq!(batch[&o], position(&index, text, o, enc), "{enc:?} {o}");
            }
        }
    }
}
