//! Paths and reading files: normalizing a path, finding a workspace's root,
//! reading a text file with a size limit.

use std::path::{Component, Path, PathBuf};

use super::CONFIG_FILE;

/// Lexically normalizes a path: makes it absolute, removes `.` and folds `..`.
pub fn normalize(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The nearest ancestor of `start` (a file or a folder) holding `scholia.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = normalize(start);
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Files larger than this are not read (a diagnostic says so): a registry,
/// bibliography or document that big is a mistake, and reading it would
/// stall the server.
pub const MAX_FILE: u64 = 64 << 20;

/// Reads a file as UTF-8 (a BOM is kept; the model skips it). Files above
/// `MAX_FILE` bytes are refused unread.
pub fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    if size > MAX_FILE {
        return Err(format!(
            "{} is {} MiB, above the limit of {} MiB: not read",
            path.display(),
            size >> 20,
            MAX_FILE >> 20
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
