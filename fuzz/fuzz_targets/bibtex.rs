//! A bibliography file (.bib) of any text, loaded beside a file of the
//! other format; every entry is formatted with and without a locator.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    scholia_fuzz::exercise_bibliography("fuzz.bib", scholia_fuzz::text_of(data));
});
