//! Renumbering footnotes: numeric labels become 1, 2, 3 … in order of first
//! reference (a reference inside a note counts where that note stands once
//! the notes are reordered), and the numeric definitions are reordered to
//! match.
//!
//! What changes, and nothing else:
//! - the label of every numeric `[^n]` reference and `[^n]:` definition
//!   (only the digits between `[^` and `]`);
//! - the numeric definitions swap places: the places they occupy (each
//!   `FootnoteDef::range`, from the marker to the end of the note's last
//!   line) are refilled with the same notes in their new order, so the line
//!   breaks and everything else between the notes stay where they are.
//!
//! Named labels (`[^intro]`) are left as they are, and so are their
//! definitions. A numeric definition that nothing references is numbered
//! after the referenced ones, in the order the definitions are written.
//! Renumbering is refused when a numeric label is defined twice: which of the
//! two is the note is the user's decision. When notes refer to each other so
//! that no order of them agrees with the numbering (two notes referenced only
//! from each other), the notes keep their places and only labels change.

use std::collections::HashMap;
use std::ops::Range;

use crate::syntax::Model;
use crate::syntax::model::FootnoteDef;

/// One text edit: the bytes to replace and the new text.
pub type Edit = (Range<usize>, String);

/// Why a document cannot be renumbered, or that it need not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRenumbering {
    /// The numeric labels already read 1..n in order of first reference and
    /// the definitions are in that order.
    InOrder,
    /// There are no numeric labels at all.
    NoNumbers,
    /// A numeric label is defined more than once (the message says which).
    Duplicate(String),
}

impl NoRenumbering {
    /// A sentence for the user.
    pub fn reason(&self) -> String {
        match self {
            NoRenumbering::InOrder => {
                "the footnotes are already numbered 1..n in order of first reference".into()
            }
            NoRenumbering::NoNumbers => "the document has no numbered footnotes".into(),
            NoRenumbering::Duplicate(label) => format!(
                "footnote [^{label}] is defined more than once: keep one definition, then renumber"
            ),
        }
    }
}

/// Whether a label is a number (the same test as the `footnote-order` check).
pub fn is_numeric(label: &str) -> bool {
    label.parse::<u64>().is_ok()
}

/// The new number of every numeric label (see `renumber`).
pub fn new_numbers(model: &Model) -> HashMap<&str, u64> {
    plan(model).numbers
}

/// New numbers, and the order of the numeric definitions.
struct Plan<'m> {
    numbers: HashMap<&'m str, u64>,
    /// The numeric definitions in document order (the places they occupy).
    slots: Vec<&'m FootnoteDef>,
    /// `order[k]`: the index in `slots` of the definition that goes to
    /// place `k`.
    order: Vec<usize>,
}

/// Numbers the labels and orders the numeric definitions so that both hold
/// in the result: numbers in order of first reference, definitions in order
/// of number. References inside notes move with their notes, so the order
/// of first reference depends on the order of the notes: starting from the
/// order as written, number, sort the notes by number, and repeat until the
/// order stands still. Notes that refer to each other can make that
/// impossible (two notes referenced only from each other); then the notes
/// stay where they are and only the labels change.
fn plan<'m>(model: &'m Model) -> Plan<'m> {
    let slots: Vec<&FootnoteDef> = model
        .footnote_defs
        .iter()
        .filter(|d| is_numeric(&d.label))
        .collect();
    // Numeric references outside the numeric notes (position, label), and
    // the numeric references inside each of them.
    let mut outside: Vec<(usize, &'m str)> = Vec::new();
    let mut inside: Vec<Vec<&'m str>> = vec![Vec::new(); slots.len()];
    for r in &model.footnote_refs {
        if !is_numeric(&r.label) {
            continue;
        }
        let within = slots
            .iter()
            .position(|d| d.range.start <= r.range.start && r.range.end <= d.range.end);
        match within {
            Some(k) => inside[k].push(&r.label),
            None => outside.push((r.range.start, &r.label)),
        }
    }
    // The numbers that reading the document with the notes in `order` gives.
    let number = |order: &[usize]| -> HashMap<&'m str, u64> {
        let mut map: HashMap<&'m str, u64> = HashMap::new();
        let mut give = |label: &'m str| {
            let next = map.len() as u64 + 1;
            map.entry(label).or_insert(next);
        };
        let mut rest = outside.iter().peekable();
        for (k, slot) in slots.iter().enumerate() {
            while let Some((_, label)) = rest.next_if(|(at, _)| *at < slot.range.start) {
                give(label);
            }
            for label in &inside[order[k]] {
                give(label);
            }
        }
        for (_, label) in rest {
            give(label);
        }
        for &i in order {
            give(&slots[i].label);
        }
        map
    };
    let written: Vec<usize> = (0..slots.len()).collect();
    let mut order = written.clone();
    let mut numbers = number(&order);
    let mut settled = false;
    for _ in 0..slots.len() + 2 {
        let mut sorted = order.clone();
        sorted.sort_by_key(|&i| numbers[slots[i].label.as_str()]);
        if sorted == order {
            settled = true;
            break;
        }
        order = sorted;
        numbers = number(&order);
    }
    if !settled {
        order = written;
        numbers = number(&order);
    }
    Plan {
        numbers,
        slots,
        order,
    }
}

/// The byte ranges of the first references that are out of place (what the
/// `footnote-order` diagnostic reports).
pub fn order_problems(model: &Model) -> Vec<Range<usize>> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let mut expected = 1u64;
    for r in &model.footnote_refs {
        let Ok(n) = r.label.parse::<u64>() else {
            continue;
        };
        if seen.contains(&r.label.as_str()) {
            continue;
        }
        seen.push(&r.label);
        if n != expected {
            out.push(r.range.clone());
        }
        expected += 1;
    }
    out
}

/// The edits that renumber `text` (whose model is `model`): sorted by start,
/// non-overlapping, none empty-handed (each changes something).
pub fn renumber(text: &str, model: &Model) -> Result<Vec<Edit>, NoRenumbering> {
    let has_numbers = model.footnote_refs.iter().any(|r| is_numeric(&r.label))
        || model.footnote_defs.iter().any(|d| is_numeric(&d.label));
    if !has_numbers {
        return Err(NoRenumbering::NoNumbers);
    }
    // A numeric label defined twice: refuse.
    let mut defined: HashMap<&str, usize> = HashMap::new();
    for d in &model.footnote_defs {
        if is_numeric(&d.label) {
            let count = defined.entry(d.label.as_str()).or_default();
            *count += 1;
            if *count == 2 {
                return Err(NoRenumbering::Duplicate(d.label.clone()));
            }
        }
    }
    let Plan {
        numbers,
        slots,
        order,
    } = plan(model);
    let new_label = |label: &str| -> Option<String> {
        numbers
            .get(label)
            .map(u64::to_string)
            .filter(|n| n != label)
    };

    // The definitions that go to the places of the numeric definitions.
    let placed: Vec<&FootnoteDef> = order.iter().map(|&i| slots[i]).collect();

    // Every label inside a byte range: the definition's own and the
    // references in it, with their replacement.
    let labels_in = |range: &Range<usize>| -> Vec<Edit> {
        let mut out = Vec::new();
        for d in &model.footnote_defs {
            if range.start <= d.label_range.start && d.label_range.end <= range.end {
                let inner = d.label_range.start + 2..d.label_range.end - 1;
                if let Some(n) = new_label(&d.label) {
                    out.push((inner, n));
                }
            }
        }
        for r in &model.footnote_refs {
            if range.start <= r.range.start && r.range.end <= range.end {
                let inner = r.range.start + 2..r.range.end - 1;
                if let Some(n) = new_label(&r.label) {
                    out.push((inner, n));
                }
            }
        }
        out.sort_by_key(|(r, _)| r.start);
        out
    };

    let mut edits: Vec<Edit> = Vec::new();
    for (slot, def) in slots.iter().zip(&placed) {
        if std::ptr::eq(*slot, *def) {
            edits.extend(labels_in(&slot.range));
            continue;
        }
        // Another note moves here: its text, its labels renumbered.
        let mut moved = String::with_capacity(def.range.len());
        let mut at = def.range.start;
        for (r, n) in labels_in(&def.range) {
            moved.push_str(&text[at..r.start]);
            moved.push_str(&n);
            at = r.end;
        }
        moved.push_str(&text[at..def.range.end]);
        if moved != text[slot.range.clone()] {
            edits.push((slot.range.clone(), moved));
        }
    }
    // Labels outside the numeric definitions: references anywhere else
    // (named notes included). Named definitions keep their labels.
    for r in &model.footnote_refs {
        let in_slot = slots
            .iter()
            .any(|d| d.range.start <= r.range.start && r.range.end <= d.range.end);
        if in_slot {
            continue;
        }
        if let Some(n) = new_label(&r.label) {
            edits.push((r.range.start + 2..r.range.end - 1, n));
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    if edits.is_empty() {
        return Err(NoRenumbering::InOrder);
    }
    Ok(edits)
}

/// Applies sorted, non-overlapping edits to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, new) in edits {
        out.push_str(&text[at..r.start]);
        out.push_str(new);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    fn run(text: &str) -> Result<String, NoRenumbering> {
        let model = Model::build(text, &syntax::parse(text, None));
        renumber(text, &model).map(|e| apply(text, &e))
    }

    #[test]
    fn numbers_by_first_reference_and_moves_the_notes() {
        let text =
            "A[^3] b[^1] c[^x] d[^3].\n\n[^1]: one\n\n[^x]: named [^1]\n\n[^3]: three\n    more\n";
        assert_eq!(
            run(text).unwrap(),
            "A[^1] b[^2] c[^x] d[^1].\n\n[^1]: three\n    more\n\n[^x]: named [^2]\n\n[^2]: one\n"
        );
    }

    #[test]
    fn unreferenced_numbers_come_last_and_duplicates_refuse() {
        assert_eq!(
            run("x[^5]\n[^9]: nine\n[^5]: five\n").unwrap(),
            "x[^1]\n[^1]: five\n[^2]: nine\n"
        );
        assert_eq!(
            run("x[^1]\n[^1]: a\n[^1]: b\n"),
            Err(NoRenumbering::Duplicate("1".into()))
        );
        assert_eq!(run("x[^1]\n\n[^1]: a\n"), Err(NoRenumbering::InOrder));
        assert_eq!(run("x[^a]\n\n[^a]: a\n"), Err(NoRenumbering::NoNumbers));
    }

    #[test]
    fn references_inside_notes_count_where_the_notes_end_up() {
        // [^1] is referenced only from note 4, [^2] only from note 1.
        assert_eq!(
            run("[^3]: a\n\n[^4]: [^1]\n\n[^1]: b\n\n    [^2]").unwrap(),
            "[^2]: b\n\n    [^1]\n\n[^3]: a\n\n[^4]: [^2]"
        );
        // Two notes referenced only from each other: no order of the notes
        // is right, so they stay, and only the labels change.
        assert_eq!(
            run("x[^9]\n\n[^5]: see [^6]\n\n[^6]: see [^5]\n\n[^9]: z").unwrap(),
            "x[^1]\n\n[^3]: see [^2]\n\n[^2]: see [^3]\n\n[^1]: z"
        );
    }
}
