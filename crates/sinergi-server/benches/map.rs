//! Map benchmark (docs/benchmarks.md): `GET /api/v1/regions/33.20/map`, the map data of Kabupaten Jepara (its
//! 211 district and village boundaries and about 1,942 synthetic TPS), served by the real router with the whole
//! body read. Target: under 100 ms.
//!
//! The database is built once, before measuring, by the steps of `sinergi demo` that shape the map: the national
//! region list, the boundaries of the four demo regencies, and their synthetic TPS with the demo's seed. (The
//! demo's units are left out; the map does not read them.)
//!
//! Run with `cargo bench -p sinergi-server --bench map`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use divan::Bencher;
use sinergi_domain::import::{parse_boundaries, parse_regions};
use sinergi_domain::synthetic::{AccessProfile, VillageInput, expected_tps, generate_tps};
use sinergi_domain::{Boundary, Level, RegionCode};
use sinergi_server::{ServerConfig, app};
use sinergi_store::testing::TestDb;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");
/// As in `sinergi-cli/src/demo.rs`.
const REGENCIES: [&str; 4] = ["15.07", "14.04", "33.20", "73.18"];
const SEED: u64 = 20_241_127; // the demo's 2024_11_27
const URI: &str = "/api/v1/regions/33.20/map";

/// Built once, by the first benchmark that needs it, and shared: seeding takes several seconds.
static FIXTURE: Mutex<Option<Fixture>> = Mutex::new(None);

fn main() {
    divan::main();
    // Close the database on its runtime, then remove its directory.
    if let Some(Fixture { rt, router, db, summary }) = FIXTURE.lock().expect("fixture").take() {
        println!("{summary}");
        let _entered = rt.enter();
        drop(router);
        drop(db);
    }
}

/// The demo database (minus units), the router over it, and the runtime its pool lives on.
struct Fixture {
    rt: Runtime,
    router: Router,
    db: TestDb,
    /// What the map holds, printed after the results.
    summary: String,
}

fn build_fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let db = rt.block_on(seed_demo());
    let router = app(Arc::clone(&db.store), ServerConfig::default());
    let mut fixture = Fixture { rt, router, db, summary: String::new() };
    // Check once that the response is the map we mean to measure.
    let body = fixture.get(false);
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("map is JSON");
    let features = doc["features"].as_array().expect("features");
    let tps = features.iter().filter(|f| f["properties"]["kind"] == "tps").count();
    let boundaries = features.len() - tps;
    assert_eq!(boundaries, 211, "Jepara's boundaries");
    assert!((1900..=2000).contains(&tps), "{tps} TPS in Jepara");
    fixture.summary = format!("map of 33.20: {boundaries} boundaries, {tps} TPS, {} bytes", body.len());
    fixture
}

impl Fixture {
    /// One request through the whole router (every layer included), returning the whole body.
    fn get(&self, gzip: bool) -> axum::body::Bytes {
        let mut request = Request::get(URI);
        if gzip {
            request = request.header(header::ACCEPT_ENCODING, "gzip");
        }
        let request = request.body(Body::empty()).expect("request");
        self.rt.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
            axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body")
        })
    }
}

async fn seed_demo() -> TestDb {
    let db = TestDb::sqlite().await;
    let store = &db.store;
    let wilayah = std::fs::read(format!("{DATA}/wilayah.csv")).expect("read shared/data/wilayah.csv");
    let parsed = parse_regions(wilayah.as_slice(), |_| false);
    assert!(parsed.is_clean());
    let regions: Vec<_> = parsed.records.into_iter().map(|(_, r)| r).collect();
    store.upsert_regions(&regions).await.expect("upsert regions");
    let known: HashSet<RegionCode> = regions.iter().map(|r| r.code.clone()).collect();

    let mut boundaries: HashMap<RegionCode, Boundary> = HashMap::new();
    for regency in REGENCIES {
        let text = std::fs::read_to_string(format!("{DATA}/boundaries/{regency}.geojson")).expect("read boundaries");
        let parsed = parse_boundaries(&text, |c| known.contains(c));
        let records: Vec<_> = parsed.records.into_iter().map(|(_, b)| (b.code, b.boundary)).collect();
        store.set_boundaries(&records).await.expect("set boundaries");
        boundaries.extend(records);
    }

    let population = read_population();
    for regency in REGENCIES {
        let regency = RegionCode::parse(regency).expect("code");
        let villages: Vec<VillageInput> = regions
            .iter()
            .filter(|r| r.code.level() == Level::Village && regency.contains(&r.code))
            .map(|r| VillageInput {
                code: r.code.clone(),
                name: r.name.clone(),
                centroid: r.centroid,
                boundary: boundaries.get(&r.code).cloned(),
            })
            .collect();
        let people = population.get(regency.as_str()).copied().unwrap_or(250_000);
        let tps = generate_tps(&villages, expected_tps(people), AccessProfile::for_regency(&regency), SEED);
        store.upsert_tps(&tps).await.expect("upsert TPS");
    }
    db
}

fn read_population() -> HashMap<String, u64> {
    let mut reader = csv::Reader::from_path(format!("{DATA}/population.csv")).expect("open population.csv");
    reader
        .records()
        .map(|row| row.expect("population.csv row"))
        .filter_map(|row| Some((row.get(0)?.to_owned(), row.get(4)?.parse().ok()?)))
        .collect()
}

/// As a client that does not ask for compression (the API's own tests, scripts).
#[divan::bench(sample_count = 50, sample_size = 1)]
fn map_jepara(bencher: Bencher) {
    let mut shared = FIXTURE.lock().expect("fixture");
    let fixture = shared.get_or_insert_with(build_fixture);
    bencher.bench_local(|| fixture.get(false));
}

/// As a browser, which sends `Accept-Encoding: gzip`: the body is compressed on the way out.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn map_jepara_gzip(bencher: Bencher) {
    let mut shared = FIXTURE.lock().expect("fixture");
    let fixture = shared.get_or_insert_with(build_fixture);
    bencher.bench_local(|| fixture.get(true));
}
