//! The early warning scan on the live reports: through the API (`api`) and its pages (`pages`), on a regency with
//! a clear cluster of reports (`fixture`).

mod api;
mod fixture;
mod pages;
