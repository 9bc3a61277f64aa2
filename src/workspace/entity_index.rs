//! What completion after `[[` needs to answer without walking the whole
//! registry on every request:
//!
//! - [`NameIndex`], built once per registry: each entity's rank in (name,
//!   id) order, and a 64-bit mask of the characters of each of its
//!   candidate strings (names, aliases, variants' spellings, id) as the fuzzy
//!   matcher compares them (case-folded, accents folded). A query can only
//!   match a string whose mask holds every character of the query, so the
//!   fuzzy pass scores only those: the result is the same as scoring every
//!   string.
//! - [`Popularity`]: the entities ordered by the number of documents that
//!   mention them (then by name and id), kept up to date lazily from the
//!   list of entities whose count changed, so that the empty query answers
//!   in the size of the list asked for.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use nucleo_matcher::pattern::Pattern;
use nucleo_matcher::{Utf32Str, Utf32String, chars};

use super::registry::Registry;

/// The bit of a character (already case-folded) in a mask: one per ASCII
/// letter and digit, the rest share the remaining 28 bits.
fn bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + (c as u32 - '0' as u32)),
        _ => 1 << (36 + (c as u32 % 28)),
    }
}

/// Every character a query character can equal in `s`, as the matcher
/// compares them: each character lower-cased, with and without its accents.
pub fn haystack_mask(s: &str, buf: &mut Vec<char>) -> u64 {
    mask_of(Utf32Str::new(s, buf))
}

fn mask_of(s: Utf32Str<'_>) -> u64 {
    let mut mask = 0;
    for c in s.chars() {
        let lower = chars::to_lower_case(c);
        mask |= bit(c)
            | bit(lower)
            | bit(chars::to_lower_case(chars::normalize(c)))
            | bit(chars::normalize(lower));
    }
    mask
}

/// The characters every word of a (case-insensitive) pattern needs.
pub fn pattern_mask(pattern: &Pattern) -> u64 {
    let mut mask = 0;
    for atom in &pattern.atoms {
        for c in atom.needle_text().chars() {
            mask |= bit(c);
        }
    }
    mask
}

/// Per registry: name order and character masks (see the module comment).
#[derive(Debug, Default)]
pub struct NameIndex {
    /// `Registry::generation` of the registry this was built from.
    pub generation: u64,
    /// Entity → its rank when sorted by (name, id, index).
    pub name_rank: Vec<u32>,
    /// Rank → entity.
    pub by_name: Vec<u32>,
    /// Entity → the union of its candidates' masks.
    pub entity_mask: Vec<u64>,
    /// Entity `e`'s candidates are `candidate_mask[start[e]..start[e + 1]]`,
    /// in the order of `Entity::names()` followed by the id.
    start: Vec<u32>,
    candidate_mask: Vec<u64>,
    /// The candidates as the matcher reads them (what `Utf32Str::new`
    /// gives), converted once rather than on every request.
    candidate: Vec<Utf32String>,
}

impl NameIndex {
    pub fn build(registry: &Registry) -> NameIndex {
        let entities = &registry.entities;
        let mut by_name: Vec<u32> = (0..entities.len() as u32).collect();
        by_name.sort_by(|&a, &b| {
            let (x, y) = (&entities[a as usize], &entities[b as usize]);
            (&x.name, &x.id, a).cmp(&(&y.name, &y.id, b))
        });
        let mut name_rank = vec![0u32; entities.len()];
        for (rank, &e) in by_name.iter().enumerate() {
            name_rank[e as usize] = rank as u32;
        }
        let mut buf = Vec::new();
        let mut start = Vec::with_capacity(entities.len() + 1);
        let mut candidate_mask = Vec::with_capacity(entities.len() * 3);
        let mut candidate = Vec::with_capacity(entities.len() * 3);
        let mut entity_mask = Vec::with_capacity(entities.len());
        for e in entities {
            start.push(candidate_mask.len() as u32);
            let mut all = 0;
            for s in e.names().chain(std::iter::once(e.id.as_str())) {
                // Folded (`names::fold`) as the query is: `People’s`
                // matches a typed `People's`.
                let s = super::names::fold(s);
                let s = s.as_ref();
                let utf32 = Utf32Str::new(s, &mut buf);
                let m = mask_of(utf32);
                all |= m;
                candidate_mask.push(m);
                candidate.push(match utf32 {
                    Utf32Str::Ascii(_) => Utf32String::Ascii(s.into()),
                    Utf32Str::Unicode(chars) => Utf32String::Unicode(chars.into()),
                });
            }
            entity_mask.push(all);
        }
        start.push(candidate_mask.len() as u32);
        NameIndex {
            generation: registry.generation(),
            name_rank,
            by_name,
            entity_mask,
            start,
            candidate_mask,
            candidate,
        }
    }

    /// Entity `e`'s candidates (names, then the id): each one's mask and
    /// its text as the matcher reads it.
    pub fn candidates(&self, e: usize) -> impl Iterator<Item = (u64, Utf32Str<'_>)> {
        let range = self.start[e] as usize..self.start[e + 1] as usize;
        self.candidate_mask[range.clone()]
            .iter()
            .zip(&self.candidate[range])
            .map(|(&mask, text)| (mask, text.slice(..)))
    }
}

/// Above this many pending changes, the order is rebuilt rather than
/// updated entity by entity.
const REBUILD: usize = 2048;

/// Entities by (number of documents mentioning them, descending; name
/// rank), updated lazily (see the module comment).
#[derive(Debug, Default)]
pub struct Popularity {
    /// The `NameIndex` generation the ranks below come from.
    generation: u64,
    order: BTreeSet<(Reverse<u32>, u32)>,
    /// Entity → the count it has in `order`.
    counted: Vec<u32>,
    /// Entities whose count changed since the order was last updated.
    pending: Vec<u32>,
    /// Set when `pending` overflowed: rebuild everything.
    stale: bool,
}

impl Popularity {
    /// Records that the count of entity `e` changed.
    pub fn touch(&mut self, e: usize) {
        if self.stale {
            return;
        }
        if self.pending.len() >= REBUILD {
            self.pending.clear();
            self.stale = true;
        } else {
            self.pending.push(e as u32);
        }
    }

    /// Everything changed (a new registry, a recount).
    pub fn invalidate(&mut self) {
        self.pending.clear();
        self.stale = true;
    }

    /// The first `k` entities, given the current counts.
    pub fn top(&mut self, names: &NameIndex, count: impl Fn(usize) -> usize, k: usize) -> Vec<u32> {
        let n = names.name_rank.len();
        if self.stale || self.generation != names.generation || self.counted.len() != n {
            self.counted = (0..n).map(|e| count(e) as u32).collect();
            self.order = (0..n)
                .map(|e| (Reverse(self.counted[e]), names.name_rank[e]))
                .collect();
            self.generation = names.generation;
            self.pending.clear();
            self.stale = false;
        } else {
            for e in std::mem::take(&mut self.pending) {
                let e = e as usize;
                if e >= n {
                    continue;
                }
                let now = count(e) as u32;
                let rank = names.name_rank[e];
                if now != self.counted[e] {
                    self.order.remove(&(Reverse(self.counted[e]), rank));
                    self.order.insert((Reverse(now), rank));
                    self.counted[e] = now;
                }
            }
        }
        self.order
            .iter()
            .take(k)
            .map(|&(_, rank)| names.by_name[rank as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::workspace::{DocSummary, Document, Registry, Workspace};

    /// The order recomputed from scratch: mention count descending, then
    /// name, then id.
    fn sorted(ws: &Workspace) -> Vec<usize> {
        let entities = &ws.registry.entities;
        let mut all: Vec<usize> = (0..entities.len()).collect();
        all.sort_by(|&a, &b| {
            (
                std::cmp::Reverse(ws.mention_count(a)),
                &entities[a].name,
                &entities[a].id,
            )
                .cmp(&(
                    std::cmp::Reverse(ws.mention_count(b)),
                    &entities[b].name,
                    &entities[b].id,
                ))
        });
        all
    }

    /// The documents that mention each entity, from the summaries.
    fn mentioning(ws: &Workspace, entity: usize) -> Vec<PathBuf> {
        ws.docs
            .iter()
            .filter(|(_, s)| {
                s.mention_targets
                    .iter()
                    .any(|t| ws.registry.resolve(t) == crate::workspace::Resolution::Unique(entity))
            })
            .map(|(p, _)| p.clone())
            .collect()
    }

    #[test]
    fn the_popularity_order_and_the_index_follow_every_change() {
        let mut toml = String::new();
        for n in 0..60 {
            // Names repeat: ties are broken by id.
            toml.push_str(&format!("[person.e-{n:02}]\nname = \"Name {}\"\n", n % 17));
        }
        let mut ws = Workspace {
            registry: Registry::load(&[(PathBuf::from("/r.toml"), toml)]).0,
            ..Workspace::default()
        };
        let mut translations_seen = 0;
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for step in 0..400 {
            let path = PathBuf::from(format!("/d/{}/{}.scholia", next(3), next(12)));
            if next(5) == 0 {
                ws.remove_doc(&path);
            } else {
                let mut text = String::new();
                if next(4) == 0 {
                    text.push_str(&format!(
                        "+++\ntranslation-of = \"../{}.scholia\"\n+++\n",
                        next(4)
                    ));
                }
                for _ in 0..next(6) {
                    text.push_str(&format!("[[e-{:02}]] ", next(60)));
                }
                let doc = Document::new(path.clone(), text);
                ws.set_doc(path, DocSummary::of(&doc));
            }
            if step % 3 == 0 {
                let k = next(70) as usize;
                let expected: Vec<usize> = sorted(&ws).into_iter().take(k).collect();
                assert_eq!(ws.most_mentioned(k), expected, "step {step}");
            }
            for e in 0..60 {
                let got: Vec<PathBuf> = ws.documents_mentioning(e).map(Path::to_path_buf).collect();
                assert_eq!(got, mentioning(&ws, e), "step {step}, entity {e}");
            }
            for n in 0..4 {
                let original = PathBuf::from(format!("/d/{n}.scholia"));
                let got: Vec<&PathBuf> = ws.translations_of(&original).collect();
                let expected: Vec<&PathBuf> = ws
                    .docs
                    .iter()
                    .filter(|(_, s)| s.translation_of.as_deref() == Some(original.as_path()))
                    .map(|(p, _)| p)
                    .collect();
                translations_seen += got.len();
                assert_eq!(got, expected, "step {step}");
            }
        }
        assert!(translations_seen > 0);
    }
}
