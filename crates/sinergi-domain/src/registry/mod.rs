//! The registry: agencies and their units, TPS, and the files they are imported from. Regions and their codes, which
//! every capability shares, are in `crate::region`.

pub mod agency;
pub mod import;
pub mod synthetic;
pub mod tps;
