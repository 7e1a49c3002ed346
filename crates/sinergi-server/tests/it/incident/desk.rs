//! The incident desk's shared picture through the API, on SQLite and on PostgreSQL: the live feed from a second
//! instance on the same database (resumed with `Last-Event-ID`, filtered per user), sharing and revoking, probable
//! duplicates for the verifier, and the escalation sweep's entries in the history.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::trust::auth::Role;
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

use crate::helpers::{OPS, OPS_SABAK, TestApp, code, csrf, get_html, seed_small, send};

async fn setup(db: &TestDb) -> TestApp {
    TestApp::small(db, &[OPS, OPS_SABAK, ("kpu.ops", Role::Operator, "ppk-15.07.01")]).await
}

/// One server-sent event: its id, its name and its data as JSON.
#[derive(Debug)]
struct SseEvent {
    id: i64,
    name: String,
    data: Value,
}

/// An open live feed, read as a client would.
struct Feed {
    response: reqwest::Response,
    buffer: String,
}

impl Feed {
    async fn open(client: &reqwest::Client, base: &str, last_event_id: Option<i64>) -> Feed {
        let mut request = client.get(format!("{base}/api/v1/reports/feed"));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/event-stream"), "{content_type}");
        Feed { response, buffer: String::new() }
    }

    /// The next event, or `None` when none comes within `wait` (keep-alive comments are skipped).
    async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut name, mut data) = (None, String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(id) = id {
                    return Some(SseEvent { id, name, data: serde_json::from_str(&data).unwrap() });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?.unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

/// Generous for a noisy two-core machine; the latency itself is measured in docs/benchmarks.md.
const ARRIVES: Duration = Duration::from_secs(5);

async fn file(client: &reqwest::Client, base: &str, body: Value) -> Value {
    let (status, filed) = send(client.post(format!("{base}/api/v1/reports?lang=en")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    filed["report"].clone()
}

async fn the_feed_reaches_a_second_instance_and_resumes_exactly(db: &TestDb) {
    let first_app = setup(db).await;
    // A second instance: its own connection pool on the same database, its own poller.
    let other_store = sinergi_store::connect(&db.url).await.unwrap();
    let second_app = TestApp::spawn(other_store, ServerConfig::default()).await;
    let (first, second) = (&first_app.base, &second_app.base);
    let ops = first_app.signed_in("ops").await;
    let sabak = second_app.signed_in("ops.sabak").await;
    let kpu = second_app.signed_in("kpu.ops").await;

    let mut watch = Feed::open(&sabak, second, None).await;
    let mut kpu_watch = Feed::open(&kpu, second, None).await;
    let ordinary = file(
        &ops,
        first,
        json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Saling dorong di TPS 01"}),
    )
    .await;
    let id = ordinary["id"].as_i64().unwrap();
    let filed = watch.next(ARRIVES).await.expect("the new report reaches the other instance");
    assert_eq!((filed.name.as_str(), filed.data["kind"].as_str()), ("report", Some("filed")));
    assert_eq!(filed.data["report"]["id"].as_i64(), Some(id));
    assert_eq!(filed.data["report"]["description"], "Saling dorong di TPS 01");
    assert_eq!(filed.data["seq"].as_i64(), Some(filed.id));
    assert_eq!(kpu_watch.next(ARRIVES).await.map(|e| e.id), Some(filed.id), "every agency sees ordinary reports");

    // A restricted report: its owner's agency sees that it changed, without its text; another agency nothing.
    let secret = file(
        &ops,
        first,
        json!({"kind": "intelligence", "category": "politik_uang", "village_code": "15.07.01.2001",
               "description": "Info: pembagian sembako malam ini"}),
    )
    .await;
    let event = watch.next(ARRIVES).await.unwrap();
    assert_eq!(event.data["report"]["id"], secret["id"]);
    assert_eq!(
        (event.data["redacted"].as_bool(), event.data["report"]["description"].as_str()),
        (Some(true), Some(""))
    );
    let moved = sabak
        .post(format!("{second}/api/v1/reports/{id}/moves"))
        .json(&json!({"action": "verify"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let verified = watch.next(ARRIVES).await.unwrap();
    assert_eq!(
        (verified.data["kind"].as_str(), verified.data["report"]["status"].as_str()),
        (Some("moved"), Some("verified"))
    );
    // The KPU officer saw the verification, and never the restricted report.
    let next = kpu_watch.next(ARRIVES).await.unwrap();
    assert_eq!((next.id, next.data["kind"].as_str()), (verified.id, Some("moved")));

    // Disconnected: what happens meanwhile comes after reconnecting with the last id, once and in order.
    drop(watch);
    let comment = ops
        .post(format!("{first}/api/v1/reports/{id}/comments"))
        .json(&json!({"body": "Personel tambahan dikirim"}))
        .send()
        .await
        .unwrap();
    assert_eq!(comment.status(), StatusCode::CREATED);
    let later = file(
        &ops,
        first,
        json!({"category": "listrik_padam", "village_code": "15.07.01.2002", "description": "Padam"}),
    )
    .await;
    let mut resumed = Feed::open(&sabak, second, Some(verified.id)).await;
    let a = resumed.next(ARRIVES).await.unwrap();
    let b = resumed.next(ARRIVES).await.unwrap();
    assert_eq!((a.data["kind"].as_str(), a.data["report"]["id"].as_i64()), (Some("commented"), Some(id)));
    assert_eq!((b.data["kind"].as_str(), b.data["report"]["id"].as_i64()), (Some("filed"), later["id"].as_i64()));
    assert!(verified.id < a.id && a.id < b.id);
    assert!(resumed.next(Duration::from_millis(800)).await.is_none(), "nothing repeated");
    // Also by query parameter (for clients that cannot set the header).
    let mut by_query = Feed {
        response: sabak.get(format!("{second}/api/v1/reports/feed?after={}", a.id)).send().await.unwrap(),
        buffer: String::new(),
    };
    assert_eq!(by_query.next(ARRIVES).await.map(|e| e.id), Some(b.id));

    // A Last-Event-ID that is not an id.
    let bad =
        sabak.get(format!("{second}/api/v1/reports/feed")).header("Last-Event-ID", "kemarin").send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["code"], "invalid_last_event_id");
    // Signed out: no feed.
    let anonymous = reqwest::Client::new().get(format!("{second}/api/v1/reports/feed")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn reports_are_shared_and_revoked_by_their_owner(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let kpu = app.signed_in("kpu.ops").await;
    let secret = file(
        &ops,
        base,
        json!({"kind": "intelligence", "category": "politik_uang", "village_code": "15.07.01.2001",
               "description": "Info: pembagian sembako malam ini"}),
    )
    .await;
    let id = secret["id"].as_i64().unwrap();
    let report_url = format!("{base}/api/v1/reports/{id}?lang=en");
    let shares = format!("{base}/api/v1/reports/{id}/shares?lang=en");
    assert_eq!(send(kpu.get(&report_url)).await.0, StatusCode::NOT_FOUND, "restricted: need to know");

    // Bad input, each fault named.
    let (status, body) = send(ops.post(&shares).json(&json!({"agency": "ormas", "reason": " "}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["agency", "reason"]);
    let (status, body) = send(ops.post(&shares).json(&json!({"agency": "polri", "reason": "x"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("share_own_agency")));

    let (status, body) =
        send(ops.post(&shares).json(&json!({"agency": "kpu", "reason": "Logistik di desa ini perlu dijaga"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["shares"][0]["agency"].as_str(), body["shares"][0]["active"].as_bool()),
        (Some("kpu"), Some(true))
    );
    let (status, body) = send(ops.post(&shares).json(&json!({"agency": "kpu", "reason": "lagi"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("already_shared")));

    // KPU reads it now, sees it in its queue, but cannot pass it on.
    let (status, detail) = send(kpu.get(&report_url)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["shares"][0]["reason"], "Logistik di desa ini perlu dijaga");
    let (_, queue) = send(kpu.get(format!("{base}/api/v1/reports?routed_to=kpu"))).await;
    assert_eq!(queue["total"], 1);
    let (status, body) = send(kpu.post(&shares).json(&json!({"agency": "bawaslu", "reason": "teruskan"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_owner")));
    assert!(body["message"].as_str().unwrap().contains("POLRI"), "{body}");
    // Nor does it handle Polri's report: no move offered, and a move refused with who moves it.
    assert_eq!(detail["moves"], json!([]), "{detail}");
    let (status, body) =
        send(kpu.post(format!("{base}/api/v1/reports/{id}/moves?lang=en")).json(&json!({"action": "verify"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_responsible")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("owning agency (POLRI)"), "{body}");
    // The owner, who filed it, may not verify its own report either: not offered, though other moves are.
    let (_, own) = send(ops.get(&report_url)).await;
    assert_eq!(own["moves"], json!([]), "the reporter is not offered verify or reject: {own}");

    // Revoked, with a reason: gone from KPU; revoking again is a conflict; the history keeps both.
    let revoke = format!("{base}/api/v1/reports/{id}/shares/kpu/revoke?lang=en");
    let (status, _) = send(ops.post(&revoke).json(&json!({"reason": ""}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = send(ops.post(&revoke).json(&json!({"reason": "Sudah ditangani Gakkumdu"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["shares"][0]["revoke_reason"], "Sudah ditangani Gakkumdu");
    assert_eq!(send(kpu.get(&report_url)).await.0, StatusCode::NOT_FOUND);
    let (status, body) = send(ops.post(&revoke).json(&json!({"reason": "lagi"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("not_shared")));
    let (_, detail) = send(ops.get(&report_url)).await;
    let actions: Vec<&str> =
        detail["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "share:kpu", "revoke:kpu"]);
}

/// An external agency (PLN) reads what is shared with it, restricted or not, and its queue; nothing else.
async fn an_external_agency_reads_what_is_shared_with_it(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let territory = code("15.07");
    let pln = sinergi_domain::Unit {
        code: sinergi_domain::Unit::conventional_code(sinergi_domain::UnitKind::PlnUp3, &territory),
        kind: sinergi_domain::UnitKind::PlnUp3,
        name: "PLN UP3 Jambi".into(),
        territory,
        parent: None,
        contact: Default::default(),
        personnel: 40,
    };
    let pln_code = pln.code.clone();
    db.store.upsert_units(&[pln]).await.unwrap();
    app.add_user("pln", Role::External, &pln_code, false).await;
    let ops = app.signed_in("ops").await;
    let pln = app.signed_in("pln").await;
    let gardu = file(
        &ops,
        base,
        json!({"kind": "intelligence", "category": "logistik", "village_code": "15.07.01.2001",
               "description": "Info: ancaman sabotase gardu listrik dekat gudang logistik"}),
    )
    .await;
    let other =
        file(&ops, base, json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Ricuh"})).await;
    let url = |id: &Value| format!("{base}/api/v1/reports/{id}");
    assert_eq!(send(pln.get(url(&gardu["id"]))).await.0, StatusCode::NOT_FOUND, "not shared yet");
    let shares = format!("{base}/api/v1/reports/{}/shares", gardu["id"]);
    let (status, body) = send(ops.post(&shares).json(&json!({"agency": "pln", "reason": "Gardu perlu dijaga"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Restricted, above PLN's clearance, but shared: PLN reads it, in its list, its queue and its export.
    let (status, detail) = send(pln.get(url(&gardu["id"]))).await;
    assert_eq!((status, detail["report"]["classification"].as_str()), (StatusCode::OK, Some("terbatas")), "{detail}");
    assert_eq!(send(pln.get(url(&other["id"]))).await.0, StatusCode::NOT_FOUND, "not PLN's to know");
    let (status, list) = send(pln.get(format!("{base}/api/v1/reports"))).await;
    assert_eq!((status, list["total"].as_u64()), (StatusCode::OK, Some(1)), "{list}");
    let (status, queue) = send(pln.get(format!("{base}/api/v1/reports/queue"))).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let (status, _) = send(pln.get(format!("{base}/api/v1/reports/export?format=geojson"))).await;
    assert_eq!(status, StatusCode::OK);
    // The early warning scan counts every report of the territory: not for another agency, nor linked for it.
    assert_eq!(send(pln.get(format!("{base}/api/v1/alerts"))).await.0, StatusCode::FORBIDDEN);
    let page = pln.get(format!("{base}/incidents")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("LI-") && !html.contains("id=\"nav-early-warning\""), "{html}");
}

/// One account cannot hold open more than eight feeds (the ninth is told to wait), and a resume from far behind is
/// told to reload instead of replaying everything.
async fn feeds_are_bounded_per_account_and_in_what_they_replay(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let mut open = Vec::new();
    for _ in 0..sinergi_server::incident::feed::FEEDS_PER_ACCOUNT {
        open.push(Feed::open(&ops, base, None).await);
    }
    let refused = ops.get(format!("{base}/api/v1/reports/feed")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "30");
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "too_many_feeds");
    // Another account of the same address is not affected; a closed feed frees its place at once.
    let sabak = app.signed_in("ops.sabak").await;
    let _theirs = Feed::open(&sabak, base, None).await;
    drop(open.pop());
    let mut reopened = None;
    for _ in 0..50 {
        let response = ops.get(format!("{base}/api/v1/reports/feed")).send().await.unwrap();
        if response.status() == StatusCode::OK {
            reopened = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed feed gives its place back");
    drop(open);
    drop(reopened);

    // More feed rows than a resume replays, then a resume from the start: one `reset` event, then live events.
    let village = sinergi_domain::RegionCode::parse("15.07.01.2001").unwrap();
    let reports: Vec<_> = (0..sinergi_server::incident::feed::MAX_REPLAY + 5)
        .map(|i| sinergi_store::testing::new_report(village.as_str(), "bentrok", 1_732_674_600_000 + i, None))
        .collect();
    for group in reports.chunks(500) {
        db.store.file_reports(group).await.unwrap();
    }
    let mut feed = None;
    for _ in 0..50 {
        let response = ops.get(format!("{base}/api/v1/reports/feed?after=0")).send().await.unwrap();
        if response.status() == StatusCode::OK {
            feed = Some(Feed { response, buffer: String::new() });
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut feed = feed.expect("a feed once the others closed");
    let first = feed.next(ARRIVES).await.expect("the reset event");
    assert_eq!(first.name, "reset");
    assert_eq!(first.data["reason"], "too_far_behind");
    let filed =
        file(&ops, base, json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Baru"})).await;
    let next = feed.next(ARRIVES).await.expect("the new report");
    assert_eq!((next.name.as_str(), &next.data["report"]["id"]), ("report", &filed["id"]));
}

/// Reports filed just before a server stopped, before the duplicate search looked at them, are searched when the
/// desk starts again: nothing about them is kept only in memory.
async fn what_a_stop_left_unsearched_is_searched_at_the_start(db: &TestDb) {
    use sinergi_domain::LatLng;
    use sinergi_domain::incident::Taxonomy;
    use sinergi_store::testing::new_report;
    seed_small(&*db.store).await;
    let clash = |at_ms: i64, lng: f64| new_report("15.07.01.2001", "bentrok", at_ms, Some(LatLng::new(-1.05, lng)));
    // Filed by the store alone, as a writer that stopped before its search came round would leave them.
    let filed = db.store.file_reports(&[clash(0, 103.85), clash(60_000, 103.853)]).await.unwrap();
    let (first, second) = (filed[0].id(), filed[1].id());
    assert_eq!(
        db.store.unplaced_reports(sinergi_domain::incident::ReportId(0), 10).await.unwrap(),
        vec![first, second]
    );

    let desk = sinergi_server::incident::desk::Desk::new(Taxonomy::shipped());
    desk.start(&db.store);
    let mut links = Vec::new();
    for _ in 0..50 {
        links = db.store.report_duplicates(second).await.unwrap();
        if !links.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(links.iter().map(|l| (l.report_id, l.other_id)).collect::<Vec<_>>(), vec![(second, first)]);
    assert!(db.store.unplaced_reports(sinergi_domain::incident::ReportId(0), 10).await.unwrap().is_empty());
}

async fn probable_duplicates_wait_for_the_verifier(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let sabak = app.signed_in("ops.sabak").await;
    let clash = |description: &str, lng: f64| json!({"category": "bentrok", "location": {"lat": -1.05, "lng": lng}, "description": description});
    let first = file(&ops, base, clash("Bentrok di TPS 01", 103.85)).await;
    let second = file(&ops, base, clash("Keributan dekat balai desa", 103.853)).await;
    let far = file(&ops, base, clash("Bentrok di ujung desa", 103.88)).await;
    let (id1, id2, id3) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap(), far["id"].as_i64().unwrap());

    // Linked just after filing (the writer does it once the reports are acknowledged).
    let detail_url = format!("{base}/api/v1/reports/{id2}?lang=en");
    let mut detail = Value::Null;
    for _ in 0..50 {
        detail = send(sabak.get(&detail_url)).await.1;
        if !detail["duplicates"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let duplicates = detail["duplicates"].as_array().unwrap();
    assert_eq!(duplicates.len(), 1, "{detail}");
    let d = &duplicates[0];
    assert_eq!(
        (d["other_id"].as_i64(), d["other_is_earlier"].as_bool(), d["status"].as_str()),
        (Some(id1), Some(true), Some("probable"))
    );
    assert!((d["distance_m"].as_f64().unwrap() - 333.6).abs() < 1.0, "{d}");
    let (_, far_detail) = send(sabak.get(format!("{base}/api/v1/reports/{id3}"))).await;
    assert_eq!(far_detail["duplicates"], json!([]), "3 km away");

    let decide = |a: i64, b: i64| format!("{base}/api/v1/reports/{a}/duplicates/{b}?lang=en");
    let (status, body) = send(sabak.post(decide(id1, id2)).json(&json!({"decision": "maybe"}))).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("decision")));
    // The reporter of the copy may not reject it.
    let (status, body) = send(ops.post(decide(id1, id2)).json(&json!({"decision": "confirm"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("own_report")));
    let (status, body) = send(sabak.post(decide(id1, id2)).json(&json!({"decision": "confirm"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["duplicates"][0]["status"], "confirmed");
    let (_, copy) = send(sabak.get(&detail_url)).await;
    assert_eq!(copy["report"]["status"], "rejected");
    let last = copy["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["reject_reason"].as_str(), last["reason"].as_str()),
        (Some("duplicate"), Some("Duplicate of LK-000001"))
    );
    let (status, body) = send(sabak.post(decide(id2, id1)).json(&json!({"decision": "dismiss"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("duplicate_decided")));
    let (status, body) = send(sabak.post(decide(id1, id3)).json(&json!({"decision": "dismiss"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("duplicate_not_found")));
}

async fn the_sweep_writes_escalations_into_the_history(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let report = file(
        &ops,
        base,
        json!({"category": "bentrok", "severity": 4, "village_code": "15.07.01.2001", "description": "Bentrok besar"}),
    )
    .await;
    let id = report["id"].as_i64().unwrap();
    let filed_at = report["reported_at_ms"].as_i64().unwrap();
    let taxonomy = sinergi_domain::incident::Taxonomy::shipped();
    let sweep = |minutes: i64| {
        let store = db.store.clone();
        let taxonomy = taxonomy.clone();
        async move {
            sinergi_server::incident::desk::sweep_escalations(&store, &taxonomy, filed_at + minutes * 60_000)
                .await
                .unwrap()
        }
    };
    assert_eq!(sweep(10).await, 0, "within the limit");
    assert_eq!(sweep(16).await, 1, "a critical report unverified after 15 minutes goes up one step");
    assert_eq!(sweep(20).await, 0, "recorded once");
    assert_eq!(sweep(31).await, 1, "and a second step once the limit has passed twice over");
    let (_, detail) = send(ops.get(format!("{base}/api/v1/reports/{id}"))).await;
    let escalations: Vec<&Value> =
        detail["history"].as_array().unwrap().iter().filter(|h| h["action"] == "escalate_verify").collect();
    assert_eq!(escalations.len(), 2, "{detail}");
    // Polsek → Polres; there is no Polda in this database, so the second step names nobody.
    assert_eq!(escalations[0]["reason"], "Polres 15.07");
    assert_eq!(
        (escalations[0]["actor"].as_str(), escalations[0]["to_status"].as_str()),
        (Some("sinergi"), Some("reported"))
    );
}

async fn the_report_page_shares_and_decides_duplicates(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let sabak = app.signed_in("ops.sabak").await;
    let kpu = app.signed_in("kpu.ops").await;
    let clash = json!({"category": "bentrok", "location": {"lat": -1.05, "lng": 103.85}, "description": "Bentrok"});
    let first = file(&ops, base, clash.clone()).await["id"].as_i64().unwrap();
    let second = file(&ops, base, clash).await["id"].as_i64().unwrap();
    let url = format!("{base}/incidents/{second}?lang=en");

    // The owner's agency gets the share form; the live-feed banner waits for changes.
    let (status, html) = get_html(&ops, url.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"share-form\"") && html.contains("id=\"live-feed\""), "{html}");
    assert!(!html.contains("<option value=\"polri\""), "not with its own agency");
    let (_, html) = get_html(&kpu, url.clone()).await;
    assert!(!html.contains("id=\"share-form\""));
    assert!(html.contains("owning agency may share it."), "{html}");

    // A share without a reason is refused on the page, as typed; with one it is listed and in the history.
    let token = csrf(&ops, base).await;
    let share = format!("{base}/incidents/{second}/share?lang=en");
    let response =
        ops.post(&share).form(&[("csrf", token.as_str()), ("agency", "kpu"), ("reason", " ")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"share-error\""), "{html}");
    let response = ops
        .post(&share)
        .form(&[("csrf", token.as_str()), ("agency", "kpu"), ("reason", "Pengamanan logistik")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&ops, url.clone()).await;
    assert!(html.contains("data-agency=\"kpu\"") && html.contains("Pengamanan logistik"), "{html}");
    assert!(html.contains("shared with"), "the history names the share");
    // Without the form's CSRF field: refused.
    let response = ops.post(&share).form(&[("agency", "bawaslu"), ("reason", "x")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Revoked from the page.
    let response = ops
        .post(&share)
        .form(&[("csrf", token.as_str()), ("revoke", "kpu"), ("reason", "Selesai")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&ops, url.clone()).await;
    assert!(html.contains("revoked") && html.contains("Selesai"), "{html}");

    // The duplicate, once linked, is confirmed from the copy's page by another officer: the copy is rejected.
    let mut html = String::new();
    for _ in 0..50 {
        html = get_html(&sabak, url.clone()).await.1;
        if html.contains("id=\"duplicate-list\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(html.contains(&format!("data-other=\"{first}\"")), "{html}");
    let token = csrf(&sabak, base).await;
    let other = first.to_string();
    let response = sabak
        .post(format!("{base}/incidents/{second}/duplicate?lang=en"))
        .form(&[("csrf", token.as_str()), ("other", other.as_str()), ("decision", "confirm")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, detail) = send(sabak.get(format!("{base}/api/v1/reports/{second}"))).await;
    assert_eq!(
        (detail["report"]["status"].as_str(), detail["duplicates"][0]["status"].as_str()),
        (Some("rejected"), Some("confirmed"))
    );
    // Deciding again is refused on the page.
    let response = sabak
        .post(format!("{base}/incidents/{second}/duplicate?lang=en"))
        .form(&[("csrf", token.as_str()), ("other", other.as_str()), ("decision", "dismiss")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("id=\"duplicate-error\""));
}

sinergi_store::backend_tests!(
    the_report_page_shares_and_decides_duplicates,
    the_feed_reaches_a_second_instance_and_resumes_exactly,
    an_external_agency_reads_what_is_shared_with_it,
    feeds_are_bounded_per_account_and_in_what_they_replay,
    reports_are_shared_and_revoked_by_their_owner,
    probable_duplicates_wait_for_the_verifier,
    what_a_stop_left_unsearched_is_searched_at_the_start,
    the_sweep_writes_escalations_into_the_history,
);
