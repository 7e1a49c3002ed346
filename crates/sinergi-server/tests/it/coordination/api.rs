//! The rakor through the API, on SQLite and on PostgreSQL: a meeting convened with invitees in and above its
//! region, each invited unit recording its own attendance, the agenda, a decision with action items, the items
//! followed to closure by their owners, the meeting moved to held; and every bad input the issue names refused
//! with its field, nothing half-saved.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::Role;
use sinergi_domain::{LatLng, Region, Unit, UnitKind};
use sinergi_store::testing::TestDb;

use crate::helpers::{OPS, OPS_SABAK, PENGAMAT, TestApp, code, send};

pub(crate) async fn setup(db: &TestDb) -> TestApp {
    let app = TestApp::small(db, &[OPS, OPS_SABAK, PENGAMAT]).await;
    let region =
        |c: &str| Region { code: code(c), name: format!("Wilayah {c}"), centroid: Some(LatLng::new(-1.0, 103.9)) };
    app.store.upsert_regions(&[region("14.71")]).await.unwrap();
    let unit = |kind: UnitKind, t: &str| Unit {
        code: Unit::conventional_code(kind, &code(t)),
        kind,
        name: format!("{} {t}", kind.title()),
        territory: code(t),
        parent: None,
        contact: Contact::default(),
        personnel: 10,
    };
    app.store
        .upsert_units(&[
            unit(UnitKind::Kodim, "15.07"),
            unit(UnitKind::PlnUp3, "15.07"),
            unit(UnitKind::TelkomWitel, "15.07"),
            unit(UnitKind::Polda, "15"),
            unit(UnitKind::Polres, "14.71"),
        ])
        .await
        .unwrap();
    app.add_user("tni", Role::Operator, "kodim-15.07", false).await;
    app.add_user("pln", Role::External, "pln-up3-15.07", false).await;
    app.add_user("telkom", Role::External, "telkom-witel-15.07", false).await;
    app
}

fn fields(answer: &Value) -> Vec<String> {
    answer["fields"]
        .as_array()
        .map(|f| f.iter().map(|x| x["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn meeting(starts: &str, ends: &str, invitees: &[&str]) -> Value {
    json!({
        "title": "Rakor Lintas Sektoral Pengamanan Pilkada",
        "theme": "Kesiapan masa tenang",
        "region": "15.07",
        "convening_unit": "polres-15.07",
        "place": "Aula Polres",
        "starts_at": starts,
        "ends_at": ends,
        "invitees": invitees,
    })
}

async fn a_rakor_from_invitation_to_follow_up(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let tni = app.signed_in("tni").await;
    let pln = app.signed_in("pln").await;
    let telkom = app.signed_in("telkom").await;
    let observer = app.signed_in("pengamat").await;

    // Refused, each with its field, and nothing stored.
    let bad = meeting("2026-12-10 12:00", "2026-12-10 09:00", &["kodim-15.07", "polres-14.71", "nope"]);
    let (status, answer) = send(ops.post(format!("{base}/api/v1/meetings")).json(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(fields(&answer), ["ends_at", "invitees[2]", "invitees[3]"]);
    let mut other = meeting("2026-12-10 09:00", "2026-12-10 12:00", &[]);
    other["convening_unit"] = json!("kodim-15.07");
    other["title"] = json!(" ");
    let (status, answer) = send(ops.post(format!("{base}/api/v1/meetings")).json(&other)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(fields(&answer), ["title", "convening_unit"], "a Polri operator does not convene for the Kodim");
    let (_, list) = send(ops.get(format!("{base}/api/v1/meetings"))).await;
    assert_eq!(list["total"], 0);
    let (status, _) = send(observer.post(format!("{base}/api/v1/meetings")).json(&meeting(
        "2026-12-10 09:00",
        "2026-12-10 12:00",
        &[],
    )))
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Convened, with a unit above the region.
    let good = meeting("2026-12-10 09:00", "2026-12-10 12:00", &["kodim-15.07", "pln-up3-15.07", "polda-15"]);
    let (status, created) = send(ops.post(format!("{base}/api/v1/meetings")).json(&good)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let units: Vec<&str> =
        created["invitees"].as_array().unwrap().iter().map(|i| i["unit"]["code"].as_str().unwrap()).collect();
    assert_eq!(units, ["polres-15.07", "kodim-15.07", "pln-up3-15.07", "polda-15"]);
    assert_eq!((created["status"].as_str(), created["level"].as_str()), (Some("planned"), Some("regency")));
    assert_eq!(created["manages"], true);
    let url = format!("{base}/api/v1/meetings/{id}");

    // Each invited unit records its own attendance; not another's; observers read only; Telkom is not invited.
    let present = json!({"status": "present", "name": "Letkol Inf. Hartono", "position": "Dandim"});
    let (status, answer) = send(tni.put(format!("{url}/attendance/kodim-15.07")).json(&present)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["records_for"], json!(["kodim-15.07"]));
    let (status, _) = send(tni.put(format!("{url}/attendance/pln-up3-15.07")).json(&present)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) =
        send(pln.put(format!("{url}/attendance/pln-up3-15.07")).json(&json!({"status": "represented"}))).await;
    assert_eq!((status, fields(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_owned()]));
    let represented = json!({"status": "represented", "name": "Budi (Manajer Jaringan)"});
    let (status, answer) = send(pln.put(format!("{url}/attendance/pln-up3-15.07")).json(&represented)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["turnout"]["units_attended"], 2);
    assert_eq!(answer["turnout"]["agencies_attended"], 2);
    let (status, seen) = send(observer.get(url.clone())).await;
    assert_eq!((status, seen["manages"].as_bool()), (StatusCode::OK, Some(false)));
    let (status, _) = send(observer.put(format!("{url}/minutes")).json(&json!({"text": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = send(telkom.get(url.clone())).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::NOT_FOUND, Some("meeting_not_found")));
    let (_, list) = send(telkom.get(format!("{base}/api/v1/meetings"))).await;
    assert_eq!(list["total"], 0);
    let (_, list) = send(pln.get(format!("{base}/api/v1/meetings"))).await;
    assert_eq!(list["total"], 1, "PLN sees what it is invited to");

    // The agenda names its faults in place; the briefing is the unit's own.
    let agenda = json!({"items": [
        {"title": "Pembukaan", "presenter": "polres-15.07", "time": "09:00"},
        {"title": "Paparan Telkom", "presenter": "telkom-witel-15.07", "time": "9.30"},
    ]});
    let (status, answer) = send(ops.put(format!("{url}/agenda")).json(&agenda)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&answer), ["agenda[2].presenter", "agenda[2].time"]);
    let (status, answer) =
        send(pln.put(format!("{url}/briefings/pln-up3-15.07")).json(&json!({"text": "Genset siaga di 12 PPK."}))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["briefings"][0]["updated_by"], "pln");

    // Decisions: an owner not invited, a deadline before the meeting, an empty text — each named; then one sound.
    let bad = json!({"text": "", "items": [
        {"owner_unit": "polsek-15.07.01", "task": "Patroli", "deadline": "2026-12-20"},
        {"owner_unit": "kodim-15.07", "task": "Patroli", "deadline": "2026-12-09"},
    ]});
    let (status, answer) = send(ops.post(format!("{url}/decisions")).json(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&answer), ["text", "items[1].owner_unit", "items[2].deadline"]);
    let decision = json!({"text": "Siaga listrik dan patroli gabungan di TPS sangat rawan", "items": [
        {"owner_unit": "kodim-15.07", "task": "Patroli gabungan 12 TPS", "deadline": "2026-12-12"},
        {"owner_unit": "pln-up3-15.07", "task": "Genset cadangan di PPK", "deadline": "2026-12-20"},
    ]});
    let (status, answer) = send(ops.post(format!("{url}/decisions")).json(&decision)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["decisions"][0]["number"], 1);

    // The items: PLN's own, moved by PLN with evidence; not by the Kodim; dropped only by the convener.
    let (_, mine) = send(pln.get(format!("{base}/api/v1/action-items?mine=true"))).await;
    assert_eq!(mine["total"], 1, "{mine}");
    let item = mine["items"][0]["id"].as_i64().unwrap();
    let item_url = format!("{base}/api/v1/action-items/{item}");
    let (status, answer) = send(pln.post(format!("{item_url}/status")).json(&json!({"status": "done"}))).await;
    assert_eq!((status, fields(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["note".to_owned()]));
    let (status, _) = send(tni.post(format!("{item_url}/status")).json(&json!({"status": "in_progress"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        send(pln.post(format!("{item_url}/status")).json(&json!({"status": "dropped", "note": "x"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an owner does not drop");
    let done = json!({"status": "done", "note": "Genset 5 kVA di 12 PPK, foto terlampir"});
    let (status, answer) = send(pln.post(format!("{item_url}/status")).json(&done)).await;
    assert_eq!((status, answer["state"].as_str()), (StatusCode::OK, Some("done")), "{answer}");
    let (_, detail) = send(pln.get(item_url.clone())).await;
    let moves: Vec<&str> =
        detail["history"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(moves, ["open", "done"]);
    let (_, forum) = send(ops.get(format!("{base}/api/v1/action-items?forum=rakor-15-07&agency=tni"))).await;
    assert_eq!(forum["total"], 1);
    let (status, _) = send(ops.get(format!("{base}/api/v1/action-items?state=late"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The meeting moves forward; a cancellation needs a reason; held is final.
    let (status, answer) = send(ops.post(format!("{url}/status")).json(&json!({"status": "cancelled"}))).await;
    assert_eq!((status, fields(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_owned()]));
    let (status, answer) = send(ops.post(format!("{url}/status")).json(&json!({"status": "done"}))).await;
    assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("done")));
    let (status, _) = send(ops.post(format!("{url}/status")).json(&json!({"status": "planned"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A cancelled meeting takes no more records.
    let (_, second) = send(ops.post(format!("{base}/api/v1/meetings")).json(&meeting(
        "2026-12-17 09:00",
        "2026-12-17 11:00",
        &["kodim-15.07"],
    )))
    .await;
    let second = second["id"].as_i64().unwrap();
    let cancel = json!({"status": "cancelled", "reason": "Banjir di jalan menuju aula"});
    let (status, _) = send(ops.post(format!("{base}/api/v1/meetings/{second}/status")).json(&cancel)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) =
        send(tni.put(format!("{base}/api/v1/meetings/{second}/attendance/kodim-15.07")).json(&present)).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::CONFLICT, Some("meeting_closed")));

    // Every change is in the audit chain.
    let actions: Vec<String> =
        app.store.audit_entries(0, 1000).await.unwrap().into_iter().map(|e| e.event.action).collect();
    for action in [
        "meeting.create",
        "meeting.attendance",
        "meeting.briefing",
        "meeting.decision",
        "action_item.update",
        "meeting.move",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
}

sinergi_store::backend_tests!(a_rakor_from_invitation_to_follow_up);
