//! The `sinergi` binary's integration tests, one binary with a module per capability: each test runs the real
//! executable against its own temporary SQLite database and checks what it prints, its exit status, and what the
//! database holds afterwards. `registry` (imports, exports, the demo), `database` (which databases it opens),
//! `trust` (accounts, tokens, the audit log), `vulnerability`, `incident` (the taxonomy), `early_warning`
//! (`sinergi scan`) and `deployment` (`sinergi plan solve-vrptw`).

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

mod helpers;

mod coordination;
mod database;
mod deployment;
mod early_warning;
mod incident;
mod registry;
mod trust;
mod vulnerability;
