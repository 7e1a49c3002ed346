//! The incident desk in the server: its service (`service.rs`: what every entry point asks of the desk), its
//! machinery (`desk.rs`: the escalation sweep and the duplicate search; `feed.rs`: the live feed; `taxonomy.rs`: the
//! taxonomy in force), its JSON API (`api/`) and its pages (`pages/`: the desk, the field form, the rules).

pub mod api;
pub mod dashboard;
pub mod desk;
pub mod feed;
pub(crate) mod pages;
pub mod places;
pub mod service;
pub mod taxonomy;
pub mod views;

use crate::error::ApiError;

impl From<service::FileError> for ApiError {
    fn from(e: service::FileError) -> ApiError {
        match e {
            service::FileError::Forbidden => crate::trust::auth::forbidden(),
            service::FileError::Invalid(problems) => ApiError::validation(problems),
            service::FileError::Store(e) => e.into(),
        }
    }
}
