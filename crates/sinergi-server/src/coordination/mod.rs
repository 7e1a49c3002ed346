//! Coordination (issue 18; docs/coordination.md): the cross-sector coordination meeting (*rapat koordinasi lintas
//! sektoral*) and its follow-up. The service (`service.rs`) is what every entry point asks; the API (`api/`) and
//! the pages (`pages/`) call it; `views.rs` holds the JSON shapes.

pub mod api;
pub mod calendar;
pub mod dashboard;
pub mod documents;
pub mod overdue;
pub(crate) mod pages;
pub mod service;
pub mod sitrep;
pub mod views;
