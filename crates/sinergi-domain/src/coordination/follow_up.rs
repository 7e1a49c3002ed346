//! The follow-up of a meeting's decisions (*rencana tindak lanjut*): action items, each owned by an invited unit,
//! with a deadline, a status and its evidence, followed until done or dropped.
//!
//! The stored status is what someone said (open, in progress, done, dropped); *overdue* is not stored but seen:
//! an item not done and not dropped whose deadline (a WIB day, included) has passed ([`ItemState`]). So an item
//! becomes overdue at midnight WIB without any job writing it, and everyone sees the same thing at the same time.

use crate::coordination::calendar::Date;
use crate::coordination::meeting::{Checked, Decision, Faults, MAX_ENTRIES, MAX_ITEM, Meeting};
use crate::i18n::{Lang, Msg};
use crate::import::Problem;
use crate::text::{self, Lines};

word_enum! {
    /// An action item's status as recorded.
    ItemStatus {
        /// Open: decided, not started.
        Open => "open",
        /// In progress: the owner is on it.
        InProgress => "in_progress",
        /// Done, with evidence.
        Done => "done",
        /// Dropped by the convening unit, with a reason.
        Dropped => "dropped",
    }
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [ItemStatus::Open, ItemStatus::InProgress, ItemStatus::Done, ItemStatus::Dropped];

    /// Still to be done.
    pub fn pending(self) -> bool {
        matches!(self, ItemStatus::Open | ItemStatus::InProgress)
    }
}

word_enum! {
    /// What an action item is in, as everyone sees it: its status, or overdue when pending past its deadline.
    ItemState {
        Open => "open",
        InProgress => "in_progress",
        Done => "done",
        Overdue => "overdue",
        Dropped => "dropped",
    }
}

impl ItemState {
    pub fn of(status: ItemStatus, deadline: Date, today: Date) -> ItemState {
        match status {
            _ if status.pending() && today > deadline => ItemState::Overdue,
            ItemStatus::Open => ItemState::Open,
            ItemStatus::InProgress => ItemState::InProgress,
            ItemStatus::Done => ItemState::Done,
            ItemStatus::Dropped => ItemState::Dropped,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            ItemState::Open => Msg::ItemOpen,
            ItemState::InProgress => Msg::ItemInProgress,
            ItemState::Done => Msg::ItemDone,
            ItemState::Overdue => Msg::ItemOverdue,
            ItemState::Dropped => Msg::ItemDropped,
        })
    }
}

/// An action item of a decision, checked, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDraft {
    pub owner_unit: String,
    pub task: String,
    pub deadline: Date,
}

/// An action item as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFields {
    pub owner_unit: String,
    pub task: String,
    pub deadline: String,
}

/// A decision as typed, with its action items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionFields {
    pub text: String,
    pub items: Vec<ItemFields>,
}

impl DecisionFields {
    /// Checks a decision against its meeting: the text is not empty; each item has a task, an owner among the
    /// invited units, and a deadline on or after the meeting's day. Faults are named `items[2].deadline`.
    pub fn check(&self, meeting: &Meeting) -> Checked<(Decision, Vec<ItemDraft>)> {
        let mut problems = Vec::new();
        let text = text::check(&self.text, MAX_ITEM, Lines::Many).unwrap_or_else(|p| {
            problems.push(("text".to_owned(), p));
            String::new()
        });
        if meeting.decisions.len() >= MAX_ENTRIES {
            problems.push(("text".to_owned(), Problem::TooMany(MAX_ENTRIES)));
        }
        if self.items.len() > MAX_ENTRIES {
            problems.push(("items".to_owned(), Problem::TooMany(MAX_ENTRIES)));
        }
        let day = meeting.head.day();
        let mut items = Vec::new();
        for (i, item) in self.items.iter().enumerate().take(MAX_ENTRIES) {
            let place = |f: &str| format!("items[{}].{f}", i + 1);
            let owner_unit = item.owner_unit.trim().to_owned();
            if owner_unit.is_empty() {
                problems.push((place("owner_unit"), Problem::Empty));
            } else if let Err(p) = meeting.check_owner(&owner_unit) {
                problems.push((place("owner_unit"), p));
            }
            let task = text::check(&item.task, MAX_ITEM, Lines::Many).unwrap_or_else(|p| {
                problems.push((place("task"), p));
                String::new()
            });
            let deadline = match check_deadline(&item.deadline, day) {
                Ok(d) => Some(d),
                Err(p) => {
                    problems.push((place("deadline"), p));
                    None
                }
            };
            if let Some(deadline) = deadline {
                items.push(ItemDraft { owner_unit, task, deadline });
            }
        }
        let decision = Decision { number: meeting.next_decision_number(), text };
        Checked { value: (decision, items), problems }
    }
}

/// A deadline: a date `YYYY-MM-DD`, not before the meeting's day.
pub fn check_deadline(text: &str, meeting_day: Option<Date>) -> Result<Date, Problem> {
    let text = text.trim();
    let date = Date::parse(text).ok_or_else(|| Problem::BadDate(text.chars().take(40).collect()))?;
    match meeting_day {
        Some(day) if date < day => {
            Err(Problem::DeadlineBeforeMeeting { deadline: date.to_string(), meeting: day.to_string() })
        }
        _ => Ok(date),
    }
}

/// An update of an action item as typed: a new status, with the reason a drop needs and the evidence that done
/// needs (text; attachments are added beside it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateFields {
    pub status: String,
    pub note: Option<String>,
}

/// A checked update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemUpdate {
    pub status: ItemStatus,
    /// The evidence (done), the reason (dropped), or a remark.
    pub note: Option<String>,
}

impl UpdateFields {
    /// Checks a move of an item from `current`. The owner moves it to in progress or done (done needs evidence);
    /// dropping (with a reason) and reopening what is done or dropped are for those who manage the meeting.
    pub fn check(&self, current: ItemStatus, manages: bool) -> Result<ItemUpdate, Faults> {
        let Some(next) = ItemStatus::parse(self.status.trim()) else {
            return Err(vec![(
                "status".into(),
                Problem::one_of(&self.status, &["open", "in_progress", "done", "dropped"]),
            )]);
        };
        let note = match self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(n) => Some(text::check(n, MAX_ITEM, Lines::Many).map_err(|p| vec![("note".to_owned(), p)])?),
        };
        let allowed = match (current, next) {
            (a, b) if a == b => false,
            (ItemStatus::Open, ItemStatus::InProgress) | (ItemStatus::InProgress, ItemStatus::Open) => true,
            (ItemStatus::Open | ItemStatus::InProgress, ItemStatus::Done) => true,
            (ItemStatus::Open | ItemStatus::InProgress, ItemStatus::Dropped) => manages,
            (ItemStatus::Done | ItemStatus::Dropped, ItemStatus::Open | ItemStatus::InProgress) => manages,
            _ => false,
        };
        if !allowed {
            return Err(vec![(
                "status".into(),
                Problem::BadMove { from: current.as_str().into(), to: next.as_str().into() },
            )]);
        }
        if matches!(next, ItemStatus::Done | ItemStatus::Dropped) && note.is_none() {
            return Err(vec![("note".into(), Problem::Empty)]);
        }
        Ok(ItemUpdate { status: next, note })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coordination::meeting::MeetingFields;
    use crate::registry::agency::AgencyKind;
    use crate::trust::auth::Role;

    fn meeting() -> Meeting {
        let v = crate::coordination::meeting::tests::viewer(Role::Operator, AgencyKind::Polri, "33.20");
        let head = MeetingFields {
            title: "Rakor".into(),
            region: "33.20".into(),
            convening_unit: "polres-33.20".into(),
            place: Some("Aula".into()),
            starts_at: "2026-12-10 09:00".into(),
            ends_at: "2026-12-10 12:00".into(),
            ..Default::default()
        }
        .check(&v)
        .value
        .unwrap();
        Meeting::new(head, &["kodim-33.20".into()])
    }

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn overdue_is_seen_the_day_after_the_deadline() {
        let deadline = day("2026-12-15");
        assert_eq!(ItemState::of(ItemStatus::Open, deadline, day("2026-12-15")), ItemState::Open);
        assert_eq!(ItemState::of(ItemStatus::Open, deadline, day("2026-12-16")), ItemState::Overdue);
        assert_eq!(ItemState::of(ItemStatus::InProgress, deadline, day("2027-01-01")), ItemState::Overdue);
        assert_eq!(ItemState::of(ItemStatus::Done, deadline, day("2027-01-01")), ItemState::Done);
        assert_eq!(ItemState::of(ItemStatus::Dropped, deadline, day("2027-01-01")), ItemState::Dropped);
    }

    #[test]
    fn a_decision_names_each_faulty_item() {
        let m = meeting();
        let fields = DecisionFields {
            text: "Patroli gabungan TNI-Polri di 12 TPS sangat rawan".into(),
            items: vec![
                ItemFields {
                    owner_unit: "kodim-33.20".into(),
                    task: "Siapkan 2 SSK".into(),
                    deadline: "2026-12-20".into(),
                },
                ItemFields { owner_unit: "pln-up3-33.20".into(), task: "Genset".into(), deadline: "2026-12-09".into() },
                ItemFields { owner_unit: "".into(), task: " ".into(), deadline: "20-12-2026".into() },
            ],
        };
        let checked = fields.check(&m);
        let names: Vec<&str> = checked.problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            ["items[2].owner_unit", "items[2].deadline", "items[3].owner_unit", "items[3].task", "items[3].deadline"]
        );
        assert!(matches!(checked.problems[0].1, Problem::OwnerNotInvited(_)));
        assert!(matches!(checked.problems[1].1, Problem::DeadlineBeforeMeeting { .. }));
        assert_eq!(checked.value.0.number, 1);
        let empty = DecisionFields { text: "".into(), items: vec![] }.check(&m);
        assert_eq!(empty.problems, [("text".to_owned(), Problem::Empty)]);
    }

    #[test]
    fn moves_of_an_item() {
        let up = |s: &str, note: Option<&str>| UpdateFields { status: s.into(), note: note.map(Into::into) };
        assert_eq!(up("in_progress", None).check(ItemStatus::Open, false).unwrap().status, ItemStatus::InProgress);
        assert_eq!(up("done", None).check(ItemStatus::Open, false).unwrap_err()[0].0, "note");
        assert!(up("done", Some("Foto apel")).check(ItemStatus::InProgress, false).is_ok());
        assert!(up("dropped", Some("Tidak relevan")).check(ItemStatus::Open, false).is_err(), "owners do not drop");
        assert!(up("dropped", Some("Tidak relevan")).check(ItemStatus::Open, true).is_ok());
        assert!(up("open", None).check(ItemStatus::Done, false).is_err(), "owners do not reopen");
        assert!(up("open", None).check(ItemStatus::Done, true).is_ok());
        assert!(up("open", None).check(ItemStatus::Open, true).is_err());
        assert!(matches!(up("selesai", None).check(ItemStatus::Open, true).unwrap_err()[0].1, Problem::OneOf { .. }));
    }
}
