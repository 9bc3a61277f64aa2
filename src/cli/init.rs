//! `scholia init [DIR]`: a new workspace in one command. Writes
//! `scholia.toml`, a registry with one example of each kind, an empty
//! CSL-JSON bibliography and a first document that shows every construct,
//! then says what to do next. Never overwrites: when any of these files
//! exists, nothing is written and the message names it.

use std::io::Write;
use std::path::Path;

/// The files of a new workspace: path relative to its folder, contents.
pub const FILES: &[(&str, &str)] = &[
    ("scholia.toml", CONFIG),
    ("registry/entities.toml", REGISTRY),
    ("sources.json", BIBLIOGRAPHY),
    ("first-document.scholia", DOCUMENT),
];

const CONFIG: &str = r#"# A scholia workspace: this file marks its root. Paths are relative to it.

# The registry: the people, places and organizations the documents mention.
registry = ["registry/*.toml"]

# The bibliography: CSL-JSON (`.json`, as Zotero exports it) or BibTeX (`.bib`).
bibliography = ["sources.json"]

# Severity of each check: off | hint | info | warning | error.
[lint]
untagged-mention = "hint"
"#;

const REGISTRY: &str = r#"# The registry: one table per entry, `[kind.id]`, where kind is person,
# place or organization and the id is lower-case letters, digits and `-`.
# A document mentions an entry by its id, name or alias: [[zhou-enlai]],
# [[Zhou Enlai]], [[Chou En-lai]]. Only `name` is required.
# These three entries are examples: edit them or replace them with yours.

[person.zhou-enlai]
name = "Zhou Enlai"
# Other names the documents use (an alias is found as plain text too).
aliases = ["Chou En-lai"]
# Years, dates ("1898-03-05") or strings ("c. 1898").
born = 1898
died = 1976
description = "Premier and Foreign Minister of the People's Republic of China."
# Authority ids are any other string key, e.g. wikidata = "Q…".

[place.beijing]
name = "Beijing"
aliases = ["Peking"]
region = "East Asia"
description = "Capital of the People's Republic of China."

[organization.united-nations]
name = "United Nations"
aliases = ["UN"]
description = "The United Nations Organization, founded in 1945."
"#;

const BIBLIOGRAPHY: &str = "[]\n";

const DOCUMENT: &str = r#"+++
title = "A first document"
language = "en"
translator = ["Your Name"]
# Other keys: date = 1952-09-19, record = "…", summary = "…",
# translation-of = "original.scholia" (for a translation), and
# source = "[@key, fols. 1-3]" for the archival source, once its key is in
# sources.json.
+++

# A first document

This document shows every construct of the scholia format; edit it or
replace it with your own text. Run `scholia check` after each change.

## Mentions

Tag the people, places and organizations of the registry by id, name or
alias: [[zhou-enlai|Zhou Enlai]] flew to [[Beijing]] and spoke of the
[[united-nations|UN]]. The text after `|` is what the reader sees.

## Footnotes

A footnote reference points to a note at the end of the document.[^1]
Numbered notes are kept in order of first reference.[^2]

## Editorial insertions

Anything else in single brackets is an editorial insertion: a word the
editor supplied [the], an omission [...], a doubt [?] or a [sic].

## Citations and escapes

A citation is written `\[@key, fols. 12-13\]` with a key of sources.json
(here its brackets are escaped with `\[` and `\]`, so it is plain text;
`scholia check` reports a key that is in no bibliography). A Markdown
link stays a link: [the registry](registry/entities.toml).

[^1]: A note runs to the next blank line.

    A second paragraph of the same note is indented by four spaces.

[^2]: Cite the source of a note inside it, as in a citation above.
"#;

/// Runs `scholia init [DIR]`; returns the exit code.
pub fn run(dir: Option<&Path>) -> i32 {
    let dir = dir.unwrap_or(Path::new("."));
    match init(dir) {
        Ok(()) => {
            print_next_steps(dir);
            0
        }
        Err(message) => {
            eprintln!("scholia init: {message}");
            1
        }
    }
}

/// Writes the files, or nothing when one of them exists.
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!("{} exists and is not a folder", dir.display()));
    }
    for (name, _) in FILES {
        let path = dir.join(name);
        // `exists` is false for a broken link; that is still a file here.
        if path.symlink_metadata().is_ok() {
            return Err(format!(
                "{} already exists; nothing was written (scholia init never overwrites a file)",
                path.display()
            ));
        }
    }
    for (name, contents) in FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // `create_new`: a file that appeared meanwhile is not overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        file.write_all(contents.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn print_next_steps(dir: &Path) {
    let shown = dir.display().to_string();
    let check = if shown == "." {
        "scholia check".to_string()
    } else {
        format!("scholia check {}", shell_quote(&shown))
    };
    println!(
        "Created a scholia workspace in {shown}:
  scholia.toml             the workspace's settings (registry, bibliography, [lint])
  registry/entities.toml   people, places and organizations: one example of each
  sources.json             the bibliography (CSL-JSON), empty
  first-document.scholia   a first document that shows every construct

Next:
  1. Open the folder in your editor (VS Code, Neovim, or any editor that
     runs `scholia lsp`) and edit first-document.scholia.
  2. Add your sources to sources.json (CSL-JSON, as Zotero exports it) and
     your people, places and organizations to registry/entities.toml.
  3. Run `{check}` to check every document."
    );
}

/// `s` quoted for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
