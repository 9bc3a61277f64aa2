//! Incremental parsing, checked against parsing from scratch (the idea of
//! marksman's "paranoid" mode): random edit sequences — insertions,
//! deletions and replacements of brackets, footnotes, citations, line breaks
//! of every kind, front-matter fences, CJK, a ZWJ emoji and a combining mark —
//! are sent as `didChange` notifications (sometimes several changes in one)
//! to a real `scholia lsp`, while the test keeps its own copy of the text.
//! After every notification the diagnostics the server publishes for the
//! edited document must equal those it publishes for the same text opened
//! fresh under another URI.
//!
//! One server per position encoding is shared by all cases; each case uses
//! fresh URIs in a copy of the fixture workspace (so registry and
//! bibliography checks take part too).

mod support;

use std::cell::RefCell;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use support::lsp_client::*;

/// Every construct of SPEC §2, LF line ends.
const SEED_LF: &str = "+++\n\
title = \"Minutes of Conversation\"\n\
date = 1952-09-19\n\
source = \"[@aprf-45-1-343, ll. 97-103]\"\n\
+++\n\
\n\
# Conversation\n\
\n\
[[stalin|STALIN]], opening the conversation, says that we agree with [[mao-zedong|Mao Zedong]].[^1]\n\
The delegation went on to [[Port Arthur]] [?] and met the Chairman [[[mao-zedong|Mao Zedong]]].\n\
Stalin wrote \\[sic\\] to [[Kim]] and [a link](http://example.org) 周恩来 👨\u{200d}👩\u{200d}👧 cafe\u{301}.[^2]\n\
\n\
## Notes on [[Lüshun]]\n\
\n\
[^1]: Refers to the proposal of September 1952. [@aprf-45-1-343, ll. 97-103]\n\
    A second paragraph of the same note is indented by four spaces.\n\
\n\
[^2]: See [@sheng-2014, p. 3; @zhou-wengao-7] and [[Nobody Known]].\n\
[^3]: Unused and uncited.\n";

/// Mixed line ends (CRLF, a lone CR) and no front matter.
const SEED_CRLF: &str = "# Telegram\r\n\
\r\n\
To [[Chou En-lai|Zhou]]: the cable [@zhou-wengao-7, 130] arrived.[^1] [Mao Zedong]\r\n\
Then Stalin left] for [[Port Arthur]].\r\
\r\n\
[^1]: A note. [@aprf-45-1-343]\r\n";

/// What the random edits insert.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "[^1]",
    "[^2]: ",
    "[@aprf-45-1-343, ll. 1]",
    "[@",
    "@",
    "^",
    "|",
    "\\",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "+++",
    "+++\n",
    "# ",
    "    ",
    "周恩来",
    "👨\u{200d}👩\u{200d}👧",
    "e\u{301}",
    "[[stalin|Stalin]]",
    "[[Kim]]",
    "Stalin",
    " ",
    "x",
    "](http://x)",
];

/// One content change, in terms of the text it applies to.
#[derive(Debug, Clone)]
struct Edit {
    /// Where it starts (a character boundary, picked by index).
    at: Index,
    /// How many characters it removes.
    delete: usize,
    /// What it inserts (an index into `FRAGMENTS`), if anything.
    insert: Option<usize>,
    /// Push the end column 3 units further (past the line's end, or onto a
    /// later character): positions are clamped and rounded by both sides.
    overshoot: bool,
}

#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    encoding: usize,
    /// Each inner list is one `didChange` notification.
    steps: Vec<Vec<Edit>>,
}

fn edit() -> impl Strategy<Value = Edit> {
    let insert = (0..FRAGMENTS.len()).prop_map(Some);
    prop_oneof![
        // insertion
        (any::<Index>(), insert.clone()).prop_map(|(at, insert)| Edit {
            at,
            delete: 0,
            insert,
            overshoot: false,
        }),
        // deletion
        (any::<Index>(), 1..8usize, any::<bool>()).prop_map(|(at, delete, overshoot)| Edit {
            at,
            delete,
            insert: None,
            overshoot,
        }),
        // replacement
        (any::<Index>(), 1..6usize, insert, prop::bool::weighted(0.2)).prop_map(
            |(at, delete, insert, overshoot)| Edit {
                at,
                delete,
                insert,
                overshoot,
            }
        ),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..2usize,
        0..3usize,
        prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..10),
    )
        .prop_map(|(seed, encoding, steps)| Case {
            seed,
            encoding,
            steps,
        })
}

/// The LSP change `e` makes to `text` in `enc`.
fn change_of(text: &str, e: &Edit, enc: Encoding) -> Change {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let i = e.at.index(boundaries.len());
    let start = boundaries[i];
    let end = boundaries[(i + e.delete).min(boundaries.len() - 1)];
    let mut r = range_at(text, start..end, enc);
    if e.overshoot {
        r.end.character += 3;
    }
    let insert = e.insert.map(|k| FRAGMENTS[k]).unwrap_or("");
    Change::replace(r, insert)
}

struct Servers {
    ws: TempDir,
    clients: [Option<Client>; 3],
    next: usize,
}

impl Servers {
    /// The server for encoding `k` (0 UTF-16, 1 UTF-8, 2 UTF-32), started or
    /// restarted when needed.
    fn client(&mut self, k: usize) -> &mut Client {
        // A server that panicked (and caught it) may hold a stale
        // document: the next case gets a fresh one.
        let alive = self.clients[k]
            .as_mut()
            .is_some_and(|c| c.alive() && !c.panicked());
        if !alive {
            let offer: &[&str] = [&["utf-16"][..], &["utf-8"], &["utf-32"]][k];
            self.clients[k] = Some(Client::start(Some(&self.ws.path), Some(offer)));
        }
        self.clients[k].as_mut().expect("started")
    }
}

fn check(servers: &mut Servers, case: &Case) -> Result<(), TestCaseError> {
    servers.next += 1;
    let n = servers.next;
    let dir = servers.ws.path.clone();
    let client = servers.client(case.encoding);
    let enc = client.encoding;
    let path = dir.join(format!("case-{n}.scholia"));
    let mut text = [SEED_LF, SEED_CRLF][case.seed].to_string();
    let uri = client.open(&path, &text);
    client.diagnostics_for(&uri, Some(1));

    for (step, edits) in case.steps.iter().enumerate() {
        let version = step as i32 + 2;
        let mut changes = Vec::new();
        for e in edits {
            let c = change_of(&text, e, enc);
            c.apply(&mut text, enc);
            changes.push(c);
        }
        client.change(&path, version, &changes);
        let incremental = client.diagnostics_for(&uri, Some(version));

        let fresh_path = dir.join(format!("case-{n}-step-{step}-fresh.scholia"));
        let fresh_uri = client.open(&fresh_path, &text);
        let fresh = client.diagnostics_for(&fresh_uri, Some(1));
        client.close(&fresh_path);

        prop_assert!(
            incremental == fresh,
            "{enc:?}, after step {step} ({changes:?}):\ntext {text:?}\n\
             incremental {incremental:#?}\nfresh {fresh:#?}"
        );
    }
    client.close(&path);
    prop_assert!(client.alive(), "the server died:\n{}", client.stderr());
    Ok(())
}

#[test]
fn incremental_edits_publish_the_same_diagnostics_as_a_fresh_parse() {
    let servers = RefCell::new(Servers {
        ws: TempDir::copy_of("ws"),
        clients: [None, None, None],
        next: 0,
    });
    let mut runner = TestRunner::new(Config {
        // SCHOLIA_PROP_CASES=1000 for a longer hunt.
        cases: std::env::var("SCHOLIA_PROP_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |case| check(&mut servers.borrow_mut(), &case));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The fragments, one at every character boundary of a short line of mixed
/// scripts, each in one notification: a deterministic sweep next to the
/// random cases.
#[test]
fn every_fragment_at_every_boundary_of_a_mixed_script_line() {
    let ws = TempDir::copy_of("ws");
    let mut client = Client::start(Some(&ws.path), Some(&["utf-16"]));
    let base = "+++\nsource = \"x\"\n+++\n周👨\u{200d}👧e\u{301}[^1] [[Kim]]\r\n\n[^1]: n.\n";
    let line = "周👨\u{200d}👧e\u{301}[^1] [[Kim]]";
    let start = base.find(line).unwrap();
    let boundaries: Vec<usize> = line
        .char_indices()
        .map(|(i, _)| start + i)
        .chain([start + line.len()])
        .collect();
    let mut n = 0;
    for fragment in ["[", "]", "\n", "\r\n", "[^1]", "]]", "+++"] {
        for &at in &boundaries {
            n += 1;
            let path = ws.join(&format!("sweep-{n}.scholia"));
            let uri = client.open(&path, base);
            let p = position_at(base, at, Encoding::Utf16);
            let change = Change::insert(p, fragment);
            let mut text = base.to_string();
            change.apply(&mut text, Encoding::Utf16);
            client.change(&path, 2, &[change]);
            let incremental = client.diagnostics_for(&uri, Some(2));
            let fresh_path = ws.join(&format!("sweep-{n}-fresh.scholia"));
            let fresh_uri = client.open(&fresh_path, &text);
            let fresh = client.diagnostics_for(&fresh_uri, Some(1));
            assert_eq!(incremental, fresh, "{fragment:?} at {at} in {text:?}");
            client.close(&path);
            client.close(&fresh_path);
        }
    }
}
