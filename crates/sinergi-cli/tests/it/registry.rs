//! The registry from the command line: importing regions, boundaries, TPS and units (every bad row named, all
//! or nothing, even when killed), exporting TPS, and the demo database.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use sinergi_domain::{AccessMode, LatLng, Level, Tps};
use sinergi_store::prelude::*;
use sinergi_store::{Page, SqliteStore, UnitFilter};

use crate::helpers::{Db, assert_issues, code, data_dir, fixture, wilayah};

/// Rows of `wilayah.csv` (see `shared/data/README.md`).
const NATIONAL_REGIONS: u64 = 91_599;
/// The regencies the demo seeds.
const DEMO_REGENCIES: [&str; 4] = ["15.07", "14.04", "33.20", "73.18"];

/// Reads as the command line does: everything.
fn all() -> sinergi_domain::access::Viewer {
    sinergi_domain::access::Viewer::system("test")
}

fn tps_key(t: &Tps) -> (String, u32) {
    (t.village.to_string(), t.number)
}

async fn all_tps(store: &SqliteStore, within: &str) -> Vec<Tps> {
    store.all_tps(&all(), &code(within)).await.expect("all_tps").into_iter().map(|r| r.tps).collect()
}

async fn unit_count(store: &SqliteStore) -> u64 {
    store.list_units(&all(), &UnitFilter::default(), Page::new(1, 1)).await.expect("list_units").1
}

// --skip-invalid never writes a child whose parent row it left out.

#[tokio::test]
async fn skip_invalid_leaves_out_the_children_of_a_bad_row() {
    let db = Db::new();
    let file = db.path("chain.csv");
    std::fs::write(
        &file,
        "code,name,level,parent,lat,lng\n15,Jambi,1,,,\n15.07,Kabupaten Tanjung Jabung Timur,3,15,,\n\
         15.07.01,Muara Sabak Timur,3,15.07,,\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let run = db.run(&["import", "regions", &file, "--skip-invalid"]);
    run.expect_code(0);
    assert!(run.stderr.contains("2 bad rows were skipped"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{file}:3: column level:")), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("{file}:4: column code: parent 15.07 is in the file but its row has problems")),
        "{}",
        run.stderr
    );
    let store = db.store().await;
    assert_eq!(store.count_regions().await.unwrap(), 1);
    assert!(store.region(&all(), &code("15")).await.unwrap().is_some());
}

// Regions: every bad row named, nothing written; --skip-invalid writes the good ones.

#[tokio::test]
async fn import_regions_names_every_bad_row_and_writes_nothing() {
    let db = Db::new();
    let file = fixture("regions_bad.csv");
    let run = db.run(&["import", "regions", &file]);
    run.expect_code(2);
    let expected: &[(u64, Option<&str>, &[&str])] = &[
        (6, Some("code"), &["invalid region code", "15.7"]),
        (7, Some("code"), &["parent 16"]),
        (8, Some("level"), &["level 2", "15.07.02", "level 3"]),
        (9, Some("lat"), &["48.8566", "2.3522", "outside Indonesia"]),
        (10, Some("code"), &["15.07.01.2001", "more than once", "line 5"]),
        (11, Some("name"), &["must not be empty"]),
        (12, None, &["malformed CSV", "3 fields", "header has 6"]),
    ];
    assert_issues(&run, &file, expected);
    assert!(run.stderr.contains(&format!("Nothing was written: 7 bad rows in {file}")), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(db.store().await.count_regions().await.unwrap(), 0, "a rejected import must write nothing");

    let run = db.run(&["import", "regions", "--skip-invalid", &file]);
    run.ok();
    assert_issues(&run, &file, expected);
    assert!(run.stderr.contains("7 bad rows were skipped"), "{}", run.stderr);
    assert_eq!(run.stdout.trim(), format!("5 rows imported from {file}."));
    let store = db.store().await;
    assert_eq!(store.count_regions().await.unwrap(), 5);
    let codes: HashSet<String> = store.region_codes().await.unwrap().iter().map(|c| c.to_string()).collect();
    let want: HashSet<String> =
        ["15", "15.07", "15.07.01", "15.07.01.2001", "15.07.01.2012"].into_iter().map(str::to_owned).collect();
    assert_eq!(codes, want);
    // The first of the duplicated rows is the one kept, and a quoted name keeps its comma.
    let village = store.region(&all(), &code("15.07.01.2001")).await.unwrap().unwrap();
    assert_eq!(village.name, "Alang-Alang");
    assert_eq!(village.centroid, Some(LatLng::new(-1.025419, 103.873367)));
    assert_eq!(village.parent, Some(code("15.07.01")));
    let quoted = store.region(&all(), &code("15.07.01.2012")).await.unwrap().unwrap();
    assert_eq!((quoted.name.as_str(), quoted.level), ("Lambur II, Desa", Level::Village));
}

// The national file, twice.

#[tokio::test]
async fn import_the_national_region_list_twice() {
    let db = Db::new();
    let file = wilayah();
    let run = db.run(&["import", "regions", &file]);
    run.ok();
    assert_eq!(run.stdout.trim(), format!("{NATIONAL_REGIONS} rows imported from {file}."));
    assert!(run.stderr.is_empty(), "the national file has no bad rows: {}", run.stderr);

    let store = db.store().await;
    assert_eq!(store.count_regions().await.unwrap(), NATIONAL_REGIONS);
    let codes = store.region_codes().await.unwrap();
    let provinces = store.children(&all(), None).await.unwrap();
    assert_eq!(provinces.len(), 38);
    let jepara = store.region(&all(), &code("33.20")).await.unwrap().expect("Jepara");
    assert_eq!(jepara.name, "Kabupaten Jepara");
    assert_eq!(jepara.level, Level::Regency);
    assert_eq!(jepara.parent, Some(code("33")));
    let by_level = |level: Level| codes.iter().filter(|c| c.level() == level).count();
    // The file's own counts per level (the README says 83,760 villages, but its four counts would then not add up to
    // its 91,599 rows: the file has 83,762).
    assert_eq!(
        [Level::Province, Level::Regency, Level::District, Level::Village].map(by_level),
        [38, 514, 7_285, 83_762]
    );
    let sample: Vec<_> = ["11.01.01.2001", "15.07", "73.18", "94"].iter().map(|c| code(c)).collect();
    let mut before = Vec::new();
    for c in &sample {
        before.push(store.region(&all(), c).await.unwrap().expect("sample region"));
    }
    drop(store);

    db.run(&["import", "regions", &file]).ok();
    let store = db.store().await;
    assert_eq!(store.count_regions().await.unwrap(), NATIONAL_REGIONS, "a second import must add nothing");
    assert_eq!(store.region_codes().await.unwrap(), codes);
    assert_eq!(store.children(&all(), None).await.unwrap(), provinces);
    for (c, info) in sample.iter().zip(&before) {
        assert_eq!(&store.region(&all(), c).await.unwrap().unwrap(), info);
    }
}

// Boundaries.

/// The region rows of one regency (with its province), cut from the national file into `dir`.
fn regency_regions(dir: &Path, regency: &str) -> String {
    let text = std::fs::read_to_string(wilayah()).unwrap();
    let province = &regency[..2];
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split(',').next().unwrap_or("");
        if i == 0 || code == province || code == regency || code.starts_with(&format!("{regency}.")) {
            out.push_str(line);
            out.push('\n');
        }
    }
    let path = dir.join(format!("regions-{regency}.csv"));
    std::fs::write(&path, out).unwrap();
    path.display().to_string()
}

async fn stored_boundaries(store: &SqliteStore, within: &str) -> usize {
    let within = code(within);
    let districts = store.boundaries(&all(), &within, Level::District).await.unwrap().len();
    let villages = store.boundaries(&all(), &within, Level::Village).await.unwrap().len();
    districts + villages
}

#[tokio::test]
async fn import_boundaries_of_a_regency() {
    let db = Db::new();
    let regions = regency_regions(db.dir.path(), "15.07");
    db.run(&["import", "regions", &regions]).ok();
    let real = data_dir().join("boundaries/15.07.geojson");
    let text = std::fs::read_to_string(&real).unwrap();
    let geojson: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = geojson["features"].as_array().unwrap();
    let feature_codes: Vec<String> =
        features.iter().map(|f| f["properties"]["code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(feature_codes.len(), 104);

    // A feature for a region that does not exist: the feature is named and nothing is written.
    let mut unknown = geojson.clone();
    unknown["features"][6]["properties"]["code"] = serde_json::json!("15.07.99.2999");
    let unknown_file = db.path("unknown.geojson").display().to_string();
    std::fs::write(&unknown_file, serde_json::to_vec(&unknown).unwrap()).unwrap();
    let run = db.run(&["import", "boundaries", &unknown_file]);
    run.expect_code(2);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with(&unknown_file)).collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(&format!("{unknown_file}: feature 7: column code: "))
            && lines[0].contains("15.07.99.2999"),
        "{}",
        lines[0]
    );
    assert!(run.stderr.contains("Nothing was written: 1 bad rows"), "{}", run.stderr);
    let store = db.store().await;
    assert_eq!(stored_boundaries(&store, "15.07").await, 0);
    assert_eq!(store.boundary(&all(), &code(&feature_codes[0])).await.unwrap(), None);

    // Not GeoJSON at all.
    let malformed = db.path("malformed.geojson").display().to_string();
    std::fs::write(&malformed, &text[..text.len() / 2]).unwrap();
    let run = db.run(&["import", "boundaries", &malformed]);
    run.expect_code(2);
    assert!(run.stderr.starts_with(&format!("{malformed}: malformed GeoJSON: ")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("Nothing was written: 1 bad rows in {malformed}")), "{}", run.stderr);
    // GeoJSON, but not a FeatureCollection.
    let geometry = db.path("geometry.geojson").display().to_string();
    std::fs::write(&geometry, r#"{"type":"Point","coordinates":[103.9,-1.1]}"#).unwrap();
    let run = db.run(&["import", "boundaries", &geometry]);
    run.expect_code(2);
    assert!(run.stderr.starts_with(&format!("{geometry}: malformed GeoJSON: ")), "{}", run.stderr);
    assert!(run.stderr.contains("FeatureCollection"), "{}", run.stderr);
    assert_eq!(stored_boundaries(&store, "15.07").await, 0);

    // The real file.
    let real = real.display().to_string();
    let run = db.run(&["import", "boundaries", &real]);
    run.ok();
    assert_eq!(run.stdout.trim(), format!("104 rows imported from {real}."));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(store.boundaries(&all(), &code("15.07"), Level::District).await.unwrap().len(), 11);
    assert_eq!(store.boundaries(&all(), &code("15.07"), Level::Village).await.unwrap().len(), 93);
    for c in &feature_codes {
        let boundary = store.boundary(&all(), &code(c)).await.unwrap();
        assert!(boundary.is_some(), "no boundary stored for {c}");
    }
    let mapped: Vec<String> =
        store.mapped_regencies(&all()).await.unwrap().iter().map(|r| r.code.to_string()).collect();
    assert_eq!(mapped, ["15.07"]);
    // The district's polygon holds its own centroid as the file gives it.
    let district = store.boundary(&all(), &code("15.07.01")).await.unwrap().unwrap();
    assert!(district.contains(LatLng::new(-1.070814, 103.944736)));

    // --skip-invalid on a fresh database writes every feature but the bad one.
    let fresh = Db::new();
    let regions = regency_regions(fresh.dir.path(), "15.07");
    fresh.run(&["import", "regions", &regions]).ok();
    let run = fresh.run(&["import", "boundaries", "--skip-invalid", &unknown_file]);
    run.ok();
    assert_eq!(run.stdout.trim(), format!("103 rows imported from {unknown_file}."));
    let store = fresh.store().await;
    assert_eq!(stored_boundaries(&store, "15.07").await, 103);
    assert_eq!(store.boundary(&all(), &code(&feature_codes[6])).await.unwrap(), None);
}

// TPS.

fn tps(
    village: &str,
    number: u32,
    address: &str,
    location: Option<(f64, f64)>,
    voters: u32,
    access: AccessMode,
) -> Tps {
    Tps {
        village: code(village),
        number,
        address: address.to_owned(),
        location: location.map(|(lat, lng)| LatLng::new(lat, lng)),
        voters,
        access,
        synthetic: false,
    }
}

#[tokio::test]
async fn import_tps_names_every_bad_row_and_writes_nothing() {
    let db = Db::new();
    db.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
    let file = fixture("tps_bad.csv");
    let run = db.run(&["import", "tps", &file]);
    run.expect_code(2);
    let expected: &[(u64, Option<&str>, &[&str])] = &[
        (5, Some("voters"), &["negative", "-5"]),
        (6, Some("number"), &["001", "15.07.01.2001", "more than once", "line 2"]),
        (7, Some("village_code"), &["15.07.01.2999", "not in the database"]),
        (8, Some("village_code"), &["15.07.01 is not a village"]),
        (9, Some("lat"), &["103.938339", "-1.035923", "outside Indonesia"]),
        (10, Some("access"), &["helikopter"]),
        (11, Some("number"), &["“x” is not a number"]),
    ];
    assert_issues(&run, &file, expected);
    assert!(run.stderr.contains(&format!("Nothing was written: 7 bad rows in {file}")), "{}", run.stderr);
    let store = db.store().await;
    assert!(all_tps(&store, "15").await.is_empty(), "a rejected import must write nothing");

    let run = db.run(&["import", "tps", "--skip-invalid", &file]);
    run.ok();
    assert_issues(&run, &file, expected);
    assert_eq!(run.stdout.trim(), format!("4 rows imported from {file}."));
    let want = vec![
        tps("15.07.01.2001", 1, "Balai Desa Alang-Alang", Some((-1.025419, 103.873367)), 420, AccessMode::Road),
        tps("15.07.01.2001", 2, "SD Negeri 1 Alang-Alang", None, 380, AccessMode::River),
        tps("15.07.01.2002", 1, "Jl. Lintas Timur, RT 02", Some((-1.035923, 103.938339)), 512, AccessMode::River),
        tps("15.07.02.1001", 1, "Pos kamling RT 3", Some((-1.062515, 104.220538)), 350, AccessMode::Sea),
    ];
    assert_eq!(all_tps(&store, "15").await, want);

    // Importing the same file again updates in place: still four.
    db.run(&["import", "tps", "--skip-invalid", &file]).ok();
    assert_eq!(all_tps(&store, "15").await, want);
}

// Export, and the round trip through CSV.

#[tokio::test]
async fn export_csv_reimports_to_the_same_tps_and_geojson_has_the_points() {
    let source = Db::new();
    source.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
    let input = fixture("tps_good.csv");
    source.run(&["import", "tps", &input]).ok();
    let store = source.store().await;
    let original = all_tps(&store, "15.07").await;
    assert_eq!(original.len(), 5);
    let quoted = original.iter().find(|t| tps_key(t) == ("15.07.01.2001".into(), 2)).unwrap();
    assert_eq!(quoted.address, r#"Jl. "Merdeka", No. 5"#);
    let synthetic: Vec<(String, u32)> = original.iter().filter(|t| t.synthetic).map(tps_key).collect();
    assert_eq!(synthetic, [("15.07.01.2002".to_owned(), 1), ("15.07.01.2004".to_owned(), 3)]);

    // CSV to standard output, and the same to a file.
    let run = source.run(&["export", "tps", "--region", "15.07"]);
    run.ok();
    let csv_text = run.stdout.clone();
    assert_eq!(csv_text.lines().count(), 1 + 5, "{csv_text}");
    assert!(csv_text.starts_with("village_code,village_name,number,address,lat,lng,voters,access,synthetic\r\n"));
    let exported = source.path("export.csv");
    let exported_str = exported.display().to_string();
    source.run(&["export", "tps", "--region", "15.07", "--out", &exported_str]).ok();
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), csv_text);
    // A narrower region exports only its own TPS.
    let district = source.run(&["export", "tps", "--region", "15.07.02"]);
    district.ok();
    assert_eq!(district.stdout.lines().count(), 1 + 1);
    assert!(district.stdout.lines().nth(1).unwrap().starts_with("15.07.02.1001,Nipah Panjang I,12,"));

    // Into a fresh database with the same regions: the same TPS, and the same export.
    let target = Db::new();
    target.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
    let run = target.run(&["import", "tps", &exported_str]);
    run.ok();
    assert_eq!(run.stdout.trim(), format!("5 rows imported from {exported_str}."));
    let copy = target.store().await;
    assert_eq!(all_tps(&copy, "15.07").await, original);
    let again = target.run(&["export", "tps", "--region", "15.07"]);
    again.ok();
    assert_eq!(again.stdout, csv_text);

    // GeoJSON, by --format and by the --out extension.
    let run = source.run(&["export", "tps", "--region", "15.07", "--format", "geojson"]);
    run.ok();
    let out = source.path("tps.geojson");
    source.run(&["export", "tps", "--region", "15.07", "--out", &out.display().to_string()]).ok();
    let from_file = std::fs::read_to_string(&out).unwrap();
    assert_eq!(from_file, run.stdout);
    let collection: serde_json::Value = serde_json::from_str(&from_file).expect("export is JSON");
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    assert_eq!(features.len(), original.len());
    let mut points = 0;
    for (feature, t) in features.iter().zip(&original) {
        assert_eq!(feature["type"], "Feature");
        let p = &feature["properties"];
        assert_eq!(p["village_code"], t.village.as_str());
        assert_eq!(p["number"], t.number);
        assert_eq!(p["voters"], t.voters);
        assert_eq!(p["access"], t.access.as_str());
        assert_eq!(p["synthetic"], t.synthetic);
        match t.location {
            Some(l) => {
                points += 1;
                assert_eq!(feature["geometry"]["type"], "Point");
                // GeoJSON order, [lng, lat]. serde_json's default float parsing may be one ulp off, hence the
                // tolerance (far below a millimetre).
                let xy = feature["geometry"]["coordinates"].as_array().unwrap();
                let (lng, lat) = (xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
                assert_eq!(xy.len(), 2);
                assert!((lng - l.lng).abs() < 1e-12 && (lat - l.lat).abs() < 1e-12, "{feature} is not at {l:?}");
            }
            None => assert!(feature["geometry"].is_null(), "{feature}"),
        }
    }
    assert_eq!(points, 4);

    // An explicit --format wins over the extension.
    let forced = source.path("forced.geojson");
    source.run(&["export", "tps", "--region", "15.07", "--format", "csv", "--out", &forced.display().to_string()]).ok();
    assert_eq!(std::fs::read_to_string(&forced).unwrap(), csv_text);
}

#[tokio::test]
async fn export_of_an_unknown_or_malformed_region_fails() {
    let db = Db::new();
    db.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
    let out = db.path("never.csv");
    let out_str = out.display().to_string();

    let run = db.run(&["export", "tps", "--region", "99.99", "--out", &out_str]);
    run.expect_code(1);
    assert_eq!(run.stderr.trim(), "sinergi: --region: There is no region with code 99.99.");
    assert!(run.stdout.is_empty());
    assert!(!out.exists(), "a failed export must not create its output file");

    let run = db.run(&["export", "tps", "--region", "15.7"]);
    run.expect_code(1);
    let message = run.stderr.trim();
    assert!(message.starts_with("sinergi: --region: ") && message.contains("15.7"), "{message}");
    assert!(run.stdout.is_empty());

    // A region without TPS is not an error: the header alone.
    let run = db.run(&["export", "tps", "--region", "15.07.02"]);
    run.ok();
    assert_eq!(run.stdout, "village_code,village_name,number,address,lat,lng,voters,access,synthetic\r\n");
}

/// A cell a spreadsheet would read as a formula is written with a `'` in front (coordinates stay numbers), and
/// read back without it: the TPS export, the audit export.
#[tokio::test]
async fn exports_neutralise_formula_cells_and_import_them_back() {
    let source = Db::new();
    source.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
    let store = source.store().await;
    let formula = "=HYPERLINK(\"http://contoh.invalid\",\"klik\")";
    let tps = sinergi_domain::Tps {
        village: sinergi_domain::RegionCode::parse("15.07.01.2001").unwrap(),
        number: 9,
        address: formula.into(),
        location: Some(sinergi_domain::LatLng::new(-1.025, 103.87)),
        voters: 300,
        access: sinergi_domain::AccessMode::River,
        synthetic: false,
    };
    store.upsert_tps(std::slice::from_ref(&tps)).await.unwrap();
    let event = sinergi_domain::trust::audit::AuditEvent {
        at_ms: 1,
        actor: "@SUM(1+1)".into(),
        action: "test.formula".into(),
        target: "-2+3".into(),
        detail: "+cmd|' /C calc'!A0".into(),
        origin: "\t=1".into(),
    };
    store.append_audit(&event).await.unwrap();

    let run = source.run(&["export", "tps", "--region", "15.07"]);
    run.ok();
    let row = run.stdout.lines().find(|l| l.contains("HYPERLINK")).unwrap().to_owned();
    assert_eq!(
        row,
        "15.07.01.2001,Alang-Alang,9,\"'=HYPERLINK(\"\"http://contoh.invalid\"\",\"\"klik\"\")\",-1.025,103.87,300,river,false"
    );
    let file = source.path("formula.csv");
    std::fs::write(&file, &run.stdout).unwrap();
    let target = Db::new();
    target.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
    target.run(&["import", "tps", &file.display().to_string()]).ok();
    let copy = target.store().await;
    assert_eq!(all_tps(&copy, "15.07").await, [tps], "read back without the quote");

    let run = source.run(&["audit", "export", "--format", "csv"]);
    run.ok();
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let row = reader.records().map(Result::unwrap).find(|r| &r[3] == "test.formula").unwrap();
    assert_eq!(
        &row.iter().skip(2).take(5).collect::<Vec<_>>(),
        &["'@SUM(1+1)", "test.formula", "'-2+3", "'+cmd|' /C calc'!A0", "'\t=1"]
    );
}

// The demo, twice.

struct DemoState {
    exports: BTreeMap<&'static str, String>,
    regions: u64,
    synthetic: u64,
    units: u64,
}

async fn demo_state(db: &Db) -> DemoState {
    let mut exports = BTreeMap::new();
    for regency in DEMO_REGENCIES {
        let run = db.run(&["export", "tps", "--region", regency]);
        run.ok();
        exports.insert(regency, run.stdout.clone());
    }
    let store = db.store().await;
    DemoState {
        exports,
        regions: store.count_regions().await.unwrap(),
        synthetic: store.count_synthetic_tps().await.unwrap(),
        units: unit_count(&store).await,
    }
}

#[tokio::test]
async fn demo_twice_is_idempotent_and_places_tps_inside_their_villages() {
    let db = Db::new();
    let data = data_dir().display().to_string();
    let run = db.run(&["demo", "--no-serve", "--data", &data]);
    run.ok();
    assert!(run.stdout.contains("Regions: 91,599 Kemendagri region codes loaded."), "{}", run.stdout);
    // Bawaslu, which leads the vulnerability mapping, has an operator who may record assessments; the printed
    // list says what each may do.
    let line = run.stdout.lines().find(|l| l.contains("demo.bawaslu.operator")).unwrap_or_default();
    assert!(line.contains("operator") && line.contains("vulnerability assessments"), "{}", run.stdout);
    let bawaslu = db.store().await.user_by_name("demo.bawaslu.operator").await.unwrap().unwrap();
    assert_eq!(bawaslu.agency, sinergi_domain::AgencyKind::Bawaslu);
    assert!(sinergi_domain::access::role_permits(bawaslu.role, sinergi_domain::access::Action::Assess));
    assert!(run.stdout.contains("Boundaries: 749 districts and villages."), "{}", run.stdout);
    let first = demo_state(&db).await;
    assert_eq!(first.regions, NATIONAL_REGIONS);
    assert!(first.units > 0);
    let mut total = 0;
    for (regency, csv_text) in &first.exports {
        let rows: Vec<&str> = csv_text.lines().skip(1).collect();
        assert!(rows.len() > 100, "{regency}: only {} TPS", rows.len());
        for row in &rows {
            assert!(row.starts_with(&format!("{regency}.")), "{regency}: {row}");
            assert!(row.ends_with(",true"), "every demo TPS is synthetic: {row}");
        }
        total += rows.len() as u64;
    }
    assert_eq!(first.synthetic, total, "every TPS in the demo database is in one of its four regencies");
    // Tanjung Jabung Timur has about 245,000 people: in the order of 370 TPS.
    let tanjab = first.exports["15.07"].lines().count() - 1;
    assert!((300..=450).contains(&tanjab), "15.07 has {tanjab} TPS");

    let run = db.run(&["demo", "--no-serve", "--data", &data]);
    run.ok();
    let second = demo_state(&db).await;
    assert_eq!(second.regions, first.regions);
    assert_eq!(second.synthetic, first.synthetic, "the second run must not add TPS");
    assert_eq!(second.units, first.units, "the second run must not add units");
    for regency in DEMO_REGENCIES {
        assert_eq!(second.exports[regency], first.exports[regency], "{regency} changed on the second run");
    }

    // Every demo TPS with coordinates lies inside its village's polygon, where the village has one.
    let store = db.store().await;
    for regency in DEMO_REGENCIES {
        let mut checked = 0;
        let mut outside = Vec::new();
        for t in all_tps(&store, regency).await {
            assert!(t.synthetic);
            let (Some(location), Some(boundary)) = (t.location, store.boundary(&all(), &t.village).await.unwrap())
            else {
                continue;
            };
            checked += 1;
            if !boundary.contains(location) {
                outside.push(format!("{} TPS {:03} at {:?}", t.village, t.number, location));
            }
        }
        assert!(checked > 100, "{regency}: only {checked} TPS in villages with a polygon");
        assert!(outside.is_empty(), "{regency}: {} TPS outside their village:\n{}", outside.len(), outside.join("\n"));
    }
    // One demo serves the deployment planner's tests too.
    crate::deployment::plans_on_the_demo(&db).await;
}

// An import killed half-way leaves the database as it was.

/// When to kill the import.
#[derive(Debug, Clone, Copy)]
enum Kill {
    After(Duration),
    /// As soon as the write-ahead log outgrows this many bytes: the import's one transaction is being written
    /// (migrations alone leave well under 100 kB; the whole national list, about 11 MB).
    WhenWalExceeds(u64),
}

#[tokio::test]
async fn an_interrupted_import_writes_all_or_nothing() {
    let file = wilayah();
    // How long a whole import takes here, so that some kills land while it writes.
    let timing = Db::new();
    let started = Instant::now();
    timing.run(&["import", "regions", &file]).ok();
    let full = started.elapsed();

    let mut kills: Vec<Kill> = [50, 150, 400].into_iter().map(|ms| Kill::After(Duration::from_millis(ms))).collect();
    kills.extend([0.5, 0.7, 0.85, 0.95].map(|f| Kill::After(full.mul_f64(f))));
    kills.extend([500_000, 2_000_000].map(Kill::WhenWalExceeds));
    let mut killed_mid_write = 0;
    for kill in kills {
        let db = Db::new();
        let wal_path = db.path("x.db-wal");
        let wal = || std::fs::metadata(&wal_path).map_or(0, |m| m.len());
        let mut child = db
            .command(&["import", "regions", &file])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sinergi");
        match kill {
            Kill::After(delay) => std::thread::sleep(delay),
            Kill::WhenWalExceeds(bytes) => {
                let deadline = Instant::now() + Duration::from_secs(60);
                while wal() <= bytes && child.try_wait().unwrap().is_none() && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        }
        let finished = child.try_wait().unwrap();
        let wal_at_kill = wal();
        child.kill().expect("kill");
        let status = child.wait().unwrap();

        let store = db.store().await;
        let count = store.count_regions().await.unwrap();
        let running = finished.is_none();
        eprintln!("kill {kill:?}: running {running}, WAL {wal_at_kill} bytes, {count} regions after");
        assert!(count == 0 || count == NATIONAL_REGIONS, "kill {kill:?}: {count} regions, a partial import ({status})");
        if finished.is_some_and(|s| s.success()) {
            assert_eq!(count, NATIONAL_REGIONS, "the import finished before {kill:?} but wrote {count} regions");
        }
        if running && wal_at_kill > 500_000 && count == 0 {
            killed_mid_write += 1;
        }
        if count == NATIONAL_REGIONS {
            assert_eq!(store.region(&all(), &code("73.18")).await.unwrap().unwrap().name, "Kabupaten Tana Toraja");
        }
        drop(store);
        // And the binary can use the database again.
        db.run(&["import", "regions", &fixture("regions_small.csv")]).ok();
        let expected = if count == 0 { 8 } else { NATIONAL_REGIONS };
        assert_eq!(db.store().await.count_regions().await.unwrap(), expected, "after the kill {kill:?}");
    }
    assert!(killed_mid_write > 0, "no kill landed while the import was writing");
}

// Units: a real deployment's first administrator needs a unit that the demo did not make.

#[tokio::test]
async fn units_are_imported_so_that_a_first_administrator_can_be_made() {
    let db = Db::new();
    db.seed_units();
    let file = db.path("units.csv");
    std::fs::write(
        &file,
        "code,kind,name,territory,parent,phone,email,address,personnel\n\
         polda-33,polda,Polda Jawa Tengah,33,,,,,\n\
         polres-33.20,polres,Polres Jepara,33.20,polda-33,0291-591110,,Jl. KH Fauzan,712\n\
         polsek-33.20.01,polsek,Polsek Kedung,33.20.01,polres-33.20,,,,31\n\
         polsek-x,polsek,Polsek salah tingkat,33.20,polres-33.20,,,,5\n\
         ppk-33.20.01,ppk,PPK Kedung,33.20.01,kpu-33.20,,,,5\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let run = db.run(&["import", "units", &file]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains(&format!("{file}:5: column territory: a Polsek answers for a region of level 3, not 33.20")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("{file}:6: column parent: parent unit kpu-33.20 is neither")),
        "{}",
        run.stderr
    );
    let store = db.store().await;
    assert!(store.unit_codes().await.unwrap().is_empty(), "nothing written");

    db.run(&["import", "units", &file, "--skip-invalid"]).expect_code(0);
    let polres = store.unit(&all(), "polres-33.20").await.unwrap().unwrap();
    assert_eq!((polres.personnel, polres.parent.as_deref()), (712, Some("polda-33")));
    assert_eq!(store.unit_codes().await.unwrap().len(), 3);

    db.run_with_input(
        &["user", "add", "admin", "--admin", "--unit", "polda-33", "--password-stdin"],
        "kuda lari pagi hari\n",
    )
    .expect_code(0);
    let admin = store.user_by_name("admin").await.unwrap().unwrap();
    assert_eq!(admin.scope, sinergi_domain::trust::auth::Scope::Region(code("33")));
}
