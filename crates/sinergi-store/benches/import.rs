//! Import benchmarks (docs/benchmarks.md):
//!
//! - `regions_national`: the national region list (`wilayah.csv`, 91,599 rows) parsed and written into a fresh
//!   SQLite database. Target: under 5 s.
//! - `tps_100k`: 100,000 TPS (a CSV made in memory over real villages) parsed and written into a fresh SQLite
//!   database that already holds the regions. Target: under 10 s.
//!
//! Each measured run does what `sinergi import regions|tps` does after opening the file: ask the store for the
//! known region codes, parse and validate every row, upsert the records in one transaction. Creating and
//! migrating the fresh database (and, for TPS, loading the regions into it) is set-up and is not measured.
//!
//! Run with `cargo bench -p sinergi-store --bench import`.

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

use std::sync::LazyLock;

use divan::Bencher;
use sinergi_domain::registry::import::{parse_regions, parse_tps};
use sinergi_domain::registry::synthetic::{AccessProfile, VillageInput, generate_tps};
use sinergi_domain::{Level, Region, RegionCode};
use sinergi_store::testing::TestDb;
use tokio::runtime::Runtime;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// TPS in the second benchmark.
const TPS_COUNT: usize = 100_000;
/// Villages the TPS are spread over, about five TPS each as at a regional election (435,296 TPS over 83,760
/// villages in 2024). In code order these are the villages of the first few provinces (Aceh, Sumatera Utara, …).
const TPS_VILLAGES: usize = 20_000;

fn main() {
    divan::main();
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime")
}

/// `wilayah.csv`, read once: the benchmark measures parsing and writing, not the disk.
static WILAYAH: LazyLock<Vec<u8>> =
    LazyLock::new(|| std::fs::read(format!("{DATA}/wilayah.csv")).expect("read shared/data/wilayah.csv"));

/// The parsed region list, for the TPS benchmark's set-up.
static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| {
    let parsed = parse_regions(WILAYAH.as_slice(), |_| false);
    assert!(parsed.is_clean(), "wilayah.csv has problems: {:?}", &parsed.issues[..parsed.issues.len().min(5)]);
    parsed.records.into_iter().map(|(_, r)| r).collect()
});

/// A CSV of exactly [`TPS_COUNT`] valid TPS over the first [`TPS_VILLAGES`] villages, in the import format.
static TPS_CSV: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let villages: Vec<VillageInput> = REGIONS
        .iter()
        .filter(|r| r.code.level() == Level::Village)
        .take(TPS_VILLAGES)
        .map(|r| VillageInput { code: r.code.clone(), name: r.name.clone(), centroid: r.centroid, boundary: None })
        .collect();
    let profile = AccessProfile::for_regency(&RegionCode::parse("11.01").expect("code"));
    // A little over the target, then cut: the cut only shortens the last villages' numbering, without gaps.
    let mut tps = generate_tps(&villages, TPS_COUNT + TPS_COUNT / 20, profile, 1);
    assert!(tps.len() >= TPS_COUNT, "generated only {} TPS", tps.len());
    tps.truncate(TPS_COUNT);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["village_code", "number", "address", "lat", "lng", "voters", "access", "synthetic"])
        .expect("write CSV");
    for t in &tps {
        let (lat, lng) = t.location.map_or((String::new(), String::new()), |l| (l.lat.to_string(), l.lng.to_string()));
        out.write_record([
            t.village.as_str(),
            &t.number.to_string(),
            &t.address,
            &lat,
            &lng,
            &t.voters.to_string(),
            t.access.as_str(),
            if t.synthetic { "true" } else { "false" },
        ])
        .expect("write CSV");
    }
    out.into_inner().expect("flush CSV")
});

/// What `sinergi import regions` does once the file is open.
async fn import_regions(db: &TestDb, input: &[u8]) -> u64 {
    let known = db.store.region_codes().await.expect("region codes");
    let parsed = parse_regions(input, |c| known.contains(c));
    assert!(parsed.is_clean());
    let regions: Vec<Region> = parsed.records.into_iter().map(|(_, r)| r).collect();
    db.store.upsert_regions(&regions).await.expect("upsert regions")
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn regions_national(bencher: Bencher) {
    let rt = runtime();
    let input = WILAYAH.as_slice();
    bencher.with_inputs(|| rt.block_on(TestDb::sqlite())).bench_local_values(|db| {
        let written = rt.block_on(import_regions(&db, input));
        assert_eq!(written, 91_599);
        db // dropped (directory removed) after the sample, outside the timing
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn tps_100k(bencher: Bencher) {
    let rt = runtime();
    let input = TPS_CSV.as_slice();
    bencher
        .with_inputs(|| {
            rt.block_on(async {
                let db = TestDb::sqlite().await;
                db.store.upsert_regions(&REGIONS).await.expect("upsert regions");
                db
            })
        })
        .bench_local_values(|db| {
            rt.block_on(async {
                // As `sinergi import tps`.
                let known = db.store.region_codes().await.expect("region codes");
                let parsed = parse_tps(input, |c| known.get(c).map(|c| c.level()));
                assert!(parsed.is_clean(), "{:?}", &parsed.issues[..parsed.issues.len().min(5)]);
                let tps: Vec<_> = parsed.records.into_iter().map(|(_, t)| t).collect();
                let written = db.store.upsert_tps(&tps).await.expect("upsert TPS");
                assert_eq!(written, TPS_COUNT as u64);
            });
            db
        });
}
