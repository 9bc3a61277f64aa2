//! The search index: scripts that the search page loads when it is opened.
//! Scripts rather than JSON files because pages opened from disk
//! (`file://`) may not fetch files next to them; the site's own
//! Content-Security-Policy allows them as files of the site.
//!
//! `assets/search-index.js` sets `window.scholiaIndex`: `docs`: `[title,
//! page, date]`; `entities`: `[name, page, kind, other names joined by
//! "|"]`; `shards`: the first two characters of a word → the script holding
//! the words that start with them. Each shard (`assets/search/HEX.js`, HEX
//! the UTF-8 bytes of those characters) adds to `window.scholiaShards[KEY]`
//! an object word → indexes of the documents that have it (in text, titles
//! or mentions), each word lower-cased. The search page loads only the
//! shards its query's words need, so neither the export nor a reader holds
//! the whole archive's words at once.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rayon::prelude::*;
use serde_json::json;

use super::body::kind_class;
use super::spill::{Spill, WORD_BUCKETS, shard_of};
use super::{Site, write_file};

/// JSON as a JavaScript expression: U+2028/2029 escaped for old parsers,
/// `<` so that no file ever holds `</script`.
fn script_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .replace('<', "\\u003c")
}

/// The file name of a shard: the hex of its key's UTF-8 bytes.
fn shard_file(key: &str) -> String {
    let mut name = String::from("search/");
    for b in key.bytes() {
        let _ = write!(name, "{b:02x}");
    }
    name.push_str(".js");
    name
}

/// Writes the index and its shards under `out/assets/`.
pub(crate) fn write(site: &Site<'_>, spill: &Spill, out: &Path) -> Result<(), String> {
    // Each bucket of words holds whole shards: made and written alone.
    let shards: Vec<Vec<String>> = (0..WORD_BUCKETS)
        .into_par_iter()
        .map(|b| -> Result<Vec<String>, String> {
            let mut records = spill.words(b)?;
            records.sort_by(|a, b| (shard_of(&a.1), &a.1, a.0).cmp(&(shard_of(&b.1), &b.1, b.0)));
            let mut keys = Vec::new();
            let mut i = 0;
            while i < records.len() {
                let key = shard_of(&records[i].1).to_string();
                let mut words: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
                while i < records.len() && shard_of(&records[i].1) == key {
                    let (d, w) = &records[i];
                    let docs = words.entry(w.as_str()).or_default();
                    if docs.last() != Some(d) {
                        docs.push(*d);
                    }
                    i += 1;
                }
                let text = format!(
                    "(window.scholiaShards = window.scholiaShards || {{}})[{}] = {};\n",
                    script_json(&key),
                    script_json(&words)
                );
                write_file(out.join("assets").join(shard_file(&key)), &text)?;
                keys.push(key);
            }
            Ok(keys)
        })
        .collect::<Result<_, String>>()?;
    let shards: BTreeMap<String, String> = shards
        .into_iter()
        .flatten()
        .map(|k| {
            let file = format!("assets/{}", shard_file(&k));
            (k, file)
        })
        .collect();
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
    let index = json!({ "docs": docs, "entities": entities, "shards": shards });
    write_file(
        out.join("assets/search-index.js"),
        &format!("window.scholiaIndex = {};\n", script_json(&index)),
    )
}
