//! The VRPTW engine's integration tests, one binary: reading Solomon files (`parse`), building a problem
//! (`problem`), checking solutions (`check`) and solving (`solve`).

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

mod helpers;

mod check;
mod parse;
mod problem;
mod solve;
