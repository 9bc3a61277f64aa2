//! `scholia import`: turns an archive's plain-text export into a `.scholia`
//! document (SPEC §7). The user's guide is `docs/import.md`; this is the
//! implementer's summary of the same decisions.
//!
//! # Layout of the new document
//!
//! ```text
//! +++                                  front matter (always written)
//! title = "…"   date = 1952-09-19   source = "[@key, ll. 97-103]"
//! translator = […]   record = 111247   uploaded = 2011-11-20
//! type = "…"   language = "…"   summary = "…"   (author, from **Author:**)
//! +++
//!
//! September 19, 1952                   the body, in the export's order,
//!                                      lines trimmed, blank runs collapsed
//! # Minutes of Conversation …          the title line becomes a heading
//! …text…[^1]
//! [^1]: note                           notes become definitions; paragraphs
//!     continued note paragraph         that continue a note are indented
//! One-paragraph summary                kept in place (also in front matter)
//!
//! ## Archive page                      only when the export has chrome
//! ### Page header                      what stood above the document
//! Skip to content …                    verbatim, escaped as plain text
//! ### Page footer                      "Document Information" and all after
//! Document Information …
//! ```
//!
//! # Decisions
//!
//! - **No word is lost.** Every word of the export is in the output. The
//!   body keeps the export's order; the page header (chrome above the
//!   dateline) moves to the end, under `### Page header`, so that the
//!   document starts with its own text; the page footer ("Document
//!   Information", the rights statement, empty fields) follows under
//!   `### Page footer`. What the import adds is the front matter, the `# ` of
//!   the title, the three headings of the archive section, note markers
//!   rewritten as `[^label]` / `[^label]:`, the four spaces of continued
//!   notes, the escapes of the archive section and, with `--tag`, mention
//!   brackets. `tests/import.rs` checks exactly this over every seed and
//!   over generated exports.
//! - **Chrome** is kept verbatim in a trailing `## Archive page` section: each
//!   line with `\`, `[` and `]` escaped (and a leading `#` as `\#`), so that
//!   it parses as plain text — no insertion, mention or note, and no
//!   bracket the checker would blame on the document. A reader sees where the
//!   document ends and the archive's page begins.
//! - **Brackets of the document are never escaped.** Editorial insertions
//!   (`[Mao Zedong]`, `[?]`, `[Ed. note: …]`) stay insertions; an unbalanced
//!   bracket stays as it is, since it is the document's defect and
//!   `scholia check` reports it. One exception joins, never escapes: a
//!   bracket opened in one paragraph and closed in one of the next three,
//!   with only blank lines of the export between them, gets its paragraphs
//!   joined (the blank lines are dropped) so that it closes.
//! - **Notes** (see `notes.rs`): `[n]` markers with a note line `[n] …` become
//!   `[^n]`, and the note `[^n]: …`; also `n/` and `*` conventions. A `[n]`
//!   marker without a note stays as text and is reported.
//! - **Front matter**: title (dateline's next line without its note markers,
//!   or `**Title:**`), date
//!   (TOML date when it parses, else a string), source (a citation
//!   `[@key, locator]` when a bibliography entry matches, else the source
//!   line as a string; without a source line, an entry whose title is the
//!   document's), translator (from "Translated by X with Y"), record,
//!   uploaded, type, language (from the Document Information block, when
//!   their values look like what the label announces), summary (the
//!   paragraph above "Document Information").
//! - **Files**: `NAME.txt` → `NAME.scholia` beside it or in `--out DIR`;
//!   `--out -` writes to stdout. An existing output is not overwritten
//!   without `--force`. A `.scholia` input (or one that starts with front
//!   matter) is already a document: nothing to do. The workspace (registry
//!   and bibliography) is the one of the output folder (with `--out -`, of
//!   the input's folder).
//! - **Reports** go to stderr as `path:line:col: warning[import]: message`.
//!   Exit codes: 0 done, 1 something was reported, 2 usage or I/O error
//!   (existing output, unreadable input), the highest over all inputs.

mod convert;
mod front_matter;
mod info;
mod notes;
pub mod tag;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use convert::{
    ARCHIVE_HEADING, FOOTER_HEADING, Finding, HEADER_HEADING, Imported, Options, convert,
    escape_plain,
};
pub use info::Candidate;

use crate::workspace::{self, Workspace};

/// The arguments of `scholia import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Plain-text exports to import.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also tag every unambiguous registry name or alias.
    #[arg(long)]
    pub tag: bool,
    /// Folder for the new documents (default: beside each input); `-` writes to stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite existing `.scholia` files.
    #[arg(long)]
    pub force: bool,
}

/// Exit codes.
const OK: i32 = 0;
const REPORTED: i32 = 1;
const FAILED: i32 = 2;

/// Runs the import; returns the exit code.
pub fn run(args: &ImportArgs) -> i32 {
    let to_stdout = args.out.as_deref() == Some(Path::new("-"));
    if let Some(out) = args.out.as_deref().filter(|_| !to_stdout) {
        if out.exists() && !out.is_dir() {
            eprintln!("scholia import: --out {}: not a folder", out.display());
            return FAILED;
        }
        if let Err(e) = std::fs::create_dir_all(out) {
            eprintln!(
                "scholia import: --out {}: cannot create it: {e}",
                out.display()
            );
            return FAILED;
        }
    }
    let mut workspaces: HashMap<Option<PathBuf>, Workspace> = HashMap::new();
    let mut written: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut code = OK;
    for file in &args.files {
        let c = import_one(file, args, to_stdout, &mut workspaces, &mut written);
        code = code.max(c);
    }
    code
}

/// True when `text` already is a document: it opens with front matter.
fn is_document(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    lines.next().is_some_and(|l| l.trim_end() == "+++") && lines.any(|l| l.trim_end() == "+++")
}

fn import_one(
    file: &Path,
    args: &ImportArgs,
    to_stdout: bool,
    workspaces: &mut HashMap<Option<PathBuf>, Workspace>,
    written: &mut HashMap<PathBuf, PathBuf>,
) -> i32 {
    let shown = file.display();
    if !file.is_file() {
        let what = if file.exists() {
            "not a file"
        } else {
            "no such file"
        };
        eprintln!("scholia import: {shown}: {what}");
        return FAILED;
    }
    let nothing_to_do = || {
        eprintln!("{shown}: already a scholia document, nothing to do");
        OK
    };
    if file.extension().is_some_and(|e| e == workspace::EXTENSION) {
        return nothing_to_do();
    }
    let text = match workspace::read_text(file) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("scholia import: {message}");
            return FAILED;
        }
    };
    if is_document(&text) {
        return nothing_to_do();
    }
    let input_dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let out_dir = match &args.out {
        Some(out) if !to_stdout => out.clone(),
        _ => input_dir,
    };
    let target = if to_stdout {
        None
    } else {
        let Some(stem) = file.file_stem() else {
            eprintln!("scholia import: {shown}: no file name");
            return FAILED;
        };
        let mut name = stem.to_os_string();
        name.push(".");
        name.push(workspace::EXTENSION);
        let target = out_dir.join(name);
        let key = workspace::normalize(&target);
        if let Some(first) = written.get(&key) {
            eprintln!(
                "scholia import: {shown}: {} was just written from {}; not overwriting it",
                target.display(),
                first.display()
            );
            return FAILED;
        }
        if target.exists() && !args.force {
            eprintln!(
                "scholia import: {}: already exists; use --force to overwrite it",
                target.display()
            );
            return FAILED;
        }
        Some(target)
    };

    let root = workspace::find_root(&out_dir);
    let ws = workspaces
        .entry(root.clone())
        .or_insert_with(|| match &root {
            Some(root) => Workspace::open(root).0,
            None => Workspace::detached(),
        });
    let mut code = OK;
    if args.tag && root.is_none() {
        eprintln!(
            "{shown}:1:1: warning[import]: --tag: no scholia.toml in {} or above it, so no registry: nothing tagged",
            workspace::normalize(&out_dir).display()
        );
        code = REPORTED;
    }
    let options = Options {
        tag: args.tag.then_some(&ws.registry),
        registry: Some(&ws.registry),
        bibliography: ws
            .bibliography
            .entries
            .iter()
            .map(|e| Candidate {
                key: &e.key,
                title: e.title.as_deref(),
                formatted: &e.formatted,
            })
            .collect(),
    };
    let imported = convert(&text, &options);
    for f in &imported.findings {
        eprintln!(
            "{shown}:{}:{}: warning[import]: {}",
            f.line, f.column, f.message
        );
        code = REPORTED;
    }
    match target {
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(imported.text.as_bytes()) {
                eprintln!("scholia import: cannot write to stdout: {e}");
                return FAILED;
            }
        }
        Some(target) => {
            if let Err(e) = std::fs::write(&target, &imported.text) {
                eprintln!("scholia import: cannot write {}: {e}", target.display());
                return FAILED;
            }
            eprintln!("scholia import: {shown} → {}", target.display());
            written.insert(workspace::normalize(&target), file.to_path_buf());
        }
    }
    code
}
