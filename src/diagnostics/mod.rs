//! Every check of SPEC §5. The CLI and the server call the same functions.

mod aux;
mod checks;
mod describe;
mod locators;
mod resolved;
mod variants;

pub use aux::{aux_diagnostics, unused_entries};
pub use checks::{check, check_local, check_translation, finish, finish_with, plain_names};
pub use describe::description;
pub use locators::{is_archival, line_label};

use crate::base::Diagnostic;

/// The `ambiguous-locator` diagnostics of a document (for its quick fix).
pub fn ambiguous_locators(
    doc: &crate::workspace::Document,
    ws: &crate::workspace::Workspace,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    locators::check(doc, ws, &mut out);
    out
}
