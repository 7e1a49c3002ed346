//! The incident desk's pages and its export, on SQLite and on PostgreSQL: the list and its filters, a report's
//! page with its history and comments, moves and comments through the page forms (and their refusals, shown with
//! what was typed), an agency's queue, the escalation panel, the CSV and GeoJSON export row by row, and that a
//! report outside the territory or above the clearance appears nowhere.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::AgencyKind;
use sinergi_domain::LatLng;
use sinergi_domain::incident::routing::{RouteRole, Routed};
use sinergi_domain::incident::{Channel, ReportKind, Severity};
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_store::NewReport;
use sinergi_store::testing::TestDb;

use crate::helpers::browser::Chromium;
use crate::helpers::{OPS, OPS_SABAK, PASSWORD, PENGAMAT, TestApp, code, csrf, get_html, post_form};

/// 2024-11-27 09:30 WIB.
const NINE_THIRTY: i64 = 1_732_674_600_000;
const MINUTE: i64 = 60_000;

/// The desk the tests read: three reports of November 2024 (long overdue, never moved) and the accounts.
struct Desk {
    app: TestApp,
    /// A clash in Desa Satu (15.07.01.2001) with its own coordinates, routed to the Polsek; biasa.
    a: i64,
    /// A power outage in Kelurahan Tiga (15.07.02.1001), placed at the village's centre; biasa, from PLN.
    b: i64,
    /// Intelligence on money politics in Desa Dua (15.07.01.2002); terbatas, from the police (restricted reports are
    /// read by the agencies that filed them or must act on them).
    c: i64,
}

/// A route to a police unit of the seed.
fn routed(unit: &str, role: RouteRole) -> Routed {
    Routed { unit_code: unit.into(), agency: AgencyKind::Polri, role }
}

fn report(category: &str, severity: Severity, village: &str, at: i64, description: &str) -> NewReport {
    NewReport {
        kind: ReportKind::Incident,
        category: category.into(),
        severity,
        occurred_at_ms: at,
        reported_at_ms: at,
        village: code(village),
        tps_id: None,
        location: None,
        description: description.into(),
        source_agency: AgencyKind::Polri,
        source_person: "Bhabinkamtibmas".into(),
        reporter_account: None,
        channel: Channel::Sms,
        classification: Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    }
}

async fn setup(db: &TestDb) -> Desk {
    let app = TestApp::small(db, &[OPS, OPS_SABAK, PENGAMAT, ("kpu.luar", Role::External, "ppk-15.07.01")]).await;
    let a = NewReport {
        location: Some(LatLng::new(-1.05, 103.85)),
        routes: vec![routed("polsek-15.07.01", RouteRole::Responsible), routed("polres-15.07", RouteRole::Informed)],
        ..report(
            "bentrok",
            Severity::High,
            "15.07.01.2001",
            NINE_THIRTY,
            "Massa \"paslon 1\", saling dorong\ndi TPS 01",
        )
    };
    let b = NewReport {
        source_agency: AgencyKind::Pln,
        source_person: "ULP Sabak".into(),
        channel: Channel::Api,
        ..report("listrik_padam", Severity::Medium, "15.07.02.1001", NINE_THIRTY + 150 * MINUTE, "Listrik padam")
    };
    let c = NewReport {
        kind: ReportKind::Intelligence,
        source_person: "Intelkam Polres".into(),
        channel: Channel::Web,
        classification: Classification::Terbatas,
        ..report(
            "politik_uang",
            Severity::High,
            "15.07.01.2002",
            NINE_THIRTY - 810 * MINUTE,
            "Info: pembagian sembako malam ini",
        )
    };
    let filed = db.store.file_reports(&[a, b, c]).await.unwrap();
    Desk { app, a: filed[0].id().0, b: filed[1].id().0, c: filed[2].id().0 }
}

/// The references of the report rows of a page, in order.
fn references(html: &str) -> Vec<String> {
    html.split("data-reference=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
}

fn lk(id: i64) -> String {
    format!("LK-{id:06}")
}

fn li(id: i64) -> String {
    format!("LI-{id:06}")
}

async fn the_list_filters_by_every_field_and_pages(db: &TestDb) {
    let Desk { app, a, b, c } = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let list = |query: &str| format!("{base}/incidents?{query}");

    let (status, html) = get_html(&ops, list("")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(references(&html), [lk(b), lk(a), li(c)], "newest event first");
    assert!(html.contains("Bentrok antarpendukung") && html.contains("Desa Satu") && html.contains("Kelurahan Tiga"));
    assert!(html.contains("27 November 2024 09.30 WIB") && html.contains("3 – tinggi"), "time of event and severity");
    assert!(html.contains("lewat batas verifikasi, eskalasi 2 tingkat"), "the overdue flag");
    assert!(html.contains(&format!("href=\"/incidents/{a}\"")), "rows link to the report");
    assert!(html.contains("id=\"nav-incidents\""), "the navigation leads here");

    for (query, expected) in [
        ("category=bentrok", vec![lk(a)]),
        ("status=reported", vec![lk(b), lk(a), li(c)]),
        ("status=closed", vec![]),
        ("severity=3", vec![lk(a), li(c)]),
        ("agency=pln", vec![lk(b)]),
        ("routed_to=polri", vec![lk(a)]),
        ("region=15.07.01", vec![lk(a), li(c)]),
        ("region=15.07.02.1001", vec![lk(b)]),
        ("from=2024-11-27&to=2024-11-27", vec![lk(b), lk(a)]),
        ("to=2024-11-26", vec![li(c)]),
        ("open=true", vec![lk(b), lk(a), li(c)]),
        ("category=&status=&severity=&region=", vec![lk(b), lk(a), li(c)]),
    ] {
        let (status, html) = get_html(&ops, list(query)).await;
        assert_eq!((status, references(&html)), (StatusCode::OK, expected), "{query}");
    }
    // The form shows the filters in force, and the downloads carry them.
    // Askama writes `&` in attributes as `&#38;`.
    let (_, html) = get_html(&ops, list("category=bentrok&open=true")).await;
    let html = html.replace("&#38;", "&");
    assert!(html.contains("<option value=\"bentrok\" selected>"), "{html}");
    assert!(html.contains("name=\"open\" value=\"true\" checked"));
    assert!(html.contains("\"/api/v1/reports/export?format=csv&category=bentrok&open=true&lang=id\""), "{html}");
    assert!(html.contains("data-reports-url=\"/incidents/map.geojson?category=bentrok&open=true&lang=id\""));
    assert!(html.contains("data-frame-url=\"/api/v1/regions/15.07/map\""), "the regency frames the map");
    // A bad filter is named on the page.
    for (query, named) in [("severity=9", "severity"), ("from=27-11-2024", "from"), ("region=15.7", "region")] {
        let (status, html) = get_html(&ops, list(query)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(html.contains("id=\"filter-error\"") && html.contains(named), "{query}: {html}");
    }

    // The map's data: the same reports as points, with what a popup shows and no more.
    let map = |query: &str| format!("{base}/incidents/map.geojson?{query}");
    let (status, body) = get_html(&ops, map("")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let points: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((points["total"].as_u64(), points["shown"].as_u64()), (Some(3), Some(3)));
    let drawn: Vec<(&str, Value)> = points["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["reference"].as_str().unwrap(), f["geometry"]["coordinates"].clone()))
        .collect();
    assert_eq!(
        drawn,
        [
            (lk(b).as_str(), json!([103.9, -1.0])),
            (lk(a).as_str(), json!([103.85, -1.05])),
            (li(c).as_str(), json!([103.9, -1.0]))
        ]
    );
    let popup = &points["features"][1]["properties"];
    assert_eq!((popup["status_label"].as_str(), popup["overdue"].as_bool()), (Some("dilaporkan"), Some(true)));
    assert!(popup.get("description").is_none() && popup.get("source_person").is_none(), "{popup}");
    let (status, body) = get_html(&ops, map("severity=9")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], "invalid_query");

    // Territory and clearance: the district operator sees 15.07.01 only; the observer no terbatas report.
    let sabak = app.signed_in("ops.sabak").await;
    let (_, html) = get_html(&sabak, list("")).await;
    assert_eq!(references(&html), [lk(a), li(c)]);
    let (_, html) = get_html(&sabak, list("region=15.07.02")).await;
    assert_eq!(references(&html), Vec::<String>::new(), "another district is empty, not an error");
    let observer = app.signed_in("pengamat").await;
    let (_, html) = get_html(&observer, list("")).await;
    assert_eq!(references(&html), [lk(b), lk(a)]);
    let (_, body) = get_html(&observer, map("")).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["total"], 2);
    // The external KPU account sees only what concerns KPU: none of these Polri reports.
    let external = app.signed_in("kpu.luar").await;
    let (status, html) = get_html(&external, list("")).await;
    assert_eq!((status, references(&html)), (StatusCode::OK, Vec::<String>::new()));
    let (status, body) = get_html(&external, map("")).await;
    assert_eq!((status, serde_json::from_str::<Value>(&body).unwrap()["total"].as_u64()), (StatusCode::OK, Some(0)));

    // Paging: 50 a page, with links that keep the filters.
    let more: Vec<NewReport> = (0..51)
        .map(|i| report("lainnya", Severity::Low, "15.07.02.1001", NINE_THIRTY + (200 + i) * MINUTE, "Lain-lain"))
        .collect();
    db.store.file_reports(&more).await.unwrap();
    let (_, first) = get_html(&ops, list("category=lainnya")).await;
    let first = first.replace("&#38;", "&");
    assert_eq!(references(&first).len(), 50);
    assert!(first.contains("Halaman 1 dari 2 · 51 laporan"), "{first}");
    assert!(first.contains("href=\"/incidents?category=lainnya&page=2\""));
    let (_, second) = get_html(&ops, list("category=lainnya&page=2")).await;
    assert_eq!(references(&second).len(), 1);
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

async fn the_report_page_moves_and_comments(db: &TestDb) {
    let Desk { app, a, b, c } = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let sabak = app.signed_in("ops.sabak").await;
    let page = |id: i64| format!("{base}/incidents/{id}");

    let (status, html) = get_html(&ops, page(a)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for text in [
        lk(a).as_str(),
        "Bentrok antarpendukung (bentrok)",
        "3 – tinggi",
        "dilaporkan",
        "Desa Satu (15.07.01.2001)",
        "-1.05000, 103.85000",
        "Bhabinkamtibmas",
        "saling dorong\ndi TPS 01",
        "data-unit=\"polsek-15.07.01\"",
        "data-unit=\"polres-15.07\"",
        "bertanggung jawab",
        "diberi tahu",
        "→ dilaporkan",
        "id=\"move-form\"",
        "id=\"comment-form\"",
    ] {
        assert!(html.contains(text), "{text:?} missing from the page");
    }
    // Only the moves the workflow allows from `reported`.
    assert!(html.contains("<option value=\"verify\">verifikasi</option>"), "{html}");
    assert!(html.contains("<option value=\"reject\">tolak</option>"));
    assert!(!html.contains("<option value=\"close\""));

    // A move through the form: it lands in the history, with who and from → to.
    let token = csrf(&sabak, base).await;
    let (status, location, _) =
        post_form(&sabak, format!("{}/move", page(a)), &[("csrf", &token), ("action", "verify"), ("reason", "")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/incidents/{a}?saved=move").as_str()));
    let (_, html) = get_html(&sabak, format!("{}?saved=move", page(a))).await;
    assert!(html.contains("Langkah disimpan: status kini terverifikasi."), "{html}");
    assert!(html.contains("Petugas ops.sabak") || html.contains("ops.sabak"), "who moved it");
    assert!(html.contains("dilaporkan → terverifikasi"));
    assert!(html.contains("<option value=\"assign\">tugaskan</option>") && !html.contains("<option value=\"verify\""));
    // Assigning asks for the unit, offered by name; without one it is refused on the form, named.
    assert!(html.contains("<select name=\"unit\" id=\"move-unit\">"), "{html}");
    assert!(html.contains("<option value=\"polsek-15.07.01\">Polsek 15.07.01</option>"), "{html}");
    let token = csrf(&sabak, base).await;
    let (status, _, html) =
        post_form(&sabak, format!("{}/move", page(a)), &[("csrf", &token), ("action", "assign"), ("unit", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Satuan yang ditugasi (untuk Tugaskan): wajib diisi"), "{html}");
    let (status, _, _) = post_form(
        &sabak,
        format!("{}/move", page(a)),
        &[("csrf", &token), ("action", "assign"), ("unit", "polsek-15.07.01"), ("reason", "")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = get_html(&sabak, page(a)).await;
    assert!(html.contains("terverifikasi → ditugaskan (Polsek 15.07.01)"), "{html}");

    // A move the workflow does not allow: refused on the page, the typed reason kept.
    let (status, _, html) = post_form(
        &sabak,
        format!("{}/move", page(a)),
        &[("csrf", &token), ("action", "close"), ("reason", "Sudah aman <b>")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("id=\"move-error\""), "{html}");
    assert!(html.contains("Langkah tidak disimpan: Langkah close tidak bisa dari status ditugaskan."), "{html}");
    let typed = html.split("name=\"reason\"").nth(1).and_then(|s| s.split("</textarea>").next()).unwrap_or_default();
    assert!(typed.ends_with(">Sudah aman &#60;b&#62;"), "the reason as typed, escaped: {typed}");
    // A rejection without its kind names the field; the reason stays.
    let (status, _, html) = post_form(
        &ops,
        format!("{}/move", page(c)),
        &[("csrf", &csrf(&ops, base).await), ("action", "reject"), ("reject_reason", ""), ("reason", "Foto lama")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Langkah tidak disimpan: Jenis penolakan: wajib diisi"), "{html}");
    assert!(html.contains(">Foto lama</textarea>") && html.contains("<option value=\"reject\" selected>"));
    // An unknown kind of rejection is named as a field of the API.
    let (status, _, html) = post_form(
        &ops,
        format!("{}/move", page(c)),
        &[("csrf", &csrf(&ops, base).await), ("action", "reject"), ("reject_reason", "bohong"), ("reason", "x")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Jenis penolakan: `bohong` tidak dikenal"), "{html}");
    // The reporter may not verify their own report.
    let (_, filed) = {
        let response = ops
            .post(format!("{base}/api/v1/reports"))
            .json(&json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Ricuh di balai"}))
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    let own = filed["report"]["id"].as_i64().unwrap();
    let (status, _, html) =
        post_form(&ops, format!("{}/move", page(own)), &[("csrf", &csrf(&ops, base).await), ("action", "verify")])
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Pelapor tidak boleh memverifikasi atau menolak laporannya sendiri."), "{html}");
    // Without the form's CSRF token nothing moves.
    let (status, _, _) = post_form(&sabak, format!("{}/move", page(own)), &[("action", "verify")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = get_html(&sabak, page(own)).await;
    assert!(!html.contains("terverifikasi</td>"), "not moved");

    // Comments: the thread, the form, and a refusal that keeps the text.
    let (status, location, _) =
        post_form(&sabak, format!("{}/comment", page(a)), &[("csrf", &token), ("body", "Dua regu Sabhara dikirim")])
            .await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/incidents/{a}?saved=comment#comments")));
    let (_, html) = get_html(&ops, page(a)).await;
    assert!(html.contains("Dua regu Sabhara dikirim") && html.contains("Petugas ops.sabak"), "{html}");
    let long = "panjang ".repeat(300);
    let (status, _, html) =
        post_form(&sabak, format!("{}/comment", page(a)), &[("csrf", &token), ("body", &long)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Komentar tidak disimpan: Komentar: lebih dari 2.000 karakter"), "{html}");
    assert!(html.contains(&format!(">{long}</textarea>")), "the comment as typed");

    // Observers read the page without forms, and cannot post.
    let observer = app.signed_in("pengamat").await;
    let (status, html) = get_html(&observer, page(a)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("id=\"move-form\"") && !html.contains("id=\"comment-form\""));
    let (status, _, _) = post_form(
        &observer,
        format!("{}/move", page(a)),
        &[("csrf", &csrf(&observer, base).await), ("action", "assign")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Outside the territory or the clearance, and unknown: not found.
    assert_eq!(get_html(&sabak, page(b)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_html(&observer, page(c)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_html(&ops, page(999_999)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_html(&ops, format!("{base}/incidents/abc")).await.0, StatusCode::NOT_FOUND);
    let (status, _, _) = post_form(&sabak, format!("{}/comment", page(b)), &[("csrf", &token), ("body", "x")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Reading a terbatas report on its page is audited, as through the API.
    assert_eq!(get_html(&ops, page(c)).await.0, StatusCode::OK);
    let audited = db.store.audit_entries(0, 1000).await.unwrap();
    let target = format!("report:{c}");
    assert!(audited.iter().any(|e| e.event.action == "report.read" && e.event.target == target));
}

async fn the_queue_and_the_escalation_panel(db: &TestDb) {
    let Desk { app, a, b, c } = setup(db).await;
    let base = &app.base;
    let now = sinergi_server::trust::auth::now_ms();
    let to_polsek = vec![routed("polsek-15.07.01", RouteRole::Responsible)];
    let recent = db
        .store
        .file_reports(&[
            // Critical, 20 minutes old: its 15 minutes to verify have passed once.
            NewReport {
                routes: to_polsek.clone(),
                ..report("bentrok", Severity::Critical, "15.07.01.2001", now - 20 * MINUTE, "Baru saja")
            },
            // Low, 25 minutes old: eight hours to verify, not overdue.
            NewReport {
                routes: to_polsek,
                ..report("lainnya", Severity::Low, "15.07.01.2001", now - 25 * MINUTE, "Tenang")
            },
        ])
        .await
        .unwrap();
    let (critical, low) = (recent[0].id().0, recent[1].id().0);
    let sabak = app.signed_in("ops.sabak").await;
    let queue = |query: &str| format!("{base}/incidents/queue{query}");
    let count = |html: &str, status: &str| -> String {
        let start = html.find(&format!("id=\"queue-{status}\"><div class=\"big\">")).expect("a count per status");
        html[start..].split("<div class=\"big\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_owned()
    };

    let (status, html) = get_html(&sabak, queue("")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("data-agency=\"polri\""));
    assert_eq!(count(&html, "reported"), "3");
    assert_eq!(references(&html), [lk(critical), lk(low), lk(a)], "the open reports, newest event first");
    // Moving reports moves the counts.
    for (id, moves) in [(a, vec!["verify", "start"]), (low, vec!["verify"])] {
        for action in moves {
            let response = sabak
                .post(format!("{base}/api/v1/reports/{id}/moves"))
                .json(&json!({"action": action}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{action} {id}");
        }
    }
    let (_, html) = get_html(&sabak, queue("?agency=polri")).await;
    assert_eq!(
        ["reported", "verified", "assigned", "in_handling", "resolved"].map(|s| count(&html, s)),
        ["1", "1", "0", "1", "0"]
    );
    assert_eq!(references(&html), [lk(critical), lk(low), lk(a)], "in handling is still open");
    // Another agency's queue; an unknown agency is named.
    let (status, html) = get_html(&sabak, queue("?agency=pln")).await;
    assert_eq!((status, count(&html, "reported")), (StatusCode::OK, "0".to_owned()));
    assert!(html.contains("id=\"no-reports\""));
    let (status, html) = get_html(&sabak, queue("?agency=ormas")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"queue-error\"") && html.contains("ormas"));

    // The escalation panel: the longest overdue first, with the limit missed and how far it went.
    let ops = app.signed_in("ops").await;
    let panel = format!("{base}/incidents/escalations");
    let (status, html) = get_html(&ops, panel.clone()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // A is in handling now and B and C still await verification since 2024; the critical one is 5 minutes late;
    // the low one has been verified and has hours to go.
    assert_eq!(references(&html), [li(c), lk(b), lk(critical)], "{html}");
    let steps: Vec<&str> = html.split("data-steps=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    assert_eq!(steps, ["2", "2", "1"]);
    assert!(html.contains("lewat batas verifikasi, eskalasi 1 tingkat"));
    assert!(html.contains("26 November 2024 20.30 WIB"), "C was due 30 minutes after it was filed");
    let escalated: Vec<&str> =
        html.split("class=\"escalated-to\">").skip(1).filter_map(|s| s.split('<').next()).collect();
    assert_eq!(escalated, ["", "", "Polres 15.07"], "up from the Polsek: {html}");
    // The observer's panel leaves out what it may not read; the external role's holds none of Polri's reports.
    let observer = app.signed_in("pengamat").await;
    let (_, html) = get_html(&observer, panel.clone()).await;
    assert_eq!(references(&html), [lk(b), lk(critical)]);
    let external = app.signed_in("kpu.luar").await;
    let (status, html) = get_html(&external, panel).await;
    assert_eq!((status, references(&html)), (StatusCode::OK, Vec::<String>::new()));
    let (status, html) = get_html(&external, queue("")).await;
    assert_eq!((status, references(&html)), (StatusCode::OK, Vec::<String>::new()));
}

/// The export: status, headers and body.
async fn export(client: &reqwest::Client, base: &str, query: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = client.get(format!("{base}/api/v1/reports/export?{query}")).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

async fn exports_hold_exactly_the_matching_reports(db: &TestDb) {
    let Desk { app, a, b, c } = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;

    let (status, headers, body) = export(&ops, base, "region=15.07.01").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"laporan-15.07.01-") && disposition.ends_with(".csv\""));
    assert_eq!(headers["x-total-count"], "2");
    let expected = [
        "reference,id,kind,category,category_label,severity,severity_label,status,status_label,occurred_at_wib,\
         reported_at_wib,village_code,village_name,tps_id,lat,lng,location_source,source_agency,source_person,channel,\
         classification,overdue_stage,overdue_due_at_wib,overdue_steps,description"
            .to_owned(),
        format!(
            "{},{a},incident,bentrok,Bentrok antarpendukung,3,tinggi,reported,dilaporkan,2024-11-27 09:30,\
             2024-11-27 09:30,15.07.01.2001,Desa Satu,,-1.05,103.85,report,polri,Bhabinkamtibmas,sms,biasa,verify,\
             2024-11-27 10:00,2,\"Massa \"\"paslon 1\"\", saling dorong\ndi TPS 01\"",
            lk(a)
        ),
        format!(
            "{},{c},intelligence,politik_uang,Politik uang,3,tinggi,reported,dilaporkan,2024-11-26 20:00,\
             2024-11-26 20:00,15.07.01.2002,Desa Dua,,-1,103.9,village,polri,Intelkam Polres,web,terbatas,verify,\
             2024-11-26 20:30,2,Info: pembagian sembako malam ini",
            li(c)
        ),
        String::new(),
    ];
    assert_eq!(body, expected.join("\r\n"), "RFC 4180, CRLF after every record");
    // Exporting terbatas reports is audited.
    let audited = db.store.audit_entries(0, 1000).await.unwrap();
    let exports = audited.iter().filter(|e| e.event.action == "report.export").count();
    assert_eq!(exports, 1, "{audited:?}");

    // GeoJSON: a point per report, its own coordinates or its village's centre.
    let (status, headers, body) = export(&ops, base, "format=geojson&lang=en").await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (StatusCode::OK, "application/geo+json"));
    assert!(headers["content-disposition"].to_str().unwrap().ends_with(".geojson\""));
    let collection: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    let summary: Vec<(String, Value, &str, &str)> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["reference"].as_str().unwrap().to_owned(),
                f["geometry"]["coordinates"].clone(),
                p["location_source"].as_str().unwrap(),
                p["village_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (lk(b), json!([103.9, -1.0]), "village", "Kelurahan Tiga"),
            (lk(a), json!([103.85, -1.05]), "report", "Desa Satu"),
            (li(c), json!([103.9, -1.0]), "village", "Desa Dua"),
        ]
    );
    let first = &features[1]["properties"];
    assert_eq!(
        (first["category_label"].as_str(), first["severity_label"].as_str(), first["status_label"].as_str()),
        (Some("Clash between supporters"), Some("high"), Some("reported"))
    );
    assert_eq!((first["id"].as_i64(), first["overdue"]["steps"].as_u64()), (Some(a), Some(2)));
    assert_eq!(features[0]["geometry"]["type"], "Point");

    // The same filters as the list.
    for (query, expected) in [
        ("category=listrik_padam", vec![lk(b)]),
        ("severity=3&from=2024-11-27", vec![lk(a)]),
        ("agency=polri", vec![lk(a), li(c)]),
        ("open=true&status=reported", vec![lk(b), lk(a), li(c)]),
        ("status=closed", vec![]),
    ] {
        let (status, _, body) = export(&ops, base, &format!("format=geojson&{query}")).await;
        let got: Vec<String> = serde_json::from_str::<Value>(&body).unwrap()["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["reference"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!((status, got), (StatusCode::OK, expected), "{query}");
    }
    // Bad requests are named, as the list's.
    for (query, code) in [
        ("format=xlsx", "invalid_query"),
        ("severity=9", "invalid_query"),
        ("from=2024-13-01", "invalid_query"),
        ("region=15.7", "invalid_region_code"),
        ("routed_to=ormas", "invalid_query"),
    ] {
        let (status, _, body) = export(&ops, base, query).await;
        let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some(code)), "{query}");
    }

    // Territory and clearance: the district operator exports 15.07.01 only, the observer no terbatas report.
    let sabak = app.signed_in("ops.sabak").await;
    let (_, headers, body) = export(&sabak, base, "").await;
    assert_eq!(headers["x-total-count"], "2");
    assert!(body.contains(&lk(a)) && body.contains(&li(c)) && !body.contains(&lk(b)));
    let (_, headers, body) = export(&sabak, base, "region=15.07.02").await;
    assert_eq!((headers["x-total-count"].to_str().unwrap(), body.lines().count()), ("0", 1), "only the header");
    let observer = app.signed_in("pengamat").await;
    let (_, headers, body) = export(&observer, base, "").await;
    assert_eq!(headers["x-total-count"], "2");
    assert!(body.contains(&lk(a)) && body.contains(&lk(b)) && !body.contains(&li(c)));
    let audited = db.store.audit_entries(0, 1000).await.unwrap();
    // Every export that held C was audited (four of the operator's, one of the district's), no other.
    assert_eq!(audited.iter().filter(|e| e.event.action == "report.export").count(), 5);
    // The external KPU account exports what concerns KPU: nothing of Polri's here (only the header).
    let external = app.signed_in("kpu.luar").await;
    let (status, headers, _) = export(&external, base, "").await;
    assert_eq!((status, headers["x-total-count"].to_str().unwrap()), (StatusCode::OK, "0"));
    assert_eq!(export(&reqwest::Client::new(), base, "").await.0, StatusCode::UNAUTHORIZED);

    // A description or a source that a spreadsheet would run as a formula is written with a `'` in front; the
    // coordinates stay numbers.
    let formula = json!({"category": "bentrok", "village_code": "15.07.01.2001", "location": {"lat": -1.05, "lng": 103.85},
        "description": "=HYPERLINK(\"http://contoh.invalid\",\"klik\")", "source_person": "@SUM(1+1)"});
    let filed = ops.post(format!("{base}/api/v1/reports")).json(&formula).send().await.unwrap();
    assert_eq!(filed.status(), StatusCode::CREATED);
    let (_, _, body) = export(&ops, base, "region=15.07.01.2001").await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = reader.records().map(Result::unwrap).find(|r| r[column("description")].contains("HYPERLINK")).unwrap();
    assert_eq!(&row[column("description")], "'=HYPERLINK(\"http://contoh.invalid\",\"klik\")");
    assert_eq!(&row[column("source_person")], "'@SUM(1+1)");
    assert_eq!((&row[column("lat")], &row[column("lng")]), ("-1.05", "103.85"));

    // Documented for API clients (and the fuzzer): both file types and every status it answers.
    let doc: Value = reqwest::get(format!("{base}/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    let operation = &doc["paths"]["/reports/export"]["get"];
    assert_eq!(operation["operationId"], "export_reports");
    let mut statuses: Vec<&str> = operation["responses"].as_object().unwrap().keys().map(String::as_str).collect();
    statuses.sort();
    assert_eq!(statuses, ["200", "400", "401", "403", "422"]);
    let mut types: Vec<&str> =
        operation["responses"]["200"]["content"].as_object().unwrap().keys().map(String::as_str).collect();
    types.sort();
    assert_eq!(types, ["application/geo+json", "text/csv"]);
}

/// The list's map in Debian's headless Chromium (as `registry::browser` does for the region map): one marker per
/// report in the colour of its severity, a popup that links to the report, no console error, no exception.
#[tokio::test]
async fn the_incident_map_draws_every_report_in_a_browser() {
    use chromiumoxide::cdp::js_protocol::runtime::{ConsoleApiCalledType, EventConsoleApiCalled, EventExceptionThrown};
    use futures_util::StreamExt;
    use std::time::Duration;

    let db = TestDb::sqlite().await;
    let base = setup(&db).await.app.base;
    let chromium = Chromium::launch(1280, 900).await;
    let page = chromium.browser.new_page("about:blank").await.unwrap();
    let problems = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut console = page.event_listener::<EventConsoleApiCalled>().await.unwrap();
    let mut exceptions = page.event_listener::<EventExceptionThrown>().await.unwrap();
    let collect = {
        let problems = problems.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(e) = console.next() => if e.r#type == ConsoleApiCalledType::Error {
                        problems.lock().unwrap().push(format!("console error: {:?}", e.args.iter().map(|a| a.value.clone()).collect::<Vec<_>>()));
                    },
                    Some(e) = exceptions.next() => problems.lock().unwrap().push(format!("exception: {:?}", e.exception_details)),
                    else => break,
                }
            }
        })
    };
    page.enable_runtime().await.unwrap();
    let eval = |js: String| {
        let page = page.clone();
        async move { page.evaluate(js).await.ok().and_then(|v| v.into_value::<String>().ok()).unwrap_or_default() }
    };
    let wait = |js: &'static str, want: &'static str| async move {
        let mut last = String::new();
        for _ in 0..100 {
            last = eval(js.to_owned()).await;
            if last == want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        last
    };

    page.goto(format!("{base}/login?next=/incidents")).await.unwrap();
    // The click starts a navigation, which may tear down the context the evaluation runs in: that is fine.
    let _ = eval(format!(
        "document.getElementById('username').value = 'ops'; document.getElementById('password').value = '{}'; \
         document.getElementById('login-submit').click(); ''",
        PASSWORD
    ))
    .await;
    assert_eq!(wait("location.pathname", "/incidents").await, "/incidents", "signed in and on the list");
    let state = "(document.getElementById('incident-map') || {dataset: {}}).dataset.state || ''";
    assert_eq!(wait(state, "ready").await, "ready", "the map finished loading");
    let count = eval("String(document.querySelectorAll('path.incident-marker').length)".into()).await;
    let critical = eval("String(document.querySelectorAll('path.incident-marker.incident-sev-3').length)".into()).await;
    assert_eq!((count.as_str(), critical.as_str()), ("3", "2"), "one marker per report, coloured by severity");
    let status = eval("document.getElementById('incident-map-status').textContent".into()).await;
    assert_eq!(status, "3 laporan di peta; 0 tanpa koordinat maupun pusat desa");
    let popup = eval(
        "(() => { const m = Array.from(document.querySelectorAll('path.incident-marker.incident-sev-3'))[0]; \
         m.dispatchEvent(new MouseEvent('click', {bubbles: true})); \
         const p = document.querySelector('.incident-popup'); return p ? p.innerHTML : ''; })()"
            .into(),
    )
    .await;
    assert!(popup.contains("Keparahan: 3 – tinggi") && popup.contains("Buka laporan"), "{popup}");
    assert!(popup.contains("href=\"/incidents/"), "the popup links to the report: {popup}");

    tokio::time::sleep(Duration::from_millis(300)).await;
    chromium.close().await;
    collect.abort();
    let problems = problems.lock().unwrap().clone();
    assert!(problems.is_empty(), "{problems:#?}");
}

sinergi_store::backend_tests!(
    the_list_filters_by_every_field_and_pages,
    the_report_page_moves_and_comments,
    the_queue_and_the_escalation_panel,
    exports_hold_exactly_the_matching_reports,
);
