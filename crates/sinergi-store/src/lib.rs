//! Storage for Sinergi: one interface, [`Store`], with two implementations that behave the same.
//!
//! [`SqliteStore`] is the default: an embedded file that needs no set-up and serves a regency from one process.
//! [`PgStore`] serves a province or the nation from several stateless server instances. Both run their own
//! migrations on connect. The SQL they share is written once (see `queries.rs`); only the schema files and the
//! connection set-up differ. One behaviour suite (`tests/behaviour.rs`) runs against both.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::audit::{AuditEntry, AuditEvent};
use sinergi_domain::auth::{Role, Scope};
use sinergi_domain::{
    AccessMode, AgencyKind, Boundary, LatLng, Level, Region, RegionCode, Tps, Unit, UnitKind, agency::Contact,
};

mod postgres;
mod queries;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What can go wrong in storage, in terms the server can map to a stable API error without leaking SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The write would break a uniqueness rule (for example a second TPS with the same number in a village).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The write names something that does not exist (a village, a parent unit).
    #[error("invalid reference: {0}")]
    InvalidReference(String),
    /// The database could not be reached or timed out.
    #[error("database unavailable: {0}")]
    Unavailable(String),
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
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Internal(format!("migration failed: {e}"))
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

/// A region with what the registry knows around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionInfo {
    pub code: RegionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<RegionCode>,
    pub centroid: Option<LatLng>,
    pub has_boundary: bool,
}

/// Number of TPS and registered voters in an area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TpsStats {
    pub tps: u64,
    pub voters: u64,
}

/// A stored TPS: its id and the village name, besides the TPS itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TpsRecord {
    pub id: i64,
    pub village_name: String,
    #[serde(flatten)]
    pub tps: Tps,
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

/// Which units to list.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub agency: Option<AgencyKind>,
    pub kind: Option<UnitKind>,
    /// Units whose territory lies inside this region (the region itself included).
    pub within: Option<RegionCode>,
    /// Units whose territory is exactly this region.
    pub at: Option<RegionCode>,
}

/// Units of one agency, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencySummary {
    pub agency: AgencyKind,
    pub units: u64,
    pub personnel: u64,
}

/// A region's boundary as stored: the GeoJSON geometry text, ready to be embedded in a response.
#[derive(Debug, Clone)]
pub struct BoundaryFeature {
    pub code: RegionCode,
    pub name: String,
    pub geometry: String,
}

/// An account to create. The password arrives already hashed (argon2id, by the caller).
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: Role,
    pub scope: Scope,
    pub password_hash: String,
    pub created_at_ms: i64,
}

/// A stored account. Its `Debug` leaves the password hash out, so it can never reach a log line.
#[derive(Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: Role,
    pub scope: Scope,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled: bool,
    pub created_at_ms: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("unit_code", &self.unit_code)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// A session to record, known by the digest of its id (see `sinergi_domain::auth::secret_digest`).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub digest: String,
    pub account_id: i64,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub digest: String,
    pub account_id: i64,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
}

/// The one storage interface. Every method is a single transaction: it either happens entirely or not at all.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Inserts or updates regions by code. Parents must exist or come in the same call.
    async fn upsert_regions(&self, regions: &[Region]) -> Result<u64>;
    async fn region(&self, code: &RegionCode) -> Result<Option<RegionInfo>>;
    /// The regions directly below `parent`, or the provinces when `parent` is `None`, in code order.
    async fn children(&self, parent: Option<&RegionCode>) -> Result<Vec<RegionInfo>>;
    /// Regions whose name contains `query` (case-insensitive), wider regions first.
    async fn search_regions(&self, query: &str, limit: u32) -> Result<Vec<RegionInfo>>;
    /// Every region code in the registry, for validating imports against it.
    async fn region_codes(&self) -> Result<HashSet<RegionCode>>;
    async fn count_regions(&self) -> Result<u64>;
    /// Regencies whose districts have boundaries, i.e. those with a map.
    async fn mapped_regencies(&self) -> Result<Vec<RegionInfo>>;
    /// Attaches boundaries to existing regions.
    async fn set_boundaries(&self, boundaries: &[(RegionCode, Boundary)]) -> Result<u64>;
    /// Boundaries of the regions of `level` inside `within`.
    async fn boundaries(&self, within: &RegionCode, level: Level) -> Result<Vec<BoundaryFeature>>;
    async fn boundary(&self, code: &RegionCode) -> Result<Option<Boundary>>;

    /// Inserts or updates TPS by (village, number).
    async fn upsert_tps(&self, tps: &[Tps]) -> Result<u64>;
    /// Inserts a new TPS; a TPS with the same village and number is a [`StoreError::Conflict`].
    async fn create_tps(&self, tps: &Tps) -> Result<TpsRecord>;
    /// Replaces a TPS; `None` when there is no TPS with this id.
    async fn update_tps(&self, id: i64, tps: &Tps) -> Result<Option<TpsRecord>>;
    async fn tps(&self, id: i64) -> Result<Option<TpsRecord>>;
    /// TPS inside a region, in code and number order, one page of them, with the total count.
    async fn list_tps(&self, within: &RegionCode, page: Page) -> Result<(Vec<TpsRecord>, u64)>;
    /// Every TPS inside a region (for exports and maps).
    async fn all_tps(&self, within: &RegionCode) -> Result<Vec<TpsRecord>>;
    async fn tps_stats(&self, within: &RegionCode) -> Result<TpsStats>;
    /// TPS counts per child region of `parent` (or per province), keyed by the child's code.
    async fn tps_stats_by_child(&self, parent: Option<&RegionCode>) -> Result<HashMap<RegionCode, TpsStats>>;
    async fn count_synthetic_tps(&self) -> Result<u64>;

    /// Inserts or updates units by code.
    async fn upsert_units(&self, units: &[Unit]) -> Result<u64>;
    async fn unit(&self, code: &str) -> Result<Option<Unit>>;
    /// Every unit code, for validating imports against them.
    async fn unit_codes(&self) -> Result<HashSet<String>>;
    async fn list_units(&self, filter: &UnitFilter, page: Page) -> Result<(Vec<Unit>, u64)>;
    async fn agency_summaries(&self) -> Result<Vec<AgencySummary>>;

    /// Creates an account; a taken username is a [`StoreError::Conflict`], an unknown unit or scope region a
    /// [`StoreError::InvalidReference`].
    async fn create_user(&self, user: &NewUser) -> Result<UserRecord>;
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>>;
    async fn user(&self, id: i64) -> Result<Option<UserRecord>>;
    async fn list_users(&self) -> Result<Vec<UserRecord>>;
    /// Disables or enables an account; disabling also ends its sessions. `false` when there is no such user.
    async fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<bool>;
    /// Replaces the password hash and ends the account's sessions. `false` when there is no such user.
    async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool>;

    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The session with this digest and its account, expired or not (the caller decides).
    async fn session(&self, digest: &str) -> Result<Option<(SessionRecord, UserRecord)>>;
    async fn touch_session(&self, digest: &str, now_ms: i64) -> Result<()>;
    async fn delete_session(&self, digest: &str) -> Result<()>;
    /// Deletes sessions past their absolute expiry (`expires_at_ms <= now_ms`) or idle since before
    /// `idle_before_ms`; returns how many.
    async fn purge_sessions(&self, now_ms: i64, idle_before_ms: i64) -> Result<u64>;

    /// Appends an event to the audit log, chained to the entry before it. Appends are serialised by a lock on
    /// the chain's head, across connections and server instances.
    async fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry>;
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u32) -> Result<Vec<AuditEntry>>;
    /// The recorded head of the chain: the last entry's number and hash (`0` and the genesis hash when empty).
    async fn audit_head(&self) -> Result<(i64, String)>;

    async fn meta(&self, key: &str) -> Result<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

/// The regions directly below `parent` (or the provinces), each with its TPS statistics: what both the region
/// browser and the API list.
pub async fn children_with_stats(
    store: &dyn Store,
    parent: Option<&RegionCode>,
) -> Result<Vec<(RegionInfo, TpsStats)>> {
    let children = store.children(parent).await?;
    let stats = store.tps_stats_by_child(parent).await?;
    Ok(children
        .into_iter()
        .map(|c| {
            let s = stats.get(&c.code).copied().unwrap_or_default();
            (c, s)
        })
        .collect())
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

// Row types shared by both backends; `queries.rs` maps them to domain types.

#[derive(sqlx::FromRow)]
struct RegionRow {
    code: String,
    name: String,
    parent: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    has_boundary: bool,
}

#[derive(sqlx::FromRow)]
struct TpsRow {
    id: i64,
    village_code: String,
    village_name: String,
    number: i64,
    address: String,
    lat: Option<f64>,
    lng: Option<f64>,
    voters: i64,
    access: String,
    synthetic: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    unit_code: String,
    role: String,
    scope: Option<String>,
    password_hash: String,
    disabled: bool,
    created_at_ms: i64,
}

impl UserRow {
    fn into_record(self) -> Result<UserRecord> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| StoreError::Internal(format!("stored role is invalid: {}", self.role)))?;
        let scope = match self.scope.as_deref() {
            None => Scope::National,
            Some(code) => Scope::Region(stored_code(code)?),
        };
        Ok(UserRecord {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            unit_code: self.unit_code,
            role,
            scope,
            password_hash: self.password_hash,
            disabled: self.disabled,
            created_at_ms: self.created_at_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at_ms: i64,
    actor: String,
    action: String,
    target: String,
    detail: String,
    origin: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            event: AuditEvent {
                at_ms: r.at_ms,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail,
                origin: r.origin,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    code: String,
    kind: String,
    name: String,
    territory: String,
    parent_code: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    personnel: i64,
}

/// A stored code that no longer parses means the database was edited by hand; say so rather than panic.
fn stored_code(text: &str) -> Result<RegionCode> {
    RegionCode::parse(text).map_err(|e| StoreError::Internal(format!("stored region code is invalid: {e}")))
}

impl RegionRow {
    fn into_info(self) -> Result<RegionInfo> {
        let code = stored_code(&self.code)?;
        Ok(RegionInfo {
            level: code.level(),
            parent: self.parent.as_deref().map(stored_code).transpose()?,
            code,
            name: self.name,
            centroid: match (self.lat, self.lng) {
                (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)),
                _ => None,
            },
            has_boundary: self.has_boundary,
        })
    }
}

impl TpsRow {
    fn into_record(self) -> Result<TpsRecord> {
        let access = AccessMode::parse(&self.access)
            .ok_or_else(|| StoreError::Internal(format!("stored access mode is invalid: {}", self.access)))?;
        Ok(TpsRecord {
            id: self.id,
            village_name: self.village_name,
            tps: Tps {
                village: stored_code(&self.village_code)?,
                number: self.number as u32,
                address: self.address,
                location: match (self.lat, self.lng) {
                    (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)),
                    _ => None,
                },
                voters: self.voters as u32,
                access,
                synthetic: self.synthetic,
            },
        })
    }
}

impl UnitRow {
    fn into_unit(self) -> Result<Unit> {
        let kind = UnitKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Internal(format!("stored unit kind is invalid: {}", self.kind)))?;
        Ok(Unit {
            code: self.code,
            kind,
            name: self.name,
            territory: stored_code(&self.territory)?,
            parent: self.parent_code,
            contact: Contact { phone: self.phone, email: self.email, address: self.address },
            personnel: self.personnel as u32,
        })
    }
}

/// The half-open code range `[code., code/)` that holds every region strictly inside `code`.
fn inside_range(code: &RegionCode) -> (String, String) {
    (format!("{code}."), format!("{code}/"))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
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
