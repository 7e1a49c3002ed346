//! Integration tests of the `sinergi` binary: each test runs the real executable against its own temporary SQLite
//! database and checks what it prints, its exit status, and what the database holds afterwards.

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sinergi_domain::{AccessMode, LatLng, Level, RegionCode, Tps};
use sinergi_store::prelude::*;
use sinergi_store::{Page, SqliteStore, UnitFilter};

const BIN: &str = env!("CARGO_BIN_EXE_sinergi");
/// The shared data sets live beside the repository, in `../shared/data`.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Rows of `wilayah.csv` (see `shared/data/README.md`).
const NATIONAL_REGIONS: u64 = 91_599;
/// The regencies the demo seeds.
const DEMO_REGENCIES: [&str; 4] = ["15.07", "14.04", "33.20", "73.18"];

fn data_dir() -> PathBuf {
    let dir = Path::new(DATA);
    assert!(dir.join("wilayah.csv").is_file(), "shared data not found at {DATA}: clone it beside the repository");
    dir.canonicalize().expect("canonical data dir")
}

fn wilayah() -> String {
    data_dir().join("wilayah.csv").display().to_string()
}

fn fixture(name: &str) -> String {
    let path = Path::new(FIXTURES).join(name);
    assert!(path.is_file(), "missing fixture {}", path.display());
    path.display().to_string()
}

fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A fresh, empty database in its own temporary directory, and the binary pointed at it.
struct Db {
    dir: tempfile::TempDir,
    url: String,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("x.db").display());
        Db { dir, url }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `sinergi --lang en --database URL ARGS…`, isolated from the caller's environment.
    fn command(&self, args: &[&str]) -> Command {
        sinergi(&["--lang", "en", "--database", &self.url], args, self.dir.path())
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::of(self.command(args).output().expect("run sinergi"), args)
    }

    async fn store(&self) -> SqliteStore {
        SqliteStore::connect(&self.url).await.unwrap_or_else(|e| panic!("cannot open {}: {e}", self.url))
    }
}

fn sinergi(global: &[&str], args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(global)
        .args(args)
        .current_dir(cwd)
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_LANG")
        .env_remove("SINERGI_DATA_DIR")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null());
    command
}

/// What a run of the binary printed and returned.
struct Run {
    what: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(output: Output, args: &[&str]) -> Run {
        Run {
            what: format!("sinergi {}", args.join(" ")),
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "{} exited with {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    fn ok(&self) -> &Run {
        self.expect_code(0)
    }

    /// The problems reported for `file`, as (line, column, reason), in the order printed.
    fn issues(&self, file: &str) -> Vec<(u64, Option<String>, String)> {
        let prefix = format!("{file}:");
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .map(|rest| {
                let (line, rest) = rest.split_once(": ").unwrap_or_else(|| panic!("no line number in {rest:?}"));
                let line = line.parse().unwrap_or_else(|_| panic!("line number {line:?} in {rest:?}"));
                match rest.strip_prefix("column ").and_then(|r| r.split_once(": ")) {
                    Some((column, reason)) => (line, Some(column.to_owned()), reason.to_owned()),
                    None => (line, None, rest.to_owned()),
                }
            })
            .collect()
    }
}

/// Checks the reported problems: exactly these places (line, column) in this order, each reason containing the
/// given fragments.
fn assert_issues(run: &Run, file: &str, expected: &[(u64, Option<&str>, &[&str])]) {
    let got = run.issues(file);
    let places: Vec<(u64, Option<&str>)> = got.iter().map(|(l, c, _)| (*l, c.as_deref())).collect();
    let want: Vec<(u64, Option<&str>)> = expected.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(places, want, "problems reported by {}:\n{}", run.what, run.stderr);
    for ((line, _, reason), (_, _, fragments)) in got.iter().zip(expected) {
        for fragment in *fragments {
            assert!(reason.contains(fragment), "line {line}: {reason:?} should mention {fragment:?}");
        }
    }
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

// 1b. --skip-invalid never writes a child whose parent row it left out.

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

// 1. Regions: every bad row named, nothing written; --skip-invalid writes the good ones.

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

// 2. The national file, twice.

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

// 3. Boundaries.

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

// 4. TPS.

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

// 5. Export, and the round trip through CSV.

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

// 6. The demo, twice.

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
}

// 7. An import killed half-way leaves the database as it was.

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

// 8. Bad database URLs.

#[test]
fn a_bad_database_url_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("regions_small.csv");
    let run = |url: &str| {
        let (global, args) = (["--lang", "en", "--database", url], ["import", "regions", &file]);
        Run::of(sinergi(&global, &args, dir.path()).output().unwrap(), &[&global[..], &args[..]].concat())
    };

    let mysql = run("mysql://x");
    mysql.expect_code(1);
    assert_eq!(mysql.stderr.trim(), "sinergi: unsupported database URL `mysql://x`: use sqlite://PATH or postgres://…");
    assert!(mysql.stdout.is_empty());

    let missing_dir = dir.path().join("no/such/dir/x.db");
    let sqlite = run(&format!("sqlite://{}", missing_dir.display()));
    sqlite.expect_code(1);
    assert!(sqlite.stderr.starts_with("sinergi: "), "{}", sqlite.stderr);
    assert!(sqlite.stderr.contains("cannot open") && sqlite.stderr.contains("no/such/dir"), "{}", sqlite.stderr);
    assert!(!missing_dir.exists());

    // Nothing is created in the working directory as a fallback.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// 9. Accounts and the audit log.

impl Db {
    /// Runs with `input` on standard input (for `--password-stdin`).
    fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write as _;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sinergi");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        Run::of(child.wait_with_output().expect("wait for sinergi"), args)
    }

    /// Polres Jepara (polres-33.20), the unit the account tests give their accounts.
    async fn seed_polres_jepara(&self) {
        let unit = sinergi_domain::Unit {
            code: "polres-33.20".into(),
            kind: sinergi_domain::UnitKind::Polres,
            name: "Polres Jepara".into(),
            territory: code("33.20"),
            parent: None,
            contact: Default::default(),
            personnel: 700,
        };
        self.store().await.upsert_units(&[unit]).await.unwrap();
    }

    fn seed_units(&self) {
        let tmp = self.path("units.csv");
        let wilayah = std::fs::read_to_string(wilayah()).unwrap();
        let rows: Vec<&str> = wilayah
            .lines()
            .filter(|l| l.starts_with("code,") || l.starts_with("33,") || l.starts_with("33.20"))
            .collect();
        std::fs::write(&tmp, rows.join("\n")).unwrap();
        self.run(&["import", "regions", &tmp.display().to_string()]).expect_code(0);
    }
}

#[tokio::test]
async fn accounts_are_managed_and_every_change_is_audited() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let store = db.store().await;

    let pw = "kuda lari pagi hari\n";
    let add = |args: &[&str], input: &str| {
        let mut all = vec!["user", "add"];
        all.extend_from_slice(args);
        all.push("--password-stdin");
        db.run_with_input(&all, input)
    };
    let run = add(&["kabag.ops", "--unit", "polres-33.20", "--role", "operator"], pw);
    run.expect_code(0);
    assert!(run.stdout.contains("kabag.ops (operator, Polres Jepara, scope 33.20)"), "{}", run.stdout);
    add(&["admin", "--admin", "--unit", "polres-33.20", "--national"], pw).expect_code(0);

    for (args, input, expected) in [
        (vec!["kabag.ops", "--unit", "polres-33.20", "--role", "observer"], pw, "the username `kabag.ops` is taken"),
        (vec!["x.y", "--unit", "polres-33.20", "--role", "observer"], "pendek\n", "at least 12 characters"),
        (vec!["x.y", "--unit", "polres-99.99", "--role", "observer"], pw, "there is no unit `polres-99.99`"),
        (vec!["x.y", "--unit", "polres-33.20", "--role", "general"], pw, "unknown role `general`"),
        (vec!["X Y", "--unit", "polres-33.20", "--role", "observer"], pw, "username must be"),
        (vec!["x.y", "--unit", "polres-33.20", "--admin", "--role", "observer"], pw, "contradict"),
    ] {
        let run = add(&args.iter().map(|s| &**s).collect::<Vec<_>>(), input);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }

    let list = db.run(&["user", "list"]);
    list.expect_code(0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", list.stdout);
    assert!(lines[1].starts_with("admin") && lines[1].contains("national"));
    assert!(lines[2].starts_with("kabag.ops") && lines[2].contains("33.20") && lines[2].contains("active"));
    assert!(!list.stdout.contains("argon2"), "no password hash is ever printed");

    db.run(&["user", "disable", "kabag.ops"]).expect_code(0);
    assert!(store.user_by_name("kabag.ops").await.unwrap().unwrap().disabled);
    db.run(&["user", "enable", "kabag.ops"]).expect_code(0);
    db.run(&["user", "disable", "ghost"]).expect_code(1);
    let before = store.user_by_name("kabag.ops").await.unwrap().unwrap().password_hash;
    db.run_with_input(&["user", "reset-password", "kabag.ops", "--password-stdin"], "sungai batang hari 2024\n")
        .expect_code(0);
    assert_ne!(store.user_by_name("kabag.ops").await.unwrap().unwrap().password_hash, before);

    // The region import, two accounts, disable, enable, reset: six entries, chained.
    let verify = db.run(&["audit", "verify"]);
    verify.expect_code(0);
    assert!(verify.stdout.starts_with("audit log intact: 6 entries"), "{}", verify.stdout);
    let export = db.run(&["audit", "export"]);
    export.expect_code(0);
    let actions: Vec<String> = export
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        ["import.regions", "user.create", "user.create", "user.disable", "user.enable", "user.reset_password"]
    );
    assert!(!export.stdout.contains("kuda lari") && !export.stdout.contains("argon2"), "no secret in the log");
}

#[tokio::test]
async fn the_demo_never_writes_into_a_real_database_nor_serves_beyond_loopback() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let store = db.store().await;
    db.run_with_input(
        &["user", "add", "admin", "--admin", "--unit", "polres-33.20", "--password-stdin"],
        "kuda lari pagi hari\n",
    )
    .expect_code(0);
    let data = data_dir().display().to_string();
    let run = db.run(&["demo", "--no-serve", "--data", &data]);
    run.expect_code(1);
    assert!(run.stderr.contains("is not a demo database"), "{}", run.stderr);
    assert!(store.user_by_name("demo.admin").await.unwrap().is_none(), "no demo account was planted");

    let demo = Db::new();
    demo.run(&["demo", "--no-serve", "--data", &data]).expect_code(0);
    let run = demo.run(&["serve", "--bind", "0.0.0.0", "--port", "0"]);
    run.expect_code(1);
    assert!(run.stderr.contains("served on 127.0.0.1 only"), "{}", run.stderr);
}

#[tokio::test]
async fn a_tampered_audit_log_is_named_by_verify() {
    let db = Db::new();
    db.seed_units();
    db.seed_units();
    db.run(&["audit", "verify"]).expect_code(0);
    // Someone with the database file removes the guard and rewrites history.
    let refused = sinergi_store::testing::execute_raw(&db.url, "DELETE FROM audit_log").await.unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
    sinergi_store::testing::execute_raw(&db.url, "DROP TRIGGER audit_log_no_update").await.unwrap();
    sinergi_store::testing::execute_raw(&db.url, "UPDATE audit_log SET detail = 'nothing' WHERE seq = 1")
        .await
        .unwrap();
    let run = db.run(&["audit", "verify"]);
    run.expect_code(3);
    assert_eq!(run.stderr.trim(), "audit log BROKEN: entry 1 was changed: its content does not match its hash");
}

/// A row written into the log around the application, past its head: `verify` names it, `export` writes it
/// (it is evidence) and says so, and a change that would be audited is refused with that reason.
#[tokio::test]
async fn entries_beyond_the_head_are_named_exported_and_stop_audited_changes() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    db.run(&["audit", "verify"]).expect_code(0);
    sinergi_store::testing::execute_raw(
        &db.url,
        "INSERT INTO audit_log (seq, at_ms, actor, action, target, detail, origin, prev_hash, hash) \
         SELECT seq + 1, 1, 'penyusup', 'user.create', 'x', '', 'db', 'p', 'h' FROM audit_head",
    )
    .await
    .unwrap();
    let run = db.run(&["audit", "verify"]);
    run.expect_code(3);
    assert!(run.stderr.contains("lies beyond the recorded head"), "{}", run.stderr);
    let run = db.run(&["audit", "export"]);
    run.expect_code(3);
    assert!(run.stdout.lines().last().unwrap().contains("penyusup"), "{}", run.stdout);
    assert!(run.stderr.contains("beyond the recorded head"), "{}", run.stderr);
    let run = db.run_with_input(
        &["user", "add", "baru", "--role", "operator", "--unit", "polres-33.20", "--password-stdin"],
        "kuda lari pagi hari\n",
    );
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("audit chain broken"), "{}", run.stderr);
}

/// A database the server cannot write: `serve` refuses to start and says why, instead of answering every
/// sign-in with an error.
#[tokio::test]
async fn serve_refuses_a_read_only_database() {
    let db = Db::new();
    db.seed_units();
    let read_only = format!("{}?mode=ro", db.url);
    let mut child = sinergi(&["--lang", "en", "--database", &read_only], &["serve", "--port", "0"], db.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the server started on a read-only database");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let run = Run::of(child.wait_with_output().unwrap(), &["serve"]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
}

// 10. Units: a real deployment's first administrator needs a unit that the demo did not make.

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

/// Reads as the command line does: everything.
fn all() -> sinergi_domain::access::Viewer {
    sinergi_domain::access::Viewer::system("test")
}

#[tokio::test]
async fn tokens_clearance_rules_and_unlocks_from_the_command_line() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let store = db.store().await;
    db.run_with_input(
        &["user", "add", "gateway", "--unit", "polres-33.20", "--role", "field_reporter", "--password-stdin"],
        "kuda lari pagi hari\n",
    )
    .expect_code(0);

    let made =
        db.run(&["token", "create", "gateway", "--name", "SMS Telkomsel", "--region", "33.20.01", "--read-only"]);
    made.expect_code(0);
    let token = made.stdout.trim().to_owned();
    let parts = sinergi_domain::trust::auth::parse_token(&token).unwrap_or_else(|| panic!("not a token: {token:?}"));
    let id = parts.id.to_owned();
    assert!(
        made.stderr.contains(&format!("token {id} for gateway (region 33.20.01, read-only), expires in 365 days")),
        "{}",
        made.stderr
    );
    for (args, expected) in [
        (vec!["token", "create", "gateway", "--name", "x", "--region", "34"], "outside the account's scope"),
        (vec!["token", "create", "ghost", "--name", "x"], "there is no user `ghost`"),
        (vec!["token", "create", "gateway", "--name", "x", "--days", "0"], "days: 1 to 3650"),
        (vec!["token", "revoke", "000000000000"], "there is no token `000000000000`"),
    ] {
        let run = db.run(&args);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    let list = db.run(&["token", "list"]);
    list.expect_code(0);
    let row = list.stdout.lines().find(|l| l.starts_with(&id)).unwrap_or_else(|| panic!("{}", list.stdout));
    assert!(row.contains("gateway") && row.contains("33.20.01") && row.contains("read ") && row.contains("active"));
    assert!(!list.stdout.contains(&token[21..]), "a list never shows the secret");
    db.run(&["token", "revoke", &id]).expect_code(0);
    assert!(db.run(&["token", "list", "--user", "gateway"]).stdout.contains("revoked"));
    db.run(&["token", "revoke", &id]).expect_code(1);

    db.run(&["clearance", "set", "operator", "rahasia", "--agency", "polri"]).expect_code(0);
    db.run(&["clearance", "set", "observer", "terbatas"]).expect_code(0);
    let policy = store.clearance_policy().await.unwrap();
    use sinergi_domain::trust::auth::{Classification, Role};
    assert_eq!(policy.clearance(Role::Operator, sinergi_domain::AgencyKind::Polri), Classification::Rahasia);
    assert_eq!(policy.clearance(Role::Operator, sinergi_domain::AgencyKind::Kpu), Classification::Terbatas);
    assert_eq!(policy.clearance(Role::Observer, sinergi_domain::AgencyKind::Kpu), Classification::Terbatas);
    let list = db.run(&["clearance", "list"]);
    assert!(list.stdout.lines().any(|l| l.starts_with("operator") && l.contains("polri") && l.contains("rahasia")));
    for (args, expected) in [
        (vec!["clearance", "set", "operator", "top-secret"], "unknown classification `top-secret`"),
        (vec!["clearance", "set", "general", "biasa"], "unknown role `general`"),
        (vec!["clearance", "set", "operator", "biasa", "--agency", "fbi"], "unknown agency `fbi`"),
        (vec!["clearance", "remove", "commander"], "there is no rule for commander/*"),
    ] {
        let run = db.run(&args);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    db.run(&["clearance", "remove", "operator", "--agency", "polri"]).expect_code(0);
    db.run(&["user", "unlock", "gateway"]).expect_code(0);

    // In Bahasa Indonesia by default.
    let run = sinergi(&["--database", &db.url], &["user", "disable", "ghost"], db.dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&run.stderr).contains("pengguna `ghost` tidak ada"));

    // Every change is audited, by the operating system's real user, not by what $USER says.
    let export = db.command(&["audit", "export"]).env("USER", "someone-else").output().unwrap();
    let entries: Vec<serde_json::Value> =
        String::from_utf8(export.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["token.create", "token.revoke", "clearance.set", "clearance.remove", "user.unlock"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let changes = db.command(&["user", "enable", "gateway"]).env("USER", "someone-else").output().unwrap();
    assert!(changes.status.success());
    let last = store.audit_entries(0, 1000).await.unwrap().pop().unwrap();
    assert!(last.event.actor.starts_with("cli:") && last.event.actor.contains("(uid "), "{}", last.event.actor);
    assert!(!last.event.actor.contains("someone-else"), "{}", last.event.actor);
    assert!(db.run(&["audit", "verify"]).stdout.starts_with("audit log intact"));
}

#[tokio::test]
async fn indicator_sets_and_assessments_from_the_command_line() {
    let db = Db::new();
    db.seed_units();
    let store = db.store().await;
    let tps = |number: u32| Tps {
        village: code("33.20.01.2001"),
        number,
        address: String::new(),
        location: None,
        voters: 300,
        access: AccessMode::Road,
        synthetic: false,
    };
    store.upsert_tps(&[tps(1), tps(2)]).await.unwrap();

    // A broken set: every fault named, nothing loaded.
    let broken = db.path("broken.toml");
    std::fs::write(
        &broken,
        "id = \"x\"\nversion = \"1\"\nname = \"X\"\nname_en = \"X\"\nsource = \"s\"\n\
         [[class]]\nid = \"aman\"\nlabel = \"Aman\"\nlabel_en = \"Safe\"\n\
         [[variable]]\nid = \"v\"\nname = \"V\"\nname_en = \"V\"\n\
         [[variable.indicator]]\nid = \"i\"\nquestion = \"?\"\nquestion_en = \"?\"\n\
         [[rule]]\nclass = \"rawan\"\nwhen = \"v and\"\n",
    )
    .unwrap();
    let run = db.run(&["indicator-set", "load", &broken.display().to_string()]);
    run.expect_code(2);
    assert!(run.stderr.contains("broken.toml: rule 1: the class `rawan` is not defined"), "{}", run.stderr);
    assert!(run.stderr.contains("broken.toml: rule 1, column 6: expected a name"), "{}", run.stderr);
    assert!(store.indicator_sets().await.unwrap().is_empty());

    let set_file = db.path("bawaslu.toml");
    std::fs::write(&set_file, sinergi_domain::vulnerability::SHIPPED[0].1).unwrap();
    let run = db.run(&["indicator-set", "load", &set_file.display().to_string()]);
    run.expect_code(0);
    assert!(run.stdout.contains("bawaslu-pilkada-2024 version 2024.11 loaded: 8 variables, 25 indicators"));

    // Bad rows: all named, nothing written.
    let file = db.path("penilaian.csv");
    std::fs::write(
        &file,
        "village_code,tps_number,agency,assessor,assessed_at,evidence,keamanan.kekerasan,lokasi.sulit_dijangkau\n\
         33.20.01.2001,1,bawaslu,Panwas Desa,2024-11-12,,ya,ya\n\
         33.20.01.2001,9,bawaslu,Panwas Desa,2024-11-12,,tidak,\n\
         33.20.01.2001,2,polri,Bhabinkamtibmas,kemarin,,ya,\n",
    )
    .unwrap();
    let name = file.display().to_string();
    let run = db.run(&["import", "assessments", &name, "--set", "bawaslu-pilkada-2024"]);
    run.expect_code(2);
    assert_issues(
        &run,
        &name,
        &[(3, Some("tps_number"), &["no TPS 9 in village 33.20.01.2001"]), (4, Some("assessed_at"), &["kemarin"])],
    );
    let everything = sinergi_domain::access::Viewer::system("test");
    assert!(store.tps_classes(&everything, "bawaslu-pilkada-2024", &code("33")).await.unwrap().is_empty());

    db.run(&["import", "assessments", &name, "--set", "bawaslu-pilkada-2024", "--skip-invalid"]).expect_code(0);
    let classes = store.tps_classes(&everything, "bawaslu-pilkada-2024", &code("33")).await.unwrap();
    assert_eq!(classes.len(), 1);
    assert_eq!((classes[0].number, classes[0].class.as_str()), (1, "sangat_rawan"));

    let run = db.run(&["import", "assessments", &name, "--set", "tidak-ada"]);
    run.expect_code(1);
    assert!(run.stderr.contains("the indicator set `tidak-ada` is not loaded"), "{}", run.stderr);
    let run = db.run(&["reclassify", "--set", "bawaslu-pilkada-2024"]);
    run.expect_code(0);
    assert!(run.stdout.contains("0 TPS changed class"), "{}", run.stdout);
    let list = db.run(&["indicator-set", "list"]);
    assert!(list.stdout.contains("bawaslu-pilkada-2024") && list.stdout.contains("25"));

    // Area indicators: every bad row named, nothing written; then the good rows.
    let area = db.path("wilayah.csv");
    std::fs::write(
        &area,
        "region_code,agency,assessor,assessed_at,riwayat_konflik,gangguan_kamtibmas\n\
         33.20.01.2001,bawaslu,PKD,2024-11-12,ya,\n\
         33.20.01,polri,Kapolsek,2024-11-12,,4\n\
         33.20,polri,Kapolres,2024-11-12,,\n\
         33.20.01.2001,bawaslu,PKD,2024-11-12,,5\n\
         33.20.01.2999,kpu,PPS,2024-11-12,ya,\n",
    )
    .unwrap();
    let area_name = area.display().to_string();
    let run = db.run(&["import", "area-assessments", &area_name, "--set", "bawaslu-pilkada-2024"]);
    run.expect_code(2);
    assert_issues(
        &run,
        &area_name,
        &[
            (4, Some("region_code"), &["33.20 is not a village or a district"]),
            (5, Some("gangguan_kamtibmas"), &["answered for a district"]),
            (6, Some("region_code"), &["33.20.01.2999"]),
        ],
    );
    assert!(store.area_assessments(&everything, "bawaslu-pilkada-2024", &code("33")).await.unwrap().is_empty());
    let run = db.run(&["import", "area-assessments", &area_name, "--set", "bawaslu-pilkada-2024", "--skip-invalid"]);
    run.expect_code(0);
    let rows = store.area_assessments(&everything, "bawaslu-pilkada-2024", &code("33")).await.unwrap();
    let rows: Vec<(&str, &str)> = rows.iter().map(|r| (r.region_code.as_str(), r.answers.as_str())).collect();
    assert_eq!(rows, [("33.20.01", "gangguan_kamtibmas=4"), ("33.20.01.2001", "riwayat_konflik=1")]);
    let actions: Vec<String> = store.audit_entries(0, 100).await.unwrap().into_iter().map(|e| e.event.action).collect();
    for action in ["indicator_set.load", "import.assessments", "assessment.reclassify", "import.area_assessments"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

/// The shipped taxonomy without one category and its route, under another version label.
fn taxonomy_without(category: &str, version: &str) -> String {
    let shipped = sinergi_domain::incident::SHIPPED_TAXONOMY
        .replace("version = \"2024.11\"", &format!("version = \"{version}\""));
    let mut blocks = shipped.split("\n[[");
    let mut out = blocks.next().unwrap_or_default().to_owned();
    for block in blocks {
        if block.contains(&format!("id = \"{category}\"")) || block.contains(&format!("category = \"{category}\"")) {
            continue;
        }
        out.push_str("\n[[");
        out.push_str(block);
    }
    out
}

#[tokio::test]
async fn taxonomies_are_checked_and_loaded_from_the_command_line() {
    let db = Db::new();
    db.seed_units();
    let store = db.store().await;

    // A broken file: every fault named with its place, nothing stored, not even a database opened for `check`.
    let broken = db.path("rusak.toml");
    std::fs::write(
        &broken,
        "id = \"t\"\nversion = \"1\"\n\n[[category]]\nid = \"a\"\nlabel = \"A\"\nlabel_en = \"A\"\nseverity = 5\n\n\
         [[route]]\ncategory = \"b\"\nresponsible = [\"polsk\"]\n",
    )
    .unwrap();
    let name = broken.display().to_string();
    let run = db.run(&["taxonomy", "check", &name]);
    run.expect_code(2);
    for fault in [
        format!("{name}: category 1: the severity must be 1 to 4 (given 5)"),
        format!("{name}: route 1: there is no category `b`"),
        format!("{name}: route 1: unknown unit kind `polsk`"),
        format!("{name}: line 1, column 1: every severity 1 to 4 needs exactly one [[limit]]"),
    ] {
        assert!(run.stderr.contains(&fault), "{fault} in\n{}", run.stderr);
    }
    let typo = db.path("salah-ketik.toml");
    std::fs::write(&typo, "id = \"t\"\nversion = \"1\"\nkategori = 1\n").unwrap();
    let run = db.run(&["taxonomy", "check", &typo.display().to_string()]);
    run.expect_code(2);
    assert!(run.stderr.contains("salah-ketik.toml: line 3, column 1: unknown field `kategori`"), "{}", run.stderr);
    db.run(&["taxonomy", "load", &name, "--reason", "Uji"]).expect_code(2);
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), None);

    // A sound file: checked, then loaded with its reason and the name of who loaded it.
    let good = db.path("pilkada.toml");
    std::fs::write(&good, taxonomy_without("nothing", "2024.12")).unwrap();
    let good_name = good.display().to_string();
    let run = db.run(&["taxonomy", "check", &good_name]);
    run.ok();
    assert!(
        run.stdout.contains("taxonomy pilkada version 2024.12 is sound: 16 categories, 16 routes"),
        "{}",
        run.stdout
    );
    let run = db.run(&["taxonomy", "load", &good_name, "--reason", "  "]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reason must not be empty"), "{}", run.stderr);
    // A reason the API would refuse (a control character) is refused here too, naming the field; nothing stored.
    let run = db.run(&["taxonomy", "load", &good_name, "--reason", "Rapat\u{7}koordinasi"]);
    run.expect_code(2);
    assert!(run.stderr.contains(&format!("{good_name}: reason: ")), "{}", run.stderr);
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), None);
    let run = db.run(&["taxonomy", "load", &good_name, "--reason", "Rapat koordinasi 12 Nov", "--by", "Admin Jepara"]);
    run.ok();
    assert!(run.stdout.contains("version 2024.12 stored as version 1"), "{}", run.stdout);
    let stored = store.latest_taxonomy_version().await.unwrap().expect("a stored version");
    assert_eq!(
        (stored.version.label.as_str(), stored.version.loaded_by.as_str(), stored.version.reason.as_str()),
        ("2024.12", "Admin Jepara", "Rapat koordinasi 12 Nov")
    );
    let entry = store.audit_entries(0, 100).await.unwrap().into_iter().find(|e| e.event.action == "taxonomy.load");
    let entry = entry.expect("the load is audited");
    assert!(entry.event.actor.starts_with("cli:"), "{}", entry.event.actor);
    assert_eq!(entry.event.target, format!("taxonomy_version:{}", stored.version.id));

    // A version that drops a category stored reports use is refused, naming it; one that drops an unused one
    // is not.
    let report = sinergi_store::NewReport {
        kind: sinergi_domain::incident::ReportKind::Incident,
        category: "siber".into(),
        severity: sinergi_domain::incident::Severity::Medium,
        occurred_at_ms: 1_732_674_600_000,
        reported_at_ms: 1_732_674_600_000,
        village: code("33.20.01.2001"),
        tps_id: None,
        location: None,
        description: "Situs KPU diretas".into(),
        source_agency: sinergi_domain::AgencyKind::Polri,
        source_person: "Bripka Sabar".into(),
        reporter_account: None,
        channel: sinergi_domain::incident::Channel::Sms,
        classification: sinergi_domain::trust::auth::Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    };
    store.file_reports(&[report]).await.unwrap();
    let dropping = db.path("tanpa-siber.toml");
    std::fs::write(&dropping, taxonomy_without("siber", "2025.01")).unwrap();
    let run = db.run(&["taxonomy", "load", &dropping.display().to_string(), "--reason", "Siber ke Bareskrim"]);
    run.expect_code(2);
    assert!(run.stderr.contains("cannot be dropped: siber"), "{}", run.stderr);
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), Some(stored.version.id));
    let unused = db.path("tanpa-apk.toml");
    std::fs::write(&unused, taxonomy_without("perusakan_apk", "2025.02")).unwrap();
    db.run(&["taxonomy", "load", &unused.display().to_string(), "--reason", "APK di luar masa kampanye"]).ok();
    let (versions, total) = store.taxonomy_versions(Page::new(1, 10)).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(versions[0].label, "2025.02");
}

// 11. The deployment planner's routing engine on a public benchmark file.

#[test]
fn solve_vrptw_prints_a_checked_solution_in_cvrplib_format() {
    let db = Db::new();
    let file = data_dir().join("vrptw/solomon/C101.txt").display().to_string();
    let run = db.run(&["plan", "solve-vrptw", &file, "--seconds", "2", "--seed", "1"]);
    run.ok();
    let mut seen = Vec::new();
    for line in run.stdout.lines().filter(|l| l.starts_with("Route #")) {
        let (_, customers) = line.split_once(": ").unwrap();
        seen.extend(customers.split_whitespace().map(|c| c.parse::<u32>().unwrap()));
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=100).collect::<Vec<_>>(), "every customer exactly once:\n{}", run.stdout);
    assert!(run.stdout.lines().last().unwrap().starts_with("Cost "), "{}", run.stdout);
    assert!(run.stderr.contains("C101: cost"), "{}", run.stderr);

    let bad = db.path("bad.txt");
    std::fs::write(&bad, "X\n\nVEHICLE\nNUMBER     CAPACITY\n  25         abc\n").unwrap();
    let run = db.run(&["plan", "solve-vrptw", &bad.display().to_string(), "--seconds", "1"]);
    run.expect_code(1);
    assert!(run.stderr.contains("line 5") && run.stderr.contains("CAPACITY"), "{}", run.stderr);
}
