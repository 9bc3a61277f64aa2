//! Finding the registry's names in plain text: one leftmost-longest
//! automaton over every folded name, alias and not-a-mention phrase
//! (`names`), whole words only, ranges exact in the text as written.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::super::names::{Folded, NameAutomaton, fold};
use super::{Entity, NameMatch, Registry};
use crate::text::Edit;

#[derive(Debug, Default)]
pub(super) struct NameSearch {
    /// Every distinct (case-sensitive) folded name or phrase: the
    /// automaton's patterns.
    patterns: Vec<String>,
    /// Pattern id → the entries that have that name; empty for a
    /// not-a-mention phrase, whose matches hide the names inside them.
    entities: Vec<Vec<usize>>,
    /// Whether some name contains a line break: then a match can span
    /// lines, and `find_names_after_edit` searches the whole text.
    multiline: bool,
    /// Built on first use: about a third of the time of loading a large
    /// registry (56,793 names: ≈ 160 ms), which only `untagged-mention`,
    /// `inconsistent-variant` and hover on plain text need. `None` when
    /// there is no name at all.
    automaton: OnceLock<Option<NameAutomaton>>,
}

impl NameSearch {
    /// The patterns of `entities` (each name once per entry, skipping one
    /// that only differs in case from an earlier name of the same entry)
    /// and of the not-a-mention phrases (the entries' and `phrases`).
    pub(super) fn new(entities: &[Entity], phrases: &[String]) -> NameSearch {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut pattern_entities: Vec<Vec<usize>> = Vec::new();
        let mut seen_here: Vec<String> = Vec::new();
        let mut id_of = |name: &str, patterns: &mut Vec<String>, owners: &mut Vec<Vec<usize>>| {
            let folded = fold(name);
            if let Some(&id) = pattern_ids.get(folded.as_ref()) {
                return id;
            }
            patterns.push(folded.to_string());
            owners.push(Vec::new());
            pattern_ids.insert(folded.into_owned(), patterns.len() - 1);
            patterns.len() - 1
        };
        for (index, entity) in entities.iter().enumerate() {
            seen_here.clear();
            for name in entity.written_names() {
                if name.trim().is_empty() {
                    continue;
                }
                let lower = fold(name).to_lowercase();
                if seen_here.contains(&lower) {
                    continue;
                }
                seen_here.push(lower);
                let pattern = id_of(name, &mut patterns, &mut pattern_entities);
                let owners = &mut pattern_entities[pattern];
                if owners.last() != Some(&index) {
                    owners.push(index);
                }
            }
        }
        // Phrases last: a phrase that is also a name hides it.
        let entity_phrases = entities.iter().flat_map(|e| e.not_mentions.iter());
        for phrase in entity_phrases.chain(phrases) {
            if phrase.trim().is_empty() {
                continue;
            }
            let pattern = id_of(phrase, &mut patterns, &mut pattern_entities);
            pattern_entities[pattern].clear();
        }
        NameSearch {
            multiline: patterns.iter().any(|p| p.contains('\n')),
            patterns,
            entities: pattern_entities,
            automaton: OnceLock::new(),
        }
    }

    fn automaton(&self) -> Option<&NameAutomaton> {
        self.automaton
            .get_or_init(|| NameAutomaton::new(&self.patterns))
            .as_ref()
    }
}

impl Registry {
    /// A job that builds the name automaton (if not built yet), for another
    /// thread: `find_names` then finds it ready. Running it is optional,
    /// and running it twice or alongside `find_names` is harmless.
    pub fn name_search_builder(&self) -> impl FnOnce() + Send + 'static {
        let names = self.names.clone();
        move || {
            names.automaton();
        }
    }

    /// Every whole-word, case-sensitive occurrence of a name or alias in
    /// `text`, leftmost-longest, non-overlapping, in order, compared folded
    /// (`names::fold`: `People’s` is `People's`), each range exact in
    /// `text`. A not-a-mention phrase is matched like a name, and hides
    /// the names inside it.
    ///
    /// A match is a whole word when the characters around it are not
    /// alphanumeric (`Stalin's` matches `Stalin`, `Korean` does not match
    /// `Korea`). Scripts written without spaces (Han, kana, Thai, …) have no
    /// word boundaries to check: `周恩来` matches in `周恩来总理`. When the
    /// longest name at a place is not a whole word, a shorter one there can
    /// still match (`Port` in `Port Arthurs`).
    pub fn find_names(&self, original: &str) -> Vec<NameMatch> {
        let search = &*self.names;
        let Some(ac) = search.automaton() else {
            return Vec::new();
        };
        // Searched folded, as the patterns are; ranges mapped back.
        let folded = Folded::new(original);
        let text = folded.text.as_ref();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some((start, end, pattern)) = ac.find(text, pos) else {
                break;
            };
            let mut found = None;
            if boundary_before(text, start) {
                let (mut end, mut pattern) = (end, pattern);
                loop {
                    if boundary_after(text, end) {
                        found = Some((end, pattern));
                        break;
                    }
                    // The longest name here is not a whole word: try the
                    // longest shorter one that starts at the same place.
                    match ac.longest_before(text, start, end) {
                        Some(shorter) => (end, pattern) = shorter,
                        None => break,
                    }
                }
            }
            match found {
                Some((end, pattern)) => {
                    // A not-a-mention phrase hides the names inside it.
                    if !search.entities[pattern].is_empty() {
                        out.push(NameMatch {
                            range: folded.original(start..end),
                            entities: search.entities[pattern].clone(),
                        });
                    }
                    pos = end;
                }
                None => pos = start + text[start..].chars().next().map_or(1, char::len_utf8),
            }
        }
        out
    }
}

impl Registry {
    /// `find_names(new)`, given `old_names`, the `find_names` of the text
    /// `edit` turned into `new` (`Edit::between(old, new)`): only the lines
    /// the edit touched are searched, the other matches are kept (shifted
    /// by the edit's length when after it).
    ///
    /// Why that is the same list: no name contains `\n` (else the whole
    /// text is searched), so no match spans a `\n`; and the search's state
    /// at a line's start does not depend on the lines before. A search
    /// position before the `\n` that ends a line finds no match starting
    /// between it and that `\n` other than matches inside the line, so the
    /// first match found after the `\n` is the leftmost-longest match of
    /// the text after it, whatever came before; its word-boundary checks
    /// see the `\n` (a boundary, like the start or end of a text). Hence
    /// the matches of a text are those of each of its lines, each searched
    /// alone, and the lines outside the edit are the same text in `old`
    /// and `new`. `tests::find_names_after_edit_equals_a_new_search` proves
    /// it against `find_names` of the whole new text.
    pub fn find_names_after_edit(
        &self,
        old_names: Vec<NameMatch>,
        new: &str,
        edit: &Edit,
    ) -> Vec<NameMatch> {
        if self.names.multiline {
            return self.find_names(new);
        }
        let bytes = new.as_bytes();
        // The lines the edit touched in `new`: from the start of the line
        // of `edit.start` to the `\n` at or after `edit.new_end` (both in
        // the parts `old` and `new` share, so character boundaries).
        let from = memchr::memrchr(b'\n', &bytes[..edit.start]).map_or(0, |i| i + 1);
        let to =
            memchr::memchr(b'\n', &bytes[edit.new_end..]).map_or(new.len(), |i| edit.new_end + i);
        // The same place in `old`: the text after `edit.new_end` is the
        // text after `edit.old_end` there.
        let old_to = to - edit.new_end + edit.old_end;
        let kept_before = old_names.partition_point(|m| m.range.start < from);
        let kept_after = old_names.partition_point(|m| m.range.start < old_to);
        let mut out = Vec::with_capacity(old_names.len() + 8);
        let mut old_names = old_names.into_iter();
        out.extend(old_names.by_ref().take(kept_before));
        out.extend(self.find_names(&new[from..to]).into_iter().map(|mut m| {
            m.range = m.range.start + from..m.range.end + from;
            m
        }));
        out.extend(old_names.skip(kept_after - kept_before).map(|mut m| {
            m.range = m.range.start - edit.old_end + edit.new_end
                ..m.range.end - edit.old_end + edit.new_end;
            m
        }));
        out
    }
}

/// Characters of scripts written without spaces between words: next to
/// them there is always a word boundary.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF       // Thai, Lao
        | 0x1000..=0x109F     // Myanmar
        | 0x1780..=0x17FF     // Khmer
        | 0x2E80..=0x2FDF     // CJK radicals
        | 0x3005..=0x3007     // 々 〆 〇
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x31F0..=0x31FF     // Katakana extensions
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F     // half-width Katakana
        | 0x20000..=0x3134F   // CJK extensions B–G
    )
}

/// Whether `edge` (a character of the match) and `outside` (its neighbour)
/// are separated by a word boundary.
fn separated(edge: Option<char>, outside: Option<char>) -> bool {
    match (edge, outside) {
        (_, None) => true,
        (edge, Some(outside)) => {
            !outside.is_alphanumeric() || is_unspaced(outside) || edge.is_some_and(is_unspaced)
        }
    }
}

fn boundary_before(text: &str, start: usize) -> bool {
    separated(
        text[start..].chars().next(),
        text[..start].chars().next_back(),
    )
}

fn boundary_after(text: &str, end: usize) -> bool {
    separated(text[..end].chars().next_back(), text[end..].chars().next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Kind;
    use aho_corasick::{AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn entity(index: usize, names: &[String]) -> Entity {
        Entity {
            name: names[0].clone(),
            aliases: names[1..].to_vec(),
            ..Entity::new(
                &format!("e{index}"),
                Kind::Person,
                PathBuf::from("registry.toml"),
                0..0,
            )
        }
    }

    /// `find_names` as it was with the `aho-corasick` automaton, patterns
    /// and their entries collected as `Registry::build` collects them.
    /// Names and text are folded first (`fold`, `Folded`), and the ranges
    /// found mapped back to the text (`Folded::original`).
    fn reference_find_names(entities: &[Entity], original: &str) -> Vec<NameMatch> {
        let folded_text = Folded::new(original);
        let text = folded_text.text.as_ref();
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for (index, entity) in entities.iter().enumerate() {
            let mut seen_here: Vec<String> = Vec::new();
            for name in entity.written_names() {
                let name = fold(name).into_owned();
                let lower = name.to_lowercase();
                if name.trim().is_empty() || seen_here.contains(&lower) {
                    continue;
                }
                seen_here.push(lower);
                match patterns.iter().position(|p| *p == name) {
                    Some(p) if owners[p].last() == Some(&index) => {}
                    Some(p) => owners[p].push(index),
                    None => {
                        patterns.push(name);
                        owners.push(vec![index]);
                    }
                }
            }
        }
        let Ok(ac) = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&patterns)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = ac.find(Input::new(text).range(pos..)) else {
                break;
            };
            let start = m.start();
            let mut found = None;
            if boundary_before(text, start) {
                let (mut end, mut pattern) = (m.end(), m.pattern());
                loop {
                    if boundary_after(text, end) {
                        found = Some((end, pattern));
                        break;
                    }
                    let shorter = Input::new(text)
                        .range(start..end - 1)
                        .anchored(Anchored::Yes);
                    match ac.find(shorter) {
                        Some(m) => (end, pattern) = (m.end(), m.pattern()),
                        None => break,
                    }
                }
            }
            match found {
                Some((end, pattern)) => {
                    out.push(NameMatch {
                        range: folded_text.original(start..end),
                        entities: owners[pattern.as_usize()].clone(),
                    });
                    pos = end;
                }
                None => pos = start + text[start..].chars().next().map_or(1, char::len_utf8),
            }
        }
        out
    }

    /// Names that are prefixes, suffixes and other-case spellings of one
    /// another, words around them, non-ASCII (combining marks, Han, kana,
    /// Cyrillic, an emoji), spaces and punctuation.
    const PIECES: &[&str] = &[
        "Port",
        "port",
        "Port Arthur",
        "Arthur",
        "s",
        "'s",
        "Korea",
        "Korean",
        "a",
        "A",
        " ",
        "  ",
        "\n",
        ".",
        "-",
        "é",
        "É",
        "e\u{301}",
        "周",
        "恩来",
        "周恩来",
        "の",
        "Жуков",
        "ж",
        "İ",
        "\u{1F600}",
        "1",
        "P. N. 1",
        "P. N. 12",
    ];

    fn piece() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(PIECES)
    }

    fn name() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 1..4).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn find_names_equals_the_aho_corasick_search(
            names in proptest::collection::vec(proptest::collection::vec(name(), 1..4), 1..12),
            text in proptest::collection::vec(piece(), 0..60),
        ) {
            let entities: Vec<Entity> =
                names.iter().enumerate().map(|(i, n)| entity(i, n)).collect();
            let text = text.concat();
            let expected = reference_find_names(&entities, &text);
            let registry = Registry::from_entities(entities);
            prop_assert_eq!(registry.find_names(&text), expected);
        }

        /// The incremental search after an edit equals a search of the
        /// whole new text: names with and without line breaks (the former
        /// fall back to the whole text), texts of many short lines, edits
        /// that join or split lines, at any byte of the text.
        #[test]
        fn find_names_after_edit_equals_a_new_search(
            names in proptest::collection::vec(proptest::collection::vec(name(), 1..4), 1..12),
            one_line_names in any::<bool>(),
            text in proptest::collection::vec(piece(), 0..80),
            at in any::<proptest::sample::Index>(),
            removed in 0usize..12,
            inserted in proptest::collection::vec(piece(), 0..4),
        ) {
            let names: Vec<Vec<String>> = if one_line_names {
                names
                    .into_iter()
                    .map(|n| n.into_iter().map(|n| n.replace('\n', " ")).collect())
                    .collect()
            } else {
                names
            };
            let entities: Vec<Entity> =
                names.iter().enumerate().map(|(i, n)| entity(i, n)).collect();
            let registry = Registry::from_entities(entities);
            let old = text.concat();
            let start = crate::text::floor_char_boundary(&old, at.index(old.len() + 1));
            let end = crate::text::floor_char_boundary(&old, (start + removed).min(old.len()));
            let mut new = old.clone();
            new.replace_range(start..end, &inserted.concat());
            let edit = Edit::between(&old, &new);
            prop_assert_eq!(
                registry.find_names_after_edit(registry.find_names(&old), &new, &edit),
                registry.find_names(&new)
            );
        }
    }

    #[test]
    fn find_names_after_edit_keeps_and_shifts_the_other_lines() {
        let names = ["Port Arthur".to_string(), "Port".to_string()];
        let registry = Registry::from_entities(vec![entity(0, &names)]);
        let old = "Port Arthur\nPort Arthurs\nx Port\n";
        let new = "Port Arthur\nPort Arthur\nxy Port\n";
        let edit = Edit::between(old, new);
        let found = registry.find_names_after_edit(registry.find_names(old), new, &edit);
        let ranges: Vec<_> = found.iter().map(|m| m.range.clone()).collect();
        assert_eq!(ranges, vec![0..11, 12..23, 27..31]);
        assert_eq!(found, registry.find_names(new));
        // A name with a line break: the whole text is searched.
        let names = vec!["Port\nArthur".to_string()];
        let registry = Registry::from_entities(vec![entity(0, &names)]);
        let old = "Port\nArthur x\n";
        let new = "Port\nArthur y\n";
        let edit = Edit::between(old, new);
        let found = registry.find_names_after_edit(Vec::new(), new, &edit);
        assert_eq!(found, registry.find_names(new));
        assert_eq!(found.len(), 1);
    }
}

/// Names written as real text writes them: typographic apostrophes and
/// quotes, dashes, other spaces, combining sequences.
#[cfg(test)]
mod folding_tests {
    use super::*;
    use crate::workspace::Kind;
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn entity(id: &str, names: &[&str]) -> Entity {
        Entity {
            name: names[0].to_string(),
            aliases: names[1..].iter().map(|n| n.to_string()).collect(),
            ..Entity::new(id, Kind::Place, PathBuf::from("registry.toml"), 0..0)
        }
    }

    /// Words of names; ASCII separators the text may write otherwise.
    const WORDS: &[&str] = &[
        "People", "Republic", "Korea", "Ré", "Škoda", "Nguyễn", "Åland", "of", "Kim", "O",
    ];
    const SEPARATORS: &[&str] = &[" ", "'", "-", "'s ", " \"", "\" ", " - "];

    /// The ways a text writes a character of a name.
    fn spellings(c: char) -> Vec<String> {
        let mut out = vec![c.to_string()];
        let other: &[&str] = match c {
            '\'' => &["\u{2019}", "\u{2018}", "\u{02BC}", "\u{2032}"],
            '"' => &["\u{201C}", "\u{201D}", "\u{201E}"],
            '-' => &["\u{2010}", "\u{2011}", "\u{2013}", "\u{2014}", "\u{2212}"],
            ' ' => &["\u{00A0}", "\u{2009}", "\u{202F}"],
            'é' => &["e\u{301}"],
            'Š' => &["S\u{30C}"],
            'ễ' => &["e\u{302}\u{303}", "ê\u{303}"],
            'Å' => &["A\u{30A}", "\u{212B}"],
            _ => &[],
        };
        out.extend(other.iter().map(|s| s.to_string()));
        out
    }

    fn name() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(WORDS),
            proptest::collection::vec(
                (
                    proptest::sample::select(SEPARATORS),
                    proptest::sample::select(WORDS),
                ),
                0..4,
            ),
        )
            .prop_map(|(first, rest)| {
                let mut name = first.to_string();
                for (sep, word) in rest {
                    name.push_str(sep);
                    name.push_str(word);
                }
                name
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// A registry name written with any of the substitutions is found,
        /// with its exact range in the text, and wins over a shorter name
        /// of another entry inside it.
        #[test]
        fn a_name_written_otherwise_is_found_with_its_exact_range(
            name in name(),
            choices in proptest::collection::vec(any::<proptest::sample::Index>(), 40),
            inner in any::<proptest::sample::Index>(),
            before in proptest::sample::select(&["", "the ", "(", "\u{201C}", "\u{00A0}"][..]),
            after in proptest::sample::select(&["", ".", "\u{2019}s", " and", ")", "\n"][..]),
        ) {
            let written: String = name
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    let s = spellings(c);
                    s[choices[i % choices.len()].index(s.len())].clone()
                })
                .collect();
            // A shorter name of another entry: a word of this one.
            let words: Vec<&str> = WORDS.iter().copied().filter(|w| name.contains(w)).collect();
            let shorter = words[inner.index(words.len())];
            let mut entities = vec![entity("long", &[&name])];
            if shorter != name {
                entities.push(entity("short", &[shorter]));
            }
            let registry = Registry::from_entities(entities);
            let text = format!("{before}{written}{after}");
            let found = registry.find_names(&text);
            let range = before.len()..before.len() + written.len();
            prop_assert!(
                found.iter().any(|m| m.range == range && m.entities == vec![0]),
                "{name:?} written {written:?}: {found:?} in {text:?}"
            );
        }
    }

    #[test]
    fn the_longest_name_wins_over_a_name_inside_it() {
        let registry = Registry::from_entities(vec![
            entity(
                "north-korea",
                &["North Korea", "Democratic People's Republic of Korea"],
            ),
            entity("south-korea", &["South Korea", "Republic of Korea"]),
        ]);
        let text =
            "the Democratic People\u{2019}s Republic of\u{00A0}Korea and the Republic of Korea";
        let found: Vec<(&str, Vec<usize>)> = registry
            .find_names(text)
            .into_iter()
            .map(|m| (&text[m.range], m.entities))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "Democratic People\u{2019}s Republic of\u{00A0}Korea",
                    vec![0]
                ),
                ("Republic of Korea", vec![1]),
            ]
        );
        // A mention target is resolved folded too.
        assert_eq!(
            registry.resolve("Democratic People\u{2019}s Republic of Korea"),
            crate::workspace::Resolution::Unique(0)
        );
    }

    #[test]
    fn a_not_a_mention_phrase_hides_the_names_inside_it() {
        let mut stalin = entity("stalin", &["Stalin"]);
        stalin.not_mentions = vec!["International Stalin Peace Prize".into()];
        let mut registry = Registry::from_entities(vec![
            stalin,
            entity("china", &["China"]),
            entity("ap", &["AP"]),
        ]);
        registry.set_not_mentions(&["Twentieth-Century China".into(), "AP RF".into()]);
        let text = "Stalin got no International Stalin Peace Prize; Twentieth\u{2010}Century China \
                    cites AP RF, f. 3 and AP wires from China.";
        let found: Vec<&str> = registry
            .find_names(text)
            .into_iter()
            .map(|m| &text[m.range])
            .collect();
        assert_eq!(found, ["Stalin", "AP", "China"]);
    }
}
