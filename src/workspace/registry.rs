//! The registry: people, places and organizations (SPEC §3), loaded from
//! TOML files with the source span of every entry, indexed by id and by
//! lower-cased name/alias, plus one Aho-Corasick automaton over every name and
//! alias for `untagged-mention`.

use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

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
    /// The registry file, and byte spans in it: the whole table, its id key.
    pub file: PathBuf,
    pub range: Range<usize>,
    pub id_range: Range<usize>,
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
}

impl Registry {
    /// Loads every registry file (path, text). Problems come back as
    /// diagnostics per file (codes `registry`, `alias-conflict`); valid
    /// entries of a file with problems are still loaded.
    pub fn load(files: &[(PathBuf, String)]) -> (Registry, Vec<(PathBuf, Diagnostic)>) {
        let _ = files;
        (Registry::default(), Vec::new())
    }

    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.entities.iter().position(|e| e.id == id)
    }

    /// A mention target: an id first, then any name or alias,
    /// case-insensitively and exactly.
    pub fn resolve(&self, target: &str) -> Resolution {
        match self.index_of(target) {
            Some(i) => Resolution::Unique(i),
            None => Resolution::Unknown,
        }
    }

    /// Every whole-word, case-sensitive occurrence of a name or alias in
    /// `text`, leftmost-longest, non-overlapping, in order.
    pub fn find_names(&self, text: &str) -> Vec<NameMatch> {
        let _ = text;
        Vec::new()
    }
}
