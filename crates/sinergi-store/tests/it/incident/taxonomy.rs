//! The report taxonomy as data in storage: versions added with their audit entry, the newest found cheaply, the
//! history listed newest first, versions never changed, and which categories stored reports use — on SQLite and
//! on PostgreSQL.

use sinergi_domain::incident::{Channel, ReportKind, SHIPPED_TAXONOMY, Severity};
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::trust::auth::Classification;
use sinergi_domain::{AgencyKind, LatLng, Region};
use sinergi_store::testing::TestDb;
use sinergi_store::{NewReport, NewTaxonomyVersion, Page};

use crate::helpers::code;

fn event() -> AuditEvent {
    AuditEvent {
        at_ms: 1_732_600_000_000,
        actor: "admin".into(),
        action: "taxonomy.load".into(),
        target: "-".into(),
        detail: "pilkada version 2024.11".into(),
        origin: "test".into(),
    }
}

fn version(label: &str, at: i64, reason: &str) -> NewTaxonomyVersion {
    NewTaxonomyVersion {
        taxonomy_id: "pilkada".into(),
        label: label.into(),
        definition: SHIPPED_TAXONOMY.replace("version = \"2024.11\"", &format!("version = \"{label}\"")),
        loaded_by: "admin".into(),
        loaded_at_ms: at,
        reason: reason.into(),
    }
}

fn report(category: &str) -> NewReport {
    NewReport {
        kind: ReportKind::Incident,
        category: category.into(),
        severity: Severity::High,
        occurred_at_ms: 1000,
        reported_at_ms: 2000,
        village: code("15.07.01.2001"),
        tps_id: None,
        location: None,
        description: "Ricuh".into(),
        source_agency: AgencyKind::Polri,
        source_person: "Bripka Sabar".into(),
        reporter_account: None,
        channel: Channel::Web,
        classification: Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    }
}

async fn versions_are_added_listed_and_never_changed(db: &TestDb) {
    let store = &db.store;
    // Nothing stored: the shipped taxonomy stays in force.
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), None);
    assert_eq!(store.latest_taxonomy_version().await.unwrap(), None);
    assert_eq!(store.taxonomy_versions(Page::new(1, 10)).await.unwrap(), (Vec::new(), 0));
    assert_eq!(store.taxonomy_version(1).await.unwrap(), None);

    let first = store.add_taxonomy_version(&version("2024.12", 1000, "Polsek untuk logistik"), &event()).await.unwrap();
    let second = store.add_taxonomy_version(&version("2025.01", 2000, "Pilkada ulang"), &event()).await.unwrap();
    assert!(second > first, "ids grow: {first}, {second}");
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), Some(second));

    let latest = store.latest_taxonomy_version().await.unwrap().expect("a newest version");
    assert_eq!(latest.version.id, second);
    assert_eq!(
        (latest.version.taxonomy_id.as_str(), latest.version.label.as_str(), latest.version.reason.as_str()),
        ("pilkada", "2025.01", "Pilkada ulang")
    );
    assert_eq!((latest.version.loaded_by.as_str(), latest.version.loaded_at_ms), ("admin", 2000));
    assert!(latest.definition.contains("version = \"2025.01\""));
    let one = store.taxonomy_version(first).await.unwrap().expect("the first version");
    assert_eq!(one.version.label, "2024.12");
    assert_eq!(one.definition, version("2024.12", 1000, "").definition);
    assert_eq!(store.taxonomy_version(second + 100).await.unwrap(), None);

    // The history: newest first, paged, with the total.
    let third = store.add_taxonomy_version(&version("2025.02", 3000, "Batas waktu"), &event()).await.unwrap();
    let (page, total) = store.taxonomy_versions(Page::new(1, 2)).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(page.iter().map(|v| v.id).collect::<Vec<_>>(), [third, second]);
    let (page, _) = store.taxonomy_versions(Page::new(2, 2)).await.unwrap();
    assert_eq!(page.iter().map(|v| v.label.as_str()).collect::<Vec<_>>(), ["2024.12"]);

    // Each load is in the audit log, with the version it made.
    let entries = store.audit_entries(0, 100).await.unwrap();
    let targets: Vec<&str> =
        entries.iter().filter(|e| e.event.action == "taxonomy.load").map(|e| e.event.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            format!("taxonomy_version:{first}"),
            format!("taxonomy_version:{second}"),
            format!("taxonomy_version:{third}")
        ]
    );

    // The database itself keeps the history: no version is changed or removed behind the store's back.
    let refused = db.execute_raw("UPDATE taxonomy_version SET reason = 'diam-diam'").await.unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
    let refused = db.execute_raw(&format!("DELETE FROM taxonomy_version WHERE id = {first}")).await.unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
    assert_eq!(store.taxonomy_versions(Page::new(1, 10)).await.unwrap().1, 3);
}

async fn categories_in_use_are_found_among_those_asked(db: &TestDb) {
    let store = &db.store;
    let region = |c: &str| Region { code: code(c), name: c.to_owned(), centroid: Some(LatLng::new(-1.0, 103.0)) };
    store.upsert_regions(&["15", "15.07", "15.07.01", "15.07.01.2001"].map(region)).await.unwrap();
    let ids = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();

    assert!(store.categories_in_use(&ids(&["bentrok", "logistik"])).await.unwrap().is_empty());
    assert!(store.categories_in_use(&[]).await.unwrap().is_empty());
    store.file_reports(&[report("bentrok"), report("bentrok"), report("siber")]).await.unwrap();
    assert_eq!(
        store.categories_in_use(&ids(&["logistik", "siber", "bentrok", "siber", "tidak_ada"])).await.unwrap(),
        ids(&["siber", "bentrok"])
    );
}

sinergi_store::backend_tests!(
    versions_are_added_listed_and_never_changed,
    categories_in_use_are_found_among_those_asked,
);
