//! `scholia tag [PATH...] [--dry-run] [--name NAME]`: tags every untagged
//! registry name that names exactly one entry in the documents under the
//! paths (what `untagged-mention` reports, as `import --tag` writes it:
//! `import::tag::document_edits`). With `--dry-run`, prints the changes as
//! a diff and writes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::import::tag::{apply, document_edits};
use crate::workspace::{self, Document, Workspace};

/// Runs `scholia tag`; returns the exit code (0 done, 2 a path or file
/// could not be read or written).
pub fn run(paths: &[PathBuf], dry_run: bool, only: Option<&str>) -> i32 {
    let Some(groups) = super::paths_by_root(paths, "scholia tag") else {
        return 2;
    };
    let mut code = 0;
    let (mut names, mut documents) = (0, 0);
    let mut out = std::io::stdout().lock();
    for (root, targets) in groups {
        let Some(root) = root else {
            eprintln!(
                "scholia tag: {}: not in a workspace (no scholia.toml above it), so there is no registry: nothing tagged",
                targets[0].display()
            );
            code = code.max(2);
            continue;
        };
        let ws = Workspace::open(&root).0;
        for path in super::check::list_documents(&targets) {
            let text = match workspace::read_text(&path) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("scholia tag: {e}");
                    code = code.max(2);
                    continue;
                }
            };
            let doc = Document::scan(path.clone(), text);
            let edits = document_edits(&doc, &ws, only);
            if edits.is_empty() {
                continue;
            }
            let new = apply(&doc.text, &edits);
            names += edits.len();
            documents += 1;
            if dry_run {
                let _ = out.write_all(diff(&display(&path), &doc.text, &new).as_bytes());
            } else if let Err(e) = write(&path, &new) {
                eprintln!("scholia tag: cannot write {}: {e}", path.display());
                code = code.max(2);
            }
        }
    }
    eprintln!(
        "{} {names} name{} in {documents} document{}",
        if dry_run { "would tag" } else { "tagged" },
        if names == 1 { "" } else { "s" },
        if documents == 1 { "" } else { "s" },
    );
    code
}

fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Writes through a temporary file beside `path`, renamed over it: an
/// interrupted run leaves the old text or the new, never half of one.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".scholia-tag.tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A unified diff of `old` and `new`, whose lines correspond one to one
/// (tagging adds brackets inside lines): one hunk per changed line.
pub fn diff(name: &str, old: &str, new: &str) -> String {
    let mut out = format!("--- {name}\n+++ {name}\n");
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
        (old.split('\n').collect(), new.split('\n').collect());
    if old_lines.len() != new_lines.len() {
        // A name with a line break: the whole text as one hunk.
        out.push_str(&format!(
            "@@ -1,{} +1,{} @@\n",
            old_lines.len(),
            new_lines.len()
        ));
        old_lines
            .iter()
            .for_each(|l| out.push_str(&format!("-{l}\n")));
        new_lines
            .iter()
            .for_each(|l| out.push_str(&format!("+{l}\n")));
        return out;
    }
    for (i, (a, b)) in old_lines.iter().zip(&new_lines).enumerate() {
        if a != b {
            out.push_str(&format!("@@ -{0},1 +{0},1 @@\n-{a}\n+{b}\n", i + 1));
        }
    }
    out
}
