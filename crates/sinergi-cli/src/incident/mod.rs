//! The incident desk on the command line: the report taxonomy (`sinergi taxonomy check|load`), and the demo's
//! synthetic reports.

pub mod synthetic;
pub mod taxonomy;
