//! Coordination: the rakor through the API (`api`: convene, attendance, agenda, decisions, follow-up, every bad
//! input) and through its pages (`pages`: the same with the forms, and the meeting's page on a phone in Chromium).

mod api;
mod calendar;
mod documents;
mod feed;
mod files;
mod pages;
mod sitrep;

pub(crate) use api::setup;
