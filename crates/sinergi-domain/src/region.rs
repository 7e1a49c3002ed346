//! The Kemendagri region hierarchy: province → regency/city → district (kecamatan) → village (desa/kelurahan).
//!
//! A code names its own place in the hierarchy: `15` is a province, `15.07` a regency, `15.07.01` a district and
//! `15.07.01.2001` a village. The parent of a code is the code without its last segment, so the hierarchy can be
//! walked without a lookup.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};

/// The four levels of the hierarchy, numbered as in the Kemendagri list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province = 1,
    Regency = 2,
    District = 3,
    Village = 4,
}

impl Level {
    pub fn from_number(n: u8) -> Option<Level> {
        match n {
            1 => Some(Level::Province),
            2 => Some(Level::Regency),
            3 => Some(Level::District),
            4 => Some(Level::Village),
            _ => None,
        }
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    /// Digits expected in the last segment of a code at this level.
    fn segment_width(self) -> usize {
        match self {
            Level::Village => 4,
            _ => 2,
        }
    }

    /// The level below, if any.
    pub fn child(self) -> Option<Level> {
        Level::from_number(self.number() + 1)
    }
}

/// Why a string is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("empty region code")]
    Empty,
    #[error("region code `{0}` has more than four segments")]
    TooManySegments(String),
    #[error("region code `{code}`: segment {segment} must be {width} digits")]
    BadSegment { code: String, segment: usize, width: usize },
}

impl CodeError {
    /// The reason in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CodeError::Empty => lang.t(Msg::CodeEmpty).to_owned(),
            CodeError::TooManySegments(code) => lang.format(Msg::CodeTooManySegments, &[("code", code)]),
            CodeError::BadSegment { code, segment, width } => {
                lang.format(Msg::CodeBadSegment, &[("code", code), ("segment", segment), ("width", width)])
            }
        }
    }
}

/// A validated Kemendagri region code such as `15.07.01.2001`.
///
/// Stored as its canonical text, which is also its sort key: codes sort parent before child, and siblings in
/// numeric order, because every segment has a fixed width.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(text: &str) -> Result<RegionCode, CodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CodeError::Empty);
        }
        let segments: Vec<&str> = text.split('.').collect();
        if segments.len() > 4 {
            return Err(CodeError::TooManySegments(text.to_owned()));
        }
        for (i, segment) in segments.iter().enumerate() {
            let level = Level::from_number(i as u8 + 1).unwrap_or(Level::Village);
            let width = level.segment_width();
            if segment.len() != width || !segment.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CodeError::BadSegment { code: text.to_owned(), segment: i + 1, width });
            }
        }
        Ok(RegionCode(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        let dots = self.0.bytes().filter(|&b| b == b'.').count();
        // A parsed code has one to four segments, so this cannot fall through.
        Level::from_number(dots as u8 + 1).unwrap_or(Level::Village)
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.0.rfind('.').map(|i| RegionCode(self.0[..i].to_owned()))
    }

    /// Every ancestor, nearest first: for `15.07.01.2001` that is `15.07.01`, `15.07`, `15`.
    pub fn ancestors(&self) -> Vec<RegionCode> {
        let mut out = Vec::with_capacity(3);
        let mut current = self.parent();
        while let Some(code) = current {
            current = code.parent();
            out.push(code);
        }
        out
    }

    /// The ancestor (or self) at the given level, if the code is at that level or below.
    pub fn at_level(&self, level: Level) -> Option<RegionCode> {
        if level > self.level() {
            return None;
        }
        let keep = level.number() as usize;
        let text: Vec<&str> = self.0.split('.').take(keep).collect();
        Some(RegionCode(text.join(".")))
    }

    /// True when `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0 == self.0 || (other.0.starts_with(&self.0) && other.0.as_bytes().get(self.0.len()) == Some(&b'.'))
    }

    /// True for a village whose code marks a *kelurahan* (urban, `1xxx`) rather than a *desa* (`2xxx`).
    pub fn is_kelurahan(&self) -> bool {
        self.level() == Level::Village && self.0.rsplit('.').next().is_some_and(|s| s.starts_with('1'))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RegionCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.0
    }
}

/// A region of the hierarchy as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub centroid: Option<LatLng>,
}

impl Region {
    pub fn level(&self) -> Level {
        self.code.level()
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.code.parent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_level() {
        for (text, level) in [
            ("15", Level::Province),
            ("15.07", Level::Regency),
            ("15.07.01", Level::District),
            ("15.07.01.2001", Level::Village),
        ] {
            let code = RegionCode::parse(text).unwrap();
            assert_eq!(code.level(), level, "{text}");
            assert_eq!(code.as_str(), text);
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        for text in
            ["", "1", "150", "15.7", "15.07.1", "15.07.01.201", "15.07.01.20011", "15.07.01.2001.1", "aa", "15-07"]
        {
            assert!(RegionCode::parse(text).is_err(), "{text:?} should be rejected");
        }
    }

    #[test]
    fn the_error_names_the_faulty_segment() {
        let err = RegionCode::parse("15.07.1").unwrap_err();
        assert_eq!(err, CodeError::BadSegment { code: "15.07.1".into(), segment: 3, width: 2 });
        assert_eq!(err.to_string(), "region code `15.07.1`: segment 3 must be 2 digits");
    }

    #[test]
    fn walks_up_the_hierarchy() {
        let village = RegionCode::parse("15.07.01.2001").unwrap();
        let ancestors: Vec<String> = village.ancestors().iter().map(|c| c.to_string()).collect();
        assert_eq!(ancestors, ["15.07.01", "15.07", "15"]);
        assert_eq!(village.at_level(Level::Regency).unwrap().as_str(), "15.07");
        assert_eq!(village.at_level(Level::Village).unwrap(), village);
        assert!(RegionCode::parse("15").unwrap().parent().is_none());
        assert!(RegionCode::parse("15.07").unwrap().at_level(Level::District).is_none());
    }

    #[test]
    fn containment_respects_segment_boundaries() {
        let regency = RegionCode::parse("15.07").unwrap();
        assert!(regency.contains(&RegionCode::parse("15.07.01.2001").unwrap()));
        assert!(regency.contains(&regency));
        assert!(!regency.contains(&RegionCode::parse("15.71").unwrap()));
        assert!(!RegionCode::parse("15.07.01").unwrap().contains(&regency));
    }

    #[test]
    fn kelurahan_and_desa() {
        assert!(RegionCode::parse("15.07.01.1001").unwrap().is_kelurahan());
        assert!(!RegionCode::parse("15.07.01.2001").unwrap().is_kelurahan());
    }

    fn code_strategy() -> impl Strategy<Value = String> {
        (1u8..=4, 11u32..=99, 1u32..=99, 1u32..=99, 1001u32..=2999).prop_map(|(level, p, r, d, v)| match level {
            1 => format!("{p:02}"),
            2 => format!("{p:02}.{r:02}"),
            3 => format!("{p:02}.{r:02}.{d:02}"),
            _ => format!("{p:02}.{r:02}.{d:02}.{v:04}"),
        })
    }

    proptest! {
        #[test]
        fn parent_is_one_level_up_and_contains_the_child(text in code_strategy()) {
            let code = RegionCode::parse(&text).unwrap();
            prop_assert_eq!(code.to_string(), text);
            if let Some(parent) = code.parent() {
                prop_assert_eq!(parent.level().number() + 1, code.level().number());
                prop_assert!(parent.contains(&code));
                prop_assert!(!code.contains(&parent));
                prop_assert!(parent < code, "parents sort before their children");
            } else {
                prop_assert_eq!(code.level(), Level::Province);
            }
            prop_assert_eq!(code.ancestors().len() + 1, code.level().number() as usize);
        }

        #[test]
        fn parse_never_panics(text in ".{0,20}") {
            let _ = RegionCode::parse(&text);
        }
    }
}
