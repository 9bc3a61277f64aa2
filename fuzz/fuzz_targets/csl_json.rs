//! A bibliography file (.json) of any text, loaded beside a file of the
//! other kind; every entry is formatted with and without a locator.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use scholia::workspace::Bibliography;

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    let files = vec![
        (PathBuf::from("/ws/fuzz.json"), text),
        (PathBuf::from("/ws/other.bib"), "@book{other, title = {Other}, year = 1999}\n".to_string()),
    ];
    let (bib, diagnostics) = Bibliography::load(&files);
    for (path, d) in &diagnostics {
        let (_, t) = files.iter().find(|(p, _)| p == path).expect("a loaded file");
        scholia_fuzz::assert_range(t, &d.range, "bibliography diagnostic");
    }
    for e in &bib.entries {
        let (_, t) = files.iter().find(|(p, _)| *p == e.file).expect("a loaded file");
        scholia_fuzz::assert_range(t, &e.range, "entry");
        scholia_fuzz::assert_range(t, &e.key_range, "entry key");
        assert!(bib.get(&e.key).is_some());
        let _ = bib.cite(e, None);
        let _ = bib.cite(e, Some("pp. 1-2"));
    }
});
