//! What the fuzz targets share: the seed workspace (a real registry and
//! bibliography, so that resolution and untagged-name search take part) and
//! the invariants every target checks — no panic, and every range the
//! library hands out lies inside its text, on character boundaries.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scholia::base::Diagnostic;
use scholia::diagnostics;
use scholia::ide;
use scholia::syntax::Model;
use scholia::workspace::{Bibliography, Document, Workspace};

/// The workspace of `seeds/` (loaded once per process).
pub fn seeds() -> &'static Workspace {
    static WS: OnceLock<Workspace> = OnceLock::new();
    WS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
        Workspace::open(&root).0
    })
}

/// A path inside the seeds workspace (never read: the text is given).
pub fn doc_path(name: &str) -> PathBuf {
    seeds()
        .root
        .clone()
        .unwrap_or_else(|| PathBuf::from("/"))
        .join(name)
}

/// Panics unless `r` is a range of `text` with both ends on char boundaries.
pub fn assert_range(text: &str, r: &Range<usize>, what: &str) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what}: range {r:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what}: range {r:?} splits a character"
    );
}

pub fn assert_diagnostics(text: &str, list: &[Diagnostic], what: &str) {
    for d in list {
        assert_range(text, &d.range, &format!("{what} diagnostic {:?}", d.code));
        assert!(
            !d.message.is_empty(),
            "{what}: empty message for {:?}",
            d.code
        );
    }
}

/// Every range of the model lies in the text.
pub fn assert_model(text: &str, m: &Model) {
    let a = |r: &Range<usize>, what: &str| assert_range(text, r, what);
    if let Some(fm) = &m.front_matter {
        a(&fm.range, "front matter");
        a(&fm.content, "front matter content");
        for f in [
            &fm.title,
            &fm.date,
            &fm.source,
            &fm.language,
            &fm.translation_of,
            &fm.summary,
            &fm.record,
        ]
        .into_iter()
        .flatten()
        .chain(fm.translators.iter())
        {
            a(&f.range, "front matter field");
        }
        for c in fm.source_citations.iter().flatten() {
            a(&c.range, "source citation");
            for i in &c.items {
                a(&i.key_range, "source citation key");
            }
        }
        assert_diagnostics(text, &fm.errors, "front matter");
    }
    for h in &m.headings {
        a(&h.range, "heading");
        a(&h.text_range, "heading text");
    }
    for r in &m.footnote_refs {
        a(&r.range, "footnote ref");
    }
    for d in &m.footnote_defs {
        a(&d.label_range, "footnote label");
        a(&d.range, "footnote def");
        a(&d.body, "footnote body");
    }
    for c in &m.citations {
        a(&c.range, "citation");
        for i in &c.items {
            a(&i.key_range, "citation key");
            if let Some(l) = &i.locator_range {
                a(l, "locator");
            }
        }
    }
    for x in &m.mentions {
        a(&x.range, "mention");
        a(&x.target_range, "mention target");
        if let Some(d) = &x.display_range {
            a(d, "mention display");
        }
    }
    for r in m.insertions.iter().chain(m.plain.iter()) {
        a(r, "insertion or plain run");
    }
    for (_, r) in &m.tokens {
        a(r, "token");
    }
    assert_diagnostics(text, &m.errors, "model");
}

/// Runs every check and every cursor feature at the start and end of each
/// element of the document (and at a few arbitrary offsets), checking the
/// ranges that come back.
pub fn exercise(doc: &Document, ws: &Workspace, extra_offsets: &[usize]) {
    let text = &doc.text;
    assert_model(text, &doc.model);
    assert_diagnostics(text, &diagnostics::check(doc, ws), "check");
    let m = &doc.model;
    let mut offsets: Vec<usize> = extra_offsets.iter().map(|o| o % (text.len() + 2)).collect();
    offsets.extend(m.footnote_refs.iter().map(|r| r.range.start + 1));
    offsets.extend(m.footnote_defs.iter().map(|d| d.label_range.start + 1));
    offsets.extend(m.citations.iter().map(|c| c.range.start + 2));
    offsets.extend(m.mentions.iter().map(|x| x.range.start + 2));
    offsets.extend(m.plain.iter().map(|p| p.start));
    offsets.sort_unstable();
    offsets.dedup();
    offsets.truncate(64);
    for offset in offsets {
        if let Some(h) = ide::hover::hover(doc, ws, offset, ide::markup::Markup::Markdown) {
            assert_range(text, &h.range, "hover");
        }
        for l in ide::definition::definition(doc, ws, offset) {
            if l.path == doc.path {
                assert_range(text, &l.range, "definition");
            }
        }
        if let Ok(r) = ide::rename::prepare(doc, ws, offset) {
            assert_range(text, &r.range, "prepare rename");
            let open = |p: &Path| (p == doc.path).then_some(doc);
            if let Ok(edits) = ide::rename::rename(ws, &r.target, "renamed-1", Some(doc), open) {
                for e in edits.iter().filter(|e| e.location.path == doc.path) {
                    assert_range(text, &e.location.range, "rename edit");
                }
            }
        }
    }
}

/// Turns fuzz bytes into text: valid UTF-8 as is, anything else decoded
/// lossily (the server only ever sees UTF-8 from a client).
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Loads `text` as the bibliography file `name` (`.bib` or `.json`) beside
/// a valid file of the other format, and formats every entry with and
/// without a locator, checking every range (the `bibtex` and `csl_json`
/// targets).
pub fn exercise_bibliography(name: &str, text: String) {
    let other = if name.ends_with(".bib") {
        (
            PathBuf::from("/ws/other.json"),
            r#"[{"id": "other", "type": "book", "title": "Other", "issued": {"date-parts": [[1999]]}}]"#
                .to_string(),
        )
    } else {
        (
            PathBuf::from("/ws/other.bib"),
            "@book{other, title = {Other}, year = 1999}\n".to_string(),
        )
    };
    let files = vec![(PathBuf::from("/ws").join(name), text), other];
    let (bib, diagnostics) = Bibliography::load(&files);
    let text_of = |path: &Path| {
        &files
            .iter()
            .find(|(p, _)| p == path)
            .expect("a loaded file")
            .1
    };
    for (path, d) in &diagnostics {
        assert_range(text_of(path), &d.range, "bibliography diagnostic");
    }
    for e in &bib.entries {
        let t = text_of(&e.file);
        assert_range(t, &e.range, "entry");
        assert_range(t, &e.key_range, "entry key");
        assert!(bib.get(&e.key).is_some());
        let style = scholia::workspace::CitationStyle::default();
        let _ = bib.cite(&style, e, None);
        let _ = bib.cite(&style, e, Some("pp. 1-2"));
    }
}
