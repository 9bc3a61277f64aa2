//! `inconsistent-variant`: one document writing the same entity in the
//! spellings of two romanization systems (`Chou En-lai` and `Zhou Enlai`).
//!
//! The forms of an entity in a document are the text the reader sees of its
//! mentions (the display text, or the target when there is none) and its
//! untagged names in plain text (from the one `find_names` pass that
//! `untagged-mention` uses too). A form counts when it is, compared without
//! case, with white space folded and a possessive `'s` dropped, one of the
//! entity's names:
//!
//! - a spelling in `variants` belongs to its system (`pinyin`, `wade-giles`);
//! - the `name` belongs to the systems whose spelling is the same, or, when
//!   none is, to a system of its own (the registry's preferred one);
//! - an alias that is no variant belongs to no system: short forms, titles,
//!   pseudonyms are never inconsistent.
//!
//! Two forms clash when they belong to different systems, unless every word
//! of one is a word of the other (`Zhou` and `Zhou Enlai`). When forms of an
//! entity clash in a document, each occurrence of a clashing form is reported
//! unless it is the name itself, another spelling in the name's system, or a
//! short form of the name: what remains is what "use the preferred name"
//! fixes.

use std::collections::HashMap;
use std::ops::Range;

use crate::workspace::registry::NameMatch;
use crate::workspace::{Document, Entity, Resolution, Workspace};

use crate::base::{Code, Diagnostic};

/// The system of a `name` that no variant spells: the registry's own.
const NAME_SYSTEM: &str = "";

/// A registry name of an entity as one document uses it.
#[derive(Debug)]
struct Form<'r> {
    /// The spelling in the registry.
    spelling: &'r str,
    /// Lower-cased words, for the short-form rule.
    words: Vec<String>,
    systems: Vec<&'r str>,
    /// Where the document writes it.
    at: Vec<Range<usize>>,
}

/// The forms one document uses of one entity.
#[derive(Debug, Default)]
struct Uses<'r> {
    forms: Vec<Form<'r>>,
}

/// Text as the comparison sees it: folded as names are matched
/// (`names::fold`: typographic apostrophes, dashes, other spaces, NFC),
/// lower case, white space folded.
fn folded(s: &str) -> String {
    crate::workspace::names::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `range` of `text` without a trailing possessive (`'s`, `’s`, or a lone
/// apostrophe after an `s`) and surrounding white space.
fn without_possessive(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let trimmed_start = s.len() - s.trim_start().len();
    let mut end = s.trim_end().len();
    let body = &s[..end];
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(rest) = body.strip_suffix(suffix) {
            end = rest.len();
            break;
        }
    }
    let body = &s[..end];
    if let Some(rest) = body.strip_suffix(['\'', '’'])
        && rest.ends_with(['s', 'S'])
    {
        end = rest.len();
    }
    let start = range.start + trimmed_start.min(end);
    start..range.start + end
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether every word of `short` is a word of `long`.
fn is_short_form(short: &[String], long: &[String]) -> bool {
    !short.is_empty() && short.iter().all(|w| long.contains(w))
}

/// The spelling and systems of `written` (already folded) as a name of `e`;
/// `None` when it is no name of `e` or belongs to no system.
fn classify<'r>(e: &'r Entity, written: &str) -> Option<(&'r str, Vec<&'r str>)> {
    let mut systems: Vec<&str> = e
        .variants
        .iter()
        .filter(|(_, spelling)| folded(spelling) == written)
        .map(|(system, _)| system.as_str())
        .collect();
    let is_name = folded(&e.name) == written;
    if is_name && systems.is_empty() {
        systems.push(NAME_SYSTEM);
    }
    if systems.is_empty() {
        return None;
    }
    let spelling = if is_name {
        e.name.as_str()
    } else {
        e.variants
            .iter()
            .find(|(_, spelling)| folded(spelling) == written)
            .map(|(_, spelling)| spelling.as_str())?
    };
    Some((spelling, systems))
}

impl<'r> Uses<'r> {
    fn add(&mut self, e: &'r Entity, written: &str, at: Range<usize>) {
        let key = folded(written);
        if let Some(form) = self.forms.iter_mut().find(|f| folded(f.spelling) == key) {
            form.at.push(at);
            return;
        }
        if let Some((spelling, systems)) = classify(e, &key) {
            self.forms.push(Form {
                spelling,
                words: words(spelling),
                systems,
                at: vec![at],
            });
        }
    }
}

fn clash(a: &Form<'_>, b: &Form<'_>) -> bool {
    !a.systems.iter().any(|s| b.systems.contains(s))
        && !is_short_form(&a.words, &b.words)
        && !is_short_form(&b.words, &a.words)
}

fn describe(form: &Form<'_>) -> String {
    let systems: Vec<&str> = form
        .systems
        .iter()
        .map(|&s| if s == NAME_SYSTEM { "registry name" } else { s })
        .collect();
    format!("`{}` ({})", form.spelling, systems.join(", "))
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Adds `inconsistent-variant` diagnostics. `names` are the registry names
/// found in the document's plain text (one `find_names` pass, shared).
pub(super) fn check(
    doc: &Document,
    ws: &Workspace,
    resolved: &super::resolved::Resolved<'_>,
    names: &[&NameMatch],
    out: &mut Vec<Diagnostic>,
) {
    let registry = &ws.registry;
    // Only entities that have variants can be inconsistent: skip the work
    // for a registry without any.
    if !registry.has_variants() {
        return;
    }
    let mut uses: HashMap<usize, Uses<'_>> = HashMap::new();
    let text = &doc.text;
    for m in &doc.model.mentions {
        let Resolution::Unique(i) = resolved[m.target.as_str()] else {
            continue;
        };
        let e = &registry.entities[i];
        if e.variants.is_empty() {
            continue;
        }
        let shown = m.display_range.clone().unwrap_or(m.target_range.clone());
        let at = without_possessive(text, shown);
        uses.entry(i).or_default().add(e, &text[at.clone()], at);
    }
    for found in names {
        let [i] = found.entities.as_slice() else {
            continue;
        };
        let e = &registry.entities[*i];
        if e.variants.is_empty() {
            continue;
        }
        let at = found.range.clone();
        uses.entry(*i).or_default().add(e, &text[at.clone()], at);
    }
    for (i, uses) in uses {
        let forms = &uses.forms;
        if forms.len() < 2 {
            continue;
        }
        let e = &registry.entities[i];
        let name_words = words(&e.name);
        let name_systems = classify(e, &folded(&e.name))
            .map(|(_, s)| s)
            .unwrap_or_default();
        for (k, form) in forms.iter().enumerate() {
            let preferred = form.systems.iter().any(|s| name_systems.contains(s))
                || is_short_form(&form.words, &name_words);
            if preferred {
                continue;
            }
            let mut all = vec![describe(form)];
            all.extend(
                forms
                    .iter()
                    .enumerate()
                    .filter(|&(j, other)| j != k && clash(form, other))
                    .map(|(_, other)| describe(other)),
            );
            if all.len() < 2 {
                continue;
            }
            let message = format!(
                "{} name the same {} in this document: write the preferred name `{}`",
                join_and(&all),
                e.kind.as_str(),
                e.name
            );
            for at in &form.at {
                out.push(Diagnostic::new(
                    Code::InconsistentVariant,
                    at.clone(),
                    message.clone(),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn possessives_are_dropped() {
        let t = "Chou En-lai's";
        assert_eq!(&t[without_possessive(t, 0..t.len())], "Chou En-lai");
        let t = "Zhou’s";
        assert_eq!(&t[without_possessive(t, 0..t.len())], "Zhou");
        let t = "the Soviets'";
        assert_eq!(&t[without_possessive(t, 0..t.len())], "the Soviets");
        let t = " Lüshun ";
        assert_eq!(&t[without_possessive(t, 0..t.len())], "Lüshun");
    }

    #[test]
    fn short_forms() {
        assert!(is_short_form(&words("Zhou"), &words("Zhou Enlai")));
        assert!(!is_short_form(&words("Chou"), &words("Zhou Enlai")));
        assert!(!is_short_form(&words("Chou En-lai"), &words("Zhou Enlai")));
        assert!(is_short_form(&words("Chou En-lai"), &words("chou en lai")));
    }
}
