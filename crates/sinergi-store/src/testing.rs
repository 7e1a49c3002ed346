//! Test support: fresh databases of both kinds, for this crate's behaviour suite and for the server's tests, and a
//! report to file in them.
//!
//! SQLite tests get a new file in a temporary directory. PostgreSQL tests get a new schema in the database named by
//! `SINERGI_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`). When no PostgreSQL server
//! answers, the PostgreSQL half of a test is skipped with a note, except under CI (`CI` set) or with
//! `SINERGI_REQUIRE_POSTGRES=1`, where it fails: CI must prove both backends.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgConnectOptions;

use crate::{NewReport, PgStore, SqliteStore, Store};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A new incident report of `category` in `village` (a code that must parse), occurred and reported at `at_ms`, at
/// `location` if given: an ordinary report of a Polri officer on the web, without a key or routes. Tests change
/// what else they need with struct update syntax.
pub fn new_report(village: &str, category: &str, at_ms: i64, location: Option<sinergi_domain::LatLng>) -> NewReport {
    use sinergi_domain::incident::{Channel, ReportKind, Severity};
    NewReport {
        kind: ReportKind::Incident,
        category: category.into(),
        severity: Severity::High,
        occurred_at_ms: at_ms,
        reported_at_ms: at_ms,
        village: sinergi_domain::RegionCode::parse(village).expect("a test's village code parses"),
        tps_id: None,
        location,
        description: "Bentrok pendukung".into(),
        source_agency: sinergi_domain::AgencyKind::Polri,
        source_person: "Bripka Sabar".into(),
        reporter_account: None,
        channel: Channel::Web,
        classification: sinergi_domain::trust::auth::Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    }
}

/// A fresh, migrated database that lives as long as this value (SQLite) or until [`TestDb::cleanup`] (PostgreSQL).
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("sinergi-test.db").display());
        let store = SqliteStore::connect(&url).await.expect("open SQLite test database");
        TestDb { store: Arc::new(store), url, _dir: Some(dir), pg_schema: None }
    }

    /// A fresh schema on the test PostgreSQL server, or `None` (with a note) when none answers outside CI.
    pub async fn postgres() -> Option<TestDb> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::var("SINERGI_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let required =
            std::env::var_os("CI").is_some() || std::env::var("SINERGI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let admin = match sqlx::PgPool::connect(&base).await {
            Ok(pool) => pool,
            Err(e) if required => panic!("PostgreSQL is required here (CI) but {base} does not answer: {e}"),
            Err(e) => {
                eprintln!("note: PostgreSQL test skipped, {base} does not answer: {e}");
                return None;
            }
        };
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let schema =
            format!("sinergi_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos);
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create test schema");
        admin.close().await;
        let options =
            PgConnectOptions::from_str(&base).expect("test PostgreSQL URL").options([("search_path", schema.as_str())]);
        let store = PgStore::connect_with(options).await.expect("migrate PostgreSQL test schema");
        let url = format!("{base}?options=-c%20search_path%3D{schema}");
        Some(TestDb { store: Arc::new(store), url, _dir: None, pg_schema: Some((base, schema)) })
    }

    /// The URL of the same database opened so that it refuses writes: SQLite's `mode=ro`, PostgreSQL's
    /// `default_transaction_read_only` (as on a standby).
    pub fn read_only_url(&self) -> String {
        if self.url.starts_with("sqlite:") {
            format!("{}?mode=ro", self.url)
        } else {
            format!("{}%20-c%20default_transaction_read_only%3Don", self.url)
        }
    }

    /// Runs SQL on the database behind the store's back, as someone with direct access to it could (tests use
    /// this to tamper with the audit log). Returns the error text if the database refuses.
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, String> {
        execute_raw(&self.url, sql).await
    }

    /// Drops the PostgreSQL schema; nothing to do for SQLite, whose directory goes with the value.
    pub async fn cleanup(self) {
        if let Some((base, schema)) = &self.pg_schema {
            drop(self.store);
            if let Ok(pool) = sqlx::PgPool::connect(base).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(&pool).await;
                pool.close().await;
            }
        }
    }
}

/// Runs one SQL statement on the database at `url`, behind the store's back (see [`TestDb::execute_raw`]).
pub async fn execute_raw(url: &str, sql: &str) -> Result<u64, String> {
    let statement = sqlx::AssertSqlSafe(sql.to_owned());
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.map_err(|e| e.to_string())?;
        let done = sqlx::query(statement).execute(&pool).await.map_err(|e| e.to_string());
        pool.close().await;
        done.map(|d| d.rows_affected())
    } else {
        let pool = sqlx::PgPool::connect(url).await.map_err(|e| e.to_string())?;
        let done = sqlx::query(statement).execute(&pool).await.map_err(|e| e.to_string());
        pool.close().await;
        done.map(|d| d.rows_affected())
    }
}

/// Declares each named `async fn NAME(db: &TestDb)` of the calling module as two tests, `sqlite::NAME` and
/// `postgres::NAME`, so one behaviour suite runs on both backends.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::testing::TestDb::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(db) = $crate::testing::TestDb::postgres().await {
                        super::$name(&db).await;
                        db.cleanup().await;
                    }
                }
            )*
        }
    };
}
