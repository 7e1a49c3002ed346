//! Coordinates and region boundaries.
//!
//! Coordinates are WGS84 degrees. GeoJSON orders them [longitude, latitude]; our own types always name the fields,
//! so the order can never be mixed up in code.

use geo::{BoundingRect, Contains, MultiPolygon, Point};
use serde::{Deserialize, Serialize};

/// A point on the earth in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

/// A generous box around the Indonesian archipelago, from Sabang to Merauke and from Miangas to Rote. A point
/// outside it is a typo (swapped or sign-flipped coordinates are the usual cause), never a real TPS.
pub const INDONESIA_LAT: (f64, f64) = (-11.5, 6.5);
pub const INDONESIA_LNG: (f64, f64) = (94.5, 141.5);

/// Mean earth radius (IUGG), as used for great-circle distances throughout Sinergi.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

impl LatLng {
    pub fn new(lat: f64, lng: f64) -> LatLng {
        LatLng { lat, lng }
    }

    pub fn is_finite(&self) -> bool {
        self.lat.is_finite() && self.lng.is_finite()
    }

    pub fn in_indonesia(&self) -> bool {
        self.is_finite()
            && (INDONESIA_LAT.0..=INDONESIA_LAT.1).contains(&self.lat)
            && (INDONESIA_LNG.0..=INDONESIA_LNG.1).contains(&self.lng)
    }

    /// Great-circle distance by the haversine formula.
    pub fn distance_km(&self, other: &LatLng) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lng - self.lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// Why a GeoJSON geometry cannot be a region boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoundaryError {
    #[error("geometry must be a Polygon or MultiPolygon, not {0}")]
    WrongType(String),
    #[error("polygon has no ring with at least four positions")]
    Degenerate,
    #[error("a position is not a finite [longitude, latitude] pair inside Indonesia")]
    BadPosition,
}

/// A region's boundary: one or more polygons (islands make many villages multi-part).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    shape: MultiPolygon<f64>,
}

/// The smallest box around a boundary, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_lat: f64,
    pub min_lng: f64,
    pub max_lat: f64,
    pub max_lng: f64,
}

impl Boundary {
    /// Accepts a GeoJSON Polygon or MultiPolygon with positions inside Indonesia.
    pub fn from_geojson(geometry: &geojson::Geometry) -> Result<Boundary, BoundaryError> {
        use geojson::GeometryValue;
        let polygons: Vec<&geojson::PolygonType> = match &geometry.value {
            GeometryValue::Polygon { coordinates } => vec![coordinates],
            GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
            other => return Err(BoundaryError::WrongType(other.type_name().to_owned())),
        };
        if polygons.is_empty() {
            return Err(BoundaryError::Degenerate);
        }
        for polygon in &polygons {
            let exterior = polygon.first().ok_or(BoundaryError::Degenerate)?;
            if exterior.len() < 4 {
                return Err(BoundaryError::Degenerate);
            }
            for position in polygon.iter().flatten() {
                let p = position.as_slice();
                if p.len() < 2 || !LatLng::new(p[1], p[0]).in_indonesia() {
                    return Err(BoundaryError::BadPosition);
                }
            }
        }
        let shape: MultiPolygon<f64> = match &geometry.value {
            GeometryValue::Polygon { .. } => {
                MultiPolygon(vec![geo::Polygon::try_from(&geometry.value).map_err(|_| BoundaryError::Degenerate)?])
            }
            value => MultiPolygon::try_from(value).map_err(|_| BoundaryError::Degenerate)?,
        };
        Ok(Boundary { shape })
    }

    /// Parses the stored form (a GeoJSON geometry object as text).
    pub fn from_geojson_str(text: &str) -> Result<Boundary, BoundaryError> {
        let geometry: geojson::Geometry =
            text.parse().map_err(|_| BoundaryError::WrongType("invalid GeoJSON".to_owned()))?;
        Boundary::from_geojson(&geometry)
    }

    /// The GeoJSON geometry object as compact text, the form the database keeps.
    pub fn to_geojson_string(&self) -> String {
        let geometry = geojson::Geometry::new(geojson::GeometryValue::from(&self.shape));
        geometry.to_string()
    }

    pub fn contains(&self, point: LatLng) -> bool {
        self.shape.contains(&Point::new(point.lng, point.lat))
    }

    pub fn bbox(&self) -> Option<BBox> {
        self.shape.bounding_rect().map(|r| BBox {
            min_lat: r.min().y,
            min_lng: r.min().x,
            max_lat: r.max().y,
            max_lng: r.max().x,
        })
    }

    /// Approximate area in square kilometres: the planar area in square degrees, scaled by the length of a degree
    /// at the boundary's mean latitude. Good to a fraction of a percent for a village near the equator, which is
    /// all the demo needs to weigh villages against each other.
    pub fn area_km2(&self) -> f64 {
        use geo::Area;
        let Some(bbox) = self.bbox() else { return 0.0 };
        let mean_lat = ((bbox.min_lat + bbox.max_lat) / 2.0).to_radians();
        let km_per_degree = 2.0 * std::f64::consts::PI * EARTH_RADIUS_KM / 360.0;
        self.shape.unsigned_area() * km_per_degree * km_per_degree * mean_lat.cos()
    }

    /// The boundary drawn for a map at a scale where `tolerance` degrees are about a pixel: every ring simplified
    /// (Ramer–Douglas–Peucker, with `tolerance` as its distance), and the parts smaller than a pixel left out —
    /// but never all of them: a village that would vanish keeps its largest part as it was.
    pub fn simplified(&self, tolerance: f64) -> Boundary {
        use geo::{Area, Simplify};
        let kept: Vec<geo::Polygon<f64>> = self
            .shape
            .0
            .iter()
            .map(|p| p.simplify(tolerance))
            .filter(|p| p.exterior().0.len() >= 4 && p.unsigned_area() > tolerance * tolerance)
            .map(|p| {
                let holes = p.interiors().iter().filter(|r| r.0.len() >= 4).cloned().collect();
                geo::Polygon::new(p.exterior().clone(), holes)
            })
            .collect();
        if !kept.is_empty() {
            return Boundary { shape: MultiPolygon(kept) };
        }
        let largest = self
            .shape
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
            .cloned()
            .into_iter()
            .collect();
        Boundary { shape: MultiPolygon(largest) }
    }

    /// The GeoJSON geometry as compact text with `decimals` digits after the point (5: about a metre; 4: about
    /// eleven), trailing zeros dropped: a third of the bytes of the full form, for maps.
    pub fn to_geojson_rounded(&self, decimals: usize) -> String {
        let number = |out: &mut String, x: f64| {
            let text = format!("{x:.decimals$}");
            let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
            out.push_str(if text == "-0" { "0" } else { text });
        };
        let mut out = String::from("{\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (i, polygon) in self.shape.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for (j, ring) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
                if j > 0 {
                    out.push(',');
                }
                out.push('[');
                for (k, c) in ring.0.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push('[');
                    number(&mut out, c.x);
                    out.push(',');
                    number(&mut out, c.y);
                    out.push(']');
                }
                out.push(']');
            }
            out.push(']');
        }
        out.push_str("]}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> geojson::Geometry {
        geojson::Geometry::new_polygon([[[103.0, -1.0], [103.1, -1.0], [103.1, -1.1], [103.0, -1.1], [103.0, -1.0]]])
    }

    #[test]
    fn point_in_polygon() {
        let b = Boundary::from_geojson(&square()).unwrap();
        assert!(b.contains(LatLng::new(-1.05, 103.05)));
        assert!(!b.contains(LatLng::new(-1.2, 103.05)));
        let bbox = b.bbox().unwrap();
        assert_eq!((bbox.min_lat, bbox.max_lng), (-1.1, 103.1));
        // About 11.1 km × 11.1 km at the equator.
        assert!((b.area_km2() - 123.6).abs() < 2.0, "{}", b.area_km2());
    }

    #[test]
    fn round_trips_through_text() {
        let b = Boundary::from_geojson(&square()).unwrap();
        let again = Boundary::from_geojson_str(&b.to_geojson_string()).unwrap();
        assert_eq!(b, again);
    }

    #[test]
    fn rejects_other_geometries_and_points_abroad() {
        let point = geojson::Geometry::new_point([103.0, -1.0]);
        assert_eq!(Boundary::from_geojson(&point), Err(BoundaryError::WrongType("Point".into())));
        let g = geojson::Geometry::new_polygon([[[3.0, 50.0], [3.1, 50.0], [3.1, 50.1], [3.0, 50.0]]]);
        assert_eq!(Boundary::from_geojson(&g), Err(BoundaryError::BadPosition));
    }

    #[test]
    fn a_simplified_boundary_keeps_its_shape_in_fewer_points() {
        // A square with 400 points along its sides, one islet far smaller than the tolerance.
        let mut ring = Vec::new();
        for i in 0..100 {
            ring.push(vec![103.0 + f64::from(i) * 0.001, -1.0]);
        }
        for i in 0..100 {
            ring.push(vec![103.1, -1.0 - f64::from(i) * 0.001]);
        }
        for i in 0..100 {
            ring.push(vec![103.1 - f64::from(i) * 0.001, -1.1]);
        }
        for i in 0..100 {
            ring.push(vec![103.0, -1.1 + f64::from(i) * 0.001]);
        }
        ring.push(vec![103.0, -1.0]);
        let islet = vec![vec![104.0, -1.0], vec![104.00001, -1.0], vec![104.00001, -1.00001], vec![104.0, -1.0]];
        let g = geojson::Geometry::new(geojson::GeometryValue::new_multi_polygon([vec![ring], vec![islet]]));
        let b = Boundary::from_geojson(&g).unwrap();
        let s = b.simplified(0.0005);
        let text = s.to_geojson_rounded(4);
        assert_eq!(
            text,
            "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[103,-1],[103.1,-1],[103.1,-1.1],[103,-1.1],[103,-1]]]]}"
        );
        assert!((s.area_km2() - b.area_km2()).abs() < 0.5);
        let again = Boundary::from_geojson_str(&text).unwrap();
        assert!(again.contains(LatLng::new(-1.05, 103.05)));
        // Only an islet: it is kept as it was rather than lost.
        let alone =
            geojson::Geometry::new_polygon([[[104.0, -1.0], [104.00001, -1.0], [104.00001, -1.00001], [104.0, -1.0]]]);
        let islet = Boundary::from_geojson(&alone).unwrap();
        assert_eq!(islet.simplified(0.0005), islet);
        assert_eq!(
            islet.to_geojson_rounded(5),
            "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[104,-1],[104.00001,-1],[104.00001,-1.00001],[104,-1]]]]}"
        );
    }

    #[test]
    fn indonesia_box() {
        assert!(LatLng::new(-6.59, 110.67).in_indonesia()); // Jepara
        assert!(!LatLng::new(110.67, -6.59).in_indonesia()); // swapped
        assert!(!LatLng::new(6.59, -110.67).in_indonesia());
        assert!(!LatLng::new(f64::NAN, 110.0).in_indonesia());
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // One degree of latitude is about 111.2 km.
        let d = LatLng::new(0.0, 100.0).distance_km(&LatLng::new(1.0, 100.0));
        assert!((d - 111.195).abs() < 0.01, "{d}");
    }
}
