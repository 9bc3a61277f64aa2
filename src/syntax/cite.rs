//! Citations: where one stands, its items, and the split of `[@key, loc; @key2]`
//! into items. Shared by the document model and the front matter's `source`.

use std::ops::Range;

/// Where a citation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Body,
    /// Inside the footnote definition with this index in `Model::footnote_defs`.
    Note(usize),
    /// In the front matter's `source`.
    FrontMatter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    pub key: String,
    pub key_range: Range<usize>,
    pub locator: Option<String>,
    pub locator_range: Option<Range<usize>>,
}

/// `[@key, locator; @key2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub range: Range<usize>,
    pub items: Vec<CiteItem>,
    pub place: Place,
}

/// Splits the inside of a citation (`@key, loc; @key2`) into items. An item
/// is `[prefix] @key [, locator]`; an item without `@key` is ignored.
pub fn parse_cite_items(text: &str, inner: Range<usize>) -> Vec<CiteItem> {
    let mut items = Vec::new();
    let mut start = inner.start;
    let src = &text[inner.clone()];
    let mut pieces: Vec<Range<usize>> = Vec::new();
    for (i, c) in src.char_indices() {
        if c == ';' {
            pieces.push(start..inner.start + i);
            start = inner.start + i + 1;
        }
    }
    pieces.push(start..inner.end);
    for piece in pieces {
        let s = &text[piece.clone()];
        let Some(at) = s.find('@') else { continue };
        let key_start = piece.start + at + 1;
        let rest = &text[key_start..piece.end];
        let mut len = 0;
        for (i, c) in rest.char_indices() {
            let ok = if i == 0 {
                c.is_ascii_alphanumeric() || c == '_'
            } else {
                c.is_ascii_alphanumeric() || "_:.#/-".contains(c)
            };
            if !ok {
                break;
            }
            len = i + c.len_utf8();
        }
        while len > 0 && matches!(rest.as_bytes()[len - 1], b'.' | b':' | b'/') {
            len -= 1;
        }
        if len == 0 {
            continue;
        }
        let key_range = key_start..key_start + len;
        let after = &text[key_range.end..piece.end];
        let (locator, locator_range) = match after.trim_start().strip_prefix(',') {
            Some(_) => {
                let comma = key_range.end + after.find(',').unwrap_or(0);
                let r = trimmed(text, comma + 1..piece.end);
                if r.is_empty() {
                    (None, None)
                } else {
                    (Some(text[r.clone()].to_string()), Some(r))
                }
            }
            None => {
                let r = trimmed(text, key_range.end..piece.end);
                if r.is_empty() {
                    (None, None)
                } else {
                    (Some(text[r.clone()].to_string()), Some(r))
                }
            }
        };
        items.push(CiteItem {
            key: text[key_range.clone()].to_string(),
            key_range,
            locator,
            locator_range,
        });
    }
    items
}

/// `range` less the white space at either end.
pub(super) fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    let end = range.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}
