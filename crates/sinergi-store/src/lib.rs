//! Storage for Sinergi: one interface, [`Store`], with two implementations that behave the same.
//!
//! [`SqliteStore`] is the default: an embedded file that needs no set-up and serves a regency from one process.
//! [`PgStore`] serves a province or the nation from several stateless server instances. Both run their own
//! migrations on connect. The SQL they share is written once, per capability (see `sql.rs`); only the schema files
//! and the connection set-up differ. One behaviour suite (the crate's tests) runs against both.
//!
//! Each capability has a folder holding its records, its storage trait and its SQL: `registry`, `trust`,
//! `vulnerability`, `incident` (with the report taxonomy), `early_warning`, `coordination` and `deployment`. [`Store`] is their sum: on a
//! `dyn Store` every method is at hand; on a concrete store (`SqliteStore`, `PgStore`) bring the traits into scope
//! with `use sinergi_store::prelude::*`.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;

mod common;
pub mod coordination;
pub mod deployment;
pub mod early_warning;
pub mod incident;
mod postgres;
pub mod registry;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trust;
pub mod vulnerability;

pub(crate) use common::*;
pub use coordination::*;
pub use deployment::*;
pub use early_warning::*;
pub use incident::*;
pub use postgres::PgStore;
pub use registry::*;
pub use sqlite::SqliteStore;
pub use trust::*;
pub use vulnerability::*;

/// The storage traits of every capability, to bring their methods into scope on a concrete store.
pub mod prelude {
    pub use crate::{
        CoordinationStore, DeploymentStore, EarlyWarningStore, IncidentDeskStore, IncidentStore, RegistryStore, Store,
        TaxonomyStore, TrustStore, VulnerabilityStore,
    };
}

/// What can go wrong in storage, in terms the server can map to a stable API error without leaking SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The write would break a uniqueness rule (for example a second TPS with the same number in a village).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The write names something that does not exist (a village, a parent unit).
    #[error("invalid reference: {0}")]
    InvalidReference(String),
    /// Text the database cannot hold (PostgreSQL refuses a NUL character). Input validation should have caught
    /// it; this keeps a miss from becoming a 500.
    #[error("invalid text: {0}")]
    InvalidText(String),
    /// The database could not be reached or timed out.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database refuses writes: a read-only file or mount, or a PostgreSQL standby.
    #[error("database is read-only: {0}")]
    ReadOnly(String),
    /// Entries lie beyond the audit log's recorded head: someone wrote into it around the application. Every
    /// audited change is refused until an administrator has looked (`sinergi audit verify`).
    #[error("audit chain broken: {0}")]
    AuditChainBroken(String),
    /// The URL names no backend we know.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// Anything else; the detail is for the log, never for the user.
    #[error("database error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::InvalidReference(db.message().to_owned())
            }
            // 22021 character_not_in_repertoire (a NUL), 22P05 untranslatable_character.
            sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("22021" | "22P05")) => {
                StoreError::InvalidText(db.message().to_owned())
            }
            sqlx::Error::Database(db) if is_read_only(db.code().as_deref(), db.message()) => {
                StoreError::ReadOnly(db.message().to_owned())
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

/// True for the database's refusal to write at all: PostgreSQL's `25006 read_only_sql_transaction` (a standby, or
/// `default_transaction_read_only`), SQLite's `SQLITE_READONLY` and its extended codes (a read-only file, mount or
/// `mode=ro`).
fn is_read_only(code: Option<&str>, message: &str) -> bool {
    match code {
        Some("25006") => true,
        Some(code) => code.parse::<i32>().is_ok_and(|c| c & 0xff == 8) && message.contains("readonly"),
        None => false,
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            // A database that cannot be written cannot be migrated either: say which it is.
            sqlx::migrate::MigrateError::Execute(inner) => match StoreError::from(inner) {
                read_only @ StoreError::ReadOnly(_) => read_only,
                other => StoreError::Internal(format!("migration failed: {other}")),
            },
            e => StoreError::Internal(format!("migration failed: {e}")),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which implementation is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Counting from 1.
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub const MAX_SIZE: u32 = 1000;

    pub fn new(number: u32, size: u32) -> Page {
        Page { number: number.max(1), size: size.clamp(1, Page::MAX_SIZE) }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }
}

/// Opens the database a URL names: `sqlite://PATH` (created if missing) or `postgres://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(redact(url)))
    }
}

/// The URL without its password, fit for a log line or an error.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// The one storage interface: the sum of every capability's. Every method is a single transaction: it either
/// happens entirely or not at all.
#[async_trait]
pub trait Store:
    RegistryStore
    + TrustStore
    + VulnerabilityStore
    + IncidentStore
    + IncidentDeskStore
    + TaxonomyStore
    + EarlyWarningStore
    + CoordinationStore
    + DeploymentStore
{
    fn backend(&self) -> Backend;
    async fn meta(&self, key: &str) -> Result<Option<String>>;
    /// Checks that the database takes writes, by a write it rolls back: [`StoreError::ReadOnly`] on a read-only
    /// file or a PostgreSQL standby. The server refuses to start on such a database, and `/health` reports it.
    async fn check_writable(&self) -> Result<()>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://sinergi:s3cret@db:5432/x"), "postgres://sinergi:***@db:5432/x");
        assert_eq!(redact("sqlite://demo.db"), "sqlite://demo.db");
    }

    #[test]
    fn escapes_like_patterns() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }

    #[test]
    fn pages_are_clamped() {
        assert_eq!(Page::new(0, 0), Page { number: 1, size: 1 });
        assert_eq!(Page::new(3, 5000).offset(), 2000);
    }
}
