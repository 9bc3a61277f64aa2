//! What `scholia check` prints: its problems located in their files, in one
//! of the formats of `--format`.
//!
//! - `text`: each problem with its source line(s) and its range underlined
//!   (rendered by `annotate-snippets`, the renderer of rustc), in colour when
//!   stdout is a terminal and `NO_COLOR` is unset; the summary last.
//! - `short`: one `path:line:col: severity[code]: message` line each.
//! - `json`: our own object (`diagnostics` and `summary`).
//! - `sarif`: a SARIF 2.1.0 log, one run, a rule per code.
//! - `github`: GitHub Actions workflow commands (`::error file=…::…`).
//!
//! Lines and columns are 1-based everywhere; columns count Unicode scalar
//! values (characters as Rust and Python count them), which SARIF calls
//! `unicodeCodePoints`. An end column is the column just after the range.

use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use serde_json::{Value, json};

use super::Format;
use crate::base::{Code, Diagnostic, Lints, Severity};
use crate::diagnostics;
use crate::text::{Encoding, LineCol, LineIndex, floor_char_boundary};

/// One file's problems, ready to print: positions (and, for the `text`
/// format, the source lines) are computed where the file is checked, so
/// that no whole text is kept until the end.
pub struct Report {
    pub path: PathBuf,
    pub diagnostics: Vec<Located>,
}

/// A diagnostic with its 0-based line and column (in characters).
pub struct Located {
    pub diagnostic: Diagnostic,
    pub start: LineCol,
    pub end: LineCol,
    /// The lines the range covers, for the `text` format.
    pub excerpt: Option<Excerpt>,
}

/// The source lines of a range: the text from the start of its first line
/// to the end of its last (without the line break), and the range in it.
/// A very long excerpt is cut to a window around the range, marked `…`.
pub struct Excerpt {
    /// 0-based number of the first line.
    pub line: usize,
    pub text: String,
    pub span: Range<usize>,
}

/// Past this many bytes, an excerpt is cut to a window around its range.
const MAX_EXCERPT: usize = 2_000;
/// How much of the line is kept on either side of the range in a window.
const CONTEXT: usize = 200;

impl Excerpt {
    pub fn new(text: &str, line_index: &LineIndex, range: &Range<usize>) -> Excerpt {
        let start = floor_char_boundary(text, range.start);
        let end = floor_char_boundary(text, range.end.max(start));
        let first = line_index.line_of(start);
        let last = line_index.line_of(end).max(first);
        let mut from = line_index
            .line_range(text, first)
            .map_or(start, |r| r.start);
        if from == 0 {
            from = crate::text::bom_len(text);
        }
        let to = line_index
            .line_range(text, last)
            .map_or(end, |r| r.end)
            .max(end.min(text.len()));
        let (start, end) = (start.max(from), end.max(from));
        if to - from <= MAX_EXCERPT {
            return Excerpt {
                line: first,
                text: text[from..to].to_string(),
                span: start - from..end.min(to) - from,
            };
        }
        // A window: some context before the range, the range (at most
        // MAX_EXCERPT bytes of it), some context after.
        let w_start = floor_char_boundary(text, start.saturating_sub(CONTEXT).max(from));
        let shown_end = floor_char_boundary(text, end.min(start + MAX_EXCERPT));
        let w_end = floor_char_boundary(text, (shown_end + CONTEXT).min(to));
        let mut out = String::new();
        if w_start > from {
            out.push('…');
        }
        let offset = out.len();
        // Line breaks inside a window keep their lines; the cut ends stay
        // on the first and last line.
        out.push_str(&text[w_start..w_end]);
        if w_end < to {
            out.push('…');
        }
        Excerpt {
            line: first,
            text: out,
            span: start - w_start + offset..shown_end.max(start) - w_start + offset,
        }
    }
}

impl Report {
    /// Applies the `[lint]` levels and sorts (`diagnostics::finish_with`),
    /// then locates each diagnostic in `text` (with its source lines when
    /// `excerpts`).
    pub fn new(
        path: PathBuf,
        text: &str,
        line_index: &LineIndex,
        mut diagnostics: Vec<Diagnostic>,
        lints: &Lints,
        excerpts: bool,
    ) -> Report {
        diagnostics::finish_with(&mut diagnostics, lints);
        let diagnostics = diagnostics
            .into_iter()
            .map(|d| Located {
                start: line_index.line_col(text, d.range.start, Encoding::Utf32),
                end: line_index.line_col(text, d.range.end, Encoding::Utf32),
                excerpt: excerpts.then(|| Excerpt::new(text, line_index, &d.range)),
                diagnostic: d,
            })
            .collect();
        Report { path, diagnostics }
    }
}

/// A path as printed: relative to the current folder when under it.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    rel.display().to_string()
}

/// Whether the `text` format is coloured: stdout is a terminal and
/// `NO_COLOR` is unset (or empty, as no-color.org says).
fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Counts by severity: hints, infos, warnings, errors.
fn counts(reports: &[Report]) -> [usize; 4] {
    let mut counts = [0usize; 4];
    for r in reports {
        for l in &r.diagnostics {
            counts[l.diagnostic.severity as usize] += 1;
        }
    }
    counts
}

/// The summary line of the `text`, `short` and `github` formats.
pub fn summary(documents: usize, counts: [usize; 4]) -> String {
    let [hints, infos, warnings, errors] = counts;
    format!(
        "checked {documents} document{}: {errors} error{}, {warnings} warning{}, {infos} info, {hints} hint{}",
        plural(documents),
        plural(errors),
        plural(warnings),
        plural(hints)
    )
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Prints every report and the summary; returns the number of errors.
pub fn print(reports: &[Report], documents: usize, format: Format) -> usize {
    let counts = counts(reports);
    // Block-buffered: stdout is line-buffered, one write per line otherwise.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = match format {
        Format::Text => write_text(&mut out, reports, documents, counts, colour()),
        Format::Short => write_short(&mut out, reports, documents, counts),
        Format::Json => write_json(&mut out, reports, documents, counts),
        Format::Sarif => write_sarif(&mut out, reports),
        Format::Github => write_github(&mut out, reports, documents, counts),
    };
    let _ = out.flush();
    counts[3]
}

fn write_short(
    out: &mut impl Write,
    reports: &[Report],
    documents: usize,
    counts: [usize; 4],
) -> std::io::Result<()> {
    for r in reports {
        let shown = display_path(&r.path);
        for l in &r.diagnostics {
            let d = &l.diagnostic;
            writeln!(
                out,
                "{shown}:{}:{}: {}[{}]: {}",
                l.start.line + 1,
                l.start.col + 1,
                d.severity,
                d.code,
                d.message
            )?;
        }
    }
    writeln!(out, "{}", summary(documents, counts))
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::NOTE.with_name(Some("hint")),
    }
}

fn write_text(
    out: &mut impl Write,
    reports: &[Report],
    documents: usize,
    counts: [usize; 4],
    colour: bool,
) -> std::io::Result<()> {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for r in reports {
        let shown = display_path(&r.path);
        for l in &r.diagnostics {
            let d = &l.diagnostic;
            let origin = Origin::path(shown.as_str())
                .line(l.start.line as usize + 1)
                .char_column(l.start.col as usize + 1);
            let title = level(d.severity)
                .primary_title(d.message.as_str())
                .id(d.code.as_str());
            let group = match &l.excerpt {
                Some(e) => title.element(
                    Snippet::source(e.text.as_str())
                        .line_start(e.line + 1)
                        .path(shown.as_str())
                        .annotation(AnnotationKind::Primary.span(e.span.clone())),
                ),
                None => title.element(origin),
            };
            let rendered = renderer.render(&[group]);
            // The snippet's own `-->` line counts columns from the excerpt;
            // a cut excerpt would shift them, so the header is ours.
            let rendered = fix_origin(&rendered, &shown, l);
            writeln!(out, "{rendered}\n")?;
        }
    }
    let line = summary(documents, counts);
    if colour {
        writeln!(out, "\x1b[1m{line}\x1b[0m")
    } else {
        writeln!(out, "{line}")
    }
}

/// Replaces the `--> path:line:col` of a rendered group with the
/// diagnostic's own line and column (the renderer computes them from the
/// excerpt, which may be a window of a long line).
fn fix_origin(rendered: &str, shown: &str, l: &Located) -> String {
    let want = format!("{shown}:{}:{}", l.start.line + 1, l.start.col + 1);
    let prefix = format!("{shown}:");
    let mut out = String::with_capacity(rendered.len());
    let mut done = false;
    for (i, line) in rendered.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !done
            && let Some(at) = line.find("--> ")
            && line[at + 4..].starts_with(&prefix)
        {
            let end = line[at + 4..]
                .find(|c: char| c.is_whitespace() || c == '\x1b')
                .map_or(line.len(), |e| at + 4 + e);
            out.push_str(&line[..at + 4]);
            out.push_str(&want);
            out.push_str(&line[end..]);
            done = true;
            continue;
        }
        out.push_str(line);
    }
    out
}

fn write_json(
    out: &mut impl Write,
    reports: &[Report],
    documents: usize,
    counts: [usize; 4],
) -> std::io::Result<()> {
    let [hints, infos, warnings, errors] = counts;
    let mut items = Vec::new();
    for r in reports {
        let shown = display_path(&r.path);
        for l in &r.diagnostics {
            let d = &l.diagnostic;
            items.push(json!({
                "path": shown,
                "start": { "line": l.start.line + 1, "column": l.start.col + 1, "byte": d.range.start },
                "end": { "line": l.end.line + 1, "column": l.end.col + 1, "byte": d.range.end },
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "message": d.message,
            }));
        }
    }
    let value = json!({
        "diagnostics": items,
        "summary": {
            "documents": documents,
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
            "hints": hints,
        }
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}

// ---------------------------------------------------------------------------
// SARIF 2.1.0
// ---------------------------------------------------------------------------

/// The schema a SARIF log names (the OASIS standard's, errata 01).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF's `level` for a severity: SARIF has no `info` or `hint`, both are
/// `note`.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A path as a URI reference: relative ones (under the current folder,
/// resolved against `%SRCROOT%`) with `/` separators, others as `file://`
/// URIs; every byte outside RFC 3986's unreserved set is percent-encoded
/// in each segment.
fn sarif_uri(path: &Path) -> (String, bool) {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .map(|p| percent_encode(&p.as_os_str().to_string_lossy()))
                .collect();
            (parts.join("/"), true)
        }
        None => (file_uri(path), false),
    }
}

/// An absolute path as a `file://` URI.
fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for part in path.components() {
        let part = part.as_os_str().to_string_lossy();
        if part == "/" {
            continue;
        }
        s.push('/');
        s.push_str(&percent_encode(&part));
    }
    s
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The folder URI `%SRCROOT%` stands for (the current folder).
fn srcroot() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    Some(format!("{}/", file_uri(&cwd)))
}

/// The SARIF log of the reports.
pub fn sarif(reports: &[Report]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": { "text": diagnostics::description(*c) },
                "defaultConfiguration": { "level": sarif_level(c.default_severity()) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let (uri, relative) = sarif_uri(&r.path);
        let mut artifact = json!({ "uri": uri });
        if relative {
            artifact["uriBaseId"] = json!("%SRCROOT%");
        }
        for l in &r.diagnostics {
            let d = &l.diagnostic;
            let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            results.push(json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": index,
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": l.start.line + 1,
                            "startColumn": l.start.col + 1,
                            "endLine": l.end.line + 1,
                            "endColumn": l.end.col + 1,
                        }
                    }
                }],
            }));
        }
    }
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "scholia",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = srcroot() {
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root } });
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn write_sarif(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&sarif(reports)).unwrap_or_default()
    )
}

// ---------------------------------------------------------------------------
// GitHub Actions workflow commands
// ---------------------------------------------------------------------------

/// A workflow command's message, escaped as GitHub's toolkit does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: the message escapes plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn write_github(
    out: &mut impl Write,
    reports: &[Report],
    documents: usize,
    counts: [usize; 4],
) -> std::io::Result<()> {
    for r in reports {
        let file = escape_property(&display_path(&r.path));
        for l in &r.diagnostics {
            let d = &l.diagnostic;
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let (line, end_line) = (l.start.line + 1, l.end.line + 1);
            // GitHub takes columns only for a range on one line.
            let columns = if line == end_line {
                format!(",col={},endColumn={}", l.start.col + 1, l.end.col + 1)
            } else {
                String::new()
            };
            writeln!(
                out,
                "::{command} file={file},line={line}{columns},endLine={end_line},title={}::{}",
                escape_property(&format!("{}[{}]", d.severity, d.code)),
                escape_data(&d.message)
            )?;
        }
    }
    writeln!(out, "{}", summary(documents, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn excerpts_keep_the_lines_of_the_range() {
        let text = "one\r\ntwo [x\nthree\n";
        let index = LineIndex::new(text);
        let e = Excerpt::new(text, &index, &(9..10));
        assert_eq!(
            (e.line, e.text.as_str(), e.span.clone()),
            (1, "two [x", 4..5)
        );
        let e = Excerpt::new(text, &index, &(5..15));
        assert_eq!((e.line, e.text.as_str()), (1, "two [x\nthree"));
        assert_eq!(&e.text[e.span.clone()], "two [x\nthr");
        // A range at the very end.
        let e = Excerpt::new(text, &index, &(text.len()..text.len()));
        assert_eq!((e.line, e.text.as_str(), e.span.clone()), (3, "", 0..0));
    }

    #[test]
    fn long_lines_are_cut_around_the_range() {
        let text = format!("{}[x{}", "é".repeat(5000), "a".repeat(5000));
        let index = LineIndex::new(&text);
        let at = text.find('[').unwrap();
        let e = Excerpt::new(&text, &index, &(at..at + 1));
        assert!(e.text.len() < 1000, "{}", e.text.len());
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(&e.text[e.span.clone()], "[");
    }
}
