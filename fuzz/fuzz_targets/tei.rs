//! TEI both ways: any bytes fed to the TEI importer (it answers or refuses,
//! never panics or hangs), and any text as a document exports to TEI that
//! the importer reads back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scholia::export::tei::{DocInfo, document};
use scholia::import::tei::import;
use scholia::syntax::Model;

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    // Untrusted TEI in.
    let _ = import(&text);
    // The text as a document: out and back.
    let ws = scholia_fuzz::seeds();
    let model = Model::scan(&text);
    let mut xml = Vec::new();
    document(
        &mut xml,
        &DocInfo {
            rel_path: "doc.scholia",
        },
        &text,
        &model,
        ws,
    )
    .expect("writing to memory");
    let xml = String::from_utf8(xml).expect("the export is UTF-8");
    let back = import(&xml).unwrap_or_else(|e| panic!("own export refused: {e:?}\n{xml}"));
    assert_eq!(back.document.as_deref(), Some(text.as_str()), "{xml}");
});
