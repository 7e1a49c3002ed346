//! The early warning scan on the live reports through the API, on SQLite and on PostgreSQL: a clear cluster of
//! verified reports in three neighbouring villages raises one alert (its villages, counts, relative risk, p-value,
//! explanation and routes), a second run refreshes it, a run after its reports are rejected ends it; too few
//! reports and bad parameters say so; users outside the territory see nothing; and the schedule of two instances
//! on one database runs each regency's slot once.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::incident::Status;
use sinergi_server::early_warning::{EarlyWarningConfig, scheduled_round};
use sinergi_store::testing::TestDb;

use super::fixture::*;
use crate::helpers::send;

/// "3,5" in Indonesian, one decimal.
fn decimal_id(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

async fn a_cluster_raises_one_alert_refreshed_then_gone(db: &TestDb) {
    let (app, villages) = setup(db).await;
    let base = &app.base;
    let now = sinergi_server::trust::auth::now_ms();
    let cluster_ids = file_reports(&*db.store, &villages, now).await;
    let ops = app.signed_in("ops").await;

    let (status, answer) = send(ops.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.07"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let run = &answer["run"];
    assert_eq!((run["status"].as_str(), run["trigger"].as_str()), (Some("done"), Some("demand")));
    assert_eq!(run["requested_by"], "ops");
    assert_eq!(run["cases_used"].as_u64(), Some(12 * 12 + 30));
    assert_eq!(run["params"]["replications"].as_u64(), Some(999));
    assert_eq!(run["params"]["days"].as_u64(), Some(90));
    assert_eq!(run["params"]["counted"], "verified");
    assert!(run["params"]["seed"].is_u64());
    assert_eq!(run["result"]["zones"].as_u64(), Some(12));
    let alerts = answer["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "one significant cluster: {answer}");
    assert_eq!(alerts[0]["new"], true);
    let id = alerts[0]["id"].as_i64().unwrap();
    let best = &run["result"]["most_likely_cluster"];
    assert_eq!(best["significant"], true);

    let (status, alert) = send(ops.get(format!("{base}/api/v1/alerts/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{alert}");
    let codes: BTreeSet<&str> =
        alert["villages"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap()).collect();
    assert_eq!(codes, CLUSTER.into_iter().collect(), "{alert}");
    assert_eq!(alert["villages"][0]["code"], alert["center_code"]);
    assert!(alert["villages"].as_array().unwrap().iter().all(|v| v["name"].as_str().unwrap().starts_with("Desa ")));
    assert_eq!(alert["districts"], json!([{"code": "15.07.01", "name": "Muara Sabak Timur"}]));
    let (observed, expected) = (alert["observed"].as_u64().unwrap(), alert["expected"].as_f64().unwrap());
    assert!(observed >= 30, "the cluster's thirty reports at least: {alert}");
    assert_eq!(observed, best["observed"].as_u64().unwrap());
    let rr = alert["relative_risk"].as_f64().unwrap();
    assert!((rr - observed as f64 / expected).abs() < 1e-9);
    assert!(rr > 2.0, "{rr}");
    assert!(alert["p_value"].as_f64().unwrap() < 0.01);
    assert_eq!(alert["p_value"].as_f64(), Some(0.001), "no replicate beats a clear cluster");
    assert!(alert["gumbel_p_value"].as_f64().unwrap() < 0.001);
    assert!(alert["radius_km"].as_f64().unwrap() > 0.5 && alert["radius_km"].as_f64().unwrap() < 1.5);
    assert!(alert["center"]["lat"].is_f64() && alert["center"]["lng"].is_f64());
    assert_eq!(alert["status"], "active");
    assert_eq!(alert["end_day"], run["period_end"]);
    let days = {
        let day = |text: &Value| sinergi_domain::early_warning::Day::parse(text.as_str().unwrap()).unwrap().number();
        day(&alert["end_day"]) - day(&alert["start_day"]) + 1
    };
    assert_eq!(
        alert["explanation"],
        format!(
            "3 desa di Kecamatan Muara Sabak Timur: {observed} laporan dalam {days} hari terakhir, {}× dari biasanya",
            decimal_id(rr)
        )
    );
    let (_, english) = send(ops.get(format!("{base}/api/v1/alerts/{id}?lang=en"))).await;
    assert_eq!(
        english["explanation"],
        format!(
            "3 villages in Muara Sabak Timur district: {observed} reports in the last {days} days, {rr:.1}× the usual"
        )
    );
    let routes: Vec<(&str, &str)> = alert["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["unit_code"].as_str().unwrap(), r["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        routes,
        [
            ("polres-15.07", "responsible"),
            ("polsek-15.07.01", "responsible"),
            ("bawaslu-kabupaten-15.07", "informed"),
            ("panwascam-15.07.01", "informed"),
        ]
    );
    let (first_run, first_seen) = (alert["first_run_id"].as_i64().unwrap(), alert["first_seen_ms"].as_i64().unwrap());

    // The run is in the audit log, in its own transaction's entry.
    let entries = db.store.audit_entries(0, 1000).await.unwrap();
    assert!(entries.iter().any(|e| e.event.action == "scan.run" && e.event.actor == "ops"), "{entries:?}");

    // Again: the same alert, refreshed.
    let (status, again) = send(ops.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.07"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["alerts"], json!([{"id": id, "new": false}]));
    let (_, alert) = send(ops.get(format!("{base}/api/v1/alerts/{id}"))).await;
    assert_eq!((alert["first_run_id"].as_i64(), alert["first_seen_ms"].as_i64()), (Some(first_run), Some(first_seen)));
    assert_eq!(alert["last_run_id"], again["run"]["id"]);
    let (_, all) = send(ops.get(format!("{base}/api/v1/alerts?status=all&within=15.07"))).await;
    assert_eq!(all["total"].as_u64(), Some(1), "refreshed, not duplicated: {all}");
    let (_, runs) = send(ops.get(format!("{base}/api/v1/scans?regency=15.07"))).await;
    assert_eq!(runs["total"].as_u64(), Some(2));
    assert_eq!(runs["items"][0]["id"], again["run"]["id"], "newest first");
    let run_id = again["run"]["id"].as_i64().unwrap();
    let (status, one) = send(ops.get(format!("{base}/api/v1/scans/{run_id}"))).await;
    assert_eq!((status, one["id"].as_i64()), (StatusCode::OK, Some(run_id)));

    // Outside the territory: nothing at all.
    let outsider = app.signed_in("luar").await;
    let (status, body) = send(outsider.get(format!("{base}/api/v1/alerts/{id}"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("alert_not_found")));
    let (_, list) = send(outsider.get(format!("{base}/api/v1/alerts?status=all"))).await;
    assert_eq!(list["total"].as_u64(), Some(0));
    let (_, list) = send(outsider.get(format!("{base}/api/v1/alerts?within=15.07"))).await;
    assert_eq!(list["total"].as_u64(), Some(0));
    let (status, body) = send(outsider.get(format!("{base}/api/v1/scans/{run_id}"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("scan_not_found")));
    let (_, list) = send(outsider.get(format!("{base}/api/v1/scans?regency=15.07"))).await;
    assert_eq!(list["total"].as_u64(), Some(0));
    let (status, body) = send(outsider.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.07"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("region_not_found")));
    // The other district of the regency holds none of the alert's villages.
    let west = app.signed_in("ops.barat").await;
    let (status, _) = send(west.get(format!("{base}/api/v1/alerts/{id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Observers read but do not run.
    let observer = app.signed_in("pengamat").await;
    let (status, body) = send(observer.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.07"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, _) = send(observer.get(format!("{base}/api/v1/alerts/{id}"))).await;
    assert_eq!(status, StatusCode::OK);

    // The cluster's reports turn out to be hoaxes: the next run finds nothing there, and the alert is gone.
    for &report in &cluster_ids {
        step(&*db.store, report, Status::Verified, Status::Rejected, "reject").await;
    }
    let (status, last) = send(ops.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.07"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{last}");
    assert_eq!(last["gone"], json!([id]), "{last}");
    assert_eq!(last["alerts"], json!([]));
    let (_, alert) = send(ops.get(format!("{base}/api/v1/alerts/{id}"))).await;
    assert_eq!(alert["status"], "gone");
    assert!(alert["gone_at_ms"].as_i64().unwrap() >= first_seen);
    let (_, active) = send(ops.get(format!("{base}/api/v1/alerts"))).await;
    assert_eq!(active["total"].as_u64(), Some(0), "active by default");
    let (_, gone) = send(ops.get(format!("{base}/api/v1/alerts?status=gone"))).await;
    assert_eq!(gone["total"].as_u64(), Some(1));
}

async fn too_few_reports_and_bad_parameters_say_so(db: &TestDb) {
    let (app, _) = setup(db).await;
    let base = &app.base;
    let now = sinergi_server::trust::auth::now_ms();
    file_and_move(&*db.store, &[report("15.06.01.2001", now - DAY)], &[VERIFY]).await;
    // Not verified: not counted.
    file_and_move(&*db.store, &[report("15.06.01.2001", now - DAY)], &[]).await;
    let luar = app.signed_in("luar").await;
    let (status, answer) = send(luar.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.06"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["run"]["status"], "too_few");
    assert_eq!(answer["run"]["result"], Value::Null);
    assert_eq!(
        answer["run"]["message"],
        "terlalu sedikit kasus untuk pemindaian: 1 kasus dalam periode studi, sedangkan klaster memerlukan paling sedikit 2"
    );
    let run = answer["run"]["id"].as_i64().unwrap();
    let (_, english) = send(luar.get(format!("{base}/api/v1/scans/{run}?lang=en"))).await;
    assert_eq!(english["message"], "too few cases for a scan: 1 in the study period, and a cluster needs at least 2");
    // Counting every report but the rejected ones: two, enough to scan (and too few to be significant).
    let body = json!({"regency": "15.06", "counted": "all_but_rejected", "replications": 99});
    let (status, answer) = send(luar.post(format!("{base}/api/v1/scans")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!((answer["run"]["status"].as_str(), answer["run"]["cases_used"].as_u64()), (Some("done"), Some(2)));
    assert_eq!(answer["alerts"], json!([]));

    let bad = json!({
        "regency": "15.06", "days": 0, "max_fraction": 0.6, "max_days": 0, "replications": 0, "max_radius_km": -1.0,
        "threshold": 2.0, "counted": "semua",
    });
    let (status, body) = send(luar.post(format!("{base}/api/v1/scans?lang=en")).json(&bad)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["days", "max_radius_km", "max_fraction", "max_days", "replications", "threshold", "counted"]);
    let message = |field: &str| {
        body["fields"].as_array().unwrap().iter().find(|f| f["field"] == field).unwrap()["message"].as_str().unwrap()
    };
    assert_eq!(message("max_fraction"), "must be greater than 0 and at most 0.5 (given 0.6)");
    assert_eq!(message("replications"), "must be from 1 to 1,000,000 (given 0)");
    let many = json!({"regency": "15.06", "replications": 100_001});
    let (status, body) = send(luar.post(format!("{base}/api/v1/scans?lang=en")).json(&many)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"], json!([{"field": "replications", "message": "100001 is outside 1–100,000"}]));
    let (status, body) = send(luar.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.06.01"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "regency");
    let (status, body) = send(luar.post(format!("{base}/api/v1/scans")).json(&json!({"regency": "15.99"}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("region_not_found")));
    let (status, body) = send(luar.get(format!("{base}/api/v1/alerts?status=semua"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
    let (status, _) = send(luar.get(format!("{base}/api/v1/alerts/999999"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn two_instances_run_each_scheduled_scan_once(db: &TestDb) {
    let villages = seed(&*db.store).await;
    let now = sinergi_server::trust::auth::now_ms();
    file_reports(&*db.store, &villages, now).await;
    file_and_move(&*db.store, &[report("15.06.01.2001", now - DAY)], &[VERIFY]).await;
    let other = sinergi_store::connect(&db.url).await.unwrap();
    let config = EarlyWarningConfig {
        params: sinergi_domain::early_warning::ScanParams { replications: 99, ..Default::default() },
        ..Default::default()
    };
    // Two instances whose clocks tick a second apart within the same hour.
    let slot = now - now.rem_euclid(HOUR);
    let (a, b) = tokio::join!(
        scheduled_round(&db.store, &config, "instance-a", slot),
        scheduled_round(&other, &config, "instance-b", slot + 1000),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 2, "two regencies, each scanned once: {a} + {b}");
    let system = sinergi_domain::access::Viewer::system("test");
    let (runs, total) = db.store.scan_runs(&system, None, sinergi_store::Page::new(1, 10)).await.unwrap();
    assert_eq!(total, 2);
    assert!(runs.iter().all(
        |r| r.trigger == sinergi_domain::early_warning::alerts::RunTrigger::Schedule && r.requested_by == "sinergi"
    ));
    // The same slot later in the hour: taken; the next slot: scanned again.
    assert_eq!(scheduled_round(&db.store, &config, "instance-a", slot + 2000).await.unwrap(), 0);
    let next = slot + HOUR;
    assert_eq!(scheduled_round(&other, &config, "instance-b", next).await.unwrap(), 2);
}

sinergi_store::backend_tests!(
    a_cluster_raises_one_alert_refreshed_then_gone,
    too_few_reports_and_bad_parameters_say_so,
    two_instances_run_each_scheduled_scan_once,
);
