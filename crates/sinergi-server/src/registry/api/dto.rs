//! The shapes of the JSON API. Kept apart from the domain types on purpose: the API is a contract with other
//! programs (SMS gateways, dashboards, scripts) and must not change because a domain type did.

use serde::{Deserialize, Serialize};
use sinergi_domain::i18n::Lang;
use sinergi_domain::{AgencyKind, TpsDraft, Unit};
use sinergi_store::{AgencySummary, RegionInfo, TpsRecord, TpsStats};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq)]
pub struct LatLngDto {
    pub lat: f64,
    pub lng: f64,
}

/// A region of the Kemendagri hierarchy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegionDto {
    /// Kemendagri code, e.g. `15.07.01.2001`.
    #[schema(example = "15.07")]
    pub code: String,
    #[schema(example = "Kabupaten Tanjung Jabung Timur")]
    pub name: String,
    /// 1 province, 2 regency/city, 3 district (kecamatan), 4 village (desa/kelurahan).
    #[schema(minimum = 1, maximum = 4)]
    pub level: u8,
    pub parent: Option<String>,
    pub centroid: Option<LatLngDto>,
    /// Whether a boundary polygon is stored for this region.
    pub has_boundary: bool,
}

impl From<RegionInfo> for RegionDto {
    fn from(r: RegionInfo) -> RegionDto {
        RegionDto {
            code: r.code.to_string(),
            name: r.name,
            level: r.level.number(),
            parent: r.parent.map(|p| p.to_string()),
            centroid: r.centroid.map(|c| LatLngDto { lat: c.lat, lng: c.lng }),
            has_boundary: r.has_boundary,
        }
    }
}

/// A region with its TPS statistics, as listed among the children of another.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegionWithStatsDto {
    #[serde(flatten)]
    pub region: RegionDto,
    pub tps: u64,
    pub voters: u64,
}

impl RegionWithStatsDto {
    pub fn new(region: RegionInfo, stats: TpsStats) -> RegionWithStatsDto {
        RegionWithStatsDto { region: region.into(), tps: stats.tps, voters: stats.voters }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a region name, any case.
    #[param(min_length = 1, max_length = 100)]
    pub q: String,
    /// At most this many results (1–100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Access mode of a TPS.
#[derive(Debug, Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum AccessDto {
    Road,
    River,
    Sea,
    Foot,
}

/// A polling station.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TpsDto {
    pub id: i64,
    #[schema(example = "15.07.01.2001")]
    pub village_code: String,
    pub village_name: String,
    #[schema(example = 1)]
    pub number: u32,
    /// `TPS 001`.
    pub label: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Registered voters (DPT).
    pub voters: u32,
    pub access: AccessDto,
    /// True for generated demo data: show it as such.
    pub synthetic: bool,
}

impl From<TpsRecord> for TpsDto {
    fn from(r: TpsRecord) -> TpsDto {
        let access = match r.tps.access {
            sinergi_domain::AccessMode::Road => AccessDto::Road,
            sinergi_domain::AccessMode::River => AccessDto::River,
            sinergi_domain::AccessMode::Sea => AccessDto::Sea,
            sinergi_domain::AccessMode::Foot => AccessDto::Foot,
        };
        TpsDto {
            id: r.id,
            label: r.tps.label(),
            village_code: r.tps.village.to_string(),
            village_name: r.village_name,
            number: r.tps.number,
            address: r.tps.address,
            lat: r.tps.location.map(|l| l.lat),
            lng: r.tps.location.map(|l| l.lng),
            voters: r.tps.voters,
            access,
            synthetic: r.tps.synthetic,
        }
    }
}

/// A TPS to create or replace. Accepts `access` as `road`, `river`, `sea`, `foot` or the Indonesian words.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TpsInput {
    #[schema(example = "15.07.01.2001")]
    pub village_code: String,
    #[schema(example = 1, minimum = 1, maximum = 999)]
    pub number: i64,
    #[serde(default)]
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    #[schema(example = 420, minimum = 0, maximum = 1000)]
    pub voters: i64,
    #[schema(example = "river")]
    pub access: String,
}

impl From<TpsInput> for TpsDraft {
    fn from(i: TpsInput) -> TpsDraft {
        TpsDraft {
            village_code: i.village_code,
            number: i.number,
            address: i.address,
            lat: i.lat,
            lng: i.lng,
            voters: i.voters,
            access: i.access,
            synthetic: false,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TpsQuery {
    /// Region code: the TPS inside this province, regency, district or village.
    pub region: String,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TpsPage {
    pub items: Vec<TpsDto>,
    pub page: u32,
    pub per_page: u32,
    /// All TPS in the region, over every page.
    pub total: u64,
}

/// A unit of an agency.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitDto {
    #[schema(example = "polres-15.07")]
    pub code: String,
    /// Unit kind, e.g. `polres`, `polsek`, `ppk`, `panwascam`.
    pub kind: String,
    /// Agency, e.g. `polri`, `kpu`.
    pub agency: String,
    pub name: String,
    /// The region the unit answers for.
    pub territory: String,
    /// The unit it reports to.
    pub parent: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub personnel: u32,
}

impl From<Unit> for UnitDto {
    fn from(u: Unit) -> UnitDto {
        UnitDto {
            agency: u.agency().as_str().to_owned(),
            kind: u.kind.as_str().to_owned(),
            code: u.code,
            name: u.name,
            territory: u.territory.to_string(),
            parent: u.parent,
            phone: u.contact.phone,
            email: u.contact.email,
            address: u.contact.address,
            personnel: u.personnel,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Only units of this agency (`polri`, `tni`, `kpu`, `bawaslu`, `pemda`, `kejaksaan`, `pengadilan`, `pln`,
    /// `telkom`, `linmas`).
    pub agency: Option<String>,
    /// Only units of this kind (e.g. `polsek`).
    pub kind: Option<String>,
    /// Only units whose territory lies inside this region.
    pub region: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitDto>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// A kind of unit within an agency.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitKindDto {
    pub kind: String,
    pub title: String,
    /// Level of the region such a unit answers for (1–4).
    pub level: u8,
}

/// An agency with its unit kinds and how many units and personnel are registered.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AgencyDto {
    #[schema(example = "polri")]
    pub kind: String,
    pub name: String,
    pub unit_kinds: Vec<UnitKindDto>,
    pub units: u64,
    pub personnel: u64,
}

impl AgencyDto {
    pub fn new(summary: &AgencySummary, lang: Lang) -> AgencyDto {
        let agency: AgencyKind = summary.agency;
        AgencyDto {
            kind: agency.as_str().to_owned(),
            name: agency.name(lang).to_owned(),
            unit_kinds: agency
                .unit_kinds()
                .map(|k| UnitKindDto {
                    kind: k.as_str().to_owned(),
                    title: k.title().to_owned(),
                    level: k.level().number(),
                })
                .collect(),
            units: summary.units,
            personnel: summary.personnel,
        }
    }
}
