//! Every check of SPEC §5. The CLI and the server call the same functions.

mod code;

pub use code::{Code, Diagnostic, Level, Lints, Severity};
