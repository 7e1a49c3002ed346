//! The registry on the command line: `sinergi import …` (regions, boundaries, units, TPS) and `sinergi export tps`.

pub mod export;
pub mod import;
