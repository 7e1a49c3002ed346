//! The server's integration tests, one binary with a module per capability. They start the real application on a
//! random port ([`helpers::TestApp`]) and call it as its users would, most of them on SQLite and on PostgreSQL
//! (see `sinergi_store::backend_tests!`); a few look at the pages in Debian's headless Chromium.
//!
//! `registry` (regions, TPS, units, the map and the API's basics), `trust` (sign-in, sessions, tokens, the audit
//! chain, and `trust::matrix`, every route as every role, territory and token), `vulnerability`, `incident`
//! (reports, SMS intake, the desk, the taxonomy, the incident pages and the field form), `early_warning`,
//! `coordination`, and `phone` (every page at 360 px as every role, with axe-core).

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

mod helpers;

mod coordination;
mod dashboard;
mod deployment;
mod early_warning;
mod incident;
mod phone;
mod registry;
mod trust;
mod vulnerability;
