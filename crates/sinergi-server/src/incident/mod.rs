//! The incident desk in the server: its service (what every entry point asks of the desk). Its API lives in
//! `api/reports.rs`, `api/desk.rs`, `api/intake.rs` and `api/report_export.rs`, its pages in `pages/incidents.rs`,
//! `pages/field.rs` and `pages/rules.rs`, its machinery in `desk.rs` and `feed.rs` (issue 17 gathers them here).

pub mod service;

use crate::error::ApiError;

impl From<service::FileError> for ApiError {
    fn from(e: service::FileError) -> ApiError {
        match e {
            service::FileError::Forbidden => crate::auth::forbidden(),
            service::FileError::Invalid(problems) => ApiError::validation(problems),
            service::FileError::Store(e) => e.into(),
        }
    }
}
