//! Each distinct mention target of a document resolved once against the
//! registry, shared by the entity checks and `inconsistent-variant`.

use std::collections::HashMap;

use crate::workspace::{Document, Resolution, Workspace};

/// The maps are only looked up, never iterated: a fast hash.
type Fast = foldhash::fast::RandomState;

/// Mention target → its resolution in the registry.
pub(super) type Resolved<'d> = HashMap<&'d str, Resolution, Fast>;

/// The resolution of every distinct mention target of `doc`. Most mentions
/// repeat a target (a 1 MB document: ≈ 6,000 mentions of a few hundred
/// targets): each is resolved once, for `unknown-entity`,
/// `ambiguous-entity` and `inconsistent-variant` alike.
pub(super) fn resolve_mentions<'d>(doc: &'d Document, ws: &Workspace) -> Resolved<'d> {
    let mut resolved = Resolved::default();
    for mention in &doc.model.mentions {
        resolved
            .entry(mention.target.as_str())
            .or_insert_with(|| ws.registry.resolve(&mention.target));
    }
    resolved
}
