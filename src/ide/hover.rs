//! Hover: the entity card of a mention (or of an untagged name), the text of
//! a footnote, the formatted reference of a citation.

use std::ops::Range;

use super::markup::Markup;
use super::{Item, item_at};
use crate::syntax::model::Citation;
use crate::workspace::{Document, Entity, Resolution, Workspace};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The element hovered.
    pub range: Range<usize>,
    /// The card, in the format asked for.
    pub text: String,
}

/// The card of what is at `offset`, written in `markup` (Markdown, or plain
/// text for a client that does not render Markdown).
pub fn hover(doc: &Document, ws: &Workspace, offset: usize, markup: Markup) -> Option<Hover> {
    let m = markup;
    let (range, text) = match item_at(doc, ws, offset)? {
        Item::Mention(mention) => (mention.range.clone(), mention_card(ws, &mention.target, m)),
        Item::Untagged(n) => {
            let cards: Vec<String> = n.entities.iter().map(|&i| entity_card(ws, i, m)).collect();
            let source = format!(
                "[[{}|{}]]",
                ws.registry.entities[n.entities[0]].id,
                &doc.text[n.range.clone()]
            );
            let text = format!(
                "{} write {} to tag it.{}{}",
                m.emph("Not tagged:"),
                m.code(&source),
                m.rule(),
                cards.join(m.rule())
            );
            (n.range, text)
        }
        Item::FootnoteRef(r) => (r.range.clone(), footnote(doc, &r.label, m)),
        Item::FootnoteDef(d) => (d.label_range.clone(), footnote(doc, &d.label, m)),
        Item::Citation(c, item) => (
            c.range.clone(),
            citation(ws, c, item.map(|i| i.key.as_str()), m),
        ),
        Item::TranslationOf(f) => {
            let target = crate::workspace::translation_target(doc)?;
            let path = target.display().to_string();
            let text = match ws.docs.get(&target) {
                Some(s) => format!(
                    "Translation of {}\n\n{}",
                    m.strong(s.title.as_deref().unwrap_or("(untitled)")),
                    m.code(&path)
                ),
                None => format!("{} is not a document of this workspace", m.code(&path)),
            };
            (f.range.clone(), text)
        }
    };
    Some(Hover { range, text })
}

fn mention_card(ws: &Workspace, target: &str, m: Markup) -> String {
    match ws.registry.resolve(target) {
        Resolution::Unique(i) => entity_card(ws, i, m),
        Resolution::Ambiguous(ids) => {
            let cards: Vec<String> = ids.iter().map(|&i| entity_card(ws, i, m)).collect();
            format!(
                "{} {} names {} entries.{}{}",
                m.emph("Ambiguous:"),
                m.code(target),
                ids.len(),
                m.rule(),
                cards.join(m.rule())
            )
        }
        Resolution::Unknown => format!("{} is not in the registry.", m.code(target)),
    }
}

/// The card of one registry entry.
pub fn entity_card(ws: &Workspace, index: usize, m: Markup) -> String {
    let e: &Entity = &ws.registry.entities[index];
    let mut out = format!("{} · {}", m.strong(&e.name), e.kind.as_str());
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
        "\n\n{} · mentioned in {n} document{}",
        m.code(&e.id),
        if n == 1 { "" } else { "s" }
    ));
    if ws.indexing {
        out.push_str(" so far (the workspace is being indexed)");
    }
    out
}

fn footnote(doc: &Document, label: &str, m: Markup) -> String {
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
            format!(
                "{} {}",
                m.strong(&format!("[^{label}]")),
                text.join("\n").trim()
            )
        }
        None => format!("Footnote [^{label}] has no definition in this document."),
    }
}

fn citation(ws: &Workspace, c: &Citation, only: Option<&str>, m: Markup) -> String {
    let parts: Vec<String> = c
        .items
        .iter()
        .filter(|i| only.is_none_or(|k| k == i.key))
        .map(|i| match ws.bibliography.get(&i.key) {
            Some(entry) => ws.bibliography.cite(entry, i.locator.as_deref()),
            None => format!(
                "{} is in no bibliography of the workspace.",
                m.code(&format!("@{}", i.key))
            ),
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
        let card = |ws: &Workspace| hover(&doc, ws, 3, Markup::Markdown).expect("a card").text;
        let last_line = |s: String| s.lines().last().unwrap_or_default().to_string();
        assert_eq!(last_line(card(&ws)), "`mao` · mentioned in 2 documents");
        ws.indexing = true;
        assert_eq!(
            last_line(card(&ws)),
            "`mao` · mentioned in 2 documents so far (the workspace is being indexed)"
        );
    }

    /// The same card as plain text: no Markdown syntax, the quoted text as
    /// written (a description holding `*` keeps it).
    #[test]
    fn a_plain_text_card_has_no_markdown() {
        let mut ws = Workspace::detached();
        let mut mao = Entity::person("mao", "Mao Zedong", &["Chairman Mao"]);
        mao.description = Some("Chairman of the *CCP* `CC`".into());
        let zhou = Entity::person("zhou", "Zhou Enlai", &[]);
        ws.registry = Registry::from_entities(vec![mao, zhou]);
        let text = "+++\ntitle = \"t\"\n+++\n[[mao]] and Zhou Enlai.[^1]\n\n[^1]: A **note**.\n";
        let doc = Document::scan(PathBuf::from("/w/a.scholia"), text.into());
        ws.set_doc(doc.path.clone(), DocSummary::of(&doc));
        let at = |needle: &str| text.find(needle).expect(needle) + 1;
        let plain = |offset| {
            hover(&doc, &ws, offset, Markup::PlainText)
                .expect("a card")
                .text
        };
        assert_eq!(
            plain(at("[[mao")),
            "Mao Zedong · person\n\nChairman of the *CCP* `CC`\n\nAlso: Chairman Mao\n\nmao · mentioned in 1 document"
        );
        assert_eq!(
            hover(&doc, &ws, at("[[mao"), Markup::Markdown)
                .expect("a card")
                .text
                .lines()
                .next(),
            Some("**Mao Zedong** · person")
        );
        let untagged = plain(at("Zhou"));
        assert!(
            untagged.starts_with("Not tagged: write [[zhou|Zhou Enlai]] to tag it.\n\n────────\n\nZhou Enlai · person"),
            "{untagged}"
        );
        assert_eq!(plain(at("[^1]")), "[^1] A **note**.");
    }
}
