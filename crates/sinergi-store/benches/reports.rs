//! Filing benchmark (docs/benchmarks.md, "Filing reports over HTTP"): what `IncidentStore::file_reports` costs per group
//! on SQLite with `synchronous=FULL`, the storage half of the intake's speed without HTTP in the way.
//!
//! Each measured call files one group of new reports (each with its own idempotency key and one route) into a
//! database that already holds the regions, a unit and the reports of earlier calls. Divide the time by the group
//! size for the cost of a report.
//!
//! Run with `cargo bench -p sinergi-store --bench reports`.

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use divan::Bencher;
use sinergi_domain::incident::routing::{RouteRole, Routed};
use sinergi_domain::incident::{Channel, ReportKind, Severity};
use sinergi_domain::registry::agency::{Contact, Unit, UnitKind};
use sinergi_domain::trust::auth::Classification;
use sinergi_domain::{AgencyKind, LatLng, Region, RegionCode};
use sinergi_store::testing::TestDb;
use sinergi_store::{NewReport, Store};
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

static RUNTIME: LazyLock<Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime"));

/// Villages the reports are spread over.
const VILLAGES: usize = 100;

fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).expect("code")
}

/// One database for every run: the cost of a group grows a little with what is stored, as in service.
static DB: LazyLock<TestDb> = LazyLock::new(|| {
    RUNTIME.block_on(async {
        let db = TestDb::sqlite().await;
        let mut regions = vec![
            Region { code: code("33"), name: "Jawa Tengah".into(), centroid: None },
            Region { code: code("33.20"), name: "Jepara".into(), centroid: None },
            Region { code: code("33.20.01"), name: "Kedung".into(), centroid: None },
        ];
        for i in 0..VILLAGES {
            regions.push(Region {
                code: code(&format!("33.20.01.{}", 2001 + i)),
                name: format!("Desa {i}"),
                centroid: Some(LatLng::new(-6.6 + i as f64 * 0.005, 110.65)),
            });
        }
        db.store.upsert_regions(&regions).await.expect("regions");
        let unit = Unit {
            code: "polsek-33.20.01".into(),
            kind: UnitKind::Polsek,
            name: "Polsek Kedung".into(),
            territory: code("33.20.01"),
            parent: None,
            contact: Contact { phone: None, email: None, address: None },
            personnel: 30,
        };
        db.store.upsert_units(&[unit]).await.expect("unit");
        db
    })
});

static NEXT: AtomicU64 = AtomicU64::new(0);

fn group(size: usize) -> Vec<NewReport> {
    (0..size)
        .map(|_| {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            NewReport {
                kind: ReportKind::Incident,
                category: ["bentrok", "politik_uang", "listrik_padam", "intimidasi", "hoaks_sara"][n as usize % 5]
                    .into(),
                severity: Severity::Medium,
                occurred_at_ms: 1_780_000_000_000 + n as i64,
                reported_at_ms: 1_780_000_000_000 + n as i64,
                village: code(&format!("33.20.01.{}", 2001 + n as usize % VILLAGES)),
                tps_id: None,
                location: None,
                description: format!("Uji beban {n}"),
                source_agency: AgencyKind::Polri,
                source_person: "Bripka Uji".into(),
                reporter_account: None,
                channel: Channel::Api,
                classification: Classification::Biasa,
                idempotency_key: Some(format!("bench-{n}")),
                routes: vec![Routed {
                    unit_code: "polsek-33.20.01".into(),
                    agency: AgencyKind::Polri,
                    role: RouteRole::Responsible,
                }],
            }
        })
        .collect()
}

#[divan::bench(args = [1, 64, 512], sample_count = 30)]
fn file_group(bencher: Bencher, size: usize) {
    let store: Arc<dyn Store> = DB.store.clone();
    bencher.with_inputs(|| group(size)).bench_local_values(|reports| {
        RUNTIME.block_on(async { store.file_reports(&reports).await.expect("filed") });
    });
}
