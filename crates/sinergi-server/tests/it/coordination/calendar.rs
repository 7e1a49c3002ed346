//! The election calendar through the API and on every page: the shipped default until a region loads its own, a
//! faulty file refused with its places, an iCalendar export edited and imported back, the feed subscribed to with
//! a read-only token in its address (and a writable one refused there), the stage bar on the pages.

use reqwest::StatusCode;
use serde_json::json;
use sinergi_domain::coordination::calendar::{Calendar, VOTING_STAGE};
use sinergi_domain::trust::auth::Role;
use sinergi_server::trust::tokens::{TokenRequest, issue};
use sinergi_store::testing::TestDb;

use super::setup;
use crate::helpers::{client, get_html, send};

async fn a_region_loads_its_own_calendar(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let admin_user = app.add_user("admin", Role::Administrator, "polres-15.07", false).await;
    let admin = app.signed_in("admin").await;
    let ops = app.signed_in("ops").await;

    let (status, shipped) = send(ops.get(format!("{base}/api/v1/calendar"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((shipped["id"].as_str(), shipped["region"].as_str()), (Some("pilkada_2024"), Some("15.07")));
    assert!(shipped["version"].is_null());
    assert_eq!(shipped["voting_day"], "2024-11-27");

    // Only administrators load; a faulty file is refused with each fault's place, and nothing is stored.
    // The shipped calendar moved two years on (voting day 9 December 2026).
    let mut moved_on = Calendar::shipped();
    let shift = moved_on.voting_day.days_until(sinergi_domain::coordination::calendar::Date::new(2026, 12, 9).unwrap());
    moved_on.voting_day = moved_on.voting_day.plus_days(shift).unwrap();
    for e in &mut moved_on.entries {
        e.start = e.start.plus_days(shift).unwrap();
        e.end = e.end.plus_days(shift).unwrap();
    }
    let mut text = moved_on.to_toml("Jadwal pemungutan suara ulang");
    let (status, _) =
        send(ops.put(format!("{base}/api/v1/calendar/15.07")).json(&json!({"toml": text, "reason": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let broken = text.replacen("start = \"", "start = \"2026-13-", 1);
    let (status, answer) = send(
        admin.put(format!("{base}/api/v1/calendar/15.07")).json(&json!({"toml": broken, "reason": "Jadwal baru"})),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_calendar")),
        "{answer}"
    );
    assert!(answer["fields"][0]["field"].as_str().unwrap().starts_with("stage[1]"), "{answer}");
    let (status, answer) =
        send(admin.put(format!("{base}/api/v1/calendar/14")).json(&json!({"toml": text, "reason": "x"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");

    // A sound file for the regency: in force there and below it, not elsewhere.
    text = text.replace("id = \"pilkada_2024\"", "id = \"pilkada_ulang_2026\"");
    let (status, version) = send(
        admin
            .put(format!("{base}/api/v1/calendar/15.07"))
            .json(&json!({"toml": text, "reason": "Pemungutan suara ulang"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{version}");
    let (_, in_force) = send(ops.get(format!("{base}/api/v1/calendar?region=15.07.01"))).await;
    assert_eq!(in_force["id"], "pilkada_ulang_2026");
    assert_eq!(in_force["version"]["id"], version["id"]);
    let (_, province) = send(ops.get(format!("{base}/api/v1/calendar?region=15"))).await;
    assert_eq!(province["id"], "pilkada_2024");

    // Its feed, edited in a phone and imported back: the vote a day later.
    let (secret, _) = issue(
        &*app.store,
        &admin_user,
        &TokenRequest { name: "kalender".into(), region: None, read_only: true, days: 30 },
        sinergi_server::trust::auth::now_ms(),
        "test",
        "test",
    )
    .await
    .unwrap();
    let feed = client().get(format!("{base}/api/v1/calendar.ics?region=15.07&token={secret}")).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = feed.text().await.unwrap();
    assert!(ics.contains("UID:pemungutan_suara.pilkada_ulang_2026@sinergi"));
    let calendar = Calendar::from_toml(&text).unwrap();
    let voting = calendar.entry(VOTING_STAGE).unwrap();
    let moved = ics.replace(
        &format!(
            "DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}",
            voting.start.basic(),
            voting.end.plus_days(1).unwrap().basic()
        ),
        &format!(
            "DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}",
            voting.start.plus_days(1).unwrap().basic(),
            voting.end.plus_days(2).unwrap().basic()
        ),
    );
    assert_ne!(moved, ics);
    let (status, answer) = send(
        admin.put(format!("{base}/api/v1/calendar/15.07")).json(&json!({"ics": moved, "reason": "Diundur sehari"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, in_force) = send(ops.get(format!("{base}/api/v1/calendar"))).await;
    assert_eq!(in_force["voting_day"], "2026-12-10");
    let (status, answer) = send(
        admin.put(format!("{base}/api/v1/calendar/15.07")).json(&json!({"ics": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@b\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:20261332\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "reason": "x"})),
    )
    .await;
    assert_eq!(
        (status, answer["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("baris 5")),
        "{answer}"
    );

    // A token that could change something is not taken in an address.
    let (writable, _) = issue(
        &*app.store,
        &admin_user,
        &TokenRequest { name: "tulis".into(), region: None, read_only: false, days: 30 },
        sinergi_server::trust::auth::now_ms(),
        "test",
        "test",
    )
    .await
    .unwrap();
    let refused = client().get(format!("{base}/api/v1/calendar.ics?token={writable}")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let elsewhere = client().get(format!("{base}/api/v1/calendar?token={secret}")).send().await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED, "only the feed takes a token in its address");

    // Every page shows the stage and the days to voting day of the user's territory.
    let (_, page) = get_html(&ops, format!("{base}/meetings")).await;
    let bar = page.split("id=\"stage-bar\">").nth(1).unwrap_or_default();
    assert!(bar.contains("Pilkada") && bar.contains("pemungutan suara"), "{bar}");
}

sinergi_store::backend_tests!(a_region_loads_its_own_calendar);
