//! Trust in the server: who is asking (`auth.rs`: sessions, API tokens, CSRF, the sign-in throttle), password and
//! token secrets (`secrets.rs`), the tokens' CLI-facing service (`tokens.rs`), and their API and pages.

pub mod api;
pub mod auth;
pub(crate) mod pages;
pub mod secrets;
pub mod tokens;
