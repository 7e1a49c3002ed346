//! Map benchmark (docs/benchmarks.md): `GET /api/v1/regions/33.20/map`, the map data of Kabupaten Jepara (its
//! 211 district and village boundaries and about 1,942 synthetic TPS), served by the real router — every layer,
//! the session check included — with the whole body read. Target: under 100 ms.
//!
//! `map_jepara_classes`: the same map with `?set=bawaslu-pilkada-2024`, the vulnerability view: every area's
//! index and band and every TPS's class computed from the stored classes (issue 4). Target: under 150 ms.
//!
//! The database is the demo's, built once before measuring by the same code as `sinergi demo`.
//!
//! Run with `cargo bench -p sinergi-cli --bench map`.

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use divan::Bencher;
use sinergi_domain::i18n::Lang;
use sinergi_domain::trust::auth::secret_digest;
use sinergi_server::{ServerConfig, app};
use sinergi_store::NewSession;
use sinergi_store::testing::TestDb;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");
const URI: &str = "/api/v1/regions/33.20/map";
const URI_CLASSES: &str = "/api/v1/regions/33.20/map?set=bawaslu-pilkada-2024";

/// Built once, by the first benchmark that needs it, and shared: seeding takes several seconds.
static FIXTURE: Mutex<Option<Fixture>> = Mutex::new(None);

fn main() {
    divan::main();
    // Close the database on its runtime, then remove its directory.
    if let Some(Fixture { rt, router, db, summary, .. }) = FIXTURE.lock().expect("fixture").take() {
        println!("{summary}");
        let _entered = rt.enter();
        drop(router);
        drop(db);
    }
}

/// The demo database, the router over it, a signed-in session, and the runtime its pool lives on.
struct Fixture {
    rt: Runtime,
    router: Router,
    db: TestDb,
    cookie: String,
    /// What the map holds, printed after the results.
    summary: String,
}

fn build_fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let (db, cookie) = rt.block_on(async {
        let db = TestDb::sqlite().await;
        sinergi_cli::demo::seed(&*db.store, std::path::Path::new(DATA), Lang::En, None).await.expect("demo seed");
        // A session of a demo account, as a browser would hold after signing in.
        let user = db.store.user_by_name("demo.polri").await.expect("store").expect("demo account");
        let id = "B".repeat(43);
        let now = sinergi_server::trust::auth::now_ms();
        let session = NewSession {
            digest: secret_digest(&id),
            account_id: user.id,
            created_at_ms: now,
            expires_at_ms: now + 24 * 3_600_000,
            origin: "bench".into(),
        };
        db.store.create_session(&session).await.expect("session");
        (db, format!("sinergi_session={id}"))
    });
    let router = app(Arc::clone(&db.store), ServerConfig::default());
    let mut fixture = Fixture { rt, router, db, cookie, summary: String::new() };
    // Check once that the response is the map we mean to measure.
    let body = fixture.get(URI, false);
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
    /// One request through the whole router, returning the whole body.
    fn get(&self, uri: &str, gzip: bool) -> axum::body::Bytes {
        let mut request = Request::get(uri).header(header::COOKIE, &self.cookie);
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

/// As a client that does not ask for compression (the API's own tests, scripts).
#[divan::bench(sample_count = 50, sample_size = 1)]
fn map_jepara(bencher: Bencher) {
    let mut shared = FIXTURE.lock().expect("fixture");
    let fixture = shared.get_or_insert_with(build_fixture);
    bencher.bench_local(|| fixture.get(URI, false));
}

/// As a browser asks: `Accept-Encoding: gzip`, so the compression layer works too.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn map_jepara_gzip(bencher: Bencher) {
    let mut shared = FIXTURE.lock().expect("fixture");
    let fixture = shared.get_or_insert_with(build_fixture);
    bencher.bench_local(|| fixture.get(URI, true));
}

/// The vulnerability view of the map: bands on the areas, classes on the TPS.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn map_jepara_classes(bencher: Bencher) {
    let mut shared = FIXTURE.lock().expect("fixture");
    let fixture = shared.get_or_insert_with(build_fixture);
    let body = fixture.get(URI_CLASSES, false);
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("map is JSON");
    let classed =
        doc["features"].as_array().expect("features").iter().filter(|f| f["properties"]["class"].is_string()).count();
    assert!(classed > 1900, "{classed} TPS with a class");
    bencher.bench_local(|| fixture.get(URI_CLASSES, false));
}
