//! Deployment planning (*rencana pengerahan personel*, issue 20): how many officers each TPS needs under a security
//! pattern, how TPS are grouped into security posts, who stands at which post, how patrols run between TPS and
//! where the reserves wait. See `docs/deployment.md`.
//!
//! Everything here is pure: the planner takes the TPS, units and people as values and returns plans as values.
//! Results are deterministic: collections are ordered (by id, then by input position), never by hash order.
//!
//! - [`pattern`]: the security pattern (*pola pengamanan*) as a TOML file: P police secure T TPS helped by L Linmas.
//! - [`requirement`]: personnel needed per force, per district and for the regency; shortfalls and the BKO request.
//! - [`posts`]: TPS grouped into security posts within walking distance.
//! - [`assignment`]: named people assigned to posts, and what cannot be covered.
//! - [`travel`]: travel times, straight-line by access mode or from a matrix file.
//! - [`patrol`]: patrol routes between TPS through the VRPTW engine (`sinergi-vrptw`).
//! - [`reserves`]: reserve bases by the vertex p-centre, with a proven lower bound.
//! - [`personnel`]: the roster import and the synthetic demo roster.

pub mod assignment;
pub mod patrol;
pub mod pattern;
pub mod personnel;
pub mod planner;
pub mod posts;
pub mod requirement;
pub mod reserves;
pub mod travel;

use serde::{Deserialize, Serialize};

use crate::geo::LatLng;
use crate::region::RegionCode;
use crate::registry::agency::{AgencyKind, UnitKind};
use crate::registry::tps::AccessMode;

/// The forces that stand at a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Force {
    Polri,
    Tni,
    Linmas,
}

impl Force {
    pub const ALL: [Force; 3] = [Force::Polri, Force::Tni, Force::Linmas];

    pub fn as_str(self) -> &'static str {
        match self {
            Force::Polri => "polri",
            Force::Tni => "tni",
            Force::Linmas => "linmas",
        }
    }

    /// `polri` (also `polisi`), `tni`, `linmas`, in any case.
    pub fn parse(text: &str) -> Option<Force> {
        match text.trim().to_ascii_lowercase().as_str() {
            "polri" | "polisi" | "police" => Some(Force::Polri),
            "tni" => Some(Force::Tni),
            "linmas" => Some(Force::Linmas),
            _ => None,
        }
    }

    /// The force of an agency's people; `None` for agencies that send no one to a post.
    pub fn of_agency(agency: AgencyKind) -> Option<Force> {
        match agency {
            AgencyKind::Polri => Some(Force::Polri),
            AgencyKind::Tni => Some(Force::Tni),
            AgencyKind::Linmas => Some(Force::Linmas),
            _ => None,
        }
    }

    pub fn of_unit(kind: UnitKind) -> Option<Force> {
        Force::of_agency(kind.agency())
    }

    /// The plural noun for messages: "police", "TNI soldiers", "Linmas".
    pub fn people(self) -> &'static str {
        match self {
            Force::Polri => "police",
            Force::Tni => "TNI soldiers",
            Force::Linmas => "Linmas",
        }
    }
}

impl std::fmt::Display for Force {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// People needed (or available) per force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub polri: u32,
    pub tni: u32,
    pub linmas: u32,
}

impl Need {
    pub fn get(&self, force: Force) -> u32 {
        match force {
            Force::Polri => self.polri,
            Force::Tni => self.tni,
            Force::Linmas => self.linmas,
        }
    }

    pub fn get_mut(&mut self, force: Force) -> &mut u32 {
        match force {
            Force::Polri => &mut self.polri,
            Force::Tni => &mut self.tni,
            Force::Linmas => &mut self.linmas,
        }
    }

    pub fn total(&self) -> u32 {
        self.polri.saturating_add(self.tni).saturating_add(self.linmas)
    }
}

impl std::ops::AddAssign for Need {
    fn add_assign(&mut self, other: Need) {
        self.polri = self.polri.saturating_add(other.polri);
        self.tni = self.tni.saturating_add(other.tni);
        self.linmas = self.linmas.saturating_add(other.linmas);
    }
}

/// A TPS as the planner sees it: its place, its class under the indicator set and the causes kept with the class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTps {
    /// A stable id, unique in the plan (the registry's `village/number`, for example `15.07.01.2001/003`).
    pub id: String,
    /// How people name it: `TPS 003 Kedungmalang`.
    pub label: String,
    pub district: RegionCode,
    pub village: RegionCode,
    /// The class id under the indicator set (`kurang_rawan`, `rawan`, …).
    pub class: String,
    /// The causes kept with the class: variable ids (`geografis`) or `variable.indicator` names
    /// (`geografis.sulit_dijangkau`), as [`crate::vulnerability::IndicatorSet::indicator_name`] writes them.
    pub causes: Vec<String>,
    pub location: Option<LatLng>,
    pub access: AccessMode,
    pub voters: u32,
}

impl PlanTps {
    /// Whether one of the causes lies in this variable.
    pub fn has_cause(&self, variable: &str) -> bool {
        self.causes.iter().any(|c| c == variable || c.split_once('.').is_some_and(|(v, _)| v == variable))
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// A TPS at a point, in district `15.07.0d` and village `15.07.0d.200v`.
    pub fn tps(id: &str, district: u32, village: u32, class: &str, at: Option<(f64, f64)>) -> PlanTps {
        PlanTps {
            id: id.to_owned(),
            label: format!("TPS {id}"),
            district: RegionCode::parse(&format!("15.07.{district:02}")).unwrap(),
            village: RegionCode::parse(&format!("15.07.{district:02}.{:04}", 2000 + village)).unwrap(),
            class: class.to_owned(),
            causes: Vec::new(),
            location: at.map(|(lat, lng)| LatLng::new(lat, lng)),
            access: AccessMode::Road,
            voters: 400,
        }
    }
}

#[cfg(test)]
mod tests;
