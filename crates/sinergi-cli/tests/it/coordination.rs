//! Coordination from the command line: a meeting convened (every fault named, exit status 2), listed, its minutes
//! written as PDF; the calendar checked, loaded for a regency, shown and exported.

use sinergi_store::prelude::*; // the traits' methods on the test's concrete store

use crate::helpers::{Db, code};

#[tokio::test]
async fn meetings_and_the_calendar_from_the_command_line() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let kodim = sinergi_domain::Unit {
        code: "kodim-33.20".into(),
        kind: sinergi_domain::UnitKind::Kodim,
        name: "Kodim 0719/Jepara".into(),
        territory: code("33.20"),
        parent: None,
        contact: Default::default(),
        personnel: 300,
    };
    db.store().await.upsert_units(&[kodim]).await.unwrap();

    let convene = |start: &str, end: &str, invite: &str| {
        db.run_in(
            "en",
            &[
                "meeting",
                "create",
                "--title",
                "Rakor Pilkada",
                "--region",
                "33.20",
                "--unit",
                "polres-33.20",
                "--start",
                start,
                "--end",
                end,
                "--place",
                "Aula Polres",
                "--invite",
                invite,
            ],
        )
    };
    let refused = convene("2026-12-10 12:00", "2026-12-10 09:00", "nope");
    refused.expect_code(2);
    assert!(refused.stderr.contains("ends_at: ends at 2026-12-10 09:00"), "{}", refused.stderr);
    assert!(refused.stderr.contains("invitees[1]:"), "{}", refused.stderr);
    let created = convene("2026-12-10 09:00", "2026-12-10 12:00", "kodim-33.20");
    created.expect_code(0);
    let id = created.stdout.trim().to_owned();
    let list = db.run(&["meeting", "list", "--region", "33.20"]);
    list.expect_code(0);
    assert!(list.stdout.contains("Rakor Pilkada") && list.stdout.contains("Polres Jepara"), "{}", list.stdout);
    let pdf = db.path("notulen.pdf");
    db.run(&["meeting", "document", &id, "--kind", "notulen", "--out", &pdf.display().to_string()]).expect_code(0);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    // The situation report of the regency, under the Polres's letterhead; an unknown area refused.
    let lapsit = db.path("lapsit.pdf");
    let lapsit_name = lapsit.display().to_string();
    db.run(&[
        "report",
        "sitrep",
        "--region",
        "33.20",
        "--date",
        "2026-12-07",
        "--period",
        "7d",
        "--unit",
        "polres-33.20",
        "--out",
        &lapsit_name,
    ])
    .expect_code(0);
    assert!(std::fs::read(&lapsit).unwrap().starts_with(b"%PDF"));
    db.run(&["report", "sitrep", "--region", "99.99", "--out", &lapsit_name]).expect_code(2);

    // The calendar: a faulty file named, a sound one loaded for the regency and in force below it.
    let broken = db.write("rusak.toml", "id = \"x\"\nlabel = \"X\"\n");
    let run = db.run_in("en", &["calendar", "check", &broken]);
    run.expect_code(2);
    assert!(run.stderr.contains("rusak.toml"), "{}", run.stderr);
    let text = sinergi_domain::coordination::calendar::SHIPPED_CALENDAR
        .replace("id = \"pilkada_2024\"", "id = \"jepara_2024\"");
    let file = db.write("jepara.toml", &text);
    db.run(&["calendar", "check", &file]).expect_code(0);
    db.run(&["calendar", "load", &file, "--region", "33.20", "--reason", "Jadwal KPU Jepara"]).expect_code(0);
    let shown = db.run_in("en", &["calendar", "show", "--region", "33.20.01"]);
    shown.expect_code(0);
    assert!(shown.stdout.contains("Simultaneous regional elections 2024"), "{}", shown.stdout);
    let ics = db.path("jepara.ics");
    db.run(&["calendar", "export", "--region", "33.20", "--out", &ics.display().to_string()]).expect_code(0);
    assert!(std::fs::read_to_string(&ics).unwrap().contains("UID:pemungutan_suara.jepara_2024@sinergi"));
}
