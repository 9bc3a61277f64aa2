//! The registry: people, places and organizations (SPEC §3), indexed by id
//! and by folded, lower-cased name/alias (`names::fold`). One job per file:
//! this one is the model (entries, lookups, resolution of a mention target);
//! `registry/load.rs` reads the TOML files with the source span of every
//! entry; `registry/search.rs` finds the registry's names in plain text
//! (`untagged-mention`, `--tag`, `scholia tag`) with one automaton over every
//! name, alias and not-a-mention phrase (`names::NameAutomaton`), built on
//! first use (or ahead of it on another thread,
//! `Registry::name_search_builder`): loading a registry does not wait for it.

mod load;
mod search;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

pub use load::{Field, entry_fields, is_valid_id};
use search::NameSearch;

use super::names::fold;

/// The hasher of the id and name indexes: looked up for every mention of
/// every document, and never iterated (so its order does not matter).
type FastHash = foldhash::fast::RandomState;

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
    /// Phrases that contain a name but are never a mention
    /// (`not-mentions = ["International Stalin Peace Prize"]`).
    pub not_mentions: Vec<String>,
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
            not_mentions: Vec::new(),
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
    pub(crate) fn written_names(&self) -> impl Iterator<Item = &str> {
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
    /// Folded, lower-cased name, alias or variant → indices (ascending, no
    /// repeats).
    by_name: HashMap<String, Vec<usize>, FastHash>,
    /// Every distinct (case-sensitive, folded) name and not-a-mention
    /// phrase, and the automaton over them.
    names: Arc<NameSearch>,
    /// Distinguishes this registry from every other one built in this
    /// process (0 for the empty default), so that what is derived from it
    /// (the completion index) can tell when to rebuild.
    generation: u64,
    /// Whether any entry has `variants` (computed once: the
    /// `inconsistent-variant` check of every document asks).
    any_variants: bool,
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
    /// A registry of these entities, indexed (the id of each must be unique;
    /// a repeated id resolves to its first entry).
    pub fn from_entities(entities: Vec<Entity>) -> Registry {
        Registry::build(entities).0
    }

    fn build(entities: Vec<Entity>) -> (Registry, Vec<Conflict>) {
        let mut by_id = HashMap::with_capacity_and_hasher(entities.len(), FastHash::default());
        let mut by_name: HashMap<String, Vec<usize>, FastHash> =
            HashMap::with_capacity_and_hasher(entities.len() * 2, FastHash::default());
        let mut conflicts = Vec::new();
        let mut seen_here: Vec<String> = Vec::new();

        for (index, entity) in entities.iter().enumerate() {
            by_id.entry(entity.id.clone()).or_insert(index);
            seen_here.clear();
            for (position, name) in entity.written_names().enumerate() {
                if name.trim().is_empty() {
                    continue;
                }
                let lower = fold(name).to_lowercase();
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
            }
        }

        let names = Arc::new(NameSearch::new(&entities, &[]));
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

    /// Adds the workspace's not-a-mention phrases (`scholia.toml`'s
    /// `not-mentions`) to the name search; the entries' own are in already.
    pub fn set_not_mentions(&mut self, phrases: &[String]) {
        if !phrases.is_empty() {
            self.names = Arc::new(NameSearch::new(&self.entities, phrases));
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
        let folded = fold(target);
        let target = folded.as_ref();
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
}
