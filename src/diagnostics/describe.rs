//! One sentence per diagnostic code: what it reports (SARIF's rule
//! descriptions, `scholia check --format sarif`). The match is exhaustive on
//! purpose: a new code does not compile until it is described here.

use crate::base::Code;

/// What `code` reports, in one sentence.
pub fn description(code: Code) -> &'static str {
    match code {
        Code::UndefinedFootnote => {
            "A footnote reference [^x] has no definition [^x]: in the document."
        }
        Code::UnusedFootnote => "A footnote definition is never referenced.",
        Code::DuplicateFootnote => {
            "A footnote label is defined twice (reported on the second definition)."
        }
        Code::FootnoteOrder => {
            "Numeric footnote labels are not numbered 1, 2, 3… in order of first reference."
        }
        Code::UnknownCitation => "A citation key is in no bibliography of the workspace.",
        Code::MissingSource => {
            "A document cites nothing: no `source` in its front matter and no citation."
        }
        Code::UncitedNote => "A footnote definition contains no citation.",
        Code::UnknownEntity => "A mention's target is no registry id, name or alias.",
        Code::AmbiguousEntity => {
            "A mention's target is the name or alias of two or more registry entries."
        }
        Code::UnclosedBracket => {
            "A `[` is not closed before its paragraph ends, or a `]` closes nothing."
        }
        Code::UntaggedMention => {
            "Plain text equals a registry name or alias but is not tagged as a mention."
        }
        Code::TranslationMismatch => {
            "A translation's footnote labels or citation keys differ from its original's."
        }
        Code::InconsistentVariant => {
            "A document writes one entity in the spellings of two romanization systems."
        }
        Code::AmbiguousLocator => {
            "`l.`/`ll.` in a citation of an archival source: folios in Russian usage, lines for CSL."
        }
        Code::FrontMatter => {
            "The front matter is not valid TOML, is never closed, or has a known key of the wrong type."
        }
        Code::Registry => {
            "A registry file is invalid: bad TOML, a missing name, a bad or duplicate id, a wrong type."
        }
        Code::AliasConflict => "A name or alias is shared by two registry entries.",
        Code::DuplicateAuthority => {
            "Two registry entries carry the same id of one authority: one person entered twice, most likely."
        }
        Code::MissingAuthority => {
            "A registry entry carries no authority id (off unless turned on)."
        }
        Code::Bibliography => {
            "A bibliography file is invalid: bad JSON or BibTeX, a duplicate key, an item without id."
        }
        Code::UnusedBibliographyEntry => {
            "A bibliography entry is cited by no document of the workspace (off unless [lint] turns it on)."
        }
        Code::Config => {
            "scholia.toml is invalid: bad TOML, a path outside the root or naming nothing, an unknown key or code."
        }
        Code::Io => "A file cannot be read or is not UTF-8.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_sentence() {
        for &code in Code::ALL {
            let d = description(code);
            assert!(d.ends_with('.') && d.len() > 20, "{code}: {d}");
        }
    }
}
