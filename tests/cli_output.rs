//! `scholia check`'s output formats (text, sarif, github), `--fix` and
//! `scholia init`, run as processes. The SARIF output is validated against
//! the SARIF 2.1.0 JSON schema (`tests/fixtures/sarif/`, see its README).

use std::path::{Path, PathBuf};
use std::process::Command;

fn scholia_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scholia"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("scholia runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn scholia(args: &[&str], dir: &Path) -> (i32, String, String) {
    scholia_env(args, dir, &[])
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "scholia-cli-output-{}-{n}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A copy of a fixture folder.
    fn copy_of(fixture: &str) -> TempDir {
        let dir = TempDir::new(fixture);
        copy_dir(&root().join("tests/fixtures").join(fixture), &dir.0);
        dir
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join(name)).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// text
// ---------------------------------------------------------------------------

#[test]
fn text_shows_the_source_line_with_the_range_underlined() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(&["check", "footnotes.scholia"], &dir);
    // Not a terminal: no colour.
    assert!(!out.contains('\x1b'), "{out}");
    expect_test::expect![[r#"
        info[ambiguous-locator]: `ll.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as "lines", in Russian archival usage it means folios (листы); write `fols.`
         --> footnotes.scholia:3:28
          |
        3 | source = "[@aprf-45-1-343, ll. 97-103]"
          |                            ^^^

        warning[footnote-order]: footnote [^3] is the 2nd numbered note referenced; expected [^2] here (renumber the footnotes to fix)
         --> footnotes.scholia:8:26
          |
        8 | First[^1], then the third[^3], then the second[^2], and one never defined[^9].
          |                          ^^^^

        warning[footnote-order]: footnote [^2] is the 3rd numbered note referenced; expected [^3] here (renumber the footnotes to fix)
         --> footnotes.scholia:8:47
          |
        8 | First[^1], then the third[^3], then the second[^2], and one never defined[^9].
          |                                               ^^^^

        error[undefined-footnote]: footnote [^9] has no definition `[^9]: …` in this document
         --> footnotes.scholia:8:74
          |
        8 | First[^1], then the third[^3], then the second[^2], and one never defined[^9].
          |                                                                          ^^^^

        warning[footnote-order]: footnote [^9] is the 4th numbered note referenced; expected [^4] here (renumber the footnotes to fix)
         --> footnotes.scholia:8:74
          |
        8 | First[^1], then the third[^3], then the second[^2], and one never defined[^9].
          |                                                                          ^^^^

        info[ambiguous-locator]: `l.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as "line", in Russian archival usage it means a folio (лист); write `fol.`
          --> footnotes.scholia:11:38
           |
        11 | [^1]: Defined once. [@aprf-45-1-343, l. 98]
           |                                      ^^

        hint[uncited-note]: note [^2] cites no source
          --> footnotes.scholia:12:1
           |
        12 | [^2]: A note that cites nothing.
           | ^^^^

        error[duplicate-footnote]: footnote [^1] is already defined on line 11
          --> footnotes.scholia:18:1
           |
        18 | [^1]: Defined twice.
           | ^^^^

        warning[unused-footnote]: footnote [^unused] is defined but never referenced
          --> footnotes.scholia:19:1
           |
        19 | [^unused]: Nobody points here. [@aprf-45-1-343]
           | ^^^^^^^^^

        checked 1 document: 2 errors, 4 warnings, 2 info, 1 hint
    "#]]
    .assert_eq(&out);
    assert_eq!(code, 1);
}

#[test]
fn text_columns_and_underlines_on_non_ascii_lines() {
    // The header counts characters, as `--format short` does: the stray
    // `]` after CJK, an emoji sequence and a combining mark is column 18.
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (_, out, _) = scholia(&["check", "brackets.scholia"], &dir);
    assert!(out.contains(" --> brackets.scholia:14:18\n"), "{out}");
    // The underline stands under the `]` as a terminal shows the CJK
    // characters (two cells each).
    let dir = TempDir::new("cjk");
    std::fs::write(dir.0.join("a.scholia"), "周恩来说：] 好\n").unwrap();
    let (_, out, _) = scholia(&["check", "a.scholia"], &dir.0);
    let block = out
        .split("\n\n")
        .find(|b| b.contains("stray `]`"))
        .expect("the stray bracket");
    assert!(block.contains("--> a.scholia:1:6"), "{block}");
    let lines: Vec<&str> = block.lines().collect();
    let (source, carets) = (lines[3], lines[4]);
    let cells = |s: &str| -> usize { s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum() };
    let bracket = source.find(']').unwrap();
    assert_eq!(
        cells(&source[..bracket]),
        carets.find('^').unwrap(),
        "{block}"
    );
    assert_eq!(carets.matches('^').count(), 1, "{block}");
}

/// Runs `cmd` under a pseudo-terminal (util-linux `script`), so that
/// scholia's stdout is a terminal.
fn on_a_terminal(cmd: &str, dir: &Path, no_color: Option<&str>) -> String {
    let mut c = Command::new("script");
    c.args(["-qec", cmd, "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR");
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    let out = c.output().expect("`script` (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let cmd = format!("{} check footnotes.scholia", env!("CARGO_BIN_EXE_scholia"));
    let coloured = on_a_terminal(&cmd, &dir, None);
    assert!(coloured.contains("\x1b["), "{coloured}");
    assert!(coloured.contains("ambiguous-locator"), "{coloured}");
    let plain = on_a_terminal(&cmd, &dir, Some("1"));
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(plain.contains("ambiguous-locator"), "{plain}");
    // The summary comes last.
    let last = plain.trim_end().lines().last().unwrap();
    assert!(last.starts_with("checked 1 document: 2 errors"), "{plain}");
}

#[test]
fn text_never_writes_control_characters_of_the_document() {
    let dir = TempDir::new("control");
    std::fs::write(
        dir.0.join("a.scholia"),
        "An \x1b[31mred\x1b[0m line with a stray ] and a bell \x07.\n",
    )
    .unwrap();
    let (_, out, _) = scholia(&["check", "."], &dir.0);
    assert!(out.contains("error[unclosed-bracket]"), "{out}");
    // Shown as the Unicode pictures of control characters.
    assert!(out.contains("\u{241b}[31mred"), "{out}");
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
}

#[test]
fn short_keeps_the_one_line_form() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(&["check", "--format", "short", "no-source.scholia"], &dir);
    assert_eq!(
        out,
        "no-source.scholia:1:1: warning[missing-source]: this document cites nothing: add `source = \"[@key, …]\"` to the front matter or a citation\n\
         checked 1 document: 0 errors, 1 warning, 0 info, 0 hints\n"
    );
    assert_eq!(code, 0);
}

// ---------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
        .expect("the schema is in the test data");
    // The published schema's two `language` patterns have a stray `]`
    // (`…-[a-zA-Z]{2}]?$`), which the validator's ECMA-262 check rejects
    // when it compiles the schema; they constrain a property scholia never
    // writes. They are read as the language tags they mean (`en`,
    // `en-US`); the rest of the schema is used as published.
    let stray = r#"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"#;
    assert_eq!(text.matches(stray).count(), 2, "the schema changed");
    let text = text.replace(stray, r#"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, out: &str) -> serde_json::Value {
    let log: serde_json::Value = serde_json::from_str(out).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{out}");
    log
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let validator = sarif_validator();
    for (dir, args) in [
        ("tests/fixtures/diagnostics/main", vec!["."]),
        ("tests/fixtures/diagnostics/broken", vec!["."]),
        ("tests/fixtures/diagnostics/variants", vec!["."]),
        (".", vec!["seeds"]),
    ] {
        let mut all = vec!["check", "--format", "sarif"];
        all.extend(args);
        let (code, out, _) = scholia(&all, &root().join(dir));
        let log = assert_valid_sarif(&validator, &out);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "scholia");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{dir}");
        for r in results {
            // ruleIndex points at the rule of ruleId.
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"], "{r}");
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1, "{r}");
            assert!(region["startColumn"].as_u64().unwrap() >= 1, "{r}");
            assert!(region["endLine"].as_u64().unwrap() >= region["startLine"].as_u64().unwrap());
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        }
        // The exit code is that of the other formats.
        let (short_code, _, _) = {
            let mut s = all.clone();
            s[2] = "short";
            scholia(&s, &root().join(dir))
        };
        assert_eq!(code, short_code, "{dir}");
    }
}

#[test]
fn sarif_rules_are_our_codes_with_descriptions_and_default_levels() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (_, out, _) = scholia(&["check", "--format", "sarif", "footnotes.scholia"], &dir);
    let log = assert_valid_sarif(&sarif_validator(), &out);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let by_id = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    let r = by_id("undefined-footnote");
    assert_eq!(r["defaultConfiguration"]["level"], "error");
    assert!(
        r["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("no definition"),
        "{r}"
    );
    assert_eq!(
        by_id("footnote-order")["defaultConfiguration"]["level"],
        "warning"
    );
    // SARIF has no info or hint: both are `note`.
    assert_eq!(
        by_id("ambiguous-locator")["defaultConfiguration"]["level"],
        "note"
    );
    assert_eq!(
        by_id("untagged-mention")["defaultConfiguration"]["level"],
        "note"
    );
    // One result, exactly: the `l.` of line 11, columns 38 to 40 (exclusive).
    let results = log["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| {
            r["ruleId"] == "ambiguous-locator"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
        })
        .unwrap();
    expect_test::expect![[r#"
        {
          "level": "note",
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "footnotes.scholia",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "endColumn": 40,
                  "endLine": 11,
                  "startColumn": 38,
                  "startLine": 11
                }
              }
            }
          ],
          "message": {
            "text": "`l.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as \"line\", in Russian archival usage it means a folio (лист); write `fol.`"
          },
          "ruleId": "ambiguous-locator",
          "ruleIndex": 13
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(r).unwrap());
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // The validator really validates: a result without a message fails.
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (_, out, _) = scholia(&["check", "--format", "sarif", "footnotes.scholia"], &dir);
    let mut log: serde_json::Value = serde_json::from_str(&out).unwrap();
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!sarif_validator().is_valid(&log));
    log["runs"][0]["results"][0]["message"] = serde_json::json!({ "text": "x" });
    log["runs"][0]["results"][0]["level"] = serde_json::json!("info");
    assert!(!sarif_validator().is_valid(&log));
}

// ---------------------------------------------------------------------------
// GitHub workflow commands
// ---------------------------------------------------------------------------

#[test]
fn github_annotations() {
    let dir = root().join("tests/fixtures/diagnostics/main");
    let (code, out, _) = scholia(
        &[
            "check",
            "--format",
            "github",
            "footnotes.scholia",
            "no-source.scholia",
        ],
        &dir,
    );
    expect_test::expect![[r#"
        ::notice file=footnotes.scholia,line=3,col=28,endColumn=31,endLine=3,title=info[ambiguous-locator]::`ll.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as "lines", in Russian archival usage it means folios (листы); write `fols.`
        ::warning file=footnotes.scholia,line=8,col=26,endColumn=30,endLine=8,title=warning[footnote-order]::footnote [^3] is the 2nd numbered note referenced; expected [^2] here (renumber the footnotes to fix)
        ::warning file=footnotes.scholia,line=8,col=47,endColumn=51,endLine=8,title=warning[footnote-order]::footnote [^2] is the 3rd numbered note referenced; expected [^3] here (renumber the footnotes to fix)
        ::error file=footnotes.scholia,line=8,col=74,endColumn=78,endLine=8,title=error[undefined-footnote]::footnote [^9] has no definition `[^9]: …` in this document
        ::warning file=footnotes.scholia,line=8,col=74,endColumn=78,endLine=8,title=warning[footnote-order]::footnote [^9] is the 4th numbered note referenced; expected [^4] here (renumber the footnotes to fix)
        ::notice file=footnotes.scholia,line=11,col=38,endColumn=40,endLine=11,title=info[ambiguous-locator]::`l.` in a citation of the archival source @aprf-45-1-343: Pandoc and CSL read it as "line", in Russian archival usage it means a folio (лист); write `fol.`
        ::notice file=footnotes.scholia,line=12,col=1,endColumn=5,endLine=12,title=hint[uncited-note]::note [^2] cites no source
        ::error file=footnotes.scholia,line=18,col=1,endColumn=5,endLine=18,title=error[duplicate-footnote]::footnote [^1] is already defined on line 11
        ::warning file=footnotes.scholia,line=19,col=1,endColumn=10,endLine=19,title=warning[unused-footnote]::footnote [^unused] is defined but never referenced
        ::warning file=no-source.scholia,line=1,col=1,endColumn=16,endLine=1,title=warning[missing-source]::this document cites nothing: add `source = "[@key, …]"` to the front matter or a citation
        checked 2 documents: 2 errors, 5 warnings, 2 info, 1 hint
    "#]]
    .assert_eq(&out);
    assert_eq!(code, 1);
}

#[test]
fn github_escapes_properties_and_multi_line_ranges_have_no_columns() {
    let dir = TempDir::new("github");
    // A file name with `,`, `:` and `%`; a front matter never closed (its
    // range runs over several lines).
    std::fs::write(dir.0.join("a, b: 100%.scholia"), "+++\ntitle = 1\n").unwrap();
    let (_, out, _) = scholia(&["check", "--format", "github", "."], &dir.0);
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert!(!lines.is_empty(), "{out}");
    for l in &lines {
        assert!(l.contains("file=a%2C b%3A 100%25.scholia,"), "{l}");
    }
    for l in lines {
        let props = &l[..l[2..].find("::").unwrap() + 2];
        let line: Vec<&str> = props.split(',').collect();
        let get = |k: &str| {
            line.iter()
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
                .map(str::to_string)
        };
        if get("line") != get("endLine") {
            assert!(get("col").is_none() && get("endColumn").is_none(), "{l}");
        }
    }
}

// ---------------------------------------------------------------------------
// init
// ---------------------------------------------------------------------------

#[test]
fn init_then_check_exits_zero() {
    let dir = TempDir::new("init");
    let (code, out, err) = scholia(&["init", "project"], &dir.0);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("scholia check project"), "{out}");
    for f in [
        "scholia.toml",
        "registry/entities.toml",
        "sources.json",
        "first-document.scholia",
    ] {
        assert!(dir.0.join("project").join(f).is_file(), "{f}");
    }
    assert_eq!(dir.read("project/sources.json").trim(), "[]");
    let (code, out, _) = scholia(&["check", "--format", "short", "project"], &dir.0);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("checked 1 document: 0 errors"), "{out}");
    // From inside the folder too.
    let (code, _, _) = scholia(&["check"], &dir.0.join("project"));
    assert_eq!(code, 0);
}

#[test]
fn init_shows_every_construct_and_every_kind() {
    let dir = TempDir::new("init-constructs");
    let (code, _, _) = scholia(&["init"], &dir.0);
    assert_eq!(code, 0);
    let doc = dir.read("first-document.scholia");
    for construct in [
        "+++\ntitle = ",
        "\n# ",
        "[^1]",
        "\n[^1]: ",
        "\n    A second paragraph",
        "[[zhou-enlai|",
        "[[Beijing]]",
        "[...]",
        "[?]",
        "\\[@key",
        "](registry/entities.toml)",
    ] {
        assert!(doc.contains(construct), "{construct}");
    }
    let registry = dir.read("registry/entities.toml");
    for kind in ["[person.", "[place.", "[organization."] {
        assert_eq!(registry.matches(kind).count(), 1, "{kind}");
    }
    // Every mention resolves and nothing is left untagged.
    let (_, out, _) = scholia(&["check", "--format", "json"], &dir.0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes
            .iter()
            .all(|c| ["missing-source", "uncited-note"].contains(c)),
        "{codes:?}"
    );
}

#[test]
fn init_never_overwrites() {
    let dir = TempDir::new("init-exists");
    std::fs::write(dir.0.join("sources.json"), "[{\"id\": \"mine\"}]").unwrap();
    let (code, out, err) = scholia(&["init", "."], &dir.0);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("sources.json already exists"), "{err}");
    // Nothing was written.
    assert_eq!(dir.read("sources.json"), "[{\"id\": \"mine\"}]");
    assert!(!dir.0.join("scholia.toml").exists());
    assert!(!dir.0.join("registry").exists());
    // A second init of an initialized folder refuses too.
    let other = TempDir::new("init-twice");
    assert_eq!(scholia(&["init"], &other.0).0, 0);
    let before = other.read("first-document.scholia");
    std::fs::write(other.0.join("first-document.scholia"), "edited").unwrap();
    let (code, _, err) = scholia(&["init"], &other.0);
    assert_eq!(code, 1);
    assert!(err.contains("scholia.toml already exists"), "{err}");
    assert_eq!(other.read("first-document.scholia"), "edited");
    assert_ne!(before, "edited");
}

// ---------------------------------------------------------------------------
// --fix
// ---------------------------------------------------------------------------

#[test]
fn fix_applies_the_fixes_with_one_choice_and_rechecks() {
    let dir = TempDir::copy_of("cli_fix");
    let before_registry = dir.read("registry/people.toml");
    let before_crlf = std::fs::read(dir.0.join("crlf.scholia")).unwrap();
    let before_dup = dir.read("duplicate.scholia");
    let (code, out, _) = scholia(&["check", "--fix", "--format", "short"], &dir.0);
    expect_test::expect![[r#"
        crlf.scholia:3:28: fixed[ambiguous-locator]: Write `fol.` (folio)
            3:28: `l.` -> `fol.`
        crlf.scholia:6:16: fixed[inconsistent-variant]: Use the preferred name `Zhou Enlai`
            6:16: `Chou En-lai` -> `Zhou Enlai`
        crlf.scholia:6:52: fixed[ambiguous-locator]: Write `fols.` (folios)
            6:52: `ll.` -> `fols.`
        duplicate.scholia:6:7: not fixed[footnote-order]: footnote [^2] is defined more than once: keep one definition, then renumber
        notes.scholia:3:28: fixed[ambiguous-locator]: Write `fols.` (folios)
            3:28: `ll.` -> `fols.`
        notes.scholia:8:31: fixed[footnote-order]: Renumber footnotes in order of first reference
            8:33: `3` -> `1`
            8:79: `1` -> `2`
            10:27: `7` -> `3`
            12:1: `[^1]: On the answer. [@aprf-45-1-343, l. 98]` -> `[^1]: The opening, which moves. [@aprf-4…u En-lai in it.`
            16:1: `[^3]: The opening, which moves. [@aprf-4…u En-lai in it.` -> `[^2]: On the answer. [@aprf-45-1-343, l. 98]`
        notes.scholia:12:50: fixed[ambiguous-locator]: Write `fols.` (folios)
            12:50: `ll.` -> `fols.`
        notes.scholia:17:39: fixed[ambiguous-locator]: Write `fol.` (folio)
            17:39: `l.` -> `fol.`
        fixed 7 problems in 2 files

        crlf.scholia:6:1: hint[untagged-mention]: `Zhou Enlai` is a registry name: tag it as [[Zhou Enlai]]
        crlf.scholia:6:16: hint[untagged-mention]: `Zhou Enlai` is a registry name: tag it as [[Zhou Enlai]]
        duplicate.scholia:6:7: warning[footnote-order]: footnote [^2] is the 1st numbered note referenced; expected [^1] here (renumber the footnotes to fix)
        duplicate.scholia:6:22: warning[footnote-order]: footnote [^1] is the 2nd numbered note referenced; expected [^2] here (renumber the footnotes to fix)
        duplicate.scholia:10:1: error[duplicate-footnote]: footnote [^2] is already defined on line 9
        notes.scholia:9:44: error[unknown-entity]: `Nobody` is no id, name or alias in the registry
        notes.scholia:10:25: error[undefined-footnote]: footnote [^3] has no definition `[^3]: …` in this document
        notes.scholia:13:27: hint[untagged-mention]: `Chou En-lai` is in the registry (Zhou Enlai): tag it as [[zhou-enlai|Chou En-lai]]
        checked 3 documents: 3 errors, 2 warnings, 0 info, 3 hints
    "#]]
    .assert_eq(&out);
    // The exit code is the re-check's: errors that need a decision remain.
    assert_eq!(code, 1);
    expect_test::expect![[r#"
        +++
        title = "Notes out of order"
        source = "[@aprf-45-1-343, fols. 97-103]"
        +++

        # Notes

        [[stalin|Stalin]] spoke first,[^1] then [[zhou-enlai|Chou En-lai]] answered.[^2]
        A named note[^named] stays, and an unknown [[Nobody]] is not guessed;
        a footnote never defined[^3] is not defined either.

        [^1]: The opening, which moves. [@aprf-45-1-343, fols. 97-99]
            Its second line, with Chou En-lai in it.

        [^named]: Named, citing [@sheng2014, 12].

        [^2]: On the answer. [@aprf-45-1-343, fol. 98]
    "#]]
    .assert_eq(&dir.read("notes.scholia"));
    // Byte for byte: only the three edits, the CRLF line ends kept.
    let crlf = std::fs::read(dir.0.join("crlf.scholia")).unwrap();
    let expected = String::from_utf8(before_crlf)
        .unwrap()
        .replace("l. 5]", "fol. 5]")
        .replace("Chou En-lai\u{2019}s", "Zhou Enlai\u{2019}s")
        .replace("ll.5-6", "fols.5-6");
    assert_eq!(String::from_utf8(crlf).unwrap(), expected);
    // Nothing defined, nothing added, nothing refused touched.
    assert_eq!(dir.read("registry/people.toml"), before_registry);
    assert_eq!(dir.read("duplicate.scholia"), before_dup);
    // A second run has nothing left to do and changes nothing.
    let snapshot: Vec<String> = ["notes.scholia", "crlf.scholia"]
        .iter()
        .map(|f| dir.read(f))
        .collect();
    let (_, again, _) = scholia(&["check", "--fix", "--format", "short"], &dir.0);
    assert!(again.contains("fixed 0 problems in 0 files"), "{again}");
    let after: Vec<String> = ["notes.scholia", "crlf.scholia"]
        .iter()
        .map(|f| dir.read(f))
        .collect();
    assert_eq!(snapshot, after);
}

#[test]
fn fix_respects_lint_levels_and_keeps_machine_output_clean() {
    let dir = TempDir::copy_of("cli_fix");
    let config = dir.read("scholia.toml");
    std::fs::write(
        dir.0.join("scholia.toml"),
        format!("{config}\n[lint]\nambiguous-locator = \"off\"\n"),
    )
    .unwrap();
    let (_, out, err) = scholia(
        &["check", "--fix", "--format", "sarif", "crlf.scholia"],
        &dir.0,
    );
    // The report is valid SARIF; what was fixed went to stderr.
    assert_valid_sarif(&sarif_validator(), &out);
    assert!(err.contains("fixed[inconsistent-variant]"), "{err}");
    assert!(!err.contains("ambiguous-locator"), "{err}");
    let text = dir.read("crlf.scholia");
    assert!(text.contains("l. 5]") && text.contains("ll.5-6"), "{text}");
    assert!(text.contains("Zhou Enlai\u{2019}s"), "{text}");
}
