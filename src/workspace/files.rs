//! Which files of a workspace are documents, and which are the files an
//! editor keeps beside the one being edited (locks, backups, auto-saves,
//! swap files). Those are never read: not by the workspace scan, not on a
//! watched-file event, not by `scholia check`. They come and go while a
//! user types (Emacs creates `.#name.scholia`, a dangling symbolic link,
//! as soon as a buffer has unsaved changes), so reading them would log
//! errors, reload the workspace for nothing, or count a stale copy of a
//! document as a second document.

use std::path::Path;

use super::EXTENSION;

/// True when the file name of `path` is one an editor uses for a file of
/// its own beside the one being edited:
///
/// - `.#name` — Emacs' lock (a symbolic link to `user@host.pid`);
/// - `#name#` — Emacs' auto-save file;
/// - `name~`, `name.~1~` — the backups of Emacs, Vim (`backup`), nano (`-B`),
///   gedit and Kate;
/// - `.name.swp` (`.swo`, …, `.swa`), `name.swp` — Vim's swap files
///   (`.sw` followed by one letter);
/// - `.~lock.name#` — LibreOffice's lock;
/// - `._name` — the AppleDouble companion macOS writes on foreign volumes.
pub fn is_editor_leftover(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.starts_with(".#")
        || name.starts_with("._")
        || name.ends_with('~')
        || (name.len() > 2 && name.starts_with('#') && name.ends_with('#'))
        || (name.starts_with(".~lock.") && name.ends_with('#'))
        || is_vim_swap(name)
}

/// `.name.swp`, `.name.swo`, … `.name.swa` (Vim tries the letters from `p`
/// down), and `name.swp` when Vim keeps swap files in a directory of their
/// own.
fn is_vim_swap(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let b = ext.as_bytes();
    !stem.is_empty() && b.len() == 3 && b[..2] == *b"sw" && b[2].is_ascii_lowercase()
}

/// A `.scholia` file that is not an editor's leftover.
pub fn is_document(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == EXTENSION) && !is_editor_leftover(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_recognized_and_documents_are_not() {
        let leftovers = [
            ".#defects.scholia",
            "#defects.scholia#",
            "defects.scholia~",
            "defects.scholia.~1~",
            ".defects.scholia.swp",
            ".defects.scholia.swo",
            "defects.scholia.swp",
            ".~lock.defects.scholia#",
            "._defects.scholia",
            ".#people.toml",
            "people.toml~",
        ];
        for name in leftovers {
            let path = Path::new("/w/docs").join(name);
            assert!(is_editor_leftover(&path), "{name} is a leftover");
            assert!(!is_document(&path), "{name} is not a document");
        }
        let documents = [
            "defects.scholia",
            "#1 report.scholia",
            "a~b.scholia",
            "swap.scholia",
            ".hidden.scholia",
        ];
        for name in documents {
            let path = Path::new("/w/docs").join(name);
            assert!(!is_editor_leftover(&path), "{name} is not a leftover");
            assert!(is_document(&path), "{name} is a document");
        }
        for name in ["people.toml", "sources.bib", "#", "##", "x.sw", "x.swap"] {
            assert!(
                !is_editor_leftover(&Path::new("/w").join(name)),
                "{name} is not a leftover"
            );
        }
    }
}
