//! The embedded backend: one SQLite file in WAL mode, created on first use.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::{Backend, Result, StoreError};

/// How every connection to the database file is set up, the pool's and the report writer's alike
/// (`sqlite_writer.rs`), so that a report is as durable written by one as by the other.
pub(crate) const SETTINGS: [(&str, &str); 6] = [
    // Readers run beside the one writer.
    ("journal_mode", "WAL"),
    // Every acknowledged write survives a power cut: incident reports must not be lost.
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    // Pages are read through a memory map instead of copied in, and each connection keeps 16 MiB of them: under
    // a stream of reports the indexes' pages are read again by every group.
    ("mmap_size", "268435456"),
    ("cache_size", "-16384"),
    // A statement of many rows keeps a journal of the pages it changes, to undo itself alone if one row fails; in
    // memory that costs a copy instead of a file's writes.
    ("temp_store", "memory"),
];

/// How long a connection waits for the write lock before it gives up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite storage. Writers queue on SQLite's single write lock (with a busy timeout); readers run beside them.
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: sqlx::SqlitePool,
    /// Files reports on a thread of its own (`sqlite_writer`); none for an in-memory database, whose reports go
    /// through the pool.
    writer: Option<std::sync::Arc<crate::incident::sqlite_writer::ReportWriter>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at a `sqlite://PATH` URL and runs the migrations.
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::UnsupportedUrl(format!("{url}: {e}")))?
            .create_if_missing(true)
            .busy_timeout(BUSY_TIMEOUT);
        let options = SETTINGS.iter().fold(options, |options, (name, value)| options.pragma(*name, *value));
        let options_path = options.get_filename().to_path_buf();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {url}: {e}")))?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let writer = match crate::incident::sqlite_writer::file_path(url, options_path.as_path()) {
            Some(path) => {
                let read_only = url.contains("mode=ro");
                Some(std::sync::Arc::new(crate::incident::sqlite_writer::ReportWriter::start(&path, read_only)?))
            }
            None => None,
        };
        Ok(SqliteStore { pool, writer })
    }

    /// Files reports: on the writer thread, or through the pool for an in-memory database.
    pub(crate) async fn file_batch(&self, reports: &[crate::NewReport]) -> Result<Vec<crate::Filed>> {
        match &self.writer {
            Some(writer) => writer.file(reports).await,
            None => file_in_pool(&self.pool, reports).await,
        }
    }
}

crate::sql::impl_common!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::registry::queries::impl_registry_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::trust::queries::impl_trust_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::vulnerability::queries::impl_vulnerability_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::incident::queries::impl_incident_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::incident::desk_queries::impl_incident_desk_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::incident::taxonomy_queries::impl_taxonomy_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::early_warning::queries::impl_early_warning_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::coordination::queries::impl_coordination_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
crate::deployment::queries::impl_deployment_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite);
