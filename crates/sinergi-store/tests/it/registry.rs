//! The behaviour suite of the registry: regions, boundaries, TPS and units; every test here runs on SQLite and on
//! PostgreSQL (see `backend_tests!`).

use sinergi_domain::registry::agency::Contact;
use sinergi_domain::{AccessMode, AgencyKind, Boundary, LatLng, Level, Region, Tps, Unit, UnitKind};
use sinergi_store::testing::TestDb;
use sinergi_store::{Page, StoreError, UnitFilter};

use crate::helpers::{all, code, event};

fn region(c: &str, name: &str) -> Region {
    Region { code: code(c), name: name.to_owned(), centroid: Some(LatLng::new(-1.0, 103.5)) }
}

/// Jambi → Tanjung Jabung Timur → two districts → three villages; and Riau with one regency.
fn hierarchy() -> Vec<Region> {
    vec![
        // Deliberately children first: the store must order them.
        region("15.07.01.2001", "Desa Satu"),
        region("15.07.01.2002", "Desa_Dua 100%"),
        region("15.07.02.1001", "Kelurahan Tiga"),
        region("15.07.01", "Muara Sabak Timur"),
        region("15.07.02", "Muara Sabak Barat"),
        region("15.07", "Kabupaten Tanjung Jabung Timur"),
        region("15", "Jambi"),
        region("14", "Riau"),
        region("14.04", "Kabupaten Indragiri Hilir"),
    ]
}

fn tps(village: &str, number: u32, voters: u32) -> Tps {
    Tps {
        village: code(village),
        number,
        address: format!("TPS {number} di {village}"),
        location: Some(LatLng::new(-1.05, 103.9)),
        voters,
        access: AccessMode::River,
        synthetic: false,
    }
}

fn square(lng0: f64) -> Boundary {
    let g = geojson::Geometry::new_polygon([[[lng0, -1.0], [lng0 + 0.1, -1.0], [lng0 + 0.1, -1.1], [lng0, -1.0]]]);
    Boundary::from_geojson(&g).unwrap()
}

async fn regions_are_kept_and_found(db: &TestDb) {
    let store = &db.store;
    assert_eq!(store.upsert_regions(&hierarchy()).await.unwrap(), 9);
    // A second import updates in place.
    let mut again = hierarchy();
    again[6].name = "Provinsi Jambi".into();
    store.upsert_regions(&again).await.unwrap();
    assert_eq!(store.count_regions().await.unwrap(), 9);

    let jambi = store.region(&all(), &code("15")).await.unwrap().unwrap();
    assert_eq!(jambi.name, "Provinsi Jambi");
    assert_eq!(jambi.level, Level::Province);
    assert_eq!(jambi.parent, None);
    let village = store.region(&all(), &code("15.07.01.2001")).await.unwrap().unwrap();
    assert_eq!(village.parent, Some(code("15.07.01")));
    assert_eq!(village.centroid, Some(LatLng::new(-1.0, 103.5)));
    assert!(store.region(&all(), &code("15.08")).await.unwrap().is_none());

    let provinces: Vec<String> =
        store.children(&all(), None).await.unwrap().into_iter().map(|r| r.code.to_string()).collect();
    assert_eq!(provinces, ["14", "15"]);
    let districts: Vec<String> =
        store.children(&all(), Some(&code("15.07"))).await.unwrap().into_iter().map(|r| r.code.to_string()).collect();
    assert_eq!(districts, ["15.07.01", "15.07.02"]);
    assert!(store.children(&all(), Some(&code("15.07.01.2001"))).await.unwrap().is_empty());

    // Case-insensitive, wider regions first, LIKE metacharacters taken literally.
    let found: Vec<String> =
        store.search_regions(&all(), "SABAK", 10).await.unwrap().into_iter().map(|r| r.code.to_string()).collect();
    assert_eq!(found, ["15.07.02", "15.07.01"]);
    let literal = store.search_regions(&all(), "_dua 100%", 10).await.unwrap();
    assert_eq!(literal.len(), 1);
    assert!(store.search_regions(&all(), "a%a", 10).await.unwrap().is_empty());
    assert_eq!(store.search_regions(&all(), "%", 10).await.unwrap().len(), 1);
    assert_eq!(store.search_regions(&all(), "a", 3).await.unwrap().len(), 3);

    let codes = store.region_codes().await.unwrap();
    assert_eq!(codes.len(), 9);
    assert!(codes.contains(&code("14.04")));
}

async fn an_import_with_an_orphan_writes_nothing(db: &TestDb) {
    let store = &db.store;
    let mut regions = hierarchy();
    regions.push(region("16.01", "Orphan of a missing province"));
    let err = store.upsert_regions(&regions).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidReference(_)), "{err:?}");
    assert_eq!(store.count_regions().await.unwrap(), 0, "the whole import rolls back");
}

async fn boundaries_attach_and_stay_inside_their_region(db: &TestDb) {
    let store = &db.store;
    store.upsert_regions(&hierarchy()).await.unwrap();
    let set = vec![
        (code("15.07.01"), square(103.0)),
        (code("15.07.02"), square(103.2)),
        (code("15.07.01.2001"), square(103.0)),
    ];
    assert_eq!(store.set_boundaries(&set).await.unwrap(), 3);
    let districts = store.boundaries(&all(), &code("15.07"), Level::District).await.unwrap();
    assert_eq!(districts.iter().map(|b| b.code.to_string()).collect::<Vec<_>>(), ["15.07.01", "15.07.02"]);
    assert_eq!(districts[0].name, "Muara Sabak Timur");
    assert_eq!(Boundary::from_geojson_str(&districts[1].geometry).unwrap(), square(103.2));
    let villages = store.boundaries(&all(), &code("15.07"), Level::Village).await.unwrap();
    assert_eq!(villages.len(), 1);
    assert!(store.boundaries(&all(), &code("14"), Level::District).await.unwrap().is_empty());
    assert_eq!(store.boundary(&all(), &code("15.07.02")).await.unwrap(), Some(square(103.2)));
    assert_eq!(store.boundary(&all(), &code("15.07")).await.unwrap(), None);
    assert!(store.region(&all(), &code("15.07.01")).await.unwrap().unwrap().has_boundary);
    let mapped: Vec<String> =
        store.mapped_regencies(&all()).await.unwrap().into_iter().map(|r| r.code.to_string()).collect();
    assert_eq!(mapped, ["15.07"]);

    // An unknown region fails the whole call, and the boundary set before it in the call is rolled back.
    let bad = vec![(code("15.07.02.1001"), square(103.2)), (code("15.09"), square(103.0))];
    assert!(matches!(store.set_boundaries(&bad).await, Err(StoreError::InvalidReference(_))));
    assert_eq!(store.boundary(&all(), &code("15.07.02.1001")).await.unwrap(), None);
}

async fn tps_are_listed_by_region_with_paging(db: &TestDb) {
    let store = &db.store;
    store.upsert_regions(&hierarchy()).await.unwrap();
    let mut list = vec![tps("15.07.02.1001", 1, 300)];
    list.extend((1..=5).map(|n| tps("15.07.01.2001", n, 400)));
    list.push(tps("15.07.01.2002", 1, 500));
    assert_eq!(store.upsert_tps(&list).await.unwrap(), 7);
    // Re-importing the same list updates, it does not duplicate.
    list[0].voters = 350;
    store.upsert_tps(&list).await.unwrap();

    let (page, total) = store.list_tps(&all(), &code("15.07"), Page::new(1, 4)).await.unwrap();
    assert_eq!(total, 7);
    let keys: Vec<(String, u32)> = page.iter().map(|r| (r.tps.village.to_string(), r.tps.number)).collect();
    assert_eq!(keys[0], ("15.07.01.2001".to_owned(), 1));
    assert_eq!(page.len(), 4);
    let (last, _) = store.list_tps(&all(), &code("15.07"), Page::new(2, 4)).await.unwrap();
    assert_eq!(last.len(), 3);
    assert_eq!(last[2].tps.village, code("15.07.02.1001"));
    assert_eq!(last[2].tps.voters, 350);
    assert_eq!(last[2].village_name, "Kelurahan Tiga");

    for (region, expected) in [("15", 7), ("15.07.01", 6), ("15.07.01.2001", 5), ("15.07.01.2002", 1), ("14", 0)] {
        let (_, total) = store.list_tps(&all(), &code(region), Page::new(1, 100)).await.unwrap();
        assert_eq!(total, expected, "{region}");
        assert_eq!(store.all_tps(&all(), &code(region)).await.unwrap().len() as u64, expected, "{region}");
    }
    let stats = store.tps_stats(&all(), &code("15.07.01")).await.unwrap();
    assert_eq!((stats.tps, stats.voters), (6, 2500));

    let by_district = store.tps_stats_by_child(&all(), Some(&code("15.07"))).await.unwrap();
    assert_eq!(by_district[&code("15.07.01")].tps, 6);
    assert_eq!(by_district[&code("15.07.02")].voters, 350);
    let by_village = store.tps_stats_by_child(&all(), Some(&code("15.07.01"))).await.unwrap();
    assert_eq!(by_village[&code("15.07.01.2002")].tps, 1);
    let by_province = store.tps_stats_by_child(&all(), None).await.unwrap();
    assert_eq!(by_province.len(), 1);
    assert_eq!(by_province[&code("15")].tps, 7);
    assert_eq!(store.count_synthetic_tps().await.unwrap(), 0);
}

async fn tps_are_created_and_updated_one_by_one(db: &TestDb) {
    let store = &db.store;
    store.upsert_regions(&hierarchy()).await.unwrap();
    let created = store.create_tps(&all(), &tps("15.07.01.2001", 1, 420), &event("test.write")).await.unwrap();
    assert_eq!(created.tps.voters, 420);
    assert_eq!(store.tps(&all(), created.id).await.unwrap(), Some(created.clone()));

    let dup = store.create_tps(&all(), &tps("15.07.01.2001", 1, 100), &event("test.write")).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup:?}");
    let orphan = store.create_tps(&all(), &tps("15.07.01.2999", 1, 100), &event("test.write")).await.unwrap_err();
    assert!(matches!(orphan, StoreError::InvalidReference(_)), "{orphan:?}");

    let mut changed = tps("15.07.01.2001", 2, 480);
    changed.access = AccessMode::Sea;
    changed.location = None;
    let updated = store.update_tps(&all(), created.id, &changed, &event("test.write")).await.unwrap().unwrap();
    assert_eq!(updated.tps, changed);
    assert_eq!(updated.id, created.id);
    assert!(store.update_tps(&all(), created.id + 1000, &changed, &event("test.write")).await.unwrap().is_none());
    assert!(store.tps(&all(), created.id + 1000).await.unwrap().is_none());

    // Moving onto an occupied number is a conflict and changes nothing.
    let other = store.create_tps(&all(), &tps("15.07.01.2001", 3, 300), &event("test.write")).await.unwrap();
    let clash = store.update_tps(&all(), other.id, &changed, &event("test.write")).await.unwrap_err();
    assert!(matches!(clash, StoreError::Conflict(_)));
    assert_eq!(store.tps(&all(), other.id).await.unwrap().unwrap().tps.number, 3);
}

fn unit(kind: UnitKind, territory: &str, parent: Option<&str>, personnel: u32) -> Unit {
    let territory = code(territory);
    Unit {
        code: Unit::conventional_code(kind, &territory),
        kind,
        name: format!("{} {}", kind.title(), territory),
        territory,
        parent: parent.map(str::to_owned),
        contact: Contact { phone: Some("0741-000".into()), email: None, address: Some("Jl. Contoh".into()) },
        personnel,
    }
}

async fn units_are_filtered_by_agency_kind_and_territory(db: &TestDb) {
    let store = &db.store;
    store.upsert_regions(&hierarchy()).await.unwrap();
    let units = vec![
        unit(UnitKind::Polres, "15.07", None, 500),
        unit(UnitKind::Polsek, "15.07.01", Some("polres-15.07"), 30),
        unit(UnitKind::Polsek, "15.07.02", Some("polres-15.07"), 25),
        unit(UnitKind::Pps, "15.07.01.2001", None, 3),
        unit(UnitKind::Polres, "14.04", None, 600),
    ];
    assert_eq!(store.upsert_units(&units).await.unwrap(), 5);
    store.upsert_units(&units).await.unwrap();

    let codes = store.unit_codes().await.unwrap();
    assert_eq!(codes.len(), 5);
    assert!(codes.contains("pps-15.07.01.2001"));
    let polres = store.unit(&all(), "polres-15.07").await.unwrap().unwrap();
    assert_eq!(polres, units[0]);
    assert!(store.unit(&all(), "polres-99.99").await.unwrap().is_none());

    let filter = UnitFilter { agency: Some(AgencyKind::Polri), within: Some(code("15.07")), ..Default::default() };
    let (found, total) = store.list_units(&all(), &filter, Page::new(1, 2)).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(found.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["polres-15.07", "polsek-15.07.01"]);
    let filter = UnitFilter { kind: Some(UnitKind::Polsek), ..Default::default() };
    assert_eq!(store.list_units(&all(), &filter, Page::new(1, 10)).await.unwrap().1, 2);
    let filter = UnitFilter { at: Some(code("15.07")), ..Default::default() };
    let (at, _) = store.list_units(&all(), &filter, Page::new(1, 10)).await.unwrap();
    assert_eq!(at.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["polres-15.07"]);
    let (every, total) = store.list_units(&all(), &UnitFilter::default(), Page::new(1, 10)).await.unwrap();
    assert_eq!((every.len(), total), (5, 5));

    let summaries = store.agency_summaries(&all()).await.unwrap();
    assert_eq!(summaries.len(), AgencyKind::ALL.len());
    let polri = summaries.iter().find(|s| s.agency == AgencyKind::Polri).unwrap();
    assert_eq!((polri.units, polri.personnel), (4, 1155));
    let tni = summaries.iter().find(|s| s.agency == AgencyKind::Tni).unwrap();
    assert_eq!(tni.units, 0);

    let mut orphan = unit(UnitKind::Polres, "14.04", None, 1);
    orphan.code = "polres-x".into();
    orphan.territory = code("16.01");
    assert!(matches!(store.upsert_units(&[orphan]).await, Err(StoreError::InvalidReference(_))));
}

async fn meta_values_are_kept(db: &TestDb) {
    let store = &db.store;
    assert_eq!(store.meta("demo.version").await.unwrap(), None);
    store.set_meta("demo.version", "1").await.unwrap();
    store.set_meta("demo.version", "2").await.unwrap();
    assert_eq!(store.meta("demo.version").await.unwrap().as_deref(), Some("2"));
}

async fn text_with_sql_metacharacters_is_stored_verbatim(db: &TestDb) {
    let store = &db.store;
    store.upsert_regions(&hierarchy()).await.unwrap();
    let mut nasty = tps("15.07.01.2001", 9, 100);
    nasty.address = "'); DROP TABLE tps; -- <script>alert(1)</script> \"quoted\" \\ 100%".into();
    let created = store.create_tps(&all(), &nasty, &event("test.write")).await.unwrap();
    assert_eq!(store.tps(&all(), created.id).await.unwrap().unwrap().tps.address, nasty.address);
    assert_eq!(store.tps_stats(&all(), &code("15")).await.unwrap().tps, 1);
}

sinergi_store::backend_tests!(
    regions_are_kept_and_found,
    an_import_with_an_orphan_writes_nothing,
    boundaries_attach_and_stay_inside_their_region,
    tps_are_listed_by_region_with_paging,
    tps_are_created_and_updated_one_by_one,
    units_are_filtered_by_agency_kind_and_territory,
    meta_values_are_kept,
    text_with_sql_metacharacters_is_stored_verbatim,
);
