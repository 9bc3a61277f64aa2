//! Completion after `[[` (registry entries), `[@` (bibliography keys) and
//! `[^` (the document's footnote labels and the next free number).
//!
//! The context comes from the text of the line before the cursor, not from
//! the model: while the user types `[[zh` the tree holds plain brackets and
//! text, not a mention. Every item replaces the partial text typed so far
//! (an exact byte range) and adds the closing brackets when none follow.
//! Candidates are ranked with `nucleo-matcher` (fuzzy, case-insensitive,
//! accents folded) over every name, alias and the id of an entry, or over a
//! key and its title; the list is capped at [`LIMIT`] items.
//!
//! Registry entries are not all walked on every request: with nothing typed
//! the workspace keeps them ordered by mention count, and a typed query is
//! scored only on the strings whose character mask holds every character
//! typed (`workspace::entity_index`), which gives the same list as scoring
//! them all.

use std::cmp::Reverse;
use std::ops::Range;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::markup::Markup;
use crate::workspace::{Document, Kind, Workspace, entity_index};

/// At most this many items are returned. Lists of entries and keys are
/// always marked incomplete, so that the client asks again as the user types
/// (the ranking and each item's filter text depend on the text typed).
pub const LIMIT: usize = 100;

/// What the cursor is completing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// After `[[`: the partial target typed so far (`typed`), the range the
    /// item replaces, and whether the mention is already closed.
    Mention {
        typed: Range<usize>,
        replace: Range<usize>,
        closed: bool,
    },
    /// After `@` in a citation.
    Citation {
        typed: Range<usize>,
        replace: Range<usize>,
        closed: bool,
    },
    /// After `[^`.
    Footnote {
        typed: Range<usize>,
        replace: Range<usize>,
        closed: bool,
    },
    /// Inside `[[target|` (the display text): nothing to offer.
    Display,
}

/// The kind of a completion item (mapped to an LSP kind at the edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Entity(Kind),
    Citation,
    /// A label already used in the document.
    Footnote,
    /// The next free footnote number.
    NewFootnote,
}

/// What `completionItem/resolve` needs to add the documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolve {
    /// A registry id.
    Entity(String),
    /// A bibliography key.
    Citation(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the list shows. For a registry entry or a bibliography key it
    /// is the string the typed text matched best (a name, an alias, a
    /// variant, the id; a key or a title), so that a client that filters
    /// on the label (eglot) keeps the items that VS Code and Neovim keep
    /// by `filter_text` (docs/format.md, "Completion").
    pub label: String,
    /// The entry's own name (an entity's name, a citation key) when the
    /// label is another string it was found by; a client shows it beside
    /// the label (`labelDetails`), and `detail` starts with it.
    pub canonical: Option<String>,
    pub detail: Option<String>,
    pub kind: ItemKind,
    /// The byte range the item replaces.
    pub replace: Range<usize>,
    pub new_text: String,
    /// The string the client should filter on (the one that matched best).
    pub filter_text: String,
    /// Orders the items as ranked here.
    pub sort_text: String,
    pub preselect: bool,
    pub resolve: Option<Resolve>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub items: Vec<Item>,
    /// True when the client must ask again as the user types.
    pub incomplete: bool,
}

/// The completion at byte `offset` of `doc`; `None` when the cursor is in no
/// completion context.
pub fn completion(doc: &Document, ws: &Workspace, offset: usize) -> Option<Completion> {
    let text = doc.text.as_str();
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let in_front_matter = doc
        .model
        .front_matter
        .as_ref()
        .is_some_and(|f| f.range.start < offset && offset < f.range.end);
    match context(text, offset)? {
        Context::Display => Some(Completion::default()),
        Context::Mention {
            typed,
            replace,
            closed,
        } if !in_front_matter => Some(mentions(ws, &text[typed], replace, closed)),
        Context::Mention { .. } => None,
        Context::Citation {
            typed,
            replace,
            closed,
        } => Some(citations(ws, &text[typed], replace, closed)),
        Context::Footnote {
            typed,
            replace,
            closed,
        } if !in_front_matter => Some(footnotes(doc, &text[typed], replace, closed)),
        Context::Footnote { .. } => None,
    }
}

/// The start of the line holding `offset` (after `\n` or `\r`).
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// The end of the line holding `offset` (before `\n` or `\r`).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i)
}

/// Whether the byte at `i` is escaped by an odd run of backslashes.
fn escaped(text: &str, i: usize) -> bool {
    text[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_:.#/-".contains(c)
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The start of the run of characters satisfying `ok` that ends at `end`.
fn run_back(text: &str, start_limit: usize, end: usize, ok: impl Fn(char) -> bool) -> usize {
    let mut start = end;
    for (i, c) in text[start_limit..end].char_indices().rev() {
        if !ok(c) {
            break;
        }
        start = start_limit + i;
    }
    start
}

/// The end of the run of characters satisfying `ok` that starts at `start`.
fn run_forward(text: &str, start: usize, end_limit: usize, ok: impl Fn(char) -> bool) -> usize {
    text[start..end_limit]
        .char_indices()
        .find(|&(_, c)| !ok(c))
        .map_or(end_limit, |(i, _)| start + i)
}

/// Finds the completion context of the cursor at `offset` by scanning the
/// current line backwards.
pub fn context(text: &str, offset: usize) -> Option<Context> {
    let start = line_start(text, offset);
    let end = line_end(text, offset);
    let before = &text[start..offset];

    // `[^label`
    let label_start = run_back(text, start, offset, is_label_char);
    if label_start >= start + 2
        && text.as_bytes()[label_start - 2..label_start] == *b"[^"
        && !escaped(text, label_start - 2)
    {
        let label_end = run_forward(text, offset, end, is_label_char);
        return Some(Context::Footnote {
            typed: label_start..offset,
            replace: label_start..label_end,
            closed: text[label_end..end].starts_with(']'),
        });
    }

    // `[@key`, `[see @key`, `[@a, 12; @key`
    let key_start = run_back(text, start, offset, is_key_char);
    if key_start > start && text.as_bytes()[key_start - 1] == b'@' {
        let at = key_start - 1;
        let prev = text[start..at].chars().next_back();
        let open = unclosed_bracket(text, start, at);
        if let Some(open) = open
            && matches!(prev, Some('[' | ';' | ' ' | '\t'))
            && !text[open..at].starts_with("[[")
        {
            let key_end = run_forward(text, offset, end, is_key_char);
            let rest = &text[key_end..end];
            let closed = rest.find(']').is_some_and(|c| !rest[..c].contains('['));
            return Some(Context::Citation {
                typed: key_start..offset,
                replace: key_start..key_end,
                closed,
            });
        }
    }

    // `[[target`
    let mut search_end = before.len();
    while let Some(i) = before[..search_end].rfind("[[") {
        search_end = i + 1;
        let at = start + i;
        if escaped(text, at) {
            continue;
        }
        let typed_start = at + 2;
        let typed = &text[typed_start..offset];
        if typed.contains(']') || typed.contains('[') {
            return None;
        }
        if typed.starts_with(['@', '^']) {
            return None;
        }
        if typed.contains('|') {
            return Some(Context::Display);
        }
        // The rest of the target after the cursor belongs to an existing
        // mention only when the mention is closed (`|` or `]]` follows).
        let rest_end = run_forward(text, offset, end, |c| !matches!(c, '|' | ']' | '['));
        let rest = &text[rest_end..end];
        let (replace_end, closed) = if rest.starts_with('|') || rest.starts_with("]]") {
            (rest_end, true)
        } else {
            (offset, false)
        };
        return Some(Context::Mention {
            typed: typed_start..offset,
            replace: typed_start..replace_end,
            closed,
        });
    }
    None
}

/// The last `[` between `from` and `to` that no `]` closes before `to`.
fn unclosed_bracket(text: &str, from: usize, to: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[from..to].char_indices().rev() {
        let at = from + i;
        if escaped(text, at) {
            continue;
        }
        match c {
            ']' => depth += 1,
            '[' if depth == 0 => return Some(at),
            '[' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A fuzzy matcher for what the user typed: `nucleo-matcher`, each
/// white-space separated word of the query matched on its own,
/// case-insensitive, accents folded (`lushun` finds `Lüshun`), with a bonus
/// for matches at the start.
pub struct Fuzzy {
    matcher: Matcher,
    pattern: Pattern,
    buf: Vec<char>,
}

impl Fuzzy {
    pub fn new(typed: &str) -> Fuzzy {
        let mut config = Config::DEFAULT;
        config.prefer_prefix = true;
        Fuzzy {
            matcher: Matcher::new(config),
            pattern: Pattern::new(
                typed,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
            ),
            buf: Vec::new(),
        }
    }

    /// True for a query with no word: everything matches with score 0.
    pub fn is_empty(&self) -> bool {
        self.pattern.atoms.is_empty()
    }

    pub fn score(&mut self, haystack: &str) -> Option<u32> {
        self.pattern
            .score(Utf32Str::new(haystack, &mut self.buf), &mut self.matcher)
    }

    /// The best score among `candidates` and the index of the candidate
    /// that got it (the first on ties).
    pub fn best<'a>(&mut self, candidates: impl Iterator<Item = &'a str>) -> Option<(u32, usize)> {
        let mut best: Option<(u32, usize)> = None;
        for (i, c) in candidates.enumerate() {
            if let Some(s) = self.score(c)
                && best.is_none_or(|(b, _)| s > b)
            {
                best = Some((s, i));
            }
        }
        best
    }
}

/// The `LIMIT` best of `ranked`, sorted by `order`.
fn cap<T>(mut ranked: Vec<T>, mut order: impl FnMut(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    if ranked.len() > LIMIT {
        ranked.select_nth_unstable_by(LIMIT - 1, &mut order);
        ranked.truncate(LIMIT);
    }
    ranked.sort_by(order);
    ranked
}

fn sort_text(rank: usize) -> String {
    format!("{rank:04}")
}

fn mentions(ws: &Workspace, typed: &str, replace: Range<usize>, closed: bool) -> Completion {
    let typed = typed.trim_start();
    let mut fuzzy = Fuzzy::new(typed);
    let entities = &ws.registry.entities;
    // (score, mentions, entity, which string matched: a name's position, or
    // the id when past the names)
    let ranked: Vec<(u32, usize, usize, usize)> = if fuzzy.is_empty() {
        // Nothing typed: the most mentioned first, kept in order by the
        // workspace as the index changes.
        ws.most_mentioned(LIMIT)
            .into_iter()
            .map(|index| (0, ws.mention_count(index), index, 0))
            .collect()
    } else {
        // Only strings holding every character typed can match: the masks
        // of the name index skip the others without scoring them (same
        // result as scoring every string).
        let names = ws.name_index();
        let need = entity_index::pattern_mask(&fuzzy.pattern);
        let mut ranked = Vec::new();
        for index in 0..entities.len() {
            if names.entity_mask[index] & need != need {
                continue;
            }
            let mut best: Option<(u32, usize)> = None;
            for (which, (mask, text)) in names.candidates(index).enumerate() {
                if mask & need != need {
                    continue;
                }
                if let Some(score) = fuzzy.pattern.score(text, &mut fuzzy.matcher)
                    && best.is_none_or(|(b, _)| score > b)
                {
                    best = Some((score, which));
                }
            }
            if let Some((score, which)) = best {
                ranked.push((score, ws.mention_count(index), index, which));
            }
        }
        let rank = &names.name_rank;
        cap(ranked, |a, b| {
            (Reverse(a.0), Reverse(a.1), rank[a.2]).cmp(&(Reverse(b.0), Reverse(b.1), rank[b.2]))
        })
    };
    let close = if closed { "" } else { "]]" };
    let items = ranked
        .into_iter()
        .enumerate()
        .map(|(rank, (_, _, index, which))| {
            let e = &entities[index];
            let matched = e
                .names()
                .chain(std::iter::once(e.id.as_str()))
                .nth(which)
                .unwrap_or(&e.name)
                .to_string();
            let canonical = (matched != e.name).then(|| e.name.clone());
            let detail = match &canonical {
                Some(name) => format!("{name} · {}", e.summary()),
                None => e.summary(),
            };
            Item {
                label: matched.clone(),
                canonical,
                detail: Some(detail),
                kind: ItemKind::Entity(e.kind),
                replace: replace.clone(),
                new_text: format!("{}{close}", e.id),
                filter_text: matched,
                sort_text: sort_text(rank),
                preselect: false,
                resolve: Some(Resolve::Entity(e.id.clone())),
            }
        })
        .collect();
    // Always incomplete: the ranking and each item's filter text depend on
    // what was typed (an alias typed next must find its entry), so the
    // client asks again as the user types.
    Completion {
        items,
        incomplete: true,
    }
}

fn citations(ws: &Workspace, typed: &str, replace: Range<usize>, closed: bool) -> Completion {
    let mut fuzzy = Fuzzy::new(typed);
    let entries = &ws.bibliography.entries;
    let mut ranked: Vec<(u32, usize, usize)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, e) in entries.iter().enumerate() {
        if !seen.insert(e.key.as_str()) {
            continue;
        }
        let candidates = std::iter::once(e.key.as_str()).chain(e.title.as_deref());
        if fuzzy.is_empty() {
            ranked.push((0, index, 0));
        } else if let Some((score, which)) = fuzzy.best(candidates) {
            ranked.push((score, index, which));
        }
    }
    let ranked = cap(ranked, |a, b| {
        (Reverse(a.0), &entries[a.1].key).cmp(&(Reverse(b.0), &entries[b.1].key))
    });
    let close = if closed { "" } else { "]" };
    let items = ranked
        .into_iter()
        .enumerate()
        .map(|(rank, (_, index, which))| {
            let e = &entries[index];
            let matched = match which {
                0 => e.key.clone(),
                _ => e.title.clone().unwrap_or_else(|| e.key.clone()),
            };
            let canonical = (matched != e.key).then(|| e.key.clone());
            let detail = e.title.clone().unwrap_or_else(|| e.kind.clone());
            Item {
                label: matched.clone(),
                canonical,
                detail: Some(match which {
                    0 => detail,
                    _ => format!("{} · {}", e.key, e.kind),
                }),
                kind: ItemKind::Citation,
                replace: replace.clone(),
                new_text: format!("{}{close}", e.key),
                filter_text: matched,
                sort_text: sort_text(rank),
                preselect: false,
                resolve: Some(Resolve::Citation(e.key.clone())),
            }
        })
        .collect();
    // Incomplete for the same reason as mentions (a word of a title typed
    // next must find its key).
    Completion {
        items,
        incomplete: true,
    }
}

/// The first words of a note, for a detail line.
pub fn note_excerpt(text: &str, body: &Range<usize>) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = text[body.clone()].split_whitespace().collect();
    let mut out = words
        .iter()
        .take(WORDS)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if words.len() > WORDS {
        out.push('…');
    }
    out
}

fn footnotes(doc: &Document, typed: &str, replace: Range<usize>, closed: bool) -> Completion {
    let m = &doc.model;
    let close = if closed { "" } else { "]" };
    let mut items = Vec::new();
    // The reference being typed (`[^3]` once closed) is not a use yet.
    let typing = |r: &&crate::syntax::model::FootnoteRef| r.range.start + 2 == replace.start;
    // The next free number first: it is what a new reference needs.
    let next = m
        .footnote_defs
        .iter()
        .map(|d| d.label.as_str())
        .chain(
            m.footnote_refs
                .iter()
                .filter(|r| !typing(r))
                .map(|r| r.label.as_str()),
        )
        .filter_map(|l| l.parse::<u64>().ok())
        .max()
        .map_or(1, |n| n.saturating_add(1));
    let next = next.to_string();
    let item = |label: &str, detail: String, kind: ItemKind, rank: usize| Item {
        label: label.to_string(),
        canonical: None,
        detail: Some(detail),
        kind,
        replace: replace.clone(),
        new_text: format!("{label}{close}"),
        filter_text: label.to_string(),
        sort_text: sort_text(rank),
        preselect: kind == ItemKind::NewFootnote,
        resolve: None,
    };
    items.push(item(&next, "new footnote".into(), ItemKind::NewFootnote, 0));
    // Labels already defined (with the start of their note), then those only
    // referenced so far, each once, in document order. The label being typed
    // (`[^1` itself is a reference while typed) does not count by itself.
    let mut seen = std::collections::HashSet::new();
    seen.insert(next.clone());
    for d in &m.footnote_defs {
        if seen.insert(d.label.clone()) {
            let rank = items.len();
            let detail = note_excerpt(&doc.text, &d.body);
            items.push(item(&d.label, detail, ItemKind::Footnote, rank));
        }
    }
    for r in m.footnote_refs.iter().filter(|r| !typing(r)) {
        if seen.insert(r.label.clone()) {
            let rank = items.len();
            items.push(item(
                &r.label,
                "referenced, not defined yet".into(),
                ItemKind::Footnote,
                rank,
            ));
        }
    }
    if !typed.is_empty() {
        // Keep what the client would keep anyway; order is unchanged.
        let mut fuzzy = Fuzzy::new(typed);
        items.retain(|i| i.kind == ItemKind::NewFootnote || fuzzy.score(&i.label).is_some());
    }
    Completion {
        items,
        incomplete: false,
    }
}

/// The documentation of an item, for `completionItem/resolve`: the card,
/// written in `markup`.
pub fn documentation(ws: &Workspace, what: &Resolve, markup: Markup) -> Option<String> {
    match what {
        Resolve::Entity(id) => {
            let index = ws.registry.index_of(id)?;
            Some(super::hover::entity_card(ws, index, markup))
        }
        Resolve::Citation(key) => {
            let entry = ws.bibliography.get(key)?;
            Some(ws.bibliography.cite(entry, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::workspace::{DocSummary, Registry};

    const GIVEN: [&str; 6] = ["Liza", "Ozanne", "Kaz", "Élise", "Jürgen", "Hu"];
    const FAMILY: [&str; 5] = ["Hanke", "Ashby", "Chou", "Øster", "Zhang"];

    fn workspace() -> Workspace {
        let mut toml = String::from(
            r#"[person.zhou-enlai]
name = "Zhou Enlai"
aliases = ["Chou En-lai", "周恩来"]
[place.port-arthur]
name = "Port Arthur"
aliases = ["Lüshun", "LÜSHUN-KOU"]
[person.oberg]
name = "Åsa Öberg"
[place.istanbul]
name = "İstanbul"
[person.strasse]
name = "Straße Ǆemal"
[organization.un]
name = "United Nations"
aliases = ["UN", "U.N."]
"#,
        );
        for n in 0..300 {
            toml.push_str(&format!(
                "[person.p-{n:03}]\nname = \"{} {}\"\n",
                GIVEN[n % GIVEN.len()],
                FAMILY[(n / GIVEN.len()) % FAMILY.len()]
            ));
        }
        let mut ws = Workspace::default();
        ws.registry = Registry::load(&[(PathBuf::from("/r/people.toml"), toml)]).0;
        for n in 0..40 {
            let path = PathBuf::from(format!("/d/{n:02}.scholia"));
            let text = format!(
                "[[p-{:03}]] met [[Zhou Enlai]] and [[p-{:03}]] in [[Lüshun]].\n",
                n % 7,
                (n * 13) % 300
            );
            let doc = Document::new(path.clone(), text);
            ws.set_doc(path, DocSummary::of(&doc));
        }
        ws
    }

    /// What completion answered before the name index: every string of
    /// every entity scored, all sorted.
    fn every_string_scored(ws: &Workspace, typed: &str) -> Vec<(String, String)> {
        let mut fuzzy = Fuzzy::new(typed.trim_start());
        let entities = &ws.registry.entities;
        let mut ranked = Vec::new();
        for (index, e) in entities.iter().enumerate() {
            let candidates = e.names().chain(std::iter::once(e.id.as_str()));
            if fuzzy.is_empty() {
                ranked.push((0, ws.mention_count(index), index, 0));
            } else if let Some((score, which)) = fuzzy.best(candidates) {
                ranked.push((score, ws.mention_count(index), index, which));
            }
        }
        ranked.sort_by(|a, b| {
            let (x, y) = (&entities[a.2], &entities[b.2]);
            (Reverse(a.0), Reverse(a.1), &x.name, &x.id).cmp(&(
                Reverse(b.0),
                Reverse(b.1),
                &y.name,
                &y.id,
            ))
        });
        ranked.truncate(LIMIT);
        ranked
            .into_iter()
            .map(|(_, _, index, which)| {
                let e = &entities[index];
                let filter = e
                    .names()
                    .chain(std::iter::once(e.id.as_str()))
                    .nth(which)
                    .unwrap();
                (e.id.clone(), filter.to_string())
            })
            .collect()
    }

    #[test]
    fn the_name_index_gives_the_answer_of_scoring_every_string() {
        let ws = workspace();
        for typed in [
            "",
            " ",
            "zh",
            "z",
            "lushun",
            "lüshun",
            "LÜ",
            "lü",
            "周",
            "恩来",
            "ch en",
            "asa",
            "åsa",
            "ÅSA",
            "obe",
            "öbe",
            "istan",
            "i̇s",
            "İs",
            "strasse",
            "straße",
            "ß",
            "ǆ",
            "Ǆ",
            "dž",
            "p-01",
            "0",
            "ll",
            "un",
            "u.n",
            "nations un",
            "x",
            "q",
            "-",
            "el",
            "éli",
            "ELI",
            "jur",
            "jür",
            "øst",
            "ost",
            "hu zh",
            "a",
            "e",
        ] {
            let got: Vec<(String, String)> = mentions(&ws, typed, 0..0, false)
                .items
                .into_iter()
                .map(|i| (i.new_text.trim_end_matches("]]").to_string(), i.filter_text))
                .collect();
            assert_eq!(got, every_string_scored(&ws, typed), "typed {typed:?}");
        }
    }

    /// A client that filters on the label (eglot) keeps an entry found by
    /// its id, name, alias or variant: the label is the string that
    /// matched, the entry's name goes beside it, the edit inserts the id.
    #[test]
    fn the_label_is_the_string_the_typed_text_matched() {
        let ws = workspace();
        for (typed, label, canonical) in [
            ("", "Zhou Enlai", None),
            ("zhou-e", "zhou-enlai", Some("Zhou Enlai")),
            ("Zhou", "Zhou Enlai", None),
            ("Chou", "Chou En-lai", Some("Zhou Enlai")),
            ("周恩", "周恩来", Some("Zhou Enlai")),
            ("Lüsh", "Lüshun", Some("Port Arthur")),
            ("port-a", "port-arthur", Some("Port Arthur")),
        ] {
            let items = mentions(&ws, typed, 0..0, false).items;
            let item = items
                .iter()
                .find(|i| i.label == label)
                .unwrap_or_else(|| panic!("typed {typed:?}: no item {label:?} in {items:?}"));
            assert_eq!(item.canonical.as_deref(), canonical, "typed {typed:?}");
            assert_eq!(item.filter_text, item.label, "typed {typed:?}");
            let id = if label.contains("Arthur") || label == "Lüshun" || label == "port-arthur" {
                "port-arthur"
            } else {
                "zhou-enlai"
            };
            assert_eq!(item.new_text, format!("{id}]]"), "typed {typed:?}");
            let summary = ws.registry.entities[ws.registry.index_of(id).expect(id)].summary();
            let detail = item.detail.clone().unwrap_or_default();
            match canonical {
                Some(name) => assert_eq!(detail, format!("{name} · {summary}")),
                None => assert_eq!(detail, summary),
            }
            // Each entry once, whatever it was found by.
            let mut ids: Vec<&str> = items.iter().map(|i| i.new_text.as_str()).collect();
            let n = ids.len();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), n, "typed {typed:?}: an entry listed twice");
        }
    }
}
