//! Polling stations (*Tempat Pemungutan Suara*, TPS).
//!
//! A TPS belongs to one village and is numbered within it (`TPS 001`, `TPS 002`, …), so the pair (village, number)
//! identifies it. Its access mode matters to the police: many TPS in the coastal regencies are reached only by boat.

use serde::{Deserialize, Serialize};

use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::region::RegionCode;

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
    }
}
