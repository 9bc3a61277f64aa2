//! Property tests of the code actions' edits, on the `ide` layer directly:
//! they change only what they must.
//!
//! - Renumbering: random documents with numeric and named footnote
//!   references (also inside notes) and multi-paragraph definitions, LF or
//!   CRLF, with or without a byte-order mark. After renumbering, the labels
//!   read 1..n in order of first reference; each note's text is unchanged
//!   and sits under the label its first reference got; with every label
//!   masked, the document outside the numeric definitions is byte-identical
//!   and the definitions are the same multiset; line ends and BOM stay; no
//!   footnote diagnostic appears that the input did not have; renumbering
//!   again changes nothing.
//! - Tag every occurrence: the edits are exactly the untagged occurrences
//!   of the name, every other byte is unchanged, and the other untagged
//!   names are still there.
//! - Every action at a random cursor: sorted, non-overlapping edits on
//!   character boundaries, each of the shape its action allows; line ends
//!   and BOM kept.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use proptest::prelude::*;
use scholia::base::Code;
use scholia::diagnostics::check_local;
use scholia::ide::code_actions::{self, Action, ActionKind};
use scholia::ide::renumber::{self, NoRenumbering};
use scholia::syntax::Model;
use scholia::text::LineIndex;
use scholia::workspace::{AuxFile, Document, Registry, Resolution, Workspace};

const BOM: &str = "\u{feff}";

/// 64 cases; `PROPTEST_CASES` sets another number (for a longer run).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn doc(text: &str) -> Document {
    Document::new(PathBuf::from("/ws/doc.scholia"), text.to_string())
}

// ---------------------------------------------------------------------------
// Documents with footnotes
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Inline {
    Word(&'static str),
    Ref(String),
}

#[derive(Debug, Clone)]
enum Block {
    Para(Vec<Inline>),
    Heading(Vec<Inline>),
    Def {
        label: String,
        first: Vec<Inline>,
        /// Lines that follow without a blank line.
        lazy: Option<Vec<Inline>>,
        /// Paragraphs after a blank line, indented by four spaces or a tab.
        more: Vec<(bool, Vec<Inline>)>,
    },
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => (1u32..8).prop_map(|n| n.to_string()),
        1 => Just("01".to_string()),
        2 => prop::sample::select(vec!["a", "intro", "note_b", "x-1"]).prop_map(str::to_string),
    ]
}

fn inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Stalin", "said", "that", "周恩来", "👨\u{200d}👩\u{200d}👧", "cafe\u{301}", "(see", "p.)", "—",
        ])
        .prop_map(Inline::Word),
        2 => label().prop_map(Inline::Ref),
    ]
}

fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    prop::collection::vec(inline(), 1..6)
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        2 => inlines().prop_map(Block::Para),
        1 => inlines().prop_map(Block::Heading),
        4 => (
            label(),
            inlines(),
            prop::option::weighted(0.2, inlines()),
            prop::collection::vec((any::<bool>(), inlines()), 0..3),
        )
            .prop_map(|(label, first, lazy, more)| Block::Def { label, first, lazy, more }),
    ]
}

fn render_inlines(list: &[Inline]) -> String {
    let mut out = String::new();
    for (i, x) in list.iter().enumerate() {
        match x {
            Inline::Word(w) => {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(w);
            }
            Inline::Ref(l) => {
                out.push_str("[^");
                out.push_str(l);
                out.push(']');
            }
        }
    }
    out
}

/// A rendered document: blocks separated by a blank line or (sometimes,
/// between definitions) a single line break.
fn footnote_doc() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((block(), any::<bool>()), 1..10),
        any::<bool>(),
    )
        .prop_map(|(bom, crlf, blocks, final_break)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut out = String::new();
            if bom {
                out.push_str(BOM);
            }
            let mut previous_def = false;
            for (i, (b, tight)) in blocks.iter().enumerate() {
                let is_def = matches!(b, Block::Def { .. });
                if i > 0 {
                    out.push_str(eol);
                    if !(*tight && is_def && previous_def) {
                        out.push_str(eol);
                    }
                }
                match b {
                    Block::Para(x) => out.push_str(&render_inlines(x)),
                    Block::Heading(x) => {
                        out.push_str("## ");
                        out.push_str(&render_inlines(x));
                    }
                    Block::Def {
                        label,
                        first,
                        lazy,
                        more,
                    } => {
                        out.push_str(&format!("[^{label}]: {}", render_inlines(first)));
                        if let Some(lazy) = lazy {
                            out.push_str(eol);
                            out.push_str("and ");
                            out.push_str(&render_inlines(lazy));
                        }
                        for (tab, para) in more {
                            out.push_str(eol);
                            out.push_str(eol);
                            out.push_str(if *tab { "\t" } else { "    " });
                            out.push_str(&render_inlines(para));
                        }
                    }
                }
                previous_def = is_def;
            }
            if final_break {
                out.push_str(eol);
            }
            out
        })
}

/// Every label range inside `[^…]`: references and definition markers.
fn label_ranges(m: &Model) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = m
        .footnote_refs
        .iter()
        .map(|r| r.range.start + 2..r.range.end - 1)
        .chain(
            m.footnote_defs
                .iter()
                .map(|d| d.label_range.start + 2..d.label_range.end - 1),
        )
        .collect();
    out.sort_by_key(|r| r.start);
    out
}

/// `text[range]` with every label in it replaced by `#`.
fn masked(text: &str, labels: &[Range<usize>], range: Range<usize>) -> String {
    let mut out = String::new();
    let mut at = range.start;
    for l in labels {
        if l.start >= range.start && l.end <= range.end {
            out.push_str(&text[at..l.start]);
            out.push('#');
            at = l.end;
        }
    }
    out.push_str(&text[at..range.end]);
    out
}

/// The document with labels masked and each numeric definition replaced by
/// a placeholder, and the masked numeric definitions, sorted.
fn skeleton(text: &str, m: &Model) -> (String, Vec<String>) {
    let labels = label_ranges(m);
    let blocks: Vec<Range<usize>> = m
        .footnote_defs
        .iter()
        .filter(|d| renumber::is_numeric(&d.label))
        .map(|d| d.range.clone())
        .collect();
    let mut out = String::new();
    let mut at = 0;
    for b in &blocks {
        out.push_str(&masked(text, &labels, at..b.start));
        out.push_str("\u{0}DEF\u{0}");
        at = b.end;
    }
    out.push_str(&masked(text, &labels, at..text.len()));
    let mut defs: Vec<String> = blocks
        .iter()
        .map(|b| masked(text, &labels, b.clone()))
        .collect();
    defs.sort();
    (out, defs)
}

fn footnote_counts(d: &Document) -> HashMap<Code, usize> {
    let mut out = HashMap::new();
    for x in check_local(d, &Workspace::detached()) {
        if matches!(
            x.code,
            Code::FootnoteOrder
                | Code::UndefinedFootnote
                | Code::UnusedFootnote
                | Code::DuplicateFootnote
        ) {
            *out.entry(x.code).or_insert(0) += 1;
        }
    }
    out
}

fn check_edits_shape(text: &str, edits: &[(Range<usize>, String)]) -> Result<(), TestCaseError> {
    for pair in edits.windows(2) {
        prop_assert!(
            pair[0].0.end <= pair[1].0.start,
            "edits overlap or are unsorted: {:?} {:?}",
            pair[0].0,
            pair[1].0
        );
    }
    for (r, _) in edits {
        prop_assert!(r.end <= text.len() && r.start <= r.end);
        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    Ok(())
}

fn line_ends(text: &str) -> (usize, usize, usize) {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    let cr = text.matches('\r').count() - crlf;
    (crlf, lf, cr)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn renumbering_changes_only_labels_and_the_order_of_notes(text in footnote_doc()) {
        let before = doc(&text);
        let m0 = &before.model;
        let result = renumber::renumber(&text, m0);
        let numbers = renumber::new_numbers(m0);
        let duplicate = m0.footnote_defs.iter().enumerate().any(|(i, d)| {
            renumber::is_numeric(&d.label)
                && m0.footnote_defs[..i].iter().any(|e| e.label == d.label)
        });
        let edits = match result {
            Err(NoRenumbering::Duplicate(_)) => {
                prop_assert!(duplicate);
                return Ok(());
            }
            Err(NoRenumbering::NoNumbers) => {
                prop_assert!(numbers.is_empty());
                return Ok(());
            }
            Err(NoRenumbering::InOrder) => {
                prop_assert!(numbers.iter().all(|(l, n)| *l == n.to_string()));
                prop_assert!(renumber::order_problems(m0).is_empty());
                return Ok(());
            }
            Ok(edits) => edits,
        };
        prop_assert!(!duplicate);
        check_edits_shape(&text, &edits)?;
        let out = renumber::apply(&text, &edits);
        let after = doc(&out);
        let m1 = &after.model;

        // Labels read 1..n in order of first reference.
        prop_assert!(renumber::order_problems(m1).is_empty());
        for (label, n) in renumber::new_numbers(m1) {
            prop_assert_eq!(label, n.to_string());
        }
        // Each note, unchanged, under the label its first reference got,
        // with the references in it renumbered.
        prop_assert_eq!(m0.footnote_defs.len(), m1.footnote_defs.len());
        prop_assert_eq!(m0.footnote_refs.len(), m1.footnote_refs.len());
        let (l0, l1) = (label_ranges(m0), label_ranges(m1));
        let renamed = |label: &str| {
            numbers
                .get(label)
                .map_or(label.to_string(), u64::to_string)
        };
        let refs_in = |m: &Model, range: &Range<usize>| -> Vec<String> {
            m.footnote_refs
                .iter()
                .filter(|r| range.start <= r.range.start && r.range.end <= range.end)
                .map(|r| r.label.clone())
                .collect()
        };
        for d in &m0.footnote_defs {
            let new_label = renamed(&d.label);
            let body = masked(&text, &l0, d.body.clone());
            let refs: Vec<String> = refs_in(m0, &d.range).iter().map(|l| renamed(l)).collect();
            let found = m1
                .footnote_defs
                .iter()
                .filter(|e| {
                    e.label == new_label
                        && masked(&out, &l1, e.body.clone()) == body
                        && refs_in(m1, &e.range) == refs
                })
                .count();
            prop_assert!(found >= 1, "note [^{}] is not under [^{}]", d.label, new_label);
        }
        // References outside the numeric notes renumbered in place.
        let outside = |m: &Model| -> Vec<String> {
            m.footnote_refs
                .iter()
                .filter(|r| {
                    !m.footnote_defs.iter().any(|d| {
                        renumber::is_numeric(&d.label)
                            && d.range.start <= r.range.start
                            && r.range.end <= d.range.end
                    })
                })
                .map(|r| r.label.clone())
                .collect()
        };
        let expected: Vec<String> = outside(m0).iter().map(|l| renamed(l)).collect();
        prop_assert_eq!(outside(m1), expected);
        // Every other byte the same; the notes the same multiset.
        prop_assert_eq!(skeleton(&text, m0), skeleton(&out, m1));
        prop_assert_eq!(text.starts_with(BOM), out.starts_with(BOM));
        prop_assert_eq!(line_ends(&text), line_ends(&out));
        // No footnote diagnostic the input did not have.
        let (c0, c1) = (footnote_counts(&before), footnote_counts(&after));
        prop_assert_eq!(c1.get(&Code::FootnoteOrder), None);
        for code in [Code::UndefinedFootnote, Code::UnusedFootnote, Code::DuplicateFootnote] {
            prop_assert_eq!(c0.get(&code), c1.get(&code), "{}", code);
        }
        // Renumbering again changes nothing.
        prop_assert_eq!(renumber::renumber(&out, m1), Err(NoRenumbering::InOrder));
    }
}

// ---------------------------------------------------------------------------
// Documents with names
// ---------------------------------------------------------------------------

const REGISTRY: &str = "[person.stalin]\nname = \"Joseph Stalin\"\naliases = [\"Stalin\", \"I.V. Stalin\"]\n\n\
[person.zhou-enlai]\nname = \"Zhou Enlai\"\nvariants = { wade-giles = \"Chou En-lai\" }\n\n\
[place.port-arthur]\nname = \"Port Arthur\"\naliases = [\"Lüshun\"]\n\n\
[person.kim-a]\nname = \"Kim A\"\naliases = [\"Kim\"]\n\n\
[person.kim-b]\nname = \"Kim B\"\naliases = [\"Kim\"]\n";

fn workspace() -> Workspace {
    let path = PathBuf::from("/ws/registry.toml");
    let (registry, problems) = Registry::load(&[(path.clone(), REGISTRY.to_string())]);
    assert!(problems.iter().all(|(_, d)| d.code == Code::AliasConflict));
    let mut ws = Workspace::detached();
    ws.root = Some(PathBuf::from("/ws"));
    ws.registry = registry;
    ws.registry_files = vec![path.clone()];
    ws.aux.insert(
        path,
        AuxFile {
            line_index: LineIndex::new(REGISTRY),
            text: REGISTRY.to_string(),
            diagnostics: Vec::new(),
        },
    );
    ws
}

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Stalin",
        "Stalin's",
        "Stalinist",
        "Joseph Stalin",
        "I.V. Stalin",
        "Zhou Enlai",
        "Chou En-lai",
        "Lüshun",
        "Port Arthur",
        "Kim",
        "[[stalin|Stalin]]",
        "[[Chou En-lai]]",
        "[[zhou-enlai|Chou En-lai]]",
        "[[Wang Zhen]]",
        "[Stalin]",
        "[@key, p. Stalin]",
        "[^1]",
        "[^2]",
        "周恩来",
        "👨\u{200d}👩\u{200d}👧",
        "said",
        ",",
        ".",
        "\n",
        "\n\n",
        "\n\n# ",
        "\n\n[^1]: ",
        "\n\n[^3]: ",
    ])
}

/// A document of names, mentions, insertions, notes and line breaks, LF or
/// CRLF, maybe with a BOM and a front matter that names someone.
fn names_doc() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(piece(), 1..30),
    )
        .prop_map(|(bom, crlf, front, pieces)| {
            let mut out = String::new();
            if bom {
                out.push_str(BOM);
            }
            if front {
                out.push_str("+++\ntitle = \"Stalin and Kim\"\n+++\n");
            }
            for (i, p) in pieces.iter().enumerate() {
                if i > 0 && !p.starts_with(['\n', ',', '.']) {
                    out.push(' ');
                }
                out.push_str(p);
            }
            if crlf {
                out = out.replace('\n', "\r\n");
            }
            out
        })
}

fn applied(text: &str, action: &Action, path: &std::path::Path) -> String {
    let edit = action
        .edits
        .iter()
        .find(|f| f.path == path)
        .expect("an edit of the document");
    code_actions::apply(text, edit)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tag_every_occurrence_changes_only_the_occurrences(text in names_doc()) {
        let ws = workspace();
        let d = doc(&text);
        let untagged = scholia::diagnostics::plain_names(&d, &ws);
        let mut done: Vec<&str> = Vec::new();
        for n in &untagged {
            let name = &text[n.range.clone()];
            if done.contains(&name) || n.entities.len() != 1 {
                continue;
            }
            done.push(name);
            let all: Vec<Range<usize>> = untagged
                .iter()
                .filter(|m| &text[m.range.clone()] == name)
                .map(|m| m.range.clone())
                .collect();
            let actions = code_actions::code_actions(&d, &ws, n.range.start..n.range.start, &[]);
            let title = if all.len() > 1 {
                format!("Tag every untagged occurrence of `{name}` in this document")
            } else {
                let e = &ws.registry.entities[n.entities[0]];
                let tag = if name == e.name { format!("[[{name}]]") } else { format!("[[{}|{name}]]", e.id) };
                format!("Tag `{name}` as {tag}")
            };
            let action = actions.iter().find(|a| a.title == title);
            prop_assert!(action.is_some(), "no `{}` in {:?}", title, actions);
            let action = action.unwrap();
            prop_assert_eq!(action.edits.len(), 1);
            let edits = &action.edits[0].edits;
            check_edits_shape(&text, edits)?;
            let ranges: Vec<Range<usize>> = edits.iter().map(|(r, _)| r.clone()).collect();
            prop_assert_eq!(&ranges, &all);
            let out = applied(&text, action, &d.path);
            // Every byte outside the occurrences is unchanged.
            let mut at_in = 0;
            let mut at_out = 0;
            for (r, new) in edits {
                let same = &text[at_in..r.start];
                prop_assert_eq!(&out[at_out..at_out + same.len()], same);
                at_out += same.len();
                prop_assert_eq!(&out[at_out..at_out + new.len()], new.as_str());
                at_out += new.len();
                at_in = r.end;
            }
            prop_assert_eq!(&out[at_out..], &text[at_in..]);
            // The name is tagged everywhere, as its entry; other names stay.
            let after = doc(&out);
            let left: Vec<String> = scholia::diagnostics::plain_names(&after, &ws)
                .iter()
                .map(|m| out[m.range.clone()].to_string())
                .collect();
            let mut expected: Vec<String> = untagged
                .iter()
                .map(|m| text[m.range.clone()].to_string())
                .filter(|t| t != name)
                .collect();
            let mut left_sorted = left.clone();
            left_sorted.sort();
            expected.sort();
            prop_assert_eq!(left_sorted, expected);
            let new_mentions = after.model.mentions.len() - d.model.mentions.len();
            prop_assert_eq!(new_mentions, all.len());
            for m in &after.model.mentions {
                if edits.iter().any(|(r, new)| out.get(m.range.clone()) == Some(new.as_str()) && r.start <= m.range.start) {
                    prop_assert_eq!(ws.registry.resolve(&m.target), Resolution::Unique(n.entities[0]));
                }
            }
        }
    }

    #[test]
    fn every_action_at_any_cursor_changes_only_what_it_must(
        text in names_doc(),
        at in any::<prop::sample::Index>(),
        width in 0usize..12,
    ) {
        let ws = workspace();
        let d = doc(&text);
        let mut start = at.index(text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + width).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let untagged = scholia::diagnostics::plain_names(&d, &ws);
        let eol = code_actions::line_ending(&text);
        for action in code_actions::code_actions(&d, &ws, start..end, &[]) {
            if action.disabled.is_some() {
                prop_assert!(action.edits.is_empty());
                continue;
            }
            // A workspace-wide action comes without its edits; in this
            // one document they are `name_edits`' (what resolving gives).
            let deferred: Vec<code_actions::FileEdit> = match &action.deferred {
                Some(code_actions::Deferred::TagWorkspace { name, id }) => {
                    prop_assert!(action.edits.is_empty());
                    let entity = ws.registry.index_of(id).unwrap();
                    let edits = scholia::import::tag::name_edits(&d, &ws, name, entity);
                    prop_assert!(!edits.is_empty(), "nothing to tag for {:?}", action);
                    vec![code_actions::FileEdit { path: d.path.clone(), edits }]
                }
                None => Vec::new(),
            };
            let files = if deferred.is_empty() { &action.edits } else { &deferred };
            prop_assert!(!files.is_empty(), "{:?}", action);
            for f in files {
                if f.path != d.path {
                    // The registry: one insertion at its end.
                    prop_assert!(action.title.starts_with("Add `"));
                    prop_assert_eq!(f.edits.len(), 1);
                    let (r, new) = &f.edits[0];
                    prop_assert_eq!(r.clone(), REGISTRY.len()..REGISTRY.len());
                    let grown = format!("{REGISTRY}{new}");
                    let (reg, problems) = Registry::load(&[(f.path.clone(), grown)]);
                    prop_assert!(problems.iter().all(|(_, d)| d.code == Code::AliasConflict), "{:?}", problems);
                    prop_assert_eq!(reg.len(), ws.registry.len() + 1);
                    continue;
                }
                check_edits_shape(&text, &f.edits)?;
                for (r, new) in &f.edits {
                    let old = &text[r.clone()];
                    let t = action.title.as_str();
                    if t.starts_with("Define footnote") {
                        prop_assert!(r.is_empty());
                        let label = t.trim_start_matches("Define footnote `[^").trim_end_matches("]`");
                        let marker = format!("[^{label}]: ");
                        prop_assert!(new.ends_with(&marker));
                        prop_assert!(new[..new.len() - marker.len()].split(eol).all(str::is_empty));
                    } else if t.starts_with("Tag ") {
                        prop_assert!(untagged.iter().any(|n| n.range == *r));
                        let (whole, with_id) = (format!("[[{old}]]"), format!("|{old}]]"));
                        prop_assert!(*new == whole || new.ends_with(&with_id), "tagged as {}", new);
                    } else if t.starts_with("Use the preferred name") {
                        prop_assert_eq!(action.kind, ActionKind::Rewrite);
                        let name = t.trim_start_matches("Use the preferred name `").trim_end_matches('`');
                        let with_id = format!("|{name}");
                        prop_assert!(new == name || new.ends_with(&with_id), "renamed to {}", new);
                        let i = ws.registry.entities.iter().position(|e| e.name == name).unwrap();
                        prop_assert!(ws.registry.names_of(i).any(|n| n == old.split_whitespace().collect::<Vec<_>>().join(" ")));
                    } else if t.starts_with("Renumber") {
                        let is_label = d.model.footnote_refs.iter().any(|x| (x.range.start + 2..x.range.end - 1) == *r)
                            || d.model.footnote_defs.iter().any(|x| (x.label_range.start + 2..x.label_range.end - 1) == *r);
                        let is_note = d.model.footnote_defs.iter().any(|x| x.range == *r && renumber::is_numeric(&x.label));
                        prop_assert!(is_label || is_note, "renumbering touched {:?}", old);
                    } else {
                        prop_assert!(false, "an unexpected action {}", t);
                    }
                }
                let out = code_actions::apply(&text, f);
                prop_assert_eq!(text.starts_with(BOM), out.starts_with(BOM));
                let (crlf, lf, cr) = line_ends(&out);
                let (crlf0, lf0, cr0) = line_ends(&text);
                prop_assert!(crlf >= crlf0 && lf >= lf0 && cr == cr0);
                if lf0 == 0 && crlf0 > 0 {
                    prop_assert_eq!(lf, 0, "an LF line end in a CRLF document");
                }
                if crlf0 == 0 {
                    prop_assert_eq!(crlf, 0, "a CRLF line end in an LF document");
                }
            }
        }
    }
}
