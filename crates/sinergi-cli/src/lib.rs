//! The library behind the `sinergi` binary: import, export, the demo, accounts, the audit log, the early warning
//! scan and the deployment planner, as the subcommands run them. A library so that benchmarks and tests can build exactly what `sinergi demo`
//! builds.

pub mod audit;
pub mod demo;
pub mod export;
pub mod import;
pub mod plan;
pub mod scan;
pub mod taxonomy;
pub mod token;
pub mod user;
pub mod vulnerability;
