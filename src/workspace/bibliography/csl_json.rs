//! The CSL-JSON loader: the items of a JSON array, each with its span and the
//! span of its `id` (serde_json gives no spans, so a small scanner finds
//! them); a file that is not valid JSON keeps every item that parses alone.

use std::ops::Range;

use serde_json::Value;

use super::Loader;
use super::model;

impl Loader<'_> {
    pub(super) fn csl_json(&mut self, file: usize, text: &str) {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &text[start..];
        if body.trim().is_empty() {
            return;
        }
        let spans = scan_array(body).map(|items| {
            items
                .into_iter()
                .map(|item| ItemSpan {
                    range: item.range.start + start..item.range.end + start,
                    id: item.id.map(|r| r.start + start..r.end + start),
                })
                .collect::<Vec<_>>()
        });

        let items: Vec<(Value, Option<&ItemSpan>)> = match serde_json::from_str::<Value>(body) {
            Ok(Value::Array(items)) => {
                let spans = spans.as_ref().filter(|s| s.len() == items.len());
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| (item, spans.map(|s| &s[i])))
                    .collect()
            }
            Ok(other) => {
                let at = body.len() - body.trim_start().len() + start;
                let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
                self.problem(
                    file,
                    at..end,
                    format!(
                        "a CSL-JSON bibliography is an array of items, not {}",
                        json_type(&other)
                    ),
                );
                return;
            }
            Err(error) => {
                let at = json_error_offset(body, &error) + start;
                let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
                let message = error.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                self.problem(file, at..end, format!("invalid JSON: {message}"));
                // Keep every item that is valid on its own.
                spans
                    .iter()
                    .flatten()
                    .filter_map(|span| {
                        serde_json::from_str::<Value>(&text[span.range.clone()])
                            .ok()
                            .map(|item| (item, Some(span)))
                    })
                    .collect()
            }
        };

        for (item, span) in items {
            let range = span.map_or(0..0, |s| s.range.clone());
            let Value::Object(object) = &item else {
                self.problem(
                    file,
                    range,
                    format!("a CSL-JSON item is an object, not {}", json_type(&item)),
                );
                continue;
            };
            let key = match object.get("id") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                Some(Value::String(_)) => {
                    let at = span.and_then(|s| s.id.clone()).unwrap_or(range);
                    self.problem(file, at, "the item's `id` is empty");
                    continue;
                }
                Some(other) => {
                    let message =
                        format!("the item's `id` must be a string, not {}", json_type(other));
                    self.problem(file, range, message);
                    continue;
                }
                None => {
                    self.problem(file, range, "the item has no `id`");
                    continue;
                }
            };
            let key_range = span.and_then(|s| s.id.clone()).unwrap_or(range.clone());
            if !self.claim(file, &key, key_range.clone()) {
                continue;
            }
            let kind = object
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let converted = model::from_csl(object);
            self.push(file, key, kind, converted, (range, key_range));
        }
    }
}

// ---- JSON spans ----------------------------------------------------------------

/// Where one element of the top-level array is: the whole value, and the
/// text of its own `"id"` string (inside the quotes).
#[derive(Debug, Clone, PartialEq)]
struct ItemSpan {
    range: Range<usize>,
    id: Option<Range<usize>>,
}

/// The elements of a top-level JSON array, found by a scanner that knows
/// strings, escapes and nesting and nothing else; `None` when the text does
/// not start with `[`. It stops at the first thing that does not fit, so it
/// works on broken files too.
fn scan_array(text: &str) -> Option<Vec<ItemSpan>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut items = Vec::new();
    loop {
        i = skip_ws(b, i);
        if matches!(b.get(i), None | Some(b']')) {
            break;
        }
        let (end, id) = scan_value(b, i);
        if end == i {
            break;
        }
        items.push(ItemSpan { range: i..end, id });
        i = skip_ws(b, end);
        if b.get(i) != Some(&b',') {
            break;
        }
        i += 1;
    }
    Some(items)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The end of the string that opens at `start` (past its closing quote).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// One value from `start`: where it ends, and for an object the range of
/// its own `"id"` string's text.
fn scan_value(b: &[u8], start: usize) -> (usize, Option<Range<usize>>) {
    let is_object = b[start] == b'{';
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut after_id_key = false;
    let mut id = None;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = string_end(b, i);
                if depth == 1 && is_object {
                    let closed = end > i + 1 && b[end - 1] == b'"';
                    let inner = i + 1..if closed { end - 1 } else { end };
                    if expect_key {
                        after_id_key = &b[inner.clone()] == b"id";
                        expect_key = false;
                    } else if after_id_key && id.is_none() {
                        id = Some(inner);
                        after_id_key = false;
                    }
                }
                if depth == 0 {
                    return (end, None);
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth == 1 {
                    expect_key = is_object;
                }
            }
            b'}' | b']' => {
                if depth <= 1 {
                    return (if depth == 1 { i + 1 } else { i }, id);
                }
                depth -= 1;
            }
            b',' if depth == 0 => return (i, id),
            b',' if depth == 1 => {
                expect_key = is_object;
                after_id_key = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return (i, id),
            _ => {}
        }
        i += 1;
    }
    (i, id)
}

/// The byte offset of a serde_json error (its line is 1-based, its column
/// counts bytes from 1; column 0 is the line break before the line).
fn json_error_offset(text: &str, error: &serde_json::Error) -> usize {
    if error.is_eof() {
        return text.len();
    }
    let line_start = if error.line() <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(error.line() - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let at = (line_start + error.column()).saturating_sub(1);
    crate::text::floor_char_boundary(text, at)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<(String, Option<String>)> {
        scan_array(text)
            .unwrap()
            .into_iter()
            .map(|s| (text[s.range].to_string(), s.id.map(|r| text[r].to_string())))
            .collect()
    }

    #[test]
    fn scanner_finds_items_and_ids() {
        let text = r#" [ {"id": "a", "x": {"id": "inner"}}, {"title": "t \" {[", "id" : "b\"c"},
            {"note": "id", "id": 5}, 12 , "s,]", [1, [2]], {"id": "last"} ] "#;
        let got = scan(text);
        assert_eq!(
            got,
            vec![
                (
                    r#"{"id": "a", "x": {"id": "inner"}}"#.into(),
                    Some("a".into())
                ),
                (
                    r#"{"title": "t \" {[", "id" : "b\"c"}"#.into(),
                    Some(r#"b\"c"#.into())
                ),
                (r#"{"note": "id", "id": 5}"#.into(), None),
                ("12".into(), None),
                (r#""s,]""#.into(), None),
                ("[1, [2]]".into(), None),
                (r#"{"id": "last"}"#.into(), Some("last".into())),
            ]
        );
    }

    #[test]
    fn scanner_on_broken_and_odd_input() {
        assert_eq!(scan_array("{}"), None);
        assert_eq!(scan_array(""), None);
        assert_eq!(scan("[]"), vec![]);
        assert_eq!(scan("["), vec![]);
        // An unclosed object runs to the end; the scanner stops there.
        assert_eq!(
            scan(r#"[{"id": "a"}, {"id": "b""#),
            vec![
                (r#"{"id": "a"}"#.into(), Some("a".into())),
                (r#"{"id": "b""#.into(), Some("b".into())),
            ]
        );
        // A missing comma ends the list.
        assert_eq!(
            scan(r#"[{"id": "a"} {"id": "b"}]"#),
            vec![(r#"{"id": "a"}"#.into(), Some("a".into()))]
        );
        // An unterminated string.
        assert_eq!(
            scan(r#"[{"id": "a"#),
            vec![(r#"{"id": "a"#.into(), Some("a".into()))]
        );
        assert_eq!(
            scan("[\"é\", {\"id\":\"ü\"}]"),
            vec![
                ("\"é\"".into(), None),
                ("{\"id\":\"ü\"}".into(), Some("ü".into())),
            ]
        );
    }

    #[test]
    fn json_error_offsets() {
        for (text, expected) in [
            ("[\n  {\"id\": \"a\",\n   \"x\": tru}\n]", 27),
            ("[1,]", 3),
            ("[1] x", 4),
            ("[\"ü\n\"]", 4),
            ("[", 1),
        ] {
            let error = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(
                json_error_offset(text, &error),
                expected,
                "{text:?}: {error}"
            );
        }
    }
}
