//! The translation report as text (two columns, original | translation, for
//! a terminal) and as Markdown (a table, for an editor's hover or preview).

use super::{CitationStatus, Presence, Section, TranslationReport};

/// One line of the side-by-side table.
struct Row {
    label: String,
    original: String,
    translation: String,
    differs: bool,
    /// A section or group heading (bold in Markdown).
    heading: bool,
}

const ABSENT: &str = "—";

fn locators(list: &[String]) -> String {
    if list.iter().all(String::is_empty) {
        "(no locator)".into()
    } else {
        list.iter()
            .map(|l| if l.is_empty() { "(no locator)" } else { l })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn side_rows(s: &Section, rows: &mut Vec<Row>) {
    let line = |side: &Option<super::Side>| {
        side.as_ref()
            .map_or(ABSENT.to_string(), |x| format!("line {}", x.line))
    };
    rows.push(Row {
        label: s.title(),
        original: line(&s.original),
        translation: line(&s.translation),
        differs: s.presence != Presence::Both,
        heading: true,
    });
    match (&s.original, &s.translation) {
        (Some(o), Some(t)) => {
            for c in &s.citations {
                let cell = |list: &[String]| {
                    if list.is_empty() {
                        ABSENT.to_string()
                    } else {
                        locators(list)
                    }
                };
                rows.push(Row {
                    label: format!("  @{}", c.key),
                    original: cell(&c.original),
                    translation: cell(&c.translation),
                    differs: c.status != CitationStatus::Same,
                    heading: false,
                });
            }
            if !o.numbers.is_empty() || !t.numbers.is_empty() {
                let cell = |side: &super::Side| {
                    side.numbers
                        .iter()
                        .map(|n| n.text.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                rows.push(Row {
                    label: "  numbers".into(),
                    original: cell(o),
                    translation: cell(t),
                    differs: !s.numbers.is_empty(),
                    heading: false,
                });
            }
        }
        (one, other) => {
            let Some(side) = one.as_ref().or(other.as_ref()) else {
                return;
            };
            let put = |text: String| {
                if one.is_some() {
                    (text, ABSENT.to_string())
                } else {
                    (ABSENT.to_string(), text)
                }
            };
            let mut keys: Vec<&str> = Vec::new();
            for c in &side.citations {
                if !keys.contains(&c.key.as_str()) {
                    keys.push(&c.key);
                }
            }
            for key in keys {
                let list: Vec<String> = side
                    .citations
                    .iter()
                    .filter(|c| c.key == key)
                    .map(|c| c.locator.clone().unwrap_or_default())
                    .collect();
                let (original, translation) = put(locators(&list));
                rows.push(Row {
                    label: format!("  @{key}"),
                    original,
                    translation,
                    differs: false,
                    heading: false,
                });
            }
            if !side.numbers.is_empty() {
                let text = side
                    .numbers
                    .iter()
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let (original, translation) = put(text);
                rows.push(Row {
                    label: "  numbers".into(),
                    original,
                    translation,
                    differs: false,
                    heading: false,
                });
            }
        }
    }
}

fn rows(report: &TranslationReport) -> Vec<Row> {
    let mut rows = Vec::new();
    for s in &report.sections {
        side_rows(s, &mut rows);
    }
    if !report.entities.is_empty() {
        rows.push(Row {
            label: "entities".into(),
            original: String::new(),
            translation: String::new(),
            differs: false,
            heading: true,
        });
        for e in &report.entities {
            let mentions = |n: usize| match n {
                0 => ABSENT.to_string(),
                1 => "1 mention".to_string(),
                n => format!("{n} mentions"),
            };
            let mut original = mentions(e.original);
            let mut translation = mentions(e.translation);
            if e.untagged > 0 {
                let note = format!("{ABSENT} (untagged {}×)", e.untagged);
                match e.presence {
                    Presence::Missing => translation = note,
                    _ => original = note,
                }
            }
            rows.push(Row {
                label: format!("  {} ({})", e.name, e.id),
                original,
                translation,
                differs: true,
                heading: false,
            });
        }
    }
    rows
}

/// Terminal columns a character takes: two for wide East Asian characters.
fn char_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => 0,
        _ => 1,
    }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` cut to `max` columns, with `…` when cut.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn pad(s: &str, to: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(to.saturating_sub(width(s))));
    out
}

fn with_language(path: &str, language: &Option<String>) -> String {
    match language {
        Some(l) => format!("{path} ({l})"),
        None => path.to_string(),
    }
}

const LABEL_MAX: usize = 32;
const CELL_MAX: usize = 40;

/// The report for a terminal: a header, the two columns side by side (`≠`
/// marks a row that differs), then one line per difference.
pub fn render_text(report: &TranslationReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "translation {}\noriginal    {}\n",
        with_language(&report.translation, &report.translation_language),
        with_language(&report.original, &report.original_language)
    ));
    let rows = rows(report);
    if !rows.is_empty() {
        let lw = rows
            .iter()
            .map(|r| width(&r.label))
            .max()
            .unwrap_or(0)
            .min(LABEL_MAX);
        let ow = rows
            .iter()
            .map(|r| width(&r.original))
            .chain([width("original")])
            .max()
            .unwrap_or(0)
            .min(CELL_MAX);
        let tw = rows
            .iter()
            .map(|r| width(&r.translation))
            .chain([width("translation")])
            .max()
            .unwrap_or(0)
            .min(CELL_MAX);
        out.push('\n');
        let line = |label: &str, o: &str, t: &str, mark: &str| {
            let s = format!(
                "{} │ {} │ {} {mark}",
                pad(&fit(label, lw), lw),
                pad(&fit(o, ow), ow),
                pad(&fit(t, tw), tw)
            );
            format!("{}\n", s.trim_end())
        };
        out.push_str(&line("", "original", "translation", ""));
        out.push_str(&format!(
            "{}─┼─{}─┼─{}\n",
            "─".repeat(lw),
            "─".repeat(ow),
            "─".repeat(tw)
        ));
        for r in &rows {
            let mark = if r.differs { "≠" } else { "" };
            out.push_str(&line(&r.label, &r.original, &r.translation, mark));
        }
    }
    out.push('\n');
    match report.summary.len() {
        0 => out.push_str("no differences\n"),
        n => {
            out.push_str(&format!(
                "{n} difference{}:\n",
                if n == 1 { "" } else { "s" }
            ));
            for s in &report.summary {
                out.push_str(&format!("  - {s}\n"));
            }
        }
    }
    out
}

/// Markdown-escaped text (code spans in backticks are kept).
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A table cell: escaped text, no code spans, no `|`.
fn md_cell(s: &str) -> String {
    md_text(s).replace('|', "\\|").replace('`', "\\`")
}

/// The report as Markdown: a table with the two documents side by side and
/// the list of differences.
pub fn render_markdown(report: &TranslationReport) -> String {
    let mut out = format!(
        "**Translation report**: `{}` against its original `{}`\n\n",
        with_language(&report.translation, &report.translation_language),
        with_language(&report.original, &report.original_language)
    );
    let rows = rows(report);
    if !rows.is_empty() {
        out.push_str("| | original | translation | |\n| --- | --- | --- | --- |\n");
        for r in &rows {
            let label = r.label.trim();
            let label = if r.heading {
                format!("**{}**", md_cell(label))
            } else if let Some(key) = label.strip_prefix('@') {
                format!("`@{key}`")
            } else {
                md_cell(label)
            };
            out.push_str(&format!(
                "| {label} | {} | {} | {} |\n",
                md_cell(&r.original),
                md_cell(&r.translation),
                if r.differs { "≠" } else { "" }
            ));
        }
        out.push('\n');
    }
    match report.summary.len() {
        0 => out.push_str("No differences.\n"),
        n => {
            out.push_str(&format!(
                "**{n} difference{}**\n\n",
                if n == 1 { "" } else { "s" }
            ));
            for s in &report.summary {
                out.push_str(&format!("- {}\n", md_text(s)));
            }
        }
    }
    out
}
