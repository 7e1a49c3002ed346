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
