//! The storage crate's integration tests, one binary with a module per capability. Every test runs on SQLite and
//! on PostgreSQL (see `sinergi_store::backend_tests!`): `registry` (regions, boundaries, TPS, units: the behaviour
//! suite), `trust` (accounts, sessions, the sign-in throttle, tokens, the audit log), `vulnerability`, `incident`
//! (reports, the desk's shared picture, the taxonomy) and `early_warning` (the scan's zones, cases, runs and
//! alerts).

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

mod helpers;

mod coordination;
mod deployment;
mod early_warning;
mod incident;
mod registry;
mod trust;
mod vulnerability;
