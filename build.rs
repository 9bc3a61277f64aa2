//! Compiles the committed, generated tree-sitter parser of the scholia format.
//! The grammar lives in `editors/tree-sitter-scholia`; `tree-sitter generate`
//! is run by hand there and its output (`src/parser.c`) is committed, so a
//! build needs only a C compiler.
//!
//! It also names the build of the citation renderer for the renderings kept
//! between runs (`workspace/bibliography/store.rs`): `SCHOLIA_RENDER_BUILD`
//! is a hash of Cargo.lock (hayagriva's version) and of the files that turn
//! an entry into hayagriva's answer, so a changed renderer reads no old
//! answer.

fn main() {
    render_build();
    let dir = std::path::Path::new("editors/tree-sitter-scholia/src");
    let mut build = cc::Build::new();
    build.include(dir).std("c11").warnings(false);
    for name in ["parser.c", "scanner.c"] {
        let path = dir.join(name);
        if path.exists() {
            build.file(&path);
        }
        println!("cargo:rerun-if-changed={}", path.display());
    }
    if !dir.join("parser.c").exists() {
        println!(
            "cargo:warning=editors/tree-sitter-scholia/src/parser.c is missing: run `tree-sitter generate` there"
        );
        return;
    }
    build.compile("tree-sitter-scholia");
}

/// FNV-1a over Cargo.lock and the renderer's sources (whatever of them exist).
fn render_build() {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    for name in [
        "Cargo.lock",
        "src/workspace/bibliography/render.rs",
        "src/workspace/bibliography/store.rs",
    ] {
        println!("cargo:rerun-if-changed={name}");
        h.write(name.as_bytes());
        h.write_u8(0);
        h.write(&std::fs::read(name).unwrap_or_default());
    }
    println!("cargo:rustc-env=SCHOLIA_RENDER_BUILD={:016x}", h.finish());
}
