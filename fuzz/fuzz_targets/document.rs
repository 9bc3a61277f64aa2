//! A document of any text: parse, model, every check and every cursor
//! feature against the seed workspace's registry and bibliography.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scholia::workspace::Document;

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    let doc = Document::new(scholia_fuzz::doc_path("fuzz.scholia"), text);
    let extra: Vec<usize> = data.iter().take(4).map(|&b| b as usize * 7).collect();
    scholia_fuzz::exercise(&doc, scholia_fuzz::seeds(), &extra);
});
