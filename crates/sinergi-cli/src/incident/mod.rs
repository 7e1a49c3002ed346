//! The incident desk on the command line: the report taxonomy (`sinergi taxonomy check|load`).

pub mod taxonomy;
