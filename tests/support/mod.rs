//! Helpers shared by the integration tests. Each test binary uses a part of
//! them, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod files;
pub mod fixture;
pub mod lsp_client;
