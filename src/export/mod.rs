//! Export: a workspace leaves scholia. `walk` is the one walk over a
//! document that every export renders from (TEI here, the reading edition
//! in `html`).

pub mod command;
pub mod document;
pub mod html;
pub mod ids;
pub mod tei;
pub mod walk;
mod xml;
