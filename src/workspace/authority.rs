//! Authority ids of registry entries (`wikidata`, `viaf`, `gnd`,
//! `geonames`, `loc`; other keys are kept as written): each known id's
//! form, the page it links to, and the checks over the whole registry —
//! a malformed id (`registry`), two entries with the same id of one
//! authority (`duplicate-authority`), an entry with none
//! (`missing-authority`, off unless `[lint]` turns it on).
//!
//! The registry loader keeps each id without its span; the span of a value
//! is found again in the entry's text here (its `key = value` line), so
//! that the loader stays as it is.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use super::registry::{Entity, Registry};
use crate::base::{Code, Diagnostic, Related};

/// An authority file scholia knows.
pub struct Authority {
    /// The registry key.
    pub key: &'static str,
    /// The form of an id, for messages.
    pub form: &'static str,
    valid: fn(&str) -> bool,
    url: fn(&str) -> String,
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A Wikidata item: `Q` and digits, no leading zero.
fn wikidata(s: &str) -> bool {
    s.strip_prefix('Q')
        .is_some_and(|n| digits(n) && !n.starts_with('0'))
}

/// A VIAF id: digits (up to 22), no leading zero.
fn viaf(s: &str) -> bool {
    digits(s) && s.len() <= 22 && !s.starts_with('0')
}

/// A GND id as the DNB publishes its pattern: `1[012]?\d{7}[0-9X]`,
/// `[47]\d{6}-\d`, `[1-9]\d{0,7}-[0-9X]` or `3\d{7}[0-9X]`.
fn gnd(s: &str) -> bool {
    let b = s.as_bytes();
    let check = |c: u8| c.is_ascii_digit() || c == b'X';
    let all_digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    if let Some((head, tail)) = s.split_once('-') {
        let tail = tail.as_bytes();
        if tail.len() != 1 {
            return false;
        }
        let h = head.as_bytes();
        let seven = h.len() == 7
            && matches!(h[0], b'4' | b'7')
            && all_digits(h)
            && tail[0].is_ascii_digit();
        let short = (1..=8).contains(&h.len()) && h[0] != b'0' && all_digits(h) && check(tail[0]);
        return seven || short;
    }
    let Some((&last, body)) = b.split_last() else {
        return false;
    };
    if !check(last) || !all_digits(body) {
        return false;
    }
    match body {
        [b'1', rest @ ..] if rest.len() == 7 => true,
        [b'1', b'0' | b'1' | b'2', rest @ ..] if rest.len() == 7 => true,
        [b'3', rest @ ..] if rest.len() == 7 => true,
        _ => false,
    }
}

/// A GeoNames id: digits, no leading zero.
fn geonames(s: &str) -> bool {
    digits(s) && !s.starts_with('0')
}

/// A Library of Congress name or subject authority: a prefix of one to
/// three lower-case letters (`n`, `nb`, `nr`, `no`, `sh`, …) and digits.
fn loc(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_lowercase).count();
    (1..=3).contains(&letters) && digits(&s[letters..])
}

pub const AUTHORITIES: &[Authority] = &[
    Authority {
        key: "wikidata",
        form: "`Q` and digits, e.g. \"Q17427\"",
        valid: wikidata,
        url: |id| format!("https://www.wikidata.org/wiki/{id}"),
    },
    Authority {
        key: "viaf",
        form: "digits, e.g. \"78769600\"",
        valid: viaf,
        url: |id| format!("https://viaf.org/viaf/{id}"),
    },
    Authority {
        key: "gnd",
        form: "a GND number, e.g. \"118642499\" or \"4042203-3\"",
        valid: gnd,
        url: |id| format!("https://d-nb.info/gnd/{id}"),
    },
    Authority {
        key: "geonames",
        form: "digits, e.g. \"1816670\"",
        valid: geonames,
        url: |id| format!("https://www.geonames.org/{id}"),
    },
    Authority {
        key: "loc",
        form: "a prefix such as `n` and digits, e.g. \"n79021400\"",
        valid: loc,
        url: |id| format!("https://id.loc.gov/authorities/names/{id}.html"),
    },
];

/// The authority a registry key names, if scholia knows it.
pub fn find(key: &str) -> Option<&'static Authority> {
    AUTHORITIES.iter().find(|a| a.key == key)
}

impl Authority {
    pub fn is_valid(&self, id: &str) -> bool {
        (self.valid)(id)
    }

    pub fn url(&self, id: &str) -> String {
        (self.url)(id)
    }
}

/// The page of `id` in the authority `key`, when the id has its form.
pub fn url(key: &str, id: &str) -> Option<String> {
    find(key).filter(|a| a.is_valid(id)).map(|a| a.url(id))
}

/// The span of the value of `key` in the entry's table (`text` is its
/// registry file); the entry's id when it cannot be found.
pub fn value_range(text: &str, entity: &Entity, key: &str) -> Range<usize> {
    let Some(table) = text.get(entity.range.clone()) else {
        return entity.id_range.clone();
    };
    let mut offset = entity.range.start;
    for line in table.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key)
            && let Some(after_eq) = rest.trim_start().strip_prefix('=')
        {
            let value = after_eq.trim();
            let value = value.split(" #").next().unwrap_or(value).trim_end();
            if !value.is_empty() {
                let start = offset
                    + indent
                    + key.len()
                    + (rest.len() - after_eq.len())
                    + (after_eq.len() - after_eq.trim_start().len());
                return start..start + value.len();
            }
        }
        offset += line.len();
    }
    entity.id_range.clone()
}

/// `wikidata` ids compare without regard to case (`q855` is `Q855`).
fn normalized(key: &str, id: &str) -> String {
    let id = id.trim();
    if key == "wikidata" {
        id.to_ascii_uppercase()
    } else {
        id.to_string()
    }
}

/// Two entries with the same id of one authority: `first` comes before
/// `second` in registry order. An id malformed for its authority pairs
/// with nothing (it gets its `registry` diagnostic instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    pub id: String,
    pub first: usize,
    pub second: usize,
}

/// Every pair of entries sharing an authority id, each later holder paired
/// with the first.
pub fn duplicates(registry: &Registry) -> Vec<Duplicate> {
    let mut out = Vec::new();
    // (key, normalized id) → the first entry with it.
    let mut first: HashMap<(String, String), usize> = HashMap::new();
    for (index, e) in registry.entities.iter().enumerate() {
        for (key, id) in &e.authority {
            if find(key).is_some_and(|a| !a.is_valid(id.trim())) {
                continue;
            }
            match first.entry((key.clone(), normalized(key, id))) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(index);
                }
                std::collections::hash_map::Entry::Occupied(slot) => out.push(Duplicate {
                    key: key.clone(),
                    id: id.clone(),
                    first: *slot.get(),
                    second: index,
                }),
            }
        }
    }
    out
}

/// Every authority problem of the registry, per file: malformed known ids,
/// duplicates (reported on both entries, each pointing at the other),
/// entries without any id (when `missing`: `missing-authority` is on).
pub fn check(
    registry: &Registry,
    texts: &[(PathBuf, String)],
    missing: bool,
) -> Vec<(PathBuf, Diagnostic)> {
    let text_of = |e: &Entity| {
        texts
            .iter()
            .find(|(p, _)| *p == e.file)
            .map_or("", |(_, t)| t.as_str())
    };
    let line_of =
        |e: &Entity, at: usize| text_of(e)[..at.min(text_of(e).len())].matches('\n').count() + 1;
    let file_name = |e: &Entity| {
        e.file.file_name().map_or_else(
            || e.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let mut out = Vec::new();
    for e in &registry.entities {
        if missing && e.authority.is_empty() {
            out.push((
                e.file.clone(),
                Diagnostic::new(
                    Code::MissingAuthority,
                    e.id_range.clone(),
                    format!(
                        "`{}.{}` has no authority id (wikidata, viaf, gnd, geonames or loc)",
                        e.kind.as_str(),
                        e.id
                    ),
                ),
            ));
        }
        for (key, id) in &e.authority {
            if let Some(authority) = find(key)
                && !authority.is_valid(id.trim())
            {
                out.push((
                    e.file.clone(),
                    Diagnostic::new(
                        Code::Registry,
                        value_range(text_of(e), e, key),
                        format!("`{id}` is not a {key} id: one is {}", authority.form),
                    ),
                ));
            }
        }
    }
    for Duplicate {
        key,
        id,
        first,
        second,
    } in duplicates(registry)
    {
        let (o, e) = (&registry.entities[first], &registry.entities[second]);
        let range = value_range(text_of(e), e, &key);
        let other_range = value_range(text_of(o), o, &key);
        let same_id = |b: &Entity, b_range: &Range<usize>| Related {
            path: b.file.clone(),
            range: b_range.clone(),
            message: format!("the same {key} id on `{}.{}`", b.kind.as_str(), b.id),
        };
        let said = |a: &Entity, b: &Entity, b_range: &Range<usize>| {
            format!(
                "{key} {id} is also the id of `{}.{}` ({}:{}): one {} entered twice?",
                b.kind.as_str(),
                b.id,
                file_name(b),
                line_of(b, b_range.start),
                a.kind.as_str()
            )
        };
        // On both entries, each pointing at the other.
        for (a, a_range, b, b_range) in [(o, &other_range, e, &range), (e, &range, o, &other_range)]
        {
            out.push((
                a.file.clone(),
                Diagnostic::new(
                    Code::DuplicateAuthority,
                    a_range.clone(),
                    said(a, b, b_range),
                )
                .with_related(same_id(b, b_range)),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(wikidata("Q17427") && !wikidata("Q") && !wikidata("17427") && !wikidata("Q0"));
        assert!(viaf("78769600") && !viaf("") && !viaf("7876x") && !viaf("0123"));
        for ok in [
            "118642499",
            "4042203-3",
            "1012345678",
            "10123456X",
            "300000000",
            "7123456-1",
            "123-X",
        ] {
            assert!(gnd(ok), "{ok}");
        }
        for bad in ["", "X", "218642499", "4042203-33", "0123-4", "11864249"] {
            assert!(!gnd(bad), "{bad}");
        }
        assert!(geonames("1816670") && !geonames("01816670") && !geonames("a"));
        assert!(
            loc("n79021400")
                && loc("sh85072736")
                && !loc("79021400")
                && !loc("abcd123")
                && !loc("n")
        );
        assert_eq!(
            url("wikidata", "Q17427").as_deref(),
            Some("https://www.wikidata.org/wiki/Q17427")
        );
        assert_eq!(url("wikidata", "17427"), None);
        assert_eq!(url("isni", "0000"), None);
    }
}
