//! The index of every document of a workspace: summaries by path, mention
//! targets resolved against the registry, which documents mention which
//! entity (grouped, with spans, for large answers), translations by
//! original, mention counts.

use super::*;

/// What the index keeps per document id.
#[derive(Debug, Default)]
pub(super) struct DocEntry {
    path: PathBuf,
    /// `None` once the document is removed.
    summary: Option<Arc<DocSummary>>,
    /// Per `DocSummary::mention_targets`: the entity it resolves to (a
    /// unique resolution), or `NO_ENTITY`.
    resolved: Vec<u32>,
    /// The distinct entities of `resolved`, ascending.
    entities: Vec<u32>,
    /// `summary.mentions` grouped by the entity they name, so that a
    /// references or rename request reads only the mentions it returns
    /// (see `MentionGroups`).
    groups: MentionGroups,
    /// A string the caller derives from `path` alone (the LSP layer: the
    /// document's URI as JSON), made on first use and kept: an id's path
    /// never changes, so neither does the string.
    path_text: OnceLock<Arc<str>>,
}

const NO_ENTITY: u32 = u32::MAX;

/// The mentions of a document grouped by the entity they name: the
/// indexes (into `DocSummary::mentions`) of the mentions of `entities[k]`,
/// in document order, are `mentions[starts[k]..starts[k + 1]]`. Mentions
/// that name no entity uniquely are left out. `spans` holds those
/// mentions' spans in the same order, when every one has a span: a large
/// references answer reads them in sequence rather than 100,000
/// `Occurrence`s scattered over the index.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct MentionGroups {
    starts: Vec<u32>,
    mentions: Vec<u32>,
    spans: Vec<Span>,
}

impl MentionGroups {
    /// A counting sort of `summary.mentions` by entity: linear, and stable
    /// (document order within each entity).
    fn new(summary: &DocSummary, resolved: &[u32], entities: &[u32]) -> MentionGroups {
        if entities.is_empty() {
            return MentionGroups::default();
        }
        // Per mention target: the rank of its entity in `entities`.
        let rank: Vec<u32> = resolved
            .iter()
            .map(|e| match entities.binary_search(e) {
                Ok(k) => k as u32,
                Err(_) => NO_ENTITY,
            })
            .collect();
        let rank_of = |o: &Occurrence| rank.get(o.index as usize).copied().unwrap_or(NO_ENTITY);
        let mut starts = vec![0u32; entities.len() + 1];
        for o in &summary.mentions {
            let k = rank_of(o);
            if k != NO_ENTITY {
                starts[k as usize + 1] += 1;
            }
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut next = starts.clone();
        let mut mentions = vec![0u32; starts[entities.len()] as usize];
        for (m, o) in summary.mentions.iter().enumerate() {
            let k = rank_of(o);
            if k != NO_ENTITY {
                let at = &mut next[k as usize];
                mentions[*at as usize] = m as u32;
                *at += 1;
            }
        }
        let mut groups = MentionGroups {
            starts,
            mentions,
            spans: Vec::new(),
        };
        groups.copy_spans(summary);
        groups
    }

    /// Copies the spans of the grouped mentions of `summary` (the summary
    /// they were grouped from, or one with the same mentions moved).
    /// On the keystroke path: the buffer is reused.
    fn copy_spans(&mut self, summary: &DocSummary) {
        self.spans.clear();
        for &m in &self.mentions {
            let Some(span) = summary.mentions[m as usize].span else {
                self.spans.clear();
                return;
            };
            self.spans.push(span);
        }
    }

    fn range(&self, k: usize) -> std::ops::Range<usize> {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The mentions of `entities[k]`.
    fn group(&self, k: usize) -> &[u32] {
        &self.mentions[self.range(k)]
    }

    /// Their spans, or nothing when some mention of the document has none.
    fn spans(&self, k: usize) -> &[Span] {
        self.spans.get(self.range(k)).unwrap_or(&[])
    }
}

/// A document that mentions an entity, as the index holds it.
#[derive(Debug, Clone, Copy)]
pub struct IndexedDoc<'a> {
    pub path: &'a Path,
    pub summary: &'a DocSummary,
    /// Per `summary.mention_targets`: the entity it names uniquely, if any.
    resolved: &'a [u32],
    /// The indexes (into `summary.mentions`) of the mentions of the entity
    /// this document was found for, in order.
    naming: &'a [u32],
    /// Their spans, when the index has one for each (else empty).
    spans: &'a [Span],
    /// The cache of `path_text`.
    path_text: &'a OnceLock<Arc<str>>,
}

impl<'a> IndexedDoc<'a> {
    /// Whether the mention target at `index` (into `mention_targets`)
    /// resolves to exactly entity `entity`.
    pub fn names_entity(&self, index: u32, entity: usize) -> bool {
        self.resolved
            .get(index as usize)
            .is_some_and(|&e| e as usize == entity)
    }

    /// The mentions of the entity this document was found for (by
    /// `Workspace::mentioning`), in order: those whose target
    /// `names_entity`, read without looking at the others.
    pub fn mentions(&self) -> impl ExactSizeIterator<Item = &'a Occurrence> + 'a {
        let all = &self.summary.mentions;
        self.naming.iter().map(move |&m| &all[m as usize])
    }

    /// The spans of `mentions()`, in the same order, when each has one.
    pub fn mention_spans(&self) -> Option<&'a [Span]> {
        (self.spans.len() == self.naming.len()).then_some(self.spans)
    }

    /// `make(path)`, computed once per document of the index and kept:
    /// `make` must depend on the path alone (the LSP layer keeps each
    /// document's URI this way).
    pub fn path_text(&self, make: impl FnOnce(&Path) -> Arc<str>) -> Arc<str> {
        self.path_text.get_or_init(|| make(self.path)).clone()
    }
}

/// Per `summary.mention_targets`: the entity it resolves to uniquely in
/// `registry`, or `NO_ENTITY`.
fn resolve_targets(registry: &Registry, summary: &DocSummary) -> Vec<u32> {
    summary
        .mention_targets
        .iter()
        .map(|t| match registry.resolve(t) {
            Resolution::Unique(i) => i as u32,
            _ => NO_ENTITY,
        })
        .collect()
}

/// What the index derives from a summary and the registry: its targets
/// resolved, the entities they name, its mentions grouped by entity.
#[derive(Debug, Default)]
struct Resolved {
    targets: Vec<u32>,
    entities: Vec<u32>,
    groups: MentionGroups,
}

impl Resolved {
    fn new(registry: &Registry, summary: &DocSummary) -> Resolved {
        Self::of_targets(summary, resolve_targets(registry, summary))
    }

    fn of_targets(summary: &DocSummary, targets: Vec<u32>) -> Resolved {
        let mut entities: Vec<u32> = targets
            .iter()
            .copied()
            .filter(|&e| e != NO_ENTITY)
            .collect();
        entities.sort_unstable();
        entities.dedup();
        let groups = MentionGroups::new(summary, &targets, &entities);
        Resolved {
            targets,
            entities,
            groups,
        }
    }
}

impl Workspace {
    /// True when registry and bibliography checks apply.
    /// The one way to render a reference: `entry` in the workspace's
    /// citation style with `locator` (e.g. `fols. 97-103`), cached per
    /// entry, style and locator.
    pub fn cite(&self, entry: &BibEntry, locator: Option<&str>) -> Arc<str> {
        self.bibliography.cite(&self.style, entry, locator)
    }

    /// The references `model`'s citations render, to be rendered ahead of
    /// need on another thread (`bibliography::Prerender`).
    pub fn prerender(
        &self,
        model: &crate::syntax::Model,
    ) -> crate::workspace::bibliography::Prerender {
        let cites = model.citations.iter().flat_map(|c| {
            c.items
                .iter()
                .map(|i| (i.key.as_str(), i.locator.as_deref()))
        });
        self.bibliography.prerender(&self.style, cites)
    }

    /// True when registry and bibliography checks apply.
    pub fn has_root(&self) -> bool {
        self.root.is_some()
    }

    /// Records (or replaces) a document's summary.
    pub fn set_doc(&mut self, path: PathBuf, summary: DocSummary) {
        self.set_doc_resolved(path, summary, None);
    }

    /// `set_doc` of every (path, summary), in order, with the mention
    /// targets of all of them resolved against the registry in parallel
    /// first (rayon): the same index as calling `set_doc` on each in turn,
    /// for a fraction of the serial time (resolution is most of it).
    pub fn set_docs(&mut self, docs: Vec<(PathBuf, DocSummary)>) {
        use rayon::prelude::*;
        let registry = &self.registry;
        let resolve = |(_, summary): &(PathBuf, DocSummary)| Resolved::new(registry, summary);
        // Few documents: not worth waking the pool.
        let resolved: Vec<Resolved> = if docs.len() < 64 {
            docs.iter().map(resolve).collect()
        } else {
            docs.par_iter().map(resolve).collect()
        };
        for ((path, summary), resolved) in docs.into_iter().zip(resolved) {
            self.set_doc_resolved(path, summary, Some(resolved));
        }
    }

    /// `set_doc`, given the resolution of `summary`'s mention targets if
    /// already computed (`Resolved::new` with the current registry).
    fn set_doc_resolved(&mut self, path: PathBuf, summary: DocSummary, resolved: Option<Resolved>) {
        let summary = Arc::new(summary);
        let id = self.id_of(&path);
        let old = self.entries[id as usize].summary.take();
        let old_original = old.as_ref().and_then(|o| o.translation_of.clone());
        if old_original != summary.translation_of {
            self.unlink_translation(&path, old_original.as_deref());
            if let Some(original) = &summary.translation_of {
                self.translations
                    .entry(original.clone())
                    .or_default()
                    .insert(path.clone());
            }
        }
        self.docs.insert(path, summary.clone());
        // Which entities a document mentions depends only on its mention
        // targets: when they are unchanged (most keystrokes), the
        // mentioned-in lists stay as they are.
        let same_targets = old
            .as_ref()
            .is_some_and(|o| o.mention_targets == summary.mention_targets);
        if !same_targets {
            self.unlink_mentions(id);
            let resolved = resolved.unwrap_or_else(|| Resolved::new(&self.registry, &summary));
            self.link_mentions(id, resolved);
        } else {
            // The same targets, so the same entities; the mentions are
            // grouped again unless they name the same targets in the same
            // order as before (a keystroke that touches no mention).
            let entry = &mut self.entries[id as usize];
            let same_mentions = old.as_ref().is_some_and(|o| {
                o.mentions
                    .iter()
                    .map(|m| m.index)
                    .eq(summary.mentions.iter().map(|m| m.index))
            });
            if !same_mentions {
                entry.groups = match resolved {
                    Some(r) => r.groups,
                    None => MentionGroups::new(&summary, &entry.resolved, &entry.entities),
                };
            } else {
                // The same mentions, maybe moved.
                entry.groups.copy_spans(&summary);
            }
        }
        self.entries[id as usize].summary = Some(summary);
    }

    pub fn remove_doc(&mut self, path: &Path) {
        if self.docs.remove(path).is_none() {
            return;
        }
        let Some(&id) = self.ids.get(path) else {
            return;
        };
        let old = self.entries[id as usize].summary.take();
        let original = old.and_then(|o| o.translation_of.clone());
        self.unlink_translation(path, original.as_deref());
        self.unlink_mentions(id);
    }

    /// The id of `path`, given one if it has none.
    fn id_of(&mut self, path: &Path) -> u32 {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = self.entries.len() as u32;
        self.ids.insert(path.to_path_buf(), id);
        self.entries.push(DocEntry {
            path: path.to_path_buf(),
            ..DocEntry::default()
        });
        self.path_rank = OnceLock::new();
        id
    }

    fn unlink_translation(&mut self, path: &Path, original: Option<&Path>) {
        if let Some(original) = original
            && let Some(set) = self.translations.get_mut(original)
        {
            set.remove(path);
            if set.is_empty() {
                self.translations.remove(original);
            }
        }
    }

    /// Removes document `id` from the mentioned-in list of every entity it
    /// mentions.
    fn unlink_mentions(&mut self, id: u32) {
        let entry = &mut self.entries[id as usize];
        entry.resolved.clear();
        entry.groups = MentionGroups::default();
        let popularity = self.popularity.get_mut().unwrap_or_else(|e| e.into_inner());
        for e in std::mem::take(&mut entry.entities) {
            if let Some(list) = self.mentioned_in.get_mut(e as usize)
                && let Ok(at) = list.binary_search_by_key(&id, |&(d, _)| d)
            {
                list.remove(at);
                popularity.touch(e as usize);
            }
        }
    }

    /// Records `resolved` (the resolution of document `id`'s mention
    /// targets) and adds the document to the mentioned-in list of each
    /// entity.
    fn link_mentions(&mut self, id: u32, resolved: Resolved) {
        let Resolved {
            targets,
            entities,
            groups,
        } = resolved;
        let popularity = self.popularity.get_mut().unwrap_or_else(|e| e.into_inner());
        for (k, &e) in entities.iter().enumerate() {
            let e = e as usize;
            if self.mentioned_in.len() <= e {
                self.mentioned_in.resize_with(e + 1, Vec::new);
            }
            let list = &mut self.mentioned_in[e];
            let k = k as u32;
            // Ids mostly arrive in increasing order (indexing): a push.
            match list.last() {
                Some(&(last, _)) if last >= id => {
                    match list.binary_search_by_key(&id, |&(d, _)| d) {
                        Ok(at) => list[at].1 = k,
                        Err(at) => list.insert(at, (id, k)),
                    }
                }
                _ => list.push((id, k)),
            }
            popularity.touch(e);
        }
        let entry = &mut self.entries[id as usize];
        entry.resolved = targets;
        entry.entities = entities;
        entry.groups = groups;
    }

    /// Number of documents that mention the entity with this index.
    pub fn mention_count(&self, entity: usize) -> usize {
        self.mentioned_in.get(entity).map_or(0, Vec::len)
    }

    /// Document id → rank in path order.
    fn path_rank(&self) -> &[u32] {
        self.path_rank.get_or_init(|| {
            let mut ids: Vec<u32> = (0..self.entries.len() as u32).collect();
            ids.sort_by(|&a, &b| {
                self.entries[a as usize]
                    .path
                    .cmp(&self.entries[b as usize].path)
            });
            let mut rank = vec![0u32; ids.len()];
            for (r, &id) in ids.iter().enumerate() {
                rank[id as usize] = r as u32;
            }
            rank
        })
    }

    /// The documents that mention the entity with this index, in path
    /// order, with their summaries and resolved targets.
    pub fn mentioning(&self, entity: usize) -> Vec<IndexedDoc<'_>> {
        let Some(list) = self.mentioned_in.get(entity) else {
            return Vec::new();
        };
        let mut ids = list.clone();
        if ids.len() > 1 {
            // Ids are mostly given in path order (the walk is sorted).
            let rank = self.path_rank();
            if !ids.is_sorted_by_key(|&(id, _)| rank[id as usize]) {
                ids.sort_unstable_by_key(|&(id, _)| rank[id as usize]);
            }
        }
        ids.into_iter()
            .filter_map(|(id, k)| {
                let entry = &self.entries[id as usize];
                debug_assert_eq!(entry.entities.get(k as usize), Some(&(entity as u32)));
                Some(IndexedDoc {
                    naming: entry.groups.group(k as usize),
                    spans: entry.groups.spans(k as usize),
                    path: &entry.path,
                    summary: entry.summary.as_deref()?,
                    resolved: &entry.resolved,
                    path_text: &entry.path_text,
                })
            })
            .collect()
    }

    /// The documents that mention the entity with this index, in path order.
    pub fn documents_mentioning(&self, entity: usize) -> impl Iterator<Item = &Path> {
        self.mentioning(entity).into_iter().map(|d| d.path)
    }

    pub(super) fn recount_mentions(&mut self) {
        self.mentioned_in.clear();
        for id in 0..self.entries.len() as u32 {
            self.entries[id as usize].entities.clear();
            self.entries[id as usize].resolved.clear();
            self.entries[id as usize].groups = MentionGroups::default();
            if let Some(summary) = self.entries[id as usize].summary.clone() {
                let resolved = Resolved::new(&self.registry, &summary);
                self.link_mentions(id, resolved);
            }
        }
        self.popularity
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .invalidate();
    }

    /// The completion index of the current registry (built on first use
    /// after the registry changed).
    pub fn name_index(&self) -> Arc<entity_index::NameIndex> {
        let mut slot = self.names.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some(index) if index.generation == self.registry.generation() => index.clone(),
            _ => {
                let index = Arc::new(entity_index::NameIndex::build(&self.registry));
                *slot = Some(index.clone());
                index
            }
        }
    }

    /// The `k` entities mentioned by the most documents, ties by name then
    /// id (indices into `registry.entities`).
    pub fn most_mentioned(&self, k: usize) -> Vec<usize> {
        let names = self.name_index();
        let mut popularity = self.popularity.lock().unwrap_or_else(|e| e.into_inner());
        popularity
            .top(&names, |e| self.mention_count(e), k)
            .into_iter()
            .map(|e| e as usize)
            .collect()
    }

    /// Documents whose `translation-of` names `original`, in path order.
    pub fn translations_of<'a>(
        &'a self,
        original: &'a Path,
    ) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.translations.get(original).into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity::person(id, name, aliases)
    }

    fn summary(targets: &[&str], original: Option<&str>) -> DocSummary {
        let mut mention_targets: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        mention_targets.sort();
        mention_targets.dedup();
        DocSummary {
            mention_targets,
            translation_of: original.map(PathBuf::from),
            ..DocSummary::default()
        }
    }

    /// `set_docs` (targets resolved in parallel) builds the same index as
    /// `set_doc` of each document in turn, replacements included.
    #[test]
    fn set_docs_equals_set_doc_in_turn() {
        let registry = || {
            Registry::from_entities(vec![
                entity("mao", "Mao Zedong", &["Mao", "Chairman"]),
                entity("zhou", "Zhou Enlai", &["Chairman"]),
                entity("kim", "Kim Il-sung", &["Ким Ир Сен"]),
            ])
        };
        let targets: [&[&str]; 6] = [
            &["mao", "Zhou Enlai"],
            &["Chairman", "kim", "nobody"],
            &["MAO", "ким ир сен", "Mao\n Zedong"],
            &[],
            &["zhou", "zhou", "mao"],
            &["Kim Il-sung"],
        ];
        let mut docs: Vec<(PathBuf, DocSummary)> = Vec::new();
        for n in 0..200 {
            let original = (n % 7 == 3).then_some("/w/a/0.scholia");
            docs.push((
                PathBuf::from(format!("/w/a/{}.scholia", n % 150)),
                summary(targets[n % targets.len()], original),
            ));
        }
        let mut one_by_one = Workspace {
            registry: registry(),
            ..Workspace::default()
        };
        for (path, s) in docs.clone() {
            one_by_one.set_doc(path, s);
        }
        let mut bulk = Workspace {
            registry: registry(),
            ..Workspace::default()
        };
        bulk.set_docs(docs);
        assert_eq!(one_by_one.docs, bulk.docs);
        assert_eq!(one_by_one.entries.len(), bulk.entries.len());
        for (a, b) in one_by_one.entries.iter().zip(&bulk.entries) {
            assert_eq!(
                (&a.path, &a.summary, &a.resolved, &a.entities, &a.groups),
                (&b.path, &b.summary, &b.resolved, &b.entities, &b.groups)
            );
        }
        for e in 0..3 {
            assert_eq!(one_by_one.mention_count(e), bulk.mention_count(e));
            assert!(
                one_by_one
                    .documents_mentioning(e)
                    .eq(bulk.documents_mentioning(e))
            );
        }
        let original = Path::new("/w/a/0.scholia");
        assert!(
            one_by_one
                .translations_of(original)
                .eq(bulk.translations_of(original))
        );
        assert!(one_by_one.mention_count(0) > 0 && one_by_one.mention_count(2) > 0);
    }

    fn occurrence(index: u32, at: usize) -> Occurrence {
        Occurrence {
            index,
            range: at..at + 4,
            target: at + 2..at + 3,
            has_display: false,
            // A span for all but a sixth mention, so that documents with
            // and without spans for each mention are checked.
            span: (at != 50).then(|| Span {
                start: LineCol {
                    line: 0,
                    col: at as u32,
                },
                end: LineCol {
                    line: 0,
                    col: at as u32 + 4,
                },
            }),
            target_span: None,
        }
    }

    /// A summary whose mentions name `targets` in this order.
    fn summary_of_mentions(targets: &[&str]) -> DocSummary {
        let mut s = summary(targets, None);
        s.mentions = targets
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let index = s.mention_targets.binary_search(&t.to_string()).unwrap();
                occurrence(index as u32, n * 10)
            })
            .collect();
        s
    }

    /// The mentions of each entity read through the groups are the
    /// mentions whose target names it (the filter every request used to
    /// run), after every kind of change: new targets, the same targets in
    /// another order, the same mentions moved, removal, return, a registry
    /// reload.
    #[test]
    fn grouped_mentions_equal_the_filtered_mentions() {
        let registry = || {
            Registry::from_entities(vec![
                entity("mao", "Mao Zedong", &["Mao", "Chairman"]),
                entity("zhou", "Zhou Enlai", &["Chairman"]),
                entity("kim", "Kim Il-sung", &["Ким Ир Сен"]),
            ])
        };
        let mut ws = Workspace {
            registry: registry(),
            ..Workspace::default()
        };
        let check = |ws: &Workspace| {
            for e in 0..4 {
                for doc in ws.mentioning(e) {
                    let filtered: Vec<&Occurrence> = doc
                        .summary
                        .mentions
                        .iter()
                        .filter(|o| doc.names_entity(o.index, e))
                        .collect();
                    let grouped: Vec<&Occurrence> = doc.mentions().collect();
                    assert_eq!(grouped, filtered, "entity {e} in {}", doc.path.display());
                    // Spans are kept when every mention naming an entity
                    // has one.
                    let spans: Option<Vec<Span>> = filtered.iter().map(|o| o.span).collect();
                    let all = (doc.summary.mentions.iter())
                        .filter(|o| (0..4).any(|e| doc.names_entity(o.index, e)))
                        .all(|o| o.span.is_some());
                    let expected = if all { spans } else { None };
                    assert_eq!(doc.mention_spans().map(<[Span]>::to_vec), expected);
                    assert!(!grouped.is_empty());
                }
            }
        };
        let edits: [&[&str]; 8] = [
            &["mao", "Zhou Enlai", "mao", "nobody", "Mao Zedong"],
            &["Zhou Enlai", "mao", "mao", "nobody", "Mao Zedong"],
            &["Zhou Enlai", "mao", "mao", "nobody", "Mao Zedong", "mao"],
            &["Chairman", "kim", "Kim Il-sung", "kim"],
            &[],
            &["zhou", "ZHOU", "mao", "ким ир сен", "kim"],
            &["kim"],
            &["mao", "kim", "zhou", "mao", "kim", "zhou"],
        ];
        for (n, targets) in edits.iter().enumerate() {
            let path = PathBuf::from(format!("/w/{}.scholia", n % 3));
            ws.set_doc(path.clone(), summary_of_mentions(targets));
            check(&ws);
            // The same mentions, moved (as after typing before them).
            let mut moved = summary_of_mentions(targets);
            for o in &mut moved.mentions {
                o.range.start += 1;
                o.range.end += 1;
                if let Some(span) = &mut o.span {
                    span.start.col += 1;
                    span.end.col += 1;
                }
            }
            ws.set_doc(path.clone(), moved);
            check(&ws);
            if n % 4 == 1 {
                ws.remove_doc(&path);
                check(&ws);
                ws.set_doc(path, summary_of_mentions(edits[(n + 3) % edits.len()]));
                check(&ws);
            }
        }
        ws.registry = Registry::from_entities(vec![
            entity("kim", "Kim Il-sung", &["Chairman"]),
            entity("mao", "Mao Zedong", &["Mao"]),
        ]);
        ws.recount_mentions();
        check(&ws);
    }

    /// `path_text` is made once per document and stays that of its own
    /// path: a document renamed (removed, then set under its new path) has
    /// its new path's; a removed document set again gets its own back.
    #[test]
    fn path_text_follows_renames_removals_and_returns() {
        let mut ws = Workspace {
            registry: Registry::from_entities(vec![entity("mao", "Mao Zedong", &[])]),
            ..Workspace::default()
        };
        let made = std::cell::Cell::new(0);
        let text = |ws: &Workspace| -> Vec<String> {
            ws.mentioning(0)
                .iter()
                .map(|d| {
                    let t = d.path_text(|p| {
                        made.set(made.get() + 1);
                        Arc::from(format!("<{}>", p.display()))
                    });
                    assert_eq!(*t, format!("<{}>", d.path.display()));
                    t.to_string()
                })
                .collect()
        };
        let (a, b) = (PathBuf::from("/w/a.scholia"), PathBuf::from("/w/b.scholia"));
        ws.set_doc(a.clone(), summary_of_mentions(&["mao"]));
        assert_eq!(text(&ws), ["</w/a.scholia>"]);
        assert_eq!(text(&ws), ["</w/a.scholia>"]);
        assert_eq!(made.get(), 1, "made once, then kept");
        // Renamed: a goes, b comes.
        ws.remove_doc(&a);
        ws.set_doc(b.clone(), summary_of_mentions(&["mao"]));
        assert_eq!(text(&ws), ["</w/b.scholia>"]);
        // a returns (reopened): its own text, b's unchanged.
        ws.set_doc(a.clone(), summary_of_mentions(&["Mao Zedong"]));
        assert_eq!(text(&ws), ["</w/a.scholia>", "</w/b.scholia>"]);
        assert_eq!(made.get(), 2);
    }
}
