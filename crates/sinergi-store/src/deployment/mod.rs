//! Deployment planning in storage: the roster (people per unit, personal data), each regency's own security
//! pattern, and plans kept whole with their version and status. The store never decides who may read a roster: the
//! deployment service does, and audits every read.

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::RegionCode;
use sinergi_domain::access::Viewer;
use sinergi_domain::deployment::Force;
use sinergi_domain::deployment::personnel::Person;
use sinergi_domain::deployment::planner::{PlanDocument, PlanStatus, PlanSummary};
use sinergi_domain::trust::audit::AuditEvent;

use crate::Result;

pub(crate) mod queries;

/// A regency's own security pattern, as loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPattern {
    pub regency: RegionCode,
    pub pattern_id: String,
    pub version: String,
    /// The pattern file (TOML), checked.
    pub definition: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
}

/// A plan to store: its version is the next for its regency and name.
#[derive(Debug, Clone)]
pub struct NewPlan<'a> {
    pub regency: &'a RegionCode,
    pub name: &'a str,
    pub document: &'a PlanDocument,
    pub created_by: &'a str,
    pub at_ms: i64,
}

/// A plan without its document: what lists and comparisons show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanHead {
    pub id: i64,
    pub regency: RegionCode,
    pub name: String,
    pub version: i64,
    pub status: PlanStatus,
    pub partial: bool,
    pub summary: PlanSummary,
    pub created_by: String,
    pub created_at_ms: i64,
    /// Who approved it (or whose approval superseded it), and when.
    pub decided_by: Option<String>,
    pub decided_at_ms: Option<i64>,
}

/// A plan, whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRecord {
    pub head: PlanHead,
    pub document: PlanDocument,
}

/// People on a unit's roster, counted by force: strength without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterCount {
    pub unit: String,
    pub force: Force,
    pub people: u64,
}

/// The roster, patterns and plans.
#[async_trait]
pub trait DeploymentStore: Send + Sync {
    /// Replaces the rosters of `units` with `people` (each of one of those units), with its audit entry, in one
    /// transaction; returns how many people the units now have.
    async fn replace_roster(
        &self,
        units: &[String],
        people: &[Person],
        actor: &str,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<u64>;

    /// Of `ids`, those on the roster of a unit not among `units`, with that unit: one person in two units.
    async fn people_elsewhere(&self, ids: &[String], units: &[String]) -> Result<Vec<(String, String)>>;

    /// The people of these units, by unit then id. Personal data: the caller audits the read.
    async fn people(&self, units: &[String]) -> Result<Vec<Person>>;

    /// People per unit and force, for the units whose territory lies inside `within`.
    async fn roster_counts(&self, within: &RegionCode) -> Result<Vec<RosterCount>>;

    /// Loads a regency's own pattern, replacing the one before, with its audit entry.
    async fn put_pattern(&self, pattern: &StoredPattern, audit: &AuditEvent) -> Result<()>;

    /// The regency's own pattern, if it has one.
    async fn pattern(&self, regency: &RegionCode) -> Result<Option<StoredPattern>>;

    /// Stores a plan as a draft, version one more than the last of its regency and name; returns (id, version).
    async fn create_plan(&self, plan: &NewPlan<'_>, audit: &AuditEvent) -> Result<(i64, i64)>;

    /// The plans of the regencies the viewer sees (inside its territory, or the regency its territory lies in),
    /// newest first.
    async fn plans(&self, viewer: &Viewer, regency: Option<&RegionCode>) -> Result<Vec<PlanHead>>;

    /// The plan in force of each regency the viewer sees (or of `regency` only): its approved plan, else its newest
    /// draft (a regency with neither has none), by regency code. However many versions there are, one per regency.
    async fn plans_in_force(&self, viewer: &Viewer, regency: Option<&RegionCode>) -> Result<Vec<PlanHead>>;

    /// A plan whole, whoever asks (the service decides who may see it).
    async fn plan(&self, id: i64) -> Result<Option<PlanRecord>>;

    /// Moves a plan from `from` to `to` if it is still in `from` (`false`: nothing written). Approving supersedes
    /// the regency's plan approved before, in the same transaction.
    async fn decide_plan(
        &self,
        id: i64,
        from: PlanStatus,
        to: PlanStatus,
        actor: &str,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<bool>;
}
