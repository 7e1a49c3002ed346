//! The library behind the `sinergi` binary, one module per capability as the subcommands run them: the registry
//! (import, export), trust (accounts, tokens, the audit log), vulnerability mapping, the incident desk (the
//! taxonomy), the early warning scan, deployment planning, and the demo that seeds them all. A library so that
//! benchmarks and tests can build exactly what `sinergi demo` builds.

pub mod coordination;
pub mod demo;
pub mod deployment;
pub mod early_warning;
pub mod incident;
pub mod registry;
pub mod trust;
pub mod vulnerability;
