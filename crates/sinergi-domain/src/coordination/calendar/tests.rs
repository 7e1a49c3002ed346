use proptest::prelude::*;

use super::*;

fn d(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn ids<'a>(entries: &[&'a Entry]) -> Vec<&'a str> {
    entries.iter().map(|e| e.id.as_str()).collect()
}

/// A sound calendar with two stages and one operation phase, to break one field at a time.
const SMALL: &str = r#"
id = "uji"
label = "Uji"
label_en = "Test"
voting_day = "2024-11-27"

[[stage]]
id = "kampanye"
label = "Kampanye"
label_en = "Campaign"
start = "2024-09-25"
end = "2024-11-23"

[[stage]]
id = "pemungutan_suara"
label = "Pemungutan suara"
label_en = "Voting"
start = "2024-11-27"
end = "2024-11-27"
note = "TPS buka 07.00"
note_en = "Polling stations open at 07:00"

[[operation]]
id = "ops"
label = "Operasi"
label_en = "Operation"
start = 2024-08-27
end = 2025-02-20
"#;

fn errors_of(text: &str) -> Vec<(String, String)> {
    Calendar::from_toml(text).unwrap_err().iter().map(|e| (e.path(), e.message(Lang::En))).collect()
}

#[test]
fn a_small_calendar_loads_with_string_and_toml_dates() {
    let c = Calendar::from_toml(SMALL).unwrap();
    assert_eq!(c.id, "uji");
    assert_eq!(c.label.get(Lang::En), "Test");
    assert_eq!(c.voting_day, d("2024-11-27"));
    assert_eq!(c.stages().count(), 2);
    let ops = c.entry("ops").unwrap();
    assert_eq!((ops.kind, ops.start, ops.end), (EntryKind::Operation, d("2024-08-27"), d("2025-02-20")));
    let voting = c.entry(VOTING_STAGE).unwrap();
    assert_eq!(voting.days(), 1);
    assert_eq!(voting.note.as_ref().map(|n| n.get(Lang::Id)), Some("TPS buka 07.00"));
}

#[test]
fn toml_syntax_and_unknown_fields_are_placed_by_line_and_column() {
    let typo = SMALL.replace("note_en = ", "catatan = ");
    let errors = errors_of(&typo);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, "line:21:1");
    assert!(errors[0].1.starts_with("line 21, column 1: unknown field `catatan`"), "{errors:?}");
    let broken = errors_of("id = \"x\"\nlabel = \n");
    assert_eq!(broken[0].0, "line:2:9", "{broken:?}");
    let missing = errors_of("id = \"x\"\nlabel = \"X\"\nlabel_en = \"X\"\n");
    assert!(missing[0].1.contains("missing field `voting_day`"), "{missing:?}");
}

#[test]
fn broken_dates_are_placed_at_their_entry_and_field() {
    let text = SMALL
        .replace("start = \"2024-09-25\"", "start = \"2024-02-30\"")
        .replace("end = \"2024-11-23\"", "end = 20241123")
        .replace("start = 2024-08-27", "start = 2024-08-27T07:00:00")
        .replace("end = 2025-02-20", "end = \"1024-02-20\"")
        .replace("voting_day = \"2024-11-27\"", "voting_day = \"27-11-2024\"");
    assert_eq!(
        errors_of(&text),
        [
            ("voting_day".to_owned(), "voting_day: `27-11-2024` is not a calendar date YYYY-MM-DD".to_owned()),
            ("stage[1].start".to_owned(), "stage 1, start: `2024-02-30` is not a calendar date YYYY-MM-DD".to_owned()),
            ("stage[1].end".to_owned(), "stage 1, end: `integer` is not a calendar date YYYY-MM-DD".to_owned()),
            (
                "operation[1].start".to_owned(),
                "operation phase 1, start: `2024-08-27T07:00:00` is not a calendar date YYYY-MM-DD".to_owned()
            ),
            (
                "operation[1].end".to_owned(),
                "operation phase 1, end: 1024-02-20 is outside 1900-01-01–2199-12-31".to_owned()
            ),
        ]
    );
    let id = Calendar::from_toml(&text).unwrap_err()[1].message(Lang::Id);
    assert_eq!(id, "tahapan ke-1, start: `2024-02-30` bukan tanggal YYYY-MM-DD yang ada di kalender");
}

#[test]
fn an_end_before_its_start_is_refused_and_a_one_day_entry_is_not() {
    let text = SMALL.replace("end = \"2024-11-23\"", "end = \"2024-09-24\"");
    assert_eq!(
        errors_of(&text),
        [("stage[1].end".to_owned(), "stage 1, end: ends on 2024-09-24, before it starts on 2024-09-25".to_owned())]
    );
    let one_day = SMALL.replace("end = \"2024-11-23\"", "end = \"2024-09-25\"");
    assert_eq!(Calendar::from_toml(&one_day).unwrap().entry("kampanye").unwrap().days(), 1);
}

#[test]
fn ids_must_be_simple_and_unique_across_stages_and_operations() {
    let text = SMALL
        .replace("id = \"uji\"", "id = \"Uji-2024\"")
        .replace("id = \"kampanye\"", "id = \"kampanye.1\"")
        .replace("id = \"ops\"", "id = \"pemungutan_suara\"");
    assert_eq!(
        errors_of(&text),
        [
            (
                "id".to_owned(),
                "id: invalid id `Uji-2024`: lowercase a-z, digits or '_', starting with a letter, at most 40 characters"
                    .to_owned()
            ),
            (
                "stage[1].id".to_owned(),
                "stage 1, id: invalid id `kampanye.1`: lowercase a-z, digits or '_', starting with a letter, at most 40 characters"
                    .to_owned()
            ),
            ("operation[1].id".to_owned(), "operation phase 1, id: the id `pemungutan_suara` is used twice".to_owned()),
        ]
    );
    assert!(valid_id("a") && valid_id("ops_2024") && !valid_id("") && !valid_id("2024") && !valid_id(&"a".repeat(41)));
}

#[test]
fn labels_and_notes_go_through_the_text_check() {
    let text = SMALL
        .replace("label = \"Uji\"", "label = \"  \"")
        .replace("label_en = \"Campaign\"", "label_en = \"Cam\\npaign\"")
        .replace("label = \"Operasi\"", &format!("label = \"{}\"", "x".repeat(201)))
        .replace("note = \"TPS buka 07.00\"", "note = \"TPS\\u0000\"");
    assert_eq!(
        errors_of(&text),
        [
            ("label".to_owned(), "label: must not be empty".to_owned()),
            (
                "stage[1].label_en".to_owned(),
                "stage 1, label_en: contains a control character (such as NUL or a line break), which is not allowed"
                    .to_owned()
            ),
            (
                "stage[2].note".to_owned(),
                "stage 2, note: contains a control character (such as NUL or a line break), which is not allowed"
                    .to_owned()
            ),
            ("operation[1].label".to_owned(), "operation phase 1, label: longer than 200 characters".to_owned()),
        ]
    );
    // A note may run over lines; it is stored trimmed, with `\n` for every line break.
    let lines = SMALL.replace("note = \"TPS buka 07.00\"", "note = \"  TPS\\r\\nbuka\\r07.00\\t\"");
    let c = Calendar::from_toml(&lines).unwrap();
    assert_eq!(c.entry(VOTING_STAGE).unwrap().note.as_ref().unwrap().id, "TPS\nbuka\n07.00");
}

#[test]
fn a_note_needs_both_languages() {
    let text = SMALL.replace("note_en = \"Polling stations open at 07:00\"\n", "");
    assert_eq!(
        errors_of(&text),
        [("stage[2].note_en".to_owned(), "stage 2, note_en: give both note and note_en, or neither".to_owned())]
    );
    let other = SMALL.replace("note = \"TPS buka 07.00\"\n", "");
    assert_eq!(errors_of(&other)[0].0, "stage[2].note");
}

#[test]
fn a_calendar_needs_stages_and_a_voting_stage_that_holds_the_voting_day() {
    let no_stages = "id = \"x\"\nlabel = \"X\"\nlabel_en = \"X\"\nvoting_day = \"2024-11-27\"\n";
    assert_eq!(errors_of(no_stages), [("stage".to_owned(), "stage: a calendar without stages ([[stage]])".to_owned())]);
    let renamed = SMALL.replace("id = \"pemungutan_suara\"", "id = \"coblos\"");
    assert_eq!(
        errors_of(&renamed),
        [(
            "voting_day".to_owned(),
            "voting_day: there is no stage `pemungutan_suara` to hold the voting day".to_owned()
        )]
    );
    let moved = SMALL.replace("voting_day = \"2024-11-27\"", "voting_day = \"2024-11-28\"");
    assert_eq!(
        errors_of(&moved),
        [(
            "voting_day".to_owned(),
            "voting_day: voting day 2024-11-28 lies outside the stage `pemungutan_suara` (2024-11-27 to 2024-11-27)"
                .to_owned()
        )]
    );
    assert_eq!(
        Calendar::from_toml(&moved).unwrap_err()[0].message(Lang::Id),
        "voting_day: hari pemungutan suara 2024-11-28 di luar tahapan `pemungutan_suara` (2024-11-27 s.d. 2024-11-27)"
    );
}

#[test]
fn every_fault_of_a_file_is_reported_at_once() {
    let text = SMALL
        .replace("label_en = \"Test\"", "label_en = \"\"")
        .replace("start = \"2024-11-27\"", "start = \"2024-11-31\"")
        .replace("id = \"ops\"", "id = \"kampanye\"");
    let paths: Vec<String> = Calendar::from_toml(&text).unwrap_err().iter().map(CalendarError::path).collect();
    assert_eq!(paths, ["label_en", "stage[2].start", "operation[1].id"]);
    // The Display of the error is its English message, for logs.
    assert_eq!(Calendar::from_toml(&text).unwrap_err()[0].to_string(), "label_en: must not be empty");
}

#[test]
fn the_shipped_calendar_loads() {
    let c = Calendar::from_toml(SHIPPED_CALENDAR).unwrap();
    assert_eq!(c, Calendar::shipped());
    assert_eq!(c.voting_day, d("2024-11-27"));
    assert_eq!(c.voting_day.weekday(), Weekday::Wednesday);
    assert_eq!(c.stages().count(), 15);
    assert_eq!(c.operations().count(), 5);
    let span = |id: &str| {
        let e = c.entry(id).unwrap();
        (e.start.to_string(), e.end.to_string())
    };
    assert_eq!(span("kampanye"), ("2024-09-25".to_owned(), "2024-11-23".to_owned()));
    assert_eq!(span("masa_tenang"), ("2024-11-24".to_owned(), "2024-11-26".to_owned()));
    assert_eq!(span("pemungutan_suara"), ("2024-11-27".to_owned(), "2024-11-27".to_owned()));
    assert_eq!(span("pelantikan"), ("2025-02-20".to_owned(), "2025-02-20".to_owned()));
    // Every entry cites its sources; the derived phases say that their dates are not confirmed.
    for e in &c.entries {
        let note = e.note.as_ref().unwrap_or_else(|| panic!("{} has no note", e.id));
        assert!(note.en.contains('['), "{} cites no source", e.id);
    }
    for id in ["ops_preemtif", "ops_preventif", "ops_penegakan_hukum", "ops_rehabilitasi"] {
        let note = c.entry(id).unwrap().note.as_ref().unwrap();
        assert!(note.en.starts_with("DATES NOT CONFIRMED") && note.id.starts_with("TANGGAL BELUM TERKONFIRMASI"));
    }
}

#[test]
fn the_shipped_calendar_answers_for_real_days() {
    let c = Calendar::shipped();
    // The quiet period: no other stage, the operation's preventive phase.
    let quiet = c.current(d("2024-11-25"));
    assert_eq!(ids(&quiet.stages), ["masa_tenang"]);
    assert_eq!(ids(&quiet.operations), ["ops_preventif", "ops_mantap_praja_candi"]);
    assert_eq!(quiet.next_stage.map(|e| e.id.as_str()), Some("pemungutan_suara"));
    assert_eq!(quiet.days_to_voting, 2);
    assert_eq!(quiet.countdown(Lang::Id), "2 hari menuju hari pemungutan suara");
    assert_eq!(quiet.countdown(Lang::En), "2 days to voting day");

    // Voting day: the vote first, then the count that starts with it.
    let voting = c.current(d("2024-11-27"));
    assert_eq!(ids(&voting.stages), ["pemungutan_suara", "penghitungan_rekapitulasi"]);
    assert_eq!(voting.days_to_voting, 0);
    assert_eq!(voting.countdown(Lang::Id), "Hari ini hari pemungutan suara");
    assert_eq!(voting.next_stage.map(|e| e.id.as_str()), Some("perselisihan_hasil_mk"));

    // Before the campaign: the voter list and the independents' support; no operation yet.
    let august = c.current(d("2024-08-01"));
    assert_eq!(ids(&august.stages), ["dukungan_perseorangan", "pemutakhiran_daftar_pemilih"]);
    assert!(august.operations.is_empty());
    assert_eq!(august.next_stage.map(|e| e.id.as_str()), Some("pengumuman_pendaftaran"));
    assert_eq!(august.days_to_voting, 118);
    assert_eq!(c.days_to_voting(d("2024-08-01")), 118);

    // Between two stages: the day after the ballot numbers were drawn, before the campaign.
    let between = c.current(d("2024-09-24"));
    assert!(between.stages.is_empty());
    assert_eq!(ids(&between.operations), ["ops_preemtif", "ops_mantap_praja_candi"]);
    assert_eq!(between.next_stage.map(|e| e.id.as_str()), Some("kampanye"));

    // Registration: the three days of registration first, then the longer stages that run through them.
    let registration = c.current(d("2024-08-28"));
    assert_eq!(
        ids(&registration.stages),
        ["pendaftaran_paslon", "penelitian_persyaratan", "pemutakhiran_daftar_pemilih"]
    );

    // Before the first stage and after the last.
    let january = c.current(d("2024-01-01"));
    assert!(january.stages.is_empty() && january.operations.is_empty());
    assert_eq!(january.next_stage.map(|e| e.id.as_str()), Some("penyerahan_dp4"));
    let march = c.current(d("2025-03-01"));
    assert!(march.stages.is_empty() && march.next_stage.is_none());
    assert_eq!(march.days_to_voting, -94);
    assert_eq!(march.countdown(Lang::En), "94 days after voting day");
    assert_eq!(march.countdown(Lang::Id), "94 hari setelah hari pemungutan suara");
}

#[test]
fn the_countdown_names_the_days_around_voting_day() {
    let c = Calendar::shipped();
    let say = |day: &str, lang| c.current(d(day)).countdown(lang);
    assert_eq!(say("2024-11-26", Lang::En), "Voting day is tomorrow");
    assert_eq!(say("2024-11-26", Lang::Id), "Besok hari pemungutan suara");
    assert_eq!(say("2024-11-28", Lang::En), "Voting day was yesterday");
    assert_eq!(say("2024-11-29", Lang::En), "2 days after voting day");
    assert_eq!(say("2021-11-27", Lang::Id), "1.096 hari menuju hari pemungutan suara");
    assert_eq!(say("2021-11-27", Lang::En), "1,096 days to voting day");
    assert_eq!(EntryKind::Stage.label(Lang::Id), "tahapan");
    assert_eq!(EntryKind::parse("Operasi"), Some(EntryKind::Operation));
    assert_eq!(EntryKind::parse("meeting"), None);
}

// ---------------------------------------------------------------------------------------------------------------
// iCalendar

#[test]
fn the_export_is_rfc_5545_and_stable() {
    let c = Calendar::shipped();
    let ics = c.to_ics(Lang::Id, 1_732_665_600_000);
    assert_eq!(ics, c.to_ics(Lang::Id, 1_732_665_600_000), "the same calendar gives the same bytes");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sinergi//pilkada_2024//ID\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    assert!(ics.split("\r\n").all(|line| line.len() <= 75), "folded at 75 octets");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), c.entries.len());
    let quiet = "BEGIN:VEVENT\r\nUID:masa_tenang.pilkada_2024@sinergi\r\nDTSTAMP:20241127T000000Z\r\n\
                 DTSTART;VALUE=DATE:20241124\r\nDTEND;VALUE=DATE:20241127\r\nSUMMARY:Masa tenang\r\n";
    assert!(ics.contains(quiet), "{ics}");
    assert!(ics.contains("CATEGORIES:stage\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"));
    assert!(ics.contains("UID:ops_preemtif.pilkada_2024@sinergi\r\n"));
    assert!(ics.contains("CATEGORIES:operation\r\n"));
    let english = c.to_ics(Lang::En, 0);
    assert!(english.contains("SUMMARY:Quiet period (no campaigning)\r\n"));
    assert!(english.contains("DTSTAMP:19700101T000000Z\r\n"));
    assert!(english.contains("X-WR-CALNAME:Simultaneous regional elections 2024\r\n"));
}

#[test]
fn text_is_escaped_and_long_lines_are_folded_on_character_boundaries() {
    let mut c = Calendar::from_toml(SMALL).unwrap();
    c.entries[0].label.id = "Kampanye, rapat; umum \\ terbuka".to_owned();
    c.entries[0].note = Some(Text { id: "baris satu\nbaris dua".to_owned(), en: "x".to_owned() });
    c.entries[1].label.id = "Pemungutan suara di TPS — ".to_owned() + &"漢字🙂".repeat(30);
    let ics = c.to_ics(Lang::Id, 0);
    assert!(ics.contains("SUMMARY:Kampanye\\, rapat\\; umum \\\\ terbuka\r\n"), "{ics}");
    assert!(ics.contains("DESCRIPTION:baris satu\\nbaris dua\r\n"));
    let summary_lines: Vec<&str> = ics
        .split("\r\n")
        .skip_while(|l| !l.starts_with("SUMMARY:Pemungutan"))
        .take_while(|l| !l.starts_with("DESCRIPTION") && !l.starts_with("CATEGORIES"))
        .collect();
    assert!(summary_lines.len() > 3, "{summary_lines:?}");
    assert!(summary_lines.iter().all(|l| l.len() <= 75));
    assert!(summary_lines[1..].iter().all(|l| l.starts_with(' ')));
    // A line is cut at 75 octets or a few less, never inside a character.
    assert!(summary_lines[..summary_lines.len() - 1].iter().all(|l| l.len() >= 72));
    let events = from_ics(&ics).unwrap();
    assert_eq!(events[1].summary, c.entries[1].label.id);
    assert_eq!(events[0].description.as_deref(), Some("baris satu\nbaris dua"));
}

#[test]
fn the_shipped_export_reads_back() {
    let c = Calendar::shipped();
    for lang in [Lang::Id, Lang::En] {
        let events = from_ics(&c.to_ics(lang, 1_700_000_000_000)).unwrap();
        assert_eq!(events.len(), c.entries.len());
        for (event, entry) in events.iter().zip(&c.entries) {
            assert_eq!(event.sinergi_ids(), Some(("pilkada_2024", entry.id.as_str())));
            assert_eq!((event.start, event.end, event.kind), (entry.start, entry.end, Some(entry.kind)));
            assert_eq!(event.summary, entry.label.get(lang));
            assert_eq!(event.description.as_deref(), entry.note.as_ref().map(|n| n.get(lang)));
        }
    }
}

#[test]
fn a_sinergi_uid_names_its_calendar_and_entry() {
    let event = |uid: &str| IcsEvent {
        line: 1,
        uid: uid.to_owned(),
        kind: None,
        summary: "A".to_owned(),
        description: None,
        start: d("2024-11-27"),
        end: d("2024-11-27"),
    };
    assert_eq!(event("kampanye.pilkada_2024@sinergi").sinergi_ids(), Some(("pilkada_2024", "kampanye")));
    for other in
        ["kampanye.pilkada_2024@example.org", "kampanye@sinergi", "Kampanye.pilkada_2024@sinergi", "a.b.c@sinergi"]
    {
        assert_eq!(event(other).sinergi_ids(), None, "{other}");
    }
}

/// An event file with `BODY` as the lines of one VEVENT, LF line ends.
fn one_event(body: &str) -> String {
    format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//x//y//EN\nBEGIN:VEVENT\n{body}\nEND:VEVENT\nEND:VCALENDAR\n")
}

fn ics_errors(text: &str) -> Vec<String> {
    from_ics(text).unwrap_err().iter().map(|e| e.message(Lang::En)).collect()
}

#[test]
fn reading_is_tolerant_of_lf_folding_and_other_producers() {
    let text = "\u{feff}BEGIN:VCALENDAR\nVERSION:2.0\nX-WR-CALNAME:Kalender\nBEGIN:VTIMEZONE\nTZID:Asia/Jakarta\n\
                BEGIN:STANDARD\nDTSTART:19700101T000000\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\n\
                UID:rapat-1@example.org\nsummary;LANGUAGE=id:Rapat koordinasi\n  lintas sektoral\n\
                DTSTART:20241201\nDESCRIPTION;ALTREP=\"cid:x;y:z\":\nCATEGORIES:Rapat,TAHAPAN\n\
                X-UNKNOWN;X-PARAM=\"a,b\",c:whatever\nBEGIN:VALARM\nTRIGGER:-PT15M\nDTSTART:nonsense\n\
                END:VALARM\nEND:VEVENT\n\nEND:VCALENDAR";
    let events = from_ics(text).unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.line, 10);
    assert_eq!(e.summary, "Rapat koordinasi lintas sektoral", "a folded line joins without its leading space");
    assert_eq!((e.start, e.end), (d("2024-12-01"), d("2024-12-01")), "no DTEND: one day");
    assert_eq!(e.description, None, "an empty DESCRIPTION is none");
    assert_eq!(e.kind, Some(EntryKind::Stage));
    assert_eq!(e.sinergi_ids(), None);
    let tab_folded = one_event("UID:a\nSUMMARY:Ka\n\tmpanye\nDTSTART;VALUE=DATE:20240925\nDTEND;VALUE=DATE:20241124");
    let e = &from_ics(&tab_folded).unwrap()[0];
    assert_eq!((e.summary.as_str(), e.end, e.kind), ("Kampanye", d("2024-11-23"), None));
    assert_eq!(from_ics("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").unwrap(), []);
}

#[test]
fn broken_dates_are_named_with_their_line() {
    assert_eq!(
        ics_errors(&one_event("UID:a\nSUMMARY:A\nDTSTART;VALUE=DATE:20241131\nDTEND;VALUE=DATE:2024120")),
        [
            "line 7: DTSTART: `20241131` is not a calendar date YYYYMMDD",
            "line 8: DTEND: `2024120` is not a calendar date YYYYMMDD"
        ]
    );
    assert_eq!(
        ics_errors(&one_event("UID:a\nSUMMARY:A\nDTSTART:20241127T070000Z\nDTEND;VALUE=DATE-TIME:20241127")),
        [
            "line 7: DTSTART: `20241127T070000Z` has a time of day; only all-day events (VALUE=DATE) are read",
            "line 8: DTEND: `20241127` has a time of day; only all-day events (VALUE=DATE) are read",
        ]
    );
    assert_eq!(
        ics_errors(&one_event("UID:a\nSUMMARY:A\nDTSTART:20241127\nDTEND:20241127")),
        ["line 8: DTEND 20241127 must come after DTSTART 20241127 (the DTEND day is not included)"]
    );
    assert_eq!(
        ics_errors(&one_event("UID:a\nSUMMARY:A\nDTSTART:18991231")),
        ["line 7: DTSTART: 1899-12-31 is outside 1900-01-01–2199-12-31"]
    );
    let id = from_ics(&one_event("UID:a\nSUMMARY:A\nDTSTART:20241131")).unwrap_err()[0].message(Lang::Id);
    assert_eq!(id, "baris 7: DTSTART: `20241131` bukan tanggal YYYYMMDD yang ada di kalender");
}

#[test]
fn missing_and_repeated_properties_are_named() {
    assert_eq!(
        ics_errors(&one_event("DTEND:20241128")),
        ["line 4: a VEVENT without UID", "line 4: a VEVENT without SUMMARY", "line 4: a VEVENT without DTSTART"]
    );
    assert_eq!(
        ics_errors(&one_event("UID:a\nSUMMARY:A\nDTSTART:20241127\nSUMMARY:B\nRRULE:FREQ=YEARLY")),
        [
            "line 8: SUMMARY appears more than once in one VEVENT",
            "line 9: RRULE (repeating events or durations) is not supported; give DTSTART and DTEND",
        ]
    );
    assert_eq!(ics_errors(&one_event("UID:a\nSUMMARY:   \nDTSTART:20241127")), ["line 6: SUMMARY: must not be empty"]);
}

#[test]
fn unterminated_and_stray_components_are_named() {
    let unterminated = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSUMMARY:A\nDTSTART:20241127\nEND:VCALENDAR\n";
    assert_eq!(ics_errors(unterminated), ["line 2: BEGIN:VEVENT without END:VEVENT"]);
    let open = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSUMMARY:A\nDTSTART:20241127\nEND:VEVENT\n";
    assert_eq!(ics_errors(open), ["line 1: BEGIN:VCALENDAR without END:VCALENDAR"]);
    let stray = "VERSION:2.0\nBEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(
        ics_errors(stray),
        ["line 1: VERSION outside any BEGIN…END", "line 3: END:VEVENT without a BEGIN:VEVENT before it"]
    );
    assert_eq!(
        ics_errors("hello\n world"),
        ["line 1: this line is not NAME:VALUE", "line 1: not an iCalendar file: there is no BEGIN:VCALENDAR"]
    );
    assert_eq!(ics_errors(""), ["line 1: not an iCalendar file: there is no BEGIN:VCALENDAR"]);
    assert_eq!(
        ics_errors(" leading\nBEGIN:VCALENDAR\nX;BAD PARAM=1:v\nX;P=\"open:v\nEND:VCALENDAR"),
        [
            "line 1: this line is not NAME:VALUE",
            "line 3: this line is not NAME:VALUE",
            "line 4: this line is not NAME:VALUE"
        ]
    );
}

#[test]
fn bad_escapes_are_named_and_good_ones_read() {
    assert_eq!(
        ics_errors(&one_event("UID:a\nSUMMARY:Rapat\\:1\nDTSTART:20241127\nDESCRIPTION:akhir\\")),
        [
            "line 6: SUMMARY: `\\:` is not a valid text escape (\\\\, \\;, \\, or \\n)",
            "line 8: DESCRIPTION: `\\` is not a valid text escape (\\\\, \\;, \\, or \\n)",
        ]
    );
    let good = one_event(
        "UID:a\nSUMMARY:a\\,b\\;c\\\\d,e;f\nDESCRIPTION:x\\Ny\\nz\nDTSTART:20241127\nCATEGORIES:x\\,operation,operasi",
    );
    let e = &from_ics(&good).unwrap()[0];
    assert_eq!(e.summary, "a,b;c\\d,e;f");
    assert_eq!(e.description.as_deref(), Some("x\ny\nz"));
    assert_eq!(e.kind, Some(EntryKind::Operation), "`x,operation` is one category, `operasi` the next");
}

#[test]
fn faults_come_in_the_order_of_the_lines_and_nothing_is_half_read() {
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:good\nSUMMARY:Good\nDTSTART:20241127\nEND:VEVENT\n\
                BEGIN:VEVENT\nUID:bad\nSUMMARY:Bad\nDTSTART:2024\nEND:VEVENT\nEND:VCALENDAR\n";
    let errors = from_ics(text).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].line, errors[0].to_string()),
        (10, "line 10: DTSTART: `2024` is not a calendar date YYYYMMDD".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

/// A label as a user may type it: commas, semicolons, backslashes, quotes, colons and long UTF-8 text.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,;:\"\\\\éü—漢字🙂]{1,200}".prop_filter_map("not a sound label", |s| check_label(&s).ok())
}

/// A note: as a label, over several lines, with tabs.
fn note() -> impl Strategy<Value = String> {
    "[a-z0-9 ,;:\\\\\n\r\t漢🙂]{1,400}".prop_filter_map("not a sound note", |s| check_note(&s).ok())
}

fn text<S: Strategy<Value = String>>(of: fn() -> S) -> impl Strategy<Value = Text> {
    (of(), of()).prop_map(|(id, en)| Text { id, en })
}

fn entry() -> impl Strategy<Value = (bool, Text, Option<Text>, i64, i64)> {
    (any::<bool>(), text(label), proptest::option::of(text(note)), 0i64..3000, 0i64..400)
}

fn calendar() -> impl Strategy<Value = Calendar> {
    proptest::collection::vec(entry(), 1..6).prop_map(|entries| {
        let base = d("2020-01-01");
        Calendar {
            id: "uji_2024".to_owned(),
            label: Text { id: "Uji".to_owned(), en: "Test".to_owned() },
            voting_day: d("2024-11-27"),
            entries: entries
                .into_iter()
                .enumerate()
                .map(|(i, (stage, label, note, offset, length))| {
                    let start = base.plus_days(offset).unwrap();
                    Entry {
                        id: format!("e_{i}"),
                        kind: if stage { EntryKind::Stage } else { EntryKind::Operation },
                        label,
                        start,
                        end: start.plus_days(length).unwrap(),
                        note,
                    }
                })
                .collect(),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// What is written reads back: every entry's id, kind, label, note and days, in either language.
    #[test]
    fn the_export_reads_back_as_the_entries(c in calendar(), english in any::<bool>(), stamp in any::<i64>()) {
        let lang = if english { Lang::En } else { Lang::Id };
        let ics = c.to_ics(lang, stamp);
        prop_assert!(ics.split("\r\n").all(|line| line.len() <= 75));
        prop_assert!(!ics.replace("\r\n", "").contains(['\n', '\r']));
        let events = from_ics(&ics).unwrap();
        prop_assert_eq!(events.len(), c.entries.len());
        for (event, entry) in events.iter().zip(&c.entries) {
            prop_assert_eq!(event.sinergi_ids(), Some((c.id.as_str(), entry.id.as_str())));
            prop_assert_eq!(event.kind, Some(entry.kind));
            prop_assert_eq!(&event.summary, entry.label.get(lang));
            prop_assert_eq!(event.description.as_deref(), entry.note.as_ref().map(|n| n.get(lang)));
            prop_assert_eq!((event.start, event.end), (entry.start, entry.end));
        }
        // Unfolded by hand and with LF line ends, the same.
        let lf = ics.replace("\r\n", "\n");
        prop_assert_eq!(from_ics(&lf).unwrap(), events);
    }

    /// Anything at all is read without a panic, and a refusal always names a line of the text.
    #[test]
    fn any_text_is_read_or_refused_with_lines(text in "(BEGIN:VCALENDAR|BEGIN:VEVENT|END:VEVENT|END:VCALENDAR|UID:a|SUMMARY:[a-z\\\\,;]{0,5}|DTSTART:[0-9T]{0,10}|DTEND;VALUE=DATE:[0-9]{8}| x|\n|\r\n|[ -~]{0,10}){0,30}") {
        if let Err(errors) = from_ics(&text) {
            let lines = text.split('\n').count().max(1);
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| (1..=lines).contains(&e.line)), "{:?}", errors);
            prop_assert!(errors.windows(2).all(|w| w[0].line <= w[1].line));
        }
    }
}

#[test]
fn days_are_counted_from_voting_day_as_officers_do() {
    let c = Calendar::shipped();
    assert_eq!(c.h_day(d("2024-11-24")), "H-3");
    assert_eq!(c.h_day(d("2024-11-27")), "H");
    assert_eq!(c.h_day(d("2024-11-29")), "H+2");
    assert_eq!(c.stage_on(d("2024-11-25"), Lang::Id), "Masa tenang · H-2");
}
