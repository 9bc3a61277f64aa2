//! Compiles the committed, generated tree-sitter parser of the scholia format.
//! The grammar lives in `editors/tree-sitter-scholia`; `tree-sitter generate`
//! is run by hand there and its output (`src/parser.c`) is committed, so a
//! build needs only a C compiler.

fn main() {
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
