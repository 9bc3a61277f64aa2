//! Front matter of any content between `+++` fences (TOML with spans, the
//! known keys' types, citations in `source`), followed by a body that uses
//! it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scholia::workspace::Document;

fuzz_target!(|data: &[u8]| {
    let content = scholia_fuzz::text_of(data);
    let text = format!("+++\n{content}\n+++\n\nText [@aprf-45-1-343] and [^1].\n\n[^1]: Note.\n");
    let doc = Document::new(scholia_fuzz::doc_path("fuzz.scholia"), text);
    scholia_fuzz::exercise(&doc, scholia_fuzz::seeds(), &[4, 12]);
});
