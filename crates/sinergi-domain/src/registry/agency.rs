//! Agencies (*instansi*) and their units (*satuan*).
//!
//! Every agency at the coordination meeting is organised along the same territorial ladder as the regions: a
//! Polres answers for a regency, a Polsek for a district, a PPS for a village. A unit's territory is therefore a
//! region code, and its kind fixes the level that code must have.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};
use crate::region::{Level, RegionCode};

/// The agencies that sit at a *rapat koordinasi lintas sektoral*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgencyKind {
    Polri,
    Tni,
    Kpu,
    Bawaslu,
    Pemda,
    Kejaksaan,
    Pengadilan,
    Pln,
    Telkom,
    Linmas,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 10] = [
        AgencyKind::Polri,
        AgencyKind::Tni,
        AgencyKind::Kpu,
        AgencyKind::Bawaslu,
        AgencyKind::Pemda,
        AgencyKind::Kejaksaan,
        AgencyKind::Pengadilan,
        AgencyKind::Pln,
        AgencyKind::Telkom,
        AgencyKind::Linmas,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Polri => "polri",
            AgencyKind::Tni => "tni",
            AgencyKind::Kpu => "kpu",
            AgencyKind::Bawaslu => "bawaslu",
            AgencyKind::Pemda => "pemda",
            AgencyKind::Kejaksaan => "kejaksaan",
            AgencyKind::Pengadilan => "pengadilan",
            AgencyKind::Pln => "pln",
            AgencyKind::Telkom => "telkom",
            AgencyKind::Linmas => "linmas",
        }
    }

    pub fn parse(text: &str) -> Option<AgencyKind> {
        let t = text.trim().to_ascii_lowercase();
        AgencyKind::ALL.into_iter().find(|k| k.as_str() == t)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        lang.t(match self {
            AgencyKind::Polri => Msg::AgencyPolri,
            AgencyKind::Tni => Msg::AgencyTni,
            AgencyKind::Kpu => Msg::AgencyKpu,
            AgencyKind::Bawaslu => Msg::AgencyBawaslu,
            AgencyKind::Pemda => Msg::AgencyPemda,
            AgencyKind::Kejaksaan => Msg::AgencyKejaksaan,
            AgencyKind::Pengadilan => Msg::AgencyPengadilan,
            AgencyKind::Pln => Msg::AgencyPln,
            AgencyKind::Telkom => Msg::AgencyTelkom,
            AgencyKind::Linmas => Msg::AgencyLinmas,
        })
    }

    /// The kinds of unit this agency has, from the widest territory to the narrowest.
    pub fn unit_kinds(self) -> impl Iterator<Item = UnitKind> {
        UnitKind::ALL.iter().copied().filter(move |k| k.agency() == self)
    }
}

macro_rules! unit_kinds {
    ($($kind:ident => $slug:literal, $agency:ident, $level:ident, $title:literal;)*) => {
        /// A kind of unit: which agency it belongs to and at which territorial level it works.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum UnitKind { $(#[serde(rename = $slug)] $kind,)* }

        impl UnitKind {
            pub const ALL: &'static [UnitKind] = &[$(UnitKind::$kind,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(UnitKind::$kind => $slug,)* }
            }

            pub fn agency(self) -> AgencyKind {
                match self { $(UnitKind::$kind => AgencyKind::$agency,)* }
            }

            /// The level of the region a unit of this kind answers for.
            pub fn level(self) -> Level {
                match self { $(UnitKind::$kind => Level::$level,)* }
            }

            /// The title used in Indonesian (and in English, since these are proper names).
            pub fn title(self) -> &'static str {
                match self { $(UnitKind::$kind => $title,)* }
            }
        }
    };
}

unit_kinds! {
    Polda => "polda", Polri, Province, "Polda";
    Polres => "polres", Polri, Regency, "Polres";
    Polsek => "polsek", Polri, District, "Polsek";
    Korem => "korem", Tni, Province, "Korem";
    Kodim => "kodim", Tni, Regency, "Kodim";
    Koramil => "koramil", Tni, District, "Koramil";
    KpuProvinsi => "kpu-provinsi", Kpu, Province, "KPU Provinsi";
    KpuKabupaten => "kpu-kabupaten", Kpu, Regency, "KPU Kabupaten/Kota";
    Ppk => "ppk", Kpu, District, "PPK";
    Pps => "pps", Kpu, Village, "PPS";
    BawasluProvinsi => "bawaslu-provinsi", Bawaslu, Province, "Bawaslu Provinsi";
    BawasluKabupaten => "bawaslu-kabupaten", Bawaslu, Regency, "Bawaslu Kabupaten/Kota";
    Panwascam => "panwascam", Bawaslu, District, "Panwascam";
    Pkd => "pkd", Bawaslu, Village, "PKD";
    Kesbangpol => "kesbangpol", Pemda, Regency, "Kesbangpol";
    Kecamatan => "kecamatan", Pemda, District, "Kantor Camat";
    Kejari => "kejari", Kejaksaan, Regency, "Kejaksaan Negeri";
    PengadilanNegeri => "pengadilan-negeri", Pengadilan, Regency, "Pengadilan Negeri";
    PlnUp3 => "pln-up3", Pln, Regency, "PLN UP3";
    PlnUlp => "pln-ulp", Pln, District, "PLN ULP";
    TelkomWitel => "telkom-witel", Telkom, Regency, "Telkom Witel";
    TelkomSto => "telkom-sto", Telkom, District, "Telkom STO";
    SatpolPp => "satpol-pp", Linmas, Regency, "Satpol PP";
    Linmas => "linmas", Linmas, Village, "Linmas";
}

impl UnitKind {
    pub fn parse(text: &str) -> Option<UnitKind> {
        let t = text.trim().to_ascii_lowercase();
        UnitKind::ALL.iter().copied().find(|k| k.as_str() == t)
    }
}

/// How to reach a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A unit of an agency, answering for a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// A stable identifier such as `polres-15.07`, unique across all agencies.
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    pub territory: RegionCode,
    /// The unit this one reports to, by its code.
    pub parent: Option<String>,
    pub contact: Contact,
    pub personnel: u32,
}

/// Why a unit is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error("a {kind} answers for a region of level {expected}, but {territory} is of level {actual}")]
    TerritoryLevel { kind: &'static str, territory: String, expected: u8, actual: u8 },
    #[error("unit code `{0}` must be 1 to 64 characters of a-z, 0-9, '.', '-'")]
    BadCode(String),
    #[error("unit name must not be empty")]
    EmptyName,
}

impl Unit {
    /// The conventional code of a unit of this kind for this territory: `polsek-15.07.01`.
    pub fn conventional_code(kind: UnitKind, territory: &RegionCode) -> String {
        format!("{}-{}", kind.as_str(), territory)
    }

    pub fn agency(&self) -> AgencyKind {
        self.kind.agency()
    }

    pub fn validate(&self) -> Result<(), UnitError> {
        let code_ok = !self.code.is_empty()
            && self.code.len() <= 64
            && self.code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !code_ok {
            return Err(UnitError::BadCode(self.code.clone()));
        }
        if self.name.trim().is_empty() {
            return Err(UnitError::EmptyName);
        }
        let (expected, actual) = (self.kind.level(), self.territory.level());
        if expected != actual {
            return Err(UnitError::TerritoryLevel {
                kind: self.kind.title(),
                territory: self.territory.to_string(),
                expected: expected.number(),
                actual: actual.number(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_agency_has_units_and_every_slug_parses() {
        for agency in AgencyKind::ALL {
            assert!(agency.unit_kinds().count() > 0, "{agency:?}");
            assert_eq!(AgencyKind::parse(agency.as_str()), Some(agency));
        }
        for &kind in UnitKind::ALL {
            assert_eq!(UnitKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn territory_must_match_the_kind() {
        let mut unit = Unit {
            code: "polsek-15.07.01".into(),
            kind: UnitKind::Polsek,
            name: "Polsek Muara Sabak Timur".into(),
            territory: RegionCode::parse("15.07.01").unwrap(),
            parent: Some("polres-15.07".into()),
            contact: Contact::default(),
            personnel: 30,
        };
        assert_eq!(unit.validate(), Ok(()));
        unit.territory = RegionCode::parse("15.07").unwrap();
        assert!(matches!(unit.validate(), Err(UnitError::TerritoryLevel { expected: 3, actual: 2, .. })));
        unit.territory = RegionCode::parse("15.07.01").unwrap();
        unit.code = "Polsek 1".into();
        assert!(matches!(unit.validate(), Err(UnitError::BadCode(_))));
    }
}
