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

    /// Files reports through the pool.
    pub(crate) async fn file_batch(&self, reports: &[crate::NewReport]) -> Result<Vec<crate::Filed>> {
        file_in_pool(&self.pool, reports).await
    }
}

crate::sql::impl_common!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::registry::queries::impl_registry_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::trust::queries::impl_trust_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::vulnerability::queries::impl_vulnerability_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::incident::queries::impl_incident_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::incident::desk_queries::impl_incident_desk_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::incident::taxonomy_queries::impl_taxonomy_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::early_warning::queries::impl_early_warning_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::coordination::queries::impl_coordination_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::deployment::queries::impl_deployment_store!(PgStore, sqlx::Postgres, Backend::Postgres);
