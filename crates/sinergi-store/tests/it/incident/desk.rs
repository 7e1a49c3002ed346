//! The incident desk's shared picture in storage: the live feed in commit order, sharing and revoking with the
//! need-to-know rule for restricted reports, escalations recorded once, and probable duplicates, on SQLite and on
//! PostgreSQL.

use sinergi_domain::access::Viewer;
use sinergi_domain::incident::ReportId;
use sinergi_domain::incident::duplicates::DuplicateRule;
use sinergi_domain::incident::escalation::Stage;
use sinergi_domain::incident::{Limit, ReportKind, Severity, Status};
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, LatLng, Region};
use sinergi_store::testing::TestDb;
use sinergi_store::{
    DuplicateDecided, NewEscalation, NewReport, Page, ReportFilter, ReportMove, ShareMove, StoreError,
};

use crate::helpers::{self, code};

/// A national account of this agency and role, cleared for everything.
fn viewer(agency: AgencyKind, role: Role) -> Viewer {
    helpers::viewer(role, agency, None, Classification::Rahasia)
}

async fn seed(db: &TestDb) {
    let region =
        |c: &str, lat: f64| Region { code: code(c), name: c.to_owned(), centroid: Some(LatLng::new(lat, 103.0)) };
    db.store
        .upsert_regions(&[
            region("15", -1.0),
            region("15.07", -1.0),
            region("15.07.01", -1.0),
            region("15.07.01.2001", -1.0),
            // About 2.2 km south of the first village's centre.
            region("15.07.01.2002", -1.02),
        ])
        .await
        .unwrap();
}

use sinergi_store::testing::new_report as report;

async fn the_feed_lists_every_change_in_order(db: &TestDb) {
    seed(db).await;
    assert_eq!(db.store.feed_head().await.unwrap(), 0);
    let ids: Vec<ReportId> = db
        .store
        .file_reports(&[report("15.07.01.2001", "bentrok", 1000, None), report("15.07.01.2001", "bentrok", 2000, None)])
        .await
        .unwrap()
        .iter()
        .map(|f| f.id())
        .collect();
    db.store
        .move_report(&ReportMove {
            report_id: ids[0],
            action: "verify".into(),
            from: Status::Reported,
            to: Status::Verified,
            at_ms: 3000,
            account_id: None,
            actor: "Kanit".into(),
            reject_reason: None,
            assigned_unit: None,
            reason: String::new(),
        })
        .await
        .unwrap();
    db.store.add_comment(ids[1], 4000, None, "Panwascam", "bawaslu", "Kami pantau").await.unwrap();
    // A replay writes nothing, so it adds nothing to the feed.
    let before = db.store.feed_head().await.unwrap();
    let keyed = NewReport { idempotency_key: Some("k".into()), ..report("15.07.01.2001", "bentrok", 5000, None) };
    db.store.file_reports(std::slice::from_ref(&keyed)).await.unwrap();
    db.store.file_reports(&[keyed]).await.unwrap();
    assert_eq!(db.store.feed_head().await.unwrap(), before + 1);

    let feed = db.store.feed_after(0, 100).await.unwrap();
    let seen: Vec<(ReportId, &str)> = feed.iter().map(|e| (e.report_id, e.kind.as_str())).collect();
    assert_eq!(seen[..4], [(ids[0], "filed"), (ids[1], "filed"), (ids[0], "moved"), (ids[1], "commented")]);
    assert!(feed.windows(2).all(|w| w[0].seq < w[1].seq), "in order");
    // Paging: after the second entry, at most two.
    let page = db.store.feed_after(feed[1].seq, 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [feed[2].seq, feed[3].seq]);
    assert_eq!(db.store.feed_head().await.unwrap(), feed.last().unwrap().seq);
}

async fn restricted_reports_are_need_to_know_and_only_shares_widen_them(db: &TestDb) {
    seed(db).await;
    let restricted = NewReport {
        kind: ReportKind::Intelligence,
        classification: Classification::Terbatas,
        ..report("15.07.01.2001", "politik_uang", 1000, None)
    };
    let ordinary = report("15.07.01.2001", "bentrok", 1000, None);
    let filed = db.store.file_reports(&[restricted, ordinary]).await.unwrap();
    let (secret, open) = (filed[0].id(), filed[1].id());
    let polri = viewer(AgencyKind::Polri, Role::Operator);
    let bawaslu = viewer(AgencyKind::Bawaslu, Role::Commander);
    let admin = viewer(AgencyKind::Pemda, Role::Administrator);
    let visible = |v: Viewer| {
        let store = db.store.clone();
        async move {
            let (items, total) = store.reports(&v, &ReportFilter::default(), Page::new(1, 10)).await.unwrap();
            assert_eq!(items.len() as u64, total);
            let mut ids: Vec<ReportId> = items.iter().map(|r| r.id).collect();
            ids.sort_unstable();
            ids
        }
    };
    assert_eq!(visible(polri.clone()).await, [secret, open], "the owner sees its restricted report");
    assert_eq!(visible(bawaslu.clone()).await, [open], "another agency sees only the ordinary one");
    assert!(db.store.report(&bawaslu, secret).await.unwrap().is_none());
    assert_eq!(visible(admin).await, [secret, open]);

    // Shared with Bawaslu: readable, and in its queue; a second share is a conflict.
    let share = ShareMove {
        report_id: secret,
        agency: AgencyKind::Bawaslu,
        at_ms: 2000,
        account_id: None,
        actor: "Kasat Intelkam".into(),
        reason: "Temuan untuk Gakkumdu".into(),
    };
    db.store.share_report(&share).await.unwrap();
    assert!(matches!(db.store.share_report(&share).await, Err(StoreError::Conflict(_))));
    assert_eq!(visible(bawaslu.clone()).await, [secret, open]);
    assert!(db.store.report(&bawaslu, secret).await.unwrap().is_some());
    let queue = ReportFilter { routed_to: Some(AgencyKind::Bawaslu), ..Default::default() };
    assert_eq!(db.store.reports(&bawaslu, &queue, Page::new(1, 10)).await.unwrap().1, 1);
    assert_eq!(db.store.queue_counts(&bawaslu, AgencyKind::Bawaslu).await.unwrap().get("reported"), Some(&1));

    // Revoked: gone again; the share stays as history, and the report's history has both moves.
    let revoke = ShareMove { at_ms: 3000, reason: "Salah kirim".into(), ..share.clone() };
    db.store.revoke_share(&revoke).await.unwrap();
    assert!(matches!(db.store.revoke_share(&revoke).await, Err(StoreError::Conflict(_))), "nothing left to revoke");
    assert_eq!(visible(bawaslu.clone()).await, [open]);
    let shares = db.store.report_shares(secret).await.unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(
        (shares[0].revoked_at_ms, shares[0].revoke_reason.as_deref(), shares[0].reason.as_str()),
        (Some(3000), Some("Salah kirim"), "Temuan untuk Gakkumdu")
    );
    let history = db.store.report_history(secret).await.unwrap();
    let moves: Vec<(&str, &str)> = history.iter().map(|h| (h.action.as_str(), h.reason.as_str())).collect();
    assert_eq!(moves[1..], [("share:bawaslu", "Temuan untuk Gakkumdu"), ("revoke:bawaslu", "Salah kirim")]);
    assert!(history[1..].iter().all(|h| h.to_status == "reported" && h.from_status.as_deref() == Some("reported")));
    // It may be shared again.
    db.store.share_report(&ShareMove { at_ms: 4000, ..share }).await.unwrap();
    assert_eq!(db.store.report_shares(secret).await.unwrap().len(), 2);
    let kinds: Vec<String> = db.store.feed_after(0, 100).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["filed", "filed", "shared", "revoked", "shared"]);
}

async fn an_escalation_is_recorded_once(db: &TestDb) {
    seed(db).await;
    let id = db.store.file_reports(&[report("15.07.01.2001", "bentrok", 1000, None)]).await.unwrap()[0].id();
    let step = |steps: u8, at_ms: i64| NewEscalation {
        report_id: id,
        status: Status::Reported,
        stage: Stage::Verify,
        since_ms: 1000,
        steps,
        at_ms,
        reason: "Polres Tanjung Jabung Timur".into(),
    };
    assert!(db.store.record_escalation(&step(1, 5000)).await.unwrap());
    assert!(!db.store.record_escalation(&step(1, 6000)).await.unwrap(), "a second sweep (or instance) adds nothing");
    assert!(db.store.record_escalation(&step(2, 7000)).await.unwrap());
    let history = db.store.report_history(id).await.unwrap();
    let escalations: Vec<(&str, i64)> =
        history.iter().filter(|h| h.action == "escalate_verify").map(|h| (h.reason.as_str(), h.at_ms)).collect();
    assert_eq!(escalations, [("Polres Tanjung Jabung Timur", 5000), ("Polres Tanjung Jabung Timur", 7000)]);
    // A new clock (the report reopened) escalates anew.
    assert!(db.store.record_escalation(&NewEscalation { since_ms: 9000, ..step(1, 9500) }).await.unwrap());
}

async fn escalations_due_lists_only_what_is_left_to_record(db: &TestDb) {
    seed(db).await;
    const MIN: i64 = 60_000;
    let filed = db
        .store
        .file_reports(&[
            report("15.07.01.2001", "bentrok", 0, None),
            report("15.07.01.2001", "bentrok", 0, None),
            report("15.07.01.2001", "bentrok", 30 * MIN, None),
        ])
        .await
        .unwrap();
    let ids: Vec<ReportId> = filed.iter().map(|f| f.id()).collect();
    let limits = [Limit { severity: Severity::High, verify_minutes: 10, act_minutes: 20 }];
    let due = |now: i64, after: ReportId, limit: u32| {
        let store = db.store.clone();
        async move {
            let due = store.escalations_due(&limits, now, after, limit).await.unwrap();
            due.into_iter().map(|r| r.id).collect::<Vec<ReportId>>()
        }
    };
    assert!(due(9 * MIN, ReportId(0), 100).await.is_empty(), "within the limit");
    assert_eq!(due(15 * MIN, ReportId(0), 100).await, ids[..2], "the third is not due before 40 minutes");
    let first = NewEscalation {
        report_id: ids[0],
        status: Status::Reported,
        stage: Stage::Verify,
        since_ms: 0,
        steps: 1,
        at_ms: 15 * MIN,
        reason: String::new(),
    };
    assert!(db.store.record_escalation(&first).await.unwrap());
    assert_eq!(due(15 * MIN, ReportId(0), 100).await, ids[1..2], "a recorded step is not due again");
    assert_eq!(due(25 * MIN, ReportId(0), 100).await, ids[..2], "the second step, at twice the limit");
    assert!(db.store.record_escalation(&NewEscalation { steps: 2, ..first.clone() }).await.unwrap());
    assert_eq!(due(25 * MIN, ReportId(0), 100).await, ids[1..2]);
    // Paged by id.
    assert_eq!(due(45 * MIN, ReportId(0), 1).await, ids[1..2]);
    assert_eq!(due(45 * MIN, ids[1], 100).await, ids[2..]);
    // A severity without a limit given, and a report no longer open, are left out.
    let low = [Limit { severity: Severity::Low, verify_minutes: 1, act_minutes: 1 }];
    assert!(db.store.escalations_due(&low, 45 * MIN, ReportId(0), 100).await.unwrap().is_empty());
    let step = |id: ReportId, to: Status, at_ms: i64| ReportMove {
        report_id: id,
        action: if to == Status::Verified { "verify" } else { "reject" }.into(),
        from: Status::Reported,
        to,
        at_ms,
        account_id: None,
        actor: "Ipda Verifikator".into(),
        reject_reason: None,
        assigned_unit: None,
        reason: "Dicek di lapangan".into(),
    };
    // Verified: the action limit (20 minutes) runs from the verification.
    db.store.move_report(&step(ids[1], Status::Verified, 46 * MIN)).await.unwrap();
    assert_eq!(due(60 * MIN, ReportId(0), 100).await, ids[2..]);
    assert_eq!(due(66 * MIN, ReportId(0), 100).await, ids[1..]);
    // Rejected: no longer open.
    db.store.move_report(&step(ids[2], Status::Rejected, 67 * MIN)).await.unwrap();
    assert_eq!(due(70 * MIN, ReportId(0), 100).await, ids[1..2]);
}

/// The dashboard's summary of the open reports, summed up in SQL, agrees with the domain's rule
/// (`incident::attention`) on the same reports at several moments.
async fn open_reports_are_summed_up_as_the_domain_rule_says(db: &TestDb) {
    use sinergi_domain::incident::attention::{OpenReport, SOON_MS, attention};
    seed(db).await;
    const MIN: i64 = 60_000;
    let at = |severity, minute: i64| NewReport { severity, ..report("15.07.01.2001", "bentrok", minute * MIN, None) };
    let filed = db
        .store
        .file_reports(&[
            at(Severity::Critical, 0),
            at(Severity::Critical, 10),
            at(Severity::High, 0),
            at(Severity::Medium, 5),
            at(Severity::Low, 20),
        ])
        .await
        .unwrap();
    let ids: Vec<ReportId> = filed.iter().map(|f| f.id()).collect();
    let verify = ReportMove {
        report_id: ids[2],
        action: "verify".into(),
        from: Status::Reported,
        to: Status::Verified,
        at_ms: 12 * MIN,
        account_id: None,
        actor: "Ipda Verifikator".into(),
        reject_reason: None,
        assigned_unit: None,
        reason: String::new(),
    };
    db.store.move_report(&verify).await.unwrap();
    let taxonomy = sinergi_domain::incident::Taxonomy::shipped();
    let limits: Vec<Limit> = Severity::ALL.iter().map(|s| taxonomy.limit(*s)).collect();
    let everyone = viewer(AgencyKind::Polri, Role::Administrator);
    let (records, _) = db.store.reports(&everyone, &ReportFilter::default(), Page::new(1, 100)).await.unwrap();
    for minute in [0, 14, 16, 30, 45, 90, 400] {
        let now = minute * MIN;
        let summary = db.store.open_report_summary(&everyone, &limits, now, SOON_MS, 5).await.unwrap();
        let expected = attention(
            &taxonomy,
            records.iter().map(|r| OpenReport {
                id: r.id.0,
                severity: Severity::from_number(i64::from(r.severity)).unwrap(),
                status: r.status,
                since_ms: r.status_since_ms,
            }),
            now,
        );
        let mut by_severity = [0u64; 4];
        for g in &summary.groups {
            by_severity[usize::from(g.severity - 1)] += g.count;
        }
        assert_eq!(by_severity, expected.by_severity, "minute {minute}");
        assert_eq!(summary.groups.iter().map(|g| g.overdue).sum::<u64>(), expected.overdue, "minute {minute}");
        assert_eq!(summary.groups.iter().map(|g| g.soon).sum::<u64>(), expected.soon_total, "minute {minute}");
        let soon: Vec<(i64, i64)> = summary.soon.iter().map(|(r, due)| (r.id.0, due - now)).collect();
        assert_eq!(soon, expected.soon, "minute {minute}");
    }
    // The queue of the viewer's agency, as the report list's `routed_to` counts it: here one report shared with TNI.
    let share = ShareMove {
        report_id: ids[3],
        agency: AgencyKind::Tni,
        at_ms: 13 * MIN,
        account_id: None,
        actor: "Ipda Verifikator".into(),
        reason: "Perlu diketahui".into(),
    };
    db.store.share_report(&share).await.unwrap();
    let tni = viewer(AgencyKind::Tni, Role::Administrator);
    let summary = db.store.open_report_summary(&tni, &limits, 0, SOON_MS, 5).await.unwrap();
    let queue = ReportFilter { open: true, routed_to: Some(AgencyKind::Tni), ..Default::default() };
    let (_, listed) = db.store.reports(&tni, &queue, Page::new(1, 1)).await.unwrap();
    assert_eq!((summary.groups.iter().map(|g| g.mine).sum::<u64>(), listed), (1, 1));
    // Another territory sees none of them.
    let elsewhere = helpers::viewer(Role::Operator, AgencyKind::Polri, Some("15.07.02"), Classification::Rahasia);
    let summary = db.store.open_report_summary(&elsewhere, &limits, 0, SOON_MS, 5).await.unwrap();
    assert!(summary.groups.is_empty() && summary.soon.is_empty());
}

async fn probable_duplicates_are_linked_and_decided(db: &TestDb) {
    seed(db).await;
    let here = Some(LatLng::new(-1.0, 103.0));
    let near = Some(LatLng::new(-1.005, 103.0)); // about 556 m away
    let filed = db
        .store
        .file_reports(&[
            report("15.07.01.2001", "bentrok", 0, here),
            report("15.07.01.2001", "bentrok", 30 * 60_000, near),
            // Another category, too late, too far (the other village's centre, no coordinates): none of them.
            report("15.07.01.2001", "politik_uang", 0, here),
            report("15.07.01.2001", "bentrok", 3 * 60 * 60_000, here),
            report("15.07.01.2002", "bentrok", 0, None),
        ])
        .await
        .unwrap();
    let ids: Vec<ReportId> = filed.iter().map(|f| f.id()).collect();
    let made = db.store.link_duplicates(&ids, DuplicateRule::default(), 50_000).await.unwrap();
    assert_eq!(made, 1);
    // Linking again finds the same pair: nothing new.
    assert_eq!(db.store.link_duplicates(&ids, DuplicateRule::default(), 60_000).await.unwrap(), 0);
    let pairs = db.store.report_duplicates(ids[0]).await.unwrap();
    assert_eq!(pairs.len(), 1);
    let pair = &pairs[0];
    assert_eq!((pair.report_id, pair.other_id, pair.status.as_str()), (ids[1], ids[0], "probable"));
    assert!((pair.distance_m - 556.0).abs() < 2.0, "{}", pair.distance_m);
    assert_eq!(pair.gap_ms, 30 * 60_000);
    assert_eq!(db.store.report_duplicates(ids[1]).await.unwrap(), pairs, "seen from either side");
    assert!(db.store.report_duplicates(ids[4]).await.unwrap().is_empty());

    let recorded = db.store.decide_duplicate(ids[1], ids[0], false, 70_000, "Kanit Reskrim").await.unwrap();
    assert_eq!(recorded, DuplicateDecided::Recorded);
    let decided = &db.store.report_duplicates(ids[0]).await.unwrap()[0];
    assert_eq!((decided.status.as_str(), decided.decided_by.as_deref()), ("dismissed", Some("Kanit Reskrim")));
    let again = db.store.decide_duplicate(ids[1], ids[0], true, 80_000, "x").await.unwrap();
    assert_eq!(again, DuplicateDecided::Already { confirmed: false });
    let unknown = db.store.decide_duplicate(ids[2], ids[0], true, 80_000, "x").await.unwrap();
    assert_eq!(unknown, DuplicateDecided::UnknownPair);
}

/// Filing does not place a report in the duplicate search's grid; the first search of it does. Until then later
/// searches do not find it, and `unplaced_reports` lists it, so that the desk searches it after a restart. A
/// report whose place is not known leaves the list too.
async fn a_report_is_found_once_a_search_has_placed_it(db: &TestDb) {
    seed(db).await;
    let nowhere = Region { code: code("15.07.01.2003"), name: "Tanpa titik".into(), centroid: None };
    db.store.upsert_regions(&[nowhere]).await.unwrap();
    let here = Some(LatLng::new(-1.0, 103.0));
    let ids: Vec<ReportId> = db
        .store
        .file_reports(&[
            report("15.07.01.2001", "bentrok", 0, here),
            report("15.07.01.2001", "bentrok", 10 * 60_000, here),
            report("15.07.01.2003", "bentrok", 0, None),
        ])
        .await
        .unwrap()
        .iter()
        .map(|f| f.id())
        .collect();
    assert_eq!(db.store.unplaced_reports(ReportId(0), 10).await.unwrap(), ids);
    assert_eq!(db.store.unplaced_reports(ids[0], 1).await.unwrap(), vec![ids[1]], "paged by id");

    // The second report is searched first: the first is not placed yet, so nothing is found.
    assert_eq!(db.store.link_duplicates(&[ids[1]], DuplicateRule::default(), 1).await.unwrap(), 0);
    assert_eq!(db.store.unplaced_reports(ReportId(0), 10).await.unwrap(), vec![ids[0], ids[2]]);
    // The first one's search finds the second, placed by now; the third has no place and is left alone.
    assert_eq!(db.store.link_duplicates(&[ids[0], ids[2]], DuplicateRule::default(), 2).await.unwrap(), 1);
    assert!(db.store.unplaced_reports(ReportId(0), 10).await.unwrap().is_empty());
    let pairs = db.store.report_duplicates(ids[0]).await.unwrap();
    assert_eq!(pairs.iter().map(|p| (p.report_id, p.other_id)).collect::<Vec<_>>(), vec![(ids[1], ids[0])]);
    // Searching again (a restart that found them unplaced, or two instances) links nothing twice.
    assert_eq!(db.store.link_duplicates(&ids, DuplicateRule::default(), 3).await.unwrap(), 0);
    assert!(db.store.report_duplicates(ids[2]).await.unwrap().is_empty());
}

/// In a burst (a whole village reporting one event, or a load test) the cells around hold hundreds of reports:
/// only the nearest in time are weighed, and at most five links are made, nearest in space first.
async fn in_a_burst_only_the_nearest_in_time_are_weighed(db: &TestDb) {
    seed(db).await;
    let here = Some(LatLng::new(-1.0, 103.0));
    let near = Some(LatLng::new(-1.005, 103.0)); // another grid cell, about 556 m away
    const MIN: i64 = 60_000;
    let mut burst: Vec<NewReport> = (0..240).map(|i| report("15.07.01.2001", "bentrok", i * MIN / 2, here)).collect();
    burst.extend((0..40).map(|i| report("15.07.01.2001", "bentrok", i * 3 * MIN, near)));
    let filed: Vec<ReportId> = db.store.file_reports(&burst).await.unwrap().iter().map(|f| f.id()).collect();
    // The desk searches every report it files (which places it in the search's grid) before the next ones.
    db.store.link_duplicates(&filed, DuplicateRule::default(), 1).await.unwrap();
    let new = db.store.file_reports(&[report("15.07.01.2001", "bentrok", 60 * MIN, here)]).await.unwrap()[0].id();

    assert_eq!(db.store.link_duplicates(&[new], DuplicateRule::default(), 1).await.unwrap(), 5);
    let links = db.store.report_duplicates(new).await.unwrap();
    assert_eq!(links.len(), 5);
    for link in &links {
        // All 280 are within the rule (two hours, a kilometre), and the earliest (t = 0, the lowest ids) would
        // win a tie on distance; but only the 100 nearest in time were weighed, all within ±25 minutes.
        assert_eq!(link.report_id, new);
        assert!(link.distance_m < 1.0, "the nearest in space first: {link:?}");
        assert!(link.gap_ms <= 25 * MIN, "weighed only the nearest in time: {link:?}");
    }
}

sinergi_store::backend_tests!(
    a_report_is_found_once_a_search_has_placed_it,
    in_a_burst_only_the_nearest_in_time_are_weighed,
    escalations_due_lists_only_what_is_left_to_record,
    the_feed_lists_every_change_in_order,
    restricted_reports_are_need_to_know_and_only_shares_widen_them,
    an_escalation_is_recorded_once,
    probable_duplicates_are_linked_and_decided,
    open_reports_are_summed_up_as_the_domain_rule_says,
);
