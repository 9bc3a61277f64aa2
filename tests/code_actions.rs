//! Code actions through the real server over stdio (SPEC §6): each case is a
//! document with a `$0` cursor (or a `$0…$0` selection), opened in a fixture
//! workspace (`tests/fixtures/code_actions/`). The snapshot lists every
//! action offered (kind, title, whether it is preferred or disabled, which
//! of the diagnostics sent back with the request it fixes), then the files
//! after the chosen action's workspace edit is applied (edits checked not to
//! overlap), then how the document's diagnostics changed.
//!
//! Each request is made twice, with the published diagnostics that touch the
//! selection in its context (as an editor sends them) and without any: the
//! actions must be the same. `UPDATE_EXPECT=1 cargo test --test code_actions`
//! updates the snapshots; read the diff. In snapshots a carriage return shows
//! as `␍` and a byte-order mark as `<BOM>`.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use serde_json::{Value, json};
use support::lsp_client::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/code_actions")
}

/// Spawns the server for `root` (if any), offering `encodings`, with a
/// client that understands code action literals, (when `disabled_support`)
/// disabled actions and (when `document_changes`) versioned document edits.
fn start(
    root: Option<&Path>,
    encodings: &[&str],
    document_changes: bool,
    disabled_support: bool,
) -> Client {
    let mut client = Client::spawn();
    let folders = root.map(|r| json!([{ "uri": uri_of(r), "name": "ws" }]));
    let params = json!({
        "processId": std::process::id(),
        "rootUri": root.map(uri_of),
        "workspaceFolders": folders,
        "capabilities": {
            "general": { "positionEncodings": encodings },
            "textDocument": {
                "publishDiagnostics": { "versionSupport": true },
                "codeAction": {
                    "codeActionLiteralSupport": { "codeActionKind": { "valueSet": [
                        "quickfix", "refactor", "refactor.rewrite", "source",
                    ] } },
                    "isPreferredSupport": true,
                    "disabledSupport": disabled_support,
                },
            },
            "workspace": {
                "workspaceEdit": { "documentChanges": document_changes },
            },
            // The end of the indexing progress tells when the index is
            // complete (workspace-wide actions are disabled until then).
            "window": { "workDoneProgress": true },
        },
    });
    let result = client
        .request("initialize", params)
        .unwrap_or_else(|e| panic!("initialize failed: {e}"));
    let enc = result["capabilities"]["positionEncoding"]
        .as_str()
        .unwrap_or("utf-16");
    client.encoding = Encoding::from_name(enc).expect("a known encoding");
    client.notify("initialized", json!({}));
    if root.is_some() {
        client.wait_notification("$/progress", |p| {
            p["value"]["kind"] == "end"
                && p["token"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("scholia/index/"))
        });
    }
    client
}

/// The text without its `$0` markers, and the byte range they mark (one
/// marker: an empty range).
fn markers(fixture: &str) -> (String, std::ops::Range<usize>) {
    let found: Vec<usize> = fixture.match_indices("$0").map(|(i, _)| i).collect();
    let text = fixture.replace("$0", "");
    let range = match found.as_slice() {
        [a] => *a..*a,
        [a, b] => *a..*b - 2,
        _ => panic!("a fixture has one `$0` (cursor) or two (selection)"),
    };
    (text, range)
}

/// Makes carriage returns and a byte-order mark visible.
fn visible(text: &str) -> String {
    text.replace('\r', "␍").replace('\u{feff}', "<BOM>")
}

/// One scenario: a document in a workspace, a selection, and the action to
/// apply.
struct Case<'a> {
    /// Folder under `tests/fixtures/code_actions`, or `None` for a document
    /// outside any workspace.
    root: Option<&'a str>,
    file: &'a str,
    fixture: &'a str,
    only: Option<&'a [&'a str]>,
    apply: Option<&'a str>,
    encodings: &'a [&'a str],
    document_changes: bool,
    disabled_support: bool,
    /// Files opened in the editor first, with the text the editor holds.
    open_first: &'a [(&'a str, &'a str)],
}

impl<'a> Case<'a> {
    fn new(fixture: &'a str) -> Case<'a> {
        Case {
            root: Some("ws"),
            file: "doc.scholia",
            fixture,
            only: None,
            apply: None,
            encodings: &["utf-16"],
            document_changes: true,
            disabled_support: true,
            open_first: &[],
        }
    }

    fn apply(mut self, title: &'a str) -> Self {
        self.apply = Some(title);
        self
    }

    fn only(mut self, kinds: &'a [&'a str]) -> Self {
        self.only = Some(kinds);
        self
    }

    fn check(self, expect: Expect) {
        expect.assert_eq(&self.run());
    }

    fn run(&self) -> String {
        let temp;
        let root = match self.root {
            Some(r) => fixtures().join(r),
            None => {
                temp = TempDir::new("code-actions");
                temp.path.clone()
            }
        };
        let mut client = start(
            self.root.map(|_| root.as_path()),
            self.encodings,
            self.document_changes,
            self.disabled_support,
        );
        let enc = client.encoding;
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        for (rel, text) in self.open_first {
            let uri = client.open(&root.join(rel), text);
            texts.insert(uri, text.to_string());
        }
        let (text, sel) = markers(self.fixture);
        let path = root.join(self.file);
        let uri = client.open(&path, &text);
        texts.insert(uri.clone(), text.clone());
        client.diagnostics_for(&uri, Some(1));
        let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == 1
        });
        let before = diags_of(&published);
        let range = range_at(&text, sel.clone(), enc);
        let touching: Vec<Value> = published["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| {
                let r = Range::from_json(&d["range"]);
                r.start <= range.end && range.start <= r.end
            })
            .cloned()
            .collect();

        let with = self.request(&mut client, &uri, range, &touching);
        let without = self.request(&mut client, &uri, range, &[]);
        let strip = |list: &[Value]| -> Vec<Value> {
            list.iter()
                .map(|a| {
                    let mut a = a.clone();
                    a.as_object_mut().unwrap().remove("diagnostics");
                    a
                })
                .collect()
        };
        assert_eq!(
            strip(&with),
            strip(&without),
            "the actions differ without the client's diagnostics"
        );

        let mut out = String::new();
        for a in &with {
            out.push_str(&format!(
                "{:<25} {}",
                a["kind"].as_str().unwrap_or("?"),
                a["title"].as_str().unwrap_or("?")
            ));
            if a["isPreferred"] == true {
                out.push_str("  [preferred]");
            }
            if let Some(list) = a["diagnostics"].as_array() {
                let codes: Vec<&str> = list.iter().filter_map(|d| d["code"].as_str()).collect();
                out.push_str(&format!("  [fixes {}]", codes.join(", ")));
            }
            if let Some(reason) = a["disabled"]["reason"].as_str() {
                out.push_str(&format!("  [disabled: {reason}]"));
            }
            out.push('\n');
        }
        if with.is_empty() {
            out.push_str("(no actions)\n");
        }
        let Some(title) = self.apply else {
            return out;
        };
        let action = with
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no action `{title}` in:\n{out}"));
        let edits = edits_of(&action["edit"], &client, &texts);
        out.push_str(&format!("\n=== {title}\n"));
        let mut changed_doc = text.clone();
        for (file_uri, list) in &edits {
            let original = match texts.get(file_uri) {
                Some(t) => t.clone(),
                None => std::fs::read_to_string(path_of(file_uri)).expect("read an edited file"),
            };
            let after = apply_edits(&original, list, enc);
            let rel = path_of(file_uri)
                .strip_prefix(&root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| file_uri.clone());
            out.push_str(&format!("--- {rel}\n"));
            if *file_uri == uri {
                out.push_str(&visible(&after));
                changed_doc = after;
            } else {
                out.push_str(&tail(&original, &after));
                // The editor now holds the edited file.
                if texts.contains_key(file_uri) {
                    let v = client.version(file_uri) + 1;
                    client.change_uri(file_uri, v, &[Change::full(&after)]);
                } else {
                    client.open_uri(file_uri, &after);
                }
            }
            if !out.ends_with('\n') {
                out.push_str("⏎ (no final line break)\n");
            }
        }
        client.change_uri(&uri, 2, &[Change::full(&changed_doc)]);
        let after = client.diagnostics_for(&uri, Some(2));
        out.push_str(&format!(
            "--- diagnostics: {}\n",
            count_changes(&before, &after)
        ));
        out
    }

    fn request(&self, client: &mut Client, uri: &str, range: Range, diags: &[Value]) -> Vec<Value> {
        let mut context = json!({ "diagnostics": diags, "triggerKind": 1 });
        if let Some(only) = self.only {
            context["only"] = json!(only);
        }
        let result = client
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": { "uri": uri },
                    "range": range.json(),
                    "context": context,
                }),
            )
            .unwrap_or_else(|e| panic!("codeAction failed: {e}; stderr:\n{}", client.stderr()));
        result.as_array().cloned().unwrap_or_default()
    }
}

/// The text edits of a workspace edit per URI, from `documentChanges`
/// (versions checked: an open file's current version, `null` for a file the
/// editor does not hold) or from `changes`.
fn edits_of(
    edit: &Value,
    client: &Client,
    open: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<(Range, String)>> {
    let mut out: BTreeMap<String, Vec<(Range, String)>> = BTreeMap::new();
    let text_edit = |e: &Value| {
        (
            Range::from_json(&e["range"]),
            e["newText"].as_str().expect("newText").to_string(),
        )
    };
    if let Some(changes) = edit["documentChanges"].as_array() {
        for change in changes {
            let uri = change["textDocument"]["uri"].as_str().expect("uri");
            let version = &change["textDocument"]["version"];
            if open.contains_key(uri) {
                assert_eq!(version, &json!(client.version(uri)), "version of {uri}");
            } else {
                assert!(version.is_null(), "a closed file's version must be null");
            }
            let list = change["edits"].as_array().expect("edits");
            out.entry(uri.to_string())
                .or_default()
                .extend(list.iter().map(text_edit));
        }
    } else {
        let changes = edit["changes"]
            .as_object()
            .expect("changes or documentChanges");
        for (uri, list) in changes {
            let list = list.as_array().expect("edits");
            out.insert(uri.clone(), list.iter().map(text_edit).collect());
        }
    }
    out
}

/// Applies LSP text edits (all against the original text) as a client
/// must, after checking that no two overlap (insertions at one place are
/// allowed and keep their order).
fn apply_edits(text: &str, edits: &[(Range, String)], enc: Encoding) -> String {
    let mut spans: Vec<(usize, usize, usize, &str)> = edits
        .iter()
        .enumerate()
        .map(|(i, (r, new))| {
            let start = offset_at(text, r.start, enc);
            let end = offset_at(text, r.end, enc);
            assert!(start <= end, "an edit ends before it starts: {r:?}");
            assert_eq!(
                position_at(text, start, enc),
                r.start,
                "an edit starts at no exact position"
            );
            (start, end, i, new.as_str())
        })
        .collect();
    spans.sort_by_key(|&(s, e, i, _)| (s, e, i));
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0 && (pair[0].1 < pair[1].1 || pair[0].0 == pair[0].1),
            "overlapping edits: {:?} and {:?}",
            (pair[0].0, pair[0].1),
            (pair[1].0, pair[1].1)
        );
    }
    let mut out = text.to_string();
    for &(start, end, _, new) in spans.iter().rev() {
        out.replace_range(start..end, new);
    }
    out
}

/// The lines of `after` from the first that differs from `original`, the
/// lines before elided.
fn tail(original: &str, after: &str) -> String {
    let same = original
        .split_inclusive('\n')
        .zip(after.split_inclusive('\n'))
        .take_while(|(a, b)| a == b)
        .count();
    let rest: String = after.split_inclusive('\n').skip(same).collect();
    format!("⋮ ({same} lines unchanged)\n{}", visible(&rest))
}

/// How many diagnostics of each code there were before and after, for the
/// codes whose count changed.
fn count_changes(before: &[Diag], after: &[Diag]) -> String {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in before {
        counts.entry(&d.code).or_default().0 += 1;
    }
    for d in after {
        counts.entry(&d.code).or_default().1 += 1;
    }
    let changed: Vec<String> = counts
        .iter()
        .filter(|(_, (b, a))| b != a)
        .map(|(code, (b, a))| format!("{code} {b} → {a}"))
        .collect();
    if changed.is_empty() {
        "unchanged".into()
    } else {
        changed.join(", ")
    }
}

// ---------------------------------------------------------------------------
// Define a missing footnote
// ---------------------------------------------------------------------------

#[test]
fn define_missing_footnote_after_the_last_definition() {
    Case::new(
        "A claim.[^1] Another.[^2$0]\n\n[^1]: First note. [@aprf-45-1-343]\n\n[^x]: Named.\n",
    )
    .apply("Define footnote `[^2]`")
    .check(expect![[r#"
        quickfix                  Define footnote `[^2]`  [preferred]  [fixes undefined-footnote]

        === Define footnote `[^2]`
        --- doc.scholia
        A claim.[^1] Another.[^2]

        [^1]: First note. [@aprf-45-1-343]

        [^x]: Named.

        [^2]: 
        --- diagnostics: uncited-note 1 → 2, undefined-footnote 1 → 0
    "#]]);
}

#[test]
fn define_missing_footnote_at_the_end_keeps_crlf_and_bom() {
    Case::new("\u{feff}# Title\r\n\r\nA claim.$0[^7] [@aprf-45-1-343]\r\n")
        .apply("Define footnote `[^7]`")
        .check(expect![[r#"
            quickfix                  Define footnote `[^7]`  [preferred]  [fixes undefined-footnote]
            quickfix                  Renumber footnotes in order of first reference  [preferred]  [fixes footnote-order]

            === Define footnote `[^7]`
            --- doc.scholia
            <BOM># Title␍
            ␍
            A claim.[^7] [@aprf-45-1-343]␍
            ␍
            [^7]: ␍
            --- diagnostics: uncited-note 0 → 1, undefined-footnote 1 → 0
        "#]]);
}

#[test]
fn a_selection_over_several_undefined_footnotes_offers_each() {
    Case::new("$0A[^a] b[^b] c[^a].$0 [@aprf-45-1-343]\n[^c]: defined, unused.\n")
        .apply("Define footnote `[^b]`")
        .check(expect![[r#"
            quickfix                  Define footnote `[^a]`  [preferred]  [fixes undefined-footnote, undefined-footnote]
            quickfix                  Define footnote `[^b]`  [preferred]  [fixes undefined-footnote]

            === Define footnote `[^b]`
            --- doc.scholia
            A[^a] b[^b] c[^a]. [@aprf-45-1-343]
            [^c]: defined, unused.
            [^b]: 
            --- diagnostics: uncited-note 1 → 2, undefined-footnote 3 → 2
        "#]]);
}

#[test]
fn define_missing_footnote_with_utf8_columns_after_emoji_and_cjk() {
    let mut case = Case::new("周恩来 👨‍👩‍👧 said so.[^n$0] [@aprf-45-1-343]\n\n[^m]: 注 ✓\n");
    case.encodings = &["utf-8"];
    case.apply("Define footnote `[^n]`").check(expect![[r#"
        quickfix                  Define footnote `[^n]`  [preferred]  [fixes undefined-footnote]

        === Define footnote `[^n]`
        --- doc.scholia
        周恩来 👨‍👩‍👧 said so.[^n] [@aprf-45-1-343]

        [^m]: 注 ✓
        [^n]: 
        --- diagnostics: uncited-note 1 → 2, undefined-footnote 1 → 0
    "#]]);
}

// ---------------------------------------------------------------------------
// Add an unknown entity to the registry
// ---------------------------------------------------------------------------

#[test]
fn add_unknown_entity_to_the_first_registry_file() {
    Case::new("We met [[Wang $0Zhen]] there. [@aprf-45-1-343]\n")
        .apply("Add `Wang Zhen` to the registry as a person")
        .check(expect![[r#"
            quickfix                  Add `Wang Zhen` to the registry as a person  [fixes unknown-entity]
            quickfix                  Add `Wang Zhen` to the registry as a place  [fixes unknown-entity]
            quickfix                  Add `Wang Zhen` to the registry as an organization  [fixes unknown-entity]

            === Add `Wang Zhen` to the registry as a person
            --- registry/a-people.toml
            ⋮ (21 lines unchanged)

            [person.wang-zhen]
            name = "Wang Zhen"
            --- diagnostics: unknown-entity 1 → 0
        "#]]);
}

#[test]
fn a_new_id_is_made_unique_and_cjk_names_get_a_generic_id() {
    Case::new("[[Li Peng]] and [[王震$0]]. [@aprf-45-1-343]\n")
        .apply("Add `王震` to the registry as a person")
        .check(expect![[r#"
            quickfix                  Add `王震` to the registry as a person  [fixes unknown-entity]
            quickfix                  Add `王震` to the registry as a place  [fixes unknown-entity]
            quickfix                  Add `王震` to the registry as an organization  [fixes unknown-entity]

            === Add `王震` to the registry as a person
            --- registry/a-people.toml
            ⋮ (21 lines unchanged)

            [person.entity]
            name = "王震"
            --- diagnostics: unknown-entity 2 → 1
        "#]]);
    Case::new("[[Li $0Peng]]. [@aprf-45-1-343]\n")
        .apply("Add `Li Peng` to the registry as a place")
        .check(expect![[r#"
            quickfix                  Add `Li Peng` to the registry as a person  [fixes unknown-entity]
            quickfix                  Add `Li Peng` to the registry as a place  [fixes unknown-entity]
            quickfix                  Add `Li Peng` to the registry as an organization  [fixes unknown-entity]

            === Add `Li Peng` to the registry as a place
            --- registry/a-people.toml
            ⋮ (21 lines unchanged)

            [place.li-peng-2]
            name = "Li Peng"
            --- diagnostics: unknown-entity 1 → 0
        "#]]);
}

#[test]
fn an_id_like_target_with_display_text_becomes_id_and_name() {
    Case::new("[[wang-zhen|Wang \"Big\" Zhen$0]] [@aprf-45-1-343]\n")
        .apply("Add `Wang \"Big\" Zhen` to the registry as a person")
        .check(expect![[r#"
            quickfix                  Add `Wang "Big" Zhen` to the registry as a person  [fixes unknown-entity]
            quickfix                  Add `Wang "Big" Zhen` to the registry as a place  [fixes unknown-entity]
            quickfix                  Add `Wang "Big" Zhen` to the registry as an organization  [fixes unknown-entity]

            === Add `Wang "Big" Zhen` to the registry as a person
            --- registry/a-people.toml
            ⋮ (21 lines unchanged)

            [person.wang-zhen]
            name = "Wang \"Big\" Zhen"
            --- diagnostics: unknown-entity 1 → 0
        "#]]);
}

#[test]
fn add_entity_appends_to_the_registry_as_the_editor_holds_it() {
    let mut case = Case::new("[[Wang Zhen$0]] [@aprf-45-1-343]\n");
    let edited = "# Being edited, not saved.\r\n[person.peng]\r\nname = \"Peng Dehuai\"";
    let open = [("registry/a-people.toml", edited)];
    case.open_first = &open;
    case.apply("Add `Wang Zhen` to the registry as an organization")
        .check(expect![[r#"
            quickfix                  Add `Wang Zhen` to the registry as a person  [fixes unknown-entity]
            quickfix                  Add `Wang Zhen` to the registry as a place  [fixes unknown-entity]
            quickfix                  Add `Wang Zhen` to the registry as an organization  [fixes unknown-entity]

            === Add `Wang Zhen` to the registry as an organization
            --- registry/a-people.toml
            ⋮ (2 lines unchanged)
            name = "Peng Dehuai"␍
            ␍
            [organization.wang-zhen]␍
            name = "Wang Zhen"␍
            --- diagnostics: unknown-entity 1 → 0
        "#]]);
}

#[test]
fn without_a_registry_file_nothing_is_offered() {
    let mut case = Case::new("[[Wang Zhen$0]] [@aprf-45-1-343]\n");
    case.root = Some("noreg");
    case.check(expect![[r#"
        (no actions)
    "#]]);
    let mut case = Case::new("[[Wang Zhen$0]] and [^1$0].\n");
    case.root = None;
    case.check(expect![[r#"
        quickfix                  Define footnote `[^1]`  [preferred]  [fixes undefined-footnote]
    "#]]);
}

// ---------------------------------------------------------------------------
// Tag untagged mentions
// ---------------------------------------------------------------------------

#[test]
fn tag_one_untagged_mention_or_every_one() {
    let doc = "Sta$0lin spoke. [@aprf-45-1-343]\n\n# Stalin's reply\n\n[[stalin|Stalin]] and Stalinist Stalin.[^1]\n\n[^1]: Stalin, again.\n";
    Case::new(doc)
        .apply("Tag `Stalin` as [[stalin|Stalin]]")
        .check(expect![[r#"
            quickfix                  Tag `Stalin` as [[stalin|Stalin]]  [preferred]  [fixes untagged-mention]
            quickfix                  Tag every untagged occurrence of `Stalin` in this document  [fixes untagged-mention]
            quickfix                  Tag every untagged `Stalin` in the workspace  [fixes untagged-mention]
            refactor.rewrite          Use the preferred name `Joseph Stalin`

            === Tag `Stalin` as [[stalin|Stalin]]
            --- doc.scholia
            [[stalin|Stalin]] spoke. [@aprf-45-1-343]

            # Stalin's reply

            [[stalin|Stalin]] and Stalinist Stalin.[^1]

            [^1]: Stalin, again.
            --- diagnostics: untagged-mention 4 → 3
        "#]]);
    Case::new(doc)
        .apply("Tag every untagged occurrence of `Stalin` in this document")
        .check(expect![[r#"
            quickfix                  Tag `Stalin` as [[stalin|Stalin]]  [preferred]  [fixes untagged-mention]
            quickfix                  Tag every untagged occurrence of `Stalin` in this document  [fixes untagged-mention]
            quickfix                  Tag every untagged `Stalin` in the workspace  [fixes untagged-mention]
            refactor.rewrite          Use the preferred name `Joseph Stalin`

            === Tag every untagged occurrence of `Stalin` in this document
            --- doc.scholia
            [[stalin|Stalin]] spoke. [@aprf-45-1-343]

            # [[stalin|Stalin]]'s reply

            [[stalin|Stalin]] and Stalinist [[stalin|Stalin]].[^1]

            [^1]: [[stalin|Stalin]], again.
            --- diagnostics: untagged-mention 4 → 0
        "#]]);
}

#[test]
fn tag_a_name_as_itself_and_an_ambiguous_name_once_per_entry() {
    Case::new("Zhou Enlai$0 came. [@aprf-45-1-343]\n")
        .apply("Tag `Zhou Enlai` as [[Zhou Enlai]]")
        .check(expect![[r#"
            quickfix                  Tag `Zhou Enlai` as [[Zhou Enlai]]  [preferred]  [fixes untagged-mention]
            quickfix                  Tag every untagged `Zhou Enlai` in the workspace  [fixes untagged-mention]

            === Tag `Zhou Enlai` as [[Zhou Enlai]]
            --- doc.scholia
            [[Zhou Enlai]] came. [@aprf-45-1-343]
            --- diagnostics: untagged-mention 1 → 0
        "#]]);
    Case::new("$0Kim met Kim. [@aprf-45-1-343]\n")
        .apply("Tag `Kim` as [[kim-tu-bong|Kim]]")
        .check(expect![[r#"
            quickfix                  Tag `Kim` as [[kim-il-sung|Kim]]  [fixes untagged-mention]
            quickfix                  Tag `Kim` as [[kim-tu-bong|Kim]]  [fixes untagged-mention]

            === Tag `Kim` as [[kim-tu-bong|Kim]]
            --- doc.scholia
            [[kim-tu-bong|Kim]] met Kim. [@aprf-45-1-343]
            --- diagnostics: untagged-mention 2 → 1
        "#]]);
}

#[test]
fn tag_with_utf32_columns() {
    let mut case = Case::new("👨‍👩‍👧 Lüshun$0 𝄞 Lüshun. [@aprf-45-1-343]\n");
    case.encodings = &["utf-32"];
    case.apply("Tag every untagged occurrence of `Lüshun` in this document")
        .check(expect![[r#"
            quickfix                  Tag `Lüshun` as [[port-arthur|Lüshun]]  [preferred]  [fixes untagged-mention]
            quickfix                  Tag every untagged occurrence of `Lüshun` in this document  [fixes untagged-mention]
            quickfix                  Tag every untagged `Lüshun` in the workspace  [fixes untagged-mention]
            refactor.rewrite          Use the preferred name `Port Arthur`

            === Tag every untagged occurrence of `Lüshun` in this document
            --- doc.scholia
            👨‍👩‍👧 [[port-arthur|Lüshun]] 𝄞 [[port-arthur|Lüshun]]. [@aprf-45-1-343]
            --- diagnostics: untagged-mention 2 → 0
        "#]]);
}

// ---------------------------------------------------------------------------
// Renumber footnotes
// ---------------------------------------------------------------------------

const OUT_OF_ORDER: &str = "First[^3], then[^1] and[^intro].\r\n\r\nAgain[^3].\r\n\r\n[^1]: Note one. [@aprf-45-1-343]\r\n\r\n[^intro]: Named, cites [^1]. [@aprf-45-1-343]\r\n\r\n[^3]: Note three. [@aprf-45-1-343]\r\n\r\n    Its second paragraph.\r\n\r\n[^9]: Never referenced. [@aprf-45-1-343]\r\n";

#[test]
fn renumber_as_a_quick_fix_of_footnote_order() {
    let doc = OUT_OF_ORDER.replacen("[^3]", "[^3$0]", 1);
    Case::new(&doc)
        .apply("Renumber footnotes in order of first reference")
        .check(expect![[r#"
            quickfix                  Renumber footnotes in order of first reference  [preferred]  [fixes footnote-order]

            === Renumber footnotes in order of first reference
            --- doc.scholia
            First[^1], then[^2] and[^intro].␍
            ␍
            Again[^1].␍
            ␍
            [^1]: Note three. [@aprf-45-1-343]␍
            ␍
                Its second paragraph.␍
            ␍
            [^intro]: Named, cites [^2]. [@aprf-45-1-343]␍
            ␍
            [^2]: Note one. [@aprf-45-1-343]␍
            ␍
            [^3]: Never referenced. [@aprf-45-1-343]␍
            --- diagnostics: footnote-order 2 → 0
        "#]]);
}

#[test]
fn renumber_in_the_refactor_and_source_menus() {
    // On a footnote that is in its place: a rewrite, not a fix.
    let doc = OUT_OF_ORDER.replacen("[^intro]", "[^in$0tro]", 1);
    Case::new(&doc).check(expect![[r#"
        refactor.rewrite          Renumber footnotes in order of first reference
    "#]]);
    Case::new(&doc).only(&["refactor"]).check(expect![[r#"
        refactor.rewrite          Renumber footnotes in order of first reference
    "#]]);
    // Anywhere, when the client asks for source actions.
    let doc = format!("{}$0", OUT_OF_ORDER);
    Case::new(&doc).only(&["source"]).check(expect![[r#"
        source.renumberFootnotes  Renumber footnotes in order of first reference
    "#]]);
    Case::new(&doc).check(expect![[r#"
        (no actions)
    "#]]);
    Case::new("In order[^1][^2].$0\n\n[^1]: a\n[^2]: b\n")
        .only(&["source.renumberFootnotes"])
        .check(expect![[r#"
            source.renumberFootnotes  Renumber footnotes in order of first reference  [disabled: the footnotes are already numbered 1..n in order of first reference]
        "#]]);
}

#[test]
fn renumber_is_refused_when_a_number_is_defined_twice() {
    let doc = "Out[^2$0] of[^1] order.\n\n[^1]: a\n[^2]: b\n[^2]: c\n";
    Case::new(doc).check(expect![[r#"
        quickfix                  Renumber footnotes in order of first reference  [fixes footnote-order]  [disabled: footnote [^2] is defined more than once: keep one definition, then renumber]
    "#]]);
    // A client that cannot show a disabled action gets none.
    let mut case = Case::new(doc);
    case.disabled_support = false;
    case.check(expect![[r#"
        (no actions)
    "#]]);
}

#[test]
fn renumber_with_plain_changes_for_a_client_without_document_changes() {
    let mut case = Case::new("B[^2$0] a[^1].\n\n[^1]: one\n\n[^2]: two\n");
    case.document_changes = false;
    case.apply("Renumber footnotes in order of first reference")
        .check(expect![[r#"
            quickfix                  Renumber footnotes in order of first reference  [preferred]  [fixes footnote-order]

            === Renumber footnotes in order of first reference
            --- doc.scholia
            B[^1] a[^2].

            [^1]: two

            [^2]: one
            --- diagnostics: footnote-order 2 → 0
        "#]]);
}

// ---------------------------------------------------------------------------
// Use the preferred name
// ---------------------------------------------------------------------------

#[test]
fn use_the_preferred_name_in_a_mention() {
    Case::new("[[zhou-enlai|Chou $0En-lai]] spoke. [@aprf-45-1-343]\n")
        .apply("Use the preferred name `Zhou Enlai`")
        .check(expect![[r#"
            refactor.rewrite          Use the preferred name `Zhou Enlai`

            === Use the preferred name `Zhou Enlai`
            --- doc.scholia
            [[zhou-enlai|Zhou Enlai]] spoke. [@aprf-45-1-343]
            --- diagnostics: unchanged
        "#]]);
    Case::new("[[Chou Enlai$0]] spoke. [@aprf-45-1-343]\n")
        .apply("Use the preferred name `Zhou Enlai`")
        .check(expect![[r#"
            refactor.rewrite          Use the preferred name `Zhou Enlai`

            === Use the preferred name `Zhou Enlai`
            --- doc.scholia
            [[Zhou Enlai]] spoke. [@aprf-45-1-343]
            --- diagnostics: unchanged
        "#]]);
    // Written in capitals, as the minutes do: not a variant, nothing offered.
    Case::new("[[zhou-enlai|ZHOU$0]] spoke. [@aprf-45-1-343]\n").check(expect![[r#"
        (no actions)
    "#]]);
}

#[test]
fn use_the_preferred_name_in_plain_text() {
    Case::new("Then $0Chou En-lai$0 left. [@aprf-45-1-343]\n")
        .only(&["refactor.rewrite"])
        .apply("Use the preferred name `Zhou Enlai`")
        .check(expect![[r#"
            refactor.rewrite          Use the preferred name `Zhou Enlai`

            === Use the preferred name `Zhou Enlai`
            --- doc.scholia
            Then Zhou Enlai left. [@aprf-45-1-343]
            --- diagnostics: unchanged
        "#]]);
}

#[test]
fn write_folios_for_an_archival_ll() {
    Case::new("Said so. [@aprf-45-1-343, $0ll. 97-103]\n")
        .apply("Write `fols.` (folios)")
        .check(expect![[r#"
            quickfix                  Write `fols.` (folios)  [preferred]  [fixes ambiguous-locator]

            === Write `fols.` (folios)
            --- doc.scholia
            Said so. [@aprf-45-1-343, fols. 97-103]
            --- diagnostics: ambiguous-locator 1 → 0
        "#]]);
    Case::new("Said so. [@aprf-45-1-343, $0l. 98]\n")
        .apply("Write `fol.` (folio)")
        .check(expect![[r#"
            quickfix                  Write `fol.` (folio)  [preferred]  [fixes ambiguous-locator]

            === Write `fol.` (folio)
            --- doc.scholia
            Said so. [@aprf-45-1-343, fol. 98]
            --- diagnostics: ambiguous-locator 1 → 0
        "#]]);
}

/// `duplicate-authority` in a registry file: the later entry is merged into
/// the earlier one (names become aliases, a variant and the fields the
/// earlier lacks move, a conflicting `born` is kept as a comment), its
/// table is deleted, and a closed document's mentions written with its id
/// are renamed (those written with a name keep their text).
#[test]
fn merge_two_entries_with_one_wikidata_id() {
    let mut case = Case::new(REGISTRY_WITH_A_DUPLICATE)
        .apply("Merge `person.chou-en-lai` into `person.zhou-enlai`");
    case.root = Some("authority");
    case.file = "registry/people.toml";
    case.check(expect![[r#"
        quickfix                  Merge `person.chou-en-lai` into `person.zhou-enlai`  [fixes duplicate-authority]

        === Merge `person.chou-en-lai` into `person.zhou-enlai`
        --- registry/people.toml
        [person.zhou-enlai]
        name = "Zhou Enlai"
        aliases = ["Premier Zhou", "Chou En-lai", "Chou"]
        born = 1898
        wikidata = "Q17427"
        variants = { wade-giles = "Chou En-lai" }
        # from `person.chou-en-lai`: born = 1899
        died = 1976
        viaf = "78769600"

        [person.stalin]
        name = "Joseph Stalin"
        wikidata = "Q855"

        # Places follow.
        [place.moscow]
        name = "Moscow"
        --- telegram.scholia
        ⋮ (5 lines unchanged)
        [[zhou-enlai|chou-en-lai]] met [[stalin|Stalin]]; [[Chou En-lai]] and [[zhou-enlai|the Premier]] left for [[Moscow]].
        --- diagnostics: duplicate-authority 2 → 0
    "#]]);
}

/// The merge is offered at the earlier entry's id too, and nowhere else.
#[test]
fn the_merge_is_offered_at_either_shared_id_only() {
    let registry = REGISTRY_WITH_A_DUPLICATE.replace("$0", "");
    let at_first = registry.replacen("\"Q17427\"", "\"Q17$0427\"", 1);
    let at_stalin = registry.replacen("\"Q855\"", "\"Q8$055\"", 1);
    for (fixture, expect) in [
        (
            at_first,
            expect![[r#"
                quickfix                  Merge `person.chou-en-lai` into `person.zhou-enlai`  [fixes duplicate-authority]
            "#]],
        ),
        (
            at_stalin,
            expect![[r#"
            (no actions)
        "#]],
        ),
    ] {
        let mut case = Case::new(&fixture);
        case.root = Some("authority");
        case.file = "registry/people.toml";
        case.check(expect);
    }
}

/// The registry of `tests/fixtures/code_actions/authority`, the cursor on
/// the later entry's Wikidata id.
const REGISTRY_WITH_A_DUPLICATE: &str = r#"[person.zhou-enlai]
name = "Zhou Enlai"
aliases = ["Premier Zhou"]
born = 1898
wikidata = "Q17427"

[person.stalin]
name = "Joseph Stalin"
wikidata = "Q855"

[person.chou-en-lai]
name = "Chou En-lai"
aliases = ["Chou"]
variants = { wade-giles = "Chou En-lai" }
born = 1899
died = 1976
viaf = "78769600"
wikidata = "$0Q17427"   # the same item: one person entered twice

# Places follow.
[place.moscow]
name = "Moscow"
"#;
