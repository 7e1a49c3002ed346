//! Coordination (issue 18): what the cross-sector coordination meeting (*rakor linsek*) works with — the meeting
//! (`meeting`), the follow-up of its decisions (`follow_up`), its files (`attachment`), and the election calendar
//! (`calendar`): the stages (*tahapan*) of an election and the phases of the police operation, as data, with the
//! questions every page asks of it (which stage is in force today, how many days to voting day), its iCalendar
//! export and import.

pub mod attachment;
pub mod calendar;
pub mod follow_up;
pub mod meeting;
