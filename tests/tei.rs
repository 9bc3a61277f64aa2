//! TEI export and import (issue 13), through the real CLI: the export of
//! the seeds, of every fixture workspace and of a generated corpus is valid
//! against TEI P5's tei_all.rng (jing, one run over all files), and
//! importing an export gives every document back byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The CLI, its kept renderings (docs/export.md) below target/ rather than
/// in the home folder of whoever runs the tests.
fn scholia() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scholia"));
    command.env(
        "SCHOLIA_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("tei-renders"),
    );
    command
}

/// A fresh folder under Cargo's `target/tmp`, one per name: a run replaces
/// the previous run's folder instead of leaving one more in the system's
/// temporary folder (hundreds had piled up there and filled a CI disk).
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tei-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The schema, fetched by scripts/tei-schema.sh if needed.
fn schema() -> PathBuf {
    let out = Command::new(root().join("scripts/tei-schema.sh"))
        .output()
        .expect("scripts/tei-schema.sh runs");
    assert!(
        out.status.success(),
        "scripts/tei-schema.sh failed (it needs pip and the network once): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(path.is_file(), "{} missing", path.display());
    path
}

/// Every fixture workspace (a folder with scholia.toml) and the seeds.
fn workspaces() -> Vec<PathBuf> {
    let mut all = vec![root().join("seeds")];
    for entry in walkdir::WalkDir::new(root().join("tests/fixtures")) {
        let entry = entry.expect("readable");
        if entry.file_name() == "scholia.toml" {
            all.push(entry.path().parent().expect("folder").to_path_buf());
        }
    }
    all.sort();
    assert!(all.len() >= 8, "{all:?}");
    all
}

fn export(ws: &Path, out: &Path) -> String {
    let result = scholia()
        .args(["export", "--format", "tei", "--out"])
        .arg(out)
        .arg(ws)
        .output()
        .expect("scholia export runs");
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(
        result.status.success(),
        "export of {} failed: {stderr}",
        ws.display()
    );
    assert!(out.join("register.xml").is_file());
    stderr
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
}

/// A generated corpus (the benchmark generator, fewer documents).
fn corpus(name: &str) -> PathBuf {
    let dir = tmp(&format!("corpus-{name}"));
    std::fs::remove_dir(&dir).expect("empty");
    let status = Command::new(env!("CARGO_BIN_EXE_scholia-corpus"))
        .args(["--preset", "small", "--documents", "80", "--out"])
        .arg(&dir)
        .status()
        .expect("scholia-corpus runs");
    assert!(status.success());
    dir
}

#[test]
fn exports_are_valid_tei() {
    let rng = schema();
    let out = tmp("valid");
    let mut sources = workspaces();
    sources.push(corpus("valid"));
    let mut xml = Vec::new();
    let mut documents = 0;
    for (i, ws) in sources.iter().enumerate() {
        let dir = out.join(i.to_string());
        export(ws, &dir);
        let files = files_with(&dir, "xml");
        documents += files.len() - 1;
        xml.extend(files);
    }
    assert!(documents >= 100, "only {documents} documents exported");
    // One jing run over every file: the JVM starts once.
    let result = Command::new("jing")
        .arg(&rng)
        .args(&xml)
        .output()
        .expect("jing runs (apt-get install jing)");
    assert!(
        result.status.success(),
        "jing rejects the export:\n{}",
        String::from_utf8_lossy(&result.stdout)
    );
}

#[test]
fn problems_are_kept_and_warned_once_each() {
    let ws = tmp("problems");
    std::fs::write(ws.join("scholia.toml"), "").expect("write");
    std::fs::write(
        ws.join("bad.scholia"),
        "Open [ bracket here.\n\nA stray ] there.[^9]\n",
    )
    .expect("write");
    let out = ws.join("out");
    let stderr = export(&ws, &out);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(warnings[0].contains("bad.scholia:1:6:"), "{stderr}");
    let xml = std::fs::read_to_string(out.join("bad.xml")).expect("exported");
    assert_eq!(
        xml.matches("<!-- scholia unclosed-bracket:").count(),
        2,
        "{xml}"
    );
    assert!(xml.contains("<ptr type=\"noteref\" n=\"9\"/>"), "{xml}");
    assert!(xml.contains("<p>Open <!--"), "{xml}");
    assert!(xml.contains("[ bracket here.</p>"), "{xml}");
    assert!(xml.contains("A stray <!--"), "{xml}");
}

/// Entities as comparable text: every field but the file and spans.
fn entities(ws: &scholia::workspace::Workspace) -> Vec<String> {
    let mut all: Vec<String> = ws
        .registry
        .entities
        .iter()
        .map(|e| {
            let mut authority = e.authority.clone();
            authority.sort();
            format!(
                "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                e.id,
                e.kind,
                e.name,
                e.aliases,
                e.born,
                e.died,
                e.region,
                e.description,
                e.coordinates,
                authority,
                e.variants
            )
        })
        .collect();
    all.sort();
    all
}

fn sources(ws: &scholia::workspace::Workspace) -> Vec<String> {
    let mut all: Vec<String> = ws
        .bibliography
        .entries
        .iter()
        .map(|b| format!("{} {} {:?} {}", b.key, b.kind, b.title, ws.cite(b, None)))
        .collect();
    all.sort();
    all
}

/// Exports `ws`, imports every file of the export, and compares.
fn round_trip(ws: &Path, name: &str) -> usize {
    let out = tmp(&format!("rt-{name}"));
    let xml_dir = out.join("xml");
    export(ws, &xml_dir);
    let back = out.join("back");
    std::fs::create_dir_all(&back).expect("dir");
    // One import per folder of the export, into the same folder under back/.
    let mut by_dir: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> = Default::default();
    for f in files_with(&xml_dir, "xml") {
        let rel = f
            .parent()
            .expect("folder")
            .strip_prefix(&xml_dir)
            .expect("inside");
        by_dir.entry(rel.to_path_buf()).or_default().push(f);
    }
    let mut stderr = String::new();
    for (rel, files) in by_dir {
        let dir = back.join(rel);
        std::fs::create_dir_all(&dir).expect("dir");
        let result = scholia()
            .arg("import")
            .arg("--out")
            .arg(&dir)
            .args(&files)
            .output()
            .expect("scholia import runs");
        stderr.push_str(&String::from_utf8_lossy(&result.stderr));
    }
    assert!(
        !stderr.contains("error"),
        "import of {}'s export: {stderr}",
        ws.display()
    );
    let (original, docs) = scholia::workspace::Workspace::open(ws);
    let mut n = 0;
    for doc in docs {
        let rel = doc.strip_prefix(ws).expect("inside");
        let back_file = back.join(rel).with_extension("scholia");
        let Ok(want) = std::fs::read(&doc) else {
            continue;
        };
        if std::str::from_utf8(&want).is_err() {
            continue;
        }
        let got = std::fs::read(&back_file)
            .unwrap_or_else(|e| panic!("{} not imported back: {e}\n{stderr}", doc.display()));
        assert!(
            got == want,
            "{} differs after export and import:\n--- want\n{}\n--- got\n{}",
            doc.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&got)
        );
        n += 1;
    }
    // Registry and bibliography, entry for entry.
    let mut config = String::from("registry = [\"register.toml\"]\nbibliography = [");
    if back.join("register.json").exists() {
        config.push_str("\"register.json\", ");
    }
    if back.join("register.bib").exists() {
        config.push_str("\"register.bib\"");
    }
    config.push_str("]\n");
    std::fs::write(back.join("scholia.toml"), config).expect("write");
    if !back.join("register.toml").exists() {
        std::fs::write(back.join("register.toml"), "").expect("write");
    }
    let (imported, _) = scholia::workspace::Workspace::open(&back);
    assert_eq!(
        entities(&imported),
        entities(&original),
        "registry of {}",
        ws.display()
    );
    assert_eq!(
        sources(&imported),
        sources(&original),
        "bibliography of {}",
        ws.display()
    );
    n
}

#[test]
fn seeds_come_back_byte_for_byte() {
    assert_eq!(round_trip(&root().join("seeds"), "seeds"), 5);
}

#[test]
fn fixture_workspaces_and_a_corpus_come_back_byte_for_byte() {
    let mut n = 0;
    for (i, ws) in workspaces().iter().enumerate().skip(1) {
        n += round_trip(ws, &format!("fixture-{i}"));
    }
    n += round_trip(&corpus("round-trip"), "corpus");
    assert!(n >= 100, "only {n} documents compared");
}

#[test]
fn foreign_tei_is_read_and_what_is_lost_is_reported() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/tei/foreign.xml")).expect("fixture");
    let imported = scholia::import::tei::import(&text).expect("reads");
    let findings: Vec<String> = imported
        .findings
        .iter()
        .map(|f| format!("{}:{}: {}", f.line, f.column, f.message))
        .collect();
    expect_test::expect_file!["fixtures/tei/foreign.scholia"]
        .assert_eq(imported.document.as_deref().unwrap_or(""));
    expect_test::expect_file!["fixtures/tei/foreign.findings"]
        .assert_eq(&(findings.join("\n") + "\n"));
}

/// Runs `scholia import` on `xml`; returns (exit code, stderr).
fn import_untrusted(name: &str, xml: &str) -> (i32, String) {
    let dir = tmp(name);
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, xml).expect("write");
    let mut child = scholia()
        .arg("import")
        .arg("--out")
        .arg(&dir)
        .arg(&file)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("scholia import runs");
    // No hang: it must end within 20 s (it ends in milliseconds).
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("scholia import of {name} hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    assert!(
        !dir.join(format!("{name}.scholia")).exists(),
        "{name}: a document was written"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn hostile_tei_gets_a_clear_error() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE TEI [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&lol9;</p></body></text></TEI>"#;
    let (code, err) = import_untrusted("laughs", laughs);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("laughs.xml:2:1: error[import]: a DOCTYPE is not read"),
        "{err}"
    );

    let system = r#"<?xml version="1.0"?>
<!DOCTYPE TEI [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&xxe;</p></body></text></TEI>"#;
    let (code, err) = import_untrusted("system", system);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a DOCTYPE is not read"), "{err}");
    assert!(!err.contains("root:"), "{err}");

    // An entity used without any DOCTYPE is not expanded either.
    let undefined =
        r#"<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&xxe;</p></body></text></TEI>"#;
    let (code, err) = import_untrusted("undefined", undefined);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("entity `&xxe;` is not defined"), "{err}");

    let mut deep = String::from(r#"<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>"#);
    for _ in 0..100_000 {
        deep.push_str("<hi>");
    }
    deep.push('x');
    for _ in 0..100_000 {
        deep.push_str("</hi>");
    }
    deep.push_str("</body></text></TEI>");
    let (code, err) = import_untrusted("deep", &deep);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("elements nested deeper than 1000: not read"),
        "{err}"
    );

    let (code, err) = import_untrusted("broken", "<TEI><text><body><p>open</body></TEI>");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not well-formed XML"), "{err}");
}

/// A citation key that is also a registry id (`kennan`; `38th-parallel`,
/// whose xml:id is mapped): register.xml keeps every xml:id unique (jing
/// refuses a duplicate ID), pointers follow, and the round trip is exact.
#[test]
fn a_key_that_is_also_a_registry_id_gets_its_own_xml_id() {
    let ws = root().join("tests/fixtures/tei/collision");
    let out = tmp("collision");
    export(&ws, &out);
    let register = std::fs::read_to_string(out.join("register.xml")).expect("register");
    let ids: Vec<&str> = register
        .split("xml:id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        ids,
        [
            "kennan",
            "acheson",
            "_33_8th-parallel",
            "_bibl__33_8th-parallel",
            "_bibl_kennan",
            "acheson-present"
        ]
    );
    let doc = std::fs::read_to_string(out.join("kennan.xml")).expect("document");
    assert!(
        doc.contains("<persName ref=\"register.xml#kennan\">"),
        "{doc}"
    );
    assert!(
        doc.contains("<ptr target=\"register.xml#_bibl_kennan\"/>"),
        "{doc}"
    );
    assert!(
        doc.contains("<ptr target=\"register.xml#_bibl__33_8th-parallel\"/>"),
        "{doc}"
    );
    assert!(
        doc.contains("<ptr target=\"register.xml#acheson-present\"/>"),
        "{doc}"
    );
    let result = Command::new("jing")
        .arg(schema())
        .arg(out.join("register.xml"))
        .arg(out.join("kennan.xml"))
        .output()
        .expect("jing runs");
    assert!(
        result.status.success(),
        "jing rejects the export:\n{}",
        String::from_utf8_lossy(&result.stdout)
    );
    assert_eq!(round_trip(&ws, "collision"), 1);
}

/// The formatted references an export keeps for the next one (docs/export.md):
/// a second export reads them and writes the same files; `--no-cache` keeps
/// nothing; a kept answer is read for its entry only while the entry is
/// unchanged.
#[test]
fn kept_renderings_give_the_same_export_and_follow_the_entries() {
    let dir = tmp("kept");
    let cache = dir.join("cache");
    let ws = dir.join("ws");
    copy_tree(&root().join("seeds"), &ws);
    let run = |out: &str, extra: &[&str]| {
        let result = Command::new(env!("CARGO_BIN_EXE_scholia"))
            .env("SCHOLIA_CACHE_DIR", &cache)
            .args(["export", "--format", "tei", "--out"])
            .arg(dir.join(out))
            .args(extra)
            .arg(&ws)
            .output()
            .expect("scholia export runs");
        assert!(result.status.success(), "{result:?}");
        std::fs::read_to_string(dir.join(out).join("register.xml")).expect("register")
    };
    let fresh = run("fresh", &["--no-cache"]);
    assert!(!cache.exists(), "--no-cache keeps nothing");
    let first = run("first", &[]);
    let kept: Vec<PathBuf> = files_with(&cache, "json");
    assert_eq!(kept.len(), 1, "one file for the one style: {kept:?}");
    let second = run("second", &[]);
    assert_eq!(first, fresh);
    assert_eq!(second, fresh);
    for f in files_with(&dir.join("fresh"), "xml") {
        let rel = f.strip_prefix(dir.join("fresh")).unwrap();
        let again = std::fs::read(dir.join("second").join(rel)).unwrap();
        assert!(
            std::fs::read(&f).unwrap() == again,
            "{} differs",
            rel.display()
        );
    }

    // The file is read: a kept answer, changed by hand, is what the next
    // export writes for its entry ...
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&kept[0]).unwrap()).unwrap();
    let renders = file["renders"].as_object_mut().unwrap();
    let key = renders
        .keys()
        .find(|k| k.contains("\"zhou-wengao-7\"") && k.ends_with('\0'))
        .expect("the entry's reference without a locator was kept")
        .clone();
    let was = renders[&key].as_str().unwrap().to_string();
    renders.insert(key, "KEPT ANSWER".into());
    std::fs::write(&kept[0], file.to_string()).unwrap();
    let read = run("read", &[]);
    assert!(
        read.contains("KEPT ANSWER") && !read.contains(&was),
        "{read}"
    );
    // ... until the entry changes: then it is formatted afresh.
    let sources = ws.join("sources.json");
    let text = std::fs::read_to_string(&sources).unwrap();
    let changed = text.replacen("Zhou Enlai wengao", "Zhou Enlai wenji", 1);
    assert_ne!(text, changed);
    std::fs::write(&sources, changed).unwrap();
    let after = run("after", &[]);
    assert!(!after.contains("KEPT ANSWER"), "{after}");
    assert!(after.contains("Zhou Enlai wenji"), "{after}");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable");
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
