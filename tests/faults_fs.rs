//! File-system faults, through the real server over stdio (and `scholia
//! check` where the CLI reads the same files): registry and bibliography
//! files that are not UTF-8, binary, empty, huge, deleted while open,
//! unreadable; a symlink loop; a workspace of 100,000 files of which few are
//! ours; a `scholia.toml` pointing outside its root. Each must give a
//! diagnostic or a log line naming the path, keep the last good registry in
//! use, and leave the rest of the workspace working. Workspaces are made in
//! temp folders, never committed.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use support::lsp_client::*;

const PEOPLE: &str = "[person.zhou-enlai]\nname = \"Zhou Enlai\"\naliases = [\"Zhou\"]\n";
const PLACES: &str = "[place.port-arthur]\nname = \"Port Arthur\"\n";
const DOC: &str = "# Doc\n\n[[zhou-enlai]] went to [[port-arthur]]. [@aprf] [@sheng]\n";

/// A workspace with two registry files, a CSL-JSON and a BibTeX file, and
/// one document that uses an entry of each.
fn workspace(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let w = |rel: &str, text: &[u8]| {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    w(
        "scholia.toml",
        b"registry = [\"registry/*.toml\"]\nbibliography = [\"sources.json\", \"refs.bib\"]\n",
    );
    w("registry/people.toml", PEOPLE.as_bytes());
    w("registry/places.toml", PLACES.as_bytes());
    w(
        "sources.json",
        br#"[{"id": "aprf", "type": "book", "title": "Archive"}]"#,
    );
    w("refs.bib", b"@book{sheng, title = {Sheng}, year = 2014}\n");
    w("doc.scholia", DOC.as_bytes());
    dir
}

fn codes(diags: &[Diag]) -> Vec<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// The messages of the `unknown-entity` / `unknown-citation` diagnostics.
fn unknown(diags: &[Diag]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.code.starts_with("unknown-"))
        .map(|d| d.message.clone())
        .collect()
}

fn changed(client: &mut Client, path: &Path, kind: u32) {
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(path), "type": kind }] }),
    );
}
const CREATED: u32 = 1;
const CHANGED: u32 = 2;
const DELETED: u32 = 3;

/// Starts the server on `dir`, opens the document and returns its URI once
/// the background index is done (its diagnostics settle).
fn start(dir: &TempDir) -> (Client, String) {
    let mut client = Client::start(Some(&dir.path), None);
    let uri = client.open(&dir.join("doc.scholia"), DOC);
    client.diagnostics_for(&uri, Some(1));
    (client, uri)
}

fn io_diagnostic(client: &mut Client, path: &Path, needle: &str) -> Diag {
    let diags = client.wait_diagnostics(&uri_of(path), |d| {
        d.iter()
            .any(|x| x.code == "io" && x.message.contains(needle))
    });
    let d = diags.into_iter().find(|x| x.code == "io").unwrap();
    assert!(
        d.message
            .contains(path.file_name().unwrap().to_str().unwrap()),
        "the message names the file: {}",
        d.message
    );
    d
}

#[test]
fn a_registry_that_stops_being_utf8_keeps_its_last_good_version() {
    let dir = workspace("fs-latin1");
    let (mut client, uri) = start(&dir);
    assert!(unknown(&client.diagnostics_for(&uri, Some(1))).is_empty());
    let people = dir.join("registry/people.toml");
    // Saved as Latin-1 by another program.
    fs::write(&people, b"[person.zhou-enlai]\nname = \"Zh\xf4u Enlai\"\n").unwrap();
    changed(&mut client, &people, CHANGED);
    io_diagnostic(&mut client, &people, "last readable version stays in use");
    assert!(client.stderr().contains("people.toml is not UTF-8"));
    // The entry still resolves; the other files are untouched.
    let diags = client.diagnostics_for(&uri, Some(1));
    assert!(unknown(&diags).is_empty(), "{diags:#?}");
    // Fixed again: the diagnostic goes away.
    fs::write(&people, PEOPLE).unwrap();
    changed(&mut client, &people, CHANGED);
    client.wait_diagnostics(&uri_of(&people), |d| d.is_empty());
}

#[test]
fn unreadable_registry_and_bibliography_files_at_start() {
    let dir = workspace("fs-bad-start");
    let people = dir.join("registry/people.toml");
    let bib = dir.join("refs.bib");
    // Binary (a PNG header: not UTF-8) and NUL-filled text (UTF-8, not TOML).
    fs::write(&people, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe").unwrap();
    fs::write(&bib, b"\x00\x00\x00@book{x,\x00}\x00").unwrap();
    let (mut client, uri) = start(&dir);
    io_diagnostic(&mut client, &people, "not UTF-8");
    let diags = client.wait_diagnostics(&uri_of(&bib), |d| !d.is_empty());
    assert!(
        codes(&diags).iter().all(|c| *c == "bibliography"),
        "{diags:#?}"
    );
    // What they held is unknown; everything else resolves.
    let diags = client.wait_diagnostics(&uri, |d| unknown(d).len() == 2);
    let u = unknown(&diags).join("\n");
    assert!(u.contains("zhou-enlai") && u.contains("sheng"), "{u}");
    // The CLI reports the same file, by path, and finishes.
    let out = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .arg("check")
        .arg(&dir.path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("doc.scholia"), "{text}");
}

#[test]
fn empty_registry_and_bibliography_files() {
    let dir = workspace("fs-empty");
    fs::write(dir.join("registry/people.toml"), b"").unwrap();
    fs::write(dir.join("sources.json"), b"").unwrap();
    fs::write(dir.join("refs.bib"), b"").unwrap();
    let (mut client, uri) = start(&dir);
    let diags = client.wait_diagnostics(&uri, |d| unknown(d).len() == 3);
    assert!(!unknown(&diags).join(" ").contains("port-arthur"));
    // Empty files are simply empty: no entries, no diagnostics.
    for f in ["sources.json", "refs.bib", "registry/people.toml"] {
        client.wait_diagnostics(&uri_of(&dir.join(f)), |d| d.is_empty());
    }
    assert!(!client.panicked(), "{}", client.stderr());
}

#[test]
fn huge_registry_and_bibliography_files_are_refused_unread() {
    let dir = workspace("fs-huge");
    let people = dir.join("registry/people.toml");
    let json = dir.join("sources.json");
    // 100 MB each (sparse: nothing is written, and nothing must be read).
    for p in [&people, &json] {
        fs::File::create(p).unwrap().set_len(100 << 20).unwrap();
    }
    let started = Instant::now();
    let (mut client, uri) = start(&dir);
    io_diagnostic(&mut client, &people, "above the limit");
    io_diagnostic(&mut client, &json, "above the limit");
    let diags = client.wait_diagnostics(&uri, |d| unknown(d).len() == 2);
    let u = unknown(&diags).join("\n");
    assert!(u.contains("zhou-enlai") && u.contains("aprf"), "{u}");
    assert!(started.elapsed() < Duration::from_secs(10));
    // A registry that grows past the limit while in use keeps its last
    // good version.
    let places = dir.join("registry/places.toml");
    fs::File::options()
        .write(true)
        .open(&places)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    changed(&mut client, &places, CHANGED);
    io_diagnostic(&mut client, &places, "last readable version");
    let diags = client.diagnostics_for(&uri, Some(1));
    assert!(!unknown(&diags).join(" ").contains("port-arthur"));
}

#[test]
fn files_deleted_while_open() {
    let dir = workspace("fs-deleted");
    let (mut client, uri) = start(&dir);
    let people = dir.join("registry/people.toml");
    let places = dir.join("registry/places.toml");
    // A registry file open in the editor, then deleted on disk.
    client.open(&places, PLACES);
    fs::remove_file(&places).unwrap();
    changed(&mut client, &places, DELETED);
    // A registry file deleted on disk while a document uses it: its
    // entries are gone, which the document shows.
    fs::remove_file(&people).unwrap();
    changed(&mut client, &people, DELETED);
    let diags = client.wait_diagnostics(&uri, |d| unknown(d).join(" ").contains("zhou-enlai"));
    assert!(!unknown(&diags).is_empty());
    // The open document deleted on disk: the editor's text stays in use.
    fs::remove_file(dir.join("doc.scholia")).unwrap();
    changed(&mut client, &dir.join("doc.scholia"), DELETED);
    client.change(
        &dir.join("doc.scholia"),
        2,
        &[Change::insert(pos(0, 0), "[^1]\n")],
    );
    let diags = client.diagnostics_for(&uri, Some(2));
    assert!(codes(&diags).contains(&"undefined-footnote"), "{diags:#?}");
    client.close(&dir.join("doc.scholia"));
    client.close(&places);
    // The bibliography deleted: citations become unknown, nothing breaks.
    fs::remove_file(dir.join("refs.bib")).unwrap();
    changed(&mut client, &dir.join("refs.bib"), DELETED);
    let uri2 = client.open(&dir.join("new.scholia"), "[@sheng] [@aprf]\n");
    let diags = client.wait_diagnostics(&uri2, |d| unknown(d).len() == 1);
    assert!(unknown(&diags)[0].contains("sheng"));
    // scholia.toml deleted and created again.
    let config = dir.join("scholia.toml");
    let text = fs::read(&config).unwrap();
    fs::remove_file(&config).unwrap();
    changed(&mut client, &config, DELETED);
    fs::write(&config, text).unwrap();
    changed(&mut client, &config, CREATED);
    client.wait_diagnostics(&uri2, |d| unknown(d).len() == 1);
    assert!(!client.panicked(), "{}", client.stderr());
}

/// True when this process can read a file whose permissions forbid it
/// (it runs as root): then permissions cannot make a file unreadable.
fn permissions_are_bypassed(dir: &TempDir) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join("probe");
    fs::write(&p, b"x").unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    fs::read(&p).is_ok()
}

#[test]
fn unreadable_files_and_broken_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace("fs-unreadable");
    let people = dir.join("registry/people.toml");
    // A registry file that is a link to nothing.
    std::os::unix::fs::symlink(dir.join("nowhere.toml"), dir.join("registry/broken.toml")).unwrap();
    let root = permissions_are_bypassed(&dir);
    let (mut client, uri) = start(&dir);
    if !root {
        // Unreadable after it was read once: the last good version stays.
        fs::set_permissions(&people, fs::Permissions::from_mode(0o000)).unwrap();
        changed(&mut client, &people, CHANGED);
        io_diagnostic(&mut client, &people, "last readable version");
        let diags = client.diagnostics_for(&uri, Some(1));
        assert!(unknown(&diags).is_empty(), "{diags:#?}");
        fs::set_permissions(&people, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let log = client.stderr();
    assert!(
        log.contains("broken.toml"),
        "the broken link is logged: {log}"
    );
    let diags = client.diagnostics_for(&uri, Some(1));
    assert!(unknown(&diags).is_empty(), "{diags:#?}");
}

#[test]
fn a_symlink_loop_in_the_workspace() {
    let dir = workspace("fs-loop");
    fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    std::os::unix::fs::symlink(&dir.path, dir.join("sub/deeper/loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("sub"), dir.join("sub/deeper/up")).unwrap();
    fs::write(dir.join("sub/inner.scholia"), "[[zhou-enlai]]\n").unwrap();
    let started = Instant::now();
    let (mut client, uri) = start(&dir);
    let diags = client.diagnostics_for(&uri, Some(1));
    assert!(unknown(&diags).is_empty(), "{diags:#?}");
    // The index was built (the inner document counts as a mention).
    let hover = client.hover(&dir.join("doc.scholia"), pos(2, 3));
    assert!(hover_text(&hover).contains("Zhou Enlai"), "{hover}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let log = client.stderr();
    assert!(log.contains("loop"), "the loop is logged: {log}");
    // The CLI finishes too.
    let out = Command::new(env!("CARGO_BIN_EXE_scholia"))
        .arg("check")
        .arg(&dir.path)
        .output()
        .unwrap();
    assert!(out.status.code().is_some());
}

#[test]
fn a_workspace_of_100000_files_of_which_few_are_ours() {
    let dir = workspace("fs-100k");
    for d in 0..100 {
        let sub = dir.join(&format!("data/d{d:03}"));
        fs::create_dir_all(&sub).unwrap();
        for f in 0..1000 {
            fs::write(sub.join(format!("f{f:04}.txt")), b"").unwrap();
        }
    }
    for i in 0..5 {
        fs::write(
            dir.join(&format!("data/d{i:03}/note{i}.scholia")),
            "[[zhou-enlai]] [@aprf]\n",
        )
        .unwrap();
    }
    let started = Instant::now();
    let mut client = Client::start(Some(&dir.path), None);
    // The server answers while the workspace is walked and indexed.
    let uri = client.open(&dir.join("doc.scholia"), DOC);
    let first = client.diagnostics_for(&uri, Some(1));
    assert!(unknown(&first).is_empty(), "{first:#?}");
    let answered = started.elapsed();
    // Once indexed, the entity card counts the six documents.
    eventually("the index holds every document", || {
        let hover = client.hover(&dir.join("doc.scholia"), pos(2, 3));
        hover_text(&hover).contains("6 documents").then_some(())
    });
    eprintln!(
        "100,000 files: first diagnostics after {answered:?}, indexed after {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_config_pointing_outside_the_root_is_refused_with_a_diagnostic() {
    let dir = workspace("fs-outside");
    let outside = TempDir::new("fs-outside-target");
    fs::write(
        outside.join("evil.toml"),
        "[person.outsider]\nname = \"Outsider\"\n",
    )
    .unwrap();
    let config = format!(
        "registry = [\"registry/*.toml\", \"../{}/evil.toml\", \"{}\"]\nbibliography = [\"sources.json\", \"refs.bib\", \"/etc/passwd\"]\n",
        outside.path.file_name().unwrap().to_str().unwrap(),
        outside.join("evil.toml").display()
    );
    fs::write(dir.join("scholia.toml"), config).unwrap();
    let mut client = Client::start(Some(&dir.path), None);
    let uri = client.open(
        &dir.join("doc.scholia"),
        "[[outsider]] [[zhou-enlai]] [@aprf]\n",
    );
    let diags = client.wait_diagnostics(&uri_of(&dir.join("scholia.toml")), |d| d.len() >= 3);
    assert!(
        diags
            .iter()
            .all(|d| d.code == "config" && d.message.contains("outside the workspace root")),
        "{diags:#?}"
    );
    let diags = client.diagnostics_for(&uri, Some(1));
    assert_eq!(unknown(&diags).len(), 1, "{diags:#?}");
    assert!(unknown(&diags)[0].contains("outsider"));
}
