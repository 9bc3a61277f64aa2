//! The quick fix of `ambiguous-locator`: `ll.` → `fols.`, `l.` → `fol.`.
//! A pure function of the document text and the diagnostic; the code-action
//! list offers it as a preferred quick fix.

use std::ops::Range;
use std::path::Path;

use super::{Edit, Location};
use crate::base::{Code, Diagnostic};
use crate::diagnostics::line_label;

/// One replacement in the document the diagnostic belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatorFix {
    /// The code action's title, e.g. "Write `fols.` (folios)".
    pub title: String,
    /// The `l.`/`ll.` label (byte range in the document).
    pub range: Range<usize>,
    pub new_text: &'static str,
}

impl LocatorFix {
    /// The fix as an edit of the file at `path`.
    pub fn edit(&self, path: &Path) -> Edit {
        Edit {
            location: Location::new(path.to_path_buf(), self.range.clone()),
            new_text: self.new_text.to_string(),
        }
    }
}

/// The fix for an `ambiguous-locator` diagnostic of `text`; `None` for any
/// other diagnostic, or when the text at its range is no longer exactly the
/// `l.`/`ll.` label (the document changed, or the label sits in an escaped
/// `source` string whose range covers the whole value).
pub fn locator_fix(text: &str, diagnostic: &Diagnostic) -> Option<LocatorFix> {
    if diagnostic.code != Code::AmbiguousLocator {
        return None;
    }
    let range = diagnostic.range.clone();
    let label = text.get(range.clone())?;
    if !matches!(label, "l." | "ll.") {
        return None;
    }
    // The label must still start a locator: `ll. 97`, `l.5`, not `ll.x`.
    let (len, folio) = line_label(text.get(range.start..)?)?;
    if len != label.len() {
        return None;
    }
    let what = if len == 3 { "folios" } else { "folio" };
    Some(LocatorFix {
        title: format!("Write `{folio}` ({what})"),
        range,
        new_text: folio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(text: &str, needle: &str) -> Diagnostic {
        let start = text.find(needle).unwrap();
        Diagnostic::new(Code::AmbiguousLocator, start..start + needle.len(), "")
    }

    fn apply(text: &str, fix: &LocatorFix) -> String {
        let mut out = text.to_string();
        out.replace_range(fix.range.clone(), fix.new_text);
        out
    }

    #[test]
    fn ll_becomes_fols() {
        let text = "See [@aprf-45-1-343, ll. 97-103].";
        let fix = locator_fix(text, &diag(text, "ll.")).unwrap();
        assert_eq!(fix.title, "Write `fols.` (folios)");
        assert_eq!(apply(text, &fix), "See [@aprf-45-1-343, fols. 97-103].");
    }

    #[test]
    fn l_becomes_fol() {
        let text = "[^1]: Note. [@garf-5446, l.3]";
        let fix = locator_fix(text, &diag(text, "l.")).unwrap();
        assert_eq!(fix.title, "Write `fol.` (folio)");
        assert_eq!(apply(text, &fix), "[^1]: Note. [@garf-5446, fol.3]");
    }

    #[test]
    fn non_ascii_text_before_the_label() {
        let text = "周恩来 — [@aprf-45-1-343, ll. 97]";
        let fix = locator_fix(text, &diag(text, "ll.")).unwrap();
        assert_eq!(apply(text, &fix), "周恩来 — [@aprf-45-1-343, fols. 97]");
    }

    #[test]
    fn other_codes_and_stale_ranges_have_no_fix() {
        let text = "See [@aprf-45-1-343, ll. 97-103].";
        let mut d = diag(text, "ll.");
        d.code = Code::UnknownCitation;
        assert_eq!(locator_fix(text, &d), None);
        // The label was edited since the diagnostic was computed.
        let edited = "See [@aprf-45-1-343, fo. 97-103].";
        assert_eq!(locator_fix(edited, &diag(text, "ll.")), None);
        // A range covering a whole escaped `source` value.
        let escaped = r#"source = "[@k, ll. 5] \"x\"""#;
        let start = escaped.find('"').unwrap();
        let whole = Diagnostic::new(Code::AmbiguousLocator, start..escaped.len(), "");
        assert_eq!(locator_fix(escaped, &whole), None);
        // Out of bounds.
        let d = Diagnostic::new(Code::AmbiguousLocator, 100..103, "");
        assert_eq!(locator_fix(text, &d), None);
    }

    #[test]
    fn the_edit_names_the_file() {
        let text = "[@k, ll. 1]";
        let fix = locator_fix(text, &diag(text, "ll.")).unwrap();
        let edit = fix.edit(Path::new("/ws/doc.scholia"));
        assert_eq!(edit.location.path, Path::new("/ws/doc.scholia"));
        assert_eq!(edit.location.range, 5..8);
        assert_eq!(edit.new_text, "fols.");
    }
}
