//! Rename: a footnote label within its document; a registry id across the
//! registry and every mention in the workspace, open or closed. Mentions
//! written with a name or alias keep their text; `[[old-id]]` becomes
//! `[[new-id|old-id]]` so that what the reader sees does not change.

use std::ops::Range;
use std::path::Path;

use super::references::{Target, mentions_of, target_at, target_in_file};
use super::{Edit, Item, Location, item_at};
use crate::workspace::{Document, Workspace};

/// What can be renamed at the cursor: the range to highlight and the
/// current name, or why nothing can be renamed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renameable {
    pub range: Range<usize>,
    pub placeholder: String,
    pub target: Target,
}

/// `prepareRename` in a document.
pub fn prepare(doc: &Document, ws: &Workspace, offset: usize) -> Result<Renameable, String> {
    let item = item_at(doc, ws, offset)
        .ok_or("nothing to rename here: put the cursor on a footnote label or a mention")?;
    let target = target_at(doc, ws, offset);
    match (item, target) {
        (Item::FootnoteRef(r), Some(t)) => Ok(Renameable {
            range: r.range.start + 2..r.range.end - 1,
            placeholder: r.label.clone(),
            target: t,
        }),
        (Item::FootnoteDef(d), Some(t)) => Ok(Renameable {
            range: d.label_range.start + 2..d.label_range.end - 1,
            placeholder: d.label.clone(),
            target: t,
        }),
        (Item::Mention(m), Some(Target::Entity(i))) => Ok(Renameable {
            range: m.target_range.clone(),
            placeholder: ws.registry.entities[i].id.clone(),
            target: Target::Entity(i),
        }),
        (Item::Mention(m), _) => Err(format!(
            "`{}` does not name exactly one registry entry, so there is no id to rename",
            m.target
        )),
        (Item::Citation(..), _) => Err(
            "citation keys belong to the bibliography (rename them in your reference manager); scholia renames footnote labels and registry ids".into(),
        ),
        (Item::Untagged(_), _) => Err("an untagged name is plain text: tag it first, then rename the entry's id".into()),
        _ => Err("nothing to rename here: put the cursor on a footnote label or a mention".into()),
    }
}

/// `prepareRename` in a registry file: the id of the entry at the cursor.
pub fn prepare_in_registry(
    ws: &Workspace,
    path: &Path,
    offset: usize,
) -> Result<Renameable, String> {
    match target_in_file(ws, path, offset) {
        Some(Target::Entity(i)) => {
            let e = &ws.registry.entities[i];
            Ok(Renameable {
                range: e.id_range.clone(),
                placeholder: e.id.clone(),
                target: Target::Entity(i),
            })
        }
        _ => Err("nothing to rename here: put the cursor on a registry entry".into()),
    }
}

fn valid_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The edits of a rename, or why the new name is refused.
pub fn rename<'a>(
    ws: &'a Workspace,
    target: &Target,
    new_name: &str,
    current: Option<&Document>,
    open: impl Fn(&Path) -> Option<&'a Document>,
) -> Result<Vec<Edit>, String> {
    match target {
        Target::Footnote(label) => {
            let doc = current.ok_or("a footnote is renamed from its document")?;
            if !valid_label(new_name) {
                return Err(format!(
                    "`{new_name}` is not a footnote label: use letters, digits, `_` and `-`"
                ));
            }
            if new_name != label && doc.model.footnote_defs.iter().any(|d| d.label == new_name)
                || doc
                    .model
                    .footnote_refs
                    .iter()
                    .any(|r| r.label == new_name && new_name != label)
            {
                return Err(format!(
                    "footnote [^{new_name}] already exists in this document"
                ));
            }
            let refs = doc.model.refs_of(label).map(|r| r.range.clone());
            let defs = doc.model.defs_of(label).map(|d| d.label_range.clone());
            Ok(refs
                .chain(defs)
                .map(|r| Edit {
                    location: Location::new(doc.path.clone(), r.start + 2..r.end - 1),
                    new_text: new_name.to_string(),
                })
                .collect())
        }
        Target::Entity(i) => {
            let e = &ws.registry.entities[*i];
            if !valid_id(new_name) {
                return Err(format!(
                    "`{new_name}` is not a registry id: use lower-case letters, digits and `-`"
                ));
            }
            if new_name != e.id
                && let Some(other) = ws.registry.get(new_name)
            {
                return Err(format!(
                    "the id `{new_name}` is taken by {} ({})",
                    other.name,
                    other.kind.as_str()
                ));
            }
            let mut edits = vec![Edit {
                location: Location::new(e.file.clone(), e.id_range.clone()),
                new_text: new_name.to_string(),
            }];
            edits.extend(mention_edits(ws, *i, new_name, open));
            Ok(edits)
        }
        Target::CiteKey(_) => Err("citation keys are not renamed by scholia".into()),
    }
}

/// The edits that make every mention of entry `i` written with its id
/// name `new_id` instead (a mention written with a name or alias keeps its
/// text; `[[old-id]]` becomes `[[new-id|old-id]]`), in open documents
/// (`open`) and closed ones. Rename, and the merge of two entries, use it.
pub fn mention_edits<'a>(
    ws: &'a Workspace,
    i: usize,
    new_id: &str,
    open: impl Fn(&Path) -> Option<&'a Document>,
) -> Vec<Edit> {
    let e = &ws.registry.entities[i];
    let mut edits = Vec::new();
    // Whether a target written so is renamed: the id, unless it is
    // also a name or alias (then it keeps resolving after the
    // rename: left as written).
    let renamed = |written: &str| {
        written.eq_ignore_ascii_case(&e.id)
            && !ws
                .registry
                .names_of(i)
                .any(|n| n.eq_ignore_ascii_case(written))
    };
    for doc in ws.mentioning(i) {
        let path = doc.path;
        // A closed document's mentions are written as its targets
        // are: when none of the targets naming the entity is
        // renamed, no mention is, and none needs reading (an
        // entity mentioned by name in 12,000 documents).
        let closed = open(path).is_none();
        if closed
            && !doc
                .summary
                .mention_targets
                .iter()
                .enumerate()
                .any(|(t, w)| doc.names_entity(t as u32, i) && renamed(w))
        {
            continue;
        }
        for m in mentions_of(i, &doc, &open) {
            let written = m.written;
            if !renamed(written) {
                continue;
            }
            let new_text = if m.has_display {
                new_id.to_string()
            } else {
                // Keep the text the reader sees.
                format!("{new_id}|{written}")
            };
            edits.push(Edit {
                location: Location {
                    path: path.to_path_buf(),
                    range: m.target,
                    span: m.target_span,
                },
                new_text,
            });
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::text::Encoding;
    use crate::workspace::{DocSummary, Entity, Registry};

    fn entity(id: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity::person(id, name, aliases)
    }

    /// The edits of an entity rename with every mention of every document
    /// looked at (the loop before closed documents whose targets show no
    /// renamed mention were skipped).
    fn oracle<'a>(
        ws: &'a Workspace,
        i: usize,
        new_name: &str,
        open: impl Fn(&Path) -> Option<&'a Document>,
    ) -> Vec<Edit> {
        let e = &ws.registry.entities[i];
        let mut edits = vec![Edit {
            location: Location::new(e.file.clone(), e.id_range.clone()),
            new_text: new_name.to_string(),
        }];
        for doc in ws.mentioning(i) {
            for m in mentions_of(i, &doc, &open) {
                let written = m.written;
                let is_id = written.eq_ignore_ascii_case(&e.id);
                if !is_id
                    || ws
                        .registry
                        .names_of(i)
                        .any(|n| n.eq_ignore_ascii_case(written))
                {
                    continue;
                }
                let new_text = if m.has_display {
                    new_name.to_string()
                } else {
                    format!("{new_name}|{written}")
                };
                edits.push(Edit {
                    location: Location {
                        path: doc.path.to_path_buf(),
                        range: m.target,
                        span: m.target_span,
                    },
                    new_text,
                });
            }
        }
        edits
    }

    /// Skipping closed documents changes no edit: documents naming an
    /// entity by id, by name, by an alias equal to the id, with and without
    /// display text, closed and open.
    #[test]
    fn entity_renames_equal_the_oracle() {
        let mut ws = Workspace::detached();
        ws.registry = Registry::from_entities(vec![
            entity("mao", "Mao Zedong", &["Chairman"]),
            entity("kim", "Kim Il-sung", &["KIM"]),
            entity("zhou", "Zhou Enlai", &[]),
        ]);
        let texts = [
            "[[mao]] met [[Mao Zedong]] and [[MAO|the chairman]].\n",
            "Only names: [[Mao Zedong]], [[Chairman]], [[Zhou Enlai]].\n",
            "[[kim]] [[Kim Il-sung]] [[zhou]]\n[[ zhou ]] [[mao|x]]\n",
            "[[Kim Il-sung]] and [[Zhou Enlai|Zhou]], [[zhou]]\n",
        ];
        let mut docs = Vec::new();
        for (n, text) in texts.iter().enumerate() {
            let doc = Document::scan(PathBuf::from(format!("/w/{n}.scholia")), text.to_string());
            ws.set_doc(doc.path.clone(), DocSummary::indexed(&doc, Encoding::Utf16));
            docs.push(doc);
        }
        // Document 3 open in the editor (its summary as the server keeps it).
        ws.set_doc(docs[3].path.clone(), DocSummary::of(&docs[3]));
        let open = |p: &Path| {
            docs.iter()
                .find(|d| d.path == p && d.path.ends_with("3.scholia"))
        };
        let mut edited = 0;
        for i in 0..3 {
            let ours = rename(&ws, &Target::Entity(i), "new-id", None, open).unwrap();
            assert_eq!(ours, oracle(&ws, i, "new-id", open), "entity {i}");
            edited += ours.len() - 1;
        }
        // mao: twice in 0, once in 2; kim: never (`KIM` is an alias);
        // zhou: twice in 2, once in the open 3.
        assert_eq!(edited, 6);
    }
}
