use std::fmt::Write;
use std::path::Path;

use expect_test::{Expect, expect, expect_file};

use super::{Container, Event, EventKind, walk};
use crate::syntax::Model;
use crate::workspace::Workspace;

fn seeds() -> Workspace {
    Workspace::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")).0
}

/// The events, one a line, indented by nesting.
fn render(text: &str, events: &[Event]) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for e in events {
        if let EventKind::End(_) = e.kind {
            depth = depth.saturating_sub(1);
        }
        let pad = "  ".repeat(depth);
        let r = &e.range;
        let src = &text[r.clone()];
        let _ = match &e.kind {
            EventKind::Start(c) => writeln!(out, "{pad}{c:?} {r:?}"),
            EventKind::End(_) => Ok(()),
            EventKind::FrontMatter(fm) => writeln!(
                out,
                "{pad}FrontMatter {r:?} title={:?}",
                fm.title.as_ref().map(|f| &f.value)
            ),
            EventKind::Problem(d) => writeln!(out, "{pad}Problem {r:?} {:?}", d.message),
            k => writeln!(out, "{pad}{k:?} {src:?}"),
        };
        if let EventKind::Start(_) = e.kind {
            depth += 1;
        }
    }
    out
}

/// The leaves give the text back; starts and ends pair up and nest.
fn check_invariants(text: &str, events: &[Event]) {
    let mut rebuilt = String::new();
    let mut stack: Vec<&Container> = Vec::new();
    for e in events {
        if e.is_leaf() {
            assert_eq!(e.range.start, rebuilt.len(), "leaf {e:?} out of order");
            rebuilt.push_str(&text[e.range.clone()]);
        }
        match &e.kind {
            EventKind::Start(c) => stack.push(c),
            EventKind::End(c) => assert_eq!(stack.pop(), Some(c), "unbalanced at {e:?}"),
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(rebuilt, text);
}

fn check(text: &str, ws: &Workspace, expect: Expect) {
    let model = Model::scan(text);
    let w = walk(text, &model, ws);
    check_invariants(text, &w.events);
    expect.assert_eq(&render(text, &w.events));
}

#[test]
fn small_document() {
    let text = "+++\r\ntitle = \"T\"\r\n+++\r\n# To [[Zhou Enlai]] *now*\r\n\r\nSaw [[mao-zedong|the Chairman]] [?] and [[Nobody]] [sic].[^1] See _[a]_ \\[x\\] and __b__ [l](http://x.org).\r\n- one [...]\r\n- two [@zhou-wengao-7, 130-131; @nope]\r\n\r\n> quoted\r\n> on\r\n\r\n[^1]: A note [@zhou-wengao-7].\r\n\r\n    More [[Zhou]].\r\n\r\nBad [ bracket *x [y* z] [^2]\r\n";
    check(
        text,
        &seeds(),
        expect![[r##"
            FrontMatter 0..21 title=Some("T")
            LineBreak "\r\n"
            Heading { level: 1 } 23..48
              Markup "# "
              Text "To "
              Mention { target: "Zhou Enlai", resolution: Entity { id: "zhou-enlai", kind: Person } } 28..42
                Markup "[["
                Text "Zhou Enlai"
                Markup "]]"
              Text " "
              Emphasis { marker: '*' } 43..48
                Markup "*"
                Text "now"
                Markup "*"
            LineBreak "\r\n"
            LineBreak "\r\n"
            Paragraph 52..211
              Text "Saw "
              Mention { target: "mao-zedong", resolution: Entity { id: "mao-zedong", kind: Person } } 56..83
                Markup "[["
                MentionTarget "mao-zedong"
                Markup "|"
                Text "the Chairman"
                Markup "]]"
              Text " "
              Insertion { kind: Uncertain } 84..87
                Markup "["
                Text "?"
                Markup "]"
              Text " and "
              Mention { target: "Nobody", resolution: Unknown } 92..102
                Markup "[["
                Text "Nobody"
                Markup "]]"
              Text " "
              Insertion { kind: Sic } 103..108
                Markup "["
                Text "sic"
                Markup "]"
              Text "."
              FootnoteRef { label: "1", defined: true } "[^1]"
              Text " See "
              Emphasis { marker: '_' } 118..123
                Markup "_"
                Insertion { kind: Supplied } 119..122
                  Markup "["
                  Text "a"
                  Markup "]"
                Markup "_"
              Text " "
              Escape('[') "\\["
              Text "x"
              Escape(']') "\\]"
              Text " and "
              Strong { marker: '_' } 134..139
                Markup "__"
                Text "b"
                Markup "__"
              Text " "
              Link { url: "http://x.org" } 140..157
                Markup "["
                Text "l"
                Markup "](http://x.org)"
              Text "."
              LineBreak "\r\n"
              List { start: None } 160..211
                Item 160..171
                  Markup "- "
                  Text "one "
                  Insertion { kind: Omission } 166..171
                    Markup "["
                    Text "..."
                    Markup "]"
                LineBreak "\r\n"
                Item 173..211
                  Markup "- "
                  Text "two "
                  Citation 179..211
                    Markup "["
                    CiteKey { key: "zhou-wengao-7", known: true } "@zhou-wengao-7"
                    Text ", "
                    Locator "130-131"
                    Text "; "
                    CiteKey { key: "nope", known: false } "@nope"
                    Markup "]"
            LineBreak "\r\n"
            LineBreak "\r\n"
            Paragraph 215..229
              BlockQuote 215..229
                Markup "> "
                Text "quoted"
                LineBreak "\r\n"
                Markup "> "
                Text "on"
            LineBreak "\r\n"
            LineBreak "\r\n"
            FootnoteDef { label: "1", referenced: true } 233..285
              Markup "[^1]:"
              Text " "
              Paragraph 239..263
                Text "A note "
                Citation 246..262
                  Markup "["
                  CiteKey { key: "zhou-wengao-7", known: true } "@zhou-wengao-7"
                  Markup "]"
                Text "."
              LineBreak "\r\n"
              LineBreak "\r\n"
              Text "    "
              Paragraph 271..285
                Text "More "
                Mention { target: "Zhou", resolution: Entity { id: "zhou-enlai", kind: Person } } 276..284
                  Markup "[["
                  Text "Zhou"
                  Markup "]]"
                Text "."
            LineBreak "\r\n"
            LineBreak "\r\n"
            Paragraph 289..317
              Text "Bad "
              Problem 293..294 "`[` is never closed before the paragraph ends (write `\\[` for a literal bracket)"
              Text "[ bracket *x "
              Insertion { kind: Supplied } 306..312
                Markup "["
                Text "y* z"
                Markup "]"
              Text " "
              FootnoteRef { label: "2", defined: false } "[^2]"
            LineBreak "\r\n"
        "##]],
    );
}

#[test]
fn seed_document() {
    let ws = seeds();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/1952-09-14-zhou-to-mao.scholia");
    let text = std::fs::read_to_string(&path).expect("seed");
    let model = Model::scan(&text);
    let w = walk(&text, &model, &ws);
    check_invariants(&text, &w.events);
    expect_file!["seed.events"].assert_eq(&render(&text, &w.events));
    // The note of each reference can be found at its point.
    for r in &model.footnote_refs {
        let (def, events) = w.definition(&r.label).expect("defined");
        assert_eq!(def.label, r.label);
        assert!(matches!(
            events.first().map(|e| &e.kind),
            Some(EventKind::Start(Container::FootnoteDef { .. }))
        ));
        assert!(matches!(
            events.last().map(|e| &e.kind),
            Some(EventKind::End(Container::FootnoteDef { .. }))
        ));
    }
}

#[test]
fn every_seed_and_fixture_is_covered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = seeds();
    let mut n = 0;
    for dir in ["seeds", "tests/fixtures"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.expect("readable");
            if entry.path().extension().is_none_or(|e| e != "scholia") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let model = Model::scan(&text);
            check_invariants(&text, &walk(&text, &model, &ws).events);
            n += 1;
        }
    }
    assert!(n > 20, "only {n} documents");
}

#[test]
fn awkward_inputs_are_covered() {
    let ws = Workspace::detached();
    for text in [
        "",
        "\u{feff}",
        "\u{feff}+++\ntitle = 1\n",
        "+++\n",
        "[",
        "]",
        "[[",
        "a\r",
        "\r\n\r\n",
        "# \n#\n",
        "[^1]:\n",
        "[^1]: a\n\n    b\n\n    c",
        "*a [b* c]",
        "- [a\n- b]",
        "> [a\n> b]",
        "**[[x]]**",
        "1. a\n2. b\n",
        "[x](y",
        "[x](y)",
        "\\",
        "*\n*",
        "é*é*é",
    ] {
        let model = Model::scan(text);
        check_invariants(text, &walk(text, &model, &ws).events);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn random_text_is_covered(text in "[a é\\[\\]\\*_>\\-1.\n\r\\\\#^@|:+()]{0,60}") {
        let ws = Workspace::detached();
        let model = Model::scan(&text);
        check_invariants(&text, &walk(&text, &model, &ws).events);
    }
}
