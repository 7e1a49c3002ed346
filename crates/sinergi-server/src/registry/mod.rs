//! The registry in the server: regions and maps, TPS, agencies and units — their API (`api/`) and pages (`pages.rs`).

pub mod api;
pub(crate) mod pages;
