//! Where a report happened, from its coordinates: the village whose boundary holds the point where boundaries are
//! known, else the village with the nearest centroid — within [`MAX_NEAREST_KM`], so that a point at sea or in
//! another province is refused rather than pinned to a village far away.
//!
//! The index keeps every village's centroid in a grid of cells of about 11 km, so a lookup reads a few cells, not
//! 84,000 villages; boundaries are tested only for villages near the point (inside their bounding box).

use std::collections::HashMap;

use crate::geo::{BBox, Boundary, LatLng};
use crate::region::RegionCode;

/// Farthest a point may lie from the nearest village centroid when no boundary holds it.
pub const MAX_NEAREST_KM: f64 = 15.0;

/// Grid cell size in degrees (0.1° ≈ 11 km at the equator).
const CELL: f64 = 0.1;

/// A village as the resolver knows it.
#[derive(Debug, Clone)]
pub struct VillageShape {
    pub code: RegionCode,
    pub centroid: LatLng,
    pub boundary: Option<(Boundary, BBox)>,
}

/// How a point was placed.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// Inside this village's boundary.
    Inside(RegionCode),
    /// Nearest to this village's centroid (no boundary holds the point), at this distance in km.
    Nearest(RegionCode, f64),
}

impl Placed {
    pub fn village(&self) -> &RegionCode {
        match self {
            Placed::Inside(code) | Placed::Nearest(code, _) => code,
        }
    }
}

/// The villages of an area, indexed for lookups by point.
#[derive(Debug, Clone, Default)]
pub struct PlaceIndex {
    villages: Vec<VillageShape>,
    grid: HashMap<(i32, i32), Vec<usize>>,
    codes: std::collections::HashSet<RegionCode>,
}

fn cell(point: LatLng) -> (i32, i32) {
    ((point.lat / CELL).floor() as i32, (point.lng / CELL).floor() as i32)
}

impl PlaceIndex {
    pub fn new(villages: Vec<VillageShape>) -> PlaceIndex {
        let mut grid: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (i, v) in villages.iter().enumerate() {
            grid.entry(cell(v.centroid)).or_default().push(i);
        }
        let codes = villages.iter().map(|v| v.code.clone()).collect();
        PlaceIndex { villages, grid, codes }
    }

    /// True when `code` is one of the indexed villages.
    pub fn holds(&self, code: &RegionCode) -> bool {
        self.codes.contains(code)
    }

    pub fn len(&self) -> usize {
        self.villages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.villages.is_empty()
    }

    /// The village of a point, or `None` when no village centroid lies within [`MAX_NEAREST_KM`] and no boundary
    /// holds it.
    pub fn resolve(&self, point: LatLng) -> Option<Placed> {
        if !point.is_finite() {
            return None;
        }
        // Cells within reach: MAX_NEAREST_KM is under two cells away in latitude; longitude cells shrink with the
        // cosine of the latitude, which is near 1 across Indonesia (|lat| < 12°).
        let (ci, cj) = cell(point);
        let reach = (MAX_NEAREST_KM / (CELL * 111.0)).ceil() as i32 + 1;
        let mut nearby: Vec<usize> = Vec::new();
        for di in -reach..=reach {
            for dj in -reach..=reach {
                if let Some(ids) = self.grid.get(&(ci + di, cj + dj)) {
                    nearby.extend(ids);
                }
            }
        }
        nearby.sort_unstable();
        // A boundary holds the point: the first such village by code, so that overlapping slivers resolve the
        // same way every time.
        let inside = nearby
            .iter()
            .map(|i| &self.villages[*i])
            .filter(|v| {
                v.boundary.as_ref().is_some_and(|(b, bbox)| {
                    (bbox.min_lat..=bbox.max_lat).contains(&point.lat)
                        && (bbox.min_lng..=bbox.max_lng).contains(&point.lng)
                        && b.contains(point)
                })
            })
            .min_by(|a, b| a.code.cmp(&b.code));
        if let Some(v) = inside {
            return Some(Placed::Inside(v.code.clone()));
        }
        nearby
            .iter()
            .map(|i| (&self.villages[*i], self.villages[*i].centroid.distance_km(&point)))
            .filter(|(_, d)| *d <= MAX_NEAREST_KM)
            .min_by(|(a, da), (b, db)| da.total_cmp(db).then_with(|| a.code.cmp(&b.code)))
            .map(|(v, d)| Placed::Nearest(v.code.clone(), d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lng: f64, lat: f64, size: f64) -> (Boundary, BBox) {
        let ring = [[lng, lat], [lng + size, lat], [lng + size, lat - size], [lng, lat - size], [lng, lat]];
        let geometry = geojson::Geometry::new_polygon([ring]);
        let b = Boundary::from_geojson(&geometry).unwrap();
        let bbox = b.bbox().unwrap();
        (b, bbox)
    }

    fn village(code: &str, lat: f64, lng: f64, boundary: Option<(Boundary, BBox)>) -> VillageShape {
        VillageShape { code: RegionCode::parse(code).unwrap(), centroid: LatLng::new(lat, lng), boundary }
    }

    #[test]
    fn a_boundary_wins_over_a_nearer_centroid_and_far_points_are_refused() {
        let index = PlaceIndex::new(vec![
            // A large village whose centroid is far from its eastern corner…
            village("15.07.01.2001", -1.05, 103.85, Some(square(103.8, -1.0, 0.1))),
            // …and a small neighbour without a boundary whose centroid is right next to that corner.
            village("15.07.01.2002", -1.0, 103.905, None),
            village("15.07.02.2001", -1.5, 104.5, None),
        ]);
        let corner = LatLng::new(-1.001, 103.899);
        assert_eq!(index.resolve(corner), Some(Placed::Inside(RegionCode::parse("15.07.01.2001").unwrap())));
        let Some(Placed::Nearest(code, km)) = index.resolve(LatLng::new(-1.45, 104.45)) else { panic!() };
        assert_eq!(code.as_str(), "15.07.02.2001");
        assert!((km - 7.86).abs() < 0.1, "{km}");
        assert_eq!(index.resolve(LatLng::new(-3.0, 106.0)), None, "no village within 15 km");
        assert_eq!(index.resolve(LatLng::new(f64::NAN, 103.0)), None);
        assert!(index.holds(&RegionCode::parse("15.07.01.2002").unwrap()));
        assert!(!index.holds(&RegionCode::parse("15.07.01.2003").unwrap()), "not indexed");
    }
}
