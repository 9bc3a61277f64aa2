//! The registry: people, places and organizations (SPEC §3), loaded from
//! TOML files with the source span of every entry, indexed by id and by
//! lower-cased name/alias, plus one Aho-Corasick automaton over every name and
//! alias for `untagged-mention` (`names::NameAutomaton`), built on first use
//! (or ahead of it on another thread, `Registry::name_search_builder`):
//! loading a registry does not wait for it.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::names::NameAutomaton;
use crate::text::Edit;

/// The hasher of the id and name indexes: looked up for every mention of
/// every document, and never iterated (so its order does not matter).
type FastHash = foldhash::fast::RandomState;
use crate::base::{Code, Diagnostic};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Place,
    Organization,
}

impl Kind {
    /// The table name in the registry TOML (`person`, `place`, `organization`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Organization => "organization",
        }
    }

    /// The kind of a registry table name.
    pub fn from_table(name: &str) -> Option<Kind> {
        match name {
            "person" => Some(Kind::Person),
            "place" => Some(Kind::Place),
            "organization" => Some(Kind::Organization),
            _ => None,
        }
    }
}

/// One registry entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    pub aliases: Vec<String>,
    /// `born`/`died` as written: a year, a date or a string such as "c. 1900".
    pub born: Option<String>,
    pub died: Option<String>,
    pub region: Option<String>,
    pub description: Option<String>,
    pub coordinates: Option<(f64, f64)>,
    /// Other string keys (authority ids such as `wikidata`), in file order.
    pub authority: Vec<(String, String)>,
    /// Romanizations and other spellings (`variants = { pinyin = "…" }`):
    /// system → spelling, in file order. Each spelling also counts as an
    /// alias for resolution and name search.
    pub variants: Vec<(String, String)>,
    /// The registry file, and byte spans in it: the whole table, its id key.
    pub file: PathBuf,
    pub range: Range<usize>,
    pub id_range: Range<usize>,
}

impl Entity {
    /// An entry with only its id, kind and place in its file; the loader
    /// fills in the rest.
    pub fn new(id: &str, kind: Kind, file: PathBuf, range: Range<usize>) -> Entity {
        Entity {
            id: id.to_string(),
            kind,
            name: String::new(),
            aliases: Vec::new(),
            born: None,
            died: None,
            region: None,
            description: None,
            coordinates: None,
            authority: Vec::new(),
            variants: Vec::new(),
            file,
            range: range.clone(),
            id_range: range,
        }
    }

    /// A person named `name` and `aliases`, for tests.
    #[cfg(test)]
    pub(crate) fn person(id: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Entity::new(id, Kind::Person, PathBuf::from("/w/registry.toml"), 0..0)
        }
    }

    /// Every name of the entry: its name, its aliases, its variants'
    /// spellings, in that order, each distinct string once.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.written_names()
            .enumerate()
            .filter(|&(i, name)| !self.written_names().take(i).any(|n| n == name))
            .map(|(_, name)| name)
    }

    /// Name, aliases and variants' spellings as written, repeats included.
    fn written_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.variants.iter().map(|(_, v)| v.as_str()))
    }

    /// A one-line summary for completion details and hover:
    /// `person, 1898–1976`, `person, 1878-12-18 – 1953-03-05`,
    /// `person, b. c. 1912`, `organization, from 1945`, `place, East Asia`,
    /// `organization`.
    pub fn summary(&self) -> String {
        let mut out = self.kind.as_str().to_string();
        let dates = match (&self.born, &self.died) {
            // A spaced dash between dates that have spaces or hyphens.
            (Some(b), Some(d)) if [b, d].iter().any(|s| s.contains([' ', '-'])) => {
                Some(format!("{b} – {d}"))
            }
            (Some(b), Some(d)) => Some(format!("{b}–{d}")),
            (Some(b), None) if self.kind == Kind::Person => Some(format!("b. {b}")),
            (None, Some(d)) if self.kind == Kind::Person => Some(format!("d. {d}")),
            (Some(b), None) => Some(format!("from {b}")),
            (None, Some(d)) => Some(format!("until {d}")),
            (None, None) => None,
        };
        for part in [dates.as_deref(), self.region.as_deref()]
            .into_iter()
            .flatten()
        {
            out.push_str(", ");
            out.push_str(part);
        }
        out
    }
}

/// What a mention target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Index into `Registry::entities`.
    Unique(usize),
    /// Two or more entries share the name or alias.
    Ambiguous(Vec<usize>),
    Unknown,
}

/// A match of a name or alias in plain text (byte range in the searched text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    pub range: Range<usize>,
    /// The entries that have this exact name or alias.
    pub entities: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct Registry {
    pub entities: Vec<Entity>,
    /// id → index.
    by_id: HashMap<String, usize, FastHash>,
    /// Lower-cased name, alias or variant → indices (ascending, no repeats).
    by_name: HashMap<String, Vec<usize>, FastHash>,
    /// Every distinct (case-sensitive) name, and the automaton over them.
    names: Arc<NameSearch>,
    /// Distinguishes this registry from every other one built in this
    /// process (0 for the empty default), so that what is derived from it
    /// (the completion index) can tell when to rebuild.
    generation: u64,
    /// Whether any entry has `variants` (computed once: the
    /// `inconsistent-variant` check of every document asks).
    any_variants: bool,
}

#[derive(Debug, Default)]
struct NameSearch {
    /// Every distinct (case-sensitive) name: the automaton's patterns.
    patterns: Vec<String>,
    /// Pattern id → the entries that have that exact name.
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
    fn automaton(&self) -> Option<&NameAutomaton> {
        self.automaton
            .get_or_init(|| NameAutomaton::new(&self.patterns))
            .as_ref()
    }
}

/// A name of one entry that another, earlier entry also has (lower-cased).
struct Conflict {
    entity: usize,
    /// Position of the name in `Entity::written_names`.
    position: usize,
    /// The first (up to three) earlier entries that have it.
    others: Vec<usize>,
    /// How many earlier entries have it.
    count: usize,
}

impl Registry {
    /// Loads every registry file (path, text). Problems come back as
    /// diagnostics per file (codes `registry`, `alias-conflict`); valid
    /// entries of a file with problems are still loaded.
    pub fn load(files: &[(PathBuf, String)]) -> (Registry, Vec<(PathBuf, Diagnostic)>) {
        let mut diagnostics: Vec<(usize, Diagnostic)> = Vec::new();
        let mut entities: Vec<Entity> = Vec::new();
        // Spans of every name of every loaded entity, in `Entity::written_names` order.
        let mut name_spans: Vec<Vec<Range<usize>>> = Vec::new();
        let mut entity_file: Vec<usize> = Vec::new();
        // id → (file index, offset of the id key) of its first definition.
        let mut first_ids: HashMap<String, (usize, usize)> = HashMap::new();
        let mut line_starts: Vec<Option<Vec<usize>>> = vec![None; files.len()];

        for (file_index, (parsed, mut file_diags)) in parse_files(files).into_iter().enumerate() {
            for (entity, spans) in parsed {
                match first_ids.entry(entity.id.clone()) {
                    MapEntry::Occupied(first) => {
                        let (first_file, offset) = *first.get();
                        let starts = line_starts[first_file]
                            .get_or_insert_with(|| line_starts_of(&files[first_file].1));
                        let line = starts.partition_point(|&s| s <= offset);
                        file_diags.push(Diagnostic::new(
                            Code::Registry,
                            entity.id_range.clone(),
                            format!(
                                "duplicate id `{}`: already defined at {}:{line}",
                                entity.id,
                                files[first_file].0.display()
                            ),
                        ));
                    }
                    MapEntry::Vacant(slot) => {
                        slot.insert((file_index, entity.id_range.start));
                        entities.push(entity);
                        name_spans.push(spans);
                        entity_file.push(file_index);
                    }
                }
            }
            diagnostics.extend(file_diags.into_iter().map(|d| (file_index, d)));
        }

        let (registry, conflicts) = Registry::build(entities);
        for conflict in conflicts {
            let entity = &registry.entities[conflict.entity];
            let name = entity
                .written_names()
                .nth(conflict.position)
                .unwrap_or_default();
            let mut others: Vec<String> = conflict
                .others
                .iter()
                .map(|&i| format!("`{}`", registry.entities[i].id))
                .collect();
            if conflict.count > others.len() {
                others.push(format!("{} more", conflict.count - others.len()));
            }
            let others = match others.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => others.join(""),
            };
            diagnostics.push((
                entity_file[conflict.entity],
                Diagnostic::new(
                    Code::AliasConflict,
                    name_spans[conflict.entity][conflict.position].clone(),
                    format!(
                        "`{name}` is also a name or alias of {others}: mentions of it are ambiguous"
                    ),
                ),
            ));
        }

        diagnostics.sort_by_key(|(file, d)| (*file, d.range.start));
        let diagnostics = diagnostics
            .into_iter()
            .map(|(file, d)| (files[file].0.clone(), d))
            .collect();
        (registry, diagnostics)
    }

    /// A registry of these entities, indexed (the id of each must be unique;
    /// a repeated id resolves to its first entry).
    pub fn from_entities(entities: Vec<Entity>) -> Registry {
        Registry::build(entities).0
    }

    fn build(entities: Vec<Entity>) -> (Registry, Vec<Conflict>) {
        let mut by_id = HashMap::with_capacity_and_hasher(entities.len(), FastHash::default());
        let mut by_name: HashMap<String, Vec<usize>, FastHash> =
            HashMap::with_capacity_and_hasher(entities.len() * 2, FastHash::default());
        let mut patterns: Vec<&str> = Vec::new();
        let mut pattern_ids: HashMap<&str, usize> = HashMap::new();
        let mut pattern_entities: Vec<Vec<usize>> = Vec::new();
        let mut conflicts = Vec::new();
        let mut seen_here: Vec<String> = Vec::new();

        for (index, entity) in entities.iter().enumerate() {
            by_id.entry(entity.id.clone()).or_insert(index);
            seen_here.clear();
            for (position, name) in entity.written_names().enumerate() {
                if name.trim().is_empty() {
                    continue;
                }
                let lower = name.to_lowercase();
                if seen_here.contains(&lower) {
                    continue;
                }
                let list = by_name.entry(lower.clone()).or_default();
                if !list.is_empty() {
                    conflicts.push(Conflict {
                        entity: index,
                        position,
                        others: list[..list.len().min(3)].to_vec(),
                        count: list.len(),
                    });
                }
                list.push(index);
                seen_here.push(lower);

                let pattern = *pattern_ids.entry(name).or_insert_with(|| {
                    patterns.push(name);
                    pattern_entities.push(Vec::new());
                    patterns.len() - 1
                });
                let owners = &mut pattern_entities[pattern];
                if owners.last() != Some(&index) {
                    owners.push(index);
                }
            }
        }

        let names = Arc::new(NameSearch {
            multiline: patterns.iter().any(|p| p.contains('\n')),
            patterns: patterns.into_iter().map(str::to_string).collect(),
            entities: pattern_entities,
            automaton: OnceLock::new(),
        });
        drop(pattern_ids);

        static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let any_variants = entities.iter().any(|e| !e.variants.is_empty());
        let registry = Registry {
            any_variants,
            entities,
            by_id,
            by_name,
            names,
            generation: GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        (registry, conflicts)
    }

    /// A job that builds the name automaton (if not built yet), for another
    /// thread: `find_names` then finds it ready. Running it is optional,
    /// and running it twice or alongside `find_names` is harmless.
    pub fn name_search_builder(&self) -> impl FnOnce() + Send + 'static {
        let names = self.names.clone();
        move || {
            names.automaton();
        }
    }

    /// A number no other registry built in this process has (0 for the
    /// empty default registry).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether any entry has `variants` (spellings of a romanization system).
    pub fn has_variants(&self) -> bool {
        self.any_variants
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index_of(id).map(|i| &self.entities[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every name of entry `index`: name, aliases, variants' spellings.
    pub fn names_of(&self, index: usize) -> impl Iterator<Item = &str> {
        self.entities.get(index).into_iter().flat_map(Entity::names)
    }

    /// A mention target: an id first, then any name or alias,
    /// case-insensitively and exactly; last, an id written in other case.
    /// When nothing matches and the target has line breaks or runs of
    /// spaces (a mention wrapped across lines), it is tried again with its
    /// whitespace collapsed to single spaces.
    pub fn resolve(&self, target: &str) -> Resolution {
        match self.resolve_exact(target) {
            Resolution::Unknown => {
                let collapsed = target.split_whitespace().collect::<Vec<_>>().join(" ");
                if collapsed != target && !collapsed.is_empty() {
                    self.resolve_exact(&collapsed)
                } else {
                    Resolution::Unknown
                }
            }
            found => found,
        }
    }

    fn resolve_exact(&self, target: &str) -> Resolution {
        if let Some(i) = self.index_of(target) {
            return Resolution::Unique(i);
        }
        // Most targets are already lower case (ids): no copy for them.
        let lower: std::borrow::Cow<'_, str> = if target
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            std::borrow::Cow::Owned(target.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(target)
        };
        match self.by_name.get(lower.as_ref()).map(Vec::as_slice) {
            Some([one]) => Resolution::Unique(*one),
            Some(many) if many.len() > 1 => Resolution::Ambiguous(many.to_vec()),
            // An unchanged target was looked up as an id above.
            _ if matches!(lower, std::borrow::Cow::Borrowed(_)) => Resolution::Unknown,
            _ => match self.index_of(&lower) {
                Some(i) => Resolution::Unique(i),
                None => Resolution::Unknown,
            },
        }
    }

    /// Every whole-word, case-sensitive occurrence of a name or alias in
    /// `text`, leftmost-longest, non-overlapping, in order.
    ///
    /// A match is a whole word when the characters around it are not
    /// alphanumeric (`Stalin's` matches `Stalin`, `Korean` does not match
    /// `Korea`). Scripts written without spaces (Han, kana, Thai, …) have no
    /// word boundaries to check: `周恩来` matches in `周恩来总理`. When the
    /// longest name at a place is not a whole word, a shorter one there can
    /// still match (`Port` in `Port Arthurs`).
    pub fn find_names(&self, text: &str) -> Vec<NameMatch> {
        let search = &*self.names;
        let Some(ac) = search.automaton() else {
            return Vec::new();
        };
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
                    out.push(NameMatch {
                        range: start..end,
                        entities: search.entities[pattern].clone(),
                    });
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

/// Parsed entries (with their name spans) and problems of one file.
type ParsedFile = (Vec<(Entity, Vec<Range<usize>>)>, Vec<Diagnostic>);

/// `parse_file` of every file, in order. Several large files are parsed on
/// threads of their own (at most one per core): TOML parsing is about half
/// of the time of loading a large registry.
fn parse_files(files: &[(PathBuf, String)]) -> Vec<ParsedFile> {
    let parse = |(path, text): &(PathBuf, String)| {
        let mut diags = Vec::new();
        let parsed = parse_file(path, text, &mut diags);
        (parsed, diags)
    };
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len());
    if threads < 2 || bytes < 256 << 10 {
        return files.iter().map(parse).collect();
    }
    // Largest file first, each to the thread with the fewest bytes so far,
    // so that the threads' shares are about even.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].1.len()));
    let mut shares: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); threads];
    for i in order {
        let least = shares.iter_mut().min_by_key(|(b, _)| *b).expect("a thread");
        least.0 += files[i].1.len();
        least.1.push(i);
    }
    let mut out: Vec<Option<ParsedFile>> = (0..files.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|(_, mine)| {
                scope.spawn(move || {
                    mine.into_iter()
                        .map(|i| (i, parse(&files[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(parsed) => {
                    for (i, p) in parsed {
                        out[i] = Some(p);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    out.into_iter()
        .map(|p| p.expect("every file parsed"))
        .collect()
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

fn line_starts_of(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Parses one registry file: its valid entries (with the spans of their
/// names, in `Entity::written_names` order) and its problems. Duplicate ids across
/// files are the caller's business.
fn parse_file(
    path: &std::path::Path,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Entity, Vec<Range<usize>>)> {
    let (root, errors) = DeTable::parse_recoverable(text);
    let error_spans: Vec<Range<usize>> = errors
        .iter()
        .map(|e| e.span().unwrap_or(0..0))
        .map(|r| r.start.min(text.len())..r.end.min(text.len()))
        .collect();
    for (error, span) in errors.iter().zip(&error_spans) {
        diags.push(Diagnostic::new(
            Code::Registry,
            span.clone(),
            error.message(),
        ));
    }

    // After a syntax error the parser's recovery can leave the next lines
    // at the top level (`[person.x` unclosed, then `name = …`): no
    // "unknown table" there, except for a table header of its own (a
    // misspelt `[persons.x]`, whose table's span covers the key).
    let first_error = error_spans
        .iter()
        .map(|e| e.start)
        .min()
        .unwrap_or(usize::MAX);
    let mut own = Vec::new();
    let mut out = Vec::new();
    for (key, value) in in_file_order(root.get_ref()) {
        let Some(kind) = Kind::from_table(key.get_ref()) else {
            let (k, v) = (key.span(), value.span());
            let own_header = v.start <= k.start && k.end <= v.end;
            if k.start >= first_error && !own_header {
                continue;
            }
            own.push(Diagnostic::new(
                Code::Registry,
                key.span(),
                format!(
                    "unknown table `{}`; expected person, place or organization",
                    key.get_ref()
                ),
            ));
            continue;
        };
        let DeValue::Table(table) = value.get_ref() else {
            own.push(Diagnostic::new(
                Code::Registry,
                value.span(),
                format!(
                    "`{0}` must be a table of entries such as `[{0}.some-id]`",
                    kind.as_str()
                ),
            ));
            continue;
        };
        for (id, entry) in in_file_order(table) {
            if let Some(parsed) = parse_entry(path, kind, id, entry, &mut own) {
                out.push(parsed);
            }
        }
    }

    // A value the TOML parser already complained about gets no second
    // diagnostic.
    own.retain(|d| {
        !error_spans
            .iter()
            .any(|e| e.start <= d.range.end && d.range.start <= e.end)
    });
    diags.extend(own);
    out
}

type Item<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

/// The entries of a table in the order they are written.
fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Item<'a, 'i>> {
    let mut items: Vec<_> = table.iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    items
}

/// Whether `id` is `[a-z0-9-]+`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The smallest range that covers a value and everything nested in it.
fn extent(value: &Spanned<DeValue<'_>>, range: &mut Range<usize>) {
    let span = value.span();
    if span.start < span.end {
        range.start = range.start.min(span.start);
        range.end = range.end.max(span.end);
    }
    match value.get_ref() {
        DeValue::Table(table) => {
            for (k, v) in table.iter() {
                let ks = k.span();
                range.start = range.start.min(ks.start);
                range.end = range.end.max(ks.end);
                extent(v, range);
            }
        }
        DeValue::Array(items) => items.iter().for_each(|v| extent(v, range)),
        _ => {}
    }
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Float(f) => f.as_str().parse().ok(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|i| i as f64),
        _ => None,
    }
}

fn parse_entry(
    path: &std::path::Path,
    kind: Kind,
    id: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Entity, Vec<Range<usize>>)> {
    let id_range = id.span();
    let id = id.get_ref().as_ref();
    let DeValue::Table(table) = value.get_ref() else {
        diags.push(Diagnostic::new(
            Code::Registry,
            value.span(),
            format!(
                "entry `{}.{id}` must be a table, not {}",
                kind.as_str(),
                type_name(value.get_ref())
            ),
        ));
        return None;
    };
    let mut valid = true;
    if !is_valid_id(id) {
        diags.push(Diagnostic::new(
            Code::Registry,
            id_range.clone(),
            format!(
                "invalid id `{id}`: an id is lower-case letters, digits and hyphens ([a-z0-9-]+)"
            ),
        ));
        valid = false;
    }

    let mut range = id_range.clone();
    extent(value, &mut range);
    let mut entity = Entity {
        range,
        ..Entity::new(id, kind, path.to_path_buf(), id_range.clone())
    };
    let mut name_span = None;
    let mut alias_spans = Vec::new();
    let mut variant_spans = Vec::new();
    let mut problem = |span: Range<usize>, message: String| {
        diags.push(Diagnostic::new(Code::Registry, span, message));
    };

    for (key, v) in in_file_order(table) {
        let field = key.get_ref().as_ref();
        let span = v.span();
        match (field, v.get_ref()) {
            ("name", DeValue::String(s)) if s.trim().is_empty() => {
                problem(span, "`name` must not be empty".into())
            }
            ("name", DeValue::String(s)) => {
                entity.name = s.to_string();
                name_span = Some(span);
            }
            ("aliases", DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) if s.trim().is_empty() => {
                            problem(item.span(), "an alias must not be empty".into())
                        }
                        DeValue::String(s) => {
                            entity.aliases.push(s.to_string());
                            alias_spans.push(item.span());
                        }
                        other => problem(
                            item.span(),
                            format!("an alias must be a string, not {}", type_name(other)),
                        ),
                    }
                }
            }
            ("variants", DeValue::Table(systems)) => {
                for (system, spelling) in in_file_order(systems) {
                    match spelling.get_ref() {
                        DeValue::String(s) if s.trim().is_empty() => problem(
                            spelling.span(),
                            format!("variant `{}` must not be empty", system.get_ref()),
                        ),
                        DeValue::String(s) => {
                            entity
                                .variants
                                .push((system.get_ref().to_string(), s.to_string()));
                            variant_spans.push(spelling.span());
                        }
                        other => problem(
                            spelling.span(),
                            format!(
                                "variant `{}` must be a string, not {}",
                                system.get_ref(),
                                type_name(other)
                            ),
                        ),
                    }
                }
            }
            ("born" | "died", DeValue::Integer(i)) => set_date(&mut entity, field, i.to_string()),
            ("born" | "died", DeValue::Datetime(d)) => set_date(&mut entity, field, d.to_string()),
            ("born" | "died", DeValue::String(s)) if !s.trim().is_empty() => {
                set_date(&mut entity, field, s.to_string())
            }
            ("region", DeValue::String(s)) => entity.region = Some(s.to_string()),
            ("description", DeValue::String(s)) => entity.description = Some(s.to_string()),
            ("coordinates", DeValue::Array(items)) => {
                let numbers: Vec<Option<f64>> = items.iter().map(|i| number(i.get_ref())).collect();
                match numbers.as_slice() {
                    [Some(lat), Some(lon)] => {
                        let mut ok = true;
                        if !(-90.0..=90.0).contains(lat) {
                            problem(
                                items[0].span(),
                                format!("latitude {lat} is out of range (-90 to 90)"),
                            );
                            ok = false;
                        }
                        if !(-180.0..=180.0).contains(lon) {
                            problem(
                                items[1].span(),
                                format!("longitude {lon} is out of range (-180 to 180)"),
                            );
                            ok = false;
                        }
                        if ok {
                            entity.coordinates = Some((*lat, *lon));
                        }
                    }
                    _ => problem(
                        span,
                        "`coordinates` must be [latitude, longitude], two numbers".into(),
                    ),
                }
            }
            ("aliases", other) => problem(
                span,
                format!(
                    "`aliases` must be an array of strings, not {}",
                    type_name(other)
                ),
            ),
            ("variants", other) => problem(
                span,
                format!(
                    "`variants` must be a table of spellings such as {{ pinyin = \"…\" }}, not {}",
                    type_name(other)
                ),
            ),
            ("born" | "died", other) => problem(
                span,
                format!(
                    "`{field}` must be a year, a date or a string such as \"c. 1900\", not {}",
                    if matches!(other, DeValue::String(_)) {
                        "an empty string"
                    } else {
                        type_name(other)
                    }
                ),
            ),
            ("name" | "region" | "description", other) => problem(
                span,
                format!("`{field}` must be a string, not {}", type_name(other)),
            ),
            ("coordinates", other) => problem(
                span,
                format!(
                    "`coordinates` must be [latitude, longitude], not {}",
                    type_name(other)
                ),
            ),
            (_, DeValue::String(s)) => entity.authority.push((field.to_string(), s.to_string())),
            (_, DeValue::Integer(i)) => entity.authority.push((field.to_string(), i.to_string())),
            (_, other) => problem(
                span,
                format!(
                    "`{field}` is not a known field, so it is an authority id and must be a string, not {}",
                    type_name(other)
                ),
            ),
        }
    }

    let Some(name_span) = name_span else {
        if !table.iter().any(|(k, _)| k.get_ref() == "name") {
            diags.push(Diagnostic::new(
                Code::Registry,
                id_range,
                format!("entry `{}.{id}` has no `name`", kind.as_str()),
            ));
        }
        return None;
    };
    if !valid {
        return None;
    }
    let mut spans = vec![name_span];
    spans.extend(alias_spans);
    spans.extend(variant_spans);
    Some((entity, spans))
}

fn set_date(entity: &mut Entity, field: &str, value: String) {
    if field == "born" {
        entity.born = Some(value);
    } else {
        entity.died = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
    use proptest::prelude::*;

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
    fn reference_find_names(entities: &[Entity], text: &str) -> Vec<NameMatch> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for (index, entity) in entities.iter().enumerate() {
            let mut seen_here: Vec<String> = Vec::new();
            for name in entity.written_names() {
                let lower = name.to_lowercase();
                if name.trim().is_empty() || seen_here.contains(&lower) {
                    continue;
                }
                seen_here.push(lower);
                match patterns.iter().position(|&p| p == name) {
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
                        range: start..end,
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
