//! The election calendar as data: the stages (*tahapan*) of an election and the phases of the police operation
//! that secures it, each a span of whole days, read from a TOML file and checked whole like a taxonomy.
//!
//! A calendar file (`calendars/pilkada-2024.toml` ships with the crate) holds the calendar's `id`, its `label` and
//! `label_en`, the `voting_day`, and entries in two arrays, `[[stage]]` and `[[operation]]`. Each entry has an `id`,
//! a `label` and `label_en`, a `start` and an `end` (`YYYY-MM-DD`, both days included: a one-day stage has
//! `start == end`) and optionally a `note` and `note_en` (both or neither). Ids are unique across both arrays
//! (they name the entry in the iCalendar export); the stage with the id [`VOTING_STAGE`] must exist and hold the
//! voting day. Every fault is reported with its place: the line and column for TOML syntax and unknown fields,
//! else the entry (`stage[3]`, counted from 1) and its field.
//!
//! [`Date`] is the calendar's own date type (`date.rs`).

pub mod date;

pub use date::{Date, Weekday};
