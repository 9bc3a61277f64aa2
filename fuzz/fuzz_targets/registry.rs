//! A registry file of any text, loaded beside the seed registry (duplicate
//! ids and shared aliases across files), then used to resolve and to find
//! untagged names.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use scholia::workspace::{Registry, Resolution};

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    let other = "[person.zhou-enlai]\nname = \"Zhou Enlai\"\naliases = [\"Zhou\"]\n";
    let files = vec![
        (PathBuf::from("/ws/registry/fuzz.toml"), text.clone()),
        (PathBuf::from("/ws/registry/other.toml"), other.to_string()),
    ];
    let (registry, diagnostics) = Registry::load(&files);
    for (path, d) in &diagnostics {
        let (_, t) = files
            .iter()
            .find(|(p, _)| p == path)
            .expect("a loaded file");
        scholia_fuzz::assert_range(t, &d.range, "registry diagnostic");
    }
    for (i, e) in registry.entities.iter().enumerate() {
        let (_, t) = files
            .iter()
            .find(|(p, _)| *p == e.file)
            .expect("a loaded file");
        scholia_fuzz::assert_range(t, &e.range, "entity");
        scholia_fuzz::assert_range(t, &e.id_range, "entity id");
        assert!(registry.index_of(&e.id).is_some());
        let _ = e.summary();
        for name in registry.names_of(i) {
            assert!(!matches!(registry.resolve(name), Resolution::Unknown));
        }
    }
    for m in registry.find_names(&text) {
        scholia_fuzz::assert_range(&text, &m.range, "untagged name");
    }
});
