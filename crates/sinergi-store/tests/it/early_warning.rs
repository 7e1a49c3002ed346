//! The early warning scan's storage, on SQLite and on PostgreSQL: the zones and cases of a regency, runs and the
//! alerts they raise, refresh and end (matched across runs by shared villages), routes, reading within territory,
//! and the scheduled slot that exactly one claimant wins.

use sinergi_domain::early_warning::alerts::{AlertStatus, RunStatus, RunTrigger};
use std::sync::Arc;

use sinergi_domain::access::Viewer;
use sinergi_domain::incident::routing::{RouteRole, Routed};
use sinergi_domain::incident::{Channel, ReportKind, Severity};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, LatLng, Region, RegionCode, Unit, UnitKind};
use sinergi_store::testing::TestDb;
use sinergi_store::{AlertCandidate, AlertFilter, NewReport, NewScanRun, Page, ScanCaseFilter};

use crate::helpers::{self, code};

/// A Polri account with this role and scope, cleared for `biasa`.
fn viewer(role: Role, scope: Option<&str>) -> Viewer {
    helpers::viewer(role, AgencyKind::Polri, scope, Classification::Biasa)
}

async fn seed(db: &TestDb) {
    let region = |c: &str, lat: f64| Region {
        code: code(c),
        name: format!("Nama {c}"),
        centroid: Some(LatLng::new(lat, 103.0)),
    };
    db.store
        .upsert_regions(&[
            region("15", -1.0),
            region("15.07", -1.0),
            region("15.07.01", -1.0),
            region("15.07.02", -1.0),
            region("15.07.01.2001", -1.01),
            region("15.07.01.2002", -1.02),
            region("15.07.02.2001", -1.03),
            region("15.06", -1.0),
            region("15.06.01", -1.0),
            region("15.06.01.2001", -1.5),
        ])
        .await
        .unwrap();
    // A village without a centroid is no zone.
    db.store
        .upsert_regions(&[Region { code: code("15.07.02.2002"), name: "Tanpa titik".into(), centroid: None }])
        .await
        .unwrap();
    let unit = |kind: UnitKind, t: &str| Unit {
        code: Unit::conventional_code(kind, &code(t)),
        kind,
        name: format!("{} {t}", kind.title()),
        territory: code(t),
        parent: None,
        contact: Contact::default(),
        personnel: 1,
    };
    db.store.upsert_units(&[unit(UnitKind::Polres, "15.07"), unit(UnitKind::Panwascam, "15.07.01")]).await.unwrap();
}

fn report(village: &str, at: i64, classification: Classification) -> NewReport {
    NewReport {
        kind: ReportKind::Incident,
        category: "bentrok".into(),
        severity: Severity::High,
        occurred_at_ms: at,
        reported_at_ms: at,
        village: code(village),
        tps_id: None,
        location: None,
        description: "Ricuh".into(),
        source_agency: AgencyKind::Polri,
        source_person: "Bripka Sabar".into(),
        reporter_account: None,
        channel: Channel::Web,
        classification,
        idempotency_key: None,
        routes: Vec::new(),
    }
}

fn run(regency: &str, status: &str, at: i64) -> NewScanRun {
    NewScanRun {
        regency: code(regency),
        trigger: RunTrigger::Demand,
        requested_by: "ops".into(),
        account_id: None,
        params: "{}".into(),
        period_start: "2024-09-01".into(),
        period_end: "2024-11-29".into(),
        started_at_ms: at,
        finished_at_ms: at + 5,
        status: RunStatus::parse(status).unwrap(),
        cases_used: 10,
        cases_left_out: 0,
        result: Some("{}".into()),
        message: String::new(),
    }
}

fn candidate(villages: &[&str], observed: u64) -> AlertCandidate {
    AlertCandidate {
        center: code(villages[0]),
        villages: villages.iter().map(|v| code(v)).collect(),
        radius_km: 2.5,
        start_day: "2024-11-25".into(),
        end_day: "2024-11-29".into(),
        observed,
        expected: 4.0,
        relative_risk: observed as f64 / 4.0,
        p_value: 0.001,
        gumbel_p_value: Some(1e-6),
        llr: 12.5,
        routes: vec![
            Routed { unit_code: "polres-15.07".into(), agency: AgencyKind::Polri, role: RouteRole::Responsible },
            Routed { unit_code: "panwascam-15.07.01".into(), agency: AgencyKind::Bawaslu, role: RouteRole::Informed },
        ],
    }
}

async fn zones_and_cases_of_a_regency(db: &TestDb) {
    seed(db).await;
    let zones = db.store.scan_zones(&code("15.07")).await.unwrap();
    let codes: Vec<&str> = zones.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["15.07.01.2001", "15.07.01.2002", "15.07.02.2001"], "villages with a centroid, in order");
    assert_eq!(zones[1].1, LatLng::new(-1.02, 103.0));

    let filed = db
        .store
        .file_reports(&[
            report("15.07.01.2001", 1000, Classification::Biasa),
            report("15.07.01.2002", 2000, Classification::Terbatas),
            report("15.07.02.2001", 3000, Classification::Biasa),
            report("15.07.02.2001", 9000, Classification::Biasa),
            report("15.06.01.2001", 1500, Classification::Biasa),
        ])
        .await
        .unwrap();
    // The first one verified; the others stay reported.
    for f in &filed[..1] {
        let step = sinergi_store::ReportMove {
            report_id: f.id(),
            action: "verify".into(),
            from: sinergi_domain::incident::Status::Reported,
            to: sinergi_domain::incident::Status::Verified,
            at_ms: 5000,
            account_id: None,
            actor: "t".into(),
            reject_reason: None,
            assigned_unit: None,
            reason: String::new(),
        };
        db.store.move_report(&step).await.unwrap();
    }
    let filter = |statuses: &[&str], levels: &[&str]| ScanCaseFilter {
        statuses: statuses.iter().map(|s| s.to_string()).collect(),
        classifications: levels.iter().map(|s| s.to_string()).collect(),
        from_ms: 0,
        to_ms: 5000,
    };
    let verified = db.store.scan_cases(&code("15.07"), &filter(&["verified"], &["biasa"])).await.unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!((verified[0].village.as_str(), verified[0].occurred_at_ms), ("15.07.01.2001", 1000));
    let mut all = db.store.scan_cases(&code("15.07"), &filter(&["reported", "verified"], &["biasa"])).await.unwrap();
    all.sort_by_key(|c| c.occurred_at_ms);
    let at: Vec<i64> = all.iter().map(|c| c.occurred_at_ms).collect();
    assert_eq!(at, [1000, 3000], "the restricted report, the other regency and the one after the period are left out");
    let with_restricted =
        db.store.scan_cases(&code("15.07"), &filter(&["reported", "verified"], &["biasa", "terbatas"])).await.unwrap();
    assert_eq!(with_restricted.len(), 3);
    assert!(db.store.scan_cases(&code("15.07"), &filter(&[], &["biasa"])).await.unwrap().is_empty());

    let regencies = db.store.regencies_with_reports(&filter(&["reported", "verified"], &["biasa"])).await.unwrap();
    assert_eq!(regencies, [code("15.06"), code("15.07")]);
}

async fn runs_raise_refresh_and_end_alerts(db: &TestDb) {
    seed(db).await;
    let first = db
        .store
        .record_scan(&run("15.07", "done", 10_000), &[candidate(&["15.07.01.2001", "15.07.01.2002"], 20)], None)
        .await
        .unwrap();
    assert_eq!(first.alerts.len(), 1);
    let (alert_id, new) = first.alerts[0];
    assert!(new);
    assert!(first.gone.is_empty());

    let national = viewer(Role::Operator, None);
    let alert = db.store.alert(&national, alert_id).await.unwrap().expect("the alert");
    assert_eq!(alert.status, AlertStatus::Active);
    assert_eq!((alert.observed, alert.relative_risk, alert.p_value), (20, 5.0, 0.001));
    assert_eq!(alert.gumbel_p_value, Some(1e-6));
    assert_eq!((alert.first_run_id, alert.last_run_id), (first.run_id, first.run_id));
    assert_eq!((alert.first_seen_ms, alert.last_seen_ms), (10_005, 10_005));
    let names: Vec<(&str, &str)> = alert.villages.iter().map(|v| (v.code.as_str(), v.name.as_str())).collect();
    assert_eq!(names, [("15.07.01.2001", "Nama 15.07.01.2001"), ("15.07.01.2002", "Nama 15.07.01.2002")]);
    assert_eq!(alert.villages[0].centroid, Some(LatLng::new(-1.01, 103.0)));
    let routes = db.store.alert_routes(alert_id).await.unwrap();
    let routed: Vec<(&str, &str)> = routes.iter().map(|r| (r.unit_code.as_str(), r.role.as_str())).collect();
    assert_eq!(routed, [("polres-15.07", "responsible"), ("panwascam-15.07.01", "informed")]);

    // Found again, grown by a village: the same alert, refreshed, not a second one.
    let second = db
        .store
        .record_scan(
            &run("15.07", "done", 20_000),
            &[candidate(&["15.07.01.2002", "15.07.02.2001", "15.07.01.2001"], 25)],
            None,
        )
        .await
        .unwrap();
    assert_eq!(second.alerts, [(alert_id, false)]);
    let alert = db.store.alert(&national, alert_id).await.unwrap().unwrap();
    assert_eq!((alert.observed, alert.first_run_id, alert.last_run_id), (25, first.run_id, second.run_id));
    assert_eq!(alert.center.as_str(), "15.07.01.2002");
    assert_eq!(alert.villages.len(), 3);
    let (_, total) = db.store.alerts(&national, &AlertFilter::default(), Page::new(1, 50)).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(db.store.alert_routes(alert_id).await.unwrap().len(), 2, "routes are kept, each unit once");

    // A failed run leaves the alerts alone; a run that finds nothing ends them.
    let failed = db.store.record_scan(&run("15.07", "failed", 30_000), &[], None).await.unwrap();
    assert!(failed.gone.is_empty());
    assert_eq!(db.store.alert(&national, alert_id).await.unwrap().unwrap().status, AlertStatus::Active);
    let other = db.store.record_scan(&run("15.06", "done", 35_000), &[], None).await.unwrap();
    assert!(other.gone.is_empty(), "another regency's run does not touch these alerts");
    let quiet = db.store.record_scan(&run("15.07", "too_few", 40_000), &[], None).await.unwrap();
    assert_eq!(quiet.gone, [alert_id]);
    let alert = db.store.alert(&national, alert_id).await.unwrap().unwrap();
    assert_eq!((alert.status.as_str(), alert.gone_at_ms), ("gone", Some(40_005)));

    // Found again after it ended: a new alert.
    let again =
        db.store.record_scan(&run("15.07", "done", 50_000), &[candidate(&["15.07.01.2001"], 9)], None).await.unwrap();
    assert!(again.alerts[0].1 && again.alerts[0].0 != alert_id);
    let active = AlertFilter { status: Some(AlertStatus::Active), ..Default::default() };
    let (items, total) = db.store.alerts(&national, &active, Page::new(1, 50)).await.unwrap();
    assert_eq!((items.len(), total), (1, 1));
    assert_eq!(items[0].id, again.alerts[0].0);
    let gone = AlertFilter { status: Some(AlertStatus::Gone), ..Default::default() };
    assert_eq!(db.store.alerts(&national, &gone, Page::new(1, 50)).await.unwrap().1, 1);

    // Runs: newest first, per regency.
    let (runs, total) = db.store.scan_runs(&national, Some(&code("15.07")), Page::new(1, 2)).await.unwrap();
    assert_eq!(total, 5);
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [again.run_id, quiet.run_id]);
    assert_eq!(runs[1].status, RunStatus::TooFew);
    assert_eq!(db.store.scan_runs(&national, None, Page::new(1, 50)).await.unwrap().1, 6);
}

async fn alerts_and_runs_are_read_within_territory(db: &TestDb) {
    seed(db).await;
    let recorded = db
        .store
        .record_scan(
            &run("15.07", "done", 10_000),
            &[candidate(&["15.07.02.2001"], 8), candidate(&["15.07.01.2001"], 6)],
            None,
        )
        .await
        .unwrap();
    let (in_02, in_01) = (recorded.alerts[0].0, recorded.alerts[1].0);
    let district = viewer(Role::Operator, Some("15.07.01"));
    let page = Page::new(1, 50);
    assert!(db.store.alert(&district, in_01).await.unwrap().is_some());
    assert!(db.store.alert(&district, in_02).await.unwrap().is_none(), "no village of it in the district");
    let (items, total) = db.store.alerts(&district, &AlertFilter::default(), page).await.unwrap();
    assert_eq!((items.len(), total), (1, 1));
    let within = AlertFilter { within: Some(code("15.07.02")), ..Default::default() };
    assert_eq!(db.store.alerts(&district, &within, page).await.unwrap().1, 0, "outside the territory: empty");
    assert_eq!(db.store.alerts(&viewer(Role::Operator, None), &within, page).await.unwrap().1, 1);
    // Runs need the whole regency.
    assert!(db.store.scan_run(&district, recorded.run_id).await.unwrap().is_none());
    assert_eq!(db.store.scan_runs(&district, None, page).await.unwrap().1, 0);
    let regency = viewer(Role::Observer, Some("15.07"));
    assert!(db.store.scan_run(&regency, recorded.run_id).await.unwrap().is_some());
    let neighbour = viewer(Role::Operator, Some("15.06"));
    assert!(db.store.scan_run(&neighbour, recorded.run_id).await.unwrap().is_none());
    assert_eq!(db.store.alerts(&neighbour, &AlertFilter::default(), page).await.unwrap().1, 0);
    // Those who read no reports read no alerts.
    let external = viewer(Role::External, None);
    assert!(db.store.alert(&external, in_01).await.unwrap().is_none());
    assert_eq!(db.store.scan_runs(&external, None, page).await.unwrap().1, 0);
}

async fn one_claimant_wins_a_scheduled_slot(db: &TestDb) {
    seed(db).await;
    let store = db.store.clone();
    let regency = code("15.07");
    let claims = (0..8).map(|i| {
        let (store, regency): (Arc<dyn sinergi_store::Store>, RegionCode) = (store.clone(), regency.clone());
        tokio::spawn(
            async move { store.claim_scan_slot(&regency, 3_600_000, &format!("instance-{i}"), 1).await.unwrap() },
        )
    });
    let mut winners = 0;
    for claim in claims.collect::<Vec<_>>() {
        winners += usize::from(claim.await.unwrap());
    }
    assert_eq!(winners, 1);
    assert!(!db.store.claim_scan_slot(&regency, 3_600_000, "late", 2).await.unwrap());
    assert!(db.store.claim_scan_slot(&regency, 7_200_000, "next hour", 3).await.unwrap(), "the next slot is free");
    assert!(db.store.claim_scan_slot(&code("15.06"), 3_600_000, "other regency", 3).await.unwrap());
}

sinergi_store::backend_tests!(
    zones_and_cases_of_a_regency,
    runs_raise_refresh_and_end_alerts,
    alerts_and_runs_are_read_within_territory,
    one_claimant_wins_a_scheduled_slot,
);
