//! Hover: the entity card of a mention (or of an untagged name), the text of
//! a footnote, the formatted reference of a citation.

use std::ops::Range;

use super::{Item, item_at};
use crate::syntax::model::Citation;
use crate::workspace::{Document, Entity, Resolution, Workspace};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The element hovered.
    pub range: Range<usize>,
    /// Markdown.
    pub markdown: String,
}

pub fn hover(doc: &Document, ws: &Workspace, offset: usize) -> Option<Hover> {
    let (range, markdown) = match item_at(doc, ws, offset)? {
        Item::Mention(m) => (m.range.clone(), mention_card(ws, &m.target)),
        Item::Untagged(n) => {
            let cards: Vec<String> = n.entities.iter().map(|&i| entity_card(ws, i)).collect();
            let markdown = format!(
                "*Not tagged:* write `[[{}|{}]]` to tag it.\n\n---\n\n{}",
                ws.registry.entities[n.entities[0]].id,
                &doc.text[n.range.clone()],
                cards.join("\n\n---\n\n")
            );
            (n.range, markdown)
        }
        Item::FootnoteRef(r) => (r.range.clone(), footnote(doc, &r.label)),
        Item::FootnoteDef(d) => (d.label_range.clone(), footnote(doc, &d.label)),
        Item::Citation(c, item) => (
            c.range.clone(),
            citation(ws, c, item.map(|i| i.key.as_str())),
        ),
        Item::TranslationOf(f) => {
            let target = crate::workspace::translation_target(doc)?;
            let markdown = match ws.docs.get(&target) {
                Some(s) => format!(
                    "Translation of **{}**\n\n`{}`",
                    s.title.as_deref().unwrap_or("(untitled)"),
                    target.display()
                ),
                None => format!("`{}` is not a document of this workspace", target.display()),
            };
            (f.range.clone(), markdown)
        }
    };
    Some(Hover { range, markdown })
}

fn mention_card(ws: &Workspace, target: &str) -> String {
    match ws.registry.resolve(target) {
        Resolution::Unique(i) => entity_card(ws, i),
        Resolution::Ambiguous(ids) => {
            let cards: Vec<String> = ids.iter().map(|&i| entity_card(ws, i)).collect();
            format!(
                "*Ambiguous:* `{target}` names {} entries.\n\n---\n\n{}",
                ids.len(),
                cards.join("\n\n---\n\n")
            )
        }
        Resolution::Unknown => format!("`{target}` is not in the registry."),
    }
}

/// The card of one registry entry.
pub fn entity_card(ws: &Workspace, index: usize) -> String {
    let e: &Entity = &ws.registry.entities[index];
    let mut out = format!("**{}** · {}", e.name, e.kind.as_str());
    match (&e.born, &e.died) {
        (Some(b), Some(d)) => out.push_str(&format!(" · {b}–{d}")),
        (Some(b), None) => out.push_str(&format!(" · born {b}")),
        (None, Some(d)) => out.push_str(&format!(" · died {d}")),
        (None, None) => {}
    }
    if let Some(r) = &e.region {
        out.push_str(&format!(" · {r}"));
    }
    if let Some(d) = &e.description {
        out.push_str(&format!("\n\n{d}"));
    }
    if !e.aliases.is_empty() {
        out.push_str(&format!("\n\nAlso: {}", e.aliases.join(", ")));
    }
    if let Some((lat, lon)) = e.coordinates {
        out.push_str(&format!("\n\nCoordinates: {lat}, {lon}"));
    }
    for (k, v) in &e.authority {
        out.push_str(&format!("\n\n{k}: {v}"));
    }
    let n = ws.mention_count(index);
    out.push_str(&format!(
        "\n\n`{}` · mentioned in {n} document{}",
        e.id,
        if n == 1 { "" } else { "s" }
    ));
    if ws.indexing {
        out.push_str(" so far (the workspace is being indexed)");
    }
    out
}

fn footnote(doc: &Document, label: &str) -> String {
    match doc.model.defs_of(label).next() {
        Some(d) => {
            let body = &doc.text[d.body.clone()];
            let text: Vec<&str> = body
                .lines()
                .map(|l| {
                    l.strip_prefix("    ")
                        .or_else(|| l.strip_prefix('\t'))
                        .unwrap_or(l)
                        .trim_end()
                })
                .collect();
            format!("**[^{label}]** {}", text.join("\n").trim())
        }
        None => format!("Footnote [^{label}] has no definition in this document."),
    }
}

fn citation(ws: &Workspace, c: &Citation, only: Option<&str>) -> String {
    let parts: Vec<String> = c
        .items
        .iter()
        .filter(|i| only.is_none_or(|k| k == i.key))
        .map(|i| match ws.bibliography.get(&i.key) {
            Some(entry) => ws.cite(entry, i.locator.as_deref()).to_string(),
            None => format!("`@{}` is in no bibliography of the workspace.", i.key),
        })
        .collect();
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::text::Encoding;
    use crate::workspace::{DocSummary, Registry};

    /// The card's document count says when the index is still being built.
    #[test]
    fn the_mention_count_is_marked_partial_while_the_workspace_is_indexed() {
        let mut ws = Workspace::detached();
        ws.registry = Registry::from_entities(vec![Entity::person("mao", "Mao Zedong", &[])]);
        let doc = Document::scan(PathBuf::from("/w/a.scholia"), "[[mao]] spoke.\n".into());
        let other = Document::scan(PathBuf::from("/w/b.scholia"), "[[Mao Zedong]]\n".into());
        ws.set_doc(doc.path.clone(), DocSummary::of(&doc));
        ws.set_doc(
            other.path.clone(),
            DocSummary::indexed(&other, Encoding::Utf16),
        );
        let card = |ws: &Workspace| hover(&doc, ws, 3).expect("a card").markdown;
        let last_line = |s: String| s.lines().last().unwrap_or_default().to_string();
        assert_eq!(last_line(card(&ws)), "`mao` · mentioned in 2 documents");
        ws.indexing = true;
        assert_eq!(
            last_line(card(&ws)),
            "`mao` · mentioned in 2 documents so far (the workspace is being indexed)"
        );
    }
}
