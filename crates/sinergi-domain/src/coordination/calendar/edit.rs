//! Changing a calendar: writing it back as a calendar file ([`Calendar::to_toml`]), and taking the dates of an
//! iCalendar file into it ([`Calendar::apply_ics`]) — the import of what [`Calendar::to_ics`] exports, after
//! someone moved a stage in their phone's calendar or the KPU published a new schedule.
//!
//! An imported calendar is checked exactly as a typed one: it is written as TOML and read back with
//! [`Calendar::from_toml`], so every rule (ids, dates, the voting stage) holds whichever way it came in.

use super::{Calendar, CalendarError, Entry, EntryKind, IcsEvent, Text, VOTING_STAGE, valid_id};
use crate::import::Problem;

/// A TOML basic string: quoted, with `\`, `"` and control characters escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Calendar {
    /// The calendar as a calendar file, `header` as its opening comment (each line prefixed with `# `). Reading it
    /// back with [`Calendar::from_toml`] gives the same calendar.
    pub fn to_toml(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
        }
        if !header.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("id = {}\n", quoted(&self.id)));
        out.push_str(&format!("label = {}\n", quoted(&self.label.id)));
        out.push_str(&format!("label_en = {}\n", quoted(&self.label.en)));
        out.push_str(&format!("voting_day = \"{}\"\n", self.voting_day));
        for kind in [EntryKind::Stage, EntryKind::Operation] {
            for e in self.entries.iter().filter(|e| e.kind == kind) {
                out.push_str(&format!("\n[[{}]]\n", kind.as_str()));
                out.push_str(&format!("id = {}\n", quoted(&e.id)));
                out.push_str(&format!("label = {}\n", quoted(&e.label.id)));
                out.push_str(&format!("label_en = {}\n", quoted(&e.label.en)));
                out.push_str(&format!("start = \"{}\"\nend = \"{}\"\n", e.start, e.end));
                if let Some(note) = &e.note {
                    out.push_str(&format!("note = {}\nnote_en = {}\n", quoted(&note.id), quoted(&note.en)));
                }
            }
        }
        out
    }

    /// This calendar with the dates of `events`: an event whose UID names one of its entries (as Sinergi writes
    /// them, `ENTRY.CALENDAR@sinergi`) moves that entry; any other event with CATEGORIES `stage` or `operation`
    /// becomes a new entry, labelled with its SUMMARY in both languages. When the voting stage moves and lasts one
    /// day, the voting day moves with it. Faults are named `line N` (the event's line); the result is checked as
    /// a calendar file is ([`Calendar::from_toml`]), so an import that breaks a rule is refused whole.
    pub fn apply_ics(&self, events: &[IcsEvent]) -> Result<Calendar, ImportFaults> {
        let mut out = self.clone();
        let mut faults = Vec::new();
        for event in events {
            let place = format!("line {}", event.line);
            let known = event.sinergi_ids().and_then(|(_, entry)| out.entries.iter().position(|e| e.id == entry));
            match (known, event.kind) {
                (Some(i), _) => {
                    out.entries[i].start = event.start;
                    out.entries[i].end = event.end;
                }
                (None, Some(kind)) => {
                    let id = entry_id(event, &out);
                    let summary: String = event.summary.chars().take(super::LABEL_MAX).collect();
                    out.entries.push(Entry {
                        id,
                        kind,
                        label: Text { id: summary.clone(), en: summary },
                        start: event.start,
                        end: event.end,
                        note: None,
                    });
                }
                (None, None) => faults.push((place, Problem::one_of("", &["stage", "operation"]))),
            }
        }
        if !faults.is_empty() {
            return Err(ImportFaults::Events(faults));
        }
        if let Some(voting) = out.entry(VOTING_STAGE)
            && voting.start == voting.end
        {
            out.voting_day = voting.start;
        }
        Calendar::from_toml(&out.to_toml("")).map_err(ImportFaults::Calendar)
    }
}

/// Why an import was refused: events that cannot be placed, or a calendar that breaks a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportFaults {
    Events(Vec<(String, Problem)>),
    Calendar(Vec<CalendarError>),
}

/// An id for a new entry from an event: its Sinergi id when it has one, else one made of its SUMMARY's letters and
/// digits, made unique among the calendar's entries.
fn entry_id(event: &IcsEvent, calendar: &Calendar) -> String {
    let base = match event.sinergi_ids() {
        Some((_, id)) => id.to_owned(),
        None => {
            let mut id: String = event
                .summary
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' })
                .collect();
            id = id.split('_').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_");
            if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
                id = format!("e_{id}");
            }
            id.chars().take(super::ID_MAX - 4).collect()
        }
    };
    let mut id = base.clone();
    let mut n = 2;
    while calendar.entry(&id).is_some() || !valid_id(&id) {
        id = format!("{}_{n}", base.chars().take(super::ID_MAX - 4).collect::<String>());
        n += 1;
        if n > 999 {
            break;
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::super::{Date, from_ics};
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_shipped_calendar_survives_toml_round_trip() {
        let shipped = Calendar::shipped();
        let text = shipped.to_toml("Sinergi\nline two");
        assert!(text.starts_with("# Sinergi\n# line two\n\nid = "));
        assert_eq!(Calendar::from_toml(&text).unwrap(), shipped);
    }

    #[test]
    fn quotes_what_toml_must_escape() {
        let mut c = Calendar::shipped();
        c.label.id = "Pilkada \"2024\" \\ C:\\".into();
        assert_eq!(Calendar::from_toml(&c.to_toml("")).unwrap().label.id, c.label.id);
    }

    #[test]
    fn an_export_edited_in_a_phone_moves_its_entries() {
        let shipped = Calendar::shipped();
        let ics = shipped.to_ics(Lang::Id, 0);
        let voting = shipped.entry(VOTING_STAGE).unwrap().clone();
        let day = |d: Date| d.basic();
        let next = |d: Date| d.plus_days(1).unwrap().basic();
        // The vote moves a week later (a re-vote, *pemungutan suara ulang*), and a new stage is added.
        let later = voting.start.plus_days(7).unwrap();
        let moved = ics.replace(
            &format!("DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}", day(voting.start), next(voting.end)),
            &format!("DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}", day(later), next(later)),
        );
        assert_ne!(moved, ics, "the voting event was found in the export");
        let extra = "BEGIN:VEVENT\r\nUID:rapat-pleno@kpu.example\r\nSUMMARY:Rapat pleno rekapitulasi\r\n\
                     CATEGORIES:stage\r\nDTSTART;VALUE=DATE:20241210\r\nEND:VEVENT\r\nEND:VCALENDAR";
        let moved = moved.replace("END:VCALENDAR", extra);
        let events = from_ics(&moved).unwrap();
        let imported = shipped.apply_ics(&events).unwrap();
        assert_eq!(imported.voting_day, later);
        assert_eq!(imported.entry(VOTING_STAGE).unwrap().start, later);
        let pleno = imported.entry("rapat_pleno_rekapitulasi").unwrap();
        assert_eq!(
            (pleno.start, pleno.end, pleno.kind),
            (Date::new(2024, 12, 10).unwrap(), Date::new(2024, 12, 10).unwrap(), EntryKind::Stage)
        );
    }

    #[test]
    fn an_event_without_a_kind_or_breaking_a_rule_is_refused() {
        let shipped = Calendar::shipped();
        let no_kind = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x@y\r\nSUMMARY:Rapat\r\nDTSTART;VALUE=DATE:20241210\r\n\
                       END:VEVENT\r\nEND:VCALENDAR\r\n";
        let refused = shipped.apply_ics(&from_ics(no_kind).unwrap()).unwrap_err();
        assert!(matches!(refused, ImportFaults::Events(ref f) if f[0].0 == "line 2"));
        // The vote moved out of its stage's days: the calendar's own rule refuses it.
        let voting = shipped.entry(VOTING_STAGE).unwrap();
        let mut events = vec![];
        let ics = shipped.to_ics(Lang::Id, 0);
        for mut e in from_ics(&ics).unwrap() {
            if e.sinergi_ids().map(|(_, id)| id) == Some(VOTING_STAGE) {
                e.start = voting.start.plus_days(3).unwrap();
                e.end = voting.start.plus_days(1).unwrap();
            }
            events.push(e);
        }
        assert!(matches!(shipped.apply_ics(&events), Err(ImportFaults::Calendar(_))));
    }
}
