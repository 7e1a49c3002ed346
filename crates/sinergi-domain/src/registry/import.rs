//! Reading the registry's files: the region list (CSV), region boundaries (GeoJSON), TPS and unit lists (CSV).

use std::collections::{HashMap, HashSet};
use std::io::Read;

use crate::geo::Boundary;
use crate::import::{Parsed, Place, Problem, Row, RowIssue, Table};
use crate::region::{Level, Region, RegionCode};
use crate::registry::agency::{Unit, UnitError, UnitKind};
use crate::registry::tps::{Tps, TpsDraft};

/// Reads the Kemendagri region list: `code,name[,level,parent,lat,lng]` (the format of `wilayah.csv`).
///
/// `known` answers whether a region already exists in the database; a parent must be in the file or known.
pub fn parse_regions(input: impl Read, known: impl Fn(&RegionCode) -> bool) -> Parsed<Region> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let Some(table) = Table::open(input, &["code", "name"], &mut parsed.issues) else { return parsed };
    let mut first_line: HashMap<RegionCode, u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        let code = row.code("code");
        let name = row.required("name").map(str::to_owned);
        let centroid = row.coordinates();
        if let Some(code) = &code {
            let level_text = row.text("level");
            if !level_text.is_empty() && level_text != code.level().number().to_string() {
                let problem = Problem::LevelMismatch {
                    given: level_text.to_owned(),
                    code: code.to_string(),
                    expected: code.level().number(),
                };
                row.fail("level", problem);
            }
            let parent_text = row.text("parent");
            let expected = code.parent().map(|p| p.to_string()).unwrap_or_default();
            if !parent_text.is_empty() && parent_text != expected {
                let problem =
                    Problem::ParentMismatch { given: parent_text.to_owned(), code: code.to_string(), expected };
                row.fail("parent", problem);
            }
            if let Some(&first) = first_line.get(code) {
                row.fail("code", Problem::DuplicateCode { code: code.to_string(), first });
            } else {
                first_line.insert(code.clone(), line);
            }
        }
        let value = match (code, name, centroid) {
            (Some(code), Some(name), Ok(centroid)) => Some(Region { code, name, centroid }),
            _ => None,
        };
        row.finish(value, &mut parsed);
    });
    parsed.issues.extend(issues);
    // Parents are checked once the whole file is read, because a file need not list parents first. Walking in
    // code order (parents sort first), a region is kept only if its parent is kept or already in the database,
    // so that `--skip-invalid` never writes a child whose parent it left out.
    parsed.records.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    let mut kept: HashSet<RegionCode> = HashSet::new();
    let mut late = Vec::new();
    for (place, region) in &parsed.records {
        match region.code.parent() {
            Some(parent) if !kept.contains(&parent) && !known(&parent) => {
                let problem = if first_line.contains_key(&parent) {
                    Problem::ParentRejected(parent.to_string())
                } else {
                    Problem::UnknownParent(parent.to_string())
                };
                late.push(RowIssue::new(*place, Some("code"), problem));
            }
            _ => {
                kept.insert(region.code.clone());
            }
        }
    }
    parsed.issues.extend(late);
    parsed.drop_flagged();
    parsed.records.sort_by_key(|(place, _)| *place);
    parsed
}

/// Reads a TPS list: `village_code,number,address,lat,lng,voters,access[,synthetic]`; other columns (such as
/// `village_name` in our own exports) are ignored. The rules are those of [`TpsDraft::validate`].
///
/// `village_level` answers, for a code, whether the region exists and at which level.
pub fn parse_tps(input: impl Read, village_level: impl Fn(&RegionCode) -> Option<Level>) -> Parsed<Tps> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let required = ["village_code", "number", "voters", "access"];
    let Some(table) = Table::open(input, &required, &mut parsed.issues) else { return parsed };
    let mut first_line: HashMap<(RegionCode, u32), u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        // Text to numbers here; every other rule in `TpsDraft::validate`.
        let number = row.integer("number");
        let voters = row.integer("voters");
        let lat = row.float("lat");
        let lng = row.float("lng");
        let (Some(number), Some(voters), Some(lat), Some(lng)) = (number, voters, lat, lng) else {
            return row.finish::<Tps>(None, &mut parsed);
        };
        let draft = TpsDraft {
            village_code: row.text("village_code").to_owned(),
            number,
            address: row.text("address").to_owned(),
            lat,
            lng,
            voters,
            access: row.text("access").to_owned(),
            synthetic: matches!(row.text("synthetic").to_ascii_lowercase().as_str(), "true" | "1" | "ya" | "yes"),
        };
        let tps = match draft.validate(&village_level) {
            Ok(tps) => Some(tps),
            Err(problems) => {
                for (column, problem) in problems {
                    row.fail(column, problem);
                }
                None
            }
        };
        if let Some(tps) = &tps {
            let key = (tps.village.clone(), tps.number);
            if let Some(&first) = first_line.get(&key) {
                let problem = Problem::DuplicateTps { village: tps.village.to_string(), number: tps.number, first };
                row.fail("number", problem);
            } else {
                first_line.insert(key, line);
            }
        }
        row.finish(tps, &mut parsed);
    });
    parsed.issues.extend(issues);
    parsed.drop_flagged();
    parsed
}

/// Reads a list of agency units: `code,kind,name,territory[,parent,phone,email,address,personnel]`.
///
/// `region_exists` answers whether a territory is in the registry; `unit_exists` whether a parent unit already is
/// (a parent may also come later in the same file).
pub fn parse_units(
    input: impl Read,
    region_exists: impl Fn(&RegionCode) -> bool,
    unit_exists: impl Fn(&str) -> bool,
) -> Parsed<Unit> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let Some(table) = Table::open(input, &["code", "kind", "name", "territory"], &mut parsed.issues) else {
        return parsed;
    };
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        let code = row.required("code").map(str::to_owned);
        let kind_text = row.text("kind");
        let kind = UnitKind::parse(kind_text);
        if kind.is_none() {
            row.fail("kind", Problem::BadUnitKind(kind_text.to_owned()));
        }
        let name = row.required("name").map(str::to_owned);
        let territory = row.code("territory");
        if let Some(t) = &territory
            && !region_exists(t)
        {
            row.fail("territory", Problem::UnknownRegion(t.to_string()));
        }
        let personnel = match row.text("personnel") {
            "" => Some(0),
            _ => row.integer("personnel"),
        };
        let personnel = match personnel {
            Some(n) if n < 0 => {
                row.fail("personnel", Problem::Negative(n.to_string()));
                None
            }
            Some(n) => Some(n.min(i64::from(u32::MAX)) as u32),
            None => None,
        };
        let optional = |row: &Row<'_>, column: &str| Some(row.text(column).to_owned()).filter(|t| !t.is_empty());
        let contact = crate::registry::agency::Contact {
            phone: optional(&row, "phone"),
            email: optional(&row, "email"),
            address: optional(&row, "address"),
        };
        let parent = optional(&row, "parent");
        let unit = match (code, kind, name, territory, personnel) {
            (Some(code), Some(kind), Some(name), Some(territory), Some(personnel)) => {
                Some(Unit { code, kind, name, territory, parent, contact, personnel })
            }
            _ => None,
        };
        if let Some(unit) = &unit {
            match unit.validate() {
                Ok(()) => {}
                Err(UnitError::BadCode(c)) => row.fail("code", Problem::BadUnitCode(c)),
                Err(UnitError::EmptyName) => row.fail("name", Problem::Empty),
                Err(UnitError::TerritoryLevel { kind, territory, expected, .. }) => {
                    row.fail("territory", Problem::UnitLevel { kind: kind.to_owned(), territory, expected })
                }
            }
            if let Some(&first) = first_line.get(&unit.code) {
                row.fail("code", Problem::DuplicateCode { code: unit.code.clone(), first });
            } else {
                first_line.insert(unit.code.clone(), line);
            }
        }
        row.finish(unit, &mut parsed);
    });
    parsed.issues.extend(issues);
    let mut late = Vec::new();
    for (place, unit) in &parsed.records {
        if let Some(parent) = &unit.parent
            && !first_line.contains_key(parent)
            && !unit_exists(parent)
        {
            late.push(RowIssue::new(*place, Some("parent"), Problem::UnknownUnit(parent.clone())));
        }
    }
    parsed.issues.extend(late);
    parsed.drop_flagged();
    parsed
}

/// A boundary read from a GeoJSON feature, for the region with this code.
#[derive(Debug, Clone)]
pub struct BoundaryRecord {
    pub code: RegionCode,
    pub boundary: Boundary,
}

/// Reads a GeoJSON FeatureCollection whose features carry a `code` property and a Polygon or MultiPolygon.
///
/// `known` answers whether the region exists; a boundary for an unknown region is a problem, not a new region.
pub fn parse_boundaries(input: &str, known: impl Fn(&RegionCode) -> bool) -> Parsed<BoundaryRecord> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let collection = match input.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc,
        Ok(_) => {
            let problem = Problem::MalformedGeojson("expected a FeatureCollection".to_owned());
            parsed.issues.push(RowIssue::new(Place::File, None, problem));
            return parsed;
        }
        Err(e) => {
            parsed.issues.push(RowIssue::new(Place::File, None, Problem::MalformedGeojson(e.to_string())));
            return parsed;
        }
    };
    let mut seen: HashMap<RegionCode, u64> = HashMap::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let place = Place::Feature(i + 1);
        let code_text = feature.property("code").and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            _ => None,
        });
        let Some(code_text) = code_text else {
            parsed.issues.push(RowIssue::new(place, Some("code"), Problem::MissingProperty("code".to_owned())));
            continue;
        };
        let code = match RegionCode::parse(&code_text) {
            Ok(code) => code,
            Err(e) => {
                parsed.issues.push(RowIssue::new(place, Some("code"), Problem::BadCode(e)));
                continue;
            }
        };
        if !known(&code) {
            parsed.issues.push(RowIssue::new(place, Some("code"), Problem::UnknownRegion(code.to_string())));
            continue;
        }
        if let Some(&first) = seen.get(&code) {
            let problem = Problem::DuplicateCode { code: code.to_string(), first };
            parsed.issues.push(RowIssue::new(place, Some("code"), problem));
            continue;
        }
        seen.insert(code.clone(), (i + 1) as u64);
        let boundary = match &feature.geometry {
            None => Err(Problem::MissingProperty("geometry".to_owned())),
            Some(geometry) => Boundary::from_geojson(geometry).map_err(|e| Problem::BadGeometry(e.to_string())),
        };
        match boundary {
            Ok(boundary) => parsed.records.push((place, BoundaryRecord { code, boundary })),
            Err(problem) => parsed.issues.push(RowIssue::new(place, Some("geometry"), problem)),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLng;
    use crate::i18n::Lang;

    fn known_none(_: &RegionCode) -> bool {
        false
    }

    #[test]
    fn reads_the_wilayah_format() {
        let csv = "code,name,level,parent,lat,lng\n\
                   15,Jambi,1,,-1.6,103.6\n\
                   15.07,Kabupaten Tanjung Jabung Timur,2,15,-1.2,103.8\n\
                   15.07.01,\"Muara Sabak Timur, Kec.\",3,15.07,,\n";
        let parsed = parse_regions(csv.as_bytes(), known_none);
        assert!(parsed.is_clean(), "{:?}", parsed.issues);
        assert_eq!(parsed.records.len(), 3);
        assert_eq!(parsed.records[2].1.name, "Muara Sabak Timur, Kec.");
        assert_eq!(parsed.records[2].1.centroid, None);
        assert_eq!(parsed.records[0].1.centroid, Some(LatLng::new(-1.6, 103.6)));
    }

    #[test]
    fn reports_every_bad_region_row_with_line_and_column() {
        let csv = "code,name,level,parent,lat,lng\n\
                   15,Jambi,1,,-1.6,103.6\n\
                   15.7,Bad code,2,15,,\n\
                   15.07,Tanjab Timur,3,15,,\n\
                   16.01,Orphan,2,16,,\n\
                   15.08,Abroad,2,15,48.8,2.3\n\
                   15,Jambi again,1,,,\n\
                   15.09,,2,15,,\n";
        let parsed = parse_regions(csv.as_bytes(), known_none);
        let got: Vec<(Place, Option<&str>)> = parsed.issues.iter().map(|i| (i.place, i.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Place::Line(3), Some("code")),
                (Place::Line(4), Some("level")),
                (Place::Line(5), Some("code")),
                (Place::Line(6), Some("lat")),
                (Place::Line(7), Some("code")),
                (Place::Line(8), Some("name")),
            ]
        );
        assert_eq!(parsed.issues[2].problem, Problem::UnknownParent("16".into()));
        assert_eq!(parsed.issues[4].problem, Problem::DuplicateCode { code: "15".into(), first: 2 });
        // Only the good row survives.
        assert_eq!(parsed.records.len(), 1);
        let text = parsed.issues[0].render("wilayah.csv", Lang::En);
        assert_eq!(
            text,
            "wilayah.csv:3: column code: invalid region code: part 2 of code “15.7” must be 2 digits (e.g. 15.07.01.2001)"
        );
    }

    #[test]
    fn a_child_of_a_rejected_row_is_rejected_too() {
        let csv = "code,name,level\n15.07.01,Muara Sabak Timur,3\n15,Jambi,1\n15.07,Tanjab Timur,3\n";
        let parsed = parse_regions(csv.as_bytes(), known_none);
        let kept: Vec<&str> = parsed.records.iter().map(|(_, r)| r.code.as_str()).collect();
        assert_eq!(kept, ["15"]);
        assert_eq!(parsed.issues.len(), 2);
        assert_eq!(parsed.issues[0].place, Place::Line(2));
        assert_eq!(parsed.issues[0].problem, Problem::ParentRejected("15.07".into()));
        assert_eq!(parsed.bad_rows(), 2);
    }

    #[test]
    fn a_known_parent_in_the_database_is_enough() {
        let csv = "code,name\n15.07.01,Muara Sabak Timur\n";
        let parsed = parse_regions(csv.as_bytes(), |c| c.as_str() == "15.07");
        assert!(parsed.is_clean());
    }

    #[test]
    fn reports_a_missing_header_column_once() {
        let parsed = parse_regions("kode,nama\n15,Jambi\n".as_bytes(), known_none);
        assert_eq!(parsed.issues.len(), 2);
        assert!(parsed.issues.iter().all(|i| i.place == Place::File));
        assert!(parsed.records.is_empty());
    }

    fn villages(code: &RegionCode) -> Option<Level> {
        match code.as_str() {
            "15.07.01.2001" | "15.07.01.2002" => Some(Level::Village),
            "15.07.01" => Some(Level::District),
            _ => None,
        }
    }

    #[test]
    fn reads_a_tps_list() {
        let csv = "village_code,number,address,lat,lng,voters,access\n\
                   15.07.01.2001,1,Balai desa,-1.05,103.95,420,jalan\n\
                   15.07.01.2001,2,,,,380,Sungai\n";
        let parsed = parse_tps(csv.as_bytes(), villages);
        assert!(parsed.is_clean(), "{:?}", parsed.issues);
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.records[1].1.access, crate::registry::tps::AccessMode::River);
        assert_eq!(parsed.records[1].1.location, None);
        assert!(!parsed.records[0].1.synthetic);
    }

    #[test]
    fn lines_are_counted_past_blank_lines() {
        // A blank line (and a Windows line end) before a bad row must not shift the line reported for it.
        let csv = "village_code,number,address,lat,lng,voters,access\r\n\
                   15.07.01.2001,1,A,,,420,road\r\n\
                   \r\n\
                   \n\
                   15.07.01.2001,2,B,,,-5,road\n\
                   15.07.01.2001,3,short row\n";
        let parsed = parse_tps(csv.as_bytes(), villages);
        let places: Vec<Place> = parsed.issues.iter().map(|i| i.place).collect();
        assert_eq!(places, [Place::Line(5), Place::Line(6)], "{:?}", parsed.issues);
    }

    #[test]
    fn reports_every_bad_tps_row() {
        let csv = "village_code,number,address,lat,lng,voters,access\n\
                   15.07.01.2001,1,A,-1.05,103.95,420,road\n\
                   15.07.01.2001,1,dup,-1.05,103.95,420,road\n\
                   15.07.01.2999,1,unknown village,,,300,road\n\
                   15.07.01,1,a district,,,300,road\n\
                   15.07.01.2002,2,negative,,,-5,road\n\
                   15.07.01.2002,3,swapped,103.9,-1.0,300,road\n\
                   15.07.01.2002,4,half,-1.0,,300,road\n\
                   15.07.01.2002,5,plane,,,300,plane\n\
                   15.07.01.2002,x,nan,,,300,road\n\
                   15.07.01.2002,6,short row\n\
                   15.07.01.2002,7,huge,,,5000,road\n";
        let parsed = parse_tps(csv.as_bytes(), villages);
        let got: Vec<(u64, Option<&str>)> = parsed
            .issues
            .iter()
            .map(|i| match i.place {
                Place::Line(l) => (l, i.column.as_deref()),
                other => panic!("unexpected place {other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("number")),
                (4, Some("village_code")),
                (5, Some("village_code")),
                (6, Some("voters")),
                (7, Some("lat")),
                (8, Some("lng")),
                (9, Some("access")),
                (10, Some("number")),
                (11, None),
                (12, Some("voters")),
            ]
        );
        assert_eq!(parsed.issues[3].problem, Problem::Negative("-5".into()));
        assert_eq!(parsed.records.len(), 1);
        let msg = parsed.issues[0].render("tps.csv", Lang::Id);
        assert!(msg.starts_with("tps.csv:3: kolom number: TPS nomor 001 di desa 15.07.01.2001"), "{msg}");
    }

    #[test]
    fn reads_units_and_names_every_bad_row() {
        let csv = "code,kind,name,territory,parent,phone,email,address,personnel\n\
                   polres-15.07,polres,Polres Tanjab Timur,15.07,,0741-1,,Jl. Sabak,512\n\
                   polsek-15.07.01,polsek,Polsek Sabak Timur,15.07.01,polres-15.07,,,,30\n\
                   bad kode,polsek,X,15.07.01,,,,,1\n\
                   pps-x,pps,PPS,15.07.01,,,,,3\n\
                   fbi-1,fbi,FBI,15.07,,,,,1\n\
                   polsek-x,polsek,Orphan,15.07.01,polres-99.99,,,,1\n\
                   polres-15.07,polres,Twice,15.07,,,,,1\n\
                   kodim-x,kodim,Kodim,15.07,,,,,-4\n\
                   koramil-x,koramil,Koramil,15.99.01,,,,,1\n";
        let parsed = parse_units(csv.as_bytes(), |c| c.as_str().starts_with("15.07"), |_| false);
        let got: Vec<(Place, Option<&str>)> = parsed.issues.iter().map(|i| (i.place, i.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Place::Line(4), Some("code")),
                (Place::Line(5), Some("territory")),
                (Place::Line(6), Some("kind")),
                (Place::Line(7), Some("parent")),
                (Place::Line(8), Some("code")),
                (Place::Line(9), Some("personnel")),
                (Place::Line(10), Some("territory")),
            ]
        );
        assert_eq!(
            parsed.issues[1].problem,
            Problem::UnitLevel { kind: "PPS".into(), territory: "15.07.01".into(), expected: 4 }
        );
        let kept: Vec<&str> = parsed.records.iter().map(|(_, u)| u.code.as_str()).collect();
        assert_eq!(kept, ["polres-15.07", "polsek-15.07.01"]);
        assert_eq!(parsed.records[0].1.contact.phone.as_deref(), Some("0741-1"));
        assert_eq!(parsed.records[0].1.personnel, 512);
    }

    #[test]
    fn reads_boundaries_and_names_bad_features() {
        let geojson = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"15.07.01"},"geometry":{"type":"Polygon","coordinates":[[[103.0,-1.0],[103.1,-1.0],[103.1,-1.1],[103.0,-1.0]]]}},
          {"type":"Feature","properties":{"code":"99.99"},"geometry":{"type":"Polygon","coordinates":[[[103.0,-1.0],[103.1,-1.0],[103.1,-1.1],[103.0,-1.0]]]}},
          {"type":"Feature","properties":{"name":"no code"},"geometry":null},
          {"type":"Feature","properties":{"code":"15.07.02"},"geometry":{"type":"Point","coordinates":[103.0,-1.0]}}
        ]}"#;
        let parsed = parse_boundaries(geojson, |c| c.as_str().starts_with("15."));
        assert_eq!(parsed.records.len(), 1);
        let places: Vec<Place> = parsed.issues.iter().map(|i| i.place).collect();
        assert_eq!(places, vec![Place::Feature(2), Place::Feature(3), Place::Feature(4)]);
        let bad = parse_boundaries("{not json", |_| true);
        assert_eq!(bad.issues.len(), 1);
        assert!(matches!(bad.issues[0].problem, Problem::MalformedGeojson(_)));
    }

    proptest::proptest! {
        #[test]
        fn tps_parser_never_panics_and_keeps_only_clean_rows(body in "[0-9a-z.,\"\n -]{0,300}") {
            let csv = format!("village_code,number,address,lat,lng,voters,access\n{body}");
            let parsed = parse_tps(csv.as_bytes(), villages);
            for (place, _) in &parsed.records {
                proptest::prop_assert!(parsed.issues.iter().all(|i| i.place != *place));
            }
        }
    }
}
