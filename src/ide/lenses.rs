//! Code lenses of a registry file: "mentioned in N documents" on the id of
//! each entry, counted by the workspace index (no document is read). The
//! editor runs references from the lens (`scholia.showReferences`, a
//! client-side command: VS Code's and Neovim's plugins show the references
//! at the entry's id).

use std::ops::Range;
use std::path::Path;

use crate::workspace::Workspace;

/// At most this many lenses per registry file (the first entries, in file
/// order): a 200,000-entry registry would otherwise send tens of megabytes
/// on every lens request. Hover and references still count every entry.
pub const MAX_LENSES: usize = 10_000;

/// The lens of one registry entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryLens {
    /// The entry's id key (`zhou-enlai` of `[person.zhou-enlai]`).
    pub range: Range<usize>,
    pub title: String,
}

/// The lenses of registry file `path`. `complete`: every document of the
/// workspace is indexed; until then the counts are marked as partial.
pub fn registry_lenses(ws: &Workspace, path: &Path, complete: bool) -> Vec<EntryLens> {
    let mut out: Vec<EntryLens> = ws
        .registry
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.file == path)
        .take(MAX_LENSES)
        .map(|(i, e)| EntryLens {
            range: e.id_range.clone(),
            title: title(ws.mention_count(i), complete),
        })
        .collect();
    out.sort_by_key(|l| l.range.start);
    out
}

fn title(documents: usize, complete: bool) -> String {
    let counted = match documents {
        0 => "not mentioned in any document".to_string(),
        1 => "mentioned in 1 document".to_string(),
        n => format!("mentioned in {n} documents"),
    };
    if complete {
        counted
    } else {
        format!("{counted} so far (indexing)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(title(0, true), "not mentioned in any document");
        assert_eq!(title(1, true), "mentioned in 1 document");
        assert_eq!(title(12, true), "mentioned in 12 documents");
        assert_eq!(
            title(3, false),
            "mentioned in 3 documents so far (indexing)"
        );
    }
}
