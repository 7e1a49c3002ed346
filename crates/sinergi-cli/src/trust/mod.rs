//! Trust on the command line: accounts (`user`), API tokens (`token`), the audit log and the audit events every
//! command records (`audit`).

pub mod audit;
pub mod token;
pub mod user;
