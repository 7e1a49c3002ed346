//! The shared backend: PostgreSQL, for several server instances and for province or national scale.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::{Backend, Result, StoreError};

/// PostgreSQL storage.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: sqlx::PgPool,
}

impl PgStore {
    /// Connects to a `postgres://…` URL and runs the migrations (sqlx serialises concurrent migrators with an
    /// advisory lock, so several instances may start at once).
    pub async fn connect(url: &str) -> Result<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::UnsupportedUrl(format!("{}: {e}", crate::redact(url))))?;
        PgStore::connect_with(options).await
    }

    /// Connects with prepared options (tests use this to give each run its own schema).
    pub async fn connect_with(options: PgConnectOptions) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot connect to PostgreSQL: {e}")))?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool })
    }

    /// PostgreSQL files reports through the pool (`file_reports` in queries.rs).
    pub(crate) fn report_writer(&self) -> Option<&crate::sqlite_writer::ReportWriter> {
        None
    }
}

crate::queries::impl_store!(PgStore, sqlx::Postgres, Backend::Postgres);
