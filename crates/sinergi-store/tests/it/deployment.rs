//! Deployment in storage: rosters replaced unit by unit and read back whole, a person in one unit only, strength
//! counted without personal data, a regency's pattern, plans versioned per name and one approved per regency.

use std::collections::BTreeMap;

use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::deployment::Force;
use sinergi_domain::deployment::personnel::{Availability, Person};
use sinergi_domain::deployment::planner::{PlanDocument, PlanStatus, PlanSummary};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, Unit, UnitKind};
use sinergi_store::testing::TestDb;
use sinergi_store::{NewPlan, RosterCount, StoredPattern};

use crate::helpers::{all, code, event, seed_regions, viewer};

fn unit(kind: UnitKind, t: &str) -> Unit {
    Unit {
        code: Unit::conventional_code(kind, &code(t)),
        kind,
        name: format!("{} {t}", kind.title()),
        territory: code(t),
        parent: None,
        contact: Contact::default(),
        personnel: 1,
    }
}

async fn seed(db: &TestDb) {
    seed_regions(db, &["15", "15.07", "15.07.01", "15.07.01.2001", "15.08"]).await;
    let units = [
        unit(UnitKind::Polres, "15.07"),
        unit(UnitKind::Polsek, "15.07.01"),
        unit(UnitKind::Linmas, "15.07.01.2001"),
        unit(UnitKind::Polres, "15.08"),
    ];
    db.store.upsert_units(&units).await.unwrap();
}

fn person(id: &str, unit: &str, force: Force) -> Person {
    Person {
        id: id.into(),
        name: format!("Orang {id}"),
        rank: "Bripka".into(),
        unit: unit.into(),
        force,
        phone: Some("+6281234567890".into()),
        availability: Availability::Days([Date::parse("2026-11-27").unwrap()].into()),
        synthetic: false,
    }
}

async fn rosters_are_replaced_per_unit_and_read_whole(db: &TestDb) {
    seed(db).await;
    let polsek = "polsek-15.07.01".to_owned();
    let linmas = "linmas-15.07.01.2001".to_owned();
    let first = [
        person("A1", &polsek, Force::Polri),
        person("A2", &polsek, Force::Polri),
        person("L1", &linmas, Force::Linmas),
    ];
    let n = db
        .store
        .replace_roster(&[polsek.clone(), linmas.clone()], &first, "op", 1, &event("roster.import"))
        .await
        .unwrap();
    assert_eq!(n, 3);
    let back = db.store.people(&[polsek.clone(), linmas.clone()]).await.unwrap();
    assert_eq!(back.len(), 3);
    assert_eq!(back.iter().find(|p| p.id == "A1"), Some(&first[0]), "every field kept, availability too");
    // Replacing the Polsek's roster leaves the Linmas' as it was.
    let second = [person("A3", &polsek, Force::Polri)];
    db.store.replace_roster(std::slice::from_ref(&polsek), &second, "op", 2, &event("roster.import")).await.unwrap();
    let ids: Vec<String> =
        db.store.people(&[polsek.clone(), linmas.clone()]).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(ids, ["L1", "A3"]);
    // A person of another unit's roster is found before a second write would collide.
    let elsewhere = db
        .store
        .people_elsewhere(&["L1".into(), "A3".into(), "Z9".into()], std::slice::from_ref(&polsek))
        .await
        .unwrap();
    assert_eq!(elsewhere, [("L1".to_owned(), linmas.clone())]);
    let clash = [person("L1", &polsek, Force::Polri)];
    assert!(
        db.store.replace_roster(std::slice::from_ref(&polsek), &clash, "op", 3, &event("roster.import")).await.is_err()
    );
    assert_eq!(db.store.people(std::slice::from_ref(&polsek)).await.unwrap().len(), 1, "nothing half-written");
    // Strength, without names, inside a region.
    let counts = db.store.roster_counts(&code("15.07")).await.unwrap();
    assert_eq!(
        counts,
        [
            RosterCount { unit: linmas.clone(), force: Force::Linmas, people: 1 },
            RosterCount { unit: polsek.clone(), force: Force::Polri, people: 1 },
        ]
    );
    assert!(db.store.roster_counts(&code("15.08")).await.unwrap().is_empty());
}

fn document(partial: bool) -> PlanDocument {
    PlanDocument {
        pattern_id: "pilkada-default".into(),
        pattern_version: "2024.1".into(),
        day: "2026-11-27".into(),
        walking_m: 1000.0,
        tps: Vec::new(),
        posts: Vec::new(),
        gaps: Vec::new(),
        need: BTreeMap::new(),
        balances: Vec::new(),
        bko: Vec::new(),
        routes: Vec::new(),
        reserves: None,
        bases: BTreeMap::new(),
        notices: Vec::new(),
        summary: PlanSummary { tps: 7, partial, ..PlanSummary::default() },
    }
}

async fn plans_are_versioned_and_one_is_approved_per_regency(db: &TestDb) {
    seed(db).await;
    let jepara = code("15.07");
    let (whole, partial) = (document(false), document(true));
    let new = |name, document| NewPlan { regency: &jepara, name, document, created_by: "op", at_ms: 5 };
    let (a, va) = db.store.create_plan(&new("Pilkada", &whole), &event("plan.create")).await.unwrap();
    let (b, vb) = db.store.create_plan(&new("Pilkada", &partial), &event("plan.create")).await.unwrap();
    let (c, vc) = db.store.create_plan(&new("Cadangan", &whole), &event("plan.create")).await.unwrap();
    assert_eq!((va, vb, vc), (1, 2, 1));
    let record = db.store.plan(b).await.unwrap().unwrap();
    assert_eq!(record.document, partial);
    assert!(record.head.partial);
    assert_eq!(record.head.status, PlanStatus::Draft);
    assert!(db.store.plan(9_999).await.unwrap().is_none());
    let in_force = |v: sinergi_domain::access::Viewer| async move {
        db.store.plans_in_force(&v, None).await.unwrap().iter().map(|p| p.id).collect::<Vec<i64>>()
    };
    assert_eq!(in_force(all()).await, [c], "no plan approved yet: the newest draft");

    // Approving one supersedes the one approved before; a move from the wrong status writes nothing.
    assert!(
        db.store
            .decide_plan(a, PlanStatus::Draft, PlanStatus::Approved, "kapolres", 10, &event("plan.approve"))
            .await
            .unwrap()
    );
    assert!(
        db.store
            .decide_plan(c, PlanStatus::Draft, PlanStatus::Approved, "kapolres", 11, &event("plan.approve"))
            .await
            .unwrap()
    );
    assert!(
        !db.store
            .decide_plan(a, PlanStatus::Draft, PlanStatus::Approved, "kapolres", 12, &event("plan.approve"))
            .await
            .unwrap()
    );
    let status = |id| async move { db.store.plan(id).await.unwrap().unwrap().head.status };
    assert_eq!(status(a).await, PlanStatus::Superseded);
    assert_eq!(status(b).await, PlanStatus::Draft);
    assert_eq!(status(c).await, PlanStatus::Approved);

    // Lists: newest first, within what the viewer sees (its regency, or the regency above its district).
    let ids: Vec<i64> = db.store.plans(&all(), None).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(ids, [c, b, a]);
    let district = viewer(Role::Observer, AgencyKind::Polri, Some("15.07.01"), Classification::Biasa);
    assert_eq!(db.store.plans(&district, Some(&jepara)).await.unwrap().len(), 3);
    let elsewhere = viewer(Role::Observer, AgencyKind::Polri, Some("15.08"), Classification::Biasa);
    assert!(db.store.plans(&elsewhere, None).await.unwrap().is_empty());

    // In force: per regency, the approved plan even when a draft is newer; else the newest draft.
    let (d, _) = db.store.create_plan(&new("Pilkada", &partial), &event("plan.create")).await.unwrap();
    let other = code("15.08");
    let draft = NewPlan { regency: &other, name: "Pilkada", document: &whole, created_by: "op", at_ms: 6 };
    let (e, _) = db.store.create_plan(&draft, &event("plan.create")).await.unwrap();
    assert!(d > c);
    assert_eq!(in_force(all()).await, [c, e]);
    let one = db.store.plans_in_force(&all(), Some(&other)).await.unwrap();
    assert_eq!(one.iter().map(|p| p.id).collect::<Vec<_>>(), [e], "of one regency");
    assert_eq!(in_force(district).await, [c]);
    assert_eq!(in_force(elsewhere).await, [e]);
}

async fn a_regency_keeps_its_own_pattern(db: &TestDb) {
    seed(db).await;
    let jepara = code("15.07");
    assert!(db.store.pattern(&jepara).await.unwrap().is_none());
    let mut p = StoredPattern {
        regency: jepara.clone(),
        pattern_id: "jepara".into(),
        version: "1".into(),
        definition: "id = \"jepara\"".into(),
        loaded_by: "op".into(),
        loaded_at_ms: 1,
    };
    db.store.put_pattern(&p, &event("deployment.pattern")).await.unwrap();
    p.version = "2".into();
    db.store.put_pattern(&p, &event("deployment.pattern")).await.unwrap();
    assert_eq!(db.store.pattern(&jepara).await.unwrap(), Some(p));
    assert!(db.store.pattern(&code("15.08")).await.unwrap().is_none());
}

sinergi_store::backend_tests!(
    rosters_are_replaced_per_unit_and_read_whole,
    plans_are_versioned_and_one_is_approved_per_regency,
    a_regency_keeps_its_own_pattern,
);
