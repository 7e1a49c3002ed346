//! Coordination (issue 18): what the cross-sector coordination meeting (*rakor linsek*) works with. So far the
//! election calendar — the stages (*tahapan*) of an election and the phases of the police operation, as data, with
//! the questions every page asks of it (which stage is in force today, how many days to voting day) and its
//! iCalendar export and import.

pub mod calendar;
pub mod follow_up;
pub mod meeting;
