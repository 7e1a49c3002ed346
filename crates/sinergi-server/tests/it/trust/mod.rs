//! Who may do what: signing in and out, sessions, the sign-in throttle, API tokens and the audit chain (`auth`),
//! and the access matrix of every route as every role, territory and token (`matrix`).

mod auth;
mod matrix;
