//! Deployment planning through the API, on SQLite and on PostgreSQL: a roster imported (bad rows named by line and
//! column, nothing stored), a plan made as a job with its progress, read, approved by the commander only, compared
//! and exported; a unit's people in the plan (*surat perintah*) for the unit's own chain only, every read audited;
//! a regency's security pattern with every fault named.

mod browser;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::Role;
use sinergi_domain::{Unit, UnitKind};
use sinergi_store::testing::TestDb;

use crate::helpers::{
    OPS, OPS_SABAK, PENGAMAT, TestApp, code, csrf, get_html, post_form, post_multipart, send, test_event,
};

async fn setup(db: &TestDb) -> TestApp {
    let app = TestApp::small(db, &[OPS, OPS_SABAK, PENGAMAT]).await;
    for (_, text) in sinergi_domain::vulnerability::SHIPPED {
        let set = sinergi_domain::vulnerability::IndicatorSet::from_toml(text).unwrap();
        app.store.put_indicator_set(&set, text, &test_event()).await.unwrap();
    }
    let unit = |kind: UnitKind, t: &str| Unit {
        code: Unit::conventional_code(kind, &code(t)),
        kind,
        name: format!("{} {t}", kind.title()),
        territory: code(t),
        parent: None,
        contact: Contact::default(),
        personnel: 0,
    };
    app.store
        .upsert_units(&[
            unit(UnitKind::Kodim, "15.07"),
            unit(UnitKind::Polsek, "15.07.02"),
            unit(UnitKind::Linmas, "15.07.01.2001"),
        ])
        .await
        .unwrap();
    app.add_user("komandan", Role::Commander, "polres-15.07", false).await;
    app.add_user("tni", Role::Operator, "kodim-15.07", false).await;
    app.add_user("linmas", Role::Operator, "linmas-15.07.01.2001", false).await;
    app
}

/// Police of the Polres and both Polseks.
fn roster_csv() -> String {
    let mut csv = String::from("nrp,nama,pangkat,satuan,force,hp,ketersediaan\n");
    for i in 0..30 {
        csv.push_str(&format!("8701{i:04},Polisi {i},Bripka,polres-15.07,polri,,\n"));
    }
    for i in 0..6 {
        csv.push_str(&format!("8702{i:04},Polsek Satu {i},Brigpol,polsek-15.07.01,polri,0812-3456-78{i:02},\n"));
        csv.push_str(&format!("8703{i:04},Polsek Dua {i},Brigpol,polsek-15.07.02,polri,,2026-11-27\n"));
    }
    csv
}

/// Linmas of one village: for their own chain to import.
fn linmas_csv() -> String {
    let mut csv = String::from("nik,nama,jabatan,satuan,force\n");
    for i in 0..4 {
        csv.push_str(&format!("3500{i:04},Linmas {i},Anggota Linmas,linmas-15.07.01.2001,linmas\n"));
    }
    csv
}

async fn wait_for(client: &reqwest::Client, base: &str, job: &Value) -> Value {
    let started = Instant::now();
    let url = format!("{base}/api/v1/plan-jobs/{}", job["id"]);
    loop {
        let (status, body) = send(client.get(&url)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body["state"] != "running" {
            return body;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the plan takes too long: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_plan_from_roster_to_approval(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let tni = app.signed_in("tni").await;

    // A roster with bad rows: each named, nothing stored.
    let bad = "nrp,nama,pangkat,satuan,force\n87010001,Budi,Bripka,polres-15.07,polri\n,Siti,Bripda,polsek-99,polri\n";
    let (status, body) = send(ops.post(format!("{base}/api/v1/roster")).json(&json!({"csv": bad}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_file");
    let places: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(places.contains(&"baris 3, kolom id") && places.contains(&"baris 3, kolom unit"), "{body}");
    assert!(app.store.people(&["polres-15.07".into()]).await.unwrap().is_empty());
    // TNI may not write Polri's roster.
    let (status, body) = send(tni.post(format!("{base}/api/v1/roster")).json(&json!({"csv": roster_csv()}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("bukan satuan Anda"), "{body}");
    // The Polres' operator imports it.
    let (status, body) = send(ops.post(format!("{base}/api/v1/roster")).json(&json!({"csv": roster_csv()}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["units"]["polres-15.07"], 30);
    // The Polres may not write the Linmas' roster; the village's Linmas do.
    let (status, body) = send(ops.post(format!("{base}/api/v1/roster")).json(&json!({"csv": linmas_csv()}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "baris 2, kolom unit", "{body}");
    let linmas = app.signed_in("linmas").await;
    let (status, body) = send(linmas.post(format!("{base}/api/v1/roster")).json(&json!({"csv": linmas_csv()}))).await;
    assert_eq!((status, body["units"]["linmas-15.07.01.2001"].as_u64()), (StatusCode::OK, Some(4)), "{body}");

    // A unit's roster: its chain reads it, the read is audited; another agency does not.
    let (status, body) = send(ops.get(format!("{base}/api/v1/units/polsek-15.07.01/roster"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["people"].as_array().unwrap().len(), 6);
    assert_eq!(body["people"][0]["phone"], "+6281234567800");
    let (head, _) = app.store.audit_head().await.unwrap();
    let last = &app.store.audit_entries(head - 1, 1).await.unwrap()[0];
    assert_eq!((last.event.action.as_str(), last.event.target.as_str()), ("roster.read", "unit:polsek-15.07.01"));
    let (status, _) = send(tni.get(format!("{base}/api/v1/units/polsek-15.07.01/roster"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A plan: bad orders are named at once.
    let (status, body) =
        send(ops.post(format!("{base}/api/v1/plans")).json(&json!({"regency": "15.07.01", "name": "x"}))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")),
        "{body}"
    );
    let (status, body) = send(
        ops.post(format!("{base}/api/v1/plans"))
            .json(&json!({"regency": "15.07", "name": " ", "patrol_teams": 0, "day": "27-11-2026"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["day", "patrol_teams"], "{body}");
    let (status, _) = send(
        app.signed_in("pengamat")
            .await
            .post(format!("{base}/api/v1/plans"))
            .json(&json!({"regency": "15.07", "name": "Rencana"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "observers read plans, they do not make them");

    let order = json!({"regency": "15.07", "name": "Pilkada 2026", "day": "2026-11-27", "patrol_teams": 2,
        "reserve_teams": 1, "seconds": 1});
    let (status, job) = send(ops.post(format!("{base}/api/v1/plans")).json(&order)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = wait_for(&ops, base, &job).await;
    assert_eq!(done["state"], "done", "{done}");
    let id = done["plan_id"].as_i64().unwrap();
    assert_eq!(done["summary"]["tps"], 5);
    // Someone else's job is not found.
    let (status, _) = send(tni.get(format!("{base}/api/v1/plan-jobs/{}", job["id"]))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, plan) = send(ops.get(format!("{base}/api/v1/plans/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!((plan["status"].as_str(), plan["version"].as_i64()), (Some("draft"), Some(1)));
    assert_eq!(plan["document"]["tps"].as_array().unwrap().len(), 5);
    // TPS without an assessment are planned as the lowest class, and the plan says so; the TPS without coordinates
    // too.
    let problems: Vec<&str> = plan["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(problems.iter().any(|p| p.contains("belum dinilai")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("tidak punya koordinat")), "{problems:?}");
    assert_eq!(plan["summary"]["partial"], true, "a TPS no patrol reaches makes the plan partial");

    // A second version, then approval: the commander only, a draft only.
    let (_, job) = send(ops.post(format!("{base}/api/v1/plans")).json(&order)).await;
    let second = wait_for(&ops, base, &job).await["plan_id"].as_i64().unwrap();
    let (status, _) = send(ops.post(format!("{base}/api/v1/plans/{id}/approve"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let komandan = app.signed_in("komandan").await;
    let (status, body) = send(komandan.post(format!("{base}/api/v1/plans/{id}/approve"))).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("approved")), "{body}");
    let (status, body) = send(komandan.post(format!("{base}/api/v1/plans/{id}/approve"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("plan_not_draft")), "{body}");
    send(komandan.post(format!("{base}/api/v1/plans/{second}/approve"))).await;
    let (_, list) = send(ops.get(format!("{base}/api/v1/plans?regency=15.07"))).await;
    let statuses: Vec<&str> = list["plans"].as_array().unwrap().iter().map(|p| p["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["approved", "superseded"]);

    let (status, cmp) = send(ops.get(format!("{base}/api/v1/plans/compare?a={id}&b={second}"))).await;
    assert_eq!(status, StatusCode::OK, "{cmp}");
    assert!(cmp["rows"].as_array().unwrap().len() >= 10);

    let csv = ops.get(format!("{base}/api/v1/plans/{id}/export?format=csv")).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv.text().await.unwrap().lines().count(), 6);
    let (status, geo) = send(ops.get(format!("{base}/api/v1/plans/{id}/export?format=geojson"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(geo["type"], "FeatureCollection");
    let (status, _) = send(ops.get(format!("{base}/api/v1/plans/{id}/export?format=pdf"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The Polsek's people in the plan: who, where, when, contact — its chain only, audited.
    let sprin = ops.get(format!("{base}/api/v1/plans/{id}/roster?unit=polsek-15.07.01")).send().await.unwrap();
    assert_eq!(sprin.status(), StatusCode::OK);
    let text = sprin.text().await.unwrap();
    assert!(text.starts_with("id,name,rank,force,post,tps,day,hours,phone"), "{text}");
    assert!(text.contains("2026-11-27,07:00–18:00"), "{text}");
    let (status, _) = send(tni.get(format!("{base}/api/v1/plans/{id}/roster?unit=polsek-15.07.01"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The same to print and hand over (surat perintah, PDF).
    let pdf = ops.get(format!("{base}/api/v1/plans/{id}/roster?unit=polsek-15.07.01&format=pdf")).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let (status, _) = send(ops.get(format!("{base}/api/v1/plans/{id}/roster?unit=polsek-15.07.01&format=xls"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The plan in force on the dashboard and in the situation report.
    let (_, home) = get_html(&ops, format!("{base}/")).await;
    assert!(home.contains("tile-deployment") && home.contains("Kesiapan pengamanan"), "{home}");
    let (status, sitrep) = get_html(&ops, format!("{base}/sitrep?region=15.07")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sitrep.contains("Kesiapan pengamanan") && sitrep.contains("Pilkada 2026 v2 (disahkan)"), "{sitrep}");
    // A district's operator reads the plan of its regency; a plan that does not exist is not found.
    let (status, _) = send(app.signed_in("ops.sabak").await.get(format!("{base}/api/v1/plans/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = send(ops.get(format!("{base}/api/v1/plans/999999"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("plan_not_found")));
}

async fn a_regency_loads_its_own_pattern(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let (status, body) = send(ops.get(format!("{base}/api/v1/regions/15.07/deployment-pattern"))).await;
    assert_eq!((status, body["own"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
    let bad = "id = \"jabung\"\nversion = \"1\"\nname = \"Pola\"\n\n[[rule]]\nclass = \"aman\"\npolice = 2\ntps = 2\nlinmas = 4\n";
    let (status, body) =
        send(ops.put(format!("{base}/api/v1/regions/15.07/deployment-pattern")).json(&json!({"toml": bad}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_file")), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("aturan 1 (baris 6"), "{body}");
    let good = sinergi_domain::deployment::pattern::DEFAULT_TOML.replace("2024.1", "2026.1");
    let (status, body) =
        send(ops.put(format!("{base}/api/v1/regions/15.07/deployment-pattern")).json(&json!({"toml": good}))).await;
    assert_eq!((status, body["own"].as_bool(), body["version"].as_str()), (StatusCode::OK, Some(true), Some("2026.1")));
    let (status, _) = send(
        app.signed_in("pengamat")
            .await
            .put(format!("{base}/api/v1/regions/15.07/deployment-pattern"))
            .json(&json!({"toml": good})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The same through the pages: the form (bad figures named with their field), the progress page refreshed without
/// scripts until the plan, the plan's page with its figures and the units' balance, and the commander's approval.
async fn a_plan_through_the_pages(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    send(ops.post(format!("{base}/api/v1/roster")).json(&json!({"csv": roster_csv()}))).await;
    let (status, html) = get_html(&ops, format!("{base}/plans")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"plan-form\"") && html.contains("id=\"no-plans\""), "{html}");
    assert!(html.contains("id=\"nav-plans\""));
    let token = csrf(&ops, base).await;
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("regency", "15.07"),
        ("name", "Pilkada 2026"),
        ("day", "2026-11-27"),
        ("patrol_teams", "0"),
        ("reserve_teams", "1"),
        ("walking_m", "1000"),
    ];
    let (status, _, html) = post_form(&ops, format!("{base}/plans"), &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-field=\"patrol_teams\"") && html.contains("Tim patroli"), "{html}");
    assert!(html.contains("value=\"Pilkada 2026\""), "what was typed stays: {html}");
    fields[4] = ("patrol_teams", "2");
    let (status, location, _) = post_form(&ops, format!("{base}/plans"), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/plans/jobs/"), "{location}");
    // The progress page refreshes itself until the plan is made, then leads to it.
    let started = Instant::now();
    let plan = loop {
        let response = ops.get(format!("{base}{location}")).send().await.unwrap();
        if response.status() == StatusCode::SEE_OTHER {
            break response.headers()["location"].to_str().unwrap().to_owned();
        }
        let html = response.text().await.unwrap();
        assert!(html.contains("http-equiv=\"refresh\"") && html.contains("id=\"plan-progress\""), "{html}");
        assert!(started.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (status, html) = get_html(&ops, format!("{base}{plan}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"plan-figures\"") && html.contains("id=\"plan-balances\""), "{html}");
    assert!(
        html.contains("Polres 15.07") && html.contains("Unduh (CSV)"),
        "the Polri units' people, for Polri: {html}"
    );
    assert!(!html.contains("id=\"approve-plan\""), "an operator does not approve");
    let komandan = app.signed_in("komandan").await;
    let (_, html) = get_html(&komandan, format!("{base}{plan}")).await;
    assert!(html.contains("id=\"approve-plan\""), "{html}");
    let token = csrf(&komandan, base).await;
    let (status, location, _) = post_form(&komandan, format!("{base}{plan}/approve"), &[("csrf", &token)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, plan.as_str()));
    let (_, html) = get_html(&komandan, format!("{base}{plan}")).await;
    assert!(html.contains("disahkan") && !html.contains("id=\"approve-plan\""), "{html}");
    // Someone else's job page is not found; a form without its token is refused.
    let (status, _) = get_html(&komandan, format!("{base}/plans/jobs/1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = post_form(&ops, format!("{base}/plans"), &fields[1..]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A roster kept in a spreadsheet: the NRP and phone typed as numbers (the phone's leading 0 lost), a day of
/// availability typed as a date.
fn roster_workbook(bad_unit_on_row_3: bool) -> Vec<u8> {
    use sinergi_domain::spreadsheet::{Cell, xlsx};
    let t = |s: &str| Cell::Text(s.to_owned());
    let day = sinergi_domain::coordination::calendar::Date::parse("2026-11-27").unwrap();
    let mut rows = vec![["nrp", "nama", "pangkat", "satuan", "kekuatan", "telepon", "ketersediaan"].map(t).to_vec()];
    for i in 0..6 {
        let unit = if bad_unit_on_row_3 && i == 1 { "polsek-99" } else { "polsek-15.07.01" };
        let phone = if i == 0 { Cell::Number(81234567890.0) } else { t("") };
        let available = if i == 0 { Cell::Date(day) } else { t("") };
        let nrp = Cell::Number(f64::from(87050000 + i));
        rows.push(vec![nrp, t(&format!("Polsek Satu {i}")), t("Brigpol"), t(unit), t("polri"), phone, available]);
    }
    xlsx("Personel", &rows, &[])
}

/// Rosters from workbooks: through the API (base64) and through the plans page's upload form, with its template;
/// a bad row named by its row in the sheet, nothing written.
async fn a_roster_from_a_workbook(db: &TestDb) {
    use base64::Engine as _;
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let url = format!("{base}/api/v1/roster");

    let bad = json!({"workbook": b64(&roster_workbook(true))});
    let (status, body) = send(ops.post(&url).json(&bad)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_file")), "{body}");
    assert_eq!(body["fields"][0]["field"], "baris 3, kolom unit", "the sheet's row: {body}");
    assert!(app.store.people(&["polsek-15.07.01".into()]).await.unwrap().is_empty());
    for (input, field) in [
        (json!({"workbook": "bukan base64!"}), "workbook"),
        (json!({"csv": "nrp\n", "workbook": b64(&roster_workbook(false))}), "workbook"),
        (json!({}), "csv"),
    ] {
        let (status, body) = send(ops.post(&url).json(&input)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], field, "{body}");
    }
    let damaged = json!({"workbook": b64(b"PK\x03\x04 not really a workbook")});
    let (status, body) = send(ops.post(&url).json(&damaged)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("lembar kerja"), "{body}");

    let good = json!({"workbook": format!("data:application/vnd.ms-excel;base64,{}", b64(&roster_workbook(false)))});
    let (status, body) = send(ops.post(&url).json(&good)).await;
    assert_eq!((status, body["units"]["polsek-15.07.01"].as_u64()), (StatusCode::OK, Some(6)), "{body}");
    let people = app.store.people(&["polsek-15.07.01".into()]).await.unwrap();
    let first = people.iter().find(|p| p.id == "87050000").expect("the NRP as typed, without a decimal point");
    assert_eq!(first.phone.as_deref(), Some("+6281234567890"));
    assert_eq!(first.availability.to_text(), "2026-11-27");

    // The page: its template, then the same workbook through the upload form.
    let (status, html) = get_html(&ops, format!("{base}/plans")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"roster-form\"") && html.contains("id=\"roster-template\""), "{html}");
    let template = ops.get(format!("{base}/plans/roster-template.xlsx")).send().await.unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    assert!(template.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let template = template.bytes().await.unwrap();
    let header = sinergi_domain::spreadsheet::as_csv(&template, &[]).unwrap();
    assert_eq!(String::from_utf8_lossy(&header), "nrp,nama,pangkat,satuan,kekuatan,telepon,ketersediaan\n");
    let token = csrf(&ops, base).await;
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let upload = |token: String, bytes: Vec<u8>| {
        let ops = ops.clone();
        let url = format!("{base}/plans/roster");
        async move { post_multipart(&ops, url, &[("csrf", &token)], ("file", "personel.xlsx", xlsx, &bytes)).await }
    };
    let (status, _, html) = upload(token.clone(), roster_workbook(true)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"roster-errors\"") && html.contains("baris 3, kolom unit"), "{html}");
    let (status, _, html) = upload(token.clone(), roster_csv().into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "a CSV file through the same form");
    assert!(html.contains("id=\"roster-done\"") && html.contains("Polres 15.07: 30 orang"), "{html}");
    let (status, _, _) = upload("salah".into(), roster_workbook(false)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // No file chosen, a file over the limit, an old XLS: each said in words, nothing written.
    let none = ("file", "", "application/octet-stream", &b""[..]);
    let (status, _, html) = post_multipart(&ops, format!("{base}/plans/roster"), &[("csrf", &token)], none).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Pilih berkas daftar personel"), "{html}");
    let (status, _, html) = upload(token.clone(), vec![b'x'; 9 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("lebih besar dari 8 MB"), "{html}");
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0].to_vec();
    let (status, _, html) = upload(token.clone(), xls).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("simpan sebagai XLSX"), "{html}");
    // An observer has no form and may not send one.
    let pengamat = app.signed_in("pengamat").await;
    let (_, html) = get_html(&pengamat, format!("{base}/plans")).await;
    assert!(!html.contains("id=\"roster-form\""));
    let token = csrf(&pengamat, base).await;
    let url = format!("{base}/plans/roster");
    let (status, _, _) = post_multipart(&pengamat, url, &[("csrf", &token)], ("file", "p.xlsx", xlsx, b"x")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

sinergi_store::backend_tests!(
    a_roster_from_a_workbook,
    a_plan_from_roster_to_approval,
    a_regency_loads_its_own_pattern,
    a_plan_through_the_pages
);
