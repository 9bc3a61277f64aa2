//! Each loaded entry in hayagriva's model, what its CSL processor renders.
//!
//! - A CSL-JSON item becomes a `citationberg` CSL-JSON item (hayagriva's
//!   `csl-json` support), which hands every CSL variable to the style as
//!   written: `archive`, `archive_location`, `archive-place`, `collection-
//!   number`, … Its fields are converted one by one, so that one odd field
//!   (a boolean, a float, a date written as text only) costs that field,
//!   never the item, and dates are cut to what hayagriva renders without
//!   panicking (one date: the start of a range; months 1–12, days 1–31).
//! - A BibTeX entry becomes a hayagriva `Entry` through hayagriva's own
//!   BibLaTeX conversion (types, names, parents for containers). That
//!   conversion ignores `archive` and `archive_location`; they are set here,
//!   and an `@unpublished` or `@misc` with an `archive` takes its `location`
//!   as the place in the archive (Zotero's export of a manuscript's
//!   "Loc. in Archive").

use std::collections::BTreeMap;

use biblatex::ChunksExt;
use hayagriva::citationberg::json as csl;
use hayagriva::types::{EntryType, FormatString};
use serde_json::Value;

/// An entry as hayagriva renders it.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Csl(csl::Item),
    Tex(Box<hayagriva::Entry>),
}

/// What a loader keeps of an entry besides its spans.
#[derive(Debug)]
pub struct Converted {
    pub title: Option<String>,
    pub source: Source,
    /// A part of the entry that could not be converted (BibTeX only): the
    /// entry is kept with its title and archive, and the loader reports it.
    pub problem: Option<String>,
}

/// CSL's date variables.
const DATES: &[&str] = &[
    "accessed",
    "available-date",
    "event-date",
    "issued",
    "original-date",
    "submitted",
];

/// A CSL-JSON item (an object with a string `id`).
pub fn from_csl(object: &serde_json::Map<String, Value>) -> Converted {
    let fields: BTreeMap<String, csl::Value> = object
        .iter()
        .filter_map(|(key, value)| Some((key.clone(), csl_value(key, value)?)))
        .collect();
    Converted {
        title: object
            .get("title")
            .and_then(Value::as_str)
            .and_then(some_text),
        source: Source::Csl(csl::Item(fields)),
        problem: None,
    }
}

fn csl_value(key: &str, value: &Value) -> Option<csl::Value> {
    match value {
        Value::String(s) => Some(csl::Value::String(s.clone())),
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => csl::Value::Number(i),
            None => csl::Value::String(n.to_string()),
        }),
        Value::Object(_) if DATES.contains(&key) => csl_date(value).map(csl::Value::Date),
        Value::Array(items) if !DATES.contains(&key) && items.iter().all(Value::is_object) => {
            let names: Vec<csl::NameValue> = items.iter().filter_map(csl_name).collect();
            (!names.is_empty()).then_some(csl::Value::Names(names))
        }
        _ => None,
    }
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => some_text(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A CSL name: `literal`, or family and given names with particles.
fn csl_name(value: &Value) -> Option<csl::NameValue> {
    let part = |key: &str| value.get(key).and_then(text_of);
    if let Some(literal) = part("literal") {
        return Some(csl::NameValue::Literal(csl::LiteralName { literal }));
    }
    let (family, given) = match (part("family"), part("given")) {
        (None, None) => return None,
        (None, Some(only)) => {
            return Some(csl::NameValue::Literal(csl::LiteralName { literal: only }));
        }
        (Some(family), given) => (family, given),
    };
    Some(csl::NameValue::Item(csl::NameItem {
        family,
        given,
        non_dropping_particle: part("non-dropping-particle"),
        dropping_particle: part("dropping-particle"),
        suffix: part("suffix"),
        comma_suffix: value.get("comma-suffix").and_then(Value::as_bool),
    }))
}

/// A CSL date (`date-parts` or `raw`) as one date hayagriva can render: the
/// first of a range; `None` for a date it cannot (`literal` only).
fn csl_date(value: &Value) -> Option<csl::DateValue> {
    let number = |v: &Value| -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let parts: Vec<i64> = match value.get("date-parts").and_then(Value::as_array) {
        Some(ranges) => ranges
            .first()?
            .as_array()?
            .iter()
            .map_while(number)
            .collect(),
        None => {
            let raw = value.get("raw").and_then(Value::as_str)?;
            let start = raw.split('/').next()?.trim();
            start.split('-').map_while(|p| p.parse().ok()).collect()
        }
    };
    let year = i16::try_from(*parts.first()?).ok()?;
    let mut date = vec![year];
    if let Some(&month) = parts.get(1).filter(|m| (1..=12).contains(*m)) {
        date.push(month as i16);
        if let Some(&day) = parts.get(2).filter(|d| (1..=31).contains(*d)) {
            date.push(day as i16);
        }
    }
    let circa = value.get("circa").is_some_and(|c| {
        c.as_bool() == Some(true)
            || c.as_i64().is_some_and(|n| n != 0)
            || c.as_str().is_some_and(|s| !s.is_empty() && s != "false")
    });
    let serialized = serde_json::json!({
        "date-parts": [date],
        "circa": circa,
    });
    let mut parsed: csl::DateValue = serde_json::from_value(serialized).ok()?;
    if let (csl::DateValue::DateParts { season, .. }, Some(s)) =
        (&mut parsed, value.get("season").and_then(text_of))
    {
        *season = Some(s);
    }
    Some(parsed)
}

/// A BibTeX entry, with its `crossref` parent (the biblatex crate copied
/// the standard fields from it; the archive fields come from it here).
pub fn from_bibtex(entry: &biblatex::Entry, parent: Option<&biblatex::Entry>) -> Converted {
    let text = |e: &biblatex::Entry, key: &str| {
        e.fields
            .get(key)
            .and_then(|chunks| some_text(&strip_latex(&chunks.format_verbatim())))
    };
    let field = |key: &str| text(entry, key).or_else(|| parent.and_then(|p| text(p, key)));
    let title = text(entry, "title");
    let archive = field("archive");
    let mut archive_location = field("archive_location").or_else(|| field("archivelocation"));
    let mut entry = entry.clone();
    let kind = entry.entry_type.to_string().to_ascii_lowercase();
    if archive.is_some()
        && archive_location.is_none()
        && matches!(kind.as_str(), "unpublished" | "misc")
    {
        archive_location = text(&entry, "location");
        entry.fields.remove("location");
    }
    let (mut converted, problem) = match hayagriva::Entry::try_from(&entry) {
        Ok(converted) => (converted, None),
        Err(error) => {
            let mut bare = hayagriva::Entry::new(&entry.key, EntryType::Misc);
            if let Some(title) = &title {
                bare.set_title(FormatString::from(title.clone()));
            }
            (bare, Some(error.to_string()))
        }
    };
    if let Some(archive) = archive {
        converted.set_archive(FormatString::from(archive));
    }
    if let Some(location) = archive_location {
        converted.set_archive_location(FormatString::from(location));
    }
    Converted {
        title,
        source: Source::Tex(Box::new(converted)),
        problem,
    }
}

/// `s` with its runs of white space made single spaces; `None` when blank.
pub(super) fn some_text(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex() {
        assert_eq!(
            strip_latex(r"The \emph{Selected} {W}orks \& \url{http://x.org}"),
            "The Selected Works & http://x.org"
        );
        assert_eq!(strip_latex(r"\textbf {A}~B"), "A\u{a0}B");
    }

    #[test]
    fn dates_hayagriva_can_render() {
        let date = |v: Value| csl_date(&v).map(|d| serde_json::to_value(&d).unwrap());
        let parts = |v: Value| Some(serde_json::json!([v]));
        assert_eq!(
            date(serde_json::json!({"date-parts": [[1952, 9, 19]]})),
            parts(serde_json::json!([1952, 9, 19]))
        );
        // A range keeps its start; bad months and days are dropped.
        assert_eq!(
            date(serde_json::json!({"date-parts": [[1951, 7], [1953, 7, 27]]})),
            parts(serde_json::json!([1951, 7]))
        );
        assert_eq!(
            date(serde_json::json!({"date-parts": [[1952, 0, 5]]})),
            parts(serde_json::json!([1952]))
        );
        assert_eq!(
            date(serde_json::json!({"date-parts": [["1952", "13"]]})),
            parts(serde_json::json!([1952]))
        );
        assert_eq!(
            date(serde_json::json!({"raw": "1952-09-19/1952-09-20"})),
            parts(serde_json::json!([1952, 9, 19]))
        );
        assert_eq!(date(serde_json::json!({"date-parts": [[]]})), None);
        assert_eq!(date(serde_json::json!({"date-parts": [[99999]]})), None);
        assert_eq!(date(serde_json::json!({"literal": "Autumn 1952"})), None);
    }
}
