//! Front matter: TOML between `+++` lines, parsed with spans. Known keys are
//! type-checked; other keys are kept and ignored (SPEC §2).

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::cite::{Citation, Place, parse_cite_items};
use crate::base::{Code, Diagnostic};

/// A value and the byte range of its TOML value in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub value: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// Fences included.
    pub range: Range<usize>,
    pub content: Range<usize>,
    pub title: Option<Field>,
    pub date: Option<Field>,
    pub source: Option<Field>,
    pub language: Option<Field>,
    pub translation_of: Option<Field>,
    pub summary: Option<Field>,
    pub translators: Vec<Field>,
    pub record: Option<Field>,
    /// The citations written in `source`, when it holds any.
    pub source_citations: Option<Vec<Citation>>,
    pub errors: Vec<Diagnostic>,
}

/// The front matter `range` (fences included), whose content (the lines
/// between the fences) is `content`.
pub(super) fn parse(text: &str, range: Range<usize>, content: Option<Range<usize>>) -> FrontMatter {
    let mut fm = FrontMatter {
        range: range.clone(),
        ..FrontMatter::default()
    };
    let Some(content) = content else {
        let end = range.end;
        fm.content = end..end;
        return fm;
    };
    fm.content = content.clone();
    let base = content.start;
    let src = &text[content.clone()];
    let (table, errors) = DeTable::parse_recoverable(src);
    for e in errors {
        let range = e
            .span()
            .map(|s| base + s.start..base + s.end.max(s.start))
            .unwrap_or(content.clone());
        fm.errors.push(Diagnostic::new(
            Code::FrontMatter,
            range,
            format!("front matter is not valid TOML: {}", e.message().trim()),
        ));
    }
    for (key, value) in table.get_ref().iter() {
        let span = value.span();
        let range = base + span.start..base + span.end;
        let v = value.get_ref();
        let field = |value: String| Field {
            value,
            range: range.clone(),
        };
        let key: &str = key.get_ref().as_ref();
        let expected = match key {
            "title" | "source" | "language" | "translation-of" | "summary" => match v.as_str() {
                Some(s) => {
                    let f = Some(field(s.to_string()));
                    match key {
                        "title" => fm.title = f,
                        "source" => fm.source = f,
                        "language" => fm.language = f,
                        "translation-of" => fm.translation_of = f,
                        _ => fm.summary = f,
                    }
                    None
                }
                None => Some("a string"),
            },
            "date" => match v {
                DeValue::String(s) => {
                    fm.date = Some(field(s.to_string()));
                    None
                }
                DeValue::Datetime(d) => {
                    fm.date = Some(field(d.to_string()));
                    None
                }
                _ => Some("a TOML date or a string"),
            },
            "record" => match v {
                DeValue::String(s) => {
                    fm.record = Some(field(s.to_string()));
                    None
                }
                DeValue::Integer(i) => {
                    fm.record = Some(field(i.as_str().to_string()));
                    None
                }
                _ => Some("a string or an integer"),
            },
            "translator" => match v {
                DeValue::String(s) => {
                    fm.translators.push(field(s.to_string()));
                    None
                }
                DeValue::Array(items) => {
                    for item in items.iter() {
                        let s = item.span();
                        let r = base + s.start..base + s.end;
                        match item.get_ref().as_str() {
                            Some(name) => fm.translators.push(Field {
                                value: name.to_string(),
                                range: r,
                            }),
                            None => fm.errors.push(Diagnostic::new(
                                Code::FrontMatter,
                                r,
                                format!(
                                    "every `translator` must be a string, not {}",
                                    item.get_ref().type_str()
                                ),
                            )),
                        }
                    }
                    None
                }
                _ => Some("a string or an array of strings"),
            },
            _ => None,
        };
        if let Some(expected) = expected {
            fm.errors.push(Diagnostic::new(
                Code::FrontMatter,
                range.clone(),
                format!("`{key}` must be {expected}, not {}", v.type_str()),
            ));
        }
    }
    if let Some(source) = &fm.source {
        fm.source_citations = Some(source_citations(text, &source.range, &source.value));
    }
    fm
}

/// The `[@…]` citations written inside the `source` string. Their ranges
/// point into the document when the TOML string is written without escapes
/// (the usual case); otherwise they cover the whole value.
fn source_citations(text: &str, value_range: &Range<usize>, value: &str) -> Vec<Citation> {
    let raw = &text[value_range.clone()];
    // An unterminated string (recovered by the TOML parser) has no closing
    // quote, and its end may fall inside a character: strip, never slice.
    let exact = ["\"\"\"", "'''", "\"", "'"].into_iter().find_map(|q| {
        let inner = raw.strip_prefix(q)?.strip_suffix(q)?;
        (inner == value).then_some(value_range.start + q.len())
    });
    let mut citations = Vec::new();
    let mut from = 0;
    while let Some(open) = value[from..].find("[@").map(|i| from + i) {
        let Some(close) = value[open..].find(']').map(|i| open + i) else {
            break;
        };
        from = close + 1;
        let (range, items) = match exact {
            Some(base) => (
                base + open..base + close + 1,
                parse_cite_items(text, base + open + 1..base + close),
            ),
            None => {
                // Parse the decoded string, then point every part at the value.
                let items = parse_cite_items(value, open + 1..close)
                    .into_iter()
                    .map(|mut item| {
                        item.key_range = value_range.clone();
                        item.locator_range = item.locator_range.map(|_| value_range.clone());
                        item
                    })
                    .collect();
                (value_range.clone(), items)
            }
        };
        citations.push(Citation {
            range,
            items,
            place: Place::FrontMatter,
        });
    }
    citations
}
