//! Polling stations (*Tempat Pemungutan Suara*, TPS).
//!
//! A TPS belongs to one village and is numbered within it (`TPS 001`, `TPS 002`, …), so the pair (village, number)
//! identifies it. Its access mode matters to the police: many TPS in the coastal regencies are reached only by boat.

use serde::{Deserialize, Serialize};

use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::import::Problem;
use crate::region::{Level, RegionCode};

/// The highest TPS number we accept within one village; KPU numbers TPS with three digits.
pub const MAX_TPS_NUMBER: u32 = 999;

/// The most voters we accept for one TPS. KPU caps a TPS at 600 voters for a regional election (300 for the 2024
/// general election); anything far above is a typo, not a big TPS.
pub const MAX_VOTERS: u32 = 1000;

/// How officers reach a TPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AccessMode {
    #[default]
    Road,
    River,
    Sea,
    Foot,
}

impl AccessMode {
    pub const ALL: [AccessMode; 4] = [AccessMode::Road, AccessMode::River, AccessMode::Sea, AccessMode::Foot];

    /// Accepts the English names and the Indonesian words officers write (`jalan`, `darat`, `sungai`, `laut`,
    /// `kaki`, `jalan kaki`), in any case.
    pub fn parse(text: &str) -> Option<AccessMode> {
        let t = text.trim().to_lowercase();
        match t.as_str() {
            "road" | "jalan" | "darat" | "jalan darat" => Some(AccessMode::Road),
            "river" | "sungai" | "perahu" => Some(AccessMode::River),
            "sea" | "laut" | "kapal" => Some(AccessMode::Sea),
            "foot" | "kaki" | "jalan kaki" | "on foot" => Some(AccessMode::Foot),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::Road => "road",
            AccessMode::River => "river",
            AccessMode::Sea => "sea",
            AccessMode::Foot => "foot",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            AccessMode::Road => Msg::AccessRoad,
            AccessMode::River => Msg::AccessRiver,
            AccessMode::Sea => Msg::AccessSea,
            AccessMode::Foot => Msg::AccessFoot,
        })
    }
}

/// A polling station as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tps {
    pub village: RegionCode,
    pub number: u32,
    pub address: String,
    pub location: Option<LatLng>,
    pub voters: u32,
    pub access: AccessMode,
    /// True for the demo's generated TPS, which must be labelled as such wherever they show.
    pub synthetic: bool,
}

impl Tps {
    /// The name KPU gives a TPS: `TPS 001`.
    pub fn label(&self) -> String {
        format!("TPS {:03}", self.number)
    }
}

/// A TPS as a user or a file gives it, before validation: the one place where the rules for a TPS live, shared by
/// the CSV import and the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TpsDraft {
    pub village_code: String,
    pub number: i64,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
    pub voters: i64,
    pub access: String,
    #[serde(default)]
    pub synthetic: bool,
}

/// Longest address we accept; longer text is a pasted paragraph, not an address.
pub const MAX_ADDRESS: usize = 500;

impl TpsDraft {
    /// Checks every field and returns the TPS, or every problem with the name of its field.
    ///
    /// `village_level` answers whether a region exists and at which level.
    pub fn validate(
        &self,
        village_level: impl Fn(&RegionCode) -> Option<Level>,
    ) -> Result<Tps, Vec<(&'static str, Problem)>> {
        let mut problems = Vec::new();
        let village = match RegionCode::parse(&self.village_code) {
            Ok(code) => match village_level(&code) {
                None => {
                    problems.push(("village_code", Problem::UnknownRegion(code.to_string())));
                    None
                }
                Some(Level::Village) => Some(code),
                Some(_) => {
                    problems.push(("village_code", Problem::NotVillage(code.to_string())));
                    None
                }
            },
            Err(_) if self.village_code.trim().is_empty() => {
                problems.push(("village_code", Problem::Empty));
                None
            }
            Err(e) => {
                problems.push(("village_code", Problem::BadCode(e)));
                None
            }
        };
        if self.number < 0 {
            problems.push(("number", Problem::Negative(self.number.to_string())));
        } else if !(1..=i64::from(MAX_TPS_NUMBER)).contains(&self.number) {
            let problem = Problem::OutOfRange {
                value: self.number.to_string(),
                min: "1".into(),
                max: MAX_TPS_NUMBER.to_string(),
            };
            problems.push(("number", problem));
        }
        if self.voters < 0 {
            problems.push(("voters", Problem::Negative(self.voters.to_string())));
        } else if self.voters > i64::from(MAX_VOTERS) {
            problems.push(("voters", Problem::TooManyVoters(self.voters.min(i64::from(u32::MAX)) as u32)));
        }
        let access = AccessMode::parse(&self.access);
        if access.is_none() {
            problems.push(("access", Problem::BadAccess(self.access.clone())));
        }
        if self.address.chars().count() > MAX_ADDRESS {
            problems.push(("address", Problem::TooLong(MAX_ADDRESS)));
        } else if self.address.chars().any(char::is_control) {
            problems.push(("address", Problem::ControlCharacter));
        }
        let location = match (self.lat, self.lng) {
            (None, None) => None,
            (Some(lat), Some(lng)) => {
                let point = LatLng::new(lat, lng);
                if !point.in_indonesia() {
                    problems.push(("lat", Problem::OutsideIndonesia { lat, lng }));
                }
                Some(point)
            }
            (None, Some(_)) => {
                problems.push(("lat", Problem::HalfCoordinates));
                None
            }
            (Some(_), None) => {
                problems.push(("lng", Problem::HalfCoordinates));
                None
            }
        };
        match (village, access) {
            (Some(village), Some(access)) if problems.is_empty() => Ok(Tps {
                village,
                number: self.number as u32,
                address: self.address.trim().to_owned(),
                location,
                voters: self.voters as u32,
                access,
                synthetic: self.synthetic,
            }),
            _ => Err(problems),
        }
    }
}

impl From<&Tps> for TpsDraft {
    fn from(tps: &Tps) -> TpsDraft {
        TpsDraft {
            village_code: tps.village.to_string(),
            number: i64::from(tps.number),
            address: tps.address.clone(),
            lat: tps.location.map(|l| l.lat),
            lng: tps.location.map(|l| l.lng),
            voters: i64::from(tps.voters),
            access: tps.access.as_str().to_owned(),
            synthetic: tps.synthetic,
        }
    }
}

/// Every field that changed between two versions of a TPS, as JSON `{"field": [old, new], …}`, for the audit log.
pub fn changes(before: &Tps, after: &Tps) -> String {
    let (Ok(serde_json::Value::Object(old)), Ok(serde_json::Value::Object(new))) =
        (serde_json::to_value(TpsDraft::from(before)), serde_json::to_value(TpsDraft::from(after)))
    else {
        return String::new();
    };
    let diff: serde_json::Map<String, serde_json::Value> = new
        .into_iter()
        .filter_map(|(field, value)| {
            let previous = old.get(&field).cloned().unwrap_or(serde_json::Value::Null);
            (previous != value).then(|| (field, serde_json::Value::Array(vec![previous, value])))
        })
        .collect();
    serde_json::Value::Object(diff).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes_in_both_languages() {
        assert_eq!(AccessMode::parse("Sungai"), Some(AccessMode::River));
        assert_eq!(AccessMode::parse(" JALAN KAKI "), Some(AccessMode::Foot));
        assert_eq!(AccessMode::parse("sea"), Some(AccessMode::Sea));
        assert_eq!(AccessMode::parse("helicopter"), None);
        for mode in AccessMode::ALL {
            assert_eq!(AccessMode::parse(mode.as_str()), Some(mode));
        }
    }

    #[test]
    fn label_pads_the_number() {
        let tps = Tps {
            village: RegionCode::parse("15.07.01.2001").unwrap(),
            number: 7,
            address: String::new(),
            location: None,
            voters: 400,
            access: AccessMode::Road,
            synthetic: false,
        };
        assert_eq!(tps.label(), "TPS 007");
        assert_eq!(TpsDraft::from(&tps).validate(|_| Some(Level::Village)), Ok(tps));
    }

    #[test]
    fn a_draft_reports_every_bad_field() {
        let draft = TpsDraft {
            village_code: "15.07.01".into(),
            number: 0,
            address: "x".repeat(600),
            lat: Some(103.9),
            lng: Some(-1.0),
            voters: -3,
            access: "helikopter".into(),
            synthetic: false,
        };
        let problems = draft.validate(|_| Some(Level::District)).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["village_code", "number", "voters", "access", "address", "lat"]);
    }
}
