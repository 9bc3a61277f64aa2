//! `scholia import` of any export text, with and without tagging; the
//! result must be a document the parser takes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scholia::import::{Options, convert};
use scholia::workspace::Document;

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    let ws = scholia_fuzz::seeds();
    let plain = convert(&text, &Options::default());
    let tagged = convert(
        &text,
        &Options {
            tag: Some(&ws.registry),
            registry: Some(&ws.registry),
            bibliography: Vec::new(),
        },
    );
    for out in [plain, tagged] {
        let doc = Document::new(scholia_fuzz::doc_path("imported.scholia"), out.text);
        scholia_fuzz::assert_model(&doc.text, &doc.model);
    }
});
