//! Security posts: TPS grouped as the pattern allows.
//!
//! A post holds TPS of the same pattern rule in the same district (or, with [`PostConfig::within_village`], the same
//! village), at most T of them, **all pairwise within the walking distance** of each other (so an officer walks
//! from any of its TPS to any other within it; a bound to the centre alone would allow twice the distance between
//! two TPS). The default groups by district: neighbouring TPS often lie across a village boundary, and Linmas
//! stay with their own village's TPS anyway ([`Post::linmas_by_village`]).
//!
//! The heuristic is deterministic: within each (district, rule) bucket, the unassigned TPS farthest from the
//! bucket's centroid (ties by id) opens a post, which then takes its nearest unassigned TPS (ties by id) that lie
//! within walking distance of every TPS already in it, until it holds T. Starting from the edge keeps the outer
//! TPS from being left over as singletons. A TPS without coordinates is a post of its own
//! ([`Alone::NoLocation`]).

use std::collections::BTreeMap;

use super::pattern::{Pattern, PatternRule};
use super::{Need, PlanTps};
use crate::geo::LatLng;
use crate::region::RegionCode;

/// How TPS are grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct PostConfig {
    /// The most two TPS of one post may lie apart, in metres (straight line).
    pub walking_m: f64,
    /// Group only TPS of the same village (default: of the same district).
    pub within_village: bool,
}

impl Default for PostConfig {
    fn default() -> PostConfig {
        PostConfig { walking_m: 1000.0, within_village: false }
    }
}

/// Why a TPS stands alone in its post although its pattern allows more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alone {
    /// The TPS has no coordinates, so no other TPS can be shown to be within walking distance.
    NoLocation,
}

impl std::fmt::Display for Alone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Alone::NoLocation => f.write_str("no coordinates: a post of its own"),
        }
    }
}

/// A security post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// `POS-<district>-<nnn>`, numbered within the district in the order the posts are made.
    pub id: String,
    pub district: RegionCode,
    /// The pattern rule's index.
    pub rule: usize,
    /// Indices into the TPS list, ascending.
    pub tps: Vec<usize>,
    /// The mean of its TPS' coordinates; `None` when it has none.
    pub centre: Option<LatLng>,
    pub alone: Option<Alone>,
}

impl Post {
    /// What the post needs under its rule: P police and N TNI, and Linmas per village (see
    /// [`Post::linmas_by_village`]).
    pub fn need(&self, tps: &[PlanTps], rule: &PatternRule) -> Need {
        let linmas = super::requirement::saturating_sum(self.linmas_by_village(tps, rule).into_values());
        Need { polri: rule.police, tni: rule.tni, linmas }
    }

    /// Linmas by village: ⌈k_v·L/T⌉ for the `k_v` TPS of each village in the post.
    pub fn linmas_by_village(&self, tps: &[PlanTps], rule: &PatternRule) -> BTreeMap<RegionCode, u32> {
        let mut counts: BTreeMap<RegionCode, u32> = BTreeMap::new();
        for t in self.tps.iter().filter_map(|&i| tps.get(i)) {
            *counts.entry(t.village.clone()).or_default() += 1;
        }
        for k in counts.values_mut() {
            let share = (u64::from(*k) * u64::from(rule.linmas)).div_ceil(u64::from(rule.tps.max(1)));
            *k = u32::try_from(share).unwrap_or(u32::MAX);
        }
        counts
    }

    /// The labels of its TPS, joined: `TPS 001 Kedungmalang, TPS 002 Kedungmalang`.
    pub fn label(&self, tps: &[PlanTps]) -> String {
        let labels: Vec<&str> = self.tps.iter().filter_map(|&i| tps.get(i)).map(|t| t.label.as_str()).collect();
        labels.join(", ")
    }
}

fn metres(a: &LatLng, b: &LatLng) -> f64 {
    a.distance_km(b) * 1000.0
}

fn centroid(points: impl Iterator<Item = LatLng>) -> Option<LatLng> {
    let (mut lat, mut lng, mut n) = (0.0, 0.0, 0.0);
    for p in points {
        lat += p.lat;
        lng += p.lng;
        n += 1.0;
    }
    (n > 0.0).then(|| LatLng::new(lat / n, lng / n))
}

/// Groups TPS into posts. `rules` is [`super::requirement::rules_of`]'s answer for the same TPS. Posts come by
/// district, then rule (and village), then in the order made.
pub fn group(tps: &[PlanTps], rules: &[usize], pattern: &Pattern, config: &PostConfig) -> Vec<Post> {
    // (district, rule, village if grouped by village) → TPS indices.
    let mut buckets: BTreeMap<(RegionCode, usize, Option<RegionCode>), Vec<usize>> = BTreeMap::new();
    for (i, (t, &rule)) in tps.iter().zip(rules).enumerate() {
        let village = config.within_village.then(|| t.village.clone());
        buckets.entry((t.district.clone(), rule, village)).or_default().push(i);
    }
    let mut posts: Vec<Post> = Vec::new();
    let mut numbers: BTreeMap<RegionCode, u32> = BTreeMap::new();
    let mut push = |district: &RegionCode, rule: usize, members: Vec<usize>, alone: Option<Alone>| {
        let n = numbers.entry(district.clone()).or_default();
        *n += 1;
        let mut members = members;
        members.sort_unstable();
        let centre = centroid(members.iter().filter_map(|&i| tps[i].location));
        posts.push(Post {
            id: format!("POS-{district}-{n:03}"),
            district: district.clone(),
            rule,
            tps: members,
            centre,
            alone,
        });
    };
    for ((district, rule, _), mut members) in buckets {
        let capacity = pattern.rules.get(rule).map_or(1, |r| r.tps.max(1)) as usize;
        members.sort_by(|&a, &b| tps[a].id.cmp(&tps[b].id));
        let (located, unlocated): (Vec<usize>, Vec<usize>) =
            members.into_iter().partition(|&i| tps[i].location.is_some());
        let point = |i: usize| tps[i].location.unwrap_or(LatLng::new(0.0, 0.0));
        let centre = centroid(located.iter().map(|&i| point(i))).unwrap_or(LatLng::new(0.0, 0.0));
        let mut free: Vec<usize> = located;
        while !free.is_empty() {
            // The farthest from the centre opens the post (ties: the first by id, as `free` is sorted by id).
            let mut seed_at = 0;
            let mut far = f64::NEG_INFINITY;
            for (k, &i) in free.iter().enumerate() {
                let d = metres(&point(i), &centre);
                if d > far {
                    far = d;
                    seed_at = k;
                }
            }
            let seed = free.remove(seed_at);
            let mut post = vec![seed];
            let mut order: Vec<(f64, usize)> =
                free.iter().enumerate().map(|(k, &i)| (metres(&point(i), &point(seed)), k)).collect();
            order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut taken = Vec::new();
            for (_, k) in order {
                if post.len() >= capacity {
                    break;
                }
                let i = free[k];
                if post.iter().all(|&j| metres(&point(i), &point(j)) <= config.walking_m) {
                    post.push(i);
                    taken.push(k);
                }
            }
            taken.sort_unstable();
            for k in taken.into_iter().rev() {
                free.remove(k);
            }
            push(&district, rule, post, None);
        }
        for i in unlocated {
            push(&district, rule, vec![i], Some(Alone::NoLocation));
        }
    }
    posts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::fixtures::tps;
    use crate::deployment::requirement::{Requirement, rules_of};
    use crate::vulnerability::{IndicatorSet, SHIPPED};
    use proptest::prelude::*;

    fn pattern() -> Pattern {
        Pattern::shipped(&IndicatorSet::from_toml(SHIPPED[1].1).unwrap()).unwrap()
    }

    #[test]
    fn close_tps_share_a_post_up_to_t() {
        let p = pattern();
        // Ten kurang rawan TPS 100 m apart along a line (0.0009° of latitude ≈ 100 m): 2-8-16 allows 8 per post,
        // but the walking distance (1 km) lets at most 11 lie pairwise within it; 10 TPS → 2 posts.
        let list: Vec<PlanTps> = (0..10)
            .map(|i| tps(&format!("t{i:02}"), 1, 1, "kurang_rawan", Some((-1.0 + 0.0009 * f64::from(i), 104.0))))
            .collect();
        let rules = rules_of(&list, &p).unwrap();
        let posts = group(&list, &rules, &p, &PostConfig::default());
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].tps.len(), 8);
        assert_eq!(posts[0].id, "POS-15.07.01-001");
        // Grouped need: 2 posts → 4 police, Linmas 2 per TPS.
        let req = Requirement::from_posts(&posts, &list, &p);
        assert_eq!(req.regency, Need { polri: 4, tni: 0, linmas: 20 });
        assert!(req.grouped);
    }

    #[test]
    fn far_tps_classes_and_districts_are_kept_apart() {
        let p = pattern();
        let mut list = vec![
            tps("a", 1, 1, "kurang_rawan", Some((-1.0, 104.0))),
            tps("b", 1, 1, "kurang_rawan", Some((-1.0, 104.02))), // about 2.2 km east
            tps("c", 1, 1, "sangat_rawan", Some((-1.0, 104.0001))),
            tps("d", 2, 1, "kurang_rawan", Some((-1.0, 104.0002))),
            tps("e", 1, 1, "kurang_rawan", None),
        ];
        list[2].causes = vec!["berat".into()];
        let rules = rules_of(&list, &p).unwrap();
        let posts = group(&list, &rules, &p, &PostConfig::default());
        assert_eq!(posts.len(), 5, "{posts:?}");
        let lonely = posts.iter().find(|p| p.tps == vec![4]).unwrap();
        assert_eq!(lonely.alone, Some(Alone::NoLocation));
        assert_eq!(lonely.centre, None);
        // With a walking distance of 3 km, a and b share a post.
        let posts = group(&list, &rules, &p, &PostConfig { walking_m: 3000.0, within_village: false });
        assert_eq!(posts.len(), 4);
    }

    #[test]
    fn within_village_splits_by_village() {
        let p = pattern();
        let list = vec![
            tps("a", 1, 1, "kurang_rawan", Some((-1.0, 104.0))),
            tps("b", 1, 2, "kurang_rawan", Some((-1.0, 104.0001))),
        ];
        let rules = rules_of(&list, &p).unwrap();
        assert_eq!(group(&list, &rules, &p, &PostConfig::default()).len(), 1);
        let by_village = PostConfig { within_village: true, ..PostConfig::default() };
        assert_eq!(group(&list, &rules, &p, &by_village).len(), 2);
        // Linmas of a post across two villages round up per village.
        let odd =
            PatternRule { class: "x".into(), cause: None, police: 2, tps: 2, linmas: 3, tni: 0, note: String::new() };
        let post = &group(&list, &rules, &p, &PostConfig::default())[0];
        assert_eq!(post.need(&list, &odd), Need { polri: 2, tni: 0, linmas: 4 });
    }

    proptest! {
        #[test]
        fn posts_partition_the_tps_within_limits(
            points in proptest::collection::vec((0u32..3, 0u32..3, proptest::option::weighted(0.9, (0.0f64..0.03, 0.0f64..0.03))), 0..60),
            walking in 200.0f64..3000.0,
            within_village in any::<bool>(),
        ) {
            let p = pattern();
            let classes = ["kurang_rawan", "rawan", "sangat_rawan", "khusus"];
            let list: Vec<PlanTps> = points
                .iter()
                .enumerate()
                .map(|(i, (d, c, at))| tps(&format!("t{i}"), d + 1, i as u32 % 2, classes[*c as usize], at.map(|(a, b)| (-1.0 + a, 104.0 + b))))
                .collect();
            let rules = rules_of(&list, &p).unwrap();
            let config = PostConfig { walking_m: walking, within_village };
            let posts = group(&list, &rules, &p, &config);
            let mut seen = vec![0; list.len()];
            for post in &posts {
                let rule = &p.rules[post.rule];
                prop_assert!(!post.tps.is_empty());
                prop_assert!(post.tps.len() <= rule.tps as usize);
                for &i in &post.tps {
                    seen[i] += 1;
                    prop_assert_eq!(rules[i], post.rule);
                    prop_assert_eq!(&list[i].district, &post.district);
                    if within_village {
                        prop_assert_eq!(&list[i].village, &list[post.tps[0]].village);
                    }
                    for &j in &post.tps {
                        if let (Some(a), Some(b)) = (list[i].location, list[j].location) {
                            prop_assert!(metres(&a, &b) <= walking);
                        } else {
                            prop_assert_eq!(post.tps.len(), 1);
                        }
                    }
                }
            }
            prop_assert!(seen.iter().all(|n| *n == 1));
            prop_assert!(posts.len() <= list.len());
            // The estimate never exceeds the grouped need.
            let est = Requirement::estimate(&list, &rules, &p);
            let grouped = Requirement::from_posts(&posts, &list, &p);
            prop_assert!(est.regency.polri <= grouped.regency.polri);
            prop_assert_eq!(est.regency.linmas, grouped.regency.linmas);
            let ids: std::collections::BTreeSet<&str> = posts.iter().map(|p| p.id.as_str()).collect();
            prop_assert_eq!(ids.len(), posts.len());
        }
    }
}
