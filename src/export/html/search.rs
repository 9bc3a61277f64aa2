//! The search index: a script (`assets/search-index.js`) that sets
//! `window.scholiaIndex`, loaded by the search page when it is opened. A
//! script rather than a JSON file because pages opened from disk
//! (`file://`) may not fetch files next to them; the site's own
//! Content-Security-Policy allows it as a file of the site.
//!
//! `docs`: `[title, page, date]`; `entities`: `[name, page, kind, other
//! names joined by "|"]`; `words`: word → indexes of the documents that
//! have it (in text, titles or mentions), each word lower-cased.

use std::collections::BTreeMap;

use serde_json::json;

use super::body::kind_class;
use super::{DocOut, Site};

pub(crate) fn index_js(site: &Site<'_>, outs: &[DocOut]) -> String {
    let docs: Vec<serde_json::Value> = site
        .docs
        .iter()
        .map(|d| json!([d.title, d.page, d.date.as_deref().unwrap_or("")]))
        .collect();
    let entities: Vec<serde_json::Value> = site
        .ws
        .registry
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let others: Vec<&str> = e.names().filter(|n| *n != e.name).collect();
            json!([
                e.name,
                site.entity_page(i),
                kind_class(e.kind),
                others.join("|")
            ])
        })
        .collect();
    let mut words: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (d, o) in outs.iter().enumerate() {
        for w in &o.words {
            words.entry(w.as_str()).or_default().push(d);
        }
    }
    let index = json!({ "docs": docs, "entities": entities, "words": words });
    // JSON is a JavaScript expression; U+2028/2029 are escaped for old
    // parsers, `<` so that the file never holds `</script`.
    let text = index
        .to_string()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .replace('<', "\\u003c");
    format!("window.scholiaIndex = {text};\n")
}
