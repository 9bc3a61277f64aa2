//! The language server (LSP glue only).

pub fn run() -> i32 {
    0
}
