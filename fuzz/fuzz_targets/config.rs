//! `scholia.toml` of any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scholia::workspace::Config;

fuzz_target!(|data: &[u8]| {
    let text = scholia_fuzz::text_of(data);
    let config = Config::parse(&text);
    scholia_fuzz::assert_diagnostics(&text, &config.diagnostics, "config");
    for p in config.registry.iter().chain(config.bibliography.iter()) {
        scholia_fuzz::assert_range(&text, &p.range, "pattern");
    }
});
