//! The name automaton behind `Registry::find_names`: every distinct name and
//! alias of the registry, searched leftmost-longest.
//!
//! It is a character-wise double-array Aho-Corasick automaton (`daachorse`).
//! The `aho-corasick` crate it replaces builds in time quadratic in the number
//! of names (its noncontiguous NFA moves every match state to the front by
//! pairwise swaps, and remapping the swaps follows cycles that grow with the
//! automaton): 40 s for the 400,000 names of a 200,000-entry registry. This
//! one builds in linear time and searches at least as fast; its matches are
//! the same (see the property tests below and in `registry`).
//!
//! Names are matched *folded* (`Folded`): typographic apostrophes and
//! quotes, dashes and other hyphens, non-breaking and other spaces are read
//! as their ASCII form, and combining sequences as their precomposed form
//! (NFC), in the registry's names and in the text alike; a match's range is
//! mapped back to the exact bytes of the text as written.

use std::borrow::Cow;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};
use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The ASCII character a name matcher reads for `c`, if it reads another
/// one: apostrophes and single quotes, double quotes, hyphens and dashes,
/// spaces other than U+0020 (tabs and line breaks are kept).
pub fn fold_char(c: char) -> Option<char> {
    Some(match c {
        // Apostrophes, single quotes, primes read as apostrophes.
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{02BC}' | '\u{2032}'
        | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => '"',
        // Hyphens, dashes, the minus sign.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        // No-break and other spaces (not the ideographic space, which is
        // part of CJK text).
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        _ => return None,
    })
}

/// Whether `c` may join the character before it under NFC (a combining
/// mark, or a Hangul vowel or final consonant jamo).
fn joins_previous(c: char) -> bool {
    !c.is_ascii()
        && (canonical_combining_class(c) != 0
            || is_combining_mark(c)
            || ('\u{1160}'..='\u{11FF}').contains(&c))
}

/// Whether `text` reads differently folded.
fn needs_folding(text: &str) -> bool {
    !text.is_ascii()
        && (text.chars().any(|c| fold_char(c).is_some())
            || is_nfc_quick(text.chars()) != IsNormalized::Yes)
}

/// `text` folded: what names are matched against.
pub fn fold(text: &str) -> Cow<'_, str> {
    if needs_folding(text) {
        Cow::Owned(Folded::new(text).text.into_owned())
    } else {
        Cow::Borrowed(text)
    }
}

/// A text folded for name matching, with the way back to the bytes of the
/// original: each piece that folded to another length is recorded, every
/// other byte keeps its distance from the last such piece.
#[derive(Debug)]
pub struct Folded<'a> {
    pub text: Cow<'a, str>,
    /// (folded start, folded end, original start, original end) of each
    /// piece whose folded form has another length, in order.
    changed: Vec<(usize, usize, usize, usize)>,
}

impl<'a> Folded<'a> {
    pub fn new(original: &'a str) -> Folded<'a> {
        if !needs_folding(original) {
            return Folded {
                text: Cow::Borrowed(original),
                changed: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut changed = Vec::new();
        let mut chars = original.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            // A piece: one character and whatever joins it under NFC.
            let mut end = start + c.len_utf8();
            while let Some(&(i, next)) = chars.peek() {
                if !joins_previous(next) {
                    break;
                }
                end = i + next.len_utf8();
                chars.next();
            }
            let piece = &original[start..end];
            let folded_start = text.len();
            if end == start + c.len_utf8() && c.is_ascii() {
                text.push(c);
                continue;
            }
            let nfc: Cow<'_, str> = if is_nfc_quick(piece.chars()) == IsNormalized::Yes {
                Cow::Borrowed(piece)
            } else {
                Cow::Owned(piece.nfc().collect())
            };
            for c in nfc.chars() {
                text.push(fold_char(c).unwrap_or(c));
            }
            if text.len() - folded_start != piece.len() {
                changed.push((folded_start, text.len(), start, end));
            }
        }
        Folded {
            text: Cow::Owned(text),
            changed,
        }
    }

    /// The byte range of the original that folded into `range` (a range of
    /// `self.text` on character boundaries): a bound inside a piece that
    /// folded to another length widens to the whole piece.
    pub fn original(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.to_original(range.start, false)..self.to_original(range.end, true)
    }

    fn to_original(&self, at: usize, end: bool) -> usize {
        let i = self.changed.partition_point(|p| p.0 <= at);
        match i.checked_sub(1).map(|i| self.changed[i]) {
            None => at,
            // Inside a piece: its start, or its end for an end bound.
            Some((fs, fe, os, oe)) if at < fe => {
                if end && at > fs {
                    oe
                } else {
                    os
                }
            }
            Some((_, fe, _, oe)) => oe + (at - fe),
        }
    }
}

/// A leftmost-longest automaton over a set of distinct, non-empty names.
pub struct NameAutomaton {
    automaton: CharwiseDoubleArrayAhoCorasick<u32>,
}

impl std::fmt::Debug for NameAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameAutomaton")
            .field("states", &self.automaton.num_states())
            .finish()
    }
}

impl NameAutomaton {
    /// The automaton over `names`, which must be distinct (the pattern id of
    /// a name is its index). `None` when there is no name, a name is empty,
    /// or there are too many to index.
    pub fn new<S: AsRef<str>>(names: &[S]) -> Option<NameAutomaton> {
        if names.is_empty()
            || names.len() > u32::MAX as usize
            || names.iter().any(|name| name.as_ref().is_empty())
        {
            return None;
        }
        let automaton = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (name.as_ref(), i as u32)),
            )
            .ok()?;
        Some(NameAutomaton { automaton })
    }

    /// The leftmost-longest name in `text` that starts at or after `pos` (a
    /// character boundary): its byte range in `text` and pattern id.
    pub fn find(&self, text: &str, pos: usize) -> Option<(usize, usize, usize)> {
        let m = self.automaton.leftmost_find_iter(&text[pos..]).next()?;
        Some((pos + m.start(), pos + m.end(), m.value() as usize))
    }

    /// The longest name that starts at `start` and ends before `end` (both
    /// character boundaries): its end and pattern id.
    pub fn longest_before(&self, text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        // Names are whole characters, so one that ends before `end` ends at
        // or before the character boundary before it; the leftmost-longest
        // match of that slice, if it starts at `start`, is the longest name
        // there.
        let last = text[start..end].char_indices().next_back()?.0;
        let m = self
            .automaton
            .leftmost_find_iter(&text[start..start + last])
            .next()?;
        (m.start() == 0).then(|| (start + m.end(), m.value() as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, StartKind};
    use proptest::prelude::*;

    /// The automaton it replaces, built as `Registry` built it.
    fn reference(names: &[String]) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(names)
            .unwrap()
    }

    /// Compares `find` from every character boundary and `longest_before`
    /// for every start and every end after it, with the reference.
    fn same_matches(names: &[String], text: &str) {
        let new = NameAutomaton::new(names).unwrap();
        let old = reference(names);
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for &pos in &boundaries {
            let expected = old
                .find(Input::new(text).range(pos..))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()));
            assert_eq!(new.find(text, pos), expected, "find at {pos} in {text:?}");
            for &end in boundaries.iter().filter(|&&e| e > pos) {
                let expected = old
                    .find(Input::new(text).range(pos..end - 1).anchored(Anchored::Yes))
                    .map(|m| (m.end(), m.pattern().as_usize()));
                assert_eq!(
                    new.longest_before(text, pos, end),
                    expected,
                    "longest_before {pos}..{end} in {text:?}"
                );
            }
        }
    }

    /// Pieces from which names and texts are made: words that are prefixes
    /// and suffixes of one another, other case, non-ASCII (Latin, Han,
    /// kana, Cyrillic), spaces and punctuation.
    const PIECES: &[&str] = &[
        "a",
        "A",
        "b",
        "ab",
        "ba",
        "Port",
        "port",
        "Port Arthur",
        " ",
        ".",
        "'",
        "-",
        "é",
        "É",
        "e\u{301}",
        "周",
        "恩",
        "来",
        "周恩来",
        "の",
        "Ж",
        "ж",
        "ß",
        "İ",
        "\u{1F600}",
        "P. N. 1",
        "1",
        "12",
    ];

    fn piece() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(PIECES)
    }

    fn name() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 1..5).prop_map(|p| p.concat())
    }

    fn names() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(name(), 1..40).prop_map(|mut names| {
            let mut seen = std::collections::HashSet::new();
            names.retain(|n| seen.insert(n.clone()));
            names
        })
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn matches_equal_aho_corasick(names in names(), text in text()) {
            same_matches(&names, &text);
        }

        /// Texts made of the names themselves, so that most positions match.
        #[test]
        fn matches_equal_aho_corasick_on_dense_text(
            names in names(),
            picks in proptest::collection::vec((any::<proptest::sample::Index>(), piece()), 0..20),
        ) {
            let text: String = picks
                .iter()
                .map(|(i, sep)| format!("{}{sep}", names[i.index(names.len())]))
                .collect();
            same_matches(&names, &text);
        }
    }

    #[test]
    fn nothing_to_index() {
        assert!(NameAutomaton::new::<&str>(&[]).is_none());
        assert!(NameAutomaton::new(&["a", ""]).is_none());
    }

    #[test]
    fn longest_before_at_the_end_of_the_text() {
        let names = ["Port", "Port Arthur", "周恩来", "周"];
        let a = NameAutomaton::new(&names).unwrap();
        let text = "Port Arthurs 周恩来";
        assert_eq!(a.find(text, 0), Some((0, 11, 1)));
        assert_eq!(a.longest_before(text, 0, 11), Some((4, 0)));
        assert_eq!(a.longest_before(text, 0, 4), None);
        let han = text.find('周').unwrap();
        assert_eq!(a.longest_before(text, han, text.len()), Some((han + 3, 3)));
        assert_eq!(a.longest_before(text, han, han + 3), None);
    }
}
