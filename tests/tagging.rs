//! Tagging known names (issue 16): `scholia tag` run as a process on a copy
//! of the `names` fixture workspace, and the "Not a mention" quick fix.

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect;
use scholia::ide::code_actions::code_actions;
use scholia::workspace::{Document, Workspace};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics/names")
}

/// A copy of the fixture workspace in a fresh temporary folder.
fn copy() -> PathBuf {
    // Under Cargo's target/tmp, one folder per copy of a run; the next run
    // replaces them instead of piling up more in the system's temp folder.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tagging-{}", rand()));
    let _ = std::fs::remove_dir_all(&dir);
    for entry in walk(&fixture()) {
        let to = dir.join(entry.strip_prefix(fixture()).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    dir
}

fn rand() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn scholia(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn dry_run_prints_the_diff_and_changes_nothing_then_tag_writes_it() {
    let dir = copy();
    let before = std::fs::read_to_string(dir.join("doc.scholia")).unwrap();
    let (code, stdout, stderr) = scholia(&dir, &["tag", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    expect![[r#"
        --- doc.scholia
        +++ doc.scholia
        @@ -5,1 +5,1 @@
        -The Democratic People’s Republic of Korea and the Republic of Korea met; Stalin’s envoy was there.
        +The [[north-korea|Democratic People’s Republic of Korea]] and the [[south-korea|Republic of Korea]] met; [[stalin|Stalin]]’s envoy was there.
        @@ -7,1 +7,1 @@
        -Nguyễn Văn Linh wrote in Twentieth‑Century China, citing AP RF, f. 3; the AP reported the International Stalin Peace Prize of the People’s Republic of China.
        +[[nguyen|Nguyễn Văn Linh]] wrote in Twentieth‑Century China, citing AP RF, f. 3; the [[associated-press|AP]] reported the International Stalin Peace Prize of the [[china|People’s Republic of China]].
        @@ -17,1 +17,1 @@
        -China again.
        +[[China]] again.
    "#]]
    .assert_eq(&stdout);
    assert_eq!(stderr.trim(), "would tag 7 names in 1 document");
    assert_eq!(
        std::fs::read_to_string(dir.join("doc.scholia")).unwrap(),
        before
    );

    // The real run writes exactly what the dry run showed, losslessly: the
    // text without the brackets added is the text before.
    let (code, _, stderr) = scholia(&dir, &["tag", "doc.scholia"]);
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(dir.join("doc.scholia")).unwrap();
    let diff_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .map(|l| &l[1..])
        .collect();
    for l in &diff_lines {
        assert!(after.lines().any(|a| a == *l), "{l}");
    }
    let mut unbracketed = after.clone();
    for id in [
        "north-korea|",
        "south-korea|",
        "stalin|",
        "nguyen|",
        "associated-press|",
        "china|",
    ] {
        unbracketed = unbracketed.replace(id, "");
    }
    assert_eq!(unbracketed.replace("[[", "").replace("]]", ""), before);
    // Nothing left to tag, and `scholia check` reports no untagged name.
    let (_, _, stderr) = scholia(&dir, &["tag", "--dry-run"]);
    assert_eq!(stderr.trim(), "would tag 0 names in 0 documents");
    let (_, stdout, _) = scholia(&dir, &["check"]);
    assert!(!stdout.contains("untagged-mention"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tag_only_one_name() {
    let dir = copy();
    let (code, stdout, _) = scholia(
        &dir,
        &["tag", "--dry-run", "--name", "Republic of\u{a0}Korea"],
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("[[south-korea|Republic of\u{a0}Korea]]"),
        "{stdout}"
    );
    assert!(!stdout.contains("[[china|"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Applies the edits of `action` to the files they name.
fn apply(action: &scholia::ide::code_actions::Action) {
    for file in &action.edits {
        let text = std::fs::read_to_string(&file.path).unwrap();
        let mut edits = file.edits.clone();
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut new = text.clone();
        for (r, t) in edits {
            new.replace_range(r, &t);
        }
        std::fs::write(&file.path, new).unwrap();
    }
}

/// The untagged names `scholia check` would report in `doc.scholia`.
fn untagged(dir: &Path) -> Vec<String> {
    let (ws, _) = Workspace::open(dir);
    let path = dir.join("journal.scholia");
    let doc = Document::scan(path.clone(), std::fs::read_to_string(&path).unwrap());
    assert!(
        ws.config.diagnostics.is_empty(),
        "{:?}",
        ws.config.diagnostics
    );
    scholia::diagnostics::check(&doc, &ws)
        .into_iter()
        .filter(|d| d.code == scholia::base::Code::UntaggedMention)
        .map(|d| format!("{}@{}", &doc.text[d.range.clone()], d.range.start))
        .collect()
}

/// "Not a mention: ignore `…`" adds the phrase around the name to
/// scholia.toml's `not-mentions` (into the array, or as a new key when
/// there is none); once applied, the name inside it is not reported, the
/// same name elsewhere still is. A name with no capitalised word beside it
/// gets no such fix.
#[test]
fn not_a_mention_quick_fix() {
    for with_key in [true, false] {
        let dir = copy();
        if !with_key {
            std::fs::write(
                dir.join("scholia.toml"),
                "registry = [\"registry/*.toml\"]\n",
            )
            .unwrap();
        }
        let path = dir.join("journal.scholia");
        let text = "+++\ntitle = \"J\"\n+++\n\nAn essay in Modern China Quarterly on China.\n";
        std::fs::write(&path, text).unwrap();
        assert_eq!(untagged(&dir), ["China@40", "China@59"]);

        let (ws, _) = Workspace::open(&dir);
        let doc = Document::scan(path.clone(), text.to_string());
        let titles = |at: usize| -> Vec<String> {
            code_actions(&doc, &ws, at..at, &[])
                .into_iter()
                .map(|a| a.title)
                .collect()
        };
        assert!(
            !titles(59).iter().any(|t| t.starts_with("Not a mention")),
            "{:?}",
            titles(59)
        );
        let actions = code_actions(&doc, &ws, 41..41, &[]);
        let fix = actions
            .iter()
            .find(|a| a.title.starts_with("Not a mention"))
            .expect("the quick fix");
        assert_eq!(fix.title, "Not a mention: ignore `Modern China Quarterly`");
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(fix.edits[0].path, dir.join("scholia.toml"));
        apply(fix);
        let config = std::fs::read_to_string(dir.join("scholia.toml")).unwrap();
        if with_key {
            assert!(
                config.contains(r#"not-mentions = ["Twentieth-Century China", "AP RF", "Modern China Quarterly"]"#),
                "{config}"
            );
        } else {
            assert!(
                config.starts_with("not-mentions = [\"Modern China Quarterly\"]\nregistry"),
                "{config}"
            );
        }
        assert_eq!(untagged(&dir), ["China@59"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
