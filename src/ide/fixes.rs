//! The safe fixes: the quick fixes of the code-action list that have exactly
//! one choice, for `scholia check --fix`. Each is computed by the same
//! function as its code action, so the command line and the editor apply
//! the same edit:
//!
//! - `footnote-order`: renumber the footnotes (`renumber::renumber`);
//! - `ambiguous-locator`: `fols.` for `ll.`, `fol.` for `l.`
//!   (`locator_fix::locator_fix`);
//! - `inconsistent-variant`: the registry's preferred name for the flagged
//!   spelling (`code_actions::preferred_name_edits`).
//!
//! Nothing here defines a footnote, adds a registry entry or picks one of
//! several entities: those need a decision.

use std::ops::Range;

use super::code_actions::{RENUMBER_TITLE, preferred_name_edits, preferred_name_title};
use super::locator_fix::locator_fix;
use super::renumber::{self, NoRenumbering};
use crate::base::{Code, Diagnostic};
use crate::workspace::{Document, Workspace};

/// One fix of a document: what it fixes, and its edits of the document's
/// text (byte ranges, sorted, non-overlapping), or why it cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub code: Code,
    pub title: String,
    /// The first diagnostic it fixes (where to report it).
    pub range: Range<usize>,
    pub edits: Vec<(Range<usize>, String)>,
    /// Set (and `edits` empty) when the fix is refused.
    pub refused: Option<String>,
}

/// The codes that have a safe fix.
pub const FIXABLE: &[Code] = &[
    Code::FootnoteOrder,
    Code::AmbiguousLocator,
    Code::InconsistentVariant,
];

/// The safe fix of each of `diagnostics` (those of `doc`, as reported:
/// a code switched off in `[lint]` is not fixed), in document order. One
/// renumbering fixes every `footnote-order`.
pub fn safe_fixes(doc: &Document, ws: &Workspace, diagnostics: &[Diagnostic]) -> Vec<Fix> {
    let mut out = Vec::new();
    if let Some(first) = diagnostics.iter().find(|d| d.code == Code::FootnoteOrder) {
        let mut fix = Fix {
            code: Code::FootnoteOrder,
            title: RENUMBER_TITLE.to_string(),
            range: first.range.clone(),
            edits: Vec::new(),
            refused: None,
        };
        match renumber::renumber(&doc.text, &doc.model) {
            Ok(edits) => fix.edits = edits,
            Err(NoRenumbering::InOrder | NoRenumbering::NoNumbers) => {}
            Err(why) => fix.refused = Some(why.reason()),
        }
        if !fix.edits.is_empty() || fix.refused.is_some() {
            out.push(fix);
        }
    }
    let mut untagged = None;
    for d in diagnostics {
        match d.code {
            Code::AmbiguousLocator => {
                if let Some(f) = locator_fix(&doc.text, d) {
                    out.push(Fix {
                        code: d.code,
                        title: f.title,
                        range: d.range.clone(),
                        edits: vec![(f.range, f.new_text.to_string())],
                        refused: None,
                    });
                }
            }
            Code::InconsistentVariant => {
                let untagged =
                    untagged.get_or_insert_with(|| crate::diagnostics::plain_names(doc, ws));
                let edits = preferred_name_edits(doc, ws, &d.range, untagged);
                // One place, one preferred name: anything else is not a
                // fix with one choice.
                if let [(name, range, new)] = edits.as_slice() {
                    out.push(Fix {
                        code: d.code,
                        title: preferred_name_title(name),
                        range: d.range.clone(),
                        edits: vec![(range.clone(), new.clone())],
                        refused: None,
                    });
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|f| f.range.start);
    out
}

/// Picks the fixes whose edits overlap no edit of a fix picked before
/// (whole fixes only), and merges their edits, sorted. The rest waits for
/// the next round, computed against the fixed text.
pub fn compatible(fixes: &[Fix]) -> (Vec<&Fix>, Vec<(Range<usize>, String)>) {
    let mut picked = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for f in fixes {
        if f.edits.is_empty() {
            continue;
        }
        let clash = f.edits.iter().any(|(r, _)| {
            edits
                .iter()
                .any(|(e, _)| (r.start < e.end && e.start < r.end) || r.start == e.start)
        });
        if clash {
            continue;
        }
        edits.extend(f.edits.iter().cloned());
        picked.push(f);
    }
    edits.sort_by_key(|(r, _)| r.start);
    (picked, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(Range<usize>, &str)]) -> Fix {
        Fix {
            code: Code::AmbiguousLocator,
            title: String::new(),
            range: 0..0,
            edits: edits
                .iter()
                .map(|(r, s)| (r.clone(), s.to_string()))
                .collect(),
            refused: None,
        }
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let fixes = [
            fix(&[(0..10, "a")]),
            fix(&[(5..7, "b")]),
            fix(&[(10..12, "c")]),
            fix(&[]),
        ];
        let (picked, edits) = compatible(&fixes);
        assert_eq!(picked.len(), 2);
        assert_eq!(
            edits,
            vec![(0..10, "a".to_string()), (10..12, "c".to_string())]
        );
    }
}
