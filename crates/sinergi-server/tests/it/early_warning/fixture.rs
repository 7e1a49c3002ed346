//! The early warning tests' area, accounts and reports (`api` and `pages`): a regency of twelve villages with a
//! hotspot of three, its units, and a background of reports around it.

use sinergi_domain::incident::{Channel, ReportKind, Severity, Status};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, LatLng, Region, Unit, UnitKind};
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;
use sinergi_store::{NewReport, ReportMove, Store};

use crate::helpers::{TestApp, add_user, code};

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

/// The three neighbouring villages of the cluster (in Muara Sabak Timur, about a kilometre apart).
pub const CLUSTER: [&str; 3] = ["15.07.01.2001", "15.07.01.2002", "15.07.01.2003"];

/// Jambi → Tanjung Jabung Timur → two districts with twelve villages: the cluster's three close together in a
/// corner, the others on a grid 5 km apart; units of the police, Bawaslu and KPU; a second regency.
pub async fn seed(store: &dyn Store) -> Vec<String> {
    let region = |c: &str, name: &str, lat: f64, lng: f64| Region {
        code: code(c),
        name: name.into(),
        centroid: Some(LatLng::new(lat, lng)),
    };
    let mut regions = vec![
        region("15", "Jambi", -1.6, 103.6),
        region("15.07", "Tanjung Jabung Timur", -1.2, 103.8),
        region("15.07.01", "Muara Sabak Timur", -1.1, 103.8),
        region("15.07.02", "Muara Sabak Barat", -1.2, 103.8),
        region("15.07.01.2001", "Desa Satu", -1.100, 103.800),
        region("15.07.01.2002", "Desa Dua", -1.108, 103.800),
        region("15.07.01.2003", "Desa Tiga", -1.100, 103.808),
        region("15.06", "Tanjung Jabung Barat", -1.0, 103.2),
        region("15.06.01", "Tungkal Ilir", -0.8, 103.4),
        region("15.06.01.2001", "Desa Tungkal", -0.8, 103.4),
    ];
    let mut villages: Vec<String> = CLUSTER.iter().map(|c| (*c).to_owned()).collect();
    for i in 0..9 {
        let (district, number) = if i < 3 { ("15.07.01", 2004 + i) } else { ("15.07.02", 2001 + i - 3) };
        let village = format!("{district}.{number}");
        // A grid 0.045° (5 km) apart, starting 5 km from the cluster.
        let (row, column) = (f64::from(i / 3), f64::from(i % 3));
        regions.push(region(&village, &format!("Desa {village}"), -1.145 - 0.045 * row, 103.845 + 0.045 * column));
        villages.push(village);
    }
    store.upsert_regions(&regions).await.unwrap();
    let unit = |kind: UnitKind, territory: &str| Unit {
        code: Unit::conventional_code(kind, &code(territory)),
        kind,
        name: format!("{} {territory}", kind.title()),
        territory: code(territory),
        parent: None,
        contact: Contact::default(),
        personnel: 10,
    };
    store
        .upsert_units(&[
            unit(UnitKind::Polres, "15.07"),
            unit(UnitKind::BawasluKabupaten, "15.07"),
            unit(UnitKind::Polsek, "15.07.01"),
            unit(UnitKind::Panwascam, "15.07.01"),
            unit(UnitKind::Ppk, "15.07.01"),
            unit(UnitKind::Polsek, "15.07.02"),
            unit(UnitKind::Polres, "15.06"),
        ])
        .await
        .unwrap();
    villages
}

/// The area ([`seed`]) with its accounts — the regency's operator (runs scans), the operators of its two
/// districts, an observer of the regency (reads, does not run) and the operator of the other regency — and the
/// application serving them; the villages.
pub async fn setup(db: &TestDb) -> (TestApp, Vec<String>) {
    let villages = seed(&*db.store).await;
    add_user(&*db.store, "ops", Role::Operator, "polres-15.07", false).await;
    add_user(&*db.store, "ops.timur", Role::Operator, "polsek-15.07.01", false).await;
    add_user(&*db.store, "ops.barat", Role::Operator, "polsek-15.07.02", false).await;
    add_user(&*db.store, "pengamat", Role::Observer, "polres-15.07", false).await;
    add_user(&*db.store, "luar", Role::Operator, "polres-15.06", false).await;
    (TestApp::spawn(db.store.clone(), ServerConfig::default()).await, villages)
}

pub fn report(village: &str, at: i64) -> NewReport {
    NewReport {
        kind: ReportKind::Incident,
        category: "bentrok".into(),
        severity: Severity::High,
        occurred_at_ms: at,
        reported_at_ms: at,
        village: code(village),
        tps_id: None,
        location: None,
        description: "Keributan antarpendukung".into(),
        source_agency: AgencyKind::Polri,
        source_person: "Bhabinkamtibmas".into(),
        reporter_account: None,
        channel: Channel::Sms,
        classification: Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    }
}

pub async fn file_and_move(store: &dyn Store, reports: &[NewReport], moves: &[(Status, Status, &str)]) -> Vec<i64> {
    let ids: Vec<i64> = store.file_reports(reports).await.unwrap().iter().map(|f| f.id().0).collect();
    for &id in &ids {
        for (from, to, action) in moves {
            step(store, id, *from, *to, action).await;
        }
    }
    ids
}

pub async fn step(store: &dyn Store, id: i64, from: Status, to: Status, action: &str) {
    let rejecting = to == Status::Rejected;
    let step = ReportMove {
        report_id: sinergi_domain::incident::ReportId(id),
        action: action.into(),
        from,
        to,
        at_ms: sinergi_server::trust::auth::now_ms(),
        account_id: None,
        actor: "verifikator".into(),
        reject_reason: rejecting.then_some(sinergi_domain::incident::RejectReason::Hoax),
        assigned_unit: None,
        reason: if rejecting { "hoaks".into() } else { String::new() },
    };
    store.move_report(&step).await.unwrap();
}

pub const VERIFY: (Status, Status, &str) = (Status::Reported, Status::Verified, "verify");

/// Files the background (every village, one report every five days over sixty days, at staggered hours) and the
/// cluster (ten reports in each of its villages over the last two and a half days), all verified. Returns the
/// cluster's report ids.
pub async fn file_reports(store: &dyn Store, villages: &[String], now: i64) -> Vec<i64> {
    let mut background = Vec::new();
    for (i, village) in villages.iter().enumerate() {
        for k in 0..12 {
            background.push(report(village, now - 3 * DAY - i64::from(k) * 5 * DAY - (i as i64) * 7 * HOUR));
        }
    }
    file_and_move(store, &background, &[VERIFY]).await;
    let mut cluster = Vec::new();
    for village in CLUSTER {
        for j in 0..10 {
            cluster.push(report(village, now - HOUR - j * 6 * HOUR));
        }
    }
    file_and_move(store, &cluster, &[VERIFY]).await
}
