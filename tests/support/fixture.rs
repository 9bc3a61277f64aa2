//! Features tested as data, in process: a workspace written as one text,
//! a `Host` loaded from it, and answers rendered for a reader (compared with
//! `expect![[…]]` snapshots).
//!
//! The fixture format: files introduced by `//- path` header lines (paths
//! relative to the workspace root), `$0` marking the cursor in one of them
//! (removed from the text written). The file with the cursor is opened as
//! the editor would open it; the others are read from disk by the load and
//! the index. A workspace already on disk (`tests/fixtures/lsp/ws`) can be
//! loaded with `Fixture::dir` and a cursor placed with `Fixture::cursor_at`.
//!
//! Positions are rendered 0-based, `line:col`, columns in UTF-16 code units
//! (the LSP default, and what the stdio tests wrote before).

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use scholia::host::Host;
use scholia::text::{Encoding, LineIndex};
use scholia::workspace::{Document, Workspace};

use super::lsp_client::TempDir;

pub const CURSOR: &str = "$0";

pub struct Fixture {
    /// Holds the written workspace (removed on drop); `None` for a
    /// workspace on disk.
    _dir: Option<TempDir>,
    pub root: PathBuf,
    pub host: Host,
    /// The file and byte offset of the cursor.
    pub cursor: Option<(PathBuf, usize)>,
}

/// (path, text) pairs.
pub type Files = Vec<(String, String)>;

/// Splits a fixture into (path, text) pairs and the cursor (file, offset).
pub fn parse(fixture: &str) -> (Files, Option<(String, usize)>) {
    let mut files: Files = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
        } else {
            assert!(line.trim().is_empty(), "text before the first `//- path`");
        }
    }
    let mut cursor = None;
    for (path, text) in &mut files {
        if let Some(at) = text.find(CURSOR) {
            assert!(cursor.is_none(), "more than one {CURSOR}");
            text.replace_range(at..at + CURSOR.len(), "");
            assert!(!text.contains(CURSOR), "more than one {CURSOR}");
            cursor = Some((path.clone(), at));
        }
    }
    (files, cursor)
}

impl Fixture {
    /// Writes the fixture to a fresh folder, loads and indexes its
    /// workspace (when it has a `scholia.toml`), and opens the file with
    /// the cursor.
    pub fn new(fixture: &str) -> Fixture {
        let dir = TempDir::new("fixture");
        let root = scholia::workspace::normalize(&dir.path);
        let (files, cursor) = parse(fixture);
        for (path, text) in &files {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, text).unwrap();
        }
        let mut host = Host::new(Encoding::Utf16);
        host.load_now(&root.join(scholia::workspace::CONFIG_FILE));
        let cursor = cursor.map(|(path, at)| (root.join(path), at));
        if let Some((path, _)) = &cursor {
            let text = std::fs::read_to_string(path).unwrap();
            host.open_file(path.clone(), 1, text);
        }
        Fixture {
            _dir: Some(dir),
            root,
            host,
            cursor,
        }
    }

    /// The workspace at `root` (read only), loaded and indexed, with the
    /// documents `open` opened.
    pub fn dir(root: &Path, open: &[&str]) -> Fixture {
        let root = scholia::workspace::normalize(root);
        let mut host = Host::new(Encoding::Utf16);
        host.load_now(&root.join(scholia::workspace::CONFIG_FILE));
        for name in open {
            let path = root.join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            host.open_file(path, 1, text);
        }
        Fixture {
            _dir: None,
            root,
            host,
            cursor: None,
        }
    }

    /// Opens `name` (unsaved: nothing is written) with `text`, whose `$0`
    /// is the cursor, as the editor opens a document it is typing.
    pub fn open_text(mut self, name: &str, text: &str) -> Fixture {
        let at = text.find(CURSOR).expect("a text with $0");
        let text = format!("{}{}", &text[..at], &text[at + CURSOR.len()..]);
        assert!(!text.contains(CURSOR), "more than one {CURSOR}");
        let path = self.root.join(name);
        self.host.open_file(path.clone(), 1, text);
        self.cursor = Some((path, at));
        self
    }

    /// Opens `name` (unsaved) with `text`, no cursor.
    pub fn open_unsaved(mut self, name: &str, text: &str) -> Fixture {
        self.host
            .open_file(self.root.join(name), 1, text.to_string());
        self
    }

    /// Puts the cursor in the open document `name`, `delta` bytes into the
    /// first `needle`.
    pub fn cursor_at(mut self, name: &str, needle: &str, delta: usize) -> Fixture {
        let path = self.root.join(name);
        let doc = self.host.open_doc(&path).expect("an open document");
        let at = doc
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?}"));
        self.cursor = Some((path, at + delta));
        self
    }

    /// Puts the cursor at a 0-based line and UTF-16 column of `name`.
    pub fn cursor_pos(mut self, name: &str, line: u32, col: u32) -> Fixture {
        let path = self.root.join(name);
        let doc = self.host.open_doc(&path).expect("an open document");
        let at = doc.line_index.offset(
            &doc.text,
            scholia::text::LineCol { line, col },
            Encoding::Utf16,
        );
        self.cursor = Some((path, at));
        self
    }

    /// The open document with the cursor, the cursor's offset, and its
    /// workspace.
    pub fn at(&self) -> (&Document, usize, &Workspace) {
        let (path, at) = self.cursor.as_ref().expect("a fixture with $0");
        let doc = self.host.open_doc(path).expect("the cursor's file is open");
        (doc, *at, self.host.workspace_of(path))
    }

    /// The references of the target at the cursor: the target, then each
    /// location, in the order found or sorted.
    pub fn references(&self, include_declaration: bool, sorted: bool) -> String {
        let (doc, at, w) = self.at();
        let Some(target) = scholia::ide::references::target_at(doc, w, at) else {
            return "no target\n".into();
        };
        let open = |p: &Path| self.host.open_doc(p);
        let found =
            scholia::ide::references::references(w, &target, Some(doc), open, include_declaration);
        let mut out: Vec<String> = found
            .iter()
            .flat_map(|file| {
                file.ranges
                    .iter()
                    .map(|(range, _)| self.loc(&file.path, &range))
            })
            .collect();
        if sorted {
            out.sort();
        }
        out.insert(0, format!("{target:?}"));
        lines(out)
    }

    /// The rename of the target at the cursor to `new_name`: the prepared
    /// range and each edit (in the order given, or sorted), or the refusal
    /// (of the prepare or of the rename).
    pub fn rename(&self, new_name: &str, sorted: bool) -> String {
        let (doc, at, w) = self.at();
        let r = match scholia::ide::rename::prepare(doc, w, at) {
            Ok(r) => r,
            Err(e) => return format!("refused: {e}\n"),
        };
        let mut out = vec![format!(
            "rename {} (placeholder {:?})",
            span(&doc.text, &doc.line_index, &r.range),
            r.placeholder
        )];
        let open = |p: &Path| self.host.open_doc(p);
        match scholia::ide::rename::rename(w, &r.target, new_name, Some(doc), open) {
            Err(e) => out.push(format!("refused: {e}")),
            Ok(edits) => {
                let mut shown: Vec<String> = edits
                    .iter()
                    .map(|e| {
                        let at = self.loc(&e.location.path, &e.location.range);
                        format!("{at} -> {:?}", e.new_text)
                    })
                    .collect();
                if sorted {
                    shown.sort();
                }
                out.extend(shown);
            }
        }
        lines(out)
    }

    /// The open document `name` and its workspace.
    pub fn doc(&self, name: &str) -> (&Document, &Workspace) {
        let path = self.root.join(name);
        let doc = self.host.open_doc(&path).expect("an open document");
        (doc, self.host.workspace_of(&path))
    }

    /// `path` relative to the root, with `/`.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// `path l:c-l:c "text"`: a range of a file, as the host reads it
    /// (open, in memory, or from disk).
    pub fn loc(&self, path: &Path, range: &Range<usize>) -> String {
        let span = self
            .host
            .with_text(path, |text, index| span(text, index, range))
            .unwrap_or_else(|| format!("(unreadable) {range:?}"));
        format!("{} {span}", self.rel(path))
    }
}

/// `l:c-l:c "text"` for a range of `text`.
pub fn span(text: &str, index: &LineIndex, range: &Range<usize>) -> String {
    let a = index.line_col(text, range.start, Encoding::Utf16);
    let b = index.line_col(text, range.end, Encoding::Utf16);
    let covered = text.get(range.clone()).unwrap_or("?");
    format!("{}:{}-{}:{} {covered:?}", a.line, a.col, b.line, b.col)
}

/// Lines joined, each ending with a newline (what `expect!` compares).
pub fn lines(list: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for l in list {
        let _ = writeln!(out, "{l}");
    }
    out
}
