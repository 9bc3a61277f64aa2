//! `scholia check` as a process: exit codes, text and JSON output, on a
//! fixture workspace and on the seeds.

use std::path::Path;
use std::process::Command;

fn scholia(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("scholia runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn clean_document_exits_zero_with_a_summary() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(&["check", "original.scholia"], &dir);
    assert_eq!(
        out,
        "checked 1 document: 0 errors, 0 warnings, 0 info, 0 hints\n"
    );
    assert_eq!(code, 0);
}

#[test]
fn errors_exit_one_with_one_line_per_problem() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(
        &[
            "check",
            "--format",
            "short",
            "footnotes.scholia",
            "no-source.scholia",
        ],
        &dir,
    );
    expect_test::expect![[r#"
        footnotes.scholia:3:28: info[ambiguous-locator]: `ll.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as "lines", in Russian archival usage it means folios (листы); write `fols.`
        footnotes.scholia:8:26: warning[footnote-order]: footnote [^3] is the 2nd numbered note referenced; expected [^2] here (renumber the footnotes to fix)
        footnotes.scholia:8:47: warning[footnote-order]: footnote [^2] is the 3rd numbered note referenced; expected [^3] here (renumber the footnotes to fix)
        footnotes.scholia:8:74: error[undefined-footnote]: footnote [^9] has no definition `[^9]: …` in this document
        footnotes.scholia:8:74: warning[footnote-order]: footnote [^9] is the 4th numbered note referenced; expected [^4] here (renumber the footnotes to fix)
        footnotes.scholia:11:38: info[ambiguous-locator]: `l.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as "line", in Russian archival usage it means a folio (лист); write `fol.`
        footnotes.scholia:12:1: hint[uncited-note]: note [^2] cites no source
        footnotes.scholia:18:1: error[duplicate-footnote]: footnote [^1] is already defined on line 11
        footnotes.scholia:19:1: warning[unused-footnote]: footnote [^unused] is defined but never referenced
        no-source.scholia:1:1: warning[missing-source]: this document cites nothing: add `source = "[@key, …]"` to the front matter or a citation
        checked 2 documents: 2 errors, 5 warnings, 2 info, 1 hint
    "#]]
    .assert_eq(&out);
    assert_eq!(code, 1);
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(&["check", "--format", "short", "no-source.scholia"], &dir);
    assert!(out.contains("warning[missing-source]"), "{out}");
    assert_eq!(code, 0);
}

#[test]
fn json_format() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(&["check", "--format", "json", "entities.scholia"], &dir);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let first = &v["diagnostics"][0];
    assert_eq!(first["path"], "entities.scholia");
    assert_eq!(first["code"], "ambiguous-entity");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["start"]["line"], 7);
    assert_eq!(first["start"]["column"], 1);
    assert_eq!(first["end"]["column"], 8);
    assert_eq!(v["summary"]["documents"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "ambiguous-entity",
            "unknown-entity",
            "untagged-mention",
            "untagged-mention",
            "untagged-mention",
            "untagged-mention",
            "untagged-mention"
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn columns_count_characters_on_non_ascii_lines() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (_, out, _) = scholia(&["check", "--format", "short", "brackets.scholia"], &dir);
    // `周恩来 [x 👨‍👩‍👧 é ]] end`: columns count Unicode scalar values (the
    // family emoji is 5: three people and two joiners; é is e + U+0301),
    // so the stray second `]` is column 18.
    assert!(
        out.contains("brackets.scholia:14:18: error[unclosed-bracket]"),
        "{out}"
    );
}

#[test]
fn registry_and_config_problems_are_reported_too() {
    let dir = root().join("tests/fixtures/diagnostics/broken");
    let (code, out, _) = scholia(&["check", "--format", "short"], &dir);
    assert!(out.contains("scholia.toml:1:32: error[config]"), "{out}");
    assert!(
        out.contains("registry/a.toml:6:9: error[registry]"),
        "{out}"
    );
    assert!(out.contains("sources.json:"), "{out}");
    assert_eq!(code, 1);
}

#[test]
fn missing_path_is_a_usage_error() {
    let (code, _, err) = scholia(&["check", "no/such/place"], root());
    assert_eq!(code, 2);
    assert!(
        err.contains("no/such/place: no such file or folder"),
        "{err}"
    );
}

#[test]
fn seeds_report_only_their_real_defects() {
    let (code, out, _) = scholia(&["check", "--format", "short", "seeds"], root());
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(
        errors,
        [
            "seeds/1952-09-19-stalin-zhou-conversation.scholia:42:203: error[unclosed-bracket]: `[` is never closed before the paragraph ends (write `\\[` for a literal bracket)"
        ],
        "{out}"
    );
    assert!(out.contains("checked 5 documents"), "{out}");
    assert_eq!(code, 1);
}

#[test]
fn single_threaded_gives_the_same_report() {
    let (_, parallel, _) = scholia(&["check", "seeds"], root());
    let (_, single, _) = scholia(&["check", "--single-thread", "seeds"], root());
    assert_eq!(parallel, single);
}
