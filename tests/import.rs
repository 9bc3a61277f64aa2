//! `scholia import` (SPEC §7, docs/import.md), run as a process.
//!
//! - every seed export (`tests/fixtures/import/exports/`, copies of
//!   `../shared/seeds/`): no word lost, footnotes paired, front matter
//!   filled, `scholia check` clean but for the export's real defects;
//! - synthetic exports (`tests/fixtures/import/*.txt`), one per note
//!   convention and layout, against their snapshots (`*.scholia`);
//!   `UPDATE_EXPECT=1 cargo test --test import` rewrites the snapshots:
//!   read the diff before committing it;
//! - the command line: idempotence, refusal to overwrite, `--force`, `-`,
//!   exit codes and reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use expect_test::{ExpectFile, expect, expect_file};
use scholia::base::Code;
use scholia::workspace::Document;

// ── helpers ────────────────────────────────────────────────────────────────

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    manifest().join("tests/fixtures/import")
}

/// A fresh folder under the system's temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("scholia-import-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The seeds' workspace (config, registry, bibliography) without documents.
fn seeds_workspace(dir: &Path) {
    let seeds = manifest().join("seeds");
    std::fs::copy(seeds.join("scholia.toml"), dir.join("scholia.toml")).unwrap();
    copy_dir(&seeds.join("registry"), &dir.join("registry"));
    for f in ["sources.json", "sources.bib"] {
        std::fs::copy(seeds.join(f), dir.join(f)).unwrap();
    }
}

fn scholia(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scholia"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs the scholia binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The export files of the seeds, sorted.
fn exports() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 5, "the five seed exports");
    v
}

/// Imports every seed export into a copy of the seeds' workspace.
fn import_seeds(tag: bool) -> (TempDir, Vec<(String, String, String)>) {
    let dir = TempDir::new(if tag { "seeds-tag" } else { "seeds" });
    seeds_workspace(dir.path());
    let mut args = vec!["import".to_string()];
    if tag {
        args.push("--tag".into());
    }
    args.extend(["--out".into(), dir.path().display().to_string()]);
    let inputs = exports();
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = scholia(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = inputs
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
            let input = std::fs::read_to_string(p).unwrap();
            let output =
                std::fs::read_to_string(dir.path().join(format!("{stem}.scholia"))).unwrap();
            (stem, input, output)
        })
        .collect();
    (dir, docs)
}

// ── no word lost ───────────────────────────────────────────────────────────

/// How a note convention's markers were rewritten, to undo it.
#[derive(Clone, Copy)]
enum Notes {
    /// `[n]` → `[^n]`.
    Bracket,
    /// `n/` → `[^n]`.
    Slash,
    /// `*`, `**` → `[^star1]`, `[^star2]`.
    Star,
    /// `n)` → `[^n]`.
    Paren,
}

/// `[^label]` as the export wrote it.
fn marker(notes: Notes, label: &str) -> String {
    match notes {
        Notes::Bracket => format!("[{label}]"),
        Notes::Slash => format!("{label}/"),
        Notes::Star => "*".repeat(label.trim_start_matches("star").parse().unwrap()),
        Notes::Paren => format!("{label})"),
    }
}

/// Undoes `[^label]` (and `[^label]:` at the start of a line) in one line.
fn unrewrite_notes(line: &str, notes: Notes) -> String {
    let mut out = String::new();
    let mut rest = line;
    let mut at_start = true;
    while let Some(i) = rest.find("[^") {
        let close = rest[i..]
            .find(']')
            .map(|c| i + c)
            .expect("closed reference");
        out.push_str(&rest[..i]);
        out.push_str(&marker(notes, &rest[i + 2..close]));
        rest = &rest[close + 1..];
        if at_start && i == 0 {
            rest = rest.strip_prefix(':').expect("a definition's colon");
        }
        at_start = false;
    }
    out.push_str(rest);
    out
}

/// Undoes the mentions `--tag` writes: `[[id|text]]` and `[[text]]` → text.
fn untag(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(mut i) = rest.find("[[") {
        while rest[i + 2..].starts_with('[') {
            i += 1;
        }
        let close = rest[i..].find("]]").map(|c| i + c);
        match close.filter(|&c| !rest[i + 2..c].contains(['[', ']'])) {
            Some(close) => {
                let inner = &rest[i + 2..close];
                out.push_str(&rest[..i]);
                out.push_str(inner.split_once('|').map_or(inner, |(_, text)| text));
                rest = &rest[close + 2..];
            }
            // Nested insertions of the export (`[[North] Koreans]`).
            None => {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Undoes the archive section's escapes.
fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// Asserts that the output holds every word of the input in the input's
/// order: with the front matter and the lines the import adds left out, the
/// rewrites undone, and the page header put back before the body, the
/// output's words are exactly the input's words.
fn assert_no_word_lost(name: &str, input: &str, output: &str, notes: Notes) {
    let mut lines = output.lines();
    assert_eq!(lines.next(), Some("+++"), "{name}: front matter first");
    assert!(lines.any(|l| l == "+++"), "{name}: front matter is closed");
    #[derive(PartialEq)]
    enum Part {
        Body,
        Header,
        Footer,
    }
    let mut part = Part::Body;
    let (mut body, mut header, mut footer) = (Vec::new(), Vec::new(), Vec::new());
    let mut title_seen = false;
    for line in lines {
        match line {
            "## Archive page" => continue,
            "### Page header" => {
                part = Part::Header;
                continue;
            }
            "### Page footer" => {
                part = Part::Footer;
                continue;
            }
            _ => {}
        }
        let text = match part {
            Part::Body => {
                let mut l = line;
                if !title_seen && let Some(rest) = l.strip_prefix("# ") {
                    title_seen = true;
                    l = rest;
                }
                // A body line the format would read as a heading is escaped.
                if l.starts_with("\\#") {
                    l = &l[1..];
                }
                unrewrite_notes(&untag(l), notes)
            }
            _ => unescape(line),
        };
        let words = text.split_whitespace().map(str::to_string);
        match part {
            Part::Body => body.extend(words),
            Part::Header => header.extend(words),
            Part::Footer => footer.extend(words),
        }
    }
    let expected: Vec<&str> = input.split_whitespace().collect();
    let got: Vec<String> = header.into_iter().chain(body).chain(footer).collect();
    if let Some(i) = (0..expected.len().max(got.len()))
        .find(|&i| expected.get(i).copied() != got.get(i).map(String::as_str))
    {
        let lo = i.saturating_sub(5);
        panic!(
            "{name}: word {i} differs\n  input:  {:?}\n  output: {:?}",
            &expected[lo..(i + 5).min(expected.len())],
            &got[lo..(i + 5).min(got.len())]
        );
    }
}

#[test]
fn seeds_lose_no_word() {
    for tag in [false, true] {
        let (_dir, docs) = import_seeds(tag);
        for (name, input, output) in &docs {
            assert_no_word_lost(name, input, output, Notes::Bracket);
        }
    }
}

#[test]
fn the_word_check_catches_a_lost_or_moved_word() {
    let input = "Skip to content\n\nMay 1, 1950\n\nTitle\n\nOne two.[1]\n\n[1] Note.\n";
    let good = "+++\n+++\n\nMay 1, 1950\n\n# Title\n\nOne two.[^1]\n\n[^1]: Note.\n\n## Archive page\n\n### Page header\n\nSkip to content\n";
    assert_no_word_lost("good", input, good, Notes::Bracket);
    for bad in [
        good.replace("One two", "One"),
        good.replace("One two", "two One"),
        good.replace("[^1]: Note.", "Note."),
    ] {
        let caught =
            std::panic::catch_unwind(|| assert_no_word_lost("bad", input, &bad, Notes::Bracket));
        assert!(caught.is_err(), "not caught:\n{bad}");
    }
}

#[test]
fn seed_exports_are_the_shared_ones() {
    let shared = manifest().join("../shared/seeds");
    if !shared.is_dir() {
        return;
    }
    for p in exports() {
        let original = shared.join(p.file_name().unwrap());
        assert_eq!(
            std::fs::read(&p).unwrap(),
            std::fs::read(&original).unwrap(),
            "{} differs from {}",
            p.display(),
            original.display()
        );
    }
}

// ── footnotes, front matter, check ─────────────────────────────────────────

#[test]
fn seeds_pair_their_footnotes() {
    let (dir, docs) = import_seeds(false);
    for (name, _, output) in &docs {
        let doc = Document::new(dir.path().join(format!("{name}.scholia")), output.clone());
        let m = &doc.model;
        for r in &m.footnote_refs {
            assert!(
                m.defs_of(&r.label).count() == 1,
                "{name}: [^{}] has no single definition",
                r.label
            );
        }
        for d in &m.footnote_defs {
            assert!(
                m.refs_of(&d.label).count() > 0,
                "{name}: [^{}]: is not referenced",
                d.label
            );
        }
        let labels: Vec<&str> = m.footnote_defs.iter().map(|d| d.label.as_str()).collect();
        let expected: &[&str] = if name.starts_with("000") {
            &["1", "2", "3"]
        } else {
            &[]
        };
        assert_eq!(labels, expected, "{name}");
    }
    // The second paragraph of note 2 belongs to it; the summary after note 3
    // does not.
    let (name, _, output) = &docs[0];
    let doc = Document::new(PathBuf::from(name), output.clone());
    let note2 = &doc.model.footnote_defs[1];
    assert!(doc.text[note2.range.clone()].contains("Comrades agreed."));
    let note3 = &doc.model.footnote_defs[2];
    assert!(!doc.text[note3.range.clone()].contains("Zhou and Stalin discuss"));
}

/// The front matter's `key = value` lines.
fn front_matter(output: &str) -> String {
    output
        .lines()
        .skip(1)
        .take_while(|l| *l != "+++")
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn seeds_fill_the_front_matter() {
    let (dir, docs) = import_seeds(false);
    let mut all = String::new();
    for (name, _, output) in &docs {
        let doc = Document::new(dir.path().join(format!("{name}.scholia")), output.clone());
        let fm = doc.model.front_matter.as_ref().expect("front matter");
        assert!(fm.errors.is_empty(), "{name}: {:?}", fm.errors);
        all.push_str(&format!("── {name}\n{}", front_matter(output)));
    }
    expect![[r#"
        ── 000_1827e1b2ab5c090e
        title = "Report, Zhou Enlai to the Chairman [Mao Zedong]"
        date = 1952-09-14
        source = "[@zhou-wengao-7, 130-131]"
        translator = "David Cowhig"
        summary = "Zhou and Stalin discuss the Korean War POW issue as well as the United Nations."
        ── 001_16819e78816deda3
        title = "Minutes of Conversation between I.V. Stalin and Zhou Enlai"
        date = 1952-09-19
        source = "[@aprf-45-1-343, ll. 97-103]"
        translator = ["Danny Rozas", "Kathryn Weathersby"]
        record = 111247
        uploaded = 2011-11-20
        type = "Minutes of Conversation"
        summary = "Conversation between Stalin and Zhou Enlai focusing on the Korean War. They discussed the exchange of POWs (and the Mexican proposal), peace negotiations, Chinese cooperation with India and Burma, and the creation of regional organizations. They also mentioned Germany (reunification), the situation/reforms in Xinjiang, Taiwan and Chiang Kai-shek (Jiang Jieshi), and military aid."
        ── 002_ebd4268911811245
        title = "Minutes of Conversation between I.V. Stalin and Zhou Enlai"
        date = 1952-08-20
        source = "[@aprf-45-1-329, ll. 54-72]"
        translator = "Danny Rozas"
        summary = "Conversation between Stalin and Zhou Enlai concerning the extension of the Port Arthur agreement, the construction of a Sino-Mongolian railroad to the Soviet Union, and the situation in Korea. On the issue of Korea, they discussed sending arms shipments to China and Chinese arms production; the possibility of a Chinese offensive in Korea; and the return of POWs. Stalin reaffirmed his commitment to assisting China in the war in Korea."
        ── 003_a3ae5d6944b6b4d9
        title = "Zhou Enlai and Stalin cable Mao Zedong"
        date = 1950-10-11
        source = "[@sheng-2014, 281]"
        author = "Zhou Enlai and Stalin"
        ── 004_b7b1721872f9d98f
        title = "Report from the Chinese International Liaison Department, 'Regarding Soviet Suggestion towards Ceasefire Negotiations'"
        date = 1951-06-26
        source = "[@wcda-1951-06-26-ild]"
    "#]]
    .assert_eq(&all);
}

#[test]
fn seeds_check_clean_but_for_real_defects() {
    for tag in [false, true] {
        let (dir, docs) = import_seeds(tag);
        // The document model: the one unclosed bracket is 001's `[because`.
        for (name, _, output) in &docs {
            let doc = Document::new(dir.path().join(format!("{name}.scholia")), output.clone());
            let unclosed: Vec<usize> = doc
                .model
                .errors
                .iter()
                .map(|e| {
                    assert_eq!(e.code, Code::UnclosedBracket, "{name}: {e:?}");
                    e.range.start
                })
                .collect();
            let expected: Vec<usize> = if name.starts_with("001") {
                vec![
                    output
                        .find("[because the ")
                        .expect("the real defect is kept"),
                ]
            } else {
                vec![]
            };
            assert_eq!(unclosed, expected, "{name}");
        }
        // `scholia check`: no other error, and no warning.
        let out = scholia(dir.path(), &["check", "--format", "short", "."]);
        let report = stdout(&out);
        let serious: Vec<&str> = report
            .lines()
            .filter(|l| l.contains(": error[") || l.contains(": warning["))
            .collect();
        assert_eq!(serious.len(), 1, "{report}");
        assert!(
            serious[0].starts_with("001_16819e78816deda3.scholia:")
                && serious[0].contains("error[unclosed-bracket]"),
            "{report}"
        );
        assert_eq!(out.status.code(), Some(1));
        // No hint in the page furniture: no diagnostic at or after a
        // document's `## Archive page` line.
        for (name, _, output) in &docs {
            let Some(archive) = output.lines().position(|l| l == "## Archive page") else {
                continue;
            };
            let prefix = format!("{name}.scholia:");
            for l in report.lines().filter(|l| l.starts_with(&prefix)) {
                let line: usize = l[prefix.len()..]
                    .split(':')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(line <= archive, "a diagnostic in the page furniture: {l}");
            }
        }
    }
}

#[test]
fn tag_tags_every_unambiguous_name_of_the_seeds() {
    let (dir, docs) = import_seeds(true);
    let (_, _, output) = docs.iter().find(|d| d.0.starts_with("001")).unwrap();
    assert!(
        output.contains(
            "# Minutes of Conversation between [[stalin|I.V. Stalin]] and [[Zhou Enlai]]"
        )
    );
    assert!(output.contains("[[Li Fuchun]], [[Zhang Wentian]],"));
    // The archive page is the archive's: never tagged.
    let archive = &output[output.find("## Archive page").unwrap()..];
    assert!(!archive.contains("[["));
    // What `check` still calls untagged is in the archive page only.
    let out = scholia(dir.path(), &["check", "--format", "short", "."]);
    for line in stdout(&out)
        .lines()
        .filter(|l| l.contains("untagged-mention"))
    {
        let (file, rest) = line.split_once(':').unwrap();
        let n: usize = rest.split(':').next().unwrap().parse().unwrap();
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let archive_line = text
            .lines()
            .position(|l| l == "## Archive page")
            .expect("an archive page")
            + 1;
        assert!(
            n > archive_line,
            "untagged outside the archive page: {line}"
        );
    }
}

// ── synthetic exports ──────────────────────────────────────────────────────

struct Run {
    code: Option<i32>,
    stderr: String,
    output: String,
}

/// Imports fixture `name.txt` in a temporary folder (a copy of the fixture
/// workspace when `workspace`), beside the input.
fn import_fixture(name: &str, extra: &[&str], workspace: bool) -> Run {
    let dir = TempDir::new(name);
    if workspace {
        copy_dir(&fixtures().join("workspace"), dir.path());
    }
    let file = format!("{name}.txt");
    std::fs::copy(fixtures().join(&file), dir.path().join(&file)).unwrap();
    let mut args = vec!["import", file.as_str()];
    args.extend(extra);
    let out = scholia(dir.path(), &args);
    let output = std::fs::read_to_string(dir.path().join(format!("{name}.scholia")))
        .unwrap_or_else(|e| panic!("{name}: no output ({e}): {}", stderr(&out)));
    Run {
        code: out.status.code(),
        stderr: stderr(&out)
            .lines()
            .filter(|l| !l.starts_with("scholia import: ") || !l.contains(" → "))
            .map(|l| format!("{l}\n"))
            .collect(),
        output,
    }
}

fn snapshot(name: &str, notes: Notes, run: &Run, expected: ExpectFile) {
    expected.assert_eq(&run.output);
    let input = std::fs::read_to_string(fixtures().join(format!("{name}.txt"))).unwrap();
    assert_no_word_lost(name, &input, &run.output, notes);
    let doc = Document::new(PathBuf::from(format!("{name}.scholia")), run.output.clone());
    let m = &doc.model;
    let fm = m.front_matter.as_ref().expect("front matter");
    assert!(fm.errors.is_empty(), "{name}: {:?}", fm.errors);
    for r in &m.footnote_refs {
        assert_eq!(m.defs_of(&r.label).count(), 1, "{name}: [^{}]", r.label);
    }
    for d in &m.footnote_defs {
        assert!(m.refs_of(&d.label).count() > 0, "{name}: [^{}]:", d.label);
    }
}

/// Byte offsets of the document model's errors, with their codes.
fn model_errors(run: &Run) -> Vec<(String, String)> {
    let doc = Document::new(PathBuf::from("x.scholia"), run.output.clone());
    doc.model
        .errors
        .iter()
        .map(|e| {
            let line = &run.output[..e.range.start];
            let at = &run.output[e.range.start..];
            (
                e.code.to_string(),
                format!(
                    "{}:{}",
                    line.lines().count().max(1),
                    at.chars().take(12).collect::<String>()
                ),
            )
        })
        .collect()
}

#[test]
fn bracket_notes() {
    let run = import_fixture("bracket_notes", &[], false);
    snapshot(
        "bracket_notes",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/bracket_notes.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(model_errors(&run).is_empty());
}

#[test]
fn a_marker_without_its_note_is_reported() {
    let run = import_fixture("missing_note", &[], false);
    snapshot(
        "missing_note",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/missing_note.scholia"],
    );
    assert_eq!(run.code, Some(1));
    expect![[r#"
        missing_note.txt:5:28: warning[import]: note marker `[2]` has no note in the export; kept as text
        missing_note.txt:5:45: warning[import]: note marker `[3]` has no note in the export; kept as text
        missing_note.txt:9:1: warning[import]: note `[4]` has no marker in the text before it; kept as text
    "#]]
    .assert_eq(&run.stderr);
}

#[test]
fn slash_notes_and_numbered_points() {
    let run = import_fixture("slash_notes", &[], false);
    snapshot(
        "slash_notes",
        Notes::Slash,
        &run,
        expect_file!["fixtures/import/slash_notes.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.output.contains("\n1/ the initiative"));
    assert!(run.output.contains("[in the Congress][^1], because"));
}

/// `1)` notes: a marker right after a word or punctuation, its note below;
/// `(1)` enumerations, `1) ` list items in the running text, `see 1)` and
/// numbers before a parenthesis (`1950)`, `10:30)`) stay text.
#[test]
fn paren_notes_and_list_items() {
    let run = import_fixture("paren_notes", &[], false);
    snapshot(
        "paren_notes",
        Notes::Paren,
        &run,
        expect_file!["fixtures/import/paren_notes.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(run.output.contains("\n1) the border posts stay"));
    assert!(run.output.contains("the second point.[^1] He asked"));
    assert!(run.output.contains("within ten days.[^2]\n"));
}

#[test]
fn star_notes_and_emphasis() {
    let run = import_fixture("star_notes", &[], false);
    snapshot(
        "star_notes",
        Notes::Star,
        &run,
        expect_file!["fixtures/import/star_notes.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.output.contains("*some* troops[^star1]"));
}

#[test]
fn editorial_notes_stay_insertions() {
    let run = import_fixture("ed_note", &[], false);
    snapshot(
        "ed_note",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/ed_note.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The insertion split by a blank line is joined; the unclosed one stays.
    expect![[r#"
        [
            (
                "unclosed-bracket",
                "15:[because the",
            ),
        ]
    "#]]
    .assert_debug_eq(&model_errors(&run));
}

#[test]
fn document_information_with_every_field() {
    let run = import_fixture("document_information", &[], false);
    snapshot(
        "document_information",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/document_information.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn document_information_with_empty_fields() {
    let run = import_fixture("empty_fields", &[], false);
    snapshot(
        "empty_fields",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/empty_fields.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn chrome_goes_to_the_archive_page() {
    let run = import_fixture("chrome", &[], false);
    snapshot(
        "chrome",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/chrome.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The chrome's brackets are escaped: no error is blamed on the document.
    assert!(model_errors(&run).is_empty(), "{:?}", model_errors(&run));
    let doc = Document::new(PathBuf::from("x.scholia"), run.output.clone());
    let archive = run.output.find("## Archive page").unwrap();
    assert!(doc.model.insertions.iter().all(|r| r.end < archive));
    let headings: Vec<&str> = doc.model.headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Report from the International Department",
            "Archive page",
            "Page header"
        ]
    );
}

#[test]
fn bold_label_fields() {
    let run = import_fixture("bold_fields", &[], false);
    snapshot(
        "bold_fields",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/bold_fields.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn tag_and_source_citation_in_a_workspace() {
    let run = import_fixture("tagged", &["--tag"], true);
    snapshot(
        "tagged",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/tagged.scholia"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.output
            .contains("source = \"[@aprf-45-1-336, ll. 1-2]\"")
    );
    // "Zhou" is ambiguous: left as text.
    assert!(run.output.contains("Comrade Zhou and [[Zhou Enlai]]"));
}

/// The shapes of real exports (issue 16): a crawl that begins with a
/// related record's summary, a header block whose `# P78/168` must stay
/// text, `x/` markers, a credit sentence after the locator, and the archive
/// page's labelled sections (front matter, ids where the registry has the
/// entry; verbatim in the page footer, not in the body).
#[test]
fn archive_page_sections_credits_and_markers() {
    let run = import_fixture("archive_page", &[], true);
    snapshot(
        "archive_page",
        Notes::Slash,
        &run,
        expect_file!["fixtures/import/archive_page.scholia"],
    );
    // A guess (what came before the date line) is reported: exit 1.
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    expect![[r#"
        archive_page.txt:1:1: warning[import]: the export does not begin with a date or "Skip to content": lines 1-2 are taken as page furniture (kept under `### Page header`); check them
    "#]]
    .assert_eq(&run.stderr);
    let doc = Document::new(PathBuf::from("x.scholia"), run.output.clone());
    assert!(doc.model.headings.iter().all(|h| h.text != "P78/168"));
    let body_end = run.output.find("## Archive page").unwrap();
    assert!(
        !run.output[..body_end].contains("Associated"),
        "{}",
        run.output
    );
}

/// A page with no date line and no title says so.
#[test]
fn a_page_without_date_or_title_is_reported() {
    let run = import_fixture("no_date", &[], false);
    snapshot(
        "no_date",
        Notes::Bracket,
        &run,
        expect_file!["fixtures/import/no_date.scholia"],
    );
    assert_eq!(run.code, Some(1));
    expect![[r#"
        no_date.txt:1:1: warning[import]: found no date line and no title: the front matter has neither
    "#]]
    .assert_eq(&run.stderr);
}

// ── the command line ───────────────────────────────────────────────────────

#[test]
fn importing_a_document_changes_nothing() {
    let dir = TempDir::new("idempotent");
    std::fs::copy(
        fixtures().join("bracket_notes.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    let first = scholia(dir.path(), &["import", "a.txt"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let doc = dir.path().join("a.scholia");
    let before = std::fs::read(&doc).unwrap();
    let modified = std::fs::metadata(&doc).unwrap().modified().unwrap();
    for args in [
        &["import", "a.scholia"][..],
        &["import", "--force", "a.scholia"][..],
        &["import", "--out", "-", "a.scholia"][..],
    ] {
        let again = scholia(dir.path(), args);
        assert_eq!(again.status.code(), Some(0));
        assert_eq!(
            stderr(&again),
            "a.scholia: already a scholia document, nothing to do\n"
        );
        assert_eq!(stdout(&again), "");
        assert_eq!(std::fs::read(&doc).unwrap(), before);
        assert_eq!(
            std::fs::metadata(&doc).unwrap().modified().unwrap(),
            modified
        );
    }
    // A document under another name is recognised by its front matter.
    std::fs::copy(&doc, dir.path().join("b.txt")).unwrap();
    let again = scholia(dir.path(), &["import", "b.txt"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).contains("b.txt: already a scholia document, nothing to do"));
    assert!(!dir.path().join("b.scholia").exists());
}

#[test]
fn an_existing_output_is_not_overwritten_without_force() {
    let dir = TempDir::new("overwrite");
    std::fs::copy(
        fixtures().join("bracket_notes.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.scholia"), "mine\n").unwrap();
    let out = scholia(dir.path(), &["import", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "scholia import: a.scholia: already exists; use --force to overwrite it\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.scholia")).unwrap(),
        "mine\n"
    );
    let out = scholia(dir.path(), &["import", "--force", "a.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("a.scholia")).unwrap();
    assert!(text.starts_with("+++\n"));
}

#[test]
fn dash_writes_to_stdout_and_no_file() {
    let dir = TempDir::new("stdout");
    std::fs::copy(
        fixtures().join("bracket_notes.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    let out = scholia(dir.path(), &["import", "--out", "-", "a.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        std::fs::read_to_string(fixtures().join("bracket_notes.scholia")).unwrap()
    );
    assert_eq!(stderr(&out), "");
    assert!(!dir.path().join("a.scholia").exists());
}

#[test]
fn out_folder_is_used_and_created() {
    let dir = TempDir::new("out");
    std::fs::copy(
        fixtures().join("bracket_notes.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    let out = scholia(dir.path(), &["import", "--out", "docs/new", "a.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("docs/new/a.scholia").is_file());
    assert!(!dir.path().join("a.scholia").exists());
    // --out naming a file is a usage error.
    std::fs::write(dir.path().join("plain"), "").unwrap();
    let out = scholia(dir.path(), &["import", "--out", "plain", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--out plain: not a folder"));
}

#[test]
fn unreadable_inputs_are_named() {
    let dir = TempDir::new("unreadable");
    let out = scholia(dir.path(), &["import", "missing.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "scholia import: missing.txt: no such file\n");
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9\n").unwrap();
    let out = scholia(dir.path(), &["import", "latin1.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("latin1.txt is not UTF-8"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("latin1.scholia").exists());
}

#[test]
fn the_exit_code_is_the_worst_over_all_inputs() {
    let dir = TempDir::new("worst");
    for name in ["bracket_notes", "missing_note"] {
        std::fs::copy(
            fixtures().join(format!("{name}.txt")),
            dir.path().join(format!("{name}.txt")),
        )
        .unwrap();
    }
    let out = scholia(
        dir.path(),
        &["import", "bracket_notes.txt", "missing_note.txt"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(dir.path().join("bracket_notes.scholia").is_file());
    assert!(dir.path().join("missing_note.scholia").is_file());
    let out = scholia(
        dir.path(),
        &["import", "nope.txt", "bracket_notes.txt", "--force"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Two inputs that would write one file: the second is refused.
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::copy(
        dir.path().join("bracket_notes.txt"),
        dir.path().join("other/bracket_notes.txt"),
    )
    .unwrap();
    let out = scholia(
        dir.path(),
        &[
            "import",
            "--force",
            "--out",
            "merged",
            "bracket_notes.txt",
            "other/bracket_notes.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("was just written from bracket_notes.txt"));
}

#[test]
fn tag_outside_a_workspace_is_reported() {
    let dir = TempDir::new("tag-detached");
    std::fs::copy(
        fixtures().join("bracket_notes.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    let out = scholia(dir.path(), &["import", "--tag", "a.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("a.txt:1:1: warning[import]: --tag: no scholia.toml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.scholia")).unwrap(),
        std::fs::read_to_string(fixtures().join("bracket_notes.scholia")).unwrap()
    );
}

#[test]
fn crlf_and_bom_are_read() {
    let dir = TempDir::new("crlf");
    let text = std::fs::read_to_string(fixtures().join("bracket_notes.txt")).unwrap();
    let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    std::fs::write(dir.path().join("a.txt"), crlf).unwrap();
    let out = scholia(dir.path(), &["import", "--out", "-", "a.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        std::fs::read_to_string(fixtures().join("bracket_notes.scholia")).unwrap()
    );
}

// ── property: any export ───────────────────────────────────────────────────

/// `[^label]` → the marker it came from, `n/` → `[n]` (so that bracket and
/// slash markers compare alike), a definition's `[^label]:` → `[^label]`.
fn canonical(line: &str, output_body: bool) -> String {
    let mut s = line.to_string();
    if output_body
        && s.starts_with("[^")
        && let Some(close) = s.find(']')
        && s[close..].starts_with("]:")
    {
        s.remove(close + 1);
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while output_body && let Some(i) = rest.find("[^") {
        let close = i + rest[i..].find(']').expect("closed reference");
        let label = &rest[i + 2..close];
        out.push_str(&rest[..i]);
        match label.strip_prefix("star") {
            Some(k) => out.push_str(&"*".repeat(k.parse().unwrap())),
            None => out.push_str(&format!("[{label}]")),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    // Digits and a slash, as `[digits]`.
    let mut canon = String::new();
    let mut digits = String::new();
    for c in out.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if c == '/' && !digits.is_empty() {
            canon.push('[');
            canon.push_str(&digits);
            canon.push(']');
        } else {
            canon.push_str(&digits);
            canon.push(c);
        }
        digits.clear();
    }
    canon.push_str(&digits);
    canon
}

/// `text` without its footnote references.
fn without_refs(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("[^") {
        out.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find(']').map_or(rest.len() - i, |c| c + 1)..];
    }
    out.push_str(rest);
    out
}

/// The no-word-lost check for exports that mix every note convention.
fn words_kept_in_order(input: &str, output: &str) -> Result<(), String> {
    let doc = Document::new(PathBuf::from("x.scholia"), output.to_string());
    let fm = doc.model.front_matter.as_ref().ok_or("no front matter")?;
    if !fm.errors.is_empty() {
        return Err(format!("front matter: {:?}", fm.errors));
    }
    let title = fm.title.as_ref().map(|t| t.value.clone());
    let mut lines = output.lines().skip(1).skip_while(|l| *l != "+++").skip(1);
    let (mut body, mut header, mut footer) = (Vec::new(), Vec::new(), Vec::new());
    let mut part = 0;
    let mut title_seen = false;
    for line in lines.by_ref() {
        match line {
            "## Archive page" => continue,
            "### Page header" => part = 1,
            "### Page footer" => part = 2,
            _ if part == 0 => {
                let mut l = line;
                if !title_seen
                    && let Some(rest) = l.strip_prefix("# ")
                    && Some(without_refs(rest).as_str()) == title.as_deref()
                {
                    title_seen = true;
                    l = rest;
                }
                if l.starts_with("\\#") {
                    l = &l[1..];
                }
                body.extend(canonical(l, true).split_whitespace().map(str::to_string));
            }
            _ => {
                let words = canonical(&unescape(line), false);
                let target = if part == 1 { &mut header } else { &mut footer };
                target.extend(words.split_whitespace().map(str::to_string));
            }
        }
    }
    let expected: Vec<String> = input
        .lines()
        .flat_map(|l| {
            canonical(l, false)
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let got: Vec<String> = header.into_iter().chain(body).chain(footer).collect();
    if got != expected {
        return Err(format!(
            "words differ:\n  input:  {expected:?}\n  output: {got:?}"
        ));
    }
    // Notes are paired; the archive page is plain text.
    let m = &doc.model;
    for r in &m.footnote_refs {
        if m.defs_of(&r.label).count() != 1 {
            return Err(format!(
                "[^{}] has {} definitions",
                r.label,
                m.defs_of(&r.label).count()
            ));
        }
    }
    for d in &m.footnote_defs {
        if m.refs_of(&d.label).count() == 0 {
            return Err(format!("[^{}]: is not referenced", d.label));
        }
    }
    if let Some(archive) = output.find("\n## Archive page\n") {
        let late = m
            .insertions
            .iter()
            .chain(m.footnote_refs.iter().map(|r| &r.range))
            .chain(m.mentions.iter().map(|x| &x.range))
            .chain(m.errors.iter().map(|e| &e.range))
            .any(|r| r.end > archive);
        if late {
            return Err("syntax inside the archive page".into());
        }
    }
    Ok(())
}

mod any_export {
    use super::*;
    use proptest::prelude::*;

    fn token() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "word", "Stalin", "said.", "[1]", "[2]", "[3]", "x[1]", "y.[2]", "z:[3]", "7/",
            "so.8/", "ok9/", "3/4", "*", "it*", "this**", "*em*", "**b**", "[", "]", "[?]", "[Mao",
            "Zedong]", "[Ed.", "note:", "x]", "\\", "\\[", "#", "\"", "'", "“q”", "+++", "^",
            "[@k]", "[[a]]", "(x)", "1950", "\u{a0}", "—", "中文",
        ])
        .prop_map(str::to_string)
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (
                prop::sample::select(vec!["", " ", "    ", "\t", "\u{a0} "]),
                prop::collection::vec(token(), 0..8)
            )
                .prop_map(|(indent, words)| format!("{indent}{}", words.join(" "))),
            1 => Just(String::new()),
            1 => prop::sample::select(vec![
                "September 19, 1952", "1950", "Skip to content", "Document Information",
                "Source", "Record ID", "111247", "Original Uploaded Date", "2011-11-20",
                "Type", "Language", "Russian", "[1] A note.", "[2] Note: ", "[3]", "7/ Slash note.",
                "8/ x", "1/ a point;", "* Star note.", "** Two.", "**Title:** T \"q\"",
                "**Date:** May 1, 1950", "# Heading", "APRF, f. 1, d. 2. Translated by A with B.",
                "The History and Public Policy Program welcomes reuse.", "[Split",
                "bracket]", "[image: x]",
            ])
            .prop_map(str::to_string),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn no_word_is_lost(lines in prop::collection::vec(line(), 0..40), crlf in any::<bool>()) {
            let input = lines.join(if crlf { "\r\n" } else { "\n" });
            let imported = scholia::import::convert(&input, &scholia::import::Options::default());
            if let Err(e) = words_kept_in_order(&input, &imported.text) {
                prop_assert!(false, "{e}\n── input\n{input}\n── output\n{}", imported.text);
            }
        }
    }
}
