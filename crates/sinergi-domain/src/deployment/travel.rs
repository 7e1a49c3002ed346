//! Travel times between bases, posts and TPS, in minutes.
//!
//! By default from coordinates: the straight-line (haversine) distance times a detour factor, at the speed of the
//! **destination's** access mode — a TPS reached by boat is reached at boat speed, whatever road leads to the
//! jetty. The defaults ([`TravelModel::default`]) are road 30 km/h × 1.4, river 10 km/h × 1.3, sea 15 km/h × 1.1,
//! foot 4 km/h × 1.3; every figure is configurable.
//!
//! Or from a matrix the command measured itself, as CSV (a header row of ids after one corner cell, then one row
//! per id: its id, then its minutes to each id of the header) or JSON (`{"ids": [...], "minutes": [[...], ...]}`).
//! A cell `-` or `inf` (JSON `null`) means no connection. Every fault is reported with its row and column ids: a
//! wrong size, an empty, non-numeric or negative cell, duplicate or unknown ids, and an id no other id reaches.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::registry::tps::AccessMode;

/// Speed and detour factor of one access mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModeSpeed {
    pub kmh: f64,
    /// Travelled distance over straight-line distance (≥ 1).
    pub detour: f64,
}

/// The straight-line travel model.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelModel {
    pub road: ModeSpeed,
    pub river: ModeSpeed,
    pub sea: ModeSpeed,
    pub foot: ModeSpeed,
}

impl Default for TravelModel {
    fn default() -> TravelModel {
        TravelModel {
            road: ModeSpeed { kmh: 30.0, detour: 1.4 },
            river: ModeSpeed { kmh: 10.0, detour: 1.3 },
            sea: ModeSpeed { kmh: 15.0, detour: 1.1 },
            foot: ModeSpeed { kmh: 4.0, detour: 1.3 },
        }
    }
}

impl TravelModel {
    pub fn speed(&self, mode: AccessMode) -> ModeSpeed {
        match mode {
            AccessMode::Road => self.road,
            AccessMode::River => self.river,
            AccessMode::Sea => self.sea,
            AccessMode::Foot => self.foot,
        }
    }

    /// Checks every speed (positive, finite) and detour (finite, at least 1).
    pub fn check(&self) -> Result<(), MatrixError> {
        for mode in AccessMode::ALL {
            let s = self.speed(mode);
            if !(s.kmh.is_finite() && s.kmh > 0.0 && s.detour.is_finite() && s.detour >= 1.0) {
                return Err(MatrixError::BadSpeed { mode: mode.as_str(), kmh: s.kmh, detour: s.detour });
            }
        }
        Ok(())
    }

    /// Minutes from `from` to `to`, reached by `mode` (the destination's access mode).
    pub fn minutes(&self, from: &LatLng, to: &LatLng, mode: AccessMode) -> f64 {
        let s = self.speed(mode);
        from.distance_km(to) * s.detour / s.kmh * 60.0
    }
}

/// A place of the travel model: an id, where it is and how it is reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub id: String,
    pub location: LatLng,
    pub access: AccessMode,
}

/// Why a travel-time matrix cannot be used. Rows and columns are named by their ids.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatrixError {
    #[error("{0}")]
    Syntax(String),
    #[error("the matrix has no ids")]
    NoIds,
    #[error("column {position} of the header has an empty id")]
    EmptyId { position: usize },
    #[error("id `{0}` appears more than once")]
    DuplicateId(String),
    #[error("row `{row}` is not an id of the header")]
    UnknownRow { row: String },
    #[error("no row for id `{0}`")]
    MissingRow(String),
    #[error("{rows} rows for {ids} ids")]
    RowCount { rows: usize, ids: usize },
    #[error("row `{row}` has {found} times for {expected} ids")]
    RowLength { row: String, expected: usize, found: usize },
    #[error("row `{row}`, column `{column}`: empty cell (write `-` for no connection)")]
    Missing { row: String, column: String },
    #[error("row `{row}`, column `{column}`: `{value}` is not a number of minutes")]
    NotNumber { row: String, column: String, value: String },
    #[error("row `{row}`, column `{column}`: {value} is negative")]
    Negative { row: String, column: String, value: f64 },
    #[error("`{0}` cannot be reached: no finite time to it from any other id")]
    Unreachable(String),
    #[error("`{0}` is in the matrix but is neither a TPS nor a base of the plan")]
    UnknownId(String),
    #[error("`{0}` is not in the matrix")]
    MissingId(String),
    #[error("{mode}: speed {kmh} km/h and detour {detour} (speed must be positive, detour at least 1)")]
    BadSpeed { mode: &'static str, kmh: f64, detour: f64 },
}

impl MatrixError {
    /// The fault in the user's language (the English text is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        use MatrixError::*;
        match self {
            Syntax(text) => text.clone(),
            NoIds => lang.t(Msg::DeployMatrixNoIds).to_owned(),
            EmptyId { position } => lang.format(Msg::DeployMatrixEmptyId, &[("position", position)]),
            DuplicateId(id) => lang.format(Msg::DeployMatrixDuplicateId, &[("id", id)]),
            UnknownRow { row } => lang.format(Msg::DeployMatrixUnknownRow, &[("row", row)]),
            MissingRow(id) => lang.format(Msg::DeployMatrixMissingRow, &[("id", id)]),
            RowCount { rows, ids } => lang.format(Msg::DeployMatrixRowCount, &[("rows", rows), ("ids", ids)]),
            RowLength { row, expected, found } => {
                lang.format(Msg::DeployMatrixRowLength, &[("row", row), ("expected", expected), ("found", found)])
            }
            Missing { row, column } => lang.format(Msg::DeployMatrixMissing, &[("row", row), ("column", column)]),
            NotNumber { row, column, value } => {
                lang.format(Msg::DeployMatrixNotNumber, &[("row", row), ("column", column), ("value", value)])
            }
            Negative { row, column, value } => {
                lang.format(Msg::DeployMatrixNegative, &[("row", row), ("column", column), ("value", value)])
            }
            Unreachable(id) => lang.format(Msg::DeployMatrixUnreachable, &[("id", id)]),
            UnknownId(id) => lang.format(Msg::DeployMatrixUnknownId, &[("id", id)]),
            MissingId(id) => lang.format(Msg::DeployMatrixMissingId, &[("id", id)]),
            BadSpeed { mode, kmh, detour } => {
                lang.format(Msg::DeployMatrixBadSpeed, &[("mode", mode), ("kmh", kmh), ("detour", detour)])
            }
        }
    }
}

/// Travel times in minutes between ids; `f64::INFINITY` where there is no connection.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelMatrix {
    ids: Vec<String>,
    index: HashMap<String, usize>,
    minutes: Vec<f64>,
}

/// A cell as written: a number of minutes, no connection, or a fault.
fn cell(text: &str, row: &str, column: &str) -> Result<f64, MatrixError> {
    let t = text.trim();
    let place = || (row.to_owned(), column.to_owned());
    match t {
        "" => Err(MatrixError::Missing { row: place().0, column: place().1 }),
        "-" | "inf" | "INF" | "Inf" | "∞" => Ok(f64::INFINITY),
        _ => match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v < 0.0 => {
                Err(MatrixError::Negative { row: place().0, column: place().1, value: v })
            }
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(MatrixError::NotNumber { row: place().0, column: place().1, value: t.chars().take(40).collect() }),
        },
    }
}

impl TravelMatrix {
    /// The straight-line model's matrix over `places`: from `i` to `j` at the speed of `j`'s access mode (0 on the
    /// diagonal). Duplicate ids and a bad model are refused.
    pub fn from_model(places: &[Place], model: &TravelModel) -> Result<TravelMatrix, Vec<MatrixError>> {
        model.check().map_err(|e| vec![e])?;
        let ids: Vec<String> = places.iter().map(|p| p.id.clone()).collect();
        let n = ids.len();
        let mut minutes = vec![0.0; n * n];
        for (i, a) in places.iter().enumerate() {
            for (j, b) in places.iter().enumerate() {
                if i != j {
                    minutes[i * n + j] = model.minutes(&a.location, &b.location, b.access);
                }
            }
        }
        TravelMatrix::build(ids, minutes, Vec::new())
    }

    /// Checks ids (none empty, none twice) and reachability, and builds the matrix; `errors` are faults found
    /// earlier, reported first.
    fn build(
        ids: Vec<String>,
        minutes: Vec<f64>,
        mut errors: Vec<MatrixError>,
    ) -> Result<TravelMatrix, Vec<MatrixError>> {
        if ids.is_empty() {
            errors.push(MatrixError::NoIds);
        }
        let mut index = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            if id.is_empty() {
                errors.push(MatrixError::EmptyId { position: i + 1 });
            } else if index.insert(id.clone(), i).is_some() {
                errors.push(MatrixError::DuplicateId(id.clone()));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let n = ids.len();
        if n > 1 {
            for (j, id) in ids.iter().enumerate() {
                if !(0..n).any(|i| i != j && minutes[i * n + j].is_finite()) {
                    errors.push(MatrixError::Unreachable(id.clone()));
                }
            }
        }
        if errors.is_empty() { Ok(TravelMatrix { ids, index, minutes }) } else { Err(errors) }
    }

    /// Reads the CSV form: a header row (a corner cell, then the ids), then one row per id in any order.
    pub fn from_csv(text: &str) -> Result<TravelMatrix, Vec<MatrixError>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut records = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) if r.iter().all(|c| c.trim().is_empty()) => {}
                Ok(r) => records.push(r),
                Err(e) => return Err(vec![MatrixError::Syntax(e.to_string())]),
            }
        }
        let Some((header, rows)) = records.split_first() else { return Err(vec![MatrixError::NoIds]) };
        let ids: Vec<String> =
            header.iter().skip(1).map(|c| c.trim().trim_start_matches('\u{feff}').to_owned()).collect();
        let n = ids.len();
        let mut errors = Vec::new();
        let position: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        let mut minutes = vec![f64::INFINITY; n * n];
        let mut filled = vec![false; n];
        for row in rows {
            let id = row.get(0).unwrap_or("").trim();
            let Some(&i) = position.get(id) else {
                errors.push(MatrixError::UnknownRow { row: id.to_owned() });
                continue;
            };
            if filled[i] {
                errors.push(MatrixError::DuplicateId(id.to_owned()));
                continue;
            }
            filled[i] = true;
            if row.len() != n + 1 {
                errors.push(MatrixError::RowLength {
                    row: id.to_owned(),
                    expected: n,
                    found: row.len().saturating_sub(1),
                });
                continue;
            }
            for (j, text) in row.iter().skip(1).enumerate() {
                match cell(text, id, &ids[j]) {
                    Ok(v) => minutes[i * n + j] = v,
                    Err(e) => errors.push(e),
                }
            }
        }
        for (i, id) in ids.iter().enumerate() {
            if !filled[i] && !id.is_empty() && position.get(id.as_str()) == Some(&i) {
                errors.push(MatrixError::MissingRow(id.clone()));
            }
        }
        if !errors.is_empty() {
            // Report id faults of the header too, but not reachability over a matrix with holes.
            let mut id_errors = match TravelMatrix::build(ids, vec![0.0; n * n], Vec::new()) {
                Ok(_) => Vec::new(),
                Err(e) => e,
            };
            id_errors.extend(errors);
            return Err(id_errors);
        }
        TravelMatrix::build(ids, minutes, Vec::new())
    }

    /// Reads the JSON form `{"ids": [...], "minutes": [[...], ...]}`: row `i` holds the minutes from `ids[i]` to
    /// each id; `null` for no connection.
    pub fn from_json(text: &str) -> Result<TravelMatrix, Vec<MatrixError>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            ids: Vec<String>,
            minutes: Vec<Vec<serde_json::Value>>,
        }
        let file: File = serde_json::from_str(text).map_err(|e| vec![MatrixError::Syntax(e.to_string())])?;
        let ids: Vec<String> = file.ids.iter().map(|s| s.trim().to_owned()).collect();
        let n = ids.len();
        let mut errors = Vec::new();
        if file.minutes.len() != n {
            errors.push(MatrixError::RowCount { rows: file.minutes.len(), ids: n });
        }
        let mut minutes = vec![f64::INFINITY; n * n];
        for (i, row) in file.minutes.iter().enumerate().take(n) {
            if row.len() != n {
                errors.push(MatrixError::RowLength { row: ids[i].clone(), expected: n, found: row.len() });
                continue;
            }
            for (j, value) in row.iter().enumerate() {
                let (r, c) = (ids[i].clone(), ids[j].clone());
                match value {
                    serde_json::Value::Null => {}
                    serde_json::Value::Number(num) => match num.as_f64() {
                        Some(v) if v < 0.0 => errors.push(MatrixError::Negative { row: r, column: c, value: v }),
                        Some(v) => minutes[i * n + j] = v,
                        None => errors.push(MatrixError::NotNumber { row: r, column: c, value: num.to_string() }),
                    },
                    serde_json::Value::String(s) => match cell(s, &r, &c) {
                        Ok(v) => minutes[i * n + j] = v,
                        Err(e) => errors.push(e),
                    },
                    other => {
                        let value: String = other.to_string().chars().take(40).collect();
                        errors.push(MatrixError::NotNumber { row: r, column: c, value });
                    }
                }
            }
        }
        if errors.is_empty() { TravelMatrix::build(ids, minutes, Vec::new()) } else { Err(errors) }
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Minutes from the `i`-th id to the `j`-th (infinite where there is no connection or out of range).
    pub fn at(&self, i: usize, j: usize) -> f64 {
        let n = self.ids.len();
        if i < n && j < n { self.minutes[i * n + j] } else { f64::INFINITY }
    }

    /// Minutes between two ids; `None` when either is not in the matrix.
    pub fn minutes(&self, from: &str, to: &str) -> Option<f64> {
        Some(self.at(self.index(from)?, self.index(to)?))
    }

    /// Checks the matrix against the ids of a plan: every one of `required` must be in it, and every id in it must
    /// be one of `required` or `also` (bases, for example, that the plan may use).
    pub fn check_against(&self, required: &[&str], also: &[&str]) -> Result<(), Vec<MatrixError>> {
        let mut errors: Vec<MatrixError> = required
            .iter()
            .filter(|id| self.index(id).is_none())
            .map(|id| MatrixError::MissingId((*id).to_owned()))
            .collect();
        for id in &self.ids {
            if !required.contains(&id.as_str()) && !also.contains(&id.as_str()) {
                errors.push(MatrixError::UnknownId(id.clone()));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_destination_mode_governs_the_speed() {
        let model = TravelModel::default();
        let a = LatLng::new(-1.0, 104.0);
        let b = LatLng::new(-1.0, 104.1); // about 11.1 km
        let km = a.distance_km(&b);
        assert!((model.minutes(&a, &b, AccessMode::Road) - km * 1.4 / 30.0 * 60.0).abs() < 1e-9);
        assert!((model.minutes(&a, &b, AccessMode::River) - km * 1.3 / 10.0 * 60.0).abs() < 1e-9);
        let places = vec![
            Place { id: "polsek".into(), location: a, access: AccessMode::Road },
            Place { id: "tps-1".into(), location: b, access: AccessMode::Sea },
        ];
        let m = TravelMatrix::from_model(&places, &model).unwrap();
        let there = m.minutes("polsek", "tps-1").unwrap();
        let back = m.minutes("tps-1", "polsek").unwrap();
        assert!((there - km * 1.1 / 15.0 * 60.0).abs() < 1e-9, "by boat to the TPS");
        assert!((back - km * 1.4 / 30.0 * 60.0).abs() < 1e-9, "by road back to the Polsek");
        assert_eq!(m.minutes("polsek", "polsek"), Some(0.0));
        assert_eq!(m.minutes("polsek", "nowhere"), None);
        let bad = TravelModel { foot: ModeSpeed { kmh: 0.0, detour: 1.3 }, ..TravelModel::default() };
        assert!(matches!(
            TravelMatrix::from_model(&places, &bad).unwrap_err()[0],
            MatrixError::BadSpeed { mode: "foot", .. }
        ));
    }

    #[test]
    fn csv_and_json_read_the_same_matrix() {
        let csv = "id,a,b,c\na,0,10,-\nc,7,8,0\nb,12,0,5.5\n";
        let m = TravelMatrix::from_csv(csv).unwrap();
        assert_eq!(m.ids(), ["a", "b", "c"]);
        assert_eq!(m.minutes("b", "c"), Some(5.5));
        assert_eq!(m.minutes("a", "c"), Some(f64::INFINITY));
        let json = r#"{"ids": ["a", "b", "c"], "minutes": [[0, 10, null], [12, 0, 5.5], [7, 8, 0]]}"#;
        assert_eq!(TravelMatrix::from_json(json).unwrap(), m);
        assert!(m.check_against(&["a", "b"], &["c"]).is_ok());
        assert_eq!(
            m.check_against(&["a", "d"], &[]).unwrap_err(),
            vec![
                MatrixError::MissingId("d".into()),
                MatrixError::UnknownId("b".into()),
                MatrixError::UnknownId("c".into())
            ]
        );
    }

    #[test]
    fn every_bad_csv_cell_is_named_by_row_and_column() {
        let csv = "id,a,b,c\na,0,,x\nb,-3,0\nz,1,2,3\n";
        let e = TravelMatrix::from_csv(csv).unwrap_err();
        assert_eq!(
            e,
            vec![
                MatrixError::Missing { row: "a".into(), column: "b".into() },
                MatrixError::NotNumber { row: "a".into(), column: "c".into(), value: "x".into() },
                MatrixError::RowLength { row: "b".into(), expected: 3, found: 2 },
                MatrixError::UnknownRow { row: "z".into() },
                MatrixError::MissingRow("c".into()),
            ]
        );
        assert_eq!(e[1].to_string(), "row `a`, column `c`: `x` is not a number of minutes");
        let e = TravelMatrix::from_csv("id,a,b\na,0,-1\nb,1,0\n").unwrap_err();
        assert_eq!(e, vec![MatrixError::Negative { row: "a".into(), column: "b".into(), value: -1.0 }]);
        let e = TravelMatrix::from_csv("id,a,a\na,0,1\n").unwrap_err();
        assert!(e.contains(&MatrixError::DuplicateId("a".into())));
        assert_eq!(TravelMatrix::from_csv("").unwrap_err(), vec![MatrixError::NoIds]);
        assert!(TravelMatrix::from_csv("id\n").unwrap_err().contains(&MatrixError::NoIds));
        let e = TravelMatrix::from_csv("id,a,\na,0,1\n,1,0\n").unwrap_err();
        assert!(e.contains(&MatrixError::EmptyId { position: 2 }), "{e:?}");
    }

    #[test]
    fn messages_in_both_languages() {
        let all = vec![
            MatrixError::Syntax("x".into()),
            MatrixError::NoIds,
            MatrixError::EmptyId { position: 2 },
            MatrixError::DuplicateId("a".into()),
            MatrixError::UnknownRow { row: "z".into() },
            MatrixError::MissingRow("c".into()),
            MatrixError::RowCount { rows: 3, ids: 2 },
            MatrixError::RowLength { row: "b".into(), expected: 3, found: 2 },
            MatrixError::Missing { row: "a".into(), column: "b".into() },
            MatrixError::NotNumber { row: "a".into(), column: "c".into(), value: "x".into() },
            MatrixError::Negative { row: "a".into(), column: "b".into(), value: -1.5 },
            MatrixError::Unreachable("t".into()),
            MatrixError::UnknownId("u".into()),
            MatrixError::MissingId("m".into()),
            MatrixError::BadSpeed { mode: "foot", kmh: 0.0, detour: 1.3 },
        ];
        for e in &all {
            assert_eq!(e.message(Lang::En), e.to_string());
        }
        assert_eq!(all[9].message(Lang::Id), "baris `a`, kolom `c`: `x` bukan jumlah menit");
    }

    #[test]
    fn an_id_no_one_reaches_is_refused() {
        let e = TravelMatrix::from_csv("id,polsek,tps-9\npolsek,0,inf\ntps-9,30,0\n").unwrap_err();
        assert_eq!(e, vec![MatrixError::Unreachable("tps-9".into())]);
        assert_eq!(e[0].to_string(), "`tps-9` cannot be reached: no finite time to it from any other id");
    }

    #[test]
    fn bad_json_is_named() {
        let e = TravelMatrix::from_json(r#"{"ids": ["a", "b"], "minutes": [[0, "x"], [-2, 0], [1, 1]]}"#).unwrap_err();
        assert_eq!(
            e,
            vec![
                MatrixError::RowCount { rows: 3, ids: 2 },
                MatrixError::NotNumber { row: "a".into(), column: "b".into(), value: "x".into() },
                MatrixError::Negative { row: "b".into(), column: "a".into(), value: -2.0 },
            ]
        );
        let e = TravelMatrix::from_json(r#"{"ids": ["a", "b"], "minutes": [[0, true], [1]]}"#).unwrap_err();
        assert_eq!(
            e,
            vec![
                MatrixError::NotNumber { row: "a".into(), column: "b".into(), value: "true".into() },
                MatrixError::RowLength { row: "b".into(), expected: 2, found: 1 },
            ]
        );
        assert!(matches!(TravelMatrix::from_json("{\"ids\": [1]}").unwrap_err()[0], MatrixError::Syntax(_)));
        assert!(matches!(
            TravelMatrix::from_json("{\"ids\": [], \"minutes\": []}").unwrap_err()[0],
            MatrixError::NoIds
        ));
    }

    proptest! {
        #[test]
        fn a_written_matrix_reads_back(cells in proptest::collection::vec(proptest::option::weighted(0.8, 0.0f64..500.0), 1..26)) {
            let n = (cells.len() as f64).sqrt() as usize;
            let ids: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
            let mut text = format!("id,{}\n", ids.join(","));
            let mut expect = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                text.push_str(id);
                for j in 0..n {
                    // The diagonal is 0 and the cell before it finite, so every id is reached.
                    let v = if i == j { Some(0.0) } else if (j + 1) % n == i { Some(cells[i * n + j].unwrap_or(1.0)) } else { cells[i * n + j] };
                    text.push(',');
                    text.push_str(&v.map_or("-".to_owned(), |v| v.to_string()));
                    expect.push(v.unwrap_or(f64::INFINITY));
                }
                text.push('\n');
            }
            let m = TravelMatrix::from_csv(&text).unwrap();
            for i in 0..n {
                for j in 0..n {
                    prop_assert_eq!(m.at(i, j), expect[i * n + j]);
                }
            }
        }
    }
}
