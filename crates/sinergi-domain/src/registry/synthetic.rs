//! Deterministic synthetic TPS for the demo.
//!
//! No public list of TPS with coordinates exists, so the demo makes one that looks like a regional election's:
//! about one TPS per 470 registered voters, registered voters about 71 % of the population, at least one TPS per
//! village, more in villages that are larger or urban (*kelurahan*), each placed inside its village polygon.
//! Every generated TPS carries `synthetic = true` so the UI can say so.

use crate::geo::{Boundary, LatLng};
use crate::region::RegionCode;
use crate::registry::tps::{AccessMode, Tps};
use crate::rng::SplitMix64;

/// Registered voters as a share of the population (203 million voters of 285 million people in 2024).
pub const VOTER_SHARE: f64 = 0.71;
/// Average registered voters per TPS at the 2024 regional elections (KPU: 203 million voters, 435,296 TPS).
pub const VOTERS_PER_TPS: f64 = 470.0;

/// How many TPS a regency of this population has, in the order of magnitude of a regional election.
pub fn expected_tps(population: u64) -> usize {
    ((population as f64 * VOTER_SHARE / VOTERS_PER_TPS).round() as usize).max(1)
}

/// A village to place TPS in.
#[derive(Debug, Clone)]
pub struct VillageInput {
    pub code: RegionCode,
    pub name: String,
    pub centroid: Option<LatLng>,
    pub boundary: Option<Boundary>,
}

/// How TPS in a regency are reached, as shares of road, river, sea and foot. Shares need not sum to one.
#[derive(Debug, Clone, Copy)]
pub struct AccessProfile {
    pub road: f64,
    pub river: f64,
    pub sea: f64,
    pub foot: f64,
}

impl AccessProfile {
    /// A plausible profile for the regency: the tidal river regencies of Jambi and Riau reach many TPS by boat,
    /// Jepara has the Karimunjawa islands, the Toraja highlands have TPS reached only on foot.
    pub fn for_regency(regency: &RegionCode) -> AccessProfile {
        match regency.as_str() {
            "15.07" | "14.04" => AccessProfile { road: 0.55, river: 0.3, sea: 0.1, foot: 0.05 },
            "33.20" => AccessProfile { road: 0.95, river: 0.0, sea: 0.03, foot: 0.02 },
            "73.18" => AccessProfile { road: 0.8, river: 0.0, sea: 0.0, foot: 0.2 },
            _ => AccessProfile { road: 0.9, river: 0.04, sea: 0.03, foot: 0.03 },
        }
    }

    fn pick(&self, rng: &mut SplitMix64) -> AccessMode {
        let total = self.road + self.river + self.sea + self.foot;
        let mut x = rng.next_f64() * total;
        for (mode, share) in
            [(AccessMode::River, self.river), (AccessMode::Sea, self.sea), (AccessMode::Foot, self.foot)]
        {
            if x < share {
                return mode;
            }
            x -= share;
        }
        AccessMode::Road
    }
}

const PLACES: [&str; 6] =
    ["Balai Desa", "SD Negeri", "Halaman rumah warga RT", "Gedung serbaguna", "Madrasah", "Pos kamling RT"];

/// Generates about `target` TPS over the villages. The same input and seed always give the same TPS.
pub fn generate_tps(villages: &[VillageInput], target: usize, profile: AccessProfile, seed: u64) -> Vec<Tps> {
    if villages.is_empty() {
        return Vec::new();
    }
    // Weigh each village by the square root of its area (voters do not grow with land) and by three for a
    // kelurahan (urban and dense), with some noise so neighbouring villages differ.
    let weights: Vec<f64> = villages
        .iter()
        .map(|v| {
            let mut rng = SplitMix64::from_text(seed, v.code.as_str());
            let area = v.boundary.as_ref().map_or(4.0, Boundary::area_km2);
            let urban = if v.code.is_kelurahan() { 3.0 } else { 1.0 };
            area.sqrt().clamp(1.0, 10.0) * urban * (0.5 + rng.next_f64())
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(target + villages.len());
    for (village, weight) in villages.iter().zip(&weights) {
        let count = ((target as f64 * weight / total).round() as u32).max(1);
        let mut rng = SplitMix64::from_text(seed ^ 0x5eed, village.code.as_str());
        for number in 1..=count {
            // Triangular between 340 and 600 (KPU's cap for a regional election), mean 470.
            let voters = 340 + ((rng.next_f64() + rng.next_f64()) / 2.0 * 260.0).round() as u32;
            let place = PLACES[rng.below(PLACES.len() as u64) as usize];
            let address = format!("{place} {}, {}", 1 + rng.below(9), village.name);
            out.push(Tps {
                village: village.code.clone(),
                number,
                address,
                location: place_in(village, &mut rng),
                voters,
                access: profile.pick(&mut rng),
                synthetic: true,
            });
        }
    }
    out
}

/// A point inside the village polygon by rejection sampling over its bounding box; near the centroid when the
/// village has no polygon (or an implausibly thin one).
fn place_in(village: &VillageInput, rng: &mut SplitMix64) -> Option<LatLng> {
    if let Some(boundary) = &village.boundary
        && let Some(bbox) = boundary.bbox()
    {
        for _ in 0..500 {
            // Six decimals (about 0.1 m) is what a phone's GPS gives; more only bloats maps and exports.
            let p = LatLng::new(
                round6(bbox.min_lat + rng.next_f64() * (bbox.max_lat - bbox.min_lat)),
                round6(bbox.min_lng + rng.next_f64() * (bbox.max_lng - bbox.min_lng)),
            );
            if boundary.contains(p) {
                return Some(p);
            }
        }
    }
    let c = village.centroid?;
    // Within about 300 m of the centroid.
    Some(LatLng::new(round6(c.lat + (rng.next_f64() - 0.5) * 0.005), round6(c.lng + (rng.next_f64() - 0.5) * 0.005)))
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// How often an indicator holds in the demo's synthetic assessments, per TPS. From the national scale of
/// Bawaslu's Pemilu 2024 findings (of about 820,000 TPS: 125,224 with voters who no longer qualify, 119,796 with
/// additional voters, 38,595 with officers voting away from home, 36,236 with internet problems, 21,947 near a
/// campaign post, 18,656 with special voters, 10,794 in disaster-prone areas); anything else is rarer.
fn indicator_rate(name: &str) -> f64 {
    match name {
        "dpt_tms" | "dptb" => 0.15,
        "penyelenggara_luar_domisili" => 0.047,
        "internet" => 0.044,
        "dekat_posko" => 0.027,
        "dpk" => 0.023,
        "rawan_bencana" => 0.013,
        "lokasi_khusus" => 0.002,
        _ => 0.008,
    }
}

/// Answers of a synthetic assessment of one TPS (yes/no answers only; counts stay 0), deterministic for the
/// village, the TPS within it (`key`, e.g. its number) and the seed. About one village in eight is a "hot" village
/// where every indicator holds four times as often, so that the demo's map has areas that stand out.
pub fn synthetic_answers(
    set: &crate::vulnerability::IndicatorSet,
    village: &RegionCode,
    key: &str,
    seed: u64,
) -> Vec<u32> {
    let hot = SplitMix64::from_text(seed, village.as_str()).next_f64() < 0.125;
    // The village is part of the draw: TPS 1 of one village must not answer like TPS 1 of every other.
    let mut rng = SplitMix64::from_text(seed ^ 0x5eed, &format!("{}/{village}/{key}", set.id));
    set.indicators
        .iter()
        .map(|ind| {
            let rate = indicator_rate(&ind.id) * if hot { 4.0 } else { 1.0 };
            let draw = rng.next_f64();
            u32::from(matches!(ind.answer, crate::vulnerability::AnswerKind::YesNo) && draw < rate)
        })
        .collect()
}

/// Answers of a synthetic assessment of a village's or district's area indicators (those of its level),
/// deterministic for the region and the seed. "Hot" villages (as in [`synthetic_answers`]) answer yes three times
/// as often; a count is drawn from 0 to 4.
pub fn synthetic_area_answers(set: &crate::vulnerability::IndicatorSet, region: &RegionCode, seed: u64) -> Vec<u32> {
    let hot = SplitMix64::from_text(seed, region.as_str()).next_f64() < 0.125;
    let mut rng = SplitMix64::from_text(seed ^ 0xa7ea, &format!("{}/{region}", set.id));
    set.area
        .indicators
        .iter()
        .map(|ind| {
            let draw = rng.next_f64();
            if ind.level != region.level() {
                return 0;
            }
            match ind.answer {
                crate::vulnerability::AnswerKind::YesNo => u32::from(draw < if hot { 0.45 } else { 0.15 }),
                crate::vulnerability::AnswerKind::Count { .. } => (draw * 5.0) as u32,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_answers_differ_between_villages() {
        let set = crate::vulnerability::IndicatorSet::from_toml(crate::vulnerability::SHIPPED[0].1).unwrap();
        let district = RegionCode::parse("33.20.01").unwrap();
        let answers = synthetic_area_answers(&set, &district, 7);
        for (ind, a) in set.area.indicators.iter().zip(&answers) {
            assert!(ind.level == crate::Level::District || *a == 0, "{} answered for a district", ind.id);
        }
        let yes: usize = (1..=400)
            .map(|v| {
                let village = RegionCode::parse(&format!("33.20.01.{:04}", 2000 + v)).unwrap();
                synthetic_area_answers(&set, &village, 7).iter().filter(|a| **a > 0).count()
            })
            .sum();
        // 6 village indicators × 400 villages × about 0.19 (hot villages included).
        assert!((250..=700).contains(&yes), "{yes} yes answers");

        let set = crate::vulnerability::IndicatorSet::from_toml(crate::vulnerability::SHIPPED[0].1).unwrap();
        let distinct: std::collections::HashSet<Vec<u32>> = (1..=400)
            .map(|v| {
                let village = RegionCode::parse(&format!("33.20.01.{:04}", 2000 + v)).unwrap();
                synthetic_answers(&set, &village, "1", 7)
            })
            .collect();
        assert!(distinct.len() > 40, "TPS 1 of 400 villages gave only {} different answer sets", distinct.len());
        let village = RegionCode::parse("33.20.01.2001").unwrap();
        assert_eq!(synthetic_answers(&set, &village, "1", 7), synthetic_answers(&set, &village, "1", 7));
    }

    use super::*;

    fn village(code: &str, lng0: f64) -> VillageInput {
        let geometry =
            geojson::Geometry::new_polygon([[[lng0, -1.0], [lng0 + 0.05, -1.0], [lng0 + 0.05, -1.05], [lng0, -1.0]]]);
        VillageInput {
            code: RegionCode::parse(code).unwrap(),
            name: format!("Desa {code}"),
            centroid: Some(LatLng::new(-1.02, lng0 + 0.03)),
            boundary: Some(Boundary::from_geojson(&geometry).unwrap()),
        }
    }

    #[test]
    fn deterministic_inside_and_plausible() {
        let villages: Vec<VillageInput> =
            (1..=20).map(|i| village(&format!("15.07.01.{}", 2000 + i), 103.0 + i as f64 * 0.1)).collect();
        let profile = AccessProfile::for_regency(&RegionCode::parse("15.07").unwrap());
        let a = generate_tps(&villages, 100, profile, 7);
        let b = generate_tps(&villages, 100, profile, 7);
        assert_eq!(a, b);
        assert!((80..=130).contains(&a.len()), "{} TPS", a.len());
        for tps in &a {
            let v = villages.iter().find(|v| v.code == tps.village).unwrap();
            assert!(v.boundary.as_ref().unwrap().contains(tps.location.unwrap()), "{tps:?} outside its village");
            assert!((340..=600).contains(&tps.voters));
            assert!(tps.synthetic);
        }
        // Every village has TPS numbered 1..n without gaps.
        for v in &villages {
            let mut numbers: Vec<u32> = a.iter().filter(|t| t.village == v.code).map(|t| t.number).collect();
            numbers.sort();
            assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
        }
    }

    #[test]
    fn expected_counts_match_the_domain_notes() {
        // Tanjung Jabung Timur: 244,905 people, "in the order of 370 TPS".
        assert_eq!(expected_tps(244_905), 370);
    }
}
