//! Deployment planning (issue 20, docs/deployment.md): the roster, the regency's security pattern, plans made,
//! compared, approved and exported. `service.rs` is what every entry point asks of it.

pub mod service;
