//! The command line: `scholia check`, `scholia lsp`.

pub fn main() -> i32 {
    0
}
