//! The incident desk in storage: filing reports (once per idempotency key), reading them within the territory
//! and the clearance, moving them with an append-only history, and comments, on SQLite and on PostgreSQL.

use sinergi_domain::access::Viewer;
use sinergi_domain::incident::ReportId;
use sinergi_domain::incident::{Channel, RejectReason, ReportKind, Severity, Status};
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, LatLng};
use sinergi_store::testing::TestDb;
use sinergi_store::{Filed, NewReport, Page, ReportFilter, ReportMove, StoreError};

use crate::helpers::{self, code, seed_regions};

/// A Polri operator with this scope and clearance.
fn viewer(scope: Option<&str>, clearance: Classification) -> Viewer {
    helpers::viewer(Role::Operator, AgencyKind::Polri, scope, clearance)
}

async fn seed(db: &TestDb) {
    seed_regions(db, &["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2001", "15.07.02.2001"]).await;
}

fn report(village: &str, category: &str, at: i64, key: Option<&str>) -> NewReport {
    NewReport {
        kind: ReportKind::Incident,
        category: category.into(),
        severity: Severity::High,
        occurred_at_ms: at,
        reported_at_ms: at + 60_000,
        village: code(village),
        tps_id: None,
        location: Some(LatLng::new(-1.05, 103.85)),
        description: "Massa dua paslon saling lempar batu; 'dua' luka <b>".into(),
        source_agency: AgencyKind::Polri,
        source_person: "Bripka Sabar".into(),
        reporter_account: None,
        channel: Channel::Web,
        classification: Classification::Biasa,
        idempotency_key: key.map(str::to_owned),
        routes: Vec::new(),
    }
}

async fn reports_are_filed_once_and_read_within_territory_and_clearance(db: &TestDb) {
    seed(db).await;
    let secret = NewReport {
        kind: ReportKind::Intelligence,
        classification: Classification::Rahasia,
        ..report("15.07.01.2001", "politik_uang", 3000, None)
    };
    let filed = db
        .store
        .file_reports(&[
            report("15.07.01.2001", "bentrok", 1000, Some("k-1")),
            report("15.07.02.2001", "listrik_padam", 2000, Some("k-2")),
            secret,
        ])
        .await
        .unwrap();
    assert!(filed.iter().all(|f| matches!(f, Filed::New(_))), "{filed:?}");
    let ids: Vec<ReportId> = filed.iter().map(|f| f.id()).collect();

    // The same key again (an offline queue sent twice): the first report, nothing new, in the same batch too.
    let again = db
        .store
        .file_reports(&[
            report("15.07.01.2001", "bentrok", 1000, Some("k-1")),
            report("15.07.01.2001", "bentrok", 5, Some("k-1")),
        ])
        .await
        .unwrap();
    assert_eq!(again, [Filed::Replayed(ids[0]), Filed::Replayed(ids[0])]);
    let everyone = viewer(None, Classification::Rahasia);
    let (all, total) = db.store.reports(&everyone, &ReportFilter::default(), Page::new(1, 50)).await.unwrap();
    assert_eq!((all.len(), total), (3, 3));
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[2], ids[1], ids[0]], "newest first");
    let first = &all[2];
    assert_eq!((first.status.as_str(), first.severity, first.kind.as_str()), ("reported", 3, "incident"));
    assert_eq!(first.description, "Massa dua paslon saling lempar batu; 'dua' luka <b>");
    assert_eq!(first.location, Some(LatLng::new(-1.05, 103.85)));

    // A district sees its own; without clearance, not the secret one.
    let district = viewer(Some("15.07.01"), Classification::Biasa);
    let (seen, total) = db.store.reports(&district, &ReportFilter::default(), Page::new(1, 50)).await.unwrap();
    assert_eq!((seen.iter().map(|r| r.id).collect::<Vec<_>>(), total), (vec![ids[0]], 1));
    assert!(db.store.report(&district, ids[1]).await.unwrap().is_none(), "outside the territory");
    assert!(db.store.report(&district, ids[2]).await.unwrap().is_none(), "above the clearance");
    let cleared = viewer(Some("15.07.01"), Classification::Rahasia);
    assert!(db.store.report(&cleared, ids[2]).await.unwrap().is_some());
    let outside = ReportFilter { within: Some(code("15.07.02")), ..Default::default() };
    assert_eq!(db.store.reports(&district, &outside, Page::new(1, 50)).await.unwrap().1, 0);

    // Filters.
    let by = |f: ReportFilter| {
        let store = db.store.clone();
        let everyone = everyone.clone();
        async move {
            store.reports(&everyone, &f, Page::new(1, 50)).await.unwrap().0.iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(by(ReportFilter { category: Some("listrik_padam".into()), ..Default::default() }).await, [ids[1]]);
    assert_eq!(by(ReportFilter { from_ms: Some(1500), to_ms: Some(3000), ..Default::default() }).await, [ids[1]]);
    assert_eq!(by(ReportFilter { within: Some(code("15.07.01")), ..Default::default() }).await, [ids[2], ids[0]]);
    // Every level of area reads through the regency's index (migration 0017): a province, a regency, a village.
    let within = |c: &str| ReportFilter { within: Some(code(c)), ..Default::default() };
    assert_eq!(by(within("15")).await, [ids[2], ids[1], ids[0]]);
    assert_eq!(by(within("15.07")).await, [ids[2], ids[1], ids[0]]);
    assert_eq!(by(within("15.07.02.2001")).await, [ids[1]]);
    assert!(by(within("16")).await.is_empty());
    assert!(by(within("15.08")).await.is_empty());
    assert!(by(ReportFilter { min_severity: Some(4), ..Default::default() }).await.is_empty());

    // A village that does not exist refuses the batch.
    let err =
        db.store.file_reports(&[report("15.07.01.2001", "x", 1, None), report("15.07.09.2001", "x", 1, None)]).await;
    assert!(matches!(err, Err(StoreError::InvalidReference(_))), "{err:?}");
    assert_eq!(db.store.reports(&everyone, &ReportFilter::default(), Page::new(1, 50)).await.unwrap().1, 3);
}

async fn moves_are_kept_in_order_and_a_stale_move_is_refused(db: &TestDb) {
    seed(db).await;
    let id = db.store.file_reports(&[report("15.07.01.2001", "bentrok", 1000, None)]).await.unwrap()[0].id();
    let step = |from, to, action: &str, at| ReportMove {
        report_id: id,
        action: action.into(),
        from,
        to,
        at_ms: at,
        account_id: None,
        actor: "Ipda Verifikator".into(),
        reject_reason: None,
        assigned_unit: None,
        reason: String::new(),
    };
    db.store.move_report(&step(Status::Reported, Status::Verified, "verify", 2000)).await.unwrap();
    // A second verifier working from the old status loses: the move is refused, nothing recorded twice.
    let stale = db.store.move_report(&step(Status::Reported, Status::Rejected, "reject", 2001)).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let reopen = ReportMove {
        reason: "Saksi baru".into(),
        reject_reason: Some(RejectReason::Other),
        assigned_unit: None,
        ..step(Status::Verified, Status::Assigned, "assign", 3000)
    };
    db.store.move_report(&reopen).await.unwrap();
    let history = db.store.report_history(id).await.unwrap();
    let moves: Vec<(&str, Option<&str>, &str)> =
        history.iter().map(|h| (h.action.as_str(), h.from_status.as_deref(), h.to_status.as_str())).collect();
    assert_eq!(
        moves,
        [
            ("create", None, "reported"),
            ("verify", Some("reported"), "verified"),
            ("assign", Some("verified"), "assigned")
        ]
    );
    assert_eq!((history[2].reason.as_str(), history[2].reject_reason.as_deref()), ("Saksi baru", Some("other")));
    let record = db.store.report(&viewer(None, Classification::Biasa), id).await.unwrap().unwrap();
    assert_eq!((record.status.as_str(), record.updated_at_ms), ("assigned", 3000));

    // Comments thread in order.
    db.store.add_comment(id, 4000, None, "Kapolsek", "polri", "Personel dikirim").await.unwrap();
    db.store.add_comment(id, 4100, None, "Ketua Panwascam", "bawaslu", "Kami pantau").await.unwrap();
    let comments = db.store.comments(id).await.unwrap();
    assert_eq!(comments.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(), ["Personel dikirim", "Kami pantau"]);
}

/// A group as the writer hands it over under load: new reports with and without keys, a key filed before, and
/// a key twice in the group. Each gets its own answer, in order, and a new one reads back as `stored_as` says.
async fn a_mixed_group_is_filed_in_order_with_its_routes(db: &TestDb) {
    use sinergi_domain::incident::routing::{RouteRole, Routed};
    use sinergi_domain::registry::agency::{Contact, Unit, UnitKind};
    seed(db).await;
    let polsek = Unit {
        code: Unit::conventional_code(UnitKind::Polsek, &code("15.07.01")),
        kind: UnitKind::Polsek,
        name: "Polsek 15.07.01".into(),
        territory: code("15.07.01"),
        parent: None,
        contact: Contact { phone: None, email: None, address: None },
        personnel: 30,
    };
    db.store.upsert_units(std::slice::from_ref(&polsek)).await.unwrap();
    let before = db.store.file_reports(&[report("15.07.01.2001", "bentrok", 10, Some("lama"))]).await.unwrap()[0];
    let routed = NewReport {
        routes: vec![Routed {
            unit_code: polsek.code.clone(),
            agency: AgencyKind::Polri,
            role: RouteRole::Responsible,
        }],
        ..report("15.07.01.2001", "bentrok", 20, Some("baru"))
    };
    let group = vec![
        report("15.07.02.2001", "hoaks_sara", 30, None),
        routed.clone(),
        report("15.07.01.2001", "bentrok", 40, Some("lama")),
        report("15.07.01.2001", "bentrok", 50, Some("baru")),
        report("15.07.02.2001", "intimidasi", 60, None),
    ];
    let filed = db.store.file_reports(&group).await.unwrap();
    let Filed::New(a) = filed[0] else { panic!("{filed:?}") };
    let Filed::New(b) = filed[1] else { panic!("{filed:?}") };
    let Filed::New(c) = filed[4] else { panic!("{filed:?}") };
    assert!(a < b && b < c, "ids count up in the group's order: {filed:?}");
    assert_eq!(filed[2], Filed::Replayed(before.id()), "filed before");
    assert_eq!(filed[3], Filed::Replayed(b), "twice in one group: the first");
    let everyone = viewer(None, Classification::Rahasia);
    for (i, id) in [(0, a), (1, b), (4, c)] {
        let stored = db.store.report(&everyone, id).await.unwrap().unwrap();
        assert_eq!(stored, group[i].stored_as(id), "report {i}");
    }
    let routes = db.store.report_routes(b).await.unwrap();
    assert_eq!(
        routes.iter().map(|r| (r.unit_code.as_str(), r.role.as_str())).collect::<Vec<_>>(),
        [(polsek.code.as_str(), "responsible")]
    );
    assert!(db.store.report_routes(a).await.unwrap().is_empty());
    let history = db.store.report_history(c).await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create"]);
    let (_, total) = db.store.reports(&everyone, &ReportFilter::default(), Page::new(1, 50)).await.unwrap();
    assert_eq!(total, 4, "nothing stored twice");
}

sinergi_store::backend_tests!(
    a_mixed_group_is_filed_in_order_with_its_routes,
    reports_are_filed_once_and_read_within_territory_and_clearance,
    moves_are_kept_in_order_and_a_stale_move_is_refused,
);
