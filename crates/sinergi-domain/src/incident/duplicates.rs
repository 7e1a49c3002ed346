//! Probable duplicates: reports of the same category close in space and time (docs/sms.md, "Duplicate
//! detection").
//!
//! When a clash breaks out at a TPS, the village police officer, the village supervisor and the KPPS may all
//! report it within minutes. Sinergi does not merge such reports by itself: it lists the probable duplicates of a
//! new report so that the verifier confirms them (rejecting the copy as `duplicate`) or dismisses the match.

use crate::geo::LatLng;

/// A report as far as duplicate detection is concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    /// The category's id in the taxonomy.
    pub category: String,
    /// When it happened (or was reported), in milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub point: LatLng,
}

/// How close two reports must be to count as probable duplicates. Both bounds are inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateRule {
    /// Great-circle distance in metres.
    pub radius_m: f64,
    /// Time between the two reports in milliseconds, either way.
    pub window_ms: i64,
}

impl DuplicateRule {
    /// One kilometre: reports from the same TPS or its street, even with a phone's imprecise position.
    pub const DEFAULT_RADIUS_M: f64 = 1_000.0;
    /// Two hours: long enough for late reports of the same event, short enough not to join the next one.
    pub const DEFAULT_WINDOW_MS: i64 = 2 * 60 * 60 * 1000;
}

impl Default for DuplicateRule {
    fn default() -> DuplicateRule {
        DuplicateRule { radius_m: DuplicateRule::DEFAULT_RADIUS_M, window_ms: DuplicateRule::DEFAULT_WINDOW_MS }
    }
}

/// The ids of the reports in `others` that probably report the same event as `new`: the same category, at most
/// `window_ms` apart in time and at most `radius_m` apart by haversine distance. `new` itself (by id) is left out.
/// Nearest first; equal distances by id.
///
/// A point that is not finite matches nothing, and a negative window or radius matches nothing.
pub fn probable_duplicates(new: &Candidate, others: &[Candidate], rule: DuplicateRule) -> Vec<i64> {
    // A negative window cannot be compared as an unsigned gap; it means "nothing is close enough".
    let Ok(window) = u64::try_from(rule.window_ms) else { return Vec::new() };
    let mut found: Vec<(f64, i64)> = others
        .iter()
        .filter(|o| o.id != new.id && o.category == new.category && o.at_ms.abs_diff(new.at_ms) <= window)
        .filter_map(|o| {
            let metres = new.point.distance_km(&o.point) * 1000.0;
            // NaN from a non-finite point fails this comparison, so such a report is never matched.
            (metres <= rule.radius_m).then_some((metres, o.id))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // An id given twice is listed once, at its nearest position.
    let mut seen = std::collections::HashSet::new();
    found.into_iter().map(|(_, id)| id).filter(|id| seen.insert(*id)).collect()
}

/// The size of a [`cell`] in degrees of latitude and of longitude (about 1.1 km).
pub const CELL_DEGREES: f64 = 0.01;

/// Metres in a degree of latitude (a great circle's degree on the sphere of [`crate::geo`]).
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// The grid cell of a point: one number, so that the database can index reports by category, cell and time and
/// find the candidates of a new report among the few cells around it instead of in every report of its period.
/// The same formula is written in SQL in the migration that added the column (`0016_report_place_cell.sql`), for
/// the reports filed before it.
pub fn cell(point: LatLng) -> i64 {
    let row = ((point.lat + 90.0) * 100.0).floor() as i64;
    let column = ((point.lng + 180.0) * 100.0).floor() as i64;
    row * 100_000 + column
}

/// The cells that may hold a point within `radius_m` of `point`, `point`'s own among them.
pub fn cells_around(point: LatLng, radius_m: f64) -> Vec<i64> {
    if !point.is_finite() || !radius_m.is_finite() || radius_m < 0.0 {
        return Vec::new();
    }
    let radius_deg = radius_m / METRES_PER_DEGREE;
    let rows = (radius_deg / CELL_DEGREES).ceil() as i64;
    // A degree of longitude shrinks towards the poles; the widest latitude the circle reaches sets the count.
    let widest = (point.lat.abs() + radius_deg).min(89.0).to_radians().cos();
    let columns = (radius_deg / widest / CELL_DEGREES).ceil() as i64;
    let centre = cell(point);
    let mut out = Vec::with_capacity(((2 * rows + 1) * (2 * columns + 1)) as usize);
    for dr in -rows..=rows {
        for dc in -columns..=columns {
            out.push(centre + dr * 100_000 + dc);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = 60 * 60 * 1000;

    fn at(id: i64, category: &str, at_ms: i64, lat: f64, lng: f64) -> Candidate {
        Candidate { id, category: category.into(), at_ms, point: LatLng::new(lat, lng) }
    }

    #[test]
    fn the_defaults_are_one_kilometre_and_two_hours() {
        let rule = DuplicateRule::default();
        assert_eq!((rule.radius_m, rule.window_ms), (1_000.0, 2 * HOUR));
    }

    #[test]
    fn matches_the_same_category_near_in_space_and_time_nearest_first() {
        let new = at(1, "bentrok", 10 * HOUR, -7.0, 110.0);
        let others = [
            at(1, "bentrok", 10 * HOUR, -7.0, 110.0),       // itself
            at(2, "bentrok", 9 * HOUR, -7.005, 110.0),      // ~556 m, an hour before
            at(3, "bentrok", 11 * HOUR, -7.001, 110.0),     // ~111 m, an hour after
            at(4, "politik_uang", 10 * HOUR, -7.0, 110.0),  // another category
            at(5, "bentrok", 13 * HOUR, -7.0, 110.0),       // three hours later
            at(6, "bentrok", 10 * HOUR, -7.02, 110.0),      // ~2.2 km away
            at(7, "bentrok", 10 * HOUR + 1, -7.001, 110.0), // as near as 3: by id
            at(8, "bentrok", 10 * HOUR, f64::NAN, 110.0),   // no position
        ];
        assert_eq!(probable_duplicates(&new, &others, DuplicateRule::default()), [3, 7, 2]);
        assert!(probable_duplicates(&new, &[], DuplicateRule::default()).is_empty());
        // An id given twice (two positions of one report) is listed once, where it is nearest.
        let twice = [at(9, "bentrok", 10 * HOUR, -7.004, 110.0), at(2, "bentrok", 10 * HOUR, -7.003, 110.0)];
        let others = [&others[..], &twice[..]].concat();
        assert_eq!(probable_duplicates(&new, &others, DuplicateRule::default()), [3, 7, 2, 9]);
    }

    #[test]
    fn the_bounds_are_inclusive() {
        let new = at(1, "bentrok", 0, -7.0, 110.0);
        let edge = at(2, "bentrok", 2 * HOUR, -7.0, 110.009);
        let metres = new.point.distance_km(&edge.point) * 1000.0;
        assert!((metres - 993.0).abs() < 1.0, "{metres}");
        assert_eq!(probable_duplicates(&new, std::slice::from_ref(&edge), DuplicateRule::default()), [2]);
        let rule = DuplicateRule { radius_m: metres, window_ms: 2 * HOUR };
        assert_eq!(probable_duplicates(&new, std::slice::from_ref(&edge), rule), [2]);
        let earlier = Candidate { at_ms: -2 * HOUR, ..edge.clone() };
        assert_eq!(probable_duplicates(&new, std::slice::from_ref(&earlier), rule), [2]);

        let narrower = DuplicateRule { radius_m: metres - 0.001, ..rule };
        assert!(probable_duplicates(&new, std::slice::from_ref(&edge), narrower).is_empty());
        let shorter = DuplicateRule { window_ms: 2 * HOUR - 1, ..rule };
        assert!(probable_duplicates(&new, std::slice::from_ref(&edge), shorter).is_empty());
        let negative = DuplicateRule { window_ms: -1, ..rule };
        assert!(probable_duplicates(&new, std::slice::from_ref(&new), negative).is_empty());
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let new = at(1, "bentrok", i64::MIN, -7.0, 110.0);
        let far = at(2, "bentrok", i64::MAX, -7.0, 110.0);
        let rule = DuplicateRule { radius_m: 1_000.0, window_ms: i64::MAX };
        assert!(probable_duplicates(&new, &[far], rule).is_empty());
    }

    #[test]
    fn a_kilometre_around_takes_the_nine_cells_around() {
        let here = LatLng::new(-6.59, 110.67);
        let around = cells_around(here, 1_000.0);
        assert_eq!(around.len(), 9);
        assert!(around.contains(&cell(here)));
        assert!(around.contains(&cell(LatLng::new(-6.58, 110.68))));
        assert!(!around.contains(&cell(LatLng::new(-6.56, 110.67))), "three cells north");
        assert!(cells_around(LatLng::new(f64::NAN, 0.0), 1_000.0).is_empty());
        assert_eq!(cells_around(here, 3_000.0).len(), 49);
    }

    proptest! {
        #[test]
        fn a_point_within_the_radius_lies_in_a_cell_around(
            lat in -11.0f64..6.0, lng in 95.0f64..141.0,
            bearing in 0.0f64..360.0, fraction in 0.0f64..=1.0, radius in 1.0f64..5_000.0,
        ) {
            let here = LatLng::new(lat, lng);
            // A point `fraction` of the radius away, along `bearing`, on the sphere.
            let d = radius * fraction / 6_371_008.8;
            let (phi, lambda, theta) = (lat.to_radians(), lng.to_radians(), bearing.to_radians());
            let phi2 = (phi.sin() * d.cos() + phi.cos() * d.sin() * theta.cos()).asin();
            let lambda2 = lambda + (theta.sin() * d.sin() * phi.cos()).atan2(d.cos() - phi.sin() * phi2.sin());
            let there = LatLng::new(phi2.to_degrees(), lambda2.to_degrees());
            prop_assume!(here.distance_km(&there) * 1000.0 <= radius);
            prop_assert!(cells_around(here, radius).contains(&cell(there)));
        }
        #[test]
        fn matches_are_exactly_the_close_ones_in_order(
            reports in proptest::collection::vec((0u8..2, -6i64..6, -0.02f64..0.02, -0.02f64..0.02), 0..30),
        ) {
            let new = at(0, "a", 0, -7.0, 110.0);
            let others: Vec<Candidate> = std::iter::once(new.clone())
                .chain(reports.iter().enumerate().map(|(i, &(c, h, dlat, dlng))| {
                    at(i as i64 + 1, ["a", "b"][c as usize], h * HOUR / 2, -7.0 + dlat, 110.0 + dlng)
                }))
                .collect();
            let rule = DuplicateRule::default();
            let found = probable_duplicates(&new, &others, rule);
            let distance =
                |id: i64| others.iter().find(|o| o.id == id).map_or(f64::NAN, |o| new.point.distance_km(&o.point));
            for pair in found.windows(2) {
                prop_assert!((distance(pair[0]), pair[0]) < (distance(pair[1]), pair[1]));
            }
            for o in &others {
                let close = o.id != 0
                    && o.category == "a"
                    && o.at_ms.abs() <= rule.window_ms
                    && new.point.distance_km(&o.point) * 1000.0 <= rule.radius_m;
                prop_assert_eq!(close, found.contains(&o.id), "{:?}", o);
            }
            prop_assert!(!found.contains(&0));
        }
    }
}
