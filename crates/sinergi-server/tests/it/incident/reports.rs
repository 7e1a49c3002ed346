//! The incident desk through the API, on SQLite and on PostgreSQL: filing reports (by TPS, village or
//! coordinates; once per idempotency key), every bad-input path named, reading within territory and clearance,
//! the workflow with its rules, comments.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::trust::auth::Role;
use sinergi_store::testing::TestDb;

use crate::helpers::{OPS, OPS_SABAK, PENGAMAT, TestApp, code, send, test_event};

async fn setup(db: &TestDb) -> TestApp {
    TestApp::small(db, &[OPS, OPS_SABAK, PENGAMAT]).await
}

fn fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map_or(Vec::new(), |f| f.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
}

async fn reports_are_filed_placed_and_replayed_once(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let url = format!("{base}/api/v1/reports?lang=en");

    let (status, filed) = send(ops.post(&url).json(&json!({
        "category": "bentrok", "village_code": "15.07.01.2001", "occurred_at": "2024-11-27 09:30",
        "description": "Massa dua paslon saling dorong di TPS 01 <b>", "idempotency_key": "a1b2-c3"})))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let report = &filed["report"];
    assert_eq!((report["reference"].as_str(), report["status"].as_str()), (Some("LK-000001"), Some("reported")));
    assert_eq!(
        (report["severity"].as_u64(), report["category_label"].as_str()),
        (Some(3), Some("Clash between supporters"))
    );
    assert_eq!((report["source_agency"].as_str(), report["channel"].as_str()), (Some("polri"), Some("web")));
    assert_eq!(report["occurred_at_ms"], 1_732_674_600_000_i64);

    // The same key again (an offline queue, a retry): the first report, 200, nothing new.
    let (status, again) = send(ops.post(&url).json(&json!({
        "category": "bentrok", "village_code": "15.07.01.2001", "description": "dikirim ulang", "idempotency_key": "a1b2-c3"}))).await;
    assert_eq!(
        (status, again["replayed"].as_bool(), again["report"]["id"].as_i64()),
        (StatusCode::OK, Some(true), Some(1))
    );

    // Coordinates inside Desa Satu's boundary are placed there; an intelligence report is restricted by default.
    let (status, placed) = send(ops.post(&url).json(&json!({
        "kind": "intelligence", "category": "politik uang", "location": {"lat": -1.05, "lng": 103.85},
        "severity": "tinggi", "description": "Info: pembagian sembako malam ini"})))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "category ids, not words: {placed}");
    let (status, placed) = send(ops.post(&url).json(&json!({
        "kind": "intelligence", "category": "politik_uang", "location": {"lat": -1.05, "lng": 103.85},
        "severity": "tinggi", "description": "Info: pembagian sembako malam ini"})))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    let report = &placed["report"];
    assert_eq!(
        (report["village_code"].as_str(), report["classification"].as_str()),
        (Some("15.07.01.2001"), Some("terbatas"))
    );
    // Ids may skip a number (a replay takes one from the sequence); the reference follows the id.
    let secret = report["id"].as_i64().unwrap();
    assert_eq!(
        (report["reference"].as_str(), report["severity"].as_u64()),
        (Some(format!("LI-{secret:06}").as_str()), Some(3))
    );

    // By TPS: its village and location.
    let tps: Vec<i64> = db
        .store
        .all_tps(&sinergi_domain::access::Viewer::system("t"), &code("15.07.02"))
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let (status, by_tps) = send(
        ops.post(&url)
            .json(&json!({"category": "listrik_padam", "tps_id": tps[0], "description": "Listrik padam sejak 10.00"})),
    )
    .await;
    assert_eq!((status, by_tps["report"]["village_code"].as_str()), (StatusCode::CREATED, Some("15.07.02.1001")));

    // Bad input: every fault named, nothing filed.
    let (status, body) = send(ops.post(&url).json(&json!({
        "kind": "rumor", "category": "banjir_bandang", "severity": 9, "occurred_at": "2099-01-01",
        "village_code": "15.07.01", "description": " ", "classification": "sangat rahasia", "channel": "sms",
        "idempotency_key": "bad key!"})))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        fields(&body),
        [
            "kind",
            "category",
            "severity",
            "occurred_at",
            "description",
            "classification",
            "channel",
            "idempotency_key",
            "village_code"
        ]
    );
    for (place, field) in [
        (json!({"location": {"lat": 40.7, "lng": -74.0}}), "location"),
        (json!({"location": {"lat": -3.0, "lng": 110.0}}), "location"),
        (json!({}), "place"),
        (json!({"tps_id": 999999}), "tps_id"),
        (json!({"village_code": "15.07.09.2001"}), "village_code"),
    ] {
        let mut body = json!({"category": "bentrok", "description": "Keributan"});
        body.as_object_mut().unwrap().extend(place.as_object().unwrap().clone());
        let (status, answer) = send(ops.post(&url).json(&body)).await;
        assert_eq!(
            (status, fields(&answer)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_owned()]),
            "{body}: {answer}"
        );
    }
    let (_, body) =
        send(ops.post(&url).json(&json!({"category": "bentrok", "tps_id": 999999, "description": "Keributan"}))).await;
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("no TPS with id 999999"), "{body}");
    // A date in the future is named as such, not as "not a date"; text with a control character is refused.
    let (_, body) = send(ops.post(&url).json(&json!({"category": "bentrok", "village_code": "15.07.01.2001",
        "description": "Keributan", "occurred_at": "2099-01-01 10:00"})))
    .await;
    assert_eq!(fields(&body), ["occurred_at"]);
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("lies in the future"), "{body}");
    let (_, body) = send(ops.post(&url).json(&json!({"category": "bentrok", "village_code": "15.07.01.2001",
        "description": "Keributan\u{0}", "source_person": "Bripka\nSabar"})))
    .await;
    assert_eq!(fields(&body), ["description", "source_person"], "{body}");
    // An operator (clearance terbatas) cannot file what they could not read back.
    let too_secret = json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "x y z", "classification": "rahasia"});
    let (status, body) = send(ops.post(&url).json(&too_secret)).await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["classification".to_owned()]));
    assert!(body["fields"][0]["message"].as_str().unwrap().ends_with("choose one of: biasa, terbatas"), "{body}");
    // A district operator cannot file for another district.
    let sabak = app.signed_in("ops.sabak").await;
    let (status, body) = send(
        sabak.post(&url).json(&json!({"category": "bentrok", "village_code": "15.07.02.1001", "description": "x y z"})),
    )
    .await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["village_code".to_owned()]));
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("outside your territory"), "{body}");
    // Observers read but do not file.
    let observer = app.signed_in("pengamat").await;
    let (status, _) = send(
        observer.post(&url).json(&json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Lists: territory and clearance.
    let (_, all) = send(ops.get(format!("{base}/api/v1/reports"))).await;
    assert_eq!(all["total"], 3);
    let (_, seen) = send(observer.get(format!("{base}/api/v1/reports"))).await;
    assert_eq!(seen["total"], 2, "the observer's clearance is biasa: {seen}");
    let (_, district) = send(sabak.get(format!("{base}/api/v1/reports"))).await;
    let ids: Vec<i64> = district["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [secret, 1], "newest event first, only 15.07.01");
    let (_, filtered) = send(ops.get(format!("{base}/api/v1/reports?category=listrik_padam&from=2020-01-01"))).await;
    assert_eq!(filtered["total"], 1);
    let (status, _) = send(ops.get(format!("{base}/api/v1/reports?severity=9"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = send(observer.get(format!("{base}/api/v1/reports/{secret}"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("report_not_found")));
    // Reading a restricted report is audited.
    let (status, _) = send(ops.get(format!("{base}/api/v1/reports/{secret}"))).await;
    assert_eq!(status, StatusCode::OK);
    let audited = db.store.audit_entries(0, 100).await.unwrap();
    let target = format!("report:{secret}");
    assert!(audited.iter().any(|e| e.event.action == "report.read" && e.event.target == target), "{audited:?}");
    let (status, _) = send(ops.get(format!("{base}/api/v1/reports/1"))).await;
    assert_eq!(status, StatusCode::OK);
    let reads =
        db.store.audit_entries(0, 100).await.unwrap().iter().filter(|e| e.event.action == "report.read").count();
    assert_eq!(reads, 1, "reading a biasa report is not audited");
    let (_, categories) = send(ops.get(format!("{base}/api/v1/report-categories"))).await;
    assert_eq!(categories["categories"].as_array().unwrap().len(), 16);
    assert_eq!(categories["limits"]["4"], json!([15, 30]));
}

async fn the_workflow_through_the_api(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let sabak = app.signed_in("ops.sabak").await;
    let (_, filed) = send(ops.post(format!("{base}/api/v1/reports")).json(&json!({
        "category": "bentrok", "village_code": "15.07.01.2001", "description": "Bentrok di depan balai desa"})))
    .await;
    let id = filed["report"]["id"].as_i64().unwrap();
    let moves = format!("{base}/api/v1/reports/{id}/moves?lang=en");
    let step = |who: &reqwest::Client, body: Value| send(who.post(&moves).json(&body));

    // Routed by the taxonomy: a clash to the district's Polsek, with the Polres informed.
    let (_, detail) = send(ops.get(format!("{base}/api/v1/reports/{id}"))).await;
    let routes: Vec<(&str, &str)> = detail["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["unit_code"].as_str().unwrap(), r["role"].as_str().unwrap()))
        .collect();
    assert_eq!(routes, [("polsek-15.07.01", "responsible"), ("polres-15.07", "informed")]);
    let (_, queue) = send(sabak.get(format!("{base}/api/v1/reports/queue"))).await;
    assert_eq!(
        (queue["agency"].as_str(), queue["by_status"]["reported"].as_u64()),
        (Some("polri"), Some(1)),
        "{queue}"
    );
    let (_, queue) = send(sabak.get(format!("{base}/api/v1/reports/queue?agency=pln"))).await;
    assert_eq!(queue["by_status"], json!({}));
    let (_, mine) = send(sabak.get(format!("{base}/api/v1/reports?routed_to=polri"))).await;
    assert_eq!(mine["total"], 1);
    let (status, _) = send(sabak.get(format!("{base}/api/v1/reports?routed_to=ormas"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = step(&ops, json!({"action": "verify"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("own_report")), "{body}");
    let (status, body) = step(&sabak, json!({"action": "reject", "reason": "Foto lama"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required")), "no kind");
    let (status, body) = step(&sabak, json!({"action": "terbang"})).await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["action".to_owned()]));
    let (status, body) = step(&sabak, json!({"action": "verify"})).await;
    assert_eq!((status, body["report"]["status"].as_str()), (StatusCode::OK, Some("verified")), "{body}");
    assert_eq!(body["moves"], json!(["assign", "start"]));
    // Assigning names the unit to act: one of the assigning agency's units over the report's village.
    let units: Vec<&str> =
        body["assignable_units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(units, ["polsek-15.07.01", "polres-15.07"], "the narrowest first, Polri's only");
    let (status, body) = step(&sabak, json!({"action": "verify"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("transition_not_allowed")));
    assert!(body["message"].as_str().unwrap().contains("not possible from the status verified"), "{body}");
    let (status, body) = step(&ops, json!({"action": "assign"})).await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["unit".to_owned()]));
    let (status, body) = step(&ops, json!({"action": "assign", "unit": "ppk-15.07.01"})).await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["unit".to_owned()]), "KPU's unit");
    for action in ["assign", "start", "resolve", "close"] {
        let (status, body) = step(&ops, json!({"action": action, "unit": "polsek-15.07.01"})).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        if action == "start" {
            let (_, queue) = send(sabak.get(format!("{base}/api/v1/reports/queue"))).await;
            assert_eq!((queue["in_handling"].as_u64(), queue["assigned"].as_u64()), (Some(1), Some(0)), "{queue}");
        }
    }
    let (status, body) = step(&ops, json!({"action": "reopen"})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required")));
    let (status, body) = step(&ops, json!({"action": "reopen", "reason": "Massa berkumpul lagi"})).await;
    assert_eq!((status, body["report"]["status"].as_str()), (StatusCode::OK, Some("in_handling")));
    let history: Vec<(&str, &str)> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["to_status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [
            ("create", "reported"),
            ("verify", "verified"),
            ("assign", "assigned"),
            ("start", "in_handling"),
            ("resolve", "resolved"),
            ("close", "closed"),
            ("reopen", "in_handling")
        ]
    );
    assert_eq!(body["history"][6]["reason"], "Massa berkumpul lagi");
    assert_eq!(
        (body["history"][2]["assigned_unit"].as_str(), body["history"][2]["assigned_unit_name"].as_str()),
        (Some("polsek-15.07.01"), Some("Polsek 15.07.01"))
    );
    assert!(body["history"][3]["assigned_unit"].is_null(), "only the assignment names a unit");
    assert!(body["history"][1]["actor"].as_str().unwrap().contains("ops.sabak"), "{body}");

    // Comments: those who file or handle; observers read the thread.
    let comments = format!("{base}/api/v1/reports/{id}/comments");
    let (status, c) = send(sabak.post(&comments).json(&json!({"body": "Dua regu Sabhara dikirim"}))).await;
    assert_eq!((status, c["agency"].as_str()), (StatusCode::CREATED, Some("polri")));
    let (status, body) = send(sabak.post(&comments).json(&json!({"body": "  "}))).await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body".to_owned()]));
    let observer = app.signed_in("pengamat").await;
    let (status, _) = send(observer.post(&comments).json(&json!({"body": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, detail) = send(observer.get(format!("{base}/api/v1/reports/{id}"))).await;
    assert_eq!(
        (detail["comments"][0]["body"].as_str(), detail["moves"].clone()),
        (Some("Dua regu Sabhara dikirim"), json!([]))
    );
}

async fn messages_from_a_gateway_are_filed_as_their_sender(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let reporter = app.add_user("pelapor", Role::FieldReporter, "pps-15.07.01.2001", false).await;
    let gateway = app.add_user("gerbang.sms", Role::Operator, "polres-15.07", false).await;
    let event = test_event();
    assert!(db.store.set_phone("pelapor", Some("+6281234567890"), &event).await.unwrap());
    assert!(matches!(
        db.store.set_phone("ops", Some("+6281234567890"), &event).await,
        Err(sinergi_store::StoreError::Conflict(_))
    ));
    assert_eq!(db.store.user_by_phone("+6281234567890").await.unwrap().map(|u| u.id), Some(reporter.id));
    let request = sinergi_server::trust::tokens::TokenRequest {
        name: "gateway".into(),
        region: None,
        read_only: false,
        days: 30,
    };
    let (secret, _) = sinergi_server::trust::tokens::issue(
        &*db.store,
        &gateway,
        &request,
        sinergi_server::trust::auth::now_ms(),
        "t",
        "t",
    )
    .await
    .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap());
    let client = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let url = format!("{base}/api/v1/intake/messages");
    let message = |sender: &str, text: &str, id: &str| json!({"sender": sender, "text": text, "message_id": id});

    let (status, reply) =
        send(client.post(&url).json(&message("0812-3456-7890", "lapor RICUH tps 1  massa saling lempar batu", "gw-1")))
            .await;
    assert_eq!((status, reply["accepted"].as_bool()), (StatusCode::OK, Some(true)), "{reply}");
    let reference = reply["reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("LK-"));
    assert_eq!(reply["reply"], format!("Laporan diterima. Nomor: {reference}. Terima kasih."));
    let id = reply["report_id"].as_i64().unwrap();
    let record = db
        .store
        .report(&sinergi_domain::access::Viewer::system("t"), sinergi_domain::incident::ReportId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((record.reporter_account, record.channel.as_str()), (Some(reporter.id), "sms"));
    assert_eq!((record.village_code.as_str(), record.category.as_str()), ("15.07.01.2001", "bentrok"));
    assert!(record.tps_id.is_some() && record.description == "massa saling lempar batu", "{record:?}");

    // The gateway retries: the same report.
    let (_, again) = send(client.post(&url).json(&message(
        "+62 812 3456 7890",
        "lapor RICUH tps 1  massa saling lempar batu",
        "gw-1",
    )))
    .await;
    assert_eq!(again["report_id"].as_i64(), Some(id));

    // Refusals carry the reply to send back; nothing is filed.
    for (sender, text, code) in [
        ("0899-0000-0000", "LAPOR bentrok massa berkumpul", "unknown_sender"),
        ("081234567890", "HALO pak", "unknown_keyword"),
        ("081234567890", "LAPOR banjir_bandang air naik", "unknown_category"),
        ("081234567890", "LAPOR bentrok TPS 9 massa berkumpul", "unknown_tps"),
        ("081234567890", "LAPOR bentrok DESA 15.07.02.1001 massa berkumpul", "village_outside"),
        // What POST /reports refuses (422), the SMS intake refuses too, with a reply.
        ("081234567890", "LAPOR bentrok massa\u{0} berkumpul", "control_character"),
        ("081234567890", "LAPOR bentrok massa \u{1b}[31m berkumpul", "control_character"),
    ] {
        let (status, reply) = send(client.post(&url).json(&message(sender, text, "gw-x"))).await;
        assert_eq!(
            (status, reply["accepted"].as_bool(), reply["code"].as_str()),
            (StatusCode::OK, Some(false), Some(code)),
            "{text}: {reply}"
        );
        assert!(!reply["reply"].as_str().unwrap().is_empty());
    }
    // A well-formed village outside the sender's territory is named as outside, not as malformed.
    let (_, reply) = send(client.post(format!("{url}?lang=en")).json(&message(
        "081234567890",
        "LAPOR bentrok DESA 15.07.02.1001 ricuh",
        "gw-y",
    )))
    .await;
    assert_eq!(
        reply["reply"],
        "Village \"15.07.02.1001\" is outside your territory: report a village of your territory, or leave DESA out \
         for your own village."
    );
    let (status, body) = send(client.post(&url).json(&message("081234567890", "LAPOR bentrok ricuh", "bad id!"))).await;
    assert_eq!((status, fields(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["message_id".to_owned()]));
    let (_, all) = send(client.get(format!("{base}/api/v1/reports"))).await;
    assert_eq!(all["total"], 1);

    // An intelligence report by SMS is restricted (terbatas), above a field reporter's clearance: its sender
    // still reads it (their own), a colleague without the clearance does not.
    let (_, reply) =
        send(client.post(&url).json(&message("081234567890", "INFO politik_uang amplop dibagikan", "gw-4"))).await;
    assert_eq!(reply["accepted"], true, "{reply}");
    let own = format!("{base}/api/v1/reports/{}", reply["report_id"]);
    let (status, detail) = send(app.signed_in("pelapor").await.get(&own)).await;
    assert_eq!((status, detail["report"]["classification"].as_str()), (StatusCode::OK, Some("terbatas")), "{detail}");
    app.add_user("pelapor.lain", Role::FieldReporter, "pps-15.07.01.2001", false).await;
    assert_eq!(send(app.signed_in("pelapor.lain").await.get(&own)).await.0, StatusCode::NOT_FOUND);

    // A browser session may not use the webhook; a bad token is a 401.
    let ops = app.signed_in("ops").await;
    let (status, _) = send(ops.post(&url).json(&message("081234567890", "LAPOR bentrok ricuh sekali", "gw-2"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let stranger = reqwest::Client::new();
    let (status, body) = send(stranger.post(&url).bearer_auth("sinergi_abc_def").json(&message(
        "081234567890",
        "LAPOR bentrok ricuh",
        "gw-3",
    )))
    .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")), "{body}");
}

async fn overdue_reports_are_escalated_up_the_chain(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let polda = sinergi_domain::Unit {
        code: "polda-15".into(),
        kind: sinergi_domain::UnitKind::Polda,
        name: "Polda Jambi".into(),
        territory: code("15"),
        parent: None,
        contact: Default::default(),
        personnel: 1000,
    };
    db.store.upsert_units(&[polda]).await.unwrap();
    let now = sinergi_server::trust::auth::now_ms();
    let minute = 60_000;
    let filed = |severity, minutes_ago: i64, description: &str| sinergi_store::NewReport {
        kind: sinergi_domain::incident::ReportKind::Incident,
        category: "bentrok".into(),
        severity,
        occurred_at_ms: now - minutes_ago * minute,
        reported_at_ms: now - minutes_ago * minute,
        village: code("15.07.01.2001"),
        tps_id: None,
        location: None,
        description: description.into(),
        source_agency: sinergi_domain::AgencyKind::Polri,
        source_person: "Bhabinkamtibmas".into(),
        reporter_account: None,
        channel: sinergi_domain::incident::Channel::Sms,
        classification: sinergi_domain::trust::auth::Classification::Biasa,
        idempotency_key: None,
        routes: vec![sinergi_domain::incident::routing::Routed {
            unit_code: "polsek-15.07.01".into(),
            agency: sinergi_domain::AgencyKind::Polri,
            role: sinergi_domain::incident::routing::RouteRole::Responsible,
        }],
    };
    use sinergi_domain::incident::Severity::*;
    // Critical: 15 minutes to verify. 20 minutes: one step up; 40 minutes: two. Low: 8 hours, not yet.
    let ids: Vec<i64> = db
        .store
        .file_reports(&[filed(Critical, 20, "satu"), filed(Critical, 40, "dua"), filed(Low, 20, "tiga")])
        .await
        .unwrap()
        .iter()
        .map(|f| f.id().0)
        .collect();
    let ops = app.signed_in("ops").await;
    let (status, panel) = send(ops.get(format!("{base}/api/v1/reports/escalations"))).await;
    assert_eq!(status, StatusCode::OK, "{panel}");
    let rows: Vec<(i64, u64, Vec<&str>)> = panel
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let units =
                e["escalated_to"].as_array().unwrap().iter().map(|u| u["unit_code"].as_str().unwrap()).collect();
            (e["report"]["id"].as_i64().unwrap(), e["report"]["overdue"]["steps"].as_u64().unwrap(), units)
        })
        .collect();
    assert_eq!(rows, [(ids[1], 2, vec!["polres-15.07", "polda-15"]), (ids[0], 1, vec!["polres-15.07"])]);
    assert_eq!(panel[0]["report"]["overdue"]["stage"], "verify");
    // The flag is on the report wherever it is shown.
    let (_, detail) = send(ops.get(format!("{base}/api/v1/reports/{}", ids[0]))).await;
    assert_eq!(detail["report"]["overdue"]["steps"], 1);
    let (_, calm) = send(ops.get(format!("{base}/api/v1/reports/{}", ids[2]))).await;
    assert_eq!(calm["report"]["overdue"], Value::Null);
    // Verified now: the action limit (30 minutes for critical) starts afresh; the panel empties of it.
    let sabak = app.signed_in("ops.sabak").await;
    let (status, _) =
        send(sabak.post(format!("{base}/api/v1/reports/{}/moves", ids[0])).json(&json!({"action": "verify"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, panel) = send(ops.get(format!("{base}/api/v1/reports/escalations"))).await;
    assert_eq!(panel.as_array().unwrap().len(), 1);
}

sinergi_store::backend_tests!(
    reports_are_filed_placed_and_replayed_once,
    the_workflow_through_the_api,
    messages_from_a_gateway_are_filed_as_their_sender,
    overdue_reports_are_escalated_up_the_chain,
);
