//! The library behind the `sinergi` binary: import, export, the demo, accounts, the audit log and the early warning
//! scan, as the subcommands run them. A library so that benchmarks and tests can build exactly what `sinergi demo`
//! builds.

pub mod audit;
pub mod demo;
pub mod export;
pub mod import;
pub mod scan;
pub mod taxonomy;
pub mod token;
pub mod user;
pub mod vulnerability;
