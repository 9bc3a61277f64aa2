//! Conversions between LSP types and ours: URIs ↔ paths, positions ↔ byte
//! offsets (in the negotiated encoding), our diagnostics → LSP diagnostics.

use std::ops::Range;
use std::path::{Path, PathBuf};

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::diagnostics::{Diagnostic, Severity};
use crate::text::{Encoding, LineCol, LineIndex};

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

/// A position in a rope → byte offset, with LSP's clamping rules: a column
/// past the line's end is the line's end, a line past the last is the end.
pub fn rope_offset(rope: &Rope, p: lsp::Position, enc: Encoding) -> usize {
    let line = p.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let mut offset = start;
    let mut units = 0usize;
    for c in rope.line(line).chars() {
        if c == '\n' || c == '\r' {
            break;
        }
        let w = enc.width(c);
        if units + w > p.character as usize {
            break;
        }
        units += w;
        offset += c.len_utf8();
    }
    offset
}

/// Byte offset in a rope → tree-sitter point (row, byte column).
pub fn rope_point(rope: &Rope, offset: usize) -> tree_sitter::Point {
    let row = rope.byte_to_line(offset);
    tree_sitter::Point::new(row, offset - rope.line_to_byte(row))
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(index: &LineIndex, text: &str, d: &Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(index, text, &d.range, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("scholia".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}
