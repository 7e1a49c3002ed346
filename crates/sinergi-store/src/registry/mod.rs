//! The registry in storage: regions, boundaries, TPS and units.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::{
    AccessMode, AgencyKind, Boundary, LatLng, Level, Region, RegionCode, Tps, Unit, UnitKind, registry::agency::Contact,
};

use crate::{Page, Result, Store, StoreError, stored_code};

pub(crate) mod queries;

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

/// The regions directly below `parent` (or the provinces), each with its TPS statistics: what both the region
/// browser and the API list.
pub async fn children_with_stats(
    store: &dyn Store,
    viewer: &Viewer,
    parent: Option<&RegionCode>,
) -> Result<Vec<(RegionInfo, TpsStats)>> {
    let children = store.children(viewer, parent).await?;
    let stats = store.tps_stats_by_child(viewer, parent).await?;
    Ok(children
        .into_iter()
        .map(|c| {
            let s = stats.get(&c.code).copied().unwrap_or_default();
            (c, s)
        })
        .collect())
}

/// Regions and their boundaries, TPS and units: the registry every other capability stands on.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Inserts or updates regions by code. Parents must exist or come in the same call.
    async fn upsert_regions(&self, regions: &[Region]) -> Result<u64>;

    // Reads on behalf of a user take the [`Viewer`] and return only what it may see (see
    // `sinergi_domain::access`): a record outside its territory is `None`, lists leave such records out. The
    // command line reads as `Viewer::system`.

    /// The region, when the viewer sees it (inside its scope or an ancestor of it).
    async fn region(&self, viewer: &Viewer, code: &RegionCode) -> Result<Option<RegionInfo>>;

    /// The regions directly below `parent`, or the provinces when `parent` is `None`, in code order; only
    /// those the viewer sees.
    async fn children(&self, viewer: &Viewer, parent: Option<&RegionCode>) -> Result<Vec<RegionInfo>>;

    /// Regions the viewer sees whose name contains `query` (case-insensitive), wider regions first.
    async fn search_regions(&self, viewer: &Viewer, query: &str, limit: u32) -> Result<Vec<RegionInfo>>;

    /// Every region code in the registry, for validating imports against it.
    async fn region_codes(&self) -> Result<HashSet<RegionCode>>;

    async fn count_regions(&self) -> Result<u64>;

    /// Regencies the viewer sees whose districts have boundaries, i.e. those with a map.
    async fn mapped_regencies(&self, viewer: &Viewer) -> Result<Vec<RegionInfo>>;

    /// Attaches boundaries to existing regions.
    async fn set_boundaries(&self, boundaries: &[(RegionCode, Boundary)]) -> Result<u64>;

    /// Boundaries of the regions of `level` inside `within` and inside the viewer's territory.
    async fn boundaries(&self, viewer: &Viewer, within: &RegionCode, level: Level) -> Result<Vec<BoundaryFeature>>;

    async fn boundary(&self, viewer: &Viewer, code: &RegionCode) -> Result<Option<Boundary>>;

    /// Inserts or updates TPS by (village, number).
    async fn upsert_tps(&self, tps: &[Tps]) -> Result<u64>;

    // Writes made on behalf of someone take the audit event that records them and append it in the same
    // transaction: the change and its entry commit together or not at all.

    /// Inserts a new TPS in the viewer's territory and records `audit` (its target set to `tps:<id>`); a TPS
    /// with the same village and number is a [`StoreError::Conflict`], a village outside the territory or the
    /// registry a [`StoreError::InvalidReference`].
    async fn create_tps(&self, viewer: &Viewer, tps: &Tps, audit: &AuditEvent) -> Result<TpsRecord>;

    /// Replaces a TPS in the viewer's territory and records `audit` with every changed field as its detail;
    /// `None` when there is no such TPS in the territory.
    async fn update_tps(&self, viewer: &Viewer, id: i64, tps: &Tps, audit: &AuditEvent) -> Result<Option<TpsRecord>>;

    /// The TPS, when the viewer may read TPS and it lies in the viewer's territory.
    async fn tps(&self, viewer: &Viewer, id: i64) -> Result<Option<TpsRecord>>;

    /// TPS inside a region and the viewer's territory, in code and number order, one page of them, with the
    /// total count.
    async fn list_tps(&self, viewer: &Viewer, within: &RegionCode, page: Page) -> Result<(Vec<TpsRecord>, u64)>;

    /// Every TPS inside a region and the viewer's territory (for exports and maps).
    async fn all_tps(&self, viewer: &Viewer, within: &RegionCode) -> Result<Vec<TpsRecord>>;

    async fn tps_stats(&self, viewer: &Viewer, within: &RegionCode) -> Result<TpsStats>;

    /// Counts of the TPS the viewer may read, per child region of `parent` (or per province), keyed by the
    /// child's code.
    async fn tps_stats_by_child(
        &self,
        viewer: &Viewer,
        parent: Option<&RegionCode>,
    ) -> Result<HashMap<RegionCode, TpsStats>>;

    async fn count_synthetic_tps(&self) -> Result<u64>;

    /// Inserts or updates units by code.
    async fn upsert_units(&self, units: &[Unit]) -> Result<u64>;

    /// The unit, when the viewer may read units and sees its territory (units of the scope's ancestors
    /// included: the chain of command).
    async fn unit(&self, viewer: &Viewer, code: &str) -> Result<Option<Unit>>;

    /// Every unit code, for validating imports against them.
    async fn unit_codes(&self) -> Result<HashSet<String>>;

    async fn list_units(&self, viewer: &Viewer, filter: &UnitFilter, page: Page) -> Result<(Vec<Unit>, u64)>;

    async fn agency_summaries(&self, viewer: &Viewer) -> Result<Vec<AgencySummary>>;

    /// Every village with a centroid, and its boundary (GeoJSON text) when one is stored: what placing a report
    /// by its coordinates needs. Not filtered by a viewer: the caller checks the village it finds.
    async fn village_shapes(&self) -> Result<Vec<(RegionCode, LatLng, Option<String>)>>;

    /// Every unit whose territory holds the village (the village's own, its district's, regency's, province's).
    async fn units_over(&self, village: &RegionCode) -> Result<Vec<Unit>>;
}

// Rows as read from either backend, mapped to the records above.

#[derive(sqlx::FromRow)]
pub(crate) struct RegionRow {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) parent: Option<String>,
    pub(crate) lat: Option<f64>,
    pub(crate) lng: Option<f64>,
    pub(crate) has_boundary: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TpsRow {
    pub(crate) id: i64,
    pub(crate) village_code: String,
    pub(crate) village_name: String,
    pub(crate) number: i64,
    pub(crate) address: String,
    pub(crate) lat: Option<f64>,
    pub(crate) lng: Option<f64>,
    pub(crate) voters: i64,
    pub(crate) access: String,
    pub(crate) synthetic: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    pub(crate) code: String,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) territory: String,
    pub(crate) parent_code: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) personnel: i64,
}

impl RegionRow {
    pub(crate) fn into_info(self) -> Result<RegionInfo> {
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
    pub(crate) fn into_record(self) -> Result<TpsRecord> {
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
    pub(crate) fn into_unit(self) -> Result<Unit> {
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
