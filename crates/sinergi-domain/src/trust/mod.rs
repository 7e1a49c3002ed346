//! Trust: accounts, roles and scopes, classification (`auth`), and the tamper-evident audit chain (`audit`). Who may
//! do and read what, which every capability asks, is in `crate::access`.

pub mod audit;
pub mod auth;
